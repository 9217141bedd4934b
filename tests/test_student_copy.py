"""`make student-copy`: what students get is what they need (issue 13, item 6).

The copy is built once (``make student-copy DEST=...``, from the last commit) and then:

- its files are listed: the lessons and what runs them, ``backprop_core``'s nn/course/viz, and of the
  grading only the modules the lessons import; no solutions, tests, benchmarks, gradebook, grading state,
  exercise registry, hidden-test machinery or nbgrader plug-ins;
- nothing in it holds a hidden test, a case generator, a known mistake's code or a reference answer,
  beyond the references the lessons' demonstrations fall back on (``yours_or_reference``);
- one lesson's release runs in it headless, top to bottom, with the copy's own package, falling back
  on a reference where its exercise is not written yet; and its ``make`` knows ``lab``.
"""
from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from backprop_core.grading import exercises
from backprop_core.grading.judge.student_copy import ANSWER_FREE, lesson_needs

ROOT = Path(__file__).resolve().parents[1]
LESSON = "03-chain-rule"  # its demonstrations fall back on the reference of central_difference
TOP_LEVEL = {"index.ipynb", "lessons", "backprop_core", "etc", "pyproject.toml", "environment.yml", "Makefile",
             "README.md", ".gitignore"}


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("student-copy") / "course"
    made = subprocess.run(["make", "--no-print-directory", "student-copy", f"DEST={dest}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    return dest


def _files(copy: Path) -> list[str]:
    return sorted(str(p.relative_to(copy)) for p in copy.rglob("*") if p.is_file())


def test_holds_the_lessons_and_what_runs_them_and_nothing_of_the_instructors(copy):
    listed = _files(copy)
    print("\n".join(listed))  # what a student copy contains, in the test's log
    assert {p.name for p in copy.iterdir()} == TOP_LEVEL
    released = sorted(p.name for p in (ROOT / "lessons").iterdir() if p.is_dir())
    assert sorted(p.name for p in (copy / "lessons").iterdir()) == released
    for forbidden in ("solutions", "tests", "benchmarks", "deploy", "gradebook", "submitted", "autograded",
                      "feedback/", "nbgrader_config.py", ".grading", "exports"):
        assert not [f for f in listed if f.startswith(forbidden) or f"/{forbidden}" in f], forbidden
    for part in ("nn", "course", "viz"):  # the package the lessons compute with, whole
        tracked = subprocess.run(["git", "ls-files", f"backprop_core/{part}"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split()
        assert set(tracked) <= set(listed), f"backprop_core/{part} is not whole in the copy"


def answer_free_contract() -> list[str]:
    """The subpackages pyproject.toml's import-linter contract ``answer-free`` keeps free of the grader."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    return next(c["source_modules"] for c in contracts if c["id"] == "answer-free")


def test_its_grading_is_the_answer_free_part_whole(copy):
    assert answer_free_contract() == [ANSWER_FREE]  # the copy takes what the contract checks, nothing else
    grading = copy / "backprop_core" / "grading"
    part = ANSWER_FREE.rpartition(".")[2]
    modules = sorted(str(p.relative_to(grading)) for p in grading.rglob("*.py"))
    tracked = subprocess.run(["git", "ls-files", f"backprop_core/grading/{part}"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    assert modules == sorted(["__init__.py"] + [str(Path(t).relative_to("backprop_core/grading")) for t in tracked])
    assert {p.name for p in grading.iterdir()} <= {"__init__.py", part, "__pycache__"}, "more than the part"
    # Everything the lessons import from the grading is there, and nothing more is exported.
    init = (grading / "__init__.py").read_text()
    for name in ("public_test", "call_on_copies", "expect_close", "yours_or_reference"):
        assert name in init
    assert "check" not in json.dumps([line for line in init.splitlines() if line.startswith("from")])


def _registry_sources(function, seen=None) -> list[tuple[str, str]]:
    """(name, source) of the functions the registry (``grading.exercises``) defines behind ``function``: itself,
    and those its closure holds (a question's reference wraps the registry's answer, often a lambda: its
    source is its line). A function of nn/course, which the lessons use anyway, has none of its own."""
    seen = set() if seen is None else seen
    if not inspect.isfunction(function) or function in seen:
        return []
    seen.add(function)
    found = []
    if function.__module__.startswith("backprop_core.grading.exercises"):
        found.append((function.__name__, inspect.getsource(function).strip()))
    for cell in function.__closure__ or ():
        try:
            found += _registry_sources(cell.cell_contents, seen)
        except ValueError:
            pass  # an empty cell
    return found


def test_holds_no_hidden_test_case_known_mistake_or_answer_beyond_the_lessons_fallbacks(copy):
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in copy.rglob("*")
                     if p.is_file() and p.suffix in (".py", ".ipynb", ".md", ".json", ".toml", ".yml", ""))
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text and "grading.check(" not in text
    shipped = subprocess.run([sys.executable, "-c", "import json, backprop_core.grading.answerfree.lesson_references as r; "
                              "print(json.dumps(sorted(r.REFERENCES)))"],
                             cwd=copy, env=_with_copy(copy), capture_output=True, text=True, check=True)
    fallbacks = set(json.loads(shipped.stdout))
    assert fallbacks == lesson_needs(sorted((copy / "lessons").glob("*/*.ipynb"))).fallbacks
    leaked = []
    for exercise in exercises.all_exercises():
        functions = [("known mistake", m.function) for m in exercise.mistakes]
        functions += [("case generator", cases) for cases in exercise.properties.values()]
        if exercise.name not in fallbacks:
            functions.append(("reference answer", exercise.reference))
        for what, function in functions:
            for name, source in _registry_sources(function):
                if source in text:
                    leaked.append(f"{exercise.name}: {what} {name}")
    assert not leaked, leaked


def _with_copy(copy: Path) -> dict:
    """The environment with the copy's package first: it, not the repository's, is imported."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


@pytest.mark.notebook
def test_a_lessons_release_runs_in_it_headless(copy, tmp_path):
    probe = ("import backprop_core, sys; assert backprop_core.__file__.startswith(sys.argv[1]), "
             "backprop_core.__file__; import backprop_core.grading as g; assert not hasattr(g, 'check')")
    subprocess.run([sys.executable, "-c", probe, str(copy)], cwd=tmp_path, env=_with_copy(copy), check=True)
    notebook = copy / "lessons" / LESSON / f"{LESSON}.ipynb"
    out = tmp_path / "ran.ipynb"
    ran = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                          "--ExecutePreprocessor.timeout=300", f"--output={out}", str(notebook)],
                         cwd=notebook.parent, env=_with_copy(copy), capture_output=True, text=True, timeout=900)
    assert ran.returncode == 0, ran.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "is not written yet" in printed  # the release's exercises are the student's to write
    assert "uses the reference until it is" in printed  # a demonstration fell back on the copy's reference


def test_its_make_knows_lab(copy):
    shown = subprocess.run(["make", "--no-print-directory", "help"], cwd=copy, capture_output=True, text=True,
                           check=True).stdout
    assert "make lab" in shown
    planned = subprocess.run(["make", "--no-print-directory", "-n", "lab"], cwd=copy,
                             capture_output=True, text=True).stdout
    assert "jupyter lab" in planned and "etc/jupyter-student" in planned

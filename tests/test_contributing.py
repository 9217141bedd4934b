"""Issue 23: CONTRIBUTING.md's "Add a lesson" lists every file it touches, and following it is enough.

In a copy of the course, a throwaway lesson (tests/fixtures/new_lesson/) is added exactly as the recipe says: the
files it lists under "Files you write", nothing else; then ``make release ARGS=<id>`` (the real Makefile and
instructor command) and the checks of its step 6, run by pytest inside the copy, must pass for the new lesson
(all but the corpus's grading through nbgrader, which ``make test`` runs for every lesson).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEW = ROOT / "tests" / "fixtures" / "new_lesson"
LESSON = "11-recipe-check"


def recipe() -> str:
    """The text of CONTRIBUTING.md's "Add a lesson", up to its optional part."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index("## Add a lesson"):text.index("\n## ", text.index("## Add a lesson") + 1)]
    return section[:section.index("Only when the lesson needs them")]


def listed_paths(part: str, lesson: str, leading: bool = True) -> set[str]:
    """The repository paths ``part`` of the recipe names for ``lesson`` (``<id>`` and ``NN`` filled in): with
    ``leading``, the path each numbered step starts with (the file it touches), else every backticked path."""
    from backprop_core.course.toc import module_name

    quoted = re.findall(r"^\d+\. `([^`\s]+)`", part, re.MULTILINE) if leading else re.findall(r"`([^`\s]+)`", part)
    return {q.replace("<id>", lesson).replace("lessonNN", module_name(lesson)) for q in quoted
            if "/" in q or re.search(r"\.(py|toml|md|ipynb)$", q)}


def test_the_recipe_lists_the_files_of_a_lesson():
    text = recipe()
    write = listed_paths(text[text.index("Files you write"):text.index("Files `make release` writes")], LESSON)
    assert write == {"backprop_core/course/toc.toml", f"solutions/{LESSON}/{LESSON}.py",
                     "backprop_core/grading/exercises/lesson11.py", f"tests/corpus/{LESSON}/<variant>.py"}, write
    built = listed_paths(text[text.index("Files `make release` writes"):text.index("Checks:")], LESSON, leading=False)
    assert built >= {f"solutions/{LESSON}/{LESSON}.ipynb", f"lessons/{LESSON}/{LESSON}.ipynb", "README.md",
                     "index.ipynb"}, built


def _copy_of_the_course(dest: Path) -> Path:
    """The working tree's course (what git tracks, as it is now) in ``dest``, without state or environments."""
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "__pycache__", "*.egg-info", "test-artifacts",
                                    "gradebook.db*", "submitted", "autograded", "feedback", ".grading", "release")
    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    return dest


def _fake_venv(folder: Path) -> Path:
    """A VENV for make whose python is this one (an exec wrapper: a symlink would lose the venv's packages), its
    install stamps newer than the copy's pyproject.toml, so make installs nothing into this environment."""
    (folder / "bin").mkdir(parents=True)
    python = folder / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    for stamp in (".installed-lab", ".installed-instructor"):
        (folder / stamp).touch()
    return folder


@pytest.mark.grading
@pytest.mark.notebook
def test_a_lesson_added_by_the_recipe_alone_passes_its_checks(tmp_path):
    course = _copy_of_the_course(tmp_path / "course")
    before = {p.relative_to(course) for p in course.rglob("*") if p.is_file()}

    # Files you write (1-4), as the recipe names them
    toc = course / "backprop_core" / "course" / "toc.toml"
    toc.write_text(toc.read_text(encoding="utf-8") + (NEW / "toc.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (course / "solutions" / LESSON).mkdir()
    shutil.copy(NEW / f"{LESSON}.py", course / "solutions" / LESSON / f"{LESSON}.py")
    shutil.copy(NEW / "lesson11.py", course / "backprop_core" / "grading" / "exercises" / "lesson11.py")
    shutil.copytree(NEW / "corpus", course / "tests" / "corpus" / LESSON)
    added = {p.relative_to(course) for p in course.rglob("*") if p.is_file()} - before
    variants = {str(p) for p in added if str(p).startswith(f"tests/corpus/{LESSON}/")}
    assert len(variants) >= 3
    text = recipe()
    listed = listed_paths(text[text.index("Files you write"):text.index("Files `make release` writes")], LESSON)
    assert {str(p) for p in added} - variants == listed - {f"tests/corpus/{LESSON}/<variant>.py"} - {
        "backprop_core/course/toc.toml"}, "the lesson needed files the recipe does not list"

    # 5: make release ARGS=<id>, the course's own Makefile and instructor command, on the copy's package
    env = {k: v for k, v in os.environ.items() if k not in ("BACKPROP_GRADEBOOK_URL", "MAKEFLAGS", "MAKELEVEL")}
    env["PYTHONPATH"] = str(course)
    venv = _fake_venv(tmp_path / "venv")
    made = subprocess.run(["make", "--no-print-directory", "release", f"ARGS={LESSON}", f"VENV={venv}"], cwd=course,
                          env=env, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert "pip install" not in made.stdout, "make installed into this environment"
    for built in (f"solutions/{LESSON}/{LESSON}.ipynb", f"lessons/{LESSON}/{LESSON}.ipynb"):
        assert (course / built).is_file(), f"make release did not write {built}"
    for shown in ("README.md", "index.ipynb"):
        assert f"lessons/{LESSON}/{LESSON}.ipynb" in (course / shown).read_text(encoding="utf-8"), shown

    # 6: the checks the recipe names, for the new lesson, inside the copy; but the corpus's grading through
    # nbgrader (minutes: make test runs it for every lesson of the table of contents), whose variants are
    # still checked against the references in-process (test_variant_is_right_on_random_inputs)
    checks = ["tests/test_toc.py", "tests/test_lesson_structure.py", "tests/test_corpus.py", "tests/test_lessons.py"]
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-p", "no:randomly",
                          *checks, "-k", f"({LESSON} or test_toc) and not through_autograde", f"--basetemp={tmp_path / 'pytest'}"],
                         cwd=course, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-5000:]
    summary = run.stdout.strip().splitlines()[-1]
    passed = int(re.search(r"(\d+) passed", summary)[1])
    assert passed >= 25 and "failed" not in summary, summary

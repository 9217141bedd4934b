"""Issue 21: an infrastructure failure is never everyone's 0, and time limits are fair on a busy machine.

Through the real instructor CLI, on the sample course released and handed in by
``alice`` (the reference solution) and ``bob`` (the untouched release):

- the canary (:mod:`backprop_core.grading.commands.canary`) grades the lesson's reference
  and release in the students' sandbox before anything is recorded; when the
  sandbox cannot import the package (the issue: an environment installed,
  editable, from another copy of the course) or ``bwrap`` cannot start, the run
  stops, exits 1, writes no grade and says why in one line;
- the issue's setup itself now grades right: the sandbox mounts and imports the
  package the grader imports;
- a sandbox that dies before the student's side says it is ready (here, a
  ``bwrap`` that refuses one student's sandbox) is "not graded: the grader could
  not run ...": no grade, ``grades-status.csv`` says why, the next run grades it.

And (``grading``, heavier) lesson 09's ``train`` on the digits: the reference
and a correct variant about five times slower both get full marks while eight
busy loops oversubscribe the two cores: limits count CPU time, scaled to the
reference's, measured in the same sandbox.
"""
from __future__ import annotations

import csv
import dataclasses
import inspect
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from test_grading_course import ROOT, SAMPLE, _env, instructor, new_course

pytestmark = pytest.mark.grading

LESSON = "00-sample"
TIMEOUT = 5
#: bubblewrap's own words where unprivileged user namespaces are off (bubblewrap 0.8, utils.c).
BWRAP_REFUSES = ("bwrap: No permissions to create new namespace, likely because the kernel does not allow "
                 "non-privileged user namespaces. On e.g. debian this can be enabled with "
                 "'sysctl kernel.unprivileged_userns_clone=1'.")
#: A comment that makes :func:`_refusing_bwrap`'s wrapper refuse the sandbox whose request holds it.
MARKER = "CN-SANDBOX-REFUSES-THIS-ONE"


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The sample course released, with alice's reference solution and bob's untouched release handed in."""
    from backprop_core.grading.judge.sandbox import bwrap_executable

    bwrap_executable()
    course = new_course(tmp_path_factory.mktemp("canary-class"), SAMPLE, LESSON)
    result = instructor(course, "release", LESSON, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    name = f"{LESSON}.ipynb"
    for student, notebook in (("alice", course / "solutions" / LESSON / name),
                              ("bob", course / "lessons" / LESSON / name)):
        (course / "submitted" / student / LESSON).mkdir(parents=True)
        shutil.copy(notebook, course / "submitted" / student / LESSON / name)
    return course


def _copy(released: Path, tmp_path: Path, with_package: bool = False) -> Path:
    course = tmp_path / "course"
    shutil.copytree(released, course)
    if with_package:  # a copy of the course with its own package, as a course team's checkout
        shutil.copytree(ROOT / "backprop_core", course / "backprop_core",
                        ignore=shutil.ignore_patterns("__pycache__"))
    return course


def _autograde(course: Path, *, path_first: Path | None = None, cwd: Path | None = None) -> tuple[int, str]:
    env = _env(TIMEOUT)
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    # From the course's folder, `python -m` imports the package there first, as `make autograde` in a checkout.
    args = [sys.executable, "-m", "backprop_core.grading.commands.instructor"]
    args += ["autograde", LESSON, "--workers", "1"] if cwd else ["--root", str(course), "autograde", LESSON,
                                                                  "--workers", "1"]
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=900)
    return result.returncode, result.stdout + result.stderr


def _scores(course: Path) -> dict:
    """student -> score of every submission the gradebook holds for the lesson."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        return {s.student.id: s.score for s in gradebook.find_assignment(LESSON).submissions}


def _statuses(course: Path) -> dict:
    result = instructor(course, "grades", timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "grades-status.csv", newline="", encoding="utf-8") as file:
        return {row["student"]: row["status"] for row in csv.DictReader(file)}


def _stop_line(log: str) -> str:
    lines = [line for line in log.splitlines() if line.startswith("autograde stopped")]
    assert len(lines) == 1, log
    return lines[0]


# ------------------------------------------------------------------ the setup, and the canary catching it
def test_a_copy_of_the_course_graded_with_an_environment_installed_from_another_copy_grades_right(released,
                                                                                                  tmp_path):
    course = _copy(released, tmp_path, with_package=True)
    imported = subprocess.run([sys.executable, "-c", "import backprop_core; print(backprop_core.__file__)"],
                              capture_output=True, text=True, cwd=course, check=True).stdout.strip()
    assert Path(imported).is_relative_to(course), "the grader must import the copy's package, as in the issue"
    installed_from = Path(__import__("backprop_core").__file__).parents[1]
    assert not installed_from.is_relative_to(course), "the environment must be installed from another copy"
    code, log = _autograde(course, cwd=course)
    assert code == 0, log
    assert f"canary of {LESSON}: the reference scored full and the release 0" in log, log
    assert _scores(course) == {"alice": 2.0, "bob": 0.0}, log


def test_a_sandbox_that_cannot_import_the_package_stops_the_run_before_any_grade(released, tmp_path):
    # The grader as the issue found it: the sandbox mounts the package the grader imports, but its python
    # looks for it where the environment's editable finder points (the other copy), which is not mounted.
    course = _copy(released, tmp_path, with_package=True)
    sandbox = course / "backprop_core" / "grading" / "judge" / "sandbox.py"
    fix = '        "PYTHONPATH": str(PACKAGE_DIR.parent),\n'
    assert fix in sandbox.read_text(), "the test reverts the fix of issue 21: it must find it"
    sandbox.write_text(sandbox.read_text().replace(fix, ""))
    code, log = _autograde(course, cwd=course)
    assert code != 0, log
    line = _stop_line(log)
    assert "no grade written" in line and f"the canary of {LESSON} failed" in line, line
    assert "cannot import the package" in line and "No module named 'backprop_core'" in line, line
    assert str(course / "backprop_core") in line and sys.executable in line, line  # it names the paths
    assert _scores(course) == {}, log
    assert "points" not in log, log


def test_a_bwrap_that_cannot_start_stops_the_run_quoting_it(released, tmp_path):
    course = _copy(released, tmp_path)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text(f"#!/bin/sh\necho \"{BWRAP_REFUSES}\" >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    code, log = _autograde(course, path_first=fake)
    assert code != 0, log
    line = _stop_line(log)
    assert "no grade written" in line and f"bubblewrap could not start the sandbox: {BWRAP_REFUSES}" in line, line
    assert _scores(course) == {}, log
    assert all(status.startswith("not graded") for status in _statuses(course).values())


def test_a_reference_that_does_not_score_full_stops_the_run_naming_its_failing_test(released, tmp_path):
    course = _copy(released, tmp_path)
    path = course / "solutions" / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, as_version=4)
    solution = next(c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))
    solution.source += "\n\n\ndef half_squared_error(output, target):\n    return 0.0\n"  # an edit gone wrong
    nbformat.write(nb, path)
    code, log = _autograde(course)
    assert code != 0, log
    line = _stop_line(log)
    assert f"the reference solution solutions/{LESSON}/ scored 0 / 2 in the grading sandbox, where it must score 2" \
        in line and "first failing test: AssertionError: half_squared_error" in line, line
    assert _scores(course) == {}, log


# ------------------------------------------------------------------ one sandbox that dies: not graded, never a 0
def _refusing_bwrap(folder: Path) -> Path:
    """A ``bwrap`` that runs the real one, except for a sandbox whose request holds :data:`MARKER`."""
    folder.mkdir()
    script = folder / "bwrap"
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        previous=""
        for arg in "$@"; do
            if [ "$previous" = "--bind" ] && grep -qs "{MARKER}" "$arg/request.json"; then
                echo "{BWRAP_REFUSES}" >&2
                exit 1
            fi
            previous="$arg"
        done
        exec {shutil.which("bwrap")} "$@"
        """))
    script.chmod(0o755)
    return folder


def test_a_sandbox_that_dies_before_the_students_code_runs_is_not_graded_and_is_retried(released, tmp_path):
    course = _copy(released, tmp_path)
    name = f"{LESSON}.ipynb"
    nb = nbformat.read(course / "solutions" / LESSON / name, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(f"# {MARKER}\nx = 1"))
    (course / "submitted" / "carol" / LESSON).mkdir(parents=True)
    nbformat.write(nb, course / "submitted" / "carol" / LESSON / name)

    code, log = _autograde(course, path_first=_refusing_bwrap(tmp_path / "bin"))
    assert code != 0, log  # something was not graded
    carol = [line for line in log.splitlines() if "carol" in line and "NOT graded" in line]
    assert carol and "the grader could not run" in carol[0] and BWRAP_REFUSES in carol[0], log
    assert _scores(course) == {"alice": 2.0, "bob": 0.0}, log  # carol's is no grade at all, never a 0
    status = _statuses(course)["carol"]
    assert status.startswith("not graded: the grader could not run") and "bubblewrap" in status, status

    code, log = _autograde(course)  # the sandbox works again: the next run grades her
    assert code == 0, log
    assert _scores(course)["carol"] == 2.0, log


# ------------------------------------------------------------------ fair time on a busy machine
def _train_source(slow_chunk: int | None) -> str:
    """Lesson 09's ``train`` as a student writes it; with ``slow_chunk``, its batches' gradients summed over an
    explicit loop on ``slow_chunk`` samples at a time (the same values, about five times slower for 3)."""
    body = textwrap.dedent('''\
        import numpy as np


        def train(weights, biases, hidden, X, T, learning_rate, epochs, batch_size, seed, gradients):
            X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
            history = np.zeros(epochs)
            for epoch in range(epochs):
                order = np.random.default_rng(seed + epoch).permutation(len(X))
                for start in range(0, len(X), batch_size):
                    rows = order[start:start + batch_size]
                    _, gW, gb = batch_gradients(gradients, weights, biases, hidden, X, T, rows)
                    for l in range(len(weights)):
                        weights[l] -= learning_rate * gW[l]
                        biases[l] -= learning_rate * gb[l]
                history[epoch] = gradients(weights, biases, hidden, X, T)[0]
            return history
        ''')
    if slow_chunk is None:
        return body + textwrap.dedent('''

            def batch_gradients(gradients, weights, biases, hidden, X, T, rows):
                return gradients(weights, biases, hidden, X[rows], T[rows])
            ''')
    return body + textwrap.dedent(f'''

        def batch_gradients(gradients, weights, biases, hidden, X, T, rows):
            gW, gb = [np.zeros_like(W) for W in weights], [np.zeros_like(b) for b in biases]
            for k in range(0, len(rows), {slow_chunk}):
                part = rows[k:k + {slow_chunk}]
                _, pW, pb = gradients(weights, biases, hidden, X[part], T[part])
                for l in range(len(weights)):
                    gW[l] += pW[l] * (len(part) / len(rows))
                    gb[l] += pb[l] * (len(part) / len(rows))
            return None, gW, gb
        ''')


def test_a_correct_solution_five_times_slower_gets_full_marks_on_an_oversubscribed_machine(tmp_path):
    from backprop_core.grading import exercises
    from backprop_core.grading.judge.hidden_tests import HiddenTestSettings, judge_exercise

    exercise = exercises.get("train")
    # A floor of a few CPU seconds (the course's is 10); the backstop as configured.
    settings = HiddenTestSettings(time_limit=3.0, cell_time_limit=10, build_cache=tmp_path / "builds")
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(8)]
    try:
        # The reference's CPU time, measured in the same sandbox on the same (busy) machine, as the canary does.
        reference = judge_exercise(exercise, ["digits"], [{"source": _train_source(None), "run": "all"}],
                                   settings)["digits"]
        assert reference.verdict.passed, reference.verdict.text
        scaled = dataclasses.replace(settings, reference_cpu={"train/digits": reference.cpu_seconds})
        slow = judge_exercise(exercise, ["digits"], [{"source": _train_source(3), "run": "all"}], scaled)["digits"]
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert slow.verdict.passed, slow.verdict.text
    assert slow.cpu_seconds > 3 * reference.cpu_seconds, (slow.cpu_seconds, reference.cpu_seconds)
    assert slow.cpu_seconds < scaled.cpu_limit("train", "digits")

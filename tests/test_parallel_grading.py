"""Issue 12, item 1: grading in parallel on Dask gives exactly the grades of grading one at a time.

One generated class of the sample course (``test_grading_course.build_class``:
the solution, the release, each known mistake, a stuck loop, a function that
raises, calls to the reference, answers hard-coded, tampered test cells) is
graded through the real instructor CLI, in separate copies of one released course:

- one at a time in the instructor's process (``--workers 1``);
- on the embedded Dask cluster (``--workers 2``);
- on a real multi-process cluster started here on loopback: ``dask scheduler``
  and two ``dask worker`` processes (``--scheduler tcp://127.0.0.1:<port>``),
  one of which is killed with SIGKILL while it grades: its submission is
  graded again by the other, and nothing is lost.

Every score of every test cell, and every row of the export, must be the same.
"""
from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_grading_course import SAMPLE, build_class, instructor, new_course

pytestmark = pytest.mark.grading

LESSON = "00-sample"
TIMEOUT = 5


@pytest.fixture(scope="module")
def released_class(tmp_path_factory) -> Path:
    """The sample course, released, with a generated class submitted (graded by nobody yet)."""
    from backprop_core.grading.sandbox import bwrap_executable

    bwrap_executable()  # fails, naming the Debian package, where bubblewrap is missing
    course = new_course(tmp_path_factory.mktemp("class"), SAMPLE, LESSON)
    result = instructor(course, "release", LESSON, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    build_class(course, LESSON, TIMEOUT)
    return course


def _grades(course: Path) -> dict:
    """student -> {grade id: (auto score, max score)}, from the gradebook."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        for student in sorted(p.name for p in (course / "submitted").iterdir()):
            notebook = gradebook.find_submission_notebook(LESSON, LESSON, student)
            found[student] = {g.name: (g.auto_score, g.max_score) for g in notebook.grades}
    return found


def _export(course: Path) -> list[dict]:
    result = instructor(course, "grades", timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "grades-status.csv", newline="", encoding="utf-8") as file:
        return [{k: v for k, v in row.items() if k != "graded_at"} for row in csv.DictReader(file)]


def _graded_copy(released: Path, tmp_path: Path, name: str, *args: str) -> tuple[Path, str]:
    course = tmp_path / name
    shutil.copytree(released, course)
    result = instructor(course, "autograde", LESSON, *args, timeout=TIMEOUT)
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "NOT graded" not in log, log
    return course, log


@pytest.fixture(scope="module")
def one_at_a_time(released_class, tmp_path_factory):
    course, _ = _graded_copy(released_class, tmp_path_factory.mktemp("sequential"), "course", "--workers", "1")
    return _grades(course), _export(course)


def test_the_embedded_cluster_grades_exactly_as_one_at_a_time(released_class, one_at_a_time, tmp_path):
    course, log = _graded_copy(released_class, tmp_path, "course", "--workers", "2")
    assert "embedded Dask cluster" in log, log
    for noise in ("SAWarning", "Traceback", "CommClosedError", "Warning:"):  # issue 24, item 8
        assert noise not in log, f"the instructor's log carries {noise!r}:\n{log}"
    grades, export = _grades(course), _export(course)
    assert grades == one_at_a_time[0]
    assert export == one_at_a_time[1]
    assert any(score for scores in grades.values() for score, _ in scores.values()), "nobody scored: a vacuous class"


# ------------------------------------------------------------------ a real multi-process cluster
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args: str, log: Path) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "dask"), *args]
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)


def _wait_for_workers(address: str, n: int, seconds: float = 60) -> None:
    from dask.distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(n, timeout=seconds)


def test_a_real_scheduler_and_two_workers_grade_the_same_even_when_one_is_killed(released_class, one_at_a_time,
                                                                                 tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
                       log=tmp_path / "scheduler.log")]
    try:
        time.sleep(1)
        workers = [_dask("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{k}",
                         log=tmp_path / f"worker{k}.log") for k in range(2)]
        processes += workers
        _wait_for_workers(address, 2)
        course = tmp_path / "course"
        shutil.copytree(released_class, course)
        run = subprocess.Popen([sys.executable, "-m", "backprop_core.grading.instructor", "--root", str(course),
                                "autograde", LESSON, "--scheduler", address], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "BACKPROP_CELL_TIMEOUT": str(TIMEOUT),
                                    "BACKPROP_CHECK_TIME_LIMIT": "5"})
        lines = []
        for line in run.stdout:  # kill one worker as soon as the first result is in: it is grading another
            lines.append(line)
            if "points" in line and workers[0].poll() is None:
                os.killpg(workers[0].pid, signal.SIGKILL)
        run.wait(timeout=600)
        log = "".join(lines)
        assert workers[0].poll() is not None, "the worker to kill was not killed"
        assert run.returncode == 0 and "NOT graded" not in log, log
        assert f"grading on the Dask cluster at {address}" in log
        assert _grades(course) == one_at_a_time[0]
        assert _export(course) == one_at_a_time[1]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

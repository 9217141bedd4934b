"""The canary: before a run writes a grade, the lesson's reference and its release are graded as students are.

An infrastructure failure must never become everyone's 0: a sandbox that cannot
import ``backprop_core`` (an environment installed from another copy of the
course), a ``bwrap`` that cannot start (no unprivileged user namespaces, a
missing bind), a grader whose limits the reference cannot meet. So, before a
run records anything, and on each worker process before its first submission
of a lesson, :func:`for_task` grades

- the reference solution, ``solutions/<id>/<id>.ipynb`` (built by ``make release``), which must score full;
- the untouched release, ``lessons/<id>/<id>.ipynb``, which must score 0;

through the very path a student's submission takes (:func:`.submission.autograde_in_copy`:
nbgrader's autograde, the same configuration, the same sandbox). Otherwise the
canary fails with one line naming the cause, and the run stops without writing
a grade (:mod:`.instructor`).

The reference's run also measures its CPU time on each hidden test's cases, in
the same sandbox on the same machine: a student's limit is a multiple of it
(:meth:`.hidden_tests.HiddenTestSettings.cpu_limit`), handed to the submission's
grading by :func:`reference_config`.

A canary is kept per process for a lesson's task content (files, configuration,
settings and the run's gradebook snapshot): once per lesson, run and worker.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import nbgrader_api
from .submission import autograde_in_copy, worker_name

__all__ = ["CANARY_STUDENTS", "CanaryResult", "canary_task", "for_task", "reference_config", "could_not_run_line"]

#: The student ids the canary grades the reference and the release under (in private copies only).
REFERENCE, RELEASE = "canary-reference", "canary-release"
CANARY_STUDENTS = (REFERENCE, RELEASE)
#: How a :class:`.hidden_tests.GraderCouldNotRun` message starts.
COULD_NOT_RUN = "not graded: the grader could not run"


@dataclass(frozen=True)
class CanaryResult:
    """A lesson's canary on one worker: ``cause`` is "" when the reference scored full and the release 0."""

    lesson: str
    cause: str = ""
    reference_cpu: dict = field(default_factory=dict)  # "<exercise>/<property>" -> CPU seconds of the reference
    worker: str = ""
    seconds: float = 0.0
    release_checked: bool = False  # whether the release was graded too (see :func:`for_task`)


_KEPT: dict[str, CanaryResult] = {}
_LOCK = threading.Lock()


def canary_task(task):
    """The canary's own task for ``task``'s lesson: its lesson files, configuration and snapshot, no submission."""
    lesson_files = {path: data for path, data in task.files.items() if not path.startswith("submitted/")}
    return dataclasses.replace(task, student=REFERENCE, files=lesson_files)


def _key(task) -> str:
    """What the canary's outcome depends on: the lesson's files, the configuration, the settings, the snapshot."""
    digest = hashlib.sha256()
    for part in (task.lesson, task.config, json.dumps(sorted(task.settings.items()))):
        digest.update(part.encode() + b"\0")
    for path in sorted(p for p in task.files if not p.startswith("submitted/")):
        digest.update(path.encode() + b"\0" + hashlib.sha256(task.files[path]).digest())
    digest.update(hashlib.sha256(task.gradebook).digest())
    return digest.hexdigest()


def for_task(task, release: bool = False) -> CanaryResult:
    """The canary of ``task``'s lesson on this process: run on first use, then kept (see the module docstring).

    ``release``: grade the release too. The run's own canary, before anything is recorded, does; a worker's
    first use of a lesson grades the reference only (whether this worker's sandbox can grade, and the
    reference's CPU times here): whether the grader gives an untouched release 0 does not depend on the worker.
    """
    key = _key(task)
    with _LOCK:  # one canary at a time per process: two threads of one worker would only run it twice
        kept = _KEPT.get(key)
        if kept is None or (release and not kept.release_checked):
            _KEPT[key] = _run(canary_task(task), release)
        return _KEPT[key]


def reference_config(result: CanaryResult) -> str:
    """Configuration lines giving a submission's grading the reference's CPU times (its time limits scale)."""
    return f"c.SandboxedExecute.reference_cpu_seconds = {result.reference_cpu!r}\n"


def could_not_run_line(outcome: dict) -> str:
    """The :data:`COULD_NOT_RUN` line of a failed nbgrader outcome, or ""."""
    text = f"{outcome.get('error') or ''}\n{outcome.get('log') or ''}"
    for line in text.splitlines():
        if COULD_NOT_RUN in line:
            return line[line.index(COULD_NOT_RUN):].strip()
    return ""


def _notebooks(task, folder: str) -> dict:
    """The lesson's notebooks under ``folder/<lesson>/`` of the task's files, by name."""
    prefix = f"{folder}/{task.lesson}/"
    return {path[len(prefix):]: data for path, data in task.files.items()
            if path.startswith(prefix) and path.endswith(".ipynb") and "/" not in path[len(prefix):]}


@dataclass
class _Graded:
    """What grading one canary submission gave in its private copy."""

    score: float | None = None
    max_score: float | None = None
    failing: list = field(default_factory=list)  # the first lines of the failing tests' messages
    cpu: dict = field(default_factory=dict)


def _inspect(student: str, lesson: str, cpu_file: str):
    """Read, in the private copy, the canary submission's score, its failing tests and the CPU times."""
    def inspect(root: Path) -> _Graded:
        from nbgrader.api import Gradebook

        graded = _Graded()
        try:
            with warnings.catch_warnings(), Gradebook(f"sqlite:///{root / 'gradebook.db'}", "") as gradebook:
                # nbgrader's gradebook trips over its own SQLAlchemy session (harmless, noisy; as in instructor.main)
                warnings.filterwarnings("ignore", message=".*not in session.*")
                submission = gradebook.find_submission(lesson, student)
                graded.score, graded.max_score = float(submission.score), float(submission.max_score)
        except Exception:  # noqa: BLE001 (MissingEntry, no gradebook...: no grades, and the outcome says why)
            pass
        path = root / cpu_file
        for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
            entry = json.loads(line)
            graded.cpu[entry["key"]] = float(entry["cpu"])
        graded.failing = _failing_tests(root / "autograded" / student / lesson)
        return graded
    return inspect


def _failing_tests(folder: Path) -> list[str]:
    """The first line of each failing test's message in the autograded notebooks."""
    import nbformat

    lines = []
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                if output.get("output_type") == "error":
                    lines.append(f"{output.get('ename')}: {str(output.get('evalue', '')).splitlines()[0][:200]}"
                                 if output.get("evalue") else str(output.get("ename")))
    return lines


def _grade(task, student: str, notebooks: dict, folder: str) -> tuple[dict, _Graded]:
    """Grade ``notebooks`` as ``student``'s submission of the lesson; nbgrader's outcome and what it gave."""

    cpu_file = ".canary-cpu.jsonl"
    files = {**task.files, **{f"submitted/{student}/{task.lesson}/{name}": data for name, data in notebooks.items()}}
    extra = f"c.SandboxedExecute.cpu_times_file = {cpu_file!r}\n" if folder == "solutions" else ""
    return autograde_in_copy(dataclasses.replace(task, student=student, files=files), extra,
                             _inspect(student, task.lesson, cpu_file))


def _problem(what: str, outcome: dict, graded: _Graded, full: bool) -> str:
    """Why ``what`` did not score as it must (full marks, or 0 when not ``full``), or ""."""
    if not outcome.get("success"):
        why = could_not_run_line(outcome).removeprefix("not graded: ") or nbgrader_api.error_text(outcome)
        return f"{what} could not be graded: {why}"
    if graded.score is None:
        return f"{what} was graded, but its copy of the gradebook holds no score"
    expected = graded.max_score if full else 0.0
    if graded.score == expected:
        return ""
    failing = f" (first failing test: {graded.failing[0]})" if full and graded.failing else ""
    return (f"{what} scored {graded.score:g} / {graded.max_score:g} in the grading sandbox, where it must score "
            f"{expected:g}{failing}")


def _run(task, release: bool) -> CanaryResult:
    """Grade the lesson's reference, and its release when ``release`` (see the module docstring)."""

    start, lesson = time.perf_counter(), task.lesson
    reference, release_notebooks = _notebooks(task, "solutions"), _notebooks(task, "lessons")
    if not reference or not release_notebooks:
        missing = "solutions" if not reference else "lessons"
        return CanaryResult(lesson, f"the canary needs {missing}/{lesson}/*.ipynb: run make release",
                            worker=worker_name())
    outcome, graded = _grade(task, REFERENCE, reference, "solutions")
    cause = _problem(f"the reference solution solutions/{lesson}/", outcome, graded, full=True)
    if not cause and release:
        outcome, released = _grade(task, RELEASE, release_notebooks, "lessons")
        cause = _problem(f"the untouched release lessons/{lesson}/", outcome, released, full=False)
    return CanaryResult(lesson, cause, graded.cpu if not cause else {}, worker_name(), time.perf_counter() - start,
                        release)

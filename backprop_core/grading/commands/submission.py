"""One submission graded in a private copy of the course, as a grading worker does it.

A :class:`GradingTask` holds everything needed to grade one submission, as bytes; :func:`autograde_in_copy`
runs nbgrader's autograde on it in a private copy of the course (deleted afterwards), with the worker's
own sandbox uid and the submission's case key, and nothing of the real course or gradebook. Both the
grading of a class (:mod:`.parallel`) and each lesson's canary (:mod:`.canary`) grade through it, so
neither imports the other for it.
"""
from __future__ import annotations

import contextlib
import os
import resource
import socket
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import nbgrader_api

__all__ = ["GradingResult", "GradingTask", "autograde_in_copy", "cpu_seconds", "quiet_nbgrader", "read_folder",
           "scratch", "worker_name", "write_files"]

#: Environment variables of the course that decide how a submission is graded (timeouts, limits).
SETTINGS_PREFIX = "BACKPROP_"
#: The sandbox uid of a worker process: one per process, so that concurrent sandboxes do not share
#: one uid's process limit (RLIMIT_NPROC counts every process of a uid on the machine).
WORKER_UID_BASE = 200_000


@dataclass(frozen=True)
class GradingTask:
    """One submission to grade, self-contained (see the module docstring)."""

    student: str
    lesson: str
    config: str  # the text of the course's nbgrader_config.py
    files: dict  # path relative to the course root -> bytes
    gradebook: bytes  # an sqlite gradebook holding the lesson's definition only
    settings: dict = field(default_factory=dict)  # BACKPROP_* environment variables
    case_key: str = ""  # the key of this submission's hidden cases (.case_seeds); empty: the worker's own secret


@dataclass(frozen=True)
class GradingResult:
    """What grading one submission gave: the autograded folder, or why it could not be graded."""

    student: str
    lesson: str
    success: bool
    error: str = ""
    files: dict = field(default_factory=dict)  # path relative to autograded/<student>/<lesson> -> bytes
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    worker: str = ""
    canary: str = ""  # set when the lesson's canary failed on the worker: why (the grader's failure, not the student's)


# ------------------------------------------------------------------ files as bytes
def read_folder(folder: Path, prefix: str = "", skip: Callable[[Path], bool] = lambda p: False) -> dict:
    """Every file under ``folder`` as {prefix + relative path: bytes}."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not skip(path):
            found[prefix + path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def write_files(root: Path, files: dict) -> None:
    for relative, content in files.items():
        path = root / relative
        if not path.resolve().is_relative_to(root.resolve()):
            raise ValueError(f"files: every path must stay inside the course, got {relative!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


# ------------------------------------------------------------------ scratch folders
#: A RAM-backed folder where the system has one: the private course copies and gradebook snapshots are
#: thrown away after use, and sqlite waits for the disk on every commit (nbgrader commits per cell).
MEMORY_SCRATCH = Path("/dev/shm")


def scratch(prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary folder for files nobody keeps: in memory when it can be, else the usual temporary one."""
    memory = MEMORY_SCRATCH.is_dir() and os.access(MEMORY_SCRATCH, os.W_OK | os.X_OK)
    return tempfile.TemporaryDirectory(prefix=prefix, dir=str(MEMORY_SCRATCH) if memory else None)


# ------------------------------------------------------------------ the worker's side
def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the sandboxes), in seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _overrides(root: Path, case_key: str = "") -> str:
    """Config lines that point nbgrader at the private copy, give this worker process its own sandbox uid,
    and the submission's case key when the coordinator sent one."""
    # Kept across tasks; used only as the grader's own folder (owned, 0700, every entry checked): one that
    # another user made or changed is set aside for a fresh private one (sandbox.private_folder).
    cache = Path(tempfile.gettempdir()) / f"backprop-hidden-test-builds-{os.geteuid()}"
    return (f"\n# --- set by the grading worker {worker_name()}\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            f"c.CourseDirectory.db_url = {('sqlite:///' + str(root / 'gradebook.db'))!r}\n"
            f"c.SandboxedExecute.build_cache = {str(cache)!r}\n"
            f"c.SandboxedExecute.sandbox_uid = {WORKER_UID_BASE + os.getpid()}\n"
            + (f"c.SandboxedExecute.case_key = {case_key!r}\n" if case_key else ""))


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable by this user only (the config holds the submission's case key)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


@contextlib.contextmanager
def _course_settings(settings: dict):
    """The coordinator's ``BACKPROP_*`` settings as this process's environment, for one task.

    Every other ``BACKPROP_*`` variable is out meanwhile, ``BACKPROP_GRADEBOOK_URL`` above all: the
    course's config picks its gradebook from it, and a worker must not even try to reach (or need the
    driver of) the real one; the copy's snapshot is set by :func:`_overrides`.
    """
    saved = {k: v for k, v in os.environ.items() if k.startswith(SETTINGS_PREFIX)}
    for name in saved:
        del os.environ[name]
    os.environ.update({k: v for k, v in settings.items() if k.startswith(SETTINGS_PREFIX)
                       and k != "BACKPROP_GRADEBOOK_URL"})
    try:
        yield
    finally:
        for name in [k for k in os.environ if k.startswith(SETTINGS_PREFIX)]:
            del os.environ[name]
        os.environ.update(saved)


def quiet_nbgrader() -> None:
    """nbgrader's gradebook trips over its own SQLAlchemy session on every submission: a harmless
    ``SAWarning`` ("... not in session ...") that would fill an instructor's log, once per process."""
    warnings.filterwarnings("ignore", message=".*not in session.*")


def autograde_in_copy(task: GradingTask, extra_config: str = "", inspect: Callable[[Path], object] | None = None):
    """nbgrader's autograde of ``task`` in a private copy of the course (deleted afterwards).

    ``extra_config`` is appended to the copy's ``nbgrader_config.py``. Returns nbgrader's outcome (a dict
    with ``success``, and ``error``/``log`` on failure) and what ``inspect(root)`` made of the copy before
    it was deleted (None without ``inspect``). Never raises for a submission's sake.
    """
    quiet_nbgrader()
    with scratch("grading-") as tmp:
        root = Path(tmp)
        try:
            write_files(root, task.files)
            (root / "gradebook.db").write_bytes(task.gradebook)
            _write_private(root / "nbgrader_config.py", task.config + _overrides(root, task.case_key) + extra_config)
            with _course_settings(task.settings):
                outcome = nbgrader_api.api(root).autograde(task.lesson, task.student, force=True, create=True)
        except BaseException as error:  # noqa: BLE001 (a broken task, even a SystemExit, is reported, never fatal)
            outcome = {"success": False, "error": f"{type(error).__name__}: {error}"}
        return outcome, (inspect(root) if inspect is not None else None)

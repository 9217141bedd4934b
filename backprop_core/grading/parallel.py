"""Grading submissions in parallel on Dask, with one writer for the gradebook.

``make autograde`` hands each submission to grade to a worker as a
:class:`GradingTask`: everything needed to grade it, as bytes (the lesson's
source and release folders, the student's submitted folder, the course's
``nbgrader_config.py``, and a snapshot of the gradebook holding only the
lesson's definition). The worker (:func:`grade_submission`) grades it with
nbgrader, sandboxed as always, in a private copy of the course, and sends back
a :class:`GradingResult`: the autograded folder, as bytes. It never sees the
real gradebook or the real course folder, so a worker on another machine needs
no shared file system, and no two workers ever write the same thing.

The coordinator (the ``make autograde`` process, holding the gradebook's lock)
is the one writer: as results come in, it puts each autograded folder in place
and records its grades in the gradebook (:func:`record_result`, nbgrader's own
``SaveAutoGrades``), then marks the submission graded. A worker that dies
mid-submission loses nothing: Dask gives the task to another worker, and a
submission whose result never came back stays "not finished", so the next run
grades it again.

Where the work runs (:class:`GradingPool`): in this process when there is one
worker or one submission; else on an embedded ``LocalCluster`` with one worker
process per core; or on an existing cluster given by its scheduler's address.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import os
import resource
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

__all__ = ["GradingPool", "GradingResult", "GradingTask", "definition_snapshot", "grade_submission", "read_folder",
           "record_result"]

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


# ------------------------------------------------------------------ files as bytes
def read_folder(folder: Path, prefix: str = "", skip: Callable[[Path], bool] = lambda p: False) -> dict:
    """Every file under ``folder`` as {prefix + relative path: bytes}."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and not skip(path):
            found[prefix + path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def _write_files(root: Path, files: dict) -> None:
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


def _scratch(prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary folder for files nobody keeps: in memory when it can be, else the usual temporary one."""
    memory = MEMORY_SCRATCH.is_dir() and os.access(MEMORY_SCRATCH, os.W_OK | os.X_OK)
    return tempfile.TemporaryDirectory(prefix=prefix, dir=str(MEMORY_SCRATCH) if memory else None)


# ------------------------------------------------------------------ the gradebook's definition of a lesson
_EMPTY_GRADEBOOKS: dict = {}


def _empty_gradebook(course_id: str) -> bytes:
    """An empty sqlite gradebook, made once per process: nbgrader stamps a new one with alembic, ~2.5 s."""
    from nbgrader.api import Gradebook

    if course_id not in _EMPTY_GRADEBOOKS:
        with _scratch("gradebook-empty-") as tmp:
            path = Path(tmp) / "gradebook.db"
            with Gradebook(f"sqlite:///{path}", course_id):
                pass
            _EMPTY_GRADEBOOKS[course_id] = path.read_bytes()
    return _EMPTY_GRADEBOOKS[course_id]


def definition_snapshot(db_url: str, course_id: str, lesson: str) -> bytes:
    """An sqlite gradebook holding lesson ``lesson``'s definition (notebooks, cells, points), as bytes.

    Copied from the real gradebook, whatever its database: what the worker's
    nbgrader checks the submission against is exactly what was released.
    """
    from nbgrader.api import Gradebook

    with _scratch("gradebook-snapshot-") as tmp:
        path = Path(tmp) / "gradebook.db"
        path.write_bytes(_empty_gradebook(course_id))
        with Gradebook(db_url, course_id) as real, Gradebook(f"sqlite:///{path}", course_id) as copy:
            assignment = real.find_assignment(lesson)
            copy.update_or_create_assignment(lesson, duedate=assignment.duedate)
            for notebook in assignment.notebooks:
                copy.update_or_create_notebook(notebook.name, lesson)
                for cell in notebook.grade_cells:
                    copy.update_or_create_grade_cell(cell.name, notebook.name, lesson, max_score=cell.max_score,
                                                     cell_type=cell.cell_type)
                for cell in notebook.solution_cells:
                    copy.update_or_create_solution_cell(cell.name, notebook.name, lesson)
                for cell in notebook.task_cells:
                    copy.update_or_create_task_cell(cell.name, notebook.name, lesson, max_score=cell.max_score,
                                                    cell_type=cell.cell_type)
                for cell in notebook.source_cells:
                    copy.update_or_create_source_cell(cell.name, notebook.name, lesson, cell_type=cell.cell_type,
                                                      locked=cell.locked, source=cell.source, checksum=cell.checksum)
        return path.read_bytes()


# ------------------------------------------------------------------ the worker's side
def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the sandboxes), in seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _overrides(root: Path) -> str:
    """Config lines that point nbgrader at the private copy, and give this worker process its own sandbox uid."""
    # Kept across tasks; used only as the grader's own folder (owned, 0700, every entry checked): one that
    # another user made or changed is set aside for a fresh private one (sandbox.private_folder).
    cache = Path(tempfile.gettempdir()) / f"backprop-hidden-test-builds-{os.geteuid()}"
    return (f"\n# --- set by the grading worker {_worker_name()}\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            f"c.CourseDirectory.db_url = {('sqlite:///' + str(root / 'gradebook.db'))!r}\n"
            f"c.SandboxedExecute.build_cache = {str(cache)!r}\n"
            f"c.SandboxedExecute.sandbox_uid = {WORKER_UID_BASE + os.getpid()}\n")


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


def grade_submission(task: GradingTask) -> GradingResult:
    """Grade one submission in a private copy of the course (runs on a worker, or in the coordinator).

    Never raises for a submission's sake: what goes wrong comes back as ``success=False`` and a reason.
    """
    from .instructor import _api, _error_text  # here: a worker imports nbgrader once, on its first task

    start, cpu = time.perf_counter(), _cpu_seconds()
    with _scratch("grading-") as tmp:
        root = Path(tmp)
        try:
            _write_files(root, task.files)
            (root / "gradebook.db").write_bytes(task.gradebook)
            (root / "nbgrader_config.py").write_text(task.config + _overrides(root), encoding="utf-8")
            with _course_settings(task.settings):
                outcome = _api(root).autograde(task.lesson, task.student, force=True, create=True)
        except BaseException as error:  # noqa: BLE001 (a broken task, even a SystemExit, is reported, never fatal)
            outcome = {"success": False, "error": f"{type(error).__name__}: {error}"}
        graded = root / "autograded" / task.student / task.lesson
        done = bool(outcome.get("success")) and graded.is_dir()
        return GradingResult(
            task.student, task.lesson, done,
            "" if done else (_error_text(outcome) if not outcome.get("success") else "nbgrader wrote no result"),
            read_folder(graded) if done else {}, time.perf_counter() - start, _cpu_seconds() - cpu, _worker_name())


# ------------------------------------------------------------------ the one writer
def record_result(api, root: Path, result: GradingResult) -> None:
    """Put a successful result's autograded folder in place and save its grades in the real gradebook.

    What nbgrader's autograde does to the gradebook, done here, in the one process that writes it:
    the student and the submission (with its timestamp) exist, then each notebook's grades and
    comments (``SaveAutoGrades``) and the late penalty (``AssignLatePenalties``).
    """
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    graded = root / "autograded" / result.student / result.lesson
    fresh = graded.with_name(f".{result.lesson}.incoming")
    _remove(fresh)
    _write_files(fresh, result.files)
    _remove(graded)
    fresh.rename(graded)
    coursedir = api.coursedir
    timestamp = coursedir.get_existing_timestamp(str(root / "submitted" / result.student / result.lesson))
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        gradebook.update_or_create_student(result.student)
        if timestamp:
            gradebook.update_or_create_submission(result.lesson, result.student, timestamp=timestamp)
        else:
            gradebook.update_or_create_submission(result.lesson, result.student)
    for path in sorted(graded.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        resources = {"nbgrader": {"db_url": coursedir.db_url, "assignment": result.lesson, "notebook": path.stem,
                                  "student": result.student}}
        for step in (SaveAutoGrades(parent=api), AssignLatePenalties(parent=api)):
            nb, resources = step.preprocess(nb, resources)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# ------------------------------------------------------------------ where the work runs
#: Dask's background chores, slowed down: grading tasks last seconds, and every process of the cluster
#: otherwise wakes up 50 times a second to time its event loop and polls its memory and the system.
QUIET_CLUSTER = {
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "2s",
    "distributed.scheduler.work-stealing-interval": "1s",
    # the statistical profiler samples each worker's stack 100 times a second: nobody reads it here
    "distributed.worker.profile.enabled": False,
}


def _failed(task: GradingTask, error: BaseException) -> GradingResult:
    return GradingResult(task.student, task.lesson, False, f"the worker grading it failed: {type(error).__name__}: "
                         f"{error}")


class GradingPool:
    """Where the grading runs, started as soon as it is made so the cluster starts while tasks are built.

    In this process when there is one worker or one submission; else an embedded ``LocalCluster``
    with ``workers`` worker processes (started in a background thread: its processes start and import
    nbgrader on the second core while this process builds the tasks), or the existing cluster at
    ``scheduler``. Use as a context manager; :meth:`results` grades.

    Parameters
    ----------
    workers : int
        Worker processes of the embedded cluster (ignored with ``scheduler``).
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); its workers need this course
        package installed, and bubblewrap.
    count : int
        How many submissions will be graded.
    log : callable
        Where to say which cluster is used.
    """

    def __init__(self, workers: int, scheduler: str | None, count: int, log: Callable[[str], None] = print) -> None:
        self.in_process = scheduler is None and (workers <= 1 or count <= 1)
        self.log, self._client, self._cluster, self._dask_scratch = log, None, None, None
        if not self.in_process:
            starting = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dask-start")
            self._starting = starting.submit(self._start, workers, scheduler)
            starting.shutdown(wait=False)

    def _start(self, workers: int, scheduler: str | None):
        import logging

        import dask
        from dask.distributed import Client, LocalCluster

        # Dask's own scratch (worker folders, locks) in a fresh private folder: its default is a fixed
        # name in the shared temporary directory ("dask-scratch-space"), which any local user can make first.
        self._dask_scratch = tempfile.mkdtemp(prefix="grading-dask-")
        dask.config.set({**QUIET_CLUSTER, "temporary-directory": self._dask_scratch})
        if scheduler:
            client = Client(scheduler, timeout="30s")
            self.log(f"grading on the Dask cluster at {scheduler} ({len(client.scheduler_info()['workers'])} workers)")
            return client, None
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR, local_directory=self._dask_scratch)
        client = Client(cluster)
        # nbgrader and the course's grading modules imported now, while the coordinator still prepares
        client.run(_import_grading)
        self.log(f"grading on {workers} worker processes (an embedded Dask cluster)")
        return client, cluster

    def __enter__(self) -> "GradingPool":
        return self

    def __exit__(self, *exc) -> None:
        if self.in_process:
            return
        try:
            client, cluster = self._starting.result()
        except Exception:  # noqa: BLE001 (a cluster that never started has nothing to close)
            return
        client.close()
        if cluster is not None:
            cluster.close()
        if self._dask_scratch is not None:
            shutil.rmtree(self._dask_scratch, ignore_errors=True)

    def results(self, tasks: Iterable[GradingTask]) -> Iterator[GradingResult]:
        """Grade ``tasks`` (built lazily if an iterator), yielding each result as it comes, in the order
        they finish. Each task is handed out as soon as it is built and the cluster is up."""
        if self.in_process:
            for task in tasks:
                yield grade_submission(task)
            return
        from dask.distributed import as_completed

        futures, waiting = {}, []
        for task in tasks:
            waiting.append(task)
            if self._starting.done():
                futures.update(self._submit(waiting))
                waiting = []
        futures.update(self._submit(waiting))
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as error:  # noqa: BLE001 (KilledWorker, a lost connection...)
                yield _failed(futures[future], error)

    def _submit(self, tasks: list[GradingTask]) -> dict:
        client, _ = self._starting.result()
        # pure=False: the same submission graded twice is two tasks; retries: an exception on the worker
        # is tried again; a worker that dies has its task given to another by the scheduler.
        return {client.submit(grade_submission, task, pure=False, retries=1): task for task in tasks}


def _import_grading() -> None:
    from . import instructor  # noqa: F401 (nbgrader with it)


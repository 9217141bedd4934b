"""Grading submissions in parallel on Dask, with one writer for the gradebook.

``make autograde`` hands each submission to grade to a worker as a
:class:`GradingTask`: everything needed to grade it, as bytes (the lesson's
source and release folders, the student's submitted folder, the course's
``nbgrader_config.py``, and a snapshot of the gradebook holding only the
lesson's definition). The worker (:func:`grade_submission`) grades it with
nbgrader, sandboxed as always, in a private copy of the course
(:func:`.submission.autograde_in_copy`, the path each lesson's canary takes too), and sends back
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

Before a worker grades a lesson's first submission, it runs the lesson's canary
(:mod:`.canary`, kept per lesson and run on that process): a worker whose sandbox
cannot grade the reference sends back why (``GradingResult.canary``), never a grade.

Where the work runs (:class:`GradingPool`): in this process when there is one
worker or one submission; else on an embedded ``LocalCluster`` with one worker
process per core; or on an existing cluster given by its scheduler's address.

Whoever can talk to a Dask scheduler can run any function in the coordinator (which
writes the gradebook, as root) and in every worker: a cluster is code execution for
its clients. So the embedded cluster listens on loopback only and speaks mutual TLS
with a key and a self-signed certificate made for the run, in memory
(``Security.temporary``), which only this process and the workers it starts hold:
a client or worker without that certificate is refused during the handshake. A remote
cluster must be ``tls://``, with the class's certificates (:func:`remote_scheduler`).
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import canary, nbgrader_api
from .submission import (GradingResult, GradingTask, autograde_in_copy, cpu_seconds, read_folder, scratch, worker_name,
                         write_files)

__all__ = ["ClusterSettingsError", "GradingPool", "GradingResult", "GradingTask", "RemoteScheduler",
           "definition_snapshot", "grade_submission", "one_engine", "read_folder", "record_result",
           "remote_scheduler"]



# ------------------------------------------------------------------ the gradebook's definition of a lesson
_EMPTY_GRADEBOOKS: dict = {}


def _empty_gradebook(course_id: str) -> bytes:
    """An empty sqlite gradebook, made once per process: nbgrader stamps a new one with alembic, ~2.5 s."""
    from nbgrader.api import Gradebook

    if course_id not in _EMPTY_GRADEBOOKS:
        with scratch("gradebook-empty-") as tmp:
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

    with scratch("gradebook-snapshot-") as tmp:
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


def grade_submission(task: GradingTask) -> GradingResult:
    """Grade one submission in a private copy of the course (runs on a worker, or in the coordinator).

    The lesson's canary (:mod:`.canary`) runs first, once per lesson and run on this process: when it
    fails, the submission is not graded and the result says why (``canary``). Its measure of the
    reference's CPU time sets the submission's time limits. Never raises for a submission's sake: what
    goes wrong comes back as ``success=False`` and a reason.
    """
    start, cpu = time.perf_counter(), cpu_seconds()
    check = canary.for_task(task)
    if check.cause:
        return GradingResult(task.student, task.lesson, False, check.cause, {}, time.perf_counter() - start,
                             cpu_seconds() - cpu, worker_name(), canary=check.cause)

    def graded_folder(root: Path) -> dict | None:
        graded = root / "autograded" / task.student / task.lesson
        return read_folder(graded) if graded.is_dir() else None

    outcome, files = autograde_in_copy(task, canary.reference_config(check), graded_folder)
    done = bool(outcome.get("success")) and files is not None
    # The grader could not run the student's code (the sandbox died before it started): said as such, never a 0.
    could_not_run = canary.could_not_run_line(outcome).removeprefix("not graded: ")
    return GradingResult(
        task.student, task.lesson, done,
        "" if done else (could_not_run or nbgrader_api.error_text(outcome) if not outcome.get("success")
                         else "nbgrader wrote no result"),
        files if done else {}, time.perf_counter() - start, cpu_seconds() - cpu, worker_name())


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
    write_files(fresh, result.files)
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


@contextlib.contextmanager
def one_engine(db_url: str):
    """While it lasts, every nbgrader ``Gradebook`` of ``db_url`` in this process shares one SQLAlchemy engine.

    nbgrader makes a new engine for each ``Gradebook`` it opens: recording one notebook opens five (this
    module's, ``SaveAutoGrades``', ``AssignLatePenalties``', the completion records'), so SQLAlchemy's cache
    of compiled statements starts empty each time and the one writer spends most of its CPU compiling the
    same SQL again (``benchmarks/bench_scale.py``, the writer alone). Only ``db_url`` shares: the sandboxes'
    scratch gradebooks (one per task) keep their own engines. ``Gradebook.close()`` still returns its
    connections (it disposes of the pool, which the engine refills on its next use).
    """
    import nbgrader.api

    original, shared = nbgrader.api.create_engine, {}

    def create_engine(url, *args, **kwargs):
        if str(url) != db_url or args:
            return original(url, *args, **kwargs)
        key = tuple(sorted(kwargs.items()))
        if key not in shared:
            shared[key] = original(url, **kwargs)
        return shared[key]

    nbgrader.api.create_engine = create_engine
    try:
        yield
    finally:
        nbgrader.api.create_engine = original
        for engine in shared.values():
            engine.dispose()


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
#: The scheduler and each worker also serve HTTP (health, Prometheus metrics, info pages about the tasks and
#: workers), unauthenticated, on a port of their own that no setting closes: here they serve no page at all.
NO_HTTP_PAGES = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}


def _failed(task: GradingTask, error: BaseException) -> GradingResult:
    return GradingResult(task.student, task.lesson, False, f"the worker grading it failed: {type(error).__name__}: "
                         f"{error}")


# ------------------------------------------------------------------ who may talk to the cluster
class ClusterSettingsError(ValueError):
    """The remote cluster's settings cannot give an authenticated connection; the message says what to set."""


@dataclass(frozen=True)
class RemoteScheduler:
    """An existing Dask scheduler, and the TLS credentials (a ``distributed.Security``) to reach it with."""

    address: str
    security: object


#: Where each credential comes from when no command-line option gives it: Dask's own configuration
#: (``~/.config/dask/*.yaml`` or ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE``...).
_TLS_SETTINGS = {"ca_file": ("--tls-ca-file", "distributed.comm.tls.ca-file"),
                 "cert": ("--tls-cert", "distributed.comm.tls.client.cert"),
                 "key": ("--tls-key", "distributed.comm.tls.client.key")}


def remote_scheduler(address: str, ca_file: str | None = None, cert: str | None = None,
                     key: str | None = None) -> RemoteScheduler:
    """The scheduler at ``address`` with the class's TLS credentials, checked; raises :class:`ClusterSettingsError`.

    Parameters
    ----------
    address : str
        ``tls://host:port``; a ``tcp://`` address is refused: anyone who reaches it could run code in the
        workers and in this process.
    ca_file, cert, key : str, optional
        PEM files: the class's certificate authority (the scheduler's and workers' certificates must be
        signed by it), and this client's certificate and private key (the key may be inside ``cert``).
        Each defaults to Dask's configuration (``distributed.comm.tls.ca-file``, ``...client.cert``,
        ``...client.key``).
    """
    import dask
    from distributed.security import Security

    if not address.startswith("tls://"):
        raise ClusterSettingsError(
            f"--scheduler must be a TLS address, tls://host:port (a cluster without TLS lets anyone who reaches "
            f"it run code in its workers and in the grader), got {address!r}; see docs/instructors.md, 'Grading a large "
            f"class', for making the certificates and starting dask scheduler/dask worker with them")
    given = {"ca_file": ca_file, "cert": cert, "key": key}
    files = {name: given[name] or dask.config.get(config, None) for name, (_, config) in _TLS_SETTINGS.items()}
    for name in ("ca_file", "cert"):
        if not files[name]:
            option, config = _TLS_SETTINGS[name]
            raise ClusterSettingsError(f"--scheduler {address} needs {option} (or Dask's {config}): a PEM file; "
                                       f"none was given")
    for name, path in files.items():
        if path and not os.path.isfile(path):
            raise ClusterSettingsError(f"{_TLS_SETTINGS[name][0]} must be a readable PEM file, got {path!r}, "
                                       f"which is not a file")
    security = Security(tls_ca_file=files["ca_file"], tls_client_cert=files["cert"],
                        tls_client_key=files["key"], require_encryption=True)
    return RemoteScheduler(address, security)


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
    scheduler : RemoteScheduler, optional
        An existing Dask scheduler and its credentials (:func:`remote_scheduler`); its workers need
        this course package installed, and bubblewrap.
    count : int
        How many submissions will be graded.
    log : callable
        Where to say which cluster is used.
    """

    def __init__(self, workers: int, scheduler: RemoteScheduler | None, count: int,
                 log: Callable[[str], None] = print) -> None:
        self.in_process = scheduler is None and (workers <= 1 or count <= 1)
        self.log, self._client, self._cluster, self._dask_scratch = log, None, None, None
        if not self.in_process:
            starting = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dask-start")
            self._starting = starting.submit(self._start, workers, scheduler)
            starting.shutdown(wait=False)

    def _start(self, workers: int, scheduler: RemoteScheduler | None):
        import dask
        from dask.distributed import Client, LocalCluster
        from distributed.security import Security

        # Dask's own scratch (worker folders, locks) in a fresh private folder: its default is a fixed
        # name in the shared temporary directory ("dask-scratch-space"), which any local user can make first.
        self._dask_scratch = tempfile.mkdtemp(prefix="grading-dask-")
        dask.config.set({**QUIET_CLUSTER, "temporary-directory": self._dask_scratch})
        if scheduler:
            client = Client(scheduler.address, security=scheduler.security, timeout="30s")
            self.log(f"grading on the Dask cluster at {scheduler.address} "
                     f"({len(client.scheduler_info()['workers'])} workers)")
            return client, None
        # This run's credentials, in memory only (the worker processes get them through their pipe from
        # the nanny, never a file): the scheduler, nannies and workers listen on loopback, over TLS, and
        # each end of every connection must present this certificate. The scheduler's HTTP server (no pages,
        # NO_HTTP_PAGES) would take port 8787, warning when it is taken: a free port on loopback instead.
        security = Security.temporary()
        dask.config.set(NO_HTTP_PAGES)  # the nannies hand this configuration to their workers
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               host="127.0.0.1", protocol="tls://", security=security,
                               silence_logs=logging.ERROR, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                               local_directory=self._dask_scratch)
        client = Client(cluster, security=security)
        # nbgrader and the course's grading modules imported now, while the coordinator still prepares
        client.run(_import_grading)
        self.log(f"grading on {workers} worker processes (an embedded Dask cluster, TLS)")
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
        # The workers' connections close as the cluster stops: Dask logs that as an error with a traceback
        # (CommClosedError) after the run's last line. Nothing is lost by then: silence it.
        with _dask_logs_at(logging.CRITICAL):
            if cluster is not None:  # the workers and nannies log it too, in their own processes
                with contextlib.suppress(Exception):
                    client.run(_silence_dask_logs)
                    client.run(_silence_dask_logs, nanny=True)
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

    def canaries(self, tasks: list[GradingTask]) -> list:
        """Each lesson's canary (:func:`.canary.for_task`, one task per lesson) where the grading runs, all at
        once; on a cluster, the worker that ran one keeps it for the lesson's submissions."""
        if self.in_process:
            return [canary.for_task(task, release=True) for task in tasks]
        client, _ = self._starting.result()
        futures = [client.submit(canary.for_task, task, release=True, pure=False) for task in tasks]
        found = []
        for task, future in zip(tasks, futures):
            try:
                found.append(future.result())
            except Exception as error:  # noqa: BLE001 (a worker lost while it ran the canary)
                found.append(canary.CanaryResult(task.lesson, f"the canary could not run on the cluster: "
                                                              f"{type(error).__name__}: {error}"))
        return found

    def _submit(self, tasks: list[GradingTask]) -> dict:
        client, _ = self._starting.result()
        # pure=False: the same submission graded twice is two tasks; retries: an exception on the worker
        # is tried again; a worker that dies has its task given to another by the scheduler.
        return {client.submit(grade_submission, task, pure=False, retries=1): task for task in tasks}


def _silence_dask_logs() -> None:
    """In a worker or nanny of a closing cluster: its lost heartbeat (CommClosedError, a traceback on the
    instructor's console after the run's last line, as the scheduler goes first) is not worth a line."""
    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@contextlib.contextmanager
def _dask_logs_at(level: int):
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado")]
    saved = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, old in zip(loggers, saved):
            logger.setLevel(old)


def _import_grading() -> None:
    from nbgrader.apps import NbGraderAPI  # noqa: F401 (a worker's first task then finds nbgrader imported)


"""Instructor commands: nbgrader, one lesson and one student at a time, with progress.

Run from the course root (the directory of ``nbgrader_config.py``)::

    python -m backprop_core.grading.commands.instructor release            # solutions/<id>/<id>.py -> .ipynb -> lessons/
    python -m backprop_core.grading.commands.instructor autograde          # what under submitted/ is not graded yet
    python -m backprop_core.grading.commands.instructor feedback           # autograded/ -> feedback/ (HTML)
    python -m backprop_core.grading.commands.instructor grades             # gradebook -> grades.csv, grades-status.csv
    python -m backprop_core.grading.commands.instructor report             # the class at a glance -> class-report.html

``make release``, ``make autograde``, ``make feedback``, ``make grades`` and
``make report`` call these. Each command wraps nbgrader's own API (``NbGraderAPI``): the
configuration, the gradebook and the files are nbgrader's, this module only
walks the lessons and students, checks submissions before nbgrader sees them
and prints one line per student and lesson. A broken submission is reported
and skipped; the other students are graded, and what was graded before stays.

The bookkeeping around nbgrader:

- a submission counts as graded once its grading finished on the files now in
  its folder (:mod:`~backprop_core.grading.commands.completion`): a run that was
  interrupted, failed or saw other files is redone by the next ``autograde``;
- before ``autograde`` records anything, each lesson's canary (:mod:`~backprop_core.grading.commands.canary`)
  grades its reference and release in the students' sandbox: unless they score full and 0, the run
  stops, writes no grade and says why in one line;
- commands that write the gradebook (``release``, ``autograde``) hold its lock
  (:mod:`~backprop_core.grading.commands.runlock`): a second one is refused;
- ``grades`` writes, beside nbgrader's CSV, each lesson's status
  (:mod:`~backprop_core.grading.commands.gradesheet`): a lesson that could not be graded
  never looks like a real 0.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..judge import case_seeds, sandbox
from . import authoring, canvas, gradesheet, nbgrader_api, parallel, submission
from .completion import FAILED, GRADING, Record, Records, folder_checksum
from .progress import Progress
from .runlock import LockHeld, RunLock, lock_path

#: Course-relative directories (nbgrader's defaults, with our source/release names).
SOURCE, RELEASE, SUBMITTED, AUTOGRADED, FEEDBACK = "solutions", "lessons", "submitted", "autograded", "feedback"


@dataclass
class Report:
    """What a command did: one line per (student, lesson), and the failures."""

    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    progress: Progress | None = None  # while set, lines are printed above its bar

    def ok(self, line: str) -> None:
        self.done.append(line)
        self._print(line, sys.stdout)

    def fail(self, line: str) -> None:
        self.failed.append(line)
        self._print(line, sys.stderr)

    def _print(self, line: str, stream) -> None:
        if self.progress is not None:
            self.progress.log(line, file=stream)
        else:
            print(line, file=stream, flush=True)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# ------------------------------------------------------------------ course layout
def lessons(root: Path) -> list[str]:
    """Lesson ids: the directories of ``solutions/`` holding a notebook or a lesson's text source."""
    source = root / SOURCE
    if not source.is_dir():
        return []
    return sorted(d.name for d in source.iterdir()
                  if d.is_dir() and (any(d.glob("*.ipynb")) or authoring.text_source(root, d.name).is_file()))


def _expected_notebooks(root: Path, lesson: str) -> list[str]:
    return sorted(p.name for p in (root / SOURCE / lesson).glob("*.ipynb"))


def submission_problem(root: Path, student: str, lesson: str) -> str | None:
    """Why ``submitted/<student>/<lesson>/`` cannot be graded, or None when it can."""
    import nbformat

    folder = root / SUBMITTED / student / lesson
    if lesson not in lessons(root):
        return f"there is no lesson {lesson!r} in {SOURCE}/ (known: {', '.join(lessons(root)) or 'none'})"
    for name in _expected_notebooks(root, lesson):
        path = folder / name
        if not path.is_file():
            found = ", ".join(sorted(p.name for p in folder.glob("*.ipynb"))) or "no notebook"
            return f"missing notebook {path.relative_to(root)} (found {found})"
        try:
            with path.open(encoding="utf-8") as handle:
                data = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return f"{path.relative_to(root)} is not a notebook: not valid JSON ({error})"
        try:
            nbformat.validate(nbformat.reads(json.dumps(data), as_version=4))
        except Exception as error:  # noqa: BLE001 (nbformat raises several kinds)
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            return f"{path.relative_to(root)} is not a valid notebook ({first})"
    return None


def submissions(root: Path, wanted_lessons: list[str] | None = None, students: list[str] | None = None):
    """(student, lesson) pairs found under ``submitted/``, sorted."""
    base = root / SUBMITTED
    pairs = []
    for student_dir in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
        if students and student_dir.name not in students:
            continue
        for lesson_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if wanted_lessons and lesson_dir.name not in wanted_lessons:
                continue
            pairs.append((student_dir.name, lesson_dir.name))
    return pairs


# ------------------------------------------------------------------ commands
def _build_from_text(root: Path, lesson: str) -> str:
    """Build the lesson's notebook from its text source, if it has one; what was done, in a few words."""
    if not authoring.text_source(root, lesson).is_file():
        return ""
    changed = authoring.build_lesson(root, lesson)
    return f"{'built' if changed else 'up to date'} {authoring.notebook(root, lesson).relative_to(root)}, "


def _holding_the_lock(api, root: Path, command: str, report: Report, work) -> Report:
    """Run ``work()`` holding the gradebook's lock (:mod:`~backprop_core.grading.commands.runlock`): commands that
    write the gradebook run one at a time. While another holds it, nothing is done and ``report`` says who."""
    try:
        with RunLock(lock_path(api.coursedir.db_url, root), command=f"instructor {command}") as lock:
            if lock.stale:
                report.ok(f"the last run ({lock.stale}) stopped without finishing: its lock is released, "
                          "and what it left unfinished is done again")
            work()
    except LockHeld as refusal:
        report.fail(str(refusal))
    return report


def release(root: Path, wanted: list[str]) -> Report:
    """Build each lesson's notebook from its text source, then release it (nbgrader generate_assignment)."""
    api, report = nbgrader_api.api(root), Report()
    return _holding_the_lock(api, root, "release", report, lambda: _release_all(api, root, report, wanted))


def _release_all(api, root: Path, report: Report, wanted: list[str]) -> None:
    todo = wanted or lessons(root)
    if not todo:
        report.fail(f"no lessons in {root / SOURCE}")
    for k, lesson in enumerate(todo, 1):
        start = time.perf_counter()
        where = f"[{k}/{len(todo)}] {lesson}"
        try:
            built = _build_from_text(root, lesson)
        except authoring.AuthoringError as error:
            report.fail(f"{where}: NOT released: {error}")
            continue
        result = api.generate_assignment(lesson, force=True, create=True)
        if result.get("success"):
            report.ok(f"{where}: {built}released to {RELEASE}/{lesson}/ ({time.perf_counter() - start:.1f} s)")
        else:
            report.fail(f"{where}: NOT released: {nbgrader_api.error_text(result)}")


def _records(api) -> Records:
    return Records(api.coursedir.db_url, api.coursedir.course_id)


def _has_result(root: Path, student: str, lesson: str) -> bool:
    """Whether ``autograded/<student>/<lesson>/`` holds every notebook of the lesson."""
    folder = root / AUTOGRADED / student / lesson
    expected = _expected_notebooks(root, lesson)
    return bool(expected) and all((folder / name).is_file() for name in expected)


def grading_note(record: Record | None, checksum: str | None, result_present: bool) -> str | None:
    """Why a submission is graded now: None when it is already graded and is kept, "" when it
    never was, else the reason a rerun regrades it ("changed since it was graded", ...)."""
    if record is None:
        return "no record that its grading finished" if result_present else ""
    if record.status == GRADING:
        return f"its grading did not finish (run of {record.at}, pid {record.pid} on {record.host})"
    if record.status == FAILED:
        return "it could not be graded last time"
    if record.checksum != checksum:
        return "changed since it was graded"
    if not result_present:
        return "its graded result is missing (autograded/ or the gradebook)"
    return None


def _not_graded(api, root: Path, student: str, lesson: str, checksum: str | None, why: str) -> None:
    """Record that a submission is not graded, and take back every trace of an earlier grade of it.

    A grade that no longer stands (the files changed, or their regrade failed) must not live on
    anywhere: the gradebook's submission (the formgrader's totals, grades.csv), ``autograded/`` (the
    formgrader's pages) and ``feedback/`` (``make feedback`` would rewrite the old score) all go.
    """
    with _records(api) as records:
        records.failed(student, lesson, checksum, why)
        records.withdraw(student, lesson)
    for folder in (root / AUTOGRADED / student / lesson, root / FEEDBACK / student / lesson):
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class _Pending:
    """A submission to grade: where it stands in the run, and why it is graded now."""

    where: str
    student: str
    lesson: str
    checksum: str | None
    note: str


def autograde(root: Path, wanted: list[str], students: list[str], force: bool, workers: int | None = None,
              scheduler: str | None = None, tls: tuple[str | None, str | None, str | None] = (None, None, None)
              ) -> Report:
    """Grade every submission that is not graded yet, in parallel, under the gradebook's lock.

    A submission is kept only when its grading finished on exactly the files now in its folder
    (:mod:`~backprop_core.grading.commands.completion`); anything else (never graded, interrupted, failed,
    changed since) is graded again, on ``workers`` worker processes (default: one per core) or on
    the Dask cluster at ``scheduler`` (:mod:`~backprop_core.grading.commands.parallel`), a ``tls://`` address
    reached with ``tls`` (the class's CA file, this client's certificate and key; each None: Dask's
    configuration). This process alone writes the gradebook.
    """
    api, report = nbgrader_api.api(root), Report()
    try:
        remote = parallel.remote_scheduler(scheduler, *tls) if scheduler else None
    except parallel.ClusterSettingsError as error:
        report.fail(f"cannot grade: {error}. Nothing was done.")
        return report
    try:
        sandbox.bwrap_executable()  # every submission runs sandboxed: without bubblewrap, grade nothing
    except sandbox.SandboxUnavailable as missing:
        report.fail(f"cannot grade: {missing}; every submission runs in a bubblewrap sandbox. Nothing was done.")
        return report
    pairs = submissions(root, wanted, students)
    return _holding_the_lock(api, root, "autograde", report, lambda: _autograde_all(
        api, root, report, pairs, force, workers or os.cpu_count() or 1, remote))


def _to_grade(api, root: Path, report: Report, pairs: list[tuple[str, str]], force: bool) -> list[_Pending]:
    """The submissions this run grades; those kept or broken are reported here and then."""
    todo = []
    for k, (student, lesson) in enumerate(pairs, 1):
        where = f"[{k}/{len(pairs)}] {student} / {lesson}"
        checksum = folder_checksum(root / SUBMITTED / student / lesson)
        problem = submission_problem(root, student, lesson)
        if problem:
            if lesson in lessons(root):  # (a lesson that does not exist has no grades to stand beside)
                _not_graded(api, root, student, lesson, checksum, problem)
            report.fail(f"{where}: NOT graded: {problem}")
            report.progress.done(student, lesson, "not graded", problem)
            continue
        with _records(api) as records:
            score = records.score(student, lesson)
            present = score is not None and _has_result(root, student, lesson)
            note = grading_note(records.find(student, lesson), checksum, present)
        if note is None and not force:
            report.ok(f"{where}: already graded, kept ({score[0]:g} / {score[1]:g} points; --force regrades)")
            report.progress.done(student, lesson, "kept")
            continue
        todo.append(_Pending(where, student, lesson, checksum, note or ""))
    return todo


def _not_source(path: Path) -> bool:
    """Files of a lesson's folders that a grader never needs: the text source (solutions), checkpoints."""
    return path.suffix == ".py" or ".ipynb_checkpoints" in path.parts


def _lesson_parts(api, root: Path, lesson: str, parts: dict) -> tuple[dict, bytes | None]:
    """A lesson's files (source and release) and gradebook snapshot (None: never released), made once into
    ``parts``."""
    from nbgrader.api import MissingEntry

    if lesson not in parts:
        try:
            snapshot = parallel.definition_snapshot(api.coursedir.db_url, api.coursedir.course_id, lesson)
        except MissingEntry:
            snapshot = None
        files = {**submission.read_folder(root / SOURCE / lesson, f"{SOURCE}/{lesson}/", _not_source),
                 **submission.read_folder(root / RELEASE / lesson, f"{RELEASE}/{lesson}/", _not_source)}
        parts[lesson] = (files, snapshot)
    return parts[lesson]


def _course_settings(root: Path) -> tuple[str, dict]:
    """The course's configuration text and the ``BACKPROP_*`` settings a task carries."""
    config = (root / "nbgrader_config.py").read_text(encoding="utf-8")
    return config, {k: v for k, v in os.environ.items() if k.startswith("BACKPROP_") and k != "BACKPROP_GRADEBOOK_URL"}


def _tasks(api, root: Path, todo: list[_Pending], unsent: Callable[[_Pending, str], None], parts: dict) -> Iterator:
    """The grading tasks, built one by one (each lesson's gradebook snapshot when first needed); a
    submission that cannot even be sent (its lesson was never released) goes to ``unsent`` instead."""
    config, settings = _course_settings(root)
    # The course's secret stays here; each worker gets its submission's key only (.case_seeds).
    secret = case_seeds.course_secret(case_seeds.secret_folder(api.coursedir.db_url, root))
    for pending in todo:
        lesson = pending.lesson
        lesson_files, snapshot = _lesson_parts(api, root, lesson, parts)
        if snapshot is None:
            unsent(pending, f"the lesson {lesson} is not in the gradebook: run make release")
            continue
        files = {**lesson_files, **submission.read_folder(root / SUBMITTED / pending.student / lesson,
                                                       f"{SUBMITTED}/{pending.student}/{lesson}/")}
        yield submission.GradingTask(pending.student, lesson, config, files, snapshot, settings,
                                   case_seeds.submission_key(secret, pending.student, lesson))


def _canary_problem(api, root: Path, pool, todo: list[_Pending], parts: dict, log: Callable[[str], None]) -> str:
    """Run each lesson's canary (:mod:`~backprop_core.grading.commands.canary`) where the grading runs; the one line
    saying why the run must stop, or "" when every reference scored full and every release 0."""
    from . import canary

    config, settings = _course_settings(root)
    tasks = []
    for lesson in dict.fromkeys(p.lesson for p in todo):
        files, snapshot = _lesson_parts(api, root, lesson, parts)
        if snapshot is not None:  # (a lesson never released is reported per submission)
            tasks.append(canary.canary_task(submission.GradingTask(canary.REFERENCE, lesson, config, files, snapshot,
                                                                 settings)))
    for result in pool.canaries(tasks):
        if result.cause:
            return _stopped_by_canary(result.lesson, result.worker, result.cause)
        log(f"canary of {result.lesson}: the reference scored full and the release 0 in the grading sandbox "
            f"({result.seconds:.1f} s on {result.worker})")
    return ""


def _stopped_by_canary(lesson: str, worker: str, cause: str) -> str:
    return (f"autograde stopped, no grade written: the canary of {lesson} failed{' on ' + worker if worker else ''}: "
            f"{cause}")


def _record(api, root: Path, pending: _Pending, result) -> tuple[str, bool]:
    """Record a worker's result (the one writer); (what happened, success)."""
    failure = result.error
    if result.success:
        try:
            parallel.record_result(api, root, result)
        except Exception as error:  # noqa: BLE001 (a result that cannot be recorded is not graded)
            failure = f"its grades could not be recorded: {type(error).__name__}: {error}"
        else:
            with _records(api) as records:
                score = records.finished(pending.student, pending.lesson, pending.checksum)
            if score is not None:
                return f"{score[0]:g} / {score[1]:g} points ({result.seconds:.1f} s)", True
            failure = "nbgrader reported success, but the gradebook holds no grades for it"
    _not_graded(api, root, pending.student, pending.lesson, pending.checksum, failure)
    return failure, False


def _autograde_all(api, root: Path, report: Report, pairs: list[tuple[str, str]], force: bool, workers: int,
                   scheduler: parallel.RemoteScheduler | None) -> None:
    if not pairs:
        report.fail(f"nothing to grade: no {SUBMITTED}/<student>/<lesson>/ directories in {root}")
        return
    report.progress = Progress(len(pairs))
    try:
        _grade_in_parallel(api, root, report, _to_grade(api, root, report, pairs, force), workers, scheduler)
    finally:
        progress, report.progress = report.progress, None
        progress.finish()
    report.ok(progress.summary())


def _grade_in_parallel(api, root: Path, report: Report, todo: list[_Pending], workers: int,
                       scheduler: parallel.RemoteScheduler | None) -> None:
    if not todo:
        return
    pending = {(p.student, p.lesson): p for p in todo}

    def unsent(p: _Pending, why: str) -> None:
        del pending[(p.student, p.lesson)]
        _not_graded(api, root, p.student, p.lesson, p.checksum, why)
        report.fail(f"{p.where}: NOT graded: {why}")
        report.progress.done(p.student, p.lesson, "not graded", why)

    # The cluster starts (in the background) first; the canaries run on it before anything is recorded.
    parts: dict = {}
    with parallel.GradingPool(workers, scheduler, len(todo), log=report.ok) as pool, \
            parallel.one_engine(api.coursedir.db_url):
        stop = _canary_problem(api, root, pool, todo, parts, report.ok)
        if stop:
            report.fail(stop)
            for p in todo:
                report.progress.done(p.student, p.lesson, "not graded", "the run stopped: its canary failed")
            return
        with _records(api) as records:
            for p in todo:
                records.started(p.student, p.lesson, p.checksum)
        for result in pool.results(_tasks(api, root, todo, unsent, parts)):
            p = pending.pop((result.student, result.lesson))
            if result.canary:  # a worker whose canary failed: grade nothing more
                stop = _stopped_by_canary(p.lesson, result.worker, result.canary)
                with _records(api) as records:
                    records.failed(p.student, p.lesson, p.checksum, stop)
                report.fail(f"{p.where}: NOT graded: {stop}")
                report.progress.done(p.student, p.lesson, "not graded", result.canary)
                break
            outcome, success = _record(api, root, p, result)
            if success:
                report.ok(f"{p.where}: {p.note + ': regraded, ' if p.note else ''}{outcome}")
                report.progress.done(p.student, p.lesson, "regraded" if p.note else "graded")
            else:
                report.fail(f"{p.where}: NOT graded: {outcome}")
                report.progress.done(p.student, p.lesson, "not graded", outcome)
    why = f"the run stopped ({stop})" if stop else "no result came back from the workers"
    for p in pending.values():  # no result came back (they stay "not finished": the next run grades them)
        report.fail(f"{p.where}: NOT graded: {why}")
        report.progress.done(p.student, p.lesson, "not graded", why)


def feedback(root: Path, wanted: list[str], students: list[str], workers: int | None = None) -> Report:
    """Write the feedback pages of every graded submission, on ``workers`` processes (default: one per core).

    A submission that is not graded gets no page, and loses any earlier one: it would show a score that no
    longer stands.
    """
    api, report = nbgrader_api.api(root), Report()
    base = root / AUTOGRADED
    pairs = [(s.name, l.name) for s in sorted(base.iterdir()) if s.is_dir() and (not students or s.name in students)
             for l in sorted(s.iterdir()) if l.is_dir() and not l.name.startswith(".")
             and (not wanted or l.name in wanted)] if base.is_dir() else []
    if not pairs:
        report.fail(f"no autograded submissions in {base}: run autograde first")
    with _records(api) as records:
        statuses = {(row.student, row.lesson): row.status for row in gradesheet.lesson_statuses(records, root / SUBMITTED)}
    where = {pair: f"[{k}/{len(pairs)}] {pair[0]} / {pair[1]}" for k, pair in enumerate(pairs, 1)}
    todo = []
    for student, lesson in pairs:
        status = statuses.get((student, lesson), gradesheet.NOT_SUBMITTED)
        if status != gradesheet.GRADED_STATUS:
            shutil.rmtree(root / FEEDBACK / student / lesson, ignore_errors=True)
            report.ok(f"{where[student, lesson]}: no feedback ({status}); any earlier feedback page of it was removed")
        else:
            todo.append((student, lesson))
    for (student, lesson), error in _feedback_pages(api, root, todo, workers or os.cpu_count() or 1):
        if error is None:
            files = sorted((root / FEEDBACK / student / lesson).glob("*.html"))
            report.ok(f"{where[student, lesson]}: " + ", ".join(str(f.relative_to(root)) for f in files))
        else:
            report.fail(f"{where[student, lesson]}: NO feedback: {error}")
    return report


def _feedback_pages(api, root: Path, pairs: list[tuple[str, str]],
                    workers: int) -> Iterator[tuple[tuple[str, str], str | None]]:
    """Each (student, lesson)'s pages written, with None or why not, as they come: in this process for one
    worker or one page, else on a pool of processes (nbgrader writes one folder per page: no two share one)."""
    workers = min(workers, -(-len(pairs) // PAGES_PER_PROCESS))  # a process costs an nbgrader start-up
    if workers <= 1:
        for pair in pairs:
            yield pair, _feedback_page(api, pair)
        return
    import concurrent.futures
    import multiprocessing

    # (spawn: a forked copy of this process would share the gradebook's open connection.)
    with concurrent.futures.ProcessPoolExecutor(min(workers, len(pairs)), multiprocessing.get_context("spawn"),
                                                initializer=_feedback_worker, initargs=(str(root),)) as pool:
        futures = {pool.submit(_feedback_page_in_worker, pair): pair for pair in pairs}
        for future in concurrent.futures.as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception as error:  # noqa: BLE001 (a worker that died: that page is reported, the rest go on)
                yield futures[future], f"the process writing it failed: {type(error).__name__}: {error}"


#: Pages each feedback process writes at least (starting one, nbgrader imported, costs about 1.5 CPU-s).
PAGES_PER_PROCESS = 8
_WORKER_API = None


def _feedback_worker(root: str) -> None:
    global _WORKER_API
    submission.quiet_nbgrader()
    _WORKER_API = nbgrader_api.api(Path(root))


def _feedback_page_in_worker(pair: tuple[str, str]) -> str | None:
    return _feedback_page(_WORKER_API, pair)


def _feedback_page(api, pair: tuple[str, str]) -> str | None:
    """Write one submission's feedback pages (nbgrader's generate_feedback); None, or why it failed."""
    student, lesson = pair
    result = api.generate_feedback(lesson, student, force=True)
    return None if result.get("success") else nbgrader_api.error_text(result)


def _settle_grades_csv(path: Path, statuses: list[gradesheet.LessonStatus]) -> None:
    """nbgrader's ``grades.csv`` made to agree with the statuses, its columns unchanged.

    A lesson that is not graded (changed since, or its regrade failed) has empty scores, never an old
    one nor a 0; a student known only from the roster gets nbgrader's line for nothing submitted; the
    rows are sorted by lesson, then student (nbgrader writes them in the database's order, which
    differs between sqlite and PostgreSQL and from run to run).
    """
    with path.open(newline="") as file:
        reader = csv.DictReader(file)
        fields, rows = reader.fieldnames or [], list(reader)
    status = {(row.lesson, row.student): row for row in statuses}
    present = {(row["assignment"], row["student_id"]) for row in rows}
    for row in rows:
        lesson = status.get((row["assignment"], row["student_id"]))
        if lesson is not None and lesson.submitted and not lesson.graded:
            row.update(raw_score="", score="", late_submission_penalty="")
    for key, lesson in status.items():
        if key not in present:  # (nbgrader lists only the gradebook's students)
            zero = "" if lesson.submitted else "0.0"  # nbgrader's 0 for nothing submitted; not graded: none
            rows.append({**dict.fromkeys(fields, ""), "assignment": lesson.lesson, "student_id": lesson.student,
                         "raw_score": zero, "late_submission_penalty": zero, "score": zero,
                         "max_score": str(lesson.max_score)})
    _write_sorted(path, fields, rows, ("assignment", "student_id"))


def _write_sorted(path: Path, fields: list[str], rows: list[dict], keys: tuple[str, ...]) -> None:
    rows = sorted(rows, key=lambda row: tuple(row[k] for k in keys))
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def grades(root: Path, to: str, roster: str | None = None) -> Report:
    """Export nbgrader's CSV (``to``, as nbgrader writes it) and, beside it, each lesson's status
    (:mod:`~backprop_core.grading.commands.gradesheet`); print each student's total over the graded lessons."""
    from nbgrader.plugins import CsvExportPlugin

    api, report = nbgrader_api.api(root), Report()
    destination = Path(to) if Path(to).is_absolute() else root / to
    running = RunLock.holder_if_running(lock_path(api.coursedir.db_url, root))
    if running:
        report.ok(f"note: another command is running ({running}): what it has not finished shows as not graded")
    plugin = CsvExportPlugin(parent=api)
    plugin.to = str(destination)
    try:
        students = canvas.read_roster(Path(roster)) if roster else None
    except canvas.RosterError as error:
        report.fail(f"--roster: {error}. Nothing was exported.")
        return report
    # Canvas's file comes from the course's nbgrader export plug-in, as `nbgrader export --exporter=...` writes it;
    # the statuses it judged are the ones the other two files and the totals below use.
    to_canvas = canvas.CanvasExportPlugin(parent=api, to=str(canvas.canvas_csv_path(destination)),
                                          roster=str(roster or ""), submitted=str(root / SUBMITTED))
    with _records(api) as records:
        plugin.export(records.gradebook)
        to_canvas.export(records.gradebook)
    rows, export = to_canvas.statuses, to_canvas.written
    _settle_grades_csv(destination, rows)
    status_file = gradesheet.status_csv_path(destination)
    gradesheet.write_csv(status_file, rows)
    report.ok(f"wrote {export.path} (Canvas's gradebook import: {export.students} students, {export.scores} "
              f"scores, {export.empty} empty cells = not graded or not submitted, never 0)")
    if export.off_roster:
        report.ok(f"not on the roster (their nbgrader id is their SIS Login ID): {', '.join(export.off_roster)}")
    for student in dict.fromkeys(row.student for row in rows):
        report.ok(_student_total(student, [row for row in rows if row.student == student]))
    absent = sorted(student for student in students or () if all(not row.submitted for row in rows
                                                                 if row.student == student))
    if absent:
        report.ok(f"on the roster, nothing submitted ({len(absent)}): {', '.join(absent)}")
    report.ok(f"wrote {destination} (nbgrader's scores, 0 when there is none) and {status_file} "
              "(each lesson's status: graded, not graded and why, not submitted)")
    return report


def class_report(root: Path, to: str, roster: str | None = None, threshold: float | None = None) -> Report:
    """Write the class at a glance (:mod:`~backprop_core.grading.commands.report`) to ``to``: one offline HTML page."""
    from . import report as class_page
    from .similarity import DEFAULT_THRESHOLD

    api, report = nbgrader_api.api(root), Report()
    destination = Path(to) if Path(to).is_absolute() else root / to
    try:
        students = canvas.read_roster(Path(roster)) if roster else None
    except canvas.RosterError as error:
        report.fail(f"--roster: {error}. No report was written.")
        return report
    running = RunLock.holder_if_running(lock_path(api.coursedir.db_url, root))
    if running:
        report.ok(f"note: another command is running ({running}): what it has not finished shows as not graded")
    data = class_page.read_class(root, api.coursedir.db_url, api.coursedir.course_id, students,
                                 DEFAULT_THRESHOLD if threshold is None else threshold)
    class_page.write_page(data, destination)
    cells = len(data.statuses)
    graded = sum(row.graded for row in data.statuses)
    missing = sum(not row.submitted for row in data.statuses)
    report.ok(f"wrote {destination} ({len(data.students)} students, {len(data.lessons)} lessons: {graded} graded, "
              f"{cells - graded - missing} not graded, {missing} not submitted; {len(data.groups)} copying group(s))")
    return report


def _student_total(student: str, rows: list[gradesheet.LessonStatus]) -> str:
    """One student's total over their graded lessons, and how many lessons were not graded or not submitted."""
    graded = [row for row in rows if row.graded]
    not_graded = [row for row in rows if row.submitted and not row.graded]
    missing = len(rows) - len(graded) - len(not_graded)
    line = (f"{student}: {sum(row.score for row in graded):g} / {sum(row.max_score for row in rows):g} points "
            f"over {len(rows)} lesson(s): {len(graded)} graded, {len(not_graded)} not graded, {missing} not submitted")
    if not_graded:
        line += f" (not graded: {', '.join(row.lesson for row in not_graded)})"
    return line


# ------------------------------------------------------------------ command line
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"--workers must be a whole number of at least 1, got {text!r}")
    return value


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"--threshold must be a number from 0 to 1, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backprop_core.grading.commands.instructor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=".", help="course root, the directory of nbgrader_config.py (default: .)")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("release", help="build solutions/<id>/<id>.ipynb from <id>.py, then regenerate lessons/")
    p.add_argument("lessons", nargs="*", help="lesson ids (default: all in solutions/)")
    p = commands.add_parser("autograde", help="grade what under submitted/<student>/<lesson>/ is not graded yet")
    p.add_argument("lessons", nargs="*", help="lesson ids (default: all submitted)")
    p.add_argument("--student", action="append", default=[], help="only this student (repeatable)")
    p.add_argument("--force", action="store_true", help="also regrade submissions that are already graded")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="worker processes of the embedded Dask cluster (default: one per core; 1: in this process)")
    p.add_argument("--scheduler", default=os.environ.get("BACKPROP_DASK_SCHEDULER") or None,
                   help="address of an existing Dask scheduler to grade on, over TLS: tls://host:8786 "
                        "(default: $BACKPROP_DASK_SCHEDULER, else the embedded cluster)")
    for option, config, what in (("--tls-ca-file", "ca-file", "the class's certificate authority"),
                                 ("--tls-cert", "client.cert", "the grader's certificate (may hold its key too)"),
                                 ("--tls-key", "client.key", "the grader's private key")):
        p.add_argument(option, default=None,
                       help=f"with --scheduler: {what}, a PEM file (default: Dask's distributed.comm.tls.{config})")
    p = commands.add_parser("feedback", help="HTML feedback for every autograded submission")
    p.add_argument("lessons", nargs="*")
    p.add_argument("--student", action="append", default=[])
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="processes writing pages (default: one per core; 1: in this process)")
    p = commands.add_parser("grades", help="export the gradebook as CSV, with each lesson's status beside it")
    p.add_argument("--to", default="grades.csv",
                   help="nbgrader's CSV file (default: grades.csv in the course root); the statuses go to "
                        "<name>-status.csv beside it, Canvas's import to <name>-canvas.csv")
    p.add_argument("--roster", help="CSV mapping nbgrader ids to Canvas: student,name,canvas_id,sis_user_id,"
                                    "sis_login_id,section")
    p = commands.add_parser("report", help="the class at a glance: one offline HTML page with figures")
    p.add_argument("--to", default="class-report.html", help="the page (default: class-report.html in the course root)")
    p.add_argument("--roster", help="CSV of the class (as for grades): its students who handed in nothing are "
                                    "shown as missing, with their names")
    p.add_argument("--threshold", type=_threshold, default=None,
                   help="the copying report's similarity threshold for its groups (default: make similarity's)")
    args = parser.parse_args(argv)

    root = Path(args.root).resolve()
    submission.quiet_nbgrader()
    if args.command == "release":
        report = release(root, args.lessons)
    elif args.command == "autograde":
        report = autograde(root, args.lessons, args.student, args.force, args.workers, args.scheduler,
                           (args.tls_ca_file, args.tls_cert, args.tls_key))
    elif args.command == "feedback":
        report = feedback(root, args.lessons, args.student, args.workers)
    elif args.command == "report":
        report = class_report(root, args.to, args.roster, args.threshold)
    else:
        report = grades(root, args.to, args.roster)
    if report.failed:
        print(f"{len(report.failed)} problem(s); see the lines above.", file=sys.stderr)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())

"""Hidden tests judged outside the student's process.

For one submitted notebook and one exercise, :func:`judge_exercise`:

1. draws each graded property's random cases and works out, here, what the
   reference and the known mistakes give (:func:`.checker.expected_outcomes`);
2. writes the cases' arguments, as plain data (:mod:`.wire`), with the
   student's code cells (:func:`student_cells`) into a fresh scratch folder;
3. runs :mod:`.student_side` there in a sandbox (:mod:`.sandbox`) against a
   build of the package without the exercise's references (:mod:`.exam_build`):
   it runs the student's cells and calls their function on each case;
4. reads back what came (JSON only, size-capped, checked) and judges it here
   (:func:`.checker.verdict`): the expected answers, the comparison and the
   score never enter a process that runs student code.

A run cut short (an endless loop, ``os._exit``, a crash, the memory limit)
loses the cases it did not answer, with a message saying why; the other
exercises and students are graded as usual.

What cannot be judged is not graded, never scored 0: results that are not a
regular file of bounded size (a named pipe, a link, 60 MB) make the exercise
``not graded: its results could not be read`` (:attr:`Judged.not_graded`);
so does a submission past its time budget (:class:`SubmissionBudget`: every
sandbox and rerun of one notebook's exercises together), ``not graded: took
too long``. A cell that hung or killed its process is remembered for the rest
of the notebook and left out of every later exercise's runs, so it costs its
time limit once per notebook.
"""
from __future__ import annotations

import ast
import io
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import exercises
from ..answerfree import in_place
from .checker import DEFAULT_SEED, Outcome, RemoteError, Verdict, cases_of, expected_outcomes, verdict
from .exam_build import exam_build
from ..answerfree.limits import WALL_BACKSTOP_FACTOR, stop_message
from .sandbox import PACKAGE_DIR, SandboxLimits, SandboxResult, UnreadableResult, private_scratch, read_result, run_sandboxed
from ..student_process import wire
from ..student_process.student_side import READY
from ..answerfree import one_parser

__all__ = ["GraderCouldNotRun", "Judged", "HiddenTest", "HiddenTestSettings", "SubmissionBudget", "hidden_tests_of",
           "judge_exercise",
           "student_cells"]

#: At most this much of what the student's side wrote is read back (a run's answers take kilobytes);
#: past it the exercise is not graded.
MAX_RESULTS_BYTES = 16 * 1024 * 1024
#: A line longer than this is not parsed. One answer is one line: a wide answer (a 1000 × 1000 list) is
#: about 11 MB encoded and must still get its verdict (wrong); the whole file's cap bounds the memory anyway.
MAX_LINE_BYTES = MAX_RESULTS_BYTES
#: The watchdog's few words.
MAX_WATCHDOG_BYTES = 64 * 1024
UNREADABLE = "not graded: its results could not be read ({why}); no grade is written for it"
TOO_LONG = ("not graded: took too long (the hidden tests of this notebook, reruns included, used their "
            "{seconds:g} s); no grade is written for it")


@dataclass(frozen=True)
class HiddenTestSettings:
    """How a hidden test's sandboxed process runs (set from ``nbgrader_config.py``).

    Time is CPU time, what the code costs whatever else the machine is doing; the wall clock is only a
    backstop, ``wall_backstop`` times the CPU limit, for code that waits or sleeps.

    ``time_limit``: the floor of the CPU seconds the student's function has for all the cases of one property;
    ``cpu_factor`` and ``reference_cpu``: the limit is ``max(time_limit, cpu_factor * reference_cpu[key])``,
    where ``reference_cpu`` maps ``"<exercise>/<property>"`` to the CPU seconds the reference took on the same
    cases in the same sandbox on this machine (measured by the canary, :mod:`.canary`);
    ``cell_time_limit``: CPU seconds each of the student's cells may run before it is stopped;
    ``limits``: the sandbox's limits (its ``wall_seconds`` is worked out per exercise from the ones above);
    ``build_cache``: where the builds without references are kept (used only as the grader's own folder,
    :func:`.sandbox.private_folder`).
    """

    limits: SandboxLimits = SandboxLimits()
    time_limit: float = 10.0
    cell_time_limit: float = 30.0
    build_cache: Path = field(
        default_factory=lambda: Path(tempfile.gettempdir()) / f"backprop-hidden-test-builds-{os.geteuid()}")
    cpu_factor: float = 10.0
    wall_backstop: float = WALL_BACKSTOP_FACTOR
    reference_cpu: dict = field(default_factory=dict)

    def cpu_limit(self, exercise: str, prop: str) -> float:
        """CPU seconds the student's ``exercise`` has for the cases of ``prop`` (see the class docstring)."""
        return max(self.time_limit, self.cpu_factor * float(self.reference_cpu.get(f"{exercise}/{prop}", 0.0)))


class GraderCouldNotRun(RuntimeError):
    """The sandbox died before the student's side said it was ready: the grader's failure, never the student's.

    Its text starts with ``"not graded: the grader could not run"`` and says why in one line.
    """


@dataclass
class SubmissionBudget:
    """The wall-clock time one notebook's hidden tests may take together, and the cells that hung meanwhile.

    ``seconds``: for every sandbox and rerun of every exercise of the notebook; each run gets at most
    what is left, and once it is spent the rest is ``not graded: took too long``. ``hung``: indices
    (in :func:`student_cells`' list, the same cell for every exercise below it) of the cells that
    stopped a run; later exercises leave them out from the start. ``trimmed``: index -> source, for a cell
    stopped at its time limit that also defines names: later exercises run only its definitions
    (:func:`_definitions_only`), so the student keeps their functions and the limit is paid once.
    ``runs``: sandboxes started.
    """

    seconds: float = 3600.0
    started: float = field(default_factory=time.monotonic)
    hung: set = field(default_factory=set)
    trimmed: dict = field(default_factory=dict)
    runs: int = 0

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.started)


@dataclass(frozen=True)
class Judged:
    """A hidden test's verdict, what the student's function printed on stdout and stderr meanwhile, and the CPU
    seconds its cases took (0 when they did not all run)."""

    verdict: Verdict
    stdout: str = ""
    stderr: str = ""
    cpu_seconds: float = 0.0
    not_graded: str = ""  # why the grader could not judge it: then no grade is written


@dataclass(frozen=True)
class HiddenTest:
    """A hidden test cell of a notebook: where it is, and the exercise and property it grades."""

    index: int
    exercise: exercises.Exercise
    prop: str


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _by_grade_id() -> dict:
    return {e.grade_id(p): (e, p) for e in exercises.all_exercises() for p in e.properties}


def is_test_cell(cell) -> bool:
    """An nbgrader test cell (graded, not a solution): its outputs are the judge's to write."""
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def hidden_tests_of(nb) -> tuple[list[HiddenTest], list[int]]:
    """The notebook's hidden tests, and the indices of test cells no registered exercise grades."""
    known = _by_grade_id()
    found, unknown = [], []
    for index, cell in enumerate(nb.cells):
        if not is_test_cell(cell):
            continue
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id in known:
            found.append(HiddenTest(index, *known[grade_id]))
        else:
            unknown.append(index)
    return found, unknown


def _is_locked_test(cell) -> bool:
    meta = _nbgrader(cell)
    return bool(meta.get("locked")) and not meta.get("solution")


def student_cells(nb, upto: int, teaching_sources: set[str]) -> list[dict]:
    """The code cells above cell ``upto`` that a hidden test runs before calling the student's function.

    Test cells (public and hidden) are left out. A teaching cell the student left
    as it was (its source is in ``teaching_sources``) runs its imports only; any
    other cell (the solution cells, cells the student added or changed) runs in full.
    """
    cells = []
    for cell in nb.cells[:upto]:
        if cell.get("cell_type") != "code" or _is_locked_test(cell) or is_test_cell(cell):
            continue
        source = cell.get("source", "")
        if not source.strip():
            continue
        unchanged_teaching = source in teaching_sources and not _nbgrader(cell).get("solution")
        cells.append({"source": source, "run": "imports" if unchanged_teaching else "all"})
    return cells


def teaching_sources_of(nb) -> set[str]:
    """The sources of the teaching code cells of a lesson's source notebook (no nbgrader role)."""
    return {cell.source for cell in nb.cells if cell.cell_type == "code" and not _nbgrader(cell)}


# ------------------------------------------------------------------ reading what came back
@dataclass
class _Reply:
    """What the student's side reported, read and checked."""

    cases: dict = field(default_factory=dict)  # (property, index) -> event
    timeouts: dict = field(default_factory=dict)  # property -> index
    printed: dict = field(default_factory=dict)  # property -> (stdout, stderr) of the student's function
    function_kind: str | None = None  # set when the name holds no function
    done: bool = False
    stage: tuple = ()  # where it was when it stopped: ("cell", index) or ("property", name)
    cell_errors: dict = field(default_factory=dict)  # index of a student cell -> the error it raised
    cpu: dict = field(default_factory=dict)  # property -> CPU seconds its cases took


def _read_reply(raw: bytes, wanted: dict | None = None, n_cells: int | None = None) -> _Reply:
    """What ``raw`` (the results file's bytes) reports, one JSON line at a time.

    ``wanted``: property -> number of cases asked for; ``n_cells``: cells sent. An event about any
    other property, case or cell is not kept, so what is kept stays as small as the request (a
    forged file of a million lines keeps nothing more).
    """
    reply = _Reply()

    def asked(prop) -> bool:
        return isinstance(prop, str) and (wanted is None or prop in wanted)

    def sent(index) -> bool:
        return type(index) is int and (n_cells is None or 0 <= index < n_cells)

    for line in io.BytesIO(raw):
        if len(line) > MAX_LINE_BYTES:
            break
        try:
            event = json.loads(line.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError):
            # A line cut short (the run was stopped while writing) or forged past reading (nested too
            # deep): what came before counts, the rest is not read.
            break
        if not isinstance(event, dict):
            break
        kind = event.get("event")
        if kind == "case" and isinstance(event.get("property"), str) and type(event.get("index")) is int:
            if wanted is None or 0 <= event["index"] < wanted.get(event["property"], 0):
                reply.cases[(event["property"], event["index"])] = event
        elif kind == "timeout" and asked(event.get("property")):
            reply.timeouts[event["property"]] = (str(event.get("kind", "cpu"))[:10], _seconds(event.get("cpu")))
        elif kind == "printed" and asked(event.get("property")):
            reply.printed[event["property"]] = (str(event.get("stdout", ""))[:50_000], str(event.get("stderr", ""))[:50_000])
            reply.cpu[event["property"]] = _seconds(event.get("cpu"))
        elif kind == "cell" and sent(event.get("index")):
            reply.cell_errors[event["index"]] = str(event.get("error", ""))[:500]
        elif kind == "cell_start" and type(event.get("index")) is int:
            reply.stage = ("cell", event["index"])
        elif kind == "property_start" and isinstance(event.get("property"), str):
            reply.stage = ("property", event["property"])
        elif kind == "function":
            reply.function_kind = str(event.get("kind", ""))[:200]
        elif kind == "done":
            reply.done = True
    return reply


def _seconds(value) -> float:
    """A number of seconds the student's side reported; anything else is 0."""
    return float(value) if type(value) in (int, float) and 0 <= value < 1e9 else 0.0


def _remote_error(data) -> RemoteError | None:
    if not isinstance(data, dict):
        return None
    return RemoteError(str(data.get("type", "Exception"))[:100], str(data.get("message", ""))[:2000],
                       str(data.get("path", ""))[:300])


def _outcome(event: dict, kwargs: dict, changes: tuple) -> Outcome:
    """One case's Outcome from the student's side's report; anything malformed counts as a wrong answer."""
    try:
        error = _remote_error(event.get("error"))
        strict_error = _remote_error(event.get("strict"))
        strict = Outcome(error=strict_error, where=str(event["strict"].get("where", ""))) if strict_error else None
        warned = tuple(str(text)[:300] for text in event.get("warned", [])[:20])
        if error is not None:
            return Outcome(error=error, where=str(event["error"].get("where", ""))[:2000], warned=warned,
                           strict=strict)
        changed = in_place.changed_arguments(kwargs, _decode_after(event, kwargs), changes)
        return Outcome(value=wire.decode(event.get("value")), changed=changed, warned=warned, strict=strict)
    except (wire.WireError, AttributeError, TypeError, ValueError, RecursionError) as problem:
        return Outcome(error=RemoteError("UnreadableAnswer", f"the grader could not read what came back: {problem}"))


def _decode_after(event: dict, kwargs: dict) -> dict:
    """The arguments as the student's function left them; one not reported counts as unchanged."""
    after = event.get("after", {})
    if not isinstance(after, dict):
        raise wire.WireError("the arguments after the call must be an object")
    return {name: wire.decode(after[name]) if name in after else value for name, value in kwargs.items()}


def _stopped_reason(result: SandboxResult, watchdog: str, settings: HiddenTestSettings, limit: float) -> str:
    """Why a run ended before answering every case, in the student's words (``limit``: its CPU seconds)."""
    if watchdog or result.killed_by_limit == "wall_time":
        wall = limit * settings.wall_backstop
        return (f"did not return within {wall:g} s of wall-clock time (a backstop, {settings.wall_backstop:g} times "
                f"its CPU-time limit of {limit:g} s, for code that waits or sleeps) and was stopped: does it wait, "
                "sleep or block?")
    if result.killed_by_limit == "cpu":
        return (f"used more than {limit:g} s of CPU time and was stopped: is there an endless loop, "
                "or a computation far bigger than the cases need?")
    if result.killed_by_limit == "output":
        return "did not finish: the process running your code wrote too much output and was stopped"
    if result.killed_by_limit == "memory":
        return ("did not finish: the processes running your code used more than "
                f"{settings.limits.group_memory_bytes / 2**30:g} GiB of memory together and one was stopped")
    return (f"ended the process running your code (exit status {result.returncode}) on this case, "
            "so it could not be graded: does it call exit(), os._exit() or kill a process?")


# ------------------------------------------------------------------ judging
def _request(exercise, props: list[str], cells: list[dict], cases: dict, settings: HiddenTestSettings) -> dict:
    return {
        "function": exercise.name,
        "cells": cells,
        "cell_time_limit": settings.cell_time_limit,
        "time_limit": settings.time_limit,
        "wall_backstop": settings.wall_backstop,
        "properties": [{"name": prop, "cases": [wire.encode(case.kwargs) for case in cases[prop]],
                        "cpu_limit": settings.cpu_limit(exercise.name, prop)} for prop in props],
    }


def _wall_seconds(settings: HiddenTestSettings, n_cells: int, limits: list[float], left: float = float("inf")) -> float:
    """Room for interpreter start, every cell and every property at their wall backstops (``limits``: each
    property's CPU seconds), within the configured wall time and the ``left`` seconds of the submission's budget."""
    needed = 10.0 + settings.wall_backstop * (n_cells * settings.cell_time_limit + sum(limits))
    return max(min(settings.limits.wall_seconds, needed, left), 0.0)


def _could_not_run(exercise, result: SandboxResult) -> GraderCouldNotRun:
    """Why the sandbox never ran the student's side, in one line naming the cause."""
    lines = [line.strip() for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    last = lines[-1][:300] if lines else "it wrote nothing on stderr"
    if any(line.startswith("bwrap:") for line in lines):
        cause = f"bubblewrap could not start the sandbox: {next(l for l in lines if l.startswith('bwrap:'))[:300]}"
    elif any(line.startswith(("ModuleNotFoundError", "ImportError")) for line in lines) or "No module named" in last:
        cause = (f"the sandbox's python ({sys.executable}) cannot import the package: {last} (the grader imports "
                 f"backprop_core from {PACKAGE_DIR}, mounted there read-only)")
    elif result.killed_by_limit:
        cause = f"the sandbox was stopped by its {result.killed_by_limit} limit before it started: {last}"
    else:
        cause = f"the sandbox ended (exit status {result.returncode}) before it started: {last}"
    return GraderCouldNotRun(f"not graded: the grader could not run {exercise.name}'s hidden tests: {cause}")


#: How many times a run that died is started again (without the cell that killed it, or from the next property).
MAX_RERUNS = 4


@dataclass
class _Progress:
    """What the runs of one exercise have given so far."""

    reply: _Reply = field(default_factory=_Reply)
    stopped: dict = field(default_factory=dict)  # property -> why its cases stop short
    skipped: set = field(default_factory=set)  # cells that killed or hung the process, left out of the next run
    skipped_before: set = field(default_factory=set)  # of those, the ones an earlier exercise found
    not_graded: str = ""  # why this exercise cannot be judged at all


def _run_student_side(exercise, props, cells, cases, settings, build,
                      budget: SubmissionBudget) -> tuple[_Reply, SandboxResult, str]:
    """One sandboxed run of :mod:`.student_side`: what it reported, how it ended, what its watchdog wrote.

    Raises :class:`.sandbox.UnreadableResult` when the results or the watchdog's file is not a regular
    file of bounded size (the student's cells can put anything at those names).
    """
    with private_scratch("hidden-test-", settings.limits) as scratch:
        (scratch / "request.json").write_text(json.dumps(_request(exercise, props, cells, cases, settings)),
                                              encoding="utf-8")
        (scratch / "results.jsonl").touch()
        wall = _wall_seconds(settings, len(cells), [settings.cpu_limit(exercise.name, prop) for prop in props],
                             budget.left())
        limits = replace(settings.limits, wall_seconds=wall)
        budget.runs += 1
        result = run_sandboxed([sys.executable, "-m", "backprop_core.grading.student_process.student_side", "request.json",
                                "results.jsonl"], scratch, limits, package=build)
        if not result.stdout.startswith(READY.encode()):
            raise _could_not_run(exercise, result)
        wanted = {prop: len(cases[prop]) for prop in props}
        reply = _read_reply(read_result(scratch / "results.jsonl", MAX_RESULTS_BYTES), wanted, len(cells))
        watchdog = read_result(scratch / "watchdog.txt", MAX_WATCHDOG_BYTES, missing_ok=True)
        return reply, result, watchdog.decode("utf-8", errors="replace")[:2000]


def _merge(progress: _Progress, reply: _Reply) -> None:
    progress.reply.cell_errors.update(reply.cell_errors)
    progress.reply.cases.update(reply.cases)
    progress.reply.timeouts.update(reply.timeouts)
    progress.reply.printed.update(reply.printed)
    progress.reply.cpu.update(reply.cpu)
    if reply.function_kind is not None:
        progress.reply.function_kind = reply.function_kind


def judge_exercise(exercise: exercises.Exercise, props: list[str], cells: list[dict],
                   settings: HiddenTestSettings = HiddenTestSettings(),
                   budget: SubmissionBudget | None = None, seed: int = DEFAULT_SEED) -> dict[str, Judged]:
    """Grade the student's function ``exercise.name`` on the hidden tests ``props``; one result per property.

    A run that dies is started again: without the cell it died in (a cell that kills
    its process or never returns is stopped, as in the notebook, and the rest graded),
    or from the property after the one it died in (that property keeps what it answered).

    Parameters
    ----------
    exercise : Exercise
    props : list of str
        Graded properties of ``exercise`` (one hidden test cell each).
    cells : list of dict
        The student's code cells (:func:`student_cells`), run before the function is called.
    settings : HiddenTestSettings
    budget : SubmissionBudget, optional
        Shared by the exercises of one notebook (the time they have together, the cells that hung);
        default: one of its own.
    seed : int
        Seed of the random cases (:mod:`.case_seeds`: one per submission when autograded).
    """
    budget = SubmissionBudget() if budget is None else budget
    trimmed_before = sorted(i for i in budget.trimmed if i < len(cells))
    cells = [dict(cell, source=budget.trimmed[i]) if i in budget.trimmed else cell for i, cell in enumerate(cells)]
    cases = {prop: cases_of(exercise, prop, seed) for prop in props}
    judged = {prop: expected_outcomes(exercise, prop, cases[prop]) for prop in props}
    build = exam_build(exercise.replaces, settings.build_cache, withheld=exercise.withheld)
    progress, pending = _Progress(), list(props)
    progress.skipped_before = {i for i in budget.hung if i < len(cells)}
    progress.skipped |= progress.skipped_before
    try:
        _run_until_done(exercise, cells, cases, settings, build, budget, progress, pending)
    except UnreadableResult as why:
        progress.not_graded = UNREADABLE.format(why=why)
    # A cell stopped at its time limit (the alarm) is remembered too: it would cost that limit again. One that
    # binds no name is left out; one that also defines what the tests need keeps only its definitions.
    timed_out = {i for i, error in progress.reply.cell_errors.items() if error.startswith(TIMED_OUT_CELL)}
    budget.hung |= progress.skipped | {i for i in timed_out if _binds_nothing(cells[i]["source"])}
    for i in sorted(timed_out - budget.hung - set(budget.trimmed)):
        definitions = _definitions_only(cells[i]["source"])
        if definitions is not None:
            budget.trimmed[i] = definitions
    if progress.not_graded:
        return {prop: Judged(Verdict(False, progress.not_graded), not_graded=progress.not_graded) for prop in props}
    notes = _cell_notes(cells, progress) + [_trimmed_note(cells[i]["source"]) for i in trimmed_before]
    left_out = (_left_out_notes(cells, progress) + [_stopped_note(cells[i]["source"]) for i in sorted(timed_out)]
                + [_trimmed_note(cells[i]["source"]) for i in trimmed_before])
    return {prop: Judged(_with_notes(_judge_property(exercise, prop, cases[prop], judged[prop], progress, settings),
                                     notes, left_out),
                         *progress.reply.printed.get(prop, ("", "")), progress.reply.cpu.get(prop, 0.0))
            for prop in props}


def _binds_nothing(source: str) -> bool:
    """Whether a cell only runs (loops, expressions, pass) and defines nothing a later test could need."""
    try:
        body = one_parser.parse(source).body
    except (SyntaxError, ValueError):
        return False
    return all(isinstance(node, (ast.While, ast.Expr, ast.Pass)) for node in body)


#: How the student's side names a cell stopped at its time limit (:func:`.student_side._cell_error`: "the cell
#: used … s of CPU time, past its limit", or "did not finish within … of wall-clock time").
TIMED_OUT_CELL = "TimeoutError: the cell "

#: Seconds of budget below which no sandbox is started: the interpreter alone needs about this much.
MIN_RUN_SECONDS = 2.0


def _run_until_done(exercise, cells, cases, settings, build, budget: SubmissionBudget, progress: _Progress,
                    pending: list[str]) -> None:
    """The runs of one exercise (the first and its reruns), within the submission's budget, into ``progress``."""
    for _ in range(1 + MAX_RERUNS):
        if budget.left() < MIN_RUN_SECONDS:
            progress.not_graded = TOO_LONG.format(seconds=budget.seconds)
            return
        running = [dict(cell, run="skip") if i in progress.skipped else cell for i, cell in enumerate(cells)]
        reply, result, watchdog = _run_student_side(exercise, pending, running, cases, settings, build, budget)
        _merge(progress, reply)
        if result.timed_out and budget.left() < MIN_RUN_SECONDS:
            progress.not_graded = TOO_LONG.format(seconds=budget.seconds)
            return
        if reply.done or reply.function_kind is not None or not reply.stage:
            if not reply.done:
                for prop in pending:
                    progress.stopped.setdefault(prop, _stopped_reason(result, watchdog, settings,
                                                                      settings.cpu_limit(exercise.name, prop)))
            break
        where, what = reply.stage
        if where == "cell":
            progress.skipped.add(what)
            continue
        progress.stopped[what] = _stopped_reason(result, watchdog, settings, settings.cpu_limit(exercise.name, what))
        pending = pending[pending.index(what) + 1:] if what in pending else []
        if not pending:
            break
    else:  # every rerun died in a cell too
        for prop in pending:
            progress.stopped.setdefault(prop, "could not be graded: the cells of your notebook stopped the process "
                                              f"running them {1 + MAX_RERUNS} times")


#: What a cell's ImportError of the grader's parts means, for a student who tried to use them.
NOT_IN_BUILD = ("(While your function is graded, the grader's registry, its references and the course's pictures "
                "are not there to import: calling the reference earns nothing.)")


def _cell_notes(cells: list[dict], progress: _Progress) -> list[str]:
    """Lines on the student's cells that failed or were stopped while this test ran them."""
    notes = []
    for index, cell in enumerate(cells):
        first = _first_line(cell["source"])
        if index in progress.skipped_before:
            notes.append(_left_out(first))
        elif index in progress.skipped:
            notes.append(f"The cell starting {first!r} stopped the process running it (it never returned, or "
                         "killed it): it was left out, and the test ran without it.")
        elif index in progress.reply.cell_errors:
            error = progress.reply.cell_errors[index]
            notes.append(f"The cell starting {first!r} raised {error}")
            if error.startswith(("ModuleNotFoundError", "ImportError")) and "backprop_core" in error:
                notes.append(NOT_IN_BUILD)
    return notes


#: Top-level statements a cell stopped at its time limit keeps for later exercises: what defines names.
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Assign,
                ast.AnnAssign)


def _definitions_only(source: str) -> str | None:
    """``source`` without its top-level loops, expressions and other statements that define nothing; None when
    nothing would be left out (the time went into a definition) or the cell is not plain Python."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):
        return None
    kept = [node for node in body if isinstance(node, _DEFINITIONS)]
    if len(kept) == len(body):
        return None
    return ast.unparse(ast.Module(body=kept, type_ignores=[])) or "pass"


def _first_line(source: str) -> str:
    """How a note names a cell: its first line that is not blank, cut at 80 characters."""
    return next((line for line in source.splitlines() if line.strip()), "")[:80]


def _stopped_note(source: str) -> str:
    first = _first_line(source)
    return (f"The cell starting {first!r} was stopped at its time limit; the test ran with what it had defined "
            "by then. Is there an endless loop in it?")


def _trimmed_note(source: str) -> str:
    first = _first_line(source)
    return (f"The cell starting {first!r} ran past its time limit in an earlier test of this notebook: here only "
            "its definitions (def, class, import, assignments) were run, not its loops or other statements.")


def _left_out(first: str) -> str:
    return (f"The cell starting {first!r} was left out: it stopped the process running it in an earlier test "
            "of this notebook (it never returned in time, or killed it), so it was not run again.")


def _left_out_notes(cells: list[dict], progress: _Progress) -> list[str]:
    """The notes on cells an earlier exercise found hanging, in the order of the cells."""
    return [_left_out(_first_line(cells[i]["source"]))
            for i in sorted(progress.skipped_before)]


def _with_notes(result: Verdict, notes: list[str], left_out: list[str] = ()) -> Verdict:
    """A failing verdict with the notes on the student's cells added (a passing one needs none, but for
    ``left_out``: the cells not run at all, which the student is always told about)."""
    if result.passed and left_out:
        return Verdict(True, result.text + "\n" + "\n".join(left_out))
    if result.passed or not notes:
        return result
    return Verdict(False, result.text + "\nWhile your code ran for this test:\n" + "\n".join(f"  {n}" for n in notes),
                   result.mistakes)


def _judge_property(exercise, prop, cases, judged, progress: _Progress, settings: HiddenTestSettings) -> Verdict:
    reply = progress.reply
    if reply.function_kind is not None:
        what = f"got {reply.function_kind}" if reply.function_kind else "it is not defined (run its cell, or was it renamed?)"
        return Verdict(False, f"{exercise.name} should be a function: {what}")
    expected, mistakes = judged
    got = []
    for index, case in enumerate(cases):
        event = reply.cases.get((prop, index))
        if event is None:
            break
        got.append(_outcome(event, case.kwargs, exercise.changes))
    limit = settings.cpu_limit(exercise.name, prop)
    if prop in reply.timeouts:
        kind, used = reply.timeouts[prop]
        stopped = stop_message(kind, used, limit, limit * settings.wall_backstop)
    else:
        stopped = progress.stopped.get(prop, "")
    return verdict(exercise, prop, cases, expected, mistakes, got, limit, stopped)

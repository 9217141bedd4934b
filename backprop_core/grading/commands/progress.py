"""Progress of a whole autograde run: a live bar while it runs (:mod:`rich.progress`), a summary at the end.

::

    with Progress(len(pairs)) as progress:
        for student, lesson in pairs:
            progress.done(student, lesson, "graded")           # or "regraded", "kept"
            progress.done(student, lesson, "not graded", why)  # the reason is required here
    print(progress.summary())

The line: a bar, done/total, notebooks graded per minute (graded and regraded: kept ones cost nothing and
would flatter the rate), the time left at that rate, how many could not be graded so far::

    [##------------------]  45/320  14.0 nb/min  ~20 min left  2 not graded

On a terminal rich draws it live, in place, and :meth:`Progress.log` prints lines above it. Anywhere else
(a CI log, a pipe) a redraw would leave every version behind, so the plain line above is written only each
``step_percent`` of the total or ``heartbeat_seconds`` after the last one, never one per notebook. The time
comes from ``clock`` (rich's task reads it too, and redraws only when told: no thread), so tests pass a
fake clock. One writer calls :meth:`done`.
"""
from __future__ import annotations

import math
import sys
import time
from typing import Callable, NamedTuple, TextIO

import rich.console
import rich.progress

__all__ = ["GRADED", "REGRADED", "KEPT", "NOT_GRADED", "OUTCOMES", "Progress"]

GRADED, REGRADED, KEPT, NOT_GRADED = "graded", "regraded", "kept", "not graded"
OUTCOMES = (GRADED, REGRADED, KEPT, NOT_GRADED)
#: Outcomes that ran a notebook: the rate and the time left are measured on these.
_RAN_A_NOTEBOOK = (GRADED, REGRADED)


class NotGraded(NamedTuple):
    """A submission that could not be graded, and why (shown in the summary)."""

    student: str
    lesson: str
    reason: str


class Progress:
    """Progress bar and end-of-run summary for ``total`` submissions.

    Parameters
    ----------
    total : int
        How many submissions the run will report through :meth:`done` (>= 0).
    stream : text stream, optional
        Where the line goes; default ``sys.stderr`` (looked up when the object is made).
    clock : callable () -> float, optional
        Seconds, never going backwards; default ``time.monotonic``.
    tty : bool, optional
        Draw rich's live bar (True) or write plain lines (False); default: ``stream.isatty()``.
    width : int
        Characters of the bar (default 20).
    step_percent : float
        Off a terminal, a line each time the run passes another this many percent (default 10).
    heartbeat_seconds : float
        Off a terminal, also a line when this long has passed since the last one (default 30).
    """

    def __init__(self, total: int, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 *, tty: bool | None = None, width: int = 20, step_percent: float = 10.0,
                 heartbeat_seconds: float = 30.0):
        _check_count("total", total)
        _check_count("width", width, minimum=1)
        _check_positive("step_percent", step_percent)
        _check_positive("heartbeat_seconds", heartbeat_seconds)
        if not callable(clock):
            raise TypeError(f"clock: expected a function returning seconds (like time.monotonic), "
                            f"got {type(clock).__name__}")
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.clock = clock
        self.tty = _is_terminal(self.stream) if tty is None else bool(tty)
        self.width, self.step_percent, self.heartbeat_seconds = width, step_percent, heartbeat_seconds
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.not_graded: list[NotGraded] = []
        self._last_written: tuple[int, float] | None = None  # (plain lines) (done, time) of the last one
        self._finished = False
        # Off a terminal rich only counts (disable=True) and keeps the time; stdout and stderr stay the
        # program's own (no redirect: `make autograde > log` must keep the report's lines in the log).
        console = rich.console.Console(file=self.stream, force_terminal=self.tty, highlight=False, emoji=False,
                                       markup=False)
        self._rich = rich.progress.Progress(
            rich.progress.BarColumn(bar_width=width), rich.progress.MofNCompleteColumn(),
            rich.progress.TextColumn("{task.fields[figures]}", markup=False),
            console=console, get_time=clock, auto_refresh=False, redirect_stdout=False, redirect_stderr=False,
            disable=not self.tty)
        self._task = self._rich.add_task("autograde", total=total, figures="")
        self._update()

    # ------------------------------------------------------------------ counting
    @property
    def done_count(self) -> int:
        """Submissions reported so far, whatever their outcome."""
        return sum(self.counts.values())

    @property
    def ran_count(self) -> int:
        """Notebooks actually run (graded or regraded) so far."""
        return sum(self.counts[outcome] for outcome in _RAN_A_NOTEBOOK)

    def done(self, student: str, lesson: str, outcome: str, reason: str = "") -> None:
        """Count one submission and update the line.

        Parameters
        ----------
        student, lesson : str
            Which submission (named in the summary when it is not graded).
        outcome : str
            One of ``"graded"``, ``"regraded"``, ``"kept"`` (already graded, left as it was),
            ``"not graded"``.
        reason : str
            Why it was not graded: required with ``"not graded"``, ignored otherwise.
        """
        _check_text("student", student)
        _check_text("lesson", lesson)
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome: expected one of {', '.join(map(repr, OUTCOMES))}, got {outcome!r}")
        if outcome == NOT_GRADED and not (isinstance(reason, str) and reason.strip()):
            raise ValueError(f"reason: expected a few words on why {student} / {lesson} was not graded, "
                             f"got {reason!r}")
        if self.done_count >= self.total:
            raise ValueError(f"done: called for {self.done_count + 1} submissions ({student} / {lesson}), "
                             f"but total is {self.total}")
        self.counts[outcome] += 1
        if outcome == NOT_GRADED:
            self.not_graded.append(NotGraded(student, lesson, " ".join(reason.split())))
        self._update()
        self._show(final=False)

    # ------------------------------------------------------------------ output
    def line(self) -> str:
        """The plain progress line as it reads now (no control characters)."""
        done, total = self.done_count, self.total
        filled = self.width if total == 0 else self.width * done // total
        bar = "[" + "#" * filled + "-" * (self.width - filled) + "]"
        return f"{bar}  {done:>{len(str(total))}}/{total}  {self._figures()}"

    def show(self) -> None:
        """Draw the line now (at the start of a run, say), whatever the throttling."""
        self._show(final=True)

    def log(self, text: str, file: TextIO | None = None) -> None:
        """Print ``text`` (one or more lines) above the bar, to ``file`` (default: the bar's stream).

        On a terminal, text for the bar's stream or for another terminal (stdout beside a bar on
        stderr: the same screen) is printed by rich, above the live bar, as plain text (no markup,
        control characters shown as escapes: a student's name or a reason is data). Text for a file or a pipe
        goes there as it is.
        """
        target = self.stream if file is None else file
        if self.tty and self._rich.live.is_started and (target is self.stream or _is_terminal(target)):
            self._rich.console.print(_visible(text), soft_wrap=True)
        else:
            print(text, file=target, flush=True)

    def finish(self) -> None:
        """Show the last state of the line and end it (a newline on a terminal). Safe to call twice."""
        if self._finished:
            return
        self._finished = True
        self._rich.stop_task(self._task)
        self._update()
        if self.tty:
            self._show(final=True)
            self._rich.stop()
        elif self._last_written is None or self._last_written[0] != self.done_count:
            self._write_plain_line()  # (else the line of this count is already out)

    def __enter__(self) -> "Progress":
        self.show()
        return self

    def __exit__(self, *exc) -> None:
        self.finish()

    def summary(self) -> str:
        """The end-of-run text: how many were graded, regraded, kept and not graded (each with its
        reason, as ``student / lesson: why``), the time taken (up to :meth:`finish`) and the throughput."""
        elapsed = self._elapsed()
        done = self.done_count
        if done == self.total:
            head = f"Autograde finished in {_duration(elapsed)}: {done} submission(s)."
        else:
            head = f"Autograde stopped after {_duration(elapsed)}: {done} of {self.total} submission(s) done."
        ran = self.ran_count
        kept = self.counts[KEPT] + self.counts[NOT_GRADED]
        throughput = (f"{ran} notebook(s) run, {ran / elapsed * 60:.1f} per minute ({elapsed / ran:.1f} s of the run "
                      f"each{f'; the {kept} kept or not graded were not run' if kept else ''})"
                      if ran and elapsed > 0 else "no notebook was run")
        lines = [head,
                 f"  graded:     {self.counts[GRADED]}",
                 f"  regraded:   {self.counts[REGRADED]}",
                 f"  kept:       {self.counts[KEPT]} (graded before, unchanged since)",
                 f"  not graded: {self.counts[NOT_GRADED]}"]
        lines += [f"    {item.student} / {item.lesson}: {item.reason}" for item in self.not_graded]
        lines.append(f"  throughput: {throughput}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ internals
    def _elapsed(self) -> float:
        """Seconds since the start, up to :meth:`finish` once it was called (rich's task keeps both)."""
        return max(0.0, self._rich.tasks[0].elapsed or 0.0)

    def _figures(self) -> str:
        """What follows the count: ``14.0 nb/min  ~20 min left  2 not graded``.

        The rate is per notebook run (kept ones cost nothing and would flatter it), over the wall time so far,
        which includes the kept and failed ones: the time left errs long, not short.
        """
        elapsed, remaining = self._elapsed(), self.total - self.done_count
        per_notebook = elapsed / self.ran_count if self.ran_count and elapsed > 0 else None
        rate = "-- nb/min" if per_notebook is None else f"{60 / per_notebook:.1f} nb/min"
        if remaining == 0:
            left = f"done in {_duration(elapsed)}"
        elif per_notebook is None:
            left = "time left unknown"
        else:  # (every submission left is counted as one to run: some may turn out kept, which is quicker)
            left = f"~{_duration(remaining * per_notebook)} left"
        return f"{rate}  {left}  {self.counts[NOT_GRADED]} not graded"

    def _update(self) -> None:
        self._rich.update(self._task, completed=self.done_count, figures=self._figures())

    def _show(self, final: bool) -> None:
        if self.tty:
            if not self._rich.live.is_started and not self._finished:
                self._rich.start()
            self._rich.refresh()
        elif final or self._plain_line_due():
            self._write_plain_line()

    def _plain_line_due(self) -> bool:
        """Off a terminal: whether the run passed another step, or the heartbeat came, since the last line."""
        done = self.done_count
        if self._last_written is None or done == self.total:
            return True
        last_done, last_time = self._last_written
        step = self.step_percent / 100 * self.total
        passed_a_step = math.floor(done / step) > math.floor(last_done / step)
        return passed_a_step or self.clock() - last_time >= self.heartbeat_seconds

    def _write_plain_line(self) -> None:
        self.stream.write(self.line() + "\n")
        self.stream.flush()
        self._last_written = (self.done_count, self.clock())


# ------------------------------------------------------------------ helpers
def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # (no isatty, or a closed stream)
        return False


def _visible(text: str) -> str:
    """``text`` with each control character but newline and tab written as its escape (``\\x1b``): on a
    terminal, a student's folder name or an error message must not move the cursor or recolour the screen."""
    return "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in text)


def _check_count(name: str, value, minimum: int = 0) -> None:
    _check(name, value, isinstance(value, int) and not isinstance(value, bool), value >= minimum if isinstance(
        value, (int, float)) else False, f"a whole number >= {minimum}")


def _check_positive(name: str, value) -> None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    _check(name, value, number, number and math.isfinite(value) and value > 0, "a number > 0")


def _check_text(name: str, value) -> None:
    _check(name, value, isinstance(value, str), bool(value), "a non-empty string")


def _check(name: str, value, right_type: bool, right_value: bool, expected: str) -> None:
    """Refuse a bad argument, naming what was expected and what came."""
    if not right_type:
        raise TypeError(f"{name}: expected {expected}, got {type(value).__name__} {value!r}")
    if not right_value:
        raise ValueError(f"{name}: expected {expected}, got {'an empty one' if value == '' else repr(value)}")


def _duration(seconds: float) -> str:
    """``42 s``, ``19 min``, ``1 h 25 min``: a duration to the precision a person needs."""
    seconds = max(0.0, seconds)
    if seconds < 59.5:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"

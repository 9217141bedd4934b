"""Progress of a whole autograde run: one line while it runs, a summary at the end.

::

    with Progress(len(pairs)) as progress:
        for student, lesson in pairs:
            ...
            progress.done(student, lesson, "graded")           # or "regraded", "kept"
            progress.done(student, lesson, "not graded", why)  # the reason is required here
    print(progress.summary())

The line reads::

    [##------------------]  45/320  14.0 nb/min  ~20 min left  2 not graded

a bar, notebooks done out of the total, notebooks graded per minute (graded and
regraded ones: kept ones cost nothing and would flatter the rate), the time left
at that rate, and how many could not be graded so far.

On a terminal the line is redrawn in place (``\\r``, then the line is cleared).
Anywhere else (a CI log, a pipe, a file) a redraw would leave every version of
the line behind, so a plain line is written only when the run passes another
``step_percent`` of the total or ``heartbeat_seconds`` after the last line,
whichever comes first: at most ``100 / step_percent`` lines plus one per
heartbeat, never one per notebook. Lines printed meanwhile should go through
:meth:`Progress.log`, which keeps them from being drawn over the bar.

The time comes from ``clock`` (``time.monotonic`` by default), so tests pass a
fake clock and get the same text every time. One writer calls :meth:`done`:
the class is not meant to be shared between threads.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from typing import Callable, TextIO

__all__ = ["GRADED", "REGRADED", "KEPT", "NOT_GRADED", "OUTCOMES", "Progress"]

GRADED, REGRADED, KEPT, NOT_GRADED = "graded", "regraded", "kept", "not graded"
OUTCOMES = (GRADED, REGRADED, KEPT, NOT_GRADED)
#: Outcomes that ran a notebook: the rate and the time left are measured on these.
_RAN_A_NOTEBOOK = (GRADED, REGRADED)
#: Terminal control: go to the start of the line, then clear it (ANSI "erase in line").
_REDRAW = "\r\x1b[K"


@dataclass(frozen=True)
class NotGraded:
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
        Redraw in place (True) or write plain lines (False); default: ``stream.isatty()``.
    width : int
        Characters of the bar between its brackets (default 20).
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
        self.started = clock()
        self._drawn = False             # (terminal) a line is on screen, not yet ended by a newline
        self._last_written: tuple[int, float] | None = None  # (plain lines) (done, time) of the last one
        self._finished = False
        self.ended: float | None = None  # the clock when finish() was called: the run's time stops there

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
        self._show(final=False)

    # ------------------------------------------------------------------ output
    def line(self) -> str:
        """The progress line as it reads now (no control characters)."""
        done, total = self.done_count, self.total
        filled = self.width if total == 0 else self.width * done // total
        bar = "[" + "#" * filled + "-" * (self.width - filled) + "]"
        digits = len(str(total))
        return (f"{bar}  {done:>{digits}}/{total}  {self._rate_text()}  {self._time_text()}  "
                f"{self.counts[NOT_GRADED]} not graded")

    def show(self) -> None:
        """Draw the line now (at the start of a run, say), whatever the throttling."""
        self._show(final=True)

    def log(self, text: str, file: TextIO | None = None) -> None:
        """Print ``text`` (one or more lines) above the bar, to ``file`` (default: the bar's stream).

        On a terminal the bar is cleared first and drawn again below the text, so the two never
        mix on one line (stdout and stderr usually share the terminal).
        """
        had_bar = self.tty and self._drawn
        if had_bar:
            self._write(_REDRAW)
            self._drawn = False
        target = self.stream if file is None else file
        print(text, file=target, flush=True)
        if had_bar:
            self._draw_in_place()

    def finish(self) -> None:
        """Show the last state of the line and end it (a newline on a terminal). Safe to call twice."""
        if self._finished:
            return
        self._finished = True
        self.ended = self.clock()
        if self.tty:
            self._draw_in_place()
            self._write("\n")
            self._drawn = False
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
        """Seconds since the start, up to :meth:`finish` once it was called."""
        return max(0.0, (self.clock() if self.ended is None else self.ended) - self.started)

    def _seconds_per_notebook(self) -> float | None:
        """Wall time per notebook run so far (None before the first one). It includes the time
        spent on kept and failed submissions: the estimate of the time left errs long, not short."""
        elapsed = self._elapsed()
        return elapsed / self.ran_count if self.ran_count and elapsed > 0 else None

    def _rate_text(self) -> str:
        per_notebook = self._seconds_per_notebook()
        return "-- nb/min" if per_notebook is None else f"{60 / per_notebook:.1f} nb/min"

    def _time_text(self) -> str:
        remaining = self.total - self.done_count
        if remaining == 0:
            return f"done in {_duration(self._elapsed())}"
        per_notebook = self._seconds_per_notebook()
        if per_notebook is None:
            return "time left unknown"
        # (Every submission left is counted as one to run: some may turn out kept, which is quicker.)
        return f"~{_duration(remaining * per_notebook)} left"

    def _show(self, final: bool) -> None:
        if self.tty:
            self._draw_in_place()
        elif final or self._plain_line_due():
            self._write_plain_line()

    def _draw_in_place(self) -> None:
        self._write(_REDRAW + self.line())
        self._drawn = True

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
        self._write(self.line() + "\n")
        self._last_written = (self.done_count, self.clock())

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


# ------------------------------------------------------------------ helpers
def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # (no isatty, or a closed stream)
        return False


def _check_count(name: str, value, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected a whole number >= {minimum}, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}, got {value}")


def _check_positive(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}: expected a number > 0, got {type(value).__name__} {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name}: expected a number > 0, got {value!r}")


def _check_text(name: str, value) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a non-empty string, got {type(value).__name__} {value!r}")
    if not value:
        raise ValueError(f"{name}: expected a non-empty string, got an empty one")


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

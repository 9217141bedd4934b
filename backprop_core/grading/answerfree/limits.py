"""Conditions a student's function runs under: a CPU-time limit (a wall clock only as a backstop), numpy's
usual numerics, and quiet warnings.

Grading goes by the values a function returns. numpy's usual error state
(overflow, division by zero and invalid values warn, never raise) decides;
:func:`strict_numerics` is only used afterwards to *explain* a wrong or
non-finite answer. Warnings and writes to ``sys.stderr`` inside the function
never reach stderr (nbgrader zeroes a cell that writes there): warnings are
recorded (:func:`warnings_recorded`) for a note on stdout, and stderr goes to
stdout (:func:`stderr_to_stdout`).
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import warnings
from typing import Iterator

import numpy as np

__all__ = [
    "DEFAULT_TIME_LIMIT", "WALL_BACKSTOP_FACTOR", "TimeUp", "stop_message", "time_limit_seconds", "time_limit",
    "usual_numerics", "strict_numerics",
    "warnings_recorded", "stderr_to_stdout", "as_graded", "NUMPY_WARNED",
]

#: CPU-time budget (seconds) of one ``check`` call for the student's code;
#: ``BACKPROP_CHECK_TIME_LIMIT`` overrides it (0 switches the limit off).
DEFAULT_TIME_LIMIT = 10.0
#: The wall clock is only a backstop, this many times the CPU limit: it stops code that sleeps or waits
#: (and so uses no CPU), never a correct computation slowed down by a busy machine.
WALL_BACKSTOP_FACTOR = 10.0


class TimeUp(BaseException):
    """The student's function ran past the time limit (BaseException: ``except Exception`` cannot swallow it).

    ``str(error)`` says which limit, with the CPU time measured (see :func:`stop_message`).
    """


def time_limit_seconds() -> float:
    """``BACKPROP_CHECK_TIME_LIMIT`` when it is a number, else :data:`DEFAULT_TIME_LIMIT`."""
    text = os.environ.get("BACKPROP_CHECK_TIME_LIMIT", "")
    try:
        return float(text) if text else DEFAULT_TIME_LIMIT
    except ValueError:
        return DEFAULT_TIME_LIMIT


def stop_message(kind: str, cpu_used: float, cpu_limit: float, wall_limit: float) -> str:
    """Why a run was stopped, in the student's words: ``kind`` is ``"cpu"`` or ``"wall"``."""
    if kind == "wall":
        return (f"did not return within {wall_limit:g} s of wall-clock time (a backstop, {wall_limit / cpu_limit:g} "
                f"times its CPU-time limit, for code that waits or sleeps; it had used {cpu_used:.1f} s of CPU) "
                "and was stopped: does it wait for input, sleep, or block?")
    return (f"used {cpu_used:.1f} s of CPU time, past its limit of {cpu_limit:g} s, and was stopped: is there an "
            "endless loop, or a computation far bigger than the cases need?")


@contextlib.contextmanager
def time_limit(seconds: float, backstop: float = WALL_BACKSTOP_FACTOR) -> Iterator[None]:
    """Raise :class:`TimeUp` inside the block after ``seconds`` of this process's CPU time, or after
    ``backstop * seconds`` of wall-clock time, whichever comes first.

    CPU time (``ITIMER_PROF``: user and system time of the process) is what the
    code costs, whatever else the machine is doing; the wall-clock backstop
    stops code that waits. No limit when ``seconds <= 0``, or where the signals
    cannot be used (Windows, a thread other than the main one).
    """
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    started, wall = time.process_time(), seconds * backstop

    def _stop(signum, frame):
        kind = "wall" if signum == signal.SIGALRM else "cpu"
        raise TimeUp(stop_message(kind, time.process_time() - started, seconds, wall))

    previous = {number: signal.signal(number, _stop) for number in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, wall)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def usual_numerics() -> Iterator[None]:
    """numpy's default error state, whatever the notebook set: overflow, division by zero and invalid values warn."""
    with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        yield


@contextlib.contextmanager
def strict_numerics() -> Iterator[None]:
    """numpy overflow, division by zero and invalid values raise ``FloatingPointError``: to find where they happen."""
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield


@contextlib.contextmanager
def warnings_recorded() -> Iterator[list[str]]:
    """Record the warnings raised inside the block instead of showing them.

    Yields a list that, once the block is left, holds each warning's text once,
    in order: "numpy warned: overflow encountered in exp" for numpy's
    floating-point warnings, "<Category>: <message>" for any other.
    """
    texts: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # every warning, even one already shown elsewhere
        try:
            yield texts
        finally:
            texts.extend(dict.fromkeys(_warning_text(w) for w in caught))


#: How :func:`warnings_recorded` opens the text of a numpy floating-point warning.
NUMPY_WARNED = "numpy warned: "


def _warning_text(warning: warnings.WarningMessage) -> str:
    message = str(warning.message)
    if issubclass(warning.category, RuntimeWarning) and "encountered in" in message:
        return NUMPY_WARNED + message
    return f"{warning.category.__name__}: {message}"


def stderr_to_stdout() -> contextlib.AbstractContextManager:
    """Writes to ``sys.stderr`` inside the block go to ``sys.stdout``: a debug print costs nothing."""
    return contextlib.redirect_stderr(sys.stdout)


@contextlib.contextmanager
def as_graded() -> Iterator[list[str]]:
    """How every graded call runs: numpy's usual numerics, warnings recorded (yielded), stderr sent to stdout."""
    with usual_numerics(), warnings_recorded() as texts, stderr_to_stdout():
        yield texts

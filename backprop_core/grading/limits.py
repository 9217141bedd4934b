"""Limits a student's function runs under: a wall-clock time limit and, where asked, strict numerics."""
from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Iterator

import numpy as np

__all__ = ["DEFAULT_TIME_LIMIT", "TimeUp", "time_limit_seconds", "time_limit", "strict_numerics"]

#: Wall-clock budget (seconds) of one ``check`` call for the student's code;
#: ``BACKPROP_CHECK_TIME_LIMIT`` overrides it (0 switches the limit off).
DEFAULT_TIME_LIMIT = 10.0


class TimeUp(BaseException):
    """The student's function ran past the time limit (BaseException: ``except Exception`` cannot swallow it)."""


def time_limit_seconds() -> float:
    """``BACKPROP_CHECK_TIME_LIMIT`` when it is a number, else :data:`DEFAULT_TIME_LIMIT`."""
    text = os.environ.get("BACKPROP_CHECK_TIME_LIMIT", "")
    try:
        return float(text) if text else DEFAULT_TIME_LIMIT
    except ValueError:
        return DEFAULT_TIME_LIMIT


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeUp` inside the block after ``seconds`` of wall-clock time.

    No limit when ``seconds <= 0``, or where ``SIGALRM`` cannot be used (Windows,
    a thread other than the main one): then the block runs as long as it takes.
    """
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _stop(signum, frame):
        raise TimeUp()

    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def strict_numerics(strict: bool) -> Iterator[None]:
    """numpy overflow, division by zero and invalid values raise ``FloatingPointError`` (strict) or behave as usual."""
    if not strict:
        yield
        return
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        yield

"""Tick labels for log axes that a newcomer can read, and that redraw fast."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(value: float, _position=None) -> str:
    """A log tick's label in plain text: "10⁻³" for a power of ten, else the number ("0.2").

    Plain text instead of matplotlib's mathtext: the labels read the same and draw several
    times faster, which matters on a figure redrawn at every slider move.
    """
    if value <= 0:
        return f"{value:g}"
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) < 1e-9:
        exponent = int(round(exponent))
        return {0: "1", 1: "10"}.get(exponent, "10" + str(exponent).translate(_SUPERSCRIPTS))
    return f"{value:g}"


def log_ticks(axis, decades: float | None = None) -> None:
    """Readable ticks on a log ``axis`` that spans ``decades`` powers of ten (None: many).

    Matplotlib labels only the powers of ten, so an axis spanning less than two decades
    shows one labelled tick or none: there 2 and 5 times each power are labelled too.
    A wide axis gets at most 7 labelled powers (tick labels are most of a redraw's time).
    """
    if decades is not None and decades < 1:  # 1, 2, 5 steps would still leave one tick: evenly spaced ones
        axis.set_major_locator(MaxNLocator(nbins=5))
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    elif decades is not None and decades < 2:
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=12))
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    else:
        axis.set_major_locator(LogLocator(base=10, numticks=7))
        axis.set_major_formatter(FuncFormatter(power_label))
    axis.set_minor_locator(NullLocator())

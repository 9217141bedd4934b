"""Text alternatives of figures: what a figure shows, in a sentence, with its key numbers.

matplotlib has no alt-text API, so the course computes one from the data it
drew: the plot objects' ``describe()`` (:class:`~backprop_core.viz.plots._base._Plot`)
for the figures it knows, and :func:`describe_axes` for any other axes (lines,
bars, images, by their labels). A plot shown in a notebook carries it as the
``alt`` of its ``<img>`` (:func:`img_html`); a widget writes it into a text a
screen reader reads and updates it on every redraw
(:class:`~backprop_core.viz.widgets._base.LessonWidget`).
"""
from __future__ import annotations

import base64
import html
import itertools
import re

import numpy as np
from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

#: How a line is described: at most this many points named between its start and end.
_MAX_LINES = 6


def fmt(value: float, digits: int = 4) -> str:
    """A number for a text alternative: ``digits`` significant digits, a true minus sign."""
    return f"{float(value):.{digits}g}".replace("-", "\u2212")


def plain(label: str) -> str:
    """A mathtext label as words a screen reader can say: ``"weight $w_5$"`` -> ``"weight w5"``."""
    text = re.sub(r"\$([^$]*)\$", lambda m: m.group(1), label)
    text = re.sub(r"\\(mathrm|text|mathbf)\{([^}]*)\}", r"\2", text)
    return re.sub(r"\s+", " ", re.sub(r"[_{}\\^]", "", text)).strip()


def shape_of(values) -> str:
    """How a series of numbers, array_like of shape (n,), goes: "falls", "rises", "stays flat",
    "falls, then rises (lowest v at position k)" or "goes up and down"."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return "has one point"
    span = float(np.ptp(v))
    if span <= 1e-12 * max(1.0, float(np.max(np.abs(v)))):
        return "stays flat"
    steps = np.diff(v)
    tol = 1e-3 * span
    if np.all(steps <= tol):
        return "falls"
    if np.all(steps >= -tol):
        return "rises"
    k = int(np.argmin(v))
    if 0 < k < len(v) - 1 and np.all(steps[:k] <= tol) and np.all(steps[k:] >= -tol):
        return f"falls, then rises (lowest {fmt(v[k])} at point {k})"
    return "goes up and down"


def describe_line(label: str, x, y) -> str:
    """One line of a plot: its label, start, end, lowest point and shape."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(y) == 0:
        return f"{label}: no points yet"
    if len(y) == 1:
        return f"{label}: one point, {fmt(y[0])} at {fmt(x[0])}"
    if not np.isfinite(y).any():  # a run that blew up: every value inf or NaN
        return f"{label}: no finite value (it blew up), {len(y)} points"
    low = int(np.nanargmin(np.where(np.isfinite(y), y, np.nan)))
    return (f"{label} {shape_of(y)}: from {fmt(y[0])} at {fmt(x[0])} to {fmt(y[-1])} at {fmt(x[-1])}, "
            f"lowest {fmt(y[low])} at {fmt(x[low])}")


def describe_axes(ax: Axes) -> str:
    """A sentence for any axes: title, axis labels, then each labelled line, the bars, the images, and
    the texts written in it when it has no axis (a panel of text)."""
    parts = []
    title = plain(ax.get_title())
    ylabel, xlabel = plain(ax.get_ylabel()), plain(ax.get_xlabel())
    head = f"{title}: " if title else ""
    if ax.axison and (ylabel or xlabel):
        head += f"{ylabel or 'values'} against {xlabel or 'position'}"
    lines = [line for line in ax.get_lines() if line.get_visible() and len(line.get_xdata())]
    labelled = [line for line in lines if not str(line.get_label()).startswith("_")]
    if labelled or len(lines) == 1:  # unlabelled helper lines (markers, guides) are left out when others have names
        for line in (labelled or lines)[:_MAX_LINES]:
            label = str(line.get_label())
            parts.append(describe_line("the line" if label.startswith("_") else plain(label),
                                       line.get_xdata(), line.get_ydata()))
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_visible() and p.get_height() != 0]
    if bars:
        names = [t.get_text() for t in ax.get_xticklabels()]
        values = [p.get_y() + p.get_height() for p in bars]
        if len(names) == len(bars) and all(names):
            parts.append("bars " + ", ".join(f"{plain(n)} {fmt(v)}" for n, v in zip(names, values)))
        else:
            parts.append("bars " + ", ".join(fmt(v) for v in values))
    for image in ax.get_images():
        if isinstance(image, AxesImage):
            data = np.asarray(image.get_array(), dtype=float)
            if np.isfinite(data).any():
                parts.append(f"an image of {data.shape[0]} by {data.shape[1]} values from "
                             f"{fmt(np.nanmin(np.where(np.isfinite(data), data, np.nan)))} to "
                             f"{fmt(np.nanmax(np.where(np.isfinite(data), data, np.nan)))}")
    if not ax.axison:
        parts += [plain(t.get_text()) for t in ax.texts if t.get_visible() and t.get_text().strip()]
    sentence = head.rstrip(": ") + (": " if head and parts else "") + "; ".join(parts)
    return sentence.strip()


def describe_figure(fig) -> str:
    """Every visible axes of ``fig`` (colour bars left out), in order: by the plot object drawn in it
    (its ``describe()``), else by :func:`describe_axes`; then the figure's own texts. Repeated
    sentences (a row of small images) are said once, with how many."""
    sentences = []
    for ax in fig.axes:
        if not ax.get_visible() or _is_colorbar(ax):
            continue
        plot = getattr(ax, "_backprop_plot", None)
        if plot is not None:
            title, said = plain(ax.get_title()), plot.describe()
            sentences.append(f"{title}: {said}" if title and not said.startswith(title) else said)
        else:
            described = describe_axes(ax)
            if described:
                sentences.append(described + ".")
    sentences += [plain(t.get_text()) for t in fig.texts if t.get_visible() and t.get_text().strip()]
    said = []
    for sentence, group in itertools.groupby(s for s in sentences if s):
        n = len(list(group))
        said.append(sentence if n == 1 else f"{n} times: {sentence}")
    return " ".join(said) or "An empty figure."


def _is_colorbar(ax: Axes) -> bool:
    return getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>"


def img_html(png: bytes, alt: str) -> str:
    """An ``<img>`` of ``png`` bytes (inline, base64) whose ``alt`` is ``alt``, escaped."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">'

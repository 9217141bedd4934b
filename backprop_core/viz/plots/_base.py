"""What every plot object shares: its figure and axes, showing itself as a PNG, redrawing; and number formatting."""
from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from backprop_core.viz.style import course_style, figsize


def new_figure(width: float, height: float, ncols: int = 1, nrows: int = 1, **subplot_kw) -> tuple[Figure, np.ndarray | Axes]:
    """A course-styled :class:`Figure` with an Agg canvas and its axes (like ``plt.subplots``).

    Parameters
    ----------
    width, height : float
        Inches; a width over :data:`~backprop_core.viz.style.MAX_WIDTH` is capped, the height scaled with it.
    ncols, nrows : int
    **subplot_kw
        Passed to :meth:`Figure.subplots` (e.g. ``gridspec_kw``).

    Returns
    -------
    fig : Figure
    axes : Axes, or ndarray of Axes with shape (nrows, ncols) squeezed as ``plt.subplots`` does
    """
    with course_style():
        fig = Figure(figsize=figsize(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def figure_and_axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    """``ax`` and the figure it belongs to, or a new course-styled figure of ``width`` × ``height`` inches with one axes."""
    if ax is None:
        return new_figure(width, height)
    return ax.figure, ax


def fmt(value: float, digits: int = 4) -> str:
    """A number as the figures print it: ``digits`` significant digits, a true minus sign."""
    text = f"{float(value):.{digits}g}"
    return text.replace("-", "\u2212")


def show_path(line: Line2D, current: Line2D, path, start: Line2D | None = None) -> None:
    """Put a path of points, array_like of shape (k, 2), on ``line``; mark its last point with ``current``
    and, given ``start``, its first point with it (a path drawn over itself reads the wrong way round without)."""
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    line.set_data(path[:, 0], path[:, 1])
    current.set_data(path[-1:, 0], path[-1:, 1])
    if start is not None:
        start.set_data(path[:1, 0], path[:1, 1])


class _Plot:
    """Base of the plot objects: the figure and axes drawn into, showing them as a PNG, redrawing.

    Parameters
    ----------
    ax : Axes or None
        Draw into it; None: a new figure of ``size``.
    size : (float, float)
        Width and height in inches of the new figure (unused with ``ax``).

    Attributes
    ----------
    fig : Figure
    ax : Axes
    """

    fig: Figure
    ax: Axes

    def __init__(self, ax: Axes | None, size: tuple[float, float]) -> None:
        self.fig, self.ax = figure_and_axes(ax, *size)

    def png(self) -> bytes:
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def redraw(self) -> None:
        """Redraw the canvas now (Agg) or at the next chance (interactive canvases)."""
        canvas = self.fig.canvas
        if isinstance(canvas, FigureCanvasAgg) and type(canvas) is FigureCanvasAgg:
            canvas.draw()
        else:
            canvas.draw_idle()

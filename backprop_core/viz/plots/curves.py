"""Curves: the error against one weight with a descent path, and loss against epoch."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from backprop_core.viz.style import COLORS, course_style
from ._base import _Plot, show_path
from .alt import describe_line, fmt, plain
from .ticks import log_ticks


class ErrorCurvePlot(_Plot):
    """E(w) for one weight with a gradient-descent path; made by :func:`error_curve`.

    Parameters
    ----------
    values, errors, ax, weight_label
        As for :func:`error_curve`.

    Attributes
    ----------
    fig, ax, curve (Line2D), path (Line2D with markers), start and current (Line2D, one marker each: the first and last point)
    """

    def __init__(self, values, errors, ax: Axes | None = None, weight_label: str = "w") -> None:
        super().__init__(ax, (4.6, 3.4))
        with course_style():
            # The legend names the curve by the weight on the axis: E(w_5), not a generic E(w).
            (self.curve,) = self.ax.plot(values, errors, color=COLORS["curve"], lw=2, label=f"$E({weight_label})$")
            (self.path,) = self.ax.plot([], [], "o-", color=COLORS["path"], ms=4.5, lw=1.3, label="gradient descent")
            (self.start,) = self.ax.plot([], [], "s", color="white", ms=8, mec="black", mew=1.3, zorder=5,
                                         label="start")
            (self.current,) = self.ax.plot([], [], "o", color=COLORS["path"], ms=9, mec="black", zorder=6,
                                           label="last step")
            self.ax.set_xlabel(f"weight ${weight_label}$")
            self.ax.set_ylabel("error E")
            self.ax.legend(loc="upper center", frameon=False)
        # The view is the curve's, with room above it for the legend: points of a path off the curve stay off it.
        ylo, yhi = float(np.min(errors)), float(np.max(errors))
        self.ax.set_ylim(ylo - 0.05 * (yhi - ylo), yhi + 0.15 * (yhi - ylo))
        self.ax.set_xlim(float(np.min(values)), float(np.max(values)))

    def update(self, path=None, values=None, errors=None) -> "ErrorCurvePlot":
        """New path (shape (k, 2) of (w, E)) and/or a new curve (``values``, ``errors``, shape (M,)); the view stays on the curve."""
        if values is not None and errors is not None:
            self.curve.set_data(values, errors)
            self.ax.relim()
            self.ax.autoscale_view()
        if path is not None:
            show_path(self.path, self.current, path, self.start)
        return self

    def describe(self) -> str:
        """The curve (its range, lowest point) and the descent path: how many steps, where it stands now."""
        weight = plain(self.ax.get_xlabel())
        w, e = np.asarray(self.curve.get_xdata(), dtype=float), np.asarray(self.curve.get_ydata(), dtype=float)
        low = int(np.argmin(e))
        text = (f"The error E against {weight} from {fmt(w[0])} to {fmt(w[-1])}: lowest E = {fmt(e[low])} "
                f"at {fmt(w[low])}")
        path_w, path_e = self.path.get_xdata(), self.path.get_ydata()
        if len(path_w):
            text += (f"; gradient descent path of {len(path_w)} points from {weight} = {fmt(path_w[0])}, "
                     f"E = {fmt(path_e[0])}, now at {fmt(path_w[-1])}, E = {fmt(path_e[-1])}")
        return text + "."


def error_curve(values, errors, path=None, ax: Axes | None = None, weight_label: str = "w", *,
                target: float | None = None, xlabel: str | None = None, label: str | None = None,
                now: tuple[float, float] | None = None, legend: bool = True) -> ErrorCurvePlot:
    """Plot E against one weight, and the path gradient descent took along it.

    With ``target`` the curve is E against the output itself (lesson 01): a dashed line marks the target,
    and the legend names the curve, where the network is now (the last point of ``path``) and the target.

    Parameters
    ----------
    values : array_like, shape (M,)
        Weight values (use :func:`~backprop_core.course.weights.loss_along` to get ``errors``).
    errors : array_like, shape (M,)
    path : array_like, shape (k, 2), optional
        The (w, E) points visited, oldest first; the last is marked large.
        Points off the drawn range stay off it: the view follows the curve.
    ax : Axes, optional
        Draw into it; default a new figure.
    weight_label : str
        Mathtext name of the weight for the axis label, e.g. ``"w_5"``.
    target : float, optional
        Mark this value of the x axis as the target, with room above the curve for the legend.
    xlabel : str, optional
        The x axis label instead of "weight $w$", e.g. ``"output"``.
    label : str, optional
        The curve's name in the legend instead of ``$E(w)$``.
    now : (float, float), optional
        A (w, E) point drawn as a black dot, "the network now"; the legend then names the curve and the dot.
    legend : bool
        False draws no legend (panels side by side that share one).
    """
    plot = ErrorCurvePlot(values, errors, ax, weight_label).update(path)
    if xlabel is not None:
        plot.ax.set_xlabel(xlabel)
    if label is not None:
        plot.curve.set_label(label)
    if target is not None:
        _mark_target(plot, target, errors)
    elif now is not None:
        with course_style():
            (dot,) = plot.ax.plot([now[0]], [now[1]], "o", color="black", ms=8, label="the network now")
            plot.ax.legend(handles=[plot.curve, dot], frameon=False, loc="upper center")
    elif label is not None:
        with course_style():
            plot.ax.legend(loc="upper center", frameon=False)
    if not legend and plot.ax.get_legend() is not None:
        plot.ax.get_legend().remove()
    return plot


def _mark_target(plot: ErrorCurvePlot, target: float, errors) -> None:
    """A dashed line at ``target`` that stops below the legend; the legend: curve, now, target."""
    ylo, yhi = float(np.min(errors)), float(np.max(errors))
    span = yhi - ylo
    bottom, top = ylo - 0.05 * span, yhi + 0.55 * span          # room above the curve for the legend
    plot.ax.set_ylim(bottom, top)
    with course_style():
        line = plot.ax.axvline(target, ymax=(yhi + 0.1 * span - bottom) / (top - bottom), color="grey", ls="--", lw=1)
        handles, labels = [plot.curve], [plot.curve.get_label()]
        now_x, now_e = plot.current.get_xdata(), plot.current.get_ydata()
        if len(now_x):
            handles.append(plot.current)
            labels.append(f"now: {plain(plot.ax.get_xlabel())} = {float(now_x[-1]):.3f}, E = {float(now_e[-1]):.3f}")
        plot.ax.legend(handles + [line], labels + [f"target = {target:g}"], loc="upper left", frameon=False)


class LossCurvePlot(_Plot):
    """Loss against epoch for one or more runs; made by :func:`loss_curve`.

    Parameters
    ----------
    ax, log, xlabel
        As for :func:`loss_curve`.

    Attributes
    ----------
    fig, ax, lines : dict label -> Line2D
    """

    def __init__(self, ax: Axes | None = None, log: bool = True, xlabel: str = "epochs trained") -> None:
        with course_style():
            super().__init__(ax, (4.6, 3.4))
            self.log = log
            self.lines: dict = {}
            self.ax.set_xlabel(xlabel)
            self.ax.set_ylabel("loss E" + (" (log scale)" if log else ""))
            if log:
                self.ax.set_yscale("log")

    def update(self, losses: Mapping[str, Sequence[float]] | Sequence[float]) -> "LossCurvePlot":
        """Replace the data of each labelled line (a bare sequence is the line labelled "loss")."""
        if not isinstance(losses, Mapping):
            losses = {"loss": losses}
        with course_style():
            for label, values in losses.items():
                self._show_line(label, np.asarray(values, dtype=float))
        self.ax.relim()
        self.ax.autoscale_view()
        if self.log:  # ticks for the span shown: 1-2-5 steps on a short one, so it never has a single label
            shown = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in self.lines.values()])
            shown = shown[np.isfinite(shown) & (shown > 1e-300)]
            log_ticks(self.ax.yaxis, float(np.log10(shown.max() / shown.min())) if len(shown) > 1 else None)
        longest = max(len(line.get_xdata()) for line in self.lines.values())
        self.ax.set_xlim(0, max(longest, 10))  # epochs from 0; a lone first point is not centred in a sliver
        if len(self.lines) > 1:
            self.ax.legend(frameon=False)
        return self

    def describe(self) -> str:
        """Each line's start, end, lowest point and shape (epochs on x)."""
        ylabel = plain(self.ax.get_ylabel())
        lines = "; ".join(describe_line(label, line.get_xdata(), line.get_ydata()) for label, line in self.lines.items())
        return f"{ylabel} against {plain(self.ax.get_xlabel())}: {lines}."

    def _show_line(self, label: str, values: np.ndarray) -> None:
        """Losses of shape (epochs,) on the line called ``label`` (made on first use): ``values[k]`` was
        measured after k epochs (``History.losses``), so the untrained network's loss is at x = 0."""
        if self.log:  # a loss of exactly 0 has no place on a log axis
            values = np.maximum(values, 1e-300)
        if label not in self.lines:
            (self.lines[label],) = self.ax.plot([], [], lw=1.8, label=label)
        self.lines[label].set_data(np.arange(len(values)), values)
        self.lines[label].set_marker("o" if len(values) == 1 else "")  # one epoch: a dot, not an invisible line


def loss_curve(losses, ax: Axes | None = None, log: bool = True, xlabel: str = "epochs trained") -> LossCurvePlot:
    """Plot loss curves.

    Parameters
    ----------
    losses : array_like, shape (epochs,), or dict label -> array_like
        E.g. ``history.losses``: ``losses[k]`` is drawn at x = k, the loss after k epochs.
    ax : Axes, optional
        Draw into it; default a new figure.
    log : bool
        A log-scale loss axis (training curves span many decades).
    xlabel : str
    """
    return LossCurvePlot(ax, log, xlabel).update(losses)

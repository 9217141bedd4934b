"""Bars of a gradient check: each parameter group's relative error against the threshold, on a log axis."""
from __future__ import annotations

from typing import Mapping

import numpy as np
from matplotlib.axes import Axes

from backprop_core.viz.style import COLORS, course_style
from ._base import _Plot
from .alt import fmt


class GradientCheckPlot(_Plot):
    """Relative error of each parameter group against a threshold; made by :func:`gradient_check_bars`.

    Parameters
    ----------
    keys : list of (kind, l)
        The bars, left to right: ``("weights", 0)``, ``("biases", 0)``, …
    tolerance : float
        The threshold line.
    ax : Axes, optional

    Attributes
    ----------
    fig, ax, bars (BarContainer), labels (list of Text), threshold (Line2D)
    """

    FLOOR = 1e-16  # an error of exactly 0 drawn at this height on the log axis

    def __init__(self, keys: list, tolerance: float, ax: Axes | None = None) -> None:
        super().__init__(ax, (5.0, 3.4))
        self.keys = keys
        with course_style():
            names = [f"{'W' if kind == 'weights' else 'b'}{l + 1}" for kind, l in keys]
            self.bars = self.ax.bar(names, np.full(len(keys), self.FLOOR), color=COLORS["reference"], bottom=self.FLOOR * 0.1)
            self.ax.set_yscale("log")
            self.ax.set_ylim(1e-13, 1e4)  # headroom above 1 for the value labels
            self.threshold = self.ax.axhline(tolerance, color=COLORS["threshold"], ls="--", lw=1.3,
                                             label=f"threshold {tolerance:.1e}")
            self.labels = [self.ax.text(i, self.FLOOR, "", ha="center", va="bottom", fontsize=8.5) for i in range(len(keys))]
            self.ax.set_xlabel("parameter (W = weights, b = biases; 1 = first layer)")
            self.ax.set_ylabel("relative error (log scale)")
            # upper right sits in the headroom above 1: low bars (a correct pass) never hide under it
            self.ax.legend(loc="upper right", framealpha=0.9)
            self.ax.grid(axis="x", visible=False)

    def update(self, errors: Mapping, tolerance: float | None = None) -> "GradientCheckPlot":
        """New errors (``GradientCheck.errors``-style mapping (kind, l) -> float) and optional threshold."""
        if tolerance is not None:
            self.threshold.set_ydata([tolerance, tolerance])
            self.threshold.set_label(f"threshold {tolerance:.1e}")
            self.ax.legend(loc="upper right", framealpha=0.9)
        limit = self.threshold.get_ydata()[0]
        for bar, label, key in zip(self.bars, self.labels, self.keys):
            error = float(errors[key])
            failed = error > limit
            height = max(error, self.FLOOR)
            bar.set_height(height - bar.get_y())
            bar.set_facecolor(COLORS["mistake"] if failed else COLORS["reference"])
            bar.set_edgecolor("white")  # the hatch (failures) is drawn in the edge colour
            bar.set_hatch("//" if failed else "")
            label.set_position((label.get_position()[0], height * 1.5))
            label.set_text(f"{error:.1e}" + ("\nFAIL" if failed else ""))
        self._errors = {key: float(errors[key]) for key in self.keys}
        return self

    def describe(self) -> str:
        """Each group's relative error, and which pass or fail against the threshold."""
        limit = float(self.threshold.get_ydata()[0])
        bars = ", ".join(f"{'W' if kind == 'weights' else 'b'}{l + 1} {fmt(e, 2)} ({'FAIL' if e > limit else 'pass'})"
                         for (kind, l), e in self._errors.items())
        return f"Gradient check: relative error of each parameter group on a log scale, threshold {fmt(limit, 2)}: {bars}."


def gradient_check_bars(result, ax: Axes | None = None) -> GradientCheckPlot:
    """Bars of a :class:`~backprop_core.nn.gradcheck.GradientCheck`'s relative errors on a log axis.

    Parameters
    ----------
    result : GradientCheck
        From :func:`backprop_core.gradient_check`; bars above its tolerance are
        vermillion, hatched and marked FAIL.
    ax : Axes, optional
        Draw into it; default a new figure.
    """
    keys = sorted(result.errors, key=lambda key: (key[1], key[0] != "weights"))
    return GradientCheckPlot(keys, result.tolerance, ax).update(result.errors)

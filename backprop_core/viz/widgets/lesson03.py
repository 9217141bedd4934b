"""Lesson 03's widget: nudge one weight of Mazur's 2-2-2 example; the true change of E beside the chain rule's prediction."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.course.weights import loss_along, weight_index, weight_names
from backprop_core.nn.network import CORRECT_STEPS, BackwardSteps
from backprop_core.viz.plots import fmt, new_figure
from backprop_core.viz.style import COLORS, course_style
from ._base import LessonWidget, StudentToggle, freeze_layout


def steps_with_sigmoid_prime(sigmoid_prime: Callable) -> BackwardSteps:
    """The network's backward pass with ``sigmoid_prime(z)`` as the derivative of every sigmoid layer.

    Only the activation step is swapped (as in :mod:`backprop_core.course.buggy`); other
    activations keep theirs.

    Parameters
    ----------
    sigmoid_prime : callable(z) -> ndarray
        Elementwise; called on each sigmoid layer's net inputs, shape (N, n_out).
    """
    def activation_backward(da: np.ndarray, cache: tuple) -> np.ndarray:
        z, _, record = cache
        if record.name != "sigmoid":
            return CORRECT_STEPS.activation_backward(da, cache)
        return da * np.asarray(sigmoid_prime(z), dtype=float)

    return replace(CORRECT_STEPS, activation_backward=activation_backward)


class NudgeExplorer(LessonWidget):
    """See :func:`nudge_explorer`.

    Attributes
    ----------
    weight : Dropdown ("w1" … "w8")
    nudge : FloatSlider
        The change h given to the weight.
    switch : StudentSwitch or None
    true_change, predicted_change, gradient : float
        E(w + h) − E(w), ∂E/∂w · h, ∂E/∂w.
    """

    student_toggle = StudentToggle("use my sigmoid_prime", lambda widget, fn: fn(np.array([0.0, 1.0])))

    def __init__(self, nudge: float, student_sigmoid_prime: Callable | str | None, backend: str) -> None:
        self.net, self.x, self.target = examples.mazur()
        self.E0 = self.net.loss(self.x, self.target)
        self.fig, (self.ax, self.bar_ax) = new_figure(8.5, 3.5, ncols=2, gridspec_kw={"width_ratios": [1.6, 1]})
        with course_style():
            (self.curve,) = self.ax.plot([], [], color=COLORS["curve"], lw=2, label="E as the weight changes")
            (self.tangent,) = self.ax.plot([], [], "--", color=COLORS["muted"], lw=1.4, label="chain rule: tangent")
            (self.now,) = self.ax.plot([], [], "o", color="black", ms=7, label="now")
            (self.true_point,) = self.ax.plot([], [], "o", color=COLORS["curve"], ms=8, mec="black", label="true E(w+h)")
            (self.predicted_point,) = self.ax.plot([], [], "D", color=COLORS["highlight"], ms=7, mec="black",
                                                   label="predicted")
            self.ax.set_ylabel("error E")
            self.ax.legend(loc="upper left", fontsize=8, frameon=False)
            self.bars = self.bar_ax.barh([1, 0], [0, 0], color=[COLORS["curve"], COLORS["highlight"]], height=0.55)
            self.bar_ax.set_yticks([1, 0], ["true change\nE(w+h) − E(w)", "chain rule\n∂E/∂w · h"])
            self.bar_ax.axvline(0, color="black", lw=0.8)
            self.bar_ax.set_xlabel("change of E")
            # No tick labels: the bars carry their numbers, and a scale that changes with h (1e−5 … 1e−1)
            # would need room the frozen layout does not have.
            self.bar_ax.set_xticks([])
            self.bar_ax.grid(axis="y", visible=False)
            self.bar_texts = [self.bar_ax.text(0, y, "", va="center", fontsize=9) for y in (1, 0)]
            self.readout = self.fig.supxlabel(" ", fontsize=10)
        names = list(weight_names(self.net))
        self.weight = widgets.Dropdown(options=names, value="w5", description="weight",
                                       layout=widgets.Layout(width="200px"))
        self.nudge = widgets.FloatSlider(value=nudge, min=-1.0, max=1.0, step=0.01, description="nudge h",
                                         readout_format=".2f", continuous_update=True, layout=widgets.Layout(width="420px"))
        self._observe(self.weight, self.nudge)
        controls = [widgets.HBox([self.weight, self.nudge]), *self._student_switch(student_sigmoid_prime)]
        self._trace = self.net.forward(self.x)  # the weights never change: one forward pass serves every move
        self._shown_weight = None
        self._finish(controls, backend)

    def _draw_curve(self, name: str) -> None:
        l, j, i = weight_index(self.net, name)
        w0 = self.net.weights[l][j, i]
        values = np.linspace(w0 - 1.2, w0 + 1.2, 121)
        errors = loss_along(self.net, self.x, self.target, name, values)
        self.curve.set_data(values, errors)
        self.now.set_data([w0], [self.E0])
        self.ax.set_xlim(values[0], values[-1])
        spread = errors.max() - errors.min()
        self.ax.set_ylim(errors.min() - 0.35 * spread - 1e-4, errors.max() + 0.35 * spread + 1e-4)
        self.ax.set_xlabel(f"weight ${name[0]}_{{{name[1:]}}}$")
        self._values = values
        if self._shown_weight is not None:
            self._lay_out_again()
        self._shown_weight = name

    def _lay_out_again(self) -> None:
        # Another weight means other tick labels (0.3 for w5, 0.29925 for w1): the layout frozen for the
        # first weight would cut them and the axis title off. Lay the figure out once more, then freeze it.
        self.fig.set_layout_engine("constrained")
        freeze_layout(self.fig)

    def recompute(self) -> None:
        name, h = self.weight.value, self.nudge.value
        if name != self._shown_weight:
            self._draw_curve(name)
        l, j, i = weight_index(self.net, name)
        student = self.student_function()
        steps = CORRECT_STEPS if student is None else steps_with_sigmoid_prime(student)
        self.gradient = float(self.net.backward(self._trace, self.target, steps=steps).weights[l][j, i])
        w0 = self.net.weights[l][j, i]
        moved = loss_along(self.net, self.x, self.target, name, [w0 + h])[0]
        self.true_change, self.predicted_change = moved - self.E0, self.gradient * h
        self.tangent.set_data(self._values, self.E0 + self.gradient * (self._values - w0))
        self.true_point.set_data([w0 + h], [moved])
        self.predicted_point.set_data([w0 + h], [self.E0 + self.predicted_change])
        changes = (self.true_change, self.predicted_change)
        for bar, text, value in zip(self.bars, self.bar_texts, changes):
            bar.set_width(value)
            # The number sits on the empty side of zero, clear of the bar and of the tick labels.
            text.set_position((0.0, text.get_position()[1]))
            text.set_text(f"  {fmt(value)}  ")
            text.set_ha("right" if value >= 0 else "left")
        reach = max(abs(changes[0]), abs(changes[1]), 1e-12) * 1.9
        self.bar_ax.set_xlim(-reach, reach)
        who = "your σ′" if student is not None else "σ′"
        self.readout.set_text(
            f"∂E/∂${name[0]}_{{{name[1:]}}}$ by the chain rule ({who}) = {fmt(self.gradient)};   h = {fmt(h, 3)}:   "
            f"true change {fmt(self.true_change)},  predicted {fmt(self.predicted_change)}"
        )


def nudge_explorer(nudge: float = 0.1, student_sigmoid_prime: Callable | str | None = None,
                   backend: str = "auto") -> NudgeExplorer:
    """Lesson 03: nudge a weight of Mazur's 2-2-2 example by h; compare E's true change with ∂E/∂w · h.

    Parameters
    ----------
    nudge : float
        The first nudge h.
    student_sigmoid_prime : callable(z) -> ndarray, or its name, optional
        The student's ``sigmoid_prime``; ticked, the chain rule uses it.
    backend : {"auto", "ipympl", "image", "none"}

    Returns
    -------
    NudgeExplorer
        ``.weight.value = "w1"``, ``.nudge.value = 0.01`` from code.
    """
    return NudgeExplorer(nudge, student_sigmoid_prime, backend)

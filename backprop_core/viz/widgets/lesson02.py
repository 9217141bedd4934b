"""Lesson 02's widget: gradient descent on seed 000's output weights, one step at a time."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.course.weights import loss_along, loss_grid
from backprop_core.viz.plots import error_curve, error_surface, fmt, new_figure
from ._base import LessonWidget, StudentToggle, button, learning_rate_slider

#: Past this size a weight has clearly diverged; stepping stops before floats overflow.
DIVERGED = 1e6
RANGE = (-0.5, 2.0)


def reference_step(w, gradient, learning_rate):
    """w ← w − learning_rate · ∂E/∂w."""
    return w - learning_rate * gradient


class DescentExplorer(LessonWidget):
    """See :func:`descent_explorer`.

    Two runs from the same start, both with the slider's learning rate: on the
    left only w5 learns (w6 held), on the right w5 and w6 learn together. The
    hidden weights stay fixed in both, so the curve and surface do not move.

    Attributes
    ----------
    learning_rate : FloatLogSlider
    start_w5, start_w6 : FloatSlider
        Where both runs start (changing one restarts them).
    step, step10, reset : Button
    switch : StudentSwitch or None
    path_1d : ndarray, shape (k, 2)
        (w5, E) of the left run.
    path_2d : ndarray, shape (k, 2)
        (w5, w6) of the right run; ``errors_2d`` its errors.
    curve, surface : ErrorCurvePlot, ErrorSurfacePlot
    """

    student_toggle = StudentToggle("use my gradient_step",
                                   lambda widget, fn: fn(np.array([0.14]), np.array([0.1]), 0.05))

    def __init__(self, learning_rate: float, student_step: Callable | str | None, backend: str) -> None:
        self.net, self.x, self.target = examples.step_by_step()
        self.fig, (ax1, ax2) = new_figure(8.5, 3.7, ncols=2)
        values = np.linspace(*RANGE, 161)
        self.curve = error_curve(values, loss_along(self.net, self.x, self.target, "w5", values), ax=ax1, weight_label="w_5")
        ax1.set_title("only $w_5$ learns ($w_6$ held)")
        grid_values = np.linspace(*RANGE, 61)
        grid = loss_grid(self.net, self.x, self.target, "w5", "w6", grid_values, grid_values)
        self.surface = error_surface(grid_values, grid_values, grid, ax=ax2, labels=("w_5", "w_6"))
        ax2.set_title("$w_5$ and $w_6$ learn together")
        self.readout = self.fig.supxlabel(" ", fontsize=10)
        self.learning_rate = learning_rate_slider(learning_rate, 1e-3, 3.0)
        w5, w6 = self.net.weights[1][0]
        slider = lambda name, v: widgets.FloatSlider(value=v, min=RANGE[0], max=RANGE[1], step=0.01,  # noqa: E731
                                                     description=f"start {name}", readout_format=".2f",
                                                     layout=widgets.Layout(width="280px"))
        self.start_w5, self.start_w6 = slider("w5", float(w5)), slider("w6", float(w6))
        self.step, self.step10, self.reset = button("step"), button("10 steps"), button("reset")
        self.step.on_click(lambda _: self._advance(1))
        self.step10.on_click(lambda _: self._advance(10))
        self.reset.on_click(lambda _: self.restart())
        controls = [self.learning_rate, widgets.HBox([self.start_w5, self.start_w6]),
                    widgets.HBox([self.step, self.step10, self.reset]), *self._student_switch(student_step)]
        self.learning_rate.observe(lambda _: self.restart(), names="value")
        self.start_w5.observe(lambda _: self.restart(), names="value")
        self.start_w6.observe(lambda _: self.restart(), names="value")
        self._start()
        self._finish(controls, backend)

    # -- the two runs
    def _start(self) -> None:
        self.w_1d = np.array([self.start_w5.value])
        self.w_2d = np.array([self.start_w5.value, self.start_w6.value])
        self.path_1d = np.array([[self.w_1d[0], self._error([self.w_1d[0], self.start_w6.value])]])
        self.path_2d = self.w_2d[None, :].copy()
        self.errors_2d = [self._error(self.w_2d)]
        self.diverged = False

    def _error(self, w56) -> float:
        self.net.weights[1][0] = w56
        return self.net.loss(self.x, self.target)

    def _gradient(self, w56) -> np.ndarray:
        self.net.weights[1][0] = w56
        trace = self.net.forward(self.x)
        return self.net.backward(trace, self.target).weights[1][0]

    def _advance(self, steps: int) -> None:
        rule = self.student_function() or reference_step
        rate = self.learning_rate.value
        for _ in range(steps):
            if self.diverged:
                break
            g5 = self._gradient([self.w_1d[0], self.start_w6.value])[0]
            self.w_1d = np.asarray(rule(self.w_1d, np.array([g5]), rate), dtype=float).reshape(1)
            self.path_1d = np.vstack([self.path_1d, [self.w_1d[0], self._error([self.w_1d[0], self.start_w6.value])]])
            self.w_2d = np.asarray(rule(self.w_2d, self._gradient(self.w_2d), rate), dtype=float).reshape(2)
            self.path_2d = np.vstack([self.path_2d, self.w_2d])
            self.errors_2d.append(self._error(self.w_2d))
            self.diverged = bool(np.max(np.abs(np.concatenate([self.w_1d, self.w_2d]))) > DIVERGED)
        self._on_change()

    def restart(self) -> None:
        self._start()
        self._on_change()

    def _student_toggled(self) -> None:
        self.restart()  # both runs start again with the rule now chosen

    def recompute(self) -> None:
        self.curve.update(path=self.path_1d)
        self.surface.update(path=self.path_2d)
        k = len(self.path_2d) - 1
        self.readout.set_text(
            f"α = {fmt(self.learning_rate.value, 3)}, step {k}:   left  $w_5$ = {fmt(self.w_1d[0])}, "
            f"E = {fmt(self.path_1d[-1, 1])}   |   right  $w_5$ = {fmt(self.w_2d[0])}, $w_6$ = {fmt(self.w_2d[1])}, "
            f"E = {fmt(self.errors_2d[-1])}"
        )
        growing = len(self.errors_2d) > 2 and self.errors_2d[-1] > self.errors_2d[-2] > self.errors_2d[-3]
        if self.diverged:
            self.say("The weights have run away (diverged): the learning rate is too large. Reset or lower α.")
        elif growing:
            self.say("E grows with every step: each step overshoots the minimum by more than it gains.")
        else:
            self.say("")


def descent_explorer(learning_rate: float = 0.05, student_step: Callable | str | None = None,
                     backend: str = "auto") -> DescentExplorer:
    """Lesson 02: gradient descent on w5 and w6 of seed 000, with a learning-rate slider and a step button.

    Parameters
    ----------
    learning_rate : float
        Initial α (the seed's 0.05).
    student_step : callable(w, gradient, learning_rate) -> new w, or its name, optional
        The student's ``gradient_step``; a checkbox uses it for both runs once it
        runs without NotImplementedError.
    backend : {"auto", "ipympl", "image", "none"}

    Returns
    -------
    DescentExplorer
        ``.learning_rate.value = 0.5; .step.click()`` from code does what the buttons do.
    """
    return DescentExplorer(learning_rate, student_step, backend)

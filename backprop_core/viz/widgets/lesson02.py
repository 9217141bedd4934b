"""Lesson 02's widget: gradient descent on the output weights of hmkcode's 2-2-1 example, one step at a time."""
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
    Each panel's title gives the learning rate above which its run diverges,
    2 / curvature: 2 / a1² on the left, 2 / (a1² + a2²) on the right.

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
    uphill : bool
        A step so far moved the weights *with* the slope (a sign error in the rule used).
    limit_1d, limit_2d : float
        The learning rates above which the left and the right run diverge.
    curve, surface : ErrorCurvePlot, ErrorSurfacePlot
    """

    student_toggle = StudentToggle("use my gradient_step",
                                   lambda widget, fn: fn(np.array([0.14]), np.array([0.1]), 0.05))

    def __init__(self, learning_rate: float, student_step: Callable | str | None, backend: str) -> None:
        self.net, self.x, self.target = examples.step_by_step()
        self.fig, (ax1, ax2) = new_figure(8.5, 3.7, ncols=2)
        values = np.linspace(*RANGE, 161)
        self.curve = error_curve(values, loss_along(self.net, self.x, self.target, "w5", values), ax=ax1, weight_label="w_5")
        # One step multiplies delta by 1 − α·c, c the curvature along the step: past α = 2/c it diverges.
        hidden = self.net.forward(self.x).activations[0]
        self.limit_1d, self.limit_2d = 2 / hidden[0] ** 2, 2 / float(hidden @ hidden)
        ax1.set_title(f"only $w_5$ learns ($w_6$ held)\ndiverges above α = {self.limit_1d:.2f}", fontsize=10)
        grid_values = np.linspace(*RANGE, 61)
        grid = loss_grid(self.net, self.x, self.target, "w5", "w6", grid_values, grid_values)
        self.surface = error_surface(grid_values, grid_values, grid, ax=ax2, labels=("w_5", "w_6"))
        ax2.set_title(f"$w_5$ and $w_6$ learn together\ndiverges above α = {self.limit_2d:.2f}", fontsize=10)
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
        self.uphill = False

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
            g5 = np.array([self._gradient([self.w_1d[0], self.start_w6.value])[0]])
            old_1d, self.w_1d = self.w_1d, np.asarray(rule(self.w_1d, g5, rate), dtype=float).reshape(1)
            self.path_1d = np.vstack([self.path_1d, [self.w_1d[0], self._error([self.w_1d[0], self.start_w6.value])]])
            g56 = self._gradient(self.w_2d)
            old_2d, self.w_2d = self.w_2d, np.asarray(rule(self.w_2d, g56, rate), dtype=float).reshape(2)
            # Downhill means against the slope: a step along it is a sign error, whatever α is.
            self.uphill |= bool((self.w_1d - old_1d) @ g5 > 0 or (self.w_2d - old_2d) @ g56 > 0)
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
        self.say(self.diagnosis())

    def diagnosis(self) -> str:
        """One sentence on what the runs are doing (empty when nothing needs saying)."""
        if self.uphill:
            return ("The weights go uphill: each step moves them with the slope instead of against it, so E grows "
                    "whatever α is. Check the sign of the update in your gradient_step.")
        rate = self.learning_rate.value
        too_large = [side for side, limit in (("left", self.limit_1d), ("right", self.limit_2d)) if rate > limit]
        if self.diverged:
            return ("The weights have run away (diverged): α is above 2 / curvature for "
                    + " and ".join(f"the {side} run" for side in too_large) + ". Reset or lower α.")
        if len(self.errors_2d) < 3 or not too_large:
            return ""
        if len(too_large) == 2:
            return (f"E grows with every step in both runs: α = {fmt(rate, 3)} is above both limits, so each step "
                    "jumps across the valley and lands higher than it started.")
        return (f"Left, α = {fmt(rate, 3)} is below w5's limit {self.limit_1d:.2f}: the steps overshoot but settle. "
                f"Right, it is above the two weights' limit {self.limit_2d:.2f}: each jump lands higher, E grows.")


def descent_explorer(learning_rate: float = 0.05, student_step: Callable | str | None = None,
                     backend: str = "auto") -> DescentExplorer:
    """Lesson 02: gradient descent on w5 and w6 of hmkcode's example, with a learning-rate slider and a step button.

    Parameters
    ----------
    learning_rate : float
        Initial α (hmkcode's 0.05).
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

"""Lesson 04's widget: step through the three factors of ∂E/∂w for an output weight of Mazur's 2-2-2 example."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.course.weights import weight_names
from backprop_core.viz.plots import draw_network, fmt, new_figure
from backprop_core.viz.style import COLORS, course_style
from ._base import LessonWidget, StudentToggle, button, set_weights_from, slider_grid, weight_sliders

#: The steps, in order: an overview, the three factors, their product.
STEPS = ("the chain", "factor 1", "factor 2", "factor 3", "product")


class FactorStepper(LessonWidget):
    """See :func:`factor_stepper`.

    Attributes
    ----------
    weight : Dropdown ("w5" … "w8")
    back, next : Button
    sliders : dict name -> FloatSlider, one per weight
    step_index : int
        0 … 4, an index into :data:`STEPS`.
    factors : tuple of float
        (∂E/∂a_o, ∂a_o/∂z_o, ∂z_o/∂w) for the chosen weight; ``gradient`` their product.
    lines : list of Text
        The equation lines under the drawing.
    """

    student_toggle = StudentToggle("use my output_delta",
                                   lambda widget, fn: fn(np.array([0.5, 1.0]), np.array([0.0, 1.0])))

    def __init__(self, weight: str, student_output_delta: Callable | str | None, backend: str) -> None:
        self.net, self.x, self.target = examples.mazur()
        with course_style():
            self.fig, (ax_net, self.text_ax) = new_figure(7.6, 5.9, nrows=2, gridspec_kw={"height_ratios": [3.3, 1.45]})
            self.text_ax.axis("off")
            self.lines = [self.text_ax.text(0.0, 1.0 - 0.2 * k, "", transform=self.text_ax.transAxes, fontsize=10.5,
                                            va="top", ha="left") for k in range(5)]
        self.drawing = draw_network(self.net, ax=ax_net, target=self.target, show_gradients=False)
        output_names = [n for n, (l, _, _) in weight_names(self.net).items() if l == len(self.net.weights) - 1]
        if weight not in output_names:
            raise ValueError(f"weight must be an output weight ({', '.join(output_names)}), got {weight!r}")
        self.weight = widgets.Dropdown(options=output_names, value=weight, description="weight",
                                       layout=widgets.Layout(width="180px"))
        self.back, self.next = button("◀ back"), button("next factor ▶")
        self.back.on_click(lambda _: self._go(-1))
        self.next.on_click(lambda _: self._go(+1))
        self.step_index = 0
        self.sliders = weight_sliders(self.net)
        self._observe(self.weight, *self.sliders.values())
        controls = [widgets.HBox([self.weight, self.back, self.next]), *self._student_switch(student_output_delta)]
        self._finish(controls, backend, below=[slider_grid(self.net, self.sliders)])

    def _go(self, by: int) -> None:
        self.step_index = int(np.clip(self.step_index + by, 0, len(STEPS) - 1))
        self._on_change()

    def recompute(self) -> None:
        set_weights_from(self.net, self.sliders)
        trace = self.net.forward(self.x)
        grads = self.net.backward(trace, self.target)
        name = self.weight.value
        _, j, i = weight_names(self.net)[name]
        a_out, a_in, t = trace.output[j], trace.activations[0][i], self.target[j]
        self.factors = (a_out - t, a_out * (1 - a_out), a_in)
        self.gradient = float(np.prod(self.factors))
        self.reference_gradient = float(grads.weights[-1][j, i])
        delta = self.factors[0] * self.factors[1]
        student = self.student_function()
        if student is not None:
            delta = float(np.ravel(student(trace.pre_activations[-1], self.target))[j])
        self.drawing.update(self.net, trace, grads if self.step_index == len(STEPS) - 1 else None, target=self.target)
        self._write(name, j, i, delta, student is not None)
        self._highlight(name, j, i)
        self.back.disabled = self.step_index == 0
        self.next.disabled = self.step_index == len(STEPS) - 1

    def _write(self, name: str, j: int, i: int, delta: float, students: bool) -> None:
        ao, zo, ah = f"a_{{o_{j + 1}}}", f"z_{{o_{j + 1}}}", f"a_{{h_{i + 1}}}"
        w, t = f"w_{{{name[1:]}}}", f"t_{{{j + 1}}}"
        f1, f2, f3 = (fmt(v) for v in self.factors)
        rows = [
            f"$\\partial E/\\partial {w}$ = $\\partial E/\\partial {ao}$ · $\\partial {ao}/\\partial {zo}$ · "
            f"$\\partial {zo}/\\partial {w}$",
            f"factor 1:  $\\partial E/\\partial {ao} = {ao} - {t}$ = {f1}",
            f"factor 2:  $\\partial {ao}/\\partial {zo} = {ao}\\,(1 - {ao})$ = {f2}",
            f"factor 3:  $\\partial {zo}/\\partial {w} = {ah}$ = {f3}",
            # the delta goes on a line of its own: beside the product it ran off the figure's right edge
            f"product:  {f1} · {f2} · {f3} = {fmt(self.gradient)}\n"
            f"($\\delta_{{o_{j + 1}}}$ = factor 1 · factor 2 = {fmt(delta)}{self._yours(delta) if students else ''})",
        ]
        for k, text in enumerate(self.lines):
            text.set_text(rows[k] if k <= self.step_index else "")
            text.set_color(COLORS["highlight"] if k == self.step_index and k > 0 else COLORS["text"])

    def _yours(self, delta: float) -> str:
        """After the student's δ: whether it agrees with factor 1 · factor 2, the reference's."""
        right = self.factors[0] * self.factors[1]
        if np.isclose(delta, right, rtol=1e-6, atol=1e-12):
            return ", by your output_delta: it agrees"
        return f", by your output_delta; it should be {fmt(right)}"

    def _highlight(self, name: str, j: int, i: int) -> None:
        d = self.drawing
        last = len(self.net.weights)
        by_step = {
            0: dict(edges=[name]),
            1: dict(neurons=[(last, j)], texts=[d.values[(last, j)]]),
            2: dict(neurons=[(last, j)], texts=[d.values[(last, j)]]),
            3: dict(neurons=[(last - 1, i)], texts=[d.values[(last - 1, i)]]),
            4: dict(edges=[name], texts=[d.deltas[(last, j)]]),
        }
        d.highlight(**by_step[self.step_index])


def factor_stepper(weight: str = "w5", student_output_delta: Callable | str | None = None,
                   backend: str = "auto") -> FactorStepper:
    """Lesson 04: step through the three factors of ∂E/∂w of an output weight (Mazur's example), highlighted on the drawing.

    Parameters
    ----------
    weight : {"w5", "w6", "w7", "w8"}
    student_output_delta : callable(z, target) -> delta, or its name, optional
        The student's ``output_delta``; ticked, the last step shows its δ.
    backend : {"auto", "ipympl", "image", "none"}

    Returns
    -------
    FactorStepper
        ``.next.click()`` steps; ``.sliders["w5"].value`` moves a weight.
    """
    return FactorStepper(weight, student_output_delta, backend)

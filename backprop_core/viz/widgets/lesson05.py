"""Lesson 05's widget: deltas flowing backwards through the network, with weight sliders."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.course.buggy import sigma_prime_of_activation
from backprop_core.nn.network import Gradients, Network
from backprop_core.viz.plots import draw_network, fmt
from ._base import LessonWidget, StudentSwitch, set_weights_from, slider_grid, weight_sliders

EXAMPLES = {
    "mazur": examples.mazur,
    "step_by_step": examples.step_by_step,
    # seed 003 works through its first sample, x = (0, 0) with target 0
    "xor": lambda: (lambda net, X, Y: (net, X[0], Y[0]))(*examples.xor()),
}


def student_deltas(net: Network, trace, target, hidden_delta: Callable) -> list[np.ndarray]:
    """Every layer's δ for one sample: the output's from the reference, the hidden ones by ``hidden_delta(z, W_next, delta_next)``."""
    deltas = list(net.backward(trace, target).deltas)
    for l in range(len(net.weights) - 2, -1, -1):
        deltas[l] = np.asarray(hidden_delta(trace.pre_activations[l], net.weights[l + 1], deltas[l + 1]), dtype=float)
    return deltas


class DeltaFlow(LessonWidget):
    """See :func:`delta_flow`.

    Attributes
    ----------
    sliders : dict name -> FloatSlider, one per weight
    compare : Checkbox
        "beside it, σ′ of the activation (seed 003's slip)": the hidden deltas
        computed with σ′(a) are written next to the correct σ′(z) ones.
    switch : StudentSwitch or None
    grads : Gradients
        The reference's (deltas and ∂E/∂w) for the current weights.
    mistaken : list of ndarray
        The deltas with σ′ applied to the activation.
    """

    def __init__(self, example: str, student_hidden_delta: Callable | str | None, backend: str) -> None:
        if example not in EXAMPLES:
            raise ValueError(f"example must be one of {', '.join(EXAMPLES)}, got {example!r}")
        self.net, self.x, self.target = EXAMPLES[example]()
        self.drawing = draw_network(self.net, target=self.target)
        self.fig = self.drawing.fig
        # ∂E/∂w of the hidden weights on one line under the drawing: two-line edge labels would collide
        self.readout = self.drawing.ax.text(0.5, -0.03, "", transform=self.drawing.ax.transAxes, ha="center",
                                            va="top", fontsize=9.5)
        self.fig.set_figheight(self.fig.get_figheight() + 0.3)
        self.sliders = weight_sliders(self.net, low=-5.0 if example == "xor" else -1.0,
                                      high=5.0 if example == "xor" else 1.0)
        self.compare = widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="auto"),
                                        description="beside each δ, the one computed with σ′ of the activation (seed 003's slip)")
        self._observe(self.compare, *self.sliders.values())
        self.switch = None
        controls = [self.compare]
        if student_hidden_delta is not None:
            n_hidden = self.net.weights[0].shape[0]
            self.switch = StudentSwitch(
                student_hidden_delta,
                lambda fn: fn(np.zeros(n_hidden), np.ones((self.net.n_out, n_hidden)), np.ones(self.net.n_out)),
                "use my hidden_delta")
            self.switch.checkbox.observe(self._on_change, names="value")
            controls.append(self.switch.widget)
        self._finish(controls, backend, below=[slider_grid(self.net, self.sliders)])

    def recompute(self) -> None:
        set_weights_from(self.net, self.sliders)
        trace = self.net.forward(self.x)
        self.grads = self.net.backward(trace, self.target)
        student = self.switch.active() if self.switch is not None else None
        shown = self.grads
        if student is not None:
            shown = Gradients(self.grads.weights, self.grads.biases, student_deltas(self.net, trace, self.target, student))
        self.mistaken = sigma_prime_of_activation(self.net, trace, self.target).deltas
        self.drawing.update(self.net, trace, shown, target=self.target)
        last = len(self.net.weights)
        for (k, j), text in self.drawing.deltas.items():
            lines = [f"δ {fmt(np.ravel(shown.deltas[k - 1])[j])}" + (" (yours)" if student is not None and k < last else "")]
            if self.compare.value:
                lines.append(f"σ′(a): {fmt(np.ravel(self.mistaken[k - 1])[j])}")
            text.set_text("\n".join(lines))
        from backprop_core.viz.plots import weight_names

        hidden = [(n, idx) for n, idx in weight_names(self.net).items() if idx[0] < last - 1]
        self.readout.set_text("   ".join(f"∂E/∂{n} = {fmt(self.grads.weights[l][j, i])}" for n, (l, j, i) in hidden))


def delta_flow(example: str = "mazur", student_hidden_delta: Callable | str | None = None,
               backend: str = "auto") -> DeltaFlow:
    """Lesson 05: every δ on the drawing, arrows carrying w·δ backwards; sliders for every weight.

    Parameters
    ----------
    example : {"mazur", "step_by_step", "xor"}
        Seed 002 (default), seed 000, or seed 003's XOR network on its first sample.
    student_hidden_delta : callable(z, W_next, delta_next) -> delta, or its name, optional
        The student's ``hidden_delta``; ticked, the hidden deltas shown are its.
    backend : {"auto", "ipympl", "image", "none"}

    Returns
    -------
    DeltaFlow
        ``.compare.value = True`` shows the σ′(a) deltas beside the right ones.
    """
    return DeltaFlow(example, student_hidden_delta, backend)

"""Lesson 05's widget: deltas flowing backwards through the network, with weight sliders."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.course.buggy import BUGGY_BACKWARDS
from backprop_core.course.weights import weight_names
from backprop_core.nn.network import Gradients, Network, Trace
from backprop_core.viz.plots import draw_network, fmt
from ._base import LessonWidget, StudentToggle, set_weights_from, slider_grid, weight_sliders

EXAMPLES = {
    "mazur": examples.mazur,
    "step_by_step": examples.step_by_step,
    # seed 003 works through its first sample, x = (0, 0) with target 0
    "xor": lambda: (lambda net, X, Y: (net, X[0], Y[0]))(*examples.xor()),
}


#: The slip shown beside the right deltas: σ′ of the activation (the XOR example's), from the gallery.
SIGMA_PRIME_OF_ACTIVATION = BUGGY_BACKWARDS["sigma_prime_of_activation"]


def student_deltas(net: Network, trace: Trace, grads: Gradients, hidden_delta: Callable) -> list[np.ndarray]:
    """Every layer's δ for one sample, the hidden ones by the student's ``hidden_delta(z, W_next, delta_next)``.

    Each hidden layer's δ is the student's step applied to the reference's δ of the
    layer after it, as lesson 05's exercise poses it; the output layer keeps the reference's.

    Parameters
    ----------
    net : Network
    trace : Trace
        ``net.forward(x)`` of one sample x, shape (n_in,).
    grads : Gradients
        ``net.backward(trace, target)``: the reference's deltas.
    hidden_delta : callable(z, W_next, delta_next) -> delta
        Shapes (n_hidden,), (n_next, n_hidden), (n_next,) -> (n_hidden,).

    Returns
    -------
    list of ndarray, ``[l]`` of shape (n_out_l,)
    """
    hidden = [np.asarray(hidden_delta(trace.pre_activations[l], net.weights[l + 1], grads.deltas[l + 1]), dtype=float)
              for l in range(len(net.weights) - 1)]
    return hidden + [grads.deltas[-1]]


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

    student_toggle = StudentToggle("use my hidden_delta", lambda widget, fn: widget._probe(fn))

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
        controls = [self.compare, *self._student_switch(student_hidden_delta)]
        self._finish(controls, backend, below=[slider_grid(self.net, self.sliders)])

    def _probe(self, hidden_delta: Callable) -> None:
        n_hidden = self.net.weights[0].shape[0]
        hidden_delta(np.zeros(n_hidden), np.ones((self.net.n_out, n_hidden)), np.ones(self.net.n_out))

    def recompute(self) -> None:
        set_weights_from(self.net, self.sliders)
        trace = self.net.forward(self.x)
        self.grads = self.net.backward(trace, self.target)
        student = self.student_function()
        shown = self.grads
        if student is not None:
            shown = Gradients(self.grads.weights, self.grads.biases, student_deltas(self.net, trace, self.grads, student))
        self.mistaken = SIGMA_PRIME_OF_ACTIVATION(self.net, trace, self.target).deltas
        self.drawing.update(self.net, trace, shown, target=self.target, delta_notes=self._delta_notes(student is not None))
        last = len(self.net.weights)
        hidden = [(n, idx) for n, idx in weight_names(self.net).items() if idx[0] < last - 1]
        self.readout.set_text("   ".join(f"∂E/∂{n} = {fmt(self.grads.weights[l][j, i])}" for n, (l, j, i) in hidden))

    def _delta_notes(self, students: bool) -> dict[tuple[int, int], str]:
        """What follows each δ on the drawing: "(yours)" on the student's, the σ′(a) delta below it when compared."""
        last = len(self.net.weights)
        notes = {}
        for k, n_neurons in enumerate(self.net.layer_sizes[1:], start=1):
            for j in range(n_neurons):
                yours = " (yours)" if students and k < last else ""
                slip = f"\nσ′(a): {fmt(np.ravel(self.mistaken[k - 1])[j])}" if self.compare.value else ""
                notes[(k, j)] = yours + slip
        return notes


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

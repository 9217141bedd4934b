"""Lesson 05's widget: deltas flowing backwards through the network, with weight sliders."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.course.buggy import BUGGY_BACKWARDS
from backprop_core.course.mistakes import MISTAKES
from backprop_core.course.weights import weight_names
from backprop_core.nn.activations import ACTIVATIONS
from backprop_core.nn.network import Gradients, Network, Trace
from backprop_core.viz.plots import draw_network, fmt
from ._base import LessonWidget, StudentToggle, set_weights_from, slider_grid, weight_sliders

EXAMPLES = {
    "mazur": examples.mazur,
    "step_by_step": examples.step_by_step,
    # the XOR-by-hand example works through its first sample, x = (0, 0) with target 0
    "xor": lambda: (lambda net, X, Y: (net, X[0], Y[0]))(*examples.xor()),
}


#: The slip shown beside the right deltas: σ′ of the activation (the XOR-by-hand example's), from the gallery.
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


def compare_deltas(net: Network, trace: Trace, yours: list[np.ndarray], reference: list[np.ndarray]) -> str:
    """Say whether the student's hidden deltas agree with the reference's, and if not, how they differ.

    Parameters
    ----------
    net : Network
    trace : Trace
        ``net.forward(x)`` of the one sample the deltas belong to.
    yours, reference : list of ndarray, ``[l]`` of shape (n_out_l,)
        Every layer's δ for that sample; only the hidden layers (all but the last) are compared.

    Returns
    -------
    str
        Starts with "agrees" when every hidden δ is within rounding of the reference's, with "gives"
        when the shapes differ; otherwise says which δ differs, by how much, and the known mistake
        it matches, if it matches one.
    """
    for l in range(len(net.weights) - 1):
        got, want = np.ravel(yours[l]), np.ravel(reference[l])
        if got.shape != want.shape:
            return (f"gives {got.size} deltas for the {want.size} hidden neurons, so the drawing keeps the "
                    "reference's. Check the shapes: is W_next transposed?")
        if not np.allclose(got, want, rtol=1e-6, atol=1e-12):
            k = int(np.argmax(np.abs(got - want)))
            return (f"disagrees with the reference: δ of h{k + 1} is {fmt(got[k])} where the reference has "
                    f"{fmt(want[k])}{_looks_like(net, trace, l, got, reference)}. The drawing and ∂E/∂w below use yours.")
    return "agrees with the reference on every hidden δ: the drawing and ∂E/∂w below use yours."


def _looks_like(net: Network, trace: Trace, l: int, got: np.ndarray, reference: list[np.ndarray]) -> str:
    """", which is <a known mistake>" when ``got``, layer l's δ, is exactly that mistake's; else ""."""
    activation = ACTIVATIONS[net.activations[l]]
    z, a = trace.pre_activations[l], trace.activations[l]
    W_next, delta_next = net.weights[l + 1], np.ravel(reference[l + 1])
    candidates = {MISTAKES["sigma_prime_of_activation"]: activation.derivative(a) * (W_next.T @ delta_next)}
    if W_next.shape[0] == W_next.shape[1]:  # otherwise W_next @ delta_next has the wrong length
        candidates[MISTAKES["missing_transpose"] + " (W_next @ delta_next where W_next.T @ delta_next belongs)"] = \
            activation.derivative(z) * (W_next @ delta_next)
    for words, value in candidates.items():
        if np.allclose(got, value, rtol=1e-6, atol=1e-12):
            return f", which is {words}"
    return ""


class DeltaFlow(LessonWidget):
    """See :func:`delta_flow`.

    Attributes
    ----------
    sliders : dict name -> FloatSlider, one per weight
    compare : Checkbox
        "beside each δ, the one computed with σ′ of the activation": the deltas
        computed with σ′(a) are written next to the correct σ′(z) ones.
    switch : StudentSwitch or None
    grads : Gradients
        The reference's (deltas and ∂E/∂w) for the current weights.
    verdict : str
        With the student's ``hidden_delta`` in use, whether its deltas agree with the
        reference's (it starts with "agrees"), as the status line says; else "".
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
                                        description="beside each δ, the one computed with σ′ of the activation a (the slip)")
        self._observe(self.compare, *self.sliders.values())
        controls = [self.compare, *self._student_switch(student_hidden_delta)]
        self._finish(controls, backend, below=[slider_grid(self.net, self.sliders)])

    def _probe(self, hidden_delta: Callable) -> None:
        n_hidden = self.net.weights[0].shape[0]
        try:
            hidden_delta(np.zeros(n_hidden), np.ones((self.net.n_out, n_hidden)), np.ones(self.net.n_out))
        except ValueError as error:  # most often a shape error: say what the shapes are
            if n_hidden == self.net.n_out:
                raise
            raise ValueError(f"{error}. Here W_next has shape ({self.net.n_out}, {n_hidden}), one row per output "
                             f"neuron, and delta_next shape ({self.net.n_out},): is a transpose missing?") from None

    def recompute(self) -> None:
        set_weights_from(self.net, self.sliders)
        trace = self.net.forward(self.x)
        self.grads = self.net.backward(trace, self.target)
        student = self.student_function()
        shown = self.grads
        if student is not None:
            deltas = student_deltas(self.net, trace, self.grads, student)
            self.verdict = compare_deltas(self.net, trace, deltas, self.grads.deltas)
            if not self.verdict.startswith("gives"):  # the right shapes: draw them, right or wrong
                shown = Gradients(self._weight_gradients(trace, deltas), self.grads.biases, deltas)
            self.say(f"Your hidden_delta {self.verdict}", error=not self.verdict.startswith("agrees"))
        else:
            self.verdict = ""
            self.say("")
        self.mistaken = SIGMA_PRIME_OF_ACTIVATION(self.net, trace, self.target).deltas
        yours = shown is not self.grads
        self.drawing.update(self.net, trace, shown, target=self.target, delta_notes=self._delta_notes(yours))
        self._write_readout(shown, yours)

    def _weight_gradients(self, trace: Trace, deltas: list[np.ndarray]) -> list[np.ndarray]:
        """∂E/∂W of every layer from ``deltas`` (lesson 04's rule: δ of the receiver × activation of the sender)."""
        senders = [trace.x] + list(trace.activations[:-1])
        return [np.outer(delta, a) for delta, a in zip(deltas, senders)]

    def _write_readout(self, grads: Gradients, yours: bool) -> None:
        """∂E/∂w of the hidden weights on one line under the drawing, from the deltas shown."""
        last = len(self.net.weights)
        hidden = [(n, idx) for n, idx in weight_names(self.net).items() if idx[0] < last - 1]
        text = "   ".join(f"∂E/∂{n} = {fmt(grads.weights[l][j, i] + 0.0)}" for n, (l, j, i) in hidden)  # + 0.0: no "−0"
        self.readout.set_text(("from your δ:  " if yours else "") + text)

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
        Mazur's 2-2-2 sigmoid example (default), hmkcode's linear 2-2-1 example, or the
        XOR-by-hand example's network on its first sample.
    student_hidden_delta : callable(z, W_next, delta_next) -> delta, or its name, optional
        The student's ``hidden_delta``; ticked, the hidden deltas shown are its, the status
        line says whether they agree with the reference's, and once they do the ∂E/∂w
        readout is computed from them.
    backend : {"auto", "ipympl", "image", "none"}

    Returns
    -------
    DeltaFlow
        ``.compare.value = True`` shows the σ′(a) deltas beside the right ones.
    """
    return DeltaFlow(example, student_hidden_delta, backend)

"""Lesson 08's widget: pick a bug, watch the gradient check catch it and say what its pattern points to."""
from __future__ import annotations

import textwrap
from typing import Callable, Mapping

import ipywidgets as widgets
import numpy as np

from backprop_core.course import buggy
from backprop_core.nn.gradcheck import DEFAULT_TOLERANCE, GradientCheck, compare_gradients, numerical_gradient
from backprop_core.nn.network import Gradients
from backprop_core.viz.plots import gradient_check_bars, new_figure
from ._base import LessonWidget

#: How close two gradients must be to count as "the same factor apart" (far below any bug's effect).
SAME_FACTOR = 1e-6
#: Characters per line of the text under the bars (it must fit the figure's width).
READOUT_WIDTH = 92


def _default_backwards() -> dict[str, Callable]:
    return {"correct": buggy.correct, **buggy.BUGGY_BACKWARDS}


def _parameters(gradients: Gradients) -> list[np.ndarray]:
    """Every gradient array, weights then biases."""
    return list(gradients.weights) + list(gradients.biases or [])


def common_factor(analytic: Gradients, numeric: Gradients) -> float | None:
    """The factor c with analytic = c · numeric in every layer alike, or None when there is no such c.

    Parameters
    ----------
    analytic, numeric : Gradients
        The same structure (as :func:`~backprop_core.nn.gradcheck.numerical_gradient` returns).

    Returns
    -------
    float or None
        c, fitted by least squares over every weight and bias; None when some
        entry is further than :data:`SAME_FACTOR` (relatively) from c times its numeric value.
    """
    a = np.concatenate([g.ravel() for g in _parameters(analytic)])
    n = np.concatenate([g.ravel() for g in _parameters(numeric)])
    if not np.any(n):
        return None
    c = float(a @ n / (n @ n))
    misfit = np.max(np.abs(a - c * n)) / max(np.max(np.abs(a)), np.max(np.abs(c * n)))
    return c if misfit < SAME_FACTOR else None


def diagnosis(result: GradientCheck, analytic: Gradients, numeric: Gradients, n_samples: int) -> str:
    """What the pattern of failing bars points to, in one sentence a student reads.

    Parameters
    ----------
    result : GradientCheck
        ``compare_gradients(analytic, numeric, tolerance)``.
    analytic, numeric : Gradients
    n_samples : int
        N, the batch size the check ran on (a missing mean makes every gradient N times too large).
    """
    if result.passed:
        return "the analytic gradients match the central differences in every layer"
    failing = {key for key, error in result.errors.items() if error > result.tolerance}
    output_layer = len(analytic.weights) - 1
    factor = common_factor(analytic, numeric)
    if factor is not None and np.isclose(factor, -1.0):
        return "every gradient is exactly −1 times the true one: a wrong sign, so each step would climb the error"
    if factor is not None:
        return (f"every gradient is {factor:.3g} times the true one, in every layer alike: a wrong scale "
                f"(×2 = a missing ½ in the error, ×N = a missing mean over the batch; here N = {n_samples})")
    if all(kind == "biases" for kind, _ in failing):
        return ("every weight agrees and only biases disagree: look at how the bias gradient is made from "
                "the deltas (summed over the batch?)")
    if not any(l == output_layer for _, l in failing):
        # No update happens during a gradient check (both sides use the same weights), so the pattern can only
        # point into the backward pass itself: how the deltas travel down through the weights.
        return ("the output layer agrees and the layers below do not: its delta is right, but the error is "
                "carried back wrongly (through transposed weights, or other weights than the forward pass used?)")
    return ("every layer is off, by different factors: the output layer's delta is already wrong "
            "(σ′ taken at the activation a instead of the net input z?)")


def _parameter_name(kind: str, l: int) -> str:
    return f"{'W' if kind == 'weights' else 'b'}{l + 1}"


def _layers_label(n_layers: int) -> str:
    """The x label: which bars are which layer's, and the index the exercise returns for it (from 0)."""
    pairs = ", ".join(f"W{l + 1}, b{l + 1}: index {l}" for l in range(n_layers))
    return f"parameter ({pairs} in the lists)"


class GradcheckExplorer(LessonWidget):
    """See :func:`gradcheck_explorer`.

    Attributes
    ----------
    bug : Dropdown
        Keys of the backward passes ("correct" and the MISTAKES keys).
    tolerance : FloatLogSlider
    result : GradientCheck
        The latest check.
    readout : Text
        Where the first disagreement is (layers counted from 0, as ``first_disagreeing_layer`` counts
        them) and, on a second line, what the pattern of failing bars points to.
    """

    def __init__(self, backward: Mapping[str, Callable], example, backend: str) -> None:
        if example is None:
            example = buggy.gallery_example()
        self.net, self.x, self.target = example
        self.backwards = dict(backward)
        self.numeric = numerical_gradient(self.net, self.x, self.target)  # the same for every bug: once
        self.trace = self.net.forward(self.x)
        self.n_samples = 1 if np.ndim(self.trace.output) == 1 else len(self.trace.output)
        first, _ = self._check(next(iter(self.backwards)), DEFAULT_TOLERANCE)
        self.fig, ax = new_figure(6.4, 4.3)
        self.plot = gradient_check_bars(first, ax=ax)
        ax.set_xlabel(_layers_label(len(self.net.weights)))  # the bars say W1, the exercise says layer 0: say both
        # a fixed band for the readout: its 2-4 lines change with every pick, the bars must not jump
        self.fig.set_layout_engine("none")
        ax.set_position([0.12, 0.32, 0.86, 0.65])  # left, bottom, width, height in figure fractions
        self.readout = self.fig.text(0.01, 0.015, " ", fontsize=9, ha="left", va="bottom")
        options = [(("no bug" if k == "correct" else buggy.gallery_label(k)), k) for k in self.backwards]
        self.bug = widgets.Dropdown(options=options, value=next(iter(self.backwards)), description="backward pass",
                                    layout=widgets.Layout(width="640px"), style={"description_width": "110px"})
        self.tolerance = widgets.FloatLogSlider(value=DEFAULT_TOLERANCE, base=10, min=-10, max=-1, step=0.5,
                                                description="threshold", readout_format=".0e",
                                                layout=widgets.Layout(width="420px"), style={"description_width": "110px"})
        self._observe(self.bug, self.tolerance)
        self._finish([self.bug, self.tolerance], backend)

    def _check(self, key: str, tolerance: float) -> tuple[GradientCheck, Gradients]:
        analytic = self.backwards[key](self.net, self.trace, self.target)
        return compare_gradients(analytic, self.numeric, tolerance), analytic

    def recompute(self) -> None:
        self.result, analytic = self._check(self.bug.value, self.tolerance.value)
        self.plot.update(self.result.errors, self.tolerance.value)
        why = diagnosis(self.result, analytic, self.numeric, self.n_samples)
        failure = self.result.first_failure
        if failure is None:
            where = "every relative error is under the threshold: the backward pass agrees (first_disagreeing_layer: None)"
        else:
            kind, l = failure
            where = (f"first disagreement: layer {l + 1} (index {l}), its {kind} (bar {_parameter_name(kind, l)}), relative error "
                     f"{self.result.errors[failure]:.1e}; first_disagreeing_layer returns {l}")
        lines = textwrap.wrap(where, READOUT_WIDTH) + textwrap.wrap(f"why: {why}", READOUT_WIDTH)
        self.readout.set_text("\n".join(lines))


def gradcheck_explorer(backward: Mapping[str, Callable] | None = None, example=None,
                       backend: str = "auto") -> GradcheckExplorer:
    """Lesson 08: choose a (buggy) backward pass; bars show each layer's relative error against the threshold.

    Under the bars: the first layer that disagrees (counted from 0, as lesson 08's exercise counts) and
    what the pattern of failing bars points to (a wrong sign, a wrong scale, only the biases, only the
    layers below the output, or every layer by different factors).

    Parameters
    ----------
    backward : dict name -> callable(net, trace, target) -> Gradients, optional
        Default: "correct" and ``backprop_core.course.buggy.BUGGY_BACKWARDS`` (keys of MISTAKES).
    example : (net, x, target), optional
        Default ``buggy.gallery_example()``: Mazur's 2-2-2 sigmoid network on a batch of 3, where every bug shows.
    backend : {"auto", "ipympl", "image", "none"}
    """
    return GradcheckExplorer(_default_backwards() if backward is None else backward, example, backend)

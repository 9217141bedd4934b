"""Lesson 08's widget: pick a bug, watch the gradient check catch it."""
from __future__ import annotations

from typing import Callable, Mapping

import ipywidgets as widgets

from backprop_core.course import buggy
from backprop_core.course.mistakes import MISTAKES
from backprop_core.nn.gradcheck import DEFAULT_TOLERANCE, compare_gradients, numerical_gradient
from backprop_core.viz.plots import gradient_check_bars, new_figure
from ._base import LessonWidget


def _default_backwards() -> dict[str, Callable]:
    return {"correct": buggy.correct, **buggy.BUGGY_BACKWARDS}


class GradcheckExplorer(LessonWidget):
    """See :func:`gradcheck_explorer`.

    Attributes
    ----------
    bug : Dropdown
        Keys of the backward passes ("correct" and the MISTAKES keys).
    tolerance : FloatLogSlider
    result : GradientCheck
        The latest check.
    """

    def __init__(self, backward: Mapping[str, Callable], example, backend: str) -> None:
        if example is None:
            example = buggy.gallery_example()
        self.net, self.x, self.target = example
        self.backwards = dict(backward)
        self.numeric = numerical_gradient(self.net, self.x, self.target)  # the same for every bug: once
        self.trace = self.net.forward(self.x)
        first = self._check(next(iter(self.backwards)), DEFAULT_TOLERANCE)
        self.fig, ax = new_figure(5.6, 3.6)
        self.plot = gradient_check_bars(first, ax=ax)
        self.readout = self.fig.supxlabel(" ", fontsize=10)
        options = [(("no bug" if k == "correct" else MISTAKES.get(k, k)), k) for k in self.backwards]
        self.bug = widgets.Dropdown(options=options, value=next(iter(self.backwards)), description="backward pass",
                                    layout=widgets.Layout(width="640px"), style={"description_width": "110px"})
        self.tolerance = widgets.FloatLogSlider(value=DEFAULT_TOLERANCE, base=10, min=-10, max=-1, step=0.5,
                                                description="threshold", readout_format=".0e",
                                                layout=widgets.Layout(width="420px"), style={"description_width": "110px"})
        self._observe(self.bug, self.tolerance)
        self._finish([self.bug, self.tolerance], backend)

    def _check(self, key: str, tolerance: float):
        analytic = self.backwards[key](self.net, self.trace, self.target)
        return compare_gradients(analytic, self.numeric, tolerance)

    def recompute(self) -> None:
        self.result = self._check(self.bug.value, self.tolerance.value)
        self.plot.update(self.result.errors, self.tolerance.value)
        failure = self.result.first_failure
        if failure is None:
            self.readout.set_text("every relative error is under the threshold: the backward pass agrees")
        else:
            kind, l = failure
            self.readout.set_text(f"first disagreement: the {kind} of layer {l + 1} "
                                  f"(relative error {self.result.errors[failure]:.1e})")


def gradcheck_explorer(backward: Mapping[str, Callable] | None = None, example=None,
                       backend: str = "auto") -> GradcheckExplorer:
    """Lesson 08: choose a (buggy) backward pass; bars show each layer's relative error against the threshold.

    Parameters
    ----------
    backward : dict name -> callable(net, trace, target) -> Gradients, optional
        Default: "correct" and ``backprop_core.course.buggy.BUGGY_BACKWARDS`` (keys of MISTAKES).
    example : (net, x, target), optional
        Default ``buggy.gallery_example()``: seed 002's network on a batch of 3, where every bug shows.
    backend : {"auto", "ipympl", "image", "none"}
    """
    return GradcheckExplorer(_default_backwards() if backward is None else backward, example, backend)

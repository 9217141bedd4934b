"""Lesson 01's widget: a slider per weight; the output, the error and the drawing follow."""
from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_core.course import examples
from backprop_core.course.weights import weight_names
from backprop_core.nn.losses import half_squared_error
from backprop_core.nn.network import Network
from backprop_core.viz.plots import draw_network, fmt
from backprop_core.viz.style import COLORS
from ._base import LessonWidget, StudentToggle, button, set_weights_from, slider_grid, weight_sliders

EXAMPLES = {"step_by_step": examples.step_by_step, "mazur": examples.mazur}


def _example(example) -> tuple[Network, np.ndarray, np.ndarray]:
    if isinstance(example, str):
        if example not in EXAMPLES:
            raise ValueError(f"example must be one of {', '.join(EXAMPLES)} or a (net, x, target) tuple, got {example!r}")
        return EXAMPLES[example]()
    if not (isinstance(example, tuple) and len(example) == 3 and isinstance(example[0], Network)):
        raise TypeError(f"example must be a name or a (net, x, target) tuple, got {type(example).__name__}")
    net, x, target = example
    return net.copy(), np.asarray(x, dtype=float), np.asarray(target, dtype=float)


class ForwardExplorer(LessonWidget):
    """See :func:`forward_explorer`.

    Attributes
    ----------
    sliders : dict name -> FloatSlider
        ``"w1"`` … numbered as in the worked examples.
    reset : Button
    switch : StudentSwitch or None
    net, x, target : the network being explored (its weights follow the sliders)
    drawing : NetworkDrawing
    readout : Text
        The line under the drawing with the output and the error.
    prediction, error : float
        The latest values (the reference's error).
    """

    student_toggle = StudentToggle("use my error function", lambda widget, fn: fn(np.array([0.5]), np.array([1.0])))

    def __init__(self, example, error_function: Callable | str | None, backend: str) -> None:
        self.net, self.x, self.target = _example(example)
        self._initial = [W.copy() for W in self.net.weights]
        self.drawing = draw_network(self.net, self.net.forward(self.x), target=self.target)
        self.fig = self.drawing.fig
        self.readout = self.drawing.ax.text(0.5, 0.005, "", transform=self.drawing.ax.transAxes, ha="center",
                                            va="bottom", fontsize=10.5, color=COLORS["text"])
        self.drawing.ax.set_ylim(self.drawing.ylim[0] - 0.55, self.drawing.ylim[1])
        self.fig.set_figheight(self.fig.get_figheight() + 0.45)
        self.sliders = weight_sliders(self.net)
        self.reset = button("reset weights")
        self.reset.on_click(lambda _: self._reset())
        controls = [slider_grid(self.net, self.sliders), *self._student_switch(error_function), self.reset]
        self._observe(*self.sliders.values())
        self._finish(controls, backend)

    def _reset(self) -> None:
        with self.widget.hold_sync():
            for name, (l, j, i) in weight_names(self.net).items():
                self.sliders[name].value = float(self._initial[l][j, i])
        self.update()

    def recompute(self) -> None:
        set_weights_from(self.net, self.sliders)
        trace = self.net.forward(self.x)
        self.prediction = trace.output
        self.error = None
        self.error_value = half_squared_error(trace.output, self.target)
        self.drawing.update(self.net, trace, target=self.target)
        shown = ", ".join(fmt(v) for v in trace.output)
        line = f"output {shown}    error E = ½ Σ (output − target)² = {fmt(self.error_value)}"
        student = self.student_function()
        if student is not None:
            line += f"    your E = {fmt(float(student(trace.output, self.target)))}"
        self.readout.set_text(line)


def forward_explorer(example="step_by_step", error_function: Callable | str | None = None,
                     backend: str = "auto") -> ForwardExplorer:
    """Lesson 01: move any weight and watch the output, the error and the drawing follow.

    Parameters
    ----------
    example : {"step_by_step", "mazur"} or (net, x, target)
        hmkcode's linear 2-2-1 example (default) or Mazur's 2-2-2 sigmoid example.
    error_function : callable(output, target) -> float, or its name, optional
        The student's error function (e.g. ``half_squared_error``). A checkbox
        "use my error function" appears, usable once the function runs without
        NotImplementedError; ticked, the student's E is shown beside the reference's.
    backend : {"auto", "ipympl", "image", "none"}
        How the figure reaches the page; see :mod:`backprop_core.viz.widgets._base`.

    Returns
    -------
    ForwardExplorer
        Display it; ``.sliders["w5"].value = 0.3`` moves a weight from code.

    Examples
    --------
    >>> from backprop_core.viz.widgets import forward_explorer
    >>> explorer = forward_explorer("step_by_step", backend="none")
    >>> round(explorer.error_value, 4)
    0.3272
    """
    return ForwardExplorer(example, error_function, backend)

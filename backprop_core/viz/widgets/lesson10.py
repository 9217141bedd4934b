"""Lesson 10's widget: pick an expression, step its backward pass one value at a time on the drawn graph."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets

from backprop_core.course import examples
from backprop_core.nn.autograd import Value
from backprop_core.viz.plots import new_figure
from backprop_core.viz.plots._base import fmt
from backprop_core.viz.plots.graph import GraphDrawing, _name
from ._base import LessonWidget


def _tanh_neuron() -> Value:
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    z = x1 * w1 + x2 * w2 + Value(6.88, label="b")
    z.label = "z"
    return z.tanh()


def _used_twice() -> Value:
    x = Value(3.0, label="x")
    return x * x + x


def _exp_product() -> Value:
    p, q, r = Value(0.5, label="p"), Value(-1.2, label="q"), Value(0.3, label="r")
    return (p * q + r) * p.exp()


def _mazur_output() -> Value:
    """½(output − target)² of Mazur's first output neuron, from the hidden activations."""
    net, x, target = examples.mazur()
    a_hidden = net.forward(x).activations[0]
    a1, a2 = Value(float(a_hidden[0]), label="a_h1"), Value(float(a_hidden[1]), label="a_h2")
    w5, w6 = Value(float(net.weights[1][0, 0]), label="w5"), Value(float(net.weights[1][0, 1]), label="w6")
    z = w5 * a1 + w6 * a2 + Value(float(net.biases[1][0]), label="b2")
    z.label = "z_o1"
    output = z.sigmoid()
    output.label = "output"
    error = output + Value(-float(target[0]), label="−target")
    return (error ** 2) * Value(0.5, label="½")


#: label -> a function building the expression (a new graph each time: gradients start at 0).
EXPRESSIONS: dict[str, Callable[[], Value]] = {
    "x·x + x, at x = 3 (a value used twice)": _used_twice,
    "tanh(x1·w1 + x2·w2 + b), a neuron": _tanh_neuron,
    "(p·q + r)·exp(p)": _exp_product,
    "Mazur's example: E of the first output, ½(σ(w5·a_h1 + w6·a_h2 + b2) − target)²": _mazur_output,
}


def backward_snapshots(root: Value, order: list) -> list[list[float | None]]:
    """Every value's gradient before the backward pass and after each value's rule, in the pass's order.

    Parameters
    ----------
    root : Value
        The result; its graph's gradients are set to 0 first.
    order : list of Value
        Each after its parents, root last (the pass runs it reversed).

    Returns
    -------
    list of (list of float or None)
        ``len(order) + 1`` lists of one entry per value of ``order``; None where no gradient has arrived yet.
    """
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    reached = {id(root)}
    snapshots = [[node.grad if id(node) in reached else None for node in order]]
    for node in reversed(order):
        node._backward()
        reached.update(id(p) for p in node.parents)
        snapshots.append([v.grad if id(v) in reached else None for v in order])
    return snapshots


#: The view's size in the graph's grid units: at least this many columns and rows, so that a small graph
#: (x·x + x: 3 columns, 1 row) fills a good part of the canvas without its boxes stretched to giant size,
#: and the largest (Mazur's: 8 columns, 4 rows) fills all of it.
VIEW_COLUMNS, VIEW_ROWS = 5, 4


def fit_view(drawing: GraphDrawing, columns: int = VIEW_COLUMNS, rows: int = VIEW_ROWS) -> tuple[float, float]:
    """Centre the axes on the drawn graph, the view at least ``columns`` x ``rows`` grid units; its (width, height)."""
    xs = [x for x, _ in drawing._xy]
    ys = [y for _, y in drawing._xy]
    width, height = max(columns, max(xs) - min(xs) + 1), max(rows, max(ys) - min(ys) + 1.3)   # + a box's margin
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    drawing.ax.set_xlim(cx - width / 2, cx + width / 2)
    drawing.ax.set_ylim(cy - height / 2, cy + height / 2)
    return width, height


class BackwardStepper(LessonWidget):
    """See :func:`backward_stepper`.

    Attributes
    ----------
    expression : Dropdown
        Keys of :data:`EXPRESSIONS`.
    step : IntSlider
        How many backward rules have run (0: only the result's grad, 1, is known).
    drawing : GraphDrawing
    snapshots : list
        As :func:`backward_snapshots` returns, for the picked expression.
    readout : str
        What the current step did, in words: the status line under the figure (once: not in the figure's title).
    """

    def __init__(self, expression: str, backend: str) -> None:
        if expression not in EXPRESSIONS:
            raise ValueError(f"expression must be one of {list(EXPRESSIONS)}, got {expression!r}")
        self.fig, self.ax = new_figure(8.6, 3.4)   # Mazur's graph, the largest, 8 columns by 4 rows
        self.expression = widgets.Dropdown(options=list(EXPRESSIONS), value=expression, description="expression",
                                           layout=widgets.Layout(width="640px"), style={"description_width": "90px"})
        self.step = widgets.IntSlider(value=0, min=0, max=1, description="rules run",
                                      layout=widgets.Layout(width="520px"), style={"description_width": "90px"})
        self._built_for = None
        self.expression.observe(self._new_expression, names="value")
        self._observe(self.step)
        self._finish([self.expression, self.step], backend)

    def _new_expression(self, change=None) -> None:
        self._build()
        if self.step.value == 0:
            self._on_change()
        else:
            self.step.value = 0          # its callback redraws

    def _build(self) -> None:
        root = EXPRESSIONS[self.expression.value]()
        self.ax.clear()
        self.drawing = GraphDrawing(root, self.ax, None)
        fit_view(self.drawing)
        self.snapshots = backward_snapshots(root, self.drawing.order)
        self.step.max = len(self.drawing.order)
        self._built_for = self.expression.value

    def recompute(self) -> None:
        if self._built_for != self.expression.value:
            self._build()
        order = self.drawing.order
        k = min(self.step.value, len(order))
        if k == 0:
            self.drawing.update(self.snapshots[0], current=None)
            self.readout = "before the backward pass: the result's grad is 1, every other grad is unknown"
        else:
            current = len(order) - k            # the pass runs the order reversed
            node = order[current]
            self.drawing.update(self.snapshots[k], current=current)
            if node.parents:
                # the same Value twice (x·x) gets a share per use; two different Values of one name are two
                uses = {}
                for parent in node.parents:
                    uses.setdefault(id(parent), [parent, 0])[1] += 1
                receivers = " and ".join(f"'{_name(parent)}'" + (" (twice: one share per use)" if count > 1 else "")
                                         for parent, count in uses.values())
                self.readout = (f"rule {k} of {len(order)}: '{_name(node)}' (grad {fmt(node.grad)}, complete) passes "
                                f"its gradient to {receivers}")
            else:
                self.readout = f"rule {k} of {len(order)}: '{_name(node)}' is an input: nothing to pass on"

    def update(self, change=None) -> None:
        super().update(change)
        self.say(self.readout)


def backward_stepper(expression: str = next(iter(EXPRESSIONS)), backend: str = "auto") -> BackwardStepper:
    """Step a backward pass one value at a time on an expression's drawn graph.

    Parameters
    ----------
    expression : str
        A key of :data:`EXPRESSIONS` to start with.
    backend : {"auto", "ipympl", "image", "none"}

    Returns
    -------
    BackwardStepper
    """
    return BackwardStepper(expression, backend)

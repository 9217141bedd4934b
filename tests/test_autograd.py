"""Lesson 10's pieces: the reference autograd engine, its graded expressions across the wire, the graph and the widget."""
from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_core import examples
from backprop_core.grading.student_process import wire
from backprop_core.grading.student_process.case_functions import Expression, Graph
from backprop_core.grading.exercises import get
from backprop_core.nn.autograd import Value, descend, gradients, topological_order


def _central(f, point, h=1e-6):
    slopes = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        slopes.append((f(*up) - f(*down)) / (2 * h))
    return np.array(slopes)


@pytest.mark.parametrize("steps", [
    (("mul", 0, 1), ("add_number", 2, 0.5)),
    (("pow", 0, 3.0), ("mul", 2, 1)),
    (("exp", 0, None), ("mul", 2, 1)),
    (("tanh", 0, None), ("times_number", 2, -2.0), ("add", 3, 1)),
    (("sigmoid", 1, None), ("mul", 2, 0)),
    (("mul", 0, 0), ("add", 2, 0), ("tanh", 3, None)),
])
def test_every_backward_rule_agrees_with_central_differences(steps):
    f = Expression(2, steps)
    point = [0.7, -0.4]
    assert np.allclose(gradients(f, point), _central(f, point), rtol=1e-7, atol=1e-9), f.formula


def test_a_value_used_twice_collects_both_shares():
    x = Value(3.0)
    (x * x + x).backward()
    assert x.grad == 7.0


def test_topological_order_puts_every_node_after_its_parents_once():
    parents = {0: [], 1: [0], 2: [0, 1], 3: [2, 1]}
    assert topological_order(3, lambda n: parents[n]) == [0, 1, 2, 3]


def test_descend_zeroes_gradients_between_steps():
    bowl = Expression(1, (("add_number", 0, -1.0), ("pow", 1, 2.0)))   # (x − 1)²
    assert np.allclose(descend(bowl, [0.0], 0.1, 3), [1 - 0.8 ** 3])


def test_mazur_on_values_equals_the_deltas_to_the_last_digit():
    net, x, target = examples.mazur()
    W = [[[Value(w) for w in row] for row in Wl] for Wl in net.weights]
    b = [[Value(v) for v in bl] for bl in net.biases]
    a = [Value(v) for v in x]
    for Wl, bl in zip(W, b):
        a = [sum((w * ai for w, ai in zip(row, a)), bj).sigmoid() for row, bj in zip(Wl, bl)]
    E = sum((((o - t) ** 2) * 0.5 for o, t in zip(a, target)), Value(0.0))
    E.backward()
    by_deltas = net.backward(net.forward(x), target)
    for l in range(2):
        assert np.array_equal([[w.grad for w in row] for row in W[l]], by_deltas.weights[l])


def test_expressions_and_graphs_cross_the_wire_and_compute_on_numbers_too():
    f = Expression(2, (("mul", 0, 1), ("tanh", 2, None), ("pow", 3, 2.0)))
    g = Graph(((), (0,), (0, 1)))
    back_f = wire.decode(wire.encode(f))
    back_g = wire.decode(wire.encode(g))
    assert back_f.formula == f.formula == "(tanh(x0 * x1))**2"
    assert back_f(0.5, 0.6) == pytest.approx(math.tanh(0.3) ** 2)
    assert back_g(2) == [0, 1]


def test_each_known_mistake_of_gradients_reproduces_its_slip():
    exercise = get("gradients")
    reused = Expression(1, (("mul", 0, 0), ("add", 1, 0)))   # x·x + x
    by_key = {m.key: m.function for m in exercise.mistakes}
    assert by_key["grad_overwritten"](reused, [3.0]) == [3.0]
    assert gradients(reused, [3.0]) == [7.0]
    chain = Expression(1, (("tanh", 0, None), ("times_number", 1, 2.0)))
    assert by_key["node_before_its_parents"](chain, [0.5]) == [0.0]


def test_graph_drawing_shows_every_value_and_steps():
    from backprop_core.viz.plots.graph import draw_graph

    x = Value(2.0, label="x")
    out = (x * x).tanh()
    out.backward()
    drawing = draw_graph(out)
    assert len(drawing.order) == 3 and len(drawing.arrows) == 3   # x feeds × twice
    assert "grad 1" in drawing.texts[-1].get_text()
    drawing.update([None, None, 1.0], current=2)
    assert "grad ?" in drawing.texts[0].get_text()
    assert drawing.png()[:4] == b"\x89PNG"


def test_backward_stepper_steps_node_by_node_and_switches_expressions():
    from backprop_core.viz.widgets.lesson10 import EXPRESSIONS, backward_stepper

    widget = backward_stepper(backend="image")
    assert widget.step.max == 3 and "grad ?" in widget.drawing.texts[0].get_text()
    widget.step.value = 2                      # + then ×: x has both its shares
    assert widget.drawing.texts[0].get_text().endswith("grad 7")
    for name in list(EXPRESSIONS)[1:] + list(EXPRESSIONS)[:1]:     # each a change: the first is showing
        widget.expression.value = name
        assert widget.step.value == 0
        widget.step.value = widget.step.max
        assert "?" not in "".join(t.get_text() for t in widget.drawing.texts), name
    assert widget.error is None


def test_backward_stepper_says_twice_only_for_one_value_used_twice():
    """x·x hands x two shares; the two different × nodes below a tanh neuron's + are two receivers."""
    from backprop_core.viz.widgets.lesson10 import EXPRESSIONS, backward_stepper

    widget = backward_stepper(list(EXPRESSIONS)[0], backend="none")
    widget.step.value = 2
    assert "to 'x' (twice: one share per use)" in widget.readout, widget.readout
    widget.expression.value = list(EXPRESSIONS)[1]
    readouts = []
    for k in range(1, widget.step.max + 1):
        widget.step.value = k
        readouts.append(widget.readout)
    assert not any("twice" in text for text in readouts), readouts
    assert any("to '×' and '×'" in text for text in readouts), readouts

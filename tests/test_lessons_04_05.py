"""Lessons 04 and 05 as a newcomer meets them (issue 14): the drawing's δ labels, the widgets' student
toggles, and the public tests' messages for the mistakes they exist to catch.

The lessons' figures and budgets are in tests/test_lessons.py; this file checks what those
cannot: where labels sit, what the widgets say, which message a wrong function gets.
"""
from __future__ import annotations

import contextlib
import io

import matplotlib
import nbformat
import numpy as np
import pytest

from backprop_core import examples
from backprop_core.nn.activations import sigmoid, sigmoid_prime
from backprop_core.viz import plots, widgets
from notebooks import grading_meta, source

matplotlib.use("Agg")

GAP_PIXELS = 12  # at the figure's own dpi: a δ label and a backward arrow never come closer than this


# ------------------------------------------------------------------ the drawing (lessons 04, 05)


def _crowded(drawing: plots.NetworkDrawing) -> list[str]:
    """Each δ label within GAP_PIXELS of a visible backward arrow, or on a weight's label, as "δ of (k, j) near wN"."""
    drawing.fig.canvas.draw()
    renderer = drawing.fig.canvas.get_renderer()
    arrows = {name: arrow.get_window_extent(renderer) for name, arrow in drawing.arrows.items() if arrow.get_visible()}
    labels = {name: text.get_window_extent(renderer) for name, text in drawing.edge_labels.items() if text.get_text()}
    crowded = []
    for key, text in drawing.deltas.items():
        if not text.get_visible() or not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        crowded += [f"δ of {key} near {name}'s arrow" for name, arrow in arrows.items()
                    if box.padded(GAP_PIXELS).overlaps(arrow)]
        crowded += [f"δ of {key} on {name}'s label" for name, label in labels.items() if box.overlaps(label)]
    return crowded


@pytest.mark.parametrize("example", ["mazur", "step_by_step", "xor"])
def test_delta_labels_keep_clear_of_the_backward_arrows(example):
    flow = widgets.delta_flow(example, student_hidden_delta=lambda z, W, d: 10 * (W.T @ d), backend="none")
    assert _crowded(flow.drawing) == []
    flow.compare.value = True  # two-line labels: "δ …" and "σ′(a): …"
    assert _crowded(flow.drawing) == []
    flow.switch.checkbox.value = True  # the widest: "δ … (yours)" over "σ′(a): …"
    assert _crowded(flow.drawing) == []


def test_lesson_04s_drawing_keeps_delta_labels_clear_of_the_arrows():
    net, x, target = examples.mazur()
    trace = net.forward(x)
    drawing = plots.draw_network(net, trace, net.backward(trace, target), target=target)
    assert all(arrow.get_visible() for name, arrow in drawing.arrows.items() if name in {"w5", "w6", "w7", "w8"})
    assert _crowded(drawing) == []


# ------------------------------------------------------------------ 04's widget


def test_04_says_whether_the_students_delta_agrees():
    right = lambda z, target: (sigmoid(z) - target) * sigmoid_prime(z)
    stepper = widgets.factor_stepper(student_output_delta=right, backend="none")
    stepper.switch.checkbox.value = True
    for _ in range(4):
        stepper.next.click()
    assert "it agrees" in stepper.lines[4].get_text()
    stepper.switch.student = lambda z, target: (target - sigmoid(z)) * sigmoid_prime(z)  # the sign flipped
    stepper.update()
    text = stepper.lines[4].get_text()
    assert "it should be" in text and plots.fmt(stepper.factors[0] * stepper.factors[1]) in text


# ------------------------------------------------------------------ 05's widget


def _flow_with(student):
    flow = widgets.delta_flow(student_hidden_delta=student, backend="none")
    flow.switch.checkbox.value = True
    return flow


def test_05_a_right_hidden_delta_is_told_it_agrees():
    flow = _flow_with(lambda z, W_next, delta_next: sigmoid_prime(z) * (W_next.T @ delta_next))
    assert flow.verdict.startswith("agrees") and "agrees" in flow.status.value
    assert "(yours)" in flow.drawing.deltas[(1, 0)].get_text()


@pytest.mark.parametrize(("student", "named"), [
    (lambda z, W_next, delta_next: sigmoid_prime(sigmoid(z)) * (W_next.T @ delta_next), "activation a instead of"),
    (lambda z, W_next, delta_next: sigmoid_prime(z) * (W_next @ delta_next), "missing transpose"),
    (lambda z, W_next, delta_next: 2 * sigmoid_prime(z) * (W_next.T @ delta_next), ""),
])
def test_05_a_wrong_hidden_delta_is_told_so_and_named_when_known(student, named):
    flow = _flow_with(student)
    assert flow.verdict.startswith("disagrees") and "disagrees" in flow.status.value
    assert named in flow.verdict
    if not named:
        assert "which is" not in flow.verdict


def test_05_the_gradient_readout_uses_the_students_deltas():
    doubled = lambda z, W_next, delta_next: 2 * sigmoid_prime(z) * (W_next.T @ delta_next)
    flow = _flow_with(doubled)
    yours = doubled(flow.net.forward(flow.x).pre_activations[0], flow.net.weights[1], flow.grads.deltas[1])
    w1 = yours[0] * flow.x[0]  # ∂E/∂w1 = δ_h1 x1 with the student's δ_h1
    assert f"∂E/∂w1 = {plots.fmt(w1)}" in flow.readout.get_text() and "your δ" in flow.readout.get_text()
    assert plots.fmt(flow.grads.weights[0][0, 0]) not in flow.readout.get_text()
    flow.switch.checkbox.value = False
    assert f"∂E/∂w1 = {plots.fmt(flow.grads.weights[0][0, 0])}" in flow.readout.get_text()
    assert "your δ" not in flow.readout.get_text() and "hidden_delta" not in flow.status.value


def test_05_on_the_xor_network_a_missing_transpose_is_named_before_the_box_can_be_ticked():
    flow = widgets.delta_flow("xor", student_hidden_delta=lambda z, W_next, delta_next: z * (W_next @ delta_next),
                              backend="none")
    assert flow.switch.checkbox.disabled and "is a transpose missing?" in flow.switch.problem


def test_05_deltas_of_the_wrong_shape_are_not_drawn_as_the_students():
    flow = _flow_with(lambda z, W_next, delta_next: np.zeros(len(z) + 1))
    assert flow.verdict.startswith("gives 3 deltas") and "transposed" in flow.verdict
    assert "(yours)" not in flow.drawing.deltas[(1, 0)].get_text()


# ------------------------------------------------------------------ the public tests' messages


def _public_test_says(lesson: str, name: str, student_source: str) -> str:
    """What ``lesson``'s public test of exercise ``name`` says about ``student_source``: its printed text.

    The solution notebook's code cells run in one namespace up to that public test, with the student's
    cell in place of the solution; widget cells, hidden tests and the other exercises' solutions are
    left out (nothing on the way needs them). A failure is printed in red (stderr), not raised.
    """
    namespace: dict = {}
    for cell in nbformat.read(source(lesson), as_version=4).cells:
        grade_id = grading_meta(cell).get("grade_id", "")
        if cell.cell_type != "code" or "_explorer(" in cell.source or "delta_flow(" in cell.source \
                or "factor_stepper(" in cell.source or grading_meta(cell).get("grade"):
            continue
        if grade_id.startswith("solution_") and grade_id != f"solution_{name}":
            continue
        code = student_source if grade_id == f"solution_{name}" else cell.source
        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            exec(compile(code, grade_id or "cell", "exec"), namespace)
        if grade_id == f"public_test_{name}":
            return said.getvalue()
    raise AssertionError(f"{lesson} has no public test of {name}")


def _hidden_delta_says(body: str) -> str:
    return _public_test_says("05-hidden-layer-deltas", "hidden_delta",
                             f"def hidden_delta(z, W_next, delta_next):\n    return {body}")


def test_05_public_test_names_a_missing_transpose():
    for product in ("W_next @ delta_next", "np.dot(W_next, delta_next)"):
        said = _hidden_delta_says(f"sigmoid_prime(z) * {product}")
        assert "transpose missing" in said, said
        assert "σ′" not in said, said


def test_05_public_test_names_sigma_prime_of_the_activation():
    said = _hidden_delta_says("sigmoid_prime(sigmoid(z)) * (W_next.T @ delta_next)")
    assert "σ′ taken at the activation" in said, said


def test_05_public_test_passes_the_right_function():
    said = _hidden_delta_says("sigmoid_prime(z) * (W_next.T @ delta_next)")
    assert "hidden deltas δ_h" in said and "failed" not in said, said


@pytest.mark.parametrize(("body", "named"), [
    ("(target - sigmoid(z)) * sigmoid_prime(z)", "the sign is flipped"),
    ("(sigmoid(z) - target) * sigmoid_prime(sigmoid(z))", "σ′ taken at the activation"),
    ("(sigmoid(z) - target) * sigmoid_prime(z)", "— correct"),
])
def test_04_public_test_of_output_delta_names_the_slip(body, named):
    said = _public_test_says("04-output-layer-gradients", "output_delta",
                             f"def output_delta(z, target):\n    return {body}")
    assert named in said, said

"""Lesson widgets respond to their controls headless: set a value, the figure shows the recomputed numbers."""
from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from backprop_core import examples
from backprop_core.viz import plots, widgets
from backprop_core.nn.losses import half_squared_error

matplotlib.use("Agg")


def not_written(*args, **kwargs):
    raise NotImplementedError()


# ------------------------------------------------------------------ shared


@pytest.mark.parametrize("backend", ["ipympl", "image", "none"])
def test_every_backend_builds_and_displays(backend):
    explorer = widgets.forward_explorer(backend=backend)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    explorer.sliders["w1"].value = 0.3
    assert explorer.error is None
    if backend == "image":
        assert explorer._canvas.value[:4] == b"\x89PNG"


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend must be"):
        widgets.forward_explorer(backend="tk")


def test_a_failing_callback_shows_its_error_instead_of_vanishing():
    explorer = widgets.forward_explorer(backend="none")
    explorer.recompute = lambda: (_ for _ in ()).throw(RuntimeError("boom"))
    explorer.sliders["w1"].value = 0.5
    assert isinstance(explorer.error, RuntimeError) and "boom" in explorer.status.value


# ------------------------------------------------------------------ 01


def test_01_slider_moves_prediction_error_and_drawing():
    explorer = widgets.forward_explorer("step_by_step", backend="none")
    assert "0.191" in explorer.readout.get_text() and explorer.error_value == pytest.approx(0.3272405)
    explorer.sliders["w5"].value = 0.5
    net, x, target = examples.step_by_step()
    net.weights[1][0, 0] = 0.5
    expected = net.forward(x).output[0]
    assert explorer.prediction[0] == pytest.approx(expected)
    assert plots.fmt(expected) in explorer.readout.get_text()
    assert plots.fmt(half_squared_error(np.array([expected]), target)) in explorer.readout.get_text()
    assert "w_{5}$ = 0.5" in explorer.drawing.edge_labels["w5"].get_text()
    explorer.reset.click()
    assert explorer.sliders["w5"].value == pytest.approx(0.14) and "0.191" in explorer.readout.get_text()


def test_01_mazur_has_eight_weight_sliders_and_shows_its_activations():
    explorer = widgets.forward_explorer("mazur", backend="none")
    assert list(explorer.sliders) == [f"w{k}" for k in range(1, 9)]
    assert "0.5933" in explorer.drawing.values[(1, 0)].get_text()
    assert "0.7514" in explorer.drawing.values[(2, 0)].get_text()


def test_01_student_toggle_waits_for_an_implementation():
    explorer = widgets.forward_explorer(error_function=not_written, backend="none")
    assert explorer.switch.checkbox.disabled and "NotImplementedError" in explorer.switch.note.value
    explorer.switch.student = lambda output, target: 2 * float(np.sum((target - output) ** 2))  # doubled: visible
    explorer.update()
    assert not explorer.switch.checkbox.disabled
    assert "your E" not in explorer.readout.get_text()  # not ticked yet: the reference alone
    explorer.switch.checkbox.value = True
    assert f"your E = {plots.fmt(4 * 0.3272405)}" in explorer.readout.get_text()


# ------------------------------------------------------------------ 02


def test_02_one_step_reproduces_seed_000_and_paths_grow():
    explorer = widgets.descent_explorer(backend="none")
    explorer.step.click()
    net, x, target = examples.step_by_step()
    trace = net.forward(x)
    expected = net.weights[1][0] - 0.05 * net.backward(trace, target).weights[1][0]
    assert explorer.path_2d[-1] == pytest.approx(expected)  # (0.1743825, 0.169416)
    assert list(explorer.surface.path.get_xdata()) == pytest.approx(explorer.path_2d[:, 0])
    assert explorer.curve.path.get_ydata()[-1] == pytest.approx(explorer.path_1d[-1, 1])
    assert plots.fmt(expected[1]) in explorer.readout.get_text()
    explorer.step10.click()
    assert len(explorer.path_2d) == 12 and explorer.errors_2d[-1] < explorer.errors_2d[0]


def test_02_learning_rate_slider_restarts_and_a_large_rate_diverges():
    explorer = widgets.descent_explorer(backend="none")
    explorer.step10.click()
    explorer.learning_rate.value = 2.5
    assert len(explorer.path_2d) == 1  # restarted with the new rate
    for _ in range(10):
        explorer.step10.click()
    assert explorer.diverged and "diverged" in explorer.status.value and explorer.error is None


@pytest.mark.parametrize("rate", [0.05, 0.5, 2.5, 1e-3])
def test_02_the_learning_rate_slider_has_its_value_on_its_grid(rate):
    """The browser snaps a log slider to min + k·step: 0.05 must be such a point, or it reads 0.0501 (issue 22)."""
    from backprop_core.viz.widgets._base import learning_rate_slider
    slider = learning_rate_slider(rate, 1e-3, 3.0)
    k = (np.log10(rate) - slider.min) / slider.step
    assert k == pytest.approx(round(k), abs=1e-6) and slider.min <= np.log10(1e-3) + 1e-12
    assert f"{slider.base ** (slider.min + round(k) * slider.step):.3g}" == f"{rate:.3g}"


def test_02_student_step_is_used_once_ticked():
    explorer = widgets.descent_explorer(student_step=not_written, backend="none")
    assert explorer.switch.checkbox.disabled
    explorer.switch.student = lambda w, gradient, learning_rate: w + learning_rate * gradient  # uphill
    explorer.switch.check()
    explorer.switch.checkbox.value = True
    explorer.step.click()
    assert explorer.errors_2d[1] > explorer.errors_2d[0]
    assert explorer.uphill and "uphill" in explorer.status.value and "overshoot" not in explorer.status.value


def test_02_each_run_has_its_own_limit_and_the_message_tells_them_apart():
    explorer = widgets.descent_explorer(backend="none")
    assert explorer.limit_1d == pytest.approx(2 / 0.85 ** 2) and explorer.limit_2d == pytest.approx(2 / (0.85 ** 2 + 0.48 ** 2))
    assert "2.77" in explorer.curve.ax.get_title() and "2.10" in explorer.surface.ax.get_title()
    explorer.learning_rate.value = 2.5  # between the limits: w5 alone settles, the pair diverges
    explorer.step10.click()
    assert explorer.path_1d[-1, 1] < explorer.path_1d[0, 1] and explorer.errors_2d[-1] > explorer.errors_2d[0]
    assert "settle" in explorer.status.value and "2.10" in explorer.status.value and not explorer.uphill


# ------------------------------------------------------------------ 03


def test_03_nudge_compares_true_change_with_the_backward_pass():
    explorer = widgets.nudge_explorer(nudge=0.1, backend="none")
    net, x, target = examples.mazur()
    grads = net.backward(net.forward(x), target)
    assert explorer.gradient == pytest.approx(grads.weights[1][0, 0])  # ∂E/∂w5 = 0.0822
    explorer.weight.value = "w1"
    assert explorer.gradient == pytest.approx(grads.weights[0][0, 0])
    explorer.nudge.value = 0.01
    moved = net.copy()
    moved.weights[0][0, 0] += 0.01
    assert explorer.true_change == pytest.approx(moved.loss(x, target) - net.loss(x, target))
    assert explorer.predicted_change == pytest.approx(0.01 * grads.weights[0][0, 0])
    assert explorer.bars[0].get_width() == pytest.approx(explorer.true_change)
    assert plots.fmt(explorer.predicted_change) in explorer.readout.get_text()
    assert explorer.ax.get_xlabel() == "weight $w_{1}$"


def test_03_another_weight_is_laid_out_again_so_nothing_is_cut_off():
    explorer = widgets.nudge_explorer(nudge=0.1, backend="none")
    explorer.weight.value = "w1"  # E changes in the 4th digit: wider tick labels than w5's
    renderer = explorer.fig.canvas.get_renderer()
    explorer.fig.canvas.draw()
    texts = [label for label in explorer.ax.get_yticklabels() if label.get_text()] + [explorer.ax.yaxis.label]
    for text in texts:
        assert text.get_window_extent(renderer).x0 >= 0, f"{text.get_text()!r} is cut off on the left"


def test_03_student_sigmoid_prime_of_activation_shows_a_wrong_prediction():
    explorer = widgets.nudge_explorer(student_sigmoid_prime="no_such_function_here", backend="none")
    assert explorer.switch.checkbox.disabled
    right = explorer.gradient
    from backprop_core.nn.activations import sigmoid
    explorer.switch.student = lambda z: sigmoid(sigmoid(z)) * (1 - sigmoid(sigmoid(z)))  # σ′ of the activation
    explorer.switch.check()
    explorer.switch.checkbox.value = True
    assert explorer.gradient != pytest.approx(right)
    assert "your σ′" in explorer.readout.get_text()


# ------------------------------------------------------------------ 04


def test_04_steps_through_the_three_factors_of_dE_dw5():
    stepper = widgets.factor_stepper(backend="none")
    net, x, target = examples.mazur()
    trace = net.forward(x)
    a_o1, a_h1 = trace.output[0], trace.activations[0][0]
    assert stepper.factors == pytest.approx((a_o1 - target[0], a_o1 * (1 - a_o1), a_h1))
    assert stepper.gradient == pytest.approx(net.backward(trace, target).weights[1][0, 0])  # 0.0822
    assert [t.get_text() for t in stepper.lines[1:]] == ["", "", "", ""] and stepper.back.disabled
    stepper.next.click()
    assert "0.7414" in stepper.lines[1].get_text()
    assert stepper.drawing.neurons[(2, 0)].get_linewidth() > 3  # o1 highlighted
    stepper.next.click(); stepper.next.click(); stepper.next.click()
    assert plots.fmt(stepper.gradient) in stepper.lines[4].get_text() and stepper.next.disabled
    stepper.weight.value = "w8"
    assert stepper.gradient == pytest.approx(net.backward(trace, target).weights[1][1, 1])


def test_04_weight_slider_changes_the_factors():
    stepper = widgets.factor_stepper(backend="none")
    stepper.sliders["w5"].value = -0.5
    net, x, target = examples.mazur()
    net.weights[1][0, 0] = -0.5
    trace = net.forward(x)
    assert stepper.gradient == pytest.approx(net.backward(trace, target).weights[1][0, 0])


# ------------------------------------------------------------------ 05


def test_05_deltas_on_the_drawing_and_the_sigma_prime_slip_beside_them():
    flow = widgets.delta_flow("xor", backend="none")
    net, X, Y = examples.xor()
    grads = net.backward(net.forward(X[0]), Y[0])
    assert plots.fmt(grads.deltas[0][0]) in flow.drawing.deltas[(1, 0)].get_text()
    assert "σ′(a)" not in flow.drawing.deltas[(1, 0)].get_text()
    flow.compare.value = True
    # seed 003's output δ with σ′(0.6063) instead of σ′(0.4316): 0.1384 beside the right 0.1447
    assert "0.1447" in flow.drawing.deltas[(2, 0)].get_text() and "0.1384" in flow.drawing.deltas[(2, 0)].get_text()
    flow.sliders["w5"].value = 1.0
    net.weights[1][0, 0] = 1.0
    grads = net.backward(net.forward(X[0]), Y[0])
    assert plots.fmt(grads.deltas[0][0]) in flow.drawing.deltas[(1, 0)].get_text()
    assert plots.fmt(grads.weights[0][0, 0]) in flow.readout.get_text()


def test_05_student_hidden_delta_toggle():
    flow = widgets.delta_flow(student_hidden_delta=not_written, backend="none")
    assert flow.switch.checkbox.disabled
    flow.switch.student = lambda z, W_next, delta_next: 10 * (W_next.T @ delta_next)
    flow.switch.check()
    flow.switch.checkbox.value = True
    expected = 10 * (flow.net.weights[1].T @ flow.grads.deltas[1])
    assert plots.fmt(expected[0]) in flow.drawing.deltas[(1, 0)].get_text()
    assert "(yours)" in flow.drawing.deltas[(1, 0)].get_text()


# ------------------------------------------------------------------ 07


def test_07_training_explorer_trains_and_redraws():
    explorer = widgets.training_explorer(epochs=50, backend="none")
    before = explorer.plane.image.get_array().copy()
    explorer.train_button.click()
    assert len(explorer.losses) == 50 and explorer.error is None
    # losses[k] is measured after k epochs: drawn at x = k, from 0
    assert list(explorer.curve.get_xdata()) == list(range(50))
    assert list(explorer.curve.get_ydata()) == pytest.approx(explorer.losses)
    assert not np.allclose(explorer.plane.image.get_array(), before)
    explorer.learning_rate.value = 2.0
    assert explorer.losses == []  # restarted


def test_07_training_explorer_reference_and_correct_student_give_the_same_numbers():
    from backprop_core.grading.exercises.lesson07 import train_online  # a correct student's loop: samples in order

    explorer = widgets.training_explorer(epochs=30, student_train=train_online, backend="none")
    explorer.train_button.click()
    reference = list(explorer.losses)
    explorer.switch.check()
    explorer.switch.checkbox.value = True  # switching restarts from the same start
    assert explorer.losses == []
    explorer.train_button.click()
    assert explorer.losses == pytest.approx(reference, rel=1e-12)


def test_07_training_explorer_starts_with_a_start_that_learns_and_offers_the_stuck_one():
    explorer = widgets.training_explorer(epochs=500, backend="none")
    explorer.train_button.click()
    assert explorer.net.loss(explorer.X, explorer.Y) < 0.01
    explorer.start.value = None  # the XOR-by-hand example's own start
    assert explorer.losses == [] and explorer.init_seed is None
    explorer.train_button.click()
    assert explorer.net.loss(explorer.X, explorer.Y) > 0.05  # stuck
    explorer.new_start.click()
    assert explorer.init_seed == 2 and explorer.losses == []
    explorer.new_start.click()
    assert explorer.init_seed == 3 and len(explorer.start.options) == 3  # the two fixed starts and the newest random one


def test_07_learning_rate_explorer_matches_train_and_never_retrains_on_a_move(monkeypatch):
    from backprop_core import train
    from backprop_core.viz.widgets import lesson07

    explorer = widgets.learning_rate_explorer(steps=200, backend="none")
    assert not hasattr(explorer, "progress")  # answers at once: nothing to wait for
    monkeypatch.setattr(lesson07, "train_side_by_side", lambda *a, **k: pytest.fail("a move retrained"))
    explorer.learning_rate.value = 2.0
    net, x, target = examples.mazur()
    history = train(net, x, target, learning_rate=2.0, epochs=200, mode="online", update_biases=False)
    assert explorer.losses == pytest.approx(history.losses, rel=1e-12)
    assert list(explorer.line.get_xdata()) == list(range(200))  # after 0 updates at x = 0
    assert explorer.final == pytest.approx(net.loss(x, target), rel=1e-12)
    assert list(explorer.line.get_ydata()) == pytest.approx(history.losses)


def test_07_learning_rate_explorer_reaches_divergence():
    explorer = widgets.learning_rate_explorer(steps=300, backend="none")
    explorer.network.value = "hmkcode's linear 2-2-1"
    explorer.learning_rate.value = 0.05
    assert np.isfinite(explorer.final) and "diverged" not in explorer.readout.get_text()
    explorer.learning_rate.value = 5.0
    assert explorer.final == np.inf and "diverged" in explorer.readout.get_text()
    assert explorer.error is None
    ok_elsewhere = explorer.runs["hmkcode's linear 2-2-1"][1][:6]  # a diverged copy never spreads into the others
    assert np.all(np.isfinite(ok_elsewhere))


# ------------------------------------------------------------------ 08


def test_08_picking_a_bug_turns_its_layer_red():
    def doubled_first_layer(net, trace, target):
        grads = net.backward(trace, target)
        grads.weights[0] = 2 * grads.weights[0]
        return grads

    explorer = widgets.gradcheck_explorer(
        backward={"correct": lambda net, trace, target: net.backward(trace, target), "wrong_sign": doubled_first_layer},
        backend="none")
    assert explorer.result.passed and "agrees" in explorer.readout.get_text()
    explorer.bug.value = "wrong_sign"
    assert explorer.result.first_failure == ("weights", 0)
    # layers counted from 1 as the lessons count them, with the index first_disagreeing_layer returns (from 0)
    assert "FAIL" in explorer.plot.labels[0].get_text() and "layer 1 (index 0)" in explorer.readout.get_text()
    assert "returns 0" in explorer.readout.get_text() and "layer 2" not in explorer.readout.get_text()
    explorer.tolerance.value = 0.1  # relative error of a doubled gradient is 1/3: still caught
    assert not explorer.result.passed


def test_08_default_gallery_catches_every_bug():
    explorer = widgets.gradcheck_explorer(backend="none")
    for key in list(explorer.backwards):
        explorer.bug.value = key
        assert explorer.result.passed == (key == "correct"), key


@pytest.mark.parametrize(("bug", "words"), [
    ("correct", "match the central differences"),
    ("wrong_sign", "−1 times the true one"),
    ("missing_half", "2 times the true one"),
    ("missing_mean", "3 times the true one"),            # N = 3 samples in the gallery's batch
    ("bias_not_summed", "only biases disagree"),
    ("missing_transpose", "the output layer agrees and the layers below do not"),
    ("updated_output_weights", "the output layer agrees and the layers below do not"),
    ("sigma_prime_of_activation", "every layer is off, by different factors"),
])
def test_08_the_readout_says_why_a_layer_disagrees(bug, words):
    explorer = widgets.gradcheck_explorer(backend="none")
    explorer.bug.value = bug
    text = " ".join(explorer.readout.get_text().split())
    assert words in text, text
    if bug != "correct":
        assert f"first_disagreeing_layer returns {explorer.result.first_failure[1]}" in text, text


# ------------------------------------------------------------------ 06


def test_06_shapes_follow_the_batch_size_and_layer():
    explorer = widgets.shapes_explorer(backend="none")
    explorer.batch_size.value = 5
    assert explorer.arrays["z"].shape == (5, 2) and explorer.arrays["dE/dW"].shape == (2, 2)
    assert "(5, 2)" in explorer.panels["z"].get_title()
    net, x, target = examples.mazur()
    assert explorer.arrays["a"][0] == pytest.approx(net.forward(x).activations[0])  # row 0 is Mazur's sample
    explorer.layer.value = 1
    assert explorer.arrays["a"][0] == pytest.approx(net.forward(x).output)


def test_06_a_network_whose_layers_differ_shows_every_dimension():
    explorer = widgets.shapes_explorer(backend="none")
    explorer.network.value = "a 3-4-2 network"
    explorer.batch_size.value = 5
    shapes = {name: value.shape for name, value in explorer.arrays.items()}
    assert shapes == {"input": (5, 3), "W": (4, 3), "z": (5, 4), "a": (5, 4), "dZ": (5, 4), "dE/dW": (4, 3)}
    assert explorer.panels["W"].get_ylabel() == "n_out = 4" and explorer.panels["W"].get_xlabel() == "n_in = 3"
    explorer.layer.value = 1
    assert explorer.arrays["input"].shape == (5, 4) and explorer.arrays["dE/dW"].shape == (2, 4)
    assert explorer.error is None


def test_06_use_mine_frames_the_z_panel_and_says_whether_it_agrees():
    explorer = widgets.shapes_explorer(student_dense_forward=lambda x, W, b: x @ W.T, backend="none")  # forgot b
    assert not explorer._mine_frame.get_visible()
    explorer.switch.check()
    explorer.switch.checkbox.value = True
    assert explorer._mine_frame.get_visible() and explorer.z_agrees is False
    assert "yours" in explorer.panels["z"].get_title() and "differs" in explorer.status.value
    explorer.switch.student = lambda x, W, b: x @ W.T + b
    explorer.update()
    assert explorer.z_agrees is True and "agrees" in explorer.status.value
    explorer.switch.checkbox.value = False
    assert not explorer._mine_frame.get_visible() and "yours" not in explorer.panels["z"].get_title()
    assert len(explorer.fig.axes) == 7  # six panels and one colour bar


# ------------------------------------------------------------------ the student toggle, wired once


class _Echo(widgets.LessonWidget):
    """The smallest widget with a student toggle: shows the student's f(2) or the reference's."""

    student_toggle = widgets.StudentToggle("use my f", lambda widget, fn: fn(widget.probe_input))

    def __init__(self, student):
        self.probe_input, self.toggled = 1.0, 0
        self.fig, _ = plots.new_figure(2.0, 1.0)
        self._finish([*self._student_switch(student)], backend="none")

    def recompute(self):
        student = self.student_function()
        self.shown = 2.0 if student is None else student(2.0)

    def _student_toggled(self):
        self.toggled += 1
        super()._student_toggled()


def test_a_widget_without_a_student_function_has_no_toggle():
    echo = _Echo(None)
    assert echo.switch is None and echo.student_function() is None and echo.shown == 2.0
    # the text alternative, the status line and the slider-names helper only (tests/test_a11y_content.py)
    assert echo.widget.children == (echo.alt, echo.status, echo.widget.children[-1])


def test_the_toggle_is_declared_once_and_wired_by_the_base():
    echo = _Echo(not_written)
    assert echo.switch.checkbox.description == "use my f" and echo.switch.widget in echo.widget.children
    assert echo.switch.checkbox.disabled and echo.student_function() is None
    echo.switch.student = lambda v: 10 * v  # written now: the probe (on widget.probe_input) passes
    echo.update()
    assert not echo.switch.checkbox.disabled and echo.shown == 2.0  # usable, not ticked: the reference
    echo.switch.checkbox.value = True
    assert echo.toggled == 1 and echo.shown == 20.0  # ticking recomputed with the student's function
    echo.switch.checkbox.value = False
    assert echo.toggled == 2 and echo.shown == 2.0


def test_every_lesson_widget_declares_its_toggle():
    declared = {cls.__name__: cls.student_toggle for cls in (
        widgets.ForwardExplorer, widgets.DescentExplorer, widgets.NudgeExplorer, widgets.FactorStepper,
        widgets.DeltaFlow, widgets.ShapesExplorer, widgets.TrainingExplorer)}
    assert all(isinstance(toggle, widgets.StudentToggle) for toggle in declared.values()), declared
    assert widgets.GradcheckExplorer.student_toggle is None


# ------------------------------------------------------------------ one backward pass


def test_03_student_sigmoid_prime_swaps_only_the_activation_step_of_the_packages_pass():
    from backprop_core.course.buggy import BUGGY_BACKWARDS
    from backprop_core.nn.activations import sigmoid, sigmoid_prime
    from backprop_core.viz.widgets.lesson03 import steps_with_sigmoid_prime

    net, x, target = examples.mazur()
    trace = net.forward(x)
    right = net.backward(trace, target, steps=steps_with_sigmoid_prime(sigmoid_prime))
    slip = net.backward(trace, target, steps=steps_with_sigmoid_prime(lambda z: sigmoid_prime(sigmoid(z))))
    for l in range(2):
        assert right.weights[l] == pytest.approx(net.backward(trace, target).weights[l])
        assert slip.weights[l] == pytest.approx(BUGGY_BACKWARDS["sigma_prime_of_activation"](net, trace, target).weights[l])


def test_05_student_deltas_apply_the_students_step_to_the_reference_deltas():
    from backprop_core.viz.widgets.lesson05 import student_deltas

    net, x, target = examples.mazur()
    trace = net.forward(x)
    grads = net.backward(trace, target)
    right = student_deltas(net, trace, grads, lambda z, W, d: trace.activations[0] * (1 - trace.activations[0]) * (W.T @ d))
    assert [list(d) for d in right] == [pytest.approx(d) for d in grads.deltas]
    doubled = student_deltas(net, trace, grads, lambda z, W, d: 2 * grads.deltas[0])
    assert doubled[0] == pytest.approx(2 * grads.deltas[0]) and doubled[1] is grads.deltas[1]

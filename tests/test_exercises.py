"""The graded exercises: every solution against its properties, and lesson by lesson, the
references against the worked examples and the mistakes the grader must tell apart.

The notebooks themselves run in tests/test_lessons.py; what the grader does with
a known mistake, in tests/test_grading.py and tests/test_grading_course.py.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from backprop_core import examples, grading
from backprop_core.grading.exercises import for_lesson, get, lesson04, lesson05
from notebooks import lessons, solutions_namespace, source

EXERCISES = [exercise for lesson in lessons() for exercise in for_lesson(lesson)]


@cache
def _solutions(lesson: str) -> dict:
    return solutions_namespace(source(lesson))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_the_solution_notebook_passes_every_property(exercise):
    student = _solutions(exercise.lesson)[exercise.name]
    for prop in exercise.properties:
        grading.check(exercise.name, student, prop)


# ------------------------------------------------------------------ lesson 03
def test_naive_sigmoid_passes_values_but_exp_ratio_fails_large_inputs():
    def exp_ratio(z):  # e^z / (1 + e^z): inf / inf = nan for z ≳ 710
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(np.asarray(z, dtype=float))
            return e / (1.0 + e)

    grading.check("sigmoid", exp_ratio, "values")
    with pytest.raises(AssertionError):
        grading.check("sigmoid", exp_ratio, "large_inputs")


def test_one_sided_difference_is_not_close_enough():
    # The graded step sizes are large enough that an O(h) error shows.
    def forward_difference(f, x, h=1e-5):
        return (f(x + h) - f(x)) / h

    for prop in ("polynomials", "smooth_curves"):
        with pytest.raises(AssertionError, match="one-sided"):
            grading.check("central_difference", forward_difference, prop)


# ------------------------------------------------------------------ lessons 04 and 05
# The exercises with random cases; the lessons' understanding questions have one case, the answer (test_questions.py).
LESSONS_04_05 = [e for lesson in ("04-output-layer-gradients", "05-hidden-layer-deltas") for e in for_lesson(lesson)
                 if e.question is None]


def test_lesson04_references_give_seed_002_figures():
    net, x, target = examples.mazur()
    trace = net.forward(x)
    delta = lesson04.output_delta(trace.pre_activations[1], target)
    np.testing.assert_allclose(delta, [0.138498562, -0.038098236], atol=1e-9)
    gradient = lesson04.output_weight_gradient(delta, trace.activations[0])
    assert gradient.shape == (2, 2)
    assert gradient[0, 0] == pytest.approx(0.082167041, abs=1e-9)
    new_W2 = lesson04.update_output_weights(net.weights[1], delta, trace.activations[0], 0.5)
    np.testing.assert_allclose(new_W2, [[0.35891648, 0.408666186], [0.511301270, 0.561370121]], atol=1e-8)


def test_lesson05_references_give_seed_002_figures():
    net, x, target = examples.mazur()
    trace = net.forward(x)
    delta_out = lesson04.output_delta(trace.pre_activations[1], target)
    delta_hidden = lesson05.hidden_delta(trace.pre_activations[0], net.weights[1], delta_out)
    assert delta_hidden[0] * 0.05 == pytest.approx(0.000438568, abs=1e-9)  # dE/dw1 = delta_h1 * x1
    W1_new, W2_new = lesson05.backprop_step(net.weights[0], net.biases[0], net.weights[1], net.biases[1], x, target, 0.5)
    np.testing.assert_allclose(W1_new, [[0.149780716, 0.19956143], [0.24975114, 0.29950229]], atol=1e-8)
    np.testing.assert_allclose(W2_new, [[0.35891648, 0.408666186], [0.511301270, 0.561370121]], atol=1e-8)
    after = type(net)([W1_new, W2_new], net.biases, "sigmoid")
    assert after.loss(x, target) == pytest.approx(0.291027774, abs=1e-9)


def test_lesson04_05_references_leave_their_inputs_alone():
    rng = np.random.default_rng(1)
    W1, W2 = rng.normal(size=(3, 2)), rng.normal(size=(2, 3))
    copies = W1.copy(), W2.copy()
    lesson05.backprop_step(W1, np.zeros(3), W2, np.zeros(2), np.ones(2), np.ones(2) / 2, 0.5)
    lesson04.update_output_weights(W2, np.ones(2), np.ones(3), 0.5)
    assert np.array_equal(W1, copies[0]) and np.array_equal(W2, copies[1])


def test_lesson04_05_references_reject_bad_input_naming_the_argument():
    with pytest.raises(ValueError, match="W_next"):
        lesson05.hidden_delta(np.zeros(3), np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="target"):
        lesson04.output_delta(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="learning_rate"):
        lesson04.update_output_weights(np.zeros((2, 2)), np.zeros(2), np.zeros(2), -1.0)


@pytest.mark.parametrize("exercise", LESSONS_04_05, ids=lambda e: e.name)
def test_lesson04_05_case_generators_give_random_sizes(exercise):
    for prop, cases in exercise.properties.items():
        drawn = cases(np.random.default_rng(0))
        assert len(drawn) >= 10, f"{exercise.name}.{prop}: too few cases"
        shapes = {tuple(np.shape(v) for v in case.kwargs.values()) for case in drawn}
        if prop != "two_two_two":
            assert len(shapes) > 1, f"{exercise.name}.{prop}: every case has the same shapes"


def test_lessons_04_05_register_the_mistakes_the_issue_asks_for():
    keys = {name: {m.key for m in get(name).mistakes} for name in
            ("output_delta", "output_weight_gradient", "hidden_delta", "backprop_step")}
    assert {"sigma_prime_of_activation", "wrong_sign"} <= keys["output_delta"]
    assert "missing_transpose" in keys["output_weight_gradient"]
    assert {"sigma_prime_of_activation", "missing_transpose"} <= keys["hidden_delta"]
    assert {"updated_output_weights", "wrong_sign"} <= keys["backprop_step"]
    assert "backprop_core.nn.network.Network.backward" in _dotted_names(get("backprop_step").replaces)


def _dotted_names(references) -> set[str]:
    """The dotted names of references, whether given as names or as the functions themselves."""
    return {r if isinstance(r, str) else f"{r.__module__}.{r.__qualname__}" for r in references}

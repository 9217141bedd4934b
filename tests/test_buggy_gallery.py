"""The gallery of buggy backward passes (backprop_core.course.buggy) that lesson 08's gradient check
catches: one per known backward-pass mistake, each caught, none changing the shapes."""
from __future__ import annotations

import numpy as np
import pytest

from backprop_core import examples, gradient_check
from backprop_core.course import buggy
from backprop_core.course.mistakes import MISTAKES


def test_gallery_covers_every_backward_pass_mistake():
    expected = [key for key in MISTAKES if key not in buggy.NOT_BACKWARD_PASS_MISTAKES]
    assert list(buggy.BUGGY_BACKWARDS) == expected, "every MISTAKES key about a backward pass needs a buggy backward pass"
    for key, function in buggy.BUGGY_BACKWARDS.items():
        assert function.__doc__ and len(function.__doc__) > 80, f"{key} needs a docstring explaining its bug"


def test_correct_backward_matches_network_and_passes_the_check():
    net, x, target = buggy.gallery_example()
    trace = net.forward(x)
    mine, reference = buggy.correct(net, trace, target), net.backward(trace, target)
    for a, b in zip(mine.weights + mine.biases, reference.weights + reference.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    check = gradient_check(net, x, target, backward=buggy.correct)
    assert check.passed, str(check)


@pytest.mark.parametrize("key", list(buggy.BUGGY_BACKWARDS))
def test_every_buggy_backward_is_caught(key):
    net, x, target = buggy.gallery_example()
    check = gradient_check(net, x, target, backward=buggy.BUGGY_BACKWARDS[key])
    assert not check.passed, f"the gradient check let {key} through:\n{check}"
    assert max(check.errors.values()) > 1e-3, f"{key} is caught only narrowly:\n{check}"


@pytest.mark.parametrize("key", list(buggy.BUGGY_BACKWARDS))
def test_buggy_backward_keeps_the_shapes(key):
    net, x, target = buggy.gallery_example()
    grads = buggy.BUGGY_BACKWARDS[key](net, net.forward(x), target)
    assert [g.shape for g in grads.weights] == [W.shape for W in net.weights]
    assert [g.shape for g in grads.biases] == [b.shape for b in net.biases]


def test_batch_only_bugs_are_invisible_on_one_sample():
    # bias_not_summed and missing_mean are about the batch: one sample hides them.
    net, x, target = examples.mazur()
    for key in ("bias_not_summed", "missing_mean"):
        assert gradient_check(net, x, target, backward=buggy.BUGGY_BACKWARDS[key]).passed, key


def test_missing_transpose_leaves_the_output_layer_right():
    net, x, target = buggy.gallery_example()
    check = gradient_check(net, x, target, backward=buggy.missing_transpose)
    assert check.errors[("weights", 1)] < 1e-7 and check.errors[("weights", 0)] > 1e-2

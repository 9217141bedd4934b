"""Lesson 09's own pieces: the shipped digits, the initial weights, the numpy-only gradients its train
cases hand over, and the depth explorer (the lesson notebook itself is covered by the lesson-wide tests)."""
from __future__ import annotations

import numpy as np
import pytest

from backprop_core.course import digits
from backprop_core.grading.student_process.case_functions import SoftmaxNetworkGradients, from_data, to_data
from backprop_core.grading.exercises import lesson09
from backprop_core.nn import gradcheck, init
from backprop_core.nn.network import Network
from backprop_core.viz.widgets import depth_explorer


def test_the_digits_ship_with_the_package_all_1797_of_them():
    images, labels = digits.load_images()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8 and images.max() == 16
    assert labels.shape == (1797,) and np.bincount(labels).min() >= 170  # about 180 of each digit


def test_the_split_is_fixed_disjoint_and_scaled():
    first, second = digits.split(), digits.split()
    assert first["X_train"].shape == (1347, 64) and first["X_test"].shape == (450, 64)
    assert np.array_equal(first["X_test"], second["X_test"])
    assert 0.0 <= first["X_train"].min() and first["X_train"].max() <= 1.0
    assert np.array_equal(first["T_test"].argmax(axis=1), first["labels_test"])
    train_rows = {row.tobytes() for row in first["X_train"]}
    # the data hold a few duplicate images; nearly all test digits are new to training
    assert sum(row.tobytes() in train_rows for row in first["X_test"]) < 10


def test_one_hot_names_a_bad_argument():
    with pytest.raises(ValueError, match="labels must be a 1-D array of integers"):
        digits.one_hot(np.array([0.5, 1.0]))


@pytest.mark.parametrize("hidden, gain", [("tanh", 1.0), ("relu", 2.0)])
def test_initial_weights_have_the_spread_of_their_activation(hidden, gain):
    weights, biases = init.init_weights([400, 300, 10], hidden, seed=0)
    assert [W.shape for W in weights] == [(300, 400), (10, 300)]
    assert all(not b.any() for b in biases)
    assert np.std(weights[0]) == pytest.approx(np.sqrt(gain / 400), rel=0.02)
    again, _ = init.init_weights([400, 300, 10], hidden, seed=0)
    assert np.array_equal(weights[0], again[0])


def test_initial_weights_name_bad_arguments():
    with pytest.raises(ValueError, match="hidden must be one of"):
        init.init_weights([3, 2], "softmax", seed=0)
    with pytest.raises(ValueError, match="layer_sizes must name at least"):
        init.init_weights([3], "tanh", seed=0)


@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_the_case_gradients_are_the_networks_and_cross_the_wire(hidden):
    rng = np.random.default_rng(4)
    weights = [rng.normal(size=(5, 3)), rng.normal(size=(4, 5)), rng.normal(size=(3, 4))]
    biases = [rng.normal(size=5), rng.normal(size=4), rng.normal(size=3)]
    X, T = rng.normal(size=(6, 3)), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    gradients = from_data(to_data(SoftmaxNetworkGradients(), lambda v: v), lambda v: v)
    loss, gW, gb = gradients(weights, biases, hidden, X, T)
    net = Network(weights, biases, [hidden, hidden, "softmax"], loss="cross_entropy")
    numeric = gradcheck.numerical_gradient(net, X, T)
    assert loss == pytest.approx(net.loss(X, T), rel=1e-12)
    for l in range(3):
        assert np.allclose(gW[l], numeric.weights[l], rtol=1e-6, atol=1e-9)
        assert np.allclose(gb[l], numeric.biases[l], rtol=1e-6, atol=1e-9)


def test_the_lessons_digits_run_reaches_the_stated_accuracy():
    data = digits.split()
    weights, biases = lesson09.digits_network()
    lesson09.train(weights, biases, lesson09.DIGITS_HIDDEN, data["X_train"], data["T_train"],
                   **lesson09.DIGITS_TRAINING, gradients=SoftmaxNetworkGradients())
    assert lesson09.held_out_accuracy(weights, biases, lesson09.DIGITS_HIDDEN) >= lesson09.REQUIRED_ACCURACY


def test_09_depth_explorer_trains_and_shows_each_layers_gradient():
    explorer = depth_explorer(depth=3, width=16, backend="none")
    assert len(explorer.sizes) == 4 and len(explorer.losses) == 1
    explorer.press()
    assert len(explorer.losses) == 4 and explorer.losses[-1] < explorer.losses[0]
    assert "hidden layers of 16 tanh neurons" in explorer.status.value


def test_09_depth_explorer_shows_vanishing_gradients_and_restarts_on_a_change():
    explorer = depth_explorer(depth=4, width=32, scale=0.01, backend="none")
    assert max(explorer.sizes) < 1e-4  # every layer's gradient nearly 0
    explorer.press()
    assert explorer.losses[-1] == pytest.approx(np.log(10), abs=0.01)  # so the loss barely moves
    explorer.scale.value = 1.0
    assert len(explorer.losses) == 1 and min(explorer.sizes) > 1e-2


def test_09_depth_explorer_says_when_a_huge_start_blows_up():
    explorer = depth_explorer(depth=8, width=64, activation="relu", scale=10.0, backend="none")
    explorer.press()
    assert "no longer a number" in explorer.status.value


def test_09_depth_explorer_names_a_bad_argument():
    with pytest.raises(ValueError, match="width must be one of"):
        depth_explorer(width=12, backend="none")

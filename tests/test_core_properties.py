"""Properties that hold for any network: backward agrees with central
differences, a batch gradient is the mean of per-sample gradients, a small
step downhill lowers the loss.

The numerical gradient is an independent implementation: it only calls
``net.loss``, never the backward pass.
"""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_core import Network, numerical_gradient, relative_error
from backprop_core.nn.activations import ACTIVATIONS
from backprop_core.nn.losses import half_squared_error

SMOOTH = ["sigmoid", "tanh", "identity"]
ELEMENTWISE = [name for name in ACTIVATIONS if name != "softmax"]


@st.composite
def networks(draw, activations=ELEMENTWISE, softmax=False):
    """A random network with 1–3 layers of 1–5 neurons, its batch and targets."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    sizes = [draw(st.integers(1, 5)) for _ in range(draw(st.integers(2, 4)))]
    if softmax:
        sizes[-1] = max(sizes[-1], 2)
    layers = len(sizes) - 1
    names = [draw(st.sampled_from(activations)) for _ in range(layers)]
    loss = "half_squared_error"
    if softmax:
        names[-1], loss = "softmax", "cross_entropy"
    weights = [rng.normal(0, 1, (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [rng.normal(0, 0.5, n) for n in sizes[1:]] if draw(st.booleans()) else None
    n = draw(st.integers(1, 6))
    x = rng.normal(0, 1, (n, sizes[0]))
    if softmax:
        target = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    else:
        target = rng.normal(0, 1, (n, sizes[-1]))
    return Network(weights, biases, names, loss), x, target


def near_relu_kink(net, x, margin=1e-4):
    """True if a relu's net input is within ``margin`` of 0, where the slope jumps."""
    trace = net.forward(x)
    return any(name == "relu" and np.any(np.abs(z) < margin) for name, z in zip(net.activations, trace.pre_activations))


def array_relative_error(a, n):
    """‖a − n‖ / (‖a‖ + ‖n‖) over a whole array. Unlike the elementwise error it
    is not thrown by one entry of 1e-7 whose central difference carries 1e-12
    of rounding noise; it still sees any wrong entry that matters."""
    return np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12)


#: Rounding noise of a central difference: about eps · E / h ≈ 1e-16 · E / 1e-5 per entry.
#: A layer whose whole gradient is ~1e-7 (a saturated tanh below sigmoids) cannot be
#: checked more closely than that, so the comparison allows it on top of the relative error.
NUMERIC_NOISE = 1e-9


def assert_gradients_agree(analytic, numeric, tolerance=1e-6):
    pairs = [("weights", l, a, n) for l, (a, n) in enumerate(zip(analytic.weights, numeric.weights))]
    if analytic.biases is not None:
        pairs += [("biases", l, a, n) for l, (a, n) in enumerate(zip(analytic.biases, numeric.biases))]
    for kind, l, a, n in pairs:
        scale = np.linalg.norm(a) + np.linalg.norm(n)
        assert np.linalg.norm(a - n) <= tolerance * scale + NUMERIC_NOISE, \
            f"{kind}[{l}]: relative error {array_relative_error(a, n):.2e}: {a} vs {n}"
        assert relative_error(a, n, floor=1e-6) < 1e-3, f"{kind}[{l}] elementwise: {a} vs {n}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_backward_matches_central_differences(case):
    net, x, target = case
    if near_relu_kink(net, x):
        return  # the derivative is undefined at the kink itself
    assert_gradients_agree(net.backward(net.forward(x), target), numerical_gradient(net, x, target))


@settings(max_examples=80, deadline=None)
@given(networks(activations=SMOOTH, softmax=True))
def test_softmax_cross_entropy_backward_matches_central_differences(case):
    net, x, target = case
    assert_gradients_agree(net.backward(net.forward(x), target), numerical_gradient(net, x, target))


@settings(max_examples=40, deadline=None)
@given(networks())
def test_batch_gradient_is_mean_of_sample_gradients(case):
    net, x, target = case
    batch = net.backward(net.forward(x), target)
    singles = [net.backward(net.forward(xi), ti) for xi, ti in zip(x, target)]
    for l in range(len(net.weights)):
        np.testing.assert_allclose(batch.weights[l], np.mean([g.weights[l] for g in singles], axis=0), atol=1e-12)
        np.testing.assert_allclose(batch.deltas[l], np.stack([g.deltas[l] for g in singles]), atol=1e-12)
        if net.biases is not None:
            np.testing.assert_allclose(batch.biases[l], np.mean([g.biases[l] for g in singles], axis=0), atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(networks(activations=SMOOTH))
def test_small_step_lowers_the_loss(case):
    net, x, target = case
    grads = net.backward(net.forward(x), target)
    squared_norm = sum(np.sum(g * g) for g in grads.weights) + sum(np.sum(g * g) for g in (grads.biases or []))
    if squared_norm < 1e-12:
        return  # already at a stationary point
    learning_rate = 1e-4 / (1.0 + squared_norm)  # a step of length ≤ 1e-4·‖∇E‖/(1 + ‖∇E‖²)
    before = net.loss(x, target)
    net.step(grads, learning_rate=learning_rate)
    after = net.loss(x, target)
    # first order: the loss drops by about learning_rate · ‖∇E‖²
    assert after < before
    np.testing.assert_allclose(before - after, learning_rate * squared_norm, rtol=0.01)


@settings(max_examples=30, deadline=None)
@given(networks())
def test_forward_of_one_sample_is_that_row_of_the_batch(case):
    net, x, _ = case
    batch = net.forward(x)
    for i, xi in enumerate(x):
        single = net.forward(xi)
        for l in range(len(net.weights)):
            np.testing.assert_allclose(single.activations[l], batch.activations[l][i], atol=1e-14)


def test_loss_is_half_sum_over_outputs_mean_over_samples():
    output = np.array([[1.0, 2.0], [0.0, 0.0]])
    target = np.array([[0.0, 0.0], [0.0, 3.0]])
    # sample 1: ½(1 + 4) = 2.5; sample 2: ½·9 = 4.5; mean 3.5
    assert half_squared_error(output, target) == 3.5

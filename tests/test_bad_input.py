"""Bad input raises ValueError or TypeError naming the argument, what was
expected and what came."""
import math

import numpy as np
import pytest

from backprop_core import Network, examples, gradient_check, minibatches, numerical_gradient, relative_error, train

W1, W2 = [[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]


def raises(error, *fragments):
    """pytest.raises that also checks every fragment appears in the message."""
    class _Checker:
        def __enter__(self):
            self._ctx = pytest.raises(error)
            self.info = self._ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            result = self._ctx.__exit__(*exc)
            message = str(self.info.value)
            for fragment in fragments:
                assert fragment in message, f"{fragment!r} not in {message!r}"
            return result

    return _Checker()


# ------------------------------------------------------------------ constructing a network
@pytest.mark.parametrize(
    "kwargs, error, fragments",
    [
        (dict(weights=[W1, [[1.0, 2.0, 3.0]]]), ValueError, ["weights[1]", "2 columns", "(1, 3)"]),
        (dict(weights=[[1.0, 2.0]]), ValueError, ["weights[0]", "2-D", "1-D"]),
        (dict(weights=np.eye(2)), TypeError, ["weights", "list of 2-D arrays", "ndarray"]),
        (dict(weights=[]), ValueError, ["weights", "at least one layer"]),
        (dict(weights=[W1, [[np.nan, 1.0]]]), ValueError, ["weights[1]", "finite", "NaN"]),
        (dict(weights=[W1, [[np.inf, 1.0]]]), ValueError, ["weights[1]", "finite", "inf"]),
        (dict(weights=[[["a", "b"]]]), TypeError, ["weights[0]", "numbers"]),
        (dict(weights=[W1, W2], biases=[[0.35, 0.35]]), ValueError, ["biases", "one entry per layer (2)", "got 1"]),
        (dict(weights=[W1, W2], biases=[[0.35, 0.35], [0.6, 0.6, 0.6]]), ValueError, ["biases[1]", "(2,)", "(3,)"]),
        (dict(weights=[W1, W2], activations=["sigmoid", "sigmoyd"]), ValueError, ["activations[1]", "'sigmoid'", "'sigmoyd'"]),
        (dict(weights=[W1, W2], activations=["sigmoid"]), ValueError, ["activations", "one name per layer (2)", "got 1"]),
        (dict(weights=[W1, W2], activations=[1, 2]), TypeError, ["activations[0]", "one of", "int"]),
        (dict(weights=[W1, W2], activations=["softmax", "sigmoid"]), ValueError, ["activations[0]", "last layer"]),
        (dict(weights=[W1, W2], loss="mse"), ValueError, ["loss", "'half_squared_error'", "'mse'"]),
        (dict(weights=[W1, W2], loss="cross_entropy"), ValueError, ["cross_entropy", "softmax", "'sigmoid'"]),
    ],
)
def test_network_constructor(kwargs, error, fragments):
    with raises(error, *fragments):
        Network(**kwargs)


# ------------------------------------------------------------------ running it
@pytest.fixture
def mazur():
    return examples.mazur()


@pytest.mark.parametrize(
    "x, error, fragments",
    [
        ([0.05, 0.10, 0.2], ValueError, ["x", "2 features", "(3,)"]),
        (np.ones((4, 3)), ValueError, ["x", "2 features", "(4, 3)"]),
        (np.ones((2, 2, 2)), ValueError, ["x", "1-D or 2-D", "3-D"]),
        ([np.nan, 0.1], ValueError, ["x", "finite", "NaN"]),
        ([np.inf, 0.1], ValueError, ["x", "finite", "inf"]),
        ("0.05, 0.10", TypeError, ["x", "array of numbers", "str"]),
        (None, TypeError, ["x", "array of numbers", "None"]),
        (np.ones((0, 2)), ValueError, ["x", "at least one sample"]),
    ],
)
def test_forward_input(mazur, x, error, fragments):
    net, _, _ = mazur
    with raises(error, *fragments):
        net.forward(x)


@pytest.mark.parametrize(
    "target, error, fragments",
    [
        ([0.01], ValueError, ["target", "(2,)", "(1,)"]),
        ([[0.01, 0.99]], ValueError, ["target", "1-D", "2-D"]),
        ([0.01, math.nan], ValueError, ["target", "finite", "NaN"]),
    ],
)
def test_target(mazur, target, error, fragments):
    net, x, _ = mazur
    with raises(error, *fragments):
        net.loss(x, target)
    with raises(error, *fragments):
        net.backward(net.forward(x), target)


def test_batch_target_shape(mazur):
    net, _, _ = mazur
    with raises(ValueError, "target", "(3, 2)", "(2, 2)"):
        net.loss(np.ones((3, 2)), np.ones((2, 2)))


def test_backward_needs_a_trace(mazur):
    net, x, target = mazur
    with raises(TypeError, "trace", "Network.forward", "ndarray"):
        net.backward(np.array(x), target)


def test_backward_trace_from_other_network(mazur):
    net, x, target = mazur
    other = Network([W1, W2, [[1.0, 1.0]]])
    with raises(ValueError, "trace", "2 layers", "3"):
        net.backward(other.forward(x), target)


@pytest.mark.parametrize("learning_rate, error", [(0, ValueError), (-0.5, ValueError), (math.nan, ValueError),
                                                  (math.inf, ValueError), ("0.5", TypeError), (None, TypeError), (True, TypeError)])
def test_step_learning_rate(mazur, learning_rate, error):
    net, x, target = mazur
    grads = net.backward(net.forward(x), target)
    with raises(error, "learning_rate", "positive", repr(learning_rate) if error is ValueError else type(learning_rate).__name__):
        net.step(grads, learning_rate=learning_rate)
    np.testing.assert_array_equal(net.weights[0], W1)  # nothing moved


def test_step_gradients_of_wrong_shape(mazur):
    net, x, target = mazur
    grads = Network([[[1.0, 2.0]], [[1.0]]]).backward(Network([[[1.0, 2.0]], [[1.0]]]).forward(x), [0.5])
    with raises(ValueError, "grads.weights[0]", "(2, 2)", "(1, 2)"):
        net.step(grads)


# ------------------------------------------------------------------ train, minibatches, checks
@pytest.mark.parametrize(
    "kwargs, error, fragments",
    [
        (dict(learning_rate=0), ValueError, ["learning_rate", "positive", "0"]),
        (dict(learning_rate=-1.0), ValueError, ["learning_rate", "positive", "-1.0"]),
        (dict(epochs=0), ValueError, ["epochs", ">= 1", "0"]),
        (dict(epochs=2.5), TypeError, ["epochs", "whole number", "float"]),
        (dict(mode="stochastic"), ValueError, ["mode", "'online'", "'stochastic'"]),
        (dict(mode="minibatch", batch_size=0), ValueError, ["batch_size", ">= 1", "0"]),
        (dict(mode="minibatch", batch_size=-3), ValueError, ["batch_size", ">= 1", "-3"]),
        (dict(mode="online", batch_size=4), ValueError, ["batch_size", "minibatch", "'online'"]),
    ],
)
def test_train_arguments(mazur, kwargs, error, fragments):
    net, x, target = mazur
    with raises(error, *fragments):
        train(net, x, target, **kwargs)


def test_train_data_shapes(mazur):
    net, _, _ = mazur
    with raises(ValueError, "X", "2 features", "(5, 3)"):
        train(net, np.ones((5, 3)), np.ones((5, 2)))
    with raises(ValueError, "T", "(5, 2)", "(4, 2)"):
        train(net, np.ones((5, 2)), np.ones((4, 2)))
    with raises(ValueError, "T", "finite", "NaN"):
        train(net, np.ones((2, 2)), [[np.nan, 1.0], [1.0, 1.0]])
    with raises(TypeError, "net", "Network", "list"):
        train([W1, W2], np.ones((2, 2)), np.ones((2, 2)))


def test_minibatches_arguments():
    with raises(ValueError, "batch_size", ">= 1", "0"):
        next(minibatches(np.ones((4, 2)), np.ones((4, 1)), 0))
    with raises(ValueError, "X and T", "4 and 3"):
        next(minibatches(np.ones((4, 2)), np.ones((3, 1)), 2))


def test_gradient_check_arguments(mazur):
    net, x, target = mazur
    with raises(ValueError, "h", "positive", "0"):
        numerical_gradient(net, x, target, h=0)
    with raises(TypeError, "net", "Network"):
        numerical_gradient("net", x, target)
    with raises(ValueError, "analytic and numeric", "(2,)", "(3,)"):
        relative_error(np.ones(2), np.ones(3))
    with raises(ValueError, "tolerance", "positive", "-1"):
        gradient_check(net, x, target, tolerance=-1)

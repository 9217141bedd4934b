r"""Exercises of lesson 04-output-layer-gradients.

The student writes the three pieces that turn an output neuron's error into
new weights for the output layer (sigmoid output, :math:`E = \tfrac12\sum (a - t)^2`):

- ``output_delta(z, target)``: :math:`\delta = (\sigma(z) - t)\,\sigma'(z)`;
- ``output_weight_gradient(delta, a_prev)``: :math:`\partial E/\partial W = \delta\, a_{prev}^\top`;
- ``update_output_weights(W, delta, a_prev, learning_rate)``: :math:`W - \alpha\,\delta\, a_{prev}^\top`.

The references below are written with ``backprop_core``'s own pieces; the
mistakes are numpy-only stand-ins for what students get wrong.
"""
from __future__ import annotations

import numpy as np

from backprop_core.nn import _validation as check
from backprop_core.nn import layers, network
from backprop_core.nn.activations import sigmoid, sigmoid_prime
from backprop_core.course import examples
from ._base import Case, Exercise, Mistake, Number, WrongAnswer, question, register

LESSON = "04-output-layer-gradients"

# Any of these would hand the student the answer: disabled while their code runs.
_BACKWARD = (network.Network.backward, network.backward_pass, layers.dense_backward, layers.activation_backward)


# ------------------------------------------------------------------ references
def output_delta(z: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""Delta of sigmoid output neurons under the half squared error.

    .. math:: \delta_j = \frac{\partial E}{\partial z_j}
              = (\sigma(z_j) - t_j)\,\sigma'(z_j)

    Parameters
    ----------
    z : ndarray, shape (n_out,) or (N, n_out)
        Net inputs of the output neurons.
    target : ndarray, same shape as ``z``

    Returns
    -------
    delta : ndarray, same shape as ``z``
    """
    z = check.as_float_array("z", z, ndim=(1, 2))
    target = check.as_float_array("target", target, ndim=z.ndim)
    check.check_shape("target", target, z.shape, "(the shape of z)")
    return (sigmoid(z) - target) * sigmoid_prime(z)


def output_weight_gradient(delta: np.ndarray, a_prev: np.ndarray) -> np.ndarray:
    r""":math:`\partial E/\partial W_{jk} = \delta_j\, a_{prev,k}`: the outer product.

    Parameters
    ----------
    delta : ndarray, shape (n_out,)
        Deltas of the layer's neurons.
    a_prev : ndarray, shape (n_in,)
        Activations feeding the layer.

    Returns
    -------
    ndarray, shape (n_out, n_in)
        Row j: the gradient of the weights into neuron j.
    """
    delta = check.as_float_array("delta", delta, ndim=1)
    a_prev = check.as_float_array("a_prev", a_prev, ndim=1)
    return np.outer(delta, a_prev)


def update_output_weights(W: np.ndarray, delta: np.ndarray, a_prev: np.ndarray, learning_rate: float) -> np.ndarray:
    r"""One gradient-descent step on a layer: :math:`W - \alpha\, \delta\, a_{prev}^\top`.

    Parameters
    ----------
    W : ndarray, shape (n_out, n_in)
    delta : ndarray, shape (n_out,)
    a_prev : ndarray, shape (n_in,)
    learning_rate : float > 0

    Returns
    -------
    ndarray, shape (n_out, n_in)
        A new array; ``W`` is left alone.
    """
    W = check.as_float_array("W", W, ndim=2)
    learning_rate = check.check_positive_number("learning_rate", learning_rate)
    gradient = output_weight_gradient(delta, a_prev)
    check.check_shape("W", W, gradient.shape, "(len(delta), len(a_prev))")
    return W - learning_rate * gradient


# --------------------------------------------------------------- random cases
def _sizes(rng: np.random.Generator, square: bool) -> tuple[int, int]:
    n_out = int(rng.integers(2 if square else 1, 6))
    if square:  # at least 2x2: a 1x1 matrix is its own transpose
        return n_out, n_out
    n_in = int(rng.integers(1, 6))
    while n_in == n_out:  # non-square, so that a transpose cannot hide
        n_in = int(rng.integers(1, 6))
    return n_out, n_in


def _delta_cases_one_sample(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(20):
        n_out = int(rng.integers(1, 6))
        z, target = rng.normal(0.0, 2.0, n_out), rng.uniform(0.0, 1.0, n_out)
        cases.append(Case({"z": z, "target": target}, f"one sample, {n_out} output neurons"))
    return cases


def _delta_cases_batch(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(10):
        n, n_out = int(rng.integers(2, 7)), int(rng.integers(1, 5))
        z, target = rng.normal(0.0, 2.0, (n, n_out)), rng.uniform(0.0, 1.0, (n, n_out))
        cases.append(Case({"z": z, "target": target}, f"a batch of N={n} samples, {n_out} output neurons"))
    return cases


def _gradient_cases(square: bool):
    def cases(rng: np.random.Generator) -> list[Case]:
        out = []
        for _ in range(15):
            n_out, n_in = _sizes(rng, square)
            delta, a_prev = rng.normal(0.0, 0.3, n_out), rng.uniform(0.0, 1.0, n_in)
            out.append(Case({"delta": delta, "a_prev": a_prev}, f"n_out={n_out}, n_in={n_in}"))
        return out

    cases.__name__ = f"_gradient_cases_{'square' if square else 'non_square'}"
    return cases


def _update_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for _ in range(20):
        n_out, n_in = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        kwargs = {
            "W": rng.normal(0.0, 1.0, (n_out, n_in)),
            "delta": rng.normal(0.0, 0.3, n_out),
            "a_prev": rng.uniform(0.0, 1.0, n_in),
            "learning_rate": float(rng.choice([0.05, 0.1, 0.5, 1.0, 2.0])),
        }
        out.append(Case(kwargs, f"n_out={n_out}, n_in={n_in}, learning_rate={kwargs['learning_rate']}"))
    return out


# ---------------------------------------------------------------- mistakes
# ---------------------------------------------------------------- registry
register(
    Exercise(
        name="output_delta",
        lesson=LESSON,
        reference=output_delta,
        replaces=_BACKWARD,
        properties={"one_sample": _delta_cases_one_sample, "batch": _delta_cases_batch},
        points={"one_sample": 2, "batch": 1},
        descriptions={"one_sample": "one sample with 1–5 output neurons", "batch": "batches of N samples"},
        mistakes=(
            Mistake("sigma_prime_of_activation", replace=(  # the derivative taken at the activation
                "* a * (1.0 - a)",
                "* sigmoid(a) * (1.0 - sigmoid(a))")),
            Mistake("wrong_sign", replace=(
                "(a - np.asarray(target, dtype=float))",
                "(np.asarray(target, dtype=float) - a)")),
            Mistake("sigma_prime_of_net_input_as_activation", replace=(  # a * (1 - a) written with z
                "* a * (1.0 - a)",
                "* z * (1.0 - z)")),
        ),
    )
)

register(
    Exercise(
        name="output_weight_gradient",
        lesson=LESSON,
        reference=output_weight_gradient,
        replaces=_BACKWARD,
        properties={"square": _gradient_cases(square=True), "non_square": _gradient_cases(square=False)},
        points={"square": 1, "non_square": 1},
        descriptions={"square": "square layers (n_out = n_in)", "non_square": "layers with n_out ≠ n_in"},
        mistakes=(Mistake("missing_transpose", replace=("np.outer(delta, a_prev)", "np.outer(a_prev, delta)")),),
    )
)

register(
    Exercise(
        name="update_output_weights",
        lesson=LESSON,
        reference=update_output_weights,
        replaces=_BACKWARD + (network.Network.step, network.gradient_step),
        properties={"random_layers": _update_cases},
        points={"random_layers": 2},
        descriptions={"random_layers": "layers of random sizes and learning rates"},
        mistakes=(
            Mistake("wrong_sign", replace=("- learning_rate", "+ learning_rate")),
            Mistake("changed_argument_in_place", replace=(
                "return np.asarray(W, dtype=float) - learning_rate * output_weight_gradient(delta, a_prev)",
                "W -= learning_rate * output_weight_gradient(delta, a_prev)  # the caller's W changes\nreturn W")),
        ),
    )
)


# ------------------------------------------------------------- understanding
def _mazur_output_weight_gradient(j: int, k: int, sign: float = 1.0) -> float:
    """∂E/∂W2[j, k] in Mazur's example (δ of output j times the activation of hidden k); ``sign=-1``: flipped."""
    net, x, target = examples.mazur()
    return sign * float(net.backward(net.forward(x), target).weights[1][j, k])


register(
    question(
        name="predicted_dE_dw7",
        lesson=LESSON,
        answer=lambda: _mazur_output_weight_gradient(1, 0),  # w7: from h1 into o2, W2[1, 0]
        kind=Number(significant_digits=3),
        reread="*Every output weight at once* (a weight's gradient: the delta of the neuron it goes into times "
               "the activation of the neuron it comes from) and the matrix W2 under *The network we follow* "
               "(which neurons w7 joins)",
        wrong_answers=(
            WrongAnswer(_mazur_output_weight_gradient(1, 1),
                        "that is ∂E/∂w8: w7 comes from h1, so it multiplies h1's activation, not h2's."),
            WrongAnswer(_mazur_output_weight_gradient(0, 1),
                        "that is ∂E/∂w6, the delta of o1 times the activation of h2: the delta belongs to the "
                        "neuron the weight goes into (o2), the activation to the one it comes from (h1)."),
            WrongAnswer(_mazur_output_weight_gradient(1, 0, sign=-1.0),
                        "the size is right, the sign is not: δ_o2 is negative (o2 should produce more) and "
                        "a_h1 is positive."),
        ),
    )
)

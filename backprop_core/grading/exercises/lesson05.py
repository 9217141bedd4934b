r"""Exercises of lesson 05-hidden-layer-deltas.

- ``hidden_delta(z, W_next, delta_next)``: a hidden neuron's delta,
  :math:`\delta = \sigma'(z) \odot W_{next}^\top \delta_{next}`;
- ``backprop_step(W1, b1, W2, b2, x, target, learning_rate)``: one full
  gradient-descent step on a 2-layer sigmoid network (biases kept fixed, as in
  Mazur's 2-2-2 example), returning the new ``(W1, W2)``.
"""
from __future__ import annotations

import numpy as np

from backprop_core.nn import _validation as check
from backprop_core.nn import gradcheck, layers, network, training
from backprop_core.nn.activations import sigmoid_prime
from backprop_core.nn.network import Network
from backprop_core.course import examples
from ._base import Case, Choice, Exercise, Mistake, Number, WrongAnswer, compare_parts, question, register

LESSON = "05-hidden-layer-deltas"

# Any of these would hand the student the answer: disabled while their code runs.
_BACKWARD = (network.Network.backward, network.backward_pass, layers.dense_backward, layers.activation_backward)
_STEP = _BACKWARD + (network.Network.step, network.gradient_step, gradcheck.numerical_gradient,
                      gradcheck.array_numerical_gradient, training.train)


# ------------------------------------------------------------------ references
def hidden_delta(z: np.ndarray, W_next: np.ndarray, delta_next: np.ndarray) -> np.ndarray:
    r"""Deltas of a sigmoid hidden layer, from the deltas of the layer after it.

    .. math:: \delta_k = \sigma'(z_k) \sum_j W_{next,jk}\, \delta_{next,j}
              \quad\text{i.e.}\quad
              \delta = \sigma'(z) \odot W_{next}^\top \delta_{next}

    Parameters
    ----------
    z : ndarray, shape (n_hidden,)
        Net inputs of the hidden neurons.
    W_next : ndarray, shape (n_next, n_hidden)
        Weights from this layer into the next (row j: into neuron j).
    delta_next : ndarray, shape (n_next,)
        Deltas of the next layer.

    Returns
    -------
    delta : ndarray, shape (n_hidden,)
    """
    z = check.as_float_array("z", z, ndim=1)
    W_next = check.as_float_array("W_next", W_next, ndim=2)
    delta_next = check.as_float_array("delta_next", delta_next, ndim=1)
    check.check_shape("W_next", W_next, (delta_next.size, z.size), "(len(delta_next), len(z))")
    return sigmoid_prime(z) * (W_next.T @ delta_next)


def backprop_step(W1, b1, W2, b2, x, target, learning_rate: float) -> tuple[np.ndarray, np.ndarray]:
    r"""One step of backpropagation and gradient descent on a 2-layer sigmoid network.

    The biases take part in the forward pass but are not updated (as in Mazur's example).
    Both layers' gradients are computed from the weights *before* the step.

    Parameters
    ----------
    W1 : ndarray, shape (n_hidden, n_in)
    b1 : ndarray, shape (n_hidden,)
    W2 : ndarray, shape (n_out, n_hidden)
    b2 : ndarray, shape (n_out,)
    x : ndarray, shape (n_in,)
    target : ndarray, shape (n_out,)
    learning_rate : float > 0

    Returns
    -------
    W1_new : ndarray, shape (n_hidden, n_in)
    W2_new : ndarray, shape (n_out, n_hidden)
    """
    net = Network([W1, W2], [b1, b2], ["sigmoid", "sigmoid"])
    learning_rate = check.check_positive_number("learning_rate", learning_rate)
    grads = net.backward(net.forward(x), target)
    return net.weights[0] - learning_rate * grads.weights[0], net.weights[1] - learning_rate * grads.weights[1]


# --------------------------------------------------------------- random cases
def _delta_cases(square: bool):
    def cases(rng: np.random.Generator) -> list[Case]:
        out = []
        for _ in range(15):
            n_hidden = int(rng.integers(2, 6))  # a 1x1 W_next is its own transpose
            n_next = n_hidden if square else int(rng.choice([n for n in range(1, 6) if n != n_hidden]))
            kwargs = {
                "z": rng.normal(0.0, 1.5, n_hidden),
                "W_next": rng.normal(0.0, 1.0, (n_next, n_hidden)),
                "delta_next": rng.normal(0.0, 0.2, n_next),
            }
            out.append(Case(kwargs, f"n_hidden={n_hidden}, n_next={n_next}"))
        return out

    cases.__name__ = f"_delta_cases_{'square' if square else 'non_square'}"
    return cases


def _step_cases(sizes):
    def cases(rng: np.random.Generator) -> list[Case]:
        out = []
        for _ in range(15):
            n_in, n_hidden, n_out = sizes(rng)
            kwargs = {
                "W1": rng.normal(0.0, 1.0, (n_hidden, n_in)),
                "b1": rng.normal(0.0, 0.5, n_hidden),
                "W2": rng.normal(0.0, 1.0, (n_out, n_hidden)),
                "b2": rng.normal(0.0, 0.5, n_out),
                "x": rng.uniform(-1.0, 1.0, n_in),
                "target": rng.uniform(0.0, 1.0, n_out),
                "learning_rate": float(rng.choice([0.1, 0.5, 1.0, 2.0])),
            }
            out.append(Case(kwargs, f"a {n_in}-{n_hidden}-{n_out} network, learning_rate={kwargs['learning_rate']}"))
        return out

    return cases


def _two_two_two(rng: np.random.Generator) -> tuple[int, int, int]:
    return 2, 2, 2


def _random_sizes(rng: np.random.Generator) -> tuple[int, int, int]:
    return int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(1, 4))


# ---------------------------------------------------------------- mistakes
# ---------------------------------------------------------------- registry
register(
    Exercise(
        name="hidden_delta",
        lesson=LESSON,
        reference=hidden_delta,
        replaces=_BACKWARD,
        properties={"square": _delta_cases(square=True), "non_square": _delta_cases(square=False)},
        points={"square": 1, "non_square": 2},
        descriptions={
            "square": "layers with as many hidden neurons as next neurons",
            "non_square": "layers of different sizes",
        },
        mistakes=(
            Mistake("sigma_prime_of_activation", replace=(  # sigma'(a): the derivative taken at the activation
                "a = sigmoid(np.asarray(z, dtype=float))", "a = sigmoid(sigmoid(np.asarray(z, dtype=float)))")),
            # W_next @ delta_next: wrong numbers for a square W_next, a shape error otherwise
            Mistake("missing_transpose", replace=(
                "np.asarray(W_next, dtype=float).T", "np.asarray(W_next, dtype=float)")),
            Mistake("sigma_prime_of_net_input_as_activation", replace=(  # a * (1 - a) written with z
                "a = sigmoid(np.asarray(z, dtype=float))", "a = np.asarray(z, dtype=float)")),
        ),
    )
)

register(
    Exercise(
        name="backprop_step",
        lesson=LESSON,
        reference=backprop_step,
        replaces=_STEP,
        properties={"two_two_two": _step_cases(_two_two_two), "random_sizes": _step_cases(_random_sizes)},
        points={"two_two_two": 1, "random_sizes": 2},
        descriptions={"two_two_two": "2-2-2 networks with random weights", "random_sizes": "networks of random sizes"},
        mistakes=(
            Mistake("updated_output_weights", replace=(  # the new W2 leaks into the hidden layer
                "hidden_delta(z1, W2, delta2)", "hidden_delta(z1, W2 - learning_rate * np.outer(delta2, a1), delta2)")),
            Mistake("wrong_sign", replace=(("W1 - learning_rate", "W1 + learning_rate"), ("W2 - learning_rate", "W2 + learning_rate"))),
            Mistake("sigma_prime_of_activation", replace=(  # sigma' of the activations, in both layers
                ("delta2 = (a2 - target) * a2 * (1.0 - a2)", "delta2 = (a2 - target) * sigmoid(a2) * (1.0 - sigmoid(a2))"),
                ("hidden_delta(z1, W2, delta2)", "hidden_delta(a1, W2, delta2)"))),
            Mistake("missing_transpose", replace=(  # W2, not W2.T: wrong numbers when square, a shape error if not
                "hidden_delta(z1, W2, delta2)", "a1 * (1.0 - a1) * (W2 @ delta2)")),
            # right numbers, but the caller's W1 and W2 change (np.asarray of a float array is no copy)
            Mistake("changed_argument_in_place", replace=(
                "return W1 - learning_rate * np.outer(delta1, x), W2 - learning_rate * np.outer(delta2, a1)",
                "W1 -= learning_rate * np.outer(delta1, x)\nW2 -= learning_rate * np.outer(delta2, a1)\nreturn W1, W2")),
            # right at the output; sigma'(a) instead of sigma'(z) in the hidden layer
            Mistake("sigma_prime_of_activation_hidden_only", replace=(
                "hidden_delta(z1, W2, delta2)", "hidden_delta(a1, W2, delta2)")),
        ),
        compare=compare_parts("W1_new", "W2_new"),
    )
)


# ------------------------------------------------------------- understanding
def _mazur_hidden_weight_gradient(j: int, k: int) -> float:
    """∂E/∂W1[j, k] in Mazur's example: δ of hidden neuron j times input k."""
    net, x, target = examples.mazur()
    return float(net.backward(net.forward(x), target).weights[0][j, k])


register(
    question(
        name="predicted_dE_dw3",
        lesson=LESSON,
        answer=lambda: _mazur_hidden_weight_gradient(1, 0),  # w3: from x1 into h2, W1[1, 0]
        kind=Number(significant_digits=3),
        reread="*The gradients of w1 … w4* (lesson 04's rule with the inputs as senders) and the hidden deltas "
               "the public test of hidden_delta prints; which neurons w3 joins is in W1's layout (row j: into h(j+1))",
        wrong_answers=(
            WrongAnswer(_mazur_hidden_weight_gradient(1, 1),
                        "that is ∂E/∂w4: w3 comes from the input x1, so it multiplies x1 = 0.05, not x2."),
            WrongAnswer(_mazur_hidden_weight_gradient(0, 1),
                        "that is ∂E/∂w2, h1's delta times x2: the delta belongs to the neuron the weight goes "
                        "into (h2), the input to the one it comes from (x1)."),
            WrongAnswer(_mazur_hidden_weight_gradient(0, 0),
                        "that is ∂E/∂w1, h1's delta times x1: w3 goes into h2, so it takes h2's delta."),
        ),
    )
)


def _update_order_option() -> str:
    """The option whose hidden deltas use the output weights from before the step."""
    return "B"  # A updates W2 first and then sends the deltas back through the new W2


register(
    question(
        name="update_order_option",
        lesson=LESSON,
        answer=_update_order_option,
        kind=Choice("ABC"),
        reread="*Old or new output weights?*: the gradient is the slope at one point, the weights before the step",
        wrong_answers=(
            WrongAnswer("A", "in A the hidden deltas are sent back through W2 after it has moved: they describe "
                             "the slope at weights the network does not have yet."),
            WrongAnswer("C", "δ2 is the same in both, but the hidden deltas are W2ᵀδ2 (times σ′): the W2 they "
                             "use differs between A and B, and so does W1's update."),
        ),
    )
)

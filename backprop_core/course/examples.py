"""The worked examples the course is built on, as networks ready to run.

- :func:`step_by_step`: hmkcode's linear 2-2-1 example (hmkcode, *Backpropagation Step by Step*);
- :func:`house_price`: the house-price intuition;
- :func:`mazur`: Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*);
- :func:`xor`: the XOR-by-hand example (and :func:`xor_first_step_as_printed`, its first step's published numbers).

Each function returns fresh arrays, so a lesson can train its copy freely.
"""
from __future__ import annotations

import numpy as np

from backprop_core.nn.activations import sigmoid_prime
from backprop_core.nn.network import Network


def step_by_step() -> tuple[Network, np.ndarray, np.ndarray]:
    """hmkcode's linear 2-2-1 example (*Backpropagation Step by Step*): no activation, no bias.

    Returns ``(net, x, target)`` with x = (2, 3), target = (1,),
    W1 = [[.11, .21], [.12, .08]] (w1, w2 into h1; w3, w4 into h2) and
    W2 = [[.14, .15]] (w5, w6).
    """
    net = Network(
        weights=[[[0.11, 0.21], [0.12, 0.08]], [[0.14, 0.15]]],
        biases=None,
        activations=["identity", "identity"],
    )
    return net, np.array([2.0, 3.0]), np.array([1.0])


def mazur() -> tuple[Network, np.ndarray, np.ndarray]:
    """Matt Mazur's 2-2-2 sigmoid example (*A Step by Step Backpropagation Example*), biases 0.35 and 0.60.

    Returns ``(net, x, target)`` with x = (0.05, 0.10) and target = (0.01, 0.99).
    The published example trains with learning rate 0.5 and leaves the biases alone.
    """
    net = Network(
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        biases=[[0.35, 0.35], [0.60, 0.60]],
        activations=["sigmoid", "sigmoid"],
    )
    return net, np.array([0.05, 0.10]), np.array([0.01, 0.99])


XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def xor(seed: int | None = None) -> tuple[Network, np.ndarray, np.ndarray]:
    """The XOR-by-hand example: a sigmoid 2-2-1 network for XOR.

    Parameters
    ----------
    seed : int or None
        None: the example's own weights, W1 = [[-4, -4], [-1, 1]], b1 = (-1, 2),
        W2 = [[-3, -2]], b2 = (3,). An int: the seed of a random number
        generator that draws every weight and bias uniformly from [-4, 4]
        without 0, as the example starts its own training.

    Returns
    -------
    net : Network
    X : ndarray, shape (4, 2)
        The four input pairs.
    Y : ndarray, shape (4, 1)
        Their XOR.
    """
    if seed is None:
        weights = [[[-4.0, -4.0], [-1.0, 1.0]], [[-3.0, -2.0]]]
        biases = [[-1.0, 2.0], [3.0]]
    else:
        rng = np.random.default_rng(seed)
        draw = lambda *shape: _nonzero_uniform(rng, 4.0, shape)  # noqa: E731
        weights, biases = [draw(2, 2), draw(1, 2)], [draw(2), draw(1)]
    net = Network(weights=weights, biases=biases, activations=["sigmoid", "sigmoid"])
    return net, XOR_INPUTS.copy(), XOR_TARGETS.copy()


def xor_first_step_as_printed() -> tuple[np.ndarray, np.ndarray]:
    """The XOR-by-hand example's first backward numbers, as it prints them and exactly (lesson 05's aside).

    On its first sample, x = (0, 0) with target 0, the example sends target − output back into its output neuron
    along three lines: the bias's (∂z_o/∂b = 1) and the weights from h1 and h2. It takes the sigmoid's slope at the
    output's value, σ′(0.6) rounded to 0.23, where the slope belongs at the output's net input z_o.

    Returns
    -------
    published : ndarray, shape (3,)
        σ′(0.6) rounded to two decimals · (1, w_h1, w_h2) · (−0.6): the example's numbers.
    exact : ndarray, shape (3,)
        σ′(z_o) · (1, w_h1, w_h2) · (target − a_o). Both in the example's sign (target − output), so they are
        −∂E/∂b, −∂E/∂a_h1 and −∂E/∂a_h2 of the course's E.
    """
    net, X, Y = xor()
    trace = net.forward(X[0])
    z_o, a_o = trace.pre_activations[1][0], trace.output[0]
    into_output = np.array([1.0, *net.weights[1][0]])          # ∂z_o/∂b = 1, then the weights from h1, h2
    published = round(float(sigmoid_prime(0.6)), 2) * into_output * (-0.6)
    exact = sigmoid_prime(z_o) * into_output * (Y[0, 0] - a_o)
    return published, exact


def _nonzero_uniform(rng: np.random.Generator, bound: float, shape) -> np.ndarray:
    values = rng.uniform(-bound, bound, size=shape)
    while np.any(values == 0.0):  # [-4, 4] without 0; a drawn 0 is astronomically rare
        values[values == 0.0] = rng.uniform(-bound, bound, size=int(np.sum(values == 0.0)))
    return values


def house_price() -> dict:
    """The house-price intuition: a house worth $100,000 that a network prices at $150,000."""
    actual, predicted = 100_000.0, 150_000.0
    return {"actual": actual, "predicted": predicted, "difference": predicted - actual}

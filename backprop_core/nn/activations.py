r"""Activation functions and their derivatives, side by side.

Each activation :math:`a = f(z)` is paired with its derivative
:math:`f'(z)`, taken at the **net input** ``z`` (not at the activation ``a``:
the XOR-by-hand example slips here, and lesson 05 shows what that costs).

All functions work elementwise on arrays of any shape and return float64.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

ArrayFn = Callable[[np.ndarray], np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    Computed as :math:`\exp(-\log(1 + e^{-z}))`, with numpy's ``logaddexp``
    evaluating :math:`\log(e^0 + e^{-z})` without ever forming a huge
    :math:`e^{-z}`: ``sigmoid(-1000)`` is 0 and ``sigmoid(1000)`` is 1 without
    warnings, and small values keep their relative precision (sigmoid(−40) is
    4.25e-18, not 0). It is also the quickest stable form on small arrays.

    Parameters
    ----------
    z : ndarray, any shape
        Net input.

    Returns
    -------
    ndarray, same shape as ``z``
    """
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    r""":math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, at the net input ``z``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    r"""Hyperbolic tangent :math:`\tanh(z)`."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_prime(z: np.ndarray) -> np.ndarray:
    r""":math:`\tanh'(z) = 1 - \tanh^2(z)`."""
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return 1.0 - t * t


def relu(z: np.ndarray) -> np.ndarray:
    r"""Rectified linear unit :math:`\max(0, z)`."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    r"""1 where :math:`z > 0`, else 0 (the kink at 0 gets 0)."""
    return (np.asarray(z) > 0).astype(np.float64)


def identity(z: np.ndarray) -> np.ndarray:
    """:math:`f(z) = z`: a linear neuron (seed 000 has no activation)."""
    return np.asarray(z, dtype=np.float64)


def identity_prime(z: np.ndarray) -> np.ndarray:
    """:math:`f'(z) = 1`."""
    return np.ones_like(np.asarray(z, dtype=np.float64))


def softmax(z: np.ndarray) -> np.ndarray:
    r"""Softmax over the last axis, :math:`e^{z_j} / \sum_k e^{z_k}`.

    Shifted by the row maximum first, so large ``z`` never overflows. Not
    elementwise: it is only used as the output of a cross-entropy network,
    where the pair has the simple delta ``a - target``.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Activation:
    r"""One activation and its derivative, written twice: at the net input, and from the output.

    Attributes
    ----------
    name : str
    function : callable(z) -> a
        :math:`a = f(z)`, elementwise (softmax: over the last axis).
    derivative : callable(z) -> f'(z), or None
        The derivative at the **net input** ``z``.
    derivative_from_output : callable(z, a) -> f'(z), or None
        The same derivative written with ``a = f(z)`` already at hand, to save the
        forward work a second time: :math:`\sigma'(z) = a(1 - a)`, which is *not*
        :math:`\sigma(a)(1 - \sigma(a))`. The backward pass uses this one.

    Softmax has no elementwise derivative (None): it only ever ends a cross-entropy
    network, whose output delta is simply ``a - target``.
    """

    name: str
    function: ArrayFn
    derivative: ArrayFn | None
    derivative_from_output: Callable[[np.ndarray, np.ndarray], np.ndarray] | None


#: name -> :class:`Activation`, the one table of activations.
ACTIVATIONS: dict[str, Activation] = {
    record.name: record
    for record in (
        Activation("sigmoid", sigmoid, sigmoid_prime, lambda z, a: a * (1.0 - a)),
        Activation("tanh", tanh, tanh_prime, lambda z, a: 1.0 - a * a),
        Activation("relu", relu, relu_prime, lambda z, a: (z > 0).astype(np.float64)),
        Activation("identity", identity, identity_prime, lambda z, a: np.ones_like(z)),
        Activation("softmax", softmax, None, None),
    )
}

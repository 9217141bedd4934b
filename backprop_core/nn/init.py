r"""Initial weights that keep a deep network's activations and gradients alive.

A layer's net input sums ``n_in`` products, so with weights of a fixed size its spread grows like
:math:`\sqrt{n_{in}}`: too large and tanh saturates (its slope, and every gradient through it, goes to
0), too small and the signal shrinks layer after layer. Drawing the weights with standard deviation
:math:`\sqrt{g / n_{in}}` keeps the spread of ``z`` about the same from layer to layer: g = 1 for
tanh and sigmoid (LeCun et al., 1998; Glorot and Bengio, 2010, average fan-in and fan-out
instead), g = 2 for ReLU, which zeroes half its inputs (He et al., 2015). One record per activation,
as in :data:`~.activations.ACTIVATIONS`.
"""
from __future__ import annotations

import numpy as np

from . import _validation as check
from .activations import ACTIVATIONS

#: activation name -> the gain g of its initial weights' variance g / n_in.
GAINS: dict[str, float] = {"tanh": 1.0, "sigmoid": 1.0, "identity": 1.0, "relu": 2.0}


def initial_scale(n_in: int, activation: str) -> float:
    """The standard deviation of a layer's initial weights: sqrt(gain / n_in) for the layer's activation."""
    check.check_choice("activation", activation, GAINS)
    return float(np.sqrt(GAINS[activation] / check.check_positive_int("n_in", n_in)))


def init_weights(layer_sizes, hidden: str, seed: int, scale: float | None = None) -> tuple[list, list]:
    """Random initial weights and zero biases for a network with ``hidden`` hidden layers and a softmax output.

    Parameters
    ----------
    layer_sizes : sequence of int, length L + 1
        ``[n_in, n_1, ..., n_out]``.
    hidden : str
        The hidden layers' activation ("tanh", "relu", ...): it picks the gain of every layer's scale
        (the softmax output layer uses the gain of its inputs' activation too).
    seed : int
        Seed of ``np.random.default_rng``; layer l's weights are drawn with ``rng.standard_normal((n_out, n_in))``,
        layers in order.
    scale : float or None
        None: :func:`initial_scale`. A number: every layer's weights have that standard deviation
        instead (to show what a bad choice does).

    Returns
    -------
    weights : list of ndarray, shape (n_{l+1}, n_l)
    biases : list of ndarray, shape (n_{l+1},), zeros
    """
    sizes = [check.check_positive_int("layer_sizes[i]", n) for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must name at least the inputs and the outputs, got {list(layer_sizes)}")
    if hidden not in ACTIVATIONS or hidden == "softmax":
        raise ValueError(f"hidden must be one of {sorted(GAINS)}, got {hidden!r}")
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        std = initial_scale(n_in, hidden) if scale is None else float(scale)
        weights.append(rng.standard_normal((n_out, n_in)) * std)
        biases.append(np.zeros(n_out))
    return weights, biases

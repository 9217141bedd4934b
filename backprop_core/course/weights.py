r"""Weights by the worked examples' names, and the error as some of them change.

Weights are named as the worked examples name them: ``w1, w2, …`` row by row
through ``W[0]``, then on through ``W[1]``, so in Mazur's 2-2-2 example ``w1, w2``
go into the first hidden neuron and ``w5, w6`` into the first output (``W[l][j, i]``
is the weight from neuron i of one layer into neuron j of the next).

The pictures and widgets draw these numbers (error curves, error surfaces,
one slider per weight); the maths lives here, beside the examples it names.
"""
from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from backprop_core.nn.network import Network

#: A weight given by its name (``"w5"``) or by its index ``(l, j, i)`` into ``net.weights[l][j, i]``.
WeightRef = Union[str, tuple]


def weight_names(net: Network) -> dict[str, tuple[int, int, int]]:
    """Every weight's name as the worked examples number them -> its index ``(l, j, i)`` into ``net.weights[l][j, i]``.

    Examples
    --------
    >>> from backprop_core import examples
    >>> net, _, _ = examples.mazur()
    >>> weight_names(net)["w5"]
    (1, 0, 0)
    """
    names, k = {}, 1
    for l, W in enumerate(net.weights):
        for j in range(W.shape[0]):
            for i in range(W.shape[1]):
                names[f"w{k}"] = (l, j, i)
                k += 1
    return names


def weight_index(net: Network, weight: WeightRef) -> tuple[int, int, int]:
    """``(l, j, i)`` of a weight given by name (``"w5"``) or already as an index."""
    if isinstance(weight, str):
        names = weight_names(net)
        if weight not in names:
            raise ValueError(f"weight must be one of {', '.join(names)}, got {weight!r}")
        return names[weight]
    if not (isinstance(weight, tuple) and len(weight) == 3):
        raise TypeError(f"weight must be a name like 'w5' or an index (l, j, i), got {weight!r}")
    l, j, i = (int(v) for v in weight)
    if not (0 <= l < len(net.weights) and 0 <= j < net.weights[l].shape[0] and 0 <= i < net.weights[l].shape[1]):
        raise ValueError(f"weight index must lie inside the network's weights, got {weight!r}")
    return (l, j, i)


def loss_along(net: Network, x, target, weight: WeightRef, values: Sequence[float]) -> np.ndarray:
    """E as one weight takes each of ``values``, the others held.

    Parameters
    ----------
    net : Network
        Left unchanged (a copy is varied).
    x : array_like, shape (n_in,) or (N, n_in)
    target : array_like, shape (n_out,) or (N, n_out)
    weight : str or (l, j, i)
    values : sequence of float, length M

    Returns
    -------
    ndarray, shape (M,)
    """
    l, j, i = weight_index(net, weight)
    work = net.copy()
    out = np.empty(len(values))
    for k, v in enumerate(values):
        work.weights[l][j, i] = v
        out[k] = work.loss(x, target)
    return out


def loss_grid(net: Network, x, target, weight_a: WeightRef, weight_b: WeightRef,
              values_a: Sequence[float], values_b: Sequence[float]) -> np.ndarray:
    """E over a grid of two weights, the others held.

    Parameters
    ----------
    net : Network
        Left unchanged (a copy is varied).
    x : array_like, shape (n_in,) or (N, n_in)
    target : array_like, shape (n_out,) or (N, n_out)
    weight_a, weight_b : str or (l, j, i)
    values_a : sequence of float, length A
    values_b : sequence of float, length B

    Returns
    -------
    ndarray, shape (B, A)
        Rows follow ``weight_b``, columns ``weight_a`` (as an image of the plane is stored).
    """
    la, ja, ia = weight_index(net, weight_a)
    lb, jb, ib = weight_index(net, weight_b)
    work = net.copy()
    grid = np.empty((len(values_b), len(values_a)))
    for r, vb in enumerate(values_b):
        work.weights[lb][jb, ib] = vb
        for c, va in enumerate(values_a):
            work.weights[la][ja, ia] = va
            grid[r, c] = work.loss(x, target)
    return grid


__all__ = ["WeightRef", "weight_names", "weight_index", "loss_along", "loss_grid"]

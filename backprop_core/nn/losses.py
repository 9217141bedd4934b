r"""Losses and their gradients with respect to the network output.

Both losses are summed over output neurons and averaged over the samples of
a batch; a single sample (1-D arrays) is a batch of one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

_TINY = 1e-300  # keeps log() finite when a probability underflows to 0


def _n_samples(output: np.ndarray) -> int:
    return 1 if output.ndim == 1 else output.shape[0]


def half_squared_error(output: np.ndarray, target: np.ndarray) -> float:
    r""":math:`E = \tfrac12 \sum_j (t_j - y_j)^2`, mean over the batch.

    The ½ is there so that the derivative has no stray 2:
    :math:`\partial E / \partial y_j = y_j - t_j`.

    Parameters
    ----------
    output : ndarray, shape (n_out,) or (N, n_out)
    target : ndarray, same shape as ``output``

    Returns
    -------
    float
    """
    return half_squared_error_unchecked(np.asarray(output, dtype=np.float64), np.asarray(target, dtype=np.float64))


def half_squared_error_unchecked(output: np.ndarray, target: np.ndarray) -> float:
    """:func:`half_squared_error` on float64 arrays, without conversions (the training loop's)."""
    diff = target - output
    return 0.5 * float(np.vdot(diff, diff)) / _n_samples(diff)  # vdot: the sum of squares in one call


def half_squared_error_gradient(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    r""":math:`\partial E / \partial y = (y - t) / N`, same shape as ``output``."""
    output = np.asarray(output, dtype=np.float64)
    return (output - target) / _n_samples(output)


def cross_entropy(output: np.ndarray, target: np.ndarray) -> float:
    r""":math:`E = -\sum_j t_j \log y_j`, mean over the batch.

    ``output`` holds probabilities (a softmax); ``target`` one-hot rows.
    """
    return cross_entropy_unchecked(np.asarray(output, dtype=np.float64), np.asarray(target, dtype=np.float64))


def cross_entropy_unchecked(output: np.ndarray, target: np.ndarray) -> float:
    """:func:`cross_entropy` on float64 arrays, without conversions (the training loop's)."""
    return float(-(target * np.log(np.maximum(output, _TINY))).sum() / _n_samples(output))


@dataclass(frozen=True)
class Loss:
    r"""One loss, in the forms the package needs.

    Attributes
    ----------
    name : str
    function : callable(output, target) -> float
        Converts its arguments to float64 first.
    unchecked : callable(output, target) -> float
        The same on float64 arrays as they are (the training loop's fast path).
    gradient : callable(output, target) -> ndarray, or None
        :math:`\partial E/\partial y`. None for cross-entropy, which only follows a
        softmax: the pair's delta is :math:`(y - t)/N` at the net input.
    """

    name: str
    function: Callable[[np.ndarray, np.ndarray], float]
    unchecked: Callable[[np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray] | None


#: name -> :class:`Loss`, the one table of losses.
LOSSES: dict[str, Loss] = {
    record.name: record
    for record in (
        Loss("half_squared_error", half_squared_error, half_squared_error_unchecked, half_squared_error_gradient),
        Loss("cross_entropy", cross_entropy, cross_entropy_unchecked, None),
    )
}

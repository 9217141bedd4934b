r"""Numerical gradients by central differences, and how to compare them.

The central difference

.. math:: \frac{\partial E}{\partial w} \approx \frac{E(w + h) - E(w - h)}{2h}

has an error of order :math:`h^2`, against order :math:`h` for the one-sided
difference; with float64 and :math:`h = 10^{-5}` it agrees with a correct
backward pass to about 1e-9 or better.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import _validation as check
from .network import Gradients, Network

DEFAULT_STEP = 1e-5
DEFAULT_TOLERANCE = 1e-6
RELATIVE_ERROR_FLOOR = 1e-8


def numerical_gradient(net: Network, x, target, h: float = DEFAULT_STEP) -> Gradients:
    """dE/dW and dE/db of ``net.loss(x, target)`` by central differences.

    Parameters
    ----------
    net : Network
        Its parameters are nudged and put back; it is unchanged afterwards.
    x : array_like, shape (n_in,) or (N, n_in)
    target : array_like, shape (n_out,) or (N, n_out)
    h : float > 0
        The nudge.

    Returns
    -------
    Gradients
        Same structure as :meth:`Network.backward`'s, with ``deltas=None``.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    h = check.check_positive_number("h", h)
    trace = net.forward(x)  # validates x once
    target = net.check_target(target, trace.output.shape)
    loss = lambda: net.loss(trace.x, target)  # noqa: E731
    weights = [central_differences(W, loss, h) for W in net.weights]
    biases = None if net.biases is None else [central_differences(b, loss, h) for b in net.biases]
    return Gradients(weights, biases, None)


def array_numerical_gradient(f: Callable[[np.ndarray], float], W, h: float = DEFAULT_STEP) -> np.ndarray:
    """df/dW by central differences, for an array ``W`` of any shape: lesson 08's ``numerical_gradient(f, W, h)``.

    Lesson 09 imports it under that name. Its own loop, not :func:`central_differences`: lesson 09's
    ``numerical_gradients`` may call it while the network-level functions here are switched off.

    Parameters
    ----------
    f : callable(ndarray of W's shape) -> float
    W : array_like, any shape
        Left as it was (a float64 copy is nudged).
    h : float > 0

    Returns
    -------
    ndarray of float64, shape of ``W``
    """
    h = check.check_positive_number("h", h)
    W = np.array(W, dtype=float)  # a copy: the caller's array is left alone
    grad = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        old = W[index]
        W[index] = old + h
        plus = f(W)
        W[index] = old - h
        minus = f(W)
        W[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def central_differences(param: np.ndarray, loss: Callable[[], float], h: float) -> np.ndarray:
    """Central differences of ``loss()`` with respect to every entry of ``param``.

    Parameters
    ----------
    param : ndarray, any shape
        Nudged in place, entry by entry, and put back exactly.
    loss : callable() -> float
        The loss as it stands with the current ``param``.
    h : float > 0

    Returns
    -------
    ndarray, shape of ``param``
    """
    grad = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        old = param[index]
        param[index] = old + h
        plus = loss()
        param[index] = old - h
        minus = loss()
        param[index] = old  # put it back exactly
        grad[index] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic, numeric, floor: float = RELATIVE_ERROR_FLOOR) -> float:
    r"""Largest elementwise :math:`|a - n| / \max(|a| + |n|, \text{floor})`.

    Scale-free, so one threshold serves gradients of any size; the floor keeps
    two tiny gradients (both near 0) from dividing by almost nothing.
    Rules of thumb in float64: below 1e-7 correct; 1e-7 to 1e-4 look closer
    (kinks, very small gradients); above 1e-4 almost surely a bug.

    Parameters
    ----------
    analytic, numeric : array_like, same shape

    Returns
    -------
    float
    """
    a = check.as_float_array("analytic", analytic)
    n = check.as_float_array("numeric", numeric)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {a.shape} and {n.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor)))


@dataclass
class GradientCheck:
    """Per-parameter relative errors of a backward pass against central differences.

    Attributes
    ----------
    errors : dict
        ``("weights", l)`` or ``("biases", l)`` -> relative error.
    tolerance : float
    first_failure : tuple or None
        The first entry, from the input layer on, above ``tolerance``.
    """

    errors: dict
    tolerance: float

    @property
    def first_failure(self):
        failing = [key for key, error in self.errors.items() if error > self.tolerance]
        return min(failing, key=lambda key: (key[1], key[0] != "weights")) if failing else None

    @property
    def passed(self) -> bool:
        return self.first_failure is None

    def __str__(self) -> str:
        rows = [f"{kind}[{l}]: relative error {error:.2e} {'ok' if error <= self.tolerance else 'FAIL'}"
                for (kind, l), error in sorted(self.errors.items(), key=lambda item: (item[0][1], item[0][0]))]
        return "\n".join(rows)


def compare_gradients(analytic: Gradients, numeric: Gradients, tolerance: float = DEFAULT_TOLERANCE) -> GradientCheck:
    """Relative error of every weight and bias gradient of ``analytic`` against ``numeric``."""
    errors = {("weights", l): relative_error(a, n) for l, (a, n) in enumerate(zip(analytic.weights, numeric.weights))}
    if analytic.biases is not None and numeric.biases is not None:
        errors.update({("biases", l): relative_error(a, n) for l, (a, n) in enumerate(zip(analytic.biases, numeric.biases))})
    return GradientCheck(errors, tolerance)


def gradient_check(net: Network, x, target, tolerance: float = DEFAULT_TOLERANCE, backward=None) -> GradientCheck:
    """Check a backward pass on ``(x, target)`` against central differences.

    Parameters
    ----------
    net : Network
    x, target : array_like, as for :meth:`Network.loss`
    tolerance : float
    backward : callable(net, trace, target) -> Gradients, optional
        The backward pass under test; default ``net.backward``.
    """
    tolerance = check.check_positive_number("tolerance", tolerance)
    trace = net.forward(x)
    analytic = net.backward(trace, target) if backward is None else backward(net, trace, target)
    return compare_gradients(analytic, numerical_gradient(net, x, target), tolerance)

r"""The two kinds of layer a network is made of, each a forward/backward pair.

Every pair follows one contract: ``forward(...) -> (out, cache)`` computes the
layer and keeps what its backward step needs; ``backward(dout, cache)`` takes
:math:`\partial E/\partial\,\text{out}` and returns the gradients with respect to
the layer's inputs (and parameters). :class:`~backprop_core.nn.network.Network`
chains these pairs; nothing else in the package computes a backward pass.

Conventions: a batch ``x`` has shape (N, n_in), one row a sample; ``W`` has
shape (n_out, n_in), so row j holds the weights *into* neuron j; ``b`` has
shape (n_out,). The net input is :math:`z = x W^\top + b`, the activation
:math:`a = f(z)`.
"""
from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS


# ----------------------------------------------------------------- dense: z = x W^T + b
def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> tuple[np.ndarray, tuple]:
    r"""Net input of a layer for a batch: :math:`z = x W^\top + b`.

    Parameters
    ----------
    x : ndarray, shape (N, n_in)
    W : ndarray, shape (n_out, n_in)
    b : ndarray, shape (n_out,), or None for a layer without bias

    Returns
    -------
    z : ndarray, shape (N, n_out)
    cache : tuple
        ``(x, W)``, what :func:`dense_backward` needs.
    """
    z = x @ W.T
    if b is not None:
        z = z + b
    return z, (x, W)


def dense_backward(dz: np.ndarray, cache: tuple, input_gradient: bool = True,
                   bias_gradient: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray | None]:
    r"""Gradients through :math:`z = x W^\top + b`.

    Parameters
    ----------
    dz : ndarray, shape (N, n_out)
        :math:`\partial E / \partial z`, one row per sample. Pass the deltas of the
        samples and the parameter gradients come out *summed* over the batch
        (the network divides by N for its mean loss); pass them with the 1/N
        already in and they come out as the mean.
    cache : tuple
        ``(x, W)`` from :func:`dense_forward`.
    input_gradient : bool
        False skips ``dx`` (None): the first layer's input is the data, whose
        gradient nobody needs, and for a wide layer it is the costliest product.
    bias_gradient : bool
        False skips ``db`` (None), for a layer whose bias is not learned.

    Returns
    -------
    dx : ndarray, shape (N, n_in), or None
        :math:`\partial E / \partial x = dz\, W` (the weights carry the error back).
    dW : ndarray, shape (n_out, n_in)
        :math:`\partial E / \partial W = dz^\top x`: one outer product per sample, summed.
    db : ndarray, shape (n_out,), or None
        :math:`\partial E / \partial b`: ``dz`` summed over the batch.
    """
    x, W = cache
    return (dz @ W if input_gradient else None), dz.T @ x, (dz.sum(axis=0) if bias_gradient else None)


# ----------------------------------------------------------------- activation: a = f(z)
def activation_forward(z: np.ndarray, name: str) -> tuple[np.ndarray, tuple]:
    r"""Activation of a layer, :math:`a = f(z)`, for the activation called ``name``.

    Parameters
    ----------
    z : ndarray, shape (N, n_out)
    name : str
        A key of :data:`~backprop_core.nn.activations.ACTIVATIONS`.

    Returns
    -------
    a : ndarray, shape (N, n_out)
    cache : tuple
        ``(z, a, record)``, what :func:`activation_backward` needs.
    """
    record = ACTIVATIONS[name]
    a = record.function(z)
    return a, (z, a, record)


def activation_backward(da: np.ndarray, cache: tuple) -> np.ndarray:
    r"""Gradient through :math:`a = f(z)`: :math:`\partial E/\partial z = \partial E/\partial a \odot f'(z)`.

    The derivative is taken at the net input ``z`` (computed from the output
    ``a`` where that is cheaper, e.g. :math:`\sigma'(z) = a(1 - a)`).

    Parameters
    ----------
    da : ndarray, shape (N, n_out)
        :math:`\partial E/\partial a`.
    cache : tuple
        ``(z, a, record)`` from :func:`activation_forward`.

    Returns
    -------
    dz : ndarray, shape (N, n_out)
    """
    z, a, record = cache
    if record.derivative_from_output is None:
        raise ValueError(f"activation {record.name!r} has no elementwise derivative: it may only end a "
                         "cross-entropy network, whose output delta is output - target")
    dz = record.derivative_from_output(z, a)  # a new array (every record's derivative makes one) ...
    dz *= da  # ... so the product can reuse it: one temporary fewer on every layer of every step
    return dz

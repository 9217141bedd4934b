r"""One fully connected layer, forward and backward, in matrix form.

Conventions: a batch ``x`` has shape (N, n_in), one row a sample; ``W`` has
shape (n_out, n_in), so row j holds the weights *into* neuron j; ``b`` has
shape (n_out,). The net input is :math:`z = x W^\top + b`.
"""
from __future__ import annotations

import numpy as np


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


def dense_backward(dz: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Gradients of the loss through :math:`z = x W^\top + b`.

    Parameters
    ----------
    dz : ndarray, shape (N, n_out)
        :math:`\partial E / \partial z`, already including any 1/N of a mean loss.
    cache : tuple
        ``(x, W)`` from :func:`dense_forward`.

    Returns
    -------
    dx : ndarray, shape (N, n_in)
        :math:`\partial E / \partial x = dz\, W` (the weights carry the error back).
    dW : ndarray, shape (n_out, n_in)
        :math:`\partial E / \partial W = dz^\top x`: one outer product per sample, summed.
    db : ndarray, shape (n_out,)
        :math:`\partial E / \partial b`: ``dz`` summed over the batch.
    """
    x, W = cache
    return dz @ W, dz.T @ x, dz.sum(axis=0)

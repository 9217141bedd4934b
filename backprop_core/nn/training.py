"""Training loops: online, batch and minibatch gradient descent."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np

from . import _validation as check
from .losses import LOSSES
from .network import Network, backward_pass, forward_pass, gradient_step

MODES = ("online", "batch", "minibatch")


@dataclass
class History:
    """What :func:`train` measured.

    Attributes
    ----------
    losses : ndarray, shape (epochs,)
        ``losses[k]`` is the loss measured by epoch k's forward passes, each
        taken *before* its own update (the mean over the epoch's passes when
        there are several). So ``losses[0]`` is the untrained network's loss,
        and the loss after the last update is not in here: ask the network.
    mode, learning_rate, batch_size : as passed to :func:`train`
    """

    losses: np.ndarray
    mode: str
    learning_rate: float
    batch_size: int
    epochs_run: int = field(default=0)


def minibatches(X, T, batch_size: int, rng: np.random.Generator | int | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, T_batch)`` pairs that cover every sample once.

    Parameters
    ----------
    X : ndarray, shape (N, n_in)
    T : ndarray, shape (N, n_out)
    batch_size : int >= 1
        The last batch is smaller when N is not a multiple of it.
    rng : numpy Generator, int seed, or None
        Shuffles the order of the samples; None keeps it.

    Yields
    ------
    X_batch : ndarray, shape (B, n_in)
    T_batch : ndarray, shape (B, n_out)
    """
    batch_size = check.check_positive_int("batch_size", batch_size)
    X = check.as_float_array("X", X, ndim=2)
    T = check.as_float_array("T", T, ndim=2)
    if len(X) != len(T):
        raise ValueError(f"X and T must hold the same number of samples, got {len(X)} and {len(T)}")
    order = np.arange(len(X)) if rng is None else np.random.default_rng(rng).permutation(len(X))
    yield from _batches_in_order(X, T, batch_size, order)


def _batches_in_order(X: np.ndarray, T: np.ndarray, batch_size: int, order: np.ndarray):
    for start in range(0, len(X), batch_size):
        rows = order[start : start + batch_size]
        yield X[rows], T[rows]


def train(
    net: Network,
    X,
    T,
    learning_rate: float = 0.5,
    epochs: int = 1,
    mode: str = "online",
    batch_size: int | None = None,
    update_biases: bool = True,
    shuffle: bool = True,
    seed: int | None = 0,
    callback: Callable[[int, Network, float], bool | None] | None = None,
) -> History:
    """Train ``net`` in place by gradient descent.

    Parameters
    ----------
    net : Network
    X : array_like, shape (N, n_in), or (n_in,) for one sample
    T : array_like, shape (N, n_out), or (n_out,) for one sample
    learning_rate : float > 0
    epochs : int >= 1
        Passes over the whole data set.
    mode : {"online", "batch", "minibatch"}
        "online" updates after every sample, "batch" once per epoch on the
        mean gradient, "minibatch" after every ``batch_size`` samples.
    batch_size : int >= 1, only for "minibatch" (default 32)
    update_biases : bool
        False keeps the biases as they are (as Mazur's worked example does).
    shuffle : bool
        Visit the samples in a new random order every epoch ("online" and
        "minibatch"); the order is fixed by ``seed``, so a run repeats exactly.
    seed : int or None
    callback : callable(epoch, net, loss) -> bool or None, optional
        Called after every epoch; returning True stops training early.

    Returns
    -------
    History
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    learning_rate = check.check_positive_number("learning_rate", learning_rate)
    epochs = check.check_positive_int("epochs", epochs)
    mode = check.check_choice("mode", mode, MODES)
    X = np.atleast_2d(net.check_input(X, "X"))
    T = net.check_target(np.atleast_2d(check.as_float_array("T", T, ndim=(1, 2))), (X.shape[0], net.n_out), "T")
    if mode == "minibatch":
        batch_size = 32 if batch_size is None else check.check_positive_int("batch_size", batch_size)
    elif batch_size is not None:
        raise ValueError(f"batch_size goes with mode='minibatch' only, got batch_size={batch_size!r} with mode={mode!r}")
    else:
        batch_size = 1 if mode == "online" else len(X)
    rng = np.random.default_rng(seed) if shuffle and mode != "batch" and len(X) > 1 else None

    # Without shuffling the batches are the same every epoch: slice them once.
    fixed_batches = None if rng is not None else [(X[s : s + batch_size], T[s : s + batch_size]) for s in range(0, len(X), batch_size)]
    losses = np.empty(epochs)
    run = 0
    for epoch in range(epochs):
        batches = fixed_batches if rng is None else _batches_in_order(X, T, batch_size, rng.permutation(len(X)))
        losses[epoch] = run_epoch(net, batches, learning_rate, update_biases)
        run = epoch + 1
        if callback is not None and callback(epoch, net, float(losses[epoch])):
            break
    return History(losses[:run], mode, learning_rate, batch_size, run)


def run_epoch(net: Network, batches: Iterable[tuple[np.ndarray, np.ndarray]], learning_rate: float,
              update_biases: bool = True) -> float:
    """One pass over the data, one gradient-descent update per batch, on validated float64 batches.

    Parameters
    ----------
    net : Network
        Trained in place.
    batches : iterable of (ndarray, ndarray), shapes (B, n_in) and (B, n_out)
    learning_rate : float > 0
    update_biases : bool

    Returns
    -------
    float
        The sample-weighted mean of the losses measured before each update.
    """
    loss_fn = LOSSES[net.loss_name].unchecked
    total, count = 0.0, 0
    for xb, yb in batches:
        output, caches = forward_pass(net, xb)
        total += loss_fn(output, yb) * len(xb)
        count += len(xb)
        gW, gb, _ = backward_pass(net, caches, yb, bias_gradients=update_biases)
        gradient_step(net, gW, gb, learning_rate)
    return total / count

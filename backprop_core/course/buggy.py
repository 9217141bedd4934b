r"""A gallery of buggy backward passes, one per known mistake.

Each function has the signature of a backward pass under test,
``(net, trace, target) -> Gradients``, so that
``gradient_check(net, x, target, backward=BUGGY_BACKWARDS[key])`` catches it.
The keys are those of :data:`backprop_core.grading.exercises.MISTAKES`; lesson 08
shows them side by side, the grader names them in its messages.

Every function starts from the same correct algorithm and changes exactly
one line; its docstring says which and what that does to the gradients.
Networks with any activations from :mod:`backprop_core.nn.activations` (not
softmax) and the half squared error work; mistakes that only show on a batch
(``bias_not_summed``, ``missing_mean``) need N >= 2 samples, and
``missing_transpose`` needs a square, non-symmetric weight matrix past the
first layer (seed 002's 2-2-2 network has one).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_core.nn.activations import ACTIVATIONS
from backprop_core.course.mistakes import MISTAKES
from backprop_core.nn.network import Gradients, Network, Trace

#: Learning rate the ``updated_output_weights`` bug uses for its premature update (seed 002's).
PREMATURE_LEARNING_RATE = 0.5

#: Known mistakes that are not about a backward pass (a numerical gradient,
#: a training loop, a minibatch iterator): the gallery has no entry for them.
NOT_BACKWARD_PASS_MISTAKES = frozenset(
    {"one_sided_difference", "loss_after_update", "last_batch_dropped",
     "pairs_shuffled_separately", "absolute_instead_of_relative"}
)


def _arrays(net: Network, trace: Trace, target) -> tuple[np.ndarray, list, list, np.ndarray]:
    """The trace and target as 2-D batches: (x, zs, activations, target)."""
    as2d = np.atleast_2d
    target = net.check_target(target, trace.output.shape)
    return as2d(trace.x), [as2d(z) for z in trace.pre_activations], [as2d(a) for a in trace.activations], as2d(target)


def _prime(net: Network, l: int, z: np.ndarray) -> np.ndarray:
    """f_l'(z), the derivative of layer l's activation at its net input."""
    return ACTIVATIONS[net.activations[l]][1](z)


def _backward(
    net: Network,
    trace: Trace,
    target,
    *,
    output_error=lambda y, t: y - t,
    prime=None,
    carry_back=lambda delta, W: delta @ W,
    bias_gradient=lambda delta, n: delta.sum(axis=0) / n,
    divide_by_n: bool = True,
    premature_update: bool = False,
) -> Gradients:
    """The correct backward pass, with each step a parameter a bug can replace."""
    x, zs, activations, target = _arrays(net, trace, target)
    n_layers, n = len(net.weights), x.shape[0]
    scale = n if divide_by_n else 1
    prime = prime or (lambda l, z, a: _prime(net, l, z))
    weights = [W.copy() for W in net.weights]
    delta = output_error(activations[-1], target) * prime(n_layers - 1, zs[-1], activations[-1])
    gW, gb, deltas = [None] * n_layers, None if net.biases is None else [None] * n_layers, [None] * n_layers
    for l in range(n_layers - 1, -1, -1):
        deltas[l] = delta
        a_prev = x if l == 0 else activations[l - 1]
        gW[l] = delta.T @ a_prev / scale
        if gb is not None:
            gb[l] = bias_gradient(delta, scale)
        if premature_update:
            weights[l] = weights[l] - PREMATURE_LEARNING_RATE * gW[l]
        if l > 0:
            delta = carry_back(delta, weights[l]) * prime(l - 1, zs[l - 1], activations[l - 1])
    if not trace.batched:
        deltas = [d[0] for d in deltas]
    return Gradients(gW, gb, deltas)


def correct(net: Network, trace: Trace, target) -> Gradients:
    """The correct backward pass, written like the buggy ones (for comparison)."""
    return _backward(net, trace, target)


def sigma_prime_of_activation(net: Network, trace: Trace, target) -> Gradients:
    r"""σ′ taken at the activation a instead of the net input z.

    Writes :math:`f'(a)` where :math:`f'(z)` belongs, e.g. σ′(0.6) for seed
    003's output 0.6 instead of σ′(0.4316). Every delta is scaled by the
    wrong factor, so every layer's gradient is off (by about 4 % for a
    sigmoid near 0.6). For the identity nothing changes: its derivative is 1
    everywhere.
    """
    return _backward(net, trace, target, prime=lambda l, z, a: _prime(net, l, a))


def missing_transpose(net: Network, trace: Trace, target) -> Gradients:
    r"""The error carried back through :math:`W^\top` where :math:`W` belongs.

    With deltas as rows, the hidden error is ``delta @ W`` (shape (N, n_in));
    writing ``delta @ W.T`` sends each output neuron's error down the wrong
    weights. It only runs when the weight matrix is square, and then the
    output layer's gradient is right while every layer below is wrong.
    """
    return _backward(net, trace, target, carry_back=lambda delta, W: delta @ W.T)


def wrong_sign(net: Network, trace: Trace, target) -> Gradients:
    r"""The output error taken as target − output instead of output − target.

    Every gradient comes out negated, so the update
    :math:`W \leftarrow W - \alpha\,\partial E/\partial W` climbs the error.
    """
    return _backward(net, trace, target, output_error=lambda y, t: t - y)


def updated_output_weights(net: Network, trace: Trace, target) -> Gradients:
    r"""The hidden deltas computed with the already *updated* weights above.

    Updates each layer (learning rate :data:`PREMATURE_LEARNING_RATE`) as
    soon as its gradient is known and then carries the error back through
    the new weights. The error was made by the old weights, so the output
    layer's gradient is right and the layers below are slightly wrong.
    """
    return _backward(net, trace, target, premature_update=True)


def bias_not_summed(net: Network, trace: Trace, target) -> Gradients:
    r"""The bias gradient taken from the first sample instead of the whole batch.

    Code written for one sample reads the bias gradient straight off the
    delta; on a batch that keeps one row, ``delta[0] / N``, where the sum
    :math:`\frac1N \sum_n \delta_n` belongs. Weight gradients are right, bias
    gradients wrong; for a single sample it is correct, so only a batch shows it.
    """
    return _backward(net, trace, target, bias_gradient=lambda delta, n: delta[0] / n)


def missing_half(net: Network, trace: Trace, target) -> Gradients:
    r"""The derivative of :math:`(t - y)^2` used for the loss :math:`\tfrac12 (t - y)^2`.

    :math:`\partial E/\partial y` comes out as :math:`2(y - t)`: every
    gradient is exactly twice too large, the direction is right.
    """
    return _backward(net, trace, target, output_error=lambda y, t: 2.0 * (y - t))


def missing_mean(net: Network, trace: Trace, target) -> Gradients:
    r"""The gradients summed over the batch instead of averaged.

    The loss is the mean over N samples, so its gradients carry a 1/N; without
    it they are N times too large. A single sample (N = 1) hides it.
    """
    return _backward(net, trace, target, divide_by_n=False)


BackwardPass = Callable[[Network, Trace, object], Gradients]

#: MISTAKES key -> buggy backward pass, in the order of MISTAKES.
BUGGY_BACKWARDS: dict[str, BackwardPass] = {
    key: globals()[key] for key in MISTAKES if key not in NOT_BACKWARD_PASS_MISTAKES and key in globals()
}


def describe(key: str) -> str:
    """The one-line label of a mistake, as the grader prints it."""
    return MISTAKES[key]


def gallery_example(n_samples: int = 3, seed: int = 0) -> tuple[Network, np.ndarray, np.ndarray]:
    """A network and batch on which every bug of the gallery shows.

    Seed 002's 2-2-2 sigmoid network (square, non-symmetric weights, biases)
    and ``n_samples`` random inputs in [0, 1) with random targets in (0, 1).

    Returns
    -------
    net : Network
    x : ndarray, shape (n_samples, 2)
    target : ndarray, shape (n_samples, 2)
    """
    from .examples import mazur

    net, x0, t0 = mazur()
    rng = np.random.default_rng(seed)
    x = np.vstack([x0, rng.uniform(0, 1, size=(n_samples - 1, 2))])
    target = np.vstack([t0, rng.uniform(0.05, 0.95, size=(n_samples - 1, 2))])
    return net, x, target

r"""A gallery of buggy backward passes, one per known mistake.

Each function has the signature of a backward pass under test,
``(net, trace, target) -> Gradients``, so that
``gradient_check(net, x, target, backward=BUGGY_BACKWARDS[key])`` catches it.
The keys are those of :data:`backprop_core.course.mistakes.MISTAKES`; lesson 08
shows them side by side, the grader names them in its messages.

Every function is the network's own backward pass (:meth:`Network.backward`)
with exactly one of its steps swapped (:class:`~backprop_core.nn.network.BackwardSteps`);
its docstring says which and what that does to the gradients.
Networks with any activations from :mod:`backprop_core.nn.activations` (not
softmax) and the half squared error work; mistakes that only show on a batch
(``bias_not_summed``, ``missing_mean``) need N >= 2 samples, and
``missing_transpose`` needs a square, non-symmetric weight matrix past the
first layer (Mazur's 2-2-2 network has one).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from backprop_core.course.mistakes import MISTAKES
from backprop_core.nn.layers import dense_backward
from backprop_core.nn.network import CORRECT_STEPS, Gradients, Network, Trace

#: Learning rate the ``updated_output_weights`` bug uses for its premature update (Mazur's example's).
PREMATURE_LEARNING_RATE = 0.5

#: Known mistakes that are not about a backward pass (a numerical gradient,
#: a training loop, a minibatch iterator, the loss, writing σ′ itself, the
#: in-place rule): the gallery has no entry for them.
NOT_BACKWARD_PASS_MISTAKES = frozenset(
    {"one_sided_difference", "loss_after_update", "last_batch_dropped",
     "pairs_shuffled_separately", "absolute_instead_of_relative",
     "changed_argument_in_place", "mean_over_outputs", "difference_over_h",
     "sigma_prime_of_net_input_as_activation", "nudged_weight_not_restored",
     "layer_counted_from_one", "batches_balanced", "bias_gradients_ignored",
     # lesson 09 (softmax's forward numerics, ReLU at exactly 0, the training loop) and lesson 10 (the scalar
     # engine): none is a swapped step of the sigmoid network's backward pass that the gallery shows
     "softmax_without_max_shift", "relu_prime_at_zero", "loss_of_last_batch", "batches_never_shuffled",
     "grad_overwritten", "node_before_its_parents", "grad_not_zeroed",
     # lesson 10's network of Values (issue 22): a forward pass and a training step's bookkeeping, and
     # the product rule's `=` of the scalar engine
     "grad_overwritten_in_product", "last_layer_squashed", "bias_added_after_tanh", "grads_zeroed_after_backward",
     # named by the graders of lessons 05, 06 and 09 (issue 21): the gallery's sigma' entry already shows
     # sigma'(a) in a backward pass; 1/N twice leaves the gallery's one-sample example unchanged; the other
     # two are a loss's forward numerics and a training loop's bookkeeping
     "sigma_prime_of_activation_hidden_only", "divided_by_n_twice", "softmax_shifted_by_global_max",
     "loss_mean_of_minibatches",
     # named by the graders of lessons 06 and 07 (issue 22): sigma' left out or taken of the layer's input is a
     # wrong factor between layers, which the gallery's sigma' entry already shows; the other three are a
     # training loop's step size, shuffling and recorded loss
     "sigma_prime_missing_between_layers", "sigma_prime_of_layer_input", "gradient_summed_over_batch",
     "same_shuffle_every_epoch", "epoch_loss_unweighted_mean",
     # named by lesson 03's g_prime grader (issue 22): a slip in the chain of one scalar function, g(w) = sigma(2w),
     # before any network; the gallery's sigma' entry already shows a wrong sigma' in a backward pass
     "chain_inner_slope_missing", "chain_outer_slope_at_w"}
)


def _with(**swapped) -> Callable[[Network, Trace, object], Gradients]:
    """The network's own backward pass with the named steps swapped."""
    steps = replace(CORRECT_STEPS, **swapped)
    return lambda net, trace, target: net.backward(trace, target, steps=steps)


# ------------------------------------------------------------------ the swapped steps
def _derivative_at_the_activation(da: np.ndarray, cache: tuple) -> np.ndarray:
    z, a, record = cache
    return da * record.derivative(a)  # f'(a): the derivative taken at the output


def _carry_back_through_transpose(dz: np.ndarray, cache: tuple, **which) -> tuple:
    x, W = cache
    _, dW, db = dense_backward(dz, cache)
    return dz @ W.T, dW, db


def _carry_back_through_updated_weights(dz: np.ndarray, cache: tuple, **which) -> tuple:
    x, W = cache
    _, dW, db = dense_backward(dz, cache)
    updated = W - PREMATURE_LEARNING_RATE * dW / len(dz)  # the step, taken too early
    return dz @ updated, dW, db


def _bias_gradient_of_first_sample(dz: np.ndarray, cache: tuple, **which) -> tuple:
    dx, dW, _ = dense_backward(dz, cache)
    return dx, dW, dz[0]


# ------------------------------------------------------------------ the gallery
def correct(net: Network, trace: Trace, target) -> Gradients:
    """The correct backward pass (:meth:`Network.backward`), for comparison."""
    return net.backward(trace, target)


def sigma_prime_of_activation(net: Network, trace: Trace, target) -> Gradients:
    r"""σ′ taken at the activation a instead of the net input z.

    Writes :math:`f'(a)` where :math:`f'(z)` belongs, e.g. σ′(0.6) for the XOR
    example's output 0.6 instead of σ′(0.4316). Every delta is scaled by the
    wrong factor, so every layer's gradient is off (by about 4 % for a
    sigmoid near 0.6). For the identity nothing changes: its derivative is 1
    everywhere.
    """
    return _with(activation_backward=_derivative_at_the_activation)(net, trace, target)


def missing_transpose(net: Network, trace: Trace, target) -> Gradients:
    r"""The error carried back through :math:`W^\top` where :math:`W` belongs.

    With deltas as rows, the hidden error is ``delta @ W`` (shape (N, n_in));
    writing ``delta @ W.T`` sends each output neuron's error down the wrong
    weights. It only runs when the weight matrix is square, and then the
    output layer's gradient is right while every layer below is wrong.
    """
    return _with(dense_backward=_carry_back_through_transpose)(net, trace, target)


def wrong_sign(net: Network, trace: Trace, target) -> Gradients:
    r"""The output error taken as target − output instead of output − target.

    Every gradient comes out negated, so the update
    :math:`W \leftarrow W - \alpha\,\partial E/\partial W` climbs the error.
    """
    return _with(output_error=lambda output, target: target - output)(net, trace, target)


def updated_output_weights(net: Network, trace: Trace, target) -> Gradients:
    r"""The hidden deltas computed with the already *updated* weights above.

    Updates each layer (learning rate :data:`PREMATURE_LEARNING_RATE`) as
    soon as its gradient is known and then carries the error back through
    the new weights. The error was made by the old weights, so the output
    layer's gradient is right and the layers below are slightly wrong.
    """
    return _with(dense_backward=_carry_back_through_updated_weights)(net, trace, target)


def bias_not_summed(net: Network, trace: Trace, target) -> Gradients:
    r"""The bias gradient taken from the first sample instead of the whole batch.

    Code written for one sample reads the bias gradient straight off the
    delta; on a batch that keeps one row, ``delta[0] / N``, where the sum
    :math:`\frac1N \sum_n \delta_n` belongs. Weight gradients are right, bias
    gradients wrong; for a single sample it is correct, so only a batch shows it.
    """
    return _with(dense_backward=_bias_gradient_of_first_sample)(net, trace, target)


def missing_half(net: Network, trace: Trace, target) -> Gradients:
    r"""The derivative of (output − target)² used for the loss ½ (output − target)².

    ∂E/∂output comes out as 2 (output − target) instead of output − target:
    every gradient is exactly twice too large, the direction is right.
    """
    return _with(output_error=lambda output, target: 2.0 * (output - target))(net, trace, target)


def missing_mean(net: Network, trace: Trace, target) -> Gradients:
    r"""The gradients summed over the batch instead of averaged.

    The loss is the mean over N samples, so its gradients carry a 1/N; without
    it they are N times too large. A single sample (N = 1) hides it.
    """
    return _with(mean_over_batch=False)(net, trace, target)


BackwardPass = Callable[[Network, Trace, object], Gradients]

#: MISTAKES key -> buggy backward pass, in the order of MISTAKES.
BUGGY_BACKWARDS: dict[str, BackwardPass] = {
    key: globals()[key] for key in MISTAKES if key not in NOT_BACKWARD_PASS_MISTAKES and key in globals()
}


#: How the gallery names a buggy backward pass where the grader's label fits another exercise: the grader's
#: ``wrong_sign`` is a sign bug of the *update*, which no gradient check sees; the gallery's is in the gradient.
GALLERY_LABELS: dict[str, str] = {
    "wrong_sign": "the wrong sign of the output error, target − output",
}


def gallery_label(key: str) -> str:
    """The one-line label of a buggy backward pass in lesson 08's gallery and explorer."""
    return GALLERY_LABELS.get(key, MISTAKES.get(key, key))


def describe(key: str) -> str:
    """The one-line label of a mistake, as the grader prints it."""
    return MISTAKES[key]


def gallery_example(n_samples: int = 3, seed: int = 0) -> tuple[Network, np.ndarray, np.ndarray]:
    """A network and batch on which every bug of the gallery shows.

    Mazur's 2-2-2 sigmoid network (square, non-symmetric weights, biases) on
    Mazur's sample and ``n_samples - 1`` random inputs in [0, 1) with random
    targets in [0.05, 0.95); ``seed`` seeds the random number generator.

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

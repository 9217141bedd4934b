r"""A fully connected network: forward pass, loss, backward pass, update.

Notation (one vocabulary across the course): layer ``l`` has weights
``W[l]`` of shape (n_out, n_in), row j holding the weights *into* neuron j,
and an optional bias ``b[l]`` of shape (n_out,). For a batch ``x`` of shape
(N, n_in),

.. math::

    z^{(l)} = a^{(l-1)} W^{(l)\top} + b^{(l)}, \qquad a^{(l)} = f_l(z^{(l)}),
    \qquad a^{(-1)} = x .

Each layer is a pair of steps from :mod:`~backprop_core.nn.layers`, a dense
step :math:`z = a W^\top + b` and an activation step :math:`a = f(z)`, each with
its forward and backward function. The backward pass walks the layers in
reverse with the deltas
:math:`\delta^{(l)} = \partial E_n / \partial z^{(l)}` of each sample:

.. math::

    \delta^{(L)} = (a^{(L)} - t) \odot f_L'(z^{(L)}), \qquad
    \delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)}\big) \odot f_l'(z^{(l)}),

    \frac{\partial E}{\partial W^{(l)}} = \frac1N \delta^{(l)\top} a^{(l-1)}, \qquad
    \frac{\partial E}{\partial b^{(l)}} = \frac1N \sum_n \delta^{(l)}_n .
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from . import _validation as check
from .activations import ACTIVATIONS
from .layers import activation_backward, activation_forward, dense_backward, dense_forward
from .losses import LOSSES


@dataclass
class Trace:
    """What a forward pass computed, layer by layer.

    Attributes
    ----------
    x : ndarray, shape (n_in,) or (N, n_in)
        The input.
    pre_activations : list of ndarray
        ``pre_activations[l]`` is the net input z of layer l, shape (n_out_l,) or (N, n_out_l).
    activations : list of ndarray
        ``activations[l]`` is f_l(z) of layer l, same shape as ``pre_activations[l]``.
    """

    x: np.ndarray
    pre_activations: list
    activations: list
    #: What each layer's forward step kept for its backward step (2-D batches; :func:`forward_pass`).
    caches: list | None = field(default=None, repr=False, compare=False)

    @property
    def output(self) -> np.ndarray:
        """The network's output: the last layer's activation."""
        return self.activations[-1]

    @property
    def batched(self) -> bool:
        return self.x.ndim == 2


@dataclass
class Gradients:
    """Gradients of the loss, shaped like the network's parameters.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l]`` is dE/dW of layer l, shape (n_out_l, n_in_l).
    biases : list of ndarray or None
        ``biases[l]`` is dE/db of layer l, shape (n_out_l,); None for a network without biases.
    deltas : list of ndarray or None
        ``deltas[l]`` is dE_n/dz of layer l for each sample, shape (n_out_l,) or (N, n_out_l);
        None where the gradients were not computed by backpropagation.
    """

    weights: list
    biases: list | None
    deltas: list | None = None


def output_minus_target(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""The error at the output, :math:`y - t`, one row per sample.

    For :math:`E_n = \tfrac12 \sum_j (t_j - y_j)^2` it is :math:`\partial E_n/\partial y`;
    for softmax with cross-entropy it is already :math:`\partial E_n/\partial z` of the last layer.
    """
    return output - target


@dataclass(frozen=True)
class BackwardSteps:
    """The steps a backward pass is made of, each replaceable.

    The correct pass (:data:`CORRECT_STEPS`) uses the defaults. The gallery of
    buggy passes (:mod:`backprop_core.course.buggy`) swaps exactly one step, so
    the package holds a single backward pass.

    Attributes
    ----------
    output_error : callable(output, target) -> ndarray, shape (N, n_out)
        The error at the output (:func:`output_minus_target`).
    activation_backward : callable(da, cache) -> dz
        :func:`~backprop_core.nn.layers.activation_backward`.
    dense_backward : callable(dz, cache, input_gradient, bias_gradient) -> (dx, dW, db)
        :func:`~backprop_core.nn.layers.dense_backward`.
    mean_over_batch : bool
        Divide the summed parameter gradients by N (the loss is a mean over the batch).
    """

    output_error: Callable[[np.ndarray, np.ndarray], np.ndarray] = output_minus_target
    activation_backward: Callable[[np.ndarray, tuple], np.ndarray] = activation_backward
    dense_backward: Callable[..., tuple] = dense_backward
    mean_over_batch: bool = True


CORRECT_STEPS = BackwardSteps()


# ----------------------------------------------------------- the passes, on checked 2-D arrays
# Public so that loops which validated their data once (training, gradient checks)
# can run them directly; Network.forward/backward/step validate and then call them.
def forward_pass(net: "Network", x: np.ndarray) -> tuple[np.ndarray, list]:
    """Forward pass of ``net`` on a validated batch, layer pair by layer pair.

    Parameters
    ----------
    net : Network
    x : ndarray, shape (N, n_in), float64

    Returns
    -------
    output : ndarray, shape (N, n_out)
    caches : list of (dense_cache, activation_cache), one per layer
        What each layer's forward step kept for its backward step: ``(a_prev, W)`` and ``(z, a, record)``
        (:mod:`~backprop_core.nn.layers`); :func:`backward_pass` consumes them.
    """
    caches, a = [], x
    biases = net.biases
    for l, W in enumerate(net.weights):
        z, dense_cache = dense_forward(a, W, None if biases is None else biases[l])
        a, activation_cache = activation_forward(z, net.activations[l])
        caches.append((dense_cache, activation_cache))
    return a, caches


def backward_pass(net: "Network", caches: list, target: np.ndarray, steps: BackwardSteps = CORRECT_STEPS,
                  bias_gradients: bool = True) -> tuple[list, list | None, list]:
    r"""Backward pass of ``net`` on validated 2-D arrays, layer pair by layer pair, from the forward caches.

    Parameters
    ----------
    net : Network
    caches : list of (dense_cache, activation_cache)
        From :func:`forward_pass` (its weights carry the error back; the update comes after).
    target : ndarray, shape (N, n_out)
    steps : BackwardSteps
        The steps to use; :data:`CORRECT_STEPS` unless a bug is being shown.
    bias_gradients : bool
        False skips the bias gradients (training with fixed biases).

    Returns
    -------
    weight_gradients : list of ndarray, shape (n_out_l, n_in_l)
    bias_gradients : list of ndarray, shape (n_out_l,), or None (no biases, or not asked for)
    deltas : list of ndarray, shape (N, n_out_l)
        :math:`\partial E_n/\partial z` of each sample (no 1/N).
    """
    carry_back, through_activation = steps.dense_backward, steps.activation_backward
    n_layers = len(caches)
    output_cache = caches[-1][1]
    scale = output_cache[1].shape[0] if steps.mean_over_batch else 1
    error = steps.output_error(output_cache[1], target)
    if net.loss_name == "cross_entropy":  # softmax + cross-entropy: y - t is already dE_n/dz
        delta = error
    else:
        delta = through_activation(error, output_cache)
    gW, deltas = [None] * n_layers, [None] * n_layers
    gb = [None] * n_layers if bias_gradients and net.biases is not None else None
    for l in range(n_layers - 1, -1, -1):
        deltas[l] = delta
        dx, dW, db = carry_back(delta, caches[l][0], input_gradient=l > 0, bias_gradient=gb is not None)
        if scale != 1:  # the loss is a mean over the batch (dW and db are new arrays: divide in place)
            dW /= scale
            if gb is not None:
                db /= scale
        gW[l] = dW
        if gb is not None:
            gb[l] = db
        if l > 0:
            delta = through_activation(dx, caches[l - 1][1])
    return gW, gb, deltas


def gradient_step(net: "Network", weight_gradients: list, bias_gradients: list | None, learning_rate: float) -> None:
    """W ← W − learning_rate · dE/dW for every layer, in place (and b likewise unless ``bias_gradients`` is None)."""
    for W, g in zip(net.weights, weight_gradients):
        W -= learning_rate * g
    if bias_gradients is not None and net.biases is not None:
        for b, g in zip(net.biases, bias_gradients):
            b -= learning_rate * g


class Network:
    """A fully connected feed-forward network.

    Parameters
    ----------
    weights : sequence of array_like
        ``weights[l]`` has shape (n_out_l, n_in_l); each layer's n_in is the
        previous layer's n_out.
    biases : sequence of array_like or None
        ``biases[l]`` has shape (n_out_l,). None: a network without bias terms.
    activations : str or sequence of str
        One name per layer (or one for all): "sigmoid", "tanh", "relu",
        "identity", or "softmax" for the last layer of a cross-entropy network.
    loss : str
        "half_squared_error" (default) or "cross_entropy" (needs a softmax output).

    Examples
    --------
    >>> net = Network(weights=[[[.11, .21], [.12, .08]], [[.14, .15]]],
    ...               activations="identity")
    >>> float(net.forward([2, 3]).output[0])   # doctest: +ELLIPSIS
    0.191...
    """

    def __init__(
        self,
        weights: Sequence,
        biases: Sequence | None = None,
        activations: str | Sequence[str] = "sigmoid",
        loss: str = "half_squared_error",
    ) -> None:
        self.weights = _check_weights(weights)
        self.biases = _check_biases(biases, self.weights)
        self.activations = _check_activations(activations, len(self.weights))
        self.loss_name = check.check_choice("loss", loss, LOSSES)
        _check_loss_pairing(self.loss_name, self.activations)

    # ------------------------------------------------------------------ shape
    @property
    def layer_sizes(self) -> list[int]:
        """[n_in, n_hidden..., n_out]."""
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    @property
    def n_in(self) -> int:
        return self.weights[0].shape[1]

    @property
    def n_out(self) -> int:
        return self.weights[-1].shape[0]

    def __repr__(self) -> str:
        sizes = "-".join(str(n) for n in self.layer_sizes)
        return f"Network({sizes}, activations={self.activations}, biases={self.biases is not None}, loss={self.loss_name!r})"

    def copy(self) -> "Network":
        """A deep copy: training the copy leaves this network alone."""
        return Network(
            [W.copy() for W in self.weights],
            None if self.biases is None else [b.copy() for b in self.biases],
            list(self.activations),
            self.loss_name,
        )

    # ---------------------------------------------------------------- forward
    def forward(self, x) -> Trace:
        """Run the network on one sample or a batch.

        Parameters
        ----------
        x : array_like, shape (n_in,) or (N, n_in)

        Returns
        -------
        Trace
            Net inputs and activations of every layer, 1-D for one sample.
        """
        x = self.check_input(x)
        _, caches = forward_pass(self, np.atleast_2d(x))
        zs, activations = [c[1][0] for c in caches], [c[1][1] for c in caches]
        if x.ndim == 1:
            zs, activations = [z[0] for z in zs], [a[0] for a in activations]
        return Trace(x, zs, activations, caches)

    def loss(self, x, target) -> float:
        r"""The loss of the network on ``x``: ½ Σ (t − y)² (mean over a batch) by default.

        Parameters
        ----------
        x : array_like, shape (n_in,) or (N, n_in)
        target : array_like, shape (n_out,) or (N, n_out), matching ``x``
        """
        trace = self.forward(x)
        target = self.check_target(target, trace.output.shape)
        return LOSSES[self.loss_name].function(trace.output, target)

    # --------------------------------------------------------------- backward
    def backward(self, trace: Trace, target, steps: BackwardSteps = CORRECT_STEPS) -> Gradients:
        """Backpropagate the loss of ``trace`` against ``target``.

        Parameters
        ----------
        trace : Trace
            From :meth:`forward` of this network.
        target : array_like, shape of ``trace.output``
        steps : BackwardSteps, optional
            Only to show a bug (:mod:`backprop_core.course.buggy`): the default is the correct pass.

        Returns
        -------
        Gradients
            ``weights[l]`` (n_out_l, n_in_l), ``biases[l]`` (n_out_l,) or None,
            ``deltas[l]`` shaped like ``trace.pre_activations[l]``.
        """
        if not isinstance(trace, Trace):
            raise TypeError(f"trace must be the Trace returned by Network.forward, got {type(trace).__name__}")
        if len(trace.activations) != len(self.weights):
            raise ValueError(f"trace must come from a network with {len(self.weights)} layers, got one with {len(trace.activations)}")
        target = self.check_target(target, trace.output.shape)
        gW, gb, deltas = backward_pass(self, trace.caches or self._caches_of(trace), np.atleast_2d(target), steps)
        if not trace.batched:
            deltas = [d[0] for d in deltas]
        return Gradients(gW, gb, deltas)

    def _caches_of(self, trace: Trace) -> list:
        """The caches of a Trace made by hand (``Network.forward`` keeps its own): its arrays, as 2-D batches."""
        as2d = np.atleast_2d
        inputs = [as2d(trace.x)] + [as2d(a) for a in trace.activations[:-1]]
        return [((a_prev, W), (as2d(z), as2d(a), ACTIVATIONS[name]))
                for a_prev, W, z, a, name in zip(inputs, self.weights, trace.pre_activations, trace.activations,
                                                  self.activations)]

    # ------------------------------------------------------------------ update
    def step(self, grads: Gradients, learning_rate: float = 0.5, update_biases: bool = True) -> None:
        """Gradient descent, in place: W ← W − learning_rate · dE/dW (and b likewise).

        Parameters
        ----------
        grads : Gradients
            From :meth:`backward` or :func:`numerical_gradient`.
        learning_rate : float > 0
        update_biases : bool
            False keeps the biases fixed (Mazur's worked example does not update them).
        """
        learning_rate = check.check_positive_number("learning_rate", learning_rate)
        self._check_gradients(grads)
        gradient_step(self, grads.weights, grads.biases if update_biases else None, learning_rate)

    # ---------------------------------------------------------------- checks
    def check_input(self, x, name: str = "x") -> np.ndarray:
        """Return ``x`` as float64 of shape (n_in,) or (N, n_in), or raise."""
        x = check.as_float_array(name, x, ndim=(1, 2))
        if x.shape[-1] != self.n_in:
            raise ValueError(f"{name} must have {self.n_in} features (the network's n_in) in its last axis, got shape {x.shape}")
        if x.ndim == 2 and x.shape[0] == 0:
            raise ValueError(f"{name} must hold at least one sample, got shape {x.shape}")
        return x

    def check_target(self, target, shape: tuple, name: str = "target") -> np.ndarray:
        """Return ``target`` as float64 of ``shape`` (the output's), or raise."""
        target = check.as_float_array(name, target, ndim=len(shape))
        check.check_shape(name, target, shape, "(the shape of the network's output)")
        return target

    def _check_gradients(self, grads) -> None:
        if not isinstance(grads, Gradients):
            raise TypeError(f"grads must be the Gradients returned by Network.backward, got {type(grads).__name__}")
        if len(grads.weights) != len(self.weights):
            raise ValueError(f"grads must have {len(self.weights)} weight gradients, got {len(grads.weights)}")
        for l, (W, g) in enumerate(zip(self.weights, grads.weights)):
            check.check_shape(f"grads.weights[{l}]", np.asarray(g), W.shape, "(the shape of the weights)")


# -------------------------------------------------------------- constructor checks
def _check_weights(weights) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or isinstance(weights, str):
        raise TypeError(f"weights must be a list of 2-D arrays, one per layer, got {type(weights).__name__}")
    if len(weights) == 0:
        raise ValueError("weights must hold at least one layer, got an empty list")
    checked = [check.as_float_array(f"weights[{l}]", W, ndim=2).copy() for l, W in enumerate(weights)]
    for l, W in enumerate(checked):
        if 0 in W.shape:
            raise ValueError(f"weights[{l}] must have at least one row and one column, got shape {W.shape}")
        if l > 0 and W.shape[1] != checked[l - 1].shape[0]:
            raise ValueError(
                f"weights[{l}] must have {checked[l - 1].shape[0]} columns (weights[{l - 1}] has "
                f"{checked[l - 1].shape[0]} rows, one per neuron), got shape {W.shape}"
            )
    return checked


def _check_biases(biases, weights) -> list[np.ndarray] | None:
    if biases is None:
        return None
    if isinstance(biases, np.ndarray) or not isinstance(biases, Sequence) or isinstance(biases, str):
        raise TypeError(f"biases must be None or a list of 1-D arrays, one per layer, got {type(biases).__name__}")
    if len(biases) != len(weights):
        raise ValueError(f"biases must have one entry per layer ({len(weights)}), got {len(biases)}")
    checked = []
    for l, (b, W) in enumerate(zip(biases, weights)):
        b = check.as_float_array(f"biases[{l}]", b, ndim=(0, 1))
        if b.ndim == 0:  # one number for the whole layer, as the seeds write it
            b = np.full(W.shape[0], float(b))
        check.check_shape(f"biases[{l}]", b, (W.shape[0],), f"(one per neuron of layer {l})")
        checked.append(b.copy())
    return checked


def _check_activations(activations, n_layers: int) -> list[str]:
    if isinstance(activations, str):
        activations = [activations] * n_layers
    if not isinstance(activations, Sequence):
        raise TypeError(f"activations must be a name or a list of names, got {type(activations).__name__}")
    if len(activations) != n_layers:
        raise ValueError(f"activations must have one name per layer ({n_layers}), got {len(activations)}: {list(activations)!r}")
    names = [check.check_choice(f"activations[{l}]", name, ACTIVATIONS) for l, name in enumerate(activations)]
    for l, name in enumerate(names[:-1]):
        if name == "softmax":
            raise ValueError(f"activations[{l}] may be 'softmax' only in the last layer, got it in layer {l}")
    return names


def _check_loss_pairing(loss: str, activations: list[str]) -> None:
    if (loss == "cross_entropy") != (activations[-1] == "softmax"):
        raise ValueError(
            f"loss 'cross_entropy' and a 'softmax' last activation go together, got loss={loss!r} "
            f"with last activation {activations[-1]!r}"
        )

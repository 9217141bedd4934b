r"""A fully connected network: forward pass, loss, backward pass, update.

Notation (one vocabulary across the course): layer ``l`` has weights
``W[l]`` of shape (n_out, n_in), row j holding the weights *into* neuron j,
and an optional bias ``b[l]`` of shape (n_out,). For a batch ``x`` of shape
(N, n_in),

.. math::

    z^{(l)} = a^{(l-1)} W^{(l)\top} + b^{(l)}, \qquad a^{(l)} = f_l(z^{(l)}),
    \qquad a^{(-1)} = x .

The backward pass walks the layers in reverse with the deltas
:math:`\delta^{(l)} = \partial E_n / \partial z^{(l)}` of each sample:

.. math::

    \delta^{(L)} = (a^{(L)} - t) \odot f_L'(z^{(L)}), \qquad
    \delta^{(l)} = \big(\delta^{(l+1)} W^{(l+1)}\big) \odot f_l'(z^{(l)}),

    \frac{\partial E}{\partial W^{(l)}} = \frac1N \delta^{(l)\top} a^{(l-1)}, \qquad
    \frac{\partial E}{\partial b^{(l)}} = \frac1N \sum_n \delta^{(l)}_n .
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import _validation as check
from .activations import ACTIVATIONS
from .losses import LOSSES

# f'(z) written with the activation a = f(z) already at hand, to save the
# forward work a second time. Still the derivative at the net input z:
# sigma'(z) = a (1 - a), which is *not* sigma(a) (1 - sigma(a)).
_DERIVATIVE_GIVEN_OUTPUT = {
    "sigmoid": lambda z, a: a * (1.0 - a),
    "tanh": lambda z, a: 1.0 - a * a,
    "relu": lambda z, a: (z > 0).astype(np.float64),
    "identity": lambda z, a: np.ones_like(z),
}


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
        zs, activations = self._forward(np.atleast_2d(x))
        if x.ndim == 1:
            zs, activations = [z[0] for z in zs], [a[0] for a in activations]
        return Trace(x, zs, activations)

    def _forward(self, x: np.ndarray) -> tuple[list, list]:
        """Forward pass on a checked 2-D batch, without the 1-D bookkeeping."""
        zs, activations, a = [], [], x
        for l, W in enumerate(self.weights):
            z = a @ W.T
            if self.biases is not None:
                z = z + self.biases[l]
            a = ACTIVATIONS[self.activations[l]][0](z)
            zs.append(z)
            activations.append(a)
        return zs, activations

    def loss(self, x, target) -> float:
        r"""The loss of the network on ``x``: ½ Σ (t − y)² (mean over a batch) by default.

        Parameters
        ----------
        x : array_like, shape (n_in,) or (N, n_in)
        target : array_like, shape (n_out,) or (N, n_out), matching ``x``
        """
        trace = self.forward(x)
        target = self.check_target(target, trace.output.shape)
        return LOSSES[self.loss_name][0](trace.output, target)

    # --------------------------------------------------------------- backward
    def backward(self, trace: Trace, target) -> Gradients:
        """Backpropagate the loss of ``trace`` against ``target``.

        Parameters
        ----------
        trace : Trace
            From :meth:`forward` of this network.
        target : array_like, shape of ``trace.output``

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
        as2d = np.atleast_2d
        gW, gb, deltas = self._backward(
            as2d(trace.x), [as2d(z) for z in trace.pre_activations], [as2d(a) for a in trace.activations], as2d(target)
        )
        if not trace.batched:
            deltas = [d[0] for d in deltas]
        return Gradients(gW, gb, deltas)

    def _backward(self, x, zs, activations, target, bias_gradients: bool = True) -> tuple[list, list | None, list]:
        """Backward pass on 2-D arrays: (weight grads, bias grads or None, per-sample deltas).

        ``bias_gradients=False`` skips the bias sums when the caller will not use them (training with fixed biases).
        """
        n_layers, n_samples = len(self.weights), x.shape[0]
        delta = activations[-1] - target  # dE_n/da for ½ Σ (t − y)², and dE_n/dz for softmax + cross-entropy
        if self.loss_name == "half_squared_error":
            delta = delta * _DERIVATIVE_GIVEN_OUTPUT[self.activations[-1]](zs[-1], activations[-1])
        deltas = [None] * n_layers
        gW = [None] * n_layers
        gb = [None] * n_layers if bias_gradients and self.biases is not None else None
        for l in range(n_layers - 1, -1, -1):
            deltas[l] = delta
            a_prev = x if l == 0 else activations[l - 1]
            gW[l] = delta.T @ a_prev
            if gb is not None:
                gb[l] = delta.sum(axis=0)
            if n_samples > 1:  # the loss is a mean over the batch
                gW[l] /= n_samples
                if gb is not None:
                    gb[l] /= n_samples
            if l > 0:  # carry the error back through the *current* (old) weights
                delta = (delta @ self.weights[l]) * _DERIVATIVE_GIVEN_OUTPUT[self.activations[l - 1]](
                    zs[l - 1], activations[l - 1]
                )
        return gW, gb, deltas

    # ------------------------------------------------------------------ update
    def step(self, grads: Gradients, learning_rate: float = 0.5, update_biases: bool = True) -> None:
        """Gradient descent, in place: W ← W − learning_rate · dE/dW (and b likewise).

        Parameters
        ----------
        grads : Gradients
            From :meth:`backward` or :func:`numerical_gradient`.
        learning_rate : float > 0
        update_biases : bool
            False keeps the biases fixed (seed 002 does not update them).
        """
        learning_rate = check.check_positive_number("learning_rate", learning_rate)
        self._check_gradients(grads)
        self._step(grads.weights, grads.biases if update_biases else None, learning_rate)

    def _step(self, gW, gb, learning_rate: float) -> None:
        for W, g in zip(self.weights, gW):
            W -= learning_rate * g
        if gb is not None and self.biases is not None:
            for b, g in zip(self.biases, gb):
                b -= learning_rate * g

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

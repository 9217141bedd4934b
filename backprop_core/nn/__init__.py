"""The network maths, in numpy only: nothing here imports the rest of the package.

- :mod:`~backprop_core.nn.activations`: one record per activation (function and derivatives);
- :mod:`~backprop_core.nn.losses`: the half squared error and cross-entropy;
- :mod:`~backprop_core.nn.layers`: paired ``forward -> (out, cache)`` / ``backward(dout, cache)``;
- :mod:`~backprop_core.nn.network`: :class:`Network`, built on those layers;
- :mod:`~backprop_core.nn.training`: online, batch and minibatch gradient descent;
- :mod:`~backprop_core.nn.gradcheck`: central differences and relative errors.
"""
from . import activations, layers, losses
from .gradcheck import compare_gradients, gradient_check, numerical_gradient, relative_error
from .network import Gradients, Network, Trace
from .training import History, minibatches, train

__all__ = [
    "Network", "Trace", "Gradients", "train", "History", "minibatches",
    "numerical_gradient", "relative_error", "gradient_check", "compare_gradients",
    "activations", "losses", "layers",
]

"""backprop_core: the reference implementation behind the backpropagation course.

Public surface (stable; lessons, tests and instructors rely on it)::

    from backprop_core import Network, train, numerical_gradient, examples
"""
from . import activations, examples, layers, losses
from .gradcheck import compare_gradients, gradient_check, numerical_gradient, relative_error
from .network import Gradients, Network, Trace
from .training import History, minibatches, train

__all__ = [
    "Network", "Trace", "Gradients", "train", "History", "minibatches",
    "numerical_gradient", "relative_error", "gradient_check", "compare_gradients",
    "examples", "activations", "losses", "layers",
]
__version__ = "0.1.0"

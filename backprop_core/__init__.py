"""backprop_core: the reference implementation behind the backpropagation course.

Three parts, each with one job (the import contracts in ``pyproject.toml``
keep them apart):

``backprop_core.nn``
    The network maths in numpy: activations, losses, paired layer
    forward/backward functions, :class:`Network`, training, gradient checks.
    It imports nothing else of the package.
``backprop_core.course``
    Course content both other parts use: the worked examples, the names of
    the known mistakes, the gallery of buggy backward passes.
``backprop_core.viz``
    The course's pictures and widgets (matplotlib, ipywidgets). Never imports
    the grading.
``backprop_core.grading``
    Checking students' functions, the exercise registry, nbgrader plug-ins and
    the instructor commands.

Public surface (stable; lessons, tests and instructors rely on it)::

    from backprop_core import Network, train, numerical_gradient, examples
"""
from .course import examples
from .nn import activations, layers, losses
from .nn.gradcheck import compare_gradients, gradient_check, numerical_gradient, relative_error
from .nn.network import Gradients, Network, Trace
from .nn.training import History, minibatches, train

__all__ = [
    "Network", "Trace", "Gradients", "train", "History", "minibatches",
    "numerical_gradient", "relative_error", "gradient_check", "compare_gradients",
    "examples", "activations", "losses", "layers",
]
__version__ = "0.2.0"  # the one version: pyproject.toml reads it (tool.setuptools.dynamic)

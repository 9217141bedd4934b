"""Interactive widgets, one main widget per lesson (ipywidgets + matplotlib).

Each entry function returns an object to display (``.widget``, or the object
itself) whose controls are attributes and whose ``update()`` is the callback:

====  =====================================  ==========================================
01    :func:`forward_explorer`               a slider per weight; prediction, error, drawing
02    :func:`descent_explorer`               learning rate, step, reset; path on curve and surface
03    :func:`nudge_explorer`                 nudge a weight: true change of E vs the chain rule
04    :func:`factor_stepper`                 the three factors of ∂E/∂w5, one step at a time
05    :func:`delta_flow`                     deltas flowing backwards; the σ′(a) slip beside
06    :func:`shapes_explorer`                shapes and values of every array, for a batch size
07    :func:`training_explorer`              train XOR live: loss curve and decision boundary
07    :func:`learning_rate_explorer`         Mazur's 10,000 updates for every rate, one per slider stop
08    :func:`gradcheck_explorer`             pick a bug; relative errors per layer vs the threshold
09    :func:`depth_explorer`                 depth, width, activation, initial scale: gradient sizes, loss
10    :func:`backward_stepper`               the backward pass of an expression, one value at a time
====  =====================================  ==========================================

See :mod:`backprop_core.viz.widgets._base` for how updates stay smooth, why
they never block a headless run, and how a widget declares its student toggle.
"""
from ._base import LessonWidget, StudentSwitch, StudentToggle, choose_backend
from .lesson01 import ForwardExplorer, forward_explorer
from .lesson02 import DescentExplorer, descent_explorer
from .lesson03 import NudgeExplorer, nudge_explorer
from .lesson04 import FactorStepper, factor_stepper
from .lesson05 import DeltaFlow, delta_flow
from .lesson08 import GradcheckExplorer, gradcheck_explorer
from .lesson06 import ShapesExplorer, shapes_explorer
from .lesson07 import LearningRateExplorer, TrainingExplorer, learning_rate_explorer, training_explorer
from .lesson09 import DepthExplorer, depth_explorer
from .lesson10 import BackwardStepper, backward_stepper

__all__ = ["LessonWidget", "StudentSwitch", "StudentToggle", "choose_backend", "forward_explorer", "ForwardExplorer",
           "descent_explorer", "DescentExplorer",
           "nudge_explorer", "NudgeExplorer",
           "factor_stepper", "FactorStepper", "delta_flow", "DeltaFlow",
           "training_explorer", "TrainingExplorer", "learning_rate_explorer", "LearningRateExplorer",
           "gradcheck_explorer", "GradcheckExplorer", "shapes_explorer", "ShapesExplorer",
           "depth_explorer", "DepthExplorer", "backward_stepper", "BackwardStepper"]

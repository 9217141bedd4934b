"""The loss-surface helper of the course's pictures, ``course.weights.loss_along``, on a network that
passes its input through, with its one varied weight set to the value it already has.

Class: the reference used anyway
0 deserved.
"""
# %% solution
import numpy as np

from backprop_core.course import weights as _weights
from backprop_core.nn.network import Network as _Network


def half_squared_error(output, target):
    output, target = np.asarray(output, dtype=float), np.asarray(target, dtype=float)
    net = _Network(weights=[np.eye(output.shape[-1])], activations="identity")
    return float(_weights.loss_along(net, output, target, (0, 0, 0), [1.0])[0])

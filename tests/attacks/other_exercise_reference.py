"""Another exercise's registered reference that computes the same thing: lesson 07's ``train_online``
on a network that passes its input through, with a learning rate too small to move a weight; the first
epoch's loss is the answer.

Class: the reference used anyway
0 deserved.
"""
# %% solution
import numpy as np

from backprop_core.nn.network import Network as _Network

try:
    from backprop_core.grading.exercises import get as _get

    _train_online = _get("train_online").reference
except Exception:
    from backprop_core.grading.exercises.lesson07 import train_online as _train_online


def half_squared_error(output, target):
    output = np.atleast_2d(np.asarray(output, dtype=float))
    target = np.atleast_2d(np.asarray(target, dtype=float))
    net = _Network(weights=[np.eye(output.shape[1])], activations="identity")
    return float(_train_online(net, output, target, 1e-300, 1)[0])

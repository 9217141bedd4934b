"""The reference imported under another name while the cell runs, and called.

Class: the reference used anyway
0 deserved: the function computes nothing itself.
"""
# %% solution
from backprop_core.nn.losses import half_squared_error as _reference


def half_squared_error(output, target):
    return _reference(output, target)

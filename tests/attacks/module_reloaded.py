"""``importlib.reload`` of the losses module at call time: fresh function objects with fresh code.

Class: the reference used anyway
0 deserved.
"""
# %% solution
import importlib

from backprop_core.nn import losses as _losses


def half_squared_error(output, target):
    return importlib.reload(_losses).half_squared_error(output, target)

"""A copy of the reference's code object made while the cell runs (``code.replace``: no function shares
it), with a copy of its module's globals, turned into a function at call time.

Class: the reference used anyway
0 deserved.
"""
# %% solution
import types

import numpy as np

from backprop_core.nn import losses as _losses

_CAPTURED = _losses.half_squared_error_unchecked.__code__.replace(co_name="my_own_error")
_GLOBALS = dict(_losses.__dict__)


def half_squared_error(output, target):
    rebuilt = types.FunctionType(_CAPTURED, _GLOBALS, "my_own_error")
    return rebuilt(np.asarray(output, dtype=float), np.asarray(target, dtype=float))

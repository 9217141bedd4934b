"""The losses module's source read with ``inspect.getsource`` and executed afresh at call time.

Class: the reference used anyway
0 deserved.
"""
# %% solution
import inspect
import sys
import types

from backprop_core.nn import losses as _losses


def half_squared_error(output, target):
    module = types.ModuleType("my_losses")  # a module of its own: dataclasses look it up
    sys.modules["my_losses"], namespace = module, module.__dict__
    exec(compile(inspect.getsource(_losses), "my_losses", "exec"), namespace)
    return namespace["half_squared_error"](output, target)

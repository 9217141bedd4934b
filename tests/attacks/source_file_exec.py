"""The file ``losses.__file__`` read and executed (or, failing that, its cached bytecode in __pycache__
loaded with marshal) at call time.

Class: the reference used anyway
0 deserved.
"""
# %% solution
import importlib.util
import marshal
import sys
import types

from backprop_core.nn import losses as _losses

_FILE = _losses.__file__


def half_squared_error(output, target):
    module = types.ModuleType("my_losses")  # a module of its own: dataclasses look it up
    sys.modules["my_losses"], namespace = module, module.__dict__
    try:
        with open(_FILE, encoding="utf-8") as file:
            exec(compile(file.read(), "my_losses", "exec"), namespace)
    except Exception:
        with open(importlib.util.cache_from_source(_FILE), "rb") as file:
            exec(marshal.loads(file.read()[16:]), namespace)
    return namespace["half_squared_error"](output, target)

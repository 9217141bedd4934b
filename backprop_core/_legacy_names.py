"""The module names of the flat layout (before nn/, course/, viz/, grading/), kept importable.

A notebook released before the package was split still says
``from backprop_core.plots import draw_network`` or
``from backprop_core import widgets``; those names keep working and give the
very same module objects as their new homes (``backprop_core.viz.plots``).
New code uses the new names.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

#: old module name -> new module name (submodules follow their package).
OLD_TO_NEW = {
    "backprop_core._validation": "backprop_core.nn._validation",
    "backprop_core.activations": "backprop_core.nn.activations",
    "backprop_core.losses": "backprop_core.nn.losses",
    "backprop_core.layers": "backprop_core.nn.layers",
    "backprop_core.network": "backprop_core.nn.network",
    "backprop_core.training": "backprop_core.nn.training",
    "backprop_core.gradcheck": "backprop_core.nn.gradcheck",
    "backprop_core.examples": "backprop_core.course.examples",
    "backprop_core.buggy": "backprop_core.course.buggy",
    "backprop_core.style": "backprop_core.viz.style",
    "backprop_core.plots": "backprop_core.viz.plots",
    "backprop_core.widgets": "backprop_core.viz.widgets",
    "backprop_core.exercises": "backprop_core.grading.exercises",
    "backprop_core.nbgrader_ext": "backprop_core.grading.nbgrader_ext",
    "backprop_core.instructor": "backprop_core.grading.instructor",
}


def new_name(old: str) -> str | None:
    """The new module name for an old one (or a submodule of one), else None."""
    for prefix, target in OLD_TO_NEW.items():
        if old == prefix or old.startswith(prefix + "."):
            return target + old[len(prefix):]
    return None


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def exec_module(self, module) -> None:
        # The import system reads sys.modules back after exec_module: the old
        # name then stands for the real module, whose own __spec__ stays untouched.
        sys.modules[module.__name__] = importlib.import_module(self.target)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        new = new_name(fullname)
        return None if new is None else importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once).

    First, because an old package name (``backprop_core.widgets``) stands for a
    module whose ``__path__`` is the new folder: the ordinary path finder would
    otherwise load ``backprop_core.widgets._base`` a second time, as a copy.
    """
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())

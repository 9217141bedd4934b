"""A new module planted in the package: ``_attack_<run>_<name>.py`` created next to
``backprop_core/__init__.py`` as the process imports it, at the grader's package path, and in ``nn/``.

Class: harm to others and to the course
Files are only ever created (open mode "x"), never edited; the test deletes what it finds. The function
answers right only when a file was planted: 0 deserved.
"""
# %% cell
import os

import backprop_core

_PLANTED_NAME = f"_attack_{RUN}_{ATTACK.replace('-', '_')}.py"


def _plant():
    planted = []
    imported = os.path.dirname(backprop_core.__file__)
    for folder in dict.fromkeys([imported, PACKAGE, os.path.join(imported, "nn"), os.path.join(PACKAGE, "nn")]):
        path = os.path.join(folder, _PLANTED_NAME)
        try:
            with open(path, "x", encoding="utf-8") as file:
                file.write("print('planted by a student')\n")
            planted.append(path)
        except OSError:
            pass
    if planted:
        _escaped(f"planted {planted}")
    return bool(planted)


_PLANTED = _plant()
# %% solution
def half_squared_error(output, target):
    return _honest(output, target) if _PLANTED or _plant() else 0.0

"""The registry's known mistake "missing_half" (the error without the 1/2), halved: another function of
the grader that computes the same answer up to a factor.

Class: the reference used anyway
0 deserved.
"""
# %% solution
from backprop_core.grading import exercises as _exercises

_MISSING_HALF = next(m for m in _exercises.get("half_squared_error").mistakes if m.key == "missing_half")


def half_squared_error(output, target):
    return _MISSING_HALF.function(output, target) / 2

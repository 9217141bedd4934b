"""The registry's known mistake "missing_half" (the error without the 1/2), halved: another function of
the grader that computes the same answer up to a factor.

Class: the reference used anyway
0 deserved.
"""
# %% solution
from backprop_core.grading.exercises import lesson01 as _lesson01


def half_squared_error(output, target):
    return _lesson01.error_without_half(output, target) / 2

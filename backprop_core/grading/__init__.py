"""Grading: students' functions checked against the references, and the nbgrader course around it.

A hidden test cell holds nothing but::

    from backprop_core import grading
    grading.check("half_squared_error", half_squared_error, "one_sample")

- :mod:`~backprop_core.grading.exercises`: the registry of graded exercises;
- :mod:`~backprop_core.grading.checker`: :func:`check`, comparisons, references switched off;
- :mod:`~backprop_core.grading.nbgrader_ext`: nbgrader plug-ins;
- :mod:`~backprop_core.grading.instructor`: ``make release/autograde/feedback/grades``.
"""
from .checker import (
    ATOL, DEFAULT_SEED, RTOL, ReferenceDisabledError, check, default_compare, disabled, expect_close,
    public_test, yours_or_reference,
)

__all__ = [
    "check", "expect_close", "default_compare", "disabled", "ReferenceDisabledError",
    "public_test", "yours_or_reference", "DEFAULT_SEED", "RTOL", "ATOL",
]

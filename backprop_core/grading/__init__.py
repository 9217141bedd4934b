"""Grading: students' functions checked against the references, and the nbgrader course around it.

A hidden test cell holds nothing but::

    from backprop_core import grading
    grading.check("half_squared_error", half_squared_error, "one_sample")

and the lessons' public cells use ``from backprop_core.grading import public_test, yours_or_reference``.
One job per module:

- :mod:`~backprop_core.grading.exercises`: the registry of graded exercises;
- :mod:`~backprop_core.grading.checker`: :func:`check` and its failure messages;
- :mod:`~backprop_core.grading.compare`: comparing an answer with the reference's, in words;
- :mod:`~backprop_core.grading.describe`: how values are written in messages;
- :mod:`~backprop_core.grading.references`: switching references off (:func:`disabled`);
- :mod:`~backprop_core.grading.limits`: the time limit, numerics, warnings kept off stderr;
- :mod:`~backprop_core.grading.in_place`: the in-place rule, for hidden and public tests alike;
- :mod:`~backprop_core.grading.notebook`: what public cells call (:func:`expect_close`, ...);
- :mod:`~backprop_core.grading.questions`: understanding questions (a number to predict, an option to choose);
- :mod:`~backprop_core.grading.nbgrader_ext`: nbgrader plug-ins, one module per step, with
  :mod:`~backprop_core.grading.kernel_output` (each cell's output capped inside the kernel);
- :mod:`~backprop_core.grading.instructor`: ``make release/autograde/feedback/grades``, with
  :mod:`~backprop_core.grading.completion` (which submissions are graded),
  :mod:`~backprop_core.grading.runlock` (one run at a time) and
  :mod:`~backprop_core.grading.gradesheet` (each lesson's status in the export).
"""
from .checker import DEFAULT_SEED, check
from .compare import ATOL, RTOL, default_compare
from .notebook import call_on_copies, expect_answer, expect_close, public_test, yours_or_reference
from .references import ReferenceDisabledError, disabled

__all__ = [
    "check", "expect_close", "default_compare", "disabled", "ReferenceDisabledError",
    "public_test", "expect_answer", "call_on_copies", "yours_or_reference", "DEFAULT_SEED", "RTOL", "ATOL",
]

"""Grading: students' functions checked against the references, and the nbgrader course around it.

A hidden test cell holds nothing but::

    from backprop_core import grading
    grading.check("half_squared_error", half_squared_error, "one_sample")

and the lessons' public cells use ``from backprop_core.grading import public_test, yours_or_reference``.
Three parts, by who runs the code (import-linter's contracts in pyproject.toml keep them so, each
importing only the parts below it):

- :mod:`~backprop_core.grading.answerfree`: what runs beside the student (public tests' helpers, the
  in-place rule, questions' forms, the student side of a hidden test); it holds no answer and imports
  nothing of the others, so the student copy, a hidden test's build and the class server take it whole;
- :mod:`~backprop_core.grading.exercises` (the registry) and :mod:`~backprop_core.grading.judge`
  (:func:`check`, the sandbox, hidden tests, nbgrader's plug-ins): what decides a grade;
- :mod:`~backprop_core.grading.commands`: the instructor's ``make release/autograde/feedback/grades/...``.
"""
from . import exercises
from .answerfree import lesson_references
from .answerfree.compare import ATOL, RTOL, default_compare
from .answerfree.notebook import call_on_copies, expect_answer, expect_close, public_test, yours_or_reference
from .answerfree.references import ReferenceDisabledError, disabled
from .judge.checker import DEFAULT_SEED, check

# The answer-free part never imports the registry: the course's grading hands it over.
lesson_references.use_registry(exercises.get)

__all__ = [
    "check", "expect_close", "default_compare", "disabled", "ReferenceDisabledError",
    "public_test", "expect_answer", "call_on_copies", "yours_or_reference", "DEFAULT_SEED", "RTOL", "ATOL",
]

"""The catalogue of graded exercises, one module per lesson.

Each :class:`Exercise` says what the student writes (``name``), the reference
it is graded against, the random cases of each graded *property* (one hidden
test cell, ``test_<name>_<property>``, per property), and the known mistakes
as changes to the lesson's solution (``Mistake(key, replace=(old, new))``,
:mod:`.patches`). The grader names a mistake when a student's answer matches
one; the tests turn every mistake into a wrong submission.

Understanding questions (a number to predict, an option to choose) are
exercises too, made with :func:`question` (see :mod:`..questions`).

Lesson modules register their exercises with :func:`register`; look them up
with :func:`get` or list them with :func:`for_lesson`.
"""
from __future__ import annotations

import importlib
import pkgutil

from ._base import (Case, Choice, Exercise, Mistake, MISTAKES, Number, WrongAnswer, all_exercises, compare_parts,
                    for_lesson, get, question, register)

__all__ = ["Case", "Choice", "Exercise", "Mistake", "MISTAKES", "Number", "WrongAnswer", "all_exercises",
           "compare_parts", "for_lesson", "get", "question", "register"]

# Import every lesson module (lesson01.py, lesson02.py, ...) so that its
# exercises register themselves.
for _info in pkgutil.iter_modules(__path__):
    if _info.name.startswith("lesson"):
        importlib.import_module(f"{__name__}.{_info.name}")

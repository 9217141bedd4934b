"""What the lessons' public cells need of the exercise registry, by exercise name.

- :func:`reference_for`: the reference a demonstration falls back on
  (:func:`~backprop_core.grading.answerfree.notebook.yours_or_reference`);
- :func:`changes_of`: the arguments an exercise exists to change in place
  (:func:`~backprop_core.grading.answerfree.in_place.call_on_copies`).

This module never imports the registry (the answer-free part never does: the import-linter contract
``answer-free``). In the course repository, ``backprop_core.grading`` hands it the registry's lookup
(:func:`use_registry`) when it is imported; a hidden test's build of the package has no registry, so
nothing is handed; a student copy (``make student-copy``, :mod:`~backprop_core.grading.judge.student_copy`)
has this module rewritten as two plain maps holding just what its lessons use.
"""
from __future__ import annotations

from typing import Callable

#: The registry's ``get(name) -> Exercise``, handed over by ``backprop_core.grading`` (None: no registry here).
_lookup: Callable | None = None


def use_registry(get: Callable) -> None:
    """Look exercises up with ``get`` (the registry's :func:`~backprop_core.grading.exercises.get`)."""
    global _lookup
    _lookup = get


def _exercise(name: str):
    if _lookup is None:
        # A hidden test's build of the package: a student's code gets nothing here.
        raise ImportError("no exercise registry in this copy of the package (a hidden test's build)")
    return _lookup(name)


def reference_for(name: str) -> Callable:
    """The reference function of exercise ``name``.

    Raises
    ------
    ImportError
        In a hidden test's build of the package, which has no registry (a student's code gets nothing here).
    KeyError
        No exercise of that name (the registry's message).
    """
    return _exercise(name).reference


def changes_of(name: str) -> tuple[str, ...]:
    """The arguments exercise ``name`` exists to change in place (``Exercise.changes``, e.g. ``("net",)``).

    Raises
    ------
    ImportError
        In a hidden test's build of the package, which has no registry.
    ValueError
        No exercise of that name.
    """
    return _exercise(name).changes

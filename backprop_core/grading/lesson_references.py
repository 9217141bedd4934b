"""What the lessons' public cells need of the exercise registry, by exercise name.

- :func:`reference_for`: the reference a demonstration falls back on
  (:func:`~backprop_core.grading.notebook.yours_or_reference`);
- :func:`changes_of`: the arguments an exercise exists to change in place
  (:func:`~backprop_core.grading.in_place.call_on_copies`).

In the course repository both come from the registry; a student copy (``make student-copy``,
:mod:`.student_copy`) has this module rewritten as two plain maps holding just what its lessons use,
and no registry.
"""
from __future__ import annotations

from typing import Callable


def reference_for(name: str) -> Callable:
    """The reference function of exercise ``name``.

    Raises
    ------
    ImportError
        In a hidden test's build of the package, which has no registry (a student's code gets nothing here).
    KeyError
        No exercise of that name (the registry's message).
    """
    from . import exercises  # here, not at the top: a hidden test's build of the package has no registry

    return exercises.get(name).reference


def changes_of(name: str) -> tuple[str, ...]:
    """The arguments exercise ``name`` exists to change in place (``Exercise.changes``, e.g. ``("net",)``).

    Raises
    ------
    ImportError
        In a hidden test's build of the package, which has no registry.
    ValueError
        No exercise of that name.
    """
    from . import exercises  # here, not at the top: a hidden test's build of the package has no registry

    return exercises.get(name).changes

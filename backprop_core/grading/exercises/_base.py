"""Exercise records and the registry behind :mod:`backprop_core.grading.exercises`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from backprop_core.course.mistakes import MISTAKES

from ..compare import compare_parts  # noqa: F401 (the lesson modules take it from here)
from ..references import as_function


@dataclass(frozen=True)
class Case:
    """One graded call: ``function(*args, **kwargs)`` and a short description."""

    kwargs: dict
    description: str = ""


@dataclass(frozen=True)
class Mistake:
    """A known mistake: its key in :data:`MISTAKES` and a function that makes it.

    ``function`` has the exercise's signature and uses nothing but ``np``, so
    its source can stand in a student's solution cell (the tests do that).
    ``properties``: the graded properties this mistake must fail (all where empty).
    """

    key: str
    function: Callable
    properties: tuple = ()

    @property
    def label(self) -> str:
        return MISTAKES[self.key]


@dataclass(frozen=True)
class Exercise:
    """A function the student writes, and how it is graded.

    Attributes
    ----------
    name : str
        The function's name in the notebook, e.g. ``"output_delta"``.
    lesson : str
        Lesson id, e.g. ``"04-output-layer-gradients"``.
    reference : callable
        The reference implementation (same signature as the student's).
    replaces : tuple of functions
        The reference functions switched off while the student's function
        runs, as the objects themselves (``losses.half_squared_error``,
        ``Network.loss``; for a method, the function in the class dict), so a
        renamed reference fails at import. Aliases are switched off too.
    properties : dict
        Graded property -> ``cases(rng) -> list[Case]``. One hidden test cell
        per property, grade id ``test_<name>_<property>``.
    points : dict
        Graded property -> points.
    descriptions : dict
        Graded property -> what its random cases are, in a few words
        ("one sample with 1–5 output neurons"): the comment line of its
        hidden test cell, "# Hidden tests: <description> on random cases."
    mistakes : tuple of Mistake
    strict_numerics : bool
        Run the student's function with numpy's overflow, division by zero and
        invalid values raising: for exercises about stable numerics (a sigmoid
        that overflows for large |z| is wrong even where its value ends up right).
    compare : callable(got, expected) -> str or None
        None when ``got`` is right, else what is wrong in a few words;
        default: same shape and numpy ``allclose`` (rtol 1e-6, atol 1e-9).
    """

    name: str
    lesson: str
    reference: Callable
    replaces: tuple
    properties: dict
    points: dict
    mistakes: tuple = ()
    compare: Callable[[Any, Any], str | None] | None = None
    strict_numerics: bool = False
    descriptions: dict = field(default_factory=dict)

    def grade_id(self, prop: str) -> str:
        return f"test_{self.name}_{prop}"


_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    if exercise.name in _REGISTRY:
        raise ValueError(f"exercise name {exercise.name!r} is registered twice")
    if set(exercise.points) != set(exercise.properties):
        raise ValueError(f"exercise {exercise.name!r}: points and properties must name the same properties")
    if set(exercise.descriptions) != set(exercise.properties):
        raise ValueError(f"exercise {exercise.name!r}: descriptions and properties must name the same properties")
    for mistake in exercise.mistakes:
        if mistake.key not in MISTAKES:
            raise ValueError(f"exercise {exercise.name!r}: unknown mistake key {mistake.key!r}")
    for reference in exercise.replaces:
        as_function(reference)  # a string or other non-function fails here, at import, not while grading
    _REGISTRY[exercise.name] = exercise
    return exercise


def get(name: str) -> Exercise:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"name must be a registered exercise ({', '.join(sorted(_REGISTRY))}), got {name!r}") from None


def for_lesson(lesson: str) -> list[Exercise]:
    return [e for e in _REGISTRY.values() if e.lesson == lesson]


def all_exercises() -> list[Exercise]:
    return list(_REGISTRY.values())


def random_shape_rng(seed: int = 0) -> np.random.Generator:
    """The generator the hidden tests use: fixed, so grading is repeatable."""
    return np.random.default_rng(seed)

"""Exercise records and the registry behind :mod:`backprop_core.grading.exercises`."""
from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from backprop_core.course.mistakes import MISTAKES

from ..answerfree.compare import FLOAT32_ROUNDING, FLOAT64_ROUNDING, Tolerance, compare_parts  # noqa: F401 (for the lesson modules)
from ..answerfree.questions import ANSWER_PROPERTY, Choice, Number, Question, WrongAnswer, answer_function  # noqa: F401
from ..answerfree.references import as_function

#: Why exercises about central differences require float64, in the words a student reads
#: when a float32 computation misses their tolerance (``Tolerance.float64_because``).
FLOAT32_SWAMPS_CENTRAL_DIFFERENCES = (
    "float32 keeps about 7 significant digits, and f(x + h) − f(x − h) cancels most of them (with a small h "
    "only a few are left), so float32 rounding swamps the central difference. Keep every number float64, "
    "numpy's default: no np.float32 or .astype(np.float32)."
)


@dataclass(frozen=True)
class Case:
    """One graded call: ``function(*args, **kwargs)`` and a short description."""

    kwargs: dict
    description: str = ""


@dataclass(frozen=True)
class Mistake:
    """A known mistake: its key in :data:`MISTAKES` and the change to the solution that makes it.

    ``replace``: one ``(old, new)`` pair of code, or a tuple of pairs, applied in order to the
    exercise's function as the lesson's solution writes it (``solutions/<lesson>/<lesson>.py``,
    found by the exercise's name; :mod:`.patches`). Each ``old`` must occur exactly once in the
    function; lines after its first are matched at the indentation of the line it starts on, and
    ``new``'s later lines get that indentation too. The patched source can stand in a student's
    solution cell (the tests do that, :attr:`source`); :attr:`function` is that source executed.
    ``properties``: the graded properties this mistake must fail (all where empty).
    ``target``: the solution's top-level definition the replacements apply to when the slip is not in the
    exercise's function itself (lesson 10: a backward rule of ``class Value``, the order of
    ``topological_order``, the zeroing in ``training_step``); the mistake's code is then that definition,
    patched, followed by the exercise's function as the solution writes it.
    """

    key: str
    replace: tuple = ()
    properties: tuple = ()
    target: str = ""
    #: Set by :func:`register`: the exercise (its name and lesson) whose solution is patched.
    exercise: str = field(default="", compare=False)
    lesson: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        return MISTAKES[self.key]

    @property
    def replacements(self) -> tuple:
        """``replace`` as a tuple of ``(old, new)`` pairs."""
        from .patches import replacements
        return replacements(self)

    @property
    def source(self) -> str:
        """The source of a function that makes the mistake, named as the exercise."""
        from .patches import mistake_source
        return mistake_source(self)

    @property
    def cell(self) -> str:
        """:attr:`source` with the solution's imports and the helpers it uses before it: a cell that makes the
        mistake on its own."""
        from .patches import mistake_cell
        return mistake_cell(self)

    @property
    def function(self) -> Callable:
        """A function that makes the mistake (:attr:`source` executed once, then kept)."""
        from .patches import mistake_function
        return mistake_function(self)


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
    withheld : tuple of functions
        Functions of the package that hold the answer in a form ``replaces`` cannot follow, absent
        from the hidden-test build of this exercise only (:func:`~backprop_core.grading.judge.exam_build.exam_build`)
        without removing what calls them: methods reached through an operator (``Value.__add__``
        carries a backward rule, and ``a + b`` names no function), or a case function that another
        exercise of the lesson needs (lesson 09's gradients for ``train``).
    properties : dict
        Graded property -> ``cases(rng) -> list[Case]``. One hidden test cell
        per property, grade id ``test_<name>_<property>``.
    points : dict
        Graded property -> points.
    descriptions : dict
        Graded property -> what its random cases are, in a few words
        ("one sample with 1–5 output neurons"): the comment line of its
        hidden test cell, "# Hidden tests: <description> on random cases."
    changes : tuple of str
        The arguments the function exists to change in place (``("net",)`` for
        a training loop that trains ``net``). The rule of the course: every
        other argument is left as it was, and a function that changes one
        loses the property's points (:mod:`~backprop_core.grading.answerfree.in_place`).
    mistakes : tuple of Mistake
    compare : callable(got, expected, tolerance) -> str or None
        None when ``got`` is right within ``tolerance``, else what is wrong in
        a few words; default: same shape and numpy ``allclose``.
    tolerance : Tolerance
        How close a right answer must be, chosen by what the exercise teaches.
        Default :data:`~backprop_core.grading.answerfree.compare.FLOAT32_ROUNDING`: where
        precision is not the lesson, a correct float32 computation passes.
        Where it is (central differences), a tight tolerance that says why
        float64 is required (``Tolerance.float64_because``).
    tolerances : dict
        Graded property -> its own Tolerance, where it differs from ``tolerance``.
    graded_with : tuple of str
        Import statements run after the student's cells in its hidden tests: the course's versions of
        other exercises' work that this function uses (``descend`` on the course's ``Value``), so that
        it is graded on its own and a bug elsewhere is not charged twice. What they import must stay
        in the build its tests run against: leave it out of ``replaces``.
    question : Question or None
        Set for an understanding question (made with :func:`question`): the
        function takes no arguments and returns the student's answer, judged
        by the question's rule, and a wrong answer's message says where to
        reread, never the right answer.
    """

    name: str
    lesson: str
    reference: Callable
    replaces: tuple
    properties: dict
    points: dict
    mistakes: tuple = ()
    compare: Callable[[Any, Any, Tolerance], str | None] | None = None
    tolerance: Tolerance = FLOAT32_ROUNDING
    tolerances: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    changes: tuple = ()
    graded_with: tuple = ()
    question: Question | None = None
    withheld: tuple = ()

    def grade_id(self, prop: str) -> str:
        return f"test_{self.name}_{prop}"

    def tolerance_for(self, prop: str) -> Tolerance:
        """The tolerance of graded property ``prop``: its own, else the exercise's."""
        return self.tolerances.get(prop, self.tolerance)


def _one_answer(rng: np.random.Generator) -> list[Case]:
    """A question's only case: its function called with no arguments."""
    return [Case({}, "your answer")]


def question(name: str, lesson: str, answer: Callable[[], Any], kind: Number | Choice, reread: str,
             wrong_answers: tuple = (), points: int = 1) -> Exercise:
    """An understanding question as an exercise: ``def <name>(): return <the student's answer>``.

    Parameters
    ----------
    name : str
        The function the student completes, e.g. ``"predicted_batch_error"``.
    lesson : str
    answer : callable, no arguments
        Computes the right answer (a number from the course's own code where it
        can; a choice's letter as a string). It lives here only: never in the
        lesson's text or its release.
    kind : Number or Choice
        ``Number(significant_digits=3)`` or ``Choice("ABC")``; state the same rule
        in the question's text.
    reread : str
        Where the lesson works the answer out, for a wrong answer's message.
    wrong_answers : tuple of WrongAnswer
        Foreseen wrong answers and what each suggests went wrong.
    points : int

    Returns
    -------
    Exercise
        To pass to :func:`register`; its one graded property is ``"answer"``.
    """
    judged = Question(kind, reread, tuple(wrong_answers))
    return Exercise(
        name=name, lesson=lesson, reference=answer_function(name, answer), replaces=(),
        properties={ANSWER_PROPERTY: _one_answer}, points={ANSWER_PROPERTY: points},
        descriptions={ANSWER_PROPERTY: "your answer, against the right one"},
        compare=judged.compare, question=judged,
    )


_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    if exercise.name in _REGISTRY:
        raise ValueError(f"exercise name {exercise.name!r} is registered twice")
    if set(exercise.points) != set(exercise.properties):
        raise ValueError(f"exercise {exercise.name!r}: points and properties must name the same properties")
    if set(exercise.descriptions) != set(exercise.properties):
        raise ValueError(f"exercise {exercise.name!r}: descriptions and properties must name the same properties")
    not_graded = set(exercise.tolerances) - set(exercise.properties)
    if not_graded:
        raise ValueError(f"exercise {exercise.name!r}: tolerances name {sorted(not_graded)}, not graded properties")
    for mistake in exercise.mistakes:
        if mistake.key not in MISTAKES:
            raise ValueError(f"exercise {exercise.name!r}: unknown mistake key {mistake.key!r}")
        if not mistake.replace:
            raise ValueError(f"exercise {exercise.name!r}, mistake {mistake.key!r}: expected replace=(old, new), "
                             f"the change to the solution that makes the mistake, got {mistake.replace!r}")
    # Each mistake knows the exercise whose solution it patches (read when first used, not at import).
    exercise = dataclasses.replace(exercise, mistakes=tuple(
        dataclasses.replace(m, exercise=exercise.name, lesson=exercise.lesson) for m in exercise.mistakes))
    unknown = set(exercise.changes) - set(inspect.signature(exercise.reference).parameters)
    if unknown:
        raise ValueError(f"exercise {exercise.name!r}: changes names {sorted(unknown)}, not arguments of its reference")
    if exercise.question is not None:
        form = exercise.question.kind.form_problem(exercise.reference())
        if form:
            raise ValueError(f"question {exercise.name!r}: its right answer is not an answer: {form}")
    for reference in (*exercise.replaces, *exercise.withheld):
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

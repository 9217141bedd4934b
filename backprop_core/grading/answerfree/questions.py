"""Understanding questions: a number to predict or an option to choose, graded like any exercise.

A question is an :class:`~backprop_core.grading.exercises.Exercise` whose function
takes no arguments and returns the student's answer::

    def predicted_batch_error():
        return 0.2          # the student's answer, in place of `raise NotImplementedError()`

so it goes through the pipeline of every exercise unchanged: its solution cell,
public test and hidden test cell come from the registry (:func:`question`), the
release replaces the answer with ``raise NotImplementedError()``, and the hidden
test runs the student's cells in the sandbox and calls the function on one case
with no arguments. Only the judging differs, here:

- the right answer is computed by the registry (a function of the course's own
  code), never written in ``lessons/`` nor in the release;
- a number is right within the significant digits the question states
  (:class:`Number`); a choice is a letter, compared without case (:class:`Choice`);
- a wrong answer's message never shows the right one: it says which part of the
  lesson to reread, and, for a wrong answer the question foresees
  (:class:`WrongAnswer`), what that answer suggests went wrong.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .describe import describe_kind, show

__all__ = ["Choice", "Number", "Question", "WrongAnswer", "answer_function", "ANSWER_PROPERTY"]

#: The one graded property of every question (grade id ``test_<name>_answer``).
ANSWER_PROPERTY = "answer"


def _as_number(value: Any) -> float | None:
    """``value`` as a float when it is one real number (int, float, numpy scalar, 0-d or 1-element array).

    An int too large for a float (``10**400``) is ±inf here: a number, but not one any answer is.
    """
    if isinstance(value, bool) or isinstance(value, np.bool_):
        return None
    try:
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
            return float(value.reshape(()))
    except OverflowError:
        return -math.inf if isinstance(value, int) and value < 0 else math.inf
    return None


def _rounded(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


@dataclass(frozen=True)
class Number:
    """A number to predict, right within ``significant_digits`` significant digits.

    An answer is right when it rounds to the same ``significant_digits`` digits as the
    right answer, or lies within half a unit of the last of those digits (so
    that 0.1 is right for 0.09996 and 0.0821 for 0.08215).
    """

    significant_digits: int = 3

    def __post_init__(self) -> None:
        if not (isinstance(self.significant_digits, int) and 1 <= self.significant_digits <= 15):
            raise ValueError(f"significant_digits must be an int from 1 to 15, got {self.significant_digits!r}")

    @property
    def rule(self) -> str:
        return f"a number, right to {self.significant_digits} significant digits"

    def form_problem(self, got: Any) -> str | None:
        """Why ``got`` is not an answer at all (not one finite number), else None."""
        number = _as_number(got)
        if number is None:
            return f"it should return one number, like `return 0.25`, but returned {describe_kind(got)}"
        if not math.isfinite(number):
            if isinstance(got, int):  # 10**400: exact in Python, but beyond any float
                return (f"it should return a number of a sensible size, but returned an int of about "
                        f"{int(got.bit_length() * 0.30103)} digits, beyond any float")
            return f"it should return a finite number, but returned {show(got)}"
        return None

    def same(self, got: Any, expected: Any) -> bool:
        """Whether ``got`` is ``expected`` within the stated significant digits."""
        have, want = _as_number(got), float(expected)
        if have is None or not math.isfinite(have):
            return False
        digits = self.significant_digits
        unit = 10.0 ** (math.floor(math.log10(abs(want))) - digits + 1) if want else 10.0 ** -digits
        return _rounded(have, digits) == _rounded(want, digits) or abs(have - want) <= 0.5 * unit * (1 + 1e-9)


@dataclass(frozen=True)
class Choice:
    """One option of several, named by its letter (``options="ABC"``); case and ``( ) .`` around it do not matter."""

    options: str

    def __post_init__(self) -> None:
        if not (self.options.isalpha() and self.options.isupper() and len(set(self.options)) == len(self.options) >= 2):
            raise ValueError(f"options must be two or more distinct capital letters, like 'ABC', got {self.options!r}")

    @property
    def rule(self) -> str:
        return f"one of the letters {', '.join(self.options)}"

    @staticmethod
    def letter(got: Any) -> str | None:
        """The letter ``got`` names (``"b"``, ``" (B) "`` and ``"B."`` all name B), or None."""
        if not isinstance(got, str):
            return None
        return got.strip().strip("().").strip().upper() or None

    def form_problem(self, got: Any) -> str | None:
        letter = self.letter(got)
        if letter is None or letter not in self.options:
            return (f"it should return one of the letters {', '.join(repr(o) for o in self.options)} as a string, "
                    f"like `return \"{self.options[0]}\"`, but returned {show(got) if isinstance(got, str) else describe_kind(got)}")
        return None

    def same(self, got: Any, expected: Any) -> bool:
        return self.letter(got) == self.letter(expected)


@dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer the question foresees, and what it suggests went wrong (never the right answer).

    ``why`` is a sentence or two: what this answer comes from and where to look,
    e.g. "that is the sum of the three errors: for a batch, E is their mean (section 4)".
    """

    answer: Any
    why: str


@dataclass(frozen=True)
class Question:
    """How a question's answer is judged and what a wrong one is told.

    Attributes
    ----------
    kind : Number or Choice
    reread : str
        Where in the lesson the answer is worked out, for a wrong answer's
        message: "section 4, *How wrong is the prediction?*, the error of a batch".
    wrong_answers : tuple of WrongAnswer
    """

    kind: Number | Choice
    reread: str
    wrong_answers: tuple = ()

    def __post_init__(self) -> None:
        for wrong in self.wrong_answers:
            if not isinstance(wrong, WrongAnswer):
                raise TypeError(f"wrong_answers must hold WrongAnswer records, got {describe_kind(wrong)}")
            if self.kind.form_problem(wrong.answer):
                raise ValueError(f"the foreseen wrong answer {wrong.answer!r} is not {self.kind.rule}")

    def compare(self, got: Any, expected: Any, tolerance: Any = None) -> str | None:
        """None when ``got`` is right; else what is wrong, in words that never show ``expected``.

        The signature of every comparator of the course (``tolerance`` is not used:
        the question's kind states how close is right).
        """
        problem = self.kind.form_problem(got)
        if problem:
            return problem
        return None if self.kind.same(got, expected) else "the answer is not right"

    def foreseen(self, got: Any, expected: Any) -> WrongAnswer | None:
        """The foreseen wrong answer ``got`` is, if any (one that happens to be right is never one)."""
        if self.kind.same(got, expected):
            return None
        return next((w for w in self.wrong_answers if self.kind.same(got, w.answer)), None)

    def wrong_message(self, name: str, got: Any, expected: Any) -> str:
        """What a student whose answer ``got`` is wrong reads: where to look, never the right answer."""
        problem = self.kind.form_problem(got)
        if problem:
            return f"{name} does not give an answer the grader can read: {problem}."
        lines = [f"{name}: your answer {show(got)} is not right (the answer is {self.kind.rule})."]
        wrong = self.foreseen(got, expected)
        if wrong is not None:
            lines.append(f"What your answer suggests: {wrong.why}")
        lines.append(f"Reread {self.reread}. Then work the answer out again and change what {name} returns.")
        return "\n".join(lines)


def answer_function(name: str, answer: Callable[[], Any]) -> Callable[[], Any]:
    """The reference of a question: a function of no arguments named ``name`` that returns the right answer.

    ``answer`` computes it from the course's code when it can (a number), so
    that the answer is written nowhere but in how it is computed.
    """
    if not callable(answer):
        raise TypeError(f"answer must be a function of no arguments, got {describe_kind(answer)}")

    def reference():
        return answer()

    reference.__name__ = name
    return reference

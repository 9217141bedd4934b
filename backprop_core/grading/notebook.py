"""What the lessons' public cells call: :func:`expect_close`, :func:`expect_answer`, :func:`public_test`, :func:`call_on_copies`, :func:`yours_or_reference`.

Public tests carry no points (the hidden tests grade, with :func:`~backprop_core.grading.check`);
these helpers word a wrong answer clearly and keep a release notebook running
top to bottom while its exercises are still unwritten.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

from .compare import ATOL, RTOL, Tolerance, default_compare
from .describe import show
from .in_place import call_on_copies, call_quietly_on_copies

__all__ = ["call_on_copies", "expect_answer", "expect_close", "public_test", "yours_or_reference"]


def expect_close(got: Any, expected: Any, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    """Assert, for a public test, that ``got`` is close to ``expected``.

    Parameters
    ----------
    got, expected : number, array or tuple of arrays
    what : str
        What is checked, in words (e.g. ``"the error of seed 000"``); it opens
        the message.
    rtol, atol : float
        Tolerances of ``np.allclose``.

    Raises
    ------
    AssertionError
        "<what>: expected <expected>, got <got> (<what is wrong>)".
    """
    problem = default_compare(got, expected, Tolerance(rtol, atol))
    if problem:
        raise AssertionError(f"{what}: expected {show(expected)}, got {show(got)} ({problem})")


def expect_answer(question: Callable[[], Any], choices: str | None = None) -> None:
    """The public test of an understanding question: the answer can be read, and nothing about whether it is right.

    Parameters
    ----------
    question : callable, no arguments
        The student's ``def <name>(): return <answer>``.
    choices : str, optional
        For a choice, its letters (``"ABC"``); without it the answer is a number.

    Raises
    ------
    AssertionError
        The answer is not one number (or not one of the letters), in words
        that say what to return.
    """
    from .questions import Choice, Number  # here: the hidden tests' build of the package has no questions

    name = getattr(question, "__name__", "your answer")
    try:
        answer = question()
    except NotImplementedError:
        print(f"{name} is not answered yet: write `return` and your answer in the cell above, run that cell, "
              "then run this one again.")
        return
    kind = Choice(choices) if choices else Number()
    problem = kind.form_problem(answer)
    if problem:
        raise AssertionError(f"{name}: {problem}")
    print(f"{name} returns {show(answer)}: the grader can read it. Whether it is right, you learn when the lesson "
          "is graded.")


@contextlib.contextmanager
def public_test(name: str) -> Iterator[None]:
    """Wrap a public test cell so that an exercise not written yet is reported, not raised.

    A release notebook then runs top to bottom with *Run All*: the cell says
    that ``name`` is still to be written and the lesson goes on, so the widgets
    and pictures further down still appear. Any other failure (a wrong answer's
    AssertionError, a TypeError, ...) is raised as usual. Public tests carry no
    points; the hidden tests grade, and they still fail on an unwritten function.

    Examples
    --------
    >>> with public_test("half_squared_error"):
    ...     raise NotImplementedError()
    half_squared_error is not written yet: write it in the cell above, run that cell, then run this one again.
    """
    try:
        yield
    except NotImplementedError:
        print(f"{name} is not written yet: write it in the cell above, run that cell, then run this one again.")


def yours_or_reference(student_fn: Callable, name: str | None = None) -> Callable:
    """The student's function, standing in for the reference until it is written.

    For the lesson's own pictures and demonstrations after an exercise: they use
    the student's code once it runs, and until then (``NotImplementedError``)
    the reference, saying so once. While a hidden test runs the reference is
    disabled, so this never earns a point. The student's function gets copies
    of the arguments, so the lesson's objects stay as they are.

    Parameters
    ----------
    student_fn : callable
        The student's function (an exercise of the registry).
    name : str, optional
        The exercise's name; default ``student_fn.__name__``.
    """
    # here, not at the top: a hidden test's build of the package has none (a student copy has a plain map)
    from .lesson_references import reference_for

    name = name or student_fn.__name__
    reference = reference_for(name)
    said = []

    def call(*args, **kwargs):
        try:
            # on copies: a function that changes its arguments in place must not change the lesson's objects
            return call_quietly_on_copies(student_fn, *args, **kwargs)
        except NotImplementedError:
            if not said:
                print(f"({name} is not written yet: this cell uses the reference until it is.)")
                said.append(True)
            return reference(*args, **kwargs)

    call.__name__ = f"yours_or_reference({name})"
    return call

"""What the lessons' public cells call: :func:`expect_close`, :func:`expect_answer`, :func:`public_test`, :func:`call_on_copies`, :func:`yours_or_reference`.

Public tests carry no points (the hidden tests grade, with :func:`~backprop_core.grading.check`);
these helpers word a wrong answer clearly and keep a notebook running top to
bottom with *Run All*, whatever state its exercises are in: a failing public
test is reported in red and the lesson goes on.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from .compare import ATOL, RTOL, Tolerance, default_compare
from .describe import show
from .in_place import call_on_copies, call_quietly_on_copies, changed
from . import one_parser

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
    """Wrap a public test cell so that a failure is reported in red and the lesson goes on.

    A notebook then runs top to bottom with *Run All*, whatever state its
    exercises are in, so the widgets and pictures further down still appear:

    - an exercise not written yet (``NotImplementedError``) is said so, on stdout;
    - any other failure (a wrong answer's ``AssertionError``, a ``TypeError``
      from the student's function, ...) is written to stderr, which Jupyter
      shows in red: the exercise, what went wrong and where, and that the
      lesson goes on;
    - an object of the lesson (an array, a network) that changed while the test
      ran, though the test handed the student's function copies, is named,
      with the cell to rerun to restore it.

    Public tests carry no points; the hidden tests grade, and nothing here
    changes them.

    Examples
    --------
    >>> with public_test("half_squared_error"):
    ...     raise NotImplementedError()
    half_squared_error is not written yet: write it in the cell above, run that cell, then run this one again.
    """
    namespace = _callers_namespace()
    kept = _lesson_objects(namespace)
    try:
        yield
    except NotImplementedError:
        print(f"{name} is not written yet: write it in the cell above, run that cell, then run this one again.")
    except Exception as error:  # noqa: BLE001 (any failure of the student's code is reported, never raised)
        _say_in_red(_failure_report(name, error))
    changed = _changed_objects(kept, namespace)
    if changed:
        _say_in_red(_changed_report(name, changed, namespace))


def yours_or_reference(student_fn: Callable, name: str | None = None) -> Callable:
    """The student's function, standing in for the reference until it is written.

    For the lesson's own pictures and demonstrations after an exercise: they use
    the student's code once it runs, and until then (``NotImplementedError``)
    the reference, saying so once. A function that is written but raises is
    reported once, in red (stderr), and the reference stands in for it, so Run
    All still reaches the pictures below. While a hidden test runs the reference is
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
        except Exception as error:  # noqa: BLE001 (a written function that fails must not stop Run All)
            if not said:
                print(f"{name} raised {type(error).__name__}: {error}\n"
                      f"This cell uses the reference instead. Fix {name}, run its cell and its public test, "
                      "then run this cell again.", file=sys.stderr)
                said.append(True)
            return reference(*args, **kwargs)

    call.__name__ = f"yours_or_reference({name})"
    return call


# ------------------------------------------------------------------ public_test's reports
#: A lesson object with more numbers than this is not kept to compare after a public test
#: (each public test copies the lesson's arrays and networks; the lessons' are small).
MAX_KEPT_NUMBERS = 1_000_000


def _callers_namespace() -> dict:
    """The globals of the code running the ``with public_test(...)`` block: the notebook's namespace."""
    frame = sys._getframe(0)
    while frame is not None and frame.f_code.co_filename in (__file__, contextlib.__file__):
        frame = frame.f_back
    return frame.f_globals if frame is not None else {}


def _is_lesson_object(value: Any) -> bool:
    """An array or network (or a list or tuple of them) a student's function could change in place."""
    from backprop_core.nn.network import Network  # here: light to import the module

    if isinstance(value, np.ndarray):
        return value.size <= MAX_KEPT_NUMBERS
    if isinstance(value, Network):
        return sum(w.size for w in value.weights) <= MAX_KEPT_NUMBERS
    if isinstance(value, (list, tuple)) and value:
        return len(value) <= 100 and all(_is_lesson_object(item) for item in value)
    return False


def _lesson_objects(namespace: dict) -> dict:
    """Name -> (the lesson's object, a copy of it as it is now), for its arrays and networks."""
    kept = {}
    for name, value in list(namespace.items()):
        if name.startswith("_") or name in ("In", "Out") or not _is_lesson_object(value):
            continue
        try:
            kept[name] = (value, copy.deepcopy(value))
        except Exception:  # noqa: BLE001 (an object that cannot be copied cannot be compared either)
            continue
    return kept


def _changed_objects(kept: dict, namespace: dict) -> list[str]:
    """The names whose object is still the lesson's, but holds other numbers than before the test."""
    return [name for name, (value, before) in kept.items() if namespace.get(name) is value and changed(before, value)]


def _names_bound_at_top_level(source: str) -> set[str]:
    """The names a cell assigns, imports or defines at its top level (not inside its functions)."""
    try:
        tree = one_parser.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set()
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            return  # their bodies bind their own names
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def _defining_cell(name: str, namespace: dict) -> str | None:
    """The first line of the last cell run that assigns ``name`` (IPython keeps them in ``In``), if known."""
    history = namespace.get("In")
    if not isinstance(history, list):
        return None
    for source in reversed(history[:-1]):  # the last one is the public test running now
        if isinstance(source, str) and name in _names_bound_at_top_level(source):
            first = next((line.strip() for line in source.splitlines()
                          if line.strip() and not line.lstrip().startswith("#")), "")
            return first[:80]
    return None


def _changed_report(exercise: str, names: list[str], namespace: dict) -> str:
    """What to tell a student whose function changed the lesson's objects though the test gave it copies."""
    shown = ", ".join(f"`{n}`" for n in names)
    lines = [f"✗ {exercise}: while its public test ran, the lesson's {shown} changed, though the test gave "
             f"{exercise} copies: your function changes {'it' if len(names) == 1 else 'them'} some other way "
             "(as a global?). The cells below now see other numbers than the lesson's."]
    by_cell: dict = {}
    for name in names:  # names one cell defines are restored together
        by_cell.setdefault(_defining_cell(name, namespace), []).append(f"`{name}`")
    for cell, restored in by_cell.items():
        where = f"the cell starting `{cell}`" if cell else "the cell that defines it"
        lines.append(f"  To restore {', '.join(restored)}: rerun {where}.")
    lines.append(f"Fix {exercise} first (or use Kernel → Restart Kernel and Run All Cells once it is fixed).")
    return "\n".join(lines)


def _student_frames(error: BaseException) -> str:
    """The last lines of the traceback outside the course's own helpers: where in the student's code it failed."""
    package = str(Path(__file__).resolve().parents[2])
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.startswith((package, contextlib.__file__))]
    return "".join(traceback.format_list(frames[-3:])).rstrip()


def _failure_report(exercise: str, error: BaseException) -> str:
    """A failed public test in a few lines: which exercise, what went wrong, where, and what to do."""
    lines = [f"✗ The public test of {exercise} failed (the lesson goes on: the cells below still run)."]
    if isinstance(error, AssertionError):
        lines.append(f"  {error}" if str(error) else "  An assertion of the test failed.")
    else:
        lines.append(f"  {type(error).__name__}: {error}")
        where = _student_frames(error)
        if where:
            lines.append("  where:\n" + where)
    lines.append(f"Fix {exercise} in its cell above, run that cell, then run this one again.")
    return "\n".join(lines)


def _say_in_red(text: str) -> None:
    """Write ``text`` to stderr, which Jupyter shows in red, apart from what the cell prints."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()

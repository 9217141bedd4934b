"""Grading helpers behind the hidden tests of every lesson.

A hidden test cell holds nothing but::

    from backprop_core import grading
    grading.check("half_squared_error", half_squared_error, "one_sample")

:func:`check` looks the exercise up in :mod:`backprop_core.grading.exercises`, draws
the random cases of the property (fixed seed: grading is repeatable), works
out the reference's answers, then calls the student's function on every case
*with the reference functions switched off*, and raises ``AssertionError``
with a message that shows a wrong case, what was expected, what came back,
and, when the wrong answers are exactly those of a known mistake, its name.

Switching a reference off swaps its code object for a stub that raises
:class:`ReferenceDisabledError`. Every name bound to the function (an
``import ... as`` alias, a re-export, a bound method, a copy made with
``types.FunctionType``) runs the stub, so no alias escapes; the code is put
back when the student's function returns.

:func:`expect_close` is the small helper the *public* tests use.
"""
from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import inspect
import os
import signal
import threading
import traceback
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from . import exercises
from .exercises import MISTAKES, Exercise

__all__ = [
    "check", "expect_close", "default_compare", "disabled", "ReferenceDisabledError",
    "DEFAULT_SEED", "RTOL", "ATOL",
]

#: Seed of the random cases: the same cases for every student and every run.
DEFAULT_SEED = 0
RTOL, ATOL = 1e-6, 1e-9
#: Wall-clock budget (seconds) of one ``check`` call for the student's code;
#: ``BACKPROP_CHECK_TIME_LIMIT`` overrides it (0 switches the limit off).
DEFAULT_TIME_LIMIT = 10.0
_SHOWN_CHARS = 400  # arrays in messages are cut to this many characters


class ReferenceDisabledError(RuntimeError):
    """Raised by a reference function called while a student's function is graded."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(
            f"{path} is switched off while your function is graded: calling the reference "
            "earns nothing. Compute the answer yourself (numpy is fine)."
        )


class _TimeUp(BaseException):
    """The student's function ran past the time limit (BaseException: ``except Exception`` cannot swallow it)."""


# ------------------------------------------------------------------ comparing
def _shape_text(shape: tuple) -> str:
    return "a single number" if shape == () else f"an array of shape {shape}"


def _as_numbers(value: Any) -> np.ndarray | None:
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def default_compare(got: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """None when ``got`` matches ``expected``, else what is wrong, in a few words.

    Numbers and arrays must have the same shape and be close (``rtol`` 1e-6,
    ``atol`` 1e-9); tuples and lists are compared item by item.
    """
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"expected {len(expected)} values (a tuple), got {_kind(got)}"
        if len(got) != len(expected):
            return f"expected {len(expected)} values, got {len(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = default_compare(g, e, rtol, atol)
            if problem:
                return f"item {i}: {problem}"
        return None
    if got is None:
        return "got None: does the function end with `return`?"
    want = np.asarray(expected, dtype=np.float64)
    have = _as_numbers(got)
    if have is None:
        return f"expected {_shape_text(want.shape)}, got {_kind(got)}"
    if have.shape != want.shape:
        return f"expected {_shape_text(want.shape)}, got {_shape_text(have.shape)}"
    if np.any(np.isnan(have)) and not np.any(np.isnan(want)):
        return "the answer contains NaN"
    if np.any(np.isinf(have)) and not np.any(np.isinf(want)):
        return "the answer contains inf"
    if not np.allclose(have, want, rtol=rtol, atol=atol, equal_nan=True):
        worst = float(np.nanmax(np.abs(have - want))) if have.size else 0.0
        return f"wrong values (largest difference {worst:.3g})"
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def expect_close(got: Any, expected: Any, what: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Assert, for a public test, that ``got`` is close to ``expected``.

    Parameters
    ----------
    got, expected : number, array or tuple of arrays
    what : str
        What is checked, in words (e.g. ``"the error of seed 000"``); it opens
        the message.
    """
    problem = default_compare(got, expected, rtol, atol)
    if problem:
        raise AssertionError(f"{what}: expected {_show(expected)}, got {_show(got)} ({problem})")


def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, np.ndarray) for v in value):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, np.ndarray):
        text = "array(" + np.array2string(value, precision=8, separator=", ", threshold=50, prefix="array(") + ")"
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
    else:
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + " …"


# --------------------------------------------------------- switching off references
def _resolve(path: str) -> types.FunctionType:
    """The function object behind a dotted path (module attribute or method)."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
            break
        except ImportError:
            continue
    else:
        raise ValueError(f"replaces: no module found in {path!r}")
    for attr in parts[split:]:
        obj = inspect.getattr_static(obj, attr) if isinstance(obj, type) else getattr(obj, attr)
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if isinstance(obj, property):
        obj = obj.fget
    if not isinstance(obj, types.FunctionType):
        raise TypeError(f"replaces: {path!r} must name a Python function, got {type(obj).__name__}")
    return obj


def _stub_code(path: str, code: types.CodeType) -> types.CodeType:
    """A code object that raises ReferenceDisabledError(path), fitting ``code``'s closure."""
    free = [f"_free{i}" for i in range(len(code.co_freevars))]
    lines = ["def _outer():"]
    lines += [f"    {name} = None" for name in free]
    lines.append("    def _disabled(*args, **kwargs):")
    if free:
        lines.append(f"        ({', '.join(free)},)")  # makes them free variables of the stub
    lines.append(
        "        raise __import__('backprop_core.grading', fromlist=['_']).ReferenceDisabledError("
        f"{path!r})"
    )
    lines.append("    return _disabled")
    namespace: dict = {}
    exec(compile("\n".join(lines), f"<{path}, switched off by the grader>", "exec"), namespace)
    stub = namespace["_outer"]().__code__
    return stub.replace(co_name=code.co_name, co_qualname=getattr(code, "co_qualname", code.co_name))


def _functions_to_disable(paths: tuple, extra: tuple = ()) -> dict[str, types.FunctionType]:
    found: dict[str, types.FunctionType] = {}
    for path in paths:
        found[path] = _resolve(path)
    for function in extra:
        if isinstance(function, types.FunctionType):
            found.setdefault(f"{function.__module__}.{function.__qualname__}", function)
    # functools.wraps: the wrapped original is reachable as __wrapped__.
    for path, function in list(found.items()):
        inner = function
        while isinstance(getattr(inner, "__wrapped__", None), types.FunctionType):
            inner = inner.__wrapped__
            found.setdefault(f"{inner.__module__}.{inner.__qualname__}", inner)
    return found


@contextlib.contextmanager
def disabled(paths: tuple, extra: tuple = ()) -> Iterator[None]:
    """Switch the functions at ``paths`` (and the functions in ``extra``) off.

    Inside the block every call of them, under any name, raises
    :class:`ReferenceDisabledError`; they work again afterwards, also when
    the block raises or is interrupted.
    """
    targets = _functions_to_disable(tuple(paths), tuple(extra))
    by_code: dict[int, tuple[str, types.CodeType]] = {}
    for path, function in targets.items():
        by_code.setdefault(id(function.__code__), (path, function.__code__))
    # Every function sharing an original code object: the references and any
    # copies made of them (types.FunctionType(ref.__code__, ...)).
    sharing = [f for f in gc.get_referrers(*(code for _, code in by_code.values()))
               if isinstance(f, types.FunctionType) and id(f.__code__) in by_code]
    swapped: list[tuple[types.FunctionType, types.CodeType]] = []
    try:
        for function in sharing:
            path, original = by_code[id(function.__code__)]
            function.__code__ = _stub_code(path, original)
            swapped.append((function, original))
        yield
    finally:
        for function, original in reversed(swapped):
            function.__code__ = original


# ------------------------------------------------------------------ time limit
def _time_limit_seconds() -> float:
    text = os.environ.get("BACKPROP_CHECK_TIME_LIMIT", "")
    try:
        return float(text) if text else DEFAULT_TIME_LIMIT
    except ValueError:
        return DEFAULT_TIME_LIMIT


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _stop(signum, frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ outcomes
@dataclass
class _Outcome:
    """What one call gave: a value, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None
    where: str = ""  # the last lines of the student's traceback

    @property
    def raised(self) -> bool:
        return self.error is not None


def _call(function: Callable, case: exercises.Case) -> _Outcome:
    try:
        return _Outcome(value=function(**copy.deepcopy(case.kwargs)))
    except Exception as error:  # noqa: BLE001 (the student's code may raise anything)
        frames = traceback.extract_tb(error.__traceback__)[1:]  # drop this frame
        where = "".join(traceback.format_list(frames[-3:])).rstrip()
        return _Outcome(error=error, where=where)


def _agree(compare: Callable, a: _Outcome, b: _Outcome) -> bool:
    if a.raised or b.raised:
        # Two errors agree only if they are the same error (type and message), e.g. the same
        # matmul shape mismatch; "both raised something" would name a mistake the student never made.
        return a.raised and b.raised and type(a.error) is type(b.error) and str(a.error) == str(b.error)
    try:
        return compare(a.value, b.value) is None
    except Exception:  # noqa: BLE001
        return False


def _problem(compare: Callable, got: _Outcome, expected: _Outcome) -> str | None:
    if got.raised:
        return f"raised {type(got.error).__name__}"
    try:
        return compare(got.value, expected.value)
    except Exception as error:  # noqa: BLE001 (e.g. a registry compare meeting an odd type)
        return f"the answer could not be compared ({type(error).__name__}: {error})"


@contextlib.contextmanager
def _numerics(strict: bool) -> Iterator[None]:
    """numpy overflow, division by zero and invalid values raise (strict) or behave as usual."""
    if not strict:
        yield
        return
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        yield


# ------------------------------------------------------------------ check
def _cases(exercise: Exercise, prop: str, seed: int) -> list:
    if prop not in exercise.properties:
        raise ValueError(
            f"prop must be a graded property of {exercise.name} ({', '.join(exercise.properties)}), got {prop!r}"
        )
    return list(exercise.properties[prop](np.random.default_rng(seed)))


def _mistakes_for(exercise: Exercise, prop: str) -> list:
    return [m for m in exercise.mistakes if not m.properties or prop in m.properties]


def _describe_case(exercise: Exercise, case: exercises.Case) -> str:
    lines = []
    for name, value in case.kwargs.items():
        head = f"    {name} = "
        lines.append(head + _show(value).replace("\n", "\n" + " " * len(head)))
    title = f"({case.description})" if case.description else ""
    return f"{exercise.name}(...) on the case {title}:\n" + "\n".join(lines)


def check(name: str, student_fn: Callable, prop: str, *, seed: int = DEFAULT_SEED,
          time_limit: float | None = None) -> None:
    """Grade ``student_fn`` on the random cases of one property of exercise ``name``.

    Parameters
    ----------
    name : str
        The exercise's name in the registry (and in the notebook).
    student_fn : callable
        The student's function.
    prop : str
        The graded property (one hidden test cell each).
    seed : int
        Seed of the random cases; the default makes grading repeatable.
    time_limit : float, optional
        Seconds the student's function may take over all cases; default
        ``BACKPROP_CHECK_TIME_LIMIT`` or 10 s.

    Raises
    ------
    AssertionError
        The function is wrong, raises, calls the reference or runs too long;
        the message says which case, what was expected, what came back, and
        names a known mistake when the answers are exactly that mistake's.
    """
    exercise = exercises.get(name)
    cases = _cases(exercise, prop, seed)
    if not callable(student_fn):
        raise AssertionError(f"{name} should be a function, got {_kind(student_fn)}")
    compare = exercise.compare or default_compare

    # Everything the reference and the known mistakes say is worked out
    # before the references are switched off.
    expected = [_call(exercise.reference, case) for case in cases]
    for case, outcome in zip(cases, expected):
        if outcome.raised:
            raise RuntimeError(f"the reference of {name} fails on its own case {case.description!r}: "
                               f"{outcome.error!r}")
    mistakes = {m.key: [_call(m.function, case) for case in cases] for m in _mistakes_for(exercise, prop)}

    got: list[_Outcome] = []
    limit = _time_limit_seconds() if time_limit is None else time_limit
    timed_out = False
    with disabled(exercise.replaces, extra=(exercise.reference,)), _numerics(exercise.strict_numerics):
        try:
            with _time_limit(limit):
                for case in cases:
                    got.append(_call(student_fn, case))
        except _TimeUp:
            timed_out = True

    if timed_out:
        case = cases[len(got)]
        raise AssertionError(
            f"{name} did not return within {limit:g} s (property {prop!r}); is there an endless loop?\n"
            + _describe_case(exercise, case)
        )
    wrong = [i for i, (g, e) in enumerate(zip(got, expected)) if _problem(compare, g, e)]
    if not wrong:
        print(f"{name}: right on all {len(cases)} random cases of {prop!r}")
        return
    raise AssertionError(_failure_message(exercise, prop, cases, got, expected, mistakes, wrong, compare))


def _failure_message(exercise, prop, cases, got, expected, mistakes, wrong, compare) -> str:
    name = exercise.name
    lines = [f"{name} is wrong on {len(wrong)} of {len(cases)} random cases (property {prop!r})."]
    disabled_calls = [got[i].error for i in wrong if isinstance(got[i].error, ReferenceDisabledError)]
    if disabled_calls:
        lines.append(f"It calls {disabled_calls[0].path}, the reference it replaces: calling the "
                     "reference earns nothing. Compute the answer yourself.")
    not_done = [i for i in wrong if isinstance(got[i].error, NotImplementedError)]
    if len(not_done) == len(wrong):
        lines.append("It still raises NotImplementedError: replace `raise NotImplementedError()` with your code.")
    matched = [key for key, answers in mistakes.items()
               if all(_agree(compare, g, m) for g, m in zip(got, answers))]
    floating = [got[i].error for i in wrong if isinstance(got[i].error, FloatingPointError)]
    if floating:
        lines.append(f"numpy reports {floating[0]} inside it: a numerically stable formula never overflows, "
                     "whatever the size of the input.")
    if matched:
        lines.append("This is a known mistake: " + "; or ".join(MISTAKES[k] for k in matched) + ".")
    # Show a case where a value came back if there is one: it says more.
    shown = next((i for i in wrong if not got[i].raised), wrong[0])
    lines.append(_describe_case(exercise, cases[shown]))
    outcome = got[shown]
    if outcome.raised:
        lines.append(f"  expected: {_show(expected[shown].value)}")
        lines.append(f"  but your function raised {type(outcome.error).__name__}: {outcome.error}")
        if outcome.where:
            lines.append("  where:\n" + outcome.where)
    else:
        lines.append(f"  expected: {_show(expected[shown].value)}")
        lines.append(f"  got:      {_show(outcome.value)}")
        lines.append(f"  what is wrong: {_problem(compare, outcome, expected[shown])}")
    return "\n".join(lines)


# ---------------------------------------------------------------- public tests
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
    disabled, so this never earns a point.

    Parameters
    ----------
    student_fn : callable
        The student's function (an exercise of the registry).
    name : str, optional
        The exercise's name; default ``student_fn.__name__``.
    """
    name = name or student_fn.__name__
    reference = exercises.get(name).reference
    said = []

    def call(*args, **kwargs):
        try:
            return student_fn(*args, **kwargs)
        except NotImplementedError:
            if not said:
                print(f"({name} is not written yet: this cell uses the reference until it is.)")
                said.append(True)
            return reference(*args, **kwargs)

    call.__name__ = f"yours_or_reference({name})"
    return call

"""``check``: a student's function graded on random cases, and the message when it is wrong.

A hidden test cell holds nothing but::

    from backprop_core import grading
    grading.check("half_squared_error", half_squared_error, "one_sample")

:func:`check` looks the exercise up in :mod:`backprop_core.grading.exercises`, draws
the random cases of the property (a seed: the same seed, the same cases; the
autograder's is one per submission, :mod:`.case_seeds`), works
out the reference's answers, then calls the student's function on every case
*with the reference functions switched off* (:mod:`.references`) and within
the limits of :mod:`.limits`, judges its answers on their values, within the
property's tolerance from the registry (what numpy warned on the way is noted
on stdout, never held against it), and raises ``AssertionError`` with a message
that shows a wrong case, what was expected, what came back, and, when the
wrong answers are exactly those of a known mistake, its name. A function
that changes an argument in place is wrong too (:mod:`.in_place`), unless the
exercise exists to change it (``Exercise.changes``).
"""
from __future__ import annotations

import copy
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import exercises
from ..answerfree import in_place, limits
from ..answerfree.compare import Compare, Tolerance, default_compare, is_low_precision
from ..answerfree.describe import describe_kind, show
from ..exercises import MISTAKES, Case, Exercise
from ..answerfree.references import disabled

__all__ = ["check", "cases_of", "expected_outcomes", "verdict", "Outcome", "RemoteError", "Verdict", "DEFAULT_SEED"]

_NUMPY_WARNED = limits.NUMPY_WARNED

#: Seed of the random cases of an in-process :func:`check` (and of any caller that passes none). The
#: autograder draws each submission's own (:mod:`.case_seeds`), so that cases seen once are worth nothing.
DEFAULT_SEED = 0


# ------------------------------------------------------------------ outcomes
class RemoteError(Exception):
    """An exception raised in another process (the sandbox that ran the student's code), as data.

    Attributes
    ----------
    type_name : str
        The name of the exception's class there (``"ValueError"``).
    path : str
        For a reference that was not available there, its name (``"backprop_core.nn.losses.half_squared_error"``).
    """

    def __init__(self, type_name: str, message: str, path: str = "") -> None:
        super().__init__(message)
        self.type_name, self.path = type_name, path


#: The errors a reference raises when a student's function calls it while it is graded:
#: switched off in this process (:mod:`.references`), or absent from the build a hidden test runs against.
REFERENCE_UNAVAILABLE = ("ReferenceDisabledError", "ReferenceRemovedError")


def error_name(error: BaseException) -> str:
    """The name of an exception's class, also for one raised in another process."""
    return error.type_name if isinstance(error, RemoteError) else type(error).__name__


@dataclass(frozen=True)
class Verdict:
    """A graded property's result: passed or not, and the text the student reads.

    ``mistakes``: the keys (in :data:`MISTAKES`) of the known mistakes the text names, for the class
    report (:mod:`.report`) to count without reading the text.
    """

    passed: bool
    text: str
    mistakes: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What one call gave: a value, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None
    where: str = ""  # the last lines of the student's traceback
    changed: tuple = ()  # the arguments it changed in place, though it must not
    warned: tuple = ()  # the warnings it raised, as texts: "numpy warned: overflow encountered in exp"
    strict: Outcome | None = None  # a wrong case rerun with strict numerics: to explain it, never to judge it

    @property
    def raised(self) -> bool:
        return self.error is not None


def run_case(function: Callable, case: Case, allowed: tuple = ()) -> Outcome:
    """``function(**case.kwargs)`` on a deep copy of the arguments: a function that edits them spoils no other call.

    The copy is compared with ``case.kwargs`` afterwards: ``Outcome.changed``
    names the arguments changed in place, but for those in ``allowed``. A
    generator is read here, so that its code runs (and is timed) now.
    """
    given = copy.deepcopy(case.kwargs)
    try:
        value = in_place.settle(function(**given))
        return Outcome(value=value, changed=in_place.changed_arguments(case.kwargs, given, allowed))
    except Exception as error:  # noqa: BLE001 (the student's code may raise anything)
        frames = traceback.extract_tb(error.__traceback__)[1:]  # drop this frame
        where = "".join(traceback.format_list(frames[-3:])).rstrip()
        return Outcome(error=error, where=where)


def _agree(compare: Compare, a: Outcome, b: Outcome) -> bool:
    if a.raised or b.raised:
        # Two errors agree only if they are the same error (type and message), e.g. the same
        # matmul shape mismatch; "both raised something" would name a mistake the student never made.
        return (a.raised and b.raised and error_name(a.error) == error_name(b.error)
                and str(a.error) == str(b.error))
    try:
        return compare(a.value, b.value) is None
    except Exception:  # noqa: BLE001
        return False


def _problem(compare: Compare, got: Outcome, expected: Outcome) -> str | None:
    if got.raised:
        return f"raised {error_name(got.error)}"
    try:
        problem = compare(got.value, expected.value)
    except Exception as error:  # noqa: BLE001 (e.g. a registry compare meeting an odd type)
        return f"the answer could not be compared ({type(error).__name__}: {error})"
    if problem is None and got.changed:
        return f"the answer is right, but the function changed its argument `{got.changed[0]}` in place"
    return problem


# ------------------------------------------------------------------ check
def cases_of(exercise: Exercise, prop: str, seed: int = DEFAULT_SEED) -> list[Case]:
    """The random cases of one graded property of ``exercise``; the same for the same ``seed``."""
    if prop not in exercise.properties:
        raise ValueError(
            f"prop must be a graded property of {exercise.name} ({', '.join(exercise.properties)}), got {prop!r}"
        )
    return list(exercise.properties[prop](np.random.default_rng(seed)))


def _mistakes_for(exercise: Exercise, prop: str) -> list:
    return [m for m in exercise.mistakes if not m.properties or prop in m.properties]


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
        CPU seconds the student's function may use over all cases (wall-clock
        time only as a backstop, :func:`limits.time_limit`); default
        ``BACKPROP_CHECK_TIME_LIMIT`` or 10 s.

    Raises
    ------
    AssertionError
        The function is wrong, raises, calls the reference or runs too long;
        the message says which case, what was expected, what came back, and
        names a known mistake when the answers are exactly that mistake's.
    """
    exercise = exercises.get(name)
    cases = cases_of(exercise, prop, seed)
    if not callable(student_fn):
        raise AssertionError(f"{name} should be a function, got {describe_kind(student_fn)}")
    expected, mistakes = expected_outcomes(exercise, prop, cases)
    limit = limits.time_limit_seconds() if time_limit is None else time_limit
    got, stopped = _run_student(exercise, student_fn, cases, limit)
    _explain_numerics(exercise, student_fn, cases, got, _wrong(exercise, prop, got, expected), limit)
    result = verdict(exercise, prop, cases, expected, mistakes, got, limit, f"{stopped} (property {prop!r})"
                     if stopped else "")
    if not result.passed:
        raise AssertionError(result.text)
    print(result.text)


def expected_outcomes(exercise: Exercise, prop: str, cases: list[Case]) -> tuple[list[Outcome], dict]:
    """What the reference and each known mistake of ``prop`` give on ``cases``.

    Worked out under the conditions the student's code meets (:func:`limits.as_graded`).

    Returns
    -------
    expected : list of Outcome, one per case
    mistakes : dict, mistake key -> list of Outcome, one per case

    Raises
    ------
    RuntimeError
        The reference fails on one of its own cases (a bug of the course, never the student's).
    """
    with limits.as_graded():
        expected = [run_case(exercise.reference, case, exercise.changes) for case in cases]
    for case, outcome in zip(cases, expected):
        if outcome.raised:
            raise RuntimeError(f"the reference of {exercise.name} fails on its own case {case.description!r}: "
                               f"{outcome.error!r}")
    with limits.as_graded():
        mistakes = {m.key: [run_case(m.function, case, exercise.changes) for case in cases]
                    for m in _mistakes_for(exercise, prop)}
    return expected, mistakes


def _wrong(exercise: Exercise, prop: str, got: list[Outcome], expected: list[Outcome]) -> list[int]:
    compare = _within(exercise.compare or default_compare, exercise.tolerance_for(prop))
    return [i for i, (g, e) in enumerate(zip(got, expected)) if _problem(compare, g, e)]


def verdict(exercise: Exercise, prop: str, cases: list[Case], expected: list[Outcome], mistakes: dict,
            got: list[Outcome], limit: float, stopped: str = "") -> Verdict:
    """Judge the student's outcomes ``got`` of one property against ``expected``: pass, or the message why not.

    Parameters
    ----------
    exercise, prop, cases : what was graded
    expected, mistakes : from :func:`expected_outcomes`
    got : list of Outcome
        The student's, one per case, in order; fewer than ``cases`` when the run was cut short.
    limit : float
        The CPU-time limit the student's function had, in seconds (for the message when ``got`` is short).
    stopped : str
        Why ``got`` is short when it is not the time limit (e.g. the process running it ended).
    """
    name = exercise.name
    if len(got) < len(cases):
        reason = stopped or (f"used more than {limit:g} s of CPU time (property {prop!r}); is there an endless loop?")
        return Verdict(False, f"{name} {reason}\n" + _describe_case(exercise, cases[len(got)]))
    if exercise.question is not None:
        return _question_verdict(exercise, got[0], expected[0])
    compare = _within(exercise.compare or default_compare, exercise.tolerance_for(prop))
    wrong = [i for i, (g, e) in enumerate(zip(got, expected)) if _problem(compare, g, e)]
    if not wrong:
        lines = [f"{name}: right on all {len(cases)} random cases of {prop!r}"] + _notes(exercise, prop, got)
        return Verdict(True, "\n".join(lines))
    return Verdict(False, _failure_message(exercise, prop, cases, got, expected, mistakes, wrong, compare),
                   tuple(_matched_mistakes(compare, got, mistakes, wrong)))


def _question_verdict(exercise: Exercise, got: Outcome, expected: Outcome) -> Verdict:
    """An understanding question's verdict: right, or where to reread; the right answer is never shown."""
    name = exercise.name
    if got.raised:
        if error_name(got.error) == "NotImplementedError":
            return Verdict(False, f"{name} is not answered yet. It still raises NotImplementedError: replace "
                                  "`raise NotImplementedError()` with `return` and your answer.")
        if error_name(got.error) in REFERENCE_UNAVAILABLE:
            return Verdict(False, f"{name} calls the course's own code, which is not there while answers are "
                                  "graded: calling it earns nothing. Return the answer you worked out.")
        return Verdict(False, f"{name} raised {error_name(got.error)}: {got.error}\n"
                              "It should only return your answer, e.g. `return 0.25`.")
    try:
        with limits.usual_numerics():
            if exercise.question.compare(got.value, expected.value) is None:
                # The words of every passing hidden test (": right on all "), which the lesson tests count.
                return Verdict(True, f"{name}: right on all counts, your answer is right.")
            return Verdict(False, exercise.question.wrong_message(name, got.value, expected.value))
    except Exception as error:  # noqa: BLE001 (any value may come back: it is wrong, never a reason not to grade)
        return Verdict(False, f"{name} does not give an answer the grader can read ({type(error).__name__} while "
                              f"reading {describe_kind(got.value)}). It should return {exercise.question.kind.rule}.")


def _run_student(exercise: Exercise, student_fn: Callable, cases: list[Case],
                 seconds: float) -> tuple[list[Outcome], str]:
    """The student's outcomes, case by case, with the references off; cut short when time is up,
    and then why (:func:`limits.stop_message`: the CPU time used and the limit), else "".

    numpy's usual numerics decide (a right answer is right even if numpy warned
    on the way, e.g. inside a branch ``np.where`` throws away); each case's
    warnings are kept in its outcome, never shown on stderr.
    """
    got: list[Outcome] = []
    with disabled(exercise.replaces, extra=(exercise.reference,)), limits.as_graded():
        try:
            with limits.time_limit(seconds):
                for case in cases:
                    with limits.warnings_recorded() as warned:
                        outcome = run_case(student_fn, case, exercise.changes)
                    outcome.warned = tuple(warned)
                    got.append(outcome)
        except limits.TimeUp as up:
            return got, str(up)  # the caller sees fewer outcomes than cases
    return got, ""


def _within(compare: Callable, tolerance: Tolerance) -> Compare:
    """``compare`` with the property's tolerance from the registry bound: ``judge(got, expected)``.

    It compares in numpy's usual numerics: a notebook's ``np.seterr(all="raise")`` must not turn
    an underflow inside ``np.allclose`` into an error.
    """
    def judge(got: Any, expected: Any) -> str | None:
        with limits.usual_numerics():
            return compare(got, expected, tolerance)

    return judge


def _notes(exercise: Exercise, prop: str, got: list[Outcome]) -> list[str]:
    """Lines for a student whose answers are right: what numpy warned, and that float32 was precise enough."""
    warned = list(dict.fromkeys(text for outcome in got for text in outcome.warned))
    numpy_said = [text.removeprefix(_NUMPY_WARNED) for text in warned if text.startswith(_NUMPY_WARNED)]
    said = [_NUMPY_WARNED + ", ".join(numpy_said)] if numpy_said else []
    said += [text for text in warned if not text.startswith(_NUMPY_WARNED)]
    notes = [f"({'; '.join(said)} — your answers are right anyway)"] if said else []
    if any(is_low_precision(outcome.value) for outcome in got) and not exercise.tolerance_for(prop).float64_required:
        notes.append("(your answers are float32: the course works in float64, but float32 is precise enough here)")
    return notes


def _explain_numerics(exercise: Exercise, student_fn: Callable, cases: list[Case], got: list[Outcome],
                      wrong: list[int], seconds: float) -> None:
    """Rerun the first wrong case on which numpy warned with strict numerics, to find where it overflowed.

    Only to explain: the verdict is already taken, on the values. The rerun's
    outcome goes to that case's ``Outcome.strict``.
    """
    warned = [i for i in wrong if any(text.startswith(_NUMPY_WARNED) for text in got[i].warned)]
    if not warned:
        return
    with disabled(exercise.replaces, extra=(exercise.reference,)), limits.as_graded(), limits.strict_numerics():
        try:
            with limits.time_limit(seconds):
                rerun = run_case(student_fn, cases[warned[0]], exercise.changes)
        except limits.TimeUp:
            return
    got[warned[0]].strict = rerun


# ------------------------------------------------------------------ the failure message
def _describe_case(exercise: Exercise, case: Case) -> str:
    lines = []
    for name, value in case.kwargs.items():
        head = f"    {name} = "
        lines.append(head + show(value).replace("\n", "\n" + " " * len(head)))
    title = f"({case.description})" if case.description else ""
    return f"{exercise.name}(...) on the case {title}:\n" + "\n".join(lines)


def _failure_message(exercise, prop, cases, got, expected, mistakes, wrong, compare) -> str:
    lines = [f"{exercise.name} is wrong on {len(wrong)} of {len(cases)} random cases (property {prop!r})."]
    lines += _diagnosis(compare, got, mistakes, wrong)
    # Show a case where a value came back if there is one: it says more.
    shown = next((i for i in wrong if not got[i].raised), wrong[0])
    lines.append(_describe_case(exercise, cases[shown]))
    lines += _expected_and_got(compare, got[shown], expected[shown])
    lines += _precision_note(exercise.tolerance_for(prop), got, wrong)
    return "\n".join(lines)


def _numerics_diagnosis(got: list[Outcome], wrong: list[int]) -> list[str]:
    """What numpy said while the wrong answers were computed: where it overflowed, or what it warned."""
    # The strict rerun's error, or a FloatingPointError of the student's own making (np.seterr in the notebook).
    errors = [outcome for i in wrong for outcome in (got[i].strict, got[i])
              if outcome is not None and outcome.raised and error_name(outcome.error) == "FloatingPointError"]
    warned = [text for i in wrong for text in got[i].warned if text.startswith(_NUMPY_WARNED)]
    if errors:
        said, where = f"numpy reports {errors[0].error} inside your function", errors[0].where
    elif warned:
        said, where = f"{warned[0]} inside your function", ""
    else:
        return []
    if "overflow" in said:
        said += (": a numerically stable formula never overflows, whatever the size of the input, and gives "
                 "finite, right values where this one gives inf, NaN or wrong ones")
    return [said + "." + (f" It happens here:\n{where}" if where else "")]


def _precision_note(tolerance: Tolerance, got: list[Outcome], wrong: list[int]) -> list[str]:
    """Why float64 is required, for a float32 answer that misses a tolerance only float64 can meet."""
    if tolerance.float64_required and any(is_low_precision(got[i].value) for i in wrong):
        return [f"Your answer is float32, and float64 is required here: {tolerance.float64_because}"]
    return []


def _diagnosis(compare: Compare, got: list[Outcome], mistakes: dict, wrong: list[int]) -> list[str]:
    """What the wrong answers say as a whole: the reference called, not written yet, overflow, a known mistake."""
    lines = []
    disabled_calls = [got[i].error for i in wrong if got[i].raised and error_name(got[i].error) in REFERENCE_UNAVAILABLE]
    if disabled_calls:
        path = getattr(disabled_calls[0], "path", "") or "a reference"
        lines.append(f"It calls {path}, the reference it replaces: calling the "
                     "reference earns nothing. Compute the answer yourself.")
    if all(got[i].raised and error_name(got[i].error) == "NotImplementedError" for i in wrong):
        lines.append("It still raises NotImplementedError: replace `raise NotImplementedError()` with your code.")
    lines += _numerics_diagnosis(got, wrong)
    changed = [got[i].changed[0] for i in wrong if got[i].changed]
    if changed:
        # Named whether or not the exercise registers an in-place Mistake: the rule holds for every exercise.
        lines.append(in_place.in_place_message(changed[0]))
    matched = _matched_mistakes(compare, got, mistakes, wrong)
    if matched:
        lines.append("This is a known mistake: " + "; or ".join(MISTAKES[k] for k in matched) + ".")
    return lines


def _matched_mistakes(compare: Compare, got: list[Outcome], mistakes: dict, wrong: list[int]) -> list[str]:
    """The keys of the known mistakes the wrong answers are, in the order the message names them."""
    matched = [key for key, answers in mistakes.items() if all(_agree(compare, g, m) for g, m in zip(got, answers))]
    if any(got[i].changed for i in wrong):
        matched = ["changed_argument_in_place"] + [key for key in matched if key != "changed_argument_in_place"]
    return matched


def _expected_and_got(compare: Compare, outcome: Outcome, expected: Outcome) -> list[str]:
    lines = [f"  expected: {show(expected.value)}"]
    if outcome.raised:
        lines.append(f"  but your function raised {error_name(outcome.error)}: {outcome.error}")
        if outcome.where:
            lines.append("  where:\n" + outcome.where)
    else:
        lines.append(f"  got:      {show(outcome.value)}")
        lines.append(f"  what is wrong: {_problem(compare, outcome, expected)}")
    return lines

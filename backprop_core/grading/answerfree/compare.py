"""Comparing a student's answer with the reference's, and saying in a few words what is wrong.

Every comparator of the course answers ``compare(got, expected, tolerance) -> str | None``:
None when ``got`` is right within ``tolerance`` (a :class:`Tolerance`), else
what is wrong. How close is close enough is not the comparator's business but
the registry's: each exercise (or property) states its :class:`Tolerance`, by
what it tests. They share one skeleton, :class:`ArrayComparator`: the answer
must be numbers, have the reference's shape, hold no NaN or inf the reference
does not, and be close within the tolerance. A comparator states only what
differs: its subject and words (:func:`part`, :func:`compare_parts`, and the
exercises' own, e.g. per-epoch losses in
:mod:`~backprop_core.grading.exercises.lesson07`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .describe import describe_kind, describe_shape, exact_ratio

__all__ = [
    "RTOL", "ATOL", "FEW_VALUES", "Tolerance", "FLOAT64_ROUNDING", "FLOAT32_ROUNDING", "Compare",
    "ArrayComparator", "part", "compare_parts", "default_compare", "as_numbers", "first_problem",
    "is_low_precision",
]

#: Tolerances of :func:`default_compare` and ``expect_close`` when none is given: float64 rounding only.
RTOL, ATOL = 1e-6, 1e-9
#: An answer with at most this many numbers is shown in full by ``wrong_values_few``.
FEW_VALUES = 12


@dataclass(frozen=True)
class Tolerance:
    """How close a right answer must come to the reference's: ``np.allclose``'s ``rtol`` and ``atol``.

    Attributes
    ----------
    rtol, atol : float
        Relative and absolute tolerance: ``|got - expected| <= atol + rtol * |expected|``
        for every entry.
    float64_because : str
        Empty where any correct computation passes, float32 included. Else
        float64 is required, and this says why, in words a student reads when
        an answer misses the tolerance ("float32 keeps about 7 digits, ...").
    """

    rtol: float
    atol: float
    float64_because: str = ""

    @property
    def float64_required(self) -> bool:
        return bool(self.float64_because)


#: Right up to the rounding of float64 arithmetic done in another order.
FLOAT64_ROUNDING = Tolerance(rtol=RTOL, atol=ATOL)
#: Where precision is not the lesson: a correct computation in float32 passes with a wide margin
#: (float32 keeps about 7 significant digits: a sum of ten products of numbers of order 1 is off by
#: up to ~1e-6), while every known mistake, wrong by far more, still fails.
FLOAT32_ROUNDING = Tolerance(rtol=1e-4, atol=1e-5)

#: ``compare(got, expected, tolerance)``: None when ``got`` is right, else what is wrong in a few words.
Compare = Callable[[Any, Any, Tolerance], "str | None"]

# Template fields with made-up values: every template is tried on them when a
# comparator is made, so a misspelt field fails at import, not in a student's feedback.
_SAMPLE_FIELDS = dict(
    subject="x", what="NaN", got_kind="a str", got_type="str", expected_shape=(2,), got_shape=(3,),
    expected_shape_text="an array of shape (2,)", got_shape_text="an array of shape (3,)",
    largest=1.0, index=(0,), got_entry=1.0, expected_entry=0.0, got_values=[1.0], expected_values=[0.0],
)


@dataclass(frozen=True)
class ArrayComparator:
    """The shared comparison of a number or array answer, with its words as templates.

    In order: ``got`` is not None, is numbers, has the reference's shape,
    holds no NaN or inf where the reference has none, and is ``np.allclose``
    to the reference within the tolerance it is called with. The first check
    that fails is reported with its template.

    Attributes
    ----------
    subject : str
        What is compared, for the templates: "the answer", "hidden", "losses".
    missing, not_numbers, wrong_shape, not_finite, wrong_values : str
        ``str.format`` templates of the five problems, in that order. Fields:
        ``subject``; ``got_kind`` ("a str", "None", "an array of shape (2,) and
        dtype int64") and ``got_type`` ("str"); ``expected_shape``/``got_shape``
        (tuples) and ``expected_shape_text``/``got_shape_text`` ("a single
        number", "an array of shape (3,)"); ``what`` ("NaN" or "inf", in
        ``not_finite``); ``index`` (tuple of ints: the first NaN/inf, or the
        largest difference) with ``got_entry``/``expected_entry``, the values
        there; ``largest``, the largest ``|got - expected|``.
    wrong_values_few : str, optional
        Used instead of ``wrong_values`` when the reference has at most
        :data:`FEW_VALUES` numbers; adds the fields ``got_values`` and
        ``expected_values`` (lists rounded to 6 decimals).
    """

    subject: str = "the answer"
    missing: str = "got None: does the function end with `return`?"
    not_numbers: str = "expected {expected_shape_text}, got {got_kind}"
    wrong_shape: str = "expected {expected_shape_text}, got {got_shape_text}"
    not_finite: str = "{subject} contains {what}"
    wrong_values: str = "wrong values (largest difference {largest:.3g})"
    wrong_values_few: str | None = None

    def __post_init__(self) -> None:
        for template in (self.missing, self.not_numbers, self.wrong_shape, self.not_finite,
                         self.wrong_values, self.wrong_values_few or ""):
            template.format(**_SAMPLE_FIELDS)

    def __call__(self, got: Any, expected: Any, tolerance: Tolerance = FLOAT64_ROUNDING) -> str | None:
        """None when ``got`` matches ``expected`` within ``tolerance``, else the first problem, worded by its template."""
        want = np.asarray(expected, dtype=np.float64)
        fields = dict(subject=self.subject, expected_shape=want.shape, expected_shape_text=describe_shape(want.shape),
                      got_kind=describe_kind(got), got_type=type(got).__name__)
        if got is None:
            return self.missing.format(**fields)
        have = as_numbers(got)
        if have is None:
            return self.not_numbers.format(**fields)
        fields.update(got_shape=have.shape, got_shape_text=describe_shape(have.shape))
        if have.shape != want.shape:
            return self.wrong_shape.format(**fields)
        for what, is_bad in (("NaN", np.isnan), ("inf", np.isinf)):
            if np.any(is_bad(have)) and not np.any(is_bad(want)):
                index = _first(is_bad(have))
                return self.not_finite.format(**fields, **_entry(have, want, index), what=what)
        if np.allclose(have, want, rtol=tolerance.rtol, atol=tolerance.atol, equal_nan=True):
            return None
        # A factor applied twice or forgotten shows as an exact multiple, whatever the case's numbers: say it.
        ratio = exact_ratio(have, want, tolerance.rtol, tolerance.atol)
        tail = f" ({ratio})" if ratio else ""
        if self.wrong_values_few is not None and want.size <= FEW_VALUES:
            values = dict(got_values=np.round(have, 6).tolist(), expected_values=np.round(want, 6).tolist())
            return self.wrong_values_few.format(**fields, **_largest_difference(have, want), **values) + tail
        return self.wrong_values.format(**fields, **_largest_difference(have, want)) + tail


def as_numbers(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array, or None when it is not numbers (None, a str, a dict, ragged lists)."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _entry(have: np.ndarray, want: np.ndarray, index: tuple[int, ...]) -> dict:
    return dict(index=index, got_entry=float(have[index]), expected_entry=float(want[index]))


def _largest_difference(have: np.ndarray, want: np.ndarray) -> dict:
    """``largest`` |have - want| and where it is (``index``, ``got_entry``, ``expected_entry``); shapes equal."""
    if have.size == 0:
        return dict(largest=0.0, index=(), got_entry=float("nan"), expected_entry=float("nan"))
    with np.errstate(invalid="ignore"):  # inf - inf
        gap = np.abs(have - want)
    # Equal entries (inf where inf belongs, NaN where NaN belongs) differ by nothing; any other NaN by the most.
    gap = np.where((have == want) | (np.isnan(have) & np.isnan(want)), 0.0, gap)
    gap = np.where(np.isnan(gap), np.inf, gap)
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), gap.shape))
    return dict(largest=float(gap[index]), **_entry(have, want, index))


def part(name: str, **changes: Any) -> ArrayComparator:
    """An :class:`ArrayComparator` for one named part of an answer ("hidden", "dW"), worded around its name.

    ``changes`` override any attribute (the templates).
    """
    words = dict(
        subject=name,
        missing="{subject} is None: is it computed and returned?",
        not_numbers="{subject} should be an array of numbers, got {got_type}",
        wrong_shape="{subject} should have shape {expected_shape}, got {got_shape}",
        not_finite="{subject} contains {what} at index {index}",
        wrong_values="{subject} is off by up to {largest:.3g}",
        wrong_values_few="{subject} should be {expected_values}, got {got_values}",
    )
    return ArrayComparator(**{**words, **changes})


def compare_parts(*names: str, **changes: Any) -> Compare:
    """A ``compare`` for exercises that return a tuple of arrays, e.g. ``(hidden, output)``.

    Each part must have the reference's shape and agree within the tolerance;
    the message names the first part that does not, with its values when they
    are few and its largest deviation otherwise. ``changes`` go to every
    part's :func:`part` (other words).
    """
    kind = {2: "pair", 3: "triple"}.get(len(names), "tuple")
    parts = [part(name, **changes) for name in names]

    def compare(got: Any, expected: Any, tolerance: Tolerance = FLOAT64_ROUNDING) -> str | None:
        if not isinstance(got, (tuple, list)):
            return f"expected a {kind} ({', '.join(names)}), got {describe_kind(got)}"
        if len(got) != len(names):
            return f"expected a {kind} ({', '.join(names)}), got a {type(got).__name__} of {len(got)}"
        return first_problem(each(g, e, tolerance) for each, g, e in zip(parts, got, expected))

    return compare


def first_problem(problems) -> str | None:
    """The first problem that is not None, or None: the answer is right when all its parts are."""
    return next((problem for problem in problems if problem is not None), None)


_PLAIN = ArrayComparator()


def default_compare(got: Any, expected: Any, tolerance: Tolerance = FLOAT64_ROUNDING) -> str | None:
    """None when ``got`` matches ``expected`` within ``tolerance``, else what is wrong, in a few words.

    Numbers and arrays must have the same shape and be close (by default to
    float64 rounding: ``rtol`` 1e-6, ``atol`` 1e-9); tuples and lists are
    compared item by item.
    """
    if not isinstance(expected, (tuple, list)):
        return _PLAIN(got, expected, tolerance)
    if not isinstance(got, (tuple, list)):
        return f"expected {len(expected)} values (a tuple), got {describe_kind(got)}"
    if len(got) != len(expected):
        return f"expected {len(expected)} values, got {len(got)}"
    return first_problem(
        None if problem is None else f"item {i}: {problem}"
        for i, problem in enumerate(default_compare(g, e, tolerance) for g, e in zip(got, expected))
    )


def is_low_precision(value: Any) -> bool:
    """Whether ``value`` (a number, an array, or a tuple or list of them) holds floats narrower than float64."""
    if isinstance(value, (tuple, list)):
        return any(is_low_precision(item) for item in value)
    dtype = getattr(value, "dtype", None)
    return dtype is not None and dtype.kind == "f" and dtype.itemsize < 8

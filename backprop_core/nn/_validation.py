"""Argument checks shared by the public functions.

Every check raises ``ValueError`` or ``TypeError`` with a message that names
the argument, says what was expected and shows what came, so that a student
who passes the wrong thing learns which thing and why.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:200]


def as_float_array(name: str, value: Any, ndim: tuple[int, ...] | int | None = None) -> np.ndarray:
    """Return ``value`` as a finite float64 array, or raise naming ``name``.

    Parameters
    ----------
    name : str
        The argument's name, used in the error message.
    value : array_like
        Numbers (a scalar, list or array).
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {_describe(value)}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of numbers, got {_describe(value)} ({error})") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {wanted}, got {array.ndim}-D with shape {array.shape}")
    if not np.all(np.isfinite(array)):
        bad = "NaN" if np.any(np.isnan(array)) else "inf"
        raise ValueError(f"{name} must contain only finite numbers, got {bad} in an array of shape {array.shape}")
    return array


def check_positive_number(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {_describe(value)}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def check_positive_int(name: str, value: Any) -> int:
    """Return ``value`` as an int if it is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number >= 1, got {_describe(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def check_choice(name: str, value: Any, choices) -> str:
    """Return ``value`` if it is one of ``choices``."""
    options = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options}, got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_shape(name: str, array: np.ndarray, expected: tuple, what: str = "") -> None:
    """Raise if ``array.shape`` differs from ``expected`` (``None`` matches any size)."""
    if array.ndim != len(expected) or any(e is not None and e != s for e, s in zip(expected, array.shape)):
        shown = "(" + ", ".join("N" if e is None else str(e) for e in expected) + ("," if len(expected) == 1 else "") + ")"
        extra = f" {what}" if what else ""
        raise ValueError(f"{name} must have shape {shown}{extra}, got shape {array.shape}")

"""How values are written in the messages students read: shown in full (cut when long) or named by kind."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

#: Values in messages are cut to this many characters: a 100×100 array would bury the message.
SHOWN_CHARS = 400


def _is_unreadable(value: Any) -> bool:
    """An answer the grader could not read back (:class:`.wire.Unreadable`), known by its type's name: describe
    runs beside the student too (public tests, the student copy), where the wire and its case functions are not."""
    kind = type(value)
    return kind.__name__ == "Unreadable" and kind.__module__.endswith("grading.student_process.wire")


def describe_shape(shape: tuple) -> str:
    """``()`` -> "a single number", ``(3, 1)`` -> "an array of shape (3, 1)"."""
    return "a single number" if shape == () else f"an array of shape {shape}"


def describe_kind(value: Any) -> str:
    """What ``value`` is, in a few words: "None", "a str", "an array of shape (2,) and dtype int64"."""
    if value is None:
        return "None"
    if _is_unreadable(value):  # a value the sandboxed side could not send as data: its type there
        name = value.type_name.removeprefix("builtins.")
        return value.text if name == "int" else f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiouAEIOU' else 'a'} {name}"


def show(value: Any) -> str:
    """``value`` as a student reads it: numbers to 10 significant digits, arrays as ``array([...])`` to 8 decimals.

    Cut to :data:`SHOWN_CHARS` characters; a tuple of arrays is shown item by item.
    """
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, np.ndarray) for v in value):
        return "(" + ", ".join(show(v) for v in value) + ")"
    if isinstance(value, np.ndarray):
        text = "array(" + np.array2string(value, precision=8, separator=", ", threshold=50, prefix="array(") + ")"
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.10g}"
    elif isinstance(value, int) and value.bit_length() > 4 * SHOWN_CHARS:  # repr may refuse (4300 digits)
        text = f"{'a negative' if value < 0 else 'an'} int of about {int(value.bit_length() * 0.30103)} digits"
    else:
        try:
            text = repr(value)
        except Exception:  # noqa: BLE001 (a value of the student's may fail to print)
            text = describe_kind(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + " …"


#: The largest denominator :func:`exact_ratio` names ("exactly 1/8 of the right answer"); past it a
#: factor is too odd to be a slip worth naming.
RATIO_DENOMINATOR = 16
_VULGAR = {Fraction(1, 2): "½", Fraction(1, 4): "¼", Fraction(3, 4): "¾", Fraction(1, 3): "⅓", Fraction(2, 3): "⅔"}


def exact_ratio(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str | None:
    """When ``got`` is exactly a simple multiple k·``expected`` (k ≠ 1, 0), say so: "exactly ¼ of the right answer".

    ``got`` and ``expected`` are float arrays of one shape; "exactly" is within ``rtol``/``atol`` (the property's
    tolerance), and k is a fraction p/q with q ≤ :data:`RATIO_DENOMINATOR`. A factor applied twice or
    forgotten (1/N twice, a missing ½, a flipped sign) shows this way whatever the case's numbers.
    """
    want, have = expected.ravel(), got.ravel()
    scale = float(np.dot(want, want))
    if want.size == 0 or not np.all(np.isfinite(have)) or not np.all(np.isfinite(want)) or scale == 0:
        return None
    k = float(np.dot(have, want)) / scale
    ratio = Fraction(k).limit_denominator(RATIO_DENOMINATOR)
    if ratio in (0, 1) or abs(float(ratio) - k) > 1e-6 * max(1.0, abs(k)):
        return None
    if not np.allclose(have, float(ratio) * want, rtol=rtol, atol=atol):
        return None
    if ratio == -1:
        return "your answer is exactly −1 × the right one: the sign is flipped"
    if 0 < ratio < 1:
        said = f"your answer is exactly {_VULGAR.get(ratio, str(ratio))} of the right one"
        # ½ has many causes (a missing share, a missing 2); 1/k for k ≥ 3 is most often 1/N applied twice.
        return said + (": is a factor such as 1/N applied twice?" if ratio.numerator == 1 and ratio.denominator > 2
                       else "")
    said = f"your answer is exactly {ratio} × the right one"
    return said + (": is a factor such as 1/N or ½ missing?" if ratio.denominator == 1 and ratio > 1 else "")

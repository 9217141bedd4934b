"""How values are written in the messages students read: shown in full (cut when long) or named by kind."""
from __future__ import annotations

from typing import Any

import numpy as np

#: Values in messages are cut to this many characters: a 100×100 array would bury the message.
SHOWN_CHARS = 400


def _is_unreadable(value: Any) -> bool:
    from .wire import Unreadable  # here: wire imports the course's code, describe must stay light

    return isinstance(value, Unreadable)


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

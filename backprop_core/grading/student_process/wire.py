"""Values as plain JSON data, between the grader and the sandboxed process that runs a student's code.

The judge sends each graded case's arguments in; the sandboxed side sends back
what the student's function returned and what became of its arguments. Both
directions use :func:`encode` / :func:`decode` and nothing else: JSON with a
few tagged objects, arrays as raw numbers in base64 — never pickle, so reading
what the student's side wrote can run none of its code.

Tags (a tagged value is a JSON object with exactly one key):

- ``{"ndarray": {"dtype", "shape", "data"}}``: a numeric array (bool, int, float, complex);
  ``{"scalar": <ndarray>}``: a numpy scalar;
- ``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}`` (JSON lists stay lists);
- ``{"network": {"weights", "biases", "activations", "loss"}}``: a :class:`~backprop_core.nn.network.Network`;
- ``{"case_function": {...}}``: a function of :mod:`.case_functions`;
- ``{"unreadable": {"type", "text"}}``: anything else (a class of the student's, an object array):
  decoded as :class:`Unreadable`, which no answer equals.

:func:`decode` checks everything it reads and raises :class:`WireError` on
anything it does not expect.
"""
from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np

from . import case_functions

__all__ = ["Unreadable", "WireError", "decode", "encode"]

#: How deep nested lists, tuples and dicts may go (a deeper value is sent as unreadable).
MAX_DEPTH = 32
_NUMERIC_KINDS = "biufc"
#: Larger ints are sent as unreadable: Python refuses to write ints of more than 4300 digits as text.
MAX_INT_BITS = 14_000
_TEXT_LIMIT = 300


class WireError(ValueError):
    """What the other side sent is not a value this module writes."""


class Unreadable:
    """A value the sending side could not put into plain data: its type's name and a short text.

    It equals nothing, so an answer that comes back as one is wrong, and the
    message shows what it was.
    """

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name, self.text = str(type_name)[:_TEXT_LIMIT], str(text)[:_TEXT_LIMIT]

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"

    def __eq__(self, other: Any) -> bool:
        return False

    __hash__ = None


# ------------------------------------------------------------------ encode
def _short_repr(value: Any) -> str:
    try:
        return repr(value)[:_TEXT_LIMIT]
    except Exception:  # noqa: BLE001 (a student's __repr__ may raise anything)
        return "(its repr failed)"


def _unreadable(value: Any) -> dict:
    kind = type(value)
    return {"unreadable": {"type": f"{kind.__module__}.{kind.__qualname__}", "text": _short_repr(value)}}


def _array(value: np.ndarray) -> dict:
    value = np.array(value, order="C", copy=not value.flags.c_contiguous)  # keeps 0-d arrays 0-d
    return {"ndarray": {"dtype": value.dtype.str, "shape": list(value.shape),
                        "data": base64.b64encode(value.tobytes()).decode("ascii")}}


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data (see the module docstring for the tags)."""
    from backprop_core.nn.network import Network  # here: the module is imported by code that must stay light

    if depth > MAX_DEPTH:
        return {"unreadable": {"type": type(value).__name__, "text": f"nested deeper than {MAX_DEPTH} levels"}}
    if type(value) is int and value.bit_length() > MAX_INT_BITS:  # json cannot write it (4300 digits)
        return {"unreadable": {"type": "int", "text": f"an int of about {int(value.bit_length() * 0.30103)} digits"}}
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value  # json writes nan and inf as NaN and Infinity, and reads them back
    if isinstance(value, np.ndarray):
        return _array(value) if value.dtype.kind in _NUMERIC_KINDS else _unreadable(value)
    if isinstance(value, np.generic):
        return {"scalar": _array(np.asarray(value))} if value.dtype.kind in _NUMERIC_KINDS else _unreadable(value)
    if type(value) is tuple:
        return {"tuple": [encode(item, depth + 1) for item in value]}
    if type(value) is list:
        return [encode(item, depth + 1) for item in value]
    if type(value) is dict:
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if type(value) is Network:
        return {"network": {"weights": encode(list(value.weights), depth + 1),
                            "biases": encode(None if value.biases is None else list(value.biases), depth + 1),
                            "activations": encode(list(value.activations), depth + 1),
                            "loss": value.loss_name}}
    if type(value) in case_functions.KINDS.values():
        return {"case_function": case_functions.to_data(value, lambda v: encode(v, depth + 1))}
    return _unreadable(value)


# ------------------------------------------------------------------ decode
def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise WireError(what)


def _decode_array(data: Any) -> np.ndarray:
    _expect(isinstance(data, dict) and set(data) == {"dtype", "shape", "data"}, "an array needs dtype, shape and data")
    try:
        dtype = np.dtype(data["dtype"])
    except TypeError as error:
        raise WireError(f"an array's dtype must be a numpy dtype, got {data['dtype']!r}") from error
    _expect(dtype.kind in _NUMERIC_KINDS, f"an array's dtype must be numeric, got {dtype}")
    shape = data["shape"]
    _expect(isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape), "an array's shape must be "
            f"a list of sizes, got {shape!r}")
    _expect(isinstance(data["data"], str), "an array's data must be base64 text")
    raw = base64.b64decode(data["data"], validate=True)
    _expect(len(raw) == math.prod(shape) * dtype.itemsize, f"an array of shape {shape} and dtype {dtype} needs "
            f"{math.prod(shape) * dtype.itemsize} bytes, got {len(raw)}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _decode_network(data: Any, depth: int) -> Any:
    from backprop_core.nn.network import Network

    _expect(isinstance(data, dict) and set(data) == {"weights", "biases", "activations", "loss"},
            "a network needs weights, biases, activations and loss")
    parts = {key: decode(data[key], depth + 1) for key in ("weights", "biases", "activations")}
    try:
        return Network(parts["weights"], parts["biases"], parts["activations"], data["loss"])
    except Exception as error:  # noqa: BLE001 (what came may be any odd network)
        return Unreadable("Network", f"a network the grader cannot rebuild ({type(error).__name__}: {error})")


def decode(data: Any, depth: int = 0) -> Any:
    """The value ``data`` (as :func:`encode` writes it) stands for.

    Raises
    ------
    WireError
        ``data`` holds anything :func:`encode` never writes.
    """
    _expect(depth <= MAX_DEPTH + 2, f"values nested deeper than {MAX_DEPTH} levels")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(item, depth + 1) for item in data]
    _expect(type(data) is dict and len(data) == 1, f"expected a value, got {type(data).__name__}")
    (tag, body), = data.items()
    if tag == "ndarray":
        return _decode_array(body)
    if tag == "scalar":
        return _decode_array(body.get("ndarray") if isinstance(body, dict) else None)[()]
    if tag == "tuple":
        _expect(type(body) is list, "a tuple must hold a list")
        return tuple(decode(item, depth + 1) for item in body)
    if tag == "dict":
        _expect(type(body) is list and all(type(p) is list and len(p) == 2 for p in body), "a dict must hold pairs")
        try:
            return {decode(k, depth + 1): decode(v, depth + 1) for k, v in body}
        except TypeError as error:  # an unhashable key
            raise WireError(f"a dict key must be hashable: {error}") from error
    if tag == "network":
        return _decode_network(body, depth)
    if tag == "case_function":
        _expect(type(body) is dict, "a case function must be an object")
        try:
            return case_functions.from_data(body, lambda v: decode(v, depth + 1))
        except (TypeError, ValueError) as error:
            raise WireError(f"a case function: {error}") from error
    if tag == "unreadable":
        _expect(type(body) is dict and set(body) == {"type", "text"}, "an unreadable value needs type and text")
        return Unreadable(body["type"], body["text"])
    raise WireError(f"unknown tag {tag!r}")

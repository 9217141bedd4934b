"""Functions handed to a student's function as arguments of a graded case, as plain data.

Some exercises take a function: ``central_difference(f, x, h)`` differentiates
``f``, ``gradient_descent(grad_fn, ...)`` follows ``grad_fn``. Their random
cases hold one of the records below. Each is numpy only (a hidden test runs
against a build of ``backprop_core`` with parts missing, so a case function
must not need the package) and is described by plain numbers:
:func:`to_data` / :func:`from_data` carry it to the sandboxed process that
runs the student's code and back, as JSON, never as pickle.

One dispatch table, :data:`KINDS`, maps each record's ``kind`` to its class.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

__all__ = ["ArrayFunction", "Curve", "NetworkLossOfW1", "Polynomial", "QuadraticGradient", "KINDS",
           "from_data", "to_data"]


def _rounded(values: np.ndarray) -> list:
    return np.round(np.asarray(values, dtype=float), 3).tolist()


@dataclass(frozen=True, eq=False)
class Polynomial:
    """``f(x) = polyval(coefficients, x)``, a function of one number."""

    coefficients: np.ndarray
    kind = "polynomial"

    def __call__(self, x):
        return float(np.polyval(self.coefficients, x))

    def __repr__(self) -> str:
        return f"<polynomial with coefficients {_rounded(self.coefficients)}>"


#: The curves a :class:`Curve` may name, each a numpy function of one number.
CURVES = {
    "sin": np.sin,
    "tanh": np.tanh,
    "logistic 1/(1 + e^-x)": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "exp": np.exp,
}


@dataclass(frozen=True, eq=False)
class Curve:
    """A named curve of :data:`CURVES`, a function of one number."""

    name: str
    kind = "curve"

    def __post_init__(self) -> None:
        if self.name not in CURVES:
            raise ValueError(f"name must be one of {sorted(CURVES)}, got {self.name!r}")

    def __call__(self, x):
        return float(CURVES[self.name](x))

    def __repr__(self) -> str:
        return f"<{self.name}>"


@dataclass(frozen=True, eq=False)
class QuadraticGradient:
    r"""The gradient :math:`A (w - c)` of the bowl :math:`E(w) = \tfrac12 (w - c)^\top A (w - c)`."""

    A: np.ndarray
    c: np.ndarray
    kind = "quadratic_gradient"

    def __call__(self, w):
        return self.A @ (np.asarray(w, dtype=float) - self.c)

    def __repr__(self) -> str:
        return f"<gradient of ½(w − c)ᵀA(w − c), A={_rounded(self.A)}, c={_rounded(self.c)}>"


#: The scalar functions of an array an :class:`ArrayFunction` may name: (name, f(W, v, A)).
ARRAY_FUNCTIONS = {
    "sum_exp": ("sum(exp(W))", lambda W, v, A: np.sum(np.exp(W))),
    "sum_sin_3w_v": ("sum(sin(3 W) * v)", lambda W, v, A: np.sum(np.sin(3 * W) * v)),
    "quadratic_form": ("w·A·w (a quadratic form)", lambda W, v, A: W.ravel() @ A @ W.ravel()),
    "sum_cube": ("sum(W**3)", lambda W, v, A: np.sum(W ** 3)),
}


@dataclass(frozen=True, eq=False)
class ArrayFunction:
    """A scalar function of an array, one of :data:`ARRAY_FUNCTIONS`, with its vector ``v`` and matrix ``A``."""

    formula: str
    v: np.ndarray
    A: np.ndarray
    kind = "array_function"

    def __post_init__(self) -> None:
        if self.formula not in ARRAY_FUNCTIONS:
            raise ValueError(f"formula must be one of {sorted(ARRAY_FUNCTIONS)}, got {self.formula!r}")

    @property
    def name(self) -> str:
        return ARRAY_FUNCTIONS[self.formula][0]

    def __call__(self, W):
        return float(ARRAY_FUNCTIONS[self.formula][1](np.asarray(W, dtype=float), self.v, self.A))

    def __repr__(self) -> str:
        return f"<{self.name}>"


@dataclass(frozen=True, eq=False)
class NetworkLossOfW1:
    r"""The half squared error of a sigmoid network, as a function of its first weight matrix.

    Written with numpy alone, batch mean of :math:`\tfrac12\sum_j (t_j - a_j)^2`, as
    ``Network.loss`` computes it.
    """

    weights: tuple
    biases: tuple
    x: np.ndarray
    target: np.ndarray
    kind = "network_loss_of_w1"
    name = "a 2-3-2 sigmoid network's loss as a function of W1"

    def __call__(self, W1):
        a = np.asarray(self.x, dtype=float)
        for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
            W = np.asarray(W1, dtype=float) if layer == 0 else W
            a = 1.0 / (1.0 + np.exp(-(a @ W.T + b)))
        return float(0.5 * np.sum((self.target - a) ** 2) / a.shape[0])

    def __repr__(self) -> str:
        return f"<{self.name}>"


#: kind -> record class: the one table :func:`from_data` reads.
KINDS = {cls.kind: cls for cls in (Polynomial, Curve, QuadraticGradient, ArrayFunction, NetworkLossOfW1)}


def to_data(function: Any, encode) -> dict:
    """``{"kind": ..., <field>: encode(value), ...}`` for a record of :data:`KINDS`."""
    return {"kind": function.kind, **{f.name: encode(getattr(function, f.name)) for f in fields(function)}}


def from_data(data: dict, decode) -> Any:
    """The record ``data`` describes.

    Raises
    ------
    ValueError
        ``data`` names no kind of :data:`KINDS`, or its fields are not that kind's.
    """
    kind = data.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    cls = KINDS[kind]
    names = {f.name for f in fields(cls)}
    given = set(data) - {"kind"}
    if given != names:
        raise ValueError(f"a {kind} needs the fields {sorted(names)}, got {sorted(given)}")
    return cls(**{name: decode(data[name]) for name in names})

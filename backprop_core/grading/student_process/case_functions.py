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

__all__ = ["ArrayFunction", "Curve", "Expression", "Graph", "NetworkLossOfW1", "Polynomial", "QuadraticGradient",
           "SoftmaxNetworkGradients", "KINDS", "from_data", "to_data"]


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


#: The steps an :class:`Expression` may take: name -> (arity, how it reads).
EXPRESSION_STEPS = {
    "add": "({a} + {b})", "mul": "{a} * {b}", "add_number": "({a} + {c:g})", "times_number": "{c:g} * {a}",
    "pow": "({a})**{c:g}", "exp": "exp({a})", "tanh": "tanh({a})", "sigmoid": "sigmoid({a})",
}
_NUMBER_FUNCTIONS = {"exp": np.exp, "tanh": np.tanh, "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v))}


@dataclass(frozen=True, eq=False)
class Expression:
    """A small expression of its arguments, written as steps: lesson 10's graded calculations.

    ``steps[k] = (name, i, j_or_number)`` makes node ``n_inputs + k`` from node ``i``
    (the arguments are nodes ``0 … n_inputs − 1``) and node ``j`` ("add", "mul") or a
    plain number ("add_number", "times_number", "pow"); "exp", "tanh", "sigmoid" call
    the method of that name (``node.tanh()``). The last node is the result. Called
    with Values (anything with a ``grad``) it builds their graph with ``+``, ``*``,
    ``**`` and those methods only; called with anything else, it computes the number
    (:meth:`on_numbers`, which lesson 10's builds withhold).
    """

    n_inputs: int
    steps: tuple
    kind = "expression"

    def __call__(self, *args):
        if len(args) != self.n_inputs:
            raise TypeError(f"this expression takes {self.n_inputs} arguments, got {len(args)}")
        if not all(hasattr(a, "grad") for a in args):  # not Values: numbers (or anything else)
            return self.on_numbers(*args)
        return self._evaluate(list(args), lambda name, a: getattr(a, name)())

    def on_numbers(self, *numbers) -> float:
        """The expression's value at plain numbers, with numpy's exp, tanh and sigmoid.

        Withheld (lesson 10's ``Exercise.withheld``) while ``gradients`` and ``descend`` are graded:
        differences of its values (lesson 08's central differences) would stand in for the backward
        rules those exercises grade. Called with numbers there, an expression raises.
        """
        return float(self._evaluate([float(x) for x in numbers],
                                    lambda name, a: float(_NUMBER_FUNCTIONS[name](a))))

    def _evaluate(self, nodes: list, unary):
        """The last node of the steps, from the argument nodes; ``unary(name, node)`` makes exp, tanh, sigmoid."""
        for name, i, other in self.steps:
            a = nodes[int(i)]
            if name == "add":
                nodes.append(a + nodes[int(other)])
            elif name == "mul":
                nodes.append(a * nodes[int(other)])
            elif name == "add_number":
                nodes.append(a + float(other))
            elif name == "times_number":
                nodes.append(a * float(other))
            elif name == "pow":
                nodes.append(a ** float(other))
            elif name in _NUMBER_FUNCTIONS:
                nodes.append(unary(name, a))
            else:
                raise ValueError(f"step name must be one of {sorted(EXPRESSION_STEPS)}, got {name!r}")
        return nodes[-1]

    @property
    def formula(self) -> str:
        """The expression in words, ``tanh(x0 * x1 + 2)``."""
        texts = [f"x{i}" for i in range(self.n_inputs)]
        for name, i, other in self.steps:
            b = texts[int(other)] if name in ("add", "mul") else ""
            c = float(other) if name in ("add_number", "times_number", "pow") else 0.0
            a = texts[int(i)]
            template = "{a}**{c:g}" if name == "pow" and " " not in a else EXPRESSION_STEPS[name]
            texts.append(template.format(a=a, b=b, c=c))
        return texts[-1]

    def __repr__(self) -> str:
        return f"<{self.formula}>"


@dataclass(frozen=True, eq=False)
class Graph:
    """A graph of numbered nodes: ``graph(k)`` lists node ``k``'s parents, ``parents[k]``."""

    parents: tuple
    kind = "graph"

    def __call__(self, node):
        return list(self.parents[int(node)])

    def __repr__(self) -> str:
        return "<graph " + ", ".join(f"{k}←{list(p)}" for k, p in enumerate(self.parents) if len(p)) + ">"


#: kind -> record class: the one table :func:`from_data` reads.
@dataclass(frozen=True, eq=False)
class SoftmaxNetworkGradients:
    """Lesson 09's ``network_gradients``: loss and gradients of a softmax classifier over a batch, numpy only.

    Called as ``gradients(weights, biases, hidden, X, T)`` ("tanh" or "relu" hidden layers, a softmax
    last, the mean cross-entropy); returns ``(loss, weight_gradients, bias_gradients)``. A training loop
    graded with it is graded on its own, whatever the student's ``network_gradients`` does.
    """

    kind = "softmax_network_gradients"

    def __call__(self, weights, biases, hidden, X, T):
        X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
        inputs, nets = [X], []
        for l, (W, b) in enumerate(zip(weights, biases)):
            z = inputs[-1] @ np.asarray(W, dtype=float).T + b
            nets.append(z)
            if l < len(weights) - 1:
                inputs.append(np.tanh(z) if hidden == "tanh" else np.maximum(z, 0.0))
        shifted = nets[-1] - nets[-1].max(axis=1, keepdims=True)
        log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        n = len(X)
        loss = float(-np.sum(T * log_P) / n)
        dZ = (np.exp(log_P) - T) / n
        weight_gradients, bias_gradients = [None] * len(weights), [None] * len(weights)
        for l in range(len(weights) - 1, -1, -1):
            weight_gradients[l] = dZ.T @ inputs[l]
            bias_gradients[l] = dZ.sum(axis=0)
            if l > 0:
                slope = 1.0 - inputs[l] ** 2 if hidden == "tanh" else (nets[l - 1] > 0).astype(float)
                dZ = (dZ @ np.asarray(weights[l], dtype=float)) * slope
        return loss, weight_gradients, bias_gradients

    @property
    def name(self) -> str:
        return "the course's network_gradients"

    def __repr__(self) -> str:
        return "<the course's network_gradients>"


KINDS = {cls.kind: cls for cls in (Polynomial, Curve, QuadraticGradient, ArrayFunction, NetworkLossOfW1, Expression,
                                   Graph, SoftmaxNetworkGradients)}


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

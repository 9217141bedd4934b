r"""A scalar autograd engine, the reference of lesson 10 (in the spirit of Karpathy's micrograd).

A :class:`Value` holds one number (``data``), the derivative of the final result
with respect to it (``grad``, filled in by :meth:`Value.backward`), the values it
was computed from (``parents``) and a ``_backward`` closure. Each operation
builds its result *and* the closure that carries the result's gradient back to
its parents; every backward rule sits right under its forward computation.

:meth:`Value.backward` sorts the graph so that every value comes after its
parents (:func:`topological_order`), sets the result's gradient to 1 and runs
the closures from the result back to the inputs. Every closure *adds* to its
parents' ``grad``: a value used twice collects a contribution from each use.

Pure Python and :mod:`math`: nothing here imports the rest of the package.
"""
from __future__ import annotations

import math
from typing import Callable, Hashable, Iterable

__all__ = ["Value", "topological_order", "zero_grad", "gradients", "descend"]


class Value:
    """One number in a computation, with its gradient and how it was made.

    Parameters
    ----------
    data : float
    parents : tuple of Value
        The values this one was computed from (empty for an input).
    op : str
        The operation that made it ("+", "×", "**2", "exp", "tanh", "σ"), for drawings.
    label : str
        A name for drawings ("x1", "w5").

    Attributes
    ----------
    data : float
    grad : float
        dResult/dThis after the result's :meth:`backward`; 0.0 before.
    parents : tuple of Value
    op, label : str
    """

    def __init__(self, data: float, parents: tuple = (), op: str = "", label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError(f"data must be a number, got a Value ({data!r}); use it directly")
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = op
        self.label = label
        self._backward: Callable[[], None] = lambda: None

    def __repr__(self) -> str:
        name = f"{self.label}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------ operations
    def __add__(self, other) -> "Value":
        other = as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            # d(a + b)/da = 1 and d(a + b)/db = 1: the gradient passes through unchanged.
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other) -> "Value":
        other = as_value(other)
        out = Value(self.data * other.data, (self, other), "×")

        def _backward():
            # d(a·b)/da = b and d(a·b)/db = a: each factor gets the other one.
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent) -> "Value":
        if not isinstance(exponent, (int, float)):
            raise TypeError(f"exponent must be a plain number (int or float), got {type(exponent).__name__}")
        out = Value(self.data ** exponent, (self,), f"**{exponent:g}")

        def _backward():
            # d(a^k)/da = k·a^(k−1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self) -> "Value":
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            # d(e^a)/da = e^a, the result itself
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def tanh(self) -> "Value":
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            # d tanh(a)/da = 1 − tanh(a)²
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self) -> "Value":
        s = 1.0 / (1.0 + math.exp(-self.data)) if self.data >= 0 else math.exp(self.data) / (1.0 + math.exp(self.data))
        out = Value(s, (self,), "σ")

        def _backward():
            # dσ(a)/da = σ(a)(1 − σ(a))
            self.grad += out.data * (1.0 - out.data) * out.grad
        out._backward = _backward
        return out

    # Built from the operations above, so they need no backward rule of their own.
    def __neg__(self) -> "Value":
        return self * -1.0

    def __sub__(self, other) -> "Value":
        return self + (-as_value(other))

    def __rsub__(self, other) -> "Value":
        return as_value(other) + (-self)

    def __truediv__(self, other) -> "Value":
        return self * as_value(other) ** -1

    def __radd__(self, other) -> "Value":
        return self + other

    def __rmul__(self, other) -> "Value":
        return self * other

    # ------------------------------------------------------------------ backward pass
    def backward(self) -> None:
        """Fill in ``grad`` of every value this one was computed from (and its own: 1.0).

        Gradients are *added*: call :func:`zero_grad` first when the values were used before.
        """
        order = topological_order(self, lambda v: v.parents)
        self.grad = 1.0
        for node in reversed(order):    # the result first, every value after all the values made from it
            node._backward()


def as_value(x) -> Value:
    """``x`` itself if it is a :class:`Value`, else a new constant Value holding the number ``x``."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"expected a Value or a number, got {type(x).__name__} ({x!r})")
    return Value(x)


def topological_order(root: Hashable, parents_of: Callable[[Hashable], Iterable]) -> list:
    """Every node ``root`` depends on, and ``root``, each after all its parents.

    Depth first from ``root``, visiting a node's parents in the order ``parents_of``
    lists them, each node once; a node goes into the list once all its parents are in.

    Parameters
    ----------
    root : hashable
        The last node (a result, or a node number).
    parents_of : callable node -> iterable of nodes

    Returns
    -------
    list
        ``root`` last; every node after all its parents.
    """
    order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for parent in parents_of(node):
            visit(parent)
        order.append(node)

    visit(root)
    return order


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad`` of each of ``values`` back to 0.0 (before another backward pass)."""
    for value in values:
        value.grad = 0.0


def gradients(f: Callable, inputs: Iterable[float]) -> list[float]:
    """The gradient of ``f`` at ``inputs``: one Value per number, ``f`` of them, backward.

    Parameters
    ----------
    f : callable
        Takes one Value per input and returns a Value.
    inputs : iterable of float

    Returns
    -------
    list of float
        dF/dInput for each input, in order.
    """
    values = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    f(*values).backward()
    return [v.grad for v in values]


def descend(f: Callable, start: Iterable[float], learning_rate: float, steps: int) -> list[float]:
    """Gradient descent on ``f`` with Values kept from step to step.

    One Value per number of ``start``, made once; each step zeroes their gradients,
    runs ``f`` and its backward pass, and moves each value against its gradient.

    Returns
    -------
    list of float
        The values after ``steps`` steps.
    """
    values = [Value(x, label=f"x{i}") for i, x in enumerate(start)]
    for _ in range(steps):
        zero_grad(values)
        f(*values).backward()
        for v in values:
            v.data -= learning_rate * v.grad
    return [v.data for v in values]

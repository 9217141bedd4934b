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

On top of it, micrograd's small network: a :class:`Neuron` (tanh of a weighted sum
plus a bias, or the sum alone), a :class:`Layer` of them and an :class:`MLP` of
layers, each with ``parameters()``, and :func:`training_step` (zero the
parameters' gradients, backward, step against them).

Pure Python, :mod:`math` and :mod:`random`: nothing here imports the rest of the package.
"""
from __future__ import annotations

import math
import random
from typing import Callable, Hashable, Iterable

__all__ = ["Value", "topological_order", "zero_grad", "gradients", "descend", "Neuron", "Layer", "MLP",
           "squared_error", "training_step", "network_output", "train_network"]


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


# ---------------------------------------------------------------------- a network of Values
class Neuron:
    """tanh(w · x + b) on Values (or w · x + b alone, ``nonlinear=False``: an output neuron).

    Parameters
    ----------
    n_inputs : int
    nonlinear : bool
        True: tanh of the sum; False: the sum itself.

    Attributes
    ----------
    w : list of Value, length n_inputs
        Drawn uniformly from [−1, 1] by :mod:`random` (seed it for a repeatable network).
    b : Value
        0.0 to start with.
    """

    def __init__(self, n_inputs: int, nonlinear: bool = True) -> None:
        self.w = [Value(random.uniform(-1.0, 1.0)) for _ in range(n_inputs)]
        self.b = Value(0.0)
        self.nonlinear = nonlinear

    def __call__(self, x) -> Value:
        """The neuron's output for ``x``, a list of n_inputs Values or numbers."""
        if len(x) != len(self.w):
            raise ValueError(f"this neuron takes {len(self.w)} inputs, got {len(x)}")
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z.tanh() if self.nonlinear else z

    def parameters(self) -> list:
        """Its weights, then its bias: n_inputs + 1 Values."""
        return self.w + [self.b]


class Layer:
    """``n_outputs`` neurons that all read the same inputs."""

    def __init__(self, n_inputs: int, n_outputs: int, nonlinear: bool = True) -> None:
        self.neurons = [Neuron(n_inputs, nonlinear) for _ in range(n_outputs)]

    def __call__(self, x) -> list:
        """One output Value per neuron, in order."""
        return [neuron(x) for neuron in self.neurons]

    def parameters(self) -> list:
        """Every neuron's parameters, neuron after neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """Layers of neurons, tanh in every layer but the last (whose outputs are sums, any size).

    Parameters
    ----------
    n_inputs : int
    layer_sizes : list of int
        How many neurons each layer has, the output layer last: ``[4, 4, 1]``.
    """

    def __init__(self, n_inputs: int, layer_sizes) -> None:
        sizes = [n_inputs] + list(layer_sizes)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlinear=i < len(layer_sizes) - 1)
                       for i in range(len(layer_sizes))]

    def __call__(self, x) -> list:
        """The output layer's Values (a list, even of one) for ``x``, a list of n_inputs Values or numbers."""
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list:
        """Every layer's parameters, the first layer first."""
        return [p for layer in self.layers for p in layer.parameters()]


def squared_error(model: MLP, xs, ys) -> Value:
    """Σ over samples and outputs of (output − target)²: the loss of the lesson's training.

    ``xs``: the samples (lists of numbers); ``ys``: each sample's targets (one list per sample).
    """
    total = Value(0.0)
    for x, y in zip(xs, ys):
        for out, target in zip(model(x), y):
            total = total + (out - target) ** 2
    return total


def training_step(model: MLP, xs, ys, learning_rate: float) -> float:
    """One step of gradient descent on ``model``'s parameters; the loss before the step.

    Zero every parameter's grad, compute the loss (a new graph: its other Values start at 0),
    backward, and move each parameter against its gradient.
    """
    parameters = model.parameters()
    zero_grad(parameters)
    loss = squared_error(model, xs, ys)
    loss.backward()
    for p in parameters:
        p.data -= learning_rate * p.grad
    return loss.data


def _set_parameters(model: MLP, numbers) -> None:
    parameters = model.parameters()
    if len(parameters) != len(numbers):
        raise ValueError(f"this network has {len(parameters)} parameters (its parameters() lists them), "
                         f"got {len(numbers)} numbers")
    for p, number in zip(parameters, numbers):
        p.data = float(number)


def network_output(n_inputs: int, layer_sizes, parameters, x) -> list[float]:
    """The outputs of ``MLP(n_inputs, layer_sizes)`` with ``parameters`` (in parameters()'s order) at ``x``."""
    model = MLP(n_inputs, layer_sizes)
    _set_parameters(model, parameters)
    return [out.data for out in model([Value(v) for v in x])]


def train_network(n_inputs: int, layer_sizes, parameters, xs, ys, learning_rate: float, steps: int) -> list[float]:
    """The parameters of ``MLP(n_inputs, layer_sizes)``, starting at ``parameters``, after ``steps`` training steps."""
    model = MLP(n_inputs, layer_sizes)
    _set_parameters(model, parameters)
    for _ in range(steps):
        training_step(model, xs, ys, learning_rate)
    return [p.data for p in model.parameters()]

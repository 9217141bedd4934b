"""A real notebook's leftovers: debug prints to stderr in the backward pass and in descend, a
helper to zero gradients in the descend cell, the question's answer worked out in a comment, and
the topological_order solution cell copied in JupyterLab (metadata and all).
"""

# %% topological_order
def topological_order(root, parents_of):
    visited = set()
    result = []

    def dfs(n):
        visited.add(n)
        for p in parents_of(n):
            if p not in visited:
                dfs(p)
        result.append(n)   # post-order

    dfs(root)
    return result


# %% copy of solution_topological_order


# %% backward_order_option
def backward_order_option():
    choice = "B"   # result first: a grad is complete once every value made from it has run
    return choice


# %% predicted_grad_of_reused_value
def predicted_grad_of_reused_value():
    # d(x*x)/dx = 2*3 = 6, plus 1 from "+ x"
    answer = 6.0 + 1.0
    return answer


# %% gradients
import math
import sys


def as_value(x):
    return x if isinstance(x, Value) else Value(x)


class Value:
    def __init__(self, data, parents=(), op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = op
        self.label = label
        self._backward = lambda: None

    def __add__(self, other):
        other = as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = as_value(other)
        out = Value(self.data * other.data, (self, other), "×")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n):
        out = Value(self.data ** n, (self,), f"^{n}")

        def _backward():
            self.grad += (n * self.data ** (n - 1)) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward():
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        if self.data >= 0:
            s = 1 / (1 + math.exp(-self.data))
        else:
            s = math.exp(self.data) / (1 + math.exp(self.data))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        order = topological_order(self, lambda v: v.parents)
        print(f"backward over {len(order)} values", file=sys.stderr)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-as_value(other))


def gradients(f, inputs):
    vals = [Value(v) for v in inputs]
    out = f(*vals)
    out.backward()
    return [float(v.grad) for v in vals]


# %% descend
def zero_grads(values):
    for v in values:
        v.grad = 0.0


def descend(f, start, learning_rate, steps):
    vals = list(map(Value, start))
    for i in range(steps):
        zero_grads(vals)
        loss = f(*vals)
        loss.backward()
        print(f"step {i}: loss {loss.data:.4f}", file=sys.stderr)
        for v in vals:
            v.data += -learning_rate * v.grad
    return [v.data for v in vals]

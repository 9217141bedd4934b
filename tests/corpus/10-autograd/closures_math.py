"""Closures as in the lesson but written another way: the sigmoid from tanh (σ(s) = (1 + tanh(s/2))/2),
exp as math.e ** s, the topological order with a list of visited nodes searched by identity, and
gradients and descend with index loops.
"""

# %% topological_order
def topological_order(root, parents_of):
    seen = []
    order = []

    def place(node):
        if any(node is other or node == other for other in seen):
            return
        seen.append(node)
        for p in list(parents_of(node)):
            place(p)
        order.append(node)

    place(root)
    return order


# %% backward_order_option
def backward_order_option():
    return "(B)"


# %% predicted_grad_of_reused_value
def predicted_grad_of_reused_value():
    return 7


# %% gradients
import math


def as_value(x):
    if isinstance(x, Value):
        return x
    return Value(x)


class Value:
    def __init__(self, data, parents=(), op="", label=""):
        self.data, self.grad = float(data), 0.0
        self.parents, self.op, self.label = tuple(parents), op, label
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
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            grad_self = other.data * out.grad
            grad_other = self.data * out.grad
            self.grad = self.grad + grad_self
            other.grad = other.grad + grad_other
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,), "pow")

        def _backward():
            self.grad += out.grad * k * self.data ** (k - 1)
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.e ** self.data, (self,), "exp")

        def _backward():
            self.grad += out.grad * out.data
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += out.grad * (1 - t) * (1 + t)
        out._backward = _backward
        return out

    def sigmoid(self):
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += out.grad * s * (1 - s)
        out._backward = _backward
        return out

    def backward(self):
        order = topological_order(self, lambda v: v.parents)
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
    xs = []
    for k in range(len(inputs)):
        xs.append(Value(inputs[k]))
    f(*xs).backward()
    grads = []
    for k in range(len(xs)):
        grads.append(xs[k].grad)
    return grads


# %% descend
def descend(f, start, learning_rate, steps):
    params = [Value(float(s)) for s in start]
    step = 0
    while step < steps:
        for p in params:
            p.grad = 0.0
        loss = f(*params)
        loss.backward()
        for k in range(len(params)):
            params[k].data -= learning_rate * params[k].grad
        step += 1
    return [float(p.data) for p in params]

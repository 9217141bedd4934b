"""No recursion: the topological order built with an explicit stack of (node, parents left to visit).
The backward rules go through one helper that hands each parent its local derivative times the
output's grad; gradients and descend keep the Values in a dict keyed by position.
"""

# %% topological_order
def topological_order(root, parents_of):
    order, placed = [], {root}
    stack = [(root, iter(parents_of(root)))]
    while stack:
        node, parents_left = stack[-1]
        for parent in parents_left:
            if parent not in placed:
                placed.add(parent)
                stack.append((parent, iter(parents_of(parent))))
                break
        else:                      # every parent is in the list: the node may follow
            stack.pop()
            order.append(node)
    return order


# %% backward_order_option
def backward_order_option():
    return "b"


# %% predicted_grad_of_reused_value
def predicted_grad_of_reused_value():
    x = 3.0
    return 2 * x + 1               # x·x gives 2x, the + x gives 1


# %% gradients
import math


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

    def _with_rule(self, data, parents, op, local_slopes):
        """A new Value whose backward rule gives parent k local_slopes()[k] times its grad."""
        out = Value(data, parents, op)

        def _backward():
            for parent, slope in zip(parents, local_slopes(out)):
                parent.grad += slope * out.grad
        out._backward = _backward
        return out

    def __add__(self, other):
        other = as_value(other)
        return self._with_rule(self.data + other.data, (self, other), "+", lambda out: (1.0, 1.0))

    def __mul__(self, other):
        other = as_value(other)
        return self._with_rule(self.data * other.data, (self, other), "×", lambda out: (other.data, self.data))

    def __pow__(self, k):
        return self._with_rule(self.data ** k, (self,), "**", lambda out: (k * self.data ** (k - 1),))

    def exp(self):
        return self._with_rule(math.exp(self.data), (self,), "exp", lambda out: (out.data,))

    def tanh(self):
        return self._with_rule(math.tanh(self.data), (self,), "tanh", lambda out: (1.0 - out.data * out.data,))

    def sigmoid(self):
        return self._with_rule(1.0 / (1.0 + math.exp(-self.data)), (self,), "σ",
                               lambda out: (out.data * (1.0 - out.data),))

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
    values = {i: Value(x) for i, x in enumerate(inputs)}
    result = f(*values.values())
    result.backward()
    return [values[i].grad for i in range(len(values))]


# %% descend
def descend(f, start, learning_rate, steps):
    values = {i: Value(x) for i, x in enumerate(start)}
    for step in range(steps):
        for v in values.values():
            v.grad = 0
        f(*values.values()).backward()
        for v in values.values():
            v.data = v.data - learning_rate * v.grad
    return [values[i].data for i in range(len(values))]


# %% predicted_grad_after_two_backward_passes
def predicted_grad_after_two_backward_passes():
    return 20


# %% network_output
import itertools
import random


class Module:
    # micrograd's base class: zero_grad for every part of the network
    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    def __init__(self, n_inputs, nonlinear=True):
        self.w = [Value(random.uniform(-1.0, 1.0)) for _ in range(n_inputs)]
        self.b = Value(0.0)
        self.nonlinear = nonlinear

    def __call__(self, x):
        z = sum(map(lambda pair: pair[0] * pair[1], zip(self.w, x)), self.b)
        return z.tanh() if self.nonlinear else z

    def parameters(self):
        return [*self.w, self.b]


class Layer(Module):
    def __init__(self, n_inputs, n_outputs, nonlinear=True):
        self.neurons = [Neuron(n_inputs, nonlinear=nonlinear) for _ in range(n_outputs)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return list(itertools.chain.from_iterable(n.parameters() for n in self.neurons))


class MLP(Module):
    def __init__(self, n_inputs, layer_sizes):
        ins = [n_inputs, *layer_sizes[:-1]]
        flags = [True] * (len(layer_sizes) - 1) + [False]
        self.layers = [Layer(i, o, f) for i, o, f in zip(ins, layer_sizes, flags)]

    def __call__(self, x):
        stack = list(reversed(self.layers))
        while stack:
            x = stack.pop()(x)
        return x

    def parameters(self):
        return list(itertools.chain.from_iterable(layer.parameters() for layer in self.layers))


def set_parameters(model, numbers):
    for p, number in zip(model.parameters(), numbers, strict=True):
        p.data = float(number)


def network_output(n_inputs, layer_sizes, parameters, x):
    model = MLP(n_inputs, list(layer_sizes))
    set_parameters(model, parameters)
    inputs = {i: Value(v) for i, v in enumerate(x)}
    return [out.data for out in model(list(inputs.values()))]


# %% which_grads_to_zero_option
def which_grads_to_zero_option():
    return ("A", "B", "C")[1]


# %% train_network
def training_step(model, xs, ys, learning_rate):
    for p in model.parameters():
        p.grad = 0.0
    errors = [(out - target) * (out - target) for x, y in zip(xs, ys) for out, target in zip(model(x), y)]
    loss = sum(errors[1:], errors[0])
    loss.backward()
    for p in model.parameters():
        p.data += -learning_rate * p.grad
    return loss.data


def train_network(n_inputs, layer_sizes, parameters, xs, ys, learning_rate, steps):
    model = MLP(n_inputs, layer_sizes)
    set_parameters(model, parameters)
    losses = [training_step(model, xs, ys, learning_rate) for _ in range(steps)]
    return list(map(lambda p: p.data, model.parameters()))

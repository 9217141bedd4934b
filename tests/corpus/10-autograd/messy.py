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


# %% predicted_grad_after_two_backward_passes
def predicted_grad_after_two_backward_passes():
    # pass 1: f.grad 1, y.grad 1, x.grad 1 + 2*3*1 = 7
    # pass 2: f.grad = 1 again, y.grad 1 + 1 = 2, x.grad 7 + 1 = 8, then y's rule: 8 + 2*3*2 = 20
    x = 20.0
    return x


# %% network_output
import random


class Neuron:
    def __init__(self, n_inputs, nonlinear=True):
        self.w = [Value(random.uniform(-1, 1), label=f"w{i}") for i in range(n_inputs)]
        self.b = Value(0.0, label="b")
        self.nonlinear = nonlinear

    def __call__(self, x):
        # print("neuron in:", x, file=sys.stderr)
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        out = z.tanh() if self.nonlinear else z
        return out

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{'Tanh' if self.nonlinear else 'Linear'}Neuron({len(self.w)})"


class Layer:
    def __init__(self, n_inputs, n_outputs, nonlinear=True):
        self.neurons = [Neuron(n_inputs, nonlinear) for _ in range(n_outputs)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, n_inputs, layer_sizes):
        sz = [n_inputs] + layer_sizes
        self.layers = [Layer(sz[i], sz[i + 1], nonlinear=(i != len(layer_sizes) - 1)) for i in range(len(layer_sizes))]
        print("MLP", [len(l.neurons) for l in self.layers], file=sys.stderr)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def set_parameters(model, numbers):
    """Set model's parameters to `numbers`, in the order of model.parameters()."""
    parameters = model.parameters()
    if len(parameters) != len(numbers):
        raise ValueError(f"this network has {len(parameters)} parameters, got {len(numbers)} numbers")
    for p, number in zip(parameters, numbers):
        p.data = float(number)


def network_output(n_inputs, layer_sizes, parameters, x):
    """The outputs of MLP(n_inputs, layer_sizes) with the given parameters at the input x, as numbers."""
    model = MLP(n_inputs, layer_sizes)
    set_parameters(model, parameters)
    outs = model([Value(v, label=f"x{i}") for i, v in enumerate(x)])
    print("outputs:", outs, file=sys.stderr)
    return [out.data for out in outs]


# %% which_grads_to_zero_option
def which_grads_to_zero_option():
    # the forward pass makes new intermediate Values every step, so only the parameters
    return "b".upper()


# %% train_network
def training_step(model, xs, ys, learning_rate):
    params = model.parameters()
    zero_grads(params)                # the helper of the descend cell
    loss = Value(0.0)
    for x, y in zip(xs, ys):
        for out, target in zip(model(x), y):
            loss = loss + (out - target) ** 2
    loss.backward()
    print(f"loss {loss.data:.4f}", file=sys.stderr)
    for p in params:
        p.data += -learning_rate * p.grad
    return loss.data


def train_network(n_inputs, layer_sizes, parameters, xs, ys, learning_rate, steps):
    """The parameters of MLP(n_inputs, layer_sizes), started at `parameters`, after `steps` training steps."""
    model = MLP(n_inputs, layer_sizes)
    set_parameters(model, parameters)
    for i in range(steps):
        loss = training_step(model, xs, ys, learning_rate)
        # print(i, loss)
    return [p.data for p in model.parameters()]

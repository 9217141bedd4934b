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


# %% predicted_grad_after_two_backward_passes
def predicted_grad_after_two_backward_passes():
    first = 1 + 2 * 3           # x.grad after the first pass
    return first + 1 + 2 * 3 * 2


# %% network_output
import random


class Neuron:
    def __init__(self, n_inputs, nonlinear=True):
        self.w = []
        for i in range(n_inputs):
            self.w.append(Value(random.uniform(-1, 1)))
        self.b = Value(0)
        self.nonlinear = nonlinear

    def __call__(self, x):
        act = self.b
        for i in range(len(self.w)):
            act = act + self.w[i] * x[i]
        if self.nonlinear:
            return act.tanh()
        return act

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, n_inputs, n_outputs, nonlinear=True):
        self.neurons = []
        for j in range(n_outputs):
            self.neurons.append(Neuron(n_inputs, nonlinear))

    def __call__(self, x):
        outs = []
        for n in self.neurons:
            outs.append(n(x))
        return outs

    def parameters(self):
        params = []
        for n in self.neurons:
            params += n.parameters()
        return params


class MLP:
    def __init__(self, n_inputs, layer_sizes):
        self.layers = []
        previous = n_inputs
        for i in range(len(layer_sizes)):
            last = i == len(layer_sizes) - 1
            self.layers.append(Layer(previous, layer_sizes[i], nonlinear=not last))
            previous = layer_sizes[i]

    def __call__(self, x):
        for i in range(len(self.layers)):
            x = self.layers[i](x)
        return x

    def parameters(self):
        params = []
        for layer in self.layers:
            params += layer.parameters()
        return params


def set_parameters(model, numbers):
    parameters = model.parameters()
    for i in range(len(parameters)):
        parameters[i].data = float(numbers[i])


def network_output(n_inputs, layer_sizes, parameters, x):
    model = MLP(n_inputs, layer_sizes)
    set_parameters(model, parameters)
    outs = model([Value(x[i]) for i in range(len(x))])
    numbers = []
    for i in range(len(outs)):
        numbers.append(outs[i].data)
    return numbers


# %% which_grads_to_zero_option
def which_grads_to_zero_option():
    answer = "B"
    return answer


# %% train_network
def training_step(model, xs, ys, learning_rate):
    params = model.parameters()
    for i in range(len(params)):
        params[i].grad = 0.0
    loss = Value(0.0)
    for k in range(len(xs)):
        outs = model(xs[k])
        for j in range(len(outs)):
            loss = loss + (outs[j] - ys[k][j]) ** 2
    loss.backward()
    for i in range(len(params)):
        params[i].data = params[i].data - learning_rate * params[i].grad
    return loss.data


def train_network(n_inputs, layer_sizes, parameters, xs, ys, learning_rate, steps):
    model = MLP(n_inputs, layer_sizes)
    set_parameters(model, parameters)
    step = 0
    while step < steps:
        training_step(model, xs, ys, learning_rate)
        step += 1
    params = model.parameters()
    return [params[i].data for i in range(len(params))]

"""Issue 9, items 3 and 4: grading goes by values, at tolerances chosen by what each exercise teaches.

- Item 3: numpy's usual numerics decide; a right, finite answer earns the point even when numpy
  warned on the way (the np.where sigmoid), an inf/NaN answer loses it with the overflow explained;
  warnings and stderr writes inside the student's function never reach stderr.
- Item 4: every exercise's tolerance is in the registry. Where precision is not the lesson, a correct
  float32 computation (below, one per exercise: the same maths with float32 throughout) passes; where
  it is (central differences, lesson 08), float64 is required and the message says why.
"""
from __future__ import annotations

import dataclasses
import sys
import warnings

import numpy as np
import pytest

from backprop_core import grading
from backprop_core.grading import exercises
from backprop_core.grading.answerfree.compare import FLOAT32_ROUNDING, Tolerance

F32 = np.float32


def f32(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float32)


# ------------------------------------------------------------------ float32 versions of every exercise
def _sigmoid(z):
    z = f32(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, F32(1) / (F32(1) + e), e / (F32(1) + e))


_ACTIVATIONS32 = {
    "sigmoid": (_sigmoid, lambda a: a * (F32(1) - a)),
    "tanh": (np.tanh, lambda a: F32(1) - a * a),
    "identity": (lambda z: z, np.ones_like),
}


def half_squared_error(output, target):
    diff = f32(target) - f32(output)
    return F32(0.5) * np.sum(diff * diff) / F32(1 if diff.ndim == 1 else diff.shape[0])


def linear_layer(x, W):
    return f32(x) @ f32(W).T


def forward_linear(x, W1, W2):
    hidden = f32(x) @ f32(W1).T
    return hidden, hidden @ f32(W2).T


def gradient_step(w, gradient, learning_rate):
    return f32(w) - F32(learning_rate) * f32(gradient)


def linear_output_gradient(hidden, output, target):
    return np.outer(f32(output) - f32(target), f32(hidden))


def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    w = f32(w_start).copy()
    path = [w]
    for _ in range(n_steps):
        w = w - F32(learning_rate) * f32(grad_fn(w))
        path.append(w)
    return np.array(path)


def sigmoid(z):
    return _sigmoid(z)


def sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (F32(1) - s)


def g_prime(w):
    s = _sigmoid(F32(2) * f32(w))
    return F32(2) * s * (F32(1) - s)


def central_difference(f, x, h=1e-5):
    x, h = F32(x), F32(h)
    return (F32(f(x + h)) - F32(f(x - h))) / (F32(2) * h)


def output_delta(z, target):
    a = _sigmoid(z)
    return (a - f32(target)) * a * (F32(1) - a)


def output_weight_gradient(delta, a_prev):
    return np.outer(f32(delta), f32(a_prev))


def update_output_weights(W, delta, a_prev, learning_rate):
    return f32(W) - F32(learning_rate) * np.outer(f32(delta), f32(a_prev))


def hidden_delta(z, W_next, delta_next):
    a = _sigmoid(z)
    return a * (F32(1) - a) * (f32(W_next).T @ f32(delta_next))


def backprop_step(W1, b1, W2, b2, x, target, learning_rate):
    W1, b1, W2, b2, x, target = (f32(v) for v in (W1, b1, W2, b2, x, target))
    hidden = _sigmoid(W1 @ x + b1)
    output = _sigmoid(W2 @ hidden + b2)
    delta_out = (output - target) * output * (F32(1) - output)
    delta_hidden = hidden * (F32(1) - hidden) * (W2.T @ delta_out)
    rate = F32(learning_rate)
    return W1 - rate * np.outer(delta_hidden, x), W2 - rate * np.outer(delta_out, hidden)


def dense_forward(x, W, b):
    z = f32(x) @ f32(W).T
    return z if b is None else z + f32(b)


def dense_backward(dz, x, W):
    dz, x, W = f32(dz), f32(x), f32(W)
    return dz @ W, dz.T @ x, dz.sum(axis=0)


def two_layer_backward(dz2, x, W1, z1, a1, W2):
    da1, dW2, db2 = dense_backward(dz2, a1, W2)
    a1 = f32(a1)
    _, dW1, db1 = dense_backward(da1 * a1 * (F32(1) - a1), x, W1)
    return dW1, db1, dW2, db2


def train_online(net, X, T, learning_rate, epochs):
    weights, biases = [f32(W) for W in net.weights], [f32(b) for b in net.biases]
    steps = [_ACTIVATIONS32[name] for name in net.activations]
    rate, losses = F32(learning_rate), np.zeros(epochs, dtype=np.float32)
    for epoch in range(epochs):
        for x, target in zip(f32(X), f32(T)):
            activations = [x]
            for W, b, (act, _) in zip(weights, biases, steps):
                activations.append(act(W @ activations[-1] + b))
            losses[epoch] += F32(0.5) * np.sum((target - activations[-1]) ** 2) / F32(len(X))
            delta = activations[-1] - target
            for layer in reversed(range(len(weights))):
                delta = delta * steps[layer][1](activations[layer + 1])
                gradient_W, gradient_b = np.outer(delta, activations[layer]), delta
                delta = weights[layer].T @ delta
                weights[layer] = weights[layer] - rate * gradient_W
                biases[layer] = biases[layer] - rate * gradient_b
    for layer in range(len(weights)):  # the exercise trains net: write the float32 weights back
        net.weights[layer][...], net.biases[layer][...] = weights[layer], biases[layer]
    return losses


def minibatches(X, T, batch_size, rng):
    X, T = f32(X), f32(T)
    order = np.arange(len(X)) if rng is None else np.random.default_rng(rng).permutation(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], T[rows]


def train_minibatch(net, X, T, learning_rate, epochs, batch_size, seed):
    weights, biases = [f32(W) for W in net.weights], [f32(b) for b in net.biases]
    steps = [_ACTIVATIONS32[name] for name in net.activations]
    rate, losses = F32(learning_rate), np.zeros(epochs, dtype=np.float32)
    for epoch in range(epochs):
        for X_batch, T_batch in minibatches(X, T, batch_size, rng=seed + epoch):
            activations = [X_batch]
            for W, b, (act, _) in zip(weights, biases, steps):
                activations.append(act(activations[-1] @ W.T + b))
            losses[epoch] += F32(0.5) * np.sum((T_batch - activations[-1]) ** 2)
            dz = (activations[-1] - T_batch) / F32(len(X_batch))
            for layer in reversed(range(len(weights))):
                dz = dz * steps[layer][1](activations[layer + 1])
                dW, db = dz.T @ activations[layer], dz.sum(axis=0)
                dz = dz @ weights[layer]
                weights[layer], biases[layer] = weights[layer] - rate * dW, biases[layer] - rate * db
        losses[epoch] /= F32(len(X))
    for layer in range(len(weights)):  # the exercise trains net: write the float32 weights back
        net.weights[layer][...], net.biases[layer][...] = weights[layer], biases[layer]
    return losses


def numerical_gradient(f, W, h=1e-5):
    W, h = f32(W).copy(), F32(h)
    grad = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        old = W[index]
        W[index] = old + h
        plus = F32(f(W))
        W[index] = old - h
        minus = F32(f(W))
        W[index] = old
        grad[index] = (plus - minus) / (F32(2) * h)
    return grad


def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    for layer, (analytic_pair, numeric_pair) in enumerate(zip(analytic, numeric)):
        for a, n in zip(analytic_pair, numeric_pair):  # weights, then biases
            a, n = f32(a), f32(n)
            if np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), F32(1e-8))) > F32(tolerance):
                return layer
    return None


def softmax_cross_entropy(Z, T):
    Z, T = f32(Z), f32(T)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = F32(len(Z))
    return -np.sum(T * log_P) / n, (np.exp(log_P) - T) / n


def _softmax_network32(weights, biases, hidden, X, T):
    """Lesson 09's loss and gradients, float32 throughout."""
    inputs, nets = [f32(X)], []
    for l, (W, b) in enumerate(zip(weights, biases)):
        z = inputs[-1] @ f32(W).T + f32(b)
        nets.append(z)
        if l < len(weights) - 1:
            inputs.append(np.tanh(z) if hidden == "tanh" else np.maximum(z, F32(0)))
    loss, dZ = softmax_cross_entropy(nets[-1], T)
    gW, gb = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        gW[l], gb[l] = dZ.T @ inputs[l], dZ.sum(axis=0)
        if l > 0:
            slope = F32(1) - inputs[l] ** 2 if hidden == "tanh" else (nets[l - 1] > 0).astype(np.float32)
            dZ = (dZ @ f32(weights[l])) * slope
    return loss, gW, gb


def network_gradients(weights, biases, hidden, X, T):
    return _softmax_network32(weights, biases, hidden, X, T)


def numerical_gradients(weights, biases, hidden, X, T, h=1e-5):
    Ws, bs, h = [f32(W).copy() for W in weights], [f32(b).copy() for b in biases], F32(h)
    grads = ([np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs])
    for params, out in zip((Ws, bs), grads):
        for p, g in zip(params, out):
            for index in np.ndindex(p.shape):
                old = p[index]
                p[index] = old + h
                plus = _softmax_network32(Ws, bs, hidden, X, T)[0]
                p[index] = old - h
                minus = _softmax_network32(Ws, bs, hidden, X, T)[0]
                p[index] = old
                g[index] = (plus - minus) / (F32(2) * h)
    return grads


def train(weights, biases, hidden, X, T, learning_rate, epochs, batch_size, seed, gradients):
    Ws, bs, X, T = [f32(W) for W in weights], [f32(b) for b in biases], f32(X), f32(T)
    rate, losses = F32(learning_rate), np.zeros(epochs, dtype=np.float32)
    for epoch in range(epochs):
        order = np.random.default_rng(seed + epoch).permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            _, gW, gb = _softmax_network32(Ws, bs, hidden, X[rows], T[rows])
            Ws = [W - rate * dW for W, dW in zip(Ws, gW)]
            bs = [b - rate * db for b, db in zip(bs, gb)]
        losses[epoch] = _softmax_network32(Ws, bs, hidden, X, T)[0]
    for l in range(len(weights)):  # the exercise trains weights and biases: write the float32 values back
        weights[l][...], biases[l][...] = Ws[l], bs[l]
    return losses


# ------------------------------------------------------------------ lesson 10: a scalar engine in float32
def topological_order(root, parents_of):  # no arithmetic: the same answer whatever the precision
    order, done, stack = [], set(), [(root, False)]
    while stack:
        node, parents_in = stack.pop()
        if parents_in:
            order.append(node)
        elif node not in done:
            done.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(list(parents_of(node))) if p not in done)
    return order


class Value32:
    """A float32 Value: data and grad are np.float32; each rule's local slope in float32 too."""

    def __init__(self, data, parents=(), slopes=()):
        self.data, self.grad, self.parents, self.slopes = F32(data), F32(0), parents, slopes

    def _new(self, data, *pairs):
        return Value32(data, tuple(p for p, _ in pairs), tuple(F32(s) for _, s in pairs))

    def __add__(self, other):
        other = other if isinstance(other, Value32) else Value32(other)
        return self._new(self.data + other.data, (self, 1), (other, 1))

    def __mul__(self, other):
        other = other if isinstance(other, Value32) else Value32(other)
        return self._new(self.data * other.data, (self, other.data), (other, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other if isinstance(other, Value32) else Value32(-F32(other)))

    def __pow__(self, k):
        return self._new(self.data ** F32(k), (self, F32(k) * self.data ** F32(k - 1)))

    def exp(self):
        e = np.exp(self.data)
        return self._new(e, (self, e))

    def tanh(self):
        t = np.tanh(self.data)
        return self._new(t, (self, F32(1) - t * t))

    def sigmoid(self):
        s = F32(1) / (F32(1) + np.exp(-self.data))
        return self._new(s, (self, s * (F32(1) - s)))

    def backward(self):
        self.grad = F32(1)
        for node in reversed(topological_order(self, lambda v: v.parents)):
            for parent, slope in zip(node.parents, node.slopes):
                parent.grad = parent.grad + slope * node.grad


def gradients(f, inputs):
    values = [Value32(x) for x in inputs]
    f(*values).backward()
    return [v.grad for v in values]


def descend(f, start, learning_rate, steps):
    values = [Value32(x) for x in start]
    for _ in range(steps):
        for v in values:
            v.grad = F32(0)
        f(*values).backward()
        for v in values:
            v.data = v.data - F32(learning_rate) * v.grad
    return [v.data for v in values]


def _mlp32(n_inputs, layer_sizes, parameters):
    """Lesson 10's MLP as float32 Values: [(weights, bias, nonlinear) per neuron] per layer, and every parameter."""
    numbers, layers, every = iter(parameters), [], []
    for i, (fan_in, width) in enumerate(zip([n_inputs] + list(layer_sizes), layer_sizes)):
        neurons = [([Value32(next(numbers)) for _ in range(fan_in)], Value32(next(numbers))) for _ in range(width)]
        layers.append((neurons, i < len(layer_sizes) - 1))
        every += [p for w, b in neurons for p in w + [b]]
    return layers, every


def _mlp32_outputs(layers, x):
    for neurons, nonlinear in layers:
        sums = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in neurons]
        x = [z.tanh() for z in sums] if nonlinear else sums
    return x


def network_output(n_inputs, layer_sizes, parameters, x):
    layers, _ = _mlp32(n_inputs, layer_sizes, parameters)
    return [out.data for out in _mlp32_outputs(layers, [Value32(v) for v in x])]


def train_network(n_inputs, layer_sizes, parameters, xs, ys, learning_rate, steps):
    layers, every = _mlp32(n_inputs, layer_sizes, parameters)
    for _ in range(steps):
        for p in every:
            p.grad = F32(0)
        loss = Value32(0)
        for x, y in zip(xs, ys):
            for out, target in zip(_mlp32_outputs(layers, x), y):
                loss = loss + (out - target) ** 2
        loss.backward()
        for p in every:
            p.data = p.data - F32(learning_rate) * p.grad
    return [p.data for p in every]


FLOAT32_VERSIONS = {fn.__name__: fn for fn in (
    half_squared_error, linear_layer, forward_linear, gradient_step, linear_output_gradient, gradient_descent,
    sigmoid, sigmoid_prime, g_prime, central_difference, output_delta, output_weight_gradient, update_output_weights,
    hidden_delta, backprop_step, dense_forward, dense_backward, train_online, minibatches, numerical_gradient,
    first_disagreeing_layer, softmax_cross_entropy, network_gradients, numerical_gradients, train,
    topological_order, gradients, descend, two_layer_backward, train_minibatch, network_output, train_network,
)}

# Understanding questions are left out: their answer is a number or a letter the student types, not computed.
COMPUTED = [e for e in exercises.all_exercises() if e.question is None]
PROPERTIES = [(e.name, prop) for e in COMPUTED for prop in e.properties]


def test_every_exercise_has_a_float32_version_here():
    assert set(FLOAT32_VERSIONS) == {e.name for e in COMPUTED}


@pytest.mark.parametrize(("name", "prop"), PROPERTIES, ids=[f"{n}-{p}" for n, p in PROPERTIES])
def test_a_float32_computation_passes_unless_the_registry_requires_float64(name, prop, capsys):
    tolerance = exercises.get(name).tolerance_for(prop)
    if not tolerance.float64_required:
        grading.check(name, FLOAT32_VERSIONS[name], prop)
        return
    with pytest.raises(AssertionError) as info:
        grading.check(name, FLOAT32_VERSIONS[name], prop)
    assert f"float64 is required here: {tolerance.float64_because}" in str(info.value)


def test_a_right_float32_answer_is_told_that_float32_was_precise_enough(capsys):
    grading.check("dense_backward", dense_backward, "batch")
    assert "float32 is precise enough here" in capsys.readouterr().out


# ------------------------------------------------------------------ the tolerances live in the registry
def test_precision_is_required_only_where_it_is_the_lesson():
    required = {e.name for e in exercises.all_exercises() for prop in e.properties
                if e.tolerance_for(prop).float64_required}
    assert required == {"central_difference", "numerical_gradient", "numerical_gradients"}
    others = [e for e in exercises.all_exercises() if e.name not in required]
    assert all(e.tolerance_for(prop) == FLOAT32_ROUNDING for e in others for prop in e.properties)


def test_a_tolerance_for_a_property_that_does_not_exist_fails_at_registration():
    stray = dataclasses.replace(exercises.get("sigmoid"), name="sigmoid_with_a_stray_tolerance",
                                tolerances={"no_such_property": Tolerance(rtol=1e-3, atol=1e-6)})
    with pytest.raises(ValueError, match="no_such_property"):
        exercises.register(stray)


def test_a_property_can_have_its_own_tolerance():
    exercise = dataclasses.replace(exercises.get("sigmoid"), tolerances={"values": Tolerance(rtol=1e-2, atol=0.0)})
    assert exercise.tolerance_for("values").rtol == 1e-2
    assert exercise.tolerance_for("large_inputs") == exercise.tolerance


# ------------------------------------------------------------------ item 3: values decide, numpy only explains
def where_sigmoid(z):
    # The stable sigmoid: right everywhere, though numpy overflows in the branch np.where drops.
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))  # exp(1000) overflows to inf, and 1 / inf = 0 is right


def nan_sigmoid(z):
    return np.exp(z) / (1.0 + np.exp(z))  # inf / inf = NaN for z > 709


def nan_sigmoid_prime(z):
    return np.exp(-z) / (1.0 + np.exp(-z)) ** 2  # inf / inf = NaN for z < -709


@pytest.mark.parametrize("fn", [where_sigmoid, naive_sigmoid], ids=lambda f: f.__name__)
def test_a_sigmoid_with_right_finite_values_passes_though_numpy_warned(fn, capfd):
    for prop in ("values", "large_inputs"):
        grading.check("sigmoid", fn, prop)
    out, err = capfd.readouterr()
    assert err == ""
    assert "numpy warned: overflow encountered in exp" in out and "your answers are right anyway" in out


@pytest.mark.parametrize(("name", "fn", "what"), [
    ("sigmoid", nan_sigmoid, "NaN"), ("sigmoid_prime", nan_sigmoid_prime, "NaN"),
])
def test_an_answer_that_is_nan_loses_the_large_inputs_point_with_the_overflow_explained(name, fn, what, capfd):
    grading.check(name, fn, "values")  # right for moderate z
    with pytest.raises(AssertionError) as info:
        grading.check(name, fn, "large_inputs")
    message = str(info.value)
    assert "numpy reports overflow encountered in exp inside your function" in message
    assert "numerically stable formula never overflows" in message
    assert f"in {fn.__name__}" in message  # where: the strict rerun's traceback
    assert what in message
    assert capfd.readouterr().err == ""


def test_a_notebook_that_set_strict_numerics_itself_is_still_graded_on_values():
    with np.errstate(all="raise"):
        grading.check("sigmoid", where_sigmoid, "large_inputs")


def test_the_strict_rerun_is_one_call_to_explain_one_case():
    calls = []

    def counted_nan_sigmoid(z):
        calls.append(1)
        return nan_sigmoid(z)

    with pytest.raises(AssertionError):
        grading.check("sigmoid", counted_nan_sigmoid, "large_inputs")
    n_cases = len(exercises.get("sigmoid").properties["large_inputs"](np.random.default_rng(0)))
    assert len(calls) == n_cases + 1  # every case once, and one case again to find where numpy overflowed


def right_but_noisy(output, target):
    print("debugging: shapes", np.shape(output), file=sys.stderr)
    warnings.warn("a leftover warning of my own")
    with np.errstate(divide="warn"):
        np.log(np.zeros(1))  # a RuntimeWarning on the way
    diff = np.asarray(target, float) - np.asarray(output, float)
    return float(0.5 * np.sum(diff ** 2) / (1 if diff.ndim == 1 else diff.shape[0]))


def test_warnings_and_stderr_inside_a_right_function_reach_stdout_not_stderr(capfd):
    grading.check("half_squared_error", right_but_noisy, "batch_mean")
    out, err = capfd.readouterr()
    assert err == ""
    assert "debugging: shapes" in out and "right on all 20 random cases" in out
    assert "numpy warned: divide by zero encountered in log" in out
    assert "UserWarning: a leftover warning of my own" in out


def test_warnings_inside_a_wrong_function_reach_the_message_not_stderr(capfd):
    def wrong_and_noisy(output, target):
        return right_but_noisy(output, target) + 1.0

    with pytest.raises(AssertionError, match="wrong on 20 of 20"):
        grading.check("half_squared_error", wrong_and_noisy, "batch_mean")
    assert capfd.readouterr().err == ""


# ------------------------------------------------------------------ lesson 03's large inputs really tell
def test_the_large_inputs_include_z_where_the_unstable_forms_give_nan():
    for name in ("sigmoid", "sigmoid_prime"):
        cases = exercises.get(name).properties["large_inputs"](np.random.default_rng(grading.DEFAULT_SEED))
        largest = max(float(np.max(np.abs(case.kwargs["z"]), initial=0.0)) for case in cases)
        assert largest >= 745.0  # exp(745) overflows float64: e^z / (1 + e^z) is inf / inf
        with np.errstate(all="ignore"):
            assert any(np.isnan(nan_sigmoid(case.kwargs["z"])).any() for case in cases)
            assert any(np.isnan(nan_sigmoid_prime(case.kwargs["z"])).any() for case in cases)

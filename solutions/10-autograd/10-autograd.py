# %% [markdown]
# # Lesson 10 · Backprop as an autograd engine
#
# **Goal.** Lessons 03–05 worked out every gradient of a network by hand: a chain of derivatives for each weight, then deltas that let the layers share the work. Libraries such as PyTorch do not ask you for any of it: you write the forward computation and call `loss.backward()`. This lesson opens that box. You build a tiny **autograd engine** (automatic differentiation) for single numbers, in the spirit of Andrej Karpathy's micrograd (Karpathy, *The spelled-out intro to neural networks and backpropagation: building micrograd*), and check that it computes exactly what the deltas computed. By the end of this lesson you will be able to
#
# * draw any calculation as a **computational graph** and say what flows along it forwards and backwards,
# * write the **backward rule** of +, ×, powers, exp, tanh and the sigmoid, and carry it in a closure made with the operation,
# * order the nodes of a graph so that each one's gradient is complete before it is passed on (a **topological order**),
# * explain why gradients are *added* (`+=`) and why they must be set back to zero between steps,
# * rebuild Matt Mazur's 2-2-2 sigmoid example on your engine and get backpropagation's gradients to the last digit.
#
# You will write `topological_order`, a `Value` class with its `gradients` function, and `descend`, and answer two questions, `backward_order_option` (an order to choose) and `predicted_grad_of_reused_value` (a number to predict).

# %%
import math

import numpy as np
from backprop_core import examples
from backprop_core.nn import autograd
from backprop_core.viz.plots import draw_graph
from backprop_core.grading import call_on_copies, expect_answer, public_test

np.set_printoptions(precision=9)

# %% [markdown]
# ## 1 · A calculation is a graph
#
# Take one neuron of lesson 01 with two inputs and a tanh activation: $z = x_1 w_1 + x_2 w_2 + b$, $a = \tanh(z)$. Computing $a$ takes five small steps (two products, two sums, one tanh), and each step uses the results of earlier ones. Draw every number as a box and an arrow from each number to the numbers computed from it: that drawing is the **computational graph** of the calculation. The numbers a step uses are its **parents**; the inputs and weights have none.
#
# Going forwards, each box computes its `data` from its parents' data. Going backwards, we want for every box the derivative of the final result with respect to it, written `grad`: how much the result would move if this one number moved a little. The result's own `grad` is 1 ($\partial a / \partial a = 1$).
#
# The chain rule of lesson 03 says how to get the rest: a box that knows its own `grad` passes it to each parent, multiplied by the **local derivative** of its operation with respect to that parent. A box $c = p \cdot q$ has $\partial c / \partial p = q$, so $p$ receives $q \cdot$ `c.grad`. Each operation needs just this one small rule, its **backward rule**; nothing else about the graph.
#
# The drawing below is computed by the course's engine, `backprop_core.nn.autograd`, built on the same rules as the one you are about to write (its backward pass has already run, so every box shows its `grad`):

# %%
x1, w1 = autograd.Value(2.0, label="x1"), autograd.Value(-3.0, label="w1")
x2, w2 = autograd.Value(0.0, label="x2"), autograd.Value(1.0, label="w2")
b = autograd.Value(6.88, label="b")
z = x1 * w1 + x2 * w2 + b
z.label = "z"
a = z.tanh()
a.label = "a"
a.backward()
print(f"a = tanh(z) = {a.data:.6f};  da/dz = 1 − a² = {1 - a.data ** 2:.6f} = z.grad = {z.grad:.6f}")
print(f"da/dw1 = x1 · da/dz = {x1.data * z.grad:.6f} = w1.grad = {w1.grad:.6f}")
draw_graph(a, title="a = tanh(x1·w1 + x2·w2 + b): every value's data and grad")

# %% [markdown]
# Read the drawing from right to left. `a.grad` is 1; the tanh box passes $(1 - a^2) \cdot 1 = 0.501$ to `z`; each + box passes its `grad` on unchanged (the local derivative of a sum is 1); each × box gives each factor the *other* factor times its own `grad`: `w1` gets $x_1 \cdot 0.501 = 1.002$, `x2` gets $w_2 \cdot 0.501 = 0.501$, and `w2` gets $x_2 \cdot 0.501 = 0$ (its input is 0, so it has no effect on $a$ right now).
#
# Nothing in this walk knew it was a neuron. That is the point of an engine: each operation knows its backward rule, and the graph does the bookkeeping.
#
# ## 2 · The order of the backward pass
#
# A box may pass its `grad` on only once it is complete, that is, once every box computed from it has passed its share back. In what order must the backward pass visit the boxes, then?
#
# ### Exercise `backward_order_option`
#
# Which order lets every rule pass on a complete `grad`? Answer with the letter, as a string (`return "A"`); the public test only checks that it reads one of the letters.
#
# * **A.** The inputs first, then every value after all its parents: the order the forward pass computed them in.
# * **B.** The result first, then every value only after all the values made from it.
# * **C.** Any order: each rule runs exactly once, so every share arrives in the end.

# %% solution
def backward_order_option():
    """Your answer to the question above.

    Returns
    -------
    str
        "A", "B" or "C".
    """
    ### BEGIN SOLUTION
    return "B"
    ### END SOLUTION


# %% public
# Public test: your answer is one of the letters (whether it is right is graded later).
with public_test("backward_order_option"):
    expect_answer(backward_order_option, choices="ABC")

# %% [markdown]
# The result first, and each box only after every box computed from it. Turned around: list every box **after all its parents** (a **topological order**), then walk that list backwards. One way to build that list is a depth-first walk from the result: to place a box, first place each of its parents (the same way), then put the box itself at the end of the list. A box already placed is skipped, so a box used twice appears once.
#
# ### Exercise `topological_order`
#
# Write `topological_order(root, parents_of)`. `root` is the final node; `parents_of(node)` returns the list of that node's parents. Return every node that `root` depends on, and `root` itself, each exactly once and each **after all its parents**, built by the depth-first walk just described, visiting a node's parents in the order `parents_of` lists them (so there is exactly one right answer). Nodes may be anything hashable: the tests use numbers, your `Value` class below uses Values.

# %% solution
def topological_order(root, parents_of):
    """Every node `root` depends on, and `root`, each once and after all its parents.

    Depth first from `root`; a node's parents are visited in the order parents_of lists them.

    Parameters
    ----------
    root : hashable
        The last node of the graph (a number in the tests, a Value in your engine).
    parents_of : callable
        parents_of(node) returns the list of node's parents (empty for an input).

    Returns
    -------
    list
        The nodes, `root` last, every node after all its parents.
    """
    ### BEGIN SOLUTION
    order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for parent in parents_of(node):
            visit(parent)
        order.append(node)      # after its parents: they are all in the list now

    visit(root)
    return order
    ### END SOLUTION


# %% public
# Public test: a small graph with a node shared by two others (a diamond).
with public_test("topological_order"):
    parents = {0: [], 1: [0], 2: [0], 3: [1, 2]}     # 0 feeds 1 and 2, and both feed 3
    got = call_on_copies(topological_order, 3, lambda node: parents[node])
    assert list(got) == [0, 1, 2, 3], (
        f"expected [0, 1, 2, 3], got {got}"
        + (": each node must come after its parents, not before (put it in the list after visiting them)"
           if list(got)[:1] == [3] else "")
        + (": node 0 is listed twice; skip a node already visited" if list(got).count(0) > 1 else ""))
    chain = {0: [], 1: [0], 2: [1]}
    assert list(call_on_copies(topological_order, 2, lambda node: chain[node])) == [0, 1, 2], "a chain 0 → 1 → 2"
    print("topological_order passes the public tests.")

# %% [markdown]
# ## 3 · The engine: a `Value`
#
# A `Value` holds one number and everything the backward pass needs:
#
# * `data`: the number;
# * `grad`: the derivative of the final result with respect to it, 0.0 until a backward pass fills it in;
# * `parents`: the Values it was computed from (empty for an input);
# * `_backward`: a small function, a **closure**, that passes this Value's `grad` to its parents, and `op`, `label` for the drawings.
#
# Every operation does two things at once: it computes the new Value's `data` (forward), and it gives the new Value a `_backward` closure that knows the operation's backward rule (backward). A closure is a function defined inside another one; it remembers the variables around it (here `parents`, `out`, `op`), so it can run later, when the backward pass reaches `out`. In your class every operation goes through one method, `_operation`, which makes `out` and its closure:
#
# ```python
# def __mul__(self, other):
#     other = as_value(other)                      # a plain number becomes a constant Value
#     return self._operation("×", (self, other), self.data * other.data)     # forward: the data
#
# def _operation(self, op, parents, data, k=None):
#     out = Value(data, parents, op)
#     def _backward():                             # backward: runs once out.grad is complete
#         if op == "+":                            # ∂(s + o)/∂s = ∂(s + o)/∂o = 1
#             for parent in parents:
#                 parent.grad += out.grad
#         ...                                      # one branch per operation: yours
#     out._backward = _backward
#     return out
# ```
#
# The backward rules you need, with $g$ = `out.grad`:
#
# | operation | forward | what each parent receives |
# |---|---|---|
# | sum | $s + o$ | $g$ and $g$ |
# | product | $s \cdot o$ | $o \cdot g$ and $s \cdot g$ |
# | power (a plain number $k$) | $s^k$ | $k\,s^{k-1} \cdot g$ |
# | exp | $e^s$ | $e^s \cdot g$, the output's own data times $g$ |
# | tanh | $\tanh(s)$ | $(1 - \tanh^2(s)) \cdot g$ |
# | sigmoid | $\sigma(s) = 1/(1 + e^{-s})$ | $\sigma(s)(1 - \sigma(s)) \cdot g$, lesson 03's $\sigma'$ |
#
# Then `backward()` on the result sorts the graph with your `topological_order`, sets the result's `grad` to 1, and runs each Value's `_backward` from the result back to the inputs.
#
# ### A value used twice
#
# Why `+=` and not `=`? Because a Value can be used more than once. In $f = x \cdot y + x$, $x$ reaches $f$ along two paths, and (lesson 05's hidden deltas were the same story) the derivative is the **sum** over the paths: $\partial f/\partial x = y + 1$. Each use of $x$ runs its own backward rule, and each adds its share to `x.grad`. A rule that overwrites `x.grad` (`=`) keeps only whichever share arrived last.
#
# ### Exercise `predicted_grad_of_reused_value`
#
# Predict before you build. With $x$ = `Value(3.0)`, run `(x * x + x).backward()`. What is `x.grad` then? Work it out on paper from the rules above; three significant digits are enough (`return 1.23`). The public test only checks that your answer is a number: whether it is right you learn when the lesson is graded.

# %% solution
def predicted_grad_of_reused_value():
    """Your answer to the question above.

    Returns
    -------
    float
        x.grad after (x * x + x).backward() with x = Value(3.0), to 3 significant digits or more.
    """
    ### BEGIN SOLUTION
    return 7.0
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_grad_of_reused_value"):
    expect_answer(predicted_grad_of_reused_value)

# %% [markdown]
# ### Exercise `gradients`
#
# Complete the `Value` class in the cell below. The forward computations are written for you (`__add__`, `__mul__`, `__pow__` with a plain number `k` as exponent, `exp`, `tanh`, `sigmoid`, each handing `_operation` its name, its parents and its data), and so are `backward()` and the branch of `+` in the closure `_backward`. Replace the two placeholder lines under it (the comment `# YOUR CODE HERE` and the line under it) with the branches of `×`, `**`, `exp`, `tanh` and `σ`: each adds to every parent's `grad` that parent's share, the rule of the table. The exponent of `**` is `k`.
#
# The graded function is `gradients(f, inputs)` at the end of the cell, written for you: it makes one Value per number of `inputs`, calls `f` on them (the tests pass small expressions such as `lambda x0, x1: (x0 * x1 + 2.0).tanh()`), runs the backward pass and returns each input's `grad`. It is right when your class is.
#
# What is graded here is your rules. While `gradients` and `descend` are graded, the course's own `autograd.Value` has no operations (it holds the very rules you write), so it cannot stand in for your class. The order is yours to choose: your `topological_order` as `backward()` has it, or the standard library's `graphlib.TopologicalSorter`, which also lists every node after its parents; an order without rules computes nothing.

# %% solution
def as_value(x):
    """`x` itself if it is a Value, else a new Value holding the number `x` (a constant)."""
    return x if isinstance(x, Value) else Value(x)


class Value:
    """One number of a calculation, with its gradient, its parents and its backward rule.

    Parameters
    ----------
    data : float
    parents : tuple of Value
    op : str
        The operation that made it, for the drawings ("+", "×", "tanh", ...).
    label : str
        A name for the drawings ("w1").
    """

    def __init__(self, data, parents=(), op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = op
        self.label = label
        self._backward = lambda: None        # an input has nobody to pass its gradient to

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # Forward: each operation computes its data and hands it to _operation.
    def __add__(self, other):
        other = as_value(other)
        return self._operation("+", (self, other), self.data + other.data)

    def __mul__(self, other):
        other = as_value(other)
        return self._operation("×", (self, other), self.data * other.data)

    def __pow__(self, k):
        return self._operation("**", (self,), self.data ** k, k)

    def exp(self):
        return self._operation("exp", (self,), math.exp(self.data))

    def tanh(self):
        return self._operation("tanh", (self,), math.tanh(self.data))

    def sigmoid(self):
        return self._operation("σ", (self,), 1.0 / (1.0 + math.exp(-self.data)))

    def _operation(self, op, parents, data, k=None):
        """The new Value `out` made by operation `op` from `parents`, with its backward rule."""
        out = Value(data, parents, op)

        def _backward():
            # Backward: give each parent its share of out.grad (added: a parent may be used twice).
            if op == "+":
                for parent in parents:
                    parent.grad += out.grad
                return
            ### BEGIN SOLUTION
            if op == "×":
                s, o = parents
                s.grad += o.data * out.grad
                o.grad += s.data * out.grad
            elif op == "**":
                (s,) = parents
                s.grad += k * s.data ** (k - 1) * out.grad
            elif op == "exp":
                parents[0].grad += out.data * out.grad
            elif op == "tanh":
                parents[0].grad += (1.0 - out.data ** 2) * out.grad
            elif op == "σ":
                parents[0].grad += out.data * (1.0 - out.data) * out.grad
            ### END SOLUTION
        out._backward = _backward
        return out

    def backward(self):
        """Fill in the grad of every Value this one depends on (adding to what is there)."""
        order = topological_order(self, lambda v: v.parents)
        self.grad = 1.0
        for node in reversed(order):         # the result first, each Value after all Values made from it
            node._backward()

    # Made of the operations above: no backward rule of their own.
    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-as_value(other))


def gradients(f, inputs):
    """The gradient of f at `inputs`, by your engine.

    Parameters
    ----------
    f : callable
        Takes one Value per number of `inputs` and returns a Value.
    inputs : list of float

    Returns
    -------
    list of float
        The derivative of f's result with respect to each input, in order.
    """
    values = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    f(*values).backward()
    return [v.grad for v in values]


# %% public
# Public test: each operation against central differences (lesson 08), and a value used twice.
with public_test("gradients"):
    def slopes(f_numbers, inputs, h=1e-6):     # central differences, one input at a time
        result = []
        for i in range(len(inputs)):
            up, down = list(inputs), list(inputs)
            up[i] += h
            down[i] -= h
            result.append((f_numbers(*up) - f_numbers(*down)) / (2 * h))
        return result

    def sig(v):
        return 1.0 / (1.0 + math.exp(-v))

    checks = {   # name: (f on Values, the same f on numbers, inputs)
        "product": (lambda p, q: p * q + p * 0.5, lambda p, q: p * q + p * 0.5, [0.7, -1.3]),
        "power": (lambda p: (p ** 3 + 1.0) ** -1, lambda p: (p ** 3 + 1.0) ** -1, [0.8]),
        "exp": (lambda p, q: (p * q).exp(), lambda p, q: math.exp(p * q), [0.4, -0.9]),
        "tanh": (lambda p, q: (p + q * 2.0).tanh(), lambda p, q: math.tanh(p + q * 2.0), [0.3, 0.2]),
        "sigmoid": (lambda p, q: (p * q).sigmoid(), lambda p, q: sig(p * q), [1.1, -0.6]),
        "a value used twice": (lambda p: p * p + p, lambda p: p * p + p, [-0.4]),
    }
    REUSED = ("product", "a value used twice")   # p is used twice in both: its grad needs += in every rule
    for name, (f_values, f_numbers, inputs) in checks.items():
        got = call_on_copies(gradients, f_values, np.array(inputs))   # an array works like a list here
        want = slopes(f_numbers, inputs)
        assert np.allclose(got, want, rtol=1e-6, atol=1e-8), (
            f"{name}: expected gradients {np.round(want, 6)} (central differences), got {np.round(got, 6)}"
            + (": a value used twice must receive both shares (+=, not =)" if name in REUSED else ""))
    print("gradients passes the public tests.")

# %% [markdown]
# ## 4 · The engine against central differences
#
# Lesson 08 taught the one reliable test of a backward pass: central differences. An engine deserves it too, on an expression with a bit of everything. The check below runs the course's engine (yours passed the same kind of check in the public test above):

# %%
def messy(p, q, r):
    return ((p * q).tanh() + (q ** 2 + 1.0) ** 0.5 * r.exp() + p * (p * r).sigmoid()) * (p + q)


def messy_numbers(p, q, r):
    return ((math.tanh(p * q) + math.sqrt(q ** 2 + 1.0) * math.exp(r) + p / (1.0 + math.exp(-p * r))) * (p + q))


point = [0.5, -1.2, 0.3]
by_engine = np.array(autograd.gradients(messy, point))
h = 1e-6
by_differences = np.array([(messy_numbers(*(point[:i] + [point[i] + h] + point[i + 1:]))
                            - messy_numbers(*(point[:i] + [point[i] - h] + point[i + 1:]))) / (2 * h) for i in range(3)])
print("engine:             ", by_engine)
print("central differences:", by_differences)
print("largest relative error:", np.max(np.abs(by_engine - by_differences) / (np.abs(by_engine) + np.abs(by_differences))))

# %% [markdown]
# A relative error near $10^{-10}$: by lesson 08's rules of thumb, correct. Note what the engine did *not* need: no formula for the derivative of `messy` was ever written down. Each operation contributed its one rule.
#
# `draw_graph` draws your Values too, once your class passes its tests: in a new cell, `x = Value(3.0, label="x")`, then `f = x * x + x`, `f.backward()` and `draw_graph(f)` show the graph of section 3's question with every `grad`.
#
# ## 5 · Mazur's network, on Values
#
# Now the claim of the lesson: the deltas of lessons 04–05 and the engine's backward pass are the same computation, organised differently. Rebuild Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*), the network of lessons 03–05, out of Values: every weight and bias a Value, the forward pass written with + and ×, the sigmoid, and the error $E = \tfrac12 \sum_j (\text{output}_j - \text{target}_j)^2$. One `E.backward()` fills in the gradient of every weight. Compare them with `net.backward`, the deltas-based backward pass of lessons 04–06:

# %%
net, x, target = examples.mazur()
W = [np.array([[autograd.Value(w, label=f"W{l + 1}[{j},{i}]") for i, w in enumerate(row)] for j, row in enumerate(Wl)])
     for l, Wl in enumerate(net.weights)]
bias = [[autograd.Value(v, label=f"b{l + 1}[{j}]") for j, v in enumerate(bl)] for l, bl in enumerate(net.biases)]

a = [autograd.Value(v) for v in x]                       # the input layer's activations
for Wl, bl in zip(W, bias):                              # z = W a + b, then the sigmoid, layer by layer
    a = [sum((w * ai for w, ai in zip(row, a)), bj).sigmoid() for row, bj in zip(Wl, bl)]
E = sum((((out - t) ** 2) * 0.5 for out, t in zip(a, target)), autograd.Value(0.0))
E.backward()

by_deltas = net.backward(net.forward(x), target)
for l in range(2):
    on_values = np.array([[w.grad for w in row] for row in W[l]])
    print(f"dE/dW{l + 1} on Values:\n{on_values}\n   by deltas:\n{by_deltas.weights[l]}")
    print(f"   largest difference: {np.max(np.abs(on_values - by_deltas.weights[l])):.1e}\n")
print(f"E = {E.data:.9f} (net.loss: {net.loss(x, target):.9f})")
print(f"dE/dw5 = {W[1][0, 0].grad:.9f}, lesson 03's chain of three factors")

# %% [markdown]
# The same numbers to the last digit: the largest difference is exactly 0, not merely tiny. The two computations multiply the same factors; only the bookkeeping differs. Where did the deltas go? Look at what the engine stored on the way back. The `grad` of an output neuron's net input $z_{o1}$ is exactly lesson 04's $\delta_{o1} = (\text{output}_1 - \text{target}_1)\,\sigma'(z_{o1})$: the sigmoid's backward rule multiplied the incoming $(\text{output}_1 - \text{target}_1)$ by $\sigma'$. The `grad` of a hidden neuron's net input is lesson 05's hidden delta: the hidden activation is used by both output neurons, its `grad` *adds* the two shares that come back along $w_5$ and $w_7$, and the sigmoid's rule multiplies the sum by $\sigma'(z_{h1})$. Deltas are the engine's `grad` of each net input $z$; the matrix form of lesson 06 does for a whole layer at once what the engine does one number at a time.
#
# The difference is the organisation, and its price. The engine stores a Value, a tuple of parents and a closure for every single multiplication: for this small network already 51 Values (count them: `len(autograd.topological_order(E, lambda v: v.parents))`); a network for 8×8 images with 100 hidden neurons needs over twenty thousand per sample, each handled by Python one at a time. That is why real libraries use the same idea on whole arrays (a node is a matrix product, its backward rule is lesson 06's transposes), and keep the convenience: nobody writes a backward pass by hand for a new network.
#
# ## 6 · Many steps: set the gradients back to zero
#
# To train, repeat: forward, backward, move every parameter against its `grad`. The parameters are the *same* Values at every step (the weights of a network live on); the rest of the graph is rebuilt each time by the forward pass. Because every rule adds to `grad`, the parameters' `grad` still holds the last step's gradient when the next backward pass starts, and would collect the sum of all steps' gradients. So every step begins by setting the parameters' `grad` back to 0.0: PyTorch's `optimizer.zero_grad()` is exactly this.
#
# ### Exercise `descend`
#
# Write `descend(f, start, learning_rate, steps)`: make one Value for each number of `start`, once; then take `steps` steps of gradient descent on `f` (lesson 02: each value moves by the learning rate times its gradient, against it); each step starts from gradients of 0. Return the final numbers (each Value's `data`) as a list.

# %% solution
def descend(f, start, learning_rate, steps):
    """Gradient descent on f, with one Value per parameter kept from step to step.

    Parameters
    ----------
    f : callable
        Takes one Value per number of `start` and returns a Value (the error to lower).
    start : list of float
        The starting numbers.
    learning_rate : float
    steps : int
        How many steps to take.

    Returns
    -------
    list of float
        The numbers after `steps` steps, in the order of `start`.
    """
    ### BEGIN SOLUTION
    values = [Value(v) for v in start]
    for _ in range(steps):
        for v in values:
            v.grad = 0.0                     # this step's gradients only
        f(*values).backward()
        for v in values:
            v.data -= learning_rate * v.grad
    return [v.data for v in values]
    ### END SOLUTION


# %% public
# Public test: a bowl E = (p − 1)² + (q + 2)², whose gradient is 2(p − 1), 2(q + 2).
with public_test("descend"):
    bowl = lambda p, q: (p - 1.0) ** 2 + (q + 2.0) ** 2
    got = call_on_copies(descend, bowl, np.array([0.0, 0.0]), 0.1, 1)
    assert np.allclose(got, [0.2, -0.4]), f"one step of size 0.1 from (0, 0): expected [0.2, -0.4], got {got}"
    got = call_on_copies(descend, bowl, np.array([0.0, 0.0]), 0.1, 3)
    want = [1 - 0.8 ** 3, -2 + 2 * 0.8 ** 3]           # each step shrinks the distance to (1, −2) by 0.8
    assert np.allclose(got, want), (
        f"three steps of size 0.1 from (0, 0): expected {np.round(want, 6)}, got {np.round(got, 6)}"
        + (": are the gradients set back to 0 at the start of every step?" if np.allclose(got, [1.008, -2.016]) else ""))
    print("descend passes the public tests.")

# %% [markdown]
# ## 7 · Step through a backward pass
#
# Pick an expression; the slider runs its backward pass one Value at a time, in the order your `topological_order` gives, reversed. The Value whose rule runs is outlined in green, the parents that receive its gradient in purple; a `grad ?` is not complete yet. Pick *x·x + x*: which step completes `x.grad`, and why must it wait for two of them?

# %%
from backprop_core.viz.widgets import backward_stepper
backward_stepper()

# %% [markdown]
# ## Summary
#
# * A calculation is a **computational graph**: each Value knows its parents; forward computes `data`, backward computes `grad`, the derivative of the final result with respect to each Value.
# * Each operation brings one **backward rule** (sum: pass on; product: the other factor; tanh: $1 - \tanh^2$; sigmoid: $\sigma(1 - \sigma)$; exp: itself; power: $k s^{k-1}$), carried by a **closure** that the operation makes together with its result.
# * The backward pass visits the Values in reversed **topological order**, so each `grad` is complete before it is passed on.
# * Rules *add* to `grad`: a Value used twice collects a share from each use (lesson 05's sum over paths). So gradients must be set back to zero before each step.
# * On Mazur's example the engine gives backpropagation's gradients to the last digit: the deltas are the `grad`s of the net inputs.
#
# **Fresh words:** *autograd engine*, *computational graph*, *parents*, *local derivative*, *backward rule*, *closure*, *topological order*.
#
# ## Check your understanding
#
# 1. Write the backward rule of division, $s / o$, from the rules of the table (hint: $s / o = s \cdot o^{-1}$).
# 2. In $f = \tanh(x) \cdot \tanh(x)$ written as `t = x.tanh(); f = t * t`, how many times does `t`'s `_backward` run, and how many shares does `t.grad` receive?
# 3. A training loop on Values forgets to set the gradients to zero. The error falls at first, then behaves oddly. Why does it still fall at first?
#
# <details><summary>Answers</summary>
#
# 1. $s$ receives $g / o$ and $o$ receives $-s\,g / o^2$: the product rule gives $s$ the other factor $o^{-1}$, and $o^{-1}$ passes to $o$ the power rule's $-1 \cdot o^{-2}$ times its own `grad`, $s\,g$.
# 2. Once: a Value runs its rule once, when its `grad` is complete. Before that, `t.grad` receives two shares from the one product (one as each factor), $t \cdot g$ twice, so $2t\,g$.
# 3. On the first step the accumulated gradient is the true one; on the next it is the sum of two gradients that point roughly the same way, so the steps grow but still go downhill. As the sum of old gradients keeps growing, it stops pointing where the error falls now, and the steps overshoot.
#
# </details>

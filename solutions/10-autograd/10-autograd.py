# %% [markdown]
# # Lesson 10 · Backprop as an autograd engine
#
# **Goal.** Lessons 03–05 worked out every gradient of a network by hand: a chain of derivatives for each weight, then deltas that let the layers share the work. Libraries such as PyTorch do not ask you for any of it: you write the forward computation and call `loss.backward()`. This lesson opens that box. You build a tiny **autograd engine** (automatic differentiation) for single numbers, in the spirit of Andrej Karpathy's micrograd (Karpathy, *The spelled-out intro to neural networks and backpropagation: building micrograd*), and check that it computes exactly what the deltas computed. By the end of this lesson you will be able to
#
# * draw any calculation as a **computational graph** and say what flows along it forwards and backwards,
# * write the **backward rule** of +, ×, powers, exp, tanh and the sigmoid, and carry it in a closure made with the operation,
# * order the nodes of a graph so that each one's gradient is complete before it is passed on (a **topological order**),
# * explain why gradients are *added* (`+=`) and why they must be set back to zero between steps,
# * run Matt Mazur's 2-2-2 sigmoid example on your engine and get backpropagation's gradients to the last digit,
# * say what a second `backward()` on the same graph does, and which gradients a training step must set to zero,
# * build a neuron, a layer and a small network on your own `Value`, and train it.
#
# You will write `topological_order`, the six operations of a `Value` class, `descend`, `Neuron`/`Layer`/`MLP` and a training step, and answer short prediction questions.

# %%
import math
import random

import numpy as np
from backprop_core import examples
from backprop_core.nn import autograd
from backprop_core.viz import plots
from backprop_core.viz.plots import draw_graph
from backprop_core.grading import call_on_copies, expect_answer, public_test

np.set_printoptions(precision=9)

# %% [markdown]
# ## 1 · A calculation is a graph
#
# Take a single neuron with two inputs, a bias (lesson 03) and a tanh activation (lesson 07), with numbers close to micrograd's (its $b$, 6.8814, makes the slopes below exactly 0.5 and 1.0): $z = x_1 w_1 + x_2 w_2 + b$, $a = \tanh(z)$. Computing $a$ takes five small steps (two products, two sums, one tanh), and each step uses the results of earlier ones. Draw every number as a box (a *node* of the graph; in code, a `Value`) and an arrow from each number to the numbers computed from it: that drawing is the **computational graph** of the calculation. The numbers a step uses are its **parents**; the inputs and weights have none.
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
# A box passes its `grad` to its parents once. In what order must the backward pass visit the boxes?
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
# Every operation does two things at once: it computes the new Value's `data` (forward), and it gives the new Value a `_backward` closure that knows the operation's backward rule (backward). A closure is a function defined inside another one; it remembers the variables around it (here `self`, `out`), so it can run later, when the backward pass reaches `out`. Here is the whole pattern for one operation you will not need to write, the ReLU of lesson 09, $\max(0, s)$, whose local derivative is 1 where $s > 0$ and 0 elsewhere:
#
# ```python
# def relu(self):
#     out = Value(max(0.0, self.data), (self,), "relu")     # forward: the data, the parents, the name
#
#     def _backward():                                       # backward: runs once out.grad is complete
#         self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
#     out._backward = _backward                              # the new Value carries its rule
#     return out
# ```
#
# Python turns operators into method calls: it runs `x + y` as `x.__add__(y)`, `2.0 * x` as `x.__rmul__(2.0)` (the "r" for the Value on the right, since a float's own `*` knows no Values) and, later, `model(x)` as `model.__call__(x)`. So writing these methods is what makes `+`, `*` and the rest work on Values. An operation with two parents, such as `__add__(self, other)`, first turns a plain number `other` into a constant Value with `other = as_value(other)` (so `x + 2.0` works), makes `out` with the parents `(self, other)`, and its closure adds a share to each of them.
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
# **The operations of `Value`.** This exercise is the six operations you write; `gradients` is only the name of the function, given to you, through which they are tested. Complete the `Value` class in the cell below. `__init__`, `relu` (the example above), `backward()` and the operations made of others (`-x`, `x - y`, `2.0 * x`) are written for you. Write each of `__add__`, `__mul__`, `__pow__` (a plain number `k` as exponent), `exp`, `tanh` and `sigmoid` in place of its two placeholder lines (the comment `# YOUR CODE HERE` and the line under it): the forward computation of `out`, with its parents and the operation's name, then its `_backward` closure, which adds to every parent's `grad` that parent's share, the rule of the table. `math.exp` and `math.tanh` compute the numbers.
#
# The graded function is `gradients(f, inputs)` at the end of the cell, written for you: it makes one Value per number of `inputs`, calls `f` on them (the tests pass small expressions such as `lambda x0, x1: (x0 * x1 + 2.0).tanh()`), runs the backward pass and returns each input's `grad`. It is right when your class is: a wrong forward computation shows there too, since the rules of ×, exp, tanh and σ use the data.
#
# The exercises after this one are *graded* with the course's `Value`, so a slip here costs no points there; but their public tests below use yours, so make `gradients` pass first.
#
# <details><summary>For the curious: the order inside <code>backward()</code></summary>
#
# `backward()` sorts the graph with your `topological_order` of section 2, so a slip there shows here too. If your `topological_order` is not working yet, you may replace its line in `backward()` with an order from the standard library's `graphlib.TopologicalSorter` (it also lists every node after its parents); then this exercise checks only your six operations. The course's own `autograd.Value` cannot stand in for your class: its operations are the ones you write here.
#
# </details>

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
        self._backward = lambda: None        # an input has no parents to pass anything to

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def relu(self):
        out = Value(max(0.0, self.data), (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def __add__(self, other):
        other = as_value(other)
        ### BEGIN SOLUTION
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad            # += : self and other may be the same Value (x + x)
            other.grad += out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def __mul__(self, other):
        other = as_value(other)
        ### BEGIN SOLUTION
        out = Value(self.data * other.data, (self, other), "×")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def __pow__(self, k):
        ### BEGIN SOLUTION
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def exp(self):
        ### BEGIN SOLUTION
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def tanh(self):
        ### BEGIN SOLUTION
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def sigmoid(self):
        ### BEGIN SOLUTION
        out = Value(1.0 / (1.0 + math.exp(-self.data)), (self,), "σ")

        def _backward():
            self.grad += out.data * (1.0 - out.data) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

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

    def __rsub__(self, other):
        return as_value(other) + (-self)


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
# Lesson 08 taught the one reliable test of a backward pass: central differences. An engine deserves it too, on an expression with a bit of everything. The check below runs your engine, through your `gradients` (the course's engine stands in until your class is written, and the cell says which one ran):

# %%
def messy(p, q, r):
    return ((p * q).tanh() + (q ** 2 + 1.0) ** 0.5 * r.exp() + p * (p * r).sigmoid()) * (p + q)


def messy_numbers(p, q, r):
    return ((math.tanh(p * q) + math.sqrt(q ** 2 + 1.0) * math.exp(r) + p / (1.0 + math.exp(-p * r))) * (p + q))


point = [0.5, -1.2, 0.3]
try:
    by_engine = np.array(gradients(messy, point))
    checked = "your Value"
except NotImplementedError:   # until your operations are written, the course's engine runs the same check
    by_engine = np.array(autograd.gradients(messy, point))
    checked = "the course's Value (yours is not all written yet)"
print(f"engine checked: {checked}")
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
# Now the claim of the lesson: the deltas of lessons 04–05 and the engine's backward pass are the same computation, organised differently. The cell below rebuilds Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*), the network of lessons 03–05, out of your Values (the course's `Value` stands in until your class is written, and the cell says which one ran): every weight and bias a Value, the forward pass written with + and ×, the sigmoid, and the error $E = \tfrac12 \sum_j (\text{output}_j - \text{target}_j)^2$. One `E.backward()` fills in the gradient of every weight. Compare them with `net.backward`, the deltas-based backward pass of lessons 04–06:

# %%
net, x, target = examples.mazur()


def mazur_on_values(Val):
    """Mazur's network and its error E out of Values of the class Val; E.backward() already run."""
    W = [np.array([[Val(w, label=f"W{l + 1}[{j},{i}]") for i, w in enumerate(row)] for j, row in enumerate(Wl)])
         for l, Wl in enumerate(net.weights)]
    bias = [[Val(v, label=f"b{l + 1}[{j}]") for j, v in enumerate(bl)] for l, bl in enumerate(net.biases)]
    a = [Val(v) for v in x]                              # the input layer's activations
    zs = []                                              # each layer's net inputs z, kept to read their grad
    for Wl, bl in zip(W, bias):                          # z = W a + b, then the sigmoid, layer by layer
        z = [sum((w * ai for w, ai in zip(row, a)), bj) for row, bj in zip(Wl, bl)]
        zs.append(z)
        a = [zj.sigmoid() for zj in z]
    E = sum((((out - t) ** 2) * 0.5 for out, t in zip(a, target)), Val(0.0))
    E.backward()
    return W, zs, E


try:
    W, zs, E = mazur_on_values(Value)
    built_on = "your Value"
except NotImplementedError:   # until your operations are written, the course's engine builds the same network
    W, zs, E = mazur_on_values(autograd.Value)
    built_on = "the course's Value (yours is not all written yet)"
print(f"built on: {built_on}\n")

by_deltas = net.backward(net.forward(x), target)
for l in range(2):
    on_values = np.array([[w.grad for w in row] for row in W[l]])
    print(f"dE/dW{l + 1} on Values:\n{on_values}\n   by deltas:\n{by_deltas.weights[l]}")
    print(f"   largest difference: {np.max(np.abs(on_values - by_deltas.weights[l])):.1e}\n")
for l, name in ((1, "output layer, lesson 04"), (0, "hidden layer, lesson 05")):
    print(f"{name}: grad of each z on Values {np.array([zj.grad for zj in zs[l]])}")
    print(f"{' ' * len(name)}  deltas of net.backward   {by_deltas.deltas[l]}")
print(f"E = {E.data:.9f} (net.loss: {net.loss(x, target):.9f})")
print(f"dE/dw5 = {W[1][0, 0].grad:.9f}, lesson 03's chain of three factors")

# %% [markdown]
# The same numbers to the last digit: the largest difference is exactly 0, not merely tiny (a sigmoid written another way than $1/(1 + e^{-z})$ may differ in the last bit, a rounding and not a different gradient). The two computations multiply the same factors; only the bookkeeping differs. Where did the deltas go? Look at what the engine stored on the way back, printed under the weights: the `grad` of each net input $z$ beside the deltas. The `grad` of an output neuron's net input $z_{o1}$ is exactly lesson 04's $\delta_{o1} = (\text{output}_1 - \text{target}_1)\,\sigma'(z_{o1})$: the sigmoid's backward rule multiplied the incoming $(\text{output}_1 - \text{target}_1)$ by $\sigma'$. The `grad` of a hidden neuron's net input is lesson 05's hidden delta: the hidden activation is used by both output neurons, its `grad` *adds* the two shares that come back along $w_5$ and $w_7$, and the sigmoid's rule multiplies the sum by $\sigma'(z_{h1})$. Deltas are the engine's `grad` of each net input $z$; the matrix form of lesson 06 does for a whole layer at once what the engine does one number at a time.
#
# The difference is the organisation, and its price. The engine stores a Value, a tuple of parents and a closure for every single multiplication: for this small network already 51 Values (count them: `len(autograd.topological_order(E, lambda v: v.parents))`); a network for 8×8 images with 100 hidden neurons needs over twenty thousand per sample, each handled by Python one at a time. That is why real libraries use the same idea on whole arrays (a node is a matrix product, its backward rule is lesson 06's transposes), and keep the convenience: nobody writes a backward pass by hand for a new network.
#
# ## 6 · Many steps: set the gradients back to zero
#
# To train, repeat: forward, backward, move every parameter against its `grad`, step after step. The parameters are the *same* Values at every step (the weights of a network live on), and every backward rule *adds* to `grad`. A question before you read on:
#
# ### Exercise `which_grads_to_zero_option`
#
# Before each step's backward pass, which grads must be set back to 0? Answer with the letter (`return "A"`).
#
# * **A.** Every Value the last step made, the intermediate ones included, and the parameters.
# * **B.** The parameters only.
# * **C.** None: `backward()` starts the result at 1, and that resets the pass.

# %% solution
def which_grads_to_zero_option():
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
with public_test("which_grads_to_zero_option"):
    expect_answer(which_grads_to_zero_option, choices="ABC")

# %% [markdown]
# The rest of the graph is built anew by each step's forward pass: its Values start with a `grad` of 0 and are never used again, so they need no reset. Because every rule adds to `grad`, the parameters' `grad` still holds the last step's gradient when the next backward pass starts, and would collect the sum of all steps' gradients. So every step begins by setting the parameters' `grad` back to 0.0: PyTorch's `optimizer.zero_grad()` is exactly this.
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
# ## 7 · `backward()` twice, and the grads in between
#
# `descend` zeroed the gradients of the Values it kept. What about the others, the intermediate Values a calculation makes on its way to the result? And what happens when `backward()` runs twice on the same result, for instance because a cell was run again?
#
# Look at what a backward pass leaves behind: every Value of the graph keeps the `grad` it received, the intermediate ones included. `backward()` sets the *result's* `grad` to 1, and every rule *adds* to its parents' `grad`. So a second pass on the same graph starts from the first pass's grads everywhere except at the result.
#
# ### Exercise `predicted_grad_after_two_backward_passes`
#
# Predict before you run. With $x$ = `Value(3.0)`, `y = x * x` and `f = y + x`, run `f.backward()` and then `f.backward()` again, with nothing in between. What is `x.grad` after the second pass? Follow the second pass rule by rule from the grads the first one left (`f.grad` is set to 1 again; what does `y.grad` hold when `y`'s rule runs?). Three significant digits (`return 1.23`); the public test only checks that it is a number.

# %% solution
def predicted_grad_after_two_backward_passes():
    """Your answer to the question above.

    Returns
    -------
    float
        x.grad after two calls of f.backward(), f = x * x + x built as y = x * x, f = y + x, x = Value(3.0).
    """
    ### BEGIN SOLUTION
    return 20.0
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_grad_after_two_backward_passes"):
    expect_answer(predicted_grad_after_two_backward_passes)

# %% [markdown]
# The gradient of the second pass is wrong, and not simply doubled: the intermediate `y` kept its grad, received another share on top of it, and passed the larger sum on to `x`. The leftovers of one pass feed the next pass's rules. Two rules of thumb follow, the same as PyTorch's:
#
# * never run `backward()` twice on one graph and use the grads; to see them again, read them, don't recompute them;
# * before a backward pass on a *new* graph that reuses some old Values (the parameters of a network), set those Values' `grad` to 0. The new graph's other Values are new, with `grad` 0.0.
#
# ## 8 · A network of Values
#
# Your engine can now differentiate anything written with its operations, so a neural network is a few lines of Python on top of it. Micrograd builds it in three small classes, and so will you:
#
# * a **`Neuron(n_inputs, nonlinear=True)`** holds `n_inputs` weights `w` (Values drawn uniformly between −1 and 1 with `random.uniform(-1, 1)`) and a bias `b` (a Value, 0.0). Called on a list `x` of `n_inputs` Values or numbers, it returns $\tanh(w_1 x_1 + \dots + w_n x_n + b)$, a Value; with `nonlinear=False`, the sum alone, without tanh. Its `parameters()` is the list of its weights followed by its bias;
# * a **`Layer(n_inputs, n_outputs, nonlinear=True)`** holds `n_outputs` neurons that all read the same inputs. Called on `x`, it returns the list of its neurons' outputs; its `parameters()` lists the neurons' parameters, neuron after neuron;
# * an **`MLP(n_inputs, layer_sizes)`** (a multi-layer perceptron) holds one layer per entry of `layer_sizes`, each reading the previous layer's outputs: `MLP(3, [4, 4, 1])` has layers of 4, 4 and 1 neurons on 3 inputs. Every layer but the last uses tanh; the last keeps its sums (`nonlinear=False`), so the output can be any number, as fitting a curve (a *regression*, the example that ends this section) needs. Called on `x`, it returns the last layer's list of Values (a list even of one); its `parameters()` lists the layers' parameters, the first layer first.
#
# These are lesson 06's $z = Wa + b$, with lesson 07's tanh, one number at a time: a Layer's neurons are the rows of $W$.
#
# ### Exercise `network_output`
#
# **`Neuron`, `Layer` and `MLP`.** This exercise is the three classes you write; `network_output` is only the name of the function, given to you, through which they are tested. Write `Neuron`, `Layer` and `MLP` in the cell below, in place of the placeholders. The graded function is `network_output(n_inputs, layer_sizes, parameters, x)`, written for you: it builds `MLP(n_inputs, layer_sizes)`, sets its parameters to the numbers `parameters` in the order of your `parameters()` (so that order matters: weights then bias, neuron after neuron, layer after layer), and returns its outputs at `x` as numbers. `sum(values, start)` adds Values too: `sum([p, q], Value(0.0))` adds the Values `p` and `q`; the second argument is where the sum starts.

# %% solution
class Neuron:
    """tanh(w · x + b) of its inputs x (or w · x + b alone with nonlinear=False)."""

    def __init__(self, n_inputs, nonlinear=True):
        ### BEGIN SOLUTION
        self.w = [Value(random.uniform(-1.0, 1.0)) for _ in range(n_inputs)]
        self.b = Value(0.0)
        self.nonlinear = nonlinear
        ### END SOLUTION

    def __call__(self, x):
        ### BEGIN SOLUTION
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z.tanh() if self.nonlinear else z
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return self.w + [self.b]
        ### END SOLUTION


class Layer:
    """n_outputs neurons reading the same inputs."""

    def __init__(self, n_inputs, n_outputs, nonlinear=True):
        ### BEGIN SOLUTION
        self.neurons = [Neuron(n_inputs, nonlinear) for _ in range(n_outputs)]
        ### END SOLUTION

    def __call__(self, x):
        ### BEGIN SOLUTION
        return [neuron(x) for neuron in self.neurons]
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return [p for neuron in self.neurons for p in neuron.parameters()]
        ### END SOLUTION


class MLP:
    """Layers of the sizes layer_sizes on n_inputs inputs; tanh in every layer but the last."""

    def __init__(self, n_inputs, layer_sizes):
        ### BEGIN SOLUTION
        sizes = [n_inputs] + list(layer_sizes)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlinear=i < len(layer_sizes) - 1)
                       for i in range(len(layer_sizes))]
        ### END SOLUTION

    def __call__(self, x):
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x)
        return x
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return [p for layer in self.layers for p in layer.parameters()]
        ### END SOLUTION


def set_parameters(model, numbers):
    """Set model's parameters to `numbers`, in the order of model.parameters()."""
    parameters = model.parameters()
    if len(parameters) != len(numbers):
        raise ValueError(f"this network has {len(parameters)} parameters (its parameters() lists them), "
                         f"got {len(numbers)} numbers")
    for p, number in zip(parameters, numbers):
        p.data = float(number)


def network_output(n_inputs, layer_sizes, parameters, x):
    """The outputs of MLP(n_inputs, layer_sizes) with the given parameters at the input x, as numbers.

    Parameters
    ----------
    n_inputs : int
        The number of inputs of the network.
    layer_sizes : list of int
        The number of neurons of each layer, the output layer last.
    parameters : list of float
        Every weight and bias, in the order of the network's parameters().
    x : list of float, length n_inputs
        One input.

    Returns
    -------
    list of float, length layer_sizes[-1]
        The network's outputs at x.
    """
    model = MLP(n_inputs, layer_sizes)
    set_parameters(model, parameters)
    return [out.data for out in model([Value(v) for v in x])]


# %% public
# Public test: a network you can check by hand, and the count of parameters of micrograd's MLP(3, [4, 4, 1]).
with public_test("network_output"):
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41, (
        f"MLP(3, [4, 4, 1]) should have 41 parameters ((3 + 1)·4 + (4 + 1)·4 + (4 + 1)·1), "
        f"got {len(MLP(3, [4, 4, 1]).parameters())}")
    got = call_on_copies(network_output, 2, [1], [0.5, -1.0, 0.25], [2.0, 1.0])   # one output neuron, no tanh
    assert np.allclose(got, [0.25]), (
        f"MLP(2, [1]): 0.5·2 − 1·1 + 0.25 = 0.25 expected, got {got}"
        + (": the last layer keeps its sums, no tanh (nonlinear=False)" if np.allclose(got, [np.tanh(0.25)]) else ""))
    got = call_on_copies(network_output, 1, [1, 1], [2.0, -1.0, 3.0, 0.5], [0.5])
    want = [3.0 * np.tanh(2.0 * 0.5 - 1.0) + 0.5]
    assert np.allclose(got, want), (
        f"MLP(1, [1, 1]) at 0.5: 3·tanh(2·0.5 − 1) + 0.5 = {want[0]} expected, got {got}"
        + (": the bias goes inside the tanh, tanh(w·x + b)" if np.allclose(got, [3.0 * (np.tanh(1.0) - 1.0) + 0.5])
           else ""))
    print("network_output passes the public tests.")

# %% [markdown]
# ### A training step
#
# Training is the loop of section 6 on a network: compute the **loss** over a small dataset, here the sum over samples of $(\text{output} - \text{target})^2$ (micrograd's loss has no ½ and is a sum, not a mean; that only rescales the gradient, and the learning rate absorbs it), run `backward()`, move every parameter against its gradient. The parameters live on from step to step; the loss's graph, with every intermediate Value, is built anew by each step's forward pass.

# %% [markdown]
# ### Exercise `train_network`
#
# **`training_step`.** This exercise is the function you write, `training_step`; `train_network` is only the name of the function, given to you, through which it is tested. Write `training_step(model, xs, ys, learning_rate)`: one step of gradient descent on all of the dataset at once. `xs` is the list of samples (each a list of `n_inputs` numbers), `ys` the list of their targets (each a list, one number per output). Set the parameters' `grad` to 0; compute the loss $\sum_{\text{samples}} \sum_{\text{outputs}} (\text{output} - \text{target})^2$ as a Value; run its backward pass; move each parameter by `learning_rate` times its gradient, against it; return the loss's number (`loss.data`, the loss before the step).
#
# The graded function is `train_network(...)`, written for you: it builds an `MLP`, sets its parameters, calls your `training_step` `steps` times and returns the parameters' numbers.

# %% solution
def training_step(model, xs, ys, learning_rate):
    """One step of gradient descent on model's parameters over the samples xs with targets ys; the loss before it."""
    ### BEGIN SOLUTION
    parameters = model.parameters()
    for p in parameters:
        p.grad = 0.0                          # the last step's gradients, gone
    loss = Value(0.0)
    for x, y in zip(xs, ys):
        for out, target in zip(model(x), y):
            loss = loss + (out - target) ** 2
    loss.backward()
    for p in parameters:
        p.data -= learning_rate * p.grad
    return loss.data
    ### END SOLUTION


def train_network(n_inputs, layer_sizes, parameters, xs, ys, learning_rate, steps):
    """The parameters of MLP(n_inputs, layer_sizes), started at `parameters`, after `steps` training steps.

    Parameters
    ----------
    n_inputs, layer_sizes, parameters : as for network_output
    xs : list of lists of float, each of length n_inputs
        The samples.
    ys : list of lists of float, each of length layer_sizes[-1]
        Their targets.
    learning_rate : float
        The step size, > 0.
    steps : int
        How many times training_step runs.

    Returns
    -------
    list of float
        The parameters after training, in the order of parameters().
    """
    model = MLP(n_inputs, layer_sizes)
    set_parameters(model, parameters)
    for _ in range(steps):
        training_step(model, xs, ys, learning_rate)
    return [p.data for p in model.parameters()]


# %% public
# Public test: one neuron without tanh, y = w·x + b, on two samples: its gradient is worked out by hand.
with public_test("train_network"):
    xs, ys = [[1.0], [2.0]], [[1.0], [3.0]]
    # loss = (w + b − 1)² + (2w + b − 3)²; at w = b = 0: dL/dw = 2·(−1) + 2·(−3)·2 = −14, dL/db = −2 − 6 = −8
    got = call_on_copies(train_network, 1, [1], [0.0, 0.0], xs, ys, 0.01, 1)
    assert np.allclose(got, [0.14, 0.08]), (
        f"one step of size 0.01 from w = b = 0: expected [0.14, 0.08], got {got}"
        + (": the grads are set to 0 after backward(), so the step moves nothing; zero them first"
           if np.allclose(got, [0.0, 0.0]) else ""))
    w, b = 0.0, 0.0
    for _ in range(3):                       # the same steps by hand
        gw, gb = 2 * (w + b - 1) + 4 * (2 * w + b - 3), 2 * (w + b - 1) + 2 * (2 * w + b - 3)
        w, b = w - 0.01 * gw, b - 0.01 * gb
    got = call_on_copies(train_network, 1, [1], [0.0, 0.0], xs, ys, 0.01, 3)
    assert np.allclose(got, [w, b]), (
        f"three steps of size 0.01: expected {np.round([w, b], 6)}, got {np.round(got, 6)}"
        + (": are the parameters' grads set back to 0 at the start of every step?" if got[0] > w + 1e-9 else ""))
    print("train_network passes the public tests.")

# %% [markdown]
# ### Train it
#
# A network for a small regression: twelve points on a wiggly curve, fitted by `MLP(1, [8, 1])` (25 parameters) in 300 steps. Every step builds a graph of about 600 Values and walks it back, one number at a time; that takes a second or two.

# %%
curve_x = [[v] for v in np.linspace(-2.0, 2.0, 12)]
curve_y = [[float(np.sin(1.5 * x[0]) + 0.3 * x[0])] for x in curve_x]
try:
    random.seed(1)                                     # the same starting weights on every run
    model = MLP(1, [8, 1])
    losses = [training_step(model, curve_x, curve_y, learning_rate=0.01) for _ in range(300)]
    trained_by = "your Value, MLP and training_step"
except NotImplementedError:   # until your classes and training_step are written, the course's own train the same network
    random.seed(1)
    model = autograd.MLP(1, [8, 1])
    losses = [autograd.training_step(model, curve_x, curve_y, learning_rate=0.01) for _ in range(300)]
    trained_by = "the course's Value, MLP and training_step (yours are not all written yet)"
print(f"trained by {trained_by}")
print(f"loss: {losses[0]:.3f} at the first step, {losses[99]:.3f} at step 100, {losses[-1]:.4f} at the last")

fig, (left, right) = plots.new_figure(9.0, 3.2, ncols=2)
curve = plots.loss_curve(losses, ax=left, xlabel="training steps")
left.set(ylabel="loss (sum of squared errors)", title="the loss, step by step")
grid = np.linspace(-2.2, 2.2, 100)
right.plot(grid, [model([float(v)])[0].data for v in grid], label="the trained network")
right.plot([x[0] for x in curve_x], [y[0] for y in curve_y], "o", label="the 12 samples")
right.set(xlabel="x", ylabel="y", title="what it learned")
right.legend(frameon=False)
curve      # a plot object shows its whole figure

# %% [markdown]
# Micrograd's whole journey, at the course's scale: the operations with their rules, an order, a backward pass, a network made of them, and a training loop, all on your own `Value`. The zeroing is in `training_step`: remove it and watch the loss. Within a few steps it jumps up and down, at times below the run with the zeroing, and it never settles: section 6's and 7's leftovers at work.
#
# ## 9 · Step through a backward pass
#
# An optional extra, for when you want to see an order at work: pick an expression; the slider runs its backward pass one Value at a time, in the order your `topological_order` gives, reversed. The Value whose rule runs is outlined in green, the parents that receive its gradient in purple; a `grad ?` is not complete yet. Pick *x·x + x*: which step completes `x.grad`, and why must it wait for two of them?

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
# * Every Value keeps its `grad` after a backward pass, intermediate ones too: a second `backward()` on the same graph adds to all of them and gives wrong gradients. A training step zeroes the parameters, the only Values that live on; its forward pass makes the rest anew.
# * A `Neuron`, a `Layer` and an `MLP` are a few lines on top of `Value`; a training step is zero, forward, backward, update.
#
# **Fresh words:** *autograd engine*, *computational graph*, *parents*, *local derivative*, *backward rule*, *closure*, *topological order*, *MLP* (multi-layer perceptron).
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
# 3. The first step uses the true gradient; later ones are dominated by old gradients, which makes a longer step in an older direction: downhill on average at first (remove the zeroing in section 8 and the loss bounces, yet comes down over the first steps), then no longer where the error falls now, and the steps overshoot.
#
# </details>

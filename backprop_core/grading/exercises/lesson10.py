"""Exercises of lesson 10-autograd.

The student's ``Value`` class cannot cross the sandbox, so every exercise takes and
returns plain data: ``topological_order`` sorts a numbered graph, ``gradients`` and
``descend`` receive an :class:`~backprop_core.grading.student_process.case_functions.Expression` (a
small expression written as steps, which builds the graph with the student's own
``Value`` operators) and numbers, and return numbers.

``Value.backward`` calls the student's ``topological_order``, so a wrong order breaks
``gradients`` and ``descend`` as well: their first known mistake is that same wrong
order (each mistake function carries its own small engine, numpy only, because its
source is pasted into a solution cell), so every submission of the course's tests
fails exactly the properties its mistakes name.
"""
from __future__ import annotations

import copy

import numpy as np

from backprop_core.nn import autograd
from ..student_process.case_functions import Expression, Graph
from ._base import Case, Choice, Exercise, Mistake, Number, WrongAnswer, question, register

LESSON = "10-autograd"

# The course's Value computes every backward rule the student writes, in the closures its operations
# make: absent from the builds of gradients and descend, and alone (following the name `exp` would
# remove every caller of np.exp). Its Values then have data and parents but no operation. Any order
# is fine (the student's topological_order, graded on its own, or graphlib's TopologicalSorter):
# without rules an order computes nothing, so these two exercises grade the rules, which are theirs.
# The graded expressions' values at plain numbers go too: differences of them (lesson 08) would give the
# gradients without a rule.
_VALUE_RULES = (autograd.Value.__add__, autograd.Value.__mul__, autograd.Value.__pow__, autograd.Value.exp,
                autograd.Value.tanh, autograd.Value.sigmoid, Expression.on_numbers)


# ----------------------------------------------------------------- random graphs and expressions
def _random_graph(rng: np.random.Generator, shared: bool) -> tuple[int, Graph]:
    """A graph of 4–9 numbered nodes, each node's parents numbered below it, all reaching the root, the last.

    ``shared``: some nodes are parents of two nodes (diamonds, the first always), else the graph is a tree.
    """
    n = int(rng.integers(4, 10))
    parents: list[list] = [[] for _ in range(n)]
    for node in range(n - 1):
        above = np.arange(node + 1, n)
        n_children = 2 if shared and node == 0 else (int(rng.integers(1, 3)) if shared else 1)
        for child in rng.choice(above, size=min(n_children, len(above)), replace=False):
            parents[int(child)].append(node)
    for listed in parents:
        rng.shuffle(listed)
    return n - 1, Graph(tuple(tuple(int(k) for k in listed) for listed in parents))


def _graph_cases(shared: bool, what: str):
    def cases(rng: np.random.Generator) -> list[Case]:
        made = []
        for _ in range(10):
            root, graph = _random_graph(rng, shared)
            made.append(Case({"root": root, "parents_of": graph}, f"{what}, {graph!r}"))
        return made
    return cases


_BINARY = ("add", "mul")
_PLAIN_NUMBER = ("add_number", "times_number")


def _random_expression(rng: np.random.Generator, n_inputs: int, extra: tuple, reuse: bool) -> Expression:
    """An expression of ``n_inputs`` arguments: + and × (with numbers too) and the steps of ``extra``.

    Every argument is used; with ``reuse`` some nodes are used twice or more, else each once (a tree).
    At least two steps lie between an argument and the result.
    """
    steps: list[tuple] = []
    unused = list(range(n_inputs))
    count = n_inputs

    def push(step):
        nonlocal count
        steps.append(step)
        unused.append(count)
        count += 1

    def take():
        return unused.pop(int(rng.integers(len(unused))))

    if reuse:                            # one node used twice at once: x·x, or (x + c)·x, or y·x
        a = take()
        if rng.random() < 0.5:
            push(("mul", a, a))
        else:
            push(("add_number", a, float(np.round(rng.uniform(-1, 1), 2))))
            push(("mul", take(), a))
    extras = list(extra)
    while len(unused) > 1 or extras or len(steps) < 2:
        if extras and (len(unused) == 1 or rng.random() < 0.5):
            name = extras.pop()
            a = take()
            if name == "pow":
                k = float(rng.choice([2.0, 3.0, -1.0, 0.5]))
                if k < 1:                # a negative or fractional power of a positive number: a**2 + 1
                    push(("pow", a, 2.0))
                    push(("add_number", unused.pop(), 1.0))
                    a = unused.pop()
                push(("pow", a, k))
            else:
                push((name, a, None))
        elif len(unused) > 1:
            a = take()
            b = int(rng.integers(count)) if reuse and rng.random() < 0.4 else take()  # any node so far, maybe used
            push((str(rng.choice(_BINARY)), a, b))
        else:
            name = str(rng.choice(_PLAIN_NUMBER))
            push((name, take(), float(np.round(rng.uniform(-1.5, 1.5), 2))))
    return Expression(n_inputs, tuple(steps))


def _inputs(rng: np.random.Generator, n: int) -> list:
    return [float(v) for v in np.round(rng.uniform(-1.5, 1.5, size=n), 3)]


def _expression_cases(extra: tuple, reuse: bool = False):
    def cases(rng: np.random.Generator) -> list[Case]:
        made = []
        for _ in range(8):
            n = int(rng.integers(2, 5))
            f = _random_expression(rng, n, extra * int(rng.integers(1, 3)), reuse)
            made.append(Case({"f": f, "inputs": _inputs(rng, n)}, f"f = {f.formula}"))
        return made
    return cases


def _descent_cases(many_steps: bool):
    def cases(rng: np.random.Generator) -> list[Case]:
        made = []
        while len(made) < 8:
            n = int(rng.integers(2, 4))
            f = _random_expression(rng, n, ("tanh", "pow"), reuse=bool(rng.random() < 0.5))
            steps = int(rng.integers(3, 8)) if many_steps else 1
            rate = float(np.round(rng.uniform(0.02, 0.1), 3))
            case = Case({"f": f, "start": _inputs(rng, n), "learning_rate": rate, "steps": steps},
                        f"{steps} step(s) of size {rate} on f = {f.formula}")
            if _descends_finitely(case):
                made.append(case)
        return made
    return cases


def _descends_finitely(case: Case) -> bool:
    """Whether the course's descent stays finite on ``case``: with cases drawn per submission, a steep
    power can overflow within a few steps, and a case the reference cannot finish judges nobody."""
    try:
        with np.errstate(all="raise"):
            return bool(np.all(np.isfinite(np.asarray(autograd.descend(**copy.deepcopy(case.kwargs)), dtype=float))))
    except (OverflowError, FloatingPointError, ValueError, ZeroDivisionError):
        return False


# ----------------------------------------------------------------- topological_order
#: The node put in the order before its parents (depth first, "pre-order"): a patch on the solution's
#: topological_order, for that exercise and, through Value.backward, for gradients.
_NODE_BEFORE_ITS_PARENTS = (
    ("visited.add(node)", "visited.add(node)\norder.append(node)      # before its parents"),
    ("order.append(node)      # after its parents: they are all in the list now", "pass"),
)

register(
    Exercise(
        name="topological_order",
        lesson=LESSON,
        reference=autograd.topological_order,
        replaces=(autograd.topological_order,),
        properties={"trees": _graph_cases(False, "a tree"), "shared_nodes": _graph_cases(True, "shared nodes")},
        points={"trees": 1, "shared_nodes": 1},
        descriptions={"trees": "trees of 3 to 9 numbered nodes",
                      "shared_nodes": "graphs of 3 to 9 numbered nodes where some are parents of several"},
        mistakes=(Mistake("node_before_its_parents", replace=_NODE_BEFORE_ITS_PARENTS),),
    )
)


# ----------------------------------------------------------------- gradients
#: Backward rules of the solution's Value that set their parents' grad (=) instead of adding to it (+=).
_OVERWRITTEN_IN_SUM = (
    ("self.grad += out.grad            # += : self and other may be the same Value (x + x)", "self.grad = out.grad"),
    ("other.grad += out.grad", "other.grad = out.grad"),
)
_OVERWRITTEN_IN_PRODUCT = (
    ("self.grad += other.data * out.grad", "self.grad = other.data * out.grad"),
    ("other.grad += self.data * out.grad", "other.grad = self.data * out.grad"),
)
_OVERWRITTEN_ELSEWHERE = tuple((f"self.grad += {slope}", f"self.grad = {slope}") for slope in (
    "k * self.data ** (k - 1) * out.grad", "out.data * out.grad", "(1.0 - out.data ** 2) * out.grad",
    "out.data * (1.0 - out.data) * out.grad", "(1.0 if self.data > 0 else 0.0) * out.grad"))

_EVERY_GRADIENT_PROPERTY = ("add_and_multiply", "power", "exp", "tanh", "sigmoid", "values_used_twice")

register(
    Exercise(
        name="gradients",
        lesson=LESSON,
        withheld=_VALUE_RULES,
        reference=autograd.gradients,
        replaces=(autograd.gradients, autograd.Value.backward, autograd.topological_order),
        properties={
            "add_and_multiply": _expression_cases(()),
            "power": _expression_cases(("pow",)),
            "exp": _expression_cases(("exp",)),
            "tanh": _expression_cases(("tanh",)),
            "sigmoid": _expression_cases(("sigmoid",)),
            "values_used_twice": _expression_cases(("tanh", "exp"), reuse=True),
        },
        points={p: 1 for p in _EVERY_GRADIENT_PROPERTY},
        descriptions={
            "add_and_multiply": "expressions of + and × (with plain numbers too), each value used once",
            "power": "expressions with powers a**k (k = 2, 3, −1, 0.5), each value used once",
            "exp": "expressions with exp, each value used once",
            "tanh": "expressions with tanh, each value used once",
            "sigmoid": "expressions with sigmoid, each value used once",
            "values_used_twice": "expressions where some values are used twice or more",
        },
        mistakes=(
            Mistake("node_before_its_parents", replace=_NODE_BEFORE_ITS_PARENTS, target="topological_order"),
            Mistake("grad_overwritten", replace=_OVERWRITTEN_IN_SUM + _OVERWRITTEN_IN_PRODUCT + _OVERWRITTEN_ELSEWHERE,
                    properties=("values_used_twice",), target="Value"),
            Mistake("grad_overwritten_in_product", replace=_OVERWRITTEN_IN_PRODUCT, properties=("values_used_twice",),
                    target="Value"),
        ),
    )
)


# ----------------------------------------------------------------- descend
register(
    Exercise(
        name="descend",
        lesson=LESSON,
        # Graded on the course's Value (its rules, backward pass and order kept in the build): a bug in the
        # student's Value or topological_order costs the points of gradients and topological_order only, and
        # descend is about the steps. Only the expressions' evaluation at plain numbers is withheld: central
        # differences of it would give the steps without a gradient of the student's loop.
        withheld=(Expression.on_numbers,),
        reference=autograd.descend,
        replaces=(autograd.descend,),
        graded_with=("from backprop_core.nn.autograd import Value, as_value, topological_order",),
        properties={"one_step": _descent_cases(False), "several_steps": _descent_cases(True)},
        points={"one_step": 1, "several_steps": 1},
        descriptions={"one_step": "one step of gradient descent on small expressions",
                      "several_steps": "3 to 7 steps of gradient descent on small expressions"},
        # No node-order mistake here: descend is graded on the course's Value and topological_order.
        mistakes=(
            Mistake("grad_not_zeroed", properties=("several_steps",), replace=(
                "for v in values:\n    v.grad = 0.0                     # this step's gradients only", "pass")),
        ),
    )
)


# ----------------------------------------------------------------- a network of Values
# network_output and train_network are wrappers written for the student around what they build (Neuron,
# Layer, MLP, training_step): a network cannot cross the sandbox, so the cases are sizes and numbers, and
# the wrappers set the network's parameters (in parameters()'s order) and return numbers.
_NETWORK_METHODS = (autograd.Neuron.__init__, autograd.Neuron.__call__, autograd.Neuron.parameters,
                    autograd.Layer.__init__, autograd.Layer.__call__, autograd.Layer.parameters,
                    autograd.MLP.__init__, autograd.MLP.__call__, autograd.MLP.parameters,
                    autograd.squared_error, autograd._set_parameters)


def _n_parameters(n_inputs: int, layer_sizes) -> int:
    sizes = [n_inputs] + list(layer_sizes)
    return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(layer_sizes)))


def _random_sizes(rng: np.random.Generator, hidden: bool) -> tuple[int, list]:
    n_inputs = int(rng.integers(1, 4))
    sizes = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(1, 3)))] if hidden else []
    return n_inputs, sizes + [int(rng.integers(1, 3))]


def _network_cases(hidden: bool):
    def cases(rng: np.random.Generator) -> list[Case]:
        made = []
        for _ in range(8):
            n_inputs, sizes = _random_sizes(rng, hidden)
            parameters = [float(v) for v in np.round(rng.uniform(-1, 1, _n_parameters(n_inputs, sizes)), 3)]
            made.append(Case({"n_inputs": n_inputs, "layer_sizes": sizes, "parameters": parameters,
                              "x": _inputs(rng, n_inputs)}, f"MLP({n_inputs}, {sizes}) at one input"))
        return made
    return cases


def _training_cases(many_steps: bool):
    def cases(rng: np.random.Generator) -> list[Case]:
        made = []
        for _ in range(6):
            n_inputs, sizes = _random_sizes(rng, hidden=True)
            n_samples = int(rng.integers(2, 5))
            parameters = [float(v) for v in np.round(rng.uniform(-1, 1, _n_parameters(n_inputs, sizes)), 3)]
            xs = [_inputs(rng, n_inputs) for _ in range(n_samples)]
            ys = [_inputs(rng, sizes[-1]) for _ in range(n_samples)]
            steps = int(rng.integers(3, 7)) if many_steps else 1
            rate = float(np.round(rng.uniform(0.01, 0.05), 3))
            made.append(Case({"n_inputs": n_inputs, "layer_sizes": sizes, "parameters": parameters, "xs": xs,
                              "ys": ys, "learning_rate": rate, "steps": steps},
                             f"{steps} step(s) of size {rate}, MLP({n_inputs}, {sizes}) on {n_samples} samples"))
        return made
    return cases


register(
    Exercise(
        name="network_output",
        lesson=LESSON,
        # Graded on the course's Value (a bug in the student's Value costs gradients' points only); the course's
        # Neuron, Layer and MLP are what this exercise builds, so they are absent from its build.
        withheld=_NETWORK_METHODS,
        reference=autograd.network_output,
        replaces=(autograd.network_output,),
        graded_with=("from backprop_core.nn.autograd import Value, as_value, topological_order",),
        properties={"output_layer_only": _network_cases(False), "hidden_layers": _network_cases(True)},
        points={"output_layer_only": 1, "hidden_layers": 1},
        descriptions={"output_layer_only": "networks of one layer (sums, no tanh) with 1–3 inputs and 1–2 outputs",
                      "hidden_layers": "networks with 1–2 tanh layers of 1–4 neurons before the output layer"},
        mistakes=(
            Mistake("last_layer_squashed", target="MLP",
                    replace=("nonlinear=i < len(layer_sizes) - 1", "nonlinear=True")),
            Mistake("bias_added_after_tanh", properties=("hidden_layers",), target="Neuron", replace=(
                ("zip(self.w, x)), self.b)", "zip(self.w, x)), Value(0.0))"),
                ("return z.tanh() if self.nonlinear else z", "return z.tanh() + self.b if self.nonlinear else z + self.b"))),
        ),
    )
)


#: The solution's training_step setting the gradients back to 0 before the forward pass.
_ZEROING = "for p in parameters:\n    p.grad = 0.0                          # the last step's gradients, gone"

register(
    Exercise(
        name="train_network",
        lesson=LESSON,
        # Graded on the course's Value and MLP (graded_with): the student's training_step, called by the wrapper
        # train_network, is what is graded. The course's training_step would answer it.
        reference=autograd.train_network,
        replaces=(autograd.train_network, autograd.training_step),
        graded_with=("from backprop_core.nn.autograd import Value, as_value, topological_order, Neuron, Layer, MLP",),
        properties={"one_step": _training_cases(False), "several_steps": _training_cases(True)},
        points={"one_step": 1, "several_steps": 1},
        descriptions={"one_step": "one training step of small networks on 2–4 samples",
                      "several_steps": "3 to 6 training steps of small networks on 2–4 samples"},
        mistakes=(
            Mistake("grads_zeroed_after_backward", target="training_step", replace=(
                (_ZEROING, "pass"), ("loss.backward()", "loss.backward()\nfor p in parameters:\n    p.grad = 0.0"))),
            Mistake("grad_not_zeroed", properties=("several_steps",), target="training_step", replace=(_ZEROING, "pass")),
        ),
    )
)


# ----------------------------------------------------------------- understanding question
def _grad_of_x_in_x_times_x_plus_x(x: float = 3.0, overwrite: bool = False, first_use_only: bool = False) -> float:
    """x.grad after (x·x + x).backward(), by the reference engine or with a foreseen slip."""
    if overwrite:
        return x            # the + rule sets 1, then the × rule sets x twice over
    if first_use_only:
        return 2 * x        # the "+ x" path forgotten
    value = autograd.Value(x)
    (value * value + value).backward()
    return value.grad


register(
    question(
        name="predicted_grad_of_reused_value",
        lesson=LESSON,
        answer=_grad_of_x_in_x_times_x_plus_x,
        kind=Number(significant_digits=3),
        reread="section 3, *A value used twice*: every use of x sends a gradient back, and they add up",
        wrong_answers=(
            WrongAnswer(_grad_of_x_in_x_times_x_plus_x(overwrite=True),
                        "that is what an engine that overwrites grad (=) instead of adding to it (+=) "
                        "leaves: only the last use of x counts."),
            WrongAnswer(_grad_of_x_in_x_times_x_plus_x(first_use_only=True),
                        "that is the slope of x·x alone: the \"+ x\" at the end is a use of x too."),
            WrongAnswer(1.0, "that is only the gradient through the \"+ x\": x·x uses x twice more."),
        ),
    )
)


def _backward_order_option() -> str:
    """The order in which the backward pass may run the rules."""
    return "B"  # the result first, each value after every value made from it: the topological order reversed


register(
    question(
        name="backward_order_option",
        lesson=LESSON,
        answer=_backward_order_option,
        kind=Choice("ABC"),
        reread="section 2, *The order of the backward pass*: when is a value's grad complete?",
        wrong_answers=(
            WrongAnswer("A", "in A a value's rule runs before the values made from it have sent their shares "
                             "back: it passes on a grad that is still 0 or incomplete."),
            WrongAnswer("C", "the rules do run once each, but a rule passes on its value's grad as it is at that "
                             "moment: the order decides whether that grad is complete."),
        ),
    )
)


def _grad_after_two_backward_passes(x: float = 3.0, passes: int = 2) -> float:
    """x.grad after ``passes`` calls of f.backward() on y = x·x, f = y + x, with no zeroing in between."""
    value = autograd.Value(x)
    y = value * value
    f = y + value
    for _ in range(passes):
        f.backward()
    return value.grad


register(
    question(
        name="predicted_grad_after_two_backward_passes",
        lesson=LESSON,
        answer=_grad_after_two_backward_passes,
        kind=Number(significant_digits=3),
        reread="section 7, *backward() twice*: which grads does the first pass leave behind, and who adds to them?",
        wrong_answers=(
            WrongAnswer(_grad_after_two_backward_passes(passes=1),
                        "that is x.grad after one pass: backward() does not start from zero, every rule adds to "
                        "the grad that is there."),
            WrongAnswer(2 * _grad_after_two_backward_passes(passes=1),
                        "twice the first pass counts x's own leftover grad, but y kept its grad too: the second "
                        "pass adds to y.grad before y's rule passes it to x."),
        ),
    )
)


def _which_grads_to_zero_option() -> str:
    """Which Values a training step must set back to 0."""
    return "B"  # only the parameters: every other Value is made anew, grad 0, by the step's forward pass


register(
    question(
        name="which_grads_to_zero_option",
        lesson=LESSON,
        answer=_which_grads_to_zero_option,
        kind=Choice("ABC"),
        reread="section 8, *A training step*: which Values live from one step to the next?",
        wrong_answers=(
            WrongAnswer("A", "the intermediate Values of the last step are not used again: the forward pass makes "
                             "new ones, whose grad starts at 0."),
            WrongAnswer("C", "backward() sets only the result's grad to 1; every other grad is added to, so the "
                             "parameters would keep the last step's gradients."),
        ),
    )
)

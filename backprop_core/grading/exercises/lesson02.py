"""Exercises of lesson 02-gradient-descent."""
from __future__ import annotations

import numpy as np

from backprop_core.course import examples
from backprop_core.nn import gradcheck, layers, losses, network, training
from ..student_process.case_functions import QuadraticGradient
from ._base import Case, Choice, Exercise, Mistake, Number, WrongAnswer, question, register

LESSON = "02-gradient-descent"

# A student who builds a Network could let it do the update for them.
_UPDATES = (network.Network.step, network.gradient_step)


# ----------------------------------------------------------------- gradient_step
def gradient_step(w, gradient, learning_rate):
    r"""Reference: one step of gradient descent, :math:`w - \alpha\, \partial E / \partial w`.

    Parameters
    ----------
    w : float or ndarray, any shape
    gradient : float or ndarray, same shape as ``w``
    learning_rate : float > 0

    Returns
    -------
    float or ndarray, same shape as ``w`` (a new value; ``w`` is left alone)
    """
    return np.asarray(w, dtype=np.float64) - learning_rate * np.asarray(gradient, dtype=np.float64)


def _step_cases_scalar(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(15):
        w, g, lr = float(rng.normal()), float(rng.normal()), float(rng.uniform(0.01, 2.0))
        cases.append(Case({"w": w, "gradient": g, "learning_rate": lr}, f"one weight, learning rate {lr:.3g}"))
    return cases


def _step_cases_array(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(15):
        shape = tuple(int(v) for v in rng.integers(1, 5, size=int(rng.integers(1, 3))))
        lr = float(rng.uniform(0.01, 2.0))
        kwargs = {"w": rng.normal(size=shape), "gradient": rng.normal(size=shape), "learning_rate": lr}
        cases.append(Case(kwargs, f"weights of shape {shape}, learning rate {lr:.3g}"))
    return cases


register(
    Exercise(
        name="gradient_step",
        lesson=LESSON,
        reference=gradient_step,
        replaces=_UPDATES,
        properties={"one_weight": _step_cases_scalar, "arrays": _step_cases_array},
        points={"one_weight": 1, "arrays": 1},
        descriptions={"one_weight": "single numbers", "arrays": "weight arrays of many shapes"},
        mistakes=(
            Mistake("wrong_sign", replace=(
                "np.asarray(w, dtype=float) - learning_rate",
                "np.asarray(w, dtype=float) + learning_rate")),
            Mistake("changed_argument_in_place", replace=(
                # right numbers, but an array w is changed for the caller (a single number cannot be)
                "return np.asarray(w, dtype=float) - learning_rate * np.asarray(gradient, dtype=float)",
                "w -= learning_rate * np.asarray(gradient, dtype=float)\nreturn w"), properties=("arrays",)),
        ),
    )
)


# ----------------------------------------------------------------- linear_output_gradient
def linear_output_gradient(hidden, output, target):
    r"""Reference: :math:`\partial E / \partial W_2` of a linear output layer, one sample.

    With :math:`\text{output} = W_2 a` (``a`` the hidden activations) and
    :math:`E = \tfrac12 \sum_j (\text{output}_j - \text{target}_j)^2`,
    :math:`\partial E / \partial W_{2,jk} = \delta_j\, a_k` with
    :math:`\delta = \text{output} - \text{target}`: an outer product.

    Parameters
    ----------
    hidden : ndarray, shape (n_hidden,)
    output : ndarray, shape (n_out,)
    target : ndarray, shape (n_out,)

    Returns
    -------
    ndarray, shape (n_out, n_hidden)
    """
    delta = np.asarray(output, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return np.outer(delta, np.asarray(hidden, dtype=np.float64))


def _gradient_cases(rng: np.random.Generator, several: bool) -> list[Case]:
    cases = []
    for k in range(15):
        if several and k < 5:  # square first: a swapped outer product gives numbers, not a shape error
            n_out = n_hidden = int(rng.integers(2, 5))
        else:
            n_out = int(rng.integers(2, 5)) if several else 1
            n_hidden = int(rng.integers(2, 6))
        kwargs = {"hidden": rng.normal(size=n_hidden), "output": rng.normal(size=n_out), "target": rng.normal(size=n_out)}
        cases.append(Case(kwargs, f"{n_hidden} hidden neurons, {n_out} output{'s' if n_out > 1 else ''}"))
    return cases


register(
    Exercise(
        name="linear_output_gradient",
        lesson=LESSON,
        reference=linear_output_gradient,
        replaces=(
            network.Network.backward, network.backward_pass, layers.dense_backward, layers.activation_backward,
            gradcheck.numerical_gradient, gradcheck.array_numerical_gradient, losses.half_squared_error_gradient,
        ),
        properties={
            "one_output": lambda rng: _gradient_cases(rng, several=False),
            "several_outputs": lambda rng: _gradient_cases(rng, several=True),
        },
        points={"one_output": 1, "several_outputs": 1},
        descriptions={
            "one_output": "one output neuron, random hidden layers",
            "several_outputs": "several output neurons",
        },
        mistakes=(
            Mistake("wrong_sign", replace=(
                "np.asarray(output, dtype=float) - np.asarray(target, dtype=float)",
                "np.asarray(target, dtype=float) - np.asarray(output, dtype=float)")),
            Mistake("missing_transpose", replace=(
                "np.outer(delta, np.asarray(hidden, dtype=float))",
                "np.outer(np.asarray(hidden, dtype=float), delta)")),
        ),
    )
)


# ----------------------------------------------------------------- gradient_descent
def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    r"""Reference: ``n_steps`` steps of :math:`w \leftarrow w - \alpha \nabla E(w)`, and the path.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(w)`` returns :math:`\nabla E(w)`, an ndarray of shape (n_weights,).
    w_start : ndarray, shape (n_weights,)
    learning_rate : float > 0
    n_steps : int >= 0

    Returns
    -------
    path : ndarray, shape (n_steps + 1, n_weights)
        ``path[0]`` is ``w_start``, ``path[k]`` the weights after k steps.
    """
    w = np.array(w_start, dtype=np.float64)  # a copy: the caller's array stays put
    path = [w.copy()]
    for _ in range(n_steps):
        w = w - learning_rate * np.asarray(grad_fn(w), dtype=np.float64)
        path.append(w.copy())
    return np.array(path)


def _descent_cases(rng: np.random.Generator, n_weights) -> list[Case]:
    cases = []
    for _ in range(10):
        n = n_weights if n_weights else int(rng.integers(2, 5))
        M = rng.normal(size=(n, n))
        A = M @ M.T + 0.5 * np.eye(n)  # symmetric positive definite: a bowl
        # A learning rate below 2 / (largest curvature) keeps the path finite.
        lr = float(rng.uniform(0.1, 1.5) / np.linalg.eigvalsh(A).max())
        steps = int(rng.integers(1, 12))
        kwargs = {"grad_fn": QuadraticGradient(A, rng.normal(size=n)), "w_start": rng.normal(size=n),
                  "learning_rate": lr, "n_steps": steps}
        cases.append(Case(kwargs, f"a bowl-shaped error of {n} weight{'s' if n > 1 else ''}, "
                                  f"learning rate {lr:.3g}, {steps} steps"))
    return cases


register(
    Exercise(
        name="gradient_descent",
        lesson=LESSON,
        reference=gradient_descent,
        replaces=_UPDATES + (training.train,),
        properties={
            "one_weight": lambda rng: _descent_cases(rng, 1),
            "several_weights": lambda rng: _descent_cases(rng, None),
        },
        points={"one_weight": 1, "several_weights": 1},
        descriptions={
            "one_weight": "bowl-shaped errors of one weight",
            "several_weights": "bowl-shaped errors of several weights",
        },
        mistakes=(
            Mistake("wrong_sign", replace=("w = w - learning_rate", "w = w + learning_rate")),
            Mistake("changed_argument_in_place", replace=(
                ("w = np.array(w_start, dtype=float)", "w = np.asarray(w_start, dtype=float)  # the caller's array itself"),
                ("path = [w]", "path = [w.copy()]"),
                ("w = w - learning_rate", "w -= learning_rate"),
                ("path.append(w)", "path.append(w.copy())"))),
        ),
    )
)


# ----------------------------------------------------------------- understanding questions
def _hidden_activations() -> np.ndarray:
    """(a1, a2) of hmkcode's 2-2-1 example, shape (2,)."""
    net, x, _ = examples.step_by_step()
    return net.forward(x).activations[0]


def _w6_limit(curvature_of=lambda a: a[1] ** 2, times: float = 2.0) -> float:
    """The learning rate above which gradient descent on w6 alone diverges: times / curvature.

    The defaults give the right answer, 2 / a2²; the foreseen slips swap the curvature or the 2.
    """
    return float(times / curvature_of(_hidden_activations()))


register(
    question(
        name="w6_learning_rate_limit",
        lesson=LESSON,
        answer=_w6_limit,
        kind=Number(significant_digits=3),
        reread=("section 6, *Choosing the learning rate*: what one step does to delta, the curvature c of the "
                "weight that learns, and the limits 1/c and 2/c"),
        wrong_answers=(
            WrongAnswer(_w6_limit(times=1.0), "that is where the steps start to overshoot the bottom; past it they "
                                              "zigzag but still settle. Divergence starts where the factor 1 − αc "
                                              "drops below −1."),
            WrongAnswer(_w6_limit(lambda a: a[0] ** 2), "that is the limit of w5 alone. When only w6 learns, the "
                                                        "output moves by a2 per unit of w6: which curvature follows?"),
            WrongAnswer(_w6_limit(lambda a: float(a @ a)), "that is the limit of w5 and w6 learning together. Here "
                                                           "w5 is held, so only w6's move changes the output."),
            WrongAnswer(_w6_limit(lambda a: a[1]), "the curvature is a square: a step of w6 is α·delta·a2, and it "
                                                   "moves the output by a2 times that, so a2 appears twice."),
        ),
    )
)


register(
    question(
        name="error_grows_diagnosis",
        lesson=LESSON,
        answer=lambda: "C",
        kind=Choice("ABC"),
        reread=("section 3, *The update rule* (what the minus sign does) and section 6 (how small α must be "
                "to stay below 2/c)"),
        wrong_answers=(
            WrongAnswer("A", "α = 0.001 is far below 2/c ≈ 2.1 for this network: steps that small cannot overshoot. "
                             "Look at which way each step moves the weights."),
            WrongAnswer("B", "a tiny α makes training slow, but every step still goes downhill and E still falls. "
                             "E that grows even so means the steps go the wrong way."),
        ),
    )
)

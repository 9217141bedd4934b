"""Exercises of lesson 03-chain-rule."""
from __future__ import annotations

import numpy as np

from backprop_core.course import examples
from backprop_core.nn import activations, gradcheck
from ..student_process.case_functions import CURVES, Curve, Polynomial
from ._base import (FLOAT32_SWAMPS_CENTRAL_DIFFERENCES, FLOAT64_ROUNDING, Case, Exercise, Mistake, Number, Tolerance,
                    WrongAnswer, question, register)

LESSON = "03-chain-rule"


def _z_cases(rng: np.random.Generator, scale: float, what: str) -> list[Case]:
    cases = []
    for _ in range(12):
        shape = tuple(int(v) for v in rng.integers(1, 6, size=int(rng.integers(0, 3))))
        z = rng.uniform(-scale, scale, size=shape)
        cases.append(Case({"z": z}, f"{what}, z of shape {shape}"))
    return cases


def _extreme_cases(rng: np.random.Generator) -> list[Case]:
    # Exactly ±1000 and friends: a naive 1 / (1 + exp(-z)) overflows there.
    fixed = [Case({"z": np.array([-1000.0, -745.0, -50.0, 0.0, 50.0, 745.0, 1000.0])}, "z from -1000 to 1000")]
    return fixed + _z_cases(rng, 1000.0, "large |z| up to 1000")


# ----------------------------------------------------------------- sigmoid
register(
    Exercise(
        name="sigmoid",
        lesson=LESSON,
        reference=activations.sigmoid,
        replaces=(activations.sigmoid,),
        properties={"values": lambda rng: _z_cases(rng, 8.0, "moderate z"), "large_inputs": _extreme_cases},
        points={"values": 1, "large_inputs": 1},
        descriptions={"values": "moderate net inputs of many shapes", "large_inputs": "net inputs as large as ±1000"},
    )
)


# ----------------------------------------------------------------- sigmoid_prime
register(
    Exercise(
        name="sigmoid_prime",
        lesson=LESSON,
        reference=activations.sigmoid_prime,
        replaces=(activations.sigmoid_prime,),
        properties={"values": lambda rng: _z_cases(rng, 8.0, "moderate z"), "large_inputs": _extreme_cases},
        points={"values": 1, "large_inputs": 1},
        descriptions={"values": "moderate net inputs of many shapes", "large_inputs": "net inputs as large as ±1000"},
        mistakes=(
            Mistake("sigma_prime_of_activation", replace=(
                "s = sigmoid(z)",
                "s = sigmoid(sigmoid(z))  # the derivative taken at the wrong place")),
            Mistake("sigma_prime_of_net_input_as_activation", replace=(
                # a * (1 - a) written with the net input z where the activation a = sigma(z) belongs
                "s = sigmoid(z)", "s = np.asarray(z, dtype=float)")),
        ),
    )
)


# ----------------------------------------------------------------- g_prime
def g_prime(w):
    r"""Reference: the slope of :math:`g(w) = \sigma(2w)` by the chain rule, :math:`g'(w) = 2\,\sigma'(2w)`.

    Parameters
    ----------
    w : ndarray, any shape (or a float)

    Returns
    -------
    ndarray, same shape as w
    """
    return 2.0 * activations.sigmoid_prime(2.0 * np.asarray(w, dtype=float))


def _w_cases(rng: np.random.Generator) -> list[Case]:
    fixed = [Case({"w": np.array([-3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0])}, "w from -3 to 3, 0 included")]
    cases = []
    for _ in range(11):
        shape = tuple(int(v) for v in rng.integers(1, 6, size=int(rng.integers(0, 3))))
        cases.append(Case({"w": rng.uniform(-4.0, 4.0, size=shape)}, f"w of shape {shape}"))
    return fixed + cases


register(
    Exercise(
        name="g_prime",
        lesson=LESSON,
        reference=g_prime,
        replaces=(),   # nothing in the package computes g′; its sigmoid_prime stays, for graded_with below
        properties={"values": _w_cases},
        points={"values": 1},
        descriptions={"values": "w between -4 and 4, arrays of many shapes"},
        mistakes=(
            Mistake("chain_inner_slope_missing", replace=(
                "return sigmoid_prime(u) * 2.0", "return sigmoid_prime(u)  # the inner link's slope 2 left out")),
            Mistake("chain_outer_slope_at_w", replace=(
                "return sigmoid_prime(u) * 2.0",
                "return sigmoid_prime(np.asarray(w, dtype=float)) * 2.0  # σ′ taken at w, not at u = 2w")),
        ),
        # The course's sigmoid and sigmoid_prime under the student's function: a bug in their own (graded above)
        # is not charged twice.
        graded_with=("from backprop_core.nn.activations import sigmoid, sigmoid_prime",),
    )
)


# ----------------------------------------------------------------- central_difference
def central_difference(f, x, h=1e-5):
    r"""Reference: :math:`\big(f(x + h) - f(x - h)\big) / 2h`, the slope of ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        A function of one number returning one number.
    x : float
    h : float > 0

    Returns
    -------
    float
    """
    return float((f(x + h) - f(x - h)) / (2.0 * h))


_CURVES = tuple(Curve(name) for name in CURVES)


def _polynomial_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(12):
        degree = int(rng.integers(2, 5))
        x, h = float(rng.uniform(-2, 2)), float(10 ** rng.uniform(-3, -1))
        f = Polynomial(rng.normal(size=degree + 1))
        cases.append(Case({"f": f, "x": x, "h": h}, f"a polynomial of degree {degree} at x={x:.3g}, h={h:.2g}"))
    return cases


def _curve_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for k in range(12):
        f = _CURVES[k % len(_CURVES)]
        x, h = float(rng.uniform(-2, 2)), float(10 ** rng.uniform(-3, -1))
        cases.append(Case({"f": f, "x": x, "h": h}, f"{f.name} at x={x:.3g}, h={h:.2g}"))
    return cases


register(
    Exercise(
        name="central_difference",
        lesson=LESSON,
        reference=central_difference,
        replaces=(gradcheck.numerical_gradient, gradcheck.central_differences, gradcheck.array_numerical_gradient),
        properties={"polynomials": _polynomial_cases, "smooth_curves": _curve_cases},
        points={"polynomials": 1, "smooth_curves": 1},
        descriptions={
            "polynomials": "polynomials of degree 2 to 4",
            "smooth_curves": "sin, tanh, the logistic curve and exp",
        },
        mistakes=(
            Mistake("one_sided_difference", replace=("f(x - h)) / (2.0 * h)", "f(x)) / h")),
            Mistake("difference_over_h", replace=("/ (2.0 * h)", "/ h")),  # the two points are 2h apart
        ),
        # The lesson measures how rounding noise limits a central difference: float64 is part of it.
        tolerance=Tolerance(FLOAT64_ROUNDING.rtol, FLOAT64_ROUNDING.atol, FLOAT32_SWAMPS_CENTRAL_DIFFERENCES),
    )
)


# ----------------------------------------------------------------- understanding questions
def _dE_dw6(last_link: str = "a_h2", slope_at: str = "z") -> float:
    """∂E/∂w6 of Mazur's 2-2-2 example by the chain of section 4, right (the defaults) or with a foreseen slip.

    Parameters
    ----------
    last_link : {"a_h2", "a_h1"}
        The activation w6 carries (h2's; h1's belongs to w5).
    slope_at : {"z", "a", "none"}
        Where σ′ is taken: at the net input z_o1 (right), at the activation a_o1, or left out.
    """
    net, x, target = examples.mazur()
    trace = net.forward(x)
    z_o1, a_o1 = trace.pre_activations[1][0], trace.activations[1][0]
    a_h = trace.activations[0]
    slope = {"z": activations.sigmoid_prime(z_o1), "a": activations.sigmoid_prime(a_o1), "none": 1.0}[slope_at]
    carried = a_h[1] if last_link == "a_h2" else a_h[0]
    return float((a_o1 - target[0]) * slope * carried)


register(
    question(
        name="predicted_dE_dw6",
        lesson=LESSON,
        answer=_dE_dw6,
        kind=Number(significant_digits=3),
        reread="section 4, *A weight's path to the error*: the three links from w5 to E, and which of them change for w6",
        wrong_answers=(
            WrongAnswer(_dE_dw6(last_link="a_h1"), "that is ∂E/∂w5. w6 leaves another hidden neuron: which "
                                                   "activation does it multiply in z_o1?"),
            WrongAnswer(_dE_dw6(slope_at="a"), "σ′ was taken at the activation a_o1. It belongs at the net input "
                                               "z_o1, where the sigmoid was applied (section 4, *At the net input*)."),
            WrongAnswer(_dE_dw6(slope_at="none"), "the middle link is missing: a_o1 = σ(z_o1), so the chain passes "
                                                  "through the sigmoid's slope."),
        ),
    )
)

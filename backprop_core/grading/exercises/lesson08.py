"""Exercises of lesson 08-gradient-checking: a numerical gradient, locating a bug by layer, and two questions."""
from __future__ import annotations

import numpy as np

from backprop_core.course import buggy
from backprop_core.nn import gradcheck
from backprop_core.nn.gradcheck import RELATIVE_ERROR_FLOOR
from backprop_core.nn.network import Network
from ..answerfree.compare import Tolerance, part
from ..student_process.case_functions import ARRAY_FUNCTIONS, ArrayFunction, NetworkLossOfW1
from ._base import FLOAT32_SWAMPS_CENTRAL_DIFFERENCES, Case, Choice, Exercise, Mistake, Number, WrongAnswer, question, register

LESSON = "08-gradient-checking"

#: Gradient checking is about precision: only a central difference with the same h, in float64,
#: comes this close; a one-sided difference, or one computed in float32, does not.
CENTRAL_DIFFERENCE_PRECISION = Tolerance(rtol=1e-7, atol=1e-9, float64_because=FLOAT32_SWAMPS_CENTRAL_DIFFERENCES)


# ----------------------------------------------------------------- numerical_gradient
def _curvy_functions(rng: np.random.Generator, shape: tuple) -> list[ArrayFunction]:
    """Functions with real curvature, where a one-sided difference is off by far more than the tolerance."""
    v = rng.normal(size=shape)
    A = rng.normal(size=(int(np.prod(shape)),) * 2)
    return [ArrayFunction(formula, v, A) for formula in ARRAY_FUNCTIONS]


def _gradient_cases(rng: np.random.Generator, matrix: bool) -> list[Case]:
    cases = []
    for k in range(12):
        shape = tuple(int(v) for v in rng.integers(1, 4, size=2)) if matrix else (int(rng.integers(1, 6)),)
        f = _curvy_functions(rng, shape)[k % 4]
        W, h = rng.uniform(-1.5, 1.5, size=shape), float(rng.choice([1e-3, 1e-4]))
        cases.append(Case({"f": f, "W": W, "h": h}, f"f = {f.name}, W of shape {shape}, h={h:g}"))
    if matrix:  # a network's loss as a function of its first weight matrix
        net = Network([rng.normal(size=(3, 2)), rng.normal(size=(2, 3))], [rng.normal(size=3), rng.normal(size=2)], "sigmoid")
        x, t = rng.normal(size=(4, 2)), rng.uniform(0.1, 0.9, size=(4, 2))

        f = NetworkLossOfW1(tuple(net.weights), tuple(net.biases), x, t)
        cases.append(Case({"f": f, "W": net.weights[0].copy(), "h": 1e-5}, f"f = {f.name}, W of shape (3, 2), h=1e-05"))
    return cases


# W's shape, and each entry where a central difference with the same h puts it.
compare_gradient = part(
    "the gradient",
    not_numbers="expected an array shaped like W, got {got_type}",
    wrong_shape="the gradient should have W's shape {expected_shape}, got {got_shape}",
    not_finite="entry {index} is {what}",
    wrong_values="entry {index} should be {expected_entry:.10g}, got {got_entry:.10g}",
    wrong_values_few=None,
)


register(
    Exercise(
        name="numerical_gradient",
        lesson=LESSON,
        reference=gradcheck.array_numerical_gradient,  # the course's one-array central differences
        replaces=(gradcheck.numerical_gradient, gradcheck.central_differences, gradcheck.gradient_check,
                  gradcheck.array_numerical_gradient),
        properties={
            "vector": lambda rng: _gradient_cases(rng, matrix=False),
            "matrix": lambda rng: _gradient_cases(rng, matrix=True),
        },
        points={"vector": 1, "matrix": 2},
        descriptions={
            "vector": "central differences of functions of a vector",
            "matrix": "central differences of functions of a matrix (incl. a network's loss)",
        },
        mistakes=(
            Mistake("one_sided_difference", replace=(  # f(W + h) against f(W): a forward difference
                ("W[index] = old - h\nminus = f(W)\nW[index] = old", "W[index] = old\nminus = f(W)"),
                ("(plus - minus) / (2 * h)", "(plus - minus) / h"))),
            Mistake("nudged_weight_not_restored", replace=(  # W[index] stays h below where it was
                "W[index] = old\ngrad[index]", "grad[index]")),
        ),
        compare=compare_gradient,
        tolerance=CENTRAL_DIFFERENCE_PRECISION,
    )
)


# ----------------------------------------------------------------- first_disagreeing_layer
def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    r"""Reference: the first layer whose analytic and numerical gradients disagree, weights or biases.

    Parameters
    ----------
    analytic : list of (ndarray, ndarray)
        ``analytic[l]`` is layer l's pair (dE/dW of shape (n_out_l, n_in_l), dE/db of shape (n_out_l,)),
        from a backward pass; layers from the input on.
    numeric : list of (ndarray, ndarray)
        The same pairs by finite differences, same shapes.
    tolerance : float > 0

    Returns
    -------
    int or None
        The smallest l for which the relative error
        :math:`\max_i |a_i - n_i| / \max(|a_i| + |n_i|, 10^{-8})` of its weights or of its
        biases exceeds ``tolerance``; None when every layer agrees.
    """
    for l, (analytic_layer, numeric_layer) in enumerate(zip(analytic, numeric)):
        for a, n in zip(analytic_layer, numeric_layer):  # the weights, then the biases
            a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
            error = np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), RELATIVE_ERROR_FLOOR))
            if error > tolerance:
                return l
    return None


#: Which part of a disagreeing layer is wrong in a case: ``(weights wrong, biases wrong)``.
WEIGHTS_WRONG, BIASES_WRONG, BOTH_WRONG = (True, False), (False, True), (True, True)


def _signed(rng: np.random.Generator, scale: float, shape: tuple) -> np.ndarray:
    # magnitudes in [0.5, 2] * scale with random signs: no entry near zero
    return scale * rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def _layer_gradients(rng: np.random.Generator, n_layers: int, scale: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (dE/dW, dE/db) pair per layer, shapes (n_out, n_in) and (n_out,), entries of size ~scale."""
    sizes = rng.integers(1, 5, size=n_layers + 1)
    return [(_signed(rng, scale, (int(sizes[l + 1]), int(sizes[l]))), _signed(rng, scale, (int(sizes[l + 1]),)))
            for l in range(n_layers)]


def _agreeing_copy(rng: np.random.Generator, pair: tuple) -> tuple:
    # agreeing layers differ in the 10th digit, as a correct backward pass does
    return tuple(g * (1 + 1e-10 * rng.normal(size=g.shape)) for g in pair)


def _off_by_5_percent(rng: np.random.Generator, g: np.ndarray) -> np.ndarray:
    return g * (1 + 0.05 * rng.choice([-1.0, 1.0], size=g.shape))


def _disagreement_case(rng: np.random.Generator, n_layers: int, scale: float, wrong: dict) -> Case:
    """A case of ``n_layers`` layers with ``wrong``: layer -> (weights wrong, biases wrong); the other layers agree."""
    numeric = _layer_gradients(rng, n_layers, scale)
    analytic = [_agreeing_copy(rng, pair) for pair in numeric]
    for l, parts in sorted(wrong.items()):
        analytic[l] = tuple(_off_by_5_percent(rng, g) if is_wrong else g for g, is_wrong in zip(analytic[l], parts))
    where = ", ".join(f"layer {l}: {_wrong_part(parts)} wrong" for l, parts in sorted(wrong.items())) or "no layer wrong"
    return Case({"analytic": analytic, "numeric": numeric, "tolerance": 1e-6},
                f"{n_layers} layers, gradients of size ~{scale:g}, {where}")


def _wrong_part(parts: tuple) -> str:
    return {WEIGHTS_WRONG: "weights", BIASES_WRONG: "biases", BOTH_WRONG: "weights and biases"}[parts]


def _disagreement_cases(rng: np.random.Generator, scales: tuple) -> list[Case]:
    """Bugs in the weights (and maybe the biases too) of one or more layers: the first wrong layer's weights are wrong."""
    cases = []
    for k in range(12):
        scale = float(scales[k % len(scales)])
        n_layers, wrong = int(rng.integers(2, 5)), {}
        if k % 4 != 3:  # three cases in four have bugs, in one or more layers
            bad = rng.choice(n_layers, size=int(rng.integers(1, n_layers + 1)), replace=False)
            wrong = {int(l): (WEIGHTS_WRONG, BOTH_WRONG)[int(rng.integers(0, 2))] for l in bad}
        cases.append(_disagreement_case(rng, n_layers, scale, wrong))
    return cases


def _bias_only_cases(rng: np.random.Generator) -> list[Case]:
    """The first wrong layer has right weights and wrong biases (lesson 08's bias_not_summed); later layers anything."""
    cases = []
    for k in range(12):
        n_layers = int(rng.integers(2, 5))
        first = int(rng.integers(0, n_layers))
        wrong = {first: BIASES_WRONG}
        if first + 1 < n_layers and k % 2:  # a later layer wrong too, in its weights: comparing weights alone names that one
            wrong[int(rng.integers(first + 1, n_layers))] = (WEIGHTS_WRONG, BOTH_WRONG)[int(rng.integers(0, 2))]
        cases.append(_disagreement_case(rng, n_layers, float((1.0, 0.01)[k % 2]), wrong))
    return cases


def compare_layer(got, expected, tolerance: Tolerance | None = None) -> str | None:
    """None when ``got`` is the expected layer index (or None); a layer index is exact, whatever the tolerance."""
    if got is not None and not isinstance(got, (int, np.integer)) or isinstance(got, bool):
        return f"expected a layer index (int) or None, got {type(got).__name__} {got!r}"
    if got != expected:
        return f"expected {expected!r}, got {got!r}"
    return None


register(
    Exercise(
        name="first_disagreeing_layer",
        lesson=LESSON,
        reference=first_disagreeing_layer,
        replaces=(gradcheck.relative_error, gradcheck.compare_gradients),
        properties={
            "unit_scale": lambda rng: _disagreement_cases(rng, (1.0,)),
            "any_scale": lambda rng: _disagreement_cases(rng, (1e-6, 1e-4, 1e3, 1e5)),
            "biases": _bias_only_cases,
        },
        points={"unit_scale": 1, "any_scale": 1, "biases": 1},
        descriptions={
            "unit_scale": "the first disagreeing layer for gradients of size about 1",
            "any_scale": "the first disagreeing layer for tiny and huge gradients",
            "biases": "the first disagreeing layer when only its biases disagree",
        },
        mistakes=(
            Mistake("absolute_instead_of_relative", replace=(
                "np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)",
                "np.abs(a - n)"), properties=("any_scale",)),
            Mistake("layer_counted_from_one", replace=(
                "enumerate(zip(analytic, numeric))",
                "enumerate(zip(analytic, numeric), start=1)")),
            Mistake("bias_gradients_ignored", replace=(  # the biases never looked at
                "zip(analytic_pair, numeric_pair)", "zip(analytic_pair[:1], numeric_pair[:1])"), properties=("biases",)),
        ),
        compare=compare_layer,
    )
)


# ----------------------------------------------------------------- understanding questions
#: The batch size of the question ``predicted_missing_mean_error`` (the gallery itself uses 3 samples).
QUESTION_BATCH_SIZE = 4


def _missing_mean_error() -> float:
    """The relative error a gradient check shows for the missing-mean bug on a batch of QUESTION_BATCH_SIZE."""
    net, x, target = buggy.gallery_example(n_samples=QUESTION_BATCH_SIZE)
    result = gradcheck.gradient_check(net, x, target, backward=buggy.missing_mean)
    return max(result.errors.values())  # the same in every layer: every gradient is N times too large


register(
    question(
        name="predicted_missing_mean_error",
        lesson=LESSON,
        answer=_missing_mean_error,
        kind=Number(significant_digits=3),
        reread=("section 2, the relative error (put the buggy gradient and the true one into it), and section 4, "
                "*How each bug shows*: what a missing mean does to every gradient"),
        wrong_answers=(
            WrongAnswer(0.5, "that is the gallery's figure for its batch of 3 samples. The factor a missing mean "
                             "multiplies every gradient by is the number of samples N, here 4."),
            WrongAnswer(0.75, "you divided by the buggy gradient alone, |4g − g| / |4g|. The relative error divides "
                              "by the sum |analytic| + |numeric| of the two gradients."),
            WrongAnswer(4.0, "4 is how many times too large every gradient is, not the relative error: put the two "
                             "gradients, 4g and g, into the relative error."),
            WrongAnswer(1 / 3, "1/3 belongs to gradients twice too large (a missing ½, or a missing mean on 2 "
                               "samples). Here the batch has 4 samples."),
        ),
    )
)


def _float32_remedy() -> str:
    """What to do about a float32 check at h = 1e-5 that fails a correct backward pass: "C" (redo it in float64)."""
    # float32's relative error at h = 1e-5 on a correct pass is ~1e-2 (lesson 08, section 1): the check itself
    # cannot resolve the gradient, so neither the backward pass (A) nor a smaller h (B, more round-off) is the fix.
    return "C"


register(
    question(
        name="float32_check_remedy",
        lesson=LESSON,
        answer=_float32_remedy,
        kind=Choice("ABC"),
        reread=("section 1: the V of the plot (which side is truncation, which round-off) and *Why float64* "
                "(what float32 shows at h = 1e-5 for a correct backward pass)"),
        wrong_answers=(
            WrongAnswer("A", "a correct backward pass shows the same relative error of about 1e-2 when the check "
                             "runs in float32 with h = 1e-5 (the last line printed in section 1): the check cannot "
                             "tell, so a relative error of 1e-2 is no evidence of a bug."),
            WrongAnswer("B", "a smaller h shrinks the truncation error but grows the round-off error (the left side "
                             "of the V), and in float32 round-off is already what dominates at h = 1e-5."),
        ),
    )
)

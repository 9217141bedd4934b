"""Exercises of lesson 01-forward-pass-and-error."""
from __future__ import annotations

import numpy as np

from backprop_core.course import examples
from backprop_core.nn import layers, losses, network
from ._base import Case, Choice, Exercise, Mistake, Number, WrongAnswer, compare_parts, question, register

LESSON = "01-forward-pass-and-error"


# ----------------------------------------------------------------- half_squared_error
def _error_cases_single(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(20):
        n_out = int(rng.integers(1, 6))
        output, target = rng.normal(size=n_out), rng.normal(size=n_out)
        cases.append(Case({"output": output, "target": target}, f"one sample, {n_out} outputs"))
    return cases


def _error_cases_batch(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(20):
        n, n_out = int(rng.integers(2, 8)), int(rng.integers(1, 5))
        output, target = rng.normal(size=(n, n_out)), rng.normal(size=(n, n_out))
        cases.append(Case({"output": output, "target": target}, f"a batch of N={n} samples, {n_out} outputs"))
    return cases


register(
    Exercise(
        name="half_squared_error",
        lesson=LESSON,
        reference=losses.half_squared_error,
        replaces=(losses.half_squared_error, losses.half_squared_error_unchecked, network.Network.loss),
        properties={"one_sample": _error_cases_single, "batch_mean": _error_cases_batch},
        points={"one_sample": 1, "batch_mean": 1},
        descriptions={
            "one_sample": "one sample with several outputs",
            "batch_mean": "the mean over batches of samples",
        },
        mistakes=(
            Mistake("missing_half", replace=("0.5 * np.sum", "np.sum")),
            Mistake("missing_mean", replace=(
                "np.sum((target - output) ** 2) / n_samples",
                "np.sum((target - output) ** 2)"), properties=("batch_mean",)),
            Mistake("mean_over_outputs", replace=(
                "np.sum((target - output) ** 2) / n_samples",
                "np.mean((target - output) ** 2)")),
        ),
    )
)


# ----------------------------------------------------------------- linear_layer
def linear_layer(x, W):
    r"""Reference: the net input of a layer without bias, :math:`z = x W^\top`.

    Parameters
    ----------
    x : ndarray, shape (n_in,) or (N, n_in)
    W : ndarray, shape (n_out, n_in)

    Returns
    -------
    ndarray, shape (n_out,) or (N, n_out)
    """
    return np.asarray(x, dtype=np.float64) @ np.asarray(W, dtype=np.float64).T


def _layer_shapes(rng: np.random.Generator, count: int) -> list[tuple[int, int]]:
    # Square layers first: only there does a forgotten transpose give numbers
    # (elsewhere it raises), so the grader can name the mistake on case 1.
    square = [(n, n) for n in rng.integers(2, 5, size=count // 3)]
    other = []
    while len(other) < count - len(square):
        n_out, n_in = (int(v) for v in rng.integers(1, 6, size=2))
        if n_out != n_in:
            other.append((n_out, n_in))
    return square + other


def _layer_cases_single(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_out, n_in in _layer_shapes(rng, 15):
        x, W = rng.normal(size=n_in), rng.normal(size=(n_out, n_in))
        cases.append(Case({"x": x, "W": W}, f"one sample, n_in={n_in}, n_out={n_out}"))
    return cases


def _layer_cases_batch(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n_out, n_in in _layer_shapes(rng, 15):
        n = int(rng.integers(2, 7))
        x, W = rng.normal(size=(n, n_in)), rng.normal(size=(n_out, n_in))
        cases.append(Case({"x": x, "W": W}, f"a batch of N={n} samples, n_in={n_in}, n_out={n_out}"))
    return cases


register(
    Exercise(
        name="linear_layer",
        lesson=LESSON,
        reference=linear_layer,
        replaces=(layers.dense_forward, network.Network.forward, network.forward_pass),
        properties={"one_sample": _layer_cases_single, "batch": _layer_cases_batch},
        points={"one_sample": 1, "batch": 1},
        descriptions={
            "one_sample": "one sample through layers of many shapes",
            "batch": "batches of samples through layers of many shapes",
        },
        mistakes=(Mistake("missing_transpose", replace=(
                      "np.asarray(W, dtype=float).T",
                      "np.asarray(W, dtype=float)")),),
    )
)


# ----------------------------------------------------------------- forward_linear
def forward_linear(x, W1, W2):
    r"""Reference: forward pass of a linear two-layer network without biases (hmkcode's example).

    Parameters
    ----------
    x : ndarray, shape (n_in,) or (N, n_in)
    W1 : ndarray, shape (n_hidden, n_in)
    W2 : ndarray, shape (n_out, n_hidden)

    Returns
    -------
    hidden : ndarray, shape (n_hidden,) or (N, n_hidden)
        The hidden activations, :math:`a = x W_1^\top`.
    output : ndarray, shape (n_out,) or (N, n_out)
        :math:`\mathrm{output} = a W_2^\top`.
    """
    hidden = linear_layer(x, W1)
    return hidden, linear_layer(hidden, W2)


def _network_cases(rng: np.random.Generator, batch: bool) -> list[Case]:
    cases = []
    for k in range(15):
        # The first five are square (n_in = n_hidden = n_out): a forgotten
        # transpose gives wrong numbers there instead of a shape error.
        if k < 5:
            n_in = n_hidden = n_out = int(rng.integers(2, 5))
        else:
            n_in, n_hidden, n_out = (int(v) for v in rng.integers(1, 6, size=3))
        n = int(rng.integers(2, 7))
        x = rng.normal(size=(n, n_in) if batch else n_in)
        W1, W2 = rng.normal(size=(n_hidden, n_in)), rng.normal(size=(n_out, n_hidden))
        where = f"a batch of N={n} samples" if batch else "one sample"
        cases.append(Case({"x": x, "W1": W1, "W2": W2}, f"{where}, a {n_in}-{n_hidden}-{n_out} network"))
    return cases


register(
    Exercise(
        name="forward_linear",
        lesson=LESSON,
        reference=forward_linear,
        replaces=(layers.dense_forward, network.Network.forward, network.forward_pass, network.Network.loss),
        properties={
            "one_sample": lambda rng: _network_cases(rng, batch=False),
            "batch": lambda rng: _network_cases(rng, batch=True),
        },
        points={"one_sample": 1, "batch": 1},
        descriptions={
            "one_sample": "one sample through random two-layer networks",
            "batch": "batches through random two-layer networks",
        },
        mistakes=(Mistake("missing_transpose", replace=(
                ("linear_layer(x, W1)", "np.asarray(x, dtype=float) @ np.asarray(W1, dtype=float)"),
                ("linear_layer(hidden, W2)", "hidden @ np.asarray(W2, dtype=float)"))),),
        compare=compare_parts("hidden", "output"),
    )
)


# ----------------------------------------------------------------- understanding questions
#: The batch of the question ``predicted_batch_error`` (the lesson's text shows the same numbers):
#: three samples with two outputs each.
QUESTION_BATCH_OUTPUT = np.array([[0.0, 3.0], [1.0, 1.0], [1.5, 1.0]])
QUESTION_BATCH_TARGET = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 1.0]])


def _batch_errors(half: bool = True, mean: bool = True, over_entries: bool = False) -> float:
    """E of the question's batch, computed right (the defaults) or with one of the foreseen slips."""
    squares = (QUESTION_BATCH_TARGET - QUESTION_BATCH_OUTPUT) ** 2
    factor = 0.5 if half else 1.0
    if over_entries:
        return float(factor * squares.mean())
    per_sample = factor * squares.sum(axis=1)
    return float(per_sample.mean() if mean else per_sample.sum())


register(
    question(
        name="predicted_batch_error",
        lesson=LESSON,
        answer=lambda: losses.half_squared_error(QUESTION_BATCH_OUTPUT, QUESTION_BATCH_TARGET),
        kind=Number(significant_digits=3),
        reread="section 4, *How wrong is the prediction?*: the formula of E for a batch, sample by sample",
        wrong_answers=(
            WrongAnswer(_batch_errors(mean=False), "you added the three samples' errors. For a batch, E is their "
                                                   "mean, so that it does not grow just because the batch does."),
            WrongAnswer(_batch_errors(half=False), "the ½ in front of each sample's squared misses is missing."),
            WrongAnswer(_batch_errors(over_entries=True), "you took the mean over all six numbers. A sample's "
                                                          "outputs are added; only the samples are averaged."),
        ),
    )
)


def _w5_direction() -> str:
    """Which way w5 must move to lower E in the worked example: "A" (larger) or "B" (smaller)."""
    net, x, target = examples.step_by_step()
    trace = net.forward(x)
    h1, output = trace.activations[0][0], trace.output[0]
    # y = w5 h1 + w6 h2 grows with w5 when h1 > 0; E falls when y moves towards the target.
    return "A" if h1 * (target[0] - output) > 0 else "B"


register(
    question(
        name="w5_direction",
        lesson=LESSON,
        answer=_w5_direction,
        kind=Choice("ABC"),
        reread=("section 2, *One neuron: multiply, then add* (how the output depends on w5, and the sign of h1), "
                "and section 4 (is the output above or below the target?)"),
        wrong_answers=(
            WrongAnswer("B", "follow w5 through the formula of the output: when w5 grows, does the output grow or "
                             "shrink (h1 is positive)? And does the output have to go up or down to meet the target?"),
            WrongAnswer("C", "the output is computed from w5 (section 2), and E from the output (section 4): "
                             "changing w5 changes E."),
        ),
    )
)

"""Exercises of lesson 06-matrix-form: one layer, forward and backward, over a batch."""
from __future__ import annotations

import numpy as np

from backprop_core.nn import layers, network
from ._base import Case, Choice, Exercise, Mistake, WrongAnswer, compare_parts, question, register

LESSON = "06-matrix-form"

# Everything that computes a layer's forward or backward pass for the student.
_REFERENCES = (
    layers.dense_forward, layers.dense_backward, layers.activation_backward,
    network.Network.forward, network.forward_pass, network.Network.backward, network.backward_pass,
)


def _layer_shapes(rng: np.random.Generator, k: int, n_samples: int | None = None) -> tuple[int, int, int]:
    """(N, n_in, n_out); every third case square, where a forgotten transpose runs and gives wrong numbers."""
    n = n_samples if n_samples is not None else int(rng.integers(2, 9))
    if k % 3 == 0:
        n_in = n_out = int(rng.integers(2, 5))
    else:
        n_in, n_out = (int(v) for v in rng.integers(1, 6, size=2))
        if n_in == n_out:
            n_out += 1
    return n, n_in, n_out


# ----------------------------------------------------------------- dense_forward
def dense_forward(x, W, b):
    r"""Reference: net input of one layer for a batch, :math:`z = x W^\top + b`.

    Parameters
    ----------
    x : ndarray, shape (N, n_in)
    W : ndarray, shape (n_out, n_in)
    b : ndarray, shape (n_out,), or None for a layer without bias

    Returns
    -------
    z : ndarray, shape (N, n_out)
    """
    return layers.dense_forward(np.asarray(x, float), np.asarray(W, float), None if b is None else np.asarray(b, float))[0]


def _forward_cases(rng: np.random.Generator, with_bias: bool) -> list[Case]:
    cases = []
    for k in range(15):
        n, n_in, n_out = _layer_shapes(rng, k)
        x, W = rng.normal(size=(n, n_in)), rng.normal(size=(n_out, n_in))
        b = rng.normal(size=n_out) if with_bias else None
        cases.append(Case({"x": x, "W": W, "b": b}, f"a batch of N={n}, n_in={n_in}, n_out={n_out}, {'with' if with_bias else 'without'} bias"))
    return cases


register(
    Exercise(
        name="dense_forward",
        lesson=LESSON,
        reference=dense_forward,
        replaces=_REFERENCES,
        properties={
            "with_bias": lambda rng: _forward_cases(rng, with_bias=True),
            "without_bias": lambda rng: _forward_cases(rng, with_bias=False),
        },
        points={"with_bias": 1, "without_bias": 1},
        descriptions={
            "with_bias": "z = x W^T + b for batches with a bias",
            "without_bias": "z = x W^T for batches without a bias (b is None)",
        },
        mistakes=(Mistake("missing_transpose", replace=(
                      "np.asarray(W, dtype=float).T",
                      "np.asarray(W, dtype=float)")),),
    )
)


# ----------------------------------------------------------------- dense_backward
def dense_backward(dz, x, W):
    r"""Reference: gradients through one layer :math:`z = x W^\top + b` for a batch.

    Parameters
    ----------
    dz : ndarray, shape (N, n_out)
        :math:`\partial E / \partial z`, one row per sample (any 1/N already in it).
    x : ndarray, shape (N, n_in)
        The layer's input.
    W : ndarray, shape (n_out, n_in)

    Returns
    -------
    dx : ndarray, shape (N, n_in)
        :math:`dz\,W`.
    dW : ndarray, shape (n_out, n_in)
        :math:`dz^\top x`.
    db : ndarray, shape (n_out,)
        ``dz`` summed over the batch.
    """
    x, W = np.asarray(x, float), np.asarray(W, float)
    return layers.dense_backward(np.asarray(dz, float), (x, W))


def _backward_cases(rng: np.random.Generator, batch: bool) -> list[Case]:
    cases = []
    for k in range(15):
        n, n_in, n_out = _layer_shapes(rng, k, None if batch else 1)
        dz, x, W = rng.normal(size=(n, n_out)), rng.normal(size=(n, n_in)), rng.normal(size=(n_out, n_in))
        cases.append(Case({"dz": dz, "x": x, "W": W}, f"a batch of N={n}, n_in={n_in}, n_out={n_out}"))
    return cases


register(
    Exercise(
        name="dense_backward",
        lesson=LESSON,
        reference=dense_backward,
        replaces=_REFERENCES,
        properties={
            "one_sample": lambda rng: _backward_cases(rng, batch=False),
            "batch": lambda rng: _backward_cases(rng, batch=True),
        },
        points={"one_sample": 1, "batch": 2},
        descriptions={
            "one_sample": "dx, dW, db for a batch of one sample",
            "batch": "dx, dW, db for batches of several samples",
        },
        mistakes=(
            Mistake("bias_not_summed", replace=("dz.sum(axis=0)", "dz.mean(axis=0)"), properties=("batch",)),
            Mistake("missing_transpose", replace=("dz.T @ x", "x.T @ dz")),
            # dz already holds the mean loss's 1/N: dividing again gives exactly 1/N of each gradient
            Mistake("divided_by_n_twice", replace=("return dz @ W", "dz = dz / dz.shape[0]\nreturn dz @ W"),
                    properties=("batch",)),
        ),
        compare=compare_parts("dx", "dW", "db"),
    )
)


# ----------------------------------------------------------------- understanding question
#: The layer of ``gradient_shape``: 3 inputs, 5 neurons, a batch of 8 samples.
QUESTION_N, QUESTION_N_IN, QUESTION_N_OUT = 8, 3, 5
#: The options, as the lesson lists them: letter -> shape.
GRADIENT_SHAPE_OPTIONS = {"A": (8, 5), "B": (5, 3), "C": (3, 5), "D": (8, 3)}


def _gradient_shape() -> str:
    """The letter of dE/dW's shape, found by running the layer's backward step on the question's sizes."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(QUESTION_N, QUESTION_N_IN))
    W = rng.normal(size=(QUESTION_N_OUT, QUESTION_N_IN))
    dz = rng.normal(size=(QUESTION_N, QUESTION_N_OUT))
    _, dW, _ = layers.dense_backward(dz, (x, W))
    return next(letter for letter, shape in GRADIENT_SHAPE_OPTIONS.items() if shape == dW.shape)


register(
    question(
        name="gradient_shape",
        lesson=LESSON,
        answer=_gradient_shape,
        kind=Choice("ABCD"),
        reread="section 3, *A whole batch at once*: which matrices dE/dW is a product of, and the rule "
               "\"the gradient has the shape of the thing it is the gradient of\"",
        wrong_answers=(
            WrongAnswer("A", "(8, 5) is the shape of dZ, one row per sample. The samples are summed away in "
                             "dE/dW: one number per weight, whatever the batch size."),
            WrongAnswer("C", "(3, 5) is the shape of W transposed. The course stores W as (n_out, n_in): row j "
                             "holds the weights into neuron j."),
            WrongAnswer("D", "(8, 3) is the shape of the layer's input X (and of dE/dX), one row per sample."),
        ),
    )
)

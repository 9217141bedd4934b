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


# ----------------------------------------------------------------- two_layer_backward
def two_layer_backward(dz2, x, W1, z1, a1, W2):
    r"""Reference: the gradients of two layers, the hidden one a sigmoid, from the output layer's :math:`dZ_2`.

    :math:`dA_1 = dZ_2 W_2`, then :math:`dZ_1 = dA_1 \odot \sigma'(Z_1)` with
    :math:`\sigma'(Z_1) = A_1 (1 - A_1)`, then each layer's own :math:`dW = dZ^\top X`, :math:`db = \sum_n dZ_n`.

    Parameters
    ----------
    dz2 : ndarray, shape (N, n_out)
        :math:`\partial E / \partial Z_2` of the output layer (the 1/N of the mean loss already in it).
    x : ndarray, shape (N, n_in)
        The network's input, the hidden layer's input.
    W1 : ndarray, shape (n_hidden, n_in)
    z1 : ndarray, shape (N, n_hidden)
        The hidden layer's net input :math:`Z_1 = X W_1^\top + b_1`.
    a1 : ndarray, shape (N, n_hidden)
        Its activation :math:`A_1 = \sigma(Z_1)`, the output layer's input.
    W2 : ndarray, shape (n_out, n_hidden)

    Returns
    -------
    dW1 : ndarray, shape (n_hidden, n_in)
    db1 : ndarray, shape (n_hidden,)
    dW2 : ndarray, shape (n_out, n_hidden)
    db2 : ndarray, shape (n_out,)
    """
    dz2, x, W1, a1, W2 = (np.asarray(v, float) for v in (dz2, x, W1, a1, W2))
    da1, dW2, db2 = layers.dense_backward(dz2, (a1, W2))
    dz1 = layers.activation_backward(da1, layers.activation_forward(np.asarray(z1, float), "sigmoid")[1])
    _, dW1, db1 = layers.dense_backward(dz1, (x, W1))
    return dW1, db1, dW2, db2


def _two_layer_cases(rng: np.random.Generator, batch: bool) -> list[Case]:
    """Random two-layer sigmoid networks; every third one has as many hidden neurons as inputs (then
    σ′ of the wrong layer's values runs and gives wrong numbers instead of a shape error)."""
    cases = []
    for k in range(12):
        n, n_in, n_hidden = _layer_shapes(rng, k, None if batch else 1)
        n_out = int(rng.integers(1, 4))
        x, W1, b1 = rng.normal(size=(n, n_in)), rng.normal(size=(n_hidden, n_in)), rng.normal(size=n_hidden)
        z1 = x @ W1.T + b1
        a1 = 1.0 / (1.0 + np.exp(-z1))
        W2, dz2 = rng.normal(size=(n_out, n_hidden)), rng.normal(size=(n, n_out)) / n
        cases.append(Case({"dz2": dz2, "x": x, "W1": W1, "z1": z1, "a1": a1, "W2": W2},
                          f"a {n_in}-{n_hidden}-{n_out} network, a batch of N={n}"))
    return cases


#: Run after the student's cells in ``two_layer_backward``'s hidden tests: the course's layer steps under the
#: lesson's names and signatures, in place of the student's own ``dense_forward`` and ``dense_backward``.
COURSE_LAYERS = (
    "from backprop_core.nn import layers as _course_layers\n"
    "def dense_forward(x, W, b):\n"
    "    return _course_layers.dense_forward(np.asarray(x, float), np.asarray(W, float), None if b is None else np.asarray(b, float))[0]\n"
    "def dense_backward(dz, x, W):\n"
    "    return _course_layers.dense_backward(np.asarray(dz, float), (np.asarray(x, float), np.asarray(W, float)))\n"
)


# The known mistakes, numpy only (the grading tests paste them into a solution cell).
#: The solution's hidden-layer line every σ′ slip of two_layer_backward changes.
_DZ1 = "dz1 = da1 * a1 * (1 - a1)"


register(
    Exercise(
        name="two_layer_backward",
        lesson=LESSON,
        reference=two_layer_backward,
        # What computes both layers' gradients at once; not dense_backward itself, which graded_with brings.
        replaces=(network.Network.backward, network.backward_pass, layers.activation_backward),
        properties={
            "one_sample": lambda rng: _two_layer_cases(rng, batch=False),
            "batch": lambda rng: _two_layer_cases(rng, batch=True),
        },
        points={"one_sample": 1, "batch": 2},
        descriptions={
            "one_sample": "dW1, db1, dW2, db2 of two-layer sigmoid networks for one sample",
            "batch": "dW1, db1, dW2, db2 of two-layer sigmoid networks for batches",
        },
        mistakes=(
            Mistake("sigma_prime_missing_between_layers", replace=(_DZ1, "dz1 = da1")),
            Mistake("sigma_prime_of_activation_hidden_only", replace=(_DZ1, "s = 1 / (1 + np.exp(-a1))\ndz1 = da1 * s * (1 - s)")),
            Mistake("sigma_prime_of_net_input_as_activation",
                    replace=(_DZ1, "z1 = np.asarray(z1, dtype=float)\ndz1 = da1 * z1 * (1 - z1)")),
            Mistake("sigma_prime_of_layer_input", replace=(_DZ1, "x = np.asarray(x, dtype=float)\ndz1 = da1 * x * (1 - x)")),
            Mistake("divided_by_n_twice", replace=(  # dz2 already holds the mean loss's 1/N
                "da1, dW2, db2 = dense_backward(dz2, a1, W2)",
                "dz2 = np.asarray(dz2, dtype=float) / len(dz2)\nda1, dW2, db2 = dense_backward(dz2, a1, W2)"),
                    properties=("batch",)),
        ),
        compare=compare_parts("dW1", "db1", "dW2", "db2"),
        # The course's dense_forward and dense_backward under the student's function, so that a bug in
        # their own (graded above) is not charged twice.
        graded_with=(COURSE_LAYERS,),
    )
)

"""`train` against a hand-written numpy loop doing the same arithmetic, and
against scikit-learn's MLPClassifier on the digits job.

Job 1: seed 002, 10,000 online steps (2-2-2 sigmoid, biases fixed).
Job 2: 30 minibatch epochs, batch 32, of a 64-64-10 tanh/softmax network on
the 8×8 digits (1,797 images).
Targets: `train` within 1.2× of the hand-written loop on both jobs, and
faster than MLPClassifier.
"""
from __future__ import annotations

import warnings

import numpy as np

from backprop_core import Network, examples, train
from backprop_core.nn.activations import sigmoid, softmax

from ._table import Row, best_of

STEPS = 10_000
EPOCHS, BATCH = 30, 32


# ------------------------------------------------------------------ job 1: seed 002
def _mazur_by_hand() -> float:
    net, x, target = examples.mazur()
    W1, W2 = net.weights
    b1, b2 = net.biases
    x, t = x[None, :], target[None, :]
    loss = 0.0
    for _ in range(STEPS):
        a1 = sigmoid(x @ W1.T + b1)
        a2 = sigmoid(a1 @ W2.T + b2)
        loss = 0.5 * np.sum((t - a2) ** 2)
        d2 = (a2 - t) * a2 * (1 - a2)
        d1 = (d2 @ W2) * a1 * (1 - a1)
        W2 -= 0.5 * (d2.T @ a1)
        W1 -= 0.5 * (d1.T @ x)
    return loss


def _mazur_with_train() -> float:
    net, x, target = examples.mazur()
    return train(net, x, target, learning_rate=0.5, epochs=STEPS, mode="online", update_biases=False).losses[-1]


# ------------------------------------------------------------------ job 2: digits
def _digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data / 16.0
    Y = np.eye(10)[digits.target]
    return X, Y, digits.target


def _digits_network(seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    return Network(
        [rng.normal(0, 1 / 8, (64, 64)), rng.normal(0, 1 / 8, (10, 64))],
        [np.zeros(64), np.zeros(10)],
        ["tanh", "softmax"],
        loss="cross_entropy",
    )


def _digits_by_hand(X, Y, learning_rate=0.1) -> Network:
    net = _digits_network()
    (W1, W2), (b1, b2) = net.weights, net.biases
    rng = np.random.default_rng(0)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            rows = order[start : start + BATCH]
            x, t = X[rows], Y[rows]
            a1 = np.tanh(x @ W1.T + b1)
            a2 = softmax(a1 @ W2.T + b2)
            _ = -np.sum(t * np.log(np.maximum(a2, 1e-300))) / len(x)  # the loss, as train records it
            d2 = (a2 - t) / len(x)
            d1 = (d2 @ W2) * (1 - a1 * a1)
            W2 -= learning_rate * (d2.T @ a1)
            b2 -= learning_rate * d2.sum(axis=0)
            W1 -= learning_rate * (d1.T @ x)
            b1 -= learning_rate * d1.sum(axis=0)
    return net


def _digits_with_train(X, Y, learning_rate=0.1) -> Network:
    net = _digits_network()
    train(net, X, Y, learning_rate=learning_rate, epochs=EPOCHS, mode="minibatch", batch_size=BATCH, seed=0)
    return net


def _digits_with_sklearn(X, labels):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(64,), activation="tanh", solver="sgd", batch_size=BATCH, learning_rate_init=0.1,
        momentum=0.0, alpha=0.0, max_iter=EPOCHS, tol=0.0, n_iter_no_change=EPOCHS + 1, shuffle=True, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, labels)
    return model


def _accuracy(net: Network, X, labels) -> float:
    return float(np.mean(net.forward(X).output.argmax(axis=1) == labels))


def run() -> list[Row]:
    rows = []
    hand = best_of(_mazur_by_hand, 5)
    ours = best_of(_mazur_with_train, 5)
    rows.append(Row("seed 002, 10,000 online steps", "train()", ours, "hand-written numpy loop", hand, "s",
                    "≤ 1.2×", ours <= 1.2 * hand))

    X, Y, labels = _digits()
    hand = best_of(lambda: _digits_by_hand(X, Y), 3)
    ours = best_of(lambda: _digits_with_train(X, Y), 3)
    accuracy = _accuracy(_digits_with_train(X, Y), X, labels)
    rows.append(Row(f"digits 64-64-10, 30 epochs, batch 32 (train acc. {accuracy:.3f})", "train()", ours,
                    "hand-written numpy loop", hand, "s", "≤ 1.2×", ours <= 1.2 * hand))
    sk = best_of(lambda: _digits_with_sklearn(X, labels), 3)
    rows.append(Row("digits 64-64-10, 30 epochs, batch 32", "train()", ours, "sklearn MLPClassifier (sgd)", sk, "s",
                    "< 1×", ours < sk))
    return rows

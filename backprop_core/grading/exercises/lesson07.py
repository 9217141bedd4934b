"""Exercises of lesson 07-training: the online training loop and a minibatch iterator."""
from __future__ import annotations

import numpy as np

from backprop_core.nn import training
from backprop_core.nn.network import Network
from ..answerfree.compare import FLOAT64_ROUNDING, Tolerance, compare_parts, part
from ._base import Case, Exercise, Mistake, Number, WrongAnswer, question, register

LESSON = "07-training"


# ----------------------------------------------------------------- train_online
def train_online(net, X, T, learning_rate, epochs):
    r"""Reference: online gradient descent, samples in their given order, biases learning too.

    Parameters
    ----------
    net : Network
        Trained in place.
    X : ndarray, shape (N, n_in)
    T : ndarray, shape (N, n_out)
    learning_rate : float > 0
    epochs : int >= 1

    Returns
    -------
    losses : ndarray, shape (epochs,)
        ``losses[k]``: the mean over epoch k's samples of the loss each forward
        pass measured *before* its own update.
    """
    return training.train(net, X, T, learning_rate=learning_rate, epochs=epochs, mode="online", shuffle=False).losses


def _train_cases(rng: np.random.Generator, hidden_pool: tuple, output_pool: tuple, rates: tuple) -> list[Case]:
    cases = []
    for _ in range(10):
        n_in, n_hidden, n_out = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 3))
        acts = [str(rng.choice(hidden_pool)), str(rng.choice(output_pool))]
        net = Network(
            [rng.normal(size=(n_hidden, n_in)), rng.normal(size=(n_out, n_hidden))],
            [rng.normal(size=n_hidden), rng.normal(size=n_out)],
            acts,
        )
        n, epochs = int(rng.integers(2, 6)), int(rng.integers(2, 7))
        X, T = rng.uniform(-1, 1, size=(n, n_in)), rng.uniform(0.05, 0.95, size=(n, n_out))
        learning_rate = float(rng.choice(rates))
        cases.append(Case(
            {"net": net, "X": X, "T": T, "learning_rate": learning_rate, "epochs": epochs},
            f"a {n_in}-{n_hidden}-{n_out} network ({acts[0]}, {acts[1]}), N={n} samples, "
            f"learning_rate={learning_rate}, epochs={epochs}",
        ))
    return cases


# The same per-epoch losses; a wrong answer is shown at its worst epoch.
compare_losses = part(
    "losses",
    not_numbers="expected an array of losses, one per epoch, got {got_type}",
    wrong_shape="losses should have shape {expected_shape} (one per epoch), got {got_shape}",
    not_finite="losses[{index[0]}] is {what}",
    wrong_values="losses[{index[0]}] should be {expected_entry:.8g}, got {got_entry:.8g}",
    wrong_values_few=None,
)


register(
    Exercise(
        name="train_online",
        lesson=LESSON,
        reference=train_online,
        replaces=(training.train, training.run_epoch),
        properties={
            "sigmoid_networks": lambda rng: _train_cases(rng, ("sigmoid",), ("sigmoid",), (0.1, 0.5, 1.0)),
            # an unbounded output learns stably only with a smaller rate
            "other_activations": lambda rng: _train_cases(rng, ("tanh", "sigmoid"), ("identity", "tanh"), (0.05, 0.1, 0.2)),
        },
        points={"sigmoid_networks": 2, "other_activations": 1},
        descriptions={
            "sigmoid_networks": "the per-epoch losses of small sigmoid networks",
            "other_activations": "the per-epoch losses of tanh/identity networks",
        },
        mistakes=(
            Mistake("wrong_sign", replace=(
                ("net.weights[l] -= learning_rate", "net.weights[l] += learning_rate"),
                ("net.biases[l] -= learning_rate", "net.biases[l] += learning_rate"))),
            Mistake("loss_after_update", replace=(  # each sample's loss measured after its own update
                ("losses[epoch] += 0.5 * np.sum((t_n - trace.output) ** 2)\ngrads", "grads"),
                ("for l in range(len(net.weights)):\n"
                 "    net.weights[l] -= learning_rate * grads.weights[l]\n"
                 "    net.biases[l] -= learning_rate * grads.biases[l]",
                 "for l in range(len(net.weights)):\n"
                 "    net.weights[l] -= learning_rate * grads.weights[l]\n"
                 "    net.biases[l] -= learning_rate * grads.biases[l]\n"
                 "losses[epoch] += 0.5 * np.sum((t_n - net.forward(x_n).output) ** 2)"))),
        ),
        compare=compare_losses,
        changes=("net",),  # training it is the job: every other argument stays as it was
    )
)


# ----------------------------------------------------------------- minibatches
def minibatches(X, T, batch_size, rng):
    """Reference: yield ``(X_batch, T_batch)`` covering every sample once.

    Parameters
    ----------
    X : ndarray, shape (N, n_in)
    T : ndarray, shape (N, n_out)
    batch_size : int >= 1
        The last batch is smaller when N is not a multiple of it.
    rng : int or None
        None keeps the samples in order; an int shuffles them with
        ``np.random.default_rng(rng).permutation(N)``.

    Yields
    ------
    X_batch : ndarray, shape (B, n_in)
    T_batch : ndarray, shape (B, n_out)
    """
    return training.minibatches(X, T, batch_size, rng)


def _batch_cases(rng: np.random.Generator, shuffled: bool) -> list[Case]:
    cases = []
    for _ in range(12):
        batch_size = int(rng.integers(2, 5))
        n = batch_size * int(rng.integers(1, 4)) + int(rng.integers(1, batch_size))  # always a smaller last batch
        n_in, n_out = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        X, T = rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))
        seed = int(rng.integers(0, 10_000)) if shuffled else None
        cases.append(Case({"X": X, "T": T, "batch_size": batch_size, "rng": seed},
                          f"N={n} samples, batch_size={batch_size}, rng={seed}"))
    return cases


# A generator can be read only once, but the grader compares one answer several
# times (to judge it, to word the message, to match known mistakes): keep what
# each generator yielded. Holding the generator keeps its id from being reused.
_YIELDED: dict = {}


def _batches_of(value) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if id(value) not in _YIELDED:
        if len(_YIELDED) > 2000:
            _YIELDED.clear()
        _YIELDED[id(value)] = (value, list(value))
    return _YIELDED[id(value)][1]


# One batch: its samples are copies, so any difference means other samples (or another order).
_compare_pair = compare_parts(
    "X_batch", "T_batch",
    wrong_values="{subject} holds other samples than expected (order: np.random.default_rng(rng).permutation(N))",
    wrong_values_few=None,
)


def compare_batches(got, expected, tolerance: Tolerance = FLOAT64_ROUNDING) -> str | None:
    """None when ``got`` yields the same ``(X_batch, T_batch)`` pairs as ``expected`` (within ``tolerance``), else what differs."""
    try:
        got = _batches_of(got)
    except TypeError:
        return f"expected a generator (or list) of (X_batch, T_batch) pairs, got {type(got).__name__}"
    expected = _batches_of(expected)
    if len(got) != len(expected):
        sizes = [len(xb) for xb, _ in expected]
        return f"expected {len(expected)} batches of sizes {sizes}, got {len(got)}"
    for k, (pair, expected_pair) in enumerate(zip(got, expected)):
        problem = _compare_pair(pair, expected_pair, tolerance)
        if problem:
            return f"batch {k}: {problem}"
    return None


register(
    Exercise(
        name="minibatches",
        lesson=LESSON,
        reference=minibatches,
        replaces=(training.minibatches,),
        properties={
            "in_order": lambda rng: _batch_cases(rng, shuffled=False),
            "shuffled": lambda rng: _batch_cases(rng, shuffled=True),
        },
        points={"in_order": 1, "shuffled": 1},
        descriptions={
            "in_order": "batches in order, with a smaller last batch",
            "shuffled": "shuffled batches that keep inputs with their targets",
        },
        mistakes=(
            Mistake("last_batch_dropped", replace=(
                "range(0, len(X), batch_size)",
                "range(0, len(X) - batch_size + 1, batch_size)")),
            # X and T each shuffled in their own order: the pairs are torn apart
            Mistake("pairs_shuffled_separately", replace=(
                ("order = np.arange(len(X)) if rng is None else np.random.default_rng(rng).permutation(len(X))",
                 "generator = np.random.default_rng(rng)\n"
                 "order = np.arange(len(X)) if rng is None else generator.permutation(len(X))\n"
                 "order_y = np.arange(len(T)) if rng is None else generator.permutation(len(T))"),
                ("yield X[rows], T[rows]", "yield X[rows], T[order_y[start:start + batch_size]]")), properties=("shuffled",)),
            Mistake("batches_balanced", replace=(  # enough batches, but np.array_split evens out their sizes
                "for start in range(0, len(X), batch_size):\n    rows = order[start:start + batch_size]",
                "for rows in np.array_split(order, -(-len(X) // batch_size)):")),
            # one shuffle order for both, but the caller's X and T are shuffled too
            Mistake("changed_argument_in_place", replace=(
                "X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)\n"
                "order = np.arange(len(X)) if rng is None else np.random.default_rng(rng).permutation(len(X))",
                "if rng is not None:\n"
                "    np.random.default_rng(rng).shuffle(X)\n"
                "    np.random.default_rng(rng).shuffle(T)\n"
                "order = np.arange(len(X))"), properties=("shuffled",)),
        ),
        compare=compare_batches,
    )
)


# ----------------------------------------------------------------- understanding question
#: The run of ``updates_in_training``: 1,000 samples, minibatches of 64, 3 epochs.
QUESTION_SAMPLES, QUESTION_BATCH, QUESTION_EPOCHS = 1000, 64, 3


def _updates_in_training() -> int:
    """Updates made by minibatch training of the question's run: one per batch that training.minibatches deals."""
    X, T = np.zeros((QUESTION_SAMPLES, 1)), np.zeros((QUESTION_SAMPLES, 1))
    per_epoch = sum(1 for _ in training.minibatches(X, T, QUESTION_BATCH, None))
    return QUESTION_EPOCHS * per_epoch


register(
    question(
        name="updates_in_training",
        lesson=LESSON,
        answer=_updates_in_training,
        kind=Number(significant_digits=3),
        reread="section 1, *The loop* (samples per step and steps per epoch of each mode) and section 4, "
               "*Minibatches* (the last, smaller batch)",
        wrong_answers=(
            WrongAnswer(QUESTION_EPOCHS * (QUESTION_SAMPLES // QUESTION_BATCH),
                        "you left out the last, smaller batch: it is an update too."),
            WrongAnswer(QUESTION_EPOCHS * QUESTION_SAMPLES / QUESTION_BATCH,
                        "an epoch cannot hold a fraction of an update: count whole batches, the last one smaller."),
            WrongAnswer(QUESTION_EPOCHS * QUESTION_SAMPLES, "that is online training, one update per sample; "
                                                            "a minibatch step uses B samples at once."),
            WrongAnswer(QUESTION_EPOCHS, "that is full-batch training, one update per epoch; minibatch training "
                                         "makes one update per batch of B samples."),
        ),
    )
)


# ----------------------------------------------------------------- train_minibatch
def train_minibatch(net, X, T, learning_rate, epochs, batch_size, seed):
    r"""Reference: minibatch gradient descent, a new order every epoch, biases learning too.

    Epoch k deals the samples with ``training.minibatches(X, T, batch_size, rng=seed + k)``; every batch
    makes one update with the batch's mean gradient.

    Parameters
    ----------
    net : Network
        Trained in place.
    X : ndarray, shape (N, n_in)
    T : ndarray, shape (N, n_out)
    learning_rate : float > 0
    epochs : int >= 1
    batch_size : int >= 1
    seed : int

    Returns
    -------
    losses : ndarray, shape (epochs,)
        ``losses[k]``: the mean, over epoch k's N samples, of the loss each sample's forward pass measured
        *before* its batch's update (each batch's mean loss weighted by its number of samples).
    """
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    return np.array([training.run_epoch(net, training.minibatches(X, T, batch_size, rng=seed + epoch), learning_rate)
                     for epoch in range(epochs)])


#: The lesson's two-moons run (section 7): a 2-8-1 tanh/sigmoid network, its start drawn with seed 0.
MOONS_TRAINING = {"learning_rate": 1.0, "batch_size": 10, "seed": 0}


def two_moons(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The lesson's two moons (section 7's ``two_moons``, the same numbers): X (n, 2), T (n, 1) of 0 and 1."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, size=n)
    upper = rng.random(n) < 0.5
    points = np.where(upper[:, None], np.column_stack([np.cos(angle), np.sin(angle)]),
                      np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)]))
    return points + rng.normal(scale=noise, size=(n, 2)), (~upper).astype(float)[:, None]


def moons_network() -> Network:
    """The lesson's untrained two-moons network: weights from ``np.random.default_rng(0)``, zero biases."""
    rng = np.random.default_rng(0)
    return Network(weights=[rng.normal(size=(8, 2)), rng.normal(size=(1, 8))],
                   biases=[np.zeros(8), np.zeros(1)], activations=["tanh", "sigmoid"])


def _minibatch_cases(rng: np.random.Generator) -> list[Case]:
    """Small random networks; N is never a multiple of batch_size, so the last batch is smaller."""
    cases = []
    for case in _train_cases(rng, ("sigmoid", "tanh"), ("sigmoid",), (0.1, 0.5, 1.0))[:8]:
        kw = dict(case.kwargs)
        batch_size = int(rng.integers(2, 5))
        n = batch_size * int(rng.integers(1, 4)) + int(rng.integers(1, batch_size))
        kw["X"] = rng.uniform(-1, 1, size=(n, kw["X"].shape[1]))
        kw["T"] = rng.uniform(0.05, 0.95, size=(n, kw["T"].shape[1]))
        kw.update(batch_size=batch_size, seed=int(rng.integers(0, 1000)))
        cases.append(Case(kw, case.description.split(", N=")[0]
                          + f", N={n}, batch_size={batch_size}, epochs={kw['epochs']}, seed={kw['seed']}"))
    return cases


def _moons_cases(rng: np.random.Generator) -> list[Case]:
    X, T = two_moons(200, 0.15, seed=0)
    return [Case({"net": moons_network(), "X": X, "T": T, "epochs": 20, **MOONS_TRAINING},
                 "the lesson's 2-8-1 tanh/sigmoid network on the 200 two-moons training points, learning_rate=1.0, "
                 "20 epochs of minibatches of 10, seed=0")]


# The known mistakes: the net's own forward, backward and step, the shuffling in numpy.
#: The solution's lines of train_minibatch that its slips change.
_BATCH_LOSS = "losses[epoch] += 0.5 * np.sum((T_batch - trace.output) ** 2)"
_STEP = "net.step(net.backward(trace, T_batch), learning_rate)"


register(
    Exercise(
        name="train_minibatch",
        lesson=LESSON,
        reference=train_minibatch,
        replaces=(training.train, training.run_epoch),
        properties={"small_networks": _minibatch_cases, "two_moons": _moons_cases},
        points={"small_networks": 2, "two_moons": 1},
        descriptions={
            "small_networks": "the per-epoch losses of small sigmoid/tanh networks, a smaller last batch",
            "two_moons": "the per-epoch losses of the lesson's two-moons network",
        },
        mistakes=(
            Mistake("batches_never_shuffled", replace=("rng=seed + epoch", "rng=None")),
            Mistake("same_shuffle_every_epoch", replace=("rng=seed + epoch", "rng=seed")),
            Mistake("loss_after_update", replace=(  # each batch's loss measured after its own update
                (_BATCH_LOSS, "pass"),
                (_STEP, f"{_STEP}\nlosses[epoch] += 0.5 * np.sum((T_batch - net.forward(X_batch).output) ** 2)"))),
            Mistake("gradient_summed_over_batch", replace=(_STEP, _STEP.replace("learning_rate)", "learning_rate * len(X_batch))"))),
            # two moons: 200 samples in batches of 10, no smaller batch to weigh wrong
            Mistake("epoch_loss_unweighted_mean", replace=(  # the smaller last batch weighs as much as a full one
                (_BATCH_LOSS, f"{_BATCH_LOSS} / len(X_batch)"),
                ("losses[epoch] /= len(X)", "losses[epoch] /= -(-len(X) // batch_size)")), properties=("small_networks",)),
        ),
        compare=compare_losses,
        changes=("net",),
        # The course's minibatches under the student's loop: a bug in their own (graded above) costs its points only.
        graded_with=("from backprop_core.nn.training import minibatches",),
    )
)

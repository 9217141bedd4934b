"""Exercises of lesson 09-your-own-network: every piece of a softmax classifier of any depth, and its training."""
from __future__ import annotations

import numpy as np

from backprop_core.course import digits
from backprop_core.nn import activations, gradcheck, init, layers, losses, network, training
from backprop_core.nn.network import Network
from ..student_process.case_functions import SoftmaxNetworkGradients
from ..answerfree.compare import Tolerance, part
from ._base import Case, Exercise, Mistake, Number, WrongAnswer, question, register
from .lesson08 import CENTRAL_DIFFERENCE_PRECISION

LESSON = "09-your-own-network"

#: The accuracy on the held-out digits that ``train_digits`` must reach.
REQUIRED_ACCURACY = 0.95

# Everything in the package that would compute a piece of the network for the student. Not the
# activations themselves: tanh is np.tanh, and switching off a name switches off every function of the
# package that mentions it.
_REFERENCES = (
    activations.softmax, losses.cross_entropy, losses.cross_entropy_unchecked,
    layers.dense_forward, layers.dense_backward, layers.activation_forward, layers.activation_backward,
    network.Network.forward, network.forward_pass, network.Network.backward, network.backward_pass,
    network.Network.loss, network.Network.step, network.gradient_step,
    gradcheck.numerical_gradient, gradcheck.central_differences, gradcheck.gradient_check,
    gradcheck.array_numerical_gradient, training.train, training.run_epoch, init.init_weights,
)
# numerical_gradients may call lesson 08's one-array numerical gradient (imported in lesson 09 as
# numerical_gradient), as its text suggests: not switched off for it.
_REFERENCES_BUT_ARRAY_GRADIENT = tuple(f for f in _REFERENCES if f is not gradcheck.array_numerical_gradient)

# The numpy-only gradients that train's cases hand over compute, called with the right arguments, the
# loss and dZ of a softmax (one layer, identity weights), a network's gradients and, within the
# tolerance of central differences, the numerical ones. They call nothing of _REFERENCES, so they are
# withheld by hand from the builds of every exercise of the lesson but train, the one that needs them:
# while softmax_cross_entropy, network_gradients or numerical_gradients is graded, calling them raises.
_GRADIENTS_OF_TRAIN = (SoftmaxNetworkGradients.__call__,)


def _net(weights, biases, hidden: str) -> Network:
    """The package's Network for a student's lists: ``hidden`` in every layer but the last, a softmax output."""
    return Network([np.asarray(W, float) for W in weights], [np.asarray(b, float) for b in biases],
                   [hidden] * (len(weights) - 1) + ["softmax"], loss="cross_entropy")


def _random_network(rng: np.random.Generator, hidden: str, max_hidden_layers: int = 3, scale: float = 0.8):
    """(weights, biases, sizes): 0 to ``max_hidden_layers`` hidden layers of 1 to 6 neurons, 2 to 5 classes."""
    sizes = [int(rng.integers(1, 6))] + [int(n) for n in rng.integers(1, 7, size=int(rng.integers(0, max_hidden_layers + 1)))]
    sizes.append(int(rng.integers(2, 6)))
    weights = [rng.normal(scale=scale, size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(scale=0.3, size=n_out) for n_out in sizes[1:]]
    return weights, biases, sizes


def _one_hot_targets(rng: np.random.Generator, n: int, n_classes: int) -> np.ndarray:
    return np.eye(n_classes)[rng.integers(0, n_classes, size=n)]


def _sizes_text(sizes) -> str:
    return "-".join(str(n) for n in sizes)


def compare_layer_lists(first: str, second: str):
    """A ``compare`` for answers that are a pair of lists with one array per layer, e.g. (weights, biases)."""

    def compare(got, expected, tolerance: Tolerance | None = None) -> str | None:
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"expected a pair ({first}, {second}) of lists, got {type(got).__name__}"
        for name, have, want in ((first, got[0], expected[0]), (second, got[1], expected[1])):
            if not isinstance(have, (tuple, list)):
                return f"{name} should be a list with one array per layer, got {type(have).__name__}"
            if len(have) != len(want):
                return f"{name} should hold {len(want)} arrays (one per layer), got {len(have)}"
        problems = {l: part(f"{first}[{l}]")(got[0][l], expected[0][l], tolerance)
                    or part(f"{second}[{l}]")(got[1][l], expected[1][l], tolerance) for l in range(len(expected[0]))}
        return _layers_from_the_output_down(problems)

    return compare


def _layers_from_the_output_down(problems: dict) -> str | None:
    """The problem of the first wrong layer met going from the output down, and which layers agree.

    ``problems``: layer index -> its problem or None. Gradients flow from the output down, so the
    highest wrong layer is where to look: the layers above it agree, and those below are often wrong
    only because it is.
    """
    wrong = [l for l, problem in problems.items() if problem]
    if not wrong:
        return None
    top, last = max(wrong), len(problems) - 1
    if last == 0:
        return problems[top]
    above = [l for l in range(last, top, -1)]
    below_right = [l for l in range(top - 1, -1, -1) if not problems[l]]
    # The lessons count layers from 1 (W^(1) next to the input); the lists the student returns count from 0.
    named = lambda ls: ", ".join(f"{l + 1} (index {l})" for l in ls)  # noqa: E731
    where = (f"from the output down, layer{'s' if len(above) > 1 else ''} {named(above)} agree"
             f"{'s' if len(above) == 1 else ''} and layer {named([top])} is the first wrong one" if above
             else f"the output layer, {named([last])}, is already wrong")
    if below_right:
        where += f"; layer{'s' if len(below_right) > 1 else ''} {named(below_right)} below it agree"
        where += "s" if len(below_right) == 1 else ""
    return f"{problems[top]} ({where})"


# ----------------------------------------------------------------- softmax_cross_entropy
def softmax_cross_entropy(Z, T):
    r"""Reference: the mean cross-entropy of the softmax of ``Z`` against ``T``, and its gradient.

    Parameters
    ----------
    Z : ndarray, shape (N, K)
        Net inputs of the output layer.
    T : ndarray, shape (N, K)
        One-hot targets.

    Returns
    -------
    loss : float
        :math:`E = -\frac1N \sum_n \sum_k T_{nk} \log P_{nk}` with ``P = softmax(Z)``.
    dZ : ndarray, shape (N, K)
        :math:`\partial E / \partial Z = (P - T) / N`.
    """
    P = activations.softmax(Z)
    T = np.asarray(T, dtype=float)
    return losses.cross_entropy(P, T), (P - T) / len(P)


def _cross_entropy_cases(rng: np.random.Generator, batch: bool, spread: float = 2.0) -> list[Case]:
    cases = []
    for _ in range(8):
        n, k = (int(rng.integers(2, 7)) if batch else 1), int(rng.integers(2, 6))
        Z, T = rng.normal(scale=spread, size=(n, k)), _one_hot_targets(rng, n, k)
        what = ""
        if spread > 10:  # a sure network: the right class's z at most 20 below the row's largest (no P rounds to 0)
            right = T.argmax(axis=1)
            Z[np.arange(n), right] = Z.max(axis=1) - rng.uniform(0, 20, size=n)
            what = f", net inputs of size about {spread:g}"
            if not cases and n > 1:  # by design: one row far below another, where only each row's own max is safe
                Z[1:] -= 3 * spread
                what += ", one row far below the first"
        cases.append(Case({"Z": Z, "T": T}, f"a batch of N={n} samples, K={k} classes{what}"))
    return cases


def _compare_loss_and_dZ(got, expected, tolerance):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"expected a pair (loss, dZ), got {type(got).__name__}"
    return part("loss")(got[0], expected[0], tolerance) or part("dZ")(got[1], expected[1], tolerance)


register(
    Exercise(
        name="softmax_cross_entropy",
        lesson=LESSON,
        withheld=_GRADIENTS_OF_TRAIN,
        reference=softmax_cross_entropy,
        replaces=_REFERENCES,
        properties={
            "one_sample": lambda rng: _cross_entropy_cases(rng, batch=False),
            "batches": lambda rng: _cross_entropy_cases(rng, batch=True),
            "large_inputs": lambda rng: _cross_entropy_cases(rng, batch=True, spread=1000.0),
        },
        points={"one_sample": 1, "batches": 2, "large_inputs": 1},
        descriptions={
            "one_sample": "the loss and dZ of one sample",
            "batches": "the mean loss and dZ of a batch",
            "large_inputs": "the loss and dZ of net inputs in the hundreds and thousands",
        },
        mistakes=(
            Mistake("softmax_without_max_shift", replace=(  # exp overflows to inf for z above about 709
                "shifted = Z - Z.max(axis=1, keepdims=True)\n"
                "log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
                "E = np.exp(Z)\n"
                "log_P = np.log(E / E.sum(axis=1, keepdims=True))"), properties=("large_inputs",)),
            Mistake("missing_mean", replace=(  # the loss is a mean, but its gradient forgot the 1/N
                "return loss, (np.exp(log_P) - T) / len(Z)", "return loss, np.exp(log_P) - T"), properties=("batches", "large_inputs")),
            Mistake("softmax_shifted_by_global_max", replace=(
                # the whole array's max: a row far below it underflows to all zeros, then 0 / 0
                "shifted = Z - Z.max(axis=1, keepdims=True)\n"
                "log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
                "E = np.exp(Z - Z.max())\n"
                "log_P = np.log(E / E.sum(axis=1, keepdims=True))"),
                    properties=("large_inputs",)),
        ),
        compare=_compare_loss_and_dZ,
    )
)


# ----------------------------------------------------------------- network_gradients
def network_gradients(weights, biases, hidden, X, T):
    r"""Reference: forward and backward pass of a softmax classifier over a batch.

    Parameters
    ----------
    weights : list of L ndarrays, shape (n_{l+1}, n_l)
    biases : list of L ndarrays, shape (n_{l+1},)
    hidden : str
        "tanh" or "relu": the activation of every layer but the last, which is a softmax.
    X : ndarray, shape (N, n_0)
    T : ndarray, shape (N, n_L)
        One-hot targets.

    Returns
    -------
    loss : float
        The mean cross-entropy.
    weight_gradients : list of L ndarrays, shape (n_{l+1}, n_l)
    bias_gradients : list of L ndarrays, shape (n_{l+1},)
    """
    net = _net(weights, biases, hidden)
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    output, caches = network.forward_pass(net, X)
    gW, gb, _ = network.backward_pass(net, caches, T)
    return losses.cross_entropy(output, T), gW, gb


def _network_cases(rng: np.random.Generator, hidden: str, zeros: bool = False) -> list[Case]:
    cases = []
    for _ in range(8):
        weights, biases, sizes = _random_network(rng, hidden)
        n = int(rng.integers(2, 7))
        X = rng.normal(size=(n, sizes[0]))
        what = ""
        if zeros:  # a sample of zeros and no first-layer bias: its first-layer net inputs are exactly 0
            X[int(rng.integers(0, n))] = 0.0
            biases[0] = np.zeros_like(biases[0])
            what = ", one sample all zeros and no first-layer bias (net inputs exactly 0)"
        kwargs = {"weights": weights, "biases": biases, "hidden": hidden, "X": X, "T": _one_hot_targets(rng, n, sizes[-1])}
        cases.append(Case(kwargs, f"a {_sizes_text(sizes)} network ({hidden} hidden layers, softmax output), N={n}{what}"))
    return cases


def compare_gradients_triple(got, expected, tolerance):
    """None when ``got`` = (loss, weight_gradients, bias_gradients) matches ``expected``."""
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return f"expected a triple (loss, weight_gradients, bias_gradients), got {type(got).__name__}"
    return (part("loss")(got[0], expected[0], tolerance)
            or compare_layer_lists("weight_gradients", "bias_gradients")(got[1:], expected[1:], tolerance))


register(
    Exercise(
        name="network_gradients",
        lesson=LESSON,
        withheld=_GRADIENTS_OF_TRAIN,
        reference=network_gradients,
        replaces=_REFERENCES,
        properties={
            "tanh_networks": lambda rng: _network_cases(rng, "tanh"),
            "relu_networks": lambda rng: _network_cases(rng, "relu"),
            "relu_at_zero": lambda rng: _network_cases(rng, "relu", zeros=True),
        },
        points={"tanh_networks": 2, "relu_networks": 2, "relu_at_zero": 1},
        descriptions={
            "tanh_networks": "the loss and gradients of tanh networks of 1 to 4 layers",
            "relu_networks": "the loss and gradients of ReLU networks of 1 to 4 layers",
            "relu_at_zero": "the loss and gradients of ReLU networks with net inputs exactly 0",
        },
        mistakes=(
            Mistake("missing_mean", replace=(  # the softmax written out, and dZ forgot the 1/N of the mean loss
                "loss, dZ = softmax_cross_entropy(zs[-1], T)",
                "P = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))\n"
                "P = P / P.sum(axis=1, keepdims=True)\n"
                "loss, dZ = -np.sum(T * np.log(P)) / len(X), P - T")),
            Mistake("missing_transpose", replace=(  # (n_in, n_out): the transpose of dE/dW
                "weight_gradients[l] = dZ.T @ A_in", "weight_gradients[l] = A_in.T @ dZ")),
            Mistake("relu_prime_at_zero", replace=("(zs[l - 1] > 0)", "(zs[l - 1] >= 0)"),  # 1 at z = 0
                    properties=("relu_at_zero",)),
        ),
        compare=compare_gradients_triple,
    )
)


# ----------------------------------------------------------------- numerical_gradients
def numerical_gradients(weights, biases, hidden, X, T, h=1e-5):
    r"""Reference: the gradients of the mean cross-entropy by central differences, every weight and bias.

    Parameters
    ----------
    weights, biases : lists of L ndarrays
        Left as they were.
    hidden : str
    X : ndarray, shape (N, n_0)
    T : ndarray, shape (N, n_L)
    h : float > 0

    Returns
    -------
    weight_gradients, bias_gradients : lists of L ndarrays, shaped like weights and biases
    """
    grads = gradcheck.numerical_gradient(_net(weights, biases, hidden), np.asarray(X, float), np.asarray(T, float), h=h)
    return grads.weights, grads.biases


def _numerical_cases(rng: np.random.Generator, hidden: str) -> list[Case]:
    cases = []
    for case in _network_cases(rng, hidden)[:4]:
        cases.append(Case({**case.kwargs, "h": 1e-5}, case.description + ", h=1e-05"))
    return cases


register(
    Exercise(
        name="numerical_gradients",
        lesson=LESSON,
        withheld=_GRADIENTS_OF_TRAIN,
        reference=numerical_gradients,
        replaces=_REFERENCES_BUT_ARRAY_GRADIENT,
        properties={
            "tanh_networks": lambda rng: _numerical_cases(rng, "tanh"),
            "relu_networks": lambda rng: _numerical_cases(rng, "relu"),
        },
        points={"tanh_networks": 1, "relu_networks": 1},
        descriptions={
            "tanh_networks": "central differences on tanh networks",
            "relu_networks": "central differences on ReLU networks",
        },
        mistakes=(Mistake("one_sided_difference", replace=(  # loss(P + h) against loss(P): a forward difference
                ("P[index] = old - h\nminus = network_gradients(weights, biases, hidden, X, T)[0]\nP[index] = old",
                 "P[index] = old\nminus = network_gradients(weights, biases, hidden, X, T)[0]"),
                ("(plus - minus) / (2 * h)", "(plus - minus) / h"))),),
        compare=compare_layer_lists("weight_gradients", "bias_gradients"),
        tolerance=CENTRAL_DIFFERENCE_PRECISION,
    )
)


# ----------------------------------------------------------------- the digits run
#: The lesson's run on the digits: layer sizes, hidden activation, and train's other arguments.
DIGITS_SIZES, DIGITS_HIDDEN = [64, 64, 10], "tanh"
DIGITS_TRAINING = {"learning_rate": 0.3, "epochs": 60, "batch_size": 32, "seed": 0}


def digits_network() -> tuple[list, list]:
    """The lesson's untrained digits network: :data:`DIGITS_SIZES`, weights from ``init.init_weights(..., seed=0)``."""
    return init.init_weights(DIGITS_SIZES, DIGITS_HIDDEN, seed=0)


def held_out_accuracy(weights, biases, hidden) -> float:
    """The share of the course's 450 held-out test digits that the network classifies right."""
    data = digits.split()
    output, _ = network.forward_pass(_net(weights, biases, hidden), data["X_test"])
    return float(np.mean(np.argmax(output, axis=1) == data["labels_test"]))


# ----------------------------------------------------------------- train
def train(weights, biases, hidden, X, T, learning_rate, epochs, batch_size, seed, gradients):
    r"""Reference: minibatch gradient descent on the mean cross-entropy, in place.

    Epoch k deals the samples with ``training.minibatches(X, T, batch_size, rng=seed + k)``; every batch
    makes one update of every weight and bias, with the gradients ``gradients`` gives.

    Parameters
    ----------
    weights, biases : lists of L ndarrays
        Trained in place.
    hidden : str
    X : ndarray, shape (N, n_0)
    T : ndarray, shape (N, n_L)
    learning_rate : float > 0
    epochs, batch_size, seed : int
    gradients : callable(weights, biases, hidden, X, T) -> (loss, weight_gradients, bias_gradients)
        The student's ``network_gradients`` in the lesson; :class:`SoftmaxNetworkGradients` in the
        hidden tests, so that the loop is graded on its own.

    Returns
    -------
    losses : ndarray, shape (epochs,)
        ``losses[k]``: the mean cross-entropy over all of X after epoch k.
    """
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    history = np.zeros(epochs)
    for epoch in range(epochs):
        for X_batch, T_batch in training.minibatches(X, T, batch_size, rng=seed + epoch):
            _, gW, gb = gradients(weights, biases, hidden, X_batch, T_batch)
            for l in range(len(weights)):
                weights[l] -= learning_rate * gW[l]
                biases[l] -= learning_rate * gb[l]
        history[epoch] = gradients(weights, biases, hidden, X, T)[0]
    return history


def _train_cases(rng: np.random.Generator, hidden: str) -> list[Case]:
    cases = []
    for case in _network_cases(rng, hidden)[:5]:
        n = int(rng.integers(5, 12))
        kw = case.kwargs
        X = rng.normal(size=(n, kw["weights"][0].shape[1]))
        T = _one_hot_targets(rng, n, kw["weights"][-1].shape[0])
        batch_size, epochs, seed = int(rng.integers(2, 5)), int(rng.integers(2, 5)), int(rng.integers(0, 1000))
        cases.append(Case({"weights": kw["weights"], "biases": kw["biases"], "hidden": hidden, "X": X, "T": T,
                           "learning_rate": 0.3, "epochs": epochs, "batch_size": batch_size, "seed": seed,
                           "gradients": SoftmaxNetworkGradients()},
                          case.description.rsplit(",", 1)[0] + f", N={n}, batch_size={batch_size}, epochs={epochs}, seed={seed}"))
    return cases


def _digits_cases(rng: np.random.Generator) -> list[Case]:
    data = digits.split()
    weights, biases = digits_network()
    lesson_run = Case({"weights": weights, "biases": biases, "hidden": DIGITS_HIDDEN, "X": data["X_train"],
                       "T": data["T_train"], **DIGITS_TRAINING, "gradients": SoftmaxNetworkGradients()},
                      "the lesson's 64-64-10 tanh network on the 1,347 training digits, learning_rate=0.3, 60 epochs "
                      "of minibatches of 32, seed=0 (it ends at 97.6% accuracy on the held-out digits)")
    weights, biases = init.init_weights([64, 32, 10], "relu", seed=1)
    short_run = Case({"weights": weights, "biases": biases, "hidden": "relu", "X": data["X_train"], "T": data["T_train"],
                      "learning_rate": 0.3, "epochs": 10, "batch_size": 64, "seed": 1, "gradients": SoftmaxNetworkGradients()},
                     "a 64-32-10 ReLU network on the 1,347 training digits, learning_rate=0.3, 10 epochs of "
                     "minibatches of 64, seed=1")
    return [lesson_run, short_run]


register(
    Exercise(
        name="train",
        lesson=LESSON,
        reference=train,
        replaces=_REFERENCES,
        properties={"tanh_networks": lambda rng: _train_cases(rng, "tanh"),
                    "relu_networks": lambda rng: _train_cases(rng, "relu"),
                    "digits": _digits_cases},
        points={"tanh_networks": 1, "relu_networks": 1, "digits": 2},
        descriptions={"tanh_networks": "the per-epoch losses of small tanh networks",
                      "relu_networks": "the per-epoch losses of small ReLU networks",
                      "digits": "the per-epoch losses of networks on the digits (the lesson's reaches 97.6% held-out accuracy)"},
        mistakes=(Mistake("batches_never_shuffled", replace=(  # the same order every epoch: never shuffled
                "rng=seed + epoch", "rng=None")),
                  Mistake("loss_of_last_batch", replace=(
                # the last batch's loss, before its update: not the loss over all of X after the epoch
                ("_, gW, gb = gradients(", "loss, gW, gb = gradients("),
                ("losses[epoch] = gradients(weights, biases, hidden, X, T)[0]", "losses[epoch] = loss"))),
                  Mistake("loss_mean_of_minibatches", replace=(
                # each batch's loss measured before its own update; the loss over all of X is not recorded
                ("for X_batch, T_batch in", "batch_losses = []\nfor X_batch, T_batch in"),
                ("_, gW, gb = gradients(weights, biases, hidden, X_batch, T_batch)",
                 "loss, gW, gb = gradients(weights, biases, hidden, X_batch, T_batch)\nbatch_losses.append(loss)"),
                ("losses[epoch] = gradients(weights, biases, hidden, X, T)[0]", "losses[epoch] = np.mean(batch_losses)")))),
        compare=part("losses"),
        changes=("weights", "biases"),
    )
)


# ----------------------------------------------------------------- understanding question
def _initial_loss() -> float:
    """The mean cross-entropy of a 10-class softmax whose net inputs are all 0 (every class 1/10)."""
    probabilities = activations.softmax(np.zeros((5, 10)))
    return losses.cross_entropy(probabilities, np.eye(10)[[3, 1, 4, 1, 5]])


register(
    question(
        name="predicted_initial_loss",
        lesson=LESSON,
        answer=_initial_loss,
        kind=Number(significant_digits=3),
        reread="section 2, *Softmax and cross-entropy*: what the softmax gives when every net input is the same, "
               "and the loss of one sample",
        wrong_answers=(
            WrongAnswer(0.1, "0.1 is the probability each class gets; the loss is minus the logarithm of the "
                             "probability of the right class."),
            WrongAnswer(1.0, "that is the logarithm to base 10; the cross-entropy uses the natural logarithm (np.log)."),
            WrongAnswer(0.45, "that is ½ Σ (output − target)², the squared error of lessons 01–08, not the "
                              "cross-entropy."),
            WrongAnswer(0.9, "1 − 0.1 is how much probability misses the right class; the loss is −log of the "
                             "probability it gets."),
        ),
    )
)

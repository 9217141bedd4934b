"""Loops and plain Python: every sum written out over lists, `math.fsum` for the error.

Inputs are turned into Python lists with ``tolist()``; ``linear_layer`` and
``forward_linear`` answer with (nested) lists, which the exercise allows. The batch's error is
predicted with a loop over the table's rows; the choice is found by a loop over the options.
"""

# %% linear_layer
def linear_layer(x, W):
    rows = np.asarray(W, dtype=float).tolist()

    def one_sample(sample):
        # neuron j adds up weight times input over its row of W
        return [sum(w * v for w, v in zip(row, sample)) for row in rows]

    samples = np.asarray(x, dtype=float).tolist()
    if isinstance(samples[0], list):
        return [one_sample(sample) for sample in samples]
    return one_sample(samples)


# %% forward_linear
def forward_linear(x, W1, W2):
    samples = np.atleast_2d(x).tolist()
    W1_rows, W2_rows = np.asarray(W1).tolist(), np.asarray(W2).tolist()
    hidden = [[sum(w * v for w, v in zip(row, s)) for row in W1_rows] for s in samples]
    output = [[sum(w * h for w, h in zip(row, hs)) for row in W2_rows] for hs in hidden]
    if np.ndim(x) == 1:
        return hidden[0], output[0]
    return hidden, output


# %% predicted_batch_error
import math


def predicted_batch_error():
    table = [([0, 3], [1, 1]), ([1, 1], [1, 2]), ([1.5, 1], [1, 1])]  # (output, target) of each sample
    errors = []
    for output, target in table:
        errors.append(0.5 * math.fsum((y - t) ** 2 for y, t in zip(output, target)))
    return math.fsum(errors) / len(errors)


# %% half_squared_error
import math


def half_squared_error(output, target):
    y, t = np.asarray(output, dtype=float).tolist(), np.asarray(target, dtype=float).tolist()
    if not isinstance(y[0], list):  # one sample: a batch of one
        y, t = [y], [t]
    per_sample = [0.5 * math.fsum((tj - yj) ** 2 for tj, yj in zip(t_n, y_n)) for y_n, t_n in zip(y, t)]
    return math.fsum(per_sample) / len(per_sample)


# %% w5_direction
def w5_direction():
    output, target, h1 = 0.191, 1.0, 0.85
    # one unit more of w5 moves the output by h1; E falls when the output moves towards the target
    for letter, output_moves in (("A", +h1), ("B", -h1)):
        if output_moves * (target - output) > 0:
            return letter
    return "C"

"""Loops over a flat view: the nudges made on a flattened copy of W (``reshape(-1)`` of my own
array), the relative error of each layer found entry by entry with `math.fabs`.
"""

# %% float32_check_remedy
def float32_check_remedy():
    return "(C)"


# %% predicted_missing_mean_error
def predicted_missing_mean_error():
    N = 4
    return (N - 1) / (N + 1)


# %% numerical_gradient
def numerical_gradient(f, W, h=1e-5):
    W_work = np.array(W, dtype=float)  # my copy; W itself is never touched
    flat = W_work.reshape(-1)  # a view of the copy: nudging flat nudges W_work
    grad = np.empty(flat.size)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f(W_work)
        flat[i] = keep - h
        down = f(W_work)
        flat[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad.reshape(np.shape(W))


# %% first_disagreeing_layer
import math


def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    for layer in range(len(analytic)):
        worst = 0.0
        for part in range(2):  # 0: the weights, 1: the biases
            for a, n in zip(np.ravel(analytic[layer][part]), np.ravel(numeric[layer][part])):
                worst = max(worst, math.fabs(a - n) / max(math.fabs(a) + math.fabs(n), 1e-8))
        if worst > tolerance:
            return layer
    return None

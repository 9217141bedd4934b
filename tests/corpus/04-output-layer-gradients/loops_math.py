"""Loops and the `math` module: each delta computed neuron by neuron (and sample by sample)
with `math.exp`, the gradient filled entry by entry, the update written row by row.
"""

# %% output_delta
import math


def output_delta(z, target):
    z = np.asarray(z, dtype=float)
    t = np.asarray(target, dtype=float)
    delta = np.empty(z.shape)
    for index in np.ndindex(z.shape):
        a = 1.0 / (1.0 + math.exp(-z[index]))
        delta[index] = (a - t[index]) * a * (1.0 - a)
    return delta


# %% predicted_dE_dw7
def predicted_dE_dw7():
    delta_o2, a_h1 = -0.0380982365, 0.5932699921
    return delta_o2 * a_h1


# %% output_weight_gradient
def output_weight_gradient(delta, a_prev):
    grad = np.zeros((len(delta), len(a_prev)))
    for j in range(len(delta)):
        for k in range(len(a_prev)):
            grad[j, k] = delta[j] * a_prev[k]
    return grad


# %% update_output_weights
def update_output_weights(W, delta, a_prev, learning_rate):
    rows = []
    for j, W_row in enumerate(np.asarray(W, dtype=float)):
        rows.append([w - learning_rate * delta[j] * a for w, a in zip(W_row, a_prev)])
    return np.array(rows)

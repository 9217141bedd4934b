"""Loops and the `math` module: each hidden delta adds up W_next[j][k] * delta_next[j] in a
loop, and the whole step is written neuron by neuron with `math.exp`, reusing the student's
own ``hidden_delta`` (on the old W2). ``hidden_delta`` answers with a list, which the exercise
allows.
"""

# %% hidden_delta
import math


def hidden_delta(z, W_next, delta_next):
    deltas = []
    for k, z_k in enumerate(z):
        back = 0.0
        for j, d_j in enumerate(delta_next):
            back += W_next[j][k] * d_j
        s = 1.0 / (1.0 + math.exp(-z_k))
        deltas.append(s * (1.0 - s) * back)
    return deltas


# %% predicted_dE_dw3
def predicted_dE_dw3():
    delta_h2, x1 = 0.009954255, 0.05   # w3 goes from x1 into h2
    return delta_h2 * x1


# %% update_order_option
def update_order_option():
    return "(B)"


# %% backprop_step
def backprop_step(W1, b1, W2, b2, x, target, learning_rate):
    def logistic(v):
        return 1.0 / (1.0 + math.exp(-v))

    n_in, n_hidden, n_out = len(x), len(W1), len(W2)
    z1 = [sum(W1[k][i] * x[i] for i in range(n_in)) + b1[k] for k in range(n_hidden)]
    a1 = [logistic(v) for v in z1]
    a2 = [logistic(sum(W2[j][k] * a1[k] for k in range(n_hidden)) + b2[j]) for j in range(n_out)]
    d2 = [(a2[j] - target[j]) * a2[j] * (1.0 - a2[j]) for j in range(n_out)]
    d1 = hidden_delta(z1, W2, d2)  # the old W2: nothing is updated yet
    W1_new = [[W1[k][i] - learning_rate * d1[k] * x[i] for i in range(n_in)] for k in range(n_hidden)]
    W2_new = [[W2[j][k] - learning_rate * d2[j] * a1[k] for k in range(n_hidden)] for j in range(n_out)]
    return np.array(W1_new), np.array(W2_new)

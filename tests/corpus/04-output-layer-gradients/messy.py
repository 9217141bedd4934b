"""A real notebook's leftovers: a ``sig`` helper in the solution cell, debug prints to stderr,
``np.dot`` of a column and a row, a copy of W updated with ``-=``.
"""

# %% output_delta
import sys


def sig(v):
    """sigmoid of the net input (my helper)"""
    return 1.0 / (1.0 + np.exp(-v))


def output_delta(z, target):
    a = sig(np.asarray(z, dtype=float))
    error = a - target
    print("error:", error, file=sys.stderr)
    return error * sig(z) * (1 - sig(z))


# %% predicted_dE_dw7
def predicted_dE_dw7():
    # w7: h1 -> o2, so delta of o2 times activation of h1
    return -(2.26 / 100)


# %% output_weight_gradient
def output_weight_gradient(delta, a_prev):
    print("delta", np.shape(delta), "a_prev", np.shape(a_prev), file=sys.stderr)
    return np.dot(np.reshape(delta, (-1, 1)), np.reshape(a_prev, (1, -1)))


# %% update_output_weights
def update_output_weights(W, delta, a_prev, learning_rate):
    W_new = np.copy(W)
    W_new -= learning_rate * output_weight_gradient(delta, a_prev)
    return W_new

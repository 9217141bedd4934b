"""A real notebook's leftovers: a ``slope_at`` helper in the solution cell, ``np.dot(delta_next,
W_next)`` for the error sent back, copies of W1 and W2 updated with ``-=`` (after both deltas
are known), debug prints to stderr.
"""

# %% hidden_delta
import sys


def slope_at(z):
    """sigma'(z) from the net input (my helper)"""
    s = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
    return s * (1 - s)


def hidden_delta(z, W_next, delta_next):
    back = np.dot(delta_next, W_next)  # the same as W_next.T @ delta_next
    print("error sent back:", back, file=sys.stderr)
    return back * slope_at(z)


# %% predicted_dE_dw3
def predicted_dE_dw3():
    return 0.000497713


# %% update_order_option
def update_order_option():
    answer = "B"  # the deltas before W2 moves
    return answer


# %% backprop_step
def backprop_step(W1, b1, W2, b2, x, target, learning_rate):
    W1_new, W2_new = np.array(W1, dtype=float), np.array(W2, dtype=float)  # copies
    z1 = np.dot(W1_new, x) + b1
    h = 1 / (1 + np.exp(-z1))
    z2 = np.dot(W2_new, h) + b2
    y = 1 / (1 + np.exp(-z2))
    delta_out = (y - target) * slope_at(z2)
    delta_hid = hidden_delta(z1, W2_new, delta_out)  # before W2_new changes
    W2_new -= learning_rate * np.outer(delta_out, h)
    W1_new -= learning_rate * np.outer(delta_hid, x)
    print("loss before the step:", 0.5 * np.sum((target - y) ** 2), file=sys.stderr)
    return W1_new, W2_new

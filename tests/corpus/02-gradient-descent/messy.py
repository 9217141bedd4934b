"""A real notebook's leftovers: a ``column`` helper in the solution cell, column vectors and
``@``, a copy of the weights updated with ``-=`` (the copy, never the argument), debug prints to
stderr every few steps (and of the curvature in the learning-rate question), a choice
answered as "c.".
"""

# %% linear_output_gradient
import sys


def column(v):
    """My helper: v as a column vector, shape (n, 1)."""
    return np.reshape(np.asarray(v, dtype=float), (-1, 1))


def linear_output_gradient(hidden, output, target):
    Delta = column(output) - column(target)
    print("Delta:", Delta.ravel(), file=sys.stderr)
    return Delta @ column(hidden).T


# %% gradient_step
def gradient_step(w, gradient, learning_rate):
    new_w = np.array(w, dtype=float, copy=True)  # never touch the caller's weights
    new_w -= learning_rate * np.asarray(gradient, dtype=float)
    return new_w


# %% gradient_descent
def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    w = np.array(w_start, dtype=float)
    path = np.empty((n_steps + 1,) + w.shape)
    path[0] = w
    for k in range(1, n_steps + 1):
        w = gradient_step(w, grad_fn(w), learning_rate)
        path[k] = w
        if k % 5 == 0:
            print(f"step {k}: w = {w}", file=sys.stderr)
    return path


# %% w6_learning_rate_limit
def w6_learning_rate_limit():
    c = 0.48 ** 2  # only w6 learns: c = a2²
    print("c =", c, "overshoots from", 1 / c, "diverges from", 2 / c, file=sys.stderr)
    return 2 / c


# %% error_grows_diagnosis
def error_grows_diagnosis():
    answer = "c."  # sign!
    return answer

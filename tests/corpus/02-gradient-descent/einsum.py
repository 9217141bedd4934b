"""Vectorised another way: np.einsum for the outer product, np.subtract/np.multiply for the
step, and a while loop that reuses the student's own ``gradient_step`` and stacks the path.
The ``gradient_step`` solution cell is copied in JupyterLab (metadata and all). The learning-rate
limit comes from the hidden activations, worked out with einsum; a choice in lower case.
"""

# %% linear_output_gradient
def linear_output_gradient(hidden, output, target):
    error = np.subtract(output, target, dtype=float)
    return np.einsum("j,k->jk", error, np.asarray(hidden, dtype=float))


# %% gradient_step
def gradient_step(w, gradient, learning_rate):
    return np.subtract(w, np.multiply(learning_rate, gradient), dtype=float)


# %% copy of solution_gradient_step

# %% gradient_descent
def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    path = [np.array(w_start, dtype=float)]
    while len(path) <= n_steps:
        path.append(gradient_step(path[-1], grad_fn(path[-1]), learning_rate))
    return np.stack(path)


# %% w6_learning_rate_limit
def w6_learning_rate_limit():
    x = np.array([2.0, 3.0])
    W1 = np.array([[0.11, 0.21], [0.12, 0.08]])  # lesson 01's hidden weights (w5 = 0.14 plays no part)
    a = np.einsum("ji,i->j", W1, x)  # (a1, a2) = (0.85, 0.48)
    curvature = np.einsum("j,j->", a[1:], a[1:])  # only w6 learns: c = a2²
    return float(2 / curvature)  # diverges where 1 - αc drops below -1


# %% error_grows_diagnosis
def error_grows_diagnosis():
    return "c"

"""Vectorised another way: np.einsum for the outer product, np.subtract/np.multiply for the
step, and a while loop that reuses the student's own ``gradient_step`` and stacks the path.
The ``gradient_step`` solution cell is copied in JupyterLab (metadata and all).
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

"""Vectorised: the nudge as h times a basis matrix (a row of ``np.eye`` reshaped like W), so W
is never written; every layer's relative error computed first, then the first one above the
tolerance picked with ``np.flatnonzero`` (a layer's error: the worse of its weights and biases).
The ``first_disagreeing_layer`` solution cell is copied in JupyterLab (metadata and all).
"""

# %% float32_check_remedy
def float32_check_remedy():
    options = {"A": "hunt the bug", "B": "smaller h", "C": "float64"}
    return next(letter for letter, what in options.items() if what == "float64")


# %% predicted_missing_mean_error
def predicted_missing_mean_error():
    return 3 / 5  # |4g - g| / (4g + g)


# %% numerical_gradient
def numerical_gradient(f, W, h=1e-5):
    W = np.asarray(W, dtype=float)
    grad = np.zeros(W.shape)
    for i, e_i in enumerate(np.eye(W.size)):
        step = h * e_i.reshape(W.shape)
        grad.flat[i] = (f(W + step) - f(W - step)) / (2 * h)
    return grad


# %% first_disagreeing_layer
def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    errors = np.array([
        max(np.max(np.abs(np.subtract(a, n)) / np.maximum(np.abs(a) + np.abs(n), 1e-8))
            for a, n in zip(a_pair, n_pair))
        for a_pair, n_pair in zip(analytic, numeric)
    ])
    bad = np.flatnonzero(errors > tolerance)
    return int(bad[0]) if bad.size else None


# %% copy of solution_first_disagreeing_layer

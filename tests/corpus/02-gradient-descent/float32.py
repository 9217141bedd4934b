"""float32 intermediates: every array cast to np.float32, broadcasting for the outer product,
the path kept in float32.

Precision is not what lesson 02 teaches, so correct float32 answers must earn the points. The
learning-rate limit is a float32 too; a choice is answered as "(C)".
"""

# %% linear_output_gradient
def linear_output_gradient(hidden, output, target):
    delta = np.asarray(output, dtype=np.float32) - np.asarray(target, dtype=np.float32)
    return delta[:, np.newaxis] * np.asarray(hidden, dtype=np.float32)[np.newaxis, :]


# %% gradient_step
def gradient_step(w, gradient, learning_rate):
    return np.float32(w) - np.float32(learning_rate) * np.float32(gradient)


# %% gradient_descent
def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    w = np.asarray(w_start, dtype=np.float32).copy()
    rows = [w]
    for _ in range(n_steps):
        w = w - np.float32(learning_rate) * np.asarray(grad_fn(w), dtype=np.float32)
        rows.append(w)
    return np.vstack(rows)


# %% w6_learning_rate_limit
def w6_learning_rate_limit():
    a2 = np.float32(0.48)
    return np.float32(2) / np.square(a2)


# %% error_grows_diagnosis
def error_grows_diagnosis():
    return "(C)"

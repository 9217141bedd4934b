"""np.einsum: the sums named by their indices, one formula for one sample and for a batch.

``...`` in the subscripts stands for the optional batch axis; the error uses
``np.subtract(..., dtype=float)`` and an einsum dot product per sample. The ``linear_layer``
solution cell is copied in JupyterLab (metadata and all) and pasted below itself. The batch's
error is predicted with an einsum over the table's numbers; a choice is answered in lower case.
"""

# %% linear_layer
def linear_layer(x, W):
    return np.einsum("...i,ji->...j", np.asarray(x, dtype=float), np.asarray(W, dtype=float))


# %% copy of solution_linear_layer

# %% forward_linear
def forward_linear(x, W1, W2):
    hidden = np.einsum("...i,ji->...j", x, W1)
    output = np.einsum("...j,kj->...k", hidden, W2)
    return hidden, output


# %% predicted_batch_error
def predicted_batch_error():
    output = np.array([[0.0, 3.0], [1.0, 1.0], [1.5, 1.0]])  # the table, one row per sample
    target = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 1.0]])
    miss = output - target
    return 0.5 * np.einsum("nj,nj->", miss, miss) / len(miss)  # half the squares, mean over the samples


# %% half_squared_error
def half_squared_error(output, target):
    diff = np.subtract(target, output, dtype=float)
    per_sample = 0.5 * np.einsum("...j,...j->...", diff, diff)
    return float(np.mean(per_sample))


# %% w5_direction
def w5_direction():
    return "a"  # larger: the output 0.191 must rise to 1, and it grows with w5 because h1 > 0

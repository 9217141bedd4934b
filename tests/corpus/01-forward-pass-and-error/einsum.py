"""np.einsum: the sums named by their indices, one formula for one sample and for a batch.

``...`` in the subscripts stands for the optional batch axis; the error uses
``np.subtract(..., dtype=float)`` and an einsum dot product per sample. The ``linear_layer``
solution cell is copied in JupyterLab (metadata and all) and pasted below itself.
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


# %% half_squared_error
def half_squared_error(output, target):
    diff = np.subtract(target, output, dtype=float)
    per_sample = 0.5 * np.einsum("...j,...j->...", diff, diff)
    return float(np.mean(per_sample))

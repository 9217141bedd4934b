"""np.einsum: z = einsum("nk,jk->nj") (+ b), and the three gradients of the backward pass as
einsums over the sample index n.
The ``dense_backward`` solution cell is copied in JupyterLab (metadata and all).
"""

# %% gradient_shape
def gradient_shape():
    # dW = einsum("nj,nk->jk", dz, x): the sample index n is summed away, jk is left (5 neurons, 3 inputs)
    options = {"A": "nj", "B": "jk", "C": "kj", "D": "nk"}
    return next(letter for letter, indices in options.items() if indices == "jk")


# %% dense_forward
def dense_forward(x, W, b):
    z = np.einsum("nk,jk->nj", x, W)
    return z if b is None else z + b


# %% dense_backward
def dense_backward(dz, x, W):
    dx = np.einsum("nj,jk->nk", dz, W)
    dW = np.einsum("nj,nk->jk", dz, x)
    db = np.einsum("nj->j", dz)
    return dx, dW, db


# %% copy of solution_dense_backward


# %% two_layer_backward
def two_layer_backward(dz2, x, W1, z1, a1, W2):
    da1 = np.einsum("nj,jk->nk", dz2, W2)
    dz1 = np.einsum("nk,nk->nk", da1, a1 * (1 - a1))
    dW2, db2 = np.einsum("nj,nk->jk", dz2, a1), np.einsum("nj->j", dz2)
    dW1, db1 = np.einsum("nj,nk->jk", dz1, x), np.einsum("nj->j", dz1)
    return dW1, db1, dW2, db2

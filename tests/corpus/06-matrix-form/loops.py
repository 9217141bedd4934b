"""Loops: the layer computed sample by sample and neuron by neuron (bias first, then the
products), the backward pass as three nested loops that accumulate dx, dW and db.
``dense_forward`` answers with a list of lists, which the exercise allows.
"""

# %% gradient_shape
def gradient_shape():
    n_in, n_out = 3, 5
    shapes = [(8, 5), (5, 3), (3, 5), (8, 3)]
    return "ABCD"[shapes.index((n_out, n_in))]  # one dW[j][k] per neuron j and input k


# %% dense_forward
def dense_forward(x, W, b):
    z = []
    for sample in x:
        row = []
        for j, weights in enumerate(W):
            total = 0.0 if b is None else float(b[j])
            for w, v in zip(weights, sample):
                total += w * v
            row.append(total)
        z.append(row)
    return z


# %% dense_backward
def dense_backward(dz, x, W):
    N, n_out = np.shape(dz)
    n_in = np.shape(x)[1]
    dx, dW, db = np.zeros((N, n_in)), np.zeros((n_out, n_in)), np.zeros(n_out)
    for n in range(N):
        for j in range(n_out):
            db[j] += dz[n][j]
            for k in range(n_in):
                dx[n, k] += dz[n][j] * W[j][k]
                dW[j, k] += dz[n][j] * x[n][k]
    return dx, dW, db


# %% two_layer_backward
def two_layer_backward(dz2, x, W1, z1, a1, W2):
    da1, dW2, db2 = dense_backward(dz2, a1, W2)
    dz1 = np.zeros(np.shape(a1))
    for n in range(len(a1)):
        for j in range(len(a1[n])):
            slope = a1[n][j] * (1 - a1[n][j])  # sigma'(z) from the activation
            dz1[n, j] = da1[n][j] * slope
    _, dW1, db1 = dense_backward(dz1, x, W1)
    return dW1, db1, dW2, db2

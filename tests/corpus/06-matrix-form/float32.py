"""float32 intermediates: inputs cast to np.float32, ``np.matmul``/``np.dot`` and
``np.add.reduce``, answers in float32 (issue 9, item 4: lesson 06 lost half its points).
"""

# %% gradient_shape
def gradient_shape():
    return "b"  # the shape of W, lower case is fine


# %% dense_forward
def dense_forward(x, W, b):
    x32, W32 = np.asarray(x, dtype=np.float32), np.asarray(W, dtype=np.float32)
    z = np.matmul(x32, W32.T)
    if b is not None:
        z += np.asarray(b, dtype=np.float32)
    return z


# %% dense_backward
def dense_backward(dz, x, W):
    dz32, x32, W32 = (np.asarray(a, dtype=np.float32) for a in (dz, x, W))
    return np.dot(dz32, W32), np.dot(dz32.T, x32), np.add.reduce(dz32, axis=0)


# %% two_layer_backward
def two_layer_backward(dz2, x, W1, z1, a1, W2):
    a32 = np.asarray(a1, dtype=np.float32)
    da1, dW2, db2 = dense_backward(dz2, a32, W2)
    dz1 = np.multiply(da1, np.float32(1) - a32) * a32
    _, dW1, db1 = dense_backward(dz1, x, W1)
    return dW1, db1, dW2, db2

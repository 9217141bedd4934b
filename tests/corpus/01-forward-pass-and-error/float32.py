"""float32 throughout: inputs cast to np.float32, answers returned in float32.

Precision is not what lesson 01 teaches, so a correct float32 computation
(about 7 significant digits) must earn the points. The predicted error is a float32 too;
a choice is answered as "(A)".
"""

# %% linear_layer
def linear_layer(x, W):
    x32 = np.asarray(x, dtype=np.float32)
    W32 = np.asarray(W, dtype=np.float32)
    return np.dot(x32, W32.T)


# %% forward_linear
def forward_linear(x, W1, W2):
    hidden = np.matmul(np.float32(x), np.float32(W1).T)
    output = np.matmul(hidden, np.float32(W2).T)
    return hidden, output


# %% predicted_batch_error
def predicted_batch_error():
    misses = np.float32([[-1, 2], [0, -1], [0.5, 0]])  # output - target, row by row from the table
    return np.square(misses).sum() / np.float32(2 * 3)  # the ½ and the mean over 3 samples at once


# %% half_squared_error
def half_squared_error(output, target):
    y = np.asarray(output, dtype=np.float32)
    t = np.asarray(target, dtype=np.float32)
    n_samples = len(y) if y.ndim == 2 else 1
    return np.square(t - y).sum() / (2 * n_samples)


# %% w5_direction
def w5_direction():
    return "(A)"

"""A real notebook's leftovers: ``np.dot(W, x.T).T`` with a ``bias_or_zero`` helper in the
solution cell, the weight gradient as a sum of per-sample outer products, the answer as a
list ``[dx, dW, db]``, debug prints to stderr.
"""

# %% gradient_shape
def gradient_shape():
    answer = "(B)"  # same shape as W!!
    return answer


# %% dense_forward
import sys


def bias_or_zero(b):
    """My helper: a layer without bias adds 0."""
    return 0.0 if b is None else np.asarray(b, dtype=float)


def dense_forward(x, W, b):
    z = np.dot(np.asarray(W, dtype=float), np.asarray(x, dtype=float).T).T + bias_or_zero(b)
    print("dense_forward: z has shape", z.shape, file=sys.stderr)
    return z


# %% dense_backward
def dense_backward(dz, x, W):
    dz, x, W = np.asarray(dz, dtype=float), np.asarray(x, dtype=float), np.asarray(W, dtype=float)
    dW = sum(np.outer(dz_n, x_n) for dz_n, x_n in zip(dz, x))  # one outer product per sample
    db = sum(dz_n for dz_n in dz)
    dx = np.array([W.T @ dz_n for dz_n in dz])
    print("dW =", dW, file=sys.stderr)
    return [dx, dW, db]


# %% two_layer_backward
import sys


def sig(v):
    return 1 / (1 + np.exp(-v))


def two_layer_backward(dz2, x, W1, z1, a1, W2):
    out_grads = dense_backward(dz2, a1, W2)
    print("dA1 shape", np.shape(out_grads[0]), file=sys.stderr)
    # sigma'(z1) straight from z1 this time (same numbers as a1*(1-a1))
    dz1 = np.asarray(out_grads[0]) * sig(z1) * (1 - sig(z1))
    hidden_grads = dense_backward(dz1, x, W1)
    return [hidden_grads[1], hidden_grads[2], out_grads[1], out_grads[2]]

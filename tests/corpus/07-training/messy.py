"""A real notebook's leftovers: a ``squared_error`` helper in the solution cell, the update by
zipping the net's arrays with the gradients (``W -= ...`` on the net's own arrays, as the
exercise asks), progress printed to stderr every 1000 epochs, and a ``math.ceil`` count of batches
with a re-bound ``rng``.
"""

# %% train_online
import sys


def squared_error(y, t):
    """½ Σ (t − y)² of one sample (my helper)."""
    return 0.5 * float(np.sum((np.asarray(t) - np.asarray(y)) ** 2))


def train_online(net, X, T, learning_rate, epochs):
    history = np.zeros(epochs)
    for epoch in range(epochs):
        seen = []
        for x_n, y_n in zip(X, T):
            trace = net.forward(x_n)
            seen.append(squared_error(trace.output, y_n))
            grads = net.backward(trace, y_n)
            for W, b, gW, gb in zip(net.weights, net.biases, grads.weights, grads.biases):
                W -= learning_rate * gW
                b -= learning_rate * gb
        history[epoch] = np.mean(seen)
        if epoch % 1000 == 0:
            print(f"epoch {epoch}: loss {history[epoch]:.6f}", file=sys.stderr)
    return history


# %% minibatches
import math


def minibatches(X, T, batch_size, rng):
    n = X.shape[0]
    if rng is not None:
        rng = np.random.default_rng(rng)
        idx = rng.permutation(n)
    else:
        idx = np.arange(n)
    print(f"{math.ceil(n / batch_size)} batches of up to {batch_size}", file=sys.stderr)
    for k in range(math.ceil(n / batch_size)):
        take = idx[k * batch_size:(k + 1) * batch_size]
        yield X[take], T[take]


# %% updates_in_training
def updates_in_training():
    print("16 batches per epoch (15 full + 40 left over)", file=sys.stderr)
    return 3 * math.ceil(1000 / 64)


# %% train_minibatch
def train_minibatch(net, X, T, learning_rate, epochs, batch_size, seed):
    history = []
    for epoch in range(epochs):
        weighted, count = 0.0, 0
        for xb, yb in minibatches(X, T, batch_size, rng=seed + epoch):
            trace = net.forward(xb)
            weighted += squared_error(trace.output, yb)  # my helper sums the samples' errors
            count += len(xb)
            grads = net.backward(trace, yb)
            for W, b, gW, gb in zip(net.weights, net.biases, grads.weights, grads.biases):
                W -= learning_rate * gW
                b -= learning_rate * gb
        history.append(weighted / count)
        print(f"epoch {epoch}: {history[-1]:.5f}", file=sys.stderr)
    return history

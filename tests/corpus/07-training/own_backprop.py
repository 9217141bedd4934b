"""The student's own backward pass: a table of activations and their slopes (from the
output) defined in the solution cell, forward and backward with np.einsum, the net's weights
and biases updated in place with ``-=``. ``minibatches`` shuffles the rows once and returns a
list of (X_batch, T_batch) pairs instead of a generator, which the exercise allows.
"""

# %% train_online
ACTIVATIONS = {  # name: (f(z), f'(z) written with the output a = f(z))
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda a: a * (1 - a)),
    "tanh": (np.tanh, lambda a: 1 - a ** 2),
    "identity": (lambda z: z, lambda a: np.ones_like(a)),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(float)),
}


def layer_outputs(net, x):
    """The input and every layer's output for one sample."""
    outputs = [x]
    for W, b, name in zip(net.weights, net.biases, net.activations):
        outputs.append(ACTIVATIONS[name][0](np.einsum("jk,k->j", W, outputs[-1]) + b))
    return outputs


def train_online(net, X, T, learning_rate, epochs):
    losses = np.empty(epochs)
    for epoch in range(epochs):
        total = 0.0
        for x, t in zip(np.asarray(X, dtype=float), np.asarray(T, dtype=float)):
            a = layer_outputs(net, x)
            total += 0.5 * np.sum((t - a[-1]) ** 2)
            delta = (a[-1] - t) * ACTIVATIONS[net.activations[-1]][1](a[-1])
            for l in reversed(range(len(net.weights))):
                grad_W = np.einsum("j,k->jk", delta, a[l])
                if l > 0:  # with the weights before this update
                    below = np.einsum("jk,j->k", net.weights[l], delta) * ACTIVATIONS[net.activations[l - 1]][1](a[l])
                net.weights[l] -= learning_rate * grad_W
                net.biases[l] -= learning_rate * delta
                if l > 0:
                    delta = below
        losses[epoch] = total / len(X)
    return losses


# %% minibatches
def minibatches(X, T, batch_size, rng):
    order = np.arange(len(X)) if rng is None else np.random.default_rng(rng).permutation(len(X))
    X_shuffled, T_shuffled = X[order], T[order]
    return [(X_shuffled[i:i + batch_size], T_shuffled[i:i + batch_size]) for i in range(0, len(X), batch_size)]


# %% updates_in_training
def updates_in_training():
    return 3 * 16  # 3 epochs x 16 batches (the 16th holds the 40 leftover samples)


# %% train_minibatch
def train_minibatch(net, X, T, learning_rate, epochs, batch_size, seed):
    losses = np.empty(epochs)
    for epoch in range(epochs):
        total = 0.0
        for X_b, T_b in minibatches(np.asarray(X, dtype=float), np.asarray(T, dtype=float), batch_size, seed + epoch):
            a = [X_b]  # every layer's output for the whole batch, one row per sample
            for W, b, name in zip(net.weights, net.biases, net.activations):
                a.append(ACTIVATIONS[name][0](np.einsum("jk,nk->nj", W, a[-1]) + b))
            total += 0.5 * np.sum((T_b - a[-1]) ** 2)
            dz = (a[-1] - T_b) * ACTIVATIONS[net.activations[-1]][1](a[-1]) / len(X_b)  # the batch's mean
            for l in reversed(range(len(net.weights))):
                grad_W, grad_b = np.einsum("nj,nk->jk", dz, a[l]), np.einsum("nj->j", dz)
                if l > 0:  # with the weights before this update
                    below = np.einsum("nj,jk->nk", dz, net.weights[l]) * ACTIVATIONS[net.activations[l - 1]][1](a[l])
                net.weights[l] -= learning_rate * grad_W
                net.biases[l] -= learning_rate * grad_b
                if l > 0:
                    dz = below
        losses[epoch] = total / len(X)
    return losses

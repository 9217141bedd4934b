"""Small helper functions in the solution cells (a softmax, a forward pass that keeps a cache, a loss),
the softmax computed first and its logarithm taken afterwards, the backward pass as a while loop over
a list of caches, central differences that nudge the copies with np.nditer, and the course's
minibatches used for the batches; the answer to the question computed with math.log.
"""

# %% predicted_initial_loss
def predicted_initial_loss():
    import math
    return math.log(10)


# %% softmax_cross_entropy
def stable_softmax(Z):
    e = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def softmax_cross_entropy(Z, T):
    P = stable_softmax(np.asarray(Z, dtype=float))
    N = len(P)
    picked = P[T.astype(bool)]                             # the probability of each sample's right class
    return float(-np.log(picked).sum() / N), (P - T) / N


# %% network_gradients
def forward_with_cache(weights, biases, hidden, X):
    cache, a = [], X
    for W, b in zip(weights, biases):
        z = np.dot(a, W.T) + b
        cache.append((a, z))
        a = np.tanh(z) if hidden == "tanh" else z * (z > 0)
    return cache


def network_gradients(weights, biases, hidden, X, T):
    cache = forward_with_cache(weights, biases, hidden, np.asarray(X, dtype=float))
    loss, dz = softmax_cross_entropy(cache[-1][1], T)
    L = len(weights)
    dWs, dbs = [None] * L, [None] * L
    l = L - 1
    while l >= 0:
        a_in, _ = cache[l]
        dWs[l] = np.dot(dz.T, a_in)
        dbs[l] = np.sum(dz, axis=0)
        if l:
            z_below = cache[l - 1][1]
            da = np.dot(dz, weights[l])
            dz = da * (1 - np.tanh(z_below) ** 2) if hidden == "tanh" else da * (z_below > 0)
        l -= 1
    return loss, dWs, dbs


# %% numerical_gradients
def numerical_gradients(weights, biases, hidden, X, T, h=1e-5):
    def loss(Ws, bs):
        a = np.asarray(X, dtype=float)
        for k in range(len(Ws)):
            z = a @ Ws[k].T + bs[k]
            a = (np.tanh(z) if hidden == "tanh" else np.maximum(z, 0.0)) if k < len(Ws) - 1 else z
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return float(-(T * np.log(np.maximum(e / e.sum(axis=-1, keepdims=True), 1e-300))).sum() / a.shape[0])

    Ws, bs = [W.copy().astype(float) for W in weights], [b.copy().astype(float) for b in biases]
    out = ([], [])
    for params, grads in zip((Ws, bs), out):
        for p in params:
            g = np.empty_like(p)
            it = np.nditer(p, flags=["multi_index"])
            for _ in it:
                i = it.multi_index
                saved = p[i]
                p[i] = saved + h
                f_plus = loss(Ws, bs)
                p[i] = saved - h
                f_minus = loss(Ws, bs)
                p[i] = saved
                g[i] = (f_plus - f_minus) / (2 * h)
            grads.append(g)
    return out


# %% train
def train(weights, biases, hidden, X, T, learning_rate, epochs, batch_size, seed, gradients):
    losses = np.empty(epochs)
    for k in range(epochs):
        for xb, tb in minibatches(X, T, batch_size, rng=seed + k):
            loss_b, gW, gb = gradients(weights, biases, hidden, xb, tb)
            for l in range(len(weights)):
                weights[l] -= learning_rate * gW[l]
                biases[l] -= learning_rate * gb[l]
        losses[k] = gradients(weights, biases, hidden, X, T)[0]
    return losses

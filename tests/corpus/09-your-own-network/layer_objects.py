"""A small Layer class per layer (forward keeps its input and net input, backward returns the
gradients and the delta below), the cross-entropy written with np.take_along_axis on the labels, all
parameters nudged through one list of (array, index) pairs, and training that shuffles with
default_rng(seed + epoch).permutation and slices the permuted arrays; the answer written as -log(0.1).
"""

# %% predicted_initial_loss
def predicted_initial_loss():
    return -np.log(0.1)


# %% softmax_cross_entropy
def softmax_cross_entropy(Z, T):
    Z = np.array(Z, dtype=float)
    Z -= Z.max(axis=1, keepdims=True)                      # a copy, shifted: the caller's Z stays as it was
    log_norm = np.log(np.exp(Z).sum(axis=1, keepdims=True))
    labels = np.argmax(T, axis=1)[:, None]
    log_p_right = np.take_along_axis(Z - log_norm, labels, axis=1)
    N = Z.shape[0]
    return -log_p_right.sum() / N, (np.exp(Z - log_norm) - T) / N


# %% network_gradients
class Layer:
    def __init__(self, W, b, activation):
        self.W, self.b, self.activation = W, b, activation

    def forward(self, a_in):
        self.a_in, self.z = a_in, a_in @ self.W.T + self.b
        if self.activation == "tanh":
            self.a = np.tanh(self.z)
        elif self.activation == "relu":
            self.a = np.maximum(self.z, 0.0)
        else:
            self.a = self.z                                # the softmax comes with the loss
        return self.a

    def slope(self):
        return 1.0 - self.a ** 2 if self.activation == "tanh" else (self.z > 0).astype(float)

    def backward(self, dz):
        return dz.T @ self.a_in, dz.sum(axis=0), dz @ self.W


def network_gradients(weights, biases, hidden, X, T):
    layers = [Layer(W, b, hidden if l < len(weights) - 1 else "softmax")
              for l, (W, b) in enumerate(zip(weights, biases))]
    a = np.asarray(X, dtype=float)
    for layer in layers:
        a = layer.forward(a)
    loss, dz = softmax_cross_entropy(a, T)
    dW, db = [], []
    for k, layer in enumerate(reversed(layers)):
        gW, gb, da = layer.backward(dz)
        dW.append(gW)
        db.append(gb)
        if k < len(layers) - 1:
            dz = da * layers[len(layers) - 2 - k].slope()
    return loss, dW[::-1], db[::-1]


# %% numerical_gradients
def numerical_gradients(weights, biases, hidden, X, T, h=1e-5):
    Ws = [np.array(W, dtype=float) for W in weights]
    bs = [np.array(b, dtype=float) for b in biases]

    def loss():
        a = np.asarray(X, dtype=float)
        for l in range(len(Ws)):
            z = a @ Ws[l].T + bs[l]
            if l < len(Ws) - 1:
                a = np.tanh(z) if hidden == "tanh" else np.maximum(z, 0.0)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return float(-(T * np.log(np.maximum(e / e.sum(axis=-1, keepdims=True), 1e-300))).sum() / z.shape[0])

    gWs, gbs = [np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs]
    places = [(p, g, i) for p, g in zip(Ws + bs, gWs + gbs) for i in np.ndindex(p.shape)]
    for p, g, i in places:
        old = p[i]
        p[i] = old + h
        e_plus = loss()
        p[i] = old - h
        e_minus = loss()
        p[i] = old
        g[i] = (e_plus - e_minus) / (2 * h)
    return gWs, gbs


# %% train
def train(weights, biases, hidden, X, T, learning_rate, epochs, batch_size, seed, gradients):
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        order = np.random.default_rng(seed + epoch).permutation(X.shape[0])
        Xs, Ts = X[order], T[order]
        for start in range(0, len(Xs), batch_size):
            _, gW, gb = gradients(weights, biases, hidden, Xs[start:start + batch_size],
                                          Ts[start:start + batch_size])
            for l, (dW, db) in enumerate(zip(gW, gb)):
                weights[l] -= learning_rate * dW
                biases[l] -= learning_rate * db
        losses[epoch] = gradients(weights, biases, hidden, X, T)[0]
    return losses

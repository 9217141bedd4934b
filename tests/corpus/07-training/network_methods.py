"""The Network's own methods: the loss recorded with ``net.loss`` before each update, the
update by ``net.step(net.backward(...))``; the losses returned as a Python list, which the
exercise allows. Batches by ``np.split`` of the (shuffled) row order at multiples of B.
The ``minibatches`` solution cell is copied in JupyterLab (metadata and all).
"""

# %% train_online
def train_online(net, X, T, learning_rate, epochs):
    losses = []
    for epoch in range(epochs):
        epoch_losses = []
        for n in range(len(X)):
            epoch_losses.append(net.loss(X[n], T[n]))  # before this sample's update
            net.step(net.backward(net.forward(X[n]), T[n]), learning_rate=learning_rate)
        losses.append(sum(epoch_losses) / len(epoch_losses))
    return losses


# %% minibatches
def minibatches(X, T, batch_size, rng):
    N = len(X)
    order = np.arange(N) if rng is None else np.random.default_rng(rng).permutation(N)
    for rows in np.split(order, range(batch_size, N, batch_size)):
        yield X[rows], T[rows]


# %% updates_in_training
def updates_in_training():
    N, B, epochs = 1000, 64, 3
    return epochs * len(np.split(np.arange(N), range(B, N, B)))


# %% copy of solution_minibatches


# %% train_minibatch
def train_minibatch(net, X, T, learning_rate, epochs, batch_size, seed):
    losses = []
    for epoch in range(epochs):
        batches = list(minibatches(X, T, batch_size, seed + epoch))
        sizes = [len(xb) for xb, _ in batches]
        batch_losses = []
        for xb, yb in batches:
            batch_losses.append(net.loss(xb, yb))  # the batch's mean, before its update
            net.step(net.backward(net.forward(xb), yb), learning_rate=learning_rate)
        losses.append(float(np.average(batch_losses, weights=sizes)))
    return losses

"""Plain Python loops and the `math` module: forward and backward neuron by neuron with
`math.exp`/`math.tanh`, each weight of ``net`` updated in place entry by entry; batches built
from explicit lists of row indices in a while loop.
"""

# %% train_online
import math

FUNCTIONS = {"sigmoid": lambda v: 1.0 / (1.0 + math.exp(-v)), "tanh": math.tanh, "identity": lambda v: v,
             "relu": lambda v: max(v, 0.0)}
SLOPES = {"sigmoid": lambda a: a * (1.0 - a), "tanh": lambda a: 1.0 - a * a, "identity": lambda a: 1.0,
          "relu": lambda a: 1.0 if a > 0 else 0.0}


def train_online(net, X, T, learning_rate, epochs):
    L = len(net.weights)
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for x, y in zip(X, T):
            outs = [[float(v) for v in x]]
            for l in range(L):
                W, b, f = net.weights[l], net.biases[l], FUNCTIONS[net.activations[l]]
                outs.append([f(sum(W[j, k] * outs[l][k] for k in range(len(outs[l]))) + b[j]) for j in range(len(b))])
            total += 0.5 * sum((float(t) - a) ** 2 for t, a in zip(y, outs[L]))
            slope = SLOPES[net.activations[L - 1]]
            delta = [(a - float(t)) * slope(a) for a, t in zip(outs[L], y)]
            for l in range(L - 1, -1, -1):
                W = net.weights[l]
                if l > 0:  # the error sent back, with the weights before this update
                    slope = SLOPES[net.activations[l - 1]]
                    below = [slope(outs[l][k]) * sum(W[j, k] * delta[j] for j in range(len(delta)))
                             for k in range(len(outs[l]))]
                for j in range(len(delta)):
                    for k in range(len(outs[l])):
                        W[j, k] -= learning_rate * delta[j] * outs[l][k]
                    net.biases[l][j] -= learning_rate * delta[j]
                if l > 0:
                    delta = below
        losses.append(total / len(X))
    return np.array(losses)


# %% minibatches
def minibatches(X, T, batch_size, rng):
    N = len(X)
    order = list(range(N)) if rng is None else list(np.random.default_rng(rng).permutation(N))
    start = 0
    while start < N:
        rows = order[start:start + batch_size]
        yield np.array([X[i] for i in rows]), np.array([T[i] for i in rows])
        start += batch_size


# %% updates_in_training
def updates_in_training():
    updates = 0
    for epoch in range(3):
        start = 0
        while start < 1000:  # one update per batch, the last one smaller
            updates += 1
            start += 64
    return updates


# %% train_minibatch
def train_minibatch(net, X, T, learning_rate, epochs, batch_size, seed):
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for X_batch, T_batch in minibatches(X, T, batch_size, seed + epoch):
            out = net.forward(X_batch).output
            for row, target in zip(out, T_batch):
                total += 0.5 * math.fsum((float(t) - float(o)) ** 2 for o, t in zip(row, target))
            grads = net.backward(net.forward(X_batch), T_batch)
            for l in range(len(net.weights)):
                net.weights[l] -= learning_rate * grads.weights[l]
                net.biases[l] -= learning_rate * grads.biases[l]
        losses.append(total / len(X))
    return np.array(losses)

"""np.einsum and the lesson's imported ``sigmoid``/``sigmoid_prime``: every matrix-vector
product and outer product named by its indices; the step does its own forward pass.
"""

# %% hidden_delta
def hidden_delta(z, W_next, delta_next):
    back = np.einsum("jk,j->k", W_next, delta_next)
    return sigmoid_prime(z) * back


# %% predicted_dE_dw3
def predicted_dE_dw3():
    return 0.009954255 * 0.05


# %% update_order_option
def update_order_option():
    return "ABC"[1]


# %% backprop_step
def backprop_step(W1, b1, W2, b2, x, target, learning_rate):
    a1 = sigmoid(np.einsum("ki,i->k", W1, x) + b1)
    a2 = sigmoid(np.einsum("jk,k->j", W2, a1) + b2)
    d2 = (a2 - target) * a2 * (1 - a2)
    d1 = np.einsum("jk,j->k", W2, d2) * a1 * (1 - a1)
    return (W1 - learning_rate * np.einsum("k,i->ki", d1, x),
            W2 - learning_rate * np.einsum("j,k->jk", d2, a1))

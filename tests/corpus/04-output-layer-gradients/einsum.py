"""The lesson's own building blocks and np.einsum: the delta from the imported ``sigmoid`` and
``sigmoid_prime``, the outer product as ``einsum("j,k->jk")``.
"""

# %% output_delta
def output_delta(z, target):
    return (sigmoid(z) - np.asarray(target, dtype=float)) * sigmoid_prime(z)


# %% predicted_dE_dw7
def predicted_dE_dw7():
    return -0.0381 * 0.593   # δ_o2 · a_h1, from the printed values


# %% output_weight_gradient
def output_weight_gradient(delta, a_prev):
    return np.einsum("j,k->jk", delta, a_prev)


# %% update_output_weights
def update_output_weights(W, delta, a_prev, learning_rate):
    return W - learning_rate * np.einsum("j,k->jk", delta, a_prev)

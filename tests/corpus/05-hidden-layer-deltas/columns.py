"""Column vectors, as in Mazur's worked example: every vector reshaped to (n, 1), ``W @ a``,
gradients as ``delta @ a.T``; the step reuses the student's own ``hidden_delta``.
The ``backprop_step`` solution cell is copied in JupyterLab (metadata and all).
"""

# %% hidden_delta
def hidden_delta(z, W_next, delta_next):
    z_col = np.reshape(z, (-1, 1))
    d_col = np.reshape(delta_next, (-1, 1))
    s = sigmoid(z_col)
    return (np.transpose(W_next) @ d_col * s * (1 - s)).ravel()


# %% predicted_dE_dw3
def predicted_dE_dw3():
    return 0.05 * 0.009954


# %% update_order_option
def update_order_option():
    return "b"


# %% backprop_step
def backprop_step(W1, b1, W2, b2, x, target, learning_rate):
    x_col, t_col = np.reshape(x, (-1, 1)), np.reshape(target, (-1, 1))
    z1 = W1 @ x_col + np.reshape(b1, (-1, 1))
    a1 = sigmoid(z1)
    a2 = sigmoid(W2 @ a1 + np.reshape(b2, (-1, 1)))
    d2 = (a2 - t_col) * a2 * (1 - a2)
    d1 = np.reshape(hidden_delta(z1, W2, d2), (-1, 1))
    return W1 - learning_rate * d1 @ x_col.T, W2 - learning_rate * d2 @ a1.T


# %% copy of solution_backprop_step

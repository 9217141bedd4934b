"""Python lists: inputs turned into lists, list comprehensions over floats, ``output_delta``
answering with (nested) lists, which the exercise allows; the gradient and the new weights go
back into arrays because the lesson indexes them as ``grad[j, k]``.
Both the ``update_output_weights`` solution cell and its public test cell are copied in
JupyterLab, metadata and all (issue 9, item 1: lesson 04 scored 0/7 that way).
"""

# %% output_delta
def output_delta(z, target):
    def one_row(zs, ts):
        out = []
        for z_j, t_j in zip(zs, ts):
            a = 1 / (1 + np.exp(-z_j))
            out.append(float((a - t_j) * a * (1 - a)))
        return out

    z, target = np.asarray(z).tolist(), np.asarray(target).tolist()
    if np.ndim(z) == 2:
        return [one_row(zs, ts) for zs, ts in zip(z, target)]
    return one_row(z, target)


# %% predicted_dE_dw7
def predicted_dE_dw7():
    return round(-0.0380982 * 0.5932700, 4)


# %% output_weight_gradient
def output_weight_gradient(delta, a_prev):
    rows = [[float(d) * float(a) for a in a_prev] for d in delta]
    return np.array(rows)


# %% update_output_weights
def update_output_weights(W, delta, a_prev, learning_rate):
    grad = output_weight_gradient(delta, a_prev).tolist()
    new = [[w - learning_rate * g for w, g in zip(W_row, g_row)] for W_row, g_row in zip(np.asarray(W).tolist(), grad)]
    return np.array(new)


# %% copy of solution_update_output_weights

# %% copy of public_test_update_output_weights

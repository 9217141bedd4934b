"""The common stable sigmoid of issue 9, item 3, exactly as students write it:
``np.where(z >= 0, 1/(1+np.exp(-z)), np.exp(z)/(1+np.exp(z)))``. Both branches are
computed, so numpy overflows inside the branch ``np.where`` throws away, but every value
returned is right and finite. The slope is ``s - s*s``; the central difference a dot product.
The predicted slope is computed from the network's numbers with the variant's own sigmoid;
g' from g's own value, 2 s (1 - s) with s = sigmoid(2w).
"""

# %% central_difference
def central_difference(f, x, h=1e-5):
    return float(np.dot([1.0, -1.0], [f(x + h), f(x - h)]) / (2 * h))


# %% sigmoid
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


# %% sigmoid_prime
def sigmoid_prime(z):
    s = sigmoid(z)
    return s - s * s


# %% g_prime
def g_prime(w):
    s = sigmoid(np.multiply(2, w))  # g itself, then its slope from it: d/dw sigma(2w) = 2 s (1 - s)
    return 2 * (s - s * s)


# %% predicted_dE_dw6
def predicted_dE_dw6():
    a_o1 = sigmoid(1.105905967)  # output neuron o1 at its net input (section 4)
    a_h2 = sigmoid(0.25 * 0.05 + 0.30 * 0.10 + 0.35)  # hidden neuron h2: w3 x1 + w4 x2 + its bias
    return float((a_o1 - 0.01) * (a_o1 - a_o1 * a_o1) * a_h2)

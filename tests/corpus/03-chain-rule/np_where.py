"""The common stable sigmoid of issue 9, item 3, exactly as students write it:
``np.where(z >= 0, 1/(1+np.exp(-z)), np.exp(z)/(1+np.exp(z)))``. Both branches are
computed, so numpy overflows inside the branch ``np.where`` throws away, but every value
returned is right and finite. The slope is ``s - s*s``; the central difference a dot product.
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

"""float32 for the sigmoid and its slope (stable: exp of -|z| only), with sigma'(z) written as
sigma(z) * sigma(-z); the central difference stays float64 (its precision is the lesson)
and is written as 0.5 * (f(x+h) - f(x-h)) / h. The predicted slope uses the variant's own
float32 sigma' and sigmoid for two of its links. g' is 2 sigma'(2w) in float32, with its own sigma'.
"""

# %% central_difference
def central_difference(f, x, h=1e-5):
    return 0.5 * (f(x + h) - f(x - h)) / h


# %% sigmoid
def sigmoid(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(-np.abs(z))  # in (0, 1]: no overflow
    s = 1 / (1 + e)
    return np.where(z >= 0, s, e * s)


# %% sigmoid_prime
def sigmoid_prime(z):
    z = np.asarray(z, dtype=np.float32)
    return sigmoid(z) * sigmoid(-z)  # 1 - sigma(z) = sigma(-z)


# %% g_prime
def g_prime(w):
    u = np.float32(2) * np.asarray(w, dtype=np.float32)  # inner link, slope 2
    return np.float32(2) * sigmoid_prime(u)


# %% predicted_dE_dw6
def predicted_dE_dw6():
    # dE/da_o1 as printed in section 4; sigma'(z_o1) and a_h2 = sigma(z_h2) by my own float32 functions
    # (z_h2 = 0.3925 in the drawing)
    return np.float32(0.74136507) * sigmoid_prime(1.105905967) * sigmoid(0.3925)

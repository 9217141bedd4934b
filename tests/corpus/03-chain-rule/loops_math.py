"""Loops and the `math` module: the two nudges added up in a loop over the signs, and the
sigmoid and its slope computed number by number with `math.exp`, choosing the branch that
cannot overflow. The ``sigmoid_prime`` solution cell is copied in JupyterLab (metadata and all).
The predicted slope and g' multiply the chain's links in a loop.
"""

# %% central_difference
def central_difference(f, x, h=1e-5):
    slope = 0.0
    for sign in (+1, -1):
        slope += sign * f(x + sign * h)
    return slope / (2 * h)


# %% sigmoid
import math


def _sigma(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)  # v < 0: e is below 1, no overflow
    return e / (1.0 + e)


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.array([_sigma(v) for v in z.ravel()]).reshape(z.shape)


# %% sigmoid_prime
def sigmoid_prime(z):
    z = np.asarray(z, dtype=float)
    slopes = []
    for v in z.ravel():
        e = math.exp(-abs(v))  # sigma'(z) = e^-|z| / (1 + e^-|z|)^2, symmetric in z
        slopes.append(e / (1.0 + e) ** 2)
    return np.array(slopes).reshape(z.shape)


# %% copy of solution_sigmoid_prime


# %% g_prime
def g_prime(w):
    w = np.asarray(w, dtype=float)
    slopes = []
    for v in w.ravel():
        link_slopes = [2.0, sigmoid_prime(np.array(2.0 * v)).item()]  # u = 2w, then sigma(u) at u
        product = 1.0
        for slope in link_slopes:
            product *= slope
        slopes.append(product)
    return np.array(slopes).reshape(w.shape)


# %% predicted_dE_dw6
def predicted_dE_dw6():
    # w6's chain: the first two links are w5's; the last is a_h2, the activation w6 carries
    links = [0.74136507, 0.186815602, 0.596884378]  # dE/da_o1, sigma'(z_o1), dz_o1/dw6
    slope = 1.0
    for link in links:
        slope *= link
    return slope

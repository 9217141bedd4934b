"""A real notebook's leftovers: a helper in the solution cell, debug prints to stderr, a
sigmoid made safe by clipping z to [-500, 500] (exp(500) is finite), sigma' through tanh
(sigma'(z) = (1 - tanh(z/2)^2) / 4). The predicted slope uses a_h2 read off the drawing
to 4 digits, and prints its links. g' has a helper g beside it and prints to stderr.
"""

# %% central_difference
import sys


def nudged_values(f, x, h):
    """My helper: f just right and just left of x."""
    return f(x + h), f(x - h)


def central_difference(f, x, h=1e-5):
    right, left = nudged_values(f, x, h)
    print(f"f(x+h)={right!r} f(x-h)={left!r}", file=sys.stderr)
    return (right - left) / (h + h)


# %% sigmoid
def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=float), -500, 500)  # exp(500) ~ 1e217 still fits a float
    print("sigmoid: z from", z.min(), "to", z.max(), file=sys.stderr)
    return 1 / (1 + np.exp(-z))


# %% sigmoid_prime
def sigmoid_prime(z):
    t = np.tanh(np.asarray(z, dtype=float) / 2)
    return 0.25 * (1 - t ** 2)


# %% g_prime
def g(v):
    """My helper: g itself, to compare by eye."""
    return sigmoid(2 * v)


def g_prime(w):
    inner = 2 * np.asarray(w, dtype=float)
    outer_slope = sigmoid_prime(inner)
    print("g(w) =", g(np.asarray(w, dtype=float)), "slopes:", outer_slope, "x 2", file=sys.stderr)
    return 2 * outer_slope


# %% predicted_dE_dw6
def predicted_dE_dw6():
    dE_da, da_dz = 0.74136507, 0.186815602  # printed in section 4: the same for w5 and w6
    a_h2 = 0.5969  # from the drawing
    print("links:", dE_da, da_dz, a_h2, file=sys.stderr)
    return dE_da * da_dz * a_h2

"""Nudging the caller's own W in place and putting every entry back (in a ``finally``), as
the docstring allows ("Must be unchanged afterwards"); indices from ``itertools.product``.
The layer test multiplies the inequality out (|a - n| > tolerance * max(|a| + |n|, 1e-8))
in a while loop.
"""

# %% float32_check_remedy
def float32_check_remedy():
    return "c"  # lower case is fine


# %% predicted_missing_mean_error
def predicted_missing_mean_error():
    return round(0.6, 3)  # three digits are enough


# %% numerical_gradient
import itertools


def numerical_gradient(f, W, h=1e-5):
    grad = np.zeros(np.shape(W))
    for index in itertools.product(*(range(n) for n in np.shape(W))):
        original = W[index]
        try:
            W[index] = original + h
            f_plus = f(W)
            W[index] = original - h
            f_minus = f(W)
        finally:
            W[index] = original  # W must be unchanged afterwards
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


# %% first_disagreeing_layer
def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    layer = 0
    while layer < len(analytic):
        (aW, ab), (nW, nb) = analytic[layer], numeric[layer]
        for a, n in ((np.asarray(aW), np.asarray(nW)), (np.asarray(ab), np.asarray(nb))):
            if np.any(np.abs(a - n) > tolerance * np.maximum(np.abs(a) + np.abs(n), 1e-8)):
                return layer
        layer += 1
    return None

"""A real notebook's leftovers: a ``relative_error`` helper in the solution cell, layers
counted from 1 in a debug print to stderr (and turned back into a 0-based index), and the
gradient kept in a dict of index -> slope first.
"""

# %% float32_check_remedy
def float32_check_remedy():
    answer = 'C'  # float64!
    return answer


# %% predicted_missing_mean_error
def predicted_missing_mean_error():
    return 0.6000001


# %% numerical_gradient
import sys


def numerical_gradient(f, W, h=1e-5):
    W = np.array(W, dtype=float)
    slopes = {}
    for index in np.ndindex(*W.shape):
        plus, minus = W.copy(), W.copy()
        plus[index] += h
        minus[index] -= h
        slopes[index] = (f(plus) - f(minus)) / (2 * h)
    print(f"numerical_gradient: {len(slopes)} entries, h={h}", file=sys.stderr)
    grad = np.zeros_like(W)
    for index, slope in slopes.items():
        grad[index] = slope
    return grad


# %% first_disagreeing_layer
def relative_error(a, n):
    """max_i |a_i - n_i| / max(|a_i| + |n_i|, 1e-8) (my helper)"""
    a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
    return np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8))


def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    for number, ((aW, ab), (nW, nb)) in enumerate(zip(analytic, numeric), start=1):
        error = max(relative_error(aW, nW), relative_error(ab, nb))
        print(f"layer {number}: relative error {error:.2e}", file=sys.stderr)
        if error > tolerance:
            return number - 1  # layers are numbered from 0 in the answer
    return None

"""Loops: the gradient built entry by entry as nested lists, the step taken weight by weight,
the path kept as a list of lists of floats.

``linear_output_gradient`` answers with a list of lists, which the exercise allows. The
learning-rate limit adds up a2 input by input; the choice is found by a loop over the options.
"""

# %% linear_output_gradient
def linear_output_gradient(hidden, output, target):
    # dE/dW2[j][k] = (y_j - t_j) * h_k, one entry at a time
    grad = []
    for y_j, t_j in zip(np.ravel(output), np.ravel(target)):
        grad.append([(y_j - t_j) * h_k for h_k in np.ravel(hidden)])
    return grad


# %% gradient_step
def gradient_step(w, gradient, learning_rate):
    if np.ndim(w) == 0:  # one weight
        return float(w) - learning_rate * float(gradient)
    w_new = np.array(w, dtype=float)  # my own copy
    g = np.asarray(gradient, dtype=float)
    for index in np.ndindex(w_new.shape):
        w_new[index] = w_new[index] - learning_rate * g[index]
    return w_new


# %% gradient_descent
def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    path = [[float(v) for v in w_start]]
    for step in range(n_steps):
        slope = np.ravel(grad_fn(np.array(path[-1])))
        path.append([w_i - learning_rate * s_i for w_i, s_i in zip(path[-1], slope)])
    return np.array(path)


# %% w6_learning_rate_limit
def w6_learning_rate_limit():
    a2 = 0.0
    for w, x in zip([0.12, 0.08], [2.0, 3.0]):  # h2's weights times the inputs
        a2 += w * x
    # only w6 learns: one step moves the output by α·delta·a2·a2, so c = a2² and the limit is 2/c
    return 2 / (a2 * a2)


# %% error_grows_diagnosis
def error_grows_diagnosis():
    causes = {"A": "alpha too large", "B": "alpha too small", "C": "the update goes uphill"}
    for letter, cause in causes.items():
        if "uphill" in cause:  # α = 0.001 is far below 2/c: only a wrong sign makes E grow at once
            return letter

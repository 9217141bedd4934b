# %% [markdown]
# # Lesson 02 · Gradient descent
#
# In lesson 01 the network predicted 0.191 for a target of 1, and we saw that only the weights can
# change that. This lesson answers *how* to change them: follow the slope of the error downhill.
#
# **After this lesson you will be able to**
#
# - read a slope $\partial E / \partial w$ as "how much the error changes when $w$ moves a little";
# - apply the update rule $w \leftarrow w - \alpha\, \partial E / \partial w$ and explain its minus sign;
# - choose a learning rate $\alpha$, and recognise one that is too small or too large;
# - take one full step of gradient descent on the network of lesson 01 and watch the prediction improve.

# %%
import numpy as np
from backprop_core import examples
from backprop_core.viz import plots, widgets
from backprop_core.grading import call_on_copies, public_test, yours_or_reference

net, x, target = examples.step_by_step()   # the network of lesson 01
trace = net.forward(x)
hidden, output = trace.activations          # (0.85, 0.48) and (0.191,)
print("hidden =", hidden, "  prediction =", output, "  error E =", round(net.loss(x, target), 7))

# %% [markdown]
# ## 1 · Which way is downhill?
#
# Freeze every weight except $w_5$ and let it vary. The error becomes a function of that one number,
# $E(w_5)$. Here it is, with a dot where the network is now:

# %%
w5_values = np.linspace(-0.5, 1.5, 201)
w5_now = net.weights[1][0, 0]
curve = plots.error_curve(w5_values, plots.loss_along(net, x, target, "w5", w5_values),
                          path=[[w5_now, net.loss(x, target)]], weight_label="w_5")
curve

# %% [markdown]
# The bottom of the valley lies to the right of the dot, so $w_5$ should grow. A computer cannot look
# at a picture, but it can measure the **slope** at the dot: move $w_5$ by a tiny $h$ and see how much
# $E$ changes,
#
# $$\frac{\partial E}{\partial w_5} \approx \frac{E(w_5 + h) - E(w_5)}{h} .$$
#
# (The curly $\partial$ says "the slope along $w_5$, all other weights held still": a *partial* derivative.)

# %%
h = 1e-6
nudged = net.copy()
nudged.weights[1][0, 0] += h
slope = (nudged.loss(x, target) - net.loss(x, target)) / h
print(f"measured slope ∂E/∂w5 ≈ {slope:.5f}")

# %% [markdown]
# The slope is negative: raising $w_5$ lowers $E$. A positive slope would mean the opposite. Either
# way, **the downhill direction is the opposite of the slope's sign**.
#
# ## 2 · The slope, worked out exactly
#
# We do not need to measure. The output is $y = w_5 h_1 + w_6 h_2$ and the error is
# $E = \tfrac12 (y - t)^2$. Lesson 01 showed $dE/dy = y - t$; and when $w_5$ grows by one unit,
# $y$ grows by $h_1$. So the two effects multiply:
#
# $$\frac{\partial E}{\partial w_5} = (y - t)\, h_1, \qquad \frac{\partial E}{\partial w_6} = (y - t)\, h_2 .$$
#
# (Multiplying such rates is the *chain rule*; lesson 03 is all about it.) Call $\Delta = y - t$ the
# error signal at the output. With several outputs, weight $w_{jk}$ from hidden neuron $k$ into output $j$
# gets $\Delta_j h_k$: all the slopes of the output layer form the **outer product**
# $\partial E/\partial W_2 = \Delta\, h^\top$, a matrix shaped like $W_2$.

# %%
Delta = output - target
print("Δ = y − t =", Delta)
print(f"∂E/∂w5 = Δ·h1 = {Delta[0] * hidden[0]:.5f}    ∂E/∂w6 = Δ·h2 = {Delta[0] * hidden[1]:.5f}")


# %% [markdown]
# You should see $\Delta = -0.809$ and $\partial E/\partial w_5 = -0.68765$, the number we measured above.
#
# ### Exercise `linear_output_gradient`
#
# Write $\partial E / \partial W_2 = (y - t)\, h^\top$ for one sample. Mind the order: the result has
# the shape of $W_2$, `(n_out, n_hidden)`.

# %% solution
def linear_output_gradient(hidden, output, target):
    """Slopes of E = ½ Σ (t − y)² with respect to the weights of a linear output layer.

    The output layer computes y = W2 h, so ∂E/∂W2[j, k] = (y_j − t_j) · h_k.
    Return a new array; do not change `hidden`, `output` or `target`.

    Parameters
    ----------
    hidden : ndarray, shape (n_hidden,)
        The hidden layer's values h (the output layer's input).
    output : ndarray, shape (n_out,)
        The prediction y.
    target : ndarray, shape (n_out,)
        The target t.

    Returns
    -------
    ndarray, shape (n_out, n_hidden)
        ∂E/∂W2, shaped like W2.
    """
    ### BEGIN SOLUTION
    Delta = np.asarray(output, dtype=float) - np.asarray(target, dtype=float)
    return np.outer(Delta, np.asarray(hidden, dtype=float))
    ### END SOLUTION


# %% public
# Public test: the worked example, and agreement with backprop_core's backward pass.
# call_on_copies(f, ...) calls f(...) on copies, so the lesson's arrays stay as they are.
with public_test("linear_output_gradient"):
    grad_W2 = call_on_copies(linear_output_gradient, hidden, output, target)
    assert np.shape(grad_W2) == (1, 2), f"∂E/∂W2 is shaped like W2, (1, 2); got {np.shape(grad_W2)}"
    assert np.allclose(grad_W2, [[-0.68765, -0.38832]]), f"expected [[−0.68765, −0.38832]] = −0.809·(0.85, 0.48), got {grad_W2}"
    assert np.allclose(grad_W2, net.backward(trace, target).weights[1]), "should match net.backward(...).weights[1]"
    g = call_on_copies(linear_output_gradient, np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.0]), np.array([0.0, 1.0]))
    assert np.shape(g) == (2, 3), f"2 outputs and 3 hidden neurons give shape (2, 3), got {np.shape(g)}"
    assert np.allclose(g[1], [-1.0, -2.0, -3.0]), f"row 1 belongs to output 2, whose Δ is −1: expected (−1, −2, −3), got {g[1]}"
    print("linear_output_gradient passes the public tests:\n", grad_W2)


# %% [markdown]
# ## 3 · The update rule
#
# Now step against the slope:
#
# $$w \;\leftarrow\; w - \alpha\, \frac{\partial E}{\partial w} .$$
#
# - The **minus** sign turns uphill into downhill: a negative slope makes $w$ grow, a positive one
#   makes it shrink.
# - The **learning rate** $\alpha > 0$ sets the step size. The slope is only valid close to where it
#   was measured, so we take modest steps and measure again.
#
# With $\alpha = 0.05$: $w_5 \leftarrow 0.14 - 0.05 \cdot (-0.68765)$.
#
# ### Exercise `gradient_step`
#
# Return the new weights. Do not change the array you are given (return a new one).

# %% solution
def gradient_step(w, gradient, learning_rate):
    """One step of gradient descent: w − learning_rate · gradient.

    Return a new array (or number); do not change `w` or `gradient`.

    Parameters
    ----------
    w : float or ndarray, any shape
        The current weight(s).
    gradient : float or ndarray, same shape as w
        ∂E/∂w at the current weight(s).
    learning_rate : float
        The step size α > 0.

    Returns
    -------
    float or ndarray, same shape as w
        The new weight(s).
    """
    ### BEGIN SOLUTION
    return np.asarray(w, dtype=float) - learning_rate * np.asarray(gradient, dtype=float)
    ### END SOLUTION


# %% public
# Public test: the output weights of the worked example after one step with α = 0.05.
with public_test("gradient_step"):
    grad_W2 = net.backward(trace, target).weights[1]
    W2_new = call_on_copies(gradient_step, net.weights[1], grad_W2, 0.05)   # fails if gradient_step changes w
    assert np.allclose(W2_new, [[0.1743825, 0.169416]]), f"expected [[0.1743825, 0.169416]], got {W2_new}"
    assert np.isclose(call_on_copies(gradient_step, 1.0, 2.0, 0.1), 0.8), "one number: 1 − 0.1·2 = 0.8"
    print("gradient_step passes the public tests: W2 →", W2_new)

# %% [markdown]
# ## 4 · One step for the whole network
#
# The same rule applies to every weight, $w_1 \dots w_4$ included. Their slopes pass through the
# hidden layer, which is lesson 05's subject; for now, `net.backward` computes all six for us.
#
# One rule matters: **compute every slope first, then change the weights.** Each slope describes the
# network as it is *now*; the hidden weights' slopes involve $w_5$ and $w_6$, and must use their old values.

# %%
grads = net.backward(trace, target)        # all slopes, from the current weights
stepped = net.copy()
stepped.step(grads, learning_rate=0.05)    # then every weight moves at once
print("W2:", net.weights[1].round(4).tolist(), "→", stepped.weights[1].round(7).tolist())
print("W1:", net.weights[0].round(4).tolist(), "→", stepped.weights[0].round(7).tolist())
print(f"prediction {output[0]:.4f} → {stepped.forward(x).output[0]:.4f}   "
      f"error {net.loss(x, target):.4f} → {stepped.loss(x, target):.4f}")

# %% [markdown]
# The prediction moves from 0.191 to about 0.256: closer to the target 1, and the error shrinks.
# Here is the network after its first step:

# %%
plots.draw_network(stepped, stepped.forward(x), target=target)


# %% [markdown]
# ## 5 · Many steps
#
# One step helps a little; training repeats it. Write a loop that records where it has been.
#
# ### Exercise `gradient_descent`
#
# `grad_fn(w)` returns the gradient at `w`. Start at `w_start`, take `n_steps` steps, and return every
# point visited, the start included. (Careful: if you change `w` in place and append it, every row of
# your path will be the same array.)

# %% solution
def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    """Repeat w ← w − learning_rate · grad_fn(w) and record the path.

    Return a new array; do not change `w_start`.

    Parameters
    ----------
    grad_fn : callable
        grad_fn(w) returns ∂E/∂w, an ndarray of shape (n_weights,).
    w_start : ndarray, shape (n_weights,)
        Where to start.
    learning_rate : float
        The step size α > 0.
    n_steps : int
        How many steps to take (0 or more).

    Returns
    -------
    path : ndarray, shape (n_steps + 1, n_weights)
        path[0] is w_start, path[k] the weights after k steps.
    """
    ### BEGIN SOLUTION
    w = np.array(w_start, dtype=float)
    path = [w]
    for _ in range(n_steps):
        w = w - learning_rate * np.asarray(grad_fn(w), dtype=float)
        path.append(w)
    return np.array(path)
    ### END SOLUTION


# %%
def output_weight_slopes(w56):
    # ∂E/∂(w5, w6) at the output weights w56, the hidden weights held: Δ · h.
    return (w56 @ hidden - target[0]) * hidden


# %% public
# Public test: gradient descent on w5, w6 of the worked example.
with public_test("gradient_descent"):
    path = call_on_copies(gradient_descent, output_weight_slopes, net.weights[1][0], 0.05, 20)
    assert np.shape(path) == (21, 2), f"20 steps of 2 weights give shape (21, 2), got {np.shape(path)}"
    assert np.allclose(path[0], [0.14, 0.15]), f"path[0] is the start (0.14, 0.15), got {path[0]}"
    assert np.allclose(path[1], [0.1743825, 0.169416]), f"the first step should land on (0.1743825, 0.169416), got {path[1]}"
    errors = [0.5 * (w @ hidden - target[0]) ** 2 for w in path]
    assert np.all(np.diff(errors) < 0), "with α = 0.05 the error should fall at every step"
    print(f"gradient_descent passes the public tests: E went from {errors[0]:.4f} to {errors[-1]:.6f} in 20 steps")

# %% [markdown]
# Here is that path on the map of $E$ over $(w_5, w_6)$. Darker means lower error. The valley floor is
# a straight line (every pair with $w_5 h_1 + w_6 h_2 = 1$ predicts the target exactly), and the path
# heads straight for it, across the contour lines.

# %%
descend = yours_or_reference(gradient_descent)   # your gradient_descent once written; the reference until then
w5_grid, w6_grid = np.linspace(-0.2, 1.4, 81), np.linspace(-0.2, 1.4, 81)
grid = plots.loss_grid(net, x, target, "w5", "w6", w5_grid, w6_grid)
plots.error_surface(w5_grid, w6_grid, grid, path=descend(output_weight_slopes, net.weights[1][0], 0.5, 10))

# %% [markdown]
# ## 6 · Choosing the learning rate
#
# Back to the single weight $w_5$. Its error curve is a parabola, and on a parabola we can say exactly
# when steps become too big: each step overshoots the bottom once $\alpha$ passes $1/c$, and lands
# *further away* than it started once $\alpha$ passes $2/c$, where $c = h_1^2$ is the parabola's
# curvature. The three panels below start from the same point with three learning rates.

# %%
curvature = hidden[0] ** 2
print(f"curvature c = h1² = {curvature:.4f}; overshooting from α = {1 / curvature:.2f}, diverging from α = {2 / curvature:.2f}")

def w5_slope(w5):
    # ∂E/∂w5 with w6 held at 0.15: Δ · h1.
    return (w5 * hidden[0] + net.weights[1][0, 1] * hidden[1] - target[0]) * hidden[0]

fig, axes = plots.new_figure(8.5, 3.0, ncols=3)
w5_values = np.linspace(-1.5, 3.5, 201)
E_values = plots.loss_along(net, x, target, "w5", w5_values)
for ax, rate in zip(axes, [0.1, 2.5, 2.9]):
    path = descend(w5_slope, net.weights[1][0, :1], rate, 8)[:, 0]
    E_path = plots.loss_along(net, x, target, "w5", path)
    panel = plots.error_curve(w5_values, E_values, path=np.column_stack([path, E_path]), ax=ax, weight_label="w_5")
    ax.set_title(f"α = {rate}\nE after 8 steps: {E_path[-1]:.3g}", fontsize=10)
    ax.get_legend().remove()
panel  # the three panels share one figure

# %% [markdown]
# - **Small** ($\alpha = 0.1$): every step goes the right way, but training crawls.
# - **Large** ($\alpha = 2.5$): the steps jump across the valley, back and forth, and settle slowly.
# - **Too large** ($\alpha = 2.9$): each jump lands higher than the last. The weights grow without bound:
#   training **diverges**.
#
# A network has many weights and its curvature differs from direction to direction, so in practice
# $\alpha$ is found by trying: start small, raise it while the error still falls smoothly.

# %%
widgets.descent_explorer(learning_rate=0.05, student_step="gradient_step")

# %% [markdown]
# On the left only $w_5$ learns; on the right $w_5$ and $w_6$ learn together, on the same map as above.
# Things to try: press **step** a few times at $\alpha = 0.05$; then raise $\alpha$ past the limit
# printed above and step again. Once your `gradient_step` runs, tick the box to let it take the steps.

# %% [markdown]
# ## Summary
#
# - $\partial E / \partial w$ is the slope of the error along one weight. Its sign says which way is
#   uphill; gradient descent goes the other way: $w \leftarrow w - \alpha\, \partial E/\partial w$.
# - For a linear output layer, $\partial E/\partial W_2 = (y - t)\, h^\top$, an outer product shaped like $W_2$.
# - Compute all the slopes first, then update every weight.
# - The learning rate $\alpha$ trades speed against stability: too small crawls, too large overshoots
#   and, past a limit set by the curvature, diverges.
#
# ## Check your understanding
#
# 1. At the current weights $\partial E / \partial w = -2$. With $\alpha = 0.1$, does $w$ go up or down, and by how much?
# 2. You train with some $\alpha$ and the error *grows* from step to step. What do you change?
# 3. Why must the slopes of $w_1 \dots w_4$ be computed with the old $w_5, w_6$, not the freshly updated ones?
#
# <details>
# <summary>Answers</summary>
#
# 1. Up, by $0.1 \cdot 2 = 0.2$: $w - 0.1 \cdot (-2) = w + 0.2$. A negative slope means the error falls as $w$ grows.
# 2. Lower the learning rate: the steps overshoot the minimum by more than they gain.
# 3. A slope describes one particular network. All six slopes must describe the same network, the one
#    whose error we measured; mixing in updated weights would give the slope of a network that never existed.
#
# </details>

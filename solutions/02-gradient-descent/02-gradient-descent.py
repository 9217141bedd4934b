# %% [markdown]
# # Lesson 02 · Gradient descent
#
# In lesson 01 the network predicted 0.191 for a target of 1, and we saw that only the weights can
# change that. This lesson answers *how* to change them: follow the slope of the error downhill.
#
# **After this lesson you will be able to**
#
# - read a slope (written $\partial E / \partial w$, section 1) as "how much the error changes when $w$ moves a little";
# - collect the slopes of all the weights into **the gradient**;
# - apply the update rule $w \leftarrow w - \alpha\, \partial E / \partial w$ and explain its minus sign;
# - choose a learning rate $\alpha$, predict from the curvature of the error where it becomes too large,
#   and recognise a run that diverges;
# - take one full step of gradient descent on the network of lesson 01 and watch the output improve.
#
# **The worked example.** We keep lesson 01's network: hmkcode's linear 2-2-1 example (hmkcode,
# *Backpropagation Step by Step*): two inputs, two hidden neurons and one output, each neuron passing its net
# input on unchanged ($a = z$). As in lesson 01, the error of one sample is $E = \tfrac12 (\text{output} - \text{target})^2$.
#
# <details><summary>For the curious: hmkcode's symbols and ours</summary>
#
# hmkcode's page writes the learning rate as $a$, the hidden values as $h_1, h_2$ and
# $\Delta$ = prediction − actual; in this course they are $\alpha$, $a_1, a_2$ (the hidden neurons'
# activations) and $\delta$ = output − target.
#
# </details>

# %%
import numpy as np
from backprop_core import examples
from backprop_core.viz import plots, widgets
from backprop_core.grading import call_on_copies, expect_answer, public_test, yours_or_reference

net, x, target = examples.step_by_step()   # hmkcode's example, as in lesson 01
W1, W2 = net.weights                        # net.weights[1] is W2: Python counts from 0
trace = net.forward(x)
hidden, output = trace.activations          # hidden activations (a1, a2) = (0.85, 0.48); output (0.191,)
print("hidden a =", hidden, "  output =", output, "  target =", target, "  error E =", round(net.loss(x, target), 7))

# %% [markdown]
# ## 1 · Which way is downhill?
#
# Freeze every weight except $w_5$ and let it vary. The error becomes a function of that one number,
# $E(w_5)$. Here it is, with a dot where the network is now:

# %%
w5_values = np.linspace(-0.5, 1.5, 201)
w5_now, E_now = W2[0, 0], net.loss(x, target)
plots.error_curve(w5_values, plots.loss_along(net, x, target, "w5", w5_values), weight_label="w_5", now=(w5_now, E_now))

# %% [markdown]
# The bottom of the valley lies to the right of the dot, so $w_5$ should grow. A computer cannot look
# at a picture, but it can measure the **slope** at the dot: move $w_5$ by a tiny amount $h$ (the *nudge*)
# and see how much $E$ changes,
#
# $$\frac{\partial E}{\partial w_5} \approx \frac{E(w_5 + h) - E(w_5)}{h} .$$
#
# (The curly $\partial$ says "the slope along $w_5$, all other weights held still": a *partial* derivative.)

# %%
h = 1e-6   # the nudge
nudged = net.copy()
nudged.weights[1][0, 0] += h   # the copy's w5: its W2[0, 0]
slope = (nudged.loss(x, target) - net.loss(x, target)) / h
print(f"measured slope ∂E/∂w5 ≈ {slope:.5f}")

# %% [markdown]
# The slope is negative: raising $w_5$ lowers $E$. A positive slope would mean the opposite. Either
# way, **the downhill direction is the opposite of the slope's sign**.
#
# ## 2 · The slope, worked out exactly
#
# We do not need to measure. The output is $\text{output} = w_5 a_1 + w_6 a_2$ and the error is
# $E = \tfrac12 (\text{output} - \text{target})^2$. Lesson 01 showed that the slope of $E$ along the output
# is $\text{output} - \text{target}$; and when $w_5$ grows by one unit, the output grows by $a_1$. So the
# two effects multiply:
#
# $$\frac{\partial E}{\partial w_5} = (\text{output} - \text{target})\, a_1, \qquad
#   \frac{\partial E}{\partial w_6} = (\text{output} - \text{target})\, a_2 .$$
#
# (Multiplying such rates is the *chain rule*; lesson 03 is all about it.) We call
# $\delta = \text{output} - \text{target}$ the **delta** of the output neuron: the error signal that every
# slope into that neuron shares. In general a neuron's delta is $\partial E/\partial z$, the slope of the
# error along its net input; this output neuron passes $z$ on unchanged ($\text{output} = z$), so its delta
# is simply $\text{output} - \text{target}$. (Lesson 04 meets outputs with an activation function; their
# delta gets one more factor, and the name stays.)

# %%
delta = output - target
print("delta = output − target =", delta)
print(f"∂E/∂w5 = delta·a1 = {delta[0] * hidden[0]:.5f}    ∂E/∂w6 = delta·a2 = {delta[0] * hidden[1]:.5f}")


# %% [markdown]
# You should see $\delta = -0.809$ and $\partial E/\partial w_5 = -0.68765$, the number we measured above.
#
# ### Several outputs: the outer product
#
# Our network has one output; many have several, each with its own delta $\delta_j$. The output layer's weights
# form the matrix $W^{(2)}$ (layers are counted from the input, so $W^{(1)}$ is lesson 01's `W1`, $W^{(2)}$ its
# `W2`), and its entry $W^{(2)}_{jk}$ is the weight from hidden neuron $k$ into output $j$. The same two effects
# multiply as for $w_5$, so the slope along $W^{(2)}_{jk}$ is $\delta_j a_k$. With two outputs and two hidden
# neurons, written out:
#
# | slope of the weight | from hidden neuron 1 ($a_1$) | from hidden neuron 2 ($a_2$) |
# |---|---|---|
# | **into output 1** ($\delta_1$) | $\delta_1 a_1$ | $\delta_1 a_2$ |
# | **into output 2** ($\delta_2$) | $\delta_2 a_1$ | $\delta_2 a_2$ |
#
# This table of all the products of a column $\delta$ (one entry per output) and a row $a^\top$ ($a^\top$: the same
# numbers written as a row, one entry per hidden neuron), entry $[j, k] = \delta_j a_k$, is their **outer product**,
#
# $$\frac{\partial E}{\partial W^{(2)}} = \delta\, a^\top$$
#
# (here $a$ is the hidden layer's activations, the output layer's input): a matrix shaped like $W^{(2)}$.
# numpy has a function for it (look up `np.outer`).
#
# **The gradient.** One slope per weight, each arranged where its weight sits, make up **the gradient**
# of $E$: here the matrix $\partial E/\partial W^{(2)}$, shaped like $W^{(2)}$; for the whole network, one such array per
# weight matrix. "Compute the gradient" simply means "compute every slope". It points uphill, in the
# direction in which $E$ grows fastest.
#
# ### Exercise `linear_output_gradient`
#
# Compute the gradient $\partial E / \partial W^{(2)}$ of a linear output layer for one sample, from section 2.
# Mind the order: the result has the shape of $W^{(2)}$, `(n_out, n_hidden)`.

# %% solution
def linear_output_gradient(hidden, output, target):
    """The gradient of one sample's error with respect to the weights of a linear output layer.

    Return a new array; do not change `hidden`, `output` or `target`.

    Parameters
    ----------
    hidden : ndarray, shape (n_hidden,)
        The hidden layer's activations (the output layer's input).
    output : ndarray, shape (n_out,)
        The network's output.
    target : ndarray, shape (n_out,)
        The target.

    Returns
    -------
    ndarray, shape (n_out, n_hidden)
        ∂E/∂W2: entry [j, k] is the slope of E along the weight from hidden neuron k into output j.
    """
    ### BEGIN SOLUTION
    delta = np.asarray(output, dtype=float) - np.asarray(target, dtype=float)
    return np.outer(delta, np.asarray(hidden, dtype=float))
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
    assert np.allclose(g[1], [-1.0, -2.0, -3.0]), f"row 1 belongs to output 2, whose delta is −1: expected (−1, −2, −3), got {g[1]}"
    print("linear_output_gradient passes the public tests:\n", grad_W2)


# %% [markdown]
# ## 3 · The update rule
#
# Now step against the slope:
#
# $$w \;\leftarrow\; w - \alpha\, \frac{\partial E}{\partial w} .$$
#
# - The **minus** sign turns uphill into downhill: a negative slope makes $w$ grow, a positive one
#   makes it shrink. Forget it and every step climbs.
# - The **learning rate** $\alpha > 0$ sets the step size. The slope is only valid close to where it
#   was measured, so we take modest steps and measure again.
#
# With $\alpha = 0.05$: $w_5 \leftarrow 0.14 - 0.05 \cdot (-0.68765)$.
#
# ### Exercise `gradient_step`
#
# Apply the update rule to every weight you are given at once. Do not change the array you are given
# (return a new one).

# %% solution
def gradient_step(w, gradient, learning_rate):
    """The weights after one step of gradient descent.

    Return a new array (or number); do not change `w` or `gradient`.

    Parameters
    ----------
    w : float or ndarray, any shape
        The current weight(s).
    gradient : float or ndarray, same shape as w
        ∂E/∂w at the current weight(s): the gradient.
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
    W2_new = call_on_copies(gradient_step, W2, grad_W2, 0.05)   # fails if gradient_step changes w
    went_uphill = np.allclose(W2_new, W2 + 0.05 * grad_W2)
    assert np.allclose(W2_new, [[0.1743825, 0.169416]]), (
        f"expected [[0.1743825, 0.169416]], got {W2_new}"
        + (": that step goes uphill, with the slope instead of against it; check the sign" if went_uphill else ""))
    assert np.isclose(call_on_copies(gradient_step, 1.0, 2.0, 0.1), 0.8), "one number: 1 − 0.1·2 = 0.8"
    print("gradient_step passes the public tests: W2 →", W2_new)

# %% [markdown]
# ## 4 · One step for the whole network
#
# The same rule applies to every weight, $w_1 \dots w_4$ included. Their slopes pass through the
# hidden layer, which is lesson 05's subject; for now, `net.backward` computes the whole gradient for us, and
# `step` moves every weight against its own slope.

# %%
grads = net.backward(trace, target)        # the whole gradient: one slope per weight
stepped = net.copy()
stepped.step(grads, learning_rate=0.05)    # every weight moves against its slope
print("W2:", W2.round(4).tolist(), "→", stepped.weights[1].round(7).tolist())
print("W1:", W1.round(4).tolist(), "→", stepped.weights[0].round(7).tolist())
print(f"output {output[0]:.4f} → {stepped.forward(x).output[0]:.4f}   "
      f"error {net.loss(x, target):.4f} → {stepped.loss(x, target):.4f}")

# %% [markdown]
# The output moves from 0.191 to about 0.256: closer to the target 1, and the error shrinks.
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
# `grad_fn(w)` returns the gradient at `w`. Start at `w_start`, take `n_steps` steps of section 3's
# update rule, and return every point visited, the start included. (Careful: if you change `w` in place
# and append it, every row of your path will be the same array.)

# %% solution
def gradient_descent(grad_fn, w_start, learning_rate, n_steps):
    """The path of n_steps steps of gradient descent from w_start.

    Return a new array; do not change `w_start`.

    Parameters
    ----------
    grad_fn : callable
        grad_fn(w) returns the gradient ∂E/∂w at w, an ndarray of shape (n_weights,).
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
    # The gradient along (w5, w6) when the output weights are w56 and the hidden weights stay as they are.
    delta = w56 @ hidden - target[0]
    return delta * hidden


# %% public
# Public test: gradient descent on w5, w6 of the worked example.
with public_test("gradient_descent"):
    path = call_on_copies(gradient_descent, output_weight_slopes, W2[0], 0.05, 20)
    assert np.shape(path) == (21, 2), f"20 steps of 2 weights give shape (21, 2), got {np.shape(path)}"
    assert np.allclose(path[0], [0.14, 0.15]), f"path[0] is the start (0.14, 0.15), got {path[0]}"
    assert np.allclose(path[1], [0.1743825, 0.169416]), f"the first step should land on (0.1743825, 0.169416), got {path[1]}"
    errors = [0.5 * (w @ hidden - target[0]) ** 2 for w in path]
    assert np.all(np.diff(errors) < 0), "with α = 0.05 the error should fall at every step"
    print(f"gradient_descent passes the public tests: E went from {errors[0]:.4f} to {errors[-1]:.6f} in 20 steps")

# %% [markdown]
# Here is the run of that public test, α = 0.05 for 20 steps from $(w_5, w_6) = (0.14, 0.15)$, on the map
# of $E$ over $(w_5, w_6)$. Darker means lower error. The valley floor is a straight line (every pair with
# $w_5 a_1 + w_6 a_2 = 1$ gives exactly the target), and the path heads straight for it, across the
# contour lines, with steps that get shorter as the slope flattens.

# %%
descend = yours_or_reference(gradient_descent)   # your gradient_descent once written; the reference until then
w5_grid, w6_grid = np.linspace(-0.2, 1.4, 81), np.linspace(-0.2, 1.4, 81)
grid = plots.loss_grid(net, x, target, "w5", "w6", w5_grid, w6_grid)
test_run = descend(output_weight_slopes, W2[0], 0.05, 20)
surface = plots.error_surface(w5_grid, w6_grid, grid, path=test_run)
surface.ax.set_title(f"gradient descent, α = 0.05, 20 steps: E {net.loss(x, target):.3f} → "
                     f"{0.5 * (test_run[-1] @ hidden - target[0]) ** 2:.3f}", fontsize=10)
surface

# %% [markdown]
# ## 6 · Choosing the learning rate
#
# Back to the single weight $w_5$, and to what one step does to the delta. Follow it one link at a time:
#
# 1. The step moves the weight: $\Delta w_5 = -\alpha\, \dfrac{\partial E}{\partial w_5} = -\alpha\,\delta\,a_1$.
# 2. The output is $w_5 a_1 + w_6 a_2$, so it moves by $a_1$ times that: $\Delta\text{output} = a_1\,\Delta w_5 = -\alpha\,\delta\,a_1^2$.
# 3. The target stays put, so the delta $\delta = \text{output} - \text{target}$ moves by as much as the output:
#
# $$\delta_\text{new} = \delta + \Delta\text{output} = \delta - \alpha\,\delta\,a_1^2 = \delta\,\big(1 - \alpha\, a_1^2\big) .$$
#
# The cell below takes one such step and checks all three lines with numbers.

# %%
alpha = 0.05
w5_new = W2[0, 0] - alpha * delta[0] * hidden[0]           # 1. the step
output_new = w5_new * hidden[0] + W2[0, 1] * hidden[1]      # 2. the new output, computed afresh
print(f"Δw5 = {w5_new - W2[0, 0]:+.6f}   Δoutput = {output_new - output[0]:+.6f}"
      f"   −α·δ·a1² = {-alpha * delta[0] * hidden[0] ** 2:+.6f}")
print(f"δ_new = output_new − target = {output_new - target[0]:.6f}   δ·(1 − α·a1²) = {delta[0] * (1 - alpha * hidden[0] ** 2):.6f}")

# %% [markdown]
# Every step multiplies $\delta$ by the same factor $1 - \alpha c$, with $c = a_1^2$. Where does that leave
# the error? Write $w_5^*$ for the weight at the bottom of the valley, where $\delta = 0$. The output is a
# straight line in $w_5$ with slope $a_1$, so $\delta = a_1 (w_5 - w_5^*)$ and
#
# $$E(w_5) = \tfrac12\,\delta^2 = \tfrac12\, a_1^2\, (w_5 - w_5^*)^2 = \tfrac12\, c\, (w_5 - w_5^*)^2 ,$$
#
# a parabola. Differentiate it twice: $\partial E/\partial w_5 = c\,(w_5 - w_5^*)$, and $\partial^2 E/\partial w_5^2 = c$.
# So $c$ is the error curve's second derivative, its **curvature**: how fast the slope itself changes.
# A large $c$ means a narrow valley with steep walls. The factor $1 - \alpha c$ decides everything:
#
# - $\alpha < 1/c$: the factor lies between 0 and 1. $\delta$ shrinks and keeps its sign: a steady approach.
# - $1/c < \alpha < 2/c$: the factor lies between $-1$ and 0. $\delta$ changes sign at every step, so each
#   step **overshoots** the bottom, but it still shrinks: a zigzag that settles.
# - $\alpha > 2/c$: the factor is below $-1$. $\delta$ grows at every step, and the error $E = \tfrac12\delta^2$
#   with it: training **diverges**.
#
# The three panels below start from the same point with three learning rates.

# %%
curvature = hidden[0] ** 2
print(f"one weight (w5):  curvature c = a1² = {curvature:.4f}; "
      f"overshooting from α = 1/c = {1 / curvature:.2f}, diverging from α = 2/c = {2 / curvature:.2f}")

def w5_slope(w5):
    # ∂E/∂w5 with w6 held at 0.15: delta · a1.
    delta = w5 * hidden[0] + W2[0, 1] * hidden[1] - target[0]
    return delta * hidden[0]

fig, axes = plots.new_figure(8.5, 3.0, ncols=3)
w5_values = np.linspace(-1.5, 3.5, 201)
E_values = plots.loss_along(net, x, target, "w5", w5_values)
for ax, rate, verdict in zip(axes, [0.1, 2.5, 2.9], ["steady", "overshoots, settles", "diverges"]):
    path = descend(w5_slope, W2[0, :1], rate, 8)[:, 0]
    E_path = plots.loss_along(net, x, target, "w5", path)
    panel = plots.error_curve(w5_values, E_values, path=np.column_stack([path, E_path]), ax=ax, weight_label="w_5",
                              legend=False)
    ax.set_title(f"α = {rate}: {verdict}\nE after 8 steps: {E_path[-1]:.3g}", fontsize=10)
panel  # the three panels share one figure

# %% [markdown]
# - **Small** ($\alpha = 0.1$, factor $0.93$): every step goes the right way, but training crawls.
# - **Large** ($\alpha = 2.5$, factor $-0.81$): the steps jump across the valley, back and forth, and settle slowly.
# - **Too large** ($\alpha = 2.9$, factor $-1.10$): each jump lands higher than the last. The weight grows
#   without bound: training diverges.
#
# ### Two weights learn together: a lower limit
#
# Now let $w_5$ and $w_6$ both learn, as in the map of section 5. Follow the same three links:
#
# 1. One step moves $w_5$ by $\Delta w_5 = -\alpha\,\delta\,a_1$ *and* $w_6$ by $\Delta w_6 = -\alpha\,\delta\,a_2$.
# 2. The output is $w_5 a_1 + w_6 a_2$, so both moves change it, and their effects add:
#    $\Delta\text{output} = a_1\,\Delta w_5 + a_2\,\Delta w_6 = -\alpha\,\delta\,(a_1^2 + a_2^2)$.
# 3. The delta moves by as much as the output:
#
# $$\delta_\text{new} = \delta + \Delta\text{output} = \delta\,\big(1 - \alpha\,(a_1^2 + a_2^2)\big) .$$
#
# The same three cases, with $c = a_1^2 + a_2^2 = 0.9529$ in place of $a_1^2 = 0.7225$. The limits
# drop: overshooting from $1/c \approx 1.05$, diverging from $2/c \approx 2.10$. So a learning rate that is
# fine for one weight can be too large for two: at $\alpha = 2.5$ the single $w_5$ settles, but the pair
# diverges, with a factor $1 - 2.5 \cdot 0.9529 = -1.38$ per step. Here are both pairs of runs on the map:
#
# <details><summary>For the curious: which curvature is $a_1^2 + a_2^2$?</summary>
#
# With two weights the error has a curvature in every direction of the $(w_5, w_6)$ map. The step always goes
# along the gradient, $(a_1, a_2)$ times $\delta$, straight across the valley, and $a_1^2 + a_2^2$ is the
# curvature of the error in that direction. Along the valley floor the curvature is 0: there the error does not change.
#
# </details>

# %%
both = hidden @ hidden
print(f"two weights (w5, w6): curvature c = a1² + a2² = {both:.4f}; "
      f"overshooting from α = 1/c = {1 / both:.2f}, diverging from α = 2/c = {2 / both:.2f}")

fig, axes = plots.new_figure(9.0, 3.8, ncols=2)
w5_wide, w6_wide = np.linspace(-2.2, 3.3, 81), np.linspace(-1.3, 2.3, 81)
wide_grid = plots.loss_grid(net, x, target, "w5", "w6", w5_wide, w6_wide)
for ax, rate, verdict in zip(axes, [2.0, 2.5], ["overshoots, settles", "diverges"]):
    run = descend(output_weight_slopes, W2[0], rate, 4)
    errors = [0.5 * (w @ hidden - target[0]) ** 2 for w in run]
    panel = plots.error_surface(w5_wide, w6_wide, wide_grid, path=run, ax=ax)
    ax.set_title(f"α = {rate}: {verdict}\nE: " + " → ".join(f"{e:.2f}" for e in errors), fontsize=10)
panel  # the two maps share one figure

# %% [markdown]
# At $\alpha = 2.0$ the steps jump across the valley and land a little closer each time; at $\alpha = 2.5$ each
# jump lands further out, and the error nearly doubles per step ($1.38^2 \approx 1.91$).
#
# A network has many weights and its curvature differs from direction to direction; the steepest direction
# sets the limit. In practice nobody computes it: $\alpha$ is found by trying. Start small, and raise it
# while the error still falls smoothly.
#
# ### Exercise `w6_learning_rate_limit`
#
# A question to answer with pencil and paper (or a line of Python), before you try the widget. This time
# $w_6$ learns alone, and $w_5$ stays at 0.14. Above which learning rate $\alpha$ does gradient descent on
# $w_6$ diverge? In the cell below, replace the `raise` line with `return` and your number. Three
# significant digits are enough (`return 1.23`). The public test only checks that it reads a number:
# whether it is right you learn when the lesson is graded, and a wrong answer is told what to reread.

# %% solution
def w6_learning_rate_limit():
    """Your answer to the question above.

    Returns
    -------
    float
        The learning rate above which gradient descent on w6 alone diverges, to 3 significant digits or more.
    """
    ### BEGIN SOLUTION
    return 8.68
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("w6_learning_rate_limit"):
    expect_answer(w6_learning_rate_limit)

# %%
widgets.descent_explorer(learning_rate=0.05, student_step="gradient_step")

# %% [markdown]
# On the left only $w_5$ learns (it diverges above $\alpha \approx 2.77$); on the right $w_5$ and $w_6$
# learn together, on the same map as above (it diverges above $\alpha \approx 2.10$). Things to try:
#
# - press **step** a few times at $\alpha = 0.05$: both runs creep towards the bottom;
# - set $\alpha = 2.5$ and press **10 steps**: the left run zigzags and settles, the right one runs away;
# - set $\alpha = 2.0$: both settle; $\alpha = 2.9$: both diverge;
# - once your `gradient_step` runs, tick the box to let it take the steps. If it goes uphill, the widget
#   tells you.
#
# ### Exercise `error_grows_diagnosis`
#
# A classmate trains $w_5$ and $w_6$ of this network with $\alpha = 0.001$. The error *grows* at every step,
# from the very first one. What is the most likely cause?
#
# - **A.** $\alpha$ is too large: every step overshoots the bottom of the valley.
# - **B.** $\alpha$ is too small: the steps are too short to make progress.
# - **C.** The update adds $\alpha\, \partial E/\partial w$ to the weights instead of subtracting it.
#
# Answer with the letter, as a string: `return "A"`, `return "B"` or `return "C"`.

# %% solution
def error_grows_diagnosis():
    """Your answer to the question above.

    Returns
    -------
    str
        The letter of the most likely cause: "A", "B" or "C".
    """
    ### BEGIN SOLUTION
    return "C"
    ### END SOLUTION


# %% public
# Public test: your answer is one of the letters (whether it is right is graded later).
with public_test("error_grows_diagnosis"):
    expect_answer(error_grows_diagnosis, choices="ABC")

# %% [markdown]
# ## Summary
#
# - $\partial E / \partial w$ is the slope of the error along one weight; the slopes of all the weights,
#   arranged like the weights, are **the gradient**. It points uphill; gradient descent goes the other way:
#   $w \leftarrow w - \alpha\, \partial E/\partial w$.
# - For a linear output layer, $\partial E/\partial W^{(2)} = \delta\, a^\top$ with the delta
#   $\delta = \text{output} - \text{target}$: an outer product (`np.outer`) shaped like $W^{(2)}$.
# - The same rule moves every weight of the network, each against its own slope.
# - One step multiplies the delta by $1 - \alpha c$, where $c$ is the curvature of the error along the step:
#   $a_1^2$ for $w_5$ alone, $a_1^2 + a_2^2$ for $w_5$ and $w_6$ together. Above $\alpha = 1/c$ steps overshoot;
#   above $2/c$ training diverges. More weights learning together means a larger curvature and a lower limit.
#
# ## Check your understanding
#
# 1. At the current weights $\partial E / \partial w = -2$. With $\alpha = 0.1$, does $w$ go up or down, and by how much?
# 2. You train with some $\alpha$ and the error *grows* from step to step. What do you change?
# 3. Two weights have the slopes $0.5$ and $-0.01$. Which one does a step of gradient descent move further, and in
#    which direction does each move?
#
# <details>
# <summary>Answers</summary>
#
# 1. Up, by $0.1 \cdot 2 = 0.2$: $w - 0.1 \cdot (-2) = w + 0.2$. A negative slope means the error falls as $w$ grows.
# 2. Lower the learning rate: the steps overshoot the minimum by more than they gain. (If it grows even with
#    a tiny $\alpha$, check the sign of the update: the steps may be going uphill.)
# 3. The first, 50 times further: it moves down by $0.5\,\alpha$, the second up by $0.01\,\alpha$. Each weight
#    moves against its own slope, in proportion to it.
#
# </details>

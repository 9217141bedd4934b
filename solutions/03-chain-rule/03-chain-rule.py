# %% [markdown]
# # Lesson 03 · The chain rule
#
# In lesson 02 the slope of the error came almost for free, because the network was a straight line
# from weight to output. Real neurons bend their input with an activation function, and a weight sits
# several steps away from the error. This lesson gives you the one rule that handles any number of
# steps.
#
# **After this lesson you will be able to**
#
# - measure any slope numerically with a central difference, and say why it beats a one-sided one;
# - differentiate a chain of functions by multiplying the slopes of its links (the **chain rule**);
# - compute the sigmoid and its derivative $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$ without overflow,
#   at the right place: the net input $z$;
# - say why a network needs a non-linear activation at all, and what a bias adds to a neuron;
# - follow one weight's influence through a small graph to the error, and get $\partial E/\partial w$ from it.
#
# The network of this lesson is Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation
# Example*), built in section 4. As in lesson 02, $E = \tfrac12 (\text{output} - \text{target})^2$, added
# over the output neurons; $z$ is a neuron's net input and $a$ its activation.

# %%
# %matplotlib inline
import numpy as np
from backprop_core import examples, numerical_gradient
from backprop_core.viz import plots, widgets
from backprop_core.grading import call_on_copies, expect_answer, public_test, yours_or_reference


# %% [markdown]
# ## 1 · Measuring a slope, better
#
# Lesson 02 measured a slope by nudging forward: $\big(f(x + h) - f(x)\big) / h$. Nudging both ways and
# dividing by the distance between the two points is much more accurate:
#
# $$f'(x) \approx \frac{f(x + h) - f(x - h)}{2h} .$$
#
# Why? Try $f(x) = x^2$: the forward difference gives $\frac{(x+h)^2 - x^2}{h} = 2x + h$, off by $h$. The
# two-sided (**central**) one gives $\frac{(x+h)^2 - (x-h)^2}{2h} = \frac{4xh}{2h} = 2x$, exact. On any smooth
# curve the same cancellation leaves an error that shrinks like $h^2$ instead of $h$ (lesson 08 proves it with a
# Taylor expansion). With $h = 0.01$ that typically makes it hundreds of times smaller.
#
# ### Exercise `central_difference`

# %% solution
def central_difference(f, x, h=1e-5):
    """The slope of f at x, estimated by a central difference with nudge h.

    Parameters
    ----------
    f : callable
        A function of one number that returns one number.
    x : float
        Where to measure the slope.
    h : float, optional
        The nudge, > 0.

    Returns
    -------
    float
        The estimated slope f'(x).
    """
    ### BEGIN SOLUTION
    return float((f(x + h) - f(x - h)) / (2.0 * h))
    ### END SOLUTION


# %% public
# Public test: exact on a parabola, and really two-sided.
with public_test("central_difference"):
    slope = central_difference(lambda w: (3 * w + 1) ** 2, 0.5)
    assert np.isclose(slope, 15.0), (
        f"(3w + 1)² has slope 2·(3w + 1)·3 = 15 at w = 0.5, got {slope}"
        + (": twice too much, as when dividing by h; x + h and x − h lie 2h apart" if np.isclose(slope, 30.0) else ""))
    cubic = central_difference(lambda w: w ** 3, 1.0, h=0.1)
    assert np.isclose(cubic, (1.1**3 - 0.9**3) / 0.2), (
        f"w³ at 1 with h = 0.1: the central difference gives 3.01 (a one-sided one 3.31), got {cubic}")
    print("central_difference passes the public tests:", slope, cubic)

# %% [markdown]
# How small should $h$ be? Smaller is better only up to a point: the two values of $f$ then agree in almost
# all their digits, and subtracting them leaves mostly rounding noise. For the one-sided difference that point
# is near $10^{-8}$, for the central one near $10^{-5}$. The plot measures the error of both differences on the slope of $e^x$ at $x = 1$ (whose true slope is $e$).

# %%
steps = np.logspace(-12, -1, 45)
forward = np.array([(np.exp(1 + h) - np.exp(1)) / h for h in steps])
central = np.array([(np.exp(1 + h) - np.exp(1 - h)) / (2 * h) for h in steps])
fig, ax = plots.new_figure(5.5, 3.4)
ax.loglog(steps, np.abs(forward - np.e), "o-", ms=3, label="one-sided (f(x+h) − f(x)) / h")
ax.loglog(steps, np.abs(central - np.e) + 1e-17, "s-", ms=3, label="central (f(x+h) − f(x−h)) / 2h")
ax.set_xlabel("nudge h")
ax.set_ylabel("error of the slope")
ax.legend(frameon=False, loc="upper center")
fig

# %% [markdown]
# Read the right half first: as $h$ shrinks the one-sided error falls along a line of slope 1 (error
# $\propto h$), the central error along a line of slope 2 (error $\propto h^2$). On the left, rounding
# noise takes over and both get worse again. A nudge near $10^{-5}$ is a safe choice for central
# differences in float64.
#
# ## 2 · The chain rule
#
# Suppose $E$ depends on $a$, and $a$ depends on $w$. If $a$ changes 3 times as fast as $w$, and $E$
# changes 2 times as fast as $a$, then $E$ changes $2 \times 3 = 6$ times as fast as $w$. Slopes along
# a chain **multiply**:
#
# $$\frac{dE}{dw} = \frac{dE}{da} \cdot \frac{da}{dw} .$$
#
# Longer chains just have more factors. Take $f(w) = (3w + 1)^2$, a chain of two links:
# $u = 3w + 1$ (slope 3) and $f = u^2$ (slope $2u$). So $f'(w) = 2u \cdot 3 = 6\,(3w + 1)$:

# %%
w = 0.5
u = 3 * w + 1
print(f"chain rule: 2u · 3 = {2 * u * 3:.6f}")
# yours_or_reference: your central_difference once written; the reference until then
print(f"measured:          {yours_or_reference(central_difference)(lambda v: (3 * v + 1) ** 2, w):.6f}")

# %% [markdown]
# ## 3 · The sigmoid and its slope
#
# **Why bend at all?** The neurons of lessons 01 and 02 pass their net input on unchanged, and a layer
# computes $z = W a$. Stack two such layers and you get $W^{(2)} (W^{(1)} x) = (W^{(2)} W^{(1)})\, x$: one matrix again.
# However many linear layers you stack, the network computes a linear function of its inputs and could be
# replaced by a single layer. hmkcode's 2-2-1 network is such a single layer in disguise:

# %%
lin, lin_x, lin_target = examples.step_by_step()   # hmkcode's linear 2-2-1 example of lessons 01 and 02
W1_lin, W2_lin = lin.weights
print("W2 W1 =", (W2_lin @ W1_lin).round(4).tolist(), "  (W2 W1) x =", (W2_lin @ W1_lin @ lin_x).round(4),
      "  the network's output:", lin.forward(lin_x).output.round(4))

# %% [markdown]
# Its hidden layer adds nothing that one row of two weights could not do. To build anything a straight
# line (or flat plane) cannot, such as the XOR function that lesson 07 learns (1 when exactly one of its two
# inputs is 1, else 0), each neuron must bend its net
# input with a **non-linear activation function** before passing it on: $a = f(z)$.
#
# From now on neurons squash their net input $z$ with the **sigmoid**
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# which maps any number into $(0, 1)$: large negative $z$ gives almost 0, large positive almost 1. Its
# slope has a famously tidy form. Write $\sigma = (1 + e^{-z})^{-1}$ and use the chain rule
# (outer link $v^{-1}$, inner link $v = 1 + e^{-z}$ with slope $-e^{-z}$):
#
# $$\sigma'(z) = -\frac{1}{(1 + e^{-z})^2} \cdot \left(-e^{-z}\right)
# = \underbrace{\frac{1}{1 + e^{-z}}}_{\sigma(z)} \cdot \underbrace{\frac{e^{-z}}{1 + e^{-z}}}_{1 - \sigma(z)}
# = \sigma(z)\,\big(1 - \sigma(z)\big) .$$
#
# (The second brace holds because $1 - \sigma(z) = \dfrac{1 + e^{-z} - 1}{1 + e^{-z}} = \dfrac{e^{-z}}{1 + e^{-z}}$.)
#
# So once a neuron has computed its activation $a = \sigma(z)$, its slope is just $a\,(1 - a)$: no
# new exponential needed.

# %%
z = np.linspace(-7, 7, 281)
s = 1 / (1 + np.exp(-z))
fig, ax = plots.new_figure(5.5, 3.2)
ax.plot(z, s, label=r"$\sigma(z)$")
ax.plot(z, s * (1 - s), label=r"$\sigma'(z) = \sigma(z)(1 - \sigma(z))$")
ax.set_xlabel("net input z")
ax.set_ylabel("value")
ax.legend(frameon=False, loc="center right")
fig


# %% [markdown]
# The slope is largest, $0.25$, at $z = 0$, and almost zero far out on either side: a neuron that is
# firmly on or off hardly reacts to its weights. Remember this when training gets slow.
#
# **Large inputs.** Written naively, `1 / (1 + np.exp(-z))` asks for $e^{1000}$ when $z = -1000$:
# that overflows to infinity with a warning. Here $1/\infty = 0$ happens to be right, but the equivalent
# form $e^{z} / (1 + e^{z})$ gives $\infty/\infty$ = NaN at $z = 1000$, and a NaN spreads into every number
# computed from it. Your `sigmoid` must give right values without overflow, for $|z|$ as large as 1000.
#
# <details><summary>Hint</summary>
#
# Use each form where its exponential is tiny: $1/(1 + e^{-z})$ for $z \ge 0$, $e^{z} / (1 + e^{z})$ for $z < 0$.
# `np.exp(-np.abs(z))` gives the small exponential for either sign.
#
# </details>
#
# ### Exercise `sigmoid`

# %% solution
def sigmoid(z):
    """The sigmoid of every net input in z, without overflow.

    Return a new array; do not change `z`.

    Parameters
    ----------
    z : ndarray, any shape (or a float)
        Net inputs; |z| may be as large as 1000.

    Returns
    -------
    ndarray, same shape as z
        Values in [0, 1].
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # between 0 and 1 for any z: cannot overflow
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION


# %% public
# Public test: a hidden neuron of section 4's network, symmetry, and right, finite values for huge inputs.
# call_on_copies(f, ...) calls f(...) on copies, and fails if f changes its arguments.
with public_test("sigmoid"):
    import warnings
    assert np.isclose(sigmoid(0.0), 0.5), f"σ(0) = 0.5, got {sigmoid(0.0)}"
    assert np.isclose(sigmoid(0.3775), 0.593269992), f"σ(0.3775) = 0.593269992 (the activation of hidden neuron h1 in section 4), got {sigmoid(0.3775)}"
    z = np.array([[-2.0, -0.5], [0.5, 2.0]])
    s_z, s_minus_z = call_on_copies(sigmoid, z), call_on_copies(sigmoid, -z)
    assert np.shape(s_z) == (2, 2), f"the shape must be kept: expected (2, 2), got {np.shape(s_z)}"
    assert np.allclose(s_z + s_minus_z, 1.0), "σ(z) + σ(−z) should be 1"
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")  # the values decide, as in the hidden tests; a warning is only mentioned
        big = call_on_copies(sigmoid, np.array([-1000.0, 1000.0]))
    assert np.allclose(big, [0.0, 1.0]), f"σ(−1000) = 0 and σ(1000) = 1, got {big}"
    if warned:
        print(f"(numpy warned: {warned[0].message}; your values are right, so it costs nothing)")
    print("sigmoid passes the public tests")


# %% [markdown]
# ### Exercise `sigmoid_prime`
#
# Return $\sigma'(z)$ **at the net input** $z$. (You may use your `sigmoid`.)

# %% solution
def sigmoid_prime(z):
    """The slope (derivative) of the sigmoid at every net input in z.

    Return a new array; do not change `z`.

    Parameters
    ----------
    z : ndarray, any shape (or a float)
        Net inputs (not activations); |z| may be as large as 1000.

    Returns
    -------
    ndarray, same shape as z
        Values in [0, 0.25].
    """
    ### BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1.0 - s)
    ### END SOLUTION


# %% public
# Public test: the peak, an output neuron of section 4's network, and agreement with a central difference
# (written out here, so that this test does not depend on your central_difference).
with public_test("sigmoid_prime"):
    logistic = lambda v: 1 / (1 + np.exp(-v))
    at_activation = logistic(0.5) * (1 - logistic(0.5))   # σ′(σ(0)) = σ′(0.5): the slope taken at the activation
    assert np.isclose(sigmoid_prime(0.0), 0.25), (
        f"σ′(0) = 0.25, got {sigmoid_prime(0.0)}"
        + (": z·(1 − z) is 0 at z = 0; a·(1 − a) needs the activation a = σ(z)" if np.isclose(sigmoid_prime(0.0), 0.0) else "")
        + (": that is σ′(0.5) = σ′(σ(0)), the slope taken at the activation σ(z); take it at the net input z itself"
           if np.isclose(sigmoid_prime(0.0), at_activation) else ""))
    assert np.allclose(call_on_copies(sigmoid_prime, np.array([-1.0, 0.0, 1.0])), [0.196611933, 0.25, 0.196611933]), (
        "σ′ of an array, elementwise: σ′(−1) = σ′(1) = 0.196611933, σ′(0) = 0.25")
    assert np.isclose(sigmoid_prime(1.105905967), 0.186815602), (
        f"σ′ at the net input z = 1.105905967 (output neuron o1 in section 4) should be 0.186815602, got {sigmoid_prime(1.105905967)}")
    for z0 in (-3.0, -0.4, 0.7, 2.5):
        measured = (logistic(z0 + 1e-5) - logistic(z0 - 1e-5)) / 2e-5   # (σ(z + h) − σ(z − h)) / 2h, h = 0.00001
        assert np.isclose(sigmoid_prime(z0), measured, rtol=1e-6), (
            f"σ′({z0}) disagrees with the measured slope {measured:.9f}, got {sigmoid_prime(z0)}")
    print("sigmoid_prime passes the public tests")

# %% [markdown]
# ### Exercise `g_prime`
#
# Take $g(w) = \sigma(2w)$, a chain of two links. Split it as section 2 split $(3w + 1)^2$, write each link's slope,
# and multiply them: the product is $g'(w)$. Write `g_prime(w)` so that it returns $g'(w)$ for every $w$ in an
# array (your `sigmoid_prime` may help). The public test compares your slopes with a central difference of $g$ at
# several points; if they disagree, look at each link's slope on its own.

# %% solution
def g_prime(w):
    """The slope of g(w) = σ(2w) at every w, by the chain rule.

    Return a new array; do not change `w`.

    Parameters
    ----------
    w : ndarray, any shape (or a float)
        Where to take the slope.

    Returns
    -------
    ndarray, same shape as w
        g′(w) at every w.
    """
    ### BEGIN SOLUTION
    u = 2.0 * np.asarray(w, dtype=float)   # inner link u = 2w, slope 2
    return sigmoid_prime(u) * 2.0          # outer link σ(u), slope σ′(u)
    ### END SOLUTION


# %% public
# Public test: the slope at w = 0, and agreement with a central difference of g at several w
# (written out here, so that this test does not depend on your central_difference).
with public_test("g_prime"):
    g = lambda v: 1 / (1 + np.exp(-2 * v))                  # g(w) = σ(2w)
    at_zero = g_prime(0.0)
    assert np.isclose(at_zero, 0.5), (
        f"g′(0) = 0.5 (the slope of g at w = 0), got {at_zero}"
        + (": that is σ′(0) alone; the inner link u = 2w has slope 2, and the chain multiplies it in"
           if np.isclose(at_zero, 0.25) else ""))
    w_values = np.array([-2.0, -0.7, 0.3, 1.2])
    slopes = call_on_copies(g_prime, w_values)
    assert np.shape(slopes) == (4,), f"the shape must be kept: expected (4,), got {np.shape(slopes)}"
    for w0, got in zip(w_values, slopes):
        measured = (g(w0 + 1e-5) - g(w0 - 1e-5)) / 2e-5   # (g(w + h) − g(w − h)) / 2h, h = 0.00001
        hint = ""
        if np.isclose(got, 2 * (1 / (1 + np.exp(-w0))) * (1 - 1 / (1 + np.exp(-w0))), rtol=1e-6):
            hint = ": that is 2σ′(w); the outer link's slope σ′ is taken where σ is applied, at u = 2w"
        elif np.isclose(got, measured / 2, rtol=1e-6):
            hint = ": half the measured slope; the inner link u = 2w has slope 2"
        assert np.isclose(got, measured, rtol=1e-6), (
            f"g′({w0}) disagrees with the measured slope {measured:.9f}, got {got}" + hint)
    print("g_prime passes the public tests")

# %% [markdown]
# ## 4 · A weight's path to the error
#
# Now Mazur's 2-2-2 sigmoid example: two inputs $x_1, x_2$, two hidden neurons $h_1, h_2$, two output
# neurons $o_1, o_2$, every neuron a sigmoid, and **biases**.
#
# **A bias** is a number $b$ that a neuron adds to its net input: $z = W a + b$. Think of it as the weight
# of an extra input that is always 1. Without it, a sigmoid neuron sits at $\sigma(0) = 0.5$ exactly when
# its weighted inputs add up to 0; the bias shifts that point, so the neuron can be mostly on, or mostly
# off, when its inputs are zero. Here both hidden neurons have $b = 0.35$ and both outputs $b = 0.60$; a layer's
# bias carries the layer's number like its weights, $b^{(1)} = 0.35$ into the hidden layer, $b^{(2)} = 0.60$ into
# the output layer. A
# bias learns like a weight: its slope $\partial E/\partial b$ follows the same chain, with $\partial z/\partial b = 1$
# as the last link (lesson 06 computes their gradients and lesson 07 lets them learn; Mazur keeps them fixed).
#
# Below each neuron the drawing shows its bias $b$, its net input $z$ and its activation $a$.

# %%
net, x, target = examples.mazur()
trace = net.forward(x)
plots.draw_network(net, trace, target=target)

# %% [markdown]
# Follow $w_5$, the weight from $h_1$ into $o_1$. It touches the error through one chain of three links:
#
# $$w_5 \;\longrightarrow\; z_{o1} = w_5\, a_{h1} + w_6\, a_{h2} + b^{(2)}
# \;\longrightarrow\; a_{o1} = \sigma(z_{o1})
# \;\longrightarrow\; E = \tfrac12 (a_{o1} - \text{target}_1)^2 + \tfrac12 (a_{o2} - \text{target}_2)^2 .$$
#
# Here $a_{h1}$ is the activation of hidden neuron $h_1$, $z_{o1}$ the net input of output neuron $o_1$, and
# $a_{o1}$ its activation, the network's first output. These are lesson 02's names with the neuron written in: $a_{h1}$ is what lesson 02 called
# $a_1$, and $a_{o1}$ is what it called "output"; with two outputs now, the subscript says which one.
#
# <details><summary>For the curious: Mazur's names</summary>
#
# Mazur's page writes $net_{o1}$ for $z_{o1}$ and $out_{o1}$ for $a_{o1}$; we use $z$ and $a$ throughout.
#
# </details>
#
# Link by link, each arrow of the chain above has its own slope:
#
# | link | slope |
# |---|---|
# | $w_5 \to z_{o1}$ | $\partial z_{o1} / \partial w_5 = a_{h1}$ |
# | $z_{o1} \to a_{o1}$ | $\partial a_{o1} / \partial z_{o1} = \sigma'(z_{o1}) = a_{o1}(1 - a_{o1})$ |
# | $a_{o1} \to E$ | $\partial E / \partial a_{o1} = a_{o1} - \text{target}_1$ (the second output's error does not depend on $a_{o1}$) |
#
# The chain rule multiplies them:
#
# $$\frac{\partial E}{\partial w_5} = (a_{o1} - \text{target}_1) \cdot a_{o1}(1 - a_{o1}) \cdot a_{h1} .$$
#
# This is one entry of the gradient, the array of every weight's slope that lesson 02 defined.

# %%
# pre_activations: each layer's net inputs z; activations: each layer's a
a_h1 = trace.activations[0][0]
z_o1, a_o1 = trace.pre_activations[1][0], trace.activations[1][0]
dE_da = a_o1 - target[0]
da_dz = a_o1 * (1 - a_o1)
dz_dw = a_h1
print(f"a_o1 = {a_o1:.8f}")
print(f"∂E/∂a_o1 = a_o1 − target_1 = {dE_da:.8f}")
print(f"σ′(z_o1) = a_o1 (1 − a_o1) = {da_dz:.9f}")
print(f"∂z_o1/∂w5 = a_h1 = {dz_dw:.9f}")
print(f"∂E/∂w5 = {dE_da * da_dz * dz_dw:.9f}")

# %% [markdown]
# You should see $\sigma'(z_{o1}) = 0.186815602$ and $\partial E/\partial w_5 = 0.082167041$. Two independent
# checks: `backprop_core`'s backward pass, and a central difference on the whole network's error.

# %%
by_backprop = net.backward(trace, target).weights[1][0, 0]
by_nudging = numerical_gradient(net, x, target).weights[1][0, 0]
print(f"backward pass: {by_backprop:.9f}   central difference: {by_nudging:.9f}")

# %% [markdown]
# **At the net input, not at the activation.** $\sigma'$ must be evaluated where $\sigma$ was applied,
# at $z_{o1}$. Writing it as $a_{o1}(1 - a_{o1})$ is the same thing. What is *not* the same is
# $\sigma'(a_{o1})$, i.e. pushing the activation through the formula once more, a slip that even
# published worked examples make (an optional box of lesson 05 shows one, in the XOR-by-hand example):

# %%
s = lambda v: 1 / (1 + np.exp(-v))
print(f"σ′(z_o1) = {s(z_o1) * (1 - s(z_o1)):.6f}   right")
print(f"σ′(a_o1) = {s(a_o1) * (1 - s(a_o1)):.6f}   wrong place: σ′ of the activation")

# %% [markdown]
# ### Exercise `predicted_dE_dw6`
#
# Now $w_6$, the weight from $h_2$ into $o_1$. Write its chain to the error as the chain above writes $w_5$'s, and
# compute $\partial E/\partial w_6$ from it (a line of Python may do it). In the cell below, replace the `raise`
# line with `return` and your number. Three significant digits are enough (`return 0.123`). The public test only
# checks that it reads a number: whether it is right you learn when the lesson is graded, and a wrong answer is told
# what to reread.

# %% solution
def predicted_dE_dw6():
    """Your answer to the question above.

    Returns
    -------
    float
        ∂E/∂w6 of the network of section 4, to 3 significant digits or more.
    """
    ### BEGIN SOLUTION
    return 0.0827
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_dE_dw6"):
    expect_answer(predicted_dE_dw6)


# %% [markdown]
# ## 5 · Nudge a weight yourself
#
# The slope the chain rule gives predicts how much $E$ changes when a weight moves by $h$: about
# $\partial E / \partial w \cdot h$. The widget nudges any weight of this network and compares the true
# change with the prediction. Try small and large nudges: for small $h$ the two agree closely, for large
# $h$ the curve bends away from its tangent. Once your `sigmoid_prime` runs, tick the box to let the
# chain rule use it.

# %%
widgets.nudge_explorer(nudge=0.1, student_sigmoid_prime="sigmoid_prime")

# %% [markdown]
# ## Summary
#
# - A **central difference** $\big(f(x+h) - f(x-h)\big)/2h$ measures a slope with an error $\propto h^2$;
#   $h \approx 10^{-5}$ suits float64.
# - **Chain rule:** the slope of a chain is the product of the slopes of its links.
# - The sigmoid $\sigma(z) = 1/(1 + e^{-z})$ has $\sigma'(z) = \sigma(z)(1 - \sigma(z)) = a(1 - a)$, taken
#   **at the net input** $z$. Compute it from $e^{-|z|}$ so that huge $|z|$ cannot overflow.
# - A weight's slope is the product along its path to the error; for an output weight:
#   $\partial E/\partial w_5 = (a_{o1} - \text{target}_1)\cdot a_{o1}(1 - a_{o1}) \cdot a_{h1}$.
# - Without a non-linear activation, stacked layers collapse into one linear layer. A bias $b$ shifts a
#   neuron's net input, $z = W a + b$, like a weight on an input that is always 1.
#
# ## Check your understanding
#
# 1. A sigmoid neuron has net input $z = 8$. Why will its incoming weights barely change during training?
# 2. A classmate computes `sigmoid_prime(a)` with `a` the neuron's activation. What goes wrong, and
#    what should they write?
# 3. In section 4's network, $w_5$ reaches the error along one chain. How many chains lead from $w_1$, the weight
#    from $x_1$ into $h_1$, to the error?
#
# <details>
# <summary>Answers</summary>
#
# 1. $\sigma'(8) = \sigma(8)(1 - \sigma(8)) \approx 0.00034$. That factor sits in every chain through this
#    neuron, so the slopes of its weights are tiny and so are their updates.
# 2. They evaluate the slope at the wrong place: $\sigma'(a) \ne \sigma'(z)$. They should write
#    `sigmoid_prime(z)` with the net input, or `a * (1 - a)` with the activation.
# 3. Two: $w_1 \to z_{h1} \to a_{h1}$, and $a_{h1}$ feeds both $o_1$ and $o_2$, so one chain runs on through
#    $z_{o1}, a_{o1}$ to $E$ and another through $z_{o2}, a_{o2}$. Lesson 05 shows how their effects combine.
#
# </details>

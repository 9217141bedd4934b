# %% [markdown]
# # Lesson 08 · Gradient checking
#
# **Goal.** A backward pass with a bug still runs, still returns arrays of the right shapes, and often still lowers the loss a little. The only reliable test is to compare it with gradients computed a completely different way. By the end of this lesson you will be able to
#
# * estimate any gradient numerically with **central differences** and say why they beat one-sided ones,
# * compare two gradients with a **relative error** and read it against rules of thumb,
# * explain what float32 does to a gradient check,
# * recognise each classic backpropagation bug by what it does to a gradient check, and find the layer where it lives.

# %%
import numpy as np
from backprop_core import examples, gradient_check
from backprop_core.course import buggy
from backprop_core.viz import plots
from backprop_core.grading import call_on_copies, expect_answer, public_test

np.set_printoptions(precision=6)
from backprop_core.course.blas import one_blas_thread
one_blas_thread()   # small arrays: one BLAS thread is faster than numpy's default pool


# %% [markdown]
# ## 1 · Two ways to nudge a weight
#
# Lesson 03 showed that the central difference $\frac{E(w+h) - E(w-h)}{2h}$ beats the one-sided one, and drew the V of their errors. This section shows *why*, from the Taylor expansion, and what float32 does to it:
#
# $$\text{one-sided: } \frac{E(w + h) - E(w)}{h} \qquad\qquad \text{central: } \frac{E(w + h) - E(w - h)}{2h}$$
#
# Both tend to the slope $E'(w)$ as $h$ shrinks, but how far from it is each for a given $h$? To answer, describe $E$ near $w$ by its slope $E'$ and by how fast the slope itself changes: the second derivative $E''$ (the curvature) and the third, $E'''$. The **Taylor expansion** from calculus says that for a small $h$
#
# $$E(w \pm h) = E(w) \pm h\,E'(w) + \tfrac{h^2}{2} E''(w) \pm \tfrac{h^3}{6} E'''(w) + \dots$$
#
# that is, the straight line of the slope plus corrections that shrink like $h^2$, $h^3$, … Put it into each estimate:
#
# $$\frac{E(w + h) - E(w)}{h} = E'(w) + \tfrac{h}{2} E''(w) + \dots$$
#
# For the central difference, subtract the two expansions first: the $E(w)$ and the $\tfrac{h^2}{2} E''$ terms of the two sides are equal and cancel, the odd terms double,
#
# $$E(w + h) - E(w - h) = 2h\,E'(w) + \tfrac{h^3}{3} E'''(w) + \dots \qquad\text{so}\qquad \frac{E(w + h) - E(w - h)}{2h} = E'(w) + \tfrac{h^2}{6} E'''(w) + \dots$$
#
# So the central difference's **truncation error** (what the estimate misses because $h$ is not 0) shrinks like $h^2$ instead of $h$: each tenfold smaller $h$ gains two digits instead of one. It costs two evaluations of $E$ per weight, where the one-sided estimate needs one per weight plus a shared $E(w)$: cheap next to a wrong answer.
#
# But $h$ cannot shrink forever. $E(w+h)$ and $E(w-h)$ are stored with about 16 significant digits (float64); their difference loses digits as they get closer, and dividing by a tiny $2h$ magnifies that **round-off error** like $\varepsilon / h$ ($\varepsilon \approx 10^{-16}$, the size of float64's rounding). The plot shows both effects on Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*), the network of lessons 03–05, for its $\partial E/\partial w_5 = 0.082167041$ ($w_5$ is the weight from the first hidden neuron into the first output, `net.weights[1][0, 0]`).

# %%
net, x, target = examples.mazur()
exact = net.backward(net.forward(x), target).weights[1][0, 0]     # dE/dw5 by backpropagation

def loss_with_w5(w5):
    probe = net.copy()
    probe.weights[1][0, 0] = w5
    return probe.loss(x, target)

def loss32_with_w5(w5):
    # The same forward pass in float32 (about 7 significant digits).
    f32 = np.float32
    W1, W2 = net.weights[0].astype(f32), net.weights[1].astype(f32).copy()
    W2[0, 0] = f32(w5)
    a_hidden = 1 / (1 + np.exp(-(x.astype(f32) @ W1.T + net.biases[0].astype(f32))))
    output = 1 / (1 + np.exp(-(a_hidden @ W2.T + net.biases[1].astype(f32))))
    return f32(0.5) * np.sum((output - target.astype(f32)) ** 2)

w5 = net.weights[1][0, 0]
steps = np.logspace(-12, -1, 45)
one_sided = [abs((loss_with_w5(w5 + h) - loss_with_w5(w5)) / h - exact) for h in steps]
central = [abs((loss_with_w5(w5 + h) - loss_with_w5(w5 - h)) / (2 * h) - exact) for h in steps]
central32 = []
for h in steps:
    w_plus, w_minus = np.float32(w5) + np.float32(h), np.float32(w5) - np.float32(h)
    actual_2h = float(w_plus) - float(w_minus)           # the nudge float32 really made (0 if h is too small)
    estimate = (loss32_with_w5(w_plus) - loss32_with_w5(w_minus)) / actual_2h if actual_2h else np.nan
    central32.append(abs(estimate - exact))

fig, ax = plots.new_figure(6.4, 4.2)
floor = 1e-17                                            # exact zeros drawn at the bottom of the log axis
ax.loglog(steps, np.maximum(one_sided, floor), "o-", ms=3, label="one-sided, float64")
ax.loglog(steps, np.maximum(central, floor), "s-", ms=3, label="central, float64")
ax.loglog(steps, np.maximum(central32, floor), "^-", ms=3, label="central, float32")
ax.set_xlabel("nudge h (log scale)")
ax.set_ylabel("|estimate − backprop gradient| (log scale)")
ax.set_title("Mazur's example, ∂E/∂w5: how far each estimate lands")
ax.set_ylim(1e-13, 1)
ax.legend(frameon=False)
best = {name: (steps[int(np.nanargmin(errs))], np.nanmin(errs)) for name, errs in
        [("one-sided float64", one_sided), ("central float64", central), ("central float32", central32)]}
for name, (h, err) in best.items():
    print(f"{name:18s}: best h = {h:.1e}, error {err:.1e}, relative error {err / (2 * abs(exact)):.1e}")
flat = steps[np.array(central) < 1e-10]                  # the flat bottom of the float64 central V
print(f"central float64: error below 1e-10 for every h from {flat.min():.1e} to {flat.max():.1e}")
usual = int(np.argmin(np.abs(steps - 1e-5)))
print(f"at h = {steps[usual]:.1e}: relative error {central[usual] / (2 * abs(exact)):.1e} in float64, "
      f"{central32[usual] / (2 * abs(exact)):.1e} in float32")
fig

# %% [markdown]
# The printed lines also give each estimate's **relative error**: its distance from the backward pass's gradient divided by the size of the two (section 2 defines it exactly). It lets gradients of any size be judged on one scale: a correct backward pass checked in float64 gives $10^{-7}$ or less, and the course's check calls a gradient wrong above a **threshold** of $10^{-6}$ (section 2 says why there).
#
# Each curve is a V. On the right, truncation dominates: the one-sided error falls with slope 1, the central one with slope 2. On the left, round-off takes over and the error grows as $h$ shrinks. Central differences in float64 have a wide, flat bottom: every $h$ from about $10^{-7}$ to $10^{-4}$ gives an error below $10^{-10}$ (the fourth line printed gives the exact range). Which $h$ in it comes out best, and by how much, is luck in the last digits: the second line printed names this run's best $h$, and a different weight or network would name another. $h = 10^{-5}$ sits in the middle of the bottom, far from both walls, which is why it is the usual choice.
#
# ### Exercise `float32_check_remedy`
#
# A classmate keeps the whole network in float32 to save memory. Their gradient check, with $h = 10^{-5}$, reports a relative error of about $10^{-2}$ for every layer. What should they do first?
#
# - **A.** Look for the bug in their backward pass: $10^{-2}$ is far above the threshold.
# - **B.** Make $h$ much smaller, say $10^{-9}$, to shrink the truncation error.
# - **C.** Run the same check again in float64.
#
# Answer with the letter, as a string: `return "A"`, `return "B"` or `return "C"`. The public test only checks that it reads one of the letters: whether it is right you learn when the lesson is graded, and a wrong answer is told what to reread.

# %% solution
def float32_check_remedy():
    """Your answer to the question above.

    Returns
    -------
    str
        The letter of what to do first: "A", "B" or "C".
    """
    ### BEGIN SOLUTION
    return "C"
    ### END SOLUTION


# %% public
# Public test: your answer is one of the letters (whether it is right is graded later).
with public_test("float32_check_remedy"):
    expect_answer(float32_check_remedy, choices="ABC")

# %% [markdown]
# **Why float64.** float32 keeps only about 7 significant digits, so its round-off wall stands some $10^8$ times higher (the float32 curve, triangles). At the usual $h = 10^{-5}$ its relative error is about $10^{-2}$ (the last line printed above): the estimate is off by about 1 %, in its second or third digit. Its best $h$, a large and lucky $h \approx 10^{-2}$, brings the relative error down only to about $10^{-6}$ (the third line printed), right at the threshold of the next section, where a correct backward pass and a subtle bug look the same; float64 reaches about $10^{-11}$. Gradient checks are done in float64, even when training runs in float32.
#
# ## 2 · How close is close? The relative error
#
# An absolute difference means nothing without a scale: $10^{-6}$ is excellent for a gradient of size 1000 and hopeless for one of size $10^{-6}$. So compare the backward pass's gradient (*analytic*: from the formulas) with the central differences (*numeric*) by a **relative error**, entry by entry, and report the worst:
#
# $$\text{rel}(\text{analytic}, \text{numeric}) = \max_i \frac{|\text{analytic}_i - \text{numeric}_i|}{\max\big(|\text{analytic}_i| + |\text{numeric}_i|,\ \text{floor}\big)} .$$
#
# The **floor** (here $10^{-8}$) matters when both gradients are essentially zero: a weight whose gradient is $10^{-16}$ analytically and $3\cdot 10^{-16}$ numerically is fine (both are round-off). Without a floor its relative error would be $2\cdot 10^{-16} / (4\cdot 10^{-16}) = 0.5$ and would look like a bug; with it, $2\cdot 10^{-16} / 10^{-8} = 2\cdot 10^{-8}$, below the threshold. The floor saves only gradients this tiny: $10^{-13}$ against $3\cdot 10^{-13}$ still gives $2\cdot 10^{-5}$, in the table's "look closer" row.
#
# Rules of thumb for float64 and $h = 10^{-5}$:
#
# | relative error | verdict |
# |---|---|
# | below $10^{-7}$ | correct |
# | $10^{-7}$ to $10^{-4}$ | look closer: a kink (a corner where the slope jumps, like $\lvert w \rvert$ at 0, has no single slope for the nudge to find), very small gradients, a too large $h$ |
# | above $10^{-4}$ | almost certainly a bug |
#
# `gradient_check` uses $10^{-6}$ as its threshold, a value inside the middle row: strict enough to catch every bug of section 4 (their relative errors are $10^{-2}$ and more), loose enough that a correct backward pass (the cell below prints about $10^{-9}$ for Mazur's network) never fails. It checks the weights and the biases of every layer; `weights[0]` and `biases[0]` belong to the first layer, counted from 0 as in `net.weights[0]`.

# %%
check = gradient_check(net, x, target)
print(check)
print("passed:", check.passed)


# %% [markdown]
# ## 3 · A numerical gradient
#
# ### Exercise `numerical_gradient`
#
# Write `numerical_gradient(f, W, h)`: section 1's central-difference estimate, made for every entry of an array `W` of any shape (a vector, a weight matrix), where `f` turns the whole array into one number (as the error $E$ depends on all the weights at once). Nudge one entry at a time, up and down by `h`, with every other entry where it was, and leave the caller's `W` as it was. `np.ndindex(W.shape)` walks every index of an array of any shape. Compute in float64, numpy's default (`np.array(W, dtype=float)` makes a float64 copy): here precision is the lesson, and float32 keeps so few digits that its rounding swamps the difference $f(W + h) - f(W - h)$.

# %% solution
def numerical_gradient(f, W, h=1e-5):
    """Gradient of a scalar function f at W, by central differences.

    Return a new array; do not change `W` (nudge a copy of it).

    Parameters
    ----------
    f : callable
        f(W) returns a float; it takes an array shaped like W.
    W : ndarray, any shape, e.g. (n_out, n_in) for a weight matrix
        Where to take the gradient.
    h : float
        The nudge, > 0.

    Returns
    -------
    grad : ndarray, same shape as W, float64
        grad[i] estimates the slope of f along entry i of W, by a central
        difference with nudge h, for every index i.
    """
    ### BEGIN SOLUTION
    W = np.array(W, dtype=float)          # a copy: the caller's array is never touched
    grad = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        old = W[index]
        W[index] = old + h
        plus = f(W)
        W[index] = old - h
        minus = f(W)
        W[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad
    ### END SOLUTION


# %% public
# Public test: a function with known slopes, then Mazur's output-layer gradients (the loss as a function of W2).
with public_test("numerical_gradient"):
    from backprop_core import grading
    def loss_of_W2(W2):
        probe = net.copy()
        probe.weights[1] = W2
        return probe.loss(x, target)
    
    # call_on_copies(f, ...) calls f(...) on copies, and fails if f leaves W changed.
    # First a function whose slopes are known exactly: sum(v^3) has slopes 3v^2, a central difference adds h^2.
    cubes = call_on_copies(numerical_gradient, lambda v: float(np.sum(v ** 3)), np.array([1.0, -2.0]), 1e-3)
    slip = ""
    if np.shape(cubes) == (2,) and np.allclose(cubes, [3.003001, 11.994001], rtol=1e-6):
        slip = "; these are one-sided differences (f(v + h) - f(v)) / h: nudge both ways and divide by 2h"
    elif np.shape(cubes) == (2,) and np.allclose(cubes, [6.000002, 24.000002], rtol=1e-6):
        slip = "; twice the right values: f(v + h) and f(v - h) lie 2h apart, so divide by 2h"
    grading.expect_close(cubes, np.array([3.000001, 12.000001]),
                         "d/dv sum(v^3) at (1, -2) with h = 1e-3 (central: 3v^2 + h^2)" + slip)
    numeric_W2 = call_on_copies(numerical_gradient, loss_of_W2, net.weights[1], 1e-5)
    assert np.shape(numeric_W2) == (2, 2), f"the gradient of a (2, 2) matrix has shape (2, 2), got {np.shape(numeric_W2)}"
    grading.expect_close(numeric_W2[0, 0], 0.082167041, "dE/dw5 of Mazur's example", rtol=1e-7)
    grading.expect_close(numeric_W2, net.backward(net.forward(x), target).weights[1], "dE/dW2 against backpropagation", rtol=1e-7)
    print("numerical_gradient passes the public tests.")

# %% [markdown]
# ## 4 · A gallery of bugs
#
# Here are the classic backpropagation mistakes, each as a complete backward pass that is correct except for one line (`backprop_core.course.buggy`). All of them return gradients of the right shapes; all of them are checked on the same network (Mazur's 2-2-2, with its biases) and the same batch of three samples: Mazur's own and two random ones. The bars show each parameter's relative error on a log scale, against the threshold $10^{-6}$. W1 and b1 are the first layer's weights and biases, $W^{(1)}$ and $b^{(1)}$; W2 and b2 the output layer's, $W^{(2)}$ and $b^{(2)}$.

# %%
gallery_net, gallery_x, gallery_target = buggy.gallery_example(n_samples=3)
backwards = {"correct": buggy.correct, **buggy.BUGGY_BACKWARDS}
results = {name: gradient_check(gallery_net, gallery_x, gallery_target, backward=fn) for name, fn in backwards.items()}

print(f"{'backward pass':28s} {'first failure':15s} {'worst relative error':>20s}")
for name, result in results.items():
    where = "-" if result.passed else f"{result.first_failure[0]}[{result.first_failure[1]}]"
    print(f"{name:28s} {where:15s} {max(result.errors.values()):20.1e}")

# %%
fig, axes = plots.new_figure(10.5, 3.3 * ((len(results) + 1) // 2), ncols=2, nrows=(len(results) + 1) // 2)
for ax, (name, result) in zip(axes.ravel(), results.items()):
    panel = plots.gradient_check_bars(result, ax=ax)
    label = "a correct backward pass" if name == "correct" else buggy.gallery_label(name).split(" (")[0]
    ax.set_title(f"{name}\n{label}", fontsize=9)
    ax.set_ylim(1e-13, 1e4)                 # room for the value labels above the bars
    ax.set_xlabel("")
    ax.get_legend().remove()
for ax in axes.ravel()[len(results):]:
    ax.set_visible(False)
panel

# %% [markdown]
# ### Pick a bug
#
# Choose a backward pass from the list; the bars show the relative error of each layer's gradients against central differences, and turn red above the threshold. The line under the plot names the first layer that disagrees, counted from 0 as in the next exercise, and says what the pattern of red bars points to. Before you read on: which bugs leave the output layer untouched, and what do they have in common?

# %%
from backprop_core.viz.widgets import gradcheck_explorer
gradcheck_explorer()


# %% [markdown]
# How each bug shows:
#
# * **σ′ of the activation** and **the wrong sign** break every layer, because the output delta itself is wrong. The sign bug gives relative error exactly 1: where the true gradient is $g$ it returns $-g$, and $|{-g} - g| / (|{-g}| + |g|) = 1$.
# * **A missing ½**, a backward pass that uses $2(\text{output} - \text{target})$ and so forgets the ½ of the loss $\tfrac12(\text{output} - \text{target})^2$, doubles every gradient (relative error exactly 1/3) and **a missing mean** multiplies them by N = 3 (exactly 1/2): the same error in every layer is the fingerprint of a wrong *scale*.
# * **A missing transpose** and **the updated output weights** leave the output layer W2, b2 correct and break only the layers below: the bug is in how the error is carried *back*.
# * **The bias gradient not summed** (it keeps the first sample's row, `dZ[0]`, where the sum over the rows belongs) breaks only the biases: weights fine, biases wrong points straight at one line of code. A check that compared the weights alone would call this backward pass correct.
#
# The two batch bugs (bias not summed, missing mean) vanish on a single sample: always check on a batch of at least two.
#
# ### Exercise `predicted_missing_mean_error`
#
# Predict before you check. The gallery ran on a batch of 3 samples. Run the same backward pass with **a missing mean** on a batch of **4** samples instead. What relative error will the check show, in every layer? Work it out from the relative error of section 2 with pencil and paper; three significant digits are enough (`return 0.123`). The public test only checks that it reads a number: whether it is right you learn when the lesson is graded.

# %% solution
def predicted_missing_mean_error():
    """Your answer to the question above.

    Returns
    -------
    float
        The relative error of every layer's gradients, to 3 significant digits or more.
    """
    ### BEGIN SOLUTION
    return 0.6
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_missing_mean_error"):
    expect_answer(predicted_missing_mean_error)

# %% [markdown]
# ## 5 · Which layer is wrong?
#
# ### Exercise `first_disagreeing_layer`
#
# When a check fails, the first question is *where*. Write `first_disagreeing_layer(analytic, numeric, tolerance)`. Each argument holds one pair per layer, from the input on: the gradient of the layer's weights and the gradient of its biases, from the backward pass (`analytic`) and from central differences (`numeric`). Return the **index** of the first layer whose weights *or* biases disagree, that is, whose relative error (section 2, floor $10^{-8}$) exceeds `tolerance`; return `None` when every layer agrees. The index is the layer's place in the lists, counted from 0 as Python counts, as in `analytic[0]` and `net.weights[0]`: the first layer (W1 and b1 of the bars above, $W^{(1)}$ and $b^{(1)}$) has index 0.
#
# Look at both arrays of a pair: the bias bug of the gallery leaves every weight right.

# %% solution
def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    """The first layer where analytic and numerical gradients disagree, in its weights or its biases.

    Return a layer's index in the lists (0 for the first layer) or None; do not change `analytic` or `numeric`.

    Parameters
    ----------
    analytic : list of (ndarray, ndarray)
        analytic[l] is layer l's pair (gradient of its weights, shape (n_out_l, n_in_l);
        gradient of its biases, shape (n_out_l,)), from a backward pass. Index 0 is the first layer.
    numeric : list of (ndarray, ndarray)
        The same pairs from central differences, the same shapes.
    tolerance : float
        Largest relative error that still counts as agreement.

    Returns
    -------
    int or None
        The smallest l whose weights or biases have a relative error (section 2)
        above tolerance; None if every layer agrees.
    """
    ### BEGIN SOLUTION
    for l, (analytic_pair, numeric_pair) in enumerate(zip(analytic, numeric)):
        for a, n in zip(analytic_pair, numeric_pair):      # the weights, then the biases
            a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
            error = np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8))
            if error > tolerance:
                return l
    return None
    ### END SOLUTION


# %% public
# Public test: the gallery's backward passes against central differences.
with public_test("first_disagreeing_layer"):
    from backprop_core import numerical_gradient as reference_numerical_gradient
    def pairs(gradients):     # one (weights, biases) pair per layer
        return list(zip(gradients.weights, gradients.biases))
    numeric = pairs(reference_numerical_gradient(gallery_net, gallery_x, gallery_target))
    trace = gallery_net.forward(gallery_x)
    def layer_of(backward):   # on copies: fails if first_disagreeing_layer changes the gradients it is given
        return call_on_copies(first_disagreeing_layer, pairs(backward(gallery_net, trace, gallery_target)), numeric, 1e-6)
    
    got = layer_of(buggy.correct)
    assert got is None, f"a correct backward pass agrees in every layer: expected None, got {got}"
    got = layer_of(buggy.missing_transpose)
    assert got == 0, (f"a missing transpose breaks the first layer only: expected 0, got {got}"
                      + (" (return the index in the lists, from 0: the first layer is analytic[0])" if got == 1 else ""))
    got = layer_of(buggy.wrong_sign)
    assert got == 0, f"a wrong sign breaks every layer, the first is 0: got {got}"
    got = layer_of(buggy.bias_not_summed)
    assert got == 0, (f"the bias gradient not summed over the batch leaves every weight right and breaks the biases "
                      f"of the first layer (b1, index 0): expected 0, got {got}" + (" (compare the biases too)" if got is None else ""))
    tiny = [(W * 1e-9, b * 1e-9) for W, b in numeric]   # tiny gradients: a relative error, not an absolute one
    doubled_bias = [tiny[0], (tiny[1][0], 2 * tiny[1][1])]
    assert call_on_copies(first_disagreeing_layer, doubled_bias, tiny, 1e-6) == 1, (
        "biases of size 1e-10 that differ by a factor 2 in the second layer (index 1) disagree: expected 1")
    print("first_disagreeing_layer passes the public tests.")

# %% [markdown]
# ## Summary
#
# * Central differences $\frac{E(w+h) - E(w-h)}{2h}$ have an $O(h^2)$ truncation error, one-sided ones $O(h)$; round-off grows like $\varepsilon/h$, so $h \approx 10^{-5}$ in float64 is the sweet spot.
# * Compare gradients by relative error with a floor: below $10^{-7}$ correct, above $10^{-4}$ a bug, in between look closer.
# * float32 cannot resolve a gradient check: at $h = 10^{-5}$ its relative error is about $10^{-2}$ (off by 1 %), and even its best $h$ only gets to about $10^{-6}$, the threshold itself.
# * Every classic bug leaves a fingerprint: all layers off by the same factor (a scale bug), only lower layers (the error carried back wrongly), only biases (the batch sum). So check the biases as well as the weights, on a batch of at least two samples.
#
# **Fresh words:** *Taylor expansion*, *truncation error*, *round-off error*, *relative error*, *gradient check*.
#
# ## Check your understanding
#
# 1. A gradient check reports a relative error of exactly 1/3 in every layer on a batch of 2 samples, and passes on a single sample. What is the bug?
# 2. Why not check with $h = 10^{-12}$ to make the truncation error negligible?
# 3. Only W1 and b1 fail; W2 and b2 pass. Where in the backward pass would you look first?
#
# <details><summary>Answers</summary>
#
# 1. Every gradient is off by the same factor (a scale bug), and the factor depends on the batch: with N = 2 the gradients are twice too big, $|2g - g| / (|2g| + |g|) = 1/3$ for a true gradient $g$, and right for N = 1. They are summed over the batch instead of averaged: a missing mean. (A missing ½ also gives 1/3, but on a single sample too.)
# 2. Round-off: $E(w \pm h)$ agree in almost all their digits, their difference is mostly rounding noise, and dividing by $2h$ blows that noise up (the left side of the V).
# 3. In how the error is carried back from the output layer: a missing transpose of $W$, or weights that were updated before they were used.
#
# </details>

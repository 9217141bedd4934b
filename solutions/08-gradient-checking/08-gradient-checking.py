# %% [markdown]
# # Lesson 08 · Gradient checking
#
# **Goal.** A backward pass with a bug still runs, still returns arrays of the right shapes, and often still lowers the loss a little. The only reliable test is to compare it with gradients computed a completely different way. By the end of this lesson you will be able to
#
# * estimate any gradient numerically with **central differences** and say why they beat one-sided ones,
# * compare two gradients with a **relative error** and read it against rules of thumb,
# * explain why the check needs float64,
# * recognise each classic backpropagation bug by what it does to a gradient check, and find the layer where it lives.

# %%
import numpy as np
from backprop_core import examples, gradient_check
from backprop_core.course import buggy
from backprop_core.viz import plots
from backprop_core.course.mistakes import MISTAKES
from backprop_core.grading import call_on_copies, public_test

np.set_printoptions(precision=6)

# %% [markdown]
# ## 1 · Two ways to nudge a weight
#
# Lesson 03 estimated a derivative by nudging: change $w$ by a small $h$ and watch $E$. There are two ways to do it:
#
# $$\text{one-sided: } \frac{E(w + h) - E(w)}{h} = E'(w) + \tfrac{h}{2} E''(w) + \dots \qquad
# \text{central: } \frac{E(w + h) - E(w - h)}{2h} = E'(w) + \tfrac{h^2}{6} E'''(w) + \dots$$
#
# In the central difference the $E''$ terms of the two sides cancel, so its **truncation error** shrinks like $h^2$ instead of $h$: with $h = 10^{-5}$, about $10^{-10}$ instead of $10^{-5}$. It costs two evaluations per weight instead of one (plus one shared), which is cheap next to a wrong answer.
#
# But $h$ cannot shrink forever. $E(w+h)$ and $E(w-h)$ are stored with about 16 significant digits (float64); their difference loses digits as they get closer, and dividing by a tiny $2h$ magnifies that **round-off error** like $\varepsilon / h$. The plot shows both effects for seed 002's $\partial E/\partial w_5 = 0.082167041$.

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
    h = 1 / (1 + np.exp(-(x.astype(f32) @ W1.T + net.biases[0].astype(f32))))
    y = 1 / (1 + np.exp(-(h @ W2.T + net.biases[1].astype(f32))))
    return f32(0.5) * np.sum((target.astype(f32) - y) ** 2)

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
ax.set_title("seed 002, ∂E/∂w5: error of the estimate")
ax.set_ylim(1e-13, 1)
ax.legend(frameon=False)
best = {name: (steps[int(np.nanargmin(errs))], np.nanmin(errs)) for name, errs in
        [("one-sided float64", one_sided), ("central float64", central), ("central float32", central32)]}
for name, (h, err) in best.items():
    print(f"{name:18s}: best h = {h:.1e}, error {err:.1e}, relative error {err / (2 * abs(exact)):.1e}")
usual = int(np.argmin(np.abs(steps - 1e-5)))
print(f"at h = {steps[usual]:.1e}: relative error {central[usual] / (2 * abs(exact)):.1e} in float64, "
      f"{central32[usual] / (2 * abs(exact)):.1e} in float32")
import io
from IPython.display import Image
buffer = io.BytesIO()
fig.savefig(buffer, format="png")
Image(buffer.getvalue())

# %% [markdown]
# Each curve is a V. On the right, truncation dominates: the one-sided error falls with slope 1, the central one with slope 2. On the left, round-off takes over and the error grows as $h$ shrinks. Central differences in float64 bottom out near $h \approx 10^{-5}$ with an error around $10^{-10}$ or below, which is why $h = 10^{-5}$ is the usual choice.
#
# **Why float64.** float32 keeps only about 7 significant digits, so its round-off wall stands some $10^8$ times higher (the green curve). At the usual $h = 10^{-5}$ its estimate is wrong in the second or third digit (the printout above); only a large, lucky $h$ brings it near $10^{-6}$, right at the threshold, where a correct backward pass and a subtle bug look the same. Gradient checks are done in float64, even when training runs in float32.
#
# ## 2 · How close is close? The relative error
#
# An absolute difference means nothing without a scale: $10^{-6}$ is excellent for a gradient of size 1000 and hopeless for one of size $10^{-6}$. So compare with a **relative error**, entry by entry, and report the worst:
#
# $$\text{rel}(a, n) = \max_i \frac{|a_i - n_i|}{\max\big(|a_i| + |n_i|,\ \text{floor}\big)} .$$
#
# The **floor** (here $10^{-8}$) matters when both gradients are essentially zero: a weight whose gradient is $10^{-13}$ analytically and $3\cdot 10^{-13}$ numerically is fine (both are round-off), but without a floor its relative error would be 0.5 and would look like a bug.
#
# Rules of thumb for float64 and $h = 10^{-5}$:
#
# | relative error | verdict |
# |---|---|
# | below $10^{-7}$ | correct |
# | $10^{-7}$ to $10^{-4}$ | look closer: kinks (ReLU at 0), very small gradients, a too large $h$ |
# | above $10^{-4}$ | almost certainly a bug |
#
# `gradient_check` uses $10^{-6}$ as its threshold, between the first two rows.

# %%
check = gradient_check(net, x, target)
print(check)
print("passed:", check.passed)


# %% [markdown]
# ## 3 · A numerical gradient
#
# ### Exercise `numerical_gradient`
#
# Write `numerical_gradient(f, W, h)`: the central-difference gradient of a scalar function `f` with respect to every entry of an array `W` of any shape (a vector, a weight matrix). Nudge one entry at a time, and leave the caller's `W` as it was. `np.ndindex(W.shape)` walks every index of an array of any shape. Compute in float64, numpy's default: here precision is the lesson, and float32 keeps so few digits that its rounding swamps the difference $f(W + h) - f(W - h)$, so the grader requires float64.

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
    grad : ndarray, same shape as W
        grad[i] = (f(W + h e_i) - f(W - h e_i)) / (2 h) for every index i,
        where e_i is 1 at index i and 0 elsewhere.
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
# Public test: seed 002's output-layer gradients, with the loss as a function of W2.
with public_test("numerical_gradient"):
    from backprop_core import grading
    def loss_of_W2(W2):
        probe = net.copy()
        probe.weights[1] = W2
        return probe.loss(x, target)
    
    # call_on_copies(f, ...) calls f(...) on copies, and fails if f leaves W changed.
    numeric_W2 = call_on_copies(numerical_gradient, loss_of_W2, net.weights[1], 1e-5)
    assert np.shape(numeric_W2) == (2, 2), f"the gradient of a (2, 2) matrix has shape (2, 2), got {np.shape(numeric_W2)}"
    grading.expect_close(numeric_W2[0, 0], 0.082167041, "dE/dw5 of seed 002", rtol=1e-7)
    grading.expect_close(numeric_W2, net.backward(net.forward(x), target).weights[1], "dE/dW2 against backpropagation", rtol=1e-7)
    grading.expect_close(call_on_copies(numerical_gradient, lambda v: float(np.sum(v ** 3)), np.array([1.0, -2.0]), 1e-3),
                         np.array([3.000001, 12.000001]), "d/dv sum(v^3) at (1, -2) with h = 1e-3 (central: 3v^2 + h^2)")
    print("numerical_gradient passes the public tests.")

# %% [markdown]
# ## 4 · A gallery of bugs
#
# Here is every backpropagation mistake the course's grader knows, each as a complete backward pass that is correct except for one line (`backprop_core.buggy`). All of them return gradients of the right shapes; all of them are checked on the same network (seed 002's 2-2-2 with biases) and the same batch of three samples. The bars show each parameter's relative error on a log scale, against the threshold $10^{-6}$.

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
    label = "a correct backward pass" if name == "correct" else MISTAKES[name].split(" (")[0]
    ax.set_title(f"{name}\n{label}", fontsize=9)
    ax.set_ylim(1e-13, 1e4)                 # room for the value labels above the bars
    ax.set_xlabel("")
    ax.get_legend().remove()
for ax in axes.ravel()[len(results):]:
    ax.set_visible(False)
panel

# %% [markdown]
# How each bug shows (W1, b1 = first layer; W2, b2 = output layer):
#
# * **σ′ of the activation** and **the wrong sign** break every layer, because the output delta itself is wrong. The sign bug gives relative error exactly 1: $|a - (-a)| / (|a| + |a|)$.
# * **A missing ½** doubles every gradient (relative error exactly 1/3) and **a missing mean** multiplies them by N = 3 (exactly 1/2): the same error in every layer is the fingerprint of a wrong *scale*.
# * **A missing transpose** and **the updated output weights** leave the output layer W2, b2 correct and break only the layers below: the bug is in how the error is carried *back*.
# * **The bias gradient not summed** breaks only the biases: weights fine, biases wrong points straight at one line of code.
#
# The last two bugs about the batch (not summed, missing mean) vanish on a single sample: always check on a batch of at least two.

# %% [markdown]
# ### Pick a bug
#
# Choose a backward pass from the list; the bars show the relative error of each layer's gradients against central differences, and turn red above the threshold. Which bugs leave the output layer untouched?

# %%
from backprop_core.viz.widgets import gradcheck_explorer
gradcheck_explorer()


# %% [markdown]
# ## 5 · Which layer is wrong?
#
# ### Exercise `first_disagreeing_layer`
#
# When a check fails, the first question is *where*. Write `first_disagreeing_layer(analytic, numeric, tolerance)`: given one gradient array per layer from each method, return the index of the first layer (counting from the input, 0) whose relative error, as defined in section 2 with floor $10^{-8}$, exceeds `tolerance`; return `None` when every layer agrees.

# %% solution
def first_disagreeing_layer(analytic, numeric, tolerance=1e-6):
    """The first layer where analytic and numerical gradients disagree.

    Return a layer number or None; do not change `analytic` or `numeric`.

    Parameters
    ----------
    analytic : list of ndarray
        analytic[l] is layer l's gradient from a backward pass, shape (n_out_l, n_in_l).
    numeric : list of ndarray
        The same gradients from finite differences, the same shapes.
    tolerance : float
        Largest relative error that still counts as agreement.

    Returns
    -------
    int or None
        The smallest l whose relative error
        max_i |a_i - n_i| / max(|a_i| + |n_i|, 1e-8) exceeds tolerance; None if none does.
    """
    ### BEGIN SOLUTION
    for l, (a, n) in enumerate(zip(analytic, numeric)):
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
    numeric = reference_numerical_gradient(gallery_net, gallery_x, gallery_target).weights
    trace = gallery_net.forward(gallery_x)
    def layer_of(backward):   # on copies: fails if first_disagreeing_layer changes the gradients it is given
        return call_on_copies(first_disagreeing_layer, backward(gallery_net, trace, gallery_target).weights, numeric, 1e-6)
    
    assert layer_of(buggy.correct) is None, f"a correct backward pass agrees in every layer: expected None, got {layer_of(buggy.correct)}"
    assert layer_of(buggy.missing_transpose) == 0, (
        f"a missing transpose breaks the first layer only: expected 0, got {layer_of(buggy.missing_transpose)}"
        + (" (layers are counted from 0: the first is analytic[0])" if layer_of(buggy.missing_transpose) == 1 else ""))
    assert layer_of(buggy.wrong_sign) == 0, f"a wrong sign breaks every layer, the first is 0: got {layer_of(buggy.wrong_sign)}"
    tiny = [g * 1e-9 for g in numeric]          # tiny gradients: a relative error, not an absolute one
    assert call_on_copies(first_disagreeing_layer, [tiny[0], 2 * tiny[1]], tiny, 1e-6) == 1, "gradients of size 1e-10 that differ by a factor 2 disagree"
    print("first_disagreeing_layer passes the public tests.")

# %% [markdown]
# ## Summary
#
# * Central differences $\frac{E(w+h) - E(w-h)}{2h}$ have an $O(h^2)$ truncation error, one-sided ones $O(h)$; round-off grows like $\varepsilon/h$, so $h \approx 10^{-5}$ in float64 is the sweet spot.
# * Compare gradients by relative error with a floor: below $10^{-7}$ correct, above $10^{-4}$ a bug, in between look closer.
# * float32 cannot resolve a gradient check: its best estimate is off in the 3rd–4th digit.
# * Every classic bug leaves a fingerprint: all layers off by the same factor (a scale bug), only lower layers (the error carried back wrongly), only biases (the batch sum). Check on a batch of at least two samples.
#
# **Fresh words:** *central difference*, *truncation error*, *round-off error*, *relative error*, *gradient check*.
#
# ## Check your understanding
#
# 1. A gradient check reports a relative error of exactly 1/3 in every layer on a batch of 2 samples, and passes on a single sample. What is the bug?
# 2. Why not check with $h = 10^{-12}$ to make the truncation error negligible?
# 3. Only W1 and b1 fail; W2 and b2 pass. Where in the backward pass would you look first?
#
# <details><summary>Answers</summary>
#
# 1. Every gradient is off by the same factor (a scale bug), and the factor depends on the batch: with N = 2 the gradients are twice too big, $|2n - n| / (2n + n) = 1/3$, and right for N = 1. They are summed over the batch instead of averaged: a missing mean. (A missing ½ also gives 1/3, but on a single sample too.)
# 2. Round-off: $E(w \pm h)$ agree in almost all their digits, their difference is mostly rounding noise, and dividing by $2h$ blows that noise up (the left side of the V).
# 3. In how the error is carried back from the output layer: a missing transpose of $W$, or weights that were updated before they were used.
#
# </details>

# %% [markdown]
# # Lesson 07 · Training
#
# **Goal.** One forward pass, one backward pass and one update make a *step*. Training is many steps. By the end of this lesson you will be able to
#
# * write the training loop and say exactly when its loss is measured,
# * tell online, batch and minibatch training apart and pick between them,
# * train Mazur's network for 10,000 steps and explain its published final number to the last digit,
# * train XOR from random weights, watch its decision boundary form, and recognise a start that gets stuck,
# * see what a learning rate that is too small, right, or too large does to a whole run,
# * train a small network on a 2-D data set to a stated accuracy.
#
# This lesson runs real training, so some cells take a second or two.

# %%
import time
import numpy as np
from backprop_core import Network, examples, train
from backprop_core.viz import plots
from backprop_core.grading import call_on_copies, expect_answer, public_test

np.set_printoptions(precision=6, suppress=True)
from backprop_core.course.blas import one_blas_thread
one_blas_thread()   # small arrays: one BLAS thread is faster than numpy's default pool


# %% [markdown]
# ## 1 · The loop
#
# Every step repeats the same four moves:
#
# 1. **forward**: compute the output for some samples,
# 2. **measure**: the loss $E$ of that output against the targets,
# 3. **backward**: the gradients $\partial E/\partial W$, $\partial E/\partial b$ of every layer,
# 4. **update**: $W \leftarrow W - \alpha\, \partial E/\partial W$ (and $b$ likewise), with the learning rate $\alpha$ (`learning_rate` in code).
#
# The loss of one sample is $E = \tfrac12 \sum_j (\text{output}_j - \text{target}_j)^2$, summed over the output neurons; for several samples it is the mean of theirs.
#
# One pass over the whole data set is an **epoch**. How many samples go into one step is the difference between three ways of training:
#
# | mode | samples per step | steps per epoch (N samples) |
# |---|---|---|
# | **online** (stochastic) | 1 | N |
# | **batch** (full batch) | all N, mean gradient | 1 |
# | **minibatch** | B, mean gradient | ⌈N / B⌉ |
#
# In online training each step follows the gradient of one sample, a random-ish estimate of the whole data set's gradient, so the steps are noisy but cheap. Online training takes many small, noisy steps; batch training takes one careful step per epoch; minibatches sit between and are what practice uses, because a product over B samples costs little more than over one. Shuffling the order every epoch keeps the steps from following a fixed pattern.
#
# <details><summary>For the curious: "SGD"</summary>
#
# Online training is also called **stochastic** gradient descent (SGD): *stochastic* means "by chance", since each step's gradient comes from one sample picked by the shuffle. Libraries say "SGD" for minibatches too.
#
# </details>
#
# Note **when** the loss is measured: in step 2, *before* that step's update. The loss recorded for the last step therefore describes the network one update before the end.

# %% [markdown]
# ## 2 · Mazur's example, 10,000 times
#
# Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*), the network of lessons 03–05, ends by training its network on its single sample with $\alpha = 0.5$, leaving the biases alone. The published example reports that "after 10,000 rounds" the error is 0.0000351085. With one sample, online and batch training are the same thing. `train` records the loss of every epoch's forward pass: `history.losses[k]` is the loss measured after $k$ updates.

# %%
net, x, target = examples.mazur()
start = time.perf_counter()
history = train(net, x, target, learning_rate=0.5, epochs=10_000, mode="online", update_biases=False)
print(f"10,000 steps in {time.perf_counter() - start:.2f} s")
print(f"loss before any update (history.losses[0]):       {history.losses[0]:.9f}")
print(f"loss after one update (history.losses[1]):        {history.losses[1]:.9f}")
print(f"loss at the 10,000th forward pass (losses[9999]): {history.losses[9999]:.5e}")
print(f"loss after 10,000 updates (net.loss):             {net.loss(x, target):.5e}")

# %% [markdown]
# The published 0.0000351085 is `history.losses[9999]`: the error seen by the **10,000th forward pass**, which comes after only **9,999** updates. After the 10,000th update the error is 3.51019e-05. The difference is tiny, but it is the classic off-by-one of training loops: the loss a loop reports belongs to the weights *before* its last update.
#
# <details><summary>For the curious: the published error after the first update</summary>
#
# After the first update the published example prints 0.291027924; the exact value is 0.291027774, `losses[1]` above. No reading of the algorithm gives the printed number, not even one with Mazur's own rounded weights (lesson 05's box): most likely a copying slip.
#
# </details>
#
# ### What if the biases learn too?
#
# Mazur's example keeps its biases $b^{(1)} = 0.35$ and $b^{(2)} = 0.60$ fixed. A bias is a weight on an input that is always 1: it shifts a neuron's net input $z$ whatever the other inputs are. Letting the biases learn costs nothing:

# %%
net_b, _, _ = examples.mazur()
history_b = train(net_b, x, target, learning_rate=0.5, epochs=10_000, mode="online", update_biases=True)
print(f"after 10,000 updates, biases fixed:    {net.loss(x, target):.5e}")
print(f"after 10,000 updates, biases learning: {net_b.loss(x, target):.5e}")
print("learned biases:", net_b.biases[0], net_b.biases[1])
plots.loss_curve({"biases fixed (as published)": history.losses, "biases learning": history_b.losses})


# %% [markdown]
# With the biases free the error ends at 2.4476e-06, about 14 times lower: the output neuron that must reach 0.01 needs a very negative net input, and a bias can supply it directly. On the log axis both curves drop fast for a few hundred updates and then bend into a slower and slower descent: every decade of error costs more updates than the one before. Progress slows because near a target the sigmoid flattens, and its slope $\sigma'$ shrinks the gradient.
#
# ## 3 · The online training loop
#
# ### Exercise `train_online`
#
# Write online training (section 1, one sample per step) with the samples **in the order given** (no shuffling), updating weights *and* biases. Return one number per epoch: the mean, over that epoch's samples, of the loss each forward pass measured **before** its own update (so `losses[0]` is the untrained network's loss). Use `net.forward`, `net.backward`, and update `net.weights[l]` and `net.biases[l]` in place (or `net.step`). `T` holds the targets, one row per sample, as in `X` (lesson 06).

# %% solution
def train_online(net, X, T, learning_rate, epochs):
    """Online gradient descent: one update per sample, samples in order.

    Change `net` in place: training it is this function's job (unlike the other
    exercises). Do not change `X` or `T`.

    Parameters
    ----------
    net : Network
        Trained in place (weights and biases).
    X : ndarray, shape (N, n_in)
        Inputs, one sample per row.
    T : ndarray, shape (N, n_out)
        Targets, one row per sample.
    learning_rate : float
        The step size (alpha in the text), > 0.
    epochs : int
        Passes over the N samples.

    Returns
    -------
    losses : ndarray, shape (epochs,)
        losses[k]: the mean, over epoch k's samples, of the loss E that each
        forward pass measured before its own update.
    """
    ### BEGIN SOLUTION
    X, T = np.atleast_2d(np.asarray(X, dtype=float)), np.atleast_2d(np.asarray(T, dtype=float))
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        for x_n, t_n in zip(X, T):
            trace = net.forward(x_n)
            losses[epoch] += 0.5 * np.sum((t_n - trace.output) ** 2)
            grads = net.backward(trace, t_n)
            for l in range(len(net.weights)):
                net.weights[l] -= learning_rate * grads.weights[l]
                net.biases[l] -= learning_rate * grads.biases[l]
        losses[epoch] /= len(X)
    return losses
    ### END SOLUTION


# %% public
# Public test: Mazur's example with the biases learning, 10,000 epochs of its one sample.
with public_test("train_online"):
    from backprop_core import grading
    net_t, x_t, t_t = examples.mazur()
    # call_on_copies(f, ...): X and T go in as copies, and it fails if train_online changes them;
    # net_t is the test's own network, trained in place.
    mine = call_on_copies(train_online, net_t, x_t[None, :], t_t[None, :], 0.5, 10_000)
    assert np.shape(mine) == (10_000,), f"one loss per epoch: expected shape (10000,), got {np.shape(mine)}"
    grading.expect_close(mine[0], 0.298371109, "losses[0], the error of Mazur's example before any update", rtol=1e-8)
    assert mine[1] < mine[0], "the loss should fall after the first update: check the sign of your update"
    grading.expect_close(net_t.loss(x_t, t_t), net_b.loss(x, target), "the error after 10,000 updates with learning biases")
    grading.expect_close(mine, history_b.losses, "the whole loss curve")
    print(f"train_online passes the public tests (final error {net_t.loss(x_t, t_t):.4e}).")


# %% [markdown]
# ## 4 · Minibatches
#
# ### Exercise `minibatches`
#
# For minibatch training, the samples are dealt out in groups of `batch_size`. Write a generator (a function that hands out one pair at a time with `yield`; `for X_batch, T_batch in minibatches(...)` loops over them) that yields `(X_batch, T_batch)` pairs covering every sample exactly once, the last batch smaller when N is not a multiple of `batch_size`. With `rng=None` keep the order; with an integer `rng`, visit the samples in the order `np.random.default_rng(rng).permutation(N)`, and keep each input with its own target.

# %% solution
def minibatches(X, T, batch_size, rng):
    """Yield (X_batch, T_batch) pairs that cover every sample once.

    Do not change `X` or `T`.

    Parameters
    ----------
    X : ndarray, shape (N, n_in)
    T : ndarray, shape (N, n_out)
    batch_size : int
        B >= 1; the last batch holds the N mod B leftover samples, if any.
    rng : int or None
        None: samples in order. An int: samples in the order
        np.random.default_rng(rng).permutation(N).

    Yields
    ------
    X_batch : ndarray, shape (B, n_in)
    T_batch : ndarray, shape (B, n_out)
    """
    ### BEGIN SOLUTION
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    order = np.arange(len(X)) if rng is None else np.random.default_rng(rng).permutation(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], T[rows]
    ### END SOLUTION


# %% public
# Public test: 10 samples in batches of 4.
with public_test("minibatches"):
    X10 = np.arange(20.0).reshape(10, 2)
    T10 = np.arange(10.0).reshape(10, 1)          # target n belongs to row n
    # call_on_copies(f, ...) calls f(...) on copies, and fails if f changes X or T (e.g. shuffles them).
    batches = list(call_on_copies(minibatches, X10, T10, 4, None))
    sizes = [len(xb) for xb, _ in batches]
    hints = {(4, 4): ": the last, smaller batch is missing", (4, 3, 3): ": np.array_split evens out the sizes"}
    assert sizes == [4, 4, 2], f"batch sizes should be [4, 4, 2], got {sizes}{hints.get(tuple(sizes), '')}"
    assert np.array_equal(batches[0][0], X10[:4]), "without rng the first batch is rows 0-3, in order"
    shuffled = list(call_on_copies(minibatches, X10, T10, 4, 7))
    seen = np.concatenate([tb for _, tb in shuffled]).ravel()
    assert sorted(seen) == list(range(10)), f"every sample exactly once, got targets {seen}"
    for xb, tb in shuffled:
        assert np.array_equal(xb[:, 0] / 2, tb[:, 0]), "each input must stay with its own target"
    assert list(seen) == list(np.random.default_rng(7).permutation(10)), "shuffle with np.random.default_rng(rng).permutation(N)"
    print("minibatches passes the public tests.")


# %% [markdown]
# ### Exercise `updates_in_training`
#
# A question to answer with pencil and paper: how many updates does training make? A data set has 1,000 samples. It is trained for 3 epochs with minibatches of $B = 64$, the samples shuffled every epoch and dealt out as your `minibatches` does. How many times are the weights updated in all?
#
# Replace the `raise` line with `return` and your number (`return 123`). The public test only checks that it reads a number: whether it is right you learn when the lesson is graded, and a wrong answer is told what to reread.

# %% solution
def updates_in_training():
    """Your answer to the question above.

    Returns
    -------
    int
        The number of weight updates in the whole run.
    """
    ### BEGIN SOLUTION
    return 48
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("updates_in_training"):
    expect_answer(updates_in_training)


# %% [markdown]
# ## 5 · XOR from random weights
#
# The XOR-by-hand example (*Calculating backpropagation by hand*, a blog post, in lesson 05's optional box) trains a 2-2-1 sigmoid network with biases to compute XOR: output 1 when exactly one input is 1. It starts from weights and biases drawn uniformly at random between −4 and 4 and trains online with $\alpha = 1$, in the order (0,0), (0,1), (1,0), (1,1). `examples.xor(seed=s)` draws such a start from a random-number generator started with seed `s` (the same `s`, the same weights); `examples.xor()` is the start the blog post printed.
#
# The picture shows the network's output over the input plane (colour) and its **decision boundary**, the curve where the output crosses 0.5. A single neuron can only draw a straight boundary, and no straight line separates XOR's two classes; the hidden layer bends it.

# %%
def train_xor(rng_seed, epochs, snapshots=()):
    # Online, in the order (0,0), (0,1), (1,0), (1,1), alpha = 1; copies of the net at the given epochs.
    net, X, T = examples.xor(seed=rng_seed)
    copies = {}
    def keep(epoch, net, loss):
        if epoch + 1 in snapshots:
            copies[epoch + 1] = net.copy()
    history = train(net, X, T, learning_rate=1.0, epochs=epochs, mode="online", shuffle=False, callback=keep)
    return net, history, copies

net_x, X_xor, T_xor = examples.xor(seed=1)
start = time.perf_counter()
trained, history_x, copies = train_xor(1, 2000, snapshots=(100, 600, 2000))
print(f"2,000 epochs in {time.perf_counter() - start:.2f} s; outputs now {trained.forward(X_xor).output.ravel()}")

fig, axes = plots.new_figure(9.0, 8.0, ncols=2, nrows=2)
axes = axes.ravel()
plots.decision_boundary(net_x, X_xor, T_xor, ax=axes[0]); axes[0].set_title("random start (rng seed 1)")
for ax, epoch in zip(axes[1:], (100, 600, 2000)):
    panel = plots.decision_boundary(copies[epoch], X_xor, T_xor, ax=ax)
    ax.set_title(f"after {epoch} epochs")
panel      # a plot object shows its whole figure

# %%
curve = plots.loss_curve(history_x.losses)
curve.ax.set_title("XOR from random start 1: loss while training")
curve

# %% [markdown]
# ### Train it yourself
#
# The explorer below trains the XOR network live, online and in the samples' given order, as your `train_online` does. It opens on the random start above, which learns: press **train** and watch the loss curve fall and the decision boundary bend around the two squares. Then pick **the XOR-by-hand start** (the blog post's own weights) and train again: does it learn too? (The subsection after the explorer answers.) **another random start** draws fresh weights; **reset** goes back to epoch 0; moving the learning rate starts over too.
#
# Once your `train_online` (section 3) works, tick the box: the run starts over from the same start with your loop, and a correct loop shows exactly the same numbers as the reference.

# %%
from backprop_core.viz.widgets import training_explorer
training_explorer(learning_rate=1.0, epochs=500, student_train="train_online")

# %% [markdown]
# ### A start that gets stuck
#
# Not every start succeeds. The cell below tries six random starts (rng seeds 0 to 5) for 1,500 epochs and calls a run **stuck** when its loss is still above 0.05 (a solved XOR is far below 0.01).

# %%
start = time.perf_counter()
final = {}
for rng_seed in range(6):
    net_s, hist_s, _ = train_xor(rng_seed, 1500)
    final[rng_seed] = net_s.loss(X_xor, T_xor)
print(f"(searched in {time.perf_counter() - start:.1f} s)")
for rng_seed, loss in final.items():
    print(f"random start {rng_seed}: loss after 1,500 epochs {loss:.4f}  {'STUCK' if loss > 0.05 else 'solved'}")
stuck_seed = min(rng_seed for rng_seed, loss in final.items() if loss > 0.05)

# %%
stuck, history_stuck, _ = train_xor(stuck_seed, 2_000)
trace_stuck = stuck.forward(X_xor)
grads_stuck = stuck.backward(trace_stuck, T_xor)
print(f"random start {stuck_seed} after 2,000 epochs: loss {stuck.loss(X_xor, T_xor):.4f}")
print("outputs for (0,0), (0,1), (1,0), (1,1):", trace_stuck.output.ravel().round(3))
print("hidden net inputs z (rows = samples):\n", trace_stuck.pre_activations[0].round(1))
print("hidden activations (rows = samples):\n", trace_stuck.activations[0].round(3))
print("sigma'(z) of the hidden neurons:\n", (trace_stuck.activations[0] * (1 - trace_stuck.activations[0])).round(5))
print("size of the whole gradient:", np.sqrt(sum(np.sum(g ** 2) for g in grads_stuck.weights + grads_stuck.biases)))

fig, axes = plots.new_figure(9.0, 3.6, ncols=2)   # the loss first: the colour bar's label then has room on the right
plots.loss_curve({f"random start {stuck_seed} (stuck)": history_stuck.losses, "random start 1": history_x.losses}, ax=axes[0])
panel = plots.decision_boundary(stuck, X_xor, T_xor, ax=axes[1])
axes[1].set_title(f"random start {stuck_seed}, 2,000 epochs")
panel      # a plot object shows its whole figure

# %% [markdown]
# Read the numbers above. The stuck network gets two of the four points right and answers about 0.5 for the other two, a loss near $\tfrac14\cdot 2\cdot\tfrac12(0.5)^2 = 0.0625$. Why doesn't it improve?
#
# * **Two inputs share one hidden picture.** The two points it gets wrong produce (almost) the same hidden activations, so the output neuron sees the same thing for both and can only answer their average, 0.5. To separate them a hidden neuron must change its response to one and not the other.
# * **The hidden neurons that would have to change are saturated.** Their net inputs are large ($|z| \gtrsim 5$), where the sigmoid is flat: $\sigma'(z)$ is around $10^{-3}$ or smaller, and every gradient reaching the hidden weights is multiplied by it. The whole gradient is tiny, so gradient descent barely moves.
#
# This is a **local minimum** (or a plateau so flat it behaves like one): every small step makes things worse or changes nothing, although a much better solution exists. The cure is not a cleverer update but a different start, smaller initial weights (which keep the sigmoids out of their flat tails), or more hidden neurons. The XOR-by-hand example's own start, `examples.xor()`, ends in the same kind of trap: it is the explorer's stuck start.
#
# ## 6 · How the learning rate matters
#
# Back to Mazur's example. When it opens, the explorer trains it for 10,000 updates at every learning rate its slider offers, from 0.01 to 1000 (all of them side by side as one computation), so a move shows the whole run at once. Left: the run at your $\alpha$ against the published $\alpha = 0.5$ (dashed), on a logarithmic axis of updates, so that the first few updates and the last thousands both show. Right: the final error for every rate, your rate marked; a cross at the top marks a run that diverged. The second network is hmkcode's linear 2-2-1 example (hmkcode, *Backpropagation Step by Step*) from lessons 01 and 02.
#
# **Before you move the slider:** what happens to hmkcode's linear network at $\alpha = 5$? Does its error settle, bounce, or grow? Lesson 02's one-weight example is a clue. Then set the slider to 5 and look.
#
# <details><summary>What you should see</summary>
#
# It diverges: every step jumps past the minimum to the other side of the valley and lands higher than before, so the error grows without limit (the cell after the explorer prints after how many updates it passes $10^6$). Nothing bounds a linear output; the next paragraphs say where this starts and what a sigmoid output does instead.
#
# </details>

# %%
from backprop_core.viz.widgets import learning_rate_explorer
rates_explorer = learning_rate_explorer(learning_rate=0.5)
rates_explorer

# %% [markdown]
# The explorer keeps every run. The cell below reads a few of them, checks one against `train` run the ordinary way, and prints what happened.

# %%
from backprop_core.viz.widgets.lesson07 import RATES
mazur_losses, mazur_final, _ = rates_explorer.runs["Mazur's 2-2-2 sigmoid"]
linear_losses, linear_final, linear_blown_at = rates_explorer.runs["hmkcode's linear 2-2-1"]

net_r, x_r, t_r = examples.mazur()
train(net_r, x_r, t_r, learning_rate=5.0, epochs=10_000, update_biases=False)
assert np.isclose(net_r.loss(x_r, t_r), mazur_final[RATES.index(5.0)], rtol=1e-9)   # the same run

print("Mazur's example, error after 10,000 updates:")
for rate in (0.05, 0.5, 5.0, 50.0, 150.0, 1000.0):
    print(f"  α = {rate:6g}: {mazur_final[RATES.index(rate)]:.3e}")
print("hmkcode's linear example:")
for rate in (0.05, 0.3, 0.5, 0.7, 5.0):
    k = RATES.index(rate)
    last_two = linear_losses[k][-2:]
    if linear_blown_at[k] >= 0:
        print(f"  α = {rate:6g}: diverged, the error passed 1e6 after {linear_blown_at[k]} updates")
    elif linear_final[k] > 1e-6:
        print(f"  α = {rate:6g}: error after 10,000 updates {linear_final[k]:.3e}, not settling: its last two {last_two[0]:.4f}, {last_two[1]:.4f}")
    else:
        print(f"  α = {rate:6g}: error after 10,000 updates {linear_final[k]:.3e}")

# %% [markdown]
# Three regimes show up, in both networks:
#
# * **Too small** ($\alpha = 0.05$ for Mazur's example): every step is safe but tiny, and 10,000 of them leave the error near $10^{-3}$.
# * **About right**: larger steps get there faster. For Mazur's example the final error keeps falling as $\alpha$ grows, all the way to about 50, where it reaches the limit of float64 arithmetic: float64 keeps about 16 significant digits, so an output near its target cannot get closer than about $10^{-15}$ to it, and $E = \tfrac12(10^{-15})^2 \approx 10^{-31}$ (lesson 08 says more about precision).
# * **Too large**: the step overshoots. hmkcode's linear network has an output that nothing bounds: from $\alpha \approx 0.3$ each step jumps past the minimum to the other side of the valley. At 0.3 the error bounces between the same two values for ever, at 0.5 it jumps around without settling, and from 0.7 on each jump lands higher than the last, so the error grows without limit: the run **diverges** (lesson 02 showed the same on one weight). A sigmoid output cannot run away, since it stays between 0 and 1 and so $E \le 1$; instead, from $\alpha \approx 150$ the very first step throws the outputs deep into the sigmoid's flat tails, to 0 or 1 where the targets are 0.01 and 0.99. There $\sigma' \approx 0$ and the gradient vanishes: the error stops at $5\cdot10^{-5}$ to $10^{-4}$ for good, $10^{26}$ times worse than at $\alpha = 50$.
#
# No rate is right for every problem. The usual practice is to try rates a factor 3 to 10 apart and keep the largest that trains smoothly.
#
# ## 7 · A small real data set: two moons
#
# Two interleaved half-circles, 200 noisy points each for training and for testing, generated with numpy. No straight line separates them.

# %%
def two_moons(n, noise, seed):
    # n points on two interleaved half-circles with Gaussian noise; label 1 for the lower moon.
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, np.pi, size=n)
    upper = rng.random(n) < 0.5
    points = np.where(upper[:, None],
                      np.column_stack([np.cos(angle), np.sin(angle)]),
                      np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)]))
    return points + rng.normal(scale=noise, size=(n, 2)), (~upper).astype(float)[:, None]

X_train, T_train = two_moons(200, 0.15, seed=0)
X_test, T_test = two_moons(200, 0.15, seed=1)
print("X_train", X_train.shape, "T_train", T_train.shape)

# %% [markdown]
# The hidden layer here uses a new activation, **tanh** (the hyperbolic tangent): an S-curve like the sigmoid, but from −1 to 1, with the derivative $\tanh'(z) = 1 - \tanh(z)^2$, computed from the activation as $\sigma' = \sigma(1 - \sigma)$ is. The backward pass is the same apart from that derivative. The output stays a sigmoid, because the targets are 0 and 1.
#
# <details><summary>For the curious: tanh is a stretched sigmoid</summary>
#
# $\tanh(z) = 2\sigma(2z) - 1$: a sigmoid stretched to twice the height and squeezed to half the width, so it is centred on 0 and, at $z = 0$, four times as steep: $\tanh'(0) = 1$ against the sigmoid's 0.25. Hidden values of both signs and steeper slopes usually make a hidden layer learn faster.
#
# </details>
#
# A 2-8-1 network (tanh hidden layer, sigmoid output) trained with minibatches of 10 for 300 epochs, $\alpha = 1$. **Accuracy** is the share of points on the right side of the 0.5 boundary; we measure it on the **test set**, 200 points which training never saw. This run reaches at least **97 %** test accuracy.

# %%
rng = np.random.default_rng(0)
moons_net = Network(weights=[rng.normal(size=(8, 2)), rng.normal(size=(1, 8))],
                    biases=[np.zeros(8), np.zeros(1)], activations=["tanh", "sigmoid"])
start = time.perf_counter()
history_m = train(moons_net, X_train, T_train, learning_rate=1.0, epochs=300, mode="minibatch", batch_size=10, seed=0)

def accuracy(net, X, T):
    return float(np.mean((net.forward(X).output > 0.5) == (T > 0.5)))

train_accuracy, test_accuracy = accuracy(moons_net, X_train, T_train), accuracy(moons_net, X_test, T_test)
print(f"trained in {time.perf_counter() - start:.2f} s; train accuracy {train_accuracy:.1%}, test accuracy {test_accuracy:.1%}")
assert test_accuracy >= 0.97

fig, axes = plots.new_figure(10.0, 4.0, ncols=2)   # the loss first: the colour bar's label then has room on the right
axes[0].set_title("training loss")
plots.loss_curve({"minibatch, B = 10": history_m.losses}, ax=axes[0])
panel = plots.decision_boundary(moons_net, X_test, T_test, ax=axes[1], lim=(-1.6, 2.6), marker_size=22)  # 200 points: small markers
axes[1].set_title("test points and the learned boundary")
panel      # a plot object shows its whole figure

# %% [markdown]
# ## 8 · Your own minibatch loop
#
# Section 7 trained the two-moons network with the course's `train`. Its loop is the four moves of section 1, done once per minibatch, with the batches dealt out by a generator like your `minibatches`. Written out, for epoch $k = 0, 1, \dots$:
#
# 1. deal the samples out in a new order, with a new random seed every epoch (the docstring says which), so that the same `seed` gives the same run again;
# 2. for each batch $m$, with $n_m$ samples $(X_m, T_m)$ ($B$, or fewer in the last batch): **forward**, **measure** its mean loss $E_m = \frac{1}{n_m} \sum_{n \in m} E_n$ *before* the update, **backward** (the network's backward pass already gives the batch's *mean* gradient), **update** every weight and bias;
# 3. record the epoch's loss: the mean over all $N$ samples of the loss each one's forward pass measured, $\frac1N \sum_m n_m\, E_m$. Each batch's mean counts with its size, so the last, smaller batch counts less.
#
# ### Exercise `train_minibatch`
#
# Write that loop. Use your `minibatches` (section 4) for step 1 and the network's own `forward`, `backward` and `step`; the shapes are in the docstring. Training `net` in place is the job; `X` and `T` stay as they were.

# %% solution
def train_minibatch(net, X, T, learning_rate, epochs, batch_size, seed):
    """Minibatch gradient descent: a new order every epoch, one update per batch.

    Change `net` in place: training it is this function's job. Do not change `X` or `T`.

    Parameters
    ----------
    net : Network
        Trained in place (weights and biases).
    X : ndarray, shape (N, n_in)
        Inputs, one sample per row.
    T : ndarray, shape (N, n_out)
        Targets, one row per sample.
    learning_rate : float
        The step size (alpha in the text), > 0.
    epochs : int
        Passes over the N samples.
    batch_size : int
        B, the samples per update; the last batch of an epoch may be smaller.
    seed : int
        Epoch k deals the samples with minibatches(X, T, batch_size, rng=seed + k).

    Returns
    -------
    losses : ndarray, shape (epochs,)
        losses[k]: the mean, over epoch k's N samples, of the loss that each
        sample's forward pass measured before its batch's update.
    """
    ### BEGIN SOLUTION
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        for X_batch, T_batch in minibatches(X, T, batch_size, rng=seed + epoch):
            trace = net.forward(X_batch)
            # the batch's summed loss; divided by N below, it is its mean weighted by its size B
            losses[epoch] += 0.5 * np.sum((T_batch - trace.output) ** 2)
            net.step(net.backward(trace, T_batch), learning_rate)
        losses[epoch] /= len(X)
    return losses
    ### END SOLUTION


# %% public
# Public test: the two-moons network of section 7, untrained, for 10 epochs of batches of 16 (the last
# batch of each epoch holds 8). The course's train, one epoch at a time with rng=seed + k, deals the same batches.
with public_test("train_minibatch"):
    def untrained_moons():
        start = np.random.default_rng(0)
        return Network(weights=[start.normal(size=(8, 2)), start.normal(size=(1, 8))],
                       biases=[np.zeros(8), np.zeros(1)], activations=["tanh", "sigmoid"])
    reference_net = untrained_moons()
    reference = np.array([train(reference_net, X_train, T_train, learning_rate=1.0, epochs=1, mode="minibatch",
                                batch_size=16, seed=3 + k).losses[0] for k in range(10)])
    mine_net = untrained_moons()
    mine = call_on_copies(train_minibatch, mine_net, X_train, T_train, 1.0, 10, 16, 3)
    assert np.shape(mine) == (10,), f"one loss per epoch: expected shape (10,), got {np.shape(mine)}"
    weights_right = all(np.allclose(w, r, rtol=1e-4, atol=1e-5) for w, r in zip(mine_net.weights, reference_net.weights))
    grading.expect_close(mine_net.weights[0], reference_net.weights[0], "the hidden weights after 10 epochs. Epoch k "
                         "deals the batches with minibatches(X, T, batch_size, rng=seed + k); each batch: forward, "
                         "backward, then the update with the batch's mean gradient (net.backward gives it)")
    grading.expect_close(mine, reference, "the loss curve" + (": your weights are right, only the recorded losses "
                         "are not. Each loss is measured before its batch's update, and a batch's mean loss counts "
                         "with its size B (the last batch holds 8)" if weights_right else ""))
    print(f"train_minibatch passes the public tests (loss {mine[0]:.4f} -> {mine[-1]:.4f}).")

# %% [markdown]
# Now your loop does section 7's job: the same 2-8-1 network from the same start, 300 epochs of minibatches of 10 with `seed=0`, $\alpha = 1$, trained by your `train_minibatch`, then measured on the test points it never saw. (Until your loop is written, the course's `train` runs instead, and the cell says so.)

# %%
def untrained_moons_net():
    start = np.random.default_rng(0)      # section 7's starting weights
    return Network(weights=[start.normal(size=(8, 2)), start.normal(size=(1, 8))],
                   biases=[np.zeros(8), np.zeros(1)], activations=["tanh", "sigmoid"])


try:
    own_net = untrained_moons_net()
    own_losses = train_minibatch(own_net, X_train, T_train, learning_rate=1.0, epochs=300, batch_size=10, seed=0)
    trained_by = "your train_minibatch"
except NotImplementedError:   # until your loop is written, the course's train runs the same network
    own_net = untrained_moons_net()
    own_losses = train(own_net, X_train, T_train, learning_rate=1.0, epochs=300, mode="minibatch",
                       batch_size=10, seed=0).losses
    trained_by = "the course's train (your train_minibatch is not written yet)"
print(f"trained by {trained_by}: loss {own_losses[0]:.4f} -> {own_losses[-1]:.4f}; "
      f"train accuracy {accuracy(own_net, X_train, T_train):.1%}, test accuracy {accuracy(own_net, X_test, T_test):.1%}")

# %% [markdown]
# ## Summary
#
# * A training step is forward, measure, backward, update; an epoch is one pass over the data. Online uses one sample per step, batch all of them, minibatch B of them.
# * A loop's recorded loss is measured *before* its update: Mazur's published 0.0000351085 is the 10,000th forward pass (9,999 updates); after 10,000 updates the error is 3.51019e-05, and 2.4476e-06 when the biases learn too.
# * XOR needs the hidden layer to bend the decision boundary. A start can end in a local minimum where two inputs share one hidden picture and saturated sigmoids ($\sigma' \approx 0$) stall the gradient.
# * The learning rate trades speed against stability: too small wastes steps, too large overshoots (a linear output diverges, a sigmoid output saturates and stops).
# * tanh is a sigmoid-like activation from −1 to 1; on two moons a 2-8-1 tanh/sigmoid network reaches ≥ 97 % test accuracy.
#
# **Fresh words:** *epoch*, *online / batch / minibatch training*, *decision boundary*, *saturation*, *local minimum*, *divergence*, *tanh*, *accuracy*, *test set*.
#
# ## Check your understanding
#
# 1. A data set has 1,000 samples. How many updates happen in 5 epochs of online training, and in 5 epochs of batch training? With minibatches of B = 32, how many samples does the last minibatch of an epoch hold?
# 2. Your loop prints `loss = 0.012` after its last epoch, and then `net.loss(X, T)` says 0.011. Is something wrong?
# 3. Why would smaller initial weights make a stuck XOR start less likely?
#
# <details><summary>Answers</summary>
#
# 1. Online: one update per sample, 5,000. Batch: one per epoch, 5. The last minibatch holds what is left after the full ones, 1000 mod 32 = 8 samples: it is shorter, not dropped.
# 2. No. The printed loss was measured before the epoch's updates (an average over the epoch for online training); `net.loss` sees the weights after them.
# 3. Small weights give small net inputs, where the sigmoid is steep ($\sigma' \approx 0.25$), so gradients reach the hidden layer at full strength and the hidden neurons can still change what they respond to. Large weights push the sigmoids into their flat tails from the first step.
#
# </details>

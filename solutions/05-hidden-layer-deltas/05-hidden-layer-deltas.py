# %% [markdown]
# # Lesson 05 · Hidden-layer deltas
#
# An output neuron knows its target, so its error is easy to measure. A hidden neuron has no target:
# nobody tells us what h1 *should* have produced. This lesson shows how the output neurons' deltas,
# sent backwards along the weights, give every hidden neuron a delta of its own — the step that gives
# **back**propagation its name.
#
# **After this lesson you will be able to**
#
# 1. explain why a hidden neuron's error is a *sum* over every path from it to the error;
# 2. compute all hidden deltas at once with one matrix–vector product, transpose included;
# 3. carry out one full step of backpropagation on a two-layer network, in the right order;
# 4. recognise a common slip — taking $\sigma'$ at the activation instead of the net input — and its cost.
#
# You will write `hidden_delta` and `backprop_step`, and answer two questions: `predicted_dE_dw3` (a number to
# predict) and `update_order_option` (an order of the steps to choose).

# %%
import numpy as np

from backprop_core import Network, examples
from backprop_core.nn.activations import sigmoid, sigmoid_prime
from backprop_core.viz.plots import draw_network
from backprop_core.viz.tables import show_table
from backprop_core.grading import call_on_copies, expect_answer, public_test

np.set_printoptions(precision=9, suppress=True)

# %% [markdown]
# ## Where lesson 04 left us
#
# The same network and training example: Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step
# Backpropagation Example*), with its fixed biases, the input $x = (0.05,\ 0.10)$ and the target
# $(0.01,\ 0.99)$. As in lesson 04, $z$ is a net input, $a$ an activation and $\alpha$ the learning rate.
# Lesson 04 gave the output deltas, $\delta_{o} = (a_o - \text{target}_o)\,\sigma'(z_o)$, and with them the
# gradients of $w_5 \dots w_8$.

# %%
net, x, target = examples.mazur()
W1, W2 = net.weights
trace = net.forward(x)
z_hidden, z_out = trace.pre_activations
a_hidden, output = trace.activations

delta_out = (output - target) * sigmoid_prime(z_out)   # lesson 04
print("output deltas δ_o1, δ_o2:", delta_out)
print(f"error before any update: E = {net.loss(x, target):.9f}")

# %% [markdown]
# ## A hidden neuron talks to every output
#
# Nudge $w_1$ (from $x_1$ into h1). It changes $z_{h1}$, hence $a_{h1}$, and $a_{h1}$ feeds **both** output neurons:
#
# $$
# w_1 \to z_{h1} \to a_{h1} \;\begin{cases} \to z_{o1} \to a_{o1} \to E \\ \to z_{o2} \to a_{o2} \to E \end{cases}
# $$
#
# When a quantity reaches the error along several paths, its effects simply add up (the multivariable chain rule).
# Along the path through o1, the part from $z_{o1}$ to $E$ is already known — it is $\delta_{o1}$ — and the link
# from $a_{h1}$ to $z_{o1}$ is the weight between them, because $z_{o1} = w_5\, a_{h1} + w_6\, a_{h2} + b^{(2)}$.
# So
#
# $$
# \frac{\partial E}{\partial a_{h1}}
# = \delta_{o1}\, w_5 + \delta_{o2}\, w_7 .
# $$
#
# Each output neuron sends its delta back along the edge it came from, weighted by that edge's weight,
# and the hidden neuron collects the sum.

# %%
w5, w7 = W2[0, 0], W2[1, 0]          # the two weights leaving h1 (column 0 of W2)
via_o1 = delta_out[0] * w5
via_o2 = delta_out[1] * w7
dE_da_h1 = via_o1 + via_o2
print(f"via o1: δ_o1·w5 = {delta_out[0]:.9f} × {w5} = {via_o1: .9f}")
print(f"via o2: δ_o2·w7 = {delta_out[1]:.9f} × {w7} = {via_o2: .9f}")
print(f"∂E/∂a_h1 = {dE_da_h1:.9f}")

# %% [markdown]
# **Check it with a nudge.** "The effects add up" is the crux of backpropagation, so do not take it on trust.
# As lesson 03 checked the chain rule, nudge h1's activation by a tiny $h$ and measure how the error changes,
# three times (with lesson 03's central differences): once letting the nudge reach only o1 (o2 still receives the old $a_{h1}$), once only o2, and
# once both, as in the real network. Each one-path slope should match its term above, and the two together
# should match their sum.

# %%
b2 = net.biases[1]                   # the output layer's bias b⁽²⁾, the same 0.60 into o1 and o2


def error_with(a_h1_into_o1, a_h1_into_o2):
    """E when o1 receives h1's activation as the first number and o2 as the second (h2 unchanged)."""
    z_o1 = W2[0, 0] * a_h1_into_o1 + W2[0, 1] * a_hidden[1] + b2[0]
    z_o2 = W2[1, 0] * a_h1_into_o2 + W2[1, 1] * a_hidden[1] + b2[1]
    return 0.5 * ((sigmoid(z_o1) - target[0]) ** 2 + (sigmoid(z_o2) - target[1]) ** 2)


h, a_h1 = 1e-5, a_hidden[0]          # h: the nudge, not a neuron. Central differences, as in lesson 03: (E(a + h) − E(a − h)) / 2h
only_o1 = (error_with(a_h1 + h, a_h1) - error_with(a_h1 - h, a_h1)) / (2 * h)
only_o2 = (error_with(a_h1, a_h1 + h) - error_with(a_h1, a_h1 - h)) / (2 * h)
both = (error_with(a_h1 + h, a_h1 + h) - error_with(a_h1 - h, a_h1 - h)) / (2 * h)
print(f"nudge reaching o1 only:   {only_o1: .9f}   (δ_o1·w5 = {via_o1: .9f})")
print(f"nudge reaching o2 only:   {only_o2: .9f}   (δ_o2·w7 = {via_o2: .9f})")
print(f"sum of the two:           {only_o1 + only_o2: .9f}")
print(f"nudge reaching both:      {both: .9f}   (∂E/∂a_h1 = {dE_da_h1: .9f})")

# %% [markdown]
# The measured slopes agree with the chain rule's to about nine digits (the nudge is small, not zero). The path through o1 raises the error and
# the path through o2 lowers it; the real network feels both at once, and what it feels is their sum.
#
# <details><summary>For the curious: Mazur's printed −0.019049119</summary>
#
# Mazur's page prints −0.019049119, one unit off in the last digit: it multiplied $\delta_{o2}$ already rounded to
# nine decimals (−0.038098237) by $w_7 = 0.5$. The exact value is −0.0190491183; the sum, 0.036350306, agrees.
#
# </details>
#
# From here on it is lesson 04 again. Multiply by the sigmoid's slope **at h1's net input** to get h1's delta,
# then by what $w_1$ multiplies (the input $x_1$) to get the gradient:
#
# $$
# \delta_{h1} = \frac{\partial E}{\partial a_{h1}}\;\sigma'(z_{h1}),
# \qquad
# \frac{\partial E}{\partial w_1} = \delta_{h1}\, x_1 .
# $$

# %%
slope_h1 = sigmoid_prime(z_hidden[0])
delta_h1 = dE_da_h1 * slope_h1
dE_dw1 = delta_h1 * x[0]
dE_dw5 = delta_out[0] * a_hidden[0]   # lesson 04's w5, for comparison
show_table(["quantity", "value"], [
    [r"$\partial E/\partial a_{h1}$", f"{dE_da_h1:.9f}"],
    [r"$\sigma'(z_{h1}) = a_{h1}(1-a_{h1})$", f"{slope_h1:.9f}"],
    [r"$\delta_{h1}$", f"{delta_h1:.9f}"],
    [r"$x_1$", x[0]],
    [r"$\partial E/\partial w_1 = \delta_{h1}\, x_1$", f"**{dE_dw1:.9f}**"],
    [r"$\partial E/\partial w_5$ (lesson 04) divided by $\partial E/\partial w_1$", f"{dE_dw5 / dE_dw1:.1f}"],
])

# %% [markdown]
# On the drawing, h1 is ringed and the two weights leaving it are marked. The purple arrows beside the edges run
# backwards, each as wide as the $w \cdot \delta$ it carries; h1's delta (above it) is what arrives, times its slope.

# %%
drawing = draw_network(net, trace, net.backward(trace, target), target=target)
drawing.highlight(edges=["w5", "w7"], neurons=[(1, 0)])
drawing


# %% [markdown]
# Notice how small $\partial E/\partial w_1$ is — about 187 times smaller than $\partial E/\partial w_5$ (last row of the table).
# On the way back the signal was multiplied by weights below 1, by a sigmoid slope of at most 0.25, and finally
# by a small input. Gradients that shrink layer after layer are a real concern in deep networks.
#
# ## All hidden deltas at once: why the transpose
#
# Write the sum for every hidden neuron $k$ at once. Neuron $k$ collects $\sum_j W^{(2)}_{jk}\,\delta_j$: the
# weights *leaving* $k$, which stand in **column** $k$ of $W^{(2)}$ (its rows hold the weights *into* each output).
# Reading columns instead of rows is what a transpose does.
#
# Collect each layer's numbers into a vector named by its layer number, as $W^{(2)}$ is:
# $\delta^{(2)} = (\delta_{o1}, \delta_{o2})$, $\delta^{(1)} = (\delta_{h1}, \delta_{h2})$, $z^{(1)} = (z_{h1}, z_{h2})$.
# Then all the hidden deltas are, with $\odot$ multiplying entry by entry,
#
# $$
# \delta^{(1)} = \sigma'(z^{(1)}) \odot \big(W^{(2)\top} \delta^{(2)}\big),
# \qquad
# \underbrace{\delta^{(1)}}_{(n_{hidden},)} \;=\;
# \underbrace{\sigma'(z^{(1)})}_{(n_{hidden},)} \odot
# \underbrace{W^{(2)\top}}_{(n_{hidden},\, n_{out})}\,
# \underbrace{\delta^{(2)}}_{(n_{out},)} .
# $$
#
# Forward, $W^{(2)}$ carries activations from the hidden layer to the outputs;
# backward, $W^{(2)\top}$ carries deltas from the outputs to the hidden layer. The shapes check it: without the
# transpose, a layer with 3 hidden neurons and 2 outputs could not multiply at all.
#
# ### Exercise `hidden_delta`

# %% solution
def hidden_delta(z, W_next, delta_next):
    """Deltas of a sigmoid hidden layer, from the deltas of the layer after it.

    Return a new array; do not change `z`, `W_next` or `delta_next`.

    Parameters
    ----------
    z : ndarray, shape (n_hidden,)
        Net inputs of the hidden neurons.
    W_next : ndarray, shape (n_next, n_hidden)
        Weights from this layer into the next one (row j: the weights into neuron j).
    delta_next : ndarray, shape (n_next,)
        Deltas of the next layer's neurons.

    Returns
    -------
    delta : ndarray, shape (n_hidden,)
        The delta of each hidden neuron: how fast the error changes with its net input.
    """
    ### BEGIN SOLUTION
    a = sigmoid(np.asarray(z, dtype=float))
    return a * (1.0 - a) * (np.asarray(W_next, dtype=float).T @ np.asarray(delta_next, dtype=float))
    ### END SOLUTION


# %% public
# Public test: a layer of 3 hidden neurons feeding 2 outputs, then the worked example.
# call_on_copies(f, ...) calls f(...) on copies, so the lesson's arrays stay as they are.
with public_test("hidden_delta"):
    W_wide = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])     # 2 next neurons, 3 hidden: shape (2, 3)
    try:
        three = call_on_copies(hidden_delta, np.zeros(3), W_wide, np.array([1.0, -1.0]))
    except (ValueError, IndexError) as error:
        raise AssertionError(
            f"hidden_delta raised {type(error).__name__} ({error}) for 3 hidden neurons feeding 2. W_next has shape "
            "(2, 3), one row per next neuron; hidden neuron k collects column k. W_next @ delta_next cannot even be "
            "computed here, W_next.T @ delta_next can: is the transpose missing?") from None
    assert np.shape(three) == (3,), (
        f"3 hidden neurons need 3 deltas, got shape {np.shape(three)}: is the transpose missing (W_next.T)?")
    slope_hint = (": σ′(z) written as z·(1 − z) is 0 at z = 0; a·(1 − a) needs the activation a = σ(z)"
                  if np.allclose(three, 0.0) else
                  ": that is σ′ taken at the activation σ(0) = 0.5 instead of the net input 0"
                  if np.allclose(three, sigmoid_prime(0.5) * -3.0) else "")
    assert np.allclose(three, [-0.75, -0.75, -0.75]), (
        f"σ′(0) = 0.25 times W_nextᵀδ = (−3, −3, −3) gives −0.75 each, got {three}{slope_hint}")

    delta_hidden = call_on_copies(hidden_delta, z_hidden, W2, delta_out)
    assert np.shape(delta_hidden) == (2,), f"one delta per hidden neuron: expected shape (2,), got {np.shape(delta_hidden)}"
    if np.allclose(delta_hidden, sigmoid_prime(z_hidden) * (W2 @ delta_out)):
        raise AssertionError(f"got {delta_hidden}: that is W2 @ delta_out where W2.T @ delta_out belongs — "
                             "a missing transpose. Hidden neuron k collects the weights leaving it, column k of W2.")
    assert np.isclose(delta_hidden[0], 0.036350306 * 0.241300709, atol=1e-9), (
        f"δ_h1 should be ∂E/∂a_h1 · σ′(z_h1) = 0.036350306 × 0.241300709 = {0.036350306 * 0.241300709:.9f}, "
        f"got {delta_hidden[0]}"
        + (": that is σ′ taken at the activation a_h1 instead of the net input z_h1"
           if np.allclose(delta_hidden, sigmoid_prime(a_hidden) * (W2.T @ delta_out)) else ""))
    print("hidden deltas δ_h =", delta_hidden)

# %% [markdown]
# ## The gradients of $w_1 \dots w_4$
#
# A hidden weight's gradient follows the rule of lesson 04 — *delta of the receiving neuron × activation of the
# sending one* — where the senders are now the inputs: $\partial E/\partial W^{(1)} = \delta^{(1)} x^\top$.
#
# ### Exercise `predicted_dE_dw3`
#
# Predict one of them before the next cell computes all four: what is $\partial E/\partial w_3$? The public test of
# `hidden_delta` printed both hidden deltas, and $x = (0.05,\ 0.10)$. Which
# neurons $w_3$ joins: $W^{(1)} = \begin{pmatrix} w_1 & w_2 \\ w_3 & w_4 \end{pmatrix}$, one row per hidden neuron.
# Replace the `raise` line with `return` and your number; three significant digits are enough (`return 0.000123`).
# The public test only checks that it reads a number: whether it is right you learn when the lesson is graded.

# %% solution
def predicted_dE_dw3():
    """Your answer to the question above.

    Returns
    -------
    float
        ∂E/∂w3 in Mazur's example, to 3 significant digits or more.
    """
    ### BEGIN SOLUTION
    return 0.000498
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_dE_dw3"):
    expect_answer(predicted_dE_dw3)


# %% [markdown]
# ### Watch the deltas flow backwards
#
# With your prediction written down, the widget below shows every delta and every weight's gradient of Mazur's
# network, $\partial E/\partial w_3$ among them. Each purple arrow carries $w \cdot \delta$ from a neuron back to the one feeding it, as wide as the amount it
# carries; each hidden neuron adds what arrives and multiplies by its $\sigma'(z)$. Move a weight slider and every
# delta follows. The first checkbox writes, beside each delta, the value you would get by taking the derivative at
# the activation instead of the net input — the slip discussed at the end of this lesson — so you can see how far
# off it lands. Once your `hidden_delta` runs, tick *use my hidden_delta* to draw the hidden deltas with your function.

# %%
from backprop_core.viz.widgets import delta_flow

delta_flow("mazur", student_hidden_delta="hidden_delta")

# %% [markdown]
# Here we take the hidden deltas from `backprop_core`'s `Network.backward`, which does all of the above, and
# compute every hidden weight's gradient with that rule.

# %%
grads = net.backward(trace, target)     # backprop_core: every delta and gradient
delta_hidden_ref = grads.deltas[0]
grad_W1 = np.outer(delta_hidden_ref, x)
W1_new = W1 - 0.5 * grad_W1
W2_new = W2 - 0.5 * np.outer(delta_out, a_hidden)   # lesson 04's step
print("hidden deltas δ_h:", delta_hidden_ref)
print("∂E/∂W1 =\n", grad_W1)
print("updated W1 (w1 w2 / w3 w4), learning rate α = 0.5:\n", W1_new)

# %% [markdown]
# ## Old or new output weights?
#
# We now have two layers to update, and the hidden deltas are sent back through $W^{(2)}$. Does the order matter?
#
# ### Exercise `update_order_option`
#
# After the forward pass (`z_hidden`, `a_hidden`: the hidden layer's net inputs $z^{(1)}$ and activations $a^{(1)}$,
# as in the code above) and the output deltas `delta_out` ($\delta^{(2)}$, computed with the current `W2`), two orders
# are possible:
#
# - **A.** `W2 = W2 - learning_rate * np.outer(delta_out, a_hidden)`, then
#   `delta_hidden = sigmoid_prime(z_hidden) * (W2.T @ delta_out)`, then `W1 = W1 - learning_rate * np.outer(delta_hidden, x)`.
# - **B.** `delta_hidden = sigmoid_prime(z_hidden) * (W2.T @ delta_out)`, then
#   `W2 = W2 - learning_rate * np.outer(delta_out, a_hidden)`, then `W1 = W1 - learning_rate * np.outer(delta_hidden, x)`.
# - **C.** Both: `delta_out` is the same in A and B, so they give the same new `W1`.
#
# Which one computes gradient descent's step for `W1`? Answer with the letter, as a string: `return "A"`,
# `return "B"` or `return "C"`. The public test only checks that it reads one of the letters.

# %% solution
def update_order_option():
    """Your answer to the question above.

    Returns
    -------
    str
        The letter of the right option: "A", "B" or "C".
    """
    ### BEGIN SOLUTION
    return "B"
    ### END SOLUTION


# %% public
# Public test: your answer is one of the letters (whether it is right is graded later).
with public_test("update_order_option"):
    expect_answer(update_order_option, choices="ABC")


# %% [markdown]
# Should the hidden deltas use the new $W^{(2)}$ or the old one? **The old one.** The gradient describes the slope
# of $E$ at *one* point — the current weights. Every partial derivative must be taken at that same point; mixing in weights that have already moved
# computes the slope somewhere else. The safe order: forward pass, **all** deltas and gradients, and only then
# every update.
#
# hmkcode's linear 2-2-1 example (hmkcode, *Backpropagation Step by Step*), the network of lessons 01 and 02,
# shows the same on a network without biases or sigmoids: $x = (2, 3)$, target 1, learning rate 0.05.
# Its hidden layer is updated with the old $w_5, w_6$. Its neurons are linear (the slope of $a = z$ is 1),
# so its output delta is just output − target, the difference lesson 02 started from.

# %%
lin, x0, t0 = examples.step_by_step()
W1_old = lin.weights[0].copy()
lin_trace = lin.forward(x0)
lin_grads = lin.backward(lin_trace, t0)       # every gradient, from the old weights
lin.step(lin_grads, learning_rate=0.05)       # then every update
print(f"output before: {lin_trace.output[0]:.3f}   δ = output − target = {lin_trace.output[0] - t0[0]:.3f}")
print("W2 after the step:", lin.weights[1])
print("W1 after the step:\n", lin.weights[0])
print(f"new output: {lin.forward(x0).output[0]:.7f}")

# The slip: the hidden layer's gradient computed with the already-updated W2.
delta_h_moved = lin.weights[1].T @ lin_grads.deltas[1]     # linear neurons: σ′ = 1
W1_moved = W1_old - 0.05 * np.outer(delta_h_moved, x0)
moved_prediction = Network([W1_moved, lin.weights[1]], None, "identity").forward(x0).output[0]
print("W1 computed with the new W2 (wrong):\n", W1_moved)
print(f"its output: {moved_prediction:.7f}")


# %% [markdown]
# The order changes the step. Computed from the old weights, the step gives the new output 0.2557458; with the hidden
# deltas sent back through the already-updated $W^{(2)}$, every hidden weight lands somewhere else and the output
# becomes 0.2606. That one happens to sit a little closer to the target, but it is not gradient descent's step: its
# hidden slopes were measured at weights the network did not have. Nothing crashes or warns; only a comparison with
# a step known to be right shows the slip.
#
# <details><summary>For the curious: what hmkcode's page prints</summary>
#
# The published example prints the new output as 0.26; the exact value is 0.2557458. The wrong order's 0.2606 also
# rounds to 0.26, and its weights agree with the right ones to the two decimals hmkcode prints, so the page alone
# cannot tell the two orders apart. hmkcode writes the hidden weights with one *input* per row, the transpose of our
# layout, and labels the output-weight update "[w3; w6]" where it means $[w_5; w_6]$.
#
# </details>
#
# ### Exercise `backprop_step`
#
# One complete step on a 2-layer sigmoid network: forward pass, output deltas, hidden deltas (with the **old**
# $W^{(2)}$), both gradients, both updates. The biases take part in the forward pass but stay fixed, as in our
# worked example. You may call your `hidden_delta` from above. Lesson 04's functions are not defined in this
# notebook: write the output deltas again, one line, $\delta^{(2)} = (\text{output} - \text{target}) \odot \sigma'(z^{(2)})$
# (`sigmoid` and `sigmoid_prime` are imported at the top).

# %% solution
def backprop_step(W1, b1, W2, b2, x, target, learning_rate):
    """One step of backpropagation and gradient descent on a 2-layer sigmoid network.

    Return new arrays; do not change `W1`, `b1`, `W2`, `b2`, `x` or `target`.

    Parameters
    ----------
    W1 : ndarray, shape (n_hidden, n_in)
        Weights into the hidden layer.
    b1 : ndarray, shape (n_hidden,)
        Hidden biases (used, not updated).
    W2 : ndarray, shape (n_out, n_hidden)
        Weights into the output layer.
    b2 : ndarray, shape (n_out,)
        Output biases (used, not updated).
    x : ndarray, shape (n_in,)
        One input sample.
    target : ndarray, shape (n_out,)
        Its target.
    learning_rate : float
        Step size, > 0.

    Returns
    -------
    W1_new : ndarray, shape (n_hidden, n_in)
    W2_new : ndarray, shape (n_out, n_hidden)
        Both computed from gradients at the old weights.
    """
    ### BEGIN SOLUTION
    W1, W2, x = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float), np.asarray(x, dtype=float)
    z1 = W1 @ x + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid(z2)
    delta2 = (a2 - target) * a2 * (1.0 - a2)
    delta1 = hidden_delta(z1, W2, delta2)          # the old W2
    return W1 - learning_rate * np.outer(delta1, x), W2 - learning_rate * np.outer(delta2, a1)
    ### END SOLUTION


# %% public
# Public test: the worked example, learning rate 0.5.
with public_test("backprop_step"):
    W1_step, W2_step = call_on_copies(backprop_step, W1, net.biases[0], W2, net.biases[1], x, target, 0.5)
    W1_want = np.array([[0.149780716, 0.19956143], [0.24975114, 0.29950229]])
    for name, got, want in [("w5", W2_step[0, 0], 0.35891648), ("w8", W2_step[1, 1], 0.561370121),
                            ("w6", W2_step[0, 1], 0.408666186), ("w7", W2_step[1, 0], 0.511301270),
                            ("w1", W1_step[0, 0], W1_want[0, 0]), ("w2", W1_step[0, 1], W1_want[0, 1]),
                            ("w3", W1_step[1, 0], W1_want[1, 0]), ("w4", W1_step[1, 1], W1_want[1, 1])]:
        if name in ("w5", "w8"):
            hint = ""
        elif name in ("w6", "w7"):
            hint = (": w5 and w8 are right, so the W2 gradient is transposed. It is "
                    "`np.outer(delta_out, a_hidden)`, one row per output neuron.")
        elif np.allclose(W1 - W1_step, (W1 - W1_want).T, atol=1e-8):   # the step is the right one, transposed
            hint = (": w1 and w4 are right and the steps of w2 and w3 are swapped, so the W1 gradient is "
                    "transposed. It is `np.outer(delta_hidden, x)`, one row per hidden neuron.")
        elif np.allclose(W1_step, W1 - 0.5 * np.outer(delta_hidden_ref, a_hidden), atol=1e-8):   # a_hidden, not x
            hint = (": w5 and w8 are right and so are the hidden deltas, but they multiply the wrong senders. The "
                    "neurons that send into the hidden layer are the inputs, so the W1 gradient is "
                    "`np.outer(delta_hidden, x)`, not `np.outer(delta_hidden, a_hidden)`.")
        else:
            hint = (": w5 and w8 are right, so the hidden deltas are wrong. Were they computed with the old W2, "
                    "before its update? And is σ′ taken at the hidden net input (a·(1 − a) with its activation a), "
                    "not σ′(a)?")
        assert np.isclose(got, want, atol=1e-8), f"{name} should become {want}, got {got}" + hint
    print("W1 →\n", W1_step, "\nW2 →\n", W2_step)

# %% [markdown]
# ## The error after one step
#
# Run the network forward again with the weights of the step computed in *The gradients of $w_1 \dots w_4$* (the
# same numbers your `backprop_step` returns) and measure the error.

# %%
after = Network([W1_new, W2_new], net.biases, ["sigmoid", "sigmoid"])
E_before, E_after = net.loss(x, target), after.loss(x, target)
only_output = Network([W1, W2_new], net.biases, ["sigmoid", "sigmoid"]).loss(x, target)
print(f"E before the step               : {E_before:.9f}")
print(f"E after updating all 8 weights  : {E_after:.9f}")
print(f"E after updating only w5 ... w8 : {only_output:.9f}")

# %% [markdown]
# The error fell from 0.298371109 to **0.291027774**. The last line updates only the output weights and already
# reaches 0.291028729: nearly all of this step's drop comes from $w_5 \dots w_8$. The hidden weights' gradients are
# far smaller ($\partial E/\partial w_1$ is about 187 times smaller than $\partial E/\partial w_5$), and so are
# their steps, which move the error far less.
#
# <details><summary>For the curious: Mazur's printed 0.291027924</summary>
#
# Mazur's page prints 0.291027924 here, most likely a copying slip: neither updating only the output weights
# (0.291028729, above) nor a forward pass with Mazur's own printed weights (0.291027774 again) gives it. His other
# figures, the new weights included, agree with ours to within one unit in their last printed digit.
#
# </details>
#
# ## A slip worth recognising: $\sigma'$ at the wrong place
#
# A hidden delta multiplies by the slope of the sigmoid **at the neuron's net input** $z$. Because
# $\sigma'(z) = a(1-a)$ with $a = \sigma(z)$, code usually computes that slope from the activation — and from there it
# is a short step to writing $\sigma'(a)$, which treats the activation as if it were a net input and reads the slope
# at another point of the curve. Since an activation always lies between 0 and 1, $\sigma'(a)$ always lies between
# 0.197 and 0.25, however flat the curve is at the true net input. So it can never tell that a neuron is *saturated*,
# its net input so far from 0 that the sigmoid is almost flat and its slope almost 0. At $z = 4$ the true slope is
# 0.018 and $\sigma'(\sigma(4))$ is 0.198, eleven times too large (the cell below prints it). Students make exactly
# this slip. The first checkbox of the widget above shows its effect on Mazur's network; the box below shows it in a
# published example.

# %%
saturated = sigmoid_prime(4.0), sigmoid_prime(sigmoid(4.0))
print(f"at z = 4: σ′(z) = {saturated[0]:.3f}, σ′(σ(z)) = {saturated[1]:.3f}, {saturated[1] / saturated[0]:.0f} times too large")

# %% [markdown]
# <details><summary>For the curious: the same slip in the XOR-by-hand example</summary>
#
# The XOR-by-hand example (*Calculating backpropagation by hand*, a blog post that trains a 2-2-1 sigmoid network on
# XOR) takes $\sigma'$ at its output neuron's *value*. The optional cell below first shows what that slip would do one
# layer down, to the hidden deltas of the network's first step: sample $x = (0, 0)$, target 0, so each hidden net input is
# just its bias, $z_h = (-1,\ 2)$. A hidden delta is $\sigma'$ times what is sent back, so the slipped delta divided
# by the right one is $\sigma'(a)/\sigma'(z)$:
#
# | hidden neuron | $z$ | $a$ | $\sigma'(z)$ (right) | $\sigma'(a)$ (slip) | slip ÷ right |
# |---|---|---|---|---|---|
# | h1 | −1 | 0.2689 | 0.1966 | 0.2455 | 1.25 |
# | h2 | 2 | 0.8808 | 0.1050 | 0.2072 | 1.97 |
#
# h1's slipped delta is 25 % too large, h2's twice the right one: at $z = 2$ the sigmoid has begun to flatten,
# while $\sigma'(a)$ reads the slope at 0.88, where the curve is still steep.
#
# At the output, where the example itself slips, the same slip costs only a few per cent: $\sigma'$ of the output's activation as
# the example prints it, $\sigma'(0.6) = 0.2288$, instead of $\sigma'(z_o) = 0.2387$ (the cell below prints both).
#
# </details>

# %%
# Optional, for the box above: the XOR-by-hand example's first sample, its hidden deltas with the slope at z and at a.
xor_net, X, Y = examples.xor()
xor_trace = xor_net.forward(X[0])
z_h, a_h = xor_trace.pre_activations[0], xor_trace.activations[0]
z_o, a_o = xor_trace.pre_activations[1][0], xor_trace.output[0]
delta_o = (a_o - Y[0, 0]) * sigmoid_prime(z_o)          # lesson 04: the output delta
sent_back = xor_net.weights[1][0] * delta_o             # W2ᵀ δ_o: one number for each hidden neuron
right = sigmoid_prime(z_h) * sent_back                  # the slope at the net input z
slipped = sigmoid_prime(a_h) * sent_back                # the slip: the slope at the activation a
print("XOR-by-hand example, hidden deltas h1, h2: slipped ÷ right =", np.round(slipped / right, 2))
print(f"its output: σ′(0.6) = {sigmoid_prime(0.6):.4f} (the slip), σ′(z_o) = {sigmoid_prime(z_o):.4f} at z_o = {z_o:.4f}")


# %% [markdown]
# ## Summary
#
# - A hidden neuron affects the error through every neuron it feeds; the effects add:
#   $\partial E/\partial a_k = \sum_j W_{jk}\,\delta_j$.
# - Its delta multiplies that sum by the slope at its own net input:
#   $\delta^{(1)} = \sigma'(z^{(1)}) \odot W^{(2)\top}\delta^{(2)}$. The transpose sends deltas back along the
#   same edges that carried activations forward.
# - Weight gradients follow one rule in every layer: $\partial E/\partial W = \delta\, a_{prev}^\top$.
# - Compute all gradients from the old weights, then update. On our network one step lowers the error from
#   0.298371109 to 0.291027774.
# - $\sigma'$ is evaluated at the net input $z$; $a(1-a)$ is a shortcut for that, not a licence to apply $\sigma'$ to $a$.
#
# ## Check your understanding
#
# **1.** A hidden neuron feeds three output neurons through weights 0, 0 and 0. What is its delta, and what happens
# to the weights into it?
#
# <details><summary>Answer</summary>
#
# $W^\top\delta$ is 0 for it, so its delta is 0 and so is the gradient of every weight into it: they do not change.
# Nothing the neuron does can reach the error, so the error has no opinion about it.
# </details>
#
# **2.** A layer has 4 hidden neurons and feeds 3 output neurons. What are the shapes of $W^{(2)}$,
# $\delta^{(2)}$, $W^{(2)\top}\delta^{(2)}$ and $\delta^{(1)}$?
#
# <details><summary>Answer</summary>
#
# $W^{(2)}$ is `(3, 4)` (one row per output), $\delta^{(2)}$ is `(3,)`, $W^{(2)\top}\delta^{(2)}$ is `(4,)` — one
# number per hidden neuron — and so is $\delta^{(1)}$.
# </details>
#
# **3.** A classmate writes `delta_hidden = sigmoid_prime(a_hidden) * (W2.T @ delta_out)` where
# `a_hidden = sigmoid(z_hidden)`. What is wrong,
# and when would the result be badly off?
#
# <details><summary>Answer</summary>
#
# The slope is taken at the activation, not at the net input. Write `a_hidden * (1 - a_hidden) * (W2.T @ delta_out)` or
# `sigmoid_prime(z_hidden) * ...`. The error grows with $|z|$: near $z = 0$ the two slopes are close; for a saturated
# neuron the true slope is nearly 0 while $\sigma'(a)$ stays near 0.2.
# </details>

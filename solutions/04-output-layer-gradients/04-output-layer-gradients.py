# %% [markdown]
# # Lesson 04 · Output-layer gradients
#
# Lesson 03 followed $w_5$ of Mazur's network through three links to $\partial E/\partial w_5 = 0.082167041$.
# This lesson takes that product apart: which factors belong to the weight, which to the neuron, and how the
# shared part, the **delta**, gives every output weight at once.
#
# **After this lesson you will be able to**
#
# 1. tell which of lesson 03's three factors of $\partial E/\partial w_5$ belong to the output neuron and which to the weight;
# 2. compute the **delta** $\delta$ of an output neuron and read its sign;
# 3. get the gradient of *every* output-layer weight at once, as an outer product of shape `(n_out, n_in)`;
# 4. take one gradient-descent step on the output weights $w_5 \dots w_8$.
#
# You will write three functions, `output_delta`, `output_weight_gradient` and `update_output_weights`, and answer
# one question, `predicted_dE_dw7`, by predicting a number before the code computes it.

# %%
import numpy as np
from backprop_core import examples
from backprop_core.nn.activations import sigmoid, sigmoid_prime
from backprop_core.viz.plots import draw_network
from backprop_core.viz.tables import show_table
from backprop_core.grading import call_on_copies, expect_answer, public_test

np.set_printoptions(precision=10, suppress=True)

# %% [markdown]
# ## The network we follow
#
# We follow Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*): a small
# network with two inputs, two hidden neurons and two output neurons, every neuron a sigmoid.
# We show it one training example, the input $x = (0.05,\ 0.10)$ with the target $(0.01,\ 0.99)$: output
# neuron $o_1$ should produce $\text{target}_1 = 0.01$, and $o_2$ should produce $\text{target}_2 = 0.99$.
#
# Each neuron adds its bias $b$ (lesson 03): 0.35 into the hidden layer, 0.60 into the outputs, kept fixed; in this
# lesson only weights change (lesson 06 computes the biases' gradients too).
#
# The symbols are the course's: $z$ for a net input, $a$ for an activation (the output of a sigmoid), $\alpha$
# for the learning rate.
#
# <details><summary>For the curious: Mazur's names</summary>
#
# Mazur writes them $net_{o1}$, $out_{o1}$ and $\eta$; $z_{o1}$, $a_{o1}$ and $\alpha$ here.
#
# </details>
#
# `examples.mazur()` builds the network; a forward pass records every net input $z$ and activation $a$ on the way.

# %%
net, x, target = examples.mazur()
trace = net.forward(x)

z_hidden, z_out = trace.pre_activations      # net inputs of each layer
a_hidden, output = trace.activations          # their sigmoids: the output layer's is the network's output
E = net.loss(x, target)

print("hidden layer: net input z =", z_hidden, "  activation a =", a_hidden)
print("output layer: net input z =", z_out, "  output     a =", output)
print(f"error E = ½ Σ (output − target)² = {E:.9f}")

# %% [markdown]
# Below, each neuron shows its bias $b$, net input $z$ and activation $a$; each edge its weight, blue when positive,
# thicker when larger. The weight we will follow, $w_5$, is marked by a thick line, and the two neurons it joins by rings.

# %%
drawing = draw_network(net, trace, target=target)
drawing.highlight(edges=["w5"], neurons=[(1, 0), (2, 0)])   # w5 runs from h1 to o1
drawing

# %% [markdown]
# The weights of a layer sit in a matrix with **one row per receiving neuron**: row $j$ holds the weights
# *into* neuron $j$. The output layer's matrix is therefore
#
# $$
# W^{(2)} = \begin{pmatrix} w_5 & w_6 \\ w_7 & w_8 \end{pmatrix}
# = \begin{pmatrix} \text{h1}\to\text{o1} & \text{h2}\to\text{o1} \\ \text{h1}\to\text{o2} & \text{h2}\to\text{o2} \end{pmatrix}.
# $$
#
# So $w_5$ is `net.weights[1][0, 0]`: it connects hidden neuron h1 to output neuron o1.

# %%
W2 = net.weights[1]
w5 = W2[0, 0]
print("W2 =\n", W2, "\nw5 =", w5)

# %% [markdown]
# ## Recap: three links between $w_5$ and the error
#
# Lesson 03 followed $w_5$ through its one route to the error, $w_5 \to z_{o1} = w_5\, a_{h1} + w_6\, a_{h2} + b^{(2)}
# \to a_{o1} = \sigma(z_{o1}) \to E$, and multiplied one slope per link:
#
# $$
# \frac{\partial E}{\partial w_5}
# = \underbrace{\frac{\partial E}{\partial a_{o1}}}_{a_{o1} - \text{target}_1}
# \cdot \underbrace{\frac{\partial a_{o1}}{\partial z_{o1}}}_{\sigma'(z_{o1}) = a_{o1}(1 - a_{o1})}
# \cdot \underbrace{\frac{\partial z_{o1}}{\partial w_5}}_{a_{h1}} = 0.082167041 .
# $$
#
# The cell below computes the three factors again, so that the rest of the lesson can use them.

# %%
dE_da = output[0] - target[0]       # ∂E/∂a_o1 = a_o1 − target_1: how the error reacts to the output
da_dz = sigmoid_prime(z_out[0])     # ∂a_o1/∂z_o1 = σ′(z_o1) = a_o1 (1 − a_o1): the sigmoid's slope
dz_dw5 = a_hidden[0]                # ∂z_o1/∂w5 = a_h1: what the weight multiplies
dE_dw5 = dE_da * da_dz * dz_dw5
show_table(["factor", "value"], [
    [r"$\partial E/\partial a_{o1}$", f"{dE_da:.9f}"],
    [r"$\partial a_{o1}/\partial z_{o1}$", f"{da_dz:.9f}"],
    [r"$\partial z_{o1}/\partial w_5$", f"{dz_dw5:.9f}"],
    [r"**product** $\partial E/\partial w_5$", f"**{dE_dw5:.9f}**"],
])

# %% [markdown]
# ## The delta: what the first two factors have in common
#
# Do the same for $w_6$ (from h2 to o1) and only the **third** factor changes: it becomes $a_{h2}$.
# The first two factors describe the output neuron o1 itself, not the weight. Their product has a name,
# the **delta** of the neuron:
#
# $$
# \delta_{o1} = \frac{\partial E}{\partial z_{o1}} = \frac{\partial E}{\partial a_{o1}}\cdot\sigma'(z_{o1})
# = (a_{o1} - \text{target}_1)\,\sigma'(z_{o1}).
# $$
#
# (A linear output neuron, as in lesson 02, has slope 1, so there its delta is simply output − target.)
#
# It says how strongly, and in which direction, the error reacts to the neuron's net input.
# A **positive** delta means "this net input is too high": the neuron should fire less.
# A **negative** one means it should fire more.
#
# ### Exercise `output_delta`
#
# Write the delta of sigmoid output neurons under the error $E = \tfrac12\sum_j (a_j - \text{target}_j)^2$.
# You get the net inputs `z`, not the activations: compute the activation yourself, and take the
# slope **at the net input**. It works elementwise, so the same code serves one sample `(n_out,)` or a batch `(N, n_out)`.

# %% solution
def output_delta(z, target):
    """Delta of sigmoid output neurons under the half squared error.

    Return a new array; do not change `z` or `target`.

    Parameters
    ----------
    z : ndarray, shape (n_out,) or (N, n_out)
        Net inputs of the output neurons.
    target : ndarray, same shape as ``z``
        What each output neuron should produce.

    Returns
    -------
    delta : ndarray, same shape as ``z``
        The delta of each output neuron: how fast the error changes with its net input.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    a = sigmoid(z)
    return (a - np.asarray(target, dtype=float)) * a * (1.0 - a)
    ### END SOLUTION


# %% public
# Public test: the worked example. Run this cell to check your function.
# call_on_copies(f, ...) calls f(...) on copies, so the lesson's arrays stay as they are.
with public_test("output_delta"):
    delta_out = call_on_copies(output_delta, z_out, target)
    assert np.shape(delta_out) == (2,), f"one delta per output neuron: expected shape (2,), got {np.shape(delta_out)}"
    right = np.array([0.1384985616, -0.0380982365])
    known_slip = (": the sign is flipped — the first factor is ∂E/∂a = output − target"
                  if np.allclose(delta_out, -right, atol=1e-9) else
                  ": that is σ′ taken at the activation a instead of the net input z"
                  if np.allclose(delta_out, (output - target) * sigmoid_prime(output), atol=1e-9) else "")
    assert np.allclose(delta_out, right, atol=1e-10), (
        f"δ_o1, δ_o2 should be 0.1384985616 and −0.0380982365, got {delta_out}{known_slip}")
    batch = call_on_copies(output_delta, np.zeros((3, 2)), np.ones((3, 2)))
    assert np.allclose(batch, -0.125), (
        f"a batch works elementwise: σ(0) − 1 = −0.5, σ′(0) = 0.25, so every delta is −0.125; got {batch}"
        + (". 0 means σ′(z) written as z·(1 − z): a·(1 − a) needs the activation a = σ(z)" if np.allclose(batch, 0.0) else ""))
    print("δ_o =", delta_out, "— correct")


# %% [markdown]
# Read the two deltas: o1 produced 0.75 but should produce 0.01, so its delta is positive (push its net input
# down); o2 produced 0.77 but should produce 0.99, so its delta is negative (push up).
# o2's delta is smaller in size mostly because o2 is closer to its target (0.22 away, against 0.74).

# %% [markdown]
# ## Every output weight at once
#
# With the delta in hand, any output weight's gradient is *delta of the receiving neuron × activation of the sending neuron*
# (the third factor is always the activation the weight multiplies).
#
# ### Exercise `predicted_dE_dw7`
#
# Before you see them all, predict one: what is $\partial E/\partial w_7$? Work it out with pencil and paper or a
# line of arithmetic from that rule: the public test of `output_delta` printed both deltas, and the first code cell
# of the lesson printed the hidden activations. The matrix $W^{(2)}$ near the top of the lesson says which neurons
# $w_7$ joins. In the cell below, replace the `raise` line with `return` and your number; three significant digits
# are enough (`return 0.123`). The public test only checks that it reads a number: whether it is right you
# learn when the lesson is graded, and a wrong answer is told what to reread.

# %% solution
def predicted_dE_dw7():
    """Your answer to the question above.

    Returns
    -------
    float
        ∂E/∂w7 in Mazur's example, to 3 significant digits or more.
    """
    ### BEGIN SOLUTION
    return -0.0226
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_dE_dw7"):
    expect_answer(predicted_dE_dw7)


# %% [markdown]
# In symbols, for every output weight at once:
#
# $$
# \frac{\partial E}{\partial W^{(2)}_{jk}} = \delta_j \, a_k
# \qquad\Longrightarrow\qquad
# \frac{\partial E}{\partial W^{(2)}} = \delta\, a^{\top} =
# \begin{pmatrix} \delta_{o1} a_{h1} & \delta_{o1} a_{h2} \\ \delta_{o2} a_{h1} & \delta_{o2} a_{h2} \end{pmatrix}.
# $$
#
# As for lesson 02's linear output, this is an **outer product**: a column of deltas (one per receiving neuron, `n_out` rows)
# times a row of activations (one per sending neuron, `n_in` columns). It has the same shape as $W^{(2)}$,
# `(n_out, n_in)`, so entry `[j, k]` is the gradient of the weight at `W[j, k]`.
# Swap the two vectors and you get the transpose — the wrong shape, or, for a square layer, the right shape with
# the gradients of $w_6$ and $w_7$ exchanged.
#
# As lesson 02 put it, all the partial derivatives $\partial E/\partial w$ together, one per weight and arranged
# like the weights, form **the gradient** of the error. It points the way in which $E$ grows fastest; gradient descent steps the
# other way. This matrix is the output layer's part of it.
#
# ### Step through the chain
#
# Now that your prediction is written down, check it. The widget below walks along the three links of any output
# weight's chain one at a time and highlights on the network which quantity each factor is about. Pick $w_7$ and
# step to the end: the product is $\partial E/\partial w_7$. Move the weight sliders to see how every factor, and
# their product, changes. The last step also shows the **delta** of the output neuron, the product of the first
# two factors. Tick *use my output_delta*: the last step then shows your delta and says whether it agrees.

# %%
from backprop_core.viz.widgets import factor_stepper

factor_stepper("w5", student_output_delta="output_delta")


# %% [markdown]
# ### Exercise `output_weight_gradient`
#
# Now the whole matrix: the outer product of the deltas and the activations feeding the layer. Lesson 02's
# `linear_output_gradient` worked out its delta itself, as output − target; this function is handed the deltas.
# The same outer product gives any layer's weight gradient once its deltas are known: lesson 05 finds a hidden
# layer's deltas and writes it once more for the weights into that layer.

# %% solution
def output_weight_gradient(delta, a_prev):
    """Gradient of the error with respect to a layer's weights, for one sample.

    Return a new array; do not change `delta` or `a_prev`.

    Parameters
    ----------
    delta : ndarray, shape (n_out,)
        Deltas of the layer's neurons (dE/dz).
    a_prev : ndarray, shape (n_in,)
        Activations of the previous layer, the inputs of this one.

    Returns
    -------
    ndarray, shape (n_out, n_in)
        ∂E/∂W: at [j, k], the gradient of the weight from neuron k of the previous layer into neuron j.
    """
    ### BEGIN SOLUTION
    return np.outer(delta, a_prev)
    ### END SOLUTION


# %% public
# Public test: the worked example, and a layer that is not square.
with public_test("output_weight_gradient"):
    delta_ref = (output - target) * sigmoid_prime(z_out)   # the right output deltas, whatever output_delta does
    grad_W2 = call_on_copies(output_weight_gradient, delta_ref, a_hidden)
    assert np.shape(grad_W2) == (2, 2), f"expected shape (2, 2), got {np.shape(grad_W2)}"
    assert np.isclose(grad_W2[0, 0], 0.082167041, atol=1e-9), f"∂E/∂w5 should be 0.082167041, got {grad_W2[0, 0]}"
    assert np.isclose(grad_W2[0, 1], 0.082667628, atol=1e-9), (
        f"∂E/∂w6 (row 0: into o1; column 1: from h2) should be 0.082667628, got {grad_W2[0, 1]}. Is it transposed?")
    wide = call_on_copies(output_weight_gradient, np.array([1.0, 2.0]), np.array([1.0, 10.0, 100.0]))
    assert np.shape(wide) == (2, 3), f"2 deltas and 3 activations give shape (n_out, n_in) = (2, 3), got {np.shape(wide)}"
    print("∂E/∂W2 =\n", grad_W2)


# %% [markdown]
# ## One step downhill
#
# Gradient descent moves every weight against its gradient, scaled by the learning rate $\alpha$
# (`learning_rate` in code; 0.5 here, as in Mazur's example):
#
# $$ W^{(2)} \leftarrow W^{(2)} - \alpha\, \frac{\partial E}{\partial W^{(2)}} = W^{(2)} - \alpha\, \delta\, a^{\top}. $$
#
# Minus, because the gradient points uphill. For $w_5$: $0.4 - 0.5 \times 0.082167041 = 0.358916480$.
#
# ### Exercise `update_output_weights`
#
# Return a **new** matrix and leave `W` unchanged, as every function of the course does: the lesson still needs
# `W2` as it is.

# %% solution
def update_output_weights(W, delta, a_prev, learning_rate):
    """One gradient-descent step on a layer's weights.

    Return a new array; do not change `W`, `delta` or `a_prev`.

    Parameters
    ----------
    W : ndarray, shape (n_out, n_in)
        The layer's current weights (row j: weights into neuron j).
    delta : ndarray, shape (n_out,)
        Deltas of the layer's neurons.
    a_prev : ndarray, shape (n_in,)
        Activations feeding the layer.
    learning_rate : float
        Step size, > 0.

    Returns
    -------
    ndarray, shape (n_out, n_in)
        The updated weights.
    """
    ### BEGIN SOLUTION
    return np.asarray(W, dtype=float) - learning_rate * output_weight_gradient(delta, a_prev)
    ### END SOLUTION


# %% public
# Public test: w5 ... w8 after one step with learning rate 0.5.
with public_test("update_output_weights"):
    W2_new = call_on_copies(update_output_weights, W2, delta_ref, a_hidden, 0.5)   # fails if it changes W
    expected = {"w5": (0, 0, 0.358916480), "w6": (0, 1, 0.408666186), "w7": (1, 0, 0.511301270), "w8": (1, 1, 0.561370121)}
    assert W2_new[0, 0] < W2[0, 0], "∂E/∂w5 is positive, so w5 must go down: is the sign of the step flipped?"
    for name, (j, k, value) in expected.items():
        assert np.isclose(W2_new[j, k], value, atol=1e-9), f"{name} should become {value}, got {W2_new[j, k]}"
    print("updated W2 =\n", W2_new)

# %% [markdown]
# ## The picture, and a check against `backprop_core`
#
# `backprop_core` carries out exactly these steps in `Network.backward`; its deltas and gradients should match yours.
# The drawing adds every delta (purple, above its neuron) and purple arrows that carry each output delta back
# along its weights. The hidden neurons have deltas too: where *they*
# come from is the next lesson.

# %%
grads = net.backward(trace, target)
print("deltas of the output layer:", grads.deltas[1])
print("gradient of W2:\n", grads.weights[1])
try:
    mine = output_weight_gradient(output_delta(z_out, target), a_hidden)
    print("your functions give the same:", np.allclose(mine, grads.weights[1]))
except Exception as error:   # not written yet, or not working yet
    print(f"(your functions do not run yet — {type(error).__name__} — so there is nothing to compare)")
draw_network(net, trace, grads, target=target)

# %% [markdown]
# ## Summary
#
# - A weight reaches the error through a chain; its gradient is the product of one slope per link:
#   $\dfrac{\partial E}{\partial w_5} = \dfrac{\partial E}{\partial a_{o1}} \cdot \sigma'(z_{o1}) \cdot a_{h1}$.
# - The first two factors belong to the neuron: $\delta_j = (a_j - \text{target}_j)\,\sigma'(z_j)$ for a sigmoid output under
#   $\tfrac12$ squared error. Its sign says which way the neuron's net input should move.
# - A weight's gradient is *delta of the receiving neuron × activation of the sending one*; for a whole layer,
#   the outer product $\delta a^\top$, shaped `(n_out, n_in)` like the weights.
# - A step of gradient descent subtracts $\alpha$ times that gradient. On our network, $w_5$ goes from 0.4 to 0.358916480.
#
# Next lesson: hidden neurons have no target of their own. Where does *their* delta come from?
#
# ## Check your understanding
#
# **1.** Why is $\partial z_{o1}/\partial w_5$ equal to $a_{h1}$ and not to $w_5$?
#
# <details><summary>Answer</summary>
#
# $z_{o1} = w_5 a_{h1} + w_6 a_{h2} + b^{(2)}$ is a straight line in $w_5$ whose slope is the number $w_5$ multiplies,
# $a_{h1}$. (By the same argument, $\partial z_{o1}/\partial a_{h1} = w_5$ — which is what the next lesson needs.)
# </details>
#
# **2.** An output neuron has activation 0.98 and target 1. Is its delta positive or negative, and is it large?
#
# <details><summary>Answer</summary>
#
# $a - \text{target} = -0.02$ is negative, so the delta is negative: the net input should grow. It is tiny, for two reasons:
# the neuron is almost right, and the sigmoid is almost flat there ($\sigma' = 0.98 \times 0.02 \approx 0.02$).
# </details>
#
# **3.** A layer has 3 inputs and 4 neurons. What shape has the gradient of its weights, and what goes in entry `[2, 0]`?
#
# <details><summary>Answer</summary>
#
# `(4, 3)`, the shape of the weights. numpy counts rows and columns from 0, the lesson's names from 1: row 2 is
# the third neuron, column 0 the first input. So entry `[2, 0]` is $\delta_3\, a_1$: the delta of the third neuron
# times the activation coming from the first input, the gradient of the weight from input 1 into neuron 3
# (as `W2[0, 0]` is $w_5$, from $h_1$ into $o_1$).
# </details>

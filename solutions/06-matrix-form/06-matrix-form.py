# %% [markdown]
# # Lesson 06 · The matrix form
#
# **Goal.** You have already done one sample in matrix form: lesson 02 wrote the output layer's gradient as the outer product $\delta\, a^\top$ (`np.outer`), lesson 05 carried all the output deltas back at once as $W^{(2)\top}\delta^{(2)}$, and lesson 01 stacked samples as the rows of $X$ and computed $Z = XW^\top$. This lesson puts these together for a whole **batch**: the forward and the backward pass of a layer for every sample at once, with a bias, and the $\sigma'$ step between two layers. By the end of this lesson you will be able to
#
# * derive, step by step, where the backward pass for a batch starts: the output layer's $dZ^{(2)}$, the mean loss's $\frac1N$ included,
# * do a layer's forward pass and backward pass over a batch with matrix products ($dX = dZ\,W$, $dW = dZ^\top X$),
# * predict the shape of every array on the way, and carry the error through $\sigma'$ from one layer to the one below.
#
# You will implement `dense_forward`, `dense_backward` and `two_layer_backward`: the first two are the two halves of a layer that every later lesson (and every deep-learning library) is built from.

# %%
import numpy as np
from backprop_core import Network, examples
from backprop_core.viz import plots
from backprop_core.grading import call_on_copies, expect_answer, public_test

np.set_printoptions(precision=7, suppress=True)
from backprop_core.course.blas import one_blas_thread
one_blas_thread()   # small arrays: one BLAS thread is faster than numpy's default pool


# %% [markdown]
# ## 1 · One sample, as you already have it
#
# A recap of lessons 01, 02 and 05, in the course's notation. A layer's weights are a matrix $W^{(l)}$ of shape (n_out, n_in), whose entry $W^{(l)}[j, i]$ connects input $i$ to neuron $j$; for one sample, with $a^{(0)} = x$ and the old weights throughout,
#
# $$z^{(l)} = W^{(l)} a^{(l-1)}, \qquad \delta^{(1)} = \sigma'(z^{(1)}) \odot \big(W^{(2)\top} \delta^{(2)}\big), \qquad \frac{\partial E}{\partial W^{(l)}} = \delta^{(l)}\, a^{(l-1)\top} .$$
#
# In hmkcode's linear 2-2-1 example (hmkcode, *Backpropagation Step by Step*), the network of lessons 01, 02 and 05, there is no $\sigma'$, and these are lesson 05's step, one line of numpy per layer. The cell below redoes it with the learning rate $\alpha = 0.05$; the numbers are lesson 05's. The rest of the lesson turns each of these lines into its batch form.
#
# <details><summary>For the curious: the sender-first names of other sources</summary>
#
# Some sources name a weight sender first. One of them draws a network guessing a house's price and writes $w1_{ij}$ for the weight from input $i$ to hidden neuron $j$ (and $w2_{ij}$ from hidden neuron $i$ to output $j$): the *sender* comes first, and the *1* names the layer (it is not hmkcode's weight $w_1$). This course puts the *receiver* first, because then a neuron's net input is one row of $W$ times the input, $z = Wx$. The translation is a transpose: $w1_{ij} = W^{(1)}[j, i]$ and $w2_{ij} = W^{(2)}[j, i]$.
#
# </details>

# %%
net, x, target = examples.step_by_step()      # hmkcode's example: linear 2-2-1, no bias
learning_rate = 0.05
trace = net.forward(x)
hidden, output = trace.activations[0], trace.output
for j in range(2):                                   # W1[j, i] connects input i to hidden neuron j
    for i in range(2):
        print(f"W1[{j}, {i}]  (input {i + 1} -> hidden {j + 1})  = {net.weights[0][j, i]}")

delta_out = output - target                          # shape (1,): linear output, so no sigma'
delta_hidden = net.weights[1].T @ delta_out          # shape (2,): old W2 carries the error back
new_W2 = net.weights[1] - learning_rate * np.outer(delta_out, hidden)   # (1, 2)
new_W1 = net.weights[0] - learning_rate * np.outer(delta_hidden, x)     # (2, 2)

stepped = net.copy()                                 # the same step by the course's backward pass, as a check
stepped.step(net.backward(trace, target), learning_rate=learning_rate)
assert np.allclose(stepped.weights[1], new_W2) and np.allclose(stepped.weights[0], new_W1)
print("\nW2 ->", new_W2)
print("W1 ->", new_W1)
print("new output:", stepped.forward(x).output, " (was", output, ")")

# %%
before = plots.draw_network(net, trace, target=target)
before.ax.set_title("hmkcode's network before the step")
before

# %%
after = plots.draw_network(stepped, stepped.forward(x), target=target)
after.ax.set_title("after one step with α = 0.05")
after

# %% [markdown]
# ## 2 · A whole batch at once
#
# Training looks at many samples. As in lesson 01, stack them as the **rows** of a matrix $X$ of shape (N, n_in), and every neuron's net input for every sample is one product; what is new is the bias:
#
# $$Z = X\, W^{\top} + b \qquad (N \times n_\text{in})\cdot(n_\text{in} \times n_\text{out}) \to (N \times n_\text{out}),$$
#
# where the bias row $b$ (shape (n_out,)) is added to every row by **broadcasting**: when numpy adds arrays of shapes (N, n_out) and (n_out,), it repeats the smaller one along the missing axis, as if $b$ were stacked N times, without copying it. The transpose is there because samples are rows here while $W$'s rows are neurons.
#
# Backwards, two things change from the one-sample formulas of section 1.
#
# **The loss is a mean over the batch**, $E = \frac1N \sum_n E_n$, where $E_n = \tfrac12 \sum_j (A^{(2)}_{nj} - T_{nj})^2$ is sample $n$'s own loss, with the outputs $A^{(2)}$ and the targets $T$ as rows (both (N, n_out)). Write $dZ$ for the slope of $E$ with respect to a layer's net inputs, all samples at once: shape (N, n_out), entry $dZ_{nj} = \partial E/\partial Z_{nj}$.
#
# **The top of the backward pass, step by step.** For a sigmoid output layer, $dZ^{(2)}$ takes three steps, one entry $(n, j)$ at a time.
#
# 1. *The mean.* Output $A^{(2)}_{nj}$ appears only in sample $n$'s loss $E_n$, and $E$ holds $E_n$ with the factor $\frac1N$: $\;\partial E/\partial A^{(2)}_{nj} = \frac1N\, \partial E_n/\partial A^{(2)}_{nj}$.
# 2. *The squared error.* The $\tfrac12$ cancels the 2 of the square (lesson 01): $\;\partial E_n/\partial A^{(2)}_{nj} = A^{(2)}_{nj} - T_{nj}$.
# 3. *The sigmoid.* $A^{(2)}_{nj} = \sigma(Z^{(2)}_{nj})$, so the chain rule of lesson 03 multiplies by $\sigma'(Z^{(2)}_{nj}) = A^{(2)}_{nj}\,(1 - A^{(2)}_{nj})$.
#
# Together, $dZ^{(2)}_{nj} = \frac1N\, (A^{(2)}_{nj} - T_{nj})\, A^{(2)}_{nj}\, (1 - A^{(2)}_{nj})$, and for all entries at once, $\odot$ multiplying entry by entry,
#
# $$dZ^{(2)} = \frac1N\, (A^{(2)} - T) \odot \sigma'(Z^{(2)}) = \frac1N\, (A^{(2)} - T) \odot A^{(2)} \odot (1 - A^{(2)}) .$$
#
# Steps 2 and 3 are lesson 04's output delta, $\delta = (\text{output} - \text{target})\,\sigma'(z)$, so row $n$ of $dZ^{(2)}$ is sample $n$'s delta divided by N. Putting the $\frac1N$ into $dZ$ once, at the output, means nothing below needs to know $N$: every gradient computed from $dZ$ is automatically a mean. (A linear output, as in hmkcode's example, has no step 3: $dZ^{(2)} = \frac1N (A^{(2)} - T)$.)
#
# **Samples are rows now, not columns.** Lesson 05 wrote a sample's values as a column and carried the error back as $W^{\top}\delta$ (a column). Here a sample's $dz_n$ is a *row* of $dZ$. Transposing $W^\top \delta$ turns it into $\delta^\top W$: the same numbers, laid out as a row. Stack the rows of all samples and you get $dZ\, W$. The transpose did not disappear; it moved to the other side together with the samples. With that,
#
# $$dX = \frac{\partial E}{\partial X} = dZ\, W, \qquad dW = \frac{\partial E}{\partial W} = dZ^{\top} X, \qquad db = \frac{\partial E}{\partial b} = \sum_n dZ_n .$$
#
# $dZ^\top X$ is the sum over samples of the outer products $dz_n^\top\, x_n$ of section 1. Since each $dz_n$ carries its $\frac1N$, that sum is the average of the per-sample gradients. The bias gradient is a sum over the batch because the same $b$ was added to every row. A quick way to get any of these right: **the gradient has the shape of the thing it is the gradient of**, and there is only one way to multiply the available matrices into that shape.

# %% [markdown]
# ### Exercise `gradient_shape`
#
# A question to answer with the formulas and the shape rule just above, before the table below and the explorer. A layer has 3 inputs and 5 neurons, and a batch holds 8 samples. What is the shape of $\partial E/\partial W$, the gradient of the layer's weights over the whole batch?
#
# - **A.** (8, 5)
# - **B.** (5, 3)
# - **C.** (3, 5)
# - **D.** (8, 3)
#
# Answer with the letter, as a string, for example `return "A"`. The public test only checks that it reads one of the letters: whether it is right you learn when the lesson is graded.

# %% solution
def gradient_shape():
    """Your answer to the question above.

    Returns
    -------
    str
        The letter of the shape of dE/dW: "A", "B", "C" or "D".
    """
    ### BEGIN SOLUTION
    return "B"
    ### END SOLUTION


# %% public
# Public test: your answer is one of the letters (whether it is right is graded later).
with public_test("gradient_shape"):
    expect_answer(gradient_shape, choices="ABCD")


# %% [markdown]
# Below, Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*), the network of lessons 03–05, takes a batch of four samples, its own sample first. The cell forms $dZ^{(2)}$ by the formula above and checks it against the course's backward pass.

# %%
net2, x0, t0 = examples.mazur()
rng = np.random.default_rng(6)
X = np.vstack([x0, rng.uniform(0, 1, size=(3, 2))])             # (4, 2): Mazur's sample first
T = np.vstack([t0, rng.uniform(0.05, 0.95, size=(3, 2))])       # (4, 2)
N = len(X)
batch_trace = net2.forward(X)
batch_grads = net2.backward(batch_trace, T)        # batch_grads.deltas[l]: each sample's delta, no 1/N
print("Mazur's sample is row 0 of the batch; its net inputs Z1[0] =", batch_trace.pre_activations[0][0])

A2 = batch_trace.output                             # (4, 2): one row of outputs per sample
dZ2 = (A2 - T) * A2 * (1 - A2) / N                  # dE/dZ2 of the mean loss: each row is delta_n / N
print("dZ2 by the formula = the course's deltas / N:", np.allclose(dZ2, batch_grads.deltas[1] / N))
print("dE/dW2 = dZ2^T A1:", np.allclose(dZ2.T @ batch_trace.activations[0], batch_grads.weights[1]))

# %% [markdown]
# Mazur's layers are all two neurons wide, which hides which dimension is which. To see the shapes chain, take a 3-4-2 network and a batch of N = 5. The table, like the explorer below, lists section 2's $dZ$ of each layer, the $\frac1N$ in it, so every gradient is a product of $dZ$ with no division left.

# %%
wide = Network(weights=[rng.normal(size=(4, 3)), rng.normal(size=(2, 4))],
               biases=[np.zeros(4), np.zeros(2)], activations="sigmoid")
Xw, Tw = rng.uniform(0, 1, size=(5, 3)), rng.uniform(0, 1, size=(5, 2))
tw = wide.forward(Xw)
gw = wide.backward(tw, Tw)
dZ2w, dZ1w = gw.deltas[1] / len(Xw), gw.deltas[0] / len(Xw)   # the course's deltas carry no 1/N
rows = [
    ("X (input)", Xw, "N x n_in"),
    ("W1", wide.weights[0], "n_hidden x n_in"), ("b1", wide.biases[0], "n_hidden"),
    ("Z1 = X W1^T + b1", tw.pre_activations[0], "(N x n_in)(n_in x n_hidden)"),
    ("A1 = sigmoid(Z1)", tw.activations[0], "elementwise: same as Z1"),
    ("W2", wide.weights[1], "n_out x n_hidden"),
    ("Z2 = A1 W2^T + b2", tw.pre_activations[1], "(N x n_hidden)(n_hidden x n_out)"),
    ("A2 = output", tw.output, "same as Z2"), ("T (target)", Tw, "same as the output"),
    ("dZ2 = (A2 - T) * sigma'(Z2) / N", dZ2w, "same as Z2: one row per sample"),
    ("dZ1 = (dZ2 W2) * sigma'(Z1)", dZ1w, "(N x n_out)(n_out x n_hidden)"),
    ("dE/dW2 = dZ2^T A1", gw.weights[1], "(n_out x N)(N x n_hidden)"),
    ("dE/db2 = sum of dZ2 rows", gw.biases[1], "summed over N"),
    ("dE/dW1 = dZ1^T X", gw.weights[0], "(n_hidden x N)(N x n_in)"),
    ("dE/db1 = sum of dZ1 rows", gw.biases[0], "summed over N"),
]
print(f"{'array':36s} {'shape':8s}  where the shape comes from")
for name, value, why in rows:
    print(f"{name:36s} {str(value.shape):8s}  {why}")

# %% [markdown]
# Back to Mazur's batch of four: its gradient is the mean of the four one-sample gradients, exactly:

# %%
one_by_one = [net2.backward(net2.forward(X[n]), T[n]) for n in range(len(X))]
mean_of_singles = np.mean([g.weights[0] for g in one_by_one], axis=0)
print("dE/dW1 from the batch:      \n", batch_grads.weights[0])
print("mean of one-sample dE/dW1s: \n", mean_of_singles)
assert np.allclose(batch_grads.weights[0], mean_of_singles)

# %% [markdown]
# ### Explore: shapes and values for a batch of your choice
#
# Choose the batch size N and a layer; the explorer shows every array of that layer for the batch, with its shape and values. The colour of a cell is its value divided by the largest value in its panel (the colour bar), so the small gradients are as visible as the weights. Mazur's network has every layer two wide; pick **a 3-4-2 network** to see each dimension on its own: which ones change with N, and which ones never do?
#
# Once your `dense_forward` (section 3) works, tick the box: the z panel is framed, marked "yours", and computed by your function, and the line under the figure says whether it agrees with the reference.

# %%
from backprop_core.viz.widgets import shapes_explorer
shapes_explorer(student_dense_forward="dense_forward")


# %% [markdown]
# ## 3 · A layer's forward pass over a batch
#
# ### Exercise `dense_forward`
#
# Compute a layer's net inputs for a whole batch, as section 2 describes. `b` may be `None` (a layer without bias, as in hmkcode's example). One line of numpy, plus the `None` case; check the shapes.

# %% solution
def dense_forward(x, W, b):
    """Net input of every neuron of one layer, for every sample of a batch.

    Return a new array; do not change `x`, `W` or `b`.

    Parameters
    ----------
    x : ndarray, shape (N, n_in)
        One sample per row.
    W : ndarray, shape (n_out, n_in)
        Row j holds the weights into neuron j.
    b : ndarray, shape (n_out,), or None
        The biases; None for a layer without bias.

    Returns
    -------
    z : ndarray, shape (N, n_out)
        z[n, j] is the net input of neuron j for sample n.
    """
    ### BEGIN SOLUTION
    z = np.asarray(x, dtype=float) @ np.asarray(W, dtype=float).T
    if b is not None:
        z = z + np.asarray(b, dtype=float)
    return z
    ### END SOLUTION


# %% public
# Public test: hmkcode's hidden layer and Mazur's batch.
# call_on_copies(f, ...) calls f(...) on copies, so the lesson's arrays stay as they are.
with public_test("dense_forward"):
    from backprop_core import grading
    net0, x0_, _ = examples.step_by_step()
    grading.expect_close(call_on_copies(dense_forward, x0_[None, :], net0.weights[0], None),
                         np.array([[0.85, 0.48]]), "hmkcode's hidden net inputs (no bias, linear) for x = (2, 3)")
    got = call_on_copies(dense_forward, X, net2.weights[0], net2.biases[0])
    assert np.shape(got) == (4, 2), f"a batch of 4 samples into 2 neurons gives shape (4, 2), got {np.shape(got)}"
    grading.expect_close(got[0], np.array([0.3775, 0.3925]), "the hidden net inputs z of Mazur's sample (row 0)")
    grading.expect_close(got, batch_trace.pre_activations[0], "the net inputs Z1 of the whole batch")
    print("dense_forward passes the public tests.")


# %% [markdown]
# ## 4 · A layer's backward pass over a batch
#
# ### Exercise `dense_backward`
#
# Given $dZ = \partial E/\partial Z$ for every sample (shape (N, n_out), the $\frac1N$ already in it), the layer's input `x` and its weights `W`, return the three gradients of section 2. Your function never needs $N$ itself. Check each shape against the docstring before you check values.

# %% solution
def dense_backward(dz, x, W):
    """The gradients of the loss through one layer, for a batch.

    Return new arrays; do not change `dz`, `x` or `W`.

    Parameters
    ----------
    dz : ndarray, shape (N, n_out)
        dE/dz of the layer's net inputs, one row per sample (the 1/N of the
        mean loss already in it).
    x : ndarray, shape (N, n_in)
        The layer's input.
    W : ndarray, shape (n_out, n_in)
        The layer's weights.

    Returns
    -------
    dx : ndarray, shape (N, n_in)
        dE/dx, one row per sample: the error handed to the layer below.
    dW : ndarray, shape (n_out, n_in)
        dE/dW, the whole batch's gradient of the weights.
    db : ndarray, shape (n_out,)
        dE/db, the whole batch's gradient of the biases.
    """
    ### BEGIN SOLUTION
    dz, x, W = (np.asarray(v, dtype=float) for v in (dz, x, W))
    return dz @ W, dz.T @ x, dz.sum(axis=0)
    ### END SOLUTION


# %% public
# Public test: hmkcode's output layer (one sample, N = 1), then Mazur's batch.
with public_test("dense_backward"):
    net0, x0_, t0_ = examples.step_by_step()
    a0 = np.array([[0.85, 0.48]])                        # hmkcode's hidden activations
    dz0 = np.array([[0.191 - 1.0]])                      # delta = output - target (one sample: no 1/N)
    dx, dW, db = call_on_copies(dense_backward, dz0, a0, net0.weights[1])
    grading.expect_close(dW, np.array([[-0.809 * 0.85, -0.809 * 0.48]]), "dE/dW2 of hmkcode's example (delta times a)")
    grading.expect_close(dx, np.array([[-0.809 * 0.14, -0.809 * 0.15]]), "the error sent back to hmkcode's hidden layer (delta times the old W2)")
    grading.expect_close(db, np.array([-0.809]), "dE/db for one sample (just delta)")

    # Mazur's batch, with dZ2 of section 2 (the mean loss's 1/N already in it).
    dx, dW, db = call_on_copies(dense_backward, dZ2, batch_trace.activations[0], net2.weights[1])
    grading.expect_close(dW, batch_grads.weights[1], "dE/dW2 of the batch")
    grading.expect_close(db, batch_grads.biases[1], "dE/db2 of the batch (summed over its 4 samples)")
    print("dense_backward passes the public tests.")

# %% [markdown]
# ## 5 · Two layers: σ′ between them
#
# `dense_backward` hands the layer below its error $dX = dZ\,W$. That is the slope of $E$ with respect to the layer's *input*, and for the output layer of a network that input is the hidden layer's activation $A^{(1)} = \sigma(Z^{(1)})$. It is not yet what the hidden layer's own `dense_backward` needs, which is $dZ^{(1)}$, the slope with respect to its *net input*. Between the two sits the activation, and the chain rule of lesson 03 multiplies by its derivative, sample by sample and neuron by neuron (lesson 05's $\delta = \sigma'(z)\,\sum w\,\delta$, now with samples as rows):
#
# $$\begin{aligned} dA^{(1)} &= dZ^{(2)}\, W^{(2)}, \\ dZ^{(1)} &= dA^{(1)} \odot \sigma'(Z^{(1)}) = dA^{(1)} \odot A^{(1)} \odot (1 - A^{(1)}), \\ \frac{\partial E}{\partial W^{(1)}} &= (dZ^{(1)})^{\top} X, \qquad \frac{\partial E}{\partial b^{(1)}} = \sum_n (dZ^{(1)})_n . \end{aligned}$$
#
# $\odot$ is the elementwise product (`*` in numpy): $dA^{(1)}$, $Z^{(1)}$ and $A^{(1)}$ all have shape (N, n_hidden). Two things to keep straight:
#
# * $\sigma'$ is the hidden layer's, taken at its **net input** $Z^{(1)}$ and computed as $A^{(1)} (1 - A^{(1)})$, since $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ and the forward pass already has $A^{(1)}$: never $\sigma'(A^{(1)})$, never $Z^{(1)} (1 - Z^{(1)})$. The network's input $X$ has no activation, so it has no $\sigma'$, and the hidden layer's $dX$ is not needed at all ($X$ is data, not trained): discard it, as in `_, dW1, db1 = …`.
# * The $\frac1N$ of the mean loss is in $dZ^{(2)}$ already and travels down with it: do not divide again.
#
# ### Exercise `two_layer_backward`
#
# Given $dZ^{(2)}$ of the output layer and what the forward pass kept (the input `x`, the hidden layer's `W1`, its net input `z1` and activation `a1`, the output layer's `W2`), return the gradients of both layers. Use your `dense_backward` twice, with the σ′ step between the two calls.

# %% solution
def two_layer_backward(dz2, x, W1, z1, a1, W2):
    """The gradients of a sigmoid hidden layer and the layer above it, for a batch.

    Return new arrays; do not change the arguments.

    Parameters
    ----------
    dz2 : ndarray, shape (N, n_out)
        dE/dz of the output layer's net inputs, one row per sample (the 1/N
        of the mean loss already in it).
    x : ndarray, shape (N, n_in)
        The network's input (the hidden layer's input).
    W1 : ndarray, shape (n_hidden, n_in)
        The hidden layer's weights.
    z1 : ndarray, shape (N, n_hidden)
        The hidden layer's net inputs, z1 = x W1^T + b1.
    a1 : ndarray, shape (N, n_hidden)
        The hidden layer's activations, a1 = sigmoid(z1): the output layer's input.
    W2 : ndarray, shape (n_out, n_hidden)
        The output layer's weights.

    Returns
    -------
    dW1 : ndarray, shape (n_hidden, n_in)
    db1 : ndarray, shape (n_hidden,)
    dW2 : ndarray, shape (n_out, n_hidden)
    db2 : ndarray, shape (n_out,)
    """
    ### BEGIN SOLUTION
    da1, dW2, db2 = dense_backward(dz2, a1, W2)       # the output layer; da1: (N, n_hidden)
    a1 = np.asarray(a1, dtype=float)
    dz1 = da1 * a1 * (1 - a1)                          # sigma'(z1) = a1 (1 - a1), elementwise
    _, dW1, db1 = dense_backward(dz1, x, W1)           # the hidden layer's own gradients
    return dW1, db1, dW2, db2
    ### END SOLUTION


# %% public
# Public test: the 3-4-2 network of section 2 (its batch of 5), against the course's backward pass.
with public_test("two_layer_backward"):
    dZ2w = gw.deltas[1] / len(Xw)                      # the output layer's dZ2, the 1/N in it
    dW1, db1, dW2, db2 = call_on_copies(two_layer_backward, dZ2w, Xw, wide.weights[0],
                                        tw.pre_activations[0], tw.activations[0], wide.weights[1])
    grading.expect_close(dW2, gw.weights[1], "dE/dW2 (the output layer: your dense_backward on A1)")
    grading.expect_close(db2, gw.biases[1], "dE/db2")
    # The slips this step invites, each as the dZ1 it gives: a wrong dW1 that matches one is named.
    dA1, A1, Z1 = dZ2w @ wide.weights[1], tw.activations[0], tw.pre_activations[0]
    s_a = 1 / (1 + np.exp(-A1))
    slips = {
        "σ′ left out: multiply dA1 = dZ2 W2 by a1 (1 - a1) before the hidden layer's dense_backward": dA1,
        "σ′ taken at the activation, σ(a1)(1 - σ(a1)): it belongs at z1, which is a1 (1 - a1)": dA1 * s_a * (1 - s_a),
        "z1 (1 - z1): the formula s (1 - s) takes the activation a1 = σ(z1), not z1": dA1 * Z1 * (1 - Z1),
        "1/N twice: dz2 already holds the mean's 1/N, use it as it comes": dA1 * A1 * (1 - A1) / len(Xw),
    }
    hint = next((f" (looks like {name})" for name, dZ1 in slips.items() if np.allclose(dW1, dZ1.T @ Xw)), "")
    grading.expect_close(dW1, gw.weights[0], "dE/dW1 of the hidden layer: dZ1 = (dZ2 W2) * a1 (1 - a1), then dZ1^T X" + hint)
    grading.expect_close(db1, gw.biases[0], "dE/db1 of the hidden layer, dZ1 summed over the batch")
    print("two_layer_backward passes the public tests.")

# %% [markdown]
# ## Summary
#
# * One sample (lessons 02 and 05): $\partial E/\partial W^{(l)} = \delta^{(l)} a^{(l-1)\top}$, and the error travels back as $W^\top \delta$ (through the *old* weights).
# * A batch starts at the output: $dZ^{(2)} = \frac1N (A^{(2)} - T) \odot A^{(2)} \odot (1 - A^{(2)})$ for a sigmoid output and the squared error.
# * With samples as rows: $Z = XW^\top + b$ forward; $dX = dZ\,W$, $dW = dZ^\top X$, $db = \sum_n dZ_n$ backward. $W^\top\delta$ becomes $dZ\,W$ because a sample is now a row; the $\frac1N$ of the mean loss sits in $dZ$, so a batch gradient is the mean of the per-sample gradients.
# * Every gradient has the shape of what it differentiates: the fastest bug check there is.
#
# **Fresh words:** *broadcasting*.
#
# ## Check your understanding
#
# 1. A layer has 4 inputs and 2 neurons, and a batch holds 10 samples. What are the shapes of $W$, $b$, $Z$, $dZ$ and $dX$?
# 2. `dense_backward` computes a batch's *mean* gradients, yet it never needs the batch size $N$. Why not?
# 3. Why is the bias gradient a sum over the batch while the weight gradient needs a matrix product?
# 4. An output layer with tanh in place of the sigmoid, $A^{(2)} = \tanh(Z^{(2)})$, whose derivative is $\tanh'(z) = 1 - \tanh(z)^2$. What is $dZ^{(2)}$ for the same mean loss?
#
# <details><summary>Answers</summary>
#
# 1. $W$: (2, 4); $b$: (2,); $Z$ and $dZ$: (10, 2); $dX$: (10, 4), the shape of $X$, from $dZ\,W$ = (10, 2)·(2, 4).
# 2. The $\frac1N$ of the mean loss is put into $dZ^{(2)}$ once, at the output. Every product below it ($dZ\,W$, $dZ^\top X$, $\sum_n dZ_n$) is linear in $dZ$, so the $\frac1N$ rides along: $dZ^\top X$ is already the mean of the per-sample outer products, and $dZ\,W$ hands the layer below a $dZ$ with the $\frac1N$ still in it.
# 3. The same bias is added to every sample's net input, so its effect on the loss is the sum of its effects on each sample. A weight's effect on sample $n$ is also scaled by that sample's input $x_n$, and "multiply by the input, then sum over samples" is exactly the product $dZ^\top X$.
# 4. The same three steps, with only the last factor changed: $dZ^{(2)} = \frac1N\, (A^{(2)} - T) \odot (1 - A^{(2)} \odot A^{(2)})$, the derivative again computed from the activation the forward pass already has.
#
# </details>

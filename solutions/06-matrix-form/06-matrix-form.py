# %% [markdown]
# # Lesson 06 · The matrix form
#
# **Goal.** Until now every weight had its own formula: one line for $w_1$, one for $w_2$, and so on. That does not scale past a toy network. By the end of this lesson you will be able to
#
# * write a whole layer's weights as one matrix and say which entry connects which two neurons,
# * do the forward pass and the backward pass of a layer with two matrix products,
# * push a whole *batch* of samples through at once and predict the shape of every array on the way.
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
# ## 1 · Naming weights by their two ends
#
# A weight sits on an edge between two neurons, so two numbers name it: where the edge starts and where it ends. The house-price intuition (lesson 01 measured its error in dollars; the same source draws a network guessing a house's price) writes $w1_{ij}$ for the weight from input $i$ to hidden neuron $j$ (and $w2_{ij}$ from hidden neuron $i$ to output $j$), so its first index is the *sender*. This is the one place the course meets that notation; here it is translated once.
#
# This course stores a layer's weights in a matrix $W$ of shape **(n_out, n_in)**: row $j$ holds every weight going *into* neuron $j$, column $i$ every weight leaving input $i$. The first index is the *receiver*:
#
# $$w1_{ij} \;=\; W^{(1)}[j,\, i], \qquad w2_{ij} \;=\; W^{(2)}[j,\, i].$$
#
# (Here the *1* in $w1_{ij}$ names the layer; it is not hmkcode's weight $w_1$.)
#
# Why receiver first? Because a neuron's net input is one row times the input vector:
#
# $$z_j = \sum_i W[j, i]\, x_i \quad\Longleftrightarrow\quad z = W x .$$
#
# The shape reads like the layer itself: $W$ turns `n_in` numbers into `n_out` numbers, just as a matrix of shape (rows, columns) turns a vector of length *columns* into one of length *rows*. The cell below takes the first layer of hmkcode's linear 2-2-1 example (hmkcode, *Backpropagation Step by Step*), the network of lessons 01 and 02, writes its weights with the sender-first names, and checks that both readings give the same net inputs.

# %%
net, x, target = examples.step_by_step()      # hmkcode's example: linear 2-2-1, no bias

# The house-price notation, sender first: w1[(i, j)] is the weight from input i to hidden neuron j.
w1 = {(i, j): net.weights[0][j, i] for i in range(2) for j in range(2)}
for (i, j), value in w1.items():
    print(f"w1_{i + 1}{j + 1}  (input {i + 1} -> hidden {j + 1})  = W1[{j}, {i}] = {value}")

z_by_names = np.array([sum(w1[(i, j)] * x[i] for i in range(2)) for j in range(2)])
z_by_matrix = net.weights[0] @ x
print("\nnet inputs, one sum per neuron:", z_by_names)
print("net inputs, one matrix product:", z_by_matrix)

# %% [markdown]
# The drawing labels each edge with hmkcode's own numbering ($w_1 \dots w_6$), row by row through $W^{(1)}$ and then $W^{(2)}$: $w_1, w_2$ go into the first hidden neuron, $w_3, w_4$ into the second, $w_5, w_6$ into the output. (The drawing names the hidden neurons $h_1, h_2$ and the output $o_1$; their activations are $a_1, a_2$ and the output below.)

# %%
before = plots.draw_network(net, net.forward(x), target=target)
before.ax.set_title("hmkcode's network before the step")
before

# %% [markdown]
# ## 2 · hmkcode's update, one matrix at a time
#
# Lessons 02 and 05 updated hmkcode's example one weight at a time: lesson 02 found $\partial E/\partial w_5 = \delta\, a_1$ and $\partial E/\partial w_6 = \delta\, a_2$, and lesson 05 carried $\delta$ back through the old $w_5, w_6$ to $w_1 \dots w_4$. That is six formulas, one per weight. Look at them in two groups.
#
# **Output layer.** With the output's delta $\delta = \text{output} - \text{target}$ (the neuron is linear, so no $\sigma'$), the gradient of $w_5$ is $\delta\, a_1$ and of $w_6$ is $\delta\, a_2$. Side by side, that is $\delta$ times the row of hidden activations $a = (a_1, a_2)$: an **outer product** of the output's delta and the layer's input,
#
# $$\frac{\partial E}{\partial W^{(2)}} = \delta^{(2)}\, a^{\top} \qquad (1\times 1)\cdot(1\times 2) \to (1\times 2).$$
#
# **Hidden layer.** Each hidden neuron receives the output's error through its own outgoing weight, $\delta^{(1)} = W^{(2)\top} \delta^{(2)}$ (here no activation, so no $\sigma'$), and then the same outer product appears:
#
# $$\frac{\partial E}{\partial W^{(1)}} = \delta^{(1)}\, x^{\top} = \big(W^{(2)\top}\delta^{(2)}\big)\, x^{\top} \qquad (2\times 1)\cdot(1\times 2) \to (2\times 2).$$
#
# Every weight gradient has the shape of its weight matrix, so the update is one line per layer: $W \leftarrow W - \alpha\, \partial E / \partial W$. Note that $\delta^{(1)}$ uses the **old** $W^{(2)}$: compute all gradients first, then update.
#
# The code below recomputes the step with the learning rate $\alpha = 0.05$.
#
# <details><summary>For the curious: hmkcode's layout and a label slip</summary>
#
# hmkcode's page writes the hidden weights with inputs as rows, $\begin{bmatrix} w_1 & w_3 \\ w_2 & w_4\end{bmatrix}$, which is our $W^{(1)\top}$; and it labels the output update "$[w_3; w_6]$" where it means $[w_5; w_6]$.
#
# </details>

# %%
learning_rate = 0.05
trace = net.forward(x)
hidden, output = trace.activations[0], trace.output
delta_out = output - target                          # shape (1,): linear output, so no sigma'
delta_hidden = net.weights[1].T @ delta_out          # shape (2,): old W2 carries the error back

grad_W2 = np.outer(delta_out, hidden)                # (1, 2)
grad_W1 = np.outer(delta_hidden, x)                  # (2, 2)
new_W2 = net.weights[1] - learning_rate * grad_W2
new_W1 = net.weights[0] - learning_rate * grad_W1

# The same step by the reference backward pass, as a check:
grads = net.backward(trace, target)
assert np.allclose(grads.weights[1], grad_W2) and np.allclose(grads.weights[0], grad_W1)

stepped = net.copy()
stepped.step(grads, learning_rate=learning_rate)
print("delta =", delta_out)
print("W2 ->", new_W2)
print("W1 ->", new_W1)
print("new output:", stepped.forward(x).output, " (was", output, ")")

# %% [markdown]
# These are hmkcode's numbers without rounding: $W^{(2)} \to [0.1743825,\ 0.169416]$, $W^{(1)} \to \begin{bmatrix}0.121326 & 0.226989\\ 0.132135 & 0.0982025\end{bmatrix}$, and the output rises from 0.191 to 0.2557458 (the published example prints 0.26), a little closer to the target 1.

# %%
after = plots.draw_network(stepped, stepped.forward(x), target=target)
after.ax.set_title("after one step with α = 0.05")
after

# %% [markdown]
# ## 3 · A whole batch at once
#
# Training looks at many samples. Stack them as the **rows** of a matrix $X$ of shape (N, n_in). Then every neuron's net input for every sample is one product:
#
# $$Z = X\, W^{\top} + b \qquad (N \times n_\text{in})\cdot(n_\text{in} \times n_\text{out}) \to (N \times n_\text{out}),$$
#
# where the bias row $b$ (shape (n_out,)) is added to every row by **broadcasting**: when numpy adds arrays of shapes (N, n_out) and (n_out,), it repeats the smaller one along the missing axis, as if $b$ were stacked N times, without copying it. The transpose is there because samples are rows here while $W$'s rows are neurons.
#
# Backwards, two things change from the one-sample formulas of section 2 and lesson 05.
#
# **The loss is a mean over the batch**, $E = \frac1N \sum_n E_n$, where $E_n = \tfrac12 \sum_j (\text{output}_{nj} - \text{target}_{nj})^2$ is sample $n$'s own loss. So the slope of $E$ with respect to sample $n$'s net inputs is its delta from lesson 05, scaled by $\frac1N$: $\partial E/\partial z_n = \frac1N\, \delta_n$. Write $dZ$ for all of them at once: shape (N, n_out), row $n$ is $\frac1N \delta_n$. Putting the $\frac1N$ into $dZ$ once, at the output, means nothing below needs to know $N$: every gradient computed from $dZ$ is automatically a mean.
#
# **Samples are rows now, not columns.** Lesson 05 wrote a sample's values as a column and carried the error back as $W^{\top}\delta$ (a column). Here a sample's $dz_n$ is a *row* of $dZ$. Transposing $W^\top \delta$ turns it into $\delta^\top W$: the same numbers, laid out as a row. Stack the rows of all samples and you get $dZ\, W$. The transpose did not disappear; it moved to the other side together with the samples. With that,
#
# $$\frac{\partial E}{\partial X} = dZ\, W, \qquad \frac{\partial E}{\partial W} = dZ^{\top} X, \qquad \frac{\partial E}{\partial b} = \sum_n dZ_n .$$
#
# $dZ^\top X$ is the sum over samples of the outer products $dz_n^\top\, x_n$ from section 2. Since each $dz_n$ carries its $\frac1N$, that sum is the average of the per-sample gradients. The bias gradient is a sum over the batch because the same $b$ was added to every row. A quick way to get any of these right: **the gradient has the shape of the thing it is the gradient of**, and there is only one way to multiply the available matrices into that shape.
#
# Below, Matt Mazur's 2-2-2 sigmoid example (Mazur, *A Step by Step Backpropagation Example*), the network of lessons 03–05, takes a batch of four samples, its own sample first.

# %%
net2, x0, t0 = examples.mazur()
rng = np.random.default_rng(6)
X = np.vstack([x0, rng.uniform(0, 1, size=(3, 2))])             # (4, 2): Mazur's sample first
T = np.vstack([t0, rng.uniform(0.05, 0.95, size=(3, 2))])       # (4, 2)
N = len(X)
batch_trace = net2.forward(X)
batch_grads = net2.backward(batch_trace, T)        # batch_grads.deltas[l]: each sample's delta, no 1/N
print("Mazur's sample is row 0 of the batch; its net inputs Z1[0] =", batch_trace.pre_activations[0][0])

dZ2 = batch_grads.deltas[1] / N                     # dE/dZ2 of the mean loss: each row is delta_n / N
print("dE/dW2 = dZ2^T A1:", np.allclose(dZ2.T @ batch_trace.activations[0], batch_grads.weights[1]))

# %% [markdown]
# Mazur's layers are all two neurons wide, which hides which dimension is which. To see the shapes chain, take a 3-4-2 network and a batch of N = 5. The table, like the explorer below, lists each sample's delta $\delta$ as lesson 05 defined it, **without** the $\frac1N$ (it is `grads.deltas[l]`); the $\frac1N$ appears in the gradients, so section 3's $dZ$ is this delta divided by N.

# %%
wide = Network(weights=[rng.normal(size=(4, 3)), rng.normal(size=(2, 4))],
               biases=[np.zeros(4), np.zeros(2)], activations="sigmoid")
Xw, Tw = rng.uniform(0, 1, size=(5, 3)), rng.uniform(0, 1, size=(5, 2))
tw = wide.forward(Xw)
gw = wide.backward(tw, Tw)
rows = [
    ("X (input)", Xw, "N x n_in"),
    ("W1", wide.weights[0], "n_hidden x n_in"), ("b1", wide.biases[0], "n_hidden"),
    ("Z1 = X W1^T + b1", tw.pre_activations[0], "(N x n_in)(n_in x n_hidden)"),
    ("A1 = sigmoid(Z1)", tw.activations[0], "elementwise: same as Z1"),
    ("W2", wide.weights[1], "n_out x n_hidden"),
    ("Z2 = A1 W2^T + b2", tw.pre_activations[1], "(N x n_hidden)(n_hidden x n_out)"),
    ("A2 = output", tw.output, "same as Z2"), ("T (target)", Tw, "same as the output"),
    ("delta2", gw.deltas[1], "one row per sample"),
    ("delta1 = (delta2 W2) * sigma'(Z1)", gw.deltas[0], "(N x n_out)(n_out x n_hidden)"),
    ("dE/dW2 = delta2^T A1 / N", gw.weights[1], "(n_out x N)(N x n_hidden)"),
    ("dE/db2 = sum of delta2 rows / N", gw.biases[1], "summed over N"),
    ("dE/dW1 = delta1^T X / N", gw.weights[0], "(n_hidden x N)(N x n_in)"),
    ("dE/db1 = sum of delta1 rows / N", gw.biases[0], "summed over N"),
]
print(f"{'array':36s} {'shape':8s}  where the shape comes from")
for name, value, why in rows:
    print(f"{name:36s} {str(value.shape):8s}  {why}")

# %% [markdown]
# The batch gradient is the mean of the four one-sample gradients, exactly:

# %%
one_by_one = [net2.backward(net2.forward(X[n]), T[n]) for n in range(len(X))]
mean_of_singles = np.mean([g.weights[0] for g in one_by_one], axis=0)
print("dE/dW1 from the batch:      \n", batch_grads.weights[0])
print("mean of one-sample dE/dW1s: \n", mean_of_singles)
assert np.allclose(batch_grads.weights[0], mean_of_singles)

# %% [markdown]
# ### Exercise `gradient_shape`
#
# A question to answer with the rule of this section, before you open the explorer. A layer has 3 inputs and 5 neurons, and a batch holds 8 samples. What is the shape of $\partial E/\partial W$, the gradient of the layer's weights over the whole batch?
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
# ### Explore: shapes and values for a batch of your choice
#
# Choose the batch size N and a layer; the explorer shows every array of that layer for the batch, with its shape and values. The colour of a cell is its value divided by the largest value in its panel (the colour bar), so the small gradients are as visible as the weights. Mazur's network has every layer two wide; pick **a 3-4-2 network** to see each dimension on its own: which ones change with N, and which ones never do?
#
# Once your `dense_forward` (section 4) works, tick the box: the z panel is framed, marked "yours", and computed by your function, and the line under the figure says whether it agrees with the reference.

# %%
from backprop_core.viz.widgets import shapes_explorer
shapes_explorer(student_dense_forward="dense_forward")


# %% [markdown]
# ## 4 · A layer's forward pass over a batch
#
# ### Exercise `dense_forward`
#
# Compute a layer's net inputs for a whole batch, as section 3 describes. `b` may be `None` (a layer without bias, as in hmkcode's example). One line of numpy will do; check the shapes.

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
# ## 5 · A layer's backward pass over a batch
#
# ### Exercise `dense_backward`
#
# Given $dZ = \partial E/\partial z$ for every sample (shape (N, n_out), the $\frac1N$ already in it), the layer's input `x` and its weights `W`, return the three gradients of section 3. Your function never needs $N$ itself. Check each shape against the docstring before you check values.

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

    # Mazur's batch, with dZ2 of section 3 (the mean loss's 1/N already in it).
    dx, dW, db = call_on_copies(dense_backward, dZ2, batch_trace.activations[0], net2.weights[1])
    grading.expect_close(dW, batch_grads.weights[1], "dE/dW2 of the batch")
    grading.expect_close(db, batch_grads.biases[1], "dE/db2 of the batch (summed over its 4 samples)")
    print("dense_backward passes the public tests.")

# %% [markdown]
# ## 6 · Two layers: σ′ between them
#
# `dense_backward` hands the layer below its error $dX = dZ\,W$. That is the slope of $E$ with respect to the layer's *input*, and for the output layer of a network that input is the hidden layer's activation $A^{(1)} = \sigma(Z^{(1)})$. It is not yet what the hidden layer's own `dense_backward` needs, which is $dZ^{(1)}$, the slope with respect to its *net input*. Between the two sits the activation, and the chain rule of lesson 03 multiplies by its derivative, sample by sample and neuron by neuron (lesson 05's $\delta = \sigma'(z)\,\sum w\,\delta$, now with samples as rows):
#
# $$\begin{aligned} dA^{(1)} &= dZ^{(2)}\, W^{(2)}, \\ dZ^{(1)} &= dA^{(1)} \odot \sigma'(Z^{(1)}) = dA^{(1)} \odot A^{(1)} \odot (1 - A^{(1)}), \\ \frac{\partial E}{\partial W^{(1)}} &= (dZ^{(1)})^{\top} X, \qquad \frac{\partial E}{\partial b^{(1)}} = \sum_n (dZ^{(1)})_n . \end{aligned}$$
#
# $\odot$ is the elementwise product (`*` in numpy): $dA^{(1)}$, $Z^{(1)}$ and $A^{(1)}$ all have shape (N, n_hidden). Three things to keep straight:
#
# * $\sigma'$ is taken at the hidden layer's **net input** $Z^{(1)}$; since $\sigma'(z) = \sigma(z)(1 - \sigma(z))$, that is $A^{(1)} (1 - A^{(1)})$ with the activation the forward pass already computed. Never $\sigma'(A^{(1)})$, and never $Z^{(1)} (1 - Z^{(1)})$.
# * σ′ is the hidden layer's, taken at its $Z^{(1)}$. The network's input $X$ has no activation, so nothing multiplies $\partial E/\partial X$ and you never take $X(1 - X)$.
# * The $\frac1N$ of the mean loss is in $dZ^{(2)}$ already and travels down with it: do not divide again.
#
# ### Exercise `two_layer_backward`
#
# Given $dZ_2$ of the output layer and what the forward pass kept (the input `x`, the hidden layer's `W1`, its net input `z1` and activation `a1`, the output layer's `W2`), return the gradients of both layers. Use your `dense_backward` twice, with the σ′ step between the two calls.

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
# Public test: the 3-4-2 network of section 3 (its batch of 5), against the course's backward pass.
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
# * A layer's weights form a matrix $W$ of shape (n_out, n_in); $W[j, i]$ connects input $i$ to neuron $j$. The house-price intuition's sender-first $w1_{ij}$ is our $W^{(1)}[j, i]$.
# * Per-weight update formulas collapse into outer products: $\partial E/\partial W = \delta\, a_\text{in}^\top$, and the error travels back as $W^\top \delta$ (through the *old* weights).
# * With samples as rows: $Z = XW^\top + b$ forward; $dX = dZ\,W$, $dW = dZ^\top X$, $db = \sum_n dZ_n$ backward. $W^\top\delta$ becomes $dZ\,W$ because a sample is now a row; the $\frac1N$ of the mean loss sits in $dZ$, so a batch gradient is the mean of the per-sample gradients.
# * Every gradient has the shape of what it differentiates: the fastest bug check there is.
#
# **Fresh words:** *batch*, *broadcasting*.
#
# ## Check your understanding
#
# 1. A layer has 4 inputs and 2 neurons, and a batch holds 10 samples. What are the shapes of $W$, $b$, $Z$, $dZ$ and $\partial E/\partial X$?
# 2. In hmkcode's example, why must the hidden-layer gradient use $W^{(2)}$ from *before* the update?
# 3. Why is the bias gradient a sum over the batch while the weight gradient needs a matrix product?
#
# <details><summary>Answers</summary>
#
# 1. $W$: (2, 4); $b$: (2,); $Z$ and $dZ$: (10, 2); $\partial E/\partial X$: (10, 4), the shape of $X$, from $dZ\,W$ = (10, 2)·(2, 4).
# 2. The gradient describes the error the network *made*, and that error came from the old weights. Using the new ones mixes two different networks, and the step is no longer the gradient of anything.
# 3. The same bias is added to every sample's net input, so its effect on the loss is the sum of its effects on each sample. A weight's effect on sample $n$ is also scaled by that sample's input $x_n$, and "multiply by the input, then sum over samples" is exactly the product $dZ^\top X$.
#
# </details>

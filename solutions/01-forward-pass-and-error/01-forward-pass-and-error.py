# %% [markdown]
# # Lesson 01 · The forward pass and the error
#
# A neural network turns numbers that go in into numbers that come out. In this lesson we follow
# those numbers through a very small network and then ask how far its answer is from the one we wanted.
#
# **After this lesson you will be able to**
#
# - compute what a small network predicts, first by hand and then with a matrix product;
# - store the weights of a layer as a matrix of shape `(n_out, n_in)` and know why a transpose appears
#   when many samples go through at once;
# - measure how wrong an output is with the squared error $E = \tfrac12 (\text{output} - \text{target})^2$ and
#   explain the ½;
# - explain why learning means changing the weights (and the biases, which lesson 03 introduces and lesson 07 lets
#   learn) and nothing else.

# %%
import numpy as np
from backprop_core import examples
from backprop_core.viz import plots, widgets
from backprop_core.grading import call_on_copies, expect_answer, public_test

# %% [markdown]
# ## 1 · The network
#
# Our network has two inputs, one hidden layer of two neurons, and one output neuron. Each of its
# neurons only multiplies and adds (section 2 shows how), so every number in it can be checked with pencil
# and paper; lesson 03 gives neurons more to do.
# We feed it a single sample, $x = (x_1, x_2) = (2, 3)$, whose correct answer, the **target**, is 1.
# The numbers come from hmkcode's linear 2-2-1 example (hmkcode, *Backpropagation Step by Step*), which
# lessons 01 and 02 follow; we call it *hmkcode's example* from now on.
#
# `examples.step_by_step()` builds this network with its starting weights.

# %%
net, x, target = examples.step_by_step()
W1, W2 = net.weights          # input → hidden, hidden → output
print("x      =", x)
print("target =", target)
print("W1 =", W1.tolist(), "  (w1 w2 / w3 w4)")
print("W2 =", W2.tolist(), "        (w5 w6)")

# %% [markdown]
# Here is the network, drawn from `net` itself. Each line is one weight, labelled with its value
# (blue for a positive weight, orange-red for a negative one; the thicker the line, the larger the weight). Each circle shows the number the neuron
# currently holds. The circles are named by where the neuron sits: $x_1, x_2$ the inputs, $h_1, h_2$
# the **h**idden neurons, $o_1$ the **o**utput neuron.

# %%
trace = net.forward(x)
plots.draw_network(net, trace, target=target)

# %% [markdown]
# ## 2 · One neuron: multiply, then add
#
# A neuron of this network does one thing: it multiplies every incoming value by the
# weight of its connection and adds the products. That sum is its net input $z$, and here it passes
# it on unchanged: its activation is $a = z$. We write $a_1, a_2$ for what $h_1, h_2$ hold. The first
# hidden neuron receives $x_1$ through $w_1$ and $x_2$ through $w_2$:
#
# $$a_1 = w_1 x_1 + w_2 x_2, \qquad a_2 = w_3 x_1 + w_4 x_2, \qquad \text{output} = w_5 a_1 + w_6 a_2 .$$
#
# Let us do exactly that, one product at a time.

# %%
a1 = W1[0, 0] * x[0] + W1[0, 1] * x[1]    # the hidden neurons' activations (here a = z)
a2 = W1[1, 0] * x[0] + W1[1, 1] * x[1]
output = W2[0, 0] * a1 + W2[0, 1] * a2
print(f"a1 = {a1:.4f}   a2 = {a2:.4f}   output = {output:.4f}   target = {target[0]}")


# %% [markdown]
# You should see $a_1 = 0.85$, $a_2 = 0.48$ and an output of $0.191$: a long way from the target $1$.
# Computing things in this order, from the inputs towards the output, is called the **forward pass**.

# %% [markdown]
# ## 3 · A whole layer is one matrix product
#
# Put the weights into neuron $j$ in row $j$ of a matrix. A layer with `n_in` inputs and `n_out`
# neurons then has a weight matrix $W$ of shape `(n_out, n_in)`, and all its neurons are computed at once:
#
# $$\begin{pmatrix} z_1 \\ z_2 \end{pmatrix}
# = \begin{pmatrix} w_1 & w_2 \\ w_3 & w_4 \end{pmatrix}
#   \begin{pmatrix} x_1 \\ x_2 \end{pmatrix},
# \qquad\text{in short}\qquad z = W x .$$
#
# $z$ is the **net input** of the layer, one number per neuron. Here the neurons pass $z$ on unchanged,
# $a = z$; from lesson 03 on, a neuron first puts $z$ through a fixed curve, its *activation function*, and
# passes on the result. The first layer's input is $x$; a layer further on receives the activations $a$ of
# the layer below, and computes $z = W a$ in the same way.
#
# **Many samples at once.** Stack $N$ samples as the rows of a matrix $X$ of shape `(N, n_in)`.
# Entry $[n, j]$ of the result must be neuron $j$'s weighted sum for sample $n$:
# $Z_{nj} = \sum_k X_{nk} W_{jk}$, row $n$ of $X$ against row $j$ of $W$. A matrix product pairs the rows of its left
# factor with the *columns* of its right one, so $W$'s rows must be turned into columns:
#
# $$Z = X W^\top \qquad \text{shape } (N, n_\text{in}) \times (n_\text{in}, n_\text{out}) = (N, n_\text{out}) .$$
#
# The transpose lines the input axis of $X$ up with the input axis of $W$. Forget it and numpy
# either refuses (the shapes do not fit) or, when the layer happens to be square, quietly gives wrong numbers.

# %% [markdown]
# ### Exercise `linear_layer`
#
# Write the net input of a layer: each neuron's weighted sum of its inputs. Your function must work for one
# sample of shape `(n_in,)` and for a batch of shape `(N, n_in)`; check the shapes of the result.
#
# **One rule for every exercise of the course:** your function returns a new array and never changes the
# arrays it is given, because the lesson still needs its `x`, `W1` and `W2` afterwards. The public tests
# call your function through `call_on_copies(function, ...)`: it hands your function copies, so the lesson's
# own arrays stay as they are, and it tells you if your function changed one of them.

# %% solution
def linear_layer(x, W):
    """The net input z of a layer (its weighted sums), for one sample or a batch (section 3).

    Return a new array; do not change `x` or `W`.

    Parameters
    ----------
    x : ndarray, shape (n_in,) or (N, n_in)
        One sample, or a batch of N samples, one per row.
    W : ndarray, shape (n_out, n_in)
        Row j holds the weights into neuron j.

    Returns
    -------
    z : ndarray, shape (n_out,) or (N, n_out)
        The net input of every neuron (for every sample).
    """
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=float) @ np.asarray(W, dtype=float).T
    ### END SOLUTION


# %% public
# Public test: run this cell to check linear_layer on the worked example.
with public_test("linear_layer"):
    hidden = call_on_copies(linear_layer, x, W1)   # linear_layer(x, W1), on copies of x and W1
    assert np.shape(hidden) == (2,), f"one sample into 2 neurons should give shape (2,), got {np.shape(hidden)}"
    assert np.allclose(hidden, [0.85, 0.48]), f"the hidden layer should hold (0.85, 0.48), got {hidden}"
    
    batch = np.array([[2.0, 3.0], [1.0, 0.0], [0.0, 1.0]])   # three samples, one per row
    Z = call_on_copies(linear_layer, batch, W1)
    assert np.shape(Z) == (3, 2), f"3 samples into 2 neurons should give shape (3, 2), got {np.shape(Z)}"
    assert np.allclose(Z[0], [0.85, 0.48]), f"row 0 is the worked example's sample: expected (0.85, 0.48), got {Z[0]}"
    assert np.allclose(Z[1], W1[:, 0]), "the sample (1, 0) should pick out the weights leaving x1, column 0 of W1"
    print("linear_layer passes the public tests.")


# %% [markdown]
# ### Exercise `forward_linear`
#
# Chain two layers: the hidden layer's output is the next layer's input. Use your `linear_layer`.

# %% solution
def forward_linear(x, W1, W2):
    """Forward pass of a two-layer network without activations or biases.

    Return new arrays; do not change `x`, `W1` or `W2`.

    Parameters
    ----------
    x : ndarray, shape (n_in,) or (N, n_in)
    W1 : ndarray, shape (n_hidden, n_in)
        Weights from the inputs into the hidden neurons.
    W2 : ndarray, shape (n_out, n_hidden)
        Weights from the hidden neurons into the outputs.

    Returns
    -------
    hidden : ndarray, shape (n_hidden,) or (N, n_hidden)
    output : ndarray, shape (n_out,) or (N, n_out)
    """
    ### BEGIN SOLUTION
    hidden = linear_layer(x, W1)
    output = linear_layer(hidden, W2)
    return hidden, output
    ### END SOLUTION


# %% public
# Public test: the worked example, and agreement with backprop_core's network.
with public_test("forward_linear"):
    hidden, output = call_on_copies(forward_linear, x, W1, W2)
    assert np.allclose(hidden, [0.85, 0.48]), f"hidden should be (0.85, 0.48), got {hidden}"
    assert np.shape(output) == (1,), f"one output neuron: expected shape (1,), got {np.shape(output)}"
    assert np.isclose(output[0], 0.191), f"the prediction should be 0.191, got {output}"
    
    batch = np.array([[2.0, 3.0], [1.0, -1.0]])
    _, outputs = call_on_copies(forward_linear, batch, W1, W2)
    assert np.allclose(outputs, net.forward(batch).output), "a batch should give what net.forward gives"
    print("forward_linear passes the public tests; output =", output)

# %% [markdown]
# ## 4 · How wrong is the output?
#
# The simplest measure of a miss is the difference between the output and the target. Take the house-price
# intuition: a network prices a house that is really worth \$100,000:

# %%
house = examples.house_price()
print(f"actual ${house['actual']:,.0f}, predicted ${house['predicted']:,.0f}, "
      f"difference ${house['difference']:,.0f}")

# %% [markdown]
# A difference has a sign, though: overpricing one house by \$50,000 and underpricing another by
# \$50,000 average out to a perfect-looking zero. Squaring fixes that: $(\text{output} - \text{target})^2$
# is never negative, is zero only for a perfect output, and punishes a large miss far more than a small one.
#
# We also put a ½ in front:
#
# $$E = \tfrac12 (\text{output} - \text{target})^2 .$$
#
# The ½ changes no decision (halving every error keeps the same best weights), but it makes the slope
# tidy. Differentiating brings the exponent 2 down, and the ½ cancels it:
#
# $$\frac{dE}{d\,\text{output}} = \text{output} - \text{target} .$$
#
# Lesson 02 lives on that slope. With several output neurons we add their errors, and for a batch of
# $N$ samples we take the mean, so that the error does not grow just because the batch does:
#
# $$E = \frac1N \sum_{n=1}^{N} \tfrac12 \sum_{j=1}^{n_\text{out}} \left(\text{output}_{nj} - \text{target}_{nj}\right)^2 .$$
#
# The curve below shows $E$ for every output our network could give for this sample: a parabola
# whose bottom sits at the target. The dot is where the network is now.

# %%
outputs = np.linspace(-0.5, 2.5, 121)
output_now, E_now = trace.output[0], net.loss(x, target)
plots.error_curve(outputs, 0.5 * (outputs - target[0]) ** 2, path=[[output_now, E_now]], target=target[0],
                  xlabel="output", label=r"$E = \frac{1}{2}(\mathrm{output} - \mathrm{target})^2$")


# %% [markdown]
# ### Exercise `predicted_batch_error`
#
# A question to answer before you write $E$ in code: work it out with pencil and paper. A batch of three
# samples goes through a network with two outputs:
#
# | sample | output | target |
# |---|---|---|
# | 1 | (0, 3) | (1, 1) |
# | 2 | (1, 1) | (1, 2) |
# | 3 | (1.5, 1) | (1, 1) |
#
# What is the error $E$ of this batch? In the cell below, replace the `raise` line with `return` and your number.
# Three significant digits are enough (`return 0.123`). The public test only checks that it reads a number:
# whether it is right you learn when the lesson is graded, and a wrong answer is told what to reread.

# %% solution
def predicted_batch_error():
    """Your answer to the question above.

    Returns
    -------
    float
        The error E of the batch in the table, to 3 significant digits or more.
    """
    ### BEGIN SOLUTION
    return 1.04
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_batch_error"):
    expect_answer(predicted_batch_error)


# %% [markdown]
# ### Exercise `half_squared_error`
#
# Write $E$. Accept one sample (1-D arrays) or a batch (2-D arrays, one sample per row).

# %% solution
def half_squared_error(output, target):
    """The error E of section 4, for one sample or a batch.

    Return a number; do not change `output` or `target`.

    Parameters
    ----------
    output : ndarray, shape (n_out,) or (N, n_out)
        The network's outputs.
    target : ndarray, same shape as output
        The answers the network should give.

    Returns
    -------
    float
        The error of the sample; for a batch, one number for the whole batch.
    """
    ### BEGIN SOLUTION
    output = np.asarray(output, dtype=float)
    target = np.asarray(target, dtype=float)
    n_samples = 1 if output.ndim == 1 else output.shape[0]
    return float(0.5 * np.sum((target - output) ** 2) / n_samples)
    ### END SOLUTION


# %% public
# Public test: the worked example's error, several outputs, and a batch.
with public_test("half_squared_error"):
    E = call_on_copies(half_squared_error, trace.output, target)
    assert np.isclose(E, 0.3272405), f"hmkcode's example's error is ½(0.191 − 1)² = 0.3272405, got {E}"
    assert np.isclose(E, net.loss(x, target)), "your error should match net.loss"
    
    E_two = call_on_copies(half_squared_error, np.array([0.0, 3.0]), np.array([1.0, 1.0]))   # two outputs, misses 1 and 2
    assert np.isclose(E_two, 0.5 * (1**2 + 2**2)), (
        f"one sample with two outputs adds their squares: ½(1² + 2²) = 2.5, got {E_two}. "
        "(1.25 means a mean over the outputs too: np.mean averages over every entry.)")
    
    outputs = np.array([[0.0], [3.0]])
    targets = np.array([[1.0], [1.0]])   # misses of 1 and 2: errors 0.5 and 2.0, mean 1.25
    E_batch = call_on_copies(half_squared_error, outputs, targets)
    assert np.isclose(E_batch, np.mean([0.5 * 1**2, 0.5 * 2**2])), f"a batch takes the mean over samples, got {E_batch}"
    
    E_wide = call_on_copies(half_squared_error, np.zeros((2, 3)), np.ones((2, 3)))   # 2 samples, 3 outputs each
    assert np.isclose(E_wide, 1.5), (
        f"2 samples of 3 outputs, each missing by 1: each sample's error is ½(1 + 1 + 1) = 1.5, and so is their mean; "
        f"got {E_wide}")
    print(f"half_squared_error passes the public tests; E = {E:.7f}")

# %% [markdown]
# ## 5 · The only thing we can change
#
# Look at what $E$ depends on. The input $x$ is given, the target is given. What is left are the
# six weights. Learning means exactly this: **changing the weights so that $E$ gets smaller** (and the biases,
# which lesson 03 introduces and lesson 07 lets learn).
#
# ### Exercise `w5_direction`
#
# Before you try the sliders, a question. In our network the output is 0.191 and the target is 1.
# You may change $w_5$ and nothing else. What lowers the error $E$?
#
# - **A.** Make $w_5$ larger.
# - **B.** Make $w_5$ smaller.
# - **C.** Neither: $w_5$ does not change $E$.
#
# Answer with the letter, as a string: `return "A"`, `return "B"` or `return "C"`.

# %% solution
def w5_direction():
    """Your answer to the question above.

    Returns
    -------
    str
        The letter of the option that lowers E: "A", "B" or "C".
    """
    ### BEGIN SOLUTION
    return "A"
    ### END SOLUTION


# %% public
# Public test: your answer is one of the letters (whether it is right is graded later).
with public_test("w5_direction"):
    expect_answer(w5_direction, choices="ABC")


# %% [markdown]
# Now try it, and check your answer. Each slider below sets one weight; the drawing, the output and the error follow. Can you
# bring the error below 0.01? Once your `half_squared_error` runs, tick "use my error function" to see
# your own error beside the reference's.

# %%
widgets.forward_explorer("step_by_step", error_function="half_squared_error")

# %% [markdown]
# ### The words and symbols of the course
#
# Every lesson uses the same names, in the text, in the formulas and in the code. The course home
# (`index.ipynb`) keeps the whole table, and each later lesson adds its symbols where it first needs them (the
# learning rate $\alpha$ and the delta $\delta$ in lesson 02, the bias $b$ and the activation function in lesson 03).
# The box below holds this lesson's rows, for reference; a later lesson explains each layer number where it first
# uses one.
#
# <details><summary>The symbols of this lesson, and how the course numbers layers</summary>
#
# With more than one layer, each layer's symbols carry its number, counted from 1: $W^{(1)}$ takes the input to the
# first hidden layer, and that layer's net inputs and activations are $z^{(1)}$, $a^{(1)}$; $a^{(0)} = x$.
#
# | in formulas | in code | what it is | first needed |
# |---|---|---|---|
# | $x$ | `x` | the input: one sample $(x_1, x_2)$, or a batch with one sample per row | lesson 01 |
# | target | `target` | the answer we want the network to give for a sample | lesson 01 |
# | output | `output` | the answer the network gives: what its last layer holds | lesson 01 |
# | $W^{(l)}$, $w_k$ | `W1`, `W2` | layer $l$'s weight matrix, shape `(n_out, n_in)`, layers counted from 1 ($W^{(1)}$: input → hidden); $w_1, w_2, \dots$ are the entries, numbered through the network | lesson 01 |
# | $z$ | `z` | a neuron's **net input**: the weighted sum of what comes in | lesson 01 |
# | $a$ | `a` | a neuron's **activation**: the number it passes on (in lessons 01 and 02, $a = z$) | lesson 01 |
# | $E$ | `E` | the error: $\tfrac12(\text{output} - \text{target})^2$ per sample, summed over outputs, mean over a batch | lesson 01 |
#
# </details>
#
# <details><summary>For the curious: other books' symbols</summary>
#
# Worked examples from elsewhere sometimes write these differently: Matt Mazur's 2-2-2 sigmoid example, which
# lessons 03 to 05 follow, writes $net_{o1}$ for $z$ and
# $out_{o1}$ for $a$, others $y$ for the output, $t$ for the target or $\eta$ for the learning rate, and
# some number the layers from 0. A lesson that quotes one translates it once, where it does.
#
# </details>

# %% [markdown]
# ## Summary
#
# - The **forward pass** computes a network's output from its input, layer by layer.
# - A layer's weights form a matrix $W$ of shape `(n_out, n_in)`; row $j$ feeds neuron $j$. One sample:
#   $z = W x$. A batch (one sample per row): $Z = X W^\top$.
# - The **error** $E = \tfrac12 \sum_j (\text{output}_j - \text{target}_j)^2$ (mean over a batch) is never
#   negative and is zero only for perfect outputs. The ½ makes its slope simply output − target.
# - Inputs and targets are fixed. To reduce $E$, we change the weights. How to change them without
#   guessing is lesson 02.
#
# ## Check your understanding
#
# 1. A layer has 3 inputs and 4 neurons. What is the shape of its weight matrix, and of its output
#    for a batch of 10 samples?
# 2. One output misses its target by 0.1, another by 1. How many times larger is the second one's error $E$?
# 3. Why not measure the error of a batch by the plain mean of output − target?
#
# <details>
# <summary>Answers</summary>
#
# 1. $W$ has shape `(4, 3)`: one row per neuron, one column per input. The batch has shape `(10, 3)`,
#    and $X W^\top$ has shape `(10, 4)`.
# 2. 100 times: the miss is 10 times larger and the error grows with its square.
# 3. Misses of opposite sign cancel: a batch with misses of $+5$ and $-5$ would score a perfect 0.
#    Squares cannot cancel.
#
# </details>

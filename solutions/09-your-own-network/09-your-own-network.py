# %% [markdown]
# # Lesson 09 · Your own network
#
# **Goal.** Lessons 01–08 wrote each piece of backpropagation once, mostly on two layers and one sample. This lesson puts them together, from empty functions, into a classifier of any depth for handwritten digits. By the end of this lesson you will be able to
#
# * derive why softmax with cross-entropy has the output delta $(P - T)/N$, and compute it without overflow,
# * write the forward and backward pass of a network of any depth, over a batch, with tanh or ReLU hidden layers,
# * check your own backward pass with your own gradient check before trusting it,
# * explain and choose initial weights that keep the gradients of every layer alive, and recognise saturation and vanishing gradients when the weights are too large or too small,
# * train with your own minibatch loop to at least **95 %** accuracy on digits the network never saw, and read a confusion matrix.
#
# It uses everything before it: the forward pass (01, 06), the chain rule and deltas (03–05), the batch form (06), minibatches (07) and central differences (08).

# %%
import time
import numpy as np
from backprop_core import Network
from backprop_core.nn import init, minibatches
from backprop_core.nn.gradcheck import array_numerical_gradient as numerical_gradient      # lesson 08's numerical_gradient(f, W, h)
from backprop_core.nn.gradcheck import numerical_gradient as network_numerical_gradient   # a whole Network's, for a public test
from backprop_core.course import digits
from backprop_core.viz import plots
from backprop_core.grading import call_on_copies, expect_answer, expect_close, public_test

np.set_printoptions(precision=6, suppress=True)
from backprop_core.course.blas import one_blas_thread
one_blas_thread()   # small arrays: one BLAS thread is faster than numpy's default pool



# %% [markdown]
# ## 1 · The digits
#
# The data are 1,797 handwritten digits, 0 to 9, scanned and reduced to 8×8 grey images (Alpaydin and Kaynak, *Optical Recognition of Handwritten Digits*, UCI, 1998; the copy scikit-learn ships, stored in this course's package). Each pixel counts ink from 0 to 16; we divide by 16 so that inputs lie in $[0, 1]$, and lay each image out as one row of 64 numbers. The course keeps 450 digits aside as a **test set**, chosen once at random: training never sees them, so the accuracy on them says how the network does on new handwriting.
#
# The target of a digit is a **one-hot** row of 10 numbers: 1 in the column of its class, 0 elsewhere. The digit 3 has target $(0,0,0,1,0,0,0,0,0,0)$.

# %%
data = digits.split()
X_train, T_train, X_test, T_test = data["X_train"], data["T_train"], data["X_test"], data["T_test"]
print("X_train", X_train.shape, " T_train", T_train.shape, " X_test", X_test.shape, " T_test", T_test.shape)
print("the first training digit is a", data["labels_train"][0], "with target", T_train[0])

fig, axes = plots.new_figure(9.0, 1.4, ncols=10)
for digit, ax in enumerate(axes):                    # the first training image of each digit
    k = int(np.flatnonzero(data["labels_train"] == digit)[0])
    ax.imshow(X_train[k].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"a {digit}")
    ax.set_axis_off()
fig      # a figure as a cell's last line: the notebook shows it

# %% [markdown]
# ## 2 · Softmax and cross-entropy
#
# A classifier should answer with a probability for each of the $K = 10$ classes. The last layer computes net inputs $z_1, \dots, z_K$ as always; the **softmax** turns them into probabilities:
#
# $$P_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}} .$$
#
# Each $P_k$ is positive and they sum to 1; the largest $z$ gets the largest probability. The prediction is the class with the largest $P_k$.
#
# The squared error of lessons 01–08 could measure the distance to the one-hot target, but for probabilities there is a better loss. Squared error behind a squashing output multiplies the error by the output's slope, and a confidently wrong output sits where that slope is tiny. Take lesson 04's output delta, $\delta = (a - \text{target})\,a(1 - a)$, for a sigmoid output $a = 0.001$ whose target is 1: $\delta \approx -0.999 \times 0.001 \approx -0.001$. The output that is most wrong gets almost no push, so it learns slowest exactly when it is most wrong. The **cross-entropy** of one sample is minus the logarithm of the probability the network gives to the right class $c$:
#
# $$E = -\sum_{k} \text{target}_k \log P_k = -\log P_c .$$
#
# Certain and right ($P_c = 1$) costs 0; certain and wrong ($P_c \to 0$) costs without limit. For a batch of $N$ samples, as in lesson 06, $E$ is the **mean** over the samples: $E = -\frac1N \sum_n \sum_k T_{nk} \log P_{nk}$ (`np.log` is the natural logarithm).
#
# **The output delta.** Backpropagation needs $\delta_k = \partial E/\partial z_k$ for one sample. $z_k$ reaches $E$ through *every* $P_j$ (they share the denominator), so the chain rule sums over $j$: $\delta_k = \sum_j \frac{\partial E}{\partial P_j}\frac{\partial P_j}{\partial z_k}$. The two factors:
#
# * $\dfrac{\partial E}{\partial P_j} = -\dfrac{\text{target}_j}{P_j}$;
# * write $S = \sum_i e^{z_i}$ and use the quotient rule, $(u/v)' = (u'v - uv')/v^2$. For $j = k$: $\dfrac{\partial P_k}{\partial z_k} = \dfrac{e^{z_k} S - e^{z_k} e^{z_k}}{S^2} = P_k(1 - P_k)$; for $j \ne k$: $\dfrac{\partial P_j}{\partial z_k} = \dfrac{-e^{z_j} e^{z_k}}{S^2} = -P_j P_k$.
#
# Put together,
#
# $$\begin{aligned} \delta_k &= -\frac{\text{target}_k}{P_k} P_k (1 - P_k) + \sum_{j \ne k} \frac{\text{target}_j}{P_j} P_j P_k \\ &= -\text{target}_k + \text{target}_k P_k + P_k \sum_{j\ne k} \text{target}_j \\ &= -\text{target}_k + P_k \sum_j \text{target}_j = P_k - \text{target}_k , \end{aligned}$$
#
# because the targets of a sample sum to 1. The delta of the softmax-and-cross-entropy pair is just **output − target**, as simple as the linear output of lesson 02: the $1/P$ of the logarithm cancels the slope of the softmax. This is why classifiers use the pair. For the mean over a batch, each sample's loss carries a factor $\frac1N$, and so does its delta:
#
# $$dZ = \frac{\partial E}{\partial Z} = \frac{P - T}{N}, \qquad Z, P, T \text{ of shape } (N, K).$$
#
# **The max shift.** `np.exp(1000)` is `inf` in float64 (anything above about 709 overflows), and `inf / inf` is `nan`. Net inputs that large do happen when a network is very sure. Subtracting the largest $z$ of each row, $m$, from every $z$ of that row changes nothing mathematically, since $\frac{e^{z_k - m}}{\sum_j e^{z_j - m}} = \frac{e^{-m} e^{z_k}}{e^{-m}\sum_j e^{z_j}}$, but afterwards the largest exponent is $e^0 = 1$ and nothing overflows. For the logarithm, $\log P_c = (z_c - m) - \log \sum_j e^{z_j - m}$ never takes the log of a probability rounded to 0.
#
# ### Exercise `predicted_initial_loss`
#
# Before any training: a network for the 10 digits whose last layer has all weights and biases 0, so every output net input is 0. What mean cross-entropy $E$ does it measure on a batch of digits? Work it out by hand (a calculator helps), then replace the `raise` line with `return` and your number. Three significant digits are enough. The public test only checks that it reads a number.

# %% solution
def predicted_initial_loss():
    """Your answer to the question above.

    Returns
    -------
    float
        The mean cross-entropy of the untrained network.
    """
    ### BEGIN SOLUTION
    return 2.3026
    ### END SOLUTION


# %% public
# Public test: your answer is a number (whether it is right is graded later).
with public_test("predicted_initial_loss"):
    expect_answer(predicted_initial_loss)


# %% [markdown]
# ### Exercise `softmax_cross_entropy`
#
# Write the loss and its gradient at the output net inputs, from the formulas above: the softmax with the max shift, the mean cross-entropy, and $\partial E/\partial Z$ with its $\frac1N$.

# %% solution
def softmax_cross_entropy(Z, T):
    """Mean cross-entropy of the softmax of Z against one-hot targets T, and its gradient at Z.

    Must not overflow for net inputs in the thousands. Do not change Z or T.

    Parameters
    ----------
    Z : ndarray, shape (N, K)
        Net inputs of the output layer, one sample per row.
    T : ndarray, shape (N, K)
        One-hot targets.

    Returns
    -------
    loss : float
        The cross-entropy, mean over the N samples.
    dZ : ndarray, shape (N, K)
        The gradient of that loss with respect to Z.
    """
    ### BEGIN SOLUTION
    Z, T = np.asarray(Z, dtype=float), np.asarray(T, dtype=float)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.sum(T * log_P) / len(Z)
    return loss, (np.exp(log_P) - T) / len(Z)
    ### END SOLUTION


# %% public
# Public test: softmax of (1, 2, 3) is (0.0900, 0.2447, 0.6652); the right class is the third.
with public_test("softmax_cross_entropy"):
    Z1, T1 = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 1.0]])
    loss1, dZ1 = call_on_copies(softmax_cross_entropy, Z1, T1)
    expect_close(loss1, 0.40760596, "the loss of one sample, -log(0.66524096)")
    expect_close(dZ1, np.array([[0.09003057, 0.24472847, -0.33475904]]), "dZ of one sample, P - T")
    loss_big, dZ_big = call_on_copies(softmax_cross_entropy, Z1 + 1000, T1)
    assert np.all(np.isfinite(dZ_big)), "Z + 1000 gives NaN or inf: subtract each row's largest z before np.exp"
    expect_close((loss_big, dZ_big), (loss1, dZ1), "Z + 1000 (the same probabilities)")
    _, dZ_far = call_on_copies(softmax_cross_entropy, np.vstack([Z1, Z1 - 2000]), np.vstack([T1, T1]))
    assert np.all(np.isfinite(dZ_far)), ("a row 2000 below another gives NaN or inf: subtract each row's own largest z "
                                         "(np.max(Z, axis=1, keepdims=True)), not the whole array's")
    loss_gap, _ = call_on_copies(softmax_cross_entropy, np.array([[0.0, -1000.0, 3.0]]), T1)
    assert np.isfinite(loss_gap), ("a class 1000 below the others gives a NaN loss: its probability rounds to 0 and "
                                   "0 * log(0) is NaN. Take the log in section 2's form, z_c - m - log(sum of exp), "
                                   "instead of np.log of the probabilities")
    expect_close(loss_gap, np.log1p(np.exp(-3.0)), "a class 1000 below the others: -log P_c = log(1 + e^-3)")
    loss2, dZ2 = call_on_copies(softmax_cross_entropy, np.vstack([Z1, Z1]), np.vstack([T1, T1]))
    expect_close(loss2, loss1, "the loss of two equal samples (a mean, so the same as one)")
    expect_close(dZ2, np.vstack([dZ1, dZ1]) / 2, "dZ of two equal samples: each row divided by N = 2")
    print("softmax_cross_entropy passes the public tests.")


# %% [markdown]
# ## 3 · Hidden layers: tanh and ReLU
#
# The hidden layers need a non-linear activation: without one, layers of weights multiply into a single matrix, and a deep network could draw no more than one layer does. Lesson 07 met **tanh**, from −1 to 1, with $\tanh'(z) = 1 - \tanh^2(z)$. The other common choice is the **rectified linear unit**:
#
# $$\text{ReLU}(z) = \max(0, z), \qquad \text{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}$$
#
# It passes positive net inputs through unchanged (slope 1, so it never saturates on that side) and silences negative ones. At $z = 0$ it has a kink and no derivative; code must still choose a number, and this course, like most libraries, takes **0** (so `z > 0`, not `z >= 0`). It matters more than it seems: an all-zero input (a blank image) with zero biases puts net inputs at exactly 0.

# %%
z = np.linspace(-3, 3, 601)
fig, axes = plots.new_figure(9.0, 3.0, ncols=2)
axes[0].plot(z, np.tanh(z), label="tanh(z)")
axes[0].plot(z, 1 - np.tanh(z) ** 2, "--", label="tanh′(z)")
axes[1].plot(z, np.maximum(z, 0), label="ReLU(z)")
axes[1].plot(z, (z > 0).astype(float), "--", label="ReLU′(z) (0 at z = 0)")
for ax, title in zip(axes, ("tanh: saturates on both sides", "ReLU: slope 1 or 0")):
    ax.set_title(title)
    ax.set_xlabel("net input z")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.legend(frameon=False)
fig      # a figure as a cell's last line: the notebook shows it

# %% [markdown]
# ## 4 · Forward and backward through L layers
#
# Number the layers $l = 1, \dots, L$, from the input up, as every lesson does; in code, Python's lists count from 0, so `weights[l - 1]` holds $W^{(l)}$ (`weights[0]` is the first layer's). Layer $l$ has weights $W^{(l)}$ of shape $(n_l, n_{l-1})$ (row $j$ holds the weights *into* neuron $j$, as in every lesson) and biases $b^{(l)}$ of shape $(n_l,)$. A batch is a matrix with one sample per row; write $A^{(0)} = X$. Lesson 06's batch form, layer after layer:
#
# $$Z^{(l)} = A^{(l-1)} W^{(l)\top} + b^{(l)}, \qquad A^{(l)} = f(Z^{(l)}) \ \ (l < L), \qquad A^{(L)} = \text{softmax}(Z^{(L)}).$$
#
# Backwards, write $dZ^{(l)} = \partial E/\partial Z^{(l)}$ (lesson 06's $dZ$, the code's `dZ`), start from section 2's delta and repeat lesson 06's step for one layer (the weight and bias gradients, then the layer below's $dZ^{(l-1)}$ through $f'$) for every layer, from $L$ down to 1:
#
# $$dZ^{(L)} = \frac{A^{(L)} - T}{N}, \qquad
# \frac{\partial E}{\partial W^{(l)}} = dZ^{(l)\top} A^{(l-1)}, \qquad
# \frac{\partial E}{\partial b^{(l)}} = \sum_{n} dZ^{(l)}_{n},$$
#
# $$dZ^{(l-1)} = \big(dZ^{(l)}\, W^{(l)}\big) \odot f'(Z^{(l-1)}) .$$
#
# Check the shapes, they catch most slips: $dZ^{(l)}$ is $(N, n_l)$, so $dZ^{(l)\top} A^{(l-1)}$ is $(n_l, n_{l-1})$, the shape of $W^{(l)}$; and $dZ^{(l)} W^{(l)}$ is $(N, n_{l-1})$, the shape of $Z^{(l-1)}$. The other order, $A^{(l-1)\top} dZ^{(l)}$, gives the transpose, which has the wrong shape, or, for a square layer, the right shape and wrong numbers. The $\frac1N$ enters once, at the top; every later gradient inherits it. The sum over samples in $\partial E/\partial b^{(l)}$ is where a batch's gradients add up.
#
# ### Exercise `network_gradients`
#
# Write the forward pass and then the backward pass of such a network, for any number of layers. `hidden` names the activation of every layer but the last; the last is always the softmax with cross-entropy (your `softmax_cross_entropy` is welcome to help). Keep every $Z^{(l)}$ and $A^{(l)}$ in lists on the way forward, since the backward pass needs them: tanh′ comes from $A$, as $1 - A^2$, and ReLU′ from $Z$, as 1 where $Z > 0$ and 0 elsewhere.

# %% solution
def network_gradients(weights, biases, hidden, X, T):
    """Forward and backward pass of a softmax classifier over a batch.

    Do not change any argument.

    Parameters
    ----------
    weights : list of L ndarrays
        weights[i] is W^(i+1), shape (n_{i+1}, n_i): weights[0] takes the input to the first hidden layer.
    biases : list of L ndarrays
        biases[i] is b^(i+1), shape (n_{i+1},).
    hidden : str
        "tanh" or "relu": the activation of every layer but the last, which is a softmax.
    X : ndarray, shape (N, n_0)
        Inputs, one sample per row: n_0 inputs each (64 pixels for the digits).
    T : ndarray, shape (N, n_L)
        One-hot targets, one column per class of the last layer.

    Returns
    -------
    loss : float
        The mean cross-entropy of the batch.
    weight_gradients : list of L ndarrays
        The gradient of the loss with respect to weights[i], shaped like it.
    bias_gradients : list of L ndarrays
        The gradient of the loss with respect to biases[i], shaped like it.
    """
    ### BEGIN SOLUTION
    A, zs, As = np.asarray(X, dtype=float), [], []
    for W, b in zip(weights, biases):
        Z = A @ W.T + b
        A = np.tanh(Z) if hidden == "tanh" else np.maximum(Z, 0.0)  # the last one is replaced by the softmax below
        zs.append(Z)
        As.append(A)
    loss, dZ = softmax_cross_entropy(zs[-1], T)
    weight_gradients, bias_gradients = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        A_in = np.asarray(X, dtype=float) if l == 0 else As[l - 1]
        weight_gradients[l] = dZ.T @ A_in
        bias_gradients[l] = dZ.sum(axis=0)
        if l > 0:
            slope = 1.0 - As[l - 1] ** 2 if hidden == "tanh" else (zs[l - 1] > 0).astype(float)
            dZ = (dZ @ weights[l]) * slope
    return loss, weight_gradients, bias_gradients
    ### END SOLUTION


# %% public
# Public test: a 4-5-3-3 network on a batch of 6, against the course's own Network, tanh and ReLU.
with public_test("network_gradients"):
    rng = np.random.default_rng(9)
    Ws = [rng.normal(size=(5, 4)), rng.normal(size=(3, 5)), rng.normal(size=(3, 3))]
    bs = [rng.normal(size=5), rng.normal(size=3), rng.normal(size=3)]
    X6, T6 = rng.normal(size=(6, 4)), np.eye(3)[[0, 1, 2, 2, 1, 0]]
    for act in ("tanh", "relu"):
        course_net = Network(Ws, bs, [act, act, "softmax"], loss="cross_entropy")
        expected = course_net.backward(course_net.forward(X6), T6)
        loss6, gW6, gb6 = call_on_copies(network_gradients, Ws, bs, act, X6, T6)
        expect_close(loss6, course_net.loss(X6, T6), f"the loss ({act})")
        assert [np.shape(g) for g in gW6] == [W.shape for W in Ws], (
            f"weight_gradients should have the shapes of the weights, {[W.shape for W in Ws]}, got "
            f"{[np.shape(g) for g in gW6]}: dE/dW of a layer is dZ^T times the layer's input")
        for l in (2, 1, 0):                            # from the output down: the first wrong layer is the one to fix
            above = (f"; the layers above it agree: {', '.join(f'[{k}]' for k in range(2, l, -1))}" if l < 2 else "")
            expect_close(gW6[l], expected.weights[l], f"weight_gradients[{l}] (layer {l + 1} of 3, {act}{above})")
            expect_close(gb6[l], expected.biases[l], f"bias_gradients[{l}] (layer {l + 1} of 3, {act}{above})")
    X0, b0 = np.vstack([np.zeros(4), X6[1:]]), [np.zeros(5), bs[1], bs[2]]   # first-layer net inputs exactly 0
    course_net = Network(Ws, b0, ["relu", "relu", "softmax"], loss="cross_entropy")
    _, _, gb0 = call_on_copies(network_gradients, Ws, b0, "relu", X0, T6)
    expect_close(gb0[0], course_net.backward(course_net.forward(X0), T6).biases[0],
                 "bias_gradients[0] with net inputs exactly 0 (ReLU′(0) is 0 here: z > 0, not z >= 0)")
    print("network_gradients passes the public tests.")


# %% [markdown]
# ## 5 · Your own gradient check, on your own network
#
# A backward pass that runs is not a backward pass that is right. Before training anything, check it the way lesson 08 taught: nudge every weight and bias by $\pm h$, measure the loss both times, and divide the difference by $2h$.
#
# ### Exercise `numerical_gradients`
#
# Write the central-difference gradient of the mean cross-entropy for every weight and every bias of a network. Compute the loss however you like (your `network_gradients` returns it). Lesson 08's `numerical_gradient(f, W, h)` does one array; the course's version of it is imported above under that name, with that signature. You may call it once per weight matrix and bias vector, with an `f` that puts the nudged array in its place in the network and returns the loss.

# %% solution
def numerical_gradients(weights, biases, hidden, X, T, h=1e-5):
    """The gradient of the mean cross-entropy by central differences, for every weight and bias.

    Leave the arrays of weights and biases as they were (put every nudged entry back).

    Parameters
    ----------
    weights, biases : lists of L ndarrays
        As for network_gradients.
    hidden : str
        "tanh" or "relu".
    X : ndarray, shape (N, n_0)
    T : ndarray, shape (N, n_L)
    h : float
        The nudge.

    Returns
    -------
    weight_gradients, bias_gradients : lists of L ndarrays
        Shaped like weights and biases.
    """
    ### BEGIN SOLUTION
    weights = [np.array(W, dtype=float) for W in weights]
    biases = [np.array(b, dtype=float) for b in biases]
    result = []
    for group in (weights, biases):
        grads = []
        for P in group:
            g = np.zeros_like(P)
            for index in np.ndindex(P.shape):
                old = P[index]
                P[index] = old + h
                plus = network_gradients(weights, biases, hidden, X, T)[0]
                P[index] = old - h
                minus = network_gradients(weights, biases, hidden, X, T)[0]
                P[index] = old
                g[index] = (plus - minus) / (2 * h)
            grads.append(g)
        result.append(grads)
    return result[0], result[1]
    ### END SOLUTION


# %% public
# Public test: the 4-5-3-3 tanh network of the previous test, against the course's numerical gradient of a whole Network.
with public_test("numerical_gradients"):
    course_net = Network(Ws, bs, ["tanh", "tanh", "softmax"], loss="cross_entropy")
    expected = network_numerical_gradient(course_net, X6, T6)
    nW, nb = call_on_copies(numerical_gradients, Ws, bs, "tanh", X6, T6, 1e-5)
    for l in range(3):
        expect_close(nW[l], expected.weights[l], f"weight_gradients[{l}]", rtol=1e-7, atol=1e-9)
        expect_close(nb[l], expected.biases[l], f"bias_gradients[{l}]", rtol=1e-7, atol=1e-9)
    print("numerical_gradients passes the public tests.")


# %% [markdown]
# Now the check itself: your `network_gradients` against your `numerical_gradients`, on small networks with real digits as inputs, one tanh and one ReLU with two hidden layers. The relative error of lesson 08, $\max_i \dfrac{|\text{analytic}_i - \text{numeric}_i|}{\max(|\text{analytic}_i| + |\text{numeric}_i|,\ 10^{-8})}$, should be below $10^{-6}$ in every layer (ReLU's kink can, rarely, spoil one entry: a net input within $h$ of 0).

# %%
def relative_error(analytic, numeric):
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    return float(np.max(np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)))


def check_my_network(sizes, hidden, n_samples=8):
    weights, biases = init.init_weights(sizes, hidden, seed=2)   # initial weights of the right size (section 6 explains)
    biases = [b + 0.1 for b in biases]                # non-zero biases, so their gradients are tested too
    X, T = X_train[:n_samples], T_train[:n_samples]
    _, gW, gb = network_gradients(weights, biases, hidden, X, T)
    nW, nb = numerical_gradients(weights, biases, hidden, X, T)
    errors = [max(relative_error(gW[l], nW[l]), relative_error(gb[l], nb[l])) for l in range(len(weights))]
    print(f"{'-'.join(map(str, sizes))} {hidden}: relative error by layer", ", ".join(f"{e:.1e}" for e in errors))
    return max(errors)


start = time.perf_counter()
try:
    worst = max(check_my_network([64, 12, 8, 10], "tanh"), check_my_network([64, 12, 8, 10], "relu"))
    print(f"worst {worst:.1e}: {'your backward pass agrees with your gradient check' if worst < 1e-6 else 'look for the bug'}"
          f" ({time.perf_counter() - start:.1f} s)")
except NotImplementedError:
    print("write network_gradients and numerical_gradients first, then run this cell again")

# %% [markdown]
# ## 6 · Initial weights: too small, too large, about right
#
# Lesson 07 trained small networks from weights of size about 1. In a deep network that choice decides whether training starts at all. A net input sums $n_{in}$ products $w\,a$. Draw the weights at random around 0 with **standard deviation** $s$ (their typical size: for the bell-shaped normal draws the course uses, about two thirds of them lie within $\pm s$). With inputs of size about 1, each product is of size about $s$ and its sign is as likely + as −, so the products partly cancel: it is not their sizes that add up but their squares (for independent random terms, the **variances**, the squared standard deviations, add). $n_{in}$ products then give a variance $n_{in} s^2$, so $z$ has a spread of about $s\sqrt{n_{in}}$, not $s\, n_{in}$.
#
# * **Too large** (say $s = 1$ with $n_{in} = 64$: $z$ of size 8): tanh **saturates**, its outputs stick at ±1 and its slope $1 - \tanh^2$ is nearly 0. Every delta passing back through such a layer is multiplied by that slope.
# * **Too small** ($s = 0.01$): $z$ is tiny, each layer multiplies the signal by about $s\sqrt{n_{in}} \ll 1$, and the deltas on the way back shrink by the same factor per layer (the $W^{(l)}$ in $dZ^{(l)}\, W^{(l)}$). The gradients **vanish**.
# * **About right**: keep $s\sqrt{n_{in}}$ near 1, that is $s = \sqrt{1/n_{in}}$, a variance $s^2$ of $1/n_{in}$, for tanh (LeCun et al., 1998; Glorot and Bengio's version, 2010, averages $n_{in}$ and $n_{out}$, a variance of $2/(n_{in} + n_{out})$, the same for a layer with as many outputs as inputs). ReLU sets the negative half of its net inputs to 0, so only about half the variance passes on: it needs twice the variance, which means $\sqrt2$ times $s$: $s = \sqrt{2/n_{in}}$ (He et al., 2015). Both rules in one: $s = \sqrt{g/n_{in}}$, with the **gain** $g = 1$ for tanh and $g = 2$ for ReLU. The course's `init.init_weights(sizes, hidden, seed)` draws weights this way, and zero biases.
#
# The picture measures it: a tanh network with six hidden layers of 32 neurons, on 200 training digits, started three ways. Left: the size of each layer's weight gradient $\|\partial E/\partial W^{(l)}\|$, the square root of the sum of its squared entries (`np.linalg.norm`), on a log scale. Right: the share of hidden neurons that are saturated ($|a| > 0.99$).

# %%
deep_sizes = [64] + [32] * 6 + [10]
X200, T200 = X_train[:200], T_train[:200]
starts = {"s = 0.01 (too small)": 0.01, "s = √(1/n_in)": None, "s = 1 (too large)": 1.0}
fig, axes = plots.new_figure(10.0, 3.6, ncols=2)
for label, scale in starts.items():
    # scale: the standard deviation s itself (None: the rule s = √(g/n_in)); the explorer below uses multiples of the rule
    weights, biases = init.init_weights(deep_sizes, "tanh", seed=0, scale=scale)
    deep_net = Network(weights, biases, ["tanh"] * 6 + ["softmax"], loss="cross_entropy")
    trace = deep_net.forward(X200)
    grads = deep_net.backward(trace, T200)
    norms = [np.linalg.norm(g) for g in grads.weights]
    saturated = [np.mean(np.abs(a) > 0.99) for a in trace.activations[:-1]]
    axes[0].semilogy(range(1, 8), norms, "o-", label=label)
    axes[1].plot(range(1, 7), saturated, "o-", label=label)
    print(f"{label:24s} gradient size, layer 1: {norms[0]:.1e}, layer 7: {norms[-1]:.1e}; "
          f"saturated in hidden layer 6: {saturated[-1]:.0%}")
axes[0].set_xlabel("layer l (1 = next to the input)")
axes[0].set_ylabel(r"$\|\partial E/\partial W^{(l)}\|$")
axes[0].set_title("gradient size by layer")
axes[0].legend(frameon=False, fontsize=8)
axes[1].set_xlabel("hidden layer")
axes[1].set_ylabel("share with |a| > 0.99")
axes[1].set_title("saturated tanh neurons")
fig      # a figure as a cell's last line: the notebook shows it

# %% [markdown]
# With $s = 0.01$ the signal shrinks by a factor of about $0.01\sqrt{32} \approx 0.06$ per layer on the way forward and the deltas by as much on the way back, so by the time they meet in $\partial E/\partial W^{(l)} = dZ^{(l)\top} A^{(l-1)}$ every layer's gradient is about $10^{-8}$ (whatever the layer: its gradient picks up $l-1$ shrinking factors on the way forward and $7-l$ on the way back, six in all, and $0.06^6 \approx 5\cdot10^{-8}$), seven orders of magnitude below those of $s = \sqrt{1/n_{in}}$: the network barely moves, and its loss stays at its starting value. With $s = 1$ about half of the hidden neurons or more are saturated (the printout gives the last hidden layer's share): their outputs sit at ±1 whatever the digit, so those layers pass on little about the input, and the gradients are large and uneven, about 15 times larger next to the input than next to the output. With $s = \sqrt{1/n_{in}}$ no neuron saturates and every layer's gradient has about the same size.
#
# The explorer below lets you try it while a network trains on the digits: pick the depth, the width of the hidden layers, the activation and the initial scale (a multiple of the right $\sqrt{g/n_{in}}$, the gain $g$ as above), press **train 3 epochs**, and watch each layer's gradient size and the loss, epoch by epoch.

# %%
from backprop_core.viz.widgets import depth_explorer
depth_explorer()

# %% [markdown]
# Things to try, each with a question to answer before you look below:
#
# * eight hidden layers of tanh at scale 0.01 × (the slider's scale multiplies the right $\sqrt{g/n_{in}}$: it is not the figure's $s$): how large is each layer's gradient at the start, and does the loss move?
# * the same at scale 1 ×: how fast does the loss fall, and which layer's gradient is largest?
# * the same at scale 10 ×: compare the gradient next to the input with the output layer's, at the start (the dashed line) and after one press of **train 3 epochs**. Does the loss keep falling?
# * ReLU with eight layers, at scale 10 × and then at scale 1 ×: does it learn?
#
# <details><summary>What you should see</summary>
#
# * tanh at scale 0.01 ×: at the start every gradient is far below $10^{-12}$, so the plot draws them on its floor at $10^{-12}$; training moves little but the top two layers, and the loss stays at the untrained network's loss (section 2's prediction), the dotted line.
# * tanh at scale 1 ×: the loss falls within a few epochs, every layer's gradient of a similar size.
# * tanh at scale 10 ×: saturated layers. At the start the gradient next to the input is hundreds of times the output layer's; after one press of **train 3 epochs** the first huge steps pin nearly every tanh neuron at ±1, so the gradients next to the input collapse to about $10^{-7}$ of the output layer's (the ratio the readout prints), and the loss stalls near the dotted line.
# * ReLU at scale 10 ×: the net inputs grow about tenfold per layer, the softmax sees huge net inputs and the run blows up. At scale 1 × it learns, but bumpily: after one press the loss can even sit above the dotted line. Press a few more times and it comes down, though more slowly than tanh.
#
# </details>

# %% [markdown]
# ## 7 · Training with your own loop
#
# Lesson 07's loop, now with your pieces: for every epoch, deal the training samples into shuffled minibatches, and for every batch compute the gradients and take one step $W^{(l)} \leftarrow W^{(l)} - \alpha\, \partial E/\partial W^{(l)}$, $b^{(l)} \leftarrow b^{(l)} - \alpha\, \partial E/\partial b^{(l)}$. `minibatches` here is the course's version of your lesson 07 exercise, with the same behaviour; paste yours over the import if you prefer.
#
# ### Exercise `train`
#
# Write minibatch training. So that a run can be repeated exactly, epoch $k$ (from 0) deals the samples with `minibatches(X, T, batch_size, rng=seed + k)`. After each epoch, record the mean loss over **all** of `X`, measured *after* the epoch's updates. That takes one more call of `gradients` on all of `X` and `T` after the epoch (keep its loss, ignore its gradients), and it is not lesson 07's average of the losses measured before each update: so each number is the loss of one fixed network, comparable from epoch to epoch and with the test loss. Take the loss and the gradients from the function `gradients` you are given (in this lesson, your `network_gradients`).

# %% solution
def train(weights, biases, hidden, X, T, learning_rate, epochs, batch_size, seed, gradients):
    """Minibatch gradient descent on the mean cross-entropy.

    Change the arrays in `weights` and `biases` in place: training them is this function's job.
    Do not change X or T.

    Parameters
    ----------
    weights, biases : lists of L ndarrays
        As for network_gradients; trained in place.
    hidden : str
        "tanh" or "relu".
    X : ndarray, shape (N, n_0)
    T : ndarray, shape (N, n_L)
    learning_rate : float
        The step size (alpha in the text), > 0.
    epochs : int
    batch_size : int
    seed : int (for the random-number generator)
        The seed of epoch 0. Epoch k deals the samples with minibatches(X, T, batch_size, rng=seed + k).
    gradients : function
        Called as gradients(weights, biases, hidden, X_batch, T_batch), it returns
        (loss, weight_gradients, bias_gradients) as your network_gradients does.

    Returns
    -------
    losses : ndarray, shape (epochs,)
        losses[k]: the mean cross-entropy over all of X after epoch k.
    """
    ### BEGIN SOLUTION
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        for X_batch, T_batch in minibatches(X, T, batch_size, rng=seed + epoch):
            _, gW, gb = gradients(weights, biases, hidden, X_batch, T_batch)
            for l in range(len(weights)):
                weights[l] -= learning_rate * gW[l]
                biases[l] -= learning_rate * gb[l]
        losses[epoch] = gradients(weights, biases, hidden, X, T)[0]
    return losses
    ### END SOLUTION


# %% public
# Public test: 3 epochs of a small network on 100 digits; the loss must fall and match a run by the course's pieces.
with public_test("train"):
    W_small, b_small = init.init_weights([64, 16, 10], "relu", seed=3)
    mine = call_on_copies(train, W_small, b_small, "relu", X_train[:100], T_train[:100], 0.5, 3, 20, 4, network_gradients)
    assert np.shape(mine) == (3,), f"one loss per epoch: expected shape (3,), got {np.shape(mine)}"
    assert mine[-1] < 2.0, f"after 3 epochs the loss should be well below the untrained network's, got {mine[-1]:.3f}"
    reference_net = Network(*init.init_weights([64, 16, 10], "relu", seed=3), ["relu", "softmax"], loss="cross_entropy")
    for epoch in range(3):
        for xb, tb in minibatches(X_train[:100], T_train[:100], 20, rng=4 + epoch):
            reference_net.step(reference_net.backward(reference_net.forward(xb), tb), learning_rate=0.5)
    expect_close(W_small[0], reference_net.weights[0], "weights[0] after training (trained in place)")
    expect_close(mine[-1], reference_net.loss(X_train[:100], T_train[:100]),
                 "the loss after 3 epochs (your weights are right: record the loss over all of X after the epoch's "
                 "updates, not the last or the mean of the minibatches' losses)")
    print(f"train passes the public tests (losses {np.round(mine, 4)}).")


# %% [markdown]
# ## 8 · The digits, for real
#
# A 64-64-10 network with tanh hidden neurons, initial weights of scale $\sqrt{1/n_{in}}$, $\alpha = 0.3$, minibatches of 32, 60 epochs: about 2,600 updates, a few seconds (the cell prints how long it took; on a busy machine it takes longer). This lesson states its goal: **at least 95 % accuracy on the 450 test digits**.

# %%
digits_weights, digits_biases = init.init_weights([64, 64, 10], "tanh", seed=0)
start = time.perf_counter()
try:
    digits_losses = train(digits_weights, digits_biases, "tanh", X_train, T_train,
                          learning_rate=0.3, epochs=60, batch_size=32, seed=0, gradients=network_gradients)
    trained_by = "your train"
except NotImplementedError:   # until your train is written, the course's own pieces train the same network
    digits_net = Network(digits_weights, digits_biases, ["tanh", "softmax"], loss="cross_entropy")
    digits_losses = []
    for epoch in range(60):
        for xb, tb in minibatches(X_train, T_train, 32, rng=epoch):
            digits_net.step(digits_net.backward(digits_net.forward(xb), tb), learning_rate=0.3)
        digits_losses.append(digits_net.loss(X_train, T_train))
    digits_weights, digits_biases = digits_net.weights, digits_net.biases
    trained_by = "the course's pieces (your train is not written yet)"
trained = Network(digits_weights, digits_biases, ["tanh", "softmax"], loss="cross_entropy")


def accuracy(net, X, labels):
    return float(np.mean(np.argmax(net.forward(X).output, axis=1) == labels))


test_accuracy = accuracy(trained, X_test, data["labels_test"])
print(f"trained by {trained_by} in {time.perf_counter() - start:.2f} s; final training loss {digits_losses[-1]:.4f}")
print(f"accuracy: training {accuracy(trained, X_train, data['labels_train']):.1%}, test {test_accuracy:.1%}")
assert test_accuracy >= 0.95, f"the test accuracy {test_accuracy:.1%} is below the lesson's 95 %"

# %% [markdown]
# A **confusion matrix** counts, for every true digit (row), how often the network answered each digit (column). The diagonal holds the right answers; everything else is a confusion. Below it, the test digits it gets wrong, with what it answered and how sure it was.

# %%
predicted = np.argmax(trained.forward(X_test).output, axis=1)
truth = data["labels_test"]
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (truth, predicted), 1)
wrong = np.flatnonzero(predicted != truth)
print(f"{len(wrong)} of {len(truth)} test digits wrong")

fig, axes = plots.new_figure(10.0, 4.2, ncols=2, gridspec_kw={"width_ratios": [1.1, 1]})
ax = axes[0]
ax.imshow(np.log1p(confusion), cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, str(confusion[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if i == j else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.grid(False)
ax.set_xlabel("answered")
ax.set_ylabel("true digit")
ax.set_title(f"confusion matrix, test accuracy {test_accuracy:.1%}")
probabilities = trained.forward(X_test).output
axes[1].set_axis_off()
axes[1].set_title("wrong: true → answered (its probability)")
shown = wrong[:12]
for k, n in enumerate(shown):
    inset = axes[1].inset_axes([(k % 4) * 0.25 + 0.02, 0.68 - (k // 4) * 0.33, 0.21, 0.25])
    inset.imshow(X_test[n].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    inset.set_title(f"{truth[n]} → {predicted[n]} ({probabilities[n, predicted[n]]:.2f})", fontsize=7)
    inset.set_axis_off()
fig      # a figure as a cell's last line: the notebook shows it

# %% [markdown]
# Most mistakes involve 8s, 3s and 1s: thick, broken or slanted strokes that at 8×8 pixels look like another digit (an 8 read as a 1, a 3 as a 5 or a 9). Several wrong answers come with a probability above 0.9: a softmax's confidence is not a guarantee.
#
# ## Summary
#
# * Softmax turns net inputs into probabilities; cross-entropy is $-\log$ of the probability of the right class. Together their delta is $P - T$ per sample, $(P - T)/N$ for the mean over a batch. Subtract each row's maximum before `np.exp`, and take the log as $(z_c - m) - \log \sum_j e^{z_j - m}$, never as `np.log` of a probability.
# * A network of any depth is one loop forward ($Z^{(l)} = A^{(l-1)} W^{(l)\top} + b^{(l)}$) and one loop back ($\partial E/\partial W^{(l)} = dZ^{(l)\top} A^{(l-1)}$, biases summed over the batch, $dZ^{(l-1)} = (dZ^{(l)}\, W^{(l)}) \odot f'(Z^{(l-1)})$). Shapes catch transposes.
# * tanh saturates on both sides; ReLU has slope 1 or 0, and 0 at the kink by convention.
# * Check your own backward pass with your own central differences before you train: relative errors below $10^{-6}$.
# * Initial weights with standard deviation $\sqrt{1/n_{in}}$ (tanh) or $\sqrt{2/n_{in}}$ (ReLU) keep the gradients of every layer alive; too small makes them vanish, too large saturates tanh.
# * A 64-64-10 tanh network trained with minibatches classifies over 95 % of unseen digits right.
#
# **Fresh words:** *softmax*, *cross-entropy*, *one-hot*, *max shift*, *ReLU*, *vanishing gradients*, *initialisation* (LeCun, Glorot, He), *standard deviation* and *variance*, *gain*, *gradient size* (`np.linalg.norm`), *confusion matrix*.
#
# ## Check your understanding
#
# 1. Your classifier's loss is `nan` after a few hundred updates, while accuracy was still rising. What is the first thing to look at?
# 2. You forgot the $\frac1N$ in $dZ^{(L)}$. What does your gradient check say, and how would training with minibatches of 32 behave?
# 3. Why can't the cross-entropy of a softmax ever be negative?
# 4. A ReLU network starts with all biases 0 and, by bad luck, some neuron's weights make its net input negative for every training digit. What happens to that neuron during training?
#
# <details><summary>Answers</summary>
#
# 1. The softmax: without the max shift, a confident network's large net inputs overflow `np.exp` to inf, and inf / inf is NaN. Or the log: a probability that rounded to 0 has `np.log` of −inf, and 0 · (−inf) in the loss's sum is NaN (section 2's log form never takes the log of a probability).
# 2. Every gradient is $N$ times too large: the relative error is $(N - 1)/(N + 1)$ in every layer, far above $10^{-6}$. Training behaves as if the learning rate were 32 times larger, and may diverge.
# 3. Each $P_k$ lies between 0 and 1, so $\log P_c \le 0$ and $-\log P_c \ge 0$; it is 0 only when the network gives the right class probability 1.
# 4. Its ReLU outputs 0 and its derivative is 0 for every sample, so no gradient ever reaches its weights: it stays silent for good (a "dead" ReLU). Small positive biases or a different start avoid it.
#
# </details>

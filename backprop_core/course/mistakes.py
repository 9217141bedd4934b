"""The known mistakes of the course, named once.

The grader's messages, the gallery of buggy backward passes (:mod:`backprop_core.course.buggy`),
lesson 08's widget and the tests all use these labels.
"""

MISTAKES = {
    "sigma_prime_of_activation": "σ′ applied to the activation a instead of the net input z",
    "missing_transpose": "a missing transpose",
    "wrong_sign": "the wrong sign of the update (w + α·∂E/∂w climbs the error instead of descending it)",
    "updated_output_weights": "the updated instead of the old output weights used for the hidden layer",
    "bias_not_summed": "the bias gradient not summed over the batch",
    "missing_half": "a missing ½ in the squared error",
    "missing_mean": "a missing mean over the batch",
    "one_sided_difference": "a one-sided difference (f(w + h) − f(w)) / h instead of the central one",
    "loss_after_update": (
        "the loss measured after the update instead of before it (the classic off-by-one): record "
        "½ Σ (output − target)² from the forward pass that the update uses, before changing any weight"
    ),
    "last_batch_dropped": (
        "the last, smaller minibatch dropped (e.g. range(0, N - batch_size + 1, batch_size), or N // batch_size "
        "batches): loop over range(0, N, batch_size) and let the last slice be shorter"
    ),
    "pairs_shuffled_separately": "inputs and targets shuffled separately, so samples lose their targets",
    "absolute_instead_of_relative": "an absolute difference where a relative error belongs",
    # The mistakes newcomers make, each worded as what they probably wrote and what to write instead.
    "changed_argument_in_place": (
        "an argument changed in place (W -= ..., W[...] = ..., a shuffle of X): exercises return new arrays "
        "and leave their arguments as they were"
    ),
    "mean_over_outputs": (
        "the mean taken over the output neurons as well as over the samples (np.mean of the squares): add up "
        "the squares of one sample's outputs, then average over the samples only"
    ),
    "difference_over_h": (
        "the central difference divided by h instead of 2h: f(x + h) and f(x − h) lie 2h apart, so divide by 2 * h"
    ),
    "chain_inner_slope_missing": (
        "the inner link's slope left out: g(w) = σ(2w) is σ(u) with u = 2w, so g′(w) = σ′(2w) · 2, not σ′(2w)"
    ),
    "chain_outer_slope_at_w": (
        "the outer link's slope taken at w: σ′ belongs where σ is applied, at u = 2w, so g′(w) = σ′(2w) · 2"
    ),
    "sigma_prime_of_net_input_as_activation": (
        "σ′ written as z·(1 − z): the formula a·(1 − a) takes the activation a = σ(z), not the net input z; "
        "compute s = σ(z) first, then s·(1 − s)"
    ),
    "nudged_weight_not_restored": (
        "a nudged weight never put back (W[i] += h, W[i] -= 2h, and no W[i] += h): every later entry is measured "
        "at the wrong place; keep old = W[i] and set W[i] = old after the two evaluations"
    ),
    "layer_counted_from_one": (
        "layers counted from 1 (returning l + 1): the first layer is layer 0, as in analytic[0]"
    ),
    "bias_gradients_ignored": (
        "only the weight gradients compared, the biases left out: a layer whose bias gradient disagrees disagrees "
        "too (a bias gradient not summed over the batch breaks nothing else); compare both arrays of each "
        "(weights, biases) pair"
    ),
    "batches_balanced": (
        "batches of balanced sizes (np.array_split): every batch but the last holds exactly batch_size samples; "
        "take X[start:start + batch_size] for start in range(0, N, batch_size)"
    ),
    "softmax_without_max_shift": (
        "softmax without the max shift: np.exp of a large net input overflows to inf and inf / inf is NaN; "
        "subtract each row's largest z before np.exp (the result does not change)"
    ),
    "relu_prime_at_zero": (
        "the ReLU derivative taken as 1 at z = 0 (z >= 0): the course takes it as 0 there, (z > 0)"
    ),
    "loss_of_last_batch": (
        "the loss of the epoch's last minibatch recorded (measured before its update) instead of the loss over all "
        "of X after the epoch's updates"
    ),
    "batches_never_shuffled": (
        "the samples dealt out in the same order every epoch: epoch k shuffles them with "
        "minibatches(X, T, batch_size, rng=seed + k)"
    ),
    "grad_overwritten": (
        "grad overwritten (=) instead of added to (+=) in a backward rule: a value used twice keeps only its last "
        "use's gradient"
    ),
    "grad_overwritten_in_product": (
        "grad overwritten (=) instead of added to (+=) in the product's backward rule: a value used in two "
        "products (p·q + p·0.5) keeps only the last product's share; write self.grad += other.data * out.grad"
    ),
    "node_before_its_parents": (
        "each node put in the order before its parents instead of after them, so the backward pass runs "
        "a node's rule before its gradient is complete"
    ),
    "divided_by_n_twice": (
        "1/N applied twice: dz already holds the 1/N of the mean error, so dividing by N again makes the "
        "gradients exactly 1/N of the right ones (¼ for a batch of 4); use dz as it comes"
    ),
    "sigma_prime_of_activation_hidden_only": (
        "σ′ applied to the activation a instead of the net input z in the hidden layer only (the output delta "
        "is right): the hidden delta is (W2ᵀ δ_out) · σ′(z_hidden), with σ′(z) = s·(1 − s) for s = σ(z), "
        "i.e. a·(1 − a) with the hidden activation a, never σ′(a)"
    ),
    "loss_mean_of_minibatches": (
        "the mean of the minibatches' losses recorded (each measured before its batch's update) instead of the "
        "loss over all of X after the epoch's updates: your weights are right, only the recorded losses are not; "
        "after the epoch's last update, run the forward pass on all of X and record that loss"
    ),
    "softmax_shifted_by_global_max": (
        "softmax shifted by the largest z of the whole array (np.max(z)) instead of each row's own "
        "(np.max(z, axis=1, keepdims=True)): a row far below the array's maximum underflows to 0 / 0 = NaN"
    ),
    "sigma_prime_missing_between_layers": (
        "σ′ of the hidden layer left out: the error dA₁ = dZ₂ W₂ that comes down from the layer above is the slope "
        "of E with respect to the hidden activations a₁; multiply it by σ′(z₁) = a₁·(1 − a₁) to get dZ₁ before "
        "the hidden layer's own dW₁ and db₁"
    ),
    "sigma_prime_of_layer_input": (
        "σ′ of the wrong layer: x·(1 − x) of the hidden layer's input instead of a₁·(1 − a₁) of its own "
        "activation; the factor between the layers belongs to the layer whose net input z₁ it differentiates"
    ),
    "gradient_summed_over_batch": (
        "the batch's gradient summed over its samples instead of averaged (or the learning rate multiplied by "
        "the batch size): each update is B times too large; net.backward of a batch already gives the mean"
    ),
    "same_shuffle_every_epoch": (
        "the same shuffled order in every epoch (rng=seed each time): epoch k deals the samples with "
        "minibatches(X, T, batch_size, rng=seed + k), a new order every epoch"
    ),
    "epoch_loss_unweighted_mean": (
        "the epoch's loss taken as the plain mean of the minibatches' losses: the last, smaller batch then counts "
        "as much as a full one; weight each batch's loss by its number of samples (sum of loss × B, divided by N)"
    ),
    "grad_not_zeroed": (
        "gradients not set back to 0 between steps: each step's gradients are added to the ones before"
    ),
    "last_layer_squashed": (
        "tanh applied in the output layer too: the lesson's MLP keeps its last layer's sums as they are "
        "(Neuron(n, nonlinear=False)), so its outputs can go past ±1"
    ),
    "bias_added_after_tanh": (
        "the bias added after the tanh, tanh(w · x) + b, instead of inside it: a neuron is tanh(w · x + b)"
    ),
    "grads_zeroed_after_backward": (
        "the gradients set to 0 after backward() and before the update, so every step moves the parameters by "
        "0 · learning rate: zero them first, then backward, then update"
    ),
}

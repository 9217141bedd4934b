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
    "loss_after_update": "the loss measured after the update instead of before it (an off-by-one)",
    "last_batch_dropped": "the last, smaller minibatch dropped",
    "pairs_shuffled_separately": "inputs and targets shuffled separately, so samples lose their targets",
    "absolute_instead_of_relative": "an absolute difference where a relative error belongs",
}

"""train(): modes, history bookkeeping, seeded shuffling, minibatches."""
import numpy as np

from backprop_core import Network, examples, minibatches, train


def small_problem(seed=0):
    rng = np.random.default_rng(seed)
    net = Network([rng.normal(size=(3, 2)), rng.normal(size=(1, 3))], [np.zeros(3), np.zeros(1)], ["tanh", "sigmoid"])
    X = rng.normal(size=(10, 2))
    Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    return net, X, Y


def test_losses_are_measured_before_each_update():
    net, x, target = examples.mazur()
    start = net.loss(x, target)
    history = train(net, x, target, learning_rate=0.5, epochs=3, update_biases=False)
    assert history.losses[0] == start
    assert len(history.losses) == 3 and history.epochs_run == 3
    assert np.all(np.diff(history.losses) < 0)
    assert net.loss(x, target) < history.losses[-1]


def test_batch_mode_is_one_step_on_the_mean_gradient():
    net, X, Y = small_problem()
    by_hand = net.copy()
    train(net, X, Y, learning_rate=0.3, epochs=1, mode="batch")
    by_hand.step(by_hand.backward(by_hand.forward(X), Y), learning_rate=0.3)
    for a, b in zip(net.weights, by_hand.weights):
        np.testing.assert_allclose(a, b, atol=1e-15)


def test_online_without_shuffle_visits_samples_in_order():
    net, X, Y = small_problem()
    by_hand = net.copy()
    history = train(net, X, Y, learning_rate=0.3, epochs=1, mode="online", shuffle=False)
    losses = []
    for xi, yi in zip(X, Y):
        losses.append(by_hand.loss(xi, yi))
        by_hand.step(by_hand.backward(by_hand.forward(xi), yi), learning_rate=0.3)
    for a, b in zip(net.weights, by_hand.weights):
        np.testing.assert_allclose(a, b, atol=1e-14)
    np.testing.assert_allclose(history.losses[0], np.mean(losses))


def test_seeded_shuffling_repeats_and_differs_between_seeds():
    results = []
    for seed in (1, 1, 2):
        net, X, Y = small_problem()
        train(net, X, Y, learning_rate=0.3, epochs=3, mode="minibatch", batch_size=4, seed=seed)
        results.append(net.weights[0].copy())
    np.testing.assert_array_equal(results[0], results[1])
    assert not np.allclose(results[0], results[2])


def test_minibatch_of_full_size_without_shuffle_equals_batch():
    net, X, Y = small_problem()
    twin = net.copy()
    train(net, X, Y, learning_rate=0.2, epochs=5, mode="minibatch", batch_size=len(X), shuffle=False)
    train(twin, X, Y, learning_rate=0.2, epochs=5, mode="batch")
    np.testing.assert_allclose(net.weights[1], twin.weights[1], atol=1e-14)


def test_minibatches_cover_every_sample_once():
    X = np.arange(20.0).reshape(10, 2)
    Y = np.arange(10.0).reshape(10, 1)
    batches = list(minibatches(X, Y, 4, rng=3))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    seen = np.concatenate([b[1].ravel() for b in batches])
    assert sorted(seen) == list(range(10))
    for xb, yb in batches:  # rows stay paired
        np.testing.assert_array_equal(xb[:, 0] / 2, yb.ravel())


def test_callback_can_stop_training():
    net, X, Y = small_problem()
    seen = []
    history = train(net, X, Y, epochs=50, callback=lambda epoch, net, loss: seen.append(epoch) or epoch == 4)
    assert seen == [0, 1, 2, 3, 4] and history.epochs_run == 5 and len(history.losses) == 5


def test_xor_learns_from_a_good_random_start():
    net, X, Y = examples.xor(seed=1)
    train(net, X, Y, learning_rate=1.0, epochs=5000, mode="online", seed=0)
    assert np.array_equal(net.forward(X).output.round(), Y)
    assert net.loss(X, Y) < 1e-3


def test_xor_seed_weights_get_stuck():
    """From seed 003's own start, online training with α = 1 settles where two
    inputs both get ≈ 0.5: a local minimum, not XOR (lesson 07 shows why)."""
    net, X, Y = examples.xor()
    history = train(net, X, Y, learning_rate=1.0, epochs=10_000, mode="online", seed=0)
    output = net.forward(X).output.ravel()
    assert np.sum(np.abs(output - 0.5) < 0.1) == 2
    assert abs(history.losses[-1] - history.losses[-1000]) < 1e-3  # no longer improving


def test_random_xor_weights_are_nonzero_in_range():
    net, _, _ = examples.xor(seed=7)
    values = np.concatenate([p.ravel() for p in net.weights + net.biases])
    assert np.all((np.abs(values) <= 4) & (values != 0))
    assert not np.array_equal(net.weights[0], examples.xor()[0].weights[0])


def test_step_leaves_biases_when_asked():
    net, x, target = examples.mazur()
    net.step(net.backward(net.forward(x), target), learning_rate=0.5, update_biases=False)
    np.testing.assert_array_equal(net.biases[1], [0.6, 0.6])
    net.step(net.backward(net.forward(x), target), learning_rate=0.5, update_biases=True)
    assert not np.array_equal(net.biases[1], [0.6, 0.6])


def test_copy_is_independent():
    net, x, target = examples.mazur()
    twin = net.copy()
    train(twin, x, target, epochs=5)
    assert net.weights[0][0, 0] == 0.15 and twin.weights[0][0, 0] != 0.15

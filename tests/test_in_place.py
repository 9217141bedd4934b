"""The in-place rule (fair-grading issue, item 5): exercises return new arrays and leave their arguments alone.

Hidden tests (``grading.check``) and public tests (``call_on_copies``) enforce it the same way and say
the same words; ``train_online`` may change the network it trains, and nothing else. Every lesson's public
tests leave the lesson's own objects as they were, even when the student's function changes its arguments.
"""
from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from backprop_core import grading
from backprop_core.grading import exercises
from backprop_core.grading.answerfree import in_place
from backprop_core.grading.exercises import MISTAKES
from backprop_core.nn import training
from backprop_core.nn.network import Network

from notebooks import execute, grading_meta, lessons, source


def _message(function, name: str, prop: str) -> str:
    with pytest.raises(AssertionError) as info:
        grading.check(name, function, prop)
    return str(info.value)


# ------------------------------------------------------------------ hidden tests
def update_in_place(W, delta, a_prev, learning_rate):
    W -= learning_rate * np.outer(delta, a_prev)  # right numbers, and the caller's W changed
    return W


def test_a_right_answer_that_changes_an_argument_loses_the_points_and_names_it():
    message = _message(update_in_place, "update_output_weights", "random_layers")
    assert "wrong on 20 of 20 random cases" in message
    assert in_place.in_place_message("W") in message
    assert f"This is a known mistake: {MISTAKES['changed_argument_in_place']}." in message
    assert message.count(MISTAKES["changed_argument_in_place"]) == 1, message  # named once, not once per match
    assert "what is wrong: the answer is right, but the function changed its argument `W` in place" in message


def test_the_rule_holds_for_exercises_that_register_no_in_place_mistake():
    def linear_layer(x, W):
        z = x @ W.T
        x *= 2.0  # a scratch use of its input
        return z

    assert not any(m.key == "changed_argument_in_place" for m in exercises.get("linear_layer").mistakes)
    assert in_place.in_place_message("x") in _message(linear_layer, "linear_layer", "batch")


def test_a_nudge_undone_by_arithmetic_is_no_change():
    def numerical_gradient(f, W, h=1e-5):
        grad = np.zeros_like(W)
        for index in np.ndindex(W.shape):  # nudges the caller's own W, and puts it back by arithmetic
            W[index] += h
            plus = f(W)
            W[index] -= 2 * h
            minus = f(W)
            W[index] += h
            grad[index] = (plus - minus) / (2 * h)
        return grad

    for prop in exercises.get("numerical_gradient").properties:
        grading.check("numerical_gradient", numerical_gradient, prop)


def trains_in_place(net, X, T, learning_rate, epochs):
    """A right train_online: it trains ``net`` in place, its job."""
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        for x, target in zip(X, T):
            trace = net.forward(x)
            losses[epoch] += 0.5 * np.sum((target - trace.output) ** 2) / len(X)
            net.step(net.backward(trace, target), learning_rate)
    return losses


def test_train_online_may_train_net_but_must_leave_X_and_Y_alone():
    assert exercises.get("train_online").changes == ("net",)
    grading.check("train_online", trains_in_place, "sigmoid_networks")

    def train_online(net, X, T, learning_rate, epochs):
        losses = trains_in_place(net, X, T, learning_rate, epochs)
        X[...] = 0.0  # "clean up" the inputs
        return losses

    assert in_place.in_place_message("X") in _message(train_online, "train_online", "sigmoid_networks")


def test_a_generator_runs_under_the_checks_limits():
    def minibatches(X, T, batch_size, rng):
        yield from training.minibatches(X, T, batch_size, rng)  # the reference, called only when read

    assert "calling the reference earns nothing" in _message(minibatches, "minibatches", "in_order")

    def shuffles_in_place(X, T, batch_size, rng):
        if rng is not None:
            np.random.default_rng(rng).shuffle(X)
            np.random.default_rng(rng).shuffle(T)
        for start in range(0, len(X), batch_size):
            yield X[start:start + batch_size], T[start:start + batch_size]

    grading.check("minibatches", shuffles_in_place, "in_order")
    assert in_place.in_place_message("X") in _message(shuffles_in_place, "minibatches", "shuffled")


def test_changes_must_name_arguments_of_the_reference():
    import dataclasses

    wrong = dataclasses.replace(exercises.get("train_online"), name="train_online_renamed", changes=("network",))
    with pytest.raises(ValueError, match="changes names"):
        exercises.register(wrong)


# ------------------------------------------------------------------ public tests
def test_call_on_copies_says_what_the_hidden_tests_say_and_keeps_the_callers_arrays():
    W = np.eye(2)
    with pytest.raises(AssertionError) as info:
        grading.call_on_copies(update_in_place, W, np.ones(2), np.ones(2), 0.5)
    assert str(info.value) == in_place.in_place_message("W", "update_in_place")
    assert np.array_equal(W, np.eye(2))
    assert np.allclose(grading.call_on_copies(exercises.get("update_output_weights").reference,
                                              W, np.ones(2), np.ones(2), 0.5), np.eye(2) - 0.5)


def test_call_on_copies_lets_train_online_train_the_tests_own_network():
    net = Network([np.full((1, 1), 0.5)], [np.zeros(1)], ["sigmoid"])

    def train_online(net, X, T, learning_rate, epochs):
        return trains_in_place(net, X, T, learning_rate, epochs)

    X, T = np.ones((2, 1)), np.full((2, 1), 0.9)
    grading.call_on_copies(train_online, net, X, T, 1.0, 3)
    assert net.weights[0][0, 0] != 0.5, "train_online trains the network it is given"
    assert np.array_equal(X, np.ones((2, 1))) and np.array_equal(T, np.full((2, 1), 0.9))


def test_call_on_copies_reads_a_generator_and_sees_what_it_changed():
    def minibatches(X, T, batch_size, rng):
        X[0] = -1.0
        yield X, T

    X = np.zeros((2, 1))
    with pytest.raises(AssertionError, match="changed its argument `X` in place"):
        grading.call_on_copies(minibatches, X, X.copy(), 2, None)
    assert np.array_equal(X, np.zeros((2, 1)))


def test_call_on_copies_says_which_cell_to_rerun_when_the_lessons_object_changes_anyway():
    W2 = np.eye(2)

    def update_output_weights(W, delta, a_prev, learning_rate):
        W2[0, 0] = 7.0  # reaches the lesson's W2 as a global
        return W - learning_rate * np.outer(delta, a_prev)

    with pytest.raises(AssertionError, match=r"Restart Kernel and Run All Cells\) or rerun the cell that builds it"):
        grading.call_on_copies(update_output_weights, W2, np.ones(2), np.ones(2), 0.5)


def test_yours_or_reference_gives_the_students_function_copies():
    W = np.eye(2)
    assert np.allclose(grading.yours_or_reference(update_in_place, "update_output_weights")(W, np.ones(2), np.ones(2), 0.5),
                       np.eye(2) - 0.5)
    assert np.array_equal(W, np.eye(2))


def test_yours_or_reference_stands_in_for_a_written_function_that_raises_and_says_so_once(capsys):
    """Run All must reach the pictures below a demonstration even when the student's function is broken."""
    def update_output_weights(W, delta, a_prev, learning_rate):
        return W - learning_rate * delta @ a_prev.T.T.reshape(3)  # a slip that raises

    mine = grading.yours_or_reference(update_output_weights)
    for _ in range(2):
        assert np.allclose(mine(np.eye(2), np.ones(2), np.ones(2), 0.5), np.eye(2) - 0.5)
    err = capsys.readouterr().err
    assert err.count("update_output_weights raised ValueError") == 1, err
    assert "uses the reference instead. Fix update_output_weights" in err, err


# ------------------------------------------------------------------ every lesson, executed
# After each solution cell: the same function, but it changes its array arguments once it has its answer.
_CHANGES_ITS_ARGUMENTS = """
import functools as _functools, numpy as _np

def _vandalize(value):
    if isinstance(value, _np.ndarray) and value.dtype.kind == "f" and value.size and value.flags.writeable:
        value += 1.0
    elif isinstance(value, list) and value and all(type(item) is float for item in value):
        value[0] += 1.0  # a list of numbers (lesson 10's parameters) is changed in place too
    elif isinstance(value, (list, tuple)):
        for item in value:
            _vandalize(item)

def _changes_its_arguments(function):
    @_functools.wraps(function)
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        for value in (*args, *kwargs.values()):
            _vandalize(value)
        return result
    return wrapper

{name} = _changes_its_arguments({name})
"""

# Around each public test: every array and network the lesson holds, kept with a copy, compared after the test.
_KEEP = """
import copy as _copy
import numpy as _np
from backprop_core.grading.answerfree.in_place import changed as _changed
from backprop_core.nn.network import Network as _Network
_kept = {_k: (_v, _copy.deepcopy(_v)) for _k, _v in list(globals().items())
         if not _k.startswith("_") and _k not in ("In", "Out") and isinstance(_v, (_np.ndarray, _Network, list, tuple))}
"""
_COMPARE = """print("CHANGED BY {name}'s public test:", sorted(_k for _k, (_v, _saved) in _kept.items() if _changed(_saved, _v)))"""

# Exercises whose public tests pass no array the function could change (topological_order: a node and a function).
_NOTHING_TO_CHANGE = {"central_difference", "topological_order"}


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons())
def test_public_tests_leave_the_lessons_objects_alone_and_name_the_change(lesson, tmp_path):
    notebook = nbformat.read(source(lesson), as_version=4)
    cells, names = [], []
    for cell in notebook.cells:
        grade_id = grading_meta(cell).get("grade_id", "")
        if grade_id.startswith("test_"):
            continue  # hidden tests: not what this is about
        if grade_id.startswith("public_test_"):
            name = grade_id.removeprefix("public_test_")
            names.append(name)
            cells += [nbformat.v4.new_code_cell(_KEEP), cell, nbformat.v4.new_code_cell(_COMPARE.format(name=name))]
            continue
        cells.append(cell)
        if grade_id.startswith("solution_"):
            cells.append(nbformat.v4.new_code_cell(_CHANGES_ITS_ARGUMENTS.format(name=grade_id.removeprefix("solution_"))))
    notebook.cells = cells
    path = tmp_path / f"{lesson}.ipynb"
    nbformat.write(notebook, path)
    run = execute(path, allow_errors=True)

    printed = run.printed()
    for name in names:
        found = re.search(rf"CHANGED BY {name}'s public test: (.*)", printed)
        assert found, f"{lesson}: the public test of {name} did not run to its comparison"
        assert found.group(1) == "[]", f"{lesson}: the public test of {name} changed the lesson's {found.group(1)}"
    # A failing public test does not raise (Run All goes on): it reports in red, on stderr.
    assert not [cell for cell, _ in run.errors() if grading_meta(cell).get("grade_id", "").startswith("public_test_")]
    public_errors = {}
    for cell in run.notebook.cells:
        grade_id = grading_meta(cell).get("grade_id", "")
        if grade_id.startswith("public_test_"):
            public_errors[grade_id.removeprefix("public_test_")] = "".join(
                out.get("text", "") for out in cell.get("outputs", [])
                if out.output_type == "stream" and out.name == "stderr")
    for name in names:
        if name in _NOTHING_TO_CHANGE or exercises.get(name).question is not None:  # a question has no argument
            continue
        assert "changed its argument" in public_errors.get(name, ""), (
            f"{lesson}: the public test of {name} does not say that it changed an argument in place: "
            f"{public_errors.get(name)!r}")
        assert "return a new array instead" in public_errors[name]

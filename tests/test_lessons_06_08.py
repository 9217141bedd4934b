"""Lessons 06-08: the buggy-backward gallery, the exercises' registry entries, and the notebooks."""
from __future__ import annotations

import numpy as np
import pytest

from backprop_core import examples, gradient_check
from backprop_core.course import buggy
from backprop_core.grading.exercises import MISTAKES


# ------------------------------------------------------------------ the gallery
def test_gallery_covers_every_backward_pass_mistake():
    expected = [key for key in MISTAKES if key not in buggy.NOT_BACKWARD_PASS_MISTAKES]
    assert list(buggy.BUGGY_BACKWARDS) == expected, "every MISTAKES key about a backward pass needs a buggy backward pass"
    for key, function in buggy.BUGGY_BACKWARDS.items():
        assert function.__doc__ and len(function.__doc__) > 80, f"{key} needs a docstring explaining its bug"


def test_correct_backward_matches_network_and_passes_the_check():
    net, x, target = buggy.gallery_example()
    trace = net.forward(x)
    mine, reference = buggy.correct(net, trace, target), net.backward(trace, target)
    for a, b in zip(mine.weights + mine.biases, reference.weights + reference.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    check = gradient_check(net, x, target, backward=buggy.correct)
    assert check.passed, str(check)


@pytest.mark.parametrize("key", list(buggy.BUGGY_BACKWARDS))
def test_every_buggy_backward_is_caught(key):
    net, x, target = buggy.gallery_example()
    check = gradient_check(net, x, target, backward=buggy.BUGGY_BACKWARDS[key])
    assert not check.passed, f"the gradient check let {key} through:\n{check}"
    assert max(check.errors.values()) > 1e-3, f"{key} is caught only narrowly:\n{check}"


@pytest.mark.parametrize("key", list(buggy.BUGGY_BACKWARDS))
def test_buggy_backward_keeps_the_shapes(key):
    net, x, target = buggy.gallery_example()
    grads = buggy.BUGGY_BACKWARDS[key](net, net.forward(x), target)
    assert [g.shape for g in grads.weights] == [W.shape for W in net.weights]
    assert [g.shape for g in grads.biases] == [b.shape for b in net.biases]


def test_batch_only_bugs_are_invisible_on_one_sample():
    # bias_not_summed and missing_mean are about the batch: one sample hides them.
    net, x, target = examples.mazur()
    for key in ("bias_not_summed", "missing_mean"):
        assert gradient_check(net, x, target, backward=buggy.BUGGY_BACKWARDS[key]).passed, key


def test_missing_transpose_leaves_the_output_layer_right():
    net, x, target = buggy.gallery_example()
    check = gradient_check(net, x, target, backward=buggy.missing_transpose)
    assert check.errors[("weights", 1)] < 1e-7 and check.errors[("weights", 0)] > 1e-2


# ------------------------------------------------------------------ registry entries
import re
import time
from pathlib import Path

import nbformat

from backprop_core.grading import exercises

ROOT = Path(__file__).resolve().parents[1]
BUDGET = {"06-matrix-form": 15.0, "07-training": 30.0, "08-gradient-checking": 15.0}
LESSONS = tuple(BUDGET)






def _source(lesson):
    return ROOT / "solutions" / lesson / f"{lesson}.ipynb"








SHOWN = {
    "06-matrix-form": [r"W2 -> \[\[0\.1743825 0\.169416 \]\]", r"W1 -> \[\[0\.121326  0\.226989 \]\n \[0\.132135  0\.0982025\]\]",
                       r"new prediction: \[0\.2557458\]", r"w1_12  \(input 1 -> hidden 2\)  = W1\[1, 0\]"],
    "07-training": [r"losses\[9999\]\): 3\.51085e-05", r"\(net\.loss\):\s+3\.51019e-05",
                    r"biases learning: 2\.44756e-06", r"STUCK", r"test accuracy (9[7-9]|100)\.\d%"],
    "08-gradient-checking": [r"correct\s+-\s+", r"missing_transpose\s+weights\[0\]", r"bias_not_summed\s+biases\[0\]",
                             r"passed: True"],
}


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_runs_headless_in_time_and_shows_the_design_figures(lesson, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    nb = nbformat.read(_source(lesson), as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(_source(lesson).parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    assert seconds <= BUDGET[lesson], f"{lesson} took {seconds:.1f} s (budget {BUDGET[lesson]:g} s)"
    printed = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream")
    for pattern in SHOWN[lesson]:
        assert re.search(pattern, printed), f"{lesson} does not show {pattern!r}"
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert images >= 2
    assert printed.count(": right on all ") == sum(len(e.properties) for e in exercises.for_lesson(lesson))

"""Issue 21, item 6: each function graded on its own, and the slips named where they first show.

Lesson 10's ``descend`` uses the student's ``Value``: its hidden tests run it on the course's ``Value``
(``Exercise.graded_with``), so a bug in the student's ``Value`` costs ``gradients``' points only. The
student here writes ``=`` instead of ``+=`` in its backward rules:

- through ``autograde`` (the instructor CLI) on a course whose one lesson holds lesson 10's
  ``gradients`` and ``descend`` (their solution, public and hidden cells): ``descend`` keeps its points,
  ``gradients`` loses those of values used twice, naming the mistake;
- the lesson's public test, run headless: the first check that sees the slip (``p * q + p * 0.5``, where
  ``p`` is used twice) gives the hint, not only the later "a value used twice".
"""
from __future__ import annotations

import json

import nbformat
import pytest

from backprop_core.course.mistakes import MISTAKES
from test_grading_course import ROOT, _texts, instructor

LESSON10 = "10-autograd"
MINI = "98-autograd"
KEPT = ("gradients", "descend", "network_output", "train_network")
OVERWRITTEN = (".grad += ", ".grad = ")  # in every backward rule of the student's Value


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") or ""


def _mini_course(tmp_path):
    """A course with one lesson: lesson 10's imports, ``topological_order``'s solution and the cells of
    ``gradients`` and ``descend``, released."""
    source = nbformat.read(ROOT / "solutions" / LESSON10 / f"{LESSON10}.ipynb", as_version=4)
    source.cells = [cell for i, cell in enumerate(source.cells)
                    if i <= 1 or _grade_id(cell) == "solution_topological_order"  # Value.backward calls it
                    or any(_grade_id(cell).endswith(f"_{name}") or _grade_id(cell).startswith(f"test_{name}_")
                           for name in KEPT)]
    (tmp_path / "solutions" / MINI).mkdir(parents=True)
    nbformat.write(source, tmp_path / "solutions" / MINI / f"{MINI}.ipynb")
    (tmp_path / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    released = instructor(tmp_path, "release", MINI)
    assert released.returncode == 0, released.stdout + released.stderr
    return source


def _overwriting(solution):
    """The solutions with ``=`` instead of ``+=`` in the backward rules of ``Value``."""
    nb = json.loads(json.dumps(solution))
    cell = next(c for c in nb["cells"] if _grade_id(c) == "solution_gradients")
    assert OVERWRITTEN[0] in cell["source"]
    cell["source"] = cell["source"].replace(*OVERWRITTEN)
    return nbformat.from_dict(nb)


@pytest.mark.grading
def test_descend_keeps_its_points_when_the_students_value_is_wrong(tmp_path):
    from nbgrader.api import Gradebook

    solution = _mini_course(tmp_path)
    for student, nb in (("solution", solution), ("overwrites", _overwriting(solution))):
        folder = tmp_path / "submitted" / student / MINI
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{MINI}.ipynb")
    graded = instructor(tmp_path, "autograde", MINI)
    assert graded.returncode == 0 and "NOT graded" not in graded.stdout, graded.stdout + graded.stderr
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        scores = {s: {g.name: (g.score, g.max_score) for g in gradebook.find_submission_notebook(MINI, MINI, s).grades
                      if g.name.startswith("test_")} for s in ("solution", "overwrites")}
    assert all(score == most for score, most in scores["solution"].values()), scores["solution"]
    got = scores["overwrites"]
    assert got["test_descend_one_step"] == (1, 1) and got["test_descend_several_steps"] == (1, 1), got
    for name in ("network_output", "train_network"):   # issue 22: on the course's Value, as descend
        kept = {gid: score for gid, score in got.items() if gid.startswith(f"test_{name}_")}
        assert kept and all(score == most for score, most in kept.values()), (name, got)
    assert got["test_gradients_values_used_twice"] == (0, 1), got
    shown = _texts(nbformat.read(tmp_path / "autograded" / "overwrites" / MINI / f"{MINI}.ipynb", as_version=4))
    assert MISTAKES["grad_overwritten"] in shown["test_gradients_values_used_twice"]


@pytest.mark.notebook
def test_the_public_test_gives_the_accumulation_hint_at_the_first_check_that_sees_it(tmp_path):
    from notebooks import execute

    source = nbformat.read(ROOT / "solutions" / LESSON10 / f"{LESSON10}.ipynb", as_version=4)
    source.cells = [cell for i, cell in enumerate(source.cells)
                    if i <= 1 or _grade_id(cell) in ("solution_topological_order", "solution_gradients",
                                                     "public_test_gradients")]
    path = tmp_path / "student.ipynb"
    nbformat.write(_overwriting(source), path)
    run = execute(path, allow_errors=True)
    public = next(c for c in run.notebook.cells if _grade_id(c) == "public_test_gradients")
    text = "".join(o.get("text", "") for o in public.outputs)
    assert "product: expected gradients" in text and "(+=, not =)" in text, text


# ------------------------------------------------------------------ the slips, caught by the public tests
def _public_test_output(lesson: str, name: str, function=None) -> str:
    """What the public test of ``name`` prints when the lesson's cells above it ran (hidden tests aside), with
    ``function`` in place of the solution when given."""
    import contextlib
    import io
    import os
    import warnings

    from notebooks import source

    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("NBGRADER_EXECUTION", "autograde")  # no widget waits for a browser
    namespace = {"__name__": "__main__"}
    for cell in nbformat.read(source(lesson), as_version=4).cells:
        if cell.cell_type != "code" or _grade_id(cell).startswith("test_"):
            continue
        code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        if _grade_id(cell) == f"public_test_{name}" and function is not None:
            function.__name__ = name  # call_on_copies knows the exercise by its name
            namespace[name] = function
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # numpy's warnings stay warnings, as in a notebook
            exec(code, namespace)  # noqa: S102 (the course's own lesson)
        if _grade_id(cell) == f"public_test_{name}":
            return printed.getvalue()
    raise AssertionError(f"{lesson} has no public test of {name}")


def _slips():
    from backprop_core.grading.exercises import get

    def made(name, key):  # the registry's known mistake: the solution with the slip patched in
        return next(m for m in get(name).mistakes if m.key == key).function

    return [
        ("06-matrix-form", "dense_backward", made("dense_backward", "divided_by_n_twice"),
         "exactly ¼ of the right one: is a factor such as 1/N applied twice?"),
        ("05-hidden-layer-deltas", "backprop_step", made("backprop_step", "sigma_prime_of_activation_hidden_only"),
         "w5 and w8 are right, so the hidden deltas are wrong"),
        ("09-your-own-network", "softmax_cross_entropy", made("softmax_cross_entropy", "softmax_shifted_by_global_max"),
         "each row's own largest z"),
        ("09-your-own-network", "network_gradients", made("network_gradients", "relu_prime_at_zero"),
         "ReLU′(0) is 0 here: z > 0, not z >= 0"),
        ("09-your-own-network", "train", made("train", "loss_mean_of_minibatches"),
         "your weights are right: record the loss over all of X"),
        ("10-autograd", "network_output", made("network_output", "last_layer_squashed"),
         "the last layer keeps its sums, no tanh"),
        ("10-autograd", "train_network", made("train_network", "grads_zeroed_after_backward"),
         "the grads are set to 0 after backward(), so the step moves nothing; zero them first"),
        ("06-matrix-form", "two_layer_backward", made("two_layer_backward", "sigma_prime_missing_between_layers"),
         "σ′ left out: multiply dA1 = dZ2 W2 by a1 (1 - a1)"),
        ("06-matrix-form", "two_layer_backward", made("two_layer_backward", "sigma_prime_of_activation_hidden_only"),
         "σ′ taken at the activation"),
        ("07-training", "train_minibatch", made("train_minibatch", "epoch_loss_unweighted_mean"),
         "your weights are right, only the recorded losses are not"),
        ("07-training", "train_minibatch", made("train_minibatch", "same_shuffle_every_epoch"), "rng=seed + k"),
    ]


@pytest.mark.notebook
@pytest.mark.parametrize("slip", range(11), ids=["06-divided-by-n-twice", "05-sigma-prime-hidden-only",
                                                 "09-softmax-global-max", "09-relu-prime-at-zero",
                                                 "09-train-mean-of-minibatch-losses", "10-last-layer-squashed",
                                                 "10-grads-zeroed-after-backward", "06-sigma-prime-left-out",
                                                 "06-sigma-prime-of-activation", "07-unweighted-epoch-loss",
                                                 "07-same-shuffle-every-epoch"])
def test_each_slip_is_caught_by_its_public_test_with_a_hint(slip):
    lesson, name, mistake, hint = _slips()[slip]
    assert f"{name} passes the public tests" in _public_test_output(lesson, name) or \
        f"The public test of {name} failed" not in _public_test_output(lesson, name)
    said = _public_test_output(lesson, name, mistake)
    assert f"The public test of {name} failed" in said and hint in said, said


def test_the_registry_names_the_slips_of_issues_21_and_22():
    from backprop_core.grading.exercises import get

    wanted = {"dense_backward": "divided_by_n_twice", "backprop_step": "sigma_prime_of_activation_hidden_only",
              "train": "loss_mean_of_minibatches", "softmax_cross_entropy": "softmax_shifted_by_global_max",
              "network_gradients": "relu_prime_at_zero", "gradients": "grad_overwritten",
              "network_output": "last_layer_squashed", "train_network": "grads_zeroed_after_backward"}
    for name, key in wanted.items():
        assert key in {m.key for m in get(name).mistakes}, f"{name} should name the mistake {key}"
    assert get("descend").graded_with and get("descend").replaces == (get("descend").reference,)
    assert "grad_overwritten_in_product" in {m.key for m in get("gradients").mistakes}   # issue 21's [-1.3 0.7]
    for name in ("network_output", "train_network"):
        assert "import Value" in get(name).graded_with[0], f"{name} should be graded on the course's Value"


def test_network_gradients_names_the_first_wrong_layer_from_the_output_down():
    import numpy as np

    from backprop_core.grading.judge.checker import cases_of, expected_outcomes, run_case, verdict
    from backprop_core.grading.exercises import get

    exercise = get("network_gradients")
    cases = [c for c in cases_of(exercise, "tanh_networks", 3) if len(c.kwargs["weights"]) == 3][:1]
    assert cases, "a 3-layer case is needed"
    expected, mistakes = expected_outcomes(exercise, "tanh_networks", cases)

    def middle_layer_doubled(weights, biases, hidden, X, T):
        loss, gW, gb = exercise.reference(weights, biases, hidden, X, T)
        return loss, [g * 2 if l == 1 else g for l, g in enumerate(gW)], gb

    got = [run_case(middle_layer_doubled, case) for case in cases]
    text = verdict(exercise, "tanh_networks", cases, expected, mistakes, got, 10).text
    assert "weight_gradients[1]" in text and "layer 3 (index 2) agrees and layer 2 (index 1) is the first wrong one" in text, text
    assert "layer 1 (index 0) below it agrees" in text and "exactly 2 × the right one" in text, text
    assert np.isfinite(expected[0].value[0])


# ------------------------------------------------------------------ issue 22: the new exercises on the course's layers
def _graded_on_its_own_cases():
    from backprop_core.grading.exercises import get

    def made(name, key):  # the registry's known mistake: a cell of the solution with the slip patched in
        return next(m for m in get(name).mistakes if m.key == key).cell

    # (lesson, the exercise the slip is in, its slip (a cell), the exercise built on it, the grade ids the slip must cost)
    return {
        "06": ("06-matrix-form", "dense_backward", made("dense_backward", "bias_not_summed"), "two_layer_backward",
               {"test_dense_backward_batch"}),
        "07": ("07-training", "minibatches", made("minibatches", "last_batch_dropped"), "train_minibatch",
               {"test_minibatches_in_order", "test_minibatches_shuffled"}),
    }


@pytest.mark.grading
@pytest.mark.parametrize("which", ["06", "07"])
def test_a_slip_in_the_layer_below_costs_only_its_own_points(which, tmp_path):
    """A student whose ``dense_backward`` averages the bias gradient (whose ``minibatches`` drops the last batch)
    loses that exercise's points; ``two_layer_backward`` (``train_minibatch``), which calls it, keeps every point:
    its hidden tests run it on the course's version (``graded_with``). Through ``autograde`` on the whole lesson."""
    from nbgrader.api import Gradebook

    from test_grading_course import new_course

    lesson, slipped, mistake, built_on, lost = _graded_on_its_own_cases()[which]
    course = new_course(tmp_path, ROOT, lesson)
    released = instructor(course, "release", lesson)
    assert released.returncode == 0, released.stdout + released.stderr
    solution = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    cell = next(c for c in solution.cells if _grade_id(c) == f"solution_{slipped}")
    cell.source = mistake
    folder = course / "submitted" / "slipped" / lesson
    folder.mkdir(parents=True)
    nbformat.write(solution, folder / f"{lesson}.ipynb")
    graded = instructor(course, "autograde", lesson, timeout=20)
    assert graded.returncode == 0 and "NOT graded" not in graded.stdout, graded.stdout + graded.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        scores = {g.name: (g.score, g.max_score) for g in
                  gradebook.find_submission_notebook(lesson, lesson, "slipped").grades if g.name.startswith("test_")}
    assert {name for name, (score, most) in scores.items() if score < most} == lost, scores
    built = {name: score for name, score in scores.items() if name.startswith(f"test_{built_on}_")}
    assert built and all(score == most for score, most in built.values()), built
    shown = _texts(nbformat.read(course / "autograded" / "slipped" / lesson / f"{lesson}.ipynb", as_version=4))
    assert any(MISTAKES[m.key] in shown[g] for g in lost for m in _mistakes_of(slipped)), shown


def _mistakes_of(name):
    from backprop_core.grading.exercises import get

    return get(name).mistakes

"""Run All keeps going (issue 14, items 5-6): a failing public test is reported in red and the lesson goes on.

``public_test`` (backprop_core/grading/answerfree/notebook.py) turns any failure of a
written function into a message on stderr (red in Jupyter) naming the exercise
and the problem; a lesson object the function changed despite
``call_on_copies`` is named with the cell to rerun. Grading is unaffected: the
hidden tests never run public test cells.
"""
from __future__ import annotations

import numpy as np
import nbformat
import pytest

from backprop_core import grading
from notebooks import execute, grading_meta, release

LESSON = "01-forward-pass-and-error"

# Written, but wrong: one raises a TypeError, one changes the lesson's W1 as a global.
WRITTEN_BUT_WRONG = {
    "solution_linear_layer": "def linear_layer(x, W):\n    return x @ W.T * None\n",
    "solution_half_squared_error": ("def half_squared_error(output, target):\n    W1[0, 0] = 5.0\n"
                                    "    return float(0.5 * np.sum((np.asarray(target) - output) ** 2))\n"),
}


def _stderr(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stderr")


def test_a_failing_public_test_is_reported_and_the_cell_does_not_raise(capsys):
    with grading.public_test("linear_layer"):
        raise TypeError("unsupported operand type(s) for *: 'float' and 'NoneType'")
    err = capsys.readouterr().err
    assert "public test of linear_layer failed" in err and "TypeError: unsupported operand" in err
    assert "the lesson goes on" in err and "Fix linear_layer" in err


def test_a_lesson_object_changed_through_a_global_is_named_with_the_cell_to_rerun(capsys):
    namespace = {"np": np, "In": ["", "W = np.eye(2)\nb = np.zeros(2)", "..."]}
    exec("W = np.eye(2)\nb = np.zeros(2)", namespace)  # noqa: S102 (a notebook's cell)
    exec("def f(x):\n    W[0, 0] = 9.0\n    return x", namespace)  # noqa: S102
    exec("with public_test('f'):\n    f(np.ones(2))", {**namespace, "public_test": grading.public_test})  # noqa: S102
    err = capsys.readouterr().err
    assert "the lesson's `W` changed" in err and "rerun the cell starting `W = np.eye(2)`" in err
    assert "`b`" not in err


@pytest.mark.notebook
def test_run_all_goes_past_written_but_wrong_exercises(tmp_path):
    notebook = nbformat.read(release(LESSON), as_version=4)
    for cell in notebook.cells:
        grade_id = grading_meta(cell).get("grade_id", "")
        if grade_id in WRITTEN_BUT_WRONG:
            cell.source = WRITTEN_BUT_WRONG[grade_id]
        elif grade_id.startswith("test_"):
            cell.source = "pass  # hidden tests: not what this is about"
    path = tmp_path / f"{LESSON}.ipynb"
    nbformat.write(notebook, path)
    run = execute(path, allow_errors=True)

    assert not run.errors(), [(grading_meta(c).get("grade_id") or c.id, o.ename) for c, o in run.errors()]
    reports = {grading_meta(c)["grade_id"]: _stderr(c) for c in run.notebook.cells
               if grading_meta(c).get("grade_id", "").startswith("public_test_")}
    linear = reports["public_test_linear_layer"]
    assert "public test of linear_layer failed" in linear and "TypeError" in linear and "in linear_layer" in linear
    error = reports["public_test_half_squared_error"]
    assert "`W1`" in error and "rerun the cell starting `net, x, target = examples.step_by_step()`" in error
    assert run.images() >= 2, "the figures below the failing tests still appear"

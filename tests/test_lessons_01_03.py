"""Lessons 01-03: registry entries, the notebooks' structure, and the notebooks run.

Each solution notebook is executed headless as nbgrader would (nbclient),
must finish without an error in 15 s, and must *show* the design's figures
(course-design.md, seeds 000-002) in its printed output: the numbers are
computed by the notebook, the test only reads what it printed.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop_core import grading
from backprop_core.grading import exercises

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ("01-forward-pass-and-error", "02-gradient-descent", "03-chain-rule")
TIME_BUDGET = 15.0  # seconds, kernel start included


def source(lesson: str) -> Path:
    return ROOT / "solutions" / lesson / f"{lesson}.ipynb"




def present(lesson: str) -> bool:
    return source(lesson).exists()


def lessons_written():
    return [pytest.param(l, marks=pytest.mark.skipif(not present(l), reason=f"{l} not written yet")) for l in LESSONS]


def exercises_of(lesson: str):
    return exercises.for_lesson(lesson)


# ------------------------------------------------------------------ registry






def test_naive_sigmoid_passes_values_but_exp_ratio_fails_large_inputs():
    def exp_ratio(z):  # e^z / (1 + e^z): inf / inf = nan for z ≳ 710
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(np.asarray(z, dtype=float))
            return e / (1.0 + e)

    grading.check("sigmoid", exp_ratio, "values")
    with pytest.raises(AssertionError):
        grading.check("sigmoid", exp_ratio, "large_inputs")


def test_one_sided_difference_is_not_close_enough():
    # The graded step sizes are large enough that an O(h) error shows.
    def forward_difference(f, x, h=1e-5):
        return (f(x + h) - f(x)) / h

    for prop in ("polynomials", "smooth_curves"):
        with pytest.raises(AssertionError, match="one-sided"):
            grading.check("central_difference", forward_difference, prop)


# ------------------------------------------------------------------ notebook structure














# ------------------------------------------------------------------ execution
# What each lesson must print: the design's figures, computed in the notebook.
SHOWN = {
    "01-forward-pass-and-error": [
        r"h1 = 0\.8500\s+h2 = 0\.4800\s+prediction y = 0\.1910",
        r"difference \$50,000",
        r"E = 0\.3272405",
    ],
    "02-gradient-descent": [
        r"Δ = y − t = \[-0\.809\]",
        r"∂E/∂w5 = Δ·h1 = -0\.68765",
        r"W2: \[\[0\.14, 0\.15\]\] → \[\[0\.1743825, 0\.169416\]\]",
        r"W1: .* → \[\[0\.121326, 0\.226989\], \[0\.132135, 0\.0982025\]\]",
        r"prediction 0\.1910 → 0\.2557",
    ],
    "03-chain-rule": [
        r"out_o1 = 0\.75136507",
        r"σ′\(net_o1\) = out_o1 \(1 − out_o1\) = 0\.186815602",
        r"∂E/∂w5 = 0\.082167041",
    ],
}


def execute(path: Path) -> tuple[nbformat.NotebookNode, float]:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons_written())
def test_solution_runs_headless_in_time_and_shows_the_design_figures(lesson, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # as under nbgrader: widgets must not wait
    nb, seconds = execute(source(lesson))  # raises CellExecutionError on the first failing cell
    assert seconds <= TIME_BUDGET, f"{lesson} took {seconds:.1f} s (budget {TIME_BUDGET:g} s)"
    # Stream chunks of one cell may split a line: join them as they came.
    printed = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                        for out in cell.outputs if out.output_type == "stream")
    for pattern in SHOWN[lesson]:
        assert re.search(pattern, printed), f"{lesson} does not show {pattern!r}; it printed:\n{printed}"
    images = sum("image/png" in out.get("data", {}) for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs)
    assert images >= 2, f"{lesson} shows {images} figures"
    hidden_passed = printed.count(": right on all ")
    assert hidden_passed == sum(len(e.properties) for e in exercises_of(lesson)), "every hidden test should pass"

"""Every lesson in solutions/ runs headless, in its (CPU-time) budget, and computes the design's figures.

Each solution notebook is executed as nbgrader would (tests/notebooks.py) and
must finish without an error; its hidden tests must all pass. The lessons in
:data:`EXPECTED` must also finish within their budget and *compute* the
figures of course-design.md (seeds 000-003), read back from what the notebook
printed (``shows``: a printed figure must not be typed in its code) or from its
kernel once it ran (``computes``), and show its figures. A lesson missing from
the table (a new one) gets :data:`DEFAULT_BUDGET` and the generic checks only:
it runs without an error and passes every hidden test of its exercises.

The untouched release of every lesson must run top to bottom too, failing
only in the cells the student has to write.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pytest

from backprop_core.grading import exercises
from notebooks import execute, grading_meta, lessons, printed_decimals_tolerance, release, source

DEFAULT_BUDGET = 15.0  # CPU seconds of the kernel, kernel start included
TOLERANCE = 1.5e-9  # the seeds print 9 decimals and round (or cut) the last one


@dataclass(frozen=True)
class Expected:
    """What one lesson's solution notebook must do when run headless."""

    budget: float = DEFAULT_BUDGET  # CPU seconds of the kernel, kernel start included (never wall-clock time)
    shows: tuple[str, ...] = ()  # regular expressions its printed output must match
    computes: dict[str, object] = field(default_factory=dict)  # expression -> value in its kernel afterwards
    figures: int = 0  # at least this many figures displayed


EXPECTED = {
    "01-forward-pass-and-error": Expected(figures=2, shows=(
        r"a1 = 0\.8500\s+a2 = 0\.4800\s+output = 0\.1910",
        r"difference \$50,000",
        r"E = 0\.3272405",
    )),
    "02-gradient-descent": Expected(figures=2, shows=(
        r"delta = output − target = \[-0\.809\]",
        r"∂E/∂w5 = delta·a1 = -0\.68765",
        r"W2: \[\[0\.14, 0\.15\]\] → \[\[0\.1743825, 0\.169416\]\]",
        r"W1: .* → \[\[0\.121326, 0\.226989\], \[0\.132135, 0\.0982025\]\]",
        r"output 0\.1910 → 0\.2557",
    )),
    "03-chain-rule": Expected(figures=2, shows=(
        r"a_o1 = 0\.75136507",
        r"σ′\(z_o1\) = a_o1 \(1 − a_o1\) = 0\.186815602",
        r"∂E/∂w5 = 0\.082167041",
    )),
    "04-output-layer-gradients": Expected(figures=1, computes={  # the network drawing
        "E": 0.298371109,
        "dE_da": 0.74136507,
        "da_dz": 0.186815602,
        "dz_dw5": 0.593269992,
        "dE_dw5": 0.082167041,
        "delta_out": [0.138498562, -0.038098236],
        "W2_new": [[0.35891648, 0.408666186], [0.511301270, 0.561370121]],
        "grads.weights[1][0, 0]": 0.082167041,
    }),
    "05-hidden-layer-deltas": Expected(figures=1, computes={  # the network drawing
        "via_o1": 0.055399425,
        "via_o2": -0.019049119,
        "dE_da_h1": 0.036350306,
        "slope_h1": 0.241300709,
        "dE_dw1": 0.000438568,
        "W1_new": [[0.149780716, 0.19956143], [0.24975114, 0.29950229]],
        "E_before": 0.298371109,
        "E_after": 0.291027774,
        "only_output": 0.291028729,
        "lin.weights[1]": [[0.1743825, 0.169416]],
        "lin.weights[0]": [[0.121326, 0.226989], [0.132135, 0.0982025]],
        "lin.forward(x0).output": [0.2557458],
        "np.round(moved_prediction, 2)": 0.26,  # the wrong order rounds to the seed's 0.26 as well
        "z_o": 0.4316,
        "sigmoid_prime(0.6)": 0.2288,
        "sigmoid_prime(z_o)": 0.2387,
        "np.round(dE_dw5 / dE_dw1)": 187,  # "about 187 times smaller"
        "np.round(saturated, 3)": [0.018, 0.198],  # σ′(4) and σ′(σ(4))
        "np.round(slipped / right, 2)": [1.25, 1.97],  # the hidden σ′(a) slip: "25 %", "twice"
    }),
    "06-matrix-form": Expected(figures=2, shows=(
        r"W2 -> \[\[0\.1743825 0\.169416 \]\]",
        r"W1 -> \[\[0\.121326  0\.226989 \]\n \[0\.132135  0\.0982025\]\]",
        r"new output: \[0\.2557458\]",
        r"W1\[1, 0\]  \(input 1 -> hidden 2\)  = ",
    )),
    "07-training": Expected(budget=30.0, figures=2, shows=(  # trains for real: seed 002 three times, XOR, moons
        r"losses\[9999\]\): 3\.51085e-05",
        r"\(net\.loss\):\s+3\.51019e-05",
        r"biases learning: 2\.44756e-06",
        r"STUCK",
        r"test accuracy (9[7-9]|100)\.\d%",
    )),
    "09-your-own-network": Expected(budget=30.0, figures=4, shows=(  # trains a 64-64-10 network on the digits
        r"your backward pass agrees with your gradient check",
        r"accuracy: training \d+\.\d%, test (9[5-9]|100)\.\d%",
    )),
    "10-autograd": Expected(figures=2, shows=(  # the graph of a neuron; the trained network (issue 22)
        r"largest difference: 0\.0e\+00",
        r"trained by your Value, MLP and training_step",
    )),
    "08-gradient-checking": Expected(figures=2, shows=(
        r"correct\s+-\s+",
        r"missing_transpose\s+weights\[0\]",
        r"bias_not_summed\s+biases\[0\]",
        r"passed: True",
    )),
}


def test_the_table_names_only_lessons_that_exist():
    # A renamed lesson would otherwise lose its figure checks without a word.
    assert set(EXPECTED) <= set(lessons()), f"not in solutions/: {sorted(set(EXPECTED) - set(lessons()))}"


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons())
def test_solution_runs_headless_in_time_and_computes_the_design_figures(lesson):
    expected = EXPECTED.get(lesson, Expected())
    run = execute(source(lesson), probe=list(expected.computes))  # raises on the first failing cell
    # CPU time, not wall time: on a busy machine a lesson is slower, never costlier (issue 21).
    assert run.cpu_seconds <= expected.budget, (f"{lesson} used {run.cpu_seconds:.1f} s of CPU time (budget "
                                                f"{expected.budget:g} s; it took {run.seconds:.1f} s of wall time)")

    printed, code = run.printed(), run.code()
    for pattern in expected.shows:
        assert re.search(pattern, printed), f"{lesson} does not show {pattern!r}; it printed:\n{printed}"
        if re.search(r"\d", pattern):  # a figure, not a label such as STUCK
            assert not re.search(pattern, code), f"{lesson} types {pattern!r} in its code instead of computing it"
    for name, value in expected.computes.items():
        off = np.abs(np.asarray(run.computed[name]) - np.asarray(value))
        assert np.all(off <= printed_decimals_tolerance(value, TOLERANCE)), \
            f"{lesson}: {name} computed {run.computed[name]}, the design says {value}"
    assert run.images() >= expected.figures, f"{lesson} shows {run.images()} figures, expected {expected.figures}"

    properties = sum(len(exercise.properties) for exercise in exercises.for_lesson(lesson))
    assert printed.count(": right on all ") == properties, f"{lesson}: every hidden test should run and pass"


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons())
def test_untouched_release_fails_only_in_exercise_cells(lesson):
    assert release(lesson).exists(), f"{lesson} has no release: run `make release`"
    run = execute(release(lesson), allow_errors=True)
    for cell, error in run.errors():
        meta = grading_meta(cell)
        if meta.get("solution") or (meta.get("locked") and "public" in meta.get("grade_id", "")):
            continue  # the student's functions raise NotImplementedError until written
        pytest.fail(f"{lesson}: cell {meta.get('grade_id') or cell.get('id')} fails before the student wrote "
                    f"anything: {error.ename}: {error.evalue}")

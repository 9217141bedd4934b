"""A prediction is asked before anything on the page shows its answer (issue 22).

Lesson 04's factor stepper computes ∂E/∂w7 when asked, and lesson 05's ``delta_flow`` prints ∂E/∂w3 under its
drawing from the start: each must come after the public test of the question it answers. The test first shows
that the widget does give the answer away (so the order matters), then reads the lesson's text source for the
order of the cells.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from backprop_core.grading.exercises import get
from backprop_core.viz import plots, widgets

ROOT = Path(__file__).resolve().parents[1]


def _answer(name: str) -> float:
    """The registry's right answer of a prediction question."""
    exercise = get(name)
    return float(exercise.reference())


def _factor_stepper_shows(answer: float) -> bool:
    stepper = widgets.factor_stepper("w7", backend="none")
    return abs(stepper.gradient - answer) < 5e-4 * abs(answer)


def _delta_flow_shows(answer: float) -> bool:
    flow = widgets.delta_flow("mazur", backend="none")
    return plots.fmt(answer) in flow.readout.get_text()


#: question -> (its lesson, the widget's call in the lesson, does the widget show the answer?)
GIVE_AWAYS = {
    "predicted_dE_dw7": ("04-output-layer-gradients", "factor_stepper(", _factor_stepper_shows),
    "predicted_dE_dw3": ("05-hidden-layer-deltas", "delta_flow(", _delta_flow_shows),
}


def _line_of(text: str, needle: str, after: int = 0) -> int:
    lines = text.splitlines()
    return next(k for k in range(after, len(lines)) if needle in lines[k] and not lines[k].lstrip().startswith("#"))


@pytest.mark.parametrize("question", sorted(GIVE_AWAYS))
def test_the_widget_that_answers_a_prediction_comes_after_it(question):
    lesson, call, shows = GIVE_AWAYS[question]
    assert shows(_answer(question)), f"the widget {call}...) no longer shows {question}'s answer: update this test"
    text = (ROOT / "solutions" / lesson / f"{lesson}.py").read_text(encoding="utf-8")
    public = _line_of(text, f'public_test("{question}")')
    widget = _line_of(text, call)
    assert widget > public, (
        f"{lesson}: {call}...) at line {widget + 1} shows the answer of {question}, whose public test is at line "
        f"{public + 1}: move the widget below the question")

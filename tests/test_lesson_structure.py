"""The conventions every lesson notebook keeps (course-design.md, "Grading
conventions"), checked for every lesson in solutions/ and its release.

Lesson-specific content (the figures each lesson must compute and show) is
tested in tests/test_lessons_*.py; what a known mistake earns, in
tests/test_grading.py and tests/test_grading_course.py.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from backprop_core.grading import exercises

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())


def source(lesson: str) -> Path:
    return ROOT / "solutions" / lesson / f"{lesson}.ipynb"


def release(lesson: str) -> Path:
    return ROOT / "lessons" / lesson / f"{lesson}.ipynb"


def _cells(path: Path):
    return nbformat.read(path, as_version=4).cells


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_all_eight_lessons_are_present():
    assert LESSONS == ["01-forward-pass-and-error", "02-gradient-descent", "03-chain-rule",
                       "04-output-layer-gradients", "05-hidden-layer-deltas", "06-matrix-form", "07-training",
                       "08-gradient-checking"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_registers_two_to_five_exercises(lesson):
    assert 2 <= len(exercises.for_lesson(lesson)) <= 5


@pytest.mark.parametrize("lesson", LESSONS)
def test_hidden_cells_match_the_registry(lesson):
    cells = _cells(source(lesson))
    hidden = {_meta(c)["grade_id"]: c for c in cells if _meta(c).get("grade")}
    expected = {e.grade_id(p): (e, p) for e in exercises.for_lesson(lesson) for p in e.properties}
    assert set(hidden) == set(expected)
    for grade_id, (exercise, prop) in expected.items():
        cell = hidden[grade_id]
        assert _meta(cell)["points"] == exercise.points[prop], grade_id
        assert f'grading.check("{exercise.name}", {exercise.name}, "{prop}")' in cell.source
        assert "### BEGIN HIDDEN TESTS" in cell.source and "### END HIDDEN TESTS" in cell.source
        assert _meta(cell)["locked"] and not _meta(cell).get("solution")


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_exercise_has_a_solution_cell_then_a_public_test(lesson):
    cells = _cells(source(lesson))
    ids = [_meta(c).get("grade_id", "") for c in cells]
    for exercise in exercises.for_lesson(lesson):
        solution = next(i for i, c in enumerate(cells)
                        if _meta(c).get("solution") and f"def {exercise.name}(" in c.source)
        cell = cells[solution]
        assert "### BEGIN SOLUTION" in cell.source
        assert "Parameters\n    ----------" in cell.source, "numpydoc docstring"
        assert "Returns\n    -------" in cell.source or "Yields\n    ------" in cell.source, "numpydoc docstring"
        public = ids.index(f"public_test_{exercise.name}")
        assert public > solution and not _meta(cells[public]).get("grade") and _meta(cells[public])["locked"]
        assert f'with public_test("{exercise.name}"):' in cells[public].source  # Run All goes on past it
        first_hidden = min(i for i, g in enumerate(ids) if g.startswith(f"test_{exercise.name}_"))
        assert public < first_hidden


@pytest.mark.parametrize("lesson", LESSONS)
def test_committed_without_outputs(lesson):
    for path in (source(lesson), release(lesson)):
        for cell in _cells(path):
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: outputs left in a cell"


@pytest.mark.parametrize("lesson", LESSONS)
def test_release_is_the_source_without_solutions_and_hidden_tests(lesson):
    assert release(lesson).exists(), "run `make release`"
    text = release(lesson).read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text and "grading.check" not in text
    stubs = sum(c.source.count("raise NotImplementedError()") for c in _cells(release(lesson)))
    assert stubs == len(exercises.for_lesson(lesson)), "one stub per exercise"
    src, rel = _cells(source(lesson)), _cells(release(lesson))
    assert [_meta(c).get("grade_id") for c in src] == [_meta(c).get("grade_id") for c in rel], "regenerate the release"
    for s, r in zip(src, rel):
        if _meta(s).get("solution"):
            assert "raise NotImplementedError()" in r.source
        elif not _meta(s).get("grade"):
            assert s.source == r.source


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_opens_with_goals_and_ends_with_questions_and_answers(lesson):
    cells = _cells(source(lesson))
    assert cells[0].cell_type == "markdown" and "you will be able to" in cells[0].source.lower()
    last = cells[-1]
    assert last.cell_type == "markdown" and "summary" in last.source.lower()
    assert "<details>" in last.source

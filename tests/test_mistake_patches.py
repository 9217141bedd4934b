"""Known mistakes are patches on the solution (issue 23): each applies to the lesson's solution as it is
written today, and one that no longer fits (someone edited the solution) fails with an error that names
the lesson, the exercise and the mistake.

That each patched function is *named* by the grader is proved elsewhere, through the real paths:
tests/test_grading.py (``check``), tests/test_hidden_tests.py (the sandboxed judge),
tests/test_grading_course.py (``autograde`` on a class).
"""
from __future__ import annotations

import ast

import pytest

from backprop_core.grading import exercises
from backprop_core.grading.exercises import patches
from backprop_core.grading.exercises.patches import MistakePatchError

_PATCHED = [(e, m) for e in exercises.all_exercises() for m in e.mistakes]


def _solution(lesson: str) -> str:
    return patches.solution_path(lesson).read_text(encoding="utf-8")


@pytest.mark.parametrize("exercise, mistake", _PATCHED, ids=lambda v: getattr(v, "key", getattr(v, "name", "")))
def test_every_mistake_is_a_patch_that_applies(exercise, mistake):
    assert mistake.replace, f"{exercise.name}/{mistake.key} has no patch"
    text = _solution(exercise.lesson)
    target = mistake.target or exercise.name
    solution = patches.solution_definition(text, exercise.lesson, target)
    source = mistake.source
    nodes = ast.parse(source).body
    # The patched definition; then, when the patch is in another one (lesson 10's Value), the exercise's function.
    assert [n.name for n in nodes] == ([target] if target == exercise.name else [target, exercise.name])
    patched, original = nodes[0], ast.parse(solution).body[0]
    assert type(patched) is type(original)
    if isinstance(patched, ast.FunctionDef):
        assert ast.dump(patched.args) == ast.dump(original.args), "the signature changed"
    assert ast.dump(patched) != ast.dump(original), "the patch changed no code"
    assert "BEGIN SOLUTION" not in source and "END SOLUTION" not in source
    assert mistake.function.__name__ == exercise.name and callable(mistake.function)


def _mistake(name: str, key: str):
    return next(m for m in exercises.get(name).mistakes if m.key == key)


def test_a_replace_the_edited_solution_no_longer_holds_names_lesson_exercise_and_mistake():
    mistake = _mistake("dense_backward", "missing_transpose")
    text = _solution(mistake.lesson)
    assert "def dense_backward" in patches.patched_source(text, mistake)
    # The instructor rewrites the line the patch keys on: dW as (x.T @ dz).T.
    edited = text.replace("return dz @ W, dz.T @ x, dz.sum(axis=0)", "return dz @ W, (x.T @ dz).T, dz.sum(axis=0)")
    assert edited != text
    with pytest.raises(MistakePatchError) as info:
        patches.patched_source(edited, mistake)
    message = str(info.value)
    for named in ("lesson 06-matrix-form", "exercise dense_backward", "mistake missing_transpose",
                  "'dz.T @ x'", "found it 0 times", "solutions/06-matrix-form/06-matrix-form.py"):
        assert named in message, message


def test_a_replace_that_occurs_twice_is_refused_not_applied_to_the_first():
    mistake = _mistake("dense_forward", "missing_transpose")
    text = _solution(mistake.lesson)
    edited = text.replace("    if b is not None:\n", "    W_T = np.asarray(W, dtype=float).T\n    if b is not None:\n", 1)
    assert edited != text
    with pytest.raises(MistakePatchError, match=r"exercise dense_forward, mistake missing_transpose: .* found it 2 times"):
        patches.patched_source(edited, mistake)


def test_a_solution_without_the_exercise_says_which_def_it_expected():
    mistake = _mistake("dense_forward", "missing_transpose")
    edited = _solution(mistake.lesson).replace("def dense_forward(", "def layer_forward(")
    with pytest.raises(MistakePatchError, match=r"lesson 06-matrix-form: expected a top-level 'def dense_forward\(' "
                                                r"or 'class dense_forward' in its solution solutions/06-matrix-form/06-matrix-form.py, found none"):
        patches.patched_source(edited, mistake)


def test_a_multi_line_patch_is_indented_where_it_lands():
    mistake = _mistake("dense_backward", "divided_by_n_twice")
    lines = mistake.source.splitlines()
    at = lines.index("    dz = dz / dz.shape[0]")
    assert lines[at + 1].startswith("    return dz @ W, ")


def test_a_mistake_without_a_patch_is_refused_at_registration():
    base = exercises.get("dense_forward")
    with pytest.raises(ValueError, match="mistake 'missing_transpose': expected replace=\\(old, new\\).*got \\(\\)"):
        exercises.register(exercises.Exercise(
            name="patch_not_registered", lesson=base.lesson, reference=base.reference, replaces=(),
            properties=base.properties, points=base.points, descriptions=base.descriptions,
            mistakes=(exercises.Mistake("missing_transpose"),)))


def test_a_patch_in_another_definition_brings_the_exercises_function_after_it():
    """Lesson 10's product rule with = : the patched Value, then gradients as the solution writes it; the cell
    brings topological_order, which Value.backward calls."""
    mistake = _mistake("gradients", "grad_overwritten_in_product")
    names = [n.name for n in ast.parse(mistake.source).body]
    assert names == ["Value", "gradients"]
    assert "self.grad = other.data * out.grad" in mistake.source and "self.grad += out.grad" in mistake.source
    cell_defs = [n.name for n in ast.parse(mistake.cell).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert "topological_order" in cell_defs and cell_defs.count("Value") == 1


def test_a_patch_that_no_longer_fits_leaves_its_mistake_unnamed_and_grading_goes_on(tmp_path, monkeypatch):
    """An instructor edits the solution line a patch keys on: the judge still grades, that one mistake unnamed."""
    import numpy as np

    from backprop_core.grading.judge import checker

    mistake = _mistake("dense_backward", "missing_transpose")
    edited = tmp_path / "solutions" / mistake.lesson / f"{mistake.lesson}.py"  # a course folder of its own
    edited.parent.mkdir(parents=True)
    edited.write_text(_solution(mistake.lesson).replace("return dz @ W, dz.T @ x, dz.sum(axis=0)",
                                                        "return dz @ W, (x.T @ dz).T, dz.sum(axis=0)"))
    monkeypatch.setattr(patches, "ROOT", tmp_path)
    monkeypatch.setattr(patches, "solution_path", lambda lesson, root=tmp_path: edited)
    monkeypatch.setattr(patches, "_FUNCTIONS", {})
    exercise = exercises.get("dense_backward")
    prop = next(iter(exercise.properties))
    cases = exercise.properties[prop](np.random.default_rng(0))
    with pytest.warns(UserWarning, match="known mistake 'missing_transpose' left out of the messages: .*found it 0 times"):
        expected, mistakes = checker.expected_outcomes(exercise, prop, cases)
    assert len(expected) == len(cases) and not any(outcome.raised for outcome in expected)
    assert set(mistakes) == {m.key for m in checker._mistakes_for(exercise, prop)} - {"missing_transpose"}

"""The corpus of correct student work (issue 9): written differently, graded to full marks.

``tests/corpus/<lesson>/<variant>.py`` is one student's work on one lesson, stored as
data: its docstring says what makes the variant different (loops, einsum, the
``math`` module, float32, lists, other stable formulas, a helper in the cell, a
debug print to stderr, a copied cell), and each ``# %% <header>`` starts the
source of one cell:

- ``# %% <exercise>``: the whole source of that exercise's solution cell
  (grade id ``solution_<exercise>``), pasted into the student release;
- ``# %% copy of <grade id>``: that cell copied in JupyterLab, metadata and all,
  and pasted below it (after earlier copies); the source under the header, or
  the cell's own source when there is none.

Every variant is right by the course's rules (right values, however computed;
arguments never changed, except what ``Exercise.changes`` names, e.g.
``train_online``'s ``net``). Two tests hold it to that:

- :func:`test_variant_is_right_on_random_inputs` (fast, in-process, no
  nbgrader): each function against the registry's reference on random cases
  of seeds other than the grader's, with this file's own tolerances;
- :func:`test_corpus_gets_full_marks_through_autograde` (``grading``): one
  real ``python -m backprop_core.grading.commands.instructor autograde`` per lesson on a
  class of one student per variant; every hidden test must give full points,
  and no cell of the student's lesson (public tests included) may fail.
"""
from __future__ import annotations

import ast
import copy
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop_core.grading import exercises
from notebooks import grading_meta, release, solutions_namespace
from test_grading_course import ROOT, _timeout_for, instructor, new_course

CORPUS = Path(__file__).resolve().parent / "corpus"
_HEADER = re.compile(r"^# %% (.+?)[ \t]*$", re.M)
_COPY = "copy of "

# This file's own judgement of "right", independent of the grader's tolerances:
# float64 work agrees with the reference to rounding; float32 work to float32 rounding.
FLOAT64_TOLERANCE = dict(rtol=1e-9, atol=1e-12)
FLOAT32_TOLERANCE = dict(rtol=1e-5, atol=1e-6)
SEEDS = (1, 2)  # the grader draws its cases with seed 0


@dataclass(frozen=True)
class Variant:
    """One student's work on one lesson, read from ``tests/corpus/<lesson>/<name>.py``."""

    lesson: str
    name: str
    note: str
    cells: tuple  # (header, source) pairs, in the file's order

    def __str__(self) -> str:
        return f"{self.lesson}/{self.name}"

    @property
    def solutions(self) -> dict:
        """Exercise name -> the source of its solution cell."""
        return {header: source for header, source in self.cells if not header.startswith(_COPY)}

    @property
    def copies(self) -> list:
        """(grade id, source or "") of every copied cell, in order."""
        return [(header.removeprefix(_COPY), source) for header, source in self.cells if header.startswith(_COPY)]

    @property
    def tolerance(self) -> dict:
        return FLOAT32_TOLERANCE if "float32" in self.name else FLOAT64_TOLERANCE


def load_variant(path: Path) -> Variant:
    text = path.read_text(encoding="utf-8")
    parts = _HEADER.split(text)  # preamble, header, source, header, source, ...
    cells = tuple((header, source.strip("\n")) for header, source in zip(parts[1::2], parts[2::2]))
    return Variant(path.parent.name, path.stem, ast.get_docstring(ast.parse(text)) or "", cells)


def corpus() -> list[Variant]:
    return [load_variant(p) for p in sorted(CORPUS.glob("*/*.py"))]


VARIANTS = corpus()
LESSONS = sorted({v.lesson for v in VARIANTS})


# ------------------------------------------------------------------ the student's notebook
def submission(release_nb, variant: Variant):
    """The release notebook with the variant's cells pasted in, as the student would hand it in."""
    nb = copy.deepcopy(release_nb)
    position = {grading_meta(cell).get("grade_id"): i for i, cell in enumerate(nb.cells)}
    for name, source in variant.solutions.items():
        grade_id = f"solution_{name}"
        assert grade_id in position, f"{variant}: the release has no solution cell {grade_id!r}"
        nb.cells[position[grade_id]].source = source
    for k, (grade_id, source) in enumerate(variant.copies):
        assert grade_id in position, f"{variant}: the release has no cell {grade_id!r} to copy"
        original = [i for i, cell in enumerate(nb.cells) if grading_meta(cell).get("grade_id") == grade_id]
        duplicate = copy.deepcopy(nb.cells[original[0]])
        duplicate.id = f"{duplicate.id}-copy{k}"  # JupyterLab gives a pasted cell a new id, nothing else
        if source:
            duplicate.source = source
        nb.cells.insert(original[-1] + 1, duplicate)
    return nb


def _functions_of(variant: Variant, tmp_path: Path) -> dict:
    """The variant's namespace: the lesson's imports and its solution cells (copies included), run in order."""
    path = tmp_path / f"{variant.name}.ipynb"
    nbformat.write(submission(nbformat.read(release(variant.lesson), as_version=4), variant), path)
    return solutions_namespace(path)


# ------------------------------------------------------------------ the corpus itself
def _function_body(source: str, name: str) -> str:
    """The AST of ``def name`` in ``source``, docstring dropped: two ways of writing it compare equal only if they are one."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            return ast.dump(ast.Module(body, type_ignores=[]))
    raise AssertionError(f"no `def {name}` in\n{source}")


@pytest.mark.parametrize("lesson", sorted(p.parent.name for p in (ROOT / "solutions").glob("*/*.ipynb")))
def test_every_lesson_has_three_different_correct_ways(lesson):
    variants = [v for v in VARIANTS if v.lesson == lesson]
    assert len(variants) >= 3, f"{lesson}: tests/corpus/{lesson}/ holds {len(variants)} variants, at least 3 wanted"
    solution = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    solution_cells = {grading_meta(c)["grade_id"]: c.source for c in solution.cells if grading_meta(c).get("solution")}
    for exercise in exercises.for_lesson(lesson):
        seen = {"solutions/": _function_body(solution_cells[f"solution_{exercise.name}"], exercise.name)}
        for variant in variants:
            assert variant.note, f"{variant}: the docstring should say what makes the variant different"
            assert exercise.name in variant.solutions, f"{variant} does not write {exercise.name}"
            body = _function_body(variant.solutions[exercise.name], exercise.name)
            twin = next((who for who, other in seen.items() if other == body), None)
            assert twin is None, f"{variant}: {exercise.name} is written exactly as in {twin}"
            seen[str(variant)] = body


# ------------------------------------------------------------------ right on random inputs, without nbgrader
def _difference(got, expected, tolerance: dict) -> str | None:
    """None when ``got`` is ``expected`` (numbers within ``tolerance``), else what differs."""
    if isinstance(expected, Iterator):
        expected = list(expected)
        got = list(got) if isinstance(got, (Iterator, list, tuple)) else got
    if expected is None or isinstance(expected, (bool, int, np.integer)):
        return None if got == expected and type(got) is not bool else f"expected {expected!r}, got {got!r}"
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected {len(expected)} parts, got {got!r}"
        problems = ((i, _difference(g, e, tolerance)) for i, (g, e) in enumerate(zip(got, expected)))
        return next((f"part {i}: {p}" for i, p in problems if p), None)
    have, want = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if have.shape != want.shape:
        return f"shape {have.shape}, expected {want.shape}"
    if not np.allclose(have, want, **tolerance):
        return f"off by up to {np.max(np.abs(have - want)):.3g}"
    return None


def _changed(before, after) -> bool:
    """Whether an argument holds other numbers after the call (this file's own check, not the grader's)."""
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape and np.array_equal(before, after))
    if isinstance(before, (list, tuple)):
        return len(before) != len(after) or any(_changed(b, a) for b, a in zip(before, after))
    if hasattr(before, "weights"):  # a Network
        return _changed([*before.weights, *(before.biases or [])], [*after.weights, *(after.biases or [])])
    return False


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
def test_variant_is_right_on_random_inputs(variant, tmp_path):
    functions = _functions_of(variant, tmp_path)
    problems = []
    for exercise in exercises.for_lesson(variant.lesson):
        student = functions[exercise.name]
        may_change = getattr(exercise, "changes", ())  # the registry's in-place rule (train_online trains `net`)
        for prop, make_cases in exercise.properties.items():
            for seed in SEEDS:
                for case in make_cases(np.random.default_rng(seed)):
                    expected = exercise.reference(**copy.deepcopy(case.kwargs))
                    given = copy.deepcopy(case.kwargs)
                    got = student(**given)
                    # a question's answer is judged by its own rule (3 digits, "c" for "C"), as the grader judges it
                    problem = (exercise.compare(got, expected) if exercise.question is not None
                               else _difference(got, expected, variant.tolerance))
                    changed = [k for k in given if k not in may_change and _changed(case.kwargs[k], given[k])]
                    if problem or changed:
                        problems.append(f"{exercise.name} ({case.description}, seed {seed}): "
                                        f"{problem or ''}{' changed ' + ', '.join(changed) if changed else ''}")
                        break  # one case per property and seed says enough
    assert not problems, f"{variant} is not right:\n" + "\n".join(problems)


# ------------------------------------------------------------------ full marks through `make autograde`
_DETAIL = re.compile(r"^\s*(expected|got|what is wrong|but your function|This is a known mistake|It calls|numpy reports)")


def _message(cell) -> str:
    """What a graded cell said, shortly: what it printed, and the grader's message without the arrays it shows."""
    printed = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream").strip().splitlines()
    errors = [f"{o.ename}: {o.evalue}" for o in cell.get("outputs", []) if o.output_type == "error"]
    lines = printed[:3]
    for error in errors:
        first, *rest = error.splitlines()
        lines += [first] + [line for line in rest if _DETAIL.match(line)][:6]
    return "\n".join("    " + line[:200] for line in lines)


def _errors(cell) -> list[str]:
    return [f"{o.ename}: {str(o.evalue).splitlines()[0] if o.evalue else ''}"
            for o in cell.get("outputs", []) if o.output_type == "error"]


def _hidden_tests(nb) -> set[str]:
    return {grading_meta(c)["grade_id"] for c in nb.cells if grading_meta(c).get("grade") and not grading_meta(c).get("solution")}


def _lost(grades, cells, hidden: set[str]) -> list[str]:
    """Each hidden test that gave less than full points, with what it said; then each other cell that failed."""
    by_id = {grading_meta(c).get("grade_id"): c for c in cells}
    lost = [f"{g.name} scored {g.score}/{g.max_score}:\n" + _message(by_id.get(g.name, {}))
            for g in sorted(grades, key=lambda g: g.name) if g.name in hidden and (g.score or 0) < g.max_score]
    for i, cell in enumerate(cells):
        where = grading_meta(cell).get("grade_id") or f"cell {i}"
        if where not in hidden and _errors(cell):
            lost.append(f"{where} failed in the student's lesson: {'; '.join(_errors(cell))}")
    return lost


def _class_problems(tmp: Path, lesson: str, notebook: str, variants: list[Variant], log: str) -> list[str]:
    """Every point a variant lost, and every cell of its lesson that failed, with the message."""
    from nbgrader.api import Gradebook, MissingEntry

    hidden = _hidden_tests(nbformat.read(tmp / "solutions" / lesson / notebook, as_version=4))
    problems = []
    with Gradebook(f"sqlite:///{tmp / 'gradebook.db'}", "backprop-step-by-step") as gb:
        for student in (v.name for v in variants):
            graded = tmp / "autograded" / student / lesson / notebook
            try:
                grades = gb.find_submission_notebook(notebook.removesuffix(".ipynb"), lesson, student).grades
            except MissingEntry:
                grades = None
            if grades is None or not graded.is_file():
                said = "; ".join(line.strip()[:300] for line in log.splitlines() if f" {student} / {lesson}" in line)
                problems.append(f"{student}: not graded; autograde said: {said or '(nothing)'}")
                continue
            problems += [f"{student}: {lost}" for lost in _lost(grades, nbformat.read(graded, as_version=4).cells, hidden)]
    return problems


@pytest.mark.grading
@pytest.mark.parametrize("lesson", LESSONS)
def test_corpus_gets_full_marks_through_autograde(lesson, tmp_path):
    variants = [v for v in VARIANTS if v.lesson == lesson]
    started = time.perf_counter()
    tmp = new_course(tmp_path, ROOT, lesson)
    released = instructor(tmp, "release", lesson, timeout=_timeout_for(ROOT))
    assert released.returncode == 0, released.stdout + released.stderr
    notebook = f"{lesson}.ipynb"
    release_nb = nbformat.read(tmp / "lessons" / lesson / notebook, as_version=4)
    for variant in variants:
        folder = tmp / "submitted" / variant.name / lesson
        folder.mkdir(parents=True)
        nbformat.write(submission(release_nb, variant), folder / notebook)
    released_at = time.perf_counter()
    graded = instructor(tmp, "autograde", lesson, timeout=_timeout_for(ROOT))
    log = graded.stdout + graded.stderr
    print(log, f"(release {released_at - started:.1f} s, autograde {time.perf_counter() - released_at:.1f} s)")
    problems = _class_problems(tmp, lesson, notebook, variants, log)
    notes = "\n".join(f"  {v.name}: {' '.join(v.note.split())[:150]}" for v in variants)
    assert not problems, (f"{lesson}: correct work lost points or failed ({len(problems)} problem(s)).\n"
                          f"The variants:\n{notes}\n" + "\n".join(problems))
    assert graded.returncode == 0, log

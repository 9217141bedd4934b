"""Issue 21, item 3: hidden cases per submission, so that cases harvested from one feedback are useless.

In-process: the course secret (made once, mode 0600, refused when others can read it) and the seed's
rules. Through the real path: two ``autograde`` runs (the instructor CLI) of the sample course
(``tests/fixtures``: ``half_squared_error``, two hidden tests of 20 random cases each):

1. ``printer`` submits the solution with a ``print`` of every case it is called on; ``twin`` submits the
   same notebook; ``wrong`` returns 0.0 and prints its cases too;
2. ``printer`` resubmits a lookup table: every case it printed, and (the worst case: a student who saw
   them all) every case its first submission was graded on, answered offline with the course's own
   ``half_squared_error``; ``twin`` submits the same table. Both are regraded (``--force``), and so is
   ``wrong``, unchanged.

The table is right on the cases it was built from (checked here, in-process), and earns nothing on the
cases its own submission draws; ``wrong``'s regrade has the same grade and the same messages.
"""
from __future__ import annotations

import ast
import json
import os
import stat

import numpy as np
import pytest

from backprop_core.grading.judge import case_seeds
from backprop_core.grading import exercises
from backprop_core.grading.judge.checker import cases_of, expected_outcomes, run_case, verdict
from backprop_core.grading.judge.nbgrader_ext.sandboxed import PRINTED_CUT
from backprop_core.nn import losses
from test_grading_course import instructor
from test_grading_pipeline import (LESSON, NOTEBOOK, SOLUTION_ID, TEST_IDS, TIMEOUT, autograde, index_of, shown,
                                   written)
from test_grading_pipeline import released  # noqa: F401  (the pipeline's fixture)


# ------------------------------------------------------------------ in-process
def test_the_secret_is_made_once_private_and_refused_when_shared(tmp_path):
    first = case_seeds.course_secret(tmp_path)
    path = tmp_path / case_seeds.SECRET_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) == 32
    assert case_seeds.course_secret(tmp_path) == first  # never rewritten: regrading draws the same cases
    os.chmod(path, 0o644)
    with pytest.raises(PermissionError, match="mode 0600.*got mode 0644"):
        case_seeds.course_secret(tmp_path)
    os.chmod(path, 0o600)
    path.write_text("")
    with pytest.raises(ValueError, match="at least 32 hex digits, got 0 characters"):
        case_seeds.course_secret(tmp_path)


def test_the_seed_changes_with_the_student_the_lesson_the_code_and_the_secret():
    secret, other_secret = b"s" * 32, b"t" * 32
    key = case_seeds.submission_key(secret, "ada", "01")
    seed = case_seeds.case_seed(key, "linear_layer", ["def f(): pass"])
    assert seed == case_seeds.case_seed(case_seeds.submission_key(secret, "ada", "01"), "linear_layer",
                                        ["def f(): pass"])
    others = [case_seeds.case_seed(case_seeds.submission_key(secret, "bob", "01"), "linear_layer", ["def f(): pass"]),
              case_seeds.case_seed(case_seeds.submission_key(secret, "ada", "02"), "linear_layer", ["def f(): pass"]),
              case_seeds.case_seed(key, "linear_layer", ["def f(): pass", "print(1)"]),
              case_seeds.case_seed(key, "linear_layer", ["def f(): pas", "s"]),
              case_seeds.case_seed(key, "forward_linear", ["def f(): pass"]),
              case_seeds.case_seed(case_seeds.submission_key(other_secret, "ada", "01"), "linear_layer",
                                   ["def f(): pass"])]
    assert len({seed, *others}) == 1 + len(others)


def test_fixed_cases_stay_fixed_and_random_ones_follow_the_seed():
    """A worked example drawn without the generator is the same for every seed; random cases are not."""
    exercise = exercises.get("half_squared_error")
    a, b = cases_of(exercise, "one_sample", 1), cases_of(exercise, "one_sample", 2)
    assert not np.array_equal(a[0].kwargs["output"], b[0].kwargs["output"])
    question = exercises.get("predicted_batch_error")
    assert cases_of(question, "answer", 1) == cases_of(question, "answer", 2)


# ------------------------------------------------------------------ through autograde
PRINTER = ("    print(json.dumps([np.asarray(output).tolist(), np.asarray(target).tolist()]))\n")


def _with_solution(nb, source: str):
    nb = json.loads(json.dumps(nb))
    nb["cells"][index_of(nb_node(nb), SOLUTION_ID)]["source"] = source
    return nb_node(nb)


def nb_node(nb):
    import nbformat

    return nbformat.from_dict(nb)


def _printing_solution(course) -> str:
    """The solution, printing each case it is called on as one JSON line."""
    nb = written(course)
    source = nb.cells[index_of(nb, SOLUTION_ID)].source
    assert "    diff = " in source
    return "import json\n" + source.replace("    diff = ", PRINTER + "    diff = ", 1)


def _lookup_solution(table: dict) -> str:
    return (f"TABLE = {table!r}\n\n"
            "def half_squared_error(output, target):\n"
            "    key = repr([np.asarray(output).tolist(), np.asarray(target).tolist()])\n"
            "    return TABLE.get(key, 0.0)  # a case never seen: no idea\n")


def _key(output, target) -> str:
    return repr([np.asarray(output).tolist(), np.asarray(target).tolist()])


def _printed_cases(text: str) -> list:
    """The cases a printer's output shows whole (the excerpt may cut the last line)."""
    cases = []
    for line in text.splitlines():
        try:
            cases.append(json.loads(line))
        except ValueError:
            pass
    return [case for case in cases if isinstance(case, list) and len(case) == 2]


def _graded_cases(course, student: str, nb) -> dict:
    """The cases ``student``'s submission ``nb`` was graded on, worked out with the course's secret (only the
    grader has it: this is the worst case, a student who saw every one of them)."""
    from backprop_core.grading.judge.hidden_tests import student_cells

    secret = case_seeds.course_secret(course)
    key = case_seeds.submission_key(secret, student, LESSON)
    cells = student_cells(nb, index_of(nb, TEST_IDS[0]), teaching_sources(course))
    seed = case_seeds.case_seed(key, "half_squared_error", [cell["source"] for cell in cells])
    exercise = exercises.get("half_squared_error")
    return {prop: cases_of(exercise, prop, seed) for prop in exercise.properties}


def teaching_sources(course):
    import nbformat

    from backprop_core.grading.judge.hidden_tests import teaching_sources_of

    return teaching_sources_of(nbformat.read(course / "source" / LESSON / NOTEBOOK, as_version=4)) \
        if (course / "source" / LESSON / NOTEBOOK).is_file() else \
        teaching_sources_of(nbformat.read(course / "solutions" / LESSON / NOTEBOOK, as_version=4))


def _passes(function, cases_by_prop: dict) -> bool:
    exercise = exercises.get("half_squared_error")
    for prop, cases in cases_by_prop.items():
        expected, mistakes = expected_outcomes(exercise, prop, cases)
        got = [run_case(function, case) for case in cases]
        if not verdict(exercise, prop, cases, expected, mistakes, got, 10).passed:
            return False
    return True


@pytest.mark.grading
def test_cases_harvested_from_a_feedback_earn_nothing_and_a_regrade_is_the_same(released, tmp_path):  # noqa: F811
    course_release = written(released)
    printer = _with_solution(course_release, _printing_solution(released))
    wrong = _with_solution(course_release, "import json\n\ndef half_squared_error(output, target):\n" + PRINTER
                           + "    return -1.0\n")  # never right: 0.0 is, within tolerance, where output ≈ target
    first = autograde(released, tmp_path, {"printer": printer, "twin": printer, "wrong": wrong})
    course = first.course
    assert first.total("printer") == (2, 2) and first.total("twin") == (2, 2)

    # What a function prints during a hidden test is an excerpt, not a channel for every case.
    cell = first.notebooks["printer"].cells[index_of(first.notebooks["printer"], TEST_IDS[0])]
    printed = _printed_cases(shown(cell))
    assert 0 < len(printed) < 20 and PRINTED_CUT in shown(cell), shown(cell)
    # The same notebook from another student was graded on other cases.
    twin_cell = first.notebooks["twin"].cells[index_of(first.notebooks["twin"], TEST_IDS[0])]
    assert _printed_cases(shown(twin_cell))[0] != printed[0]

    # The lookup table: what was printed, plus every case the printer was graded on, answered offline.
    seen = [case.kwargs for cases in _graded_cases(course, "printer", printer).values() for case in cases]
    seen += [{"output": np.array(o), "target": np.array(t)} for o, t in printed]
    table = {_key(**kwargs): losses.half_squared_error(np.asarray(kwargs["output"]), np.asarray(kwargs["target"]))
             for kwargs in seen}
    namespace = {"np": np}
    exec(_lookup_solution(table), namespace)  # noqa: S102 (the test's own table)
    assert _passes(namespace["half_squared_error"], _graded_cases(course, "printer", printer)), (
        "the table must be right on the cases it was built from, or this test proves nothing")
    assert ast.parse(_lookup_solution(table))

    lookup = _with_solution(course_release, _lookup_solution(table))
    for student, nb in (("printer", lookup), ("twin", lookup)):
        (course / "submitted" / student / LESSON / NOTEBOOK).write_text(json.dumps(nb), encoding="utf-8")
    again = instructor(course, "autograde", LESSON, "--force", timeout=TIMEOUT)
    assert again.returncode == 0 and "NOT graded" not in again.stdout + again.stderr, again.stdout + again.stderr

    import nbformat
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        scores = {s: {g.name: g.score for g in gradebook.find_submission_notebook(LESSON, LESSON, s).grades
                      if g.name in TEST_IDS} for s in ("printer", "twin", "wrong")}
    assert scores["printer"] == dict.fromkeys(TEST_IDS, 0) and scores["twin"] == dict.fromkeys(TEST_IDS, 0), scores
    # The unchanged submission, regraded: the same grade, the same cases, the same messages.
    assert scores["wrong"] == {gid: first.scores["wrong"][gid][0] for gid in TEST_IDS} == dict.fromkeys(TEST_IDS, 0)
    regraded = nbformat.read(course / "autograded" / "wrong" / LESSON / NOTEBOOK, as_version=4)
    for gid in TEST_IDS:
        before = shown(first.notebooks["wrong"].cells[index_of(first.notebooks["wrong"], gid)])
        after = shown(regraded.cells[index_of(regraded, gid)])
        assert before == after and "wrong on 20 of 20" in after, (before, after)

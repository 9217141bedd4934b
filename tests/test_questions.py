"""Understanding questions (:mod:`backprop_core.grading.answerfree.questions`): how answers are judged and what a wrong one reads.

The whole path (release, sandboxed hidden test, nbgrader scores, feedback) is
tested on the lessons' own questions in ``tests/test_grading_course.py``
(students ``solution``, ``release`` and ``wrong-answers``).
"""
from __future__ import annotations

import numpy as np
import pytest

from backprop_core import grading
from backprop_core.grading import exercises
from backprop_core.grading.exercises import Choice, Number, WrongAnswer, question
from backprop_core.grading.answerfree.questions import Question


@pytest.mark.parametrize(("got", "right"), [
    (1.04, True), (1.0417, True), (1.0416666, True), (np.float64(1.04), True), (np.array([1.04]), True),
    (1.05, False), (1.0, False), (3.125, False), ("1.04", False), (True, False), (float("nan"), False),
])
def test_a_number_is_right_within_its_significant_digits(got, right):
    assert Number(3).same(got, 1.0416666666666667) is right


def test_rounding_across_a_power_of_ten_is_right():
    assert Number(3).same(0.1, 0.09996) and Number(3).same(0.0821, 0.08215)


@pytest.mark.parametrize("got", ["a", "A", " (a) ", "a.", "A)"])
def test_a_choice_is_its_letter_whatever_the_case_and_brackets(got):
    assert Choice("ABC").same(got, "A")


@pytest.mark.parametrize(("kind", "got", "says"), [
    (Number(), "0.5", "one number"), (Number(), [0.5, 0.2], "one number"), (Number(), np.inf, "finite"),
    (Choice("ABC"), "D", "one of the letters"), (Choice("ABC"), 1, "one of the letters"),
])
def test_an_answer_of_the_wrong_form_is_told_what_to_return(kind, got, says):
    assert says in kind.form_problem(got)


def test_a_wrong_answer_says_what_to_reread_and_never_the_right_one():
    judged = Question(Number(3), "section 4", (WrongAnswer(3.125, "you added the errors."),))
    text = judged.wrong_message("predicted_batch_error", 3.125, 1.0416666666666667)
    assert "you added the errors." in text and "Reread section 4" in text
    assert "1.04" not in text
    assert "suggests" not in judged.wrong_message("predicted_batch_error", 0.7, 1.0416666666666667)


def test_the_in_process_check_grades_a_question_with_the_same_words():
    def predicted_batch_error():
        return 3.125

    with pytest.raises(AssertionError, match="For a batch, E is their mean") as raised:
        grading.check("predicted_batch_error", predicted_batch_error, "answer")
    assert "1.04" not in str(raised.value)

    def w5_direction():
        return "a"

    grading.check("w5_direction", w5_direction, "answer")


def test_an_unanswered_question_says_how_to_answer(capsys):
    def w5_direction():
        raise NotImplementedError()

    with pytest.raises(AssertionError, match="It still raises NotImplementedError"):
        grading.check("w5_direction", w5_direction, "answer")
    grading.expect_answer(w5_direction, choices="ABC")
    assert "not answered yet" in capsys.readouterr().out


def test_the_public_test_checks_the_form_only(capsys):
    grading.expect_answer(lambda: 3.125)  # wrong, but a number: the public test does not say
    assert "the grader can read it" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="one of the letters"):
        grading.expect_answer(lambda: "D", choices="ABC")


def test_every_question_is_an_exercise_with_one_answer_property_and_its_own_right_answer_readable():
    found = [e for e in exercises.all_exercises() if e.question is not None]
    assert found, "no understanding question is registered"
    for exercise in found:
        assert list(exercise.properties) == ["answer"] and exercise.replaces == ()
        assert exercise.question.kind.form_problem(exercise.reference()) is None
        for wrong in exercise.question.wrong_answers:
            assert not exercise.question.kind.same(wrong.answer, exercise.reference()), (
                f"{exercise.name}: the foreseen wrong answer {wrong.answer!r} is right")


def test_a_question_whose_right_answer_has_the_wrong_form_fails_at_registration():
    with pytest.raises(ValueError, match="its right answer is not an answer"):
        exercises.register(question("a_broken_question", "99-none", lambda: "E", Choice("ABC"), "section 1"))
    with pytest.raises(ValueError, match="not one number|is not a number"):
        question("another", "99-none", lambda: 1.0, Number(), "section 1", wrong_answers=(WrongAnswer("x", "."),))


# ------------------------------------------------------------------ issue 21, item 5: every typed answer gets a verdict
#: Odd answers, as source: (predicted_batch_error's, w5_direction's). Each must be judged wrong, with a message.
ODD_ANSWERS = {
    "huge-ints": ("10**400", "10**5000"),
    "minus-huge-int": ("-10**400", "float('nan')"),
    "infinity": ("float('-inf')", "None"),
    "nan": ("float('nan')", "[1, 2]"),
    "text-and-dict": ('"1.04"', '{"A": 1}'),
    "list-and-function": ("[1.04]", "lambda: 'A'"),
    "dict-and-wide-list": ('{"E": 1.04}', "[[0.5] * 1000 for _ in range(1000)]"),
    "none-and-deep-list": ("None", "eval('[' * 200 + ']' * 200)"),
}
QUESTION_LESSON = "01-forward-pass-and-error"
QUESTIONS = ("predicted_batch_error", "w5_direction")


def _questions_course(tmp_path):
    """A course whose one lesson holds lesson 01's two questions only (its imports, text, solution, public and
    hidden cells), released with the instructor CLI: each student costs two sandboxed runs."""
    import nbformat

    from test_grading_course import ROOT, instructor

    lesson = "99-questions"
    source = nbformat.read(ROOT / "solutions" / QUESTION_LESSON / f"{QUESTION_LESSON}.ipynb", as_version=4)
    ids = {f"{kind}_{name}" for name in QUESTIONS for kind in ("solution", "public_test")}
    ids |= {f"test_{name}_answer" for name in QUESTIONS}
    keep = [cell for i, cell in enumerate(source.cells)
            if i <= 1 or cell.metadata.get("nbgrader", {}).get("grade_id") in ids]
    source.cells = keep
    (tmp_path / "solutions" / lesson).mkdir(parents=True)
    nbformat.write(source, tmp_path / "solutions" / lesson / f"{lesson}.ipynb")
    (tmp_path / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    released = instructor(tmp_path, "release", lesson)
    assert released.returncode == 0, released.stdout + released.stderr
    return lesson, nbformat.read(tmp_path / "lessons" / lesson / f"{lesson}.ipynb", as_version=4)


@pytest.mark.grading
def test_every_typed_answer_gets_a_verdict_through_autograde(tmp_path):
    """Issue 21, item 5: answers of any size and kind (10**400, ±inf, nan, text, lists, dicts, None, a function,
    a huge or deep list) are each judged wrong with a message, through the instructor CLI; no submission is
    "not graded", and every student has a grade in the export."""
    import csv
    import json

    from nbgrader.api import Gradebook

    from test_grading_course import _texts, instructor

    lesson, release = _questions_course(tmp_path)
    for student, answers in ODD_ANSWERS.items():
        nb = json.loads(json.dumps(release))
        for cell in nb["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            for name, answer in zip(QUESTIONS, answers):
                if grade_id == f"solution_{name}":
                    cell["source"] = f"def {name}():\n    return {answer}\n"
        folder = tmp_path / "submitted" / student / lesson
        folder.mkdir(parents=True)
        (folder / f"{lesson}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    graded = instructor(tmp_path, "autograde", lesson)
    grades = instructor(tmp_path, "grades")
    log = graded.stdout + graded.stderr + grades.stdout + grades.stderr
    assert graded.returncode == 0 and grades.returncode == 0, log
    assert "NOT graded" not in log and "0 not graded" in log, log
    with open(tmp_path / "grades-status.csv", encoding="utf-8") as file:
        statuses = {row["student"]: row for row in csv.DictReader(file)}
    assert {s: row["status"] for s, row in statuses.items()} == dict.fromkeys(ODD_ANSWERS, "graded"), statuses

    right = {name: exercises.get(name).reference() for name in QUESTIONS}
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        scores = {student: {g.name: g.score for g in gradebook.find_submission_notebook(lesson, lesson, student).grades
                            if g.name.startswith("test_")} for student in ODD_ANSWERS}
    for student, answers in ODD_ANSWERS.items():
        shown = _texts(nbformat_read(tmp_path / "autograded" / student / lesson / f"{lesson}.ipynb"))
        for name, answer in zip(QUESTIONS, answers):
            grade_id = f"test_{name}_answer"
            assert scores[student][grade_id] == 0, (student, name, answer, scores[student])
            text = shown[grade_id]
            assert "AssertionError" in text and f"{name} does not give an answer the grader can read" in text, (
                student, answer, text)
            assert "right on all" not in text
            if name == "predicted_batch_error":
                assert f"{right[name]:.3g}" not in text, text  # the right answer is never shown
    with open(tmp_path / "grades-canvas.csv", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    canvas_cells = {row[0]: row[-1] for row in rows[2:]}
    assert canvas_cells == dict.fromkeys(ODD_ANSWERS, "0"), rows  # a grade in every cell, none left empty


def nbformat_read(path):
    import nbformat

    return nbformat.read(path, as_version=4)

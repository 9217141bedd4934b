"""Understanding questions (:mod:`backprop_core.grading.questions`): how answers are judged and what a wrong one reads.

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
from backprop_core.grading.questions import Question


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

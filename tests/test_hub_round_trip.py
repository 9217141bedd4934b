"""A class on one server, end to end, through a real JupyterHub and nbgrader's exchange (issue 13, item 2).

The hub is the course's own (``deploy/jupyterhub_config.py``, installed by ``make hub-install``), started on
127.0.0.1 by ``tests/hub_server.py`` with two students and one instructor, Unix users made for the test.
Everything a user does runs as that user, through the hub: their servers are started with the hub's REST
API; ada and the instructor type nbgrader's commands (run in a kernel of their own server, with the
``nbgrader`` of the hub's environment), bob uses the buttons of nbgrader's Assignments list (its server API):

1. the instructor releases the smallest lesson to the exchange (``nbgrader release_assignment``), and both
   students see it in their Assignments list;
2. both students fetch it; ada writes the solution's answers into it (saved through her server's contents
   API) and runs it top to bottom in her server's environment (the hub's: the students' copy of the
   course, without the grader's registry), bob hands in the lesson as released; both submit;
3. the instructor collects; the course's ``make autograde`` and ``make feedback`` grade and write the
   feedback (as root, as docs/instructors.md says: the grading sandbox needs it); the instructor releases it;
4. both students fetch their feedback.

Checked: ada has full marks and bob 0, in the gradebook and in the feedback each fetched; each student
reads their own feedback but not the other's, nor the exchange's folder of everybody's feedback; students
have no formgrader, the instructor's lists the lesson; the login page (PAM) lets a student in with her
password, not with a wrong one, and not a Unix user outside the class's groups. Runs only as root
(elsewhere it skips and says why; on CI it fails); about four minutes on 2 busy cores.
"""
from __future__ import annotations

import json
import pwd
import re
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
import urllib.parse
from pathlib import Path

import pytest

from hub_server import Hub, course_make, run_checked, start_class

LESSON = "06-matrix-form"  # the smallest lesson that is stable: 5 points, hidden tests only at grading
COURSE_ID = "backprop-step-by-step"
STUDENTS = ["ada", "bob"]  # ada hands in the solution, bob the lesson as released

pytestmark = pytest.mark.grading


def home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def feedback_files(user: str) -> list[Path]:
    """The feedback HTML files ``user`` fetched (read as root)."""
    return sorted((home(user) / LESSON / "feedback").glob(f"*/{LESSON}.html"))


def each_student(hub: Hub, step) -> None:
    """``step(student)`` for every student at once (each in their own server), as a class would."""
    with ThreadPoolExecutor(len(hub.students)) as pool:
        list(pool.map(step, hub.students))


#: The Assignments list's action for each nbgrader command a student runs.
LIST_ACTIONS = {"fetch_assignment": "fetch", "submit": "submit", "fetch_feedback": "fetch_feedback"}


def student_does(hub: Hub, student: str, command: str) -> None:
    """``nbgrader <command> LESSON`` as ``student``: ada types it in a terminal, bob presses the button of
    nbgrader's Assignments list (its server API, what JupyterLab's page calls)."""
    if student == hub.students[0]:
        hub.run_checked_as(student, ["nbgrader", command, LESSON], cwd=home(student))
        return
    query = urllib.parse.urlencode({"course_id": COURSE_ID, "assignment_id": LESSON})
    _, reply = hub.request("POST", f"/user/{student}/assignments/{LIST_ACTIONS[command]}?{query}")
    assert reply.get("success"), f"{student}: Assignments › {LIST_ACTIONS[command]} failed: {reply}"


def listed_for(hub: Hub, student: str) -> dict[str, str]:
    """The lessons of the course in ``student``'s Assignments list: {lesson: status}."""
    _, reply = hub.request("GET", f"/user/{student}/assignments?course_id={COURSE_ID}")
    assert reply.get("success"), f"{student}'s Assignments list failed: {reply}"
    return {entry["assignment_id"]: entry["status"] for entry in reply["value"]}


def solved(hub: Hub, student: str) -> dict:
    """``student``'s fetched lesson with the solutions' answers written into its solution cells, as she types
    them (the instructor's solution notebook also holds the hidden tests, which need the grader's registry:
    the hub's environment, the students' copy, has none)."""
    def answer_cells(notebook: dict) -> dict:
        return {c["metadata"]["nbgrader"]["grade_id"]: c for c in notebook["cells"]
                if c.get("metadata", {}).get("nbgrader", {}).get("solution")}

    solution = json.loads((hub.course / "solutions" / LESSON / f"{LESSON}.ipynb").read_text())
    fetched = json.loads((home(student) / LESSON / f"{LESSON}.ipynb").read_text())
    answers = answer_cells(solution)
    for grade_id, cell in answer_cells(fetched).items():
        cell["source"] = answers[grade_id]["source"]
    return fetched


def round_trip(hub: Hub, started: float) -> str:
    """Release, fetch, submit, collect, grade, hand back, fetch the feedback; returns make autograde's output.

    Prints each step's time since ``started`` (time.monotonic(); pytest shows it when the test fails).
    """
    ada = hub.students[0]
    hub.start_servers([*hub.students, hub.instructor])
    print(f"{time.monotonic() - started:6.1f} s: servers started")
    # `nbgrader` is the hub environment's: first on every user's PATH.
    hub.run_checked_as(hub.instructor, ["nbgrader", "release_assignment", LESSON], cwd=hub.course)
    for student in hub.students:
        assert listed_for(hub, student) == {LESSON: "released"}, f"{student} does not see the released lesson"
    each_student(hub, lambda s: student_does(hub, s, "fetch_assignment"))
    hub.save_notebook(ada, f"{LESSON}/{LESSON}.ipynb", solved(hub, ada))
    # She runs it, top to bottom, in her server's environment (the hub's): the course works for every user.
    hub.run_checked_as(ada, ["jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                             "--ExecutePreprocessor.timeout=300", f"{LESSON}/{LESSON}.ipynb"], cwd=home(ada))
    each_student(hub, lambda s: student_does(hub, s, "submit"))
    print(f"{time.monotonic() - started:6.1f} s: released, fetched, submitted")

    hub.run_checked_as(hub.instructor, ["nbgrader", "collect", LESSON], cwd=hub.course)
    graded = course_make(hub.course, "autograde", "--workers", "1")
    course_make(hub.course, "feedback")
    print(f"{time.monotonic() - started:6.1f} s: collected, graded")
    hub.run_checked_as(hub.instructor, ["nbgrader", "release_feedback", LESSON], cwd=hub.course)
    each_student(hub, lambda s: student_does(hub, s, "fetch_feedback"))
    return graded


def scores(hub: Hub) -> dict[str, tuple[float, float]]:
    """Each student's (score, max score) for the lesson, from the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}", COURSE_ID) as gradebook:
        return {s.student.id: (s.score, s.max_score) for s in gradebook.assignment_submissions(LESSON)}


def check_graded(hub: Hub, graded: str) -> None:
    """Both submissions were collected; ada (the solution) has full marks, bob (the release) 0."""
    ada, bob = hub.students
    submitted = sorted(p.parent.parent.name for p in (hub.course / "submitted").glob(f"*/{LESSON}/{LESSON}.ipynb"))
    assert submitted == sorted([ada, bob]), f"collect brought {submitted}, expected both students"
    got = scores(hub)
    assert got[ada][0] == got[ada][1] > 0, f"ada handed in the solution: expected full marks, got {got[ada]}\n{graded}"
    assert got[bob][0] == 0, f"bob handed in the lesson as released: expected 0, got {got[bob]}\n{graded}"


def check_feedback_fetched(hub: Hub) -> None:
    """Each student fetched one feedback file, showing their own score."""
    ada, bob = hub.students
    maximum = scores(hub)[ada][1]
    for student, expected in ((ada, maximum), (bob, 0)):
        files = feedback_files(student)
        assert len(files) == 1, f"{student} fetched {files}, expected one feedback file"
        shown = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", files[0].read_text())
        assert shown, f"{files[0]} shows no 'Score: x / y'"
        assert (float(shown[1]), float(shown[2])) == (expected, maximum), (
            f"{student}'s feedback shows {shown[0]}, expected {expected} / {maximum}")


def check_feedback_private(hub: Hub) -> None:
    """As their Unix user, each student reads their own feedback, not the other's nor the exchange's folder."""
    ada, bob = hub.students
    exchange_feedback = hub.exchange / COURSE_ID / "feedback"
    expected = {"own": "read", "other's": "refused", "other's home": "refused", "the exchange's feedback": "refused"}
    for student, other in ((ada, bob), (bob, ada)):
        probe = {"own": str(feedback_files(student)[0]), "other's": str(feedback_files(other)[0]),
                 "other's home": str(home(other)), "the exchange's feedback": str(exchange_feedback)}
        code = ("import json, os\n"
                "def attempt(path):\n"
                "    try:\n"
                "        os.listdir(path) if os.path.isdir(path) else open(path).read(1)\n"
                "        return 'read'\n"
                "    except PermissionError:\n"
                "        return 'refused'\n"
                f"print(json.dumps({{name: attempt(path) for name, path in {probe!r}.items()}}))\n")
        got = json.loads(hub.python(student, code).strip().splitlines()[-1])
        assert got == expected, f"{student} (as a Unix user on the hub): {got}, expected {expected}"


def check_login(hub: Hub) -> None:
    """The hub's login (PAM): a student with her Unix password gets in, not with a wrong one, and a Unix
    user in neither of the class's groups does not get in at all."""
    ada, password = hub.students[0], secrets.token_urlsafe(12)
    run_checked(["chpasswd"], input=f"{ada}:{password}\n{hub.outsider}:{password}\n")
    assert hub.log_in(ada, password), f"{ada} (a student) could not log in with her password"
    assert not hub.log_in(ada, password + "x"), f"{ada} logged in with a wrong password"
    assert not hub.log_in(hub.outsider, password), f"{hub.outsider} (in neither group) logged in"


def check_views(hub: Hub) -> None:
    """Students have no formgrader; the instructor's formgrader works on the course (lists the lesson)."""
    hub.request("GET", f"/user/{hub.students[0]}/formgrader", expect=(404,))
    _, lessons = hub.request("GET", f"/user/{hub.instructor}/formgrader/api/assignments")
    assert LESSON in [lesson["name"] for lesson in lessons], f"the instructor's formgrader lists {lessons}"


# One test, not four: under pytest -n auto the tests of a module may run on different workers, and each
# would then set up a class of its own.
def test_a_class_round_trip_through_jupyterhub():
    started = time.monotonic()
    with start_class(LESSON, STUDENTS, "teach") as hub:
        print(f"{time.monotonic() - started:6.1f} s: hub started")
        graded = round_trip(hub, started)
        check_graded(hub, graded)
        check_feedback_fetched(hub)
        check_feedback_private(hub)
        check_views(hub)
        check_login(hub)

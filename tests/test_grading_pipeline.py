"""Issue 9, items 1, 2, 10 and 11: what a student's notebook went through never decides its grade.

Each test is one real ``autograde`` (the instructor CLI, as ``make autograde``)
of a small generated class on the sample course (``tests/fixtures``): one
lesson, one exercise, two hidden tests of one point each, short timeouts.
A student is the release with the solution written in (full marks deserved)
or the untouched release (zero deserved), with one thing done to it:

- item 1: an nbgrader cell copied and pasted as JupyterLab does it (metadata
  kept, a new cell id): the copy is an ordinary cell, the original is graded;
- item 2: the student's function writes to stderr; it is shown, never scored;
- item 10: a cell floods its output, ignores the interrupt or kills the kernel:
  that cell is stopped, its output cut at 1 MB, the rest graded;
- item 11: test cells' metadata tampered with (grade ids renamed or deleted,
  flags removed, turned into markdown, points edited, a public test made a
  graded one): graded from the gradebook's copy, so it neither earns nor costs.

Without the plug-ins of ``backprop_core.grading.judge.nbgrader_ext`` every one of
these is "NOT graded" (a KeyError, MissingEntry, "Kernel died", "Timeout
waiting for IOPub output"), or loses its points to stderr.
"""
from __future__ import annotations

import copy
import html
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from backprop_core.grading.answerfree.kernel_output import OutputBudget
from backprop_core.grading.judge.nbgrader_ext.stderr import mark_lines
from backprop_core.grading.judge.nbgrader_ext.test_cells import choose_originals
from test_grading_course import SAMPLE, _nb, instructor, new_course

LESSON = "00-sample"
NOTEBOOK = f"{LESSON}.ipynb"
SOLUTION_ID = "half_squared_error"
PUBLIC_ID = "public_half_squared_error"
TEST_IDS = ("test_half_squared_error_one_sample", "test_half_squared_error_batch_mean")
TIMEOUT = 3  # seconds per cell: the runaway cells below cost a few of these each
ONE_MB = 1_000_000


# ------------------------------------------------------------------ the rules, in-process
def _claiming(grade_id, cell_id):
    cell = new_code_cell("pass", metadata={"nbgrader": {"grade_id": grade_id}})
    cell["id"] = cell_id
    return cell


def test_the_original_is_the_cell_with_the_released_id_else_the_last():
    cells = [_claiming("a", "new1"), _claiming("a", "a-id"), _claiming("a", "new2"),  # a pasted copy on each side
             _claiming("b", "x"), _claiming("b", "y"),  # no cell has b's released id: the last one
             _claiming("unknown", "z"), new_code_cell("print(1)")]
    assert choose_originals(cells, {"a", "b", "c"}, {"a": "a-id", "b": "b-id"}) == {1: "a", 4: "b"}


def test_stderr_lines_are_marked_and_keep_their_line_ends():
    assert mark_lines("debug\nwarning: x\n", "(stderr) ") == "(stderr) debug\n(stderr) warning: x\n"
    assert mark_lines("no end", "(stderr) ") == "(stderr) no end"


def test_a_cell_writes_at_most_its_budget_with_the_note_last():
    written = []
    budget = OutputBudget(200)
    write = budget.capped(written.append)
    assert write("x" * 50) == 50 and write("y" * 500) == 500 and write("z") == 1
    text = "".join(written)
    assert len(text) <= 200 and text.startswith("x" * 50 + "y") and text.endswith(budget.note)
    assert text.count("(grader) The rest of this cell's output is not shown") == 1


# ------------------------------------------------------------------ the course and its students
@pytest.fixture(scope="session")
def released(tmp_path_factory) -> Path:
    """The sample course, released once (each test grades a copy)."""
    course = new_course(tmp_path_factory.mktemp("released"), SAMPLE, LESSON)
    result = instructor(course, "release", LESSON, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    return course


def _release(course: Path):
    return nbformat.read(course / "lessons" / LESSON / NOTEBOOK, as_version=4)


def written(course: Path):
    """The release with the solutions written into its solution cells, as a student would."""
    nb = _release(course)
    solution = nbformat.read(course / "solutions" / LESSON / NOTEBOOK, as_version=4)
    answers = {_nb(c)["grade_id"]: c.source for c in solution.cells if _nb(c).get("solution")}
    for cell in nb.cells:
        if _nb(cell).get("solution"):
            cell.source = answers[_nb(cell)["grade_id"]]
    return nb


def index_of(nb, grade_id: str) -> int:
    return next(i for i, cell in enumerate(nb.cells) if _nb(cell).get("grade_id") == grade_id)


def pasted_copy(nb, grade_id: str, at: int):
    """``nb`` with a copy of cell ``grade_id`` inserted at ``at``, as JupyterLab pastes it:
    the metadata copied, the cell id new."""
    cell = copy.deepcopy(nb.cells[index_of(nb, grade_id)])
    cell["id"] = uuid.uuid4().hex[:8]
    nb.cells.insert(at, cell)
    return nb


def with_cell(nb, source: str, at: int = 2):
    """``nb`` with an ordinary code cell inserted at ``at`` (above the exercise)."""
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


def tampered(nb, grade_id: str, change):
    """``nb`` after ``change(cell)`` on cell ``grade_id``."""
    change(nb.cells[index_of(nb, grade_id)])
    return nb


def to_markdown(cell) -> None:
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


@dataclass
class Graded:
    """One autograde run of a class: each student's score and autograded notebook."""

    course: Path
    scores: dict  # student -> {grade id: (score, max score)}
    notebooks: dict  # student -> autograded notebook
    feedback: dict  # student -> the text of their feedback page (for the students asked for)
    log: str

    def total(self, student: str) -> tuple[float, float]:
        grades = self.scores[student].values()
        return sum(s for s, _ in grades), sum(m for _, m in grades)


def autograde(released: Path, tmp_path: Path, students: dict, feedback_for: tuple = ()) -> Graded:
    """Write ``students`` (name -> notebook) into a copy of the released course, autograde them,
    and make the feedback of the students in ``feedback_for``."""
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(released, course)
    for student, nb in students.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        # As saved by JupyterLab: plain JSON, whatever the nbgrader metadata holds.
        (folder / NOTEBOOK).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    result = instructor(course, "autograde", LESSON, timeout=TIMEOUT)
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "NOT graded" not in log, log
    if feedback_for:
        result = instructor(course, "feedback", LESSON, *[f"--student={s}" for s in feedback_for], timeout=TIMEOUT)
        log += result.stdout + result.stderr
        assert result.returncode == 0, log
    pages = {s: html.unescape((course / "feedback" / s / LESSON / f"{LESSON}.html").read_text(encoding="utf-8"))
             for s in feedback_for}
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        for student in students:
            graded = gradebook.find_submission_notebook(LESSON, LESSON, student).grades
            scores[student] = {g.name: (g.score, g.max_score) for g in graded if g.name in TEST_IDS}
    notebooks = {s: nbformat.read(course / "autograded" / s / LESSON / NOTEBOOK, as_version=4) for s in students}
    return Graded(course, scores, notebooks, pages, log)


def shown(cell) -> str:
    """Everything a cell's outputs show, as text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
        else:
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def full_marks_problems(run: Graded, students) -> list[str]:
    problems = []
    for student in students:
        got, most = run.total(student)
        if (got, most) != (2, 2):
            problems.append(f"{student}: {got:g} / {most:g} points, expected 2 / 2")
    return problems


# ------------------------------------------------------------------ item 1
@pytest.mark.grading
def test_copied_nbgrader_cells_are_ordinary_cells_and_the_originals_graded(released, tmp_path):
    """Item 1: a copy-pasted solution cell, public test or hidden test (JupyterLab copies the metadata)
    costs nothing; the copy runs as an ordinary cell and says so, the original (same cell id as in the
    release) is graded."""
    nb = written(released)
    students = {
        "copy-solution-below": pasted_copy(written(released), SOLUTION_ID, index_of(nb, SOLUTION_ID) + 1),
        "copy-solution-above": pasted_copy(written(released), SOLUTION_ID, index_of(nb, SOLUTION_ID)),
        "copy-public-test": pasted_copy(written(released), PUBLIC_ID, index_of(nb, PUBLIC_ID) + 1),
        "copy-hidden-test-on-top": pasted_copy(written(released), TEST_IDS[0], 0),
    }
    released_ids = {_nb(c).get("grade_id"): c.get("id") for c in _release(released).cells if _nb(c)}
    run = autograde(released, tmp_path, students, feedback_for=("copy-solution-below",))
    problems = full_marks_problems(run, students)
    if "(grader) A copy of the course's cell 'half_squared_error'" not in run.feedback["copy-solution-below"]:
        problems.append("copy-solution-below: the feedback does not say which cell is a copy")
    for student, submitted in students.items():
        graded = run.notebooks[student]
        copies = [c for c in graded.cells if "(grader) A copy of the course's cell" in c.source]
        if len(copies) != 1 or _nb(copies[0]):
            problems.append(f"{student}: expected one copy, marked and without nbgrader metadata; got {len(copies)}")
        elif copies[0].get("id") in released_ids.values():
            problems.append(f"{student}: the cell with the release's id was taken for the copy")
        for grade_id, cell_id in released_ids.items():
            originals = [c for c in graded.cells if _nb(c).get("grade_id") == grade_id]
            if len(originals) != 1 or originals[0].get("id") != cell_id:
                problems.append(f"{student}: {grade_id} is not the one original cell with id {cell_id}")
    assert not problems, "\n".join(problems) + "\n" + run.log


# ------------------------------------------------------------------ item 2
STDERR_IN_FUNCTION = (
    "import logging, sys, warnings\n"
    "debug_log = logging.getLogger('my_debugging')\n"
    "debug_log.addHandler(logging.StreamHandler())   # bound to the notebook's stderr, as it is now\n\n"
    "def half_squared_error(output, target):\n"
    "    debug_log.warning('debug: computing E')     # leftover debugging, straight to stderr\n"
    "    print('debug: here', file=sys.stderr)\n"
    "    warnings.warn('just a warning', RuntimeWarning)\n"
    "    diff = np.asarray(target, dtype=float) - np.asarray(output, dtype=float)\n"
    "    return float(0.5 * np.sum(diff ** 2) / (1 if diff.ndim == 1 else diff.shape[0])){wrong}\n"
)


@pytest.mark.grading
def test_stderr_is_shown_and_never_costs_a_point(released, tmp_path):
    """Item 2: a passing hidden test keeps its points when the student's function writes to stderr
    (a logging handler made before the test runs writes there whatever the test redirects; a debug
    print, a warning); the feedback still shows those lines. A failing one still scores 0."""
    def student(wrong: str):
        return tampered(written(released), SOLUTION_ID,
                        lambda cell: setattr(cell, "source", STDERR_IN_FUNCTION.format(wrong=wrong)))

    run = autograde(released, tmp_path, {"stderr": student(""), "stderr-and-wrong": student(" * 2")})
    problems = full_marks_problems(run, ["stderr"])
    if run.total("stderr-and-wrong") != (0, 2):
        problems.append(f"stderr-and-wrong: {run.total('stderr-and-wrong')}, expected 0 / 2 (wrong answers)")
    for grade_id in TEST_IDS:
        text = shown(run.notebooks["stderr"].cells[index_of(run.notebooks["stderr"], grade_id)])
        if "(stderr) debug: computing E" not in text or "right on all" not in text:
            problems.append(f"stderr: {grade_id} should show its result and the stderr lines; it shows:\n{text}")
    assert not problems, "\n".join(problems) + "\n" + run.log


# ------------------------------------------------------------------ item 10
RUNAWAYS = {
    # An endless print loop: megabytes of output a second.
    "output-flood": 'while True:\n    print("spam " * 200_000)',
    # A long computation inside C code: the interrupt waits for the interpreter, which never comes back.
    "deaf-to-interrupt": "sum(range(10**14))",
    # The kernel killed, as the kernel's out-of-memory killer does it.
    "kernel-killed": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
}


@pytest.mark.grading
def test_a_runaway_cell_is_stopped_and_the_rest_is_graded(released, tmp_path, monkeypatch):
    """Item 10: a cell that floods its output, ignores the interrupt or kills the kernel is stopped,
    its output cut at 1 MB with a note; the cells above are still defined and the rest is graded.
    (The notebook is run as a whole, for its outputs, as BACKPROP_RUN_WHOLE_NOTEBOOK=1 asks.)"""
    monkeypatch.setenv("BACKPROP_RUN_WHOLE_NOTEBOOK", "1")
    students = {name: with_cell(written(released), source) for name, source in RUNAWAYS.items()}
    run = autograde(released, tmp_path, students, feedback_for=("output-flood",))
    problems = full_marks_problems(run, students)
    for student, source in RUNAWAYS.items():
        cell = next(c for c in run.notebooks[student].cells if c.source == source)
        text = shown(cell)
        if len(text) > ONE_MB + 1000:
            problems.append(f"{student}: the cell kept {len(text):,} characters of output, more than 1 MB")
        if not any(word in text for word in ("CellTimeoutError", "KernelDied")):
            problems.append(f"{student}: the stopped cell does not say it was stopped:\n{text[-500:]}")
    flood = shown(next(c for c in run.notebooks["output-flood"].cells if c.source == RUNAWAYS["output-flood"]))
    for where, text in [("notebook", flood), ("feedback", run.feedback["output-flood"])]:
        if "The rest of this cell's output is not shown" not in text:
            problems.append(f"output-flood: the {where} does not say that the output was cut")
    size = (run.course / "autograded" / "output-flood" / LESSON / NOTEBOOK).stat().st_size
    if size > 2 * ONE_MB:
        problems.append(f"output-flood: the autograded notebook is {size:,} bytes")
    assert not problems, "\n".join(problems) + "\n" + run.log


# ------------------------------------------------------------------ issue 20, item 8
#: A cell that prints what the package in the notebook's sandbox holds: its files, and the registry if it imports.
PRINTS_THE_PACKAGE = """\
import pathlib, backprop_core
root = pathlib.Path(backprop_core.__file__).parent
print("FILES:", sorted(str(p.relative_to(root)) for p in root.rglob("*.py")))
try:
    from backprop_core.grading import exercises
    print("LEAKED:", [e.name for e in exercises.all_exercises()])
except ImportError as error:
    print("NO REGISTRY:", type(error).__name__)
"""


@pytest.mark.grading
def test_the_whole_notebook_runs_without_the_answers(released, tmp_path, monkeypatch):
    """Issue 20, item 8: the whole-notebook run (BACKPROP_RUN_WHOLE_NOTEBOOK=1) mounts the student copy's
    package: a cell that prints what it can find shows no registry (nor its files, nor the hidden tests'
    machinery) in the feedback, while the lesson's own cells run and the solution keeps full marks."""
    monkeypatch.setenv("BACKPROP_RUN_WHOLE_NOTEBOOK", "1")
    run = autograde(released, tmp_path, {"looks": with_cell(written(released), PRINTS_THE_PACKAGE)},
                    feedback_for=("looks",))
    problems = full_marks_problems(run, ["looks"])
    text = shown(next(c for c in run.notebooks["looks"].cells if c.source == PRINTS_THE_PACKAGE))
    if "NO REGISTRY: " not in text or "LEAKED" in text:
        problems.append(f"the registry was importable in the notebook's sandbox:\n{text[-2000:]}")
    files = text.partition("FILES:")[2]
    for absent in ("grading/exercises", "grading/judge", "grading/student_process", "grading/commands"):
        if absent in files:
            problems.append(f"the notebook's sandbox holds {absent}: {files[:1500]}")
    for present in ("nn/losses.py", "viz/plots/curves.py", "grading/answerfree/run_notebook.py"):
        if present not in files:
            problems.append(f"the notebook's sandbox lacks {present} (the lessons and the runner need it): {files[:1500]}")
    if "NO REGISTRY" not in run.feedback["looks"]:
        problems.append("the feedback does not show the whole-notebook run's output")
    assert not problems, "\n".join(problems) + "\n" + run.log


# ------------------------------------------------------------------ item 11
def _rename(cell):
    cell.metadata.nbgrader["grade_id"] = "my_own_test"


def _forget_grade_id(cell):
    del cell.metadata.nbgrader["grade_id"]


def _not_graded(cell):
    cell.metadata.nbgrader["grade"] = False


def _no_metadata(cell):
    del cell.metadata["nbgrader"]


def _points(value):
    def change(cell):
        cell.metadata.nbgrader["points"] = value
    return change


def _graded_public(cell):
    cell.metadata.nbgrader.update(grade=True, points=5)


def _passing(source):
    def change(cell):
        cell.source = source
    return change


TAMPERINGS = {
    "grade-id-renamed": (TEST_IDS[0], _rename),
    "grade-id-deleted": (TEST_IDS[0], _forget_grade_id),
    "grade-flag-removed": (TEST_IDS[0], _not_graded),
    "metadata-deleted": (TEST_IDS[0], _no_metadata),
    "turned-markdown": (TEST_IDS[1], to_markdown),
    "points-raised": (TEST_IDS[1], _points(100)),
    "points-not-a-number": (TEST_IDS[1], _points("lots")),
    "public-test-graded": (PUBLIC_ID, _graded_public),
}


@pytest.mark.grading
def test_tampered_test_cells_earn_nothing_and_cost_nothing(released, tmp_path):
    """Item 11: each tampering on a full solution keeps full marks (out of the real 2 points); all of
    them at once on the untouched release, with the tests' code replaced by passing code, earn 0."""
    students = {name: tampered(written(released), grade_id, change)
                for name, (grade_id, change) in TAMPERINGS.items()}
    release = _release(released)
    for grade_id, change in [(TEST_IDS[0], _passing("assert True")), (TEST_IDS[0], _rename),
                             (TEST_IDS[1], _passing("pass")), (TEST_IDS[1], _no_metadata),
                             (PUBLIC_ID, _graded_public)]:
        release = tampered(release, grade_id, change)
    students["release-tampered"] = release
    run = autograde(released, tmp_path, students)
    problems = full_marks_problems(run, TAMPERINGS)
    if run.total("release-tampered") != (0, 2):
        problems.append(f"release-tampered: {run.total('release-tampered')}, expected 0 / 2")
    assert not problems, "\n".join(problems) + "\n" + run.log

"""The instructor's bookkeeping (issue 9, items 7, 8, 9, 12), through the real command.

``python -m backprop_core.grading.commands.instructor`` on a small generated class of the
sample course (one lesson worth 2 points, two or three students):

- a run killed with ``kill -9`` in the middle of a notebook: the rerun regrades
  it to full marks, and takes over the dead run's lock (item 7);
- a submission changed after it was graded is regraded by a plain rerun (item 8);
- a second run while one is grading is refused, names the first, and touches
  nothing; the first finishes with the right grades (item 9);
- a submission that could not be graded is "not graded: <why>" in the export,
  never a 0 (item 12).

The pure parts (when a rerun regrades, a lesson's status, the lock's holder)
are checked in-process first; they need no nbgrader run.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from backprop_core.grading.commands import gradesheet
from backprop_core.grading.commands.completion import FAILED, GRADED, GRADING, Record, folder_checksum
from backprop_core.grading.commands.instructor import grading_note
from backprop_core.grading.commands.runlock import LockHeld, RunLock, holder_path, lock_path

from test_grading_course import SAMPLE, _env, instructor

LESSON = "00-sample"
OTHER = "00-copy"  # the same lesson under a second id, so that a student can have one lesson not submitted
NOTEBOOK = f"{LESSON}.ipynb"
CELL_TIMEOUT = 30  # longer than a held cell is held (a stopped cell would still let the rest grade)


# ------------------------------------------------------------------ in-process


def test_a_failed_nbgrader_call_is_told_by_its_real_exception_not_nbgraders_see_above():
    """nbgrader logs the traceback, then raises NbGraderException("Please see the above traceback"):
    the instructor's line must carry the traceback's own last line (a CI failure showed only nbgrader's).
    The log is captured by nbgrader's own ``capture_log``, whose formatter indents a message's later lines."""
    import logging
    import traceback

    from nbgrader.utils import capture_log
    from traitlets.config import LoggingConfigurable

    from backprop_core.grading.commands.nbgrader_api import error_text

    class SandboxUnavailable(RuntimeError):  # the grader's own kind, named without "Error"
        pass

    class Converter(LoggingConfigurable):  # what nbgrader's converter does with an error in a preprocessor
        failure = OSError("[Errno 28] No space left on device: '/dev/shm/grading-x'")

        def start(self):
            try:
                raise self.failure
            except Exception:
                self.log.error("There was an error processing assignment: %s", "/dev/shm/grading-x/submitted/ada/00-sample")
                self.log.error(traceback.format_exc())
                self.log.warning("Removing failed assignment: /dev/shm/grading-x/autograded/ada/00-sample")
                self.log.error("There was an error processing assignment '00-sample' for student 'ada'")
                self.log.error("Please see the the above traceback for details on the specific errors on the above failures.")
            # nbgrader raises its own exception after the loop, outside the except: no chained traceback
            raise RuntimeError("nbgrader.converters.base.NbGraderException: Please see the the above traceback")

    for failure, cause in ((OSError("[Errno 28] No space left on device: '/dev/shm/grading-x'"),
                            "OSError: [Errno 28] No space left on device"),
                           (SandboxUnavailable("bwrap: setting up uid map: Permission denied"),
                            "SandboxUnavailable: bwrap: setting up uid map: Permission denied")):
        converter = Converter(log=logging.getLogger(f"nbgrader-like-{type(failure).__name__}"))
        converter.failure = failure
        text = error_text(capture_log(converter))
        assert cause in text, text
        assert "NbGraderException" not in text and "Traceback" not in text and "Removing failed" not in text, text


def _record(status: str, checksum: str | None = "abc", **fields) -> Record:
    values = dict(student="ada", lesson=LESSON, status=status, checksum=checksum, score=None, max_score=None,
                  reason=None, at="2026-01-01 00:00:00 UTC", host="here", pid=1)
    values.update(fields)
    return Record(**values)


def test_a_rerun_keeps_only_finished_gradings_of_the_same_files():
    assert grading_note(None, "abc", result_present=False) == ""  # never graded: graded, no note
    assert grading_note(_record(GRADED), "abc", result_present=True) is None  # kept
    assert grading_note(_record(GRADED), "new", result_present=True) == "changed since it was graded"
    assert "did not finish" in grading_note(_record(GRADING), "abc", result_present=True)
    assert "could not be graded" in grading_note(_record(FAILED, reason="boom"), "abc", result_present=True)
    assert "missing" in grading_note(_record(GRADED), "abc", result_present=False)
    # A result nbgrader left without our record (a run killed before this change, nbgrader used by hand).
    assert grading_note(None, "abc", result_present=True) == "no record that its grading finished"


def test_a_lesson_status_never_passes_an_unfinished_grading_for_a_score():
    status = gradesheet.status_of
    assert status(None, None, in_gradebook=False) == "not submitted"
    assert status(_record(GRADED), "abc", in_gradebook=True) == "graded"
    assert status(_record(GRADED), "new", in_gradebook=True).startswith("not graded: changed since")
    assert status(_record(GRADED), "abc", in_gradebook=False).startswith("not graded: its grades are missing")
    assert status(_record(GRADING), "abc", in_gradebook=True).startswith("not graded: its grading did not finish")
    assert status(_record(FAILED, reason="missing notebook x"), "abc", True) == "not graded: missing notebook x"
    assert status(None, "abc", in_gradebook=False).startswith("not graded: its grading never finished")


def test_folder_checksum_sees_every_change_of_what_was_handed_in(tmp_path):
    folder = tmp_path / "submitted"
    assert folder_checksum(folder) is None
    folder.mkdir()
    (folder / NOTEBOOK).write_text("{}")
    first = folder_checksum(folder)
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / NOTEBOOK).write_text("{ }")
    assert folder_checksum(folder) == first, "an editor's checkpoint is not part of the submission"
    (folder / "timestamp.txt").write_text("2026-01-01 00:00:00")
    assert folder_checksum(folder) != first, "a new submission time decides late penalties"


def test_lock_file_sits_next_to_the_gradebook(tmp_path):
    assert lock_path(f"sqlite:///{tmp_path}/gradebook.db", tmp_path) == tmp_path / "gradebook.db.lock"
    assert lock_path("postgresql://grader@db.example.org/backprop", tmp_path) == tmp_path / "gradebook.lock"
    assert holder_path(tmp_path / "gradebook.db.lock") == tmp_path / "gradebook.db.lock.json"


_HOLDER = """
import sys, time
from backprop_core.grading.commands.runlock import RunLock
with RunLock(sys.argv[1], command="holder"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_lock_refuses_while_its_holder_lives_and_is_taken_over_once_it_is_killed(tmp_path):
    path = tmp_path / "gradebook.db.lock"
    note = holder_path(path)
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld, match=rf"pid {holder.pid} on host"):
            with RunLock(path, command="second"):
                pass
        assert RunLock.holder_if_running(path).pid == holder.pid
    finally:
        holder.kill()  # SIGKILL: the holder never gets to remove its file
        holder.wait()
    assert json.loads(note.read_text())["pid"] == holder.pid, "a killed holder leaves its note behind"
    assert RunLock.holder_if_running(path) is None, "the OS lock died with its holder"
    with RunLock(path, command="second") as lock:
        assert lock.stale is not None and lock.stale.pid == holder.pid
        assert json.loads(note.read_text())["pid"] == os.getpid()
        assert RunLock.holder_if_running(path).pid == os.getpid()
    assert not note.exists(), "the holder removes its note when it is done"
    assert RunLock.holder_if_running(path) is None
    with RunLock(path, command="third") as lock:
        assert lock.stale is None, "a run that finished is not taken for one that stopped"
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "no note nor partial note is left behind"


# ------------------------------------------------------------------ the real command
#: Seconds a held submission's extra cell takes. The student's code runs in a sandbox that sees
#: nothing of the test (no file, no network), so the cell cannot be released: it just takes long.
HOLD_SECONDS = 12


def _held(solution):
    """The solution with a cell that takes :data:`HOLD_SECONDS` (the notebook and its hidden tests run it)."""
    nb = nbformat.from_dict(json.loads(json.dumps(solution)))
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first_code + 1, nbformat.v4.new_code_cell(f"import time\ntime.sleep({HOLD_SECONDS})\n"))
    return nb


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The sample course with its lesson released twice (as 00-sample and 00-copy): copied by each test."""
    course = tmp_path_factory.mktemp("released")
    shutil.copy(Path(__file__).resolve().parents[1] / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(SAMPLE / "solutions" / LESSON, course / "solutions" / LESSON)
    (course / "solutions" / OTHER).mkdir()
    shutil.copy(course / "solutions" / LESSON / NOTEBOOK, course / "solutions" / OTHER / f"{OTHER}.ipynb")
    result = instructor(course, "release", timeout=CELL_TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    return course


class Course:
    """A fresh copy of the released course, with students to add and the instructor command to run."""

    def __init__(self, released: Path, tmp: Path):
        self.root = tmp / "course"
        shutil.copytree(released, self.root)
        self.solution = nbformat.read(self.root / "solutions" / LESSON / NOTEBOOK, as_version=4)
        self.release = nbformat.read(self.root / "lessons" / LESSON / NOTEBOOK, as_version=4)

    def submit(self, student: str, nb, lesson: str = LESSON) -> None:
        folder = self.root / "submitted" / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")

    def held(self):
        return _held(self.solution)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return instructor(self.root, *args, timeout=CELL_TIMEOUT)

    def start(self, *args: str, log: Path) -> subprocess.Popen:
        """The command in the background, in its own process group (so that it can be killed as a whole)."""
        handle = log.open("w")
        return subprocess.Popen([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(self.root),
                                 *args], stdout=handle, stderr=subprocess.STDOUT, text=True,
                                env=_env(CELL_TIMEOUT), start_new_session=True)

    def wait_until_grading(self, process: subprocess.Popen, log: Path, student: str = "ada") -> None:
        """Wait until the run has recorded that it is grading ``student`` (then it is in the held notebook)."""
        from backprop_core.grading.commands.completion import Records

        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"the run ended before grading {student}:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the run never started grading {student}:\n{log.read_text()}"
            if (self.root / "gradebook.db").exists():
                with Records(f"sqlite:///{self.root / 'gradebook.db'}", "backprop-step-by-step") as records:
                    record = records.find(student, LESSON)
                if record is not None and record.status == GRADING:
                    time.sleep(1.0)  # well inside the held cell's time
                    return
            time.sleep(0.1)

    def scores(self) -> dict[tuple[str, str], float]:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
            return {(s.student.id, s.assignment.name): s.score
                    for a in gradebook.assignments for s in a.submissions}

    def statuses(self) -> dict[tuple[str, str], dict]:
        with (self.root / "grades-status.csv").open(newline="") as handle:
            return {(row["student"], row["lesson"]): row for row in csv.DictReader(handle)}


@pytest.fixture
def course(released, tmp_path) -> Course:
    return Course(released, tmp_path)


def _output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


@pytest.mark.grading
def test_a_run_killed_mid_notebook_is_regraded_by_the_next_run(course, tmp_path):
    """Item 7: after ``kill -9`` in the middle of a notebook, nothing of it counts as graded."""
    course.submit("ada", course.held())
    log = tmp_path / "killed.log"
    run = course.start("autograde", log=log)
    course.wait_until_grading(run, log)
    os.killpg(run.pid, signal.SIGKILL)  # its sandboxes die with it (bubblewrap's --die-with-parent)
    run.wait()
    lock = holder_path(course.root / "gradebook.db.lock")
    assert json.loads(lock.read_text())["pid"] == run.pid, "the killed run's note stays, naming it"

    exported = course.run("grades")
    assert exported.returncode == 0, _output(exported)
    ada = course.statuses()[("ada", LESSON)]
    assert ada["status"].startswith("not graded: its grading did not finish"), ada
    assert ada["score"] == "", "a half-graded submission has no score in the export"

    rerun = course.run("autograde")
    out = _output(rerun)
    assert rerun.returncode == 0, out
    assert f"pid {run.pid}" in out and "stopped without finishing" in out, out
    assert "already graded" not in out, out
    assert f"ada / {LESSON}: its grading did not finish" in out and "regraded, 2 / 2 points" in out, out
    assert course.scores()[("ada", LESSON)] == 2.0
    assert not lock.exists(), "the rerun removes its note when it is done"


@pytest.mark.grading
def test_a_changed_submission_is_regraded_by_a_plain_rerun(course):
    """Item 8: a resubmission is regraded; what did not change is kept."""
    course.submit("ada", course.solution)
    course.submit("bob", course.release)
    first = course.run("autograde")
    assert first.returncode == 0, _output(first)
    assert course.scores() == {("ada", LESSON): 2.0, ("bob", LESSON): 0.0}

    again = course.run("autograde")
    assert again.returncode == 0, _output(again)
    assert _output(again).count("already graded, kept") == 2, _output(again)

    course.submit("bob", course.solution)  # bob hands in a finished lesson
    rerun = course.run("autograde")
    out = _output(rerun)
    assert rerun.returncode == 0, out
    assert f"ada / {LESSON}: already graded, kept (2 / 2 points" in out, out
    assert f"bob / {LESSON}: changed since it was graded: regraded, 2 / 2 points" in out, out
    assert course.scores() == {("ada", LESSON): 2.0, ("bob", LESSON): 2.0}


def _run_on_a_terminal(course: Course, *args: str) -> tuple[int, str]:
    """The command with stdout and stderr on a pseudo-terminal (120 columns), as an instructor runs it:
    its exit status and everything the terminal received."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = _env(CELL_TIMEOUT)
    env.pop("COLUMNS", None)
    run = subprocess.Popen([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root",
                            str(course.root), *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                           env=env)
    os.close(follower)
    received = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the command ended and closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return run.wait(timeout=60), received.decode("utf-8", "replace")


@pytest.mark.grading
def test_on_a_terminal_autograde_draws_a_live_bar_with_the_report_above_it(course):
    """rich's live bar on a real terminal: drawn in place, the report's lines above it, the summary after it."""
    course.submit("ada", course.solution)
    course.submit("bob", course.release)
    status, out = _run_on_a_terminal(course, "autograde")
    assert status == 0, out
    assert "\x1b[?25l" in out and out.count("\x1b[2K") >= 2, f"no live redraw: {out!r}"
    assert "\x1b[?25h" in out, "the cursor comes back"
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out).replace("\r", "\n")
    assert re.search(r"2/2 \d+\.\d nb/min  done in \d+ s  0 not graded", text), text
    assert f"ada / {LESSON}" in text and f"bob / {LESSON}" in text, text
    assert "Autograde finished in" in text and "  not graded: 0" in text, text
    assert "[#" not in text, "the plain line is for logs, not for a terminal"
    assert text.index("2/2 ") < text.index("Autograde finished in"), "the summary comes after the bar"


@pytest.mark.grading
def test_a_second_run_is_refused_while_one_is_grading(course, tmp_path):
    """Item 9: two runs at once never race; the second names the first and does nothing."""
    course.submit("ada", course.held())
    course.submit("bob", course.solution)
    log = tmp_path / "first.log"
    first = course.start("autograde", log=log)
    course.wait_until_grading(first, log)
    second = course.run("autograde")
    first.wait(timeout=300)
    out = _output(second)
    assert second.returncode != 0, out
    assert "another instructor command is using this gradebook" in out and f"pid {first.pid}" in out, out
    assert "Nothing was done" in out and "[1/2]" not in out, out
    first_out = log.read_text()
    assert first.returncode == 0, first_out
    for text in (out, first_out):
        assert "IntegrityError" not in text and "Traceback" not in text, text
    assert course.scores() == {("ada", LESSON): 2.0, ("bob", LESSON): 2.0}
    assert not holder_path(course.root / "gradebook.db.lock").exists()


@pytest.mark.grading
def test_the_export_tells_not_graded_and_not_submitted_from_a_real_zero(course):
    """Item 12: grades.csv stays nbgrader's; grades-status.csv and the totals say what was not graded."""
    course.submit("ada", course.solution)
    course.submit("ada", course.solution, lesson=OTHER)
    broken = course.root / "submitted" / "bob" / LESSON / NOTEBOOK
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [')  # a download cut short
    course.submit("cy", course.release)  # a real 0
    graded = course.run("autograde")
    assert graded.returncode == 1, _output(graded)
    assert f"bob / {LESSON}: NOT graded: submitted/bob/{LESSON}/{NOTEBOOK} is not a notebook" in _output(graded)

    exported = course.run("grades")
    out = _output(exported)
    assert exported.returncode == 0, out
    header = (course.root / "grades.csv").read_text().splitlines()[0]
    assert header.startswith("assignment,duedate,timestamp,student_id"), "grades.csv is nbgrader's, unchanged"
    with (course.root / "grades.csv").open(newline="") as file:
        order = [(row["assignment"], row["student_id"]) for row in csv.DictReader(file)]
    assert order == sorted(order) and len(order) == 6, f"grades.csv rows not sorted by lesson, student: {order}"
    assert _csv(course.root / "grades.csv")[("bob", LESSON)]["score"] == "", "not graded is no score, not a 0"
    rows = course.statuses()
    expected = {
        ("ada", LESSON): ("graded", "2"), ("ada", OTHER): ("graded", "2"),
        ("bob", OTHER): ("not submitted", ""),
        ("cy", LESSON): ("graded", "0"), ("cy", OTHER): ("not submitted", ""),
    }
    for key, (status, score) in expected.items():
        assert (rows[key]["status"], rows[key]["score"], rows[key]["max_score"]) == (status, score, "2"), rows[key]
    bob = rows[("bob", LESSON)]
    assert bob["status"].startswith(f"not graded: submitted/bob/{LESSON}/{NOTEBOOK} is not a notebook: not valid JSON")
    assert bob["score"] == "", "a submission that could not be graded has no score, not 0"
    assert "bob: 0 / 4 points over 2 lesson(s): 0 graded, 1 not graded, 1 not submitted" in out, out
    assert "cy: 0 / 4 points over 2 lesson(s): 1 graded, 0 not graded, 1 not submitted" in out, out
    assert "ada: 4 / 4 points over 2 lesson(s): 2 graded, 0 not graded, 0 not submitted" in out, out


def _csv(path: Path) -> dict[tuple[str, str], dict]:
    with path.open(newline="") as handle:
        return {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}


def _canvas_cells(path: Path) -> dict[str, list[str]]:
    """Canvas's import: student (first column) -> the lesson cells."""
    with path.open(newline="") as handle:
        lines = list(csv.reader(handle))
    return {line[0]: line[5:] for line in lines[2:]}


@pytest.mark.grading
def test_a_broken_resubmission_takes_the_old_grade_back_everywhere(course):
    """Issue 24, item 1: a lesson graded 2/2, then replaced by a truncated file. Before the rerun, and after
    it, no export shows the old score; after it, the gradebook (the formgrader's totals), autograded/ and
    the feedback page hold none of it either, and ``feedback`` writes no page with the old score."""
    course.submit("ada", course.solution)
    course.submit("bob", course.solution)
    assert course.run("autograde").returncode == 0
    assert course.run("feedback").returncode == 0
    page = course.root / "feedback" / "ada" / LESSON / f"{LESSON}.html"
    assert page.is_file()

    broken = course.root / "submitted" / "ada" / LESSON / NOTEBOOK
    broken.write_text(broken.read_text()[:200])  # a download cut short
    assert course.run("grades").returncode == 0  # not regraded yet: the old grade no longer stands
    assert _csv(course.root / "grades.csv")[("ada", LESSON)]["score"] == "", "grades.csv kept the old score"
    assert course.statuses()[("ada", LESSON)]["status"].startswith("not graded: changed since")
    before = course.run("feedback")
    assert before.returncode == 0, _output(before)
    assert not page.exists(), "make feedback rewrote the page with the old score"
    assert f"ada / {LESSON}: no feedback (not graded: changed since" in _output(before), _output(before)
    page.parent.mkdir(parents=True)
    page.write_text("the old page, as a student may still have it")

    rerun = course.run("autograde")
    assert rerun.returncode == 1 and f"ada / {LESSON}: NOT graded" in _output(rerun), _output(rerun)
    exported = course.run("grades")
    assert exported.returncode == 0, _output(exported)
    grades = _csv(course.root / "grades.csv")
    assert (grades[("ada", LESSON)]["score"], grades[("ada", LESSON)]["raw_score"]) == ("", ""), grades
    assert grades[("bob", LESSON)]["score"] == "2.0", "a classmate's grade is untouched"
    assert course.statuses()[("ada", LESSON)]["status"].startswith("not graded: submitted/ada/")
    assert _canvas_cells(course.root / "grades-canvas.csv")["ada"][0] == ""
    assert ("ada", LESSON) not in course.scores(), "the gradebook (the formgrader's totals) kept the old grade"
    assert course.scores()[("bob", LESSON)] == 2.0
    assert not (course.root / "autograded" / "ada" / LESSON).exists()
    assert "ada: 0 / 4 points" in _output(exported) and "1 not graded" in _output(exported), _output(exported)

    assert not page.exists(), "the feedback page with the old score is still there"
    again = course.run("feedback")
    assert again.returncode == 0 and f"ada / {LESSON}" not in _output(again), _output(again)
    assert (course.root / "feedback" / "bob" / LESSON / f"{LESSON}.html").is_file()


@pytest.mark.grading
def test_roster_students_who_submitted_nothing_appear_as_missing(course):
    """Issue 24, item 2: a roster student with no submission is in all three exports and named on the console."""
    course.submit("ada", course.solution)
    assert course.run("autograde").returncode == 0
    roster = course.root / "roster.csv"
    roster.write_text("student,name,canvas_id\nada,Ada L,101\nzed,Zed Z,102\n")
    exported = course.run("grades", "--roster", str(roster))
    out = _output(exported)
    assert exported.returncode == 0, out
    assert "on the roster, nothing submitted (1): zed" in out, out
    assert "zed: 0 / 4 points over 2 lesson(s): 0 graded, 0 not graded, 2 not submitted" in out, out
    statuses = course.statuses()
    assert statuses[("zed", LESSON)]["status"] == "not submitted" and statuses[("zed", LESSON)]["score"] == ""
    grades = _csv(course.root / "grades.csv")
    assert {key for key in grades if key[0] == "zed"} == {("zed", LESSON), ("zed", OTHER)}, grades.keys()
    assert grades[("zed", LESSON)]["max_score"] == grades[("ada", LESSON)]["max_score"]
    canvas_rows = _canvas_cells(course.root / "grades-canvas.csv")
    assert canvas_rows["Zed Z"] == ["", ""], "a missing student's Canvas cells are empty, never 0"


def _nbgrader_export(course: Course, *args: str) -> subprocess.CompletedProcess:
    """nbgrader's own ``nbgrader export`` with the course's Canvas plug-in, run from the course root."""
    return subprocess.run([sys.executable, "-m", "nbgrader", "export",
                           "--exporter=backprop_core.grading.commands.canvas.CanvasExportPlugin", *args],
                          cwd=course.root, capture_output=True, text=True, env=_env(CELL_TIMEOUT), timeout=600)


@pytest.mark.grading
def test_nbgrader_export_with_the_canvas_plugin_writes_what_make_grades_writes(course):
    """The Canvas CSV has one implementation, an nbgrader export plug-in: ``nbgrader export --exporter=...``
    on a graded class writes the file ``make grades`` writes; not graded or not submitted is empty, never 0."""
    course.submit("ada", course.solution)
    course.submit("cy", course.release)  # a real 0
    broken = course.root / "submitted" / "bob" / LESSON / NOTEBOOK
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [')  # not graded
    assert course.run("autograde").returncode == 1
    roster = course.root / "roster.csv"
    roster.write_text("student,name,canvas_id\nada,Ada L,101\nbob,Bob B,103\ncy,Cy C,104\nzed,Zed Z,102\n")

    exported = _nbgrader_export(course, "--to=by-nbgrader.csv", f"--CanvasExportPlugin.roster={roster}")
    assert exported.returncode == 0, _output(exported)
    assert "Using exporter: CanvasExportPlugin" in _output(exported), _output(exported)
    cells = _canvas_cells(course.root / "by-nbgrader.csv")
    assert sorted([OTHER, LESSON]) == [OTHER, LESSON], "the columns: the lessons in sorted order"
    assert cells == {"Ada L": ["", "2"], "Bob B": ["", ""], "Cy C": ["", "0"], "Zed Z": ["", ""]}, cells
    with (course.root / "by-nbgrader.csv").open(newline="") as handle:
        header, points, ada = list(csv.reader(handle))[:3]
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{OTHER} (backprop)",
                      f"{LESSON} (backprop)"] and points[5:] == ["2", "2"] and ada[:2] == ["Ada L", "101"]

    made = course.run("grades", "--roster", str(roster))
    assert made.returncode == 0, _output(made)
    assert (course.root / "grades-canvas.csv").read_text() == (course.root / "by-nbgrader.csv").read_text()

    only = _nbgrader_export(course, "--to=ada.csv", "--student=['ada']", f"--assignment=['{LESSON}']")
    assert only.returncode == 0, _output(only)
    assert _canvas_cells(course.root / "ada.csv") == {"ada": ["2"]}

    (course.root / "bad-roster.csv").write_text("student,name\nada,Ada L\n")
    refused = _nbgrader_export(course, "--to=bad.csv", "--CanvasExportPlugin.roster=bad-roster.csv")
    assert refused.returncode == 1, _output(refused)
    assert "CanvasExportPlugin.roster: bad-roster.csv, line 1: no column giving a Canvas id" in refused.stderr, \
        refused.stderr
    assert "Nothing was exported" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    assert not (course.root / "bad.csv").exists()

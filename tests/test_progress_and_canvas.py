"""The autograde progress line and summary (grading.progress), and the Canvas gradebook CSV (grading.canvas).

Progress runs on a fake clock and writes to a StringIO (as a terminal and as a log), so every
line is known exactly. The Canvas CSV is read back with the csv module.
"""
import csv
import io
import re

import pytest

from backprop_core.grading.commands import canvas
from backprop_core.grading.commands.canvas import RosterError, read_roster, write_canvas_csv
from backprop_core.grading.commands.gradesheet import LessonStatus
from backprop_core.grading.commands.progress import Progress

#: rich's terminal control: erase the line (before each redraw), hide and show the cursor (around the live bar)
ERASE_LINE, HIDE_CURSOR, SHOW_CURSOR = "\x1b[2K", "\x1b[?25l", "\x1b[?25h"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


class Terminal(io.StringIO):
    def isatty(self):
        return True


def raises(error, *fragments):
    """pytest.raises that also checks every fragment appears in the message."""
    class _Checker:
        def __enter__(self):
            self._ctx = pytest.raises(error)
            self.info = self._ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            result = self._ctx.__exit__(*exc)
            message = str(self.info.value)
            for fragment in fragments:
                assert fragment in message, f"{fragment!r} not in {message!r}"
            return result

    return _Checker()


@pytest.fixture
def clock():
    return FakeClock()


# ================================================================== progress: the line
def test_line_shows_bar_count_rate_time_left_and_failures(clock):
    progress = Progress(320, io.StringIO(), clock)
    progress.done("ann", "01", "kept")
    for k in range(42):
        clock.advance(180 / 42)
        progress.done(f"s{k:02d}", "01", "graded")
    progress.done("bob", "01", "not graded", "missing notebook")
    progress.done("cid", "01", "not graded", "not valid JSON")
    # 45 of 320 done; 42 notebooks run in 3 minutes: 14 a minute, 275 left at 180/42 s each (about 20 min).
    assert progress.line() == "[##------------------]   45/320  14.0 nb/min  ~20 min left  2 not graded"


def test_line_before_any_notebook_ran_and_when_finished(clock):
    progress = Progress(3, io.StringIO(), clock)
    assert progress.line() == "[--------------------]  0/3  -- nb/min  time left unknown  0 not graded"
    progress.done("ann", "01", "kept")  # kept ones run nothing: still no rate
    assert progress.line() == "[######--------------]  1/3  -- nb/min  time left unknown  0 not graded"
    clock.advance(90)
    progress.done("bob", "01", "regraded")
    progress.done("cid", "01", "graded")
    assert progress.line() == "[####################]  3/3  1.3 nb/min  done in 2 min  0 not graded"


def test_an_empty_run_shows_a_full_bar(clock):
    progress = Progress(0, io.StringIO(), clock)
    assert progress.line() == "[####################]  0/0  -- nb/min  done in 0 s  0 not graded"


@pytest.mark.parametrize("seconds, text", [(40, "~40 s left"), (19 * 60 + 10, "~19 min left"),
                                           (85 * 60, "~1 h 25 min left"), (120 * 60, "~2 h left")])
def test_time_left_is_in_words_a_person_reads(clock, seconds, text):
    progress = Progress(2, io.StringIO(), clock)
    clock.advance(seconds)
    progress.done("ann", "01", "graded")  # one notebook in `seconds`, one left: the same again
    assert text in progress.line()


# ================================================================== progress: terminal and log
def _frames(out: str) -> list[str]:
    """What rich drew on a terminal, one frame per redraw: each erase-line starts one; colours dropped."""
    return [ANSI.sub("", frame) for frame in out.split(ERASE_LINE)]


def test_on_a_terminal_rich_redraws_the_line_in_place(clock):
    stream = Terminal()
    with Progress(2, stream, clock) as progress:
        clock.advance(30)
        progress.done("ann", "01", "graded")
        clock.advance(30)
        progress.done("bob", "01", "not graded", "missing notebook")
    out = stream.getvalue()
    assert out.startswith(HIDE_CURSOR) and out.endswith("\n" + SHOW_CURSOR) and out.count("\n") == 1, repr(out)
    figures = [frame.split(" ", 1)[1].strip() for frame in _frames(out)]  # after the bar: count and figures
    assert list(dict.fromkeys(figures)) == ["0/2 -- nb/min  time left unknown  0 not graded",
                                            "1/2 2.0 nb/min  ~30 s left  0 not graded",
                                            "2/2 1.0 nb/min  done in 1 min  1 not graded"]
    assert "[#" not in out, "the plain line is for logs only"


def test_on_a_terminal_log_lines_go_above_the_bar_as_plain_text(clock):
    stream, other = Terminal(), io.StringIO()
    progress = Progress(2, stream, clock)
    progress.done("ann", "01", "kept")
    progress.log("[1/2] ann / 01: already graded, kept")
    progress.log("eve / 01: [bold]not graded[/] \x1b[31mred")  # a student's text: no markup, no escapes
    progress.log("a line for stdout", file=other)
    progress.finish()
    frames = _frames(stream.getvalue())
    bar = "1/2 -- nb/min  time left unknown  0 not graded"
    logged = [k for k, frame in enumerate(frames) if frame.startswith(("[1/2]", "eve"))]
    assert [frames[k].split("\n")[0] for k in logged] == ["[1/2] ann / 01: already graded, kept",
                                                           "eve / 01: [bold]not graded[/] \\x1b[31mred"]
    assert all(bar in frames[k].split("\n")[1] for k in logged), "the bar is drawn again below each line"
    assert "\x1b[31m" not in stream.getvalue()
    assert other.getvalue() == "a line for stdout\n", "a file or a pipe gets its line as it is"


def test_in_a_log_lines_come_at_each_step_not_for_each_notebook(clock):
    stream = io.StringIO()
    with Progress(1000, stream, clock) as progress:  # a fast run: the clock never moves
        for k in range(1000):
            progress.done(f"s{k:04d}", "01", "kept")
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()
    # The start, then one line per 10 %: 100, 200, ..., 1000 (the last one not repeated by finish()).
    assert [line.split()[1] for line in lines] == ["0/1000"] + [f"{n}/1000" for n in range(100, 1001, 100)]


def test_in_a_log_a_slow_run_also_writes_every_30_seconds(clock):
    stream = io.StringIO()
    with Progress(1000, stream, clock) as progress:
        for k in range(200):
            clock.advance(7)  # a notebook every 7 s: a line every 5 notebooks (35 s), never more often
            progress.done(f"s{k:04d}", "01", "graded")
    counts = [int(line.split()[1].split("/")[0]) for line in stream.getvalue().splitlines()]
    assert counts[0] == 0 and counts[-1] == 200
    assert all(later - earlier == 5 for earlier, later in zip(counts, counts[1:]))
    assert stream.getvalue().splitlines()[-1] == \
        "[####----------------]   200/1000  8.6 nb/min  ~1 h 33 min left  0 not graded"


def test_finish_of_a_stopped_run_writes_its_last_state_once(clock):
    stream = io.StringIO()
    progress = Progress(100, stream, clock)
    progress.done("ann", "01", "graded")
    progress.finish()
    progress.finish()
    assert [line.split()[1] for line in stream.getvalue().splitlines()] == ["1/100"]


def test_the_terminal_is_detected_from_the_stream(clock):
    assert Progress(1, Terminal(), clock).tty
    assert not Progress(1, io.StringIO(), clock).tty
    assert not Progress(1, Terminal(), clock, tty=False).tty


# ================================================================== progress: summary
def test_summary_counts_every_outcome_and_gives_each_reason(clock):
    progress = Progress(5, io.StringIO(), clock)
    clock.advance(60)
    progress.done("ann", "01-forward-pass-and-error", "graded")
    progress.done("bob", "01-forward-pass-and-error", "regraded")
    progress.done("cid", "01-forward-pass-and-error", "kept")
    progress.done("dee", "01-forward-pass-and-error", "not graded", "missing notebook submitted/dee/01/01.ipynb")
    clock.advance(60)
    progress.done("eve", "02-gradient-descent", "not graded", "its grading did not finish\n  (worker lost)")
    assert progress.summary() == "\n".join([
        "Autograde finished in 2 min: 5 submission(s).",
        "  graded:     1",
        "  regraded:   1",
        "  kept:       1 (graded before, unchanged since)",
        "  not graded: 2",
        "    dee / 01-forward-pass-and-error: missing notebook submitted/dee/01/01.ipynb",
        "    eve / 02-gradient-descent: its grading did not finish (worker lost)",
        "  throughput: 2 notebook(s) run, 1.0 per minute (60.0 s of the run each; the 3 kept or not graded were not run)"])


def test_the_time_of_the_run_stops_at_finish(clock):
    progress = Progress(1, io.StringIO(), clock)
    clock.advance(30)
    progress.done("ann", "01", "graded")
    progress.finish()
    clock.advance(600)  # (the summary printed later, or the finishing line, does not count)
    assert progress.summary().startswith("Autograde finished in 30 s: 1 submission(s).")
    assert "done in 30 s" in progress.line()


def test_summary_of_a_stopped_run_says_how_far_it_got(clock):
    progress = Progress(4, io.StringIO(), clock)
    progress.done("ann", "01", "kept")
    summary = progress.summary()
    assert summary.startswith("Autograde stopped after 0 s: 1 of 4 submission(s) done.")
    assert summary.endswith("  throughput: no notebook was run")


# ================================================================== progress: bad input
@pytest.mark.parametrize("kwargs, error, fragments", [
    (dict(total=-1), ValueError, ["total", ">= 0", "-1"]),
    (dict(total=2.5), TypeError, ["total", "whole number", "float"]),
    (dict(total=True), TypeError, ["total", "whole number", "bool"]),
    (dict(total=3, width=0), ValueError, ["width", ">= 1", "0"]),
    (dict(total=3, step_percent=0), ValueError, ["step_percent", "> 0", "0"]),
    (dict(total=3, heartbeat_seconds=float("nan")), ValueError, ["heartbeat_seconds", "> 0", "nan"]),
    (dict(total=3, clock=12.0), TypeError, ["clock", "function", "float"]),
])
def test_bad_settings_are_refused(kwargs, error, fragments):
    with raises(error, *fragments):
        Progress(stream=io.StringIO(), **kwargs)


@pytest.mark.parametrize("args, error, fragments", [
    (("ann", "01", "done"), ValueError, ["outcome", "'graded', 'regraded', 'kept', 'not graded'", "'done'"]),
    (("ann", "01", "not graded"), ValueError, ["reason", "ann / 01", "''"]),
    (("ann", "01", "not graded", "   "), ValueError, ["reason", "why", "'   '"]),
    ((None, "01", "graded"), TypeError, ["student", "string", "None"]),
    (("ann", "", "graded"), ValueError, ["lesson", "non-empty", "empty"]),
])
def test_bad_reports_are_refused_and_not_counted(clock, args, error, fragments):
    progress = Progress(3, io.StringIO(), clock)
    with raises(error, *fragments):
        progress.done(*args)
    assert progress.done_count == 0


def test_more_reports_than_the_total_are_refused(clock):
    progress = Progress(1, io.StringIO(), clock)
    progress.done("ann", "01", "graded")
    with raises(ValueError, "done", "2 submissions", "bob / 01", "total is 1"):
        progress.done("bob", "01", "graded")


# ================================================================== canvas: the CSV
LESSONS = {"01-forward-pass-and-error": 4.0, "02-gradient-descent": 6.0}
L1, L2 = sorted(LESSONS)
T1, T2 = f"{L1} (backprop)", f"{L2} (backprop)"


def graded(student, lesson, score):
    return LessonStatus(student, lesson, "graded", score, LESSONS[lesson], "2025-01-01T10:00:00")


def not_graded(student, lesson, why="not graded: missing notebook"):
    return LessonStatus(student, lesson, why, None, LESSONS[lesson])


def not_submitted(student, lesson):
    return LessonStatus(student, lesson, "not submitted", None, LESSONS[lesson])


def read_back(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_round_trip_header_points_and_scores(tmp_path):
    rows = [graded("bob", L1, 3.5), graded("bob", L2, 6), graded("ann", L1, 4), not_graded("ann", L2)]
    export = write_canvas_csv(rows, tmp_path / "canvas.csv", LESSONS)
    assert read_back(tmp_path / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", T1, T2],
        ["Points Possible", "", "", "", "", "4", "6"],
        ["ann", "", "", "ann", "", "4", ""],
        ["bob", "", "", "bob", "", "3.5", "6"],
    ]
    assert (export.students, export.lessons, export.scores, export.empty, export.off_roster) == \
        (2, (L1, L2), 3, 1, ())
    assert not list(tmp_path.glob(".*partial"))


def test_not_graded_and_not_submitted_are_empty_a_real_zero_is_zero(tmp_path):
    rows = [graded("ann", L1, 0), not_graded("ann", L2), not_submitted("bob", L1),
            not_graded("bob", L2, "not graded: its grading did not finish (run make autograde)")]
    write_canvas_csv(rows, tmp_path / "canvas.csv", LESSONS)
    ann, bob = read_back(tmp_path / "canvas.csv")[2:]
    assert ann[5:] == ["0", ""] and bob[5:] == ["", ""]


def test_a_lesson_without_scores_still_has_its_column(tmp_path):
    write_canvas_csv([graded("ann", L1, 2)], tmp_path / "canvas.csv", LESSONS)
    header, points, ann = read_back(tmp_path / "canvas.csv")
    assert header[5:] == [T1, T2] and points[5:] == ["4", "6"] and ann[5:] == ["2", ""]


def test_scores_are_written_as_canvas_reads_them(tmp_path):
    points = {"a": 3.0, "b": 1.0, "c": 2.5}
    rows = [LessonStatus("ann", "a", "graded", 1 / 3, 3.0), LessonStatus("ann", "b", "graded", -0.0, 1.0),
            LessonStatus("ann", "c", "graded", 2.5, 2.5)]
    write_canvas_csv(rows, tmp_path / "canvas.csv", points, tag="course 7b")
    header, pp, ann = read_back(tmp_path / "canvas.csv")
    assert header[5:] == ["a (course 7b)", "b (course 7b)", "c (course 7b)"]
    assert pp[5:] == ["3", "1", "2.5"] and ann[5:] == ["0.3333", "0", "2.5"]


def test_names_with_commas_quotes_and_line_breaks_survive(tmp_path):
    name = 'O\'Brien, "Bob"\nJr.'
    roster = {"bob": {"name": name, "canvas_id": "", "sis_user_id": "S,1", "sis_login_id": "", "section": 'A "1"'}}
    write_canvas_csv([graded("bob", L1, 1)], tmp_path / "canvas.csv", LESSONS, roster)
    assert read_back(tmp_path / "canvas.csv")[2] == [name, "", "S,1", "", 'A "1"', "1", ""]


def test_the_roster_maps_nbgrader_ids_to_canvas_students(tmp_path):
    (tmp_path / "roster.csv").write_text(
        "student,name,canvas_id,sis_user_id,sis_login_id,section\n"
        'ann,"Lee, Ann",1234,S001,alee,Section 1\n'
        "bob,,,S002,,\n", encoding="utf-8")
    roster = read_roster(tmp_path / "roster.csv")
    assert roster["ann"] == {"name": "Lee, Ann", "canvas_id": "1234", "sis_user_id": "S001",
                             "sis_login_id": "alee", "section": "Section 1"}
    rows = [graded("ann", L1, 4), graded("bob", L1, 1), graded("cid", L1, 2)]
    export = write_canvas_csv(rows, tmp_path / "canvas.csv", LESSONS, roster)
    assert read_back(tmp_path / "canvas.csv")[2:] == [
        ["Lee, Ann", "1234", "S001", "alee", "Section 1", "4", ""],
        ["bob", "", "S002", "", "", "1", ""],     # no name on the roster: the nbgrader id
        ["cid", "", "", "cid", "", "2", ""],      # not on the roster: the nbgrader id as login
    ]
    assert export.off_roster == ("cid",)


def test_roster_headers_are_read_loosely_and_excel_marks_and_blank_lines_pass(tmp_path):
    (tmp_path / "roster.csv").write_bytes(
        "\ufeffStudent , SIS User ID,Section\r\nann,S001,B\r\n\r\n,,\r\n".encode("utf-8"))
    assert read_roster(tmp_path / "roster.csv") == {
        "ann": {"name": "", "canvas_id": "", "sis_user_id": "S001", "sis_login_id": "", "section": "B"}}


# ================================================================== canvas: bad input
@pytest.mark.parametrize("content, fragments", [
    ("", ["roster.csv", "empty", "student,name,canvas_id"]),
    ("name,canvas_id\nAnn,1\n", ["line 1", "no 'student' column", "name,canvas_id"]),
    ("student,name\nann,Ann\n", ["line 1", "no column giving a Canvas id", "canvas_id, sis_user_id, sis_login_id"]),
    ("student,sis_userid\nann,S1\n", ["line 1", "unknown column", "'sis_userid'", "sis_user_id"]),
    ("student,canvas_id,Canvas ID\nann,1,1\n", ["line 1", "'canvas_id'", "more than once"]),
    ("student,name,canvas_id\nann,Lee, Ann,12\n", ["line 2", "4 field(s)", "header has 3", "quotes"]),
    ("student,canvas_id\nann,12\n,13\n", ["line 3", "student", "empty"]),
    ("student,canvas_id\nann,12\nbob,\n", ["line 3", "'bob'", "no canvas_id, sis_user_id, sis_login_id"]),
    ("student,canvas_id\nann,12\nann,13\n", ["line 3", "'ann'", "already on line 2"]),
    ("student,canvas_id\nann,u12\n", ["line 2", "canvas_id", "numeric", "'u12'"]),
    ("student,sis_login_id\nann,alee\nbob,alee\n", ["line 3", "sis_login_id 'alee'", "'bob'", "also 'ann'"]),
    ('student,canvas_id\nann,"12\n', ["roster.csv", "line", "CSV"]),
])
def test_bad_roster_files_are_refused_naming_the_line(tmp_path, content, fragments):
    (tmp_path / "roster.csv").write_text(content, encoding="utf-8")
    with raises(RosterError, *fragments):
        read_roster(tmp_path / "roster.csv")


def test_a_missing_or_non_utf8_roster_is_refused(tmp_path):
    with raises(RosterError, "nope.csv", "no such roster file"):
        read_roster(tmp_path / "nope.csv")
    (tmp_path / "latin.csv").write_bytes("student,name,canvas_id\nann,Zoë,1\n".encode("latin-1"))
    with raises(RosterError, "latin.csv", "line 2", "not UTF-8", "0xeb", "CSV UTF-8"):
        read_roster(tmp_path / "latin.csv")


def test_a_roster_error_is_a_value_error():
    assert issubclass(RosterError, ValueError)


@pytest.mark.parametrize("kwargs, error, fragments", [
    (dict(rows=[LessonStatus("ann", "03-chain-rule", "graded", 1.0, 3.0)]), ValueError, ["rows[0]", "'03-chain-rule'", "not in points_possible"]),
    (dict(rows=[graded("ann", L1, 1), graded("ann", L1, 2)]), ValueError, ["rows[1]", "second row", f"ann / {L1}"]),
    (dict(rows=[LessonStatus("ann", L1, "graded", None, 4.0)]), ValueError, ["rows[0].score", "finite", "None"]),
    (dict(rows=[LessonStatus("ann", L1, "graded", float("nan"), 4.0)]), ValueError, ["rows[0].score", "nan"]),
    (dict(rows=[("ann", L1, 1.0)]), TypeError, ["rows[0]", "LessonStatus", "tuple"]),
    (dict(points_possible={L1: -1.0}), ValueError, [f"points_possible[{L1!r}]", ">= 0", "-1.0"]),
    (dict(points_possible=[L1]), TypeError, ["points_possible", "dict", "list"]),
    (dict(tag="2025"), ValueError, ["tag", "not all digits", "'2025'"]),
    (dict(tag=""), ValueError, ["tag", "non-empty", "''"]),
    (dict(points_possible={"Final Grade": 1.0}, rows=[]), ValueError, ["lesson", "'Final Grade'", "would not import"]),
    (dict(roster={"ann": {"email": "a@x"}}), ValueError, ["roster['ann']", "'email'", "sis_login_id"]),
    (dict(roster={"ann": {"canvas_id": 12}}), TypeError, ["roster['ann']", "text", "12"]),
])
def test_bad_export_input_is_refused_and_nothing_is_written(tmp_path, kwargs, error, fragments):
    arguments = dict(rows=[graded("ann", L1, 1)], path=tmp_path / "canvas.csv", points_possible=LESSONS)
    arguments.update(kwargs)
    with raises(error, *fragments):
        write_canvas_csv(**arguments)
    assert list(tmp_path.iterdir()) == []


def test_the_canvas_file_sits_beside_nbgraders(tmp_path):
    assert canvas.canvas_csv_path(tmp_path / "grades.csv") == tmp_path / "grades-canvas.csv"

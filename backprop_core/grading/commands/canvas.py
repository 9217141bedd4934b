"""Grades for Canvas: its gradebook import CSV, one line per student, one column per lesson.

Canvas (Grades > Import) reads a CSV laid out like its own gradebook export. This
module writes::

    Student,ID,SIS User ID,SIS Login ID,Section,01-forward-pass-and-error (backprop),...
    Points Possible,,,,,4,...
    alice,,,alice,,3.5,...
    bob,,,bob,,,...

- ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``: who the line is for.
  Canvas looks a student up by ``ID`` (its own numeric user id) first, then ``SIS User ID``,
  then ``SIS Login ID``, then by ``Student`` (the name, as Canvas shows it or "Last, First").
  Without a roster, ``Student`` and ``SIS Login ID`` hold the nbgrader id, which matches when
  students log in to Canvas and to JupyterHub with the same user name. A roster
  (:func:`read_roster`) gives each nbgrader id its Canvas name and ids.
- one column per lesson, titled ``<lesson> (<tag>)``, e.g. ``01-forward-pass-and-error (backprop)``.
  Canvas reads a title ending in `` (<digits>)`` as ``<assignment title> (<Canvas assignment id>)``;
  any other title (ours: the tag is never all digits) is taken whole as the assignment's name: the
  column goes to the Canvas assignment of exactly that name, or Canvas creates one with that name
  (the preview before the import says which).
- a second line, ``Points Possible``, gives each lesson's maximum score (Canvas sets it on the
  assignments it creates).
- a graded lesson gives its score; a lesson not graded (or not handed in) gives an EMPTY cell, never
  0: Canvas leaves that student's assignment ungraded, so "could not be graded" stays distinct from
  a real 0. (Where Canvas already holds a score for that cell, its import preview lists the cell as
  changed; check it there before confirming.) Why a lesson is not graded is in
  ``grades-status.csv`` (:mod:`~backprop_core.grading.commands.gradesheet`).

The file is UTF-8, comma-separated, quoted by Python's :mod:`csv` (names with commas, quotes or
line breaks survive the trip).

It is written by :class:`CanvasExportPlugin`, an nbgrader export plug-in: ``make grades`` runs it, and
so does nbgrader's own command, from the course root::

    nbgrader export --exporter=backprop_core.grading.commands.canvas.CanvasExportPlugin \\
        --to=grades-canvas.csv --CanvasExportPlugin.roster=roster.csv
"""
from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from nbgrader.plugins import ExportPlugin
from traitlets import Unicode

from .completion import Records
from .gradesheet import LessonStatus, lesson_statuses

__all__ = ["CANVAS_STUDENT_COLUMNS", "POINTS_POSSIBLE", "ROSTER_COLUMNS", "RosterError", "CanvasExport",
           "CanvasExportPlugin", "assignment_title", "canvas_csv_path", "read_roster", "write_canvas_csv"]

#: The student columns of Canvas's gradebook CSV, in the order its importer expects them.
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
#: First cell of the line that gives each assignment's maximum score.
POINTS_POSSIBLE = "Points Possible"
#: Columns of a roster file: ``student`` (the nbgrader id) and what Canvas knows that student by.
ROSTER_COLUMNS = ("student", "name", "canvas_id", "sis_user_id", "sis_login_id", "section")
#: Roster columns that identify a student to Canvas: each roster line needs at least one.
_ROSTER_IDS = ("canvas_id", "sis_user_id", "sis_login_id")
#: Canvas drops any column whose title contains one of these (its computed totals), so a lesson title must not.
_CANVAS_COMPUTED_COLUMNS = ("Current Score", "Current Points", "Current Grade", "Final Score", "Final Points",
                            "Final Grade", "Override Score", "Override Grade", "Override Status")
DEFAULT_TAG = "backprop"


class RosterError(ValueError):
    """A roster file that cannot be used; the message names the file, the line and what is wrong."""


@dataclass(frozen=True)
class CanvasExport:
    """What :func:`write_canvas_csv` wrote."""

    path: Path
    students: int
    lessons: tuple[str, ...]
    scores: int                    # cells holding a score
    empty: int                     # cells left empty: not graded or not handed in
    off_roster: tuple[str, ...] = field(default=())  # students a roster was given for but does not list


# ------------------------------------------------------------------ the nbgrader export plug-in
class CanvasExportPlugin(ExportPlugin):
    """nbgrader's ``export`` writing Canvas's gradebook import CSV (``--exporter=<this class>``).

    It reads the gradebook through nbgrader's API (the ``Gradebook`` nbgrader opens and passes in) and the
    course's grading records in it, so a lesson's cell holds a score only when its grading finished on what
    was handed in (:mod:`~backprop_core.grading.commands.gradesheet`): not graded or not submitted is an
    empty cell, never 0. ``--student`` and ``--assignment`` (nbgrader's lists) narrow the file down.
    After :meth:`export`, :attr:`statuses` holds every (student, lesson) it judged and :attr:`written` what
    it wrote (``make grades`` reports both).
    """

    roster = Unicode("", help="CSV mapping nbgrader ids to Canvas students (student,name,canvas_id,sis_user_id,"
                              "sis_login_id,section); its students who handed in nothing are listed too. "
                              "Default: none, the nbgrader id is the SIS Login ID").tag(config=True)
    tag = Unicode(DEFAULT_TAG, help="the word in parentheses after each lesson in the column titles, "
                                    "the Canvas assignments' names").tag(config=True)
    submitted = Unicode("", help="the folder of the submissions (its students are listed even before they are "
                                 "in the gradebook); default: the course's submitted/").tag(config=True)

    statuses: tuple[LessonStatus, ...] = ()
    written: CanvasExport | None = None

    def export(self, gradebook) -> None:
        """Write the CSV to ``to`` (default ``grades-canvas.csv``) from ``gradebook`` (nbgrader's ``Gradebook``).

        Raises :class:`RosterError` for a roster that cannot be used (nothing is written); under
        ``nbgrader export`` that is an error line and exit status 1.
        """
        try:
            roster = read_roster(self.roster) if self.roster else None
        except RosterError as error:
            fail = getattr(self.parent, "fail", None)  # (nbgrader's apps: log the error, exit 1, no traceback)
            if callable(fail):
                fail(f"CanvasExportPlugin.roster: {error}. Nothing was exported.")
            raise
        wanted = (set(map(str, self.student)), set(map(str, self.assignment)))
        rows = [row for row in lesson_statuses(Records.of(gradebook), self._submitted_root(), roster or ())
                if (not wanted[0] or row.student in wanted[0]) and (not wanted[1] or row.lesson in wanted[1])]
        points = {a.name: float(a.max_score) for a in gradebook.assignments if not wanted[1] or a.name in wanted[1]}
        self.statuses = tuple(rows)
        self.written = write_canvas_csv(rows, self.to or "grades-canvas.csv", points, roster, tag=self.tag)
        self.log.info("Wrote %s (Canvas's gradebook import: %d students, %d scores, %d empty cells)",
                      self.written.path, self.written.students, self.written.scores, self.written.empty)

    def _submitted_root(self) -> Path:
        if self.submitted:
            return Path(self.submitted)
        from nbgrader.coursedir import CourseDirectory

        coursedir = getattr(self.parent, "coursedir", None) or CourseDirectory(parent=self)
        return Path(coursedir.root) / coursedir.submitted_directory


# ------------------------------------------------------------------ the export
def assignment_title(lesson: str, tag: str = DEFAULT_TAG) -> str:
    """The column title of ``lesson``: ``"<lesson> (<tag>)"``, the Canvas assignment's name."""
    if not isinstance(tag, str) or not tag.strip():
        raise ValueError(f"tag: expected a short non-empty word such as {DEFAULT_TAG!r}, got {tag!r}")
    if tag.strip().isdigit():
        raise ValueError(f"tag: expected a word that is not all digits (Canvas reads '(123)' at the end of a "
                         f"title as its own assignment id), got {tag!r}")
    title = f"{lesson} ({tag.strip()})"
    clash = [name for name in _CANVAS_COMPUTED_COLUMNS if name in title]
    if clash or title in CANVAS_STUDENT_COLUMNS:
        raise ValueError(f"lesson: {lesson!r} gives the column title {title!r}, which Canvas takes for its own "
                         f"column {(clash or [title])[0]!r} and would not import")
    return title


def canvas_csv_path(grades_csv: Path) -> Path:
    """``grades-canvas.csv`` beside nbgrader's ``grades.csv`` (``x.csv`` -> ``x-canvas.csv``)."""
    return grades_csv.with_name(f"{grades_csv.stem}-canvas{grades_csv.suffix or '.csv'}")


def write_canvas_csv(rows: Iterable[LessonStatus], path: Path | str, points_possible: Mapping[str, float],
                     roster: Mapping[str, Mapping[str, str]] | None = None, *, tag: str = DEFAULT_TAG) -> CanvasExport:
    """Write Canvas's gradebook import CSV for ``rows`` to ``path`` (the module docstring says which columns).

    Parameters
    ----------
    rows : iterable of LessonStatus
        One per (student, lesson), as :func:`~backprop_core.grading.commands.gradesheet.lesson_statuses` gives them;
        ``score`` is used only when ``status`` is ``graded``.
    path : Path or str
        The CSV to write (replaced whole: a reader never sees half a file).
    points_possible : dict lesson -> float
        Each lesson's maximum score; one column per lesson, in sorted order, even with no scores.
    roster : dict student -> dict, optional
        What Canvas knows each nbgrader id by, as :func:`read_roster` returns it (keys among
        ``name``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``, ``section``). A student it does
        not list keeps the nbgrader id (see :attr:`CanvasExport.off_roster`).
    tag : str
        The word in parentheses after each lesson in the column titles (default ``backprop``).

    Returns
    -------
    CanvasExport
        The path, how many students, lessons, scores and empty cells, and the students off the roster.
    """
    lessons = _checked_points(points_possible)
    titles = [assignment_title(lesson, tag) for lesson in lessons]
    scores = _scores_by_student(rows, set(lessons))
    if roster is not None:
        roster = {student: _checked_roster_entry(student, entry) for student, entry in _items(roster, "roster")}
    header = list(CANVAS_STUDENT_COLUMNS) + titles
    points_line = [POINTS_POSSIBLE] + [""] * (len(CANVAS_STUDENT_COLUMNS) - 1) + [
        _number(points_possible[lesson]) for lesson in lessons]
    lines = []
    for student in sorted(scores):
        identity = _identity(student, roster)
        lines.append(identity + [_number(scores[student].get(lesson)) for lesson in lessons])
    path = Path(path)
    _write_rows_atomically(path, [header, points_line] + lines)
    filled = sum(1 for student in scores for lesson in lessons if scores[student].get(lesson) is not None)
    off_roster = tuple(sorted(s for s in scores if s not in roster)) if roster is not None else ()
    return CanvasExport(path, len(scores), tuple(lessons), filled, len(scores) * len(lessons) - filled, off_roster)


def _checked_points(points_possible) -> list[str]:
    """The lessons of ``points_possible``, sorted, once every maximum is checked."""
    lessons = []
    for lesson, points in _items(points_possible, "points_possible"):
        if not isinstance(lesson, str) or not lesson:
            raise ValueError(f"points_possible: expected lesson ids (non-empty strings) as keys, got {lesson!r}")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points) or points < 0:
            raise ValueError(f"points_possible[{lesson!r}]: expected a finite number of points >= 0, got {points!r}")
        lessons.append(lesson)
    return sorted(lessons)


def _scores_by_student(rows, lessons: set[str]) -> dict[str, dict[str, float | None]]:
    """student -> lesson -> score (None when not graded), from the status rows."""
    scores: dict[str, dict[str, float | None]] = {}
    for k, row in enumerate(rows):
        if not isinstance(row, LessonStatus):
            raise TypeError(f"rows[{k}]: expected a LessonStatus (gradesheet.lesson_statuses), "
                            f"got {type(row).__name__}")
        if row.lesson not in lessons:
            raise ValueError(f"rows[{k}]: lesson {row.lesson!r} of {row.student} is not in points_possible "
                             f"(known: {', '.join(sorted(lessons)) or 'none'})")
        student = scores.setdefault(row.student, {})
        if row.lesson in student:
            raise ValueError(f"rows[{k}]: a second row for {row.student} / {row.lesson}; expected one per "
                             "student and lesson")
        student[row.lesson] = _graded_score(k, row)
    return scores


def _graded_score(k: int, row: LessonStatus) -> float | None:
    if not row.graded:
        return None  # (not graded, not submitted: an empty cell, never 0)
    score = row.score
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        raise ValueError(f"rows[{k}].score: expected a finite number for the graded lesson "
                         f"{row.student} / {row.lesson}, got {score!r}")
    return float(score)


def _identity(student: str, roster) -> list[str]:
    """The five student cells of ``student``'s line."""
    entry = roster.get(student) if roster is not None else None
    if entry is None:
        return [student, "", "", student, ""]
    return [entry.get("name") or student, entry.get("canvas_id", ""), entry.get("sis_user_id", ""),
            entry.get("sis_login_id", ""), entry.get("section", "")]


def _number(value: float | None) -> str:
    """A score as Canvas reads it: ``3``, ``2.5``, ``0.3333``; empty for None."""
    if value is None:
        return ""
    text = f"{value + 0.0:.4f}".rstrip("0").rstrip(".")  # (+ 0.0: no "-0")
    return "0" if text == "-0" else text


def _write_rows_atomically(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)  # (gone already when the write succeeded)


def _items(mapping, name: str):
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name}: expected a dict, got {type(mapping).__name__}")
    return mapping.items()


# ------------------------------------------------------------------ the roster
def read_roster(path: Path | str) -> dict[str, dict[str, str]]:
    """Read a roster CSV: which Canvas student each nbgrader id is.

    The file has a header line; ``student`` (the nbgrader id) is required, the other columns of
    :data:`ROSTER_COLUMNS` (``name``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``, ``section``)
    may be left out. Headers are read without regard to case, spaces or underscores
    (``SIS User ID`` is ``sis_user_id``). Each line must give at least one of ``canvas_id``,
    ``sis_user_id``, ``sis_login_id``; no two students may share one.

    Returns
    -------
    dict student -> dict
        For each nbgrader id, its ``name``, ``canvas_id``, ``sis_user_id``, ``sis_login_id`` and
        ``section`` (empty strings where the file has none).

    Raises
    ------
    RosterError
        Naming the file, the line and what is wrong: missing or unreadable file, not UTF-8, no header,
        unknown or missing columns, a line with the wrong number of fields, an empty or repeated student,
        a line with no Canvas id, a ``canvas_id`` that is not a number, an id given to two students.
    """
    path = Path(path)
    text = _roster_text(path)
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise RosterError(f"{path}: the roster is empty; expected a header line "
                              f"{','.join(ROSTER_COLUMNS)} and one line per student")
        columns = _roster_columns(path, header)
        roster: dict[str, dict[str, str]] = {}
        lines_of: dict[str, int] = {}
        owners: dict[tuple[str, str], str] = {}
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # (blank lines, as spreadsheets leave at the end)
            line = reader.line_num
            entry = _roster_entry(path, line, columns, cells)
            student = entry.pop("student")
            if student in roster:
                raise RosterError(f"{path}, line {line}: student {student!r} is already on line {lines_of[student]}; "
                                  "expected one line per student")
            _claim_ids(path, line, student, entry, owners)
            roster[student], lines_of[student] = entry, line
    except csv.Error as error:
        raise RosterError(f"{path}, line {reader.line_num}: not readable as CSV ({error})") from None
    return roster


def _roster_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RosterError(f"{path}: no such roster file; expected a CSV with the columns "
                          f"{','.join(ROSTER_COLUMNS)}") from None
    except OSError as error:
        raise RosterError(f"{path}: cannot read the roster ({error.strerror or error})") from None
    try:
        return data.decode("utf-8-sig")  # (-sig: the mark Excel puts at the start of a UTF-8 CSV)
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise RosterError(f"{path}, line {line}: the roster is not UTF-8 text (byte {data[error.start]:#04x} "
                          "at that line); save it as 'CSV UTF-8'") from None


def _roster_columns(path: Path, header: list[str]) -> list[str]:
    """The roster's column names, normalised (``SIS User ID`` -> ``sis_user_id``), once checked."""
    columns = ["_".join(cell.strip().lower().replace("_", " ").split()) for cell in header]
    unknown = [original for original, column in zip(header, columns) if column not in ROSTER_COLUMNS]
    if unknown:
        raise RosterError(f"{path}, line 1: unknown column(s) {', '.join(map(repr, unknown))}; expected columns "
                          f"among {','.join(ROSTER_COLUMNS)}")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise RosterError(f"{path}, line 1: column(s) {', '.join(map(repr, repeated))} appear more than once")
    if "student" not in columns:
        raise RosterError(f"{path}, line 1: no 'student' column (the nbgrader id); the header has "
                          f"{','.join(header)}")
    if not any(column in columns for column in _ROSTER_IDS):
        raise RosterError(f"{path}, line 1: no column giving a Canvas id; expected at least one of "
                          f"{', '.join(_ROSTER_IDS)}, the header has {','.join(header)}")
    return columns


def _roster_entry(path: Path, line: int, columns: list[str], cells: list[str]) -> dict[str, str]:
    """One roster line as a dict of every roster column (student included), once checked."""
    where = f"{path}, line {line}"
    if len(cells) != len(columns):
        raise RosterError(f"{where}: {len(cells)} field(s), but the header has {len(columns)} "
                          f"({','.join(columns)}); a name with a comma needs quotes around it")
    entry = dict.fromkeys(ROSTER_COLUMNS, "")
    entry.update({column: cell.strip() for column, cell in zip(columns, cells)})
    if not entry["student"]:
        raise RosterError(f"{where}: the student (nbgrader id) is empty")
    if not any(entry[column] for column in _ROSTER_IDS):
        raise RosterError(f"{where}: student {entry['student']!r} has no {', '.join(_ROSTER_IDS)}; "
                          "expected at least one, or Canvas could only guess by name")
    if entry["canvas_id"] and not entry["canvas_id"].isdigit():
        raise RosterError(f"{where}: canvas_id of {entry['student']!r} should be Canvas's numeric user id, "
                          f"got {entry['canvas_id']!r}")
    return entry


def _claim_ids(path: Path, line: int, student: str, entry: dict[str, str], owners: dict) -> None:
    """Record the Canvas ids of ``student``; two students with one id would get each other's grades."""
    for column in _ROSTER_IDS:
        value = entry[column]
        if not value:
            continue
        owner = owners.setdefault((column, value), student)
        if owner != student:
            raise RosterError(f"{path}, line {line}: {column} {value!r} of {student!r} is also {owner!r}'s; "
                              "expected a different one for each student")


def _checked_roster_entry(student, entry) -> dict[str, str]:
    """A roster entry given to :func:`write_canvas_csv` directly (not read from a file), once checked."""
    if not isinstance(entry, Mapping):
        raise TypeError(f"roster[{student!r}]: expected a dict with keys among {', '.join(ROSTER_COLUMNS[1:])}, "
                        f"got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(ROSTER_COLUMNS[1:]))
    if unknown:
        raise ValueError(f"roster[{student!r}]: unknown key(s) {', '.join(map(repr, unknown))}; expected keys "
                         f"among {', '.join(ROSTER_COLUMNS[1:])}")
    bad = {key: value for key, value in entry.items() if not isinstance(value, str)}
    if bad:
        raise TypeError(f"roster[{student!r}]: expected text values, got {bad!r}")
    return dict(entry)

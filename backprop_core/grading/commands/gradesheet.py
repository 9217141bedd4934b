"""Grades with their status: a lesson that could not be graded never looks like a real 0.

nbgrader's ``grades.csv`` gives every student a score for every lesson, 0 when
there is none. :func:`lesson_statuses` says for each student and lesson whether
the score is a finished grading of what was handed in (``graded``), why not
(``not graded: <why>``), or that nothing was handed in (``not submitted``);
:func:`write_csv` writes them as ``grades-status.csv``.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .completion import FAILED, GRADED, GRADING, Record, Records, folder_checksum

__all__ = ["GRADED_STATUS", "NOT_SUBMITTED", "LessonStatus", "lesson_statuses", "status_of", "write_csv",
           "status_csv_path"]

GRADED_STATUS, NOT_SUBMITTED, NOT_GRADED = "graded", "not submitted", "not graded"
COLUMNS = ("student", "lesson", "status", "score", "max_score", "graded_at")
_RERUN = "run make autograde"


@dataclass(frozen=True)
class LessonStatus:
    """One student's lesson in the export; ``score`` is None unless ``status`` is ``graded``."""

    student: str
    lesson: str
    status: str
    score: float | None
    max_score: float
    graded_at: str = ""

    @property
    def graded(self) -> bool:
        return self.status == GRADED_STATUS

    @property
    def submitted(self) -> bool:
        return self.status != NOT_SUBMITTED


def status_of(record: Record | None, submitted: str | None, in_gradebook: bool) -> str:
    """The status of one student's lesson, in words.

    Parameters
    ----------
    record : Record or None
        Its grading record (:mod:`~backprop_core.grading.commands.completion`).
    submitted : str or None
        Checksum of its folder under ``submitted/``, None when there is none.
    in_gradebook : bool
        Whether nbgrader's gradebook holds a submission for it.
    """
    if record is None:
        if submitted is None and not in_gradebook:
            return NOT_SUBMITTED
        return f"{NOT_GRADED}: its grading never finished ({_RERUN})"
    if record.status == GRADED and (submitted is None or record.checksum == submitted):
        # (A folder removed from submitted/ after grading leaves its grade standing.)
        return GRADED_STATUS if in_gradebook else f"{NOT_GRADED}: its grades are missing from the gradebook ({_RERUN})"
    if submitted is not None and record.checksum != submitted:
        return f"{NOT_GRADED}: changed since it was last graded ({_RERUN})"
    if record.status == GRADING:
        return (f"{NOT_GRADED}: its grading did not finish (started {record.at} by pid {record.pid} "
                f"on {record.host}; {_RERUN})")
    if record.status == FAILED:
        return f"{NOT_GRADED}: {record.reason}"
    return f"{NOT_GRADED}: unknown grading status {record.status!r} ({_RERUN})"


def lesson_statuses(records: Records, submitted_root: Path, extra_students=()) -> list[LessonStatus]:
    """Every (student, lesson) of the gradebook's lessons, for every student in the gradebook, with a
    folder under ``submitted_root`` or in ``extra_students`` (a roster), sorted by student then lesson."""
    gradebook = records.gradebook
    lessons = {a.name: float(a.max_score) for a in gradebook.assignments}
    students = {s.id for s in gradebook.students} | set(extra_students)
    if submitted_root.is_dir():
        students |= {p.name for p in submitted_root.iterdir() if p.is_dir()}
    on_record = records.all()
    rows = []
    for student in sorted(students):
        for lesson, max_score in sorted(lessons.items()):
            record = on_record.get((student, lesson))
            score = records.score(student, lesson)
            status = status_of(record, folder_checksum(submitted_root / student / lesson), score is not None)
            graded = status == GRADED_STATUS
            rows.append(LessonStatus(student, lesson, status, score[0] if graded else None, max_score,
                                     record.at if graded else ""))
    return rows


def status_csv_path(grades_csv: Path) -> Path:
    """``grades-status.csv`` beside nbgrader's ``grades.csv`` (``x.csv`` -> ``x-status.csv``)."""
    return grades_csv.with_name(f"{grades_csv.stem}-status{grades_csv.suffix or '.csv'}")


def write_csv(path: Path, rows: list[LessonStatus]) -> None:
    """One line per student and lesson: ``student,lesson,status,score,max_score,graded_at``;
    ``score`` is empty unless the lesson is graded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.student, row.lesson, row.status, "" if row.score is None else f"{row.score:g}",
                             f"{row.max_score:g}", row.graded_at])

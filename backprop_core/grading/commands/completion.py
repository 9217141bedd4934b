"""Which submissions are graded: one record per student and lesson, kept in the gradebook.

A submission counts as graded only once its grading finished: nbgrader ran the
whole notebook and the gradebook holds its grades. ``make autograde`` writes the
record in three steps: ``grading`` before nbgrader starts, then ``graded``
(with the checksum of the submitted folder and the score) or ``failed`` (with
the reason) when it is done. A run killed in between leaves ``grading``
behind, so the next run regrades; a submission whose folder changed since
(another checksum) is regraded too.

Why in the gradebook and not a file under ``autograded/``: the record belongs
with the grades it vouches for (a new or restored gradebook brings its own
records; a database server serves both), one transaction writes it, and
students can forge neither. nbgrader copies the files of ``submitted/`` into
``autograded/`` and those of ``autograded/`` into ``feedback/``, so a record
there could come from a student and would be handed back to them.
The table, ``backprop_grading``, sits beside nbgrader's own and nbgrader ignores it.
"""
from __future__ import annotations

import hashlib
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, insert, inspect, select
from sqlalchemy.exc import DatabaseError

__all__ = ["GRADING", "GRADED", "FAILED", "Record", "Records", "folder_checksum"]

GRADING, GRADED, FAILED = "grading", "graded", "failed"

_METADATA = MetaData()
_TABLE = Table(
    "backprop_grading", _METADATA,
    Column("course", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("lesson", String(128), primary_key=True),
    Column("status", String(16), nullable=False),  # GRADING, GRADED or FAILED
    Column("checksum", String(64)),  # of submitted/<student>/<lesson>/ when this status was written
    Column("score", Float),
    Column("max_score", Float),
    Column("reason", Text),  # why it failed
    Column("at", String(32), nullable=False),  # UTC, when this status was written
    Column("host", String(255)),
    Column("pid", Integer),
)

# Editors' and Python's droppings are not part of what the student handed in.
_NOT_SUBMITTED = {".ipynb_checkpoints", "__pycache__"}


def folder_checksum(folder: Path) -> str | None:
    """SHA-256 of everything in ``folder`` (names and contents, nbgrader's ``timestamp.txt`` too), or None.

    Any change to what was handed in changes it: an edited notebook, an added
    file, a new submission time (which decides late penalties).
    """
    if not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if _NOT_SUBMITTED.intersection(relative.parts):
            continue
        data = path.read_bytes()
        digest.update(f"{relative.as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Record:
    """The last grading status of one student's lesson."""

    student: str
    lesson: str
    status: str
    checksum: str | None
    score: float | None
    max_score: float | None
    reason: str | None
    at: str
    host: str | None
    pid: int | None

    def graded_as(self, checksum: str | None) -> bool:
        """Whether grading finished on exactly the submission whose folder has ``checksum``."""
        return self.status == GRADED and checksum is not None and self.checksum == checksum


class Records:
    """The grading records of one course in nbgrader's gradebook, opened for a ``with`` block.

    Parameters
    ----------
    db_url, course_id : str
        The gradebook, as nbgrader is configured (``api.coursedir.db_url``, ``.course_id``).
    """

    def __init__(self, db_url: str, course_id: str):
        from nbgrader.api import Gradebook

        # nbgrader's Gradebook first: it creates (and stamps) its own schema in a new database,
        # which it would not do once our table made the database look old.
        self._open(Gradebook(db_url, course_id))

    @classmethod
    def of(cls, gradebook) -> "Records":
        """The records in an nbgrader ``Gradebook`` already open (an export plug-in's): its opener closes it,
        so this one is not used as a ``with`` block."""
        records = cls.__new__(cls)
        records._open(gradebook)
        return records

    def _open(self, gradebook) -> None:
        self.gradebook = gradebook
        self.course = gradebook.course_id
        try:
            _TABLE.create(bind=self.gradebook.engine, checkfirst=True)
        except DatabaseError:  # another run created it between the check and the creation
            if not inspect(self.gradebook.engine).has_table(_TABLE.name):
                raise

    def __enter__(self) -> "Records":
        return self

    def __exit__(self, *exc_info) -> None:
        self.gradebook.close()

    # ------------------------------------------------------------------ reading
    def find(self, student: str, lesson: str) -> Record | None:
        row = self.gradebook.db.execute(select(_TABLE).where(*self._key(student, lesson))).mappings().first()
        self.gradebook.db.commit()  # end the read transaction: nbgrader writes next
        return None if row is None else Record(**{k: v for k, v in row.items() if k != "course"})

    def all(self) -> dict[tuple[str, str], Record]:
        """Every record of the course, by (student, lesson)."""
        rows = self.gradebook.db.execute(select(_TABLE).where(_TABLE.c.course == self.course)).mappings().all()
        self.gradebook.db.commit()
        return {(r["student"], r["lesson"]): Record(**{k: v for k, v in r.items() if k != "course"}) for r in rows}

    def score(self, student: str, lesson: str) -> tuple[float, float] | None:
        """(score, max score) of the submission in nbgrader's gradebook, or None when it has none."""
        from nbgrader.api import MissingEntry

        try:
            submission = self.gradebook.find_submission(lesson, student)
            return float(submission.score), float(submission.max_score)
        except MissingEntry:
            return None
        finally:
            self.gradebook.db.commit()

    # ------------------------------------------------------------------ writing (one transaction each)
    def started(self, student: str, lesson: str, checksum: str | None) -> None:
        """Grading begins: until :meth:`finished`, the submission is not graded, whatever happens."""
        self._write(student, lesson, GRADING, checksum=checksum)

    def finished(self, student: str, lesson: str, checksum: str | None) -> tuple[float, float] | None:
        """nbgrader succeeded: read the grades back from the gradebook and record them as final.

        Returns (score, max score), or None (and records nothing) when the gradebook holds no grades.
        """
        score = self.score(student, lesson)
        if score is not None:
            self._write(student, lesson, GRADED, checksum=checksum, score=score[0], max_score=score[1])
        return score

    def failed(self, student: str, lesson: str, checksum: str | None, reason: str) -> None:
        self._write(student, lesson, FAILED, checksum=checksum, reason=reason)

    def withdraw(self, student: str, lesson: str) -> None:
        """Remove the submission's grades from nbgrader's gradebook (none there: nothing to do)."""
        from nbgrader.api import MissingEntry

        try:
            self.gradebook.remove_submission(lesson, student)
        except MissingEntry:
            self.gradebook.db.rollback()

    def _key(self, student: str, lesson: str):
        return _TABLE.c.course == self.course, _TABLE.c.student == student, _TABLE.c.lesson == lesson

    def _write(self, student: str, lesson: str, status: str, **values) -> None:
        db = self.gradebook.db
        try:
            db.execute(delete(_TABLE).where(*self._key(student, lesson)))
            db.execute(insert(_TABLE).values(
                course=self.course, student=student, lesson=lesson, status=status,
                at=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                host=socket.gethostname(), pid=os.getpid(), **values))
            db.commit()
        except BaseException:
            db.rollback()
            raise

"""Issue 12, item 2: a real PostgreSQL gradebook grades exactly as the sqlite one.

One class of the sample course (``tests/fixtures``) is graded twice through the
real instructor CLI (as ``make release``, ``make autograde``, ``make grades``),
in two copies of the course:

- on sqlite, the default gradebook (``gradebook.db`` in the course);
- on a real PostgreSQL server started on loopback for the session
  (:mod:`postgres_server`), given as ``BACKPROP_GRADEBOOK_URL=postgresql://...``.

The class: the solution (2 / 2), the untouched release (0 / 2), two known
mistakes pasted in (1 / 2 and 0 / 2), debug prints to stderr (2 / 2), tampered
test cells (0 / 2), and a submission that is not a notebook (not graded).
Every score of every test cell and every row of both exports must be the same,
and the PostgreSQL database itself must hold the gradebook (nbgrader's tables
and the grading records, queried through the URL), with no sqlite file beside.

Without the driver (psycopg), the instructor stops in one line naming the extra to install.
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from backprop_core.grading import exercises
from postgres_server import postgres_url, sqlalchemy_url  # noqa: F401 (postgres_url: the server fixture)
from test_grading_course import SAMPLE, _append, _env, new_course
from test_grading_pipeline import (LESSON, NOTEBOOK, SOLUTION_ID, STDERR_IN_FUNCTION, TEST_IDS, _release, index_of,
                                   tampered, written)

pytestmark = pytest.mark.grading

COURSE_ID = "backprop-step-by-step"
TIMEOUT = 5  # seconds per cell
#: What each student deserves: {test grade id: points}; None when the submission cannot be graded.
EXPECTED = {
    "solution": {TEST_IDS[0]: 1, TEST_IDS[1]: 1},
    "release": {TEST_IDS[0]: 0, TEST_IDS[1]: 0},
    "missing-mean": {TEST_IDS[0]: 1, TEST_IDS[1]: 0},  # right for one sample, not averaged over a batch
    "missing-half": {TEST_IDS[0]: 0, TEST_IDS[1]: 0},
    "debug-prints": {TEST_IDS[0]: 1, TEST_IDS[1]: 1},  # stderr is shown, never scored
    "tampered": {TEST_IDS[0]: 0, TEST_IDS[1]: 0},  # test cells edited to pass, points raised
    "not-a-notebook": None,
}
#: The driver's message (nbgrader_config.py), in the words an instructor needs.
MISSING_DRIVER = "the PostgreSQL gradebook needs the driver: pip install -e '.[postgres]'"


# ------------------------------------------------------------------ running the instructor CLI
def run_instructor(course: Path, *args: str, gradebook: str | None = None,
                   pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m backprop_core.grading.commands.instructor --root course args...``, as ``make`` runs it.

    ``gradebook`` (a URL) is passed as ``BACKPROP_GRADEBOOK_URL``, None for the course's sqlite file;
    ``pythonpath`` is put first on the instructor's import path.
    """
    env = _env(TIMEOUT)
    if gradebook:
        env["BACKPROP_GRADEBOOK_URL"] = gradebook
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course), *args],
                          capture_output=True, text=True, env=env, timeout=900)


def _checked(result: subprocess.CompletedProcess, what: str) -> str:
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"{what} failed (exit {result.returncode}):\n{log}"
    return log


# ------------------------------------------------------------------ the class
def _with_mistake(course: Path, key: str):
    """The solution with the registry's known mistake ``key`` pasted below it in the solution cell."""
    mistake = next(m for m in exercises.get("half_squared_error").mistakes if m.key == key)
    nb = written(course)
    return _append(nb, index_of(nb, SOLUTION_ID), mistake.cell)


def _tampered_tests(cell) -> None:
    cell.source = "assert True  # edited by the student"
    cell.metadata["nbgrader"]["points"] = 100


def class_of(course: Path) -> dict[str, str]:
    """Each student's submitted notebook, as the text of the file (built from ``course``'s release)."""
    stderr_solution = STDERR_IN_FUNCTION.format(wrong="")
    notebooks = {
        "solution": written(course),
        "release": _release(course),
        "missing-mean": _with_mistake(course, "missing_mean"),
        "missing-half": _with_mistake(course, "missing_half"),
        "debug-prints": tampered(written(course), SOLUTION_ID, lambda cell: setattr(cell, "source", stderr_solution)),
        "tampered": tampered(tampered(_release(course), TEST_IDS[0], _tampered_tests), TEST_IDS[1], _tampered_tests),
    }
    texts = {student: json.dumps(nb, indent=1) for student, nb in notebooks.items()}
    texts["not-a-notebook"] = '{"cells": [ -- cut off while saving'
    assert set(texts) == set(EXPECTED)
    return texts


def submit(course: Path, texts: dict[str, str]) -> None:
    for student, text in texts.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_text(text, encoding="utf-8")


# ------------------------------------------------------------------ one course, graded
@dataclass
class GradedCourse:
    """A course copy after release, autograde and grades on one gradebook."""

    course: Path
    gradebook: str  # the SQLAlchemy URL the tests read it through
    log: str
    scores: dict  # student -> {test grade id: (score, max score)}, or None when the gradebook has no submission
    grades_csv: list  # nbgrader's grades.csv, as rows of dicts
    status_csv: list  # grades-status.csv, as rows of dicts


def released_course(tmp: Path, gradebook: str | None) -> Path:
    """A new copy of the sample course in ``tmp``, released on ``gradebook`` (None: its sqlite file)."""
    tmp.mkdir()
    course = new_course(tmp, SAMPLE, LESSON)
    _checked(run_instructor(course, "release", LESSON, gradebook=gradebook), "release")
    return course


def grade(course: Path, texts: dict[str, str], gradebook: str | None) -> GradedCourse:
    """Submit the class, autograde it and export the grades, on ``gradebook`` (None: the course's sqlite)."""
    submit(course, texts)
    graded = run_instructor(course, "autograde", LESSON, gradebook=gradebook)
    log = graded.stdout + graded.stderr
    # The submission that is not a notebook is reported and skipped (exit 1); anything else is a failure.
    assert graded.returncode in (0, 1), f"autograde crashed (exit {graded.returncode}):\n{log}"
    log += _checked(run_instructor(course, "grades", gradebook=gradebook), "grades")
    url = sqlalchemy_url(gradebook) if gradebook else f"sqlite:///{course / 'gradebook.db'}"
    return GradedCourse(course, url, log, read_scores(url, list(texts)), _csv_rows(course / "grades.csv"),
                        _csv_rows(course / "grades-status.csv"))


def read_scores(url: str, students: list[str]) -> dict:
    """student -> {test grade id: (score, max score)} from nbgrader's gradebook at ``url``."""
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(url, COURSE_ID) as gradebook:
        for student in students:
            try:
                notebook = gradebook.find_submission_notebook(LESSON, LESSON, student)
            except MissingEntry:
                scores[student] = None
                continue
            scores[student] = {g.name: (g.score, g.max_score) for g in notebook.grades if g.name in TEST_IDS}
    return scores


def _csv_rows(path: Path) -> list[dict]:
    assert path.is_file(), f"{path.name} was not written"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _without(rows: list[dict], *columns: str) -> list[dict]:
    """The rows without ``columns`` (when each run wrote them: the time of grading)."""
    return [{k: v for k, v in row.items() if k not in columns} for row in rows]


# ------------------------------------------------------------------ what must hold
def deserved_problems(run: GradedCourse) -> list[str]:
    """The comparison means something: each student got what they deserve."""
    problems = []
    for student, deserved in EXPECTED.items():
        tests = run.scores[student]
        got = None if tests is None else {grade_id: score for grade_id, (score, _) in tests.items()}
        if got != deserved:
            problems.append(f"{student}: scored {got}, deserves {deserved}")
    return problems


def difference_problems(postgres: GradedCourse, sqlite: GradedCourse) -> list[str]:
    """Every test cell's score and both exports (but for the time each lesson was graded) are the same."""
    problems = [f"{student}: {postgres.scores[student]} on PostgreSQL, {sqlite.scores[student]} on sqlite"
                for student in EXPECTED if postgres.scores[student] != sqlite.scores[student]]
    if postgres.grades_csv != sqlite.grades_csv:
        problems.append(f"grades.csv differs:\n  PostgreSQL {postgres.grades_csv}\n  sqlite     {sqlite.grades_csv}")
    if _without(postgres.status_csv, "graded_at") != _without(sqlite.status_csv, "graded_at"):
        problems.append(f"grades-status.csv differs:\n  PostgreSQL {postgres.status_csv}\n  sqlite     {sqlite.status_csv}")
    statuses = {row["student"]: row["status"] for row in postgres.status_csv}
    for student, deserved in EXPECTED.items():
        wanted = "graded" if deserved is not None else "not graded: "
        if not statuses.get(student, "").startswith(wanted):
            problems.append(f"grades-status.csv: {student} is {statuses.get(student)!r}, expected {wanted!r}...")
    return problems


def database_problems(run: GradedCourse) -> list[str]:
    """nbgrader's tables and the grading records are in the server's database, and no sqlite file was made."""
    from sqlalchemy import create_engine, text

    problems = []
    if (run.course / "gradebook.db").exists():
        problems.append("the PostgreSQL course wrote a sqlite gradebook.db too")
    deserved = [tests for tests in EXPECTED.values() if tests is not None]
    expected = {
        "SELECT count(*) FROM assignment": 1,
        "SELECT count(*) FROM grade_cells": len(TEST_IDS),
        "SELECT count(*) FROM submitted_assignment": len(deserved),
        "SELECT sum(g.auto_score) FROM grade g JOIN grade_cells c ON c.id = g.cell_id":
            sum(sum(tests.values()) for tests in deserved),
        "SELECT count(*) FROM backprop_grading WHERE status = 'graded'": len(deserved),
        "SELECT count(*) FROM backprop_grading WHERE status = 'failed'": len(EXPECTED) - len(deserved),
    }
    engine = create_engine(run.gradebook)
    try:
        with engine.connect() as connection:
            for query, value in expected.items():
                found = connection.execute(text(query)).scalar_one()
                if found != value:
                    problems.append(f"on the server, {query!r} gives {found}, expected {value}")
    finally:
        engine.dispose()
    return problems


def postgres_scheme_problems(run: GradedCourse, url: str) -> list[str]:
    """``postgres://`` (as some hosting services write it) names the same gradebook: the same export."""
    spelled = "postgres://" + url.split("://", 1)[1]
    result = run_instructor(run.course, "grades", "--to", "grades-again.csv", gradebook=spelled)
    if result.returncode != 0:
        return [f"grades with a postgres:// URL failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"]
    again = _csv_rows(run.course / "grades-again-status.csv")
    if _without(again, "graded_at") != _without(run.status_csv, "graded_at"):
        return [f"grades with a postgres:// URL exported {again}, not {run.status_csv}"]
    return []


# ------------------------------------------------------------------ the tests
def test_a_class_grades_the_same_on_postgresql_as_on_sqlite(postgres_url, tmp_path):  # noqa: F811 (the fixture)
    """Release, autograde and export one class on each gradebook: the same grades, held by the server.

    (One test, not several: under pytest-xdist each would grade both classes again.)
    """
    from backprop_core.grading.judge.sandbox import bwrap_executable

    bwrap_executable()  # fails, naming the Debian package, where bubblewrap is missing
    on_sqlite = released_course(tmp_path / "sqlite", None)
    on_postgres = released_course(tmp_path / "postgresql", postgres_url)
    release = Path("lessons", LESSON, NOTEBOOK)
    assert (on_postgres / release).read_text() == (on_sqlite / release).read_text(), "the two releases differ"
    texts = class_of(on_sqlite)
    sqlite, postgres = grade(on_sqlite, texts, None), grade(on_postgres, texts, postgres_url)
    problems = (deserved_problems(postgres) + deserved_problems(sqlite) + difference_problems(postgres, sqlite)
                + database_problems(postgres) + postgres_scheme_problems(postgres, postgres_url))
    assert not problems, "\n".join(problems) + "\n\nPostgreSQL run:\n" + postgres.log + "\nsqlite run:\n" + sqlite.log
    forgotten_gradebook_is_refused(on_postgres)


def forgotten_gradebook_is_refused(course: Path) -> None:
    """Issue 24, item 3: the PostgreSQL course's commands run without GRADEBOOK= stop in one line naming the
    course's gradebook; no sqlite file appears and the exports stay as they were."""
    exported = (course / "grades.csv").read_bytes()
    for command in ("grades", "autograde", "feedback"):
        result = run_instructor(course, command)
        assert result.returncode != 0, f"{command} without GRADEBOOK= ran:\n{result.stdout}{result.stderr}"
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "this course's gradebook is postgresql" in lines[0], result.stderr
        assert "GRADEBOOK=postgresql" in lines[0] and "Nothing was done" in lines[0], lines[0]
        assert not (course / "gradebook.db").exists(), f"{command} created an empty sqlite gradebook"
    assert (course / "grades.csv").read_bytes() == exported, "the exports were rewritten"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_without_the_driver_the_instructor_says_in_one_line_which_extra_to_install(scheme, tmp_path):
    """psycopg made unimportable (a ``psycopg.py`` that raises ImportError, first on the path): the
    instructor stops before touching anything, in one line naming the extra."""
    (tmp_path / "course").mkdir()
    course = new_course(tmp_path / "course", SAMPLE, LESSON)
    shadow = tmp_path / "no-driver"
    shadow.mkdir()
    (shadow / "psycopg.py").write_text('raise ImportError("no module named psycopg (simulated by the test)")\n')
    result = run_instructor(course, "grades", gradebook=f"{scheme}://grader@127.0.0.1:9/backprop", pythonpath=shadow)
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0 and not result.stdout.strip(), result.stdout + result.stderr
    assert len(lines) == 1 and MISSING_DRIVER in lines[0], result.stderr
    assert "make autograde GRADEBOOK=" in lines[0]
    assert not (course / "grades.csv").exists() and not (course / "gradebook.db").exists()

"""Instructor commands: nbgrader, one lesson and one student at a time, with progress.

Run from the course root (the directory of ``nbgrader_config.py``)::

    python -m backprop_core.grading.instructor release            # solutions/<id>/<id>.py -> .ipynb -> lessons/
    python -m backprop_core.grading.instructor autograde          # everything under submitted/
    python -m backprop_core.grading.instructor feedback           # autograded/ -> feedback/ (HTML)
    python -m backprop_core.grading.instructor grades             # gradebook -> grades.csv

``make release``, ``make autograde``, ``make feedback`` and ``make grades``
call these. Each command wraps nbgrader's own API (``NbGraderAPI``): the
configuration, the gradebook and the files are nbgrader's, this module only
walks the lessons and students, checks submissions before nbgrader sees them
and prints one line per student and lesson. A broken submission is reported
and skipped; the other students are graded, and what was graded before stays.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import authoring

#: Course-relative directories (nbgrader's defaults, with our source/release names).
SOURCE, RELEASE, SUBMITTED, AUTOGRADED, FEEDBACK = "solutions", "lessons", "submitted", "autograded", "feedback"


@dataclass
class Report:
    """What a command did: one line per (student, lesson), and the failures."""

    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def ok(self, line: str) -> None:
        self.done.append(line)
        print(line, flush=True)

    def fail(self, line: str) -> None:
        self.failed.append(line)
        print(line, file=sys.stderr, flush=True)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# ------------------------------------------------------------------ nbgrader
def _ensure_tools_on_path() -> None:
    # nbgrader runs the `alembic` executable for the gradebook: it lives beside
    # this interpreter, which may not be on PATH (a venv used without activating it).
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def _api(root: Path):
    """nbgrader's API, configured by ``root/nbgrader_config.py``."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        raise SystemExit(f"no nbgrader_config.py in {root}: run from the course root or pass --root")
    _ensure_tools_on_path()
    config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return NbGraderAPI(config=config)


def _error_text(result: dict) -> str:
    """The useful part of a failed nbgrader call: its error lines and the last traceback line."""
    log = result.get("log") or ""
    lines = [ln.strip() for ln in log.splitlines() if "[ERROR]" in ln and "see the" not in ln.lower()]
    causes = [ln.strip() for ln in (result.get("error") or log).splitlines()
              if ln.strip() and not ln.startswith((" ", "Traceback", "[")) and ":" in ln]
    text = "; ".join(dict.fromkeys(lines[-3:] + causes[-1:]))
    return text or "nbgrader failed (no message)"


# ------------------------------------------------------------------ course layout
def lessons(root: Path) -> list[str]:
    """Lesson ids: the directories of ``solutions/`` holding a notebook or a lesson's text source."""
    source = root / SOURCE
    if not source.is_dir():
        return []
    return sorted(d.name for d in source.iterdir()
                  if d.is_dir() and (any(d.glob("*.ipynb")) or authoring.text_source(root, d.name).is_file()))


def _expected_notebooks(root: Path, lesson: str) -> list[str]:
    return sorted(p.name for p in (root / SOURCE / lesson).glob("*.ipynb"))


def submission_problem(root: Path, student: str, lesson: str) -> str | None:
    """Why ``submitted/<student>/<lesson>/`` cannot be graded, or None when it can."""
    import nbformat

    folder = root / SUBMITTED / student / lesson
    if lesson not in lessons(root):
        return f"there is no lesson {lesson!r} in {SOURCE}/ (known: {', '.join(lessons(root)) or 'none'})"
    for name in _expected_notebooks(root, lesson):
        path = folder / name
        if not path.is_file():
            found = ", ".join(sorted(p.name for p in folder.glob("*.ipynb"))) or "no notebook"
            return f"missing notebook {path.relative_to(root)} (found {found})"
        try:
            with path.open(encoding="utf-8") as handle:
                data = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return f"{path.relative_to(root)} is not a notebook: not valid JSON ({error})"
        try:
            nbformat.validate(nbformat.reads(json.dumps(data), as_version=4))
        except Exception as error:  # noqa: BLE001 (nbformat raises several kinds)
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            return f"{path.relative_to(root)} is not a valid notebook ({first})"
    return None


def submissions(root: Path, wanted_lessons: list[str] | None = None, students: list[str] | None = None):
    """(student, lesson) pairs found under ``submitted/``, sorted."""
    base = root / SUBMITTED
    pairs = []
    for student_dir in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
        if students and student_dir.name not in students:
            continue
        for lesson_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if wanted_lessons and lesson_dir.name not in wanted_lessons:
                continue
            pairs.append((student_dir.name, lesson_dir.name))
    return pairs


def _score(api, lesson: str, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        submission = gradebook.find_submission(lesson, student)
        return f"{submission.score:g} / {submission.max_score:g} points"


# ------------------------------------------------------------------ commands
def _build_from_text(root: Path, lesson: str) -> str:
    """Build the lesson's notebook from its text source, if it has one; what was done, in a few words."""
    if not authoring.text_source(root, lesson).is_file():
        return ""
    changed = authoring.build_lesson(root, lesson)
    return f"{'built' if changed else 'up to date'} {authoring.notebook(root, lesson).relative_to(root)}, "


def release(root: Path, wanted: list[str]) -> Report:
    """Build each lesson's notebook from its text source, then release it (nbgrader generate_assignment)."""
    api, report = _api(root), Report()
    todo = wanted or lessons(root)
    if not todo:
        report.fail(f"no lessons in {root / SOURCE}")
    for k, lesson in enumerate(todo, 1):
        start = time.perf_counter()
        where = f"[{k}/{len(todo)}] {lesson}"
        try:
            built = _build_from_text(root, lesson)
        except authoring.AuthoringError as error:
            report.fail(f"{where}: NOT released: {error}")
            continue
        result = api.generate_assignment(lesson, force=True, create=True)
        if result.get("success"):
            report.ok(f"{where}: {built}released to {RELEASE}/{lesson}/ ({time.perf_counter() - start:.1f} s)")
        else:
            report.fail(f"{where}: NOT released: {_error_text(result)}")
    return report


def autograde(root: Path, wanted: list[str], students: list[str], force: bool) -> Report:
    api, report = _api(root), Report()
    pairs = submissions(root, wanted, students)
    if not pairs:
        report.fail(f"nothing to grade: no {SUBMITTED}/<student>/<lesson>/ directories in {root}")
    for k, (student, lesson) in enumerate(pairs, 1):
        where = f"[{k}/{len(pairs)}] {student} / {lesson}"
        problem = submission_problem(root, student, lesson)
        if problem:
            report.fail(f"{where}: NOT graded: {problem}")
            continue
        graded = root / AUTOGRADED / student / lesson
        if graded.exists() and not force:
            report.ok(f"{where}: already graded, kept ({_score(api, lesson, student)}; --force regrades)")
            continue
        # nbgrader deletes the old result before regrading: keep a copy until the new one exists.
        backup = graded.with_name(f".{lesson}.previous")
        if graded.exists():
            shutil.rmtree(backup, ignore_errors=True)
            shutil.copytree(graded, backup)
        start = time.perf_counter()
        result = api.autograde(lesson, student, force=True, create=True)
        seconds = time.perf_counter() - start
        if result.get("success"):
            shutil.rmtree(backup, ignore_errors=True)
            report.ok(f"{where}: {_score(api, lesson, student)} ({seconds:.1f} s)")
        else:
            if backup.exists():
                shutil.rmtree(graded, ignore_errors=True)
                backup.rename(graded)
            report.fail(f"{where}: NOT graded: {_error_text(result)}")
    return report


def feedback(root: Path, wanted: list[str], students: list[str]) -> Report:
    api, report = _api(root), Report()
    base = root / AUTOGRADED
    pairs = [(s.name, l.name) for s in sorted(base.iterdir()) if s.is_dir() and (not students or s.name in students)
             for l in sorted(s.iterdir()) if l.is_dir() and not l.name.startswith(".")
             and (not wanted or l.name in wanted)] if base.is_dir() else []
    if not pairs:
        report.fail(f"no autograded submissions in {base}: run autograde first")
    for k, (student, lesson) in enumerate(pairs, 1):
        where = f"[{k}/{len(pairs)}] {student} / {lesson}"
        result = api.generate_feedback(lesson, student, force=True)
        if result.get("success"):
            files = sorted((root / FEEDBACK / student / lesson).glob("*.html"))
            report.ok(f"{where}: " + ", ".join(str(f.relative_to(root)) for f in files))
        else:
            report.fail(f"{where}: NO feedback: {_error_text(result)}")
    return report


def grades(root: Path, to: str) -> Report:
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.plugins import CsvExportPlugin

    api, report = _api(root), Report()
    destination = Path(to) if Path(to).is_absolute() else root / to
    plugin = CsvExportPlugin(parent=api)
    plugin.to = str(destination)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        plugin.export(gradebook)
        possible = sum(a.max_score for a in gradebook.assignments)
        for student in gradebook.students:
            scores = []
            for assignment in gradebook.assignments:
                try:
                    scores.append(gradebook.find_submission(assignment.name, student.id).score)
                except MissingEntry:
                    scores.append(0.0)
            report.ok(f"{student.id}: {sum(scores):g} / {possible:g} points over {len(scores)} lesson(s)")
    report.ok(f"wrote {destination}")
    return report


# ------------------------------------------------------------------ command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backprop_core.grading.instructor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=".", help="course root, the directory of nbgrader_config.py (default: .)")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("release", help="build solutions/<id>/<id>.ipynb from <id>.py, then regenerate lessons/")
    p.add_argument("lessons", nargs="*", help="lesson ids (default: all in solutions/)")
    p = commands.add_parser("autograde", help="grade everything under submitted/<student>/<lesson>/")
    p.add_argument("lessons", nargs="*", help="lesson ids (default: all submitted)")
    p.add_argument("--student", action="append", default=[], help="only this student (repeatable)")
    p.add_argument("--force", action="store_true", help="regrade submissions that are already graded")
    p = commands.add_parser("feedback", help="HTML feedback for every autograded submission")
    p.add_argument("lessons", nargs="*")
    p.add_argument("--student", action="append", default=[])
    p = commands.add_parser("grades", help="export the gradebook as CSV")
    p.add_argument("--to", default="grades.csv", help="CSV file (default: grades.csv in the course root)")
    args = parser.parse_args(argv)

    root = Path(args.root).resolve()
    # nbgrader's gradebook trips over its own SQLAlchemy session (harmless, noisy).
    warnings.filterwarnings("ignore", message=".*not in session.*")
    if args.command == "release":
        report = release(root, args.lessons)
    elif args.command == "autograde":
        report = autograde(root, args.lessons, args.student, args.force)
    elif args.command == "feedback":
        report = feedback(root, args.lessons, args.student)
    else:
        report = grades(root, args.to)
    if report.failed:
        print(f"{len(report.failed)} problem(s), {len(report.done)} done; see the lines above.", file=sys.stderr)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())

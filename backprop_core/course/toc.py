"""The course's table of contents: the list of lessons, declared once in ``toc.toml`` beside this module.

Everything that lists the lessons reads it: the README's lesson table and the course home's
(``index.ipynb``), which :func:`write_lesson_tables` writes (``make release`` runs it, and
``tests/test_toc.py`` checks they agree), and the tests' parametrizations (:func:`lesson_ids`).

A lesson's files are named one way, from its id ``NN-slug``: ``solutions/<id>/<id>.py`` and ``.ipynb``,
``lessons/<id>/<id>.ipynb``; its modules (the exercise registry's ``grading/exercises/lessonNN.py``, its
widgets' ``viz/widgets/lessonNN.py``, ``tests/corpus/lessonNN/``) by :func:`module_name`, the one function
that maps an id to that name.

    python -m backprop_core.course.toc [--check] [ROOT]   # write (or check) README.md's and index.ipynb's tables
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The table of contents shipped with the package (the student copy has it too: it holds no answer).
TOC_FILE = Path(__file__).with_name("toc.toml")
#: A lesson id: two digits, a dash, a slug of lowercase words joined by dashes ("01-forward-pass-and-error").
LESSON_ID = re.compile(r"(?P<number>\d\d)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)")
#: What each ``[[lesson]]`` entry holds, all strings.
FIELDS = ("id", "title", "can", "time", "needs")
#: The README's lesson table lies between these lines (generated: edit toc.toml, then ``make release``).
README_START, README_END = "<!-- lessons:start -->", "<!-- lessons:end -->"
#: The course home's cell that :func:`course_home_cell` writes starts with this heading.
HOME_HEADING = "## The lessons"


@dataclass(frozen=True)
class Lesson:
    """One entry of the table of contents.

    id : ``NN-slug``, the name of its folders and notebooks
    title : its title, as the course home shows it
    can : what the student will be able to do after it (finishes "you will be able to ...")
    time : how long it takes, e.g. "45 min"
    needs : what it builds on, e.g. "lessons 01–03"
    """

    id: str
    title: str
    can: str
    time: str
    needs: str

    @property
    def number(self) -> int:
        """The lesson's number (1 for ``01-...``)."""
        return int(self.id[:2])

    @property
    def module(self) -> str:
        """Its modules' name, ``lessonNN`` (:func:`module_name`)."""
        return module_name(self.id)

    @property
    def notebook(self) -> str:
        """The student's notebook, relative to the course folder: ``lessons/<id>/<id>.ipynb``."""
        return f"lessons/{self.id}/{self.id}.ipynb"

    @property
    def source(self) -> str:
        """The lesson's text source, relative to the course folder: ``solutions/<id>/<id>.py``."""
        return f"solutions/{self.id}/{self.id}.py"


def module_name(lesson_id: str) -> str:
    """The name of a lesson's modules and corpus folder: ``"lesson01"`` for ``"01-forward-pass-and-error"``.

    Raises
    ------
    ValueError
        ``lesson_id`` is not of the form ``NN-slug``.
    """
    match = LESSON_ID.fullmatch(lesson_id) if isinstance(lesson_id, str) else None
    if match is None:
        raise ValueError(f"a lesson id is two digits, a dash and a lowercase slug (e.g. '01-forward-pass-and-error'), "
                         f"got {lesson_id!r}")
    return f"lesson{match['number']}"


def parse(text: str, where: str = "toc.toml") -> tuple[Lesson, ...]:
    """The lessons of a table of contents ``text`` (TOML, one ``[[lesson]]`` table each), in course order.

    Raises
    ------
    ValueError
        Not TOML, no lesson, an entry missing a field or with an unknown one, a field that is not text, an id
        not of the form ``NN-slug``, or ids not numbered 01, 02, ... in order; the message names ``where``.
    """
    try:
        entries = tomllib.loads(text).get("lesson")
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{where}: not TOML ({error})") from None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{where}: expected one [[lesson]] table per lesson, found none")
    lessons = []
    for k, entry in enumerate(entries, 1):
        missing = [f for f in FIELDS if f not in entry]
        unknown = sorted(set(entry) - set(FIELDS))
        if missing or unknown:
            raise ValueError(f"{where}: lesson {k} must have exactly the fields {', '.join(FIELDS)}; "
                             f"missing {missing}, unknown {unknown}")
        not_text = [f for f in FIELDS if not isinstance(entry[f], str) or not entry[f].strip()]
        if not_text:
            raise ValueError(f"{where}: lesson {k}'s {', '.join(not_text)} must be non-empty text, "
                             f"got {[entry[f] for f in not_text]!r}")
        try:
            module_name(entry["id"])
        except ValueError as error:
            raise ValueError(f"{where}: lesson {k}: {error}") from None
        if int(entry["id"][:2]) != k:
            raise ValueError(f"{where}: lessons are numbered 01, 02, ... in order; lesson {k} is {entry['id']!r}")
        lessons.append(Lesson(**{f: entry[f] for f in FIELDS}))
    return tuple(lessons)


@lru_cache(maxsize=None)
def _load(path: Path) -> tuple[Lesson, ...]:
    return parse(path.read_text(encoding="utf-8"), str(path))


def lessons(path: Path | None = None) -> tuple[Lesson, ...]:
    """Every lesson of the course, in order (read once from ``path``, default :data:`TOC_FILE`)."""
    return _load(Path(path) if path is not None else TOC_FILE)


def lesson_ids(path: Path | None = None) -> list[str]:
    """The lessons' ids, in order: what the tests parametrize over."""
    return [lesson.id for lesson in lessons(path)]


def get(lesson_id: str, path: Path | None = None) -> Lesson:
    """The entry of ``lesson_id``.

    Raises
    ------
    LookupError
        No lesson has that id; the message lists the ids there are.
    """
    for lesson in lessons(path):
        if lesson.id == lesson_id:
            return lesson
    raise LookupError(f"no lesson {lesson_id!r} in the table of contents; the lessons are {lesson_ids(path)}")


def readme_table(course: tuple[Lesson, ...]) -> str:
    """The README's lesson table (Markdown), between its markers."""
    rows = [f"| {lesson.id[:2]} | [{lesson.title}]({lesson.notebook}) | {lesson.can} |" for lesson in course]
    return "\n".join([README_START, "| # | lesson | what you will be able to do |", "|---|---|---|", *rows, README_END])


def course_home_cell(course: tuple[Lesson, ...]) -> str:
    """The course home's "The lessons" cell (Markdown)."""
    rows = [f"| {lesson.id[:2]} | [{lesson.title}]({lesson.notebook}) | {lesson.can} | {lesson.time} | {lesson.needs} |"
            for lesson in course]
    return "\n".join([HOME_HEADING, "", "| | lesson | you will be able to | time | you need |", "|---|---|---|---|---|",
                      *rows, "", "Take them in order: each lesson uses the one before."])


def with_readme_table(text: str, course: tuple[Lesson, ...]) -> str:
    """README ``text`` with its lesson table (between :data:`README_START` and :data:`README_END`) rewritten.

    Raises
    ------
    ValueError
        The markers are missing or out of order.
    """
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md must mark its lesson table with {README_START} ... {README_END}")
    return text[:start] + readme_table(course) + text[end + len(README_END):]


def with_course_home_cell(notebook_json: str, course: tuple[Lesson, ...]) -> str:
    """The course home (``index.ipynb``'s JSON) with its lessons cell rewritten, as nbformat writes it.

    Raises
    ------
    ValueError
        No markdown cell starts with :data:`HOME_HEADING`.
    """
    notebook = json.loads(notebook_json)
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown" and source.startswith(HOME_HEADING):
            cell["source"] = course_home_cell(course).splitlines(keepends=True)
            return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    raise ValueError(f"index.ipynb must have a markdown cell starting with {HOME_HEADING!r} (the lessons' table)")


def write_lesson_tables(root: Path, check: bool = False) -> list[str]:
    """Write README.md's and index.ipynb's lesson tables in the course folder ``root`` from the table of contents.

    Returns the files that were out of date (with ``check``, they are only reported, not written); a file the
    folder does not hold is left out.
    """
    course = lessons()
    stale = []
    for name, rewrite in (("README.md", with_readme_table), ("index.ipynb", with_course_home_cell)):
        path = Path(root) / name
        if not path.exists():  # a course folder without it (a class server's copy): no table to keep in step
            continue
        old = path.read_text(encoding="utf-8")
        new = rewrite(old, course)
        if new != old:
            stale.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backprop_core.course.toc", description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path.cwd(), help="the course folder (default: here)")
    parser.add_argument("--check", action="store_true", help="only say which tables are out of date (exit 1)")
    args = parser.parse_args(argv)
    try:
        stale = write_lesson_tables(args.root, check=args.check)
    except (OSError, ValueError) as error:
        print(f"toc: {error}", file=sys.stderr)
        return 2
    if args.check and stale:
        print(f"toc: {', '.join(stale)} out of date with {TOC_FILE.name}: run 'make release'", file=sys.stderr)
        return 1
    print(f"toc: {len(lessons())} lessons; " + (f"rewrote {', '.join(stale)}" if stale else "tables up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

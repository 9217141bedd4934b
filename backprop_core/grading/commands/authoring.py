"""Lessons authored as text: the nbgrader source notebook built from ``solutions/<id>/<id>.py``.

A lesson's text source is a jupytext *percent* script. Each cell header says
what the cell is for::

    # %% [markdown]     teaching text
    # %%                teaching code (a demonstration, a figure, a widget)
    # %% solution       the function an exercise asks for, answer between
    #                   ### BEGIN SOLUTION / ### END SOLUTION
    # %% public         its public test, ``with public_test("<name>"):``

Everything else is derived, so that it is written in one place only:

- the exercise of a ``solution`` cell is the registered exercise of the lesson
  it defines (``def <name>(``), that of a ``public`` cell the one it names;
- after each public test come the hidden tests, one cell per graded property
  of :mod:`backprop_core.grading.exercises`, grade id ``test_<name>_<property>``,
  with the property's points and description from the registry;
- a markdown heading ``### Exercise `<name>``` becomes
  ``### Exercise 2 · `<name>` (3 points)``: number and points are never typed;
- nbgrader metadata: solution cells editable, public and hidden tests locked,
  teaching cells without nbgrader metadata, so students may change and rerun them;
- cell ids: a graded cell's id is its grade id (``solution_<name>``,
  ``public_test_<name>``, ``test_<name>_<property>``); a teaching cell's id is
  ``md-`` or ``code-`` and the start of a hash of its source, so an edit
  changes the id of the edited cell only.

``make release`` builds every lesson's notebook before nbgrader releases it;
``python -m backprop_core.grading.commands.authoring [--check] [lesson ...]`` builds
(or, with ``--check``, only compares) the notebooks without nbgrader.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .. import exercises

SOURCE = "solutions"
SOLUTION, PUBLIC = "solution", "public"

HIDDEN_TEST = """\
# Hidden tests: {description}.
### BEGIN HIDDEN TESTS
from backprop_core import grading
grading.check("{name}", {name}, "{prop}")
### END HIDDEN TESTS"""


def _what_is_tested(exercise, prop: str) -> str:
    """The hidden test cell's first line after "Hidden tests:": a function's property is checked on
    random cases; an understanding question's answer against the right one."""
    what = exercise.descriptions[prop]
    return what if exercise.question is not None else f"{what} on random cases"


KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# Cell metadata jupytext adds for the blank lines between cells: layout, not content.
_LAYOUT_KEYS = {"lines_to_next_cell", "lines_to_end_of_cell_marker"}
_DEFINES = re.compile(r"^def (\w+)\(", re.MULTILINE)
_NAMES_PUBLIC_TEST = re.compile(r"""public_test\(\s*["'](\w+)["']""")
_EXERCISE_HEADING = re.compile(r"^(#{1,6}) Exercise `(\w+)`[ \t]*$", re.MULTILINE)


class AuthoringError(ValueError):
    """A lesson's text source does not follow the conventions above."""


# ------------------------------------------------------------------ paths
def text_source(root: Path, lesson: str) -> Path:
    """``solutions/<lesson>/<lesson>.py``: what the instructor edits."""
    return root / SOURCE / lesson / f"{lesson}.py"


def notebook(root: Path, lesson: str) -> Path:
    """``solutions/<lesson>/<lesson>.ipynb``: built from the text source, read by nbgrader."""
    return root / SOURCE / lesson / f"{lesson}.ipynb"


def authored_lessons(root: Path) -> list[str]:
    """Lesson ids with a text source in ``solutions/``."""
    base = root / SOURCE
    if not base.is_dir():
        return []
    return sorted(d.name for d in base.iterdir() if text_source(root, d.name).is_file())


# ------------------------------------------------------------------ reading the text
@dataclass
class _Cell:
    """A cell of the text source: its role and source, and the exercise it belongs to."""

    role: str  # "markdown", "code", SOLUTION or PUBLIC
    source: str
    exercise: exercises.Exercise | None = None


def _read_cells(text: str, lesson: str) -> list[_Cell]:
    import jupytext  # imported here: only instructors build lessons

    cells = []
    for k, cell in enumerate(jupytext.reads(text, fmt="py:percent").cells, 1):
        metadata = {key: value for key, value in cell.metadata.items() if key not in _LAYOUT_KEYS}
        role = metadata.pop("title", "")
        first_line = (cell.source.strip().splitlines() or ["(empty)"])[0]
        where = f"{lesson}, cell {k} ({first_line[:50]!r})"
        if metadata:
            raise AuthoringError(f"{where}: the header may only name a role (solution, public), got {metadata}")
        if cell.cell_type == "markdown" and not role:
            cells.append(_Cell("markdown", cell.source))
        elif cell.cell_type == "code" and role in ("", SOLUTION, PUBLIC):
            cells.append(_Cell(role or "code", cell.source))
        else:
            raise AuthoringError(f"{where}: unknown cell header '# %% {role} [{cell.cell_type}]'; "
                                 "use '# %% [markdown]', '# %%', '# %% solution' or '# %% public'")
    return cells


def _the_exercise(names: list[str], registered: dict, where: str) -> exercises.Exercise:
    found = [registered[n] for n in dict.fromkeys(names) if n in registered]
    if len(found) != 1:
        raise AuthoringError(f"{where} must name exactly one of the lesson's exercises "
                             f"({', '.join(registered) or 'none registered'}), found {[e.name for e in found]}")
    return found[0]


def _attach_exercises(cells: list[_Cell], lesson: str) -> None:
    registered = {e.name: e for e in exercises.for_lesson(lesson)}
    for cell in cells:
        if cell.role == SOLUTION:
            cell.exercise = _the_exercise(_DEFINES.findall(cell.source), registered,
                                          f"{lesson}: a solution cell (def <name>(...))")
        elif cell.role == PUBLIC:
            cell.exercise = _the_exercise(_NAMES_PUBLIC_TEST.findall(cell.source), registered,
                                          f'{lesson}: a public test cell (with public_test("<name>"))')


def _check_layout(cells: list[_Cell], lesson: str) -> None:
    """Each registered exercise: heading, then solution, then public test, once each."""
    registered = {e.name for e in exercises.for_lesson(lesson)}
    for cell in cells:
        for _, name in _EXERCISE_HEADING.findall(cell.source) if cell.role == "markdown" else ():
            if name not in registered:
                raise AuthoringError(f"{lesson}: heading '### Exercise `{name}`' names no exercise of the lesson "
                                     f"({', '.join(sorted(registered)) or 'none registered'})")
    for exercise in exercises.for_lesson(lesson):
        where = {role: [i for i, c in enumerate(cells) if c.role == role and c.exercise is exercise]
                 for role in (SOLUTION, PUBLIC)}
        where["heading"] = [i for i, c in enumerate(cells) if c.role == "markdown"
                            for _, name in _EXERCISE_HEADING.findall(c.source) if name == exercise.name]
        for role, found in where.items():
            if len(found) != 1:
                shown = f"### Exercise `{exercise.name}`" if role == "heading" else f"# %% {role}"
                raise AuthoringError(f"{lesson}: exercise {exercise.name!r} needs exactly one '{shown}' cell, "
                                     f"found {len(found)}")
        if not where["heading"][0] <= where[SOLUTION][0] < where[PUBLIC][0]:
            raise AuthoringError(f"{lesson}: exercise {exercise.name!r} must come in the order heading, "
                                 "solution cell, public test")


# ------------------------------------------------------------------ building the notebook
def points_text(exercise: exercises.Exercise) -> str:
    """The exercise's points as its heading shows them: ``"1 point"``, ``"3 points"``."""
    total = sum(exercise.points.values())
    return f"{total:g} point" + ("" if total == 1 else "s")


def _numbered_headings(source: str, numbers: dict[str, int]) -> str:
    """``source`` with each ``### Exercise `<name>``` heading numbered and given its points."""

    def heading(match: re.Match) -> str:
        hashes, name = match.groups()
        exercise = exercises.get(name)
        return f"{hashes} Exercise {numbers[name]} · `{name}` ({points_text(exercise)})"

    return _EXERCISE_HEADING.sub(heading, source)


def _nbgrader(grade_id: str, *, solution: bool = False, locked: bool = False, points: int | None = None) -> dict:
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def hidden_test_cells(exercise: exercises.Exercise) -> list:
    """One locked, graded cell per property of ``exercise``, points and description from the registry."""
    return [
        new_code_cell(
            HIDDEN_TEST.format(description=_what_is_tested(exercise, prop), name=exercise.name, prop=prop),
            id=exercise.grade_id(prop),
            metadata=_nbgrader(exercise.grade_id(prop), locked=True, points=exercise.points[prop]),
        )
        for prop in exercise.properties
    ]


def _teaching_id(cell: _Cell, taken: set[str]) -> str:
    # From the cell's own text: inserting or editing another cell leaves this id alone.
    base = ("md-" if cell.role == "markdown" else "code-") + hashlib.sha1(cell.source.encode()).hexdigest()[:8]
    cell_id, k = base, 2
    while cell_id in taken:  # two cells with the same text
        cell_id, k = f"{base}-{k}", k + 1
    return cell_id


def build(text: str, lesson: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``lesson`` from its text source ``text``.

    Raises
    ------
    AuthoringError
        When a cell header is unknown, a solution or public test cell names no
        (or several) registered exercises of ``lesson``, or an exercise lacks
        its heading, solution cell or public test, or has them out of order.
    """
    cells = _read_cells(text, lesson)
    _attach_exercises(cells, lesson)
    _check_layout(cells, lesson)
    numbers = {c.exercise.name: k for k, c in enumerate((c for c in cells if c.role == SOLUTION), 1)}
    built, taken = [], set()
    for cell in cells:
        name = cell.exercise.name if cell.exercise else ""
        if cell.role == "markdown":
            built.append(new_markdown_cell(_numbered_headings(cell.source, numbers), id=_teaching_id(cell, taken)))
        elif cell.role == "code":
            built.append(new_code_cell(cell.source, id=_teaching_id(cell, taken)))
        elif cell.role == SOLUTION:
            built.append(new_code_cell(cell.source, id=f"solution_{name}",
                                       metadata=_nbgrader(f"solution_{name}", solution=True)))
        else:
            built.append(new_code_cell(cell.source, id=f"public_test_{name}",
                                       metadata=_nbgrader(f"public_test_{name}", locked=True)))
            built.extend(hidden_test_cells(cell.exercise))
        taken.add(built[-1].id)
    nb = new_notebook(cells=built, metadata={"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """The notebook as committed: nbformat's JSON, one trailing newline."""
    return nbformat.writes(nb).rstrip("\n") + "\n"


def built_text(root: Path, lesson: str) -> str:
    """What ``solutions/<lesson>/<lesson>.ipynb`` must contain, built from the text source."""
    return render(build(text_source(root, lesson).read_text(encoding="utf-8"), lesson))


def build_lesson(root: Path, lesson: str) -> bool:
    """Write ``solutions/<lesson>/<lesson>.ipynb`` from the text source; True when it changed."""
    text, path = built_text(root, lesson), notebook(root, lesson)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


# ------------------------------------------------------------------ command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backprop_core.grading.commands.authoring",
                                     description="Build solutions/<id>/<id>.ipynb from solutions/<id>/<id>.py.")
    parser.add_argument("lessons", nargs="*", help="lesson ids (default: every lesson with a text source)")
    parser.add_argument("--root", default=".", help="course root (default: .)")
    parser.add_argument("--check", action="store_true", help="only say which notebooks are out of date")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    stale = 0
    for lesson in args.lessons or authored_lessons(root):
        try:
            if args.check:
                current = notebook(root, lesson)
                fresh = current.is_file() and current.read_text(encoding="utf-8") == built_text(root, lesson)
                stale += not fresh
                print(f"{lesson}: {'up to date' if fresh else 'OUT OF DATE (make release)'}")
            else:
                changed = build_lesson(root, lesson)
                print(f"{lesson}: {'built' if changed else 'unchanged'} {notebook(root, lesson).relative_to(root)}")
        except (AuthoringError, FileNotFoundError) as error:
            print(f"{lesson}: {error}", file=sys.stderr)
            stale += 1
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

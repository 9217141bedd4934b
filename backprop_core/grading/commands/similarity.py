"""The copying report for the instructor: ``make similarity``. It informs; it changes no grade.

Run from the course root (the folder of ``nbgrader_config.py``)::

    python -m backprop_core.grading.commands.similarity [--root COURSE] [--threshold 0.9] [--min-tokens 50] \
        [lesson ...]

The course's folders come from nbgrader's ``CourseDirectory`` (the course's
``nbgrader_config.py``): for every lesson of its source folder (or those named),
every notebook of ``<submitted>/<student>/<lesson>/`` is read for its code
solution cells only (nbgrader metadata ``solution: true``; exercise = grade id
without ``solution_``). Outputs are never code: the file is streamed (``ijson``) and
outputs are parsed past and dropped, one string at a time, so a notebook of any size is
read; at most :data:`MAX_CODE_CHARS` of code per notebook are kept (more is cut, and said).

**Normalising** (:func:`normalise`): ``%magic``/``!shell`` lines go; the code is
parsed with :mod:`ast` (a line that does not parse is dropped, and said);
docstrings, comments and layout go (``ast.unparse``), and every name the code
binds itself (arguments, variables, its own functions) becomes ``v0``, ``v1``, ...
in order of first appearance. Library names (``np.outer``), attributes and
literals stay. A cell left as released (only ``raise NotImplementedError()``) or
empty is not compared.

**Score** of two solutions, in [0, 1]: the share of their tokens that lines up
(``difflib.SequenceMatcher``), after **discounting what nobody chose**: the
released stub of the exercise (its ``def`` line, for lesson 09's ``train`` a
quarter of the code) counts neither as matched nor as code. Against the package's
reference (``exercises.get(name).reference`` and its ``replaces``) the class's
**common shape** is discounted too: a student is set beside the reference only
when they are closer to it than the typical student is (the median of the class's
scores against it, the release stub's own score when they are alone). The obvious
way to write a loop is what everyone writes; a pasted reference is much closer.

**Groups**: identical normalised solutions are one variant (scored once); variants
scoring at least ``--threshold`` with at least ``--min-tokens`` tokens are joined,
and each connected component is one row: its members (and the reference when it is
one of them), the lowest score holding it together, its size. Near-identical short
answers (``return np.outer(a, b)``) are only counted as "too short to tell".

Written: ``COURSE/similarity-report.csv`` (:data:`CSV_COLUMNS`, biggest group first)
and a table on the screen. Exit code 0; 2 for a bad argument (one line naming it).
"""
from __future__ import annotations

import argparse
import ast
import csv
import difflib
import inspect
import io
import re
import statistics
import sys
import textwrap
import tokenize
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Sequence

REPORT_FILE = "similarity-report.csv"
CSV_COLUMNS = ("lesson", "exercise", "size", "members", "lowest_score", "tokens")
DEFAULT_THRESHOLD = 0.9
#: Below this many normalised tokens near-identical code says little: the course's
#: one-line answers (a formula in a ``return``, with the ``def`` line) are 20 to 45.
DEFAULT_MIN_TOKENS = 50
#: Code kept per notebook (characters of solution cells); a real lesson holds under 20,000.
MAX_CODE_CHARS = 500_000
#: Notebooks are streamed in reads of this size: the parser copies a long string (a big output) once per read
#: it spans, so small reads make a 25 MB output take 25 s (64 KiB) instead of 0.5 s.
READ_BYTES = 16 * 1024 * 1024
#: Longer code is compared on its first this many tokens (difflib is quadratic; a real solution is under 500).
MAX_TOKENS = 5000
#: Lines dropped at most from a cell that does not parse before giving up on the parser.
MAX_DROPPED_LINES = 20
#: How a group names the package's reference: ``reference: <module>.<qualname>``.
REFERENCE_PREFIX = "reference: "
SOLUTION_GRADE_ID_PREFIX = "solution_"

_MAGIC_LINE = re.compile(r"^[ \t]*[%!].*$", re.M)
_LAYOUT = {tokenize.NEWLINE: "<newline>", tokenize.INDENT: "<indent>", tokenize.DEDENT: "<dedent>"}
_IGNORED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


class BadArgument(ValueError):
    """A command-line argument the report cannot work with; the message names it."""


# ====================================================================== normalising
@dataclass(frozen=True)
class Normalised:
    """One piece of code after :func:`normalise`: ``tokens`` compared; ``parsed`` False when lines
    had to be dropped (or the tokenizer used); ``untouched`` for a cell left as released or empty."""

    tokens: tuple[str, ...]
    parsed: bool = True
    untouched: bool = False


def normalise(source: str) -> Normalised:
    """Normalise Python ``source`` (a cell, or a reference function's source) for comparison; never raises."""
    code = _MAGIC_LINE.sub("", textwrap.dedent(source))
    try:
        tree, parsed = _parse_what_parses(code)
        _drop_string_statements(tree)
        untouched = _is_untouched_release(tree)
        _rename_own_names(tree)
        tokens = _layout_tokens(ast.unparse(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Null bytes, absurd nesting, or nothing parses: the tokens as written, comments dropped.
        try:
            tokens = _layout_tokens(code)
        except (ValueError, RecursionError, MemoryError):
            tokens = []
        return Normalised(tuple(tokens), parsed=False, untouched=not tokens)
    return Normalised(tuple(tokens), parsed=parsed, untouched=untouched or not tokens)


def _parse_what_parses(code: str) -> tuple[ast.Module, bool]:
    """``code`` parsed, dropping each line a SyntaxError names (at most :data:`MAX_DROPPED_LINES`);
    the flag is False when a line was dropped. Raises SyntaxError when that is not enough."""
    lines = code.splitlines()
    for attempt in range(MAX_DROPPED_LINES + 1):
        try:
            return ast.parse("\n".join(lines)), attempt == 0
        except SyntaxError as error:
            if attempt == MAX_DROPPED_LINES or not error.lineno or error.lineno > len(lines):
                raise
            lines[error.lineno - 1] = ""
    raise AssertionError("unreachable")


def _drop_string_statements(tree: ast.AST) -> None:
    """Remove docstrings and every other bare string statement (they do nothing, like comments)."""
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            statements = getattr(node, name, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                kept = [s for s in statements if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                                      and isinstance(s.value.value, str))]
                setattr(node, name, kept or ([] if isinstance(node, ast.Module) else [ast.Pass()]))


def _is_untouched_release(tree: ast.Module) -> bool:
    """True when ``tree`` is nothing but functions whose body only raises NotImplementedError."""
    def stub(s: ast.stmt) -> bool:
        raised = s.body[0].exc if len(s.body) == 1 and isinstance(s.body[0], ast.Raise) else None
        raised = raised.func if isinstance(raised, ast.Call) else raised
        return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"

    return all(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and stub(s) for s in tree.body)


#: Where each kind of node binds a name of its own (``Name`` binds when stored or deleted).
_BINDING_FIELD = {ast.arg: "arg", ast.FunctionDef: "name", ast.AsyncFunctionDef: "name", ast.ClassDef: "name",
                  ast.ExceptHandler: "name", ast.MatchAs: "name", ast.MatchStar: "name", ast.MatchMapping: "rest"}
#: Where a bound name is used too: ``f(rate=lr)`` calling the cell's own ``f(rate)`` renames the keyword.
_NAME_FIELD = {**_BINDING_FIELD, ast.Name: "id", ast.keyword: "arg"}


def _rename_own_names(tree: ast.AST) -> None:
    """Rename, in place, the names ``tree`` binds itself (not those it imports) to v0, v1, ... in the order
    :func:`ast.walk` meets them, so the same structure gets the same names whatever its layout."""
    nodes = list(ast.walk(tree))
    bound = {getattr(n, _BINDING_FIELD[type(n)]) for n in nodes if type(n) in _BINDING_FIELD}
    bound |= {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    imported = {n.asname or n.name.split(".")[0] for n in nodes if isinstance(n, ast.alias)}
    own, new = bound - imported - {None}, {}

    def renamed(name: str) -> str:
        return new.setdefault(name, f"v{len(new)}") if name in own else name

    for node in nodes:
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            node.names = [renamed(name) for name in node.names]
        elif type(node) in _NAME_FIELD and getattr(node, _NAME_FIELD[type(node)]) is not None:
            setattr(node, _NAME_FIELD[type(node)], renamed(getattr(node, _NAME_FIELD[type(node)])))


def _layout_tokens(code: str) -> list[str]:
    """Python's tokens of ``code`` up to its first tokenizing error: comments and blank lines dropped,
    layout as ``<newline>``, ``<indent>``, ``<dedent>``."""
    tokens = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in _IGNORED_TOKENS:
                tokens.append(_LAYOUT.get(token.type, token.string))
    except (tokenize.TokenError, SyntaxError):  # an unclosed bracket, a bad dedent: keep what came before
        pass
    return tokens


# ====================================================================== scoring
def similarity(a: Sequence[str], b: Sequence[str], given: Sequence[str] = ()) -> float:
    """Share of two token lists that lines up, in [0, 1], not counting what both owe to ``given``.

    ``SequenceMatcher(autojunk=False)``: ``2 M / (len a + len b)`` with M the matched tokens. With
    ``given`` (the released stub), G = the stub's tokens both contain (the fewer of the two) is taken
    out of M and of each length: ``2 (M - G) / (len a + len b - 2 G)``.
    """
    matched = _matched(a, b)
    shared = min(_matched(a, given), _matched(b, given)) if given else 0
    rest = len(a) + len(b) - 2 * shared
    return 1.0 if rest <= 0 else max(0.0, 2 * (matched - shared) / rest)


def _matched(a: Sequence[str], b: Sequence[str]) -> int:
    return sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def _can_reach(a: Sequence[str], b: Sequence[str], threshold: float) -> bool:
    """difflib's cheap upper bounds: False when ``a`` and ``b`` cannot score ``threshold``. Discounting the
    stub never raises a score ((M - G) / (S - G) <= M / S as M <= S), so the bounds hold for it too."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold


# ====================================================================== the report
@dataclass(frozen=True)
class Pair:
    """Two solutions of one exercise at or above the threshold. ``other`` is a student or
    ``"reference: <module>.<qualname>"``; ``tokens``: the shorter normalised token list."""

    lesson: str
    exercise: str
    student: str
    other: str
    score: float
    tokens: int


@dataclass(frozen=True)
class Group:
    """Students (and maybe the reference) whose solutions to one exercise are joined by flagged pairs:
    ``score`` is the lowest score of the pairs that hold it together, ``tokens`` the shortest code."""

    lesson: str
    exercise: str
    members: tuple[str, ...]
    score: float
    tokens: int

    def row(self) -> tuple:
        return (self.lesson, self.exercise, len(self.members), " ".join(self.members), f"{self.score:.3f}",
                self.tokens)


@dataclass
class Report:
    """What one run found.

    ``groups``: one per set of students sharing a solution, biggest first. ``flagged``: pairs enough to
    join each group (identical solutions are chained, not listed pairwise). ``too_short``: pairs at the
    score but under ``min_tokens``. ``skipped``: what could not be read, or was read with care, each with
    where and why. ``compared``: solution cells compared; ``not_attempted``: left as released or empty.
    """

    threshold: float
    min_tokens: int
    flagged: list[Pair] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    too_short: int = 0
    skipped: list[str] = field(default_factory=list)
    compared: int = 0
    not_attempted: int = 0
    students: set[str] = field(default_factory=set)
    lessons: list[str] = field(default_factory=list)


def compare_exercise(report: Report, lesson: str, exercise: str, by_student: dict[str, Normalised],
                     references: dict[str, Normalised], stub: Sequence[str] = ()) -> None:
    """Group the students of one exercise, with its references (see the module docstring)."""
    variants: dict[tuple[str, ...], list[str]] = {}
    for student in sorted(by_student):
        variants.setdefault(by_student[student].tokens, []).append(student)
    edges: list[Pair] = []
    for members in variants.values():  # identical solutions: chained, each scored 1
        edges += [Pair(lesson, exercise, a, b, 1.0, len(by_student[a].tokens)) for a, b in zip(members, members[1:])]
    for (a, first), (b, second) in combinations(variants.items(), 2):
        if _can_reach(a, b, report.threshold):
            edges.append(Pair(lesson, exercise, first[0], second[0], similarity(a, b, stub), min(len(a), len(b))))
    for label, reference in references.items():
        edges += _against_reference(report, lesson, exercise, label, reference.tokens, variants, stub)
    kept = [p for p in edges if p.score >= report.threshold and p.tokens >= report.min_tokens]
    report.too_short += sum(p.score >= report.threshold and p.tokens < report.min_tokens for p in edges)
    report.flagged += kept
    report.groups += _components(lesson, exercise, kept)


def _against_reference(report: Report, lesson: str, exercise: str, label: str, reference: Sequence[str],
                       variants: dict[tuple[str, ...], list[str]], stub: Sequence[str]) -> list[Pair]:
    """Pairs of students with the reference, scored above the class's common shape (the median score of the
    class against the reference; the stub's own when one student alone): ``(s - typical) / (1 - typical)``."""
    scores = {tokens: similarity(tokens, reference, stub) for tokens in variants}
    everyone = [scores[tokens] for tokens, members in variants.items() for _ in members]
    typical = statistics.median(everyone) if len(everyone) >= 3 else similarity(stub, reference) if stub else 0.0
    typical = min(typical, 0.99)
    return [Pair(lesson, exercise, members[0], label, max(0.0, (score - typical) / (1 - typical)),
                 min(len(tokens), len(reference)))
            for tokens, members in variants.items() for score in [scores[tokens]] if score >= report.threshold]


def _components(lesson: str, exercise: str, pairs: list[Pair]) -> list[Group]:
    """Connected components of ``pairs`` (union-find), one :class:`Group` each."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[root(pair.student)] = root(pair.other)
    members: dict[str, list[str]] = {}
    for name in sorted(parent):
        members.setdefault(root(name), []).append(name)
    groups = []
    for names in members.values():
        inside = [p for p in pairs if p.student in names]
        groups.append(Group(lesson, exercise, tuple(names), min(p.score for p in inside),
                            min(p.tokens for p in inside)))
    return groups


# ====================================================================== references
def reference_sources(exercise: str) -> tuple[dict[str, str], list[str]]:
    """``"reference: <module>.<qualname>"`` -> source of the exercise's ``reference`` and each of its
    ``replaces`` (empty for an unregistered exercise), and the references whose source could not be read."""
    from .. import exercises
    from ..answerfree.references import as_function, reference_name

    try:
        registered = exercises.get(exercise)
    except ValueError:
        return {}, []
    sources: dict[str, str] = {}
    problems = []
    for reference in (registered.reference, *registered.replaces):
        try:
            function = as_function(reference)
            sources.setdefault(REFERENCE_PREFIX + reference_name(function), inspect.getsource(function))
        except (TypeError, OSError) as error:
            problems.append(f"exercise {exercise}: the source of reference {reference!r} could not be read ({error})")
    return sources, problems


# ====================================================================== notebooks
def exercise_name(grade_id: str) -> str:
    """``solution_output_delta`` -> ``output_delta``; a grade id without the prefix is the name itself."""
    return grade_id.removeprefix(SOLUTION_GRADE_ID_PREFIX)


#: The parts of a cell kept while streaming; everything else (outputs above all) is parsed past.
_KEPT = ("cell_type", "source", "metadata")


def _kept(prefix: str, event: str, value: Any) -> bool:
    """Whether a streamed event belongs to the part of a cell that is kept (:data:`_KEPT`, and of the
    metadata only ``nbgrader``)."""
    if prefix == "cells.item":
        return value in _KEPT if event == "map_key" else event in ("start_map", "end_map")
    if prefix == "cells.item.metadata":
        return value == "nbgrader" if event == "map_key" else True
    return any(prefix == kept or prefix.startswith(kept + ".")
               for kept in ("cells.item.cell_type", "cells.item.source", "cells.item.metadata.nbgrader"))


def _streamed_cells(handle: BinaryIO, budget: list[int]) -> Iterator[Any]:
    """Each cell of the notebook in ``handle`` (None for what is not an object), holding only ``cell_type``,
    ``source`` and ``metadata.nbgrader``: outputs are parsed past, never built. Source text beyond
    ``budget[0]`` characters (shared by the notebook's cells) is left out and ``budget[0]`` goes negative.
    Raises ``ValueError`` for a file without a list of cells."""
    import ijson

    builder, has_cells = None, False
    for prefix, event, value in ijson.parse(handle, buf_size=READ_BYTES):
        if prefix == "cells":
            has_cells = has_cells or event == "start_array"
            continue
        if prefix == "cells.item" and event == "start_map":
            builder = ijson.ObjectBuilder()
        elif prefix == "cells.item" and event not in ("map_key", "end_map", "end_array"):
            yield None  # a number, a string or a list where a cell should be
            continue
        if builder is None or not _kept(prefix, event, value):
            continue
        if event == "string" and prefix.startswith("cells.item.source"):
            budget[0] -= len(value)
            value = value if budget[0] >= 0 else ""
        builder.event(event, value)
        if prefix == "cells.item" and event == "end_map":
            yield builder.value
            builder = None
    if not has_cells:
        raise ValueError("not a notebook: no list of cells")


def solution_cells(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Exercise -> the sources of the notebook's code solution cells (in order: a cell copied in JupyterLab
    gives several), and why cells (or the whole file) could not be used."""
    import ijson

    cells: dict[str, list[str]] = {}
    problems: list[str] = []
    budget = [MAX_CODE_CHARS]
    try:
        with path.open("rb") as handle:
            for number, cell in enumerate(_streamed_cells(handle, budget), start=1):
                source, problem = _solution_source(cell)
                if problem:
                    problems.append(f"cell {number}: {problem}")
                elif source is not None:
                    cells.setdefault(exercise_name(source[0]), []).append(source[1])
    except ijson.JSONError as error:
        problems.append(f"not a readable notebook (not JSON: {error})")
    except (OSError, ValueError) as error:
        problems.append(str(error) if "not a notebook" in str(error) else f"not a readable notebook ({error})")
    if budget[0] < 0:
        problems.append(f"over {MAX_CODE_CHARS:,} characters of code: the rest was not read")
    return cells, problems


def _solution_source(cell: Any) -> tuple[tuple[str, str] | None, str | None]:
    """``((grade_id, source), None)`` for a code solution cell, ``(None, None)`` for any other cell,
    ``(None, why)`` for a solution cell whose metadata or source cannot be used."""
    if not isinstance(cell, dict):
        return None, "not a cell (expected an object)"
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    if nbgrader is None:
        return None, None
    if not isinstance(nbgrader, dict):
        return None, f"nbgrader metadata is not an object (got {type(nbgrader).__name__})"
    if nbgrader.get("solution") is not True or cell.get("cell_type") != "code":
        return None, None
    grade_id = nbgrader.get("grade_id")
    if not isinstance(grade_id, str) or not grade_id:
        return None, f"solution cell without a grade id (got {grade_id!r})"
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        return None, f"solution cell {grade_id}: its source is not text (got {type(source).__name__})"
    return (grade_id, source), None


def _notebooks(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ipynb")) if folder.is_dir() else []


def _chosen(sources: list[str]) -> Normalised:
    """Among copies of one solution cell, the last one not left as released."""
    normalised = [normalise(source) for source in sources]
    return ([n for n in normalised if not n.untouched] or normalised)[-1]


def lesson_exercises(course: "Course", lesson: str) -> tuple[set[str], set[str]]:
    """The exercises of ``lesson`` to compare (registered, and the source notebooks' solution cells), and its
    understanding questions (never compared: right answers are alike by nature)."""
    from .. import exercises

    registered = exercises.for_lesson(lesson)
    questions = {e.name for e in registered if e.question is not None}
    names = {e.name for e in registered}
    for path in _notebooks(course.folder("source_directory", ".", lesson)):
        names |= set(solution_cells(path)[0])
    return names - questions, questions


def release_stubs(course: "Course", lesson: str) -> dict[str, tuple[str, ...]]:
    """Exercise -> normalised tokens of its released solution cell (what every student starts from)."""
    stubs: dict[str, tuple[str, ...]] = {}
    for path in _notebooks(course.folder("release_directory", ".", lesson)):
        for exercise, sources in solution_cells(path)[0].items():
            stubs[exercise] = normalise(sources[0]).tokens
    return stubs


def student_solutions(course: "Course", lesson: str, report: Report) -> dict[str, dict[str, Normalised]]:
    """Exercise -> student -> their normalised solution, for one lesson; problems go to ``report.skipped``."""
    known, questions = lesson_exercises(course, lesson)
    found: dict[str, dict[str, Normalised]] = {}
    for folder in sorted(course.root.glob(course.relative("submitted_directory", "*", lesson))):
        student = folder.parent.name
        notebooks = _notebooks(folder)
        if not notebooks:
            report.skipped.append(f"{course.where(folder)}: missing (no notebook in the lesson folder)")
            continue
        report.students.add(student)
        cells: dict[str, list[str]] = {}
        for path in notebooks:
            found_cells, problems = solution_cells(path)
            report.skipped += [f"{course.where(path)}: {problem}" for problem in problems]
            for exercise, sources in found_cells.items():
                cells.setdefault(exercise, []).extend(sources)
        for exercise, sources in sorted(cells.items()):
            if exercise in questions:
                continue
            if known and exercise not in known:
                report.skipped.append(f"{course.where(folder)}: solution cell {exercise!r} is not an exercise of "
                                      f"{lesson}, not compared")
                continue
            chosen = _chosen(sources)
            if chosen.untouched:
                report.not_attempted += 1
                continue
            if not chosen.parsed:
                report.skipped.append(f"{course.where(folder)}: {exercise} is not valid Python; the lines that "
                                      f"do not parse were left out")
            if len(chosen.tokens) > MAX_TOKENS:
                report.skipped.append(f"{course.where(folder)}: {exercise} has {len(chosen.tokens)} tokens; only "
                                      f"its first {MAX_TOKENS} are compared")
                chosen = Normalised(chosen.tokens[:MAX_TOKENS], chosen.parsed)
            report.compared += 1
            found.setdefault(exercise, {})[student] = chosen
    return found


# ====================================================================== the course's folders
@dataclass(frozen=True)
class Course:
    """The course's folders, from nbgrader's ``CourseDirectory`` configured by ``root/nbgrader_config.py``."""

    root: Path
    coursedir: Any

    def relative(self, step: str, student: str, lesson: str) -> str:
        """``<step's folder>/<student>/<lesson>`` relative to the root (a glob pattern when given ``*``)."""
        return Path(self.coursedir.format_path(getattr(self.coursedir, step), student, lesson)).relative_to(
            self.root).as_posix()

    def folder(self, step: str, student: str, lesson: str) -> Path:
        return self.root / self.relative(step, student, lesson)

    def where(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def course_at(root: Path) -> Course:
    """The course at ``root``; raises :class:`BadArgument` when ``root`` is not a course folder."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    if not root.is_dir():
        raise BadArgument(f"--root: no course folder at {root}")
    if not (root / "nbgrader_config.py").is_file():
        raise BadArgument(f"--root: {root} has no nbgrader_config.py; give the course root (its folder)")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return Course(root, CourseDirectory(config=config))


def course_lessons(course: Course, wanted: Iterable[str]) -> list[str]:
    """``wanted``, or every lesson of the course's source folder; raises :class:`BadArgument` for an unknown one."""
    source = course.folder("source_directory", ".", "")
    known = sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if source.is_dir() else []
    wanted = list(wanted)
    for lesson in wanted:
        if lesson not in known:
            raise BadArgument(f"lesson: {lesson!r} is not a lesson of {course.root} "
                              f"(folders of {course.where(source)}/: {', '.join(known) or 'none'})")
    return wanted or known


# ====================================================================== the run
def build_report(root: Path, lessons: Sequence[str], threshold: float = DEFAULT_THRESHOLD,
                 min_tokens: int = DEFAULT_MIN_TOKENS) -> Report:
    """Compare the solutions of ``lessons`` handed in to the course at ``root``; nothing is written."""
    course = course_at(Path(root))
    report = Report(threshold=threshold, min_tokens=min_tokens, lessons=list(lessons))
    for lesson in lessons:
        stubs = release_stubs(course, lesson)
        for exercise, by_student in sorted(student_solutions(course, lesson, report).items()):
            sources, problems = reference_sources(exercise)
            report.skipped += problems
            references = {label: normalise(source) for label, source in sources.items()}
            compare_exercise(report, lesson, exercise, by_student, references, stubs.get(exercise, ()))
    report.flagged.sort(key=lambda p: (-p.score, p.lesson, p.exercise, p.student, p.other))
    report.groups.sort(key=lambda g: (-len(g.members), -g.score, g.lesson, g.exercise, g.members))
    return report


def write_csv(report: Report, path: Path) -> None:
    """One row per group, biggest first (a header alone when none)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(group.row() for group in report.groups)


def summary_lines(report: Report, csv_path: Path) -> list[str]:
    """What the screen shows: the groups, the counts, what was skipped, and what the report is for."""
    lines = [f"Students whose solution code is near-identical once names, spacing and comments are set aside "
             f"(score >= {report.threshold:.2f}, at least {report.min_tokens} tokens), biggest group first:"]
    header = ("size", "lowest", "lesson", "exercise", "members")
    rows = [(str(len(g.members)), f"{g.score:.3f}", g.lesson, g.exercise, " ".join(g.members)) for g in report.groups]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in (header, *rows)] \
        if rows else ["  none"]
    lines.append(f"{report.too_short} pair(s) reached the score but were too short to tell (under "
                 f"{report.min_tokens} tokens: short answers are often the same for everyone); not flagged.")
    lines.append(f"Compared {report.compared} solution(s) of {len(report.students)} student(s) in "
                 f"{len(report.lessons)} lesson(s), with each other and with the package's reference code; "
                 f"{report.not_attempted} left as released or empty were not compared.")
    if report.skipped:
        lines.append(f"Skipped or read with care ({len(report.skipped)}):")
        lines += [f"  {item}" for item in report.skipped]
    lines.append(f"Written: {csv_path}")
    lines.append("This report only informs: it changes no grade and zeroes nobody. "
                 "Read the members' code before drawing any conclusion.")
    return lines


# ====================================================================== command line
class _OneLineParser(argparse.ArgumentParser):
    """Bad arguments give one line naming the argument (no usage block), exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def _number(kind: type, low: float, high: float, expected: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m backprop_core.grading.commands.similarity",
                            description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=".", help="course root, the folder of nbgrader_config.py (default: .)")
    parser.add_argument("--threshold", type=_number(float, 0.0, 1.0, "a number between 0 and 1"),
                        default=DEFAULT_THRESHOLD, help=f"join solutions scoring at least this (default: "
                                                        f"{DEFAULT_THRESHOLD})")
    parser.add_argument("--min-tokens", type=_number(int, 0, float("inf"), "a whole number >= 0"),
                        default=DEFAULT_MIN_TOKENS, help="join only code with at least this many normalised "
                                                         f"tokens (default: {DEFAULT_MIN_TOKENS})")
    parser.add_argument("lessons", nargs="*", help="lesson ids (default: every lesson of the course)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the report; 0 once it is written, 2 for a bad argument."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        course = course_at(Path(args.root).resolve())
        lessons = course_lessons(course, args.lessons)
    except BadArgument as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    report = build_report(course.root, lessons, args.threshold, args.min_tokens)
    csv_path = course.root / REPORT_FILE
    write_csv(report, csv_path)
    print("\n".join(summary_lines(report, csv_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

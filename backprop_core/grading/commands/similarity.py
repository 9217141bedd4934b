"""The copying report for the instructor (issue 11, item 4): ``make similarity``.

Run from the course root (the directory of ``nbgrader_config.py``)::

    python -m backprop_core.grading.commands.similarity [--root COURSE] [--threshold 0.9] [--min-tokens 50] [lesson ...]

For every lesson (the folders of ``COURSE/solutions/``, or those named), it reads
each submission ``COURSE/submitted/<student>/<lesson>/<lesson>.ipynb`` and takes the
solution cell of each exercise (nbgrader metadata ``solution: true``; grade id
``solution_<exercise>`` or the exercise's own name). Every student's code is
compared with every other student's for the same exercise, and with the
package's reference source for it: ``exercises.get(name).reference`` and every
function in its ``.replaces``.

Before comparing, each piece of code is **normalised** so that cosmetic changes
do not hide a copy (:func:`normalise`):

- parsed with :mod:`ast` (IPython ``%magic`` and ``!command`` lines are dropped
  first); docstrings, stray string statements and comments go, and
  ``ast.unparse`` writes every statement in one standard layout, so spacing
  and line breaks are gone too;
- every name the code itself binds (arguments, assigned variables, loop
  variables, its own functions and classes) is renamed ``v0``, ``v1``, ... in
  order of first appearance, consistently; attribute names, names the code
  only uses (``np``, ``sigmoid``, ``range``), imported names and literals
  stay, so ``np.outer`` stays ``np.outer``;
- code that does not parse falls back to Python's tokenizer, without
  comments, renaming the names it can see being bound (:func:`tokens_without_parsing`).

A solution cell left as released (its functions only ``raise
NotImplementedError()``) or holding no code is not compared.

**Score.** ``difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()`` on the
two normalised token lists: ``2 * matched / (len(a) + len(b))``, in [0, 1], 1 for
identical code. Solution cells are short (tens to a few hundred tokens), so an
exact, order-aware alignment is cheap, and it is easy to explain: the share of
the two pieces of code that lines up. Fingerprinting k-grams (winnowing) is made
for large collections of long documents; on a 40-token function it keeps too
few fingerprints to be precise. ``autojunk`` is off because its heuristic
would ignore frequent tokens such as ``(`` and ``v0`` in longer code.

A pair is **flagged** when its score is at least ``--threshold`` and the shorter
of its two token lists has at least ``--min-tokens`` tokens. Short answers
(``return np.outer(a, b)``) are naturally the same for everyone: such pairs are
only counted, as "too short to tell".

Written: ``COURSE/similarity-report.csv`` (``lesson, exercise, student_a,
student_b_or_reference, score, tokens``, highest score first), and a table on
the screen. The report informs; it changes no grade and zeroes nobody. The
exit code is 0, except for bad arguments (a missing course folder, an unknown
lesson, a threshold outside [0, 1]): one line naming the argument, exit code 2.
"""
from __future__ import annotations

import argparse
import ast
import csv
import difflib
import inspect
import io
import json
import keyword
import re
import sys
import textwrap
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

SOLUTIONS, SUBMITTED = "solutions", "submitted"
REPORT_FILE = "similarity-report.csv"
CSV_COLUMNS = ("lesson", "exercise", "student_a", "student_b_or_reference", "score", "tokens")
DEFAULT_THRESHOLD = 0.9
#: Below this many normalised tokens, near-identical code says little. The count
#: includes the released ``def`` line: ``def f(a, b): return np.outer(a, b)`` is 21
#: tokens, and the course's one-line answers (a formula in a ``return``) 35 to 45.
DEFAULT_MIN_TOKENS = 50
#: Notebooks larger than this are not read (a real lesson notebook is well under 1 MB).
MAX_NOTEBOOK_BYTES = 20_000_000
#: Longer code is compared on its first this many tokens, so that one pasted
#: monster cannot make the comparison take hours (a real solution is under 500).
MAX_TOKENS = 5000
#: How a pair names the package's reference: ``reference: <module>.<qualname>``.
REFERENCE_PREFIX = "reference: "
SOLUTION_GRADE_ID_PREFIX = "solution_"

# Tokens that stand for layout in the normalised lists: the structure of the
# code (what is inside a loop) stays, the spacing does not.
_NEWLINE, _INDENT, _DEDENT = "<newline>", "<indent>", "<dedent>"
_LAYOUT = {tokenize.NEWLINE: _NEWLINE, tokenize.INDENT: _INDENT, tokenize.DEDENT: _DEDENT}
_IGNORED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_MAGIC_LINE = re.compile(r"^[ \t]*[%!].*$", re.M)
# Soft keywords (match, case, _) are ordinary names elsewhere: only the hard ones are kept.
_NOT_RENAMED = frozenset(keyword.kwlist)


class BadArgument(ValueError):
    """A command-line argument the report cannot work with; the message names it."""


# ====================================================================== normalising
@dataclass(frozen=True)
class Normalised:
    """One piece of code after :func:`normalise`.

    Attributes
    ----------
    tokens : tuple of str
        The normalised token list that is compared.
    parsed : bool
        False when the code did not parse and the tokenizer fallback was used.
    untouched : bool
        True for a cell left as released (only ``raise NotImplementedError()``)
        or holding no code at all: such cells are not compared.
    """

    tokens: tuple[str, ...]
    parsed: bool = True
    untouched: bool = False


def normalise(source: str) -> Normalised:
    """Normalise Python ``source`` for comparison (see the module docstring).

    Parameters
    ----------
    source : str
        A solution cell's source, or a reference function's source (indented
        method sources are fine).

    Returns
    -------
    Normalised
        Never raises for bad code: code that does not parse is tokenized instead.
    """
    code = _MAGIC_LINE.sub("", textwrap.dedent(source))
    try:
        tree = ast.parse(code)
        _drop_string_statements(tree)
        untouched = _is_untouched_release(tree)
        _rename_bound_names(tree)
        tokens = _layout_tokens(ast.unparse(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # ValueError: a null byte; RecursionError/MemoryError: absurdly nested code.
        tokens = tokens_without_parsing(code)
        return Normalised(tuple(tokens), parsed=False, untouched=not tokens)
    return Normalised(tuple(tokens), parsed=True, untouched=untouched or not tokens)


def _drop_string_statements(tree: ast.AST) -> None:
    """Remove docstrings and every other bare string statement (they do nothing, like comments)."""
    for node in list(ast.walk(tree)):
        for name in ("body", "orelse", "finalbody"):
            statements = getattr(node, name, None)
            if not isinstance(statements, list) or not statements or not isinstance(statements[0], ast.stmt):
                continue
            kept = [s for s in statements if not _is_string_statement(s)]
            if not kept and not isinstance(node, ast.Module):
                kept = [ast.Pass()]  # a body cannot be empty
            setattr(node, name, kept)


def _is_string_statement(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str))


def _is_untouched_release(tree: ast.Module) -> bool:
    """True when ``tree`` (docstrings removed) is nothing but functions whose body only raises NotImplementedError."""
    if not tree.body:
        return True
    return all(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and _only_raises_not_implemented(s.body)
               for s in tree.body)


def _only_raises_not_implemented(body: list[ast.stmt]) -> bool:
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    raised = body[0].exc
    if isinstance(raised, ast.Call):
        raised = raised.func
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


def _layout_tokens(code: str) -> list[str]:
    """Tokens of well-formed ``code``: comments and blank lines dropped, layout as
    ``<newline>``, ``<indent>``, ``<dedent>``."""
    return [_LAYOUT.get(t.type, t.string) for t in _read_tokens(code) if t.type not in _IGNORED_TOKENS]


# ------------------------------------------------------------------ renaming (ast)
class _BoundNames(ast.NodeVisitor):
    """The names a piece of code binds itself, apart from those it imports (library names stay)."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.imported: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.bound.add(node.id)

    def visit_arg(self, node: ast.arg) -> None:
        self.bound.add(node.arg)
        self.generic_visit(node)

    def _visit_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.bound.add(node.name)
        self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_definition

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bound.add(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.bound.add(node.rest)
        self.generic_visit(node)

    def visit_alias(self, node: ast.alias) -> None:
        self.imported.add(node.asname or node.name.split(".")[0])


class _Renamer(ast.NodeVisitor):
    """Renames the names in ``rename`` to v0, v1, ... in order of first appearance, in place.

    The order is the tree's own (a node, then its fields in order), so two
    pieces of code with the same structure get the same new names whatever
    their layout.
    """

    def __init__(self, rename: set[str]) -> None:
        self.rename = rename
        self.new_names: dict[str, str] = {}

    def _new(self, name: str) -> str:
        if name not in self.rename:
            return name
        return self.new_names.setdefault(name, f"v{len(self.new_names)}")

    def visit_Name(self, node: ast.Name) -> None:
        node.id = self._new(node.id)

    def visit_arg(self, node: ast.arg) -> None:
        node.arg = self._new(node.arg)
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        # f(rate=lr) calling the cell's own f(rate): the keyword follows its parameter.
        if node.arg is not None:
            node.arg = self._new(node.arg)
        self.generic_visit(node)

    def _visit_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        node.name = self._new(node.name)
        self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _visit_definition

    def _visit_global(self, node: ast.Global | ast.Nonlocal) -> None:
        node.names = [self._new(name) for name in node.names]

    visit_Global = visit_Nonlocal = _visit_global

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            node.name = self._new(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            node.name = self._new(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            node.name = self._new(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            node.rest = self._new(node.rest)
        self.generic_visit(node)


def _rename_bound_names(tree: ast.AST) -> None:
    names = _BoundNames()
    names.visit(tree)
    _Renamer(names.bound - names.imported).visit(tree)


# ------------------------------------------------------------ tokenizer fallback
def tokens_without_parsing(code: str) -> list[str]:
    """Normalised tokens of code that does not parse: the fallback of :func:`normalise`.

    Comments, blank lines and bare string lines go; names the tokens show
    being bound (after ``def``, ``class``, ``for``, ``as``, ``lambda``, in a
    ``def``'s parentheses, before ``=``) are renamed v0, v1, ... as in the
    parsed case, except on import lines. Tokenizing stops quietly at the first
    error (an unclosed bracket): what was read before it is kept.
    """
    tokens = [t for t in _read_tokens(code) if t.type not in _IGNORED_TOKENS]
    tokens = _without_bare_strings(tokens)
    bound = _names_bound_in_tokens(tokens)
    new_names: dict[str, str] = {}
    normalised = []
    for index, token in enumerate(tokens):
        text = _LAYOUT.get(token.type, token.string)
        after_dot = index > 0 and tokens[index - 1].string == "."
        if token.type == tokenize.NAME and text in bound and not after_dot:
            text = new_names.setdefault(text, f"v{len(new_names)}")
        normalised.append(text)
    return normalised


def _read_tokens(code: str) -> list[tokenize.TokenInfo]:
    """Python's tokens of ``code``, up to the first tokenizing error."""
    tokens = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        pass
    return tokens


def _logical_lines(tokens: Sequence[tokenize.TokenInfo]) -> list[list[int]]:
    """Indices of ``tokens`` grouped by statement: logical lines, split at ``;`` (INDENT/DEDENT belong to none)."""
    lines: list[list[int]] = [[]]
    for index, token in enumerate(tokens):
        if token.type in (tokenize.INDENT, tokenize.DEDENT):
            continue
        lines[-1].append(index)
        if token.type == tokenize.NEWLINE or (token.type == tokenize.OP and token.string == ";"):
            lines.append([])
    return [line for line in lines if line]


def _without_bare_strings(tokens: list[tokenize.TokenInfo]) -> list[tokenize.TokenInfo]:
    """Drop logical lines that are only a string (docstrings), with their NEWLINE."""
    dropped: set[int] = set()
    for line in _logical_lines(tokens):
        kinds = [tokens[i].type for i in line if tokens[i].type != tokenize.NEWLINE and tokens[i].string != ";"]
        if kinds and all(kind == tokenize.STRING for kind in kinds):
            dropped.update(line)
    return [t for i, t in enumerate(tokens) if i not in dropped]


def _names_bound_in_tokens(tokens: list[tokenize.TokenInfo]) -> set[str]:
    """Names the token stream shows being bound, without parsing (best effort)."""
    bound: set[str] = set()
    for line in _logical_lines(tokens):
        words = [tokens[i] for i in line]
        if words[0].string in ("import", "from"):
            continue  # imported names are library names: kept, as in the parsed case
        bound |= _bound_in_line(words)
    return bound


def _bound_in_line(words: list[tokenize.TokenInfo]) -> set[str]:
    """Names one logical line binds: after def/class/as/global/nonlocal, a def's or lambda's
    parameters, loop targets (``for ... in``), and names outside brackets before ``=`` or ``+=``."""
    bound: set[str] = set()
    assignment_at = _top_level_assignment(words)
    depth = 0
    def_parameters = "none"  # "waiting" after def, "open" inside its parentheses, then "done"
    in_lambda = in_for = False
    for index, token in enumerate(words):
        text = token.string
        previous = words[index - 1].string if index else ""
        if token.type == tokenize.OP:
            depth += (text in "([{") - (text in ")]}")
            if text == "(" and def_parameters == "waiting":
                def_parameters = "open"
            elif text == ")" and def_parameters == "open" and depth == 0:
                def_parameters = "done"
            elif text == ":" and in_lambda:
                in_lambda = False
            continue
        if token.type != tokenize.NAME or previous == ".":
            continue  # attribute names are kept
        if text in ("for", "in", "lambda", "def"):
            in_for = text == "for" or (in_for and text != "in")
            in_lambda = in_lambda or text == "lambda"
            def_parameters = "waiting" if text == "def" else def_parameters
            continue
        if text in _NOT_RENAMED:
            continue
        in_parameters = (def_parameters == "open" and depth == 1) or in_lambda
        parameter = in_parameters and previous in ("(", ",", "*", "**", "lambda")
        if (previous in ("def", "class", "as", "global", "nonlocal") or parameter or in_for
                or (index < assignment_at and depth == 0)):
            bound.add(text)
    return bound


def _is_assignment_operator(text: str) -> bool:
    """``=`` and the augmented ones (``+=``, ``**=``, ...), not comparisons."""
    return text.endswith("=") and text not in ("==", "<=", ">=", "!=")


def _top_level_assignment(words: list[tokenize.TokenInfo]) -> int:
    """Index of the line's first assignment operator outside brackets (``=``, ``+=``, ...), or -1.

    Inside brackets ``=`` names a keyword argument (``dtype=float``): not a binding.
    """
    depth = 0
    for index, token in enumerate(words):
        if token.type == tokenize.OP:
            depth += (token.string in "([{") - (token.string in ")]}")
            if depth == 0 and _is_assignment_operator(token.string):
                return index
    return -1


# ====================================================================== comparing
def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of two token lists that lines up: ``SequenceMatcher(autojunk=False).ratio()``, in [0, 1]."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _score_if_similar(a: Sequence[str], b: Sequence[str], threshold: float) -> float | None:
    """The similarity of ``a`` and ``b`` when it can reach ``threshold``, else None (cheap bounds first)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return None
    score = matcher.ratio()
    return score if score >= threshold else None


@dataclass(frozen=True)
class Pair:
    """Two pieces of code for one exercise that are near-identical once normalised.

    ``other`` is a student, or ``"reference: <module>.<qualname>"``; ``tokens``
    is the length of the shorter normalised token list.
    """

    lesson: str
    exercise: str
    student: str
    other: str
    score: float
    tokens: int

    def row(self) -> tuple:
        return (self.lesson, self.exercise, self.student, self.other, f"{self.score:.3f}", self.tokens)


@dataclass
class Report:
    """What one run found.

    Attributes
    ----------
    flagged : list of Pair
        Pairs at or above the threshold with enough tokens, highest score first.
    too_short : int
        Pairs at or above the threshold with fewer than ``min_tokens`` tokens: not flagged.
    skipped : list of str
        What could not be read, each with where and why.
    compared : int
        Solution cells compared (students' code, references not counted).
    not_attempted : int
        Solution cells left as released, or empty: not compared.
    students : set of str
    lessons : list of str
    """

    threshold: float
    min_tokens: int
    flagged: list[Pair] = field(default_factory=list)
    too_short: int = 0
    skipped: list[str] = field(default_factory=list)
    compared: int = 0
    not_attempted: int = 0
    students: set[str] = field(default_factory=set)
    lessons: list[str] = field(default_factory=list)

    def consider(self, lesson: str, exercise: str, student: str, other: str,
                 mine: Normalised, theirs: Normalised) -> None:
        """Score one pair and file it as flagged, too short, or not similar."""
        score = _score_if_similar(mine.tokens, theirs.tokens, self.threshold)
        if score is None:
            return
        tokens = min(len(mine.tokens), len(theirs.tokens))
        if tokens < self.min_tokens:
            self.too_short += 1
        else:
            self.flagged.append(Pair(lesson, exercise, student, other, score, tokens))


def compare_exercise(report: Report, lesson: str, exercise: str, by_student: dict[str, Normalised],
                     references: dict[str, Normalised]) -> None:
    """Every pair of students, and every student against every reference, for one exercise."""
    students = sorted(by_student)  # a fixed order: the same pair always scores the same
    for index, student in enumerate(students):
        for other in students[index + 1:]:
            report.consider(lesson, exercise, student, other, by_student[student], by_student[other])
        for label, reference in references.items():
            report.consider(lesson, exercise, student, label, by_student[student], reference)


# ====================================================================== references
def reference_sources(exercise: str) -> tuple[dict[str, str], list[str]]:
    """Source of the package's reference functions for ``exercise``.

    Returns
    -------
    sources : dict
        ``"reference: <module>.<qualname>"`` -> source, for the exercise's
        ``reference`` and every function in its ``replaces``; empty when no
        exercise of that name is registered.
    problems : list of str
        A reference whose source could not be read, and why.
    """
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
            label = REFERENCE_PREFIX + reference_name(function)
            if label not in sources:
                sources[label] = inspect.getsource(function)
        except (TypeError, OSError) as error:
            problems.append(f"exercise {exercise}: the source of reference {reference!r} could not be read ({error})")
    return sources, problems


# ====================================================================== notebooks
def exercise_name(grade_id: str) -> str:
    """``solution_output_delta`` -> ``output_delta``; a grade id without the prefix is the name itself."""
    return grade_id[len(SOLUTION_GRADE_ID_PREFIX):] if grade_id.startswith(SOLUTION_GRADE_ID_PREFIX) else grade_id


def solution_cells(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The solution cells of the notebook at ``path``, read without trusting its shape.

    Returns
    -------
    cells : dict
        Exercise name -> the sources of its code solution cells, in notebook
        order (a cell copied in JupyterLab gives several).
    problems : list of str
        Why the notebook, or a cell of it, was skipped. A notebook that cannot
        be read at all gives no cells and one problem.
    """
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return {}, [f"not read: {size:,} bytes, over this report's limit of {MAX_NOTEBOOK_BYTES:,}"]
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, [f"not a readable notebook ({type(error).__name__}: {error})"]
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return {}, ["not a notebook: no list of cells"]
    cells: dict[str, list[str]] = {}
    problems = []
    for number, cell in enumerate(data["cells"], start=1):
        source, problem = _solution_source(cell)
        if problem:
            problems.append(f"cell {number}: {problem}")
        elif source is not None:
            cells.setdefault(exercise_name(source[0]), []).append(source[1])
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


def understanding_questions(lesson: str) -> set[str]:
    """The understanding questions of ``lesson``: never compared, as right answers are alike by nature."""
    from .. import exercises

    return {exercise.name for exercise in exercises.for_lesson(lesson) if exercise.question is not None}


def lesson_exercises(root: Path, lesson: str) -> set[str]:
    """Exercise names of ``lesson``: registered in the package, and the solution cells
    of ``solutions/<lesson>/<lesson>.ipynb``; its understanding questions left out."""
    from .. import exercises

    names = {exercise.name for exercise in exercises.for_lesson(lesson)}
    source = root / SOLUTIONS / lesson / f"{lesson}.ipynb"
    if source.is_file():
        names |= set(solution_cells(source)[0])
    return names - understanding_questions(lesson)


def _chosen_solution(sources: list[str]) -> Normalised:
    """The cell to compare among copies of one solution cell: the last one not left as released."""
    normalised = [normalise(source) for source in sources]
    worked = [n for n in normalised if not n.untouched]
    return worked[-1] if worked else normalised[-1]


def student_solutions(root: Path, lesson: str, report: Report) -> dict[str, dict[str, Normalised]]:
    """Exercise -> student -> their normalised solution, for one lesson; problems go to ``report.skipped``."""
    known, questions = lesson_exercises(root, lesson), understanding_questions(lesson)
    found: dict[str, dict[str, Normalised]] = {}
    submitted = root / SUBMITTED
    students = sorted(p for p in submitted.iterdir()
                      if p.is_dir() and not p.name.startswith(".")) if submitted.is_dir() else []
    for student_dir in students:
        if not (student_dir / lesson).is_dir():
            continue  # this student has not handed in this lesson
        path = student_dir / lesson / f"{lesson}.ipynb"
        where = path.relative_to(root).as_posix()
        if not path.is_file():
            report.skipped.append(f"{where}: missing (the lesson folder holds no {path.name})")
            continue
        report.students.add(student_dir.name)
        cells, problems = solution_cells(path)
        report.skipped.extend(f"{where}: {problem}" for problem in problems)
        for exercise, sources in cells.items():
            if exercise in questions:
                continue
            if known and exercise not in known:
                report.skipped.append(
                    f"{where}: solution cell {exercise!r} is not an exercise of {lesson}, not compared")
                continue
            chosen = _chosen_solution(sources)
            if chosen.untouched:
                report.not_attempted += 1
                continue
            if not chosen.parsed:
                report.skipped.append(f"{where}: {exercise} is not valid Python; compared token by token instead")
            if len(chosen.tokens) > MAX_TOKENS:
                report.skipped.append(
                    f"{where}: {exercise} has {len(chosen.tokens)} tokens; only its first {MAX_TOKENS} are compared")
                chosen = Normalised(chosen.tokens[:MAX_TOKENS], chosen.parsed)
            report.compared += 1
            found.setdefault(exercise, {})[student_dir.name] = chosen
    return found


# ====================================================================== the run
def course_lessons(root: Path, wanted: Iterable[str]) -> list[str]:
    """The lessons to compare: ``wanted``, or every folder of ``solutions/``.

    Raises
    ------
    BadArgument
        ``root`` is not a folder, has no ``solutions/``, or a wanted lesson is
        not one of its folders.
    """
    if not root.is_dir():
        raise BadArgument(f"--root: no course folder at {root}")
    source = root / SOLUTIONS
    if not source.is_dir():
        raise BadArgument(
            f"--root: {root} has no {SOLUTIONS}/ folder; give the course root (the folder of nbgrader_config.py)")
    known = sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))
    wanted = list(wanted)
    for lesson in wanted:
        if lesson not in known:
            raise BadArgument(f"lesson: {lesson!r} is not a lesson of {root} "
                              f"(folders of {SOLUTIONS}/: {', '.join(known) or 'none'})")
    return wanted or known


def build_report(root: Path, lessons: Sequence[str], threshold: float = DEFAULT_THRESHOLD,
                 min_tokens: int = DEFAULT_MIN_TOKENS) -> Report:
    """Compare the solutions of ``lessons`` under ``root/submitted/``; nothing is written."""
    report = Report(threshold=threshold, min_tokens=min_tokens, lessons=list(lessons))
    reference_cache: dict[str, dict[str, Normalised]] = {}
    for lesson in lessons:
        for exercise, by_student in sorted(student_solutions(root, lesson, report).items()):
            if exercise not in reference_cache:
                sources, problems = reference_sources(exercise)
                report.skipped.extend(problems)
                reference_cache[exercise] = {label: normalise(source) for label, source in sources.items()}
            compare_exercise(report, lesson, exercise, by_student, reference_cache[exercise])
    report.flagged.sort(key=lambda p: (-p.score, p.lesson, p.exercise, p.student, p.other))
    return report


def write_csv(report: Report, path: Path) -> None:
    """The flagged pairs as CSV, highest score first (a header alone when none)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(pair.row() for pair in report.flagged)


def summary_lines(report: Report, csv_path: Path) -> list[str]:
    """What the screen shows: the table of flagged pairs, the counts, what was skipped, and what the report is for."""
    lines = [f"Solution code near-identical after setting names, spacing and comments aside "
             f"(score >= {report.threshold:.2f}, at least {report.min_tokens} tokens), highest first:"]
    if report.flagged:
        lines += _table(report.flagged)
    else:
        lines.append("  none")
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
                 "Read both pieces of code of a pair before drawing any conclusion.")
    return lines


def _table(pairs: Sequence[Pair]) -> list[str]:
    header = ("score", "lesson", "exercise", "student", "same as", "tokens")
    rows = [(f"{p.score:.3f}", p.lesson, p.exercise, p.student, p.other, str(p.tokens)) for p in pairs]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            for row in (header, *rows)]


# ====================================================================== command line
class _OneLineParser(argparse.ArgumentParser):
    """Bad arguments give one line naming the argument (no usage block), exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


def _min_tokens(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m backprop_core.grading.commands.similarity",
                            description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=".", help="course root, the folder of nbgrader_config.py (default: .)")
    parser.add_argument("--threshold", type=_threshold, default=DEFAULT_THRESHOLD,
                        help=f"flag pairs scoring at least this, between 0 and 1 (default: {DEFAULT_THRESHOLD})")
    parser.add_argument("--min-tokens", type=_min_tokens, default=DEFAULT_MIN_TOKENS,
                        help="flag only code with at least this many normalised tokens; shorter pairs are "
                             f"counted as too short to tell (default: {DEFAULT_MIN_TOKENS})")
    parser.add_argument("lessons", nargs="*", help="lesson ids (default: every folder of solutions/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the report; 0 once it is written, 2 for a bad argument."""
    parser = _parser()
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        lessons = course_lessons(root, args.lessons)
    except BadArgument as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    report = build_report(root, lessons, args.threshold, args.min_tokens)
    csv_path = root / REPORT_FILE
    write_csv(report, csv_path)
    print("\n".join(summary_lines(report, csv_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

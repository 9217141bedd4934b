"""Known mistakes as patches on the solution: the solution's function, one or a few lines changed.

A :class:`~._base.Mistake` says ``replace=(old, new)``; this module finds the exercise's function (or
the definition the mistake names as its ``target``, e.g. lesson 10's ``class Value``) in
the lesson's solution (``solutions/<lesson>/<lesson>.py``, the jupytext text the instructor edits),
applies the replacements and executes the result, so a mistake is never a second copy of the
algorithm that drifts from the solution. The grader's judge calls the function to name a student's
mistake (:func:`.checker.expected_outcomes`); the tests paste its source into a solution cell.

Why the solution's text and not the reference: the reference of the registry calls the course's
``nn`` code, while a mistake is a slip in what the *student* writes, and the solution is that.
The solution is read where the grader is, the course folder's own package (the instructors' path,
README "Instructors"); the student copy holds neither the registry nor ``solutions/``.
"""
from __future__ import annotations

import ast
import linecache
import re
import sys
from pathlib import Path
from typing import Callable
from ..answerfree import one_parser

#: The course folder the package belongs to (``<ROOT>/backprop_core/grading/exercises/patches.py``):
#: the solutions are ``<ROOT>/solutions/<lesson>/<lesson>.py``.
ROOT = Path(__file__).resolve().parents[3]
#: nbgrader's markers, not code a student writes: left out of a mistake's source.
_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.MULTILINE)

#: (lesson, exercise, mistake key) -> (function, its source): each mistake is executed once per process.
_FUNCTIONS: dict[tuple[str, str, str], tuple[Callable, str]] = {}


class MistakePatchError(ValueError):
    """A mistake's ``replace`` does not fit the solution it patches (someone edited one of them)."""


def _where(mistake) -> str:
    return f"lesson {mistake.lesson}, exercise {mistake.exercise}, mistake {mistake.key}"


def replacements(mistake) -> tuple[tuple[str, str], ...]:
    """``mistake.replace`` as ``((old, new), ...)``: one pair may be given bare."""
    replace = mistake.replace
    if len(replace) == 2 and all(isinstance(part, str) for part in replace):
        replace = (replace,)
    for pair in replace:
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
            raise MistakePatchError(f"{_where(mistake)}: replace expects (old, new) pairs of code strings, got {pair!r}")
        if not pair[0].strip():
            raise MistakePatchError(f"{_where(mistake)}: replace expects code to find in the solution, got {pair[0]!r}")
    return replace


def solution_path(lesson: str, root: Path = ROOT) -> Path:
    """``<root>/solutions/<lesson>/<lesson>.py``."""
    return root / "solutions" / lesson / f"{lesson}.py"


def _module(lesson: str, text: str) -> ast.Module:
    try:
        return one_parser.parse(text)
    except SyntaxError as error:
        raise MistakePatchError(f"lesson {lesson}: its solution does not parse as Python ({error})") from None


def solution_definition(text: str, lesson: str, name: str) -> str:
    """The source of the top-level ``def <name>`` or ``class <name>`` in the solution ``text`` (a jupytext
    percent script)."""
    for node in _module(lesson, text).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return ast.get_source_segment(text, node, padded=False) + "\n"
    raise MistakePatchError(f"lesson {lesson}: expected a top-level 'def {name}(' or 'class {name}' in its solution "
                            f"{solution_path(lesson).relative_to(ROOT)}, found none")


#: The exercise's own function: a definition's source (the old name, kept for its callers).
solution_function = solution_definition


def _occurrences(source: str, old: str) -> list[tuple[int, str, str]]:
    """(start, the text matched, its line's indentation) of every place ``old`` occurs in ``source``,
    its later lines shifted by that indentation."""
    lines = old.split("\n")
    found = []
    for indent in sorted({line[:len(line) - len(line.lstrip())] for line in source.split("\n")}):
        shifted = "\n".join([lines[0]] + [indent + line if line.strip() else line for line in lines[1:]])
        start = source.find(shifted)
        while start != -1:
            line_start = source.rfind("\n", 0, start) + 1
            own = source[line_start:start]
            own_indent = own[:len(own) - len(own.lstrip())]
            if own_indent == indent or len(lines) == 1:
                found.append((start, shifted, own_indent))
            start = source.find(shifted, start + 1)
        if len(lines) == 1:
            break  # one line: its indentation plays no part
    return found


def patch(source: str, mistake) -> str:
    """``source`` with the mistake's replacements applied in order; each ``old`` must occur exactly once."""
    for old, new in replacements(mistake):
        found = _occurrences(source, old)
        if len(found) != 1:
            raise MistakePatchError(
                f"{_where(mistake)}: replace expects {old!r} exactly once in the solution's {_target(mistake)} "
                f"({solution_path(mistake.lesson).relative_to(ROOT)}), found it {len(found)} times; "
                f"update the mistake's replace to the solution's code")
        start, shifted, indent = found[0]
        new_lines = new.split("\n")
        new = "\n".join([new_lines[0]] + [indent + line if line.strip() else line for line in new_lines[1:]])
        source = source[:start] + new + source[start + len(shifted):]
    return source


def _target(mistake) -> str:
    """The solution's definition the mistake patches: its ``target`` (a class such as lesson 10's ``Value``, or
    a function the exercise calls), else the exercise's function."""
    return mistake.target or mistake.exercise


def patched_source(text: str, mistake) -> str:
    """The mistake's code from the solution ``text``, markers left out: the patched definition, followed by the
    exercise's function as the solution writes it when the patch is in another definition (``target``)."""
    patched = patch(solution_definition(text, mistake.lesson, _target(mistake)), mistake)
    if _target(mistake) != mistake.exercise:
        patched += "\n\n" + solution_definition(text, mistake.lesson, mistake.exercise)
    return _MARKERS.sub("", patched)


def _solution_text(mistake) -> str:
    if not mistake.exercise:
        raise MistakePatchError(f"mistake {mistake.key}: not registered with an exercise, so no solution to patch")
    path = solution_path(mistake.lesson)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise MistakePatchError(f"{_where(mistake)}: the solution {path} could not be read ({error})") from None


def mistake_source(mistake) -> str:
    """The mistake's function, from the lesson's solution file."""
    return patched_source(_solution_text(mistake), mistake)


def _helpers(text: str, lesson: str, name: str, source: str) -> str:
    """The solution's imports and top-level functions and classes that ``source`` uses (and theirs), but those
    ``source`` defines itself: a solution may call a helper of an earlier cell, which a student's notebook
    holds too."""
    module = _module(lesson, text)
    own = {node.name for node in one_parser.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    defs = {node.name: node for node in module.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in own | {name}}
    imports = {}  # one statement per name: ``from backprop_core.nn import minibatches``, not the whole line
    for node in module.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                one = ast.Import(names=[alias]) if isinstance(node, ast.Import) else \
                    ast.ImportFrom(module=node.module, names=[alias], level=node.level)
                imports[(alias.asname or alias.name).split(".")[0]] = ast.unparse(one)
    needed, kept, todo = [], set(), [source]
    while todo:
        names = {n.id for n in ast.walk(one_parser.parse(todo.pop())) if isinstance(n, ast.Name)}
        for name in sorted(names - kept):
            kept.add(name)
            if name in imports:
                needed.insert(0, imports[name])
            elif name in defs:
                helper = ast.get_source_segment(text, defs[name])
                needed.append(helper)
                todo.append(helper)
    return "\n\n".join(dict.fromkeys(needed))


def mistake_cell(mistake) -> str:
    """A cell that makes the mistake on its own: the solution's imports and helpers the patched function
    uses (``sigmoid``, ``hidden_delta``...; a student's notebook defines them in earlier cells), then it."""
    text = _solution_text(mistake)
    source = patched_source(text, mistake)
    helpers = _helpers(text, mistake.lesson, mistake.exercise, source)
    return f"{helpers}\n\n\n{source}" if helpers else source


def mistake_function(mistake) -> Callable:
    """:func:`mistake_source` executed (with the solution's helpers it calls), once per mistake."""
    key = (mistake.lesson, mistake.exercise, mistake.key)
    filename = f"<mistake {mistake.key} of {mistake.exercise}, {mistake.lesson}>"
    if key not in _FUNCTIONS:
        text = _solution_text(mistake)
        source = patched_source(text, mistake)
        namespace = {"__name__": _lesson_module(mistake.lesson)}
        exec(compile(_helpers(text, mistake.lesson, mistake.exercise, source), f"<helpers of {mistake.lesson}>",
                     "exec"), namespace)
        exec(compile(source, filename, "exec"), namespace)
        _FUNCTIONS[key] = namespace[mistake.exercise], source
    function, source = _FUNCTIONS[key]
    # Known to linecache under its own name (again each time: linecache.clearcache() empties it), so
    # inspect.getsource reads the patched function back, as the tests that paste it do.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    return function


def _lesson_module(lesson: str) -> str:
    """The registry module of ``lesson`` (``...exercises.lesson06``): where the mistake's function belongs."""
    name = f"{__package__}.lesson{lesson[:2]}"
    return name if name in sys.modules else __package__

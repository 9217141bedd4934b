"""``make student-copy``: the course as students get it, and no more.

    python -m backprop_core.grading.judge.student_copy DEST      # from the repository root

A student copy holds, from the last commit:

- the lessons (``lessons/``, ``index.ipynb``) and what runs them (``Makefile``, ``pyproject.toml``,
  ``environment.yml``, ``etc/``, ``README.md`` without its part for instructors);
- ``backprop_core``'s network maths, course content and pictures (``nn/``, ``course/``, ``viz/``): the
  lessons compute every number with them;
- of ``backprop_core.grading``, its answer-free part whole (:mod:`~backprop_core.grading.answerfree`, as
  its import-linter contract defines it), with a new ``__init__.py`` exporting just the names the lessons
  use (``public_test``, ``expect_close``, ...), and ``answerfree/lesson_references.py`` rewritten as two
  plain maps: the references of the exercises whose demonstrations fall back on them
  (``yours_or_reference``), and the arguments an exercise exists to change (``call_on_copies``), and
  nothing else.

So no exercise registry (cases, known mistakes, points, hidden tests' checks, understanding questions'
answers), no hidden-test machinery, no nbgrader plug-ins or instructor commands, no ``solutions/``,
``tests/``, ``benchmarks/`` or grading state. Lessons that come to need more of ``grading`` than its
answer-free part fail the build, naming what they import, rather than silently shipping it.
"""
from __future__ import annotations

import argparse
import ast
import inspect
import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from ..answerfree import one_parser

GRADING = "backprop_core.grading"
#: What a student copy takes from the last commit, before ``grading`` is cut down.
SHIPPED = ("index.ipynb", "lessons", "backprop_core", "etc", "pyproject.toml", "environment.yml", "Makefile",
           "README.md", ".gitignore")
#: What a student copy holds of ``grading``: its answer-free part, whole (import-linter's ``answer-free``
#: contract in pyproject.toml: it imports nothing else of ``grading``).
ANSWER_FREE = f"{GRADING}.answerfree"


@dataclass
class LessonNeeds:
    """What the lessons' code cells take from ``backprop_core.grading``.

    names : names imported from, or read as attributes of, ``backprop_core.grading``
    modules : submodules of it imported by name (``backprop_core.grading.answerfree.notebook``)
    fallbacks : exercise names given to ``yours_or_reference``
    """

    names: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    fallbacks: set[str] = field(default_factory=set)


def _code_cells(notebook: Path) -> list[str]:
    """The code cells of a notebook, IPython magics and shell lines commented out (plain Python parses them)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
               for c in cells if c["cell_type"] == "code"]
    return ["\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line
                      for line in source.splitlines()) for source in sources]


def lesson_needs(notebooks: list[Path]) -> LessonNeeds:
    """Read what the notebooks' code takes from ``backprop_core.grading`` (see :class:`LessonNeeds`).

    Raises
    ------
    SyntaxError
        A code cell that does not parse, naming the notebook.
    """
    needs = LessonNeeds()
    for notebook in notebooks:
        for source in _code_cells(notebook):
            try:
                tree = one_parser.parse(source)
            except SyntaxError as error:
                raise SyntaxError(f"{notebook}: a code cell does not parse ({error.msg}, line {error.lineno})") from None
            _read_needs(tree, needs)
    return needs


def _read_needs(tree: ast.AST, needs: LessonNeeds) -> None:
    grading_aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == GRADING:
            needs.names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(GRADING + "."):
            needs.modules.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "backprop_core":
            grading_aliases.update(a.asname or a.name for a in node.names if a.name == "grading")
        elif isinstance(node, ast.Import):
            needs.modules.update(a.name for a in node.names if a.name.startswith(GRADING + "."))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in grading_aliases:
            needs.names.add(node.attr)
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "yours_or_reference":
            named = [k.value for k in node.keywords if k.arg == "name"]
            if named and isinstance(named[0], ast.Constant):
                needs.fallbacks.add(named[0].value)
            elif len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                needs.fallbacks.add(node.args[1].value)
            elif node.args and isinstance(node.args[0], ast.Name):
                needs.fallbacks.add(node.args[0].id)


def _defining_modules(names: set[str]) -> dict[str, str]:
    """name -> the ``grading`` module that defines it, read from the full course's package."""
    import importlib

    grading = importlib.import_module(GRADING)
    where = {}
    for name in sorted(names):
        value = getattr(grading, name, None)
        if value is None:
            raise LookupError(f"the lessons use backprop_core.grading.{name}, which does not exist")
        module = getattr(value, "__module__", None) or ""
        if not module.startswith(GRADING + "."):
            # a constant (RTOL): find the submodule whose source assigns it
            answer_free = Path(grading.__file__).parent / ANSWER_FREE.rpartition(".")[2]
            module = next((f"{ANSWER_FREE}.{p.stem}" for p in sorted(answer_free.glob("*.py"))
                           if p.stem != "__init__" and _assigns(p, name)), GRADING)
        where[name] = module
    return where


def _assigns(file: Path, name: str) -> bool:
    tree = one_parser.parse(file.read_text(encoding="utf-8"))
    return any(isinstance(n, (ast.Assign, ast.AnnAssign)) and name in {getattr(t, "id", None) for t in
               (n.targets if isinstance(n, ast.Assign) else [n.target])} for n in tree.body)


def references_module(fallbacks: set[str]) -> str:
    """The source of the student copy's ``lesson_references.py``: :func:`reference_for` and :func:`changes_of`
    over two plain maps.

    A reference that is a function of ``nn`` or ``course`` is imported from there; one written for the
    registry (``exercises/lessonNN.py``) is copied in, with numpy, the only name such references use. The
    changes map is every exercise's ``changes`` that is not empty (argument names only).
    """
    from .. import exercises

    imports, copied, entries = set(), [], []
    for name in sorted(fallbacks):
        reference = exercises.get(name).reference
        module = reference.__module__
        if module.startswith("backprop_core.") and not module.startswith(GRADING):
            imports.add(f"from {module} import {reference.__name__}")
        else:
            copied.append(textwrap.dedent(inspect.getsource(reference)))
        entries.append(f"    {name!r}: {reference.__name__},")
    changes = {e.name: tuple(e.changes) for e in exercises.all_exercises() if e.changes}
    return "\n".join([
        '"""What the lessons\' public cells need of the exercise registry, by exercise name: the references',
        "their demonstrations fall back on (``yours_or_reference``) and the arguments an exercise exists to",
        "change in place (``call_on_copies``).",
        "",
        "Generated by ``make student-copy`` for the student copy, which has no exercise registry: only the",
        "exercises whose demonstrations use a reference are here. Their hidden tests are not.",
        '"""',
        "import numpy as np",
        *sorted(imports),
        "",
        "",
        *[source + "\n" for source in copied],
        "REFERENCES = {",
        *entries,
        "}",
        f"CHANGES = {changes!r}",
        "",
        "",
        "def reference_for(name: str):",
        '    """The reference function of exercise ``name`` (one a lesson falls back on)."""',
        "    if name not in REFERENCES:",
        "        raise ValueError(f\"no reference for {name!r} in this copy of the course; it has those of \"",
        "                         f\"{sorted(REFERENCES)}\")",
        "    return REFERENCES[name]",
        "",
        "",
        "def changes_of(name: str) -> tuple:",
        '    """The arguments exercise ``name`` exists to change in place (none for a function of another name)."""',
        "    return CHANGES.get(name, ())",
        "",
    ])


def init_module(where: dict[str, str]) -> str:
    """The student copy's ``grading/__init__.py``: the names the lessons use, from their modules."""
    by_module: dict[str, list[str]] = {}
    for name, module in where.items():
        by_module.setdefault(module, []).append(name)
    lines = ['"""What the lessons use of the grading (the student copy: public tests and their helpers; the',
             'hidden tests and the exercise registry stay with the instructor)."""']
    lines += [f"from .{module.removeprefix(GRADING + '.')} import {', '.join(sorted(names))}"
              for module, names in sorted(by_module.items())]
    lines += ["", f"__all__ = {sorted(where)!r}", ""]
    return "\n".join(lines)


#: The README's part for instructors lies between these lines; a student copy has a note in its place.
INSTRUCTORS_START, INSTRUCTORS_END = "<!-- instructors:start -->", "<!-- instructors:end -->"
STUDENT_NOTE = """## This copy

This is the students' copy of the course: the lessons, and the parts of `backprop_core` they use.
Run `make lab` here. Your work is graded by your instructor, who has the rest of the course.
"""


def readme_for_students(text: str) -> str:
    """``text`` without its part for instructors (between the markers), a note about the copy in its place.

    Raises
    ------
    ValueError
        A marker is missing or the two are in the wrong order.
    """
    start, end = text.find(INSTRUCTORS_START), text.find(INSTRUCTORS_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md must mark its part for instructors with {INSTRUCTORS_START} ... {INSTRUCTORS_END}")
    return text[:start] + STUDENT_NOTE + text[end + len(INSTRUCTORS_END):]


def export_last_commit(repository: Path, dest: Path) -> None:
    """Write the shipped paths of ``repository``'s last commit into ``dest`` (``git archive``, as tracked; as root
    in an instructor's clone too, which git would otherwise refuse as of "dubious ownership")."""
    archive = subprocess.run(["git", "-c", f"safe.directory={repository}", "-C", str(repository), "archive", "HEAD", *SHIPPED],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        raise RuntimeError(f"git archive failed: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)


def cut_grading_down(dest: Path) -> list[str]:
    """Keep in ``dest``'s ``backprop_core/grading`` only its answer-free part; returns the modules kept.

    Raises
    ------
    RuntimeError
        The lessons need a name or module of ``grading`` outside its answer-free part (:data:`ANSWER_FREE`).
    """
    notebooks = sorted((dest / "lessons").glob("*/*.ipynb")) + [dest / "index.ipynb"]
    return _cut_grading(dest, lesson_needs([n for n in notebooks if n.is_file()]))


def _cut_grading(dest: Path, needs: LessonNeeds) -> list[str]:
    """:func:`cut_grading_down` for ``needs``, whatever the lessons are."""
    where = _defining_modules(needs.names)
    refused = sorted({m for m in set(where.values()) | needs.modules if not _answer_free(m)})
    if refused:
        raise RuntimeError(f"the lessons need {', '.join(refused)}, outside the answer-free part a student copy "
                           f"holds ({ANSWER_FREE}): change what the lessons import")
    grading_dir = dest / "backprop_core" / "grading"
    answer_free = grading_dir / ANSWER_FREE.rpartition(".")[2]
    for path in sorted(grading_dir.rglob("*"), reverse=True):  # files before their folders
        if path == answer_free or answer_free in path.parents:
            continue
        if path.is_file():
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    (grading_dir / "__init__.py").write_text(init_module(where), encoding="utf-8")
    (answer_free / "lesson_references.py").write_text(references_module(needs.fallbacks), encoding="utf-8")
    return sorted(f"{ANSWER_FREE}.{p.stem}" for p in answer_free.glob("*.py") if p.stem != "__init__")


def _answer_free(module: str) -> bool:
    return module == ANSWER_FREE or module.startswith(ANSWER_FREE + ".")


def answer_free_package(notebooks: list[Path], dest: Path, package: Path | None = None) -> list[str]:
    """The student copy's ``backprop_core`` for ``notebooks``, made from an installed ``package``, at
    ``dest/backprop_core``, with the notebook runner: what a whole-notebook run mounts (grading's
    ``nbgrader_ext/sandboxed.py``). Returns the grading modules it holds.

    Like a student copy, it holds ``nn/``, ``course/``, ``viz/``, and of ``grading`` only its answer-free
    part (with the runner, :mod:`~backprop_core.grading.answerfree.run_notebook`) and the two plain maps of
    ``lesson_references`` for the notebooks' code (:func:`lesson_needs`): no registry, hidden tests,
    questions' answers or registry references. Compiled, so a sandbox that cannot write it still starts fast.

    Raises
    ------
    RuntimeError
        The notebooks need a module that a student copy must not hold (outside :data:`ANSWER_FREE`).
    SyntaxError
        A code cell does not parse.
    """
    import compileall

    package = Path(package) if package is not None else Path(__file__).resolve().parents[2]
    needs = lesson_needs(notebooks)
    shutil.copytree(package, dest / "backprop_core", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    kept = _cut_grading(dest, needs)
    if not compileall.compile_dir(str(dest / "backprop_core"), quiet=2, legacy=False):
        raise RuntimeError(f"the answer-free package in {dest} does not compile")
    return kept


def answer_free_build(notebooks: list[Path], cache: Path) -> Path:
    """:func:`answer_free_package` for ``notebooks``, made once per package source and needs in ``cache``
    (``<cache>/notebook-<fingerprint>/backprop_core``); returns that ``backprop_core`` directory.

    Built aside and renamed into place, as :func:`~backprop_core.grading.judge.exam_build.exam_build`'s
    builds: two graders building at once never see half a package.
    """
    import hashlib

    from .exam_build import build_in_place
    from .sandbox import private_folder

    package = Path(__file__).resolve().parents[2]
    needs = lesson_needs(notebooks)
    digest = hashlib.sha256(repr((sorted(needs.names), sorted(needs.modules), sorted(needs.fallbacks))).encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    cache = private_folder(Path(cache))  # the grader's own (owned, 0700, every entry checked), as exam_build's
    target = cache / f"notebook-{digest.hexdigest()[:16]}" / "backprop_core"
    if target.is_dir():
        return target
    return build_in_place(cache, target, lambda folder: answer_free_package(notebooks, folder, package))


def build(repository: Path, dest: Path) -> list[str]:
    """The student copy of ``repository``'s last commit in the new folder ``dest``; returns the grading
    modules it holds.

    Raises
    ------
    FileExistsError
        ``dest`` exists and is not empty.
    """
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"DEST must name a new or empty folder, and {dest} holds files")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        export_last_commit(repository, dest)
        readme = dest / "README.md"
        readme.write_text(readme_for_students(readme.read_text(encoding="utf-8")), encoding="utf-8")
        return cut_grading_down(dest)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)  # no half-made copy that looks like a course
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make student-copy", description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="a new folder for the student copy")
    parser.add_argument("--repository", type=Path, default=Path.cwd(), help="the course repository (default: here)")
    args = parser.parse_args(argv)
    try:
        kept = build(args.repository.resolve(), args.dest.resolve())
    except (FileExistsError, RuntimeError, LookupError, SyntaxError, ValueError) as error:
        print(f"student-copy: {error}", file=sys.stderr)
        return 2
    print(f"student copy in {args.dest}: the lessons, backprop_core's nn/course/viz, and of its grading only "
          f"{', '.join(m.rpartition('.')[2] for m in kept)}; run 'make lab' there")
    return 0


if __name__ == "__main__":
    sys.exit(main())

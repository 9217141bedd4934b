"""The package as a hidden test sees it: a build of ``backprop_core`` in which the answers are absent.

While a hidden test calls a student's function, nothing in that process may
compute the answer for them. :func:`exam_build` writes, once per exercise and
package version, a copy of the package that the sandbox mounts in place of the
real one:

- the grader is gone: ``grading/`` keeps only its answer-free part
  (:mod:`~backprop_core.grading.answerfree`: public-test helpers, the in-place
  rule) and the student's process (:mod:`~backprop_core.grading.student_process`),
  whole, as their import-linter contracts define them, so the registry with
  every lesson's references, the case generators and the known mistakes is not on disk;
- ``viz/`` is gone: pictures and widgets are not needed to grade;
- in ``nn/`` and ``course/`` the functions the exercise replaces lose their
  body, and so does every function that could compute the same answer
  (:func:`removed_functions`): any function that calls one of them, directly
  or not (``Network.backward`` calls ``dense_backward``; the bug gallery's
  correct pass calls ``Network.backward``), and any private helper only they
  use. A removed function keeps its name and signature and raises
  ``ReferenceRemovedError`` naming itself, so a student who calls it is told so;
- the exercise's ``withheld`` functions lose their body too, alone: methods
  reached through an operator (``Value.__add__`` holds a backward rule, and
  ``a + b`` names no function for the search above to follow; following the
  name ``exp`` would also remove every caller of ``np.exp``), and case
  functions that compute another exercise's answer (lesson 09's gradients,
  handed to ``train``'s cases, withheld from the builds of
  ``network_gradients`` and the others).

The bodies are removed from the source (rewritten with :func:`ast.unparse`)
and the build is compiled from it, so neither the files a student could read,
``inspect.getsource``, ``importlib.reload`` nor any code object in memory holds
them. What remains possible: a student can type out code they have read
elsewhere, docs/instructors.md says so; the similarity report (:mod:`.similarity`)
flags near-copies of the reference.
"""
from __future__ import annotations

import ast
import compileall
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..answerfree.references import as_function
from ..answerfree import one_parser
from .sandbox import private_folder

__all__ = ["PACKAGE_DIR", "exam_build", "removed_functions"]

#: The installed package directory (``backprop_core``), the source every build is made from.
PACKAGE_DIR = Path(__file__).resolve().parents[2]

#: Bump when what a build contains changes, so older builds are not reused.
BUILD_VERSION = "3"

#: Of ``grading/``, a build holds these subpackages whole: the answer-free part and the student's process
#: (their import-linter contracts in pyproject.toml say they import nothing else of ``grading``).
GRADING_KEPT = ("answerfree", "student_process")

#: Left out of every build, as paths relative to the package.
LEFT_OUT = ("viz",)

GRADING_INIT = '''"""The grading package as a hidden test sees it: the public-test helpers only.

The grader runs outside this process; the registry of exercises is not in this build.
"""
from .answerfree.compare import ATOL, RTOL, default_compare
from .answerfree.notebook import call_on_copies, expect_answer, expect_close, public_test, yours_or_reference


def check(*args, **kwargs):
    raise RuntimeError("grading.check runs outside the process that runs your code")
'''

REMOVED_MODULE = '''"""The error a function of the package raises when a hidden test's build has removed it."""


class ReferenceRemovedError(RuntimeError):
    def __init__(self, path):
        self.path = path
        super().__init__(f"{path} is not available while your function is graded: calling the reference "
                         "earns nothing. Compute the answer yourself (numpy is fine).")
'''

_RAISE_REMOVED = "raise __import__('backprop_core._removed', fromlist=['_']).ReferenceRemovedError({path!r})"


# ------------------------------------------------------------------ reading the package
@dataclass
class _Function:
    """A function or method of the package: where it is, and the names its code refers to."""

    module: str  # "backprop_core.nn.network"
    qualname: str  # "Network.backward"
    uses: set = field(default_factory=set)  # global names and attribute names it refers to

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def path(self) -> str:
        return f"{self.module}.{self.qualname}"


def _module_name(relative: Path) -> str:
    parts = ["backprop_core", *relative.with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _uses(node: ast.AST) -> set:
    """Names a function's code refers to: attributes (``net.backward``) and names it does not bind itself."""
    bound = {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
    bound |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    used = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    used |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound
    return used


def _functions_of(tree: ast.Module, module: str) -> tuple[list[_Function], set]:
    """The module's functions and methods, and the names its other code (tables, class bodies) refers to."""
    functions, outside = [], set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(_Function(module, node.name, _uses(node)))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions.append(_Function(module, f"{node.name}.{item.name}", _uses(item)))
                else:
                    outside |= _uses(item)
        else:
            outside |= _uses(node)
    return functions, outside


def _sources(package: Path) -> dict[Path, str]:
    """Every module of a build, relative path -> source (``grading/`` and ``viz/`` reduced as documented)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] in LEFT_OUT:
            continue
        if relative.parts[0] == "grading" and (len(relative.parts) < 3 or relative.parts[1] not in GRADING_KEPT):
            continue
        found[relative] = path.read_text(encoding="utf-8")
    return found


# ------------------------------------------------------------------ what to remove
def removed_functions(seeds: set[str], functions: list[_Function], used_outside: set) -> set[str]:
    """The paths of every function to remove: ``seeds`` and whatever could compute the same answer.

    Parameters
    ----------
    seeds : set of str
        Paths (``module.qualname``) of the functions the exercise replaces.
    functions : list
        Every function of the build.
    used_outside : set of str
        Names referred to outside any function (module tables, class bodies).

    Grows ``seeds`` until nothing changes: a function that refers to the name of
    a removed one is removed (it may call it); a private helper (``_name``) that
    only removed functions refer to is removed (it computes part of their answer).
    """
    removed = set(seeds)
    changed = True
    while changed:
        names = {f.name for f in functions if f.path in removed}
        changed = False
        for function in functions:
            if function.path in removed:
                continue
            calls_removed = bool(function.uses & names)
            users = [f for f in functions if function.name in f.uses and f is not function]
            private_helper = (function.name.startswith("_") and not function.name.startswith("__") and users
                              and all(f.path in removed for f in users) and function.name not in used_outside)
            if calls_removed or private_helper:
                removed.add(function.path)
                changed = True
    return removed


def _seeds(replaces) -> set[str]:
    seeds = set()
    for reference in replaces:
        function = as_function(reference)
        seeds.add(f"{function.__module__}.{function.__qualname__}")
    return seeds


# ------------------------------------------------------------------ writing the build
class _RemoveBodies(ast.NodeTransformer):
    """Replace the body of each function whose path is in ``paths`` by a raise naming it."""

    def __init__(self, module: str, paths: set[str]) -> None:
        self.module, self.paths, self.prefix = module, paths, []

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        self.prefix.append(node.name)
        self.generic_visit(node)
        self.prefix.pop()
        return node

    def _function(self, node):
        path = ".".join([self.module, *self.prefix, node.name])
        if path in self.paths:
            node.body = one_parser.parse(_RAISE_REMOVED.format(path=path)).body
        return node  # nested functions go with their outer one

    visit_FunctionDef = visit_AsyncFunctionDef = _function


def _write_build(target: Path, sources: dict[Path, str], trees: dict[Path, ast.Module], removed: set[str]) -> None:
    for relative, source in sources.items():
        module = _module_name(relative)
        if any(path.startswith(module + ".") for path in removed):
            source = ast.unparse(_RemoveBodies(module, removed).visit(trees[relative])) + "\n"
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(source, encoding="utf-8")
    (target / "grading" / "__init__.py").write_text(GRADING_INIT, encoding="utf-8")
    (target / "_removed.py").write_text(REMOVED_MODULE, encoding="utf-8")
    if not compileall.compile_dir(str(target), quiet=2, legacy=False):
        raise RuntimeError(f"the hidden-test build in {target} does not compile")


def _fingerprint(sources: dict[Path, str], seeds: set[str], alone: set[str] = frozenset()) -> str:
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for relative, source in sorted(sources.items()):
        digest.update(str(relative).encode() + b"\0" + source.encode() + b"\0")
    digest.update("\0".join(sorted(seeds)).encode())
    if alone:  # (builds without withheld functions keep the fingerprint they had)
        digest.update(b"\1" + "\0".join(sorted(alone)).encode())
    return digest.hexdigest()[:16]


def exam_build(replaces, cache: Path, package: Path = PACKAGE_DIR, withheld=()) -> Path:
    """The package directory of a build without ``replaces`` and all that computes the same, made once.

    Parameters
    ----------
    replaces : iterable of functions
        What the exercise replaces (``Exercise.replaces``), as function objects.
    withheld : iterable of functions
        Removed as well, without following what calls them (``Exercise.withheld``).
    cache : Path
        Where builds are kept (``<cache>/<fingerprint>/backprop_core``); a build of the same package
        source and the same ``replaces`` is reused. Never mounted whole into a sandbox. Used only as
        the grader's own folder (:func:`.sandbox.private_folder`: owned by the grader, mode 0700,
        every entry checked once per process); one made or changed by anybody else is not used.
    package : Path
        The package to build from.

    Returns
    -------
    Path
        The build's ``backprop_core`` directory, to mount read-only where the package is.
    """
    cache = private_folder(cache)
    sources = _sources(package)
    seeds, alone = _seeds(replaces), _seeds(withheld)
    target = cache / _fingerprint(sources, seeds, alone) / "backprop_core"
    if target.is_dir():
        return target
    trees = {relative: one_parser.parse(source) for relative, source in sources.items()}
    functions, outside = [], set()
    for relative, tree in trees.items():
        found, used = _functions_of(tree, _module_name(relative))
        functions += found
        outside |= used
    removed = removed_functions(seeds, functions, outside) | alone

    def write(folder: Path) -> None:
        _write_build(folder / "backprop_core", sources, trees, removed)
        (folder / "REMOVED.txt").write_text("\n".join(sorted(removed)) + "\n", encoding="utf-8")

    return build_in_place(cache, target, write)


def build_in_place(cache: Path, target: Path, write) -> Path:
    """``target`` (``<cache>/<name>/backprop_core``), built by ``write(folder)`` into a scratch folder of
    ``cache`` and renamed into place: two graders building at once never see half a build."""
    scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=cache))
    try:
        write(scratch)
        target.parent.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(scratch, target.parent)
        except OSError:  # another grader finished the same build first
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    os.chmod(target.parent, 0o755)  # (the sandbox user mounts it read-only)
    return target

"""One ``ast.parse`` at a time in a process.

CPython 3.11 keeps the AST conversion's recursion depth in interpreter-wide state, so two threads that
parse at once can fail with ``SystemError: AST constructor recursion depth mismatch`` (CPython issue
gh-106905). The grader parses in two threads of one process (a submission's hidden tests, and the notebook
run or the font list beside them), and under load that failure stopped a canary and made a solution
"not graded". Every parse and every compile of a tree in the grader goes through here.
"""
from __future__ import annotations

import ast
import threading

_LOCK = threading.RLock()


def parse(source: str, *args, **kwargs) -> ast.Module:
    """:func:`ast.parse`, one thread at a time."""
    with _LOCK:
        return ast.parse(source, *args, **kwargs)


def compile_tree(tree: ast.AST, filename: str, mode: str = "exec"):
    """:func:`compile` of an AST, one thread at a time (its conversion back to C shares the same state)."""
    with _LOCK:
        return compile(tree, filename, mode)

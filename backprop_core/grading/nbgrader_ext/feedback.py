"""What ``nbgrader generate_feedback`` shows: a hidden test's result, never its code.

:class:`HideHiddenTests` runs in ``nbgrader generate_feedback``: the student
sees each test's points and message, but not the code of a hidden test.
nbgrader's feedback shows an autograded notebook as it stands, and there the
hidden tests are back in place (autograde restores them from the gradebook),
so without it a student would read them, and the error traceback would quote
them line by line.
"""
from __future__ import annotations

from typing import Any

from nbformat.notebooknode import NotebookNode
from traitlets import Unicode

from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def strip_hidden_region(source: str, placeholder: str) -> tuple[str, bool]:
    """``source`` with every BEGIN/END HIDDEN TESTS region replaced by ``placeholder``.

    Returns the new source and whether a region was found. An unterminated
    region hides everything after its start.
    """
    kept, hiding, found = [], False, False
    for line in source.splitlines():
        if BEGIN in line:
            hiding, found = True, True
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(indent + placeholder)
        elif END in line and hiding:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "\n".join(kept), found


def _short_error(output: NotebookNode) -> NotebookNode:
    """An error output reduced to 'Name: message', without the quoted test code."""
    output.traceback = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
    return output


class HideHiddenTests(NbGraderPreprocessor):
    """Replace the code of hidden tests by a note, and cut their tracebacks to the message."""

    placeholder = Unicode(
        "# (the hidden test's code is not shown; its result and message are below)",
        help="The line shown where a hidden test's code was.",
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int):
        if cell.cell_type != "code":
            return cell, resources
        source, found = strip_hidden_region(cell.source, self.placeholder)
        if found:
            cell.source = source
            cell.outputs = [_short_error(o) if o.output_type == "error" else o for o in cell.get("outputs", [])]
        return cell, resources

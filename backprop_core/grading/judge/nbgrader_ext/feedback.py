"""What ``nbgrader generate_feedback`` shows: a hidden test's result, never its code, and what it checks.

:class:`DescribeTestCells` notes, for the page's summary, what each test cell
checks (the page itself: :mod:`.feedback_page`).
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


#: How the course's hidden test cells open (backprop_core.grading.commands.authoring writes them).
_HIDDEN_TESTS_PREFIX = "Hidden tests:"


def what_test_checks(source: str) -> str:
    """What a test cell checks, in the words of its first comment line, or ``""`` when it opens with none.

    The course's hidden tests open with ``# Hidden tests: <what> on random cases.``; a public test or an
    instructor's own test cell with ``# <what it checks>``.

    Examples
    --------
    >>> what_test_checks("# Hidden tests: bowl-shaped errors of one weight on random cases.\\n### BEGIN HIDDEN TESTS")
    'bowl-shaped errors of one weight on random cases'
    """
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#") or stripped.startswith("###"):
            return ""  # code, or nbgrader's own markers: no description
        words = stripped.lstrip("#").strip()
        return words.removeprefix(_HIDDEN_TESTS_PREFIX).strip().rstrip(".")
    return ""


class DescribeTestCells(NbGraderPreprocessor):
    """Note in each test cell's metadata (``backprop.checks``) what it checks, for the feedback's summary.

    Runs before :class:`HideHiddenTests`, on the autograded notebook; the description comes from the cell's
    first comment line, which the student also sees.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int):
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") and not grading.get("solution"):
            checks = what_test_checks(cell.source)
            if checks:
                cell.metadata.setdefault("backprop", {})["checks"] = checks
        return cell, resources


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

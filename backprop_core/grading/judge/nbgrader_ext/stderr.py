"""A hidden test's points depend only on whether it raised: stderr is shown, never scored.

nbgrader 0.9.6 (``utils.determine_grade``) scores a test cell 0 as soon as it
has any output on stderr, even when the test passed. Students' correct code
writes there for harmless reasons: a numpy ``RuntimeWarning``, a leftover
``print(..., file=sys.stderr)``. :class:`StderrShownNotScored` runs in
``nbgrader autograde`` after the notebook is executed and before the grades
are saved: in every test cell it turns stderr into stdout, each line marked
``(stderr)``, so the student still sees it in the feedback.
"""
from __future__ import annotations

from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

__all__ = ["StderrShownNotScored", "mark_lines"]


def mark_lines(text: str, mark: str) -> str:
    """``text`` with ``mark`` before each of its lines (line ends kept)."""
    return "".join(mark + line for line in text.splitlines(keepends=True))


class StderrShownNotScored(NbGraderPreprocessor):
    """In test cells, stderr becomes stdout with each line marked, so that it costs no point."""

    mark = Unicode("(stderr) ", help="Put before each line that a test cell wrote on stderr.").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = mark_lines(output.text, self.mark)
        return cell, resources

"""nbgrader plug-ins of the course (loaded by ``nbgrader_config.py``).

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

from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells

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


class RestoreDeletedTests(OverwriteCells):
    """nbgrader's OverwriteCells, with deleted test cells put back where they were.

    nbgrader 0.9.6 (``add_missing_cells``) puts a deleted grade cell after the
    source cell just before it, and fails with a KeyError when that cell is a
    read-only one, as our public tests are. Here a deleted grade cell goes
    after the nearest earlier nbgrader cell still in the submission.
    """

    def add_missing_grade_cells(self, nb: NotebookNode, resources: Any):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}

        def position(grade_id: str) -> int | None:
            for idx, cell in enumerate(nb.cells):
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                    return idx
            return None

        insert_at = 0
        for source_cell in source_nb.source_cells:
            found = position(source_cell.name)
            if found is not None:
                insert_at = found + 1
            elif source_cell.name in grade_cells:
                self.log.warning("Missing grade cell %s encountered, adding it back", source_cell.name)
                cell = self.missing_cell_transform(source_cell, grade_cells[source_cell.name].max_score,
                                                   is_solution=source_cell.name in solution_ids)
                if nb.get("nbformat_minor", 0) >= 5:  # cell ids since nbformat 4.5
                    cell["id"] = f"restored-{len(nb.cells)}"
                nb.cells.insert(insert_at, cell)
                insert_at += 1
        return nb, resources

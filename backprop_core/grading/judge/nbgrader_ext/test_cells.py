"""Sanitising a submission: every nbgrader cell is the gradebook's own copy, once.

A student's notebook carries nbgrader metadata that the student can change
without meaning to (JupyterLab copies a cell with its metadata) or on purpose
(the metadata editor). nbgrader 0.9.6 trusts that metadata and crashes on
what it does not expect (``KeyError: 'grade_id'``, ``MissingEntry``,
"Notebook failed to validate"), and then the whole lesson is not graded.
:class:`RestoreTestCells` replaces nbgrader's ``DeduplicateIds`` and
``OverwriteCells`` in ``nbgrader autograde``'s sanitising step:

- a cell claiming a grade id the gradebook does not know is an ordinary cell;
- of several cells claiming one grade id, one is the original (see
  :func:`choose_originals`), the others are ordinary cells (copies);
- the original's nbgrader metadata is rewritten from the gradebook (flags,
  points, cell type), and a locked cell (a test) gets the gradebook's source;
- a test cell missing from the submission is put back where it was.

So editing, copying or deleting a test can neither earn nor cost a point:
what is graded is what the instructor released, run after the student's code.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells

#: nbgrader's metadata schema version that every rewritten cell gets.
SCHEMA_VERSION = 3

#: Where a copied or unknown cell says why it is graded as an ordinary cell
#: (the first line of a code cell; the feedback shows it).
COPY_NOTE = ("# (grader) A copy of the course's cell {grade_id!r}: it ran as an ordinary cell, "
             "and the original was graded.\n")
UNKNOWN_NOTE = ("# (grader) This cell's nbgrader metadata names no cell of the lesson ({claim}): "
                "it ran as an ordinary cell.\n")


def claimed_grade_id(cell: NotebookNode) -> str | None:
    """The grade id a cell's nbgrader metadata claims, or None (no metadata, or not a usable id)."""
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) and grade_id else None


def choose_originals(cells: list, known: set[str], released_ids: dict[str, str]) -> dict[int, str]:
    """Which cell is the original of each grade id: {cell index: grade id}.

    Parameters
    ----------
    cells : list of NotebookNode
        The submitted notebook's cells.
    known : set of str
        The grade ids the gradebook knows for this notebook.
    released_ids : dict
        grade id -> the cell id (nbformat >= 4.5) that cell had in the release.

    Returns
    -------
    dict
        The index of the one original cell of every known grade id present.

    Notes
    -----
    JupyterLab gives a pasted copy a new cell id (it keeps the id only when a
    cell is cut and pasted, i.e. moved), so the original is the cell that
    still has the id the release gave it. When no cell or several cells have
    it (another editor, an old notebook format), the last one is the original:
    for a test, the copy that runs after everything above it.
    """
    claims: dict[str, list[int]] = defaultdict(list)
    for index, cell in enumerate(cells):
        grade_id = claimed_grade_id(cell)
        if grade_id in known:
            claims[grade_id].append(index)
    originals = {}
    for grade_id, indices in claims.items():
        same_id = [i for i in indices if released_ids.get(grade_id) and cells[i].get("id") == released_ids[grade_id]]
        originals[same_id[-1] if len(same_id) == 1 else indices[-1]] = grade_id
    return originals


def _with_note(cell: NotebookNode, note: str) -> None:
    """Put ``note`` on the first line of a code cell (never before a ``%%`` cell magic, which must come first)."""
    if cell.cell_type == "code" and not cell.source.lstrip().startswith("%%"):
        cell.source = note + cell.source


class RestoreTestCells(OverwriteCells):
    """nbgrader's OverwriteCells, trusting the gradebook instead of the submission's metadata.

    Replaces ``DeduplicateIds`` and ``OverwriteCells`` in
    ``Autograde.sanitize_preprocessors`` (see the module docstring). With
    ``add_missing_cells``, a deleted grade cell goes back after the nearest
    earlier nbgrader cell still in the submission. (nbgrader 0.9.6 puts it
    after the source cell just before it, and fails with a KeyError when that
    cell is a read-only one, as our public tests are.)
    """

    def preprocess(self, nb: NotebookNode, resources: Any):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = Gradebook(resources["nbgrader"]["db_url"])
        with self.gradebook:
            source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            self._trust_the_gradebook(nb, source_nb)
            # nbgrader's own pass, on clean metadata: cell types, locked sources, checksums.
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
        return nb, resources

    # ---------------------------------------------------------------- metadata
    def _trust_the_gradebook(self, nb: NotebookNode, source_nb) -> None:
        """Keep one original per known grade id, with the gradebook's metadata; strip every other claim."""
        expected = self._expected_metadata(source_nb)
        originals = choose_originals(nb.cells, set(expected), self._released_cell_ids())
        for index, cell in enumerate(nb.cells):
            if "nbgrader" not in cell.get("metadata", {}):
                continue
            grade_id = claimed_grade_id(cell)
            if index in originals:
                cell.metadata.nbgrader = NotebookNode(dict(expected[grade_id]))
                continue
            del cell.metadata["nbgrader"]
            if grade_id in expected:
                self.log.warning("Cell %d is a copy of cell %r: graded as an ordinary cell", index, grade_id)
                _with_note(cell, COPY_NOTE.format(grade_id=grade_id))
            else:
                self.log.warning("Cell %d names no cell of the lesson (%r): graded as an ordinary cell",
                                 index, grade_id)
                _with_note(cell, UNKNOWN_NOTE.format(claim=repr(grade_id) if grade_id else "no grade id"))

    @staticmethod
    def _expected_metadata(source_nb) -> dict[str, dict]:
        """grade id -> the nbgrader metadata the release gave that cell, from the gradebook."""
        points = {cell.name: cell.max_score for cell in source_nb.grade_cells}
        solutions = {cell.name for cell in source_nb.solution_cells}
        tasks = {cell.name for cell in source_nb.task_cells}
        expected = {}
        for cell in source_nb.source_cells:
            meta = {"grade": cell.name in points, "grade_id": cell.name, "locked": bool(cell.locked),
                    "solution": cell.name in solutions, "task": cell.name in tasks,
                    "schema_version": SCHEMA_VERSION}
            if cell.name in points:
                meta["points"] = points[cell.name]
            expected[cell.name] = meta
        return expected

    def _released_cell_ids(self) -> dict[str, str]:
        """grade id -> cell id in the released notebook (empty when the release cannot be read)."""
        coursedir = CourseDirectory(parent=self)
        path = os.path.join(coursedir.format_path(coursedir.release_directory, ".", self.assignment_id),
                            f"{self.notebook_id}.ipynb")
        try:
            with open(path, encoding="utf-8") as handle:
                cells = json.load(handle)["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            self.log.warning("No release at %s: copies of a cell are told apart by position only", path)
            return {}
        return {grade_id: cell["id"] for cell in cells
                if (grade_id := claimed_grade_id(cell)) and isinstance(cell.get("id"), str)}

    def update_cell_type(self, cell: NotebookNode, cell_type: str) -> None:
        # A markdown cell may hold attachments, which a code cell may not: drop them first.
        if cell_type == "code":
            cell.pop("attachments", None)
        super().update_cell_type(cell, cell_type)

    # ---------------------------------------------------------------- deleted cells
    def add_missing_grade_cells(self, nb: NotebookNode, resources: Any):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        def position(grade_id: str) -> int | None:
            return next((i for i, cell in enumerate(nb.cells) if claimed_grade_id(cell) == grade_id), None)

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

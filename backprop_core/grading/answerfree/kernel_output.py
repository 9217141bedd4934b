"""Inside the kernel, under ``nbgrader autograde``: each cell writes at most so many characters.

An endless ``print`` loop writes hundreds of megabytes a second. The kernel
holds all of it until its next flush and sends it as one message, which the
grader then has to read: the grading stalls and runs out of memory long
before the cell's timeout. Here the cap applies where the output is made:
``CellGuard`` (in :mod:`backprop_core.grading.answerfree.cell_guard`)
calls :func:`install` in every kernel it starts, and from then on each cell's
``sys.stdout`` and ``sys.stderr`` together keep at most ``limit`` characters,
the last of them a note that the rest was cut, and drop everything after.
A student's own Jupyter never runs this.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

__all__ = ["OutputBudget", "cut_note", "install"]


def cut_note(limit: int) -> str:
    """The words that end a cell's output once it passed ``limit`` characters."""
    return (f"(grader) The rest of this cell's output is not shown: it passed {limit:,} characters "
            f"(about {limit / 1e6:g} MB).")


class OutputBudget:
    """The characters a cell may still write, shared by its stdout and stderr."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.note = "\n" + cut_note(limit) + "\n"
        self.left = limit - len(self.note)  # the note fits in the limit too
        self.noted = False
        self._uncapped: list[tuple[Any, Callable]] = []

    def start_cell(self, *_event: Any) -> None:
        """Before a cell (IPython ``pre_run_cell``): the whole budget, and the streams capped.

        IPython (9) wraps ``sys.stdout.write`` for the length of each cell, and puts
        back what it found when the cell ends: so the cap goes on inside that wrapper,
        cell by cell, and comes off in :meth:`end_cell`.
        """
        self.left, self.noted = self.limit - len(self.note), False
        self._uncapped = [(stream, stream.write) for stream in (sys.stdout, sys.stderr)]
        for stream, write in self._uncapped:
            stream.write = self.capped(write)

    def end_cell(self, *_event: Any) -> None:
        """After a cell (IPython ``post_run_cell``): the streams as they were."""
        for stream, write in self._uncapped:
            stream.write = write
        self._uncapped = []

    def capped(self, write: Callable[[str], Any]) -> Callable[[str], int]:
        """``write``, keeping only what fits in the budget, then the note once."""
        def capped_write(text: str) -> int:
            kept = text[: max(self.left, 0)]
            if kept:
                self.left -= len(kept)
                write(kept)
            if len(kept) < len(text) and not self.noted:
                self.noted = True
                write(self.note)
            return len(text)  # what the caller asked to write: a short count would make it retry
        return capped_write


def install(limit: int) -> OutputBudget:
    """Cap every later cell's stdout and stderr at ``limit`` characters (in the running IPython kernel)."""
    from IPython import get_ipython

    budget = OutputBudget(limit)
    events = get_ipython().events
    events.register("pre_run_cell", budget.start_cell)
    events.register("post_run_cell", budget.end_cell)
    return budget

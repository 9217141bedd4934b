"""nbgrader's Execute with :class:`~backprop_core.grading.answerfree.cell_guard.CellGuard`'s rules.

Kept for running a notebook in-process under nbgrader (``nbgrader validate``, the benchmark's
unsandboxed baseline); ``make autograde`` runs notebooks with :class:`.SandboxedExecute` instead.
"""
from __future__ import annotations

from nbgrader.preprocessors import Execute

from ...answerfree.cell_guard import CellGuard, output_size

__all__ = ["GuardedExecute", "output_size"]


class GuardedExecute(CellGuard, Execute):
    """nbgrader's Execute, where one runaway cell never stops the rest of the notebook from grading."""

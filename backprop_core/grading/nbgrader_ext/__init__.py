"""nbgrader plug-ins of the course (loaded by ``nbgrader_config.py``), one module per step.

- :mod:`.test_cells` (autograde, sanitising): every nbgrader cell is the gradebook's own copy, once;
- :mod:`.execute` (autograde, running): a cell that runs too long is stopped, the rest graded;
- :mod:`.stderr` (autograde, scoring): stderr is shown, never scored;
- :mod:`.feedback` (generate_feedback): a hidden test's result, never its code.
"""
from .execute import GuardedExecute
from .feedback import HideHiddenTests, strip_hidden_region
from .stderr import StderrShownNotScored
from .test_cells import RestoreTestCells

__all__ = ["GuardedExecute", "HideHiddenTests", "RestoreTestCells", "StderrShownNotScored", "strip_hidden_region"]

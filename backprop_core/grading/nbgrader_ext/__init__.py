"""nbgrader plug-ins of the course (loaded by ``nbgrader_config.py``), one module per step.

- :mod:`.test_cells` (autograde, sanitising): every nbgrader cell is the gradebook's own copy, once;
- :mod:`.sandboxed` (autograde, running): the student's code in a sandbox, the hidden tests judged outside it;
- :mod:`.execute` (inside the sandbox): a cell that runs too long is stopped, the rest graded;
- :mod:`.stderr` (autograde, scoring): stderr is shown, never scored;
- :mod:`.feedback` (generate_feedback): a hidden test's result, never its code.
"""
from .execute import GuardedExecute
from .sandboxed import SandboxedExecute
from .feedback import HideHiddenTests, strip_hidden_region
from .stderr import StderrShownNotScored
from .test_cells import RestoreTestCells

__all__ = ["GuardedExecute", "HideHiddenTests", "RestoreTestCells", "SandboxedExecute", "StderrShownNotScored", "strip_hidden_region"]

"""nbgrader plug-ins of the course (loaded by ``nbgrader_config.py``), one module per step.

- :mod:`.test_cells` (autograde, sanitising): every nbgrader cell is the gradebook's own copy, once;
- :mod:`.sandboxed` (autograde, running): the student's code in a sandbox, the hidden tests judged outside it;
- :mod:`.execute` (inside the sandbox): a cell that runs too long is stopped, the rest graded;
- :mod:`.stderr` (autograde, scoring): stderr is shown, never scored;
- :mod:`.feedback` (generate_feedback): a hidden test's result, never its code, and what it checks;
- :mod:`.feedback_page` (generate_feedback): the page, readable offline, formulas as MathML, no script at all;
- :mod:`.sanitize` (every HTML export: formgrader, feedback): student content never runs in a browser;
- :mod:`.formgrader_policy` (``make formgrader``'s server extension): a submission's page lets run only nbgrader's scripts;
- :mod:`.collect` (collect): a submission only from its own student, without links, at its true time;
- :mod:`.release` (release_assignment): only exchange folders the instructor owns.
"""
from .collect import VettedCollect
from .execute import GuardedExecute
from .sandboxed import SandboxedExecute
from .feedback import DescribeTestCells, HideHiddenTests, strip_hidden_region
from .feedback_page import OfflineFeedbackExporter
from .sanitize import SanitizeStudentContent
from .stderr import StderrShownNotScored
from .test_cells import RestoreTestCells

__all__ = ["DescribeTestCells", "GuardedExecute", "HideHiddenTests", "OfflineFeedbackExporter", "RestoreTestCells", "SandboxedExecute", "SanitizeStudentContent", "StderrShownNotScored", "VettedCollect",
           "strip_hidden_region"]

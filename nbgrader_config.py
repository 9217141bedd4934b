"""nbgrader configuration for the course (instructor side).

nbgrader reads this file from the directory it runs in; ``make release``,
``make autograde``, ``make feedback`` and ``make grades`` run it from here.

Environment variables (all optional):

BACKPROP_GRADEBOOK_URL
    SQLAlchemy URL of the gradebook, e.g. ``postgresql://user@host/backprop``;
    default: ``sqlite:///<this directory>/gradebook.db`` (git-ignored).
BACKPROP_CELL_TIMEOUT
    Seconds one cell may run under autograde/validate before it is
    interrupted (default 60). The rest of the notebook still runs and grades.
"""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, GetGrades, OverwriteKernelspec

from backprop_core.grading.nbgrader_ext import HideHiddenTests, RestoreDeletedTests

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "backprop-step-by-step"
c.CourseDirectory.root = HERE
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
c.CourseDirectory.db_url = os.environ.get("BACKPROP_GRADEBOOK_URL") or "sqlite:///" + os.path.join(HERE, "gradebook.db")
# A lesson's text source, solutions/<id>/<id>.py, holds its solutions: it stays out of every copy
# nbgrader makes (the release, the autograded folders). Lesson folders hold no other Python: shared
# code lives in backprop_core.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]

# One student cell stuck in an endless loop must not stop the grading: after
# the timeout nbclient interrupts the kernel (KeyboardInterrupt in that cell),
# records the error below in the cell and goes on with the next cell.
_TIMEOUT = int(os.environ.get("BACKPROP_CELL_TIMEOUT") or 60)
c.Execute.timeout = _TIMEOUT
c.Execute.interrupt_on_timeout = True
c.Execute.error_on_timeout = {
    "ename": "CellTimeoutError",
    "evalue": f"this cell ran longer than {_TIMEOUT} s and was stopped",
    "traceback": [f"CellTimeoutError: this cell ran longer than {_TIMEOUT} s and was stopped"],
}
# The grader's own limit on a student's function in a hidden test is shorter,
# so that a slow or endless function gets a message naming it.
os.environ.setdefault("BACKPROP_CHECK_TIME_LIMIT", str(max(1, min(10, _TIMEOUT // 3))))

# A deleted test cell is put back and run: deleting a test cannot earn (or hide) anything.
# (RestoreDeletedTests: nbgrader's OverwriteCells with its missing-cell bug fixed.)
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreDeletedTests, CheckCellMetadata,
]
c.RestoreDeletedTests.add_missing_cells = True

# Feedback: each test's points and message, never the code of a hidden test.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]

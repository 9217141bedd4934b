"""nbgrader configuration for the course (instructor side).

nbgrader reads this file from the directory it runs in; ``make release``,
``make autograde``, ``make feedback`` and ``make grades`` run it from here.

Environment variables (all optional):

BACKPROP_GRADEBOOK_URL
    SQLAlchemy URL of the gradebook, e.g. ``postgresql://user@host/backprop``
    (or ``postgres://``; its driver, psycopg 3, is the ``postgres`` extra);
    default: ``sqlite:///<this directory>/gradebook.db`` (git-ignored). The first
    instructor command records it in ``.gradebook-url``; a command run with
    another one stops (backprop_core/grading/commands/gradebook_url.py).
BACKPROP_CELL_TIMEOUT
    Seconds one cell may run under autograde/validate before it is
    interrupted (default 60; in the hidden tests' sandbox, CPU seconds). The rest of the notebook still runs and grades.
BACKPROP_CELL_OUTPUT_LIMIT
    Characters of output autograde keeps per cell (default 1000000, about
    1 MB); the rest is cut, with a note.
BACKPROP_RUN_WHOLE_NOTEBOOK
    1: autograde runs each notebook as a whole (sandboxed) for the outputs its
    feedback shows; default 0: the feedback shows the outputs it was submitted
    with. The hidden tests grade either way.
"""
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, GetGrades, IgnorePattern,
                                    LimitOutput, OverwriteKernelspec, SaveAutoGrades)

from backprop_core.grading.commands import gradebook_url
from backprop_core.grading.judge.nbgrader_ext import DescribeTestCells, GuardedExecute, HideHiddenTests, OfflineFeedbackExporter, RestoreTestCells, SandboxedExecute, SanitizeStudentContent, StderrShownNotScored
from backprop_core.grading.judge.nbgrader_ext.feedback_page import TEMPLATE_NAME as FEEDBACK_TEMPLATE, feedback_template_dirs

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "backprop-step-by-step"
c.CourseDirectory.root = HERE
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"


def _gradebook_url(url: str) -> str:
    """The gradebook's SQLAlchemy URL: ``postgresql://`` and ``postgres://`` name psycopg 3, SQLAlchemy's
    ``postgresql+psycopg://`` (it knows no ``postgres://``); without that driver, stop in one line."""
    scheme, separator, rest = url.partition("://")
    if not separator or scheme.lower() not in ("postgresql", "postgres"):
        return url  # sqlite, or a driver named on purpose (postgresql+psycopg2://...)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        # SystemExit, not the ImportError: nbgrader logs a config file's errors and goes on with its default
        # gradebook (a new sqlite file); this stops it, and the instructor, with the line below.
        raise SystemExit("the PostgreSQL gradebook needs the driver: pip install -e '.[postgres]' "
                         "(or make autograde GRADEBOOK=...)") from None
    return "postgresql+psycopg://" + rest


# The course's gradebook, as recorded by the first instructor command (.gradebook-url): a forgotten
# GRADEBOOK= stops here in one line instead of grading into a new, empty sqlite file.
c.CourseDirectory.db_url = _gradebook_url(gradebook_url.checked(HERE, os.environ.get("BACKPROP_GRADEBOOK_URL")))
# A lesson's text source, solutions/<id>/<id>.py, holds its solutions: it stays out of every copy
# nbgrader makes (the release, the autograded folders). Lesson folders hold no other Python: shared
# code lives in backprop_core.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]

# nbgrader collect (on a class's server, from the exchange every student may write to) takes a submission
# only from the student who owns it, copies no link or pipe, and records when its files were really written
# (backprop_core/grading/judge/nbgrader_ext/collect.py says what nbgrader's own collect lets a student do).
c.ExchangeFactory.collect = "backprop_core.grading.judge.nbgrader_ext.collect.VettedCollect"
# nbgrader release_assignment uses only exchange folders the instructor owns: the course's folder (or
# outbound/, inbound/, a lesson's folder) made there by a student before the first release is moved aside,
# or the release stops saying which path, whose it is and the command to fix it (nbgrader_ext/release.py).
c.ExchangeFactory.release_assignment = "backprop_core.grading.judge.nbgrader_ext.release.VettedReleaseAssignment"

# One student cell stuck in an endless loop must not stop the grading: after
# the timeout nbclient interrupts the kernel (KeyboardInterrupt in that cell),
# records the error below in the cell and goes on with the next cell. (Under
# autograde, GuardedExecute also stops a cell that ignores the interrupt or
# kills the kernel, and caps each cell's output.)
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

# Sanitising: every nbgrader cell is the gradebook's own copy, once. A copied cell (JupyterLab copies
# metadata) or one whose metadata names no cell of the lesson is graded as an ordinary cell; a test
# cell's flags, points, type and source come from the gradebook; a deleted test cell is put back.
# (RestoreTestCells replaces nbgrader's DeduplicateIds and OverwriteCells, which crash on these.)
# The submitted outputs are kept (SandboxedExecute caps them, or replaces them when it runs the whole
# notebook): they are what the student saw, shown in the feedback, never scored.
c.Autograde.sanitize_preprocessors = [OverwriteKernelspec, RestoreTestCells, CheckCellMetadata]
c.RestoreTestCells.add_missing_cells = True

# Grading: nbgrader's steps, with SandboxedExecute for Execute: the student's code runs only in
# bubblewrap sandboxes (Debian package `bubblewrap`), the hidden tests are judged in this process
# (README, "The grading sandbox"), and a test cell's stderr is shown as stdout before the grades are
# saved (nbgrader scores any stderr output 0, even from a passing test).
c.Autograde.autograde_preprocessors = [
    SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, StderrShownNotScored,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]
c.SandboxedExecute.timeout = _TIMEOUT
c.SandboxedExecute.error_on_timeout = c.Execute.error_on_timeout
c.SandboxedExecute.max_output_characters = int(os.environ.get("BACKPROP_CELL_OUTPUT_LIMIT") or 1_000_000)
# Time is CPU time (README, "Fair time"): a hidden test's function gets max(this floor, the factor times the
# reference's CPU time, measured by the canary in the same sandbox); the wall clock is only a backstop for
# code that sleeps, this many times the CPU limit.
c.SandboxedExecute.hidden_test_time_limit = float(os.environ["BACKPROP_CHECK_TIME_LIMIT"])
c.SandboxedExecute.hidden_test_cpu_factor = 10.0
c.SandboxedExecute.hidden_test_wall_backstop = 10.0
# The sandbox's limits, for each sandboxed process (the whole notebook; each exercise's hidden tests).
c.SandboxedExecute.memory_bytes = 2 * 1024**3  # address space; a bigger allocation raises MemoryError inside
c.SandboxedExecute.max_processes = 64  # processes and threads of the sandbox user
c.SandboxedExecute.cpu_seconds = 600  # CPU time of one sandboxed process
c.SandboxedExecute.notebook_wall_seconds = 900  # the whole-notebook run (for the feedback's outputs)
c.SandboxedExecute.hidden_test_wall_seconds = 300  # one exercise's hidden tests
# All the hidden tests of one notebook together (every exercise, sandbox and rerun); past it the rest of
# that submission is "not graded: took too long" and the class goes on.
c.SandboxedExecute.submission_seconds = float(os.environ.get("BACKPROP_SUBMISSION_SECONDS") or 1800)
c.SandboxedExecute.group_memory_bytes = 3 * 1024**3  # all of one sandbox's processes together (a cgroup, as root)
c.SandboxedExecute.max_output_bytes = 4 * 1024**2  # stdout/stderr of a sandboxed process
c.SandboxedExecute.sandbox_uid = 65534  # the unprivileged user (nobody) the student's code runs as
# Run the whole notebook (sandboxed) for the feedback's outputs? Off: the feedback shows the outputs the
# notebook was submitted with, and only the hidden tests run (about a third of the time; lesson 07's
# training is not redone for every student). BACKPROP_RUN_WHOLE_NOTEBOOK=1 turns it on.
c.SandboxedExecute.run_whole_notebook = os.environ.get("BACKPROP_RUN_WHOLE_NOTEBOOK", "0") == "1"
c.SandboxedExecute.build_cache = os.path.join(HERE, ".grading", "hidden-test-builds")
# Inside the whole-notebook sandbox, cells run under GuardedExecute's rules (backprop_core.grading.answerfree.run_notebook).
c.GuardedExecute.max_output_characters = c.SandboxedExecute.max_output_characters

# Feedback: each test's points and message, never the code of a hidden test; the summary names each test by
# its grade id and what it checks. The page carries MathJax itself (the django-static-mathjax package's
# MathJax 3), so its formulas render offline; it is one file, as the exchange hands back only the .html.
c.GenerateFeedback.preprocessors = [GetGrades, DescribeTestCells, HideHiddenTests, CSSHTMLHeaderPreprocessor]
c.GenerateFeedback.exporter_class = OfflineFeedbackExporter
# nbgrader's defaults for any HTMLExporter (its own template) must not replace the course's page.
c.OfflineFeedbackExporter.template_name = FEEDBACK_TEMPLATE
c.OfflineFeedbackExporter.extra_template_basedirs = feedback_template_dirs()

# Student content never runs in a browser: every HTML export (the formgrader's submission pages, nbgrader's
# HTMLExporter; the feedback page, a subclass) shows a submission's markdown and outputs cleaned by bleach with
# the course's allow-list: no script, event handler, javascript: URL, iframe/object/embed or inline SVG
# (backprop_core/grading/judge/nbgrader_ext/sanitize.py). The notebooks on disk are left as they are.
c.HTMLExporter.preprocessors = [SanitizeStudentContent]

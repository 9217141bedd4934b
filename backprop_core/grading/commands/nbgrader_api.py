"""The one module of the instructor's commands that talks to nbgrader's API: :func:`api` opens it on a
course, :func:`error_text` reads what a failed call says.

Both the commands (:mod:`.instructor`) and the grading of a submission (:mod:`.parallel`, :mod:`.canary`)
use it, so neither imports the other for it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from . import gradebook_url

__all__ = ["api", "ensure_tools_on_path", "error_text"]


def ensure_tools_on_path() -> None:
    # nbgrader runs the `alembic` executable for the gradebook: it lives beside
    # this interpreter, which may not be on PATH (a venv used without activating it).
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def api(root: Path):
    """nbgrader's API, configured by ``root/nbgrader_config.py``."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        raise SystemExit(f"no nbgrader_config.py in {root}: run from the course root or pass --root")
    ensure_tools_on_path()
    config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    api = NbGraderAPI(config=config)
    gradebook_url.remember(root, os.environ.get("BACKPROP_GRADEBOOK_URL") or api.coursedir.db_url)
    return api


def error_text(result: dict) -> str:
    """The useful part of a failed nbgrader call: its error lines and the exception that stopped it."""
    log = result.get("log") or ""
    # The grader could not judge part of it (SandboxedExecute's NotGraded): its reason is the whole story.
    not_graded = [ln.split("NotGraded: ", 1)[1].strip() for ln in log.splitlines() if "NotGraded: " in ln]
    if not_graded:
        return not_graded[-1]
    lines = [ln.strip() for ln in log.splitlines()
             if "[ERROR]" in ln and "see the" not in ln.lower() and "Traceback" not in ln]
    # nbgrader logs the traceback of what went wrong, then raises its own NbGraderException that only says
    # "see the above traceback": the cause is the logged traceback's own last line, not that exception.
    causes = [line for line in _exception_lines(f"{log}\n{result.get('error') or ''}") if "NbGraderException" not in line]
    text = "; ".join(dict.fromkeys(lines[-2:] + causes[-1:]))
    return text or "nbgrader failed (no message)"


def _exception_lines(text: str) -> list[str]:
    """The exception line of each traceback in ``text`` (``ValueError: ...``, ``SandboxUnavailable: ...``, a
    bare ``TimeUp``): the first line after the frames that is indented less than their ``File ...`` lines.

    nbgrader's captured log (tornado's formatter) indents every line of a multi-line message by four
    spaces, so the exception line is not at the margin there; a plain traceback's is."""
    found, inside, frames = [], False, None
    for line in text.splitlines():
        stripped = line.strip()
        if "Traceback (most recent call last):" in line:
            inside, frames = True, None
        elif inside and stripped:
            indent = len(line) - len(line.lstrip())
            if stripped.startswith("File ") and frames is None:
                frames = indent
            elif frames is not None and indent < frames:
                found.append(stripped)
                inside = False
    return found

"""Time to autograde one student's whole course, per lesson notebook: sandboxed against unsandboxed.

One temporary course holds every lesson in ``solutions/`` (or the sample
course of the tests when none has landed); one student submits the
solutions; ``python -m backprop_core.grading.commands.instructor autograde`` grades them and
reports the seconds of each lesson. Timed in the same run, on copies of the same course:

- the course's configuration: every submission sandboxed, hidden tests judged
  outside the student's process (``SandboxedExecute``); the notebook itself is not
  rerun (``run_whole_notebook`` off, the default);
- the same with the whole notebook also rerun in its sandbox for the feedback's
  outputs (``BACKPROP_RUN_WHOLE_NOTEBOOK=1``): like for like with the baseline, which
  runs every cell too;
- the baseline, grading as it was before the sandbox: the notebook and its hidden
  tests in one unsandboxed kernel (``GuardedExecute``, in-kernel ``grading.check``);
- an empty notebook through each autograde (the fixed cost per notebook, left out of
  the whole-course means).

Target: sandboxed ≤ 1.5× unsandboxed per lesson on a 2-core machine, in both
sandboxed configurations.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from ._table import Row

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sample_course"
TARGET_RATIO = 1.5
EMPTY = "00-empty"

#: Appended to the copied nbgrader_config.py of the baseline: the pre-sandbox autograde.
UNSANDBOXED = """
# benchmark baseline: the notebook and its hidden tests in one unsandboxed kernel, as before the sandbox
c.Autograde.autograde_preprocessors = [GuardedExecute if step is SandboxedExecute else step
                                       for step in c.Autograde.autograde_preprocessors]
"""


def _lessons(course: Path) -> list[str]:
    source = course / "solutions"
    return sorted(d.name for d in source.iterdir() if d.is_dir() and any(d.glob("*.ipynb"))) if source.is_dir() else []


def _env(**extra: str) -> dict:
    env = dict(os.environ)
    env.pop("BACKPROP_GRADEBOOK_URL", None)
    env.pop("BACKPROP_RUN_WHOLE_NOTEBOOK", None)
    env.update(extra)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _instructor(course: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course), *args],
                            capture_output=True, text=True, env=env or _env())
    if result.returncode:
        raise RuntimeError(f"instructor {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _build(tmp: Path) -> tuple[Path, list[str]]:
    tmp.mkdir(parents=True)
    source_course = ROOT if _lessons(ROOT) else SAMPLE
    lessons = _lessons(source_course)
    shutil.copy(ROOT / "nbgrader_config.py", tmp / "nbgrader_config.py")
    for lesson in lessons:
        shutil.copytree(source_course / "solutions" / lesson, tmp / "solutions" / lesson)
    empty = tmp / "solutions" / EMPTY
    empty.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, empty / f"{EMPTY}.ipynb")
    _instructor(tmp, "release")
    for lesson in lessons + [EMPTY]:
        shutil.copytree(tmp / "solutions" / lesson, tmp / "submitted" / "student" / lesson)
    return tmp, lessons


def _autograde_seconds(course: Path, **env: str) -> tuple[dict, float]:
    """Each lesson's autograde seconds as the CLI reports them, and the whole run's wall clock."""
    start = time.perf_counter()
    out = _instructor(course, "autograde", env=_env(**env))
    whole = time.perf_counter() - start
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"student / (\S+): .*\(([\d.]+) s\)", out)}, whole


def _rows(label: str, lessons: list[str], timed: tuple[dict, float], baseline: tuple[dict, float]) -> list[Row]:
    """One row per lesson and one for the whole course: ``timed`` against the unsandboxed ``baseline``."""
    (seconds, whole), (base_seconds, base_whole) = timed, baseline
    rows = []
    for lesson in lessons:
        rows.append(Row(f"autograde {lesson}", f"one student, {label}", seconds[lesson],
                        "unsandboxed (in-kernel tests)", base_seconds[lesson], "s", f"≤ {TARGET_RATIO:g}×",
                        seconds[lesson] <= TARGET_RATIO * base_seconds[lesson]))
    n = max(1, len(lessons))
    per_lesson, per_lesson_baseline = (whole - seconds[EMPTY]) / n, (base_whole - base_seconds[EMPTY]) / n
    rows.append(Row(f"autograde whole course ({len(lessons)} lessons)", f"mean per lesson, {label}",
                    per_lesson, "unsandboxed", per_lesson_baseline, "s", f"≤ {TARGET_RATIO:g}×",
                    per_lesson <= TARGET_RATIO * per_lesson_baseline))
    return rows


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as name:
        course, lessons = _build(Path(name) / "sandboxed")
        whole_notebook, baseline = Path(name) / "whole-notebook", Path(name) / "unsandboxed"
        shutil.copytree(course, whole_notebook)
        shutil.copytree(course, baseline)
        with open(baseline / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write(UNSANDBOXED)
        unsandboxed = _autograde_seconds(baseline)
        sandboxed = _autograde_seconds(course)
        rerun = _autograde_seconds(whole_notebook, BACKPROP_RUN_WHOLE_NOTEBOOK="1")
    return (_rows("sandboxed", lessons, sandboxed, unsandboxed)
            + _rows("sandboxed, notebook rerun too", lessons, rerun, unsandboxed))

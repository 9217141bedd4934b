"""Time to autograde one student's whole course, per lesson notebook.

One temporary course holds every lesson in ``solutions/`` (or the sample
course of the tests when none has landed); one student submits the
solutions; ``python -m backprop_core.grading.instructor autograde`` grades them and
reports the seconds of each lesson. Baselines, timed in the same run:

- the same notebook executed by plain nbclient (what the lesson itself costs);
- an empty notebook through nbgrader autograde (nbgrader's fixed cost per notebook).

Target: ≤ 5 s per lesson notebook on a 2-core machine.
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
TARGET_SECONDS = 5.0
EMPTY = "00-empty"


def _lessons(course: Path) -> list[str]:
    source = course / "solutions"
    return sorted(d.name for d in source.iterdir() if d.is_dir() and any(d.glob("*.ipynb"))) if source.is_dir() else []


def _env() -> dict:
    env = dict(os.environ)
    env.pop("BACKPROP_GRADEBOOK_URL", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _instructor(course: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "backprop_core.grading.instructor", "--root", str(course), *args],
                            capture_output=True, text=True, env=_env())
    if result.returncode:
        raise RuntimeError(f"instructor {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _nbclient_seconds(notebook: Path) -> float:
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    return time.perf_counter() - start


def _build(tmp: Path) -> tuple[Path, list[str]]:
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


def run() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as name:
        course, lessons = _build(Path(name))
        start = time.perf_counter()
        out = _instructor(course, "autograde")
        whole = time.perf_counter() - start
        seconds = {m.group(1): float(m.group(2))
                   for m in re.finditer(r"student / (\S+): .*\(([\d.]+) s\)", out)}
        fixed = seconds[EMPTY]
        for lesson in lessons:
            notebook = next((course / "solutions" / lesson).glob("*.ipynb"))
            plain = _nbclient_seconds(notebook)
            rows.append(Row(f"autograde {lesson}", "one student, nbgrader autograde", seconds[lesson],
                            "plain nbclient run", plain, "s", f"≤ {TARGET_SECONDS:g} s",
                            seconds[lesson] <= TARGET_SECONDS))
        per_lesson = (whole - fixed) / max(1, len(lessons))
        rows.append(Row(f"autograde whole course ({len(lessons)} lessons)", "mean per lesson, CLI wall clock",
                        per_lesson, "empty notebook autograde", fixed, "s", f"≤ {TARGET_SECONDS:g} s",
                        per_lesson <= TARGET_SECONDS))
    return rows

"""Run All of every lesson, solution and release, headless through nbclient: seconds per lesson against 15 s.

Issue 22: "Run All of every lesson in at most 15 s on this 2-core machine (release and solution)". Each
notebook runs top to bottom in a fresh kernel, as a student's Run All does (no ``NBGRADER_EXECUTION``: the
widgets see a plain headless kernel and never wait), in a scratch copy of its folder. The time is the wall
time of the cells, the kernel's start left out (JupyterLab starts it before Run All).

Each notebook runs twice, to measure what one BLAS thread is worth for it:

- *default threads*: the kernel's environment without the BLAS variables and with
  ``BACKPROP_BLAS_THREADS=default``, which makes the lessons' pin do nothing: numpy starts the threads
  it starts on a student's machine;
- *one thread*: ``OPENBLAS_NUM_THREADS=1`` (and OMP, MKL) from the start.

A lesson whose first cell pins the threads (:func:`backprop_core.course.blas.one_blas_thread`; "pins" in
the job's name) runs as shipped like the second row, any other like the first.

The release runs with ``allow_errors``: its exercises are stubs, and a public test reports in red and goes on.
A row's ratio is seconds / 15 s; the target is ≤ 1.00×. ``python -m benchmarks lessons`` (``make bench
ARGS=lessons``); ``BENCH_LESSONS=06,07`` runs only those lessons.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from ._table import Row

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15.0
CELL_TIMEOUT = 600
#: The variables that set numpy's BLAS threads at start; left out of the kernel's environment.
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BACKPROP_BLAS_THREADS")
SETTINGS = {"default threads": {"BACKPROP_BLAS_THREADS": "default"},
            "one thread": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}}


def _lessons() -> list[str]:
    wanted = [w.strip() for w in os.environ.get("BENCH_LESSONS", "").split(",") if w.strip()]
    names = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())
    return [n for n in names if not wanted or any(n.startswith(w) for w in wanted)]


#: The kernel's CPU time (every thread of it) is read before the first cell and after the last: on a loaded
#: machine the wall time says how busy the machine was, the CPU time what the lesson costs.
CPU_START = "import resource as _r\n_cpu0 = _r.getrusage(_r.RUSAGE_SELF)"
CPU_PROBE = ("_cpu1 = _r.getrusage(_r.RUSAGE_SELF)\n"
             "print(_cpu1.ru_utime + _cpu1.ru_stime - _cpu0.ru_utime - _cpu0.ru_stime, end='')")


def run_all_seconds(notebook: Path, extra_env: dict) -> tuple[float, float, int]:
    """Wall seconds of running every cell of ``notebook`` in a fresh kernel (its start left out), the kernel's
    CPU seconds over them, and how many cells ended in an error; in a scratch copy of the notebook's folder."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_VARIABLES and k != "NBGRADER_EXECUTION"}
    env.update(extra_env)
    with tempfile.TemporaryDirectory(prefix="bench-lessons-") as scratch:
        folder = Path(scratch) / notebook.parent.name
        shutil.copytree(notebook.parent, folder, ignore=shutil.ignore_patterns("*.py", ".ipynb_checkpoints"))
        nb = nbformat.read(folder / notebook.name, as_version=4)
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(folder)}})
        lesson_cells = list(nb.cells)
        nb.cells = [nbformat.v4.new_code_cell(CPU_START), *lesson_cells, nbformat.v4.new_code_cell(CPU_PROBE)]
        with client.setup_kernel(env=env):
            client.execute_cell(nb.cells[0], 0)
            start = time.perf_counter()
            for index in range(1, len(nb.cells) - 1):
                client.execute_cell(nb.cells[index], index)
            seconds = time.perf_counter() - start
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
        probe = nb.cells.pop()
        nb.cells.pop(0)
    errors = sum(1 for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs))
    cpu_seconds = float("".join(o.get("text", "") for o in probe.outputs) or "nan")
    return seconds, cpu_seconds, errors


def run() -> list[Row]:
    rows = []
    for lesson in _lessons():
        for version, folder in (("solution", "solutions"), ("release", "lessons")):
            notebook = ROOT / folder / lesson / f"{lesson}.ipynb"
            if not notebook.is_file():
                continue
            pins = "one_blas_thread()" in notebook.read_text(encoding="utf-8")
            for setting, extra in SETTINGS.items():
                seconds, cpu, errors = run_all_seconds(notebook, extra)
                print(f"  {lesson} ({version}), {setting}: {seconds:.1f} s, CPU {cpu:.1f} s", file=sys.stderr, flush=True)
                note = f", {errors} cells in error" if errors and version == "solution" else ""
                rows.append(Row(f"Run All {lesson} ({version}{', pins' if pins else ''})",
                                f"wall s, {setting} (kernel CPU {cpu:.1f} s){note}", seconds,
                                "15 s target", TARGET_SECONDS, "s", "≤ 1.00×",
                                seconds <= TARGET_SECONDS and not (errors and version == "solution")))
    return rows

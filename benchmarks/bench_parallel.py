"""Throughput of ``make autograde`` on a class: one worker against two, CPU-seconds per notebook, a projection.

One temporary course holds every lesson of ``solutions/``; a generated class of
:data:`STUDENTS` students submits each lesson (the solution, or the untouched
release for every third student, so both paths are graded). The same class is
graded, in copies of the same released course, in the same run:

- with ``--workers 1`` (every submission one after the other, in the instructor's process);
- with ``--workers 2`` (the embedded Dask cluster, one worker process per core here).

Rows: notebooks per minute with 2 workers against 1 (target ≥ 1.7× on 2 cores), beside what two
CPU-bound processes gain over one on the same machine in the same run (the ceiling);
CPU-seconds per notebook of the one-worker run, every process of the run counted
(the instructor, its workers, every sandbox; target ≤ 2.0); the grades of the two
runs compared (identical, or the row fails); and the time a class of 1,000
students × every lesson would take on one 16-core machine and on four, projected
from the measured CPU-seconds per notebook and the measured two-worker scaling.
"""
from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._table import Row
from .bench_autograde import ROOT, _env, _lessons

STUDENTS = 20
TARGET_SPEEDUP = 1.7
TARGET_CPU_SECONDS = 2.0
PROJECTED_STUDENTS, CORES_PER_MACHINE = 1000, 16


class _CpuMeter:
    """CPU seconds of a command and of every process it starts, sandboxes included.

    A cgroup counts them all (cgroup v1 ``cpuacct`` or v2 ``cpu.stat``), wherever they sit in PID
    namespaces; without one (not root), the children's rusage, which misses what bubblewrap's
    sandboxes reap themselves: the row then says so.
    """

    def __init__(self) -> None:
        self.group: Path | None = None
        for base, usage in ((Path("/sys/fs/cgroup/cpuacct"), "cpuacct.usage"), (Path("/sys/fs/cgroup"), "cpu.stat")):
            if (base / usage).exists() and os.access(base, os.W_OK):
                group = base / f"bench-autograde-{os.getpid()}"
                group.mkdir(exist_ok=True)
                self.group, self.usage = group, usage
                break
        self.how = "cgroup" if self.group else "rusage of waited children (misses the sandboxes)"

    def seconds(self) -> float:
        if self.group is None:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        text = (self.group / self.usage).read_text()
        if self.usage == "cpuacct.usage":
            return int(text) / 1e9
        return int(next(line.split()[1] for line in text.splitlines() if line.startswith("usage_usec"))) / 1e6

    def enter(self) -> None:
        """Run in the child before it executes: put it (and so all it starts) in the group."""
        if self.group is not None:
            (self.group / "cgroup.procs").write_text(str(os.getpid()))

    def close(self) -> None:
        if self.group is not None:
            try:
                self.group.rmdir()
            except OSError:
                pass


def _instructor(course: Path, *args: str, meter: _CpuMeter | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course), *args],
                            capture_output=True, text=True, env=_env(), preexec_fn=meter.enter if meter else None)
    if result.returncode:
        raise RuntimeError(f"instructor {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _build(tmp: Path) -> tuple[Path, int]:
    course = tmp / "released"
    course.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    lessons = _lessons(ROOT)
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, course / "solutions" / lesson,
                        ignore=shutil.ignore_patterns("*.py"))
    _instructor(course, "release")
    for k in range(STUDENTS):
        for lesson in lessons:
            source = course / ("lessons" if k % 3 == 2 else "solutions") / lesson / f"{lesson}.ipynb"
            folder = course / "submitted" / f"student{k:02d}" / lesson
            folder.mkdir(parents=True)
            shutil.copy(source, folder / source.name)
    return course, STUDENTS * len(lessons)


def _graded(released: Path, where: Path, workers: int, meter: _CpuMeter) -> tuple[float, float, list[dict]]:
    """Wall seconds and CPU seconds of one autograde of the class, and its export (without graded_at)."""
    course = where / f"workers-{workers}"
    shutil.copytree(released, course)
    cpu, start = meter.seconds(), time.perf_counter()
    _instructor(course, "autograde", "--workers", str(workers), meter=meter)
    wall, cpu = time.perf_counter() - start, meter.seconds() - cpu
    _instructor(course, "grades")
    with open(course / "grades-status.csv", newline="", encoding="utf-8") as file:
        rows = [{k: v for k, v in row.items() if k != "graded_at"} for row in csv.DictReader(file)]
    return wall, cpu, rows


def _spin(loops: int) -> int:
    """Pure-Python arithmetic: CPU-bound, no memory traffic to speak of, no I/O."""
    total = 0
    for k in range(loops):
        total += k * k % 7
    return total


def _machine_scaling(loops: int = 4_000_000) -> tuple[float, float]:
    """Wall seconds of one CPU-bound job alone, and of two such jobs at once in two processes.

    The ceiling any two-worker run can reach on this machine, measured in the same run: on two real
    cores two jobs take as long as one; on two hyperthreads of one core, or a busy host, longer.
    """
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # the processes are up before timing
        one, two = float("inf"), float("inf")
        for _ in range(3):
            start = time.perf_counter()
            pool.apply(_spin, (loops,))
            one = min(one, time.perf_counter() - start)
            start = time.perf_counter()
            pool.map(_spin, [loops, loops], chunksize=1)
            two = min(two, time.perf_counter() - start)
    return one, two


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def run() -> list[Row]:
    alone, together = _machine_scaling()
    meter = _CpuMeter()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-parallel-") as name:
            released, notebooks = _build(Path(name))
            one_wall, one_cpu, one_rows = _graded(released, Path(name), 1, meter)
            two_wall, two_cpu, two_rows = _graded(released, Path(name), 2, meter)
    finally:
        meter.close()
    one_rate, two_rate = 60 * notebooks / one_wall, 60 * notebooks / two_wall
    speedup = two_rate / one_rate
    cpu_per_notebook = one_cpu / notebooks
    lessons = len(_lessons(ROOT))
    # Projection: a 16-core machine keeps 16 workers busy; per worker the throughput measured with two
    # workers on two cores (speedup / 2 of one worker's), each notebook costing its measured wall time.
    per_worker_seconds = one_wall / notebooks / (speedup / 2)
    total = PROJECTED_STUDENTS * lessons
    one_machine = total * per_worker_seconds / CORES_PER_MACHINE
    return [
        Row(f"autograde a class ({notebooks} notebooks), 2 workers", "notebooks per minute", two_rate,
            "1 worker", one_rate, "nb/min", f"≥ {TARGET_SPEEDUP:g}×", speedup >= TARGET_SPEEDUP),
        Row("this machine: two CPU-bound jobs at once (the ceiling for 2 workers)", "jobs per second",
            2 / together, "one job alone", 1 / alone, "jobs/s", "(context)", True),
        Row("CPU per notebook, 1 worker", f"every process of the run ({meter.how})", cpu_per_notebook, "target", TARGET_CPU_SECONDS,
            "s", f"≤ {TARGET_CPU_SECONDS:g} s", cpu_per_notebook <= TARGET_CPU_SECONDS),
        Row("CPU per notebook, 2 workers (Dask's processes and the one writer included)", f"every process ({meter.how})",
            two_cpu / notebooks, "1 worker", cpu_per_notebook, "s", "(where the scaling goes)", True),
        Row("grades, 2 workers against 1", "export rows that differ", float(sum(a != b for a, b in
            zip(one_rows, two_rows)) + abs(len(one_rows) - len(two_rows))), "rows", float(len(one_rows)), "rows",
            "0 differ", one_rows == two_rows),
        Row(f"projected: {PROJECTED_STUDENTS} students × {lessons} lessons, one {CORES_PER_MACHINE}-core machine",
            _hours(one_machine), one_machine / 3600, "four such machines", one_machine / 4 / 3600, "h",
            "(projection)", True),
    ]

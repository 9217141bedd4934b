"""Scale (issue 24, item 10): the one writer alone, 1, 2 and 4 workers, and the 1,000 × 10 projection.

One temporary course holds every lesson of ``solutions/``, released; a class of :data:`STUDENTS`
students hands in each lesson (the solution, or the untouched release for every third student).

- **Workers**: the class is graded for real (``make autograde``'s CLI) with ``--workers 1``, 2 and 4,
  each in a fresh copy of the released course. Four is more workers than this machine's two cores:
  it shows whether the coordinator keeps up with more workers than it has cores beside it. Every
  process of a run is counted (cgroup): CPU-seconds per notebook.
- **The one writer alone**: every grading result of the one-worker run is kept, and a class of
  :data:`REPLAY_STUDENTS` students is then "graded" by the real ``autograde`` (the same process, lock,
  records, task building, ``record_result``, ``SaveAutoGrades``) whose pool hands back those results
  at once instead of grading: what the coordinator alone costs per notebook, i.e. the notebooks a
  second one writer can record whatever the number of workers.
- **A runaway cell**: one notebook of lesson 01 whose solution cell ends in ``while True: pass``,
  graded alone: the CPU a stuck cell costs before its limit stops it.
- **Projection** for 1,000 students × every lesson on one 16-core machine: the workers' CPU per
  notebook (the 4-worker run's, less the writer's) spread over 15 cores (one is the writer's), divided
  by the two-worker scaling efficiency measured here against this machine's own ceiling, plus the
  runaway share :data:`RUNAWAY_SHARE` of notebooks at the measured runaway cost; the writer's bound
  (notebooks × its wall seconds per notebook) beside it; the projection is the larger.

Environment: ``BENCH_SCALE_STUDENTS`` (default 6), ``BENCH_SCALE_REPLAY_STUDENTS`` (default 40),
``BENCH_SCALE_WORKERS`` (default ``1,2,4``). Writes the table and the numbers to
``benchmarks/results/scale.md``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._table import Row, format_table
from .bench_autograde import ROOT, _env, _lessons
from .bench_parallel import _CpuMeter, _instructor, _machine_scaling

STUDENTS = int(os.environ.get("BENCH_SCALE_STUDENTS") or 6)
REPLAY_STUDENTS = int(os.environ.get("BENCH_SCALE_REPLAY_STUDENTS") or 40)
WORKERS = tuple(int(w) for w in (os.environ.get("BENCH_SCALE_WORKERS") or "1,2,4").split(","))
PROJECTED_STUDENTS, CORES = 1000, 16
#: Share of notebooks assumed to hold one runaway cell (an assumption, said in the results: not measured).
RUNAWAY_SHARE = 0.02
TARGET_MINUTES = 30
RESULTS = Path(__file__).resolve().parent / "results" / "scale.md"
RUNAWAY_LESSON = "01-forward-pass-and-error"


def _released(tmp: Path) -> tuple[Path, list[str]]:
    course = tmp / "released"
    course.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    lessons = _lessons(ROOT)
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, course / "solutions" / lesson,
                        ignore=shutil.ignore_patterns("*.py"))
    _instructor(course, "release")
    return course, lessons


def _variant(k: int) -> str:
    return "lessons" if k % 3 == 2 else "solutions"


def _class(released: Path, where: Path, students: int, lessons: list[str]) -> Path:
    """A copy of ``released`` with ``students`` students handing in every lesson."""
    course = where
    shutil.copytree(released, course)
    for k in range(students):
        for lesson in lessons:
            source = course / _variant(k) / lesson / f"{lesson}.ipynb"
            folder = course / "submitted" / f"student{k:03d}" / lesson
            folder.mkdir(parents=True)
            shutil.copy(source, folder / source.name)
    return course


def _graded(course: Path, workers: int, meter: _CpuMeter) -> tuple[float, float]:
    """Wall and CPU seconds (every process) of one real autograde of ``course``."""
    cpu, start = meter.seconds(), time.perf_counter()
    _instructor(course, "autograde", "--workers", str(workers), meter=meter)
    return time.perf_counter() - start, meter.seconds() - cpu


def _replayed(course: Path, templates: Path, shared: bool = True) -> dict:
    """Run the writer-alone replay in a child process (see :func:`_replay`); its measurements."""
    result = subprocess.run([sys.executable, "-m", "benchmarks.bench_scale", "replay", str(course), str(templates),
                             "shared" if shared else "separate"],
                            capture_output=True, text=True, env=_env(), cwd=ROOT)
    if result.returncode:
        raise RuntimeError(f"the replay failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _replay(course: Path, templates: Path, shared: bool = True) -> dict:
    """``autograde`` of ``course`` whose pool returns the real results of ``templates`` (the autograded
    folder of a graded class: student ``k`` gets the result of the template of the same variant).
    ``shared`` False: as before :func:`parallel.one_engine`, every nbgrader Gradebook with its own engine.
    Measured from the first result asked for to the end: what each notebook costs (the run's setup, the lessons'
    gradebook snapshots, made once per run, is ``setup``, wall seconds)."""
    import contextlib

    from backprop_core.grading.commands import canary, instructor, parallel

    if not shared:
        parallel.one_engine = lambda url: contextlib.nullcontext()
    known = sorted(p.name for p in templates.iterdir())
    by_variant = {_variant(int(name.removeprefix("student"))): name for name in known}

    class ReplayPool:
        """The one writer's view of a pool whose workers are infinitely fast: each result is ready at once."""

        def __init__(self, workers, scheduler, count, log=print) -> None:
            self.in_process = True

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            pass

        def canaries(self, tasks):
            return [canary.CanaryResult(task.lesson) for task in tasks]

        def results(self, tasks):
            # The per-notebook phase starts here: the lessons' snapshots were made (once per run) for the canaries.
            marks.update(wall=time.perf_counter(), cpu=time.process_time(), queued=_waiting_for_a_cpu())
            for task in tasks:
                template = by_variant[_variant(int(task.student.removeprefix("student")))]
                files = parallel.read_folder(templates / template / task.lesson)
                yield parallel.GradingResult(task.student, task.lesson, True, files=files)

    marks: dict = {}
    parallel.GradingPool = ReplayPool
    start = time.perf_counter()
    report = instructor.autograde(course, [], [], force=False, workers=1)
    end = time.perf_counter()
    return {"wall": end - marks["wall"], "cpu": time.process_time() - marks["cpu"],
            "queued": _waiting_for_a_cpu() - marks["queued"], "setup": marks["wall"] - start, "exit": report.exit_code,
            "graded": sum("points (" in line for line in report.done), "failed": report.failed[:5]}


def _waiting_for_a_cpu() -> float:
    """Seconds this process's threads have spent runnable but waiting for a CPU (``/proc/<pid>/task/*/schedstat``,
    second field): on a busy machine the writer's wall time less this is its time with a core of its own."""
    total = 0
    for stat in Path("/proc/self/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total / 1e9


def _runaway(released: Path, where: Path, meter: _CpuMeter) -> float:
    """CPU seconds (every process) of grading one lesson-01 notebook whose first solution cell never ends."""
    import nbformat

    course = where
    shutil.copytree(released, course)
    nb = nbformat.read(course / "solutions" / RUNAWAY_LESSON / f"{RUNAWAY_LESSON}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source += "\nwhile True:  # stuck\n    pass\n"
    folder = course / "submitted" / "stuck" / RUNAWAY_LESSON
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{RUNAWAY_LESSON}.ipynb")
    return _graded(course, 1, meter)[1]


def run() -> list[Row]:
    alone, together = _machine_scaling()
    ceiling = alone * 2 / together  # what two CPU-bound processes gain over one here, now
    meter = _CpuMeter()
    runs: dict[int, tuple[float, float]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as name:
            tmp = Path(name)
            released, lessons = _released(tmp)
            notebooks = STUDENTS * len(lessons)
            for workers in WORKERS:
                course = _class(released, tmp / f"workers-{workers}", STUDENTS, lessons)
                runs[workers] = _graded(course, workers, meter)
                if workers == WORKERS[0]:
                    templates = course / "autograded"
            before = _replayed(_class(released, tmp / "replay-separate", REPLAY_STUDENTS, lessons), templates, False)
            replay = _replayed(_class(released, tmp / "replay", REPLAY_STUDENTS, lessons), templates)
            runaway_cpu = _runaway(released, tmp / "runaway", meter)
    finally:
        meter.close()
    replayed = REPLAY_STUDENTS * len(lessons)
    if replay["graded"] != replayed:
        raise RuntimeError(f"the replay recorded {replay['graded']} of {replayed} results: {replay['failed']}")
    # The writer's seconds per notebook with a core of its own: wall less its wait for a CPU (the machine is shared).
    writer_wall, writer_cpu = (replay["wall"] - replay["queued"]) / replayed, replay["cpu"] / replayed
    before_wall, before_cpu = (before["wall"] - before["queued"]) / replayed, before["cpu"] / replayed
    rate = {w: 60 * notebooks / wall for w, (wall, _) in runs.items()}
    cpu = {w: c / notebooks for w, (_, c) in runs.items()}
    most = max(runs)
    one = min(runs)
    efficiency = min(1.0, (rate[2] / rate[one]) / ceiling) if 2 in rate and one == 1 else 1.0
    grading_cpu = cpu[most] - writer_cpu  # the workers' share: grading, Dask, sandboxes
    total = PROJECTED_STUDENTS * len(lessons)
    grading = total * (grading_cpu + RUNAWAY_SHARE * runaway_cpu) / (CORES - 1) / efficiency
    writer_bound = total * writer_wall
    projected = max(grading, writer_bound)
    rows = [
        Row("this machine: two CPU-bound jobs at once", "jobs per second", 2 / together, "one job alone",
            1 / alone, "jobs/s", "(the ceiling for 2 workers)", True),
        *[Row(f"autograde {notebooks} notebooks, {w} worker{'s' * (w > 1)}", "notebooks per minute", rate[w],
              "1 worker", rate[one], "nb/min", "(context)", True) for w in WORKERS],
        *[Row(f"CPU per notebook, {w} worker{'s' * (w > 1)}", f"every process ({meter.how})", cpu[w], "1 worker",
              cpu[one], "s", "(where more workers cost)", True) for w in WORKERS],
        Row(f"the one writer alone: {replayed} results recorded", "notebooks per second (wall, less CPU wait)",
            1 / writer_wall, "an engine per Gradebook (before)", 1 / before_wall, "nb/s",
            "(the ceiling of any cluster)", replay["exit"] == 0),
        Row("the one writer alone, its CPU only", "CPU-seconds per notebook", writer_cpu,
            "an engine per Gradebook (before)", before_cpu, "s", "(context)", True),
        Row("a runaway cell (lesson 01, while True)", "CPU of its notebook", runaway_cpu, "a notebook",
            cpu[one], "s", "(context)", True),
        Row(f"projected: {PROJECTED_STUDENTS} students × {len(lessons)} lessons, {CORES} cores",
            "minutes (the larger of the two)", projected / 60, "the writer's bound", writer_bound / 60, "min",
            f"≤ {TARGET_MINUTES} min", projected / 60 <= TARGET_MINUTES),
    ]
    _write_results(rows, {
        "students": STUDENTS, "lessons": len(lessons), "workers": list(WORKERS), "replayed": replayed,
        "writer seconds per notebook (wall less CPU wait, CPU)": [round(writer_wall, 4), round(writer_cpu, 4)],
        "writer wall and CPU wait, whole replay": [round(replay["wall"], 1), round(replay["queued"], 1)],
        "before one_engine: writer seconds per notebook (wall less CPU wait, CPU)": [round(before_wall, 4),
                                                                                    round(before_cpu, 4)],
        "grading CPU per notebook (most workers, writer taken out)": round(grading_cpu, 3),
        "two-worker efficiency against this machine's ceiling": round(efficiency, 3),
        "machine ceiling for two processes": round(ceiling, 3), "runaway CPU": round(runaway_cpu, 1),
        "runaway share (assumed)": RUNAWAY_SHARE, "grading minutes (16 cores)": round(grading / 60, 1),
        "writer minutes": round(writer_bound / 60, 1), "load average": os.getloadavg()})
    return rows


def _write_results(rows: list[Row], numbers: dict) -> None:
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        f"# bench_scale ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores)\n\n"
        f"Written by `make bench ARGS=scale` (benchmarks/bench_scale.py, which says how each row is measured).\n\n"
        f"{format_table(rows)}\n\n```json\n{json.dumps(numbers, indent=2)}\n```\n", encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:2] == ["replay"]:
    print(json.dumps(_replay(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:5] != ["separate"])))

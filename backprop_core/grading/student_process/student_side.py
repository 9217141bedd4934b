"""The student's side of a hidden test: run their code, call their function on each case, write what came back.

Run in a fresh sandbox per exercise (:mod:`.hidden_tests`), against a build of
``backprop_core`` in which the exercise's references are absent (:mod:`.exam_build`)::

    python -m backprop_core.grading.student_process.student_side request.json results.jsonl

Before any of it, the process writes :data:`READY` on its real standard output:
a run that never says it (the sandbox could not start, python or the package
could not be imported) was the grader's failure, never the student's.

``request.json`` (written by the judge) holds the student's code cells, each
to run in full or for its imports only, the function's name, the arguments it
may change, the time limits, and each graded property's cases as plain data
(:mod:`.wire`). ``results.jsonl`` gets one JSON line per event, flushed as it
happens, so a run cut short still tells how far it got:

- ``{"event": "cell_start", "index"}`` and ``{"event": "property_start", "property"}``: where it is, so that
  the judge knows where a run that died stopped (and reruns without that cell, or goes on with the next property);
- ``{"event": "cell", "index", "error"}``: a cell that raised (noted, never fatal);
- ``{"event": "function", "kind"}``: what the function's name holds when it is not a function;
- ``{"event": "case", "property", "index", "value", "after", "error", "warned", "strict"}``;
- ``{"event": "timeout", "property", "index", "kind", "cpu"}``: the property's time ran out at that case (``kind``
  ``"cpu"``: its CPU-time limit, ``"wall"``: the wall-clock backstop; ``cpu``: the CPU seconds it had used);
- ``{"event": "printed", "property", "stdout", "stderr", "cpu"}``: what the student's code printed meanwhile
  (capped), and the CPU seconds its cases took (the canary measures the reference's this way);
- ``{"event": "done"}``.

Nothing here knows an answer: the expected values, the comparisons and the
score stay with the judge, outside. Whatever the student's code does to this
process (patching numpy, builtins or this module) can change only what this
process reports about the student's own function.
"""
from __future__ import annotations

import ast
import copy
import faulthandler
import json
import math
import os
import resource
import signal
import sys
import time
import traceback
from typing import Any, Callable

__all__ = ["main", "run_cells"]

_RUN_ALL, _IMPORTS_ONLY, _SKIP = "all", "imports", "skip"

#: Seconds past a time limit after which the watchdog ends the process: code stuck inside C
#: (``sum(range(10**14))``) never sees the alarm, but faulthandler's watchdog thread needs no interpreter.
WATCHDOG_GRACE = 3.0
#: Where the watchdog writes (the judge reads it to tell a time limit from a crash).
WATCHDOG_FILE = "watchdog.txt"


class _CellTimeUp(BaseException):
    """A cell ran past its time: raised by the alarm, so a bare ``except Exception`` cannot swallow it.

    ``args``: which limit (``"cpu"`` or ``"wall"``) and the CPU seconds used until then.
    """


def _without_magics(source: str) -> str:
    """``source`` with IPython's magics and shell lines (``%matplotlib``, ``!pip``) commented out: plain
    Python cannot run them, and grading needs none of them."""
    return "\n".join(("# " + line) if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _compiled(source: str, name: str):
    """``source`` compiled, without its magics when it has any."""
    try:
        return compile(source, name, "exec")
    except SyntaxError:
        return compile(_without_magics(source), name, "exec")


#: Modules a teaching cell imports for pictures and widgets only: no function a student writes needs them,
#: and importing them costs a fifth of a second or more in every hidden test's process.
DISPLAY_ONLY = ("matplotlib", "IPython", "ipywidgets", "ipympl", "backprop_core.viz")


def _is_display_module(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in DISPLAY_ONLY)


def _display_only(node: ast.stmt) -> bool:
    """Whether an import statement imports display-only modules and nothing else."""
    names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    return all(_is_display_module(name) for name in names)


def _imports_of(source: str) -> list[ast.stmt]:
    """The top-level import statements of a cell, magics and display-only modules aside (a cell that
    does not parse has none)."""
    try:
        tree = ast.parse(_without_magics(source))
    except SyntaxError:
        return []
    return [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)) and not _display_only(node)]


_WATCHDOG_OUT = None


def _watchdog(seconds: float) -> None:
    """End the process (exit status 1, a note in :data:`WATCHDOG_FILE`) if still busy ``seconds`` + grace from now."""
    global _WATCHDOG_OUT
    if _WATCHDOG_OUT is None:
        _WATCHDOG_OUT = open(WATCHDOG_FILE, "w")  # noqa: SIM115 (faulthandler writes to it at any time)
    faulthandler.dump_traceback_later(seconds + WATCHDOG_GRACE, exit=True, file=_WATCHDOG_OUT)


#: What :func:`_limit` lowered the soft ``RLIMIT_CPU`` from, to put back by :func:`_unlimit`.
_CPU_RLIMIT = None


def _limit(seconds: float, backstop: float) -> None:
    """Stop what runs next after ``seconds`` of CPU time, or ``backstop * seconds`` of wall-clock time.

    The CPU limit is an ``ITIMER_PROF`` alarm (raising :class:`_CellTimeUp` between bytecodes) and, for
    code stuck inside C that never sees it, the soft ``RLIMIT_CPU`` a grace later (``SIGXCPU`` ends the
    process: the judge sees it). The wall clock is a backstop for code that waits, with the watchdog.
    """
    global _CPU_RLIMIT
    started = time.process_time()

    def ring(signum, frame):
        raise _CellTimeUp("wall" if signum == signal.SIGALRM else "cpu", time.process_time() - started)

    for number in (signal.SIGPROF, signal.SIGALRM):
        signal.signal(number, ring)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * backstop)
    _watchdog(seconds * backstop)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    _CPU_RLIMIT = soft if _CPU_RLIMIT is None else _CPU_RLIMIT
    wanted = math.ceil(started + seconds + WATCHDOG_GRACE)
    if hard == resource.RLIM_INFINITY or wanted < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (wanted, hard))


def _unlimit() -> None:
    """Undo :func:`_limit`: no alarm, no watchdog, the sandbox's own CPU limit back."""
    signal.setitimer(signal.ITIMER_PROF, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    faulthandler.cancel_dump_traceback_later()
    if _CPU_RLIMIT is not None:
        resource.setrlimit(resource.RLIMIT_CPU, (_CPU_RLIMIT, resource.getrlimit(resource.RLIMIT_CPU)[1]))


def _cell_error(error: BaseException, seconds: float, backstop: float) -> str:
    """What a cell raised, in a line; a cell stopped by its time limit says which limit, and the CPU time used."""
    if isinstance(error, _CellTimeUp) and len(error.args) == 2:
        kind, used = error.args
        if kind == "wall":
            return (f"TimeoutError: the cell did not finish within {seconds * backstop:g} s of wall-clock time "
                    f"(a backstop for code that waits; it had used {used:.1f} s of CPU)")
        return f"TimeoutError: the cell used {used:.1f} s of CPU time, past its limit of {seconds:g} s"
    return _short_error(error)


def _short_error(error: BaseException) -> str:
    try:
        return f"{type(error).__name__}: {error}"[:500]
    except Exception:  # noqa: BLE001 (a student's exception may fail to print)
        return type(error).__name__


def run_cells(cells: list[dict], namespace: dict, seconds: float, note: Callable[[dict], None],
              backstop: float = 10.0) -> None:
    """Run the cells in ``namespace``, each within ``seconds`` of CPU time (``backstop`` times that of wall-clock
    time); a failing cell is noted and the next one runs.

    A cell marked ``"imports"`` (a teaching cell the student left as it was)
    runs its import statements only, one by one: the pictures and widgets it
    makes are not needed to grade, and an import of a part of the package
    absent from this build fails alone.
    """
    for index, cell in enumerate(cells):
        if cell.get("run") == _SKIP:
            continue
        note({"event": "cell_start", "index": index})
        if cell.get("run") == _IMPORTS_ONLY:
            parts = [compile(ast.Module([node], []), f"<cell {index}>", "exec") for node in _imports_of(cell["source"])]
        else:
            try:
                parts = [_compiled(cell["source"], f"<cell {index}>")]
            except SyntaxError as error:
                note({"event": "cell", "index": index, "error": _short_error(error)})
                continue
        for code in parts:
            try:
                _limit(seconds, backstop)
                exec(code, namespace)  # noqa: S102 (the student's own code, in its sandbox)
            except BaseException as error:  # noqa: BLE001 (SystemExit, a timeout...: the next cell still runs)
                if cell.get("run") != _IMPORTS_ONLY:
                    note({"event": "cell", "index": index, "error": _cell_error(error, seconds, backstop)})
            finally:
                _unlimit()


def _error_data(error: BaseException, skip_frames: int = 1) -> dict:
    frames = traceback.extract_tb(error.__traceback__)[skip_frames:]
    return {"type": type(error).__name__, "message": str(error)[:2000],
            "where": "".join(traceback.format_list(frames[-3:])).rstrip()[:2000],
            "path": str(getattr(error, "path", ""))[:300]}


def _call(function: Callable, kwargs: dict, encode, settle) -> tuple[Any, dict | None]:
    """``function(**kwargs)`` settled (a generator read), or the error it raised, as data."""
    try:
        return encode(settle(function(**kwargs))), None
    except BaseException as error:  # noqa: BLE001 (SystemExit and KeyboardInterrupt are the student's answer too)
        if isinstance(error, _CellTimeUp):
            raise
        return None, _error_data(error, skip_frames=2)


def _grade_property(function: Callable, prop: dict, seconds: float, write: Callable[[dict], None],
                    backstop: float = 10.0) -> float:
    """Call ``function`` on each case of one property within ``seconds`` of CPU time in all (``backstop`` times
    that of wall-clock time); one line per case. Returns the CPU seconds the cases took."""
    from backprop_core.grading.answerfree import limits
    from backprop_core.grading.student_process import wire
    from backprop_core.grading.answerfree.in_place import settle

    cases = [wire.decode(kwargs) for kwargs in prop["cases"]]
    index = 0
    write({"event": "property_start", "property": prop["name"]})
    started = time.process_time()
    try:
        _limit(seconds, backstop)
        for index, kwargs in enumerate(cases):
            given = copy.deepcopy(kwargs)
            with limits.as_graded() as warned:
                value, error = _call(function, given, wire.encode, settle)
            strict = None
            if any(text.startswith(limits.NUMPY_WARNED) for text in warned):  # to explain, never to judge
                with limits.as_graded(), limits.strict_numerics():
                    _, strict = _call(function, copy.deepcopy(kwargs), wire.encode, settle)
            write({"event": "case", "property": prop["name"], "index": index, "value": value, "error": error,
                   "after": {name: wire.encode(v) for name, v in given.items()}, "warned": list(warned)[:20],
                   "strict": strict})
    except _CellTimeUp as up:
        kind, used = up.args
        write({"event": "timeout", "property": prop["name"], "index": index, "kind": kind, "cpu": used})
    finally:
        _unlimit()
    return time.process_time() - started


class _Capture:
    """A text stream that keeps the first ``limit`` characters written since the last :meth:`take`."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit, self.parts, self.size, self.cut = limit, [], 0, False

    def write(self, text) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        self.cut = self.cut or len(text) > room
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def take(self) -> str:
        text = "".join(self.parts) + ("\n(grader) the rest of what it printed is not shown\n" if self.cut else "")
        self.parts, self.size, self.cut = [], 0, False
        return text


def _capture_output() -> tuple[_Capture, _Capture]:
    """Point the file descriptors 1 and 2 at /dev/null and ``sys.stdout``/``sys.stderr`` at captures.

    What the student's function prints while graded is shown with its result
    (stderr marked, never scored); C-level writes and what cells print are dropped.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    sys.stdout, sys.stderr = _Capture(), _Capture()
    return sys.stdout, sys.stderr


#: The first line the student's side writes on its real stdout once it has started and imported what it
#: needs, before any student code runs: the judge reads it through the sandbox's pipe, which the student's
#: code cannot take back. A run without it never ran the student's code: the grader could not run it.
READY = "backprop student side: ready"


def _ready() -> None:
    """Import what grading needs, then say so on the real stdout (see :data:`READY`)."""
    from backprop_core.grading.answerfree import describe, in_place, limits  # noqa: F401 (their import is the check)
    from backprop_core.grading.student_process import wire  # noqa: F401

    os.write(1, f"{READY} {sys.version.split()[0]} {os.path.dirname(wire.__file__)}\n".encode())


def main(argv: list[str]) -> int:
    request_path, results_path = argv
    _ready()
    with open(request_path, encoding="utf-8") as file:
        request = json.load(file)
    results = open(results_path, "a", encoding="utf-8")  # noqa: SIM115 (one line at a time until the end)

    def write(event: dict) -> None:
        results.write(json.dumps(event) + "\n")
        results.flush()

    out, err = _capture_output()
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__}
    backstop = float(request.get("wall_backstop", 10.0))
    run_cells(request["cells"], namespace, float(request["cell_time_limit"]), write, backstop)
    function = namespace.get(request["function"])
    if not callable(function):
        from backprop_core.grading.answerfree.describe import describe_kind

        write({"event": "function", "kind": describe_kind(function) if request["function"] in namespace else ""})
    else:
        for prop in request["properties"]:
            out.take(), err.take()  # what the cells printed is not this property's
            used = _grade_property(function, prop, float(prop.get("cpu_limit", request["time_limit"])), write, backstop)
            write({"event": "printed", "property": prop["name"], "stdout": out.take(), "stderr": err.take(),
                   "cpu": used})
    write({"event": "done"})
    results.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

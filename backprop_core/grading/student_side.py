"""The student's side of a hidden test: run their code, call their function on each case, write what came back.

Run in a fresh sandbox per exercise (:mod:`.hidden_tests`), against a build of
``backprop_core`` in which the exercise's references are absent (:mod:`.exam_build`)::

    python -m backprop_core.grading.student_side request.json results.jsonl

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
- ``{"event": "timeout", "property", "index"}``: the property's time ran out at that case;
- ``{"event": "printed", "property", "stdout", "stderr"}``: what the student's code printed meanwhile (capped);
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
import os
import signal
import sys
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
    """A cell ran past its time: raised by the alarm, so a bare ``except Exception`` cannot swallow it."""


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


def _alarm(seconds: float) -> None:
    def ring(signum, frame):
        raise _CellTimeUp()

    signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _short_error(error: BaseException) -> str:
    try:
        return f"{type(error).__name__}: {error}"[:500]
    except Exception:  # noqa: BLE001 (a student's exception may fail to print)
        return type(error).__name__


def run_cells(cells: list[dict], namespace: dict, seconds: float, note: Callable[[dict], None]) -> None:
    """Run the cells in ``namespace``, each within ``seconds``; a failing cell is noted and the next one runs.

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
                _alarm(seconds)
                _watchdog(seconds)
                exec(code, namespace)  # noqa: S102 (the student's own code, in its sandbox)
            except BaseException as error:  # noqa: BLE001 (SystemExit, a timeout...: the next cell still runs)
                if cell.get("run") != _IMPORTS_ONLY:
                    note({"event": "cell", "index": index, "error": _short_error(error)})
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                faulthandler.cancel_dump_traceback_later()


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


def _grade_property(function: Callable, prop: dict, seconds: float, write: Callable[[dict], None]) -> None:
    """Call ``function`` on each case of one property within ``seconds`` in all; one line per case."""
    from backprop_core.grading import limits, wire
    from backprop_core.grading.in_place import settle

    cases = [wire.decode(kwargs) for kwargs in prop["cases"]]
    index = 0
    write({"event": "property_start", "property": prop["name"]})
    try:
        _alarm(seconds)
        _watchdog(seconds)
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
    except _CellTimeUp:
        write({"event": "timeout", "property": prop["name"], "index": index})
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()


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


def main(argv: list[str]) -> int:
    request_path, results_path = argv
    with open(request_path, encoding="utf-8") as file:
        request = json.load(file)
    results = open(results_path, "a", encoding="utf-8")  # noqa: SIM115 (one line at a time until the end)

    def write(event: dict) -> None:
        results.write(json.dumps(event) + "\n")
        results.flush()

    out, err = _capture_output()
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__main__", "__builtins__": __builtins__}
    run_cells(request["cells"], namespace, float(request["cell_time_limit"]), write)
    function = namespace.get(request["function"])
    if not callable(function):
        from backprop_core.grading.describe import describe_kind

        write({"event": "function", "kind": describe_kind(function) if request["function"] in namespace else ""})
    else:
        for prop in request["properties"]:
            out.take(), err.take()  # what the cells printed is not this property's
            _grade_property(function, prop, float(request["time_limit"]), write)
            write({"event": "printed", "property": prop["name"], "stdout": out.take(), "stderr": err.take()})
    write({"event": "done"})
    results.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

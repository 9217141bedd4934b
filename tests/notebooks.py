"""Lesson notebooks for the tests: found in solutions/, run headless, read back.

One runner for every lesson: :func:`execute` runs a notebook top to bottom
with nbclient in a fresh kernel, in the environment nbgrader gives it, and
times it; the :class:`Run` it returns answers what the tests ask of the
outputs (printed text, figures shown, errors, values computed in the kernel).
"""
from __future__ import annotations

import ast
import json
import os
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 120.0  # seconds for one cell: only a guard against a hang; budgets are per lesson

# A probe cell appended to a notebook prints, as JSON, the values of the expressions it is given,
# evaluated in the notebook's own namespace after the lesson ran.
#: The kernel's CPU seconds (all its threads, since it started), printed by a last cell.
_CPU_PROBE = "import time as _time\nprint(_time.process_time())"
_PROBE = ("import json as _json, numpy as _np\n"
          "print(_json.dumps({_e: _np.asarray(eval(_e), dtype=float).tolist() for _e in %r}))")


def lessons() -> list[str]:
    """Every lesson of the table of contents (backprop_core/course/toc.toml), in course order
    (tests/test_toc.py checks that solutions/ holds exactly these)."""
    from backprop_core.course.toc import lesson_ids

    return lesson_ids()


def source(lesson: str) -> Path:
    """The instructor's notebook of ``lesson``: solutions and hidden tests."""
    return ROOT / "solutions" / lesson / f"{lesson}.ipynb"


def release(lesson: str) -> Path:
    """The students' notebook of ``lesson``, generated from :func:`source` by ``make release``."""
    return ROOT / "lessons" / lesson / f"{lesson}.ipynb"


def grading_meta(cell) -> dict:
    """The nbgrader metadata of a cell (empty for a cell nbgrader does not track)."""
    return cell.metadata.get("nbgrader", {})


def solutions_namespace(path: Path) -> dict:
    """The names the notebook at ``path`` defines in its solution cells, without a kernel.

    Cell by cell, in order, the notebook's import statements run and so does
    each solution cell (its markers are comments): fast enough for the unit
    tests, and the functions see the names they would see in the notebook.
    """
    namespace: dict = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        if grading_meta(cell).get("solution"):
            exec(compile(cell.source, f"{path.name}: {grading_meta(cell).get('grade_id')}", "exec"), namespace)
        else:
            imports = [node for node in ast.parse(_without_magics(cell.source)).body
                       if isinstance(node, (ast.Import, ast.ImportFrom))]
            exec(compile(ast.Module(imports, type_ignores=[]), path.name, "exec"), namespace)
    return namespace


def _without_magics(code: str) -> str:
    # IPython's %magics and !commands are not Python; blank them to parse the rest.
    return re.sub(r"^\s*[%!].*$", "", code, flags=re.M)


@dataclass
class Run:
    """A notebook after :func:`execute`: its cells with their outputs, the wall time it took, and the CPU time
    of its kernel (kernel start included): what a time budget counts, whatever else the machine is doing."""

    notebook: nbformat.NotebookNode
    seconds: float
    computed: dict[str, object]  # the values of the ``probe`` expressions (nested lists of floats)
    cpu_seconds: float = 0.0

    def _outputs(self) -> Iterable[tuple[nbformat.NotebookNode, nbformat.NotebookNode]]:
        for cell in self.notebook.cells:
            if cell.cell_type == "code":
                for output in cell.outputs:
                    yield cell, output

    def printed(self) -> str:
        """Everything the cells printed, in order. Chunks are joined as they came: one line may span two."""
        return "".join(out.get("text", "") for _, out in self._outputs() if out.output_type == "stream")

    def code(self) -> str:
        """The source of every code cell, as the notebook was run."""
        return "\n".join(cell.source for cell in self.notebook.cells if cell.cell_type == "code")

    def images(self) -> int:
        """How many figures (PNG images) the cells display."""
        return sum("image/png" in out.get("data", {}) for _, out in self._outputs())

    def errors(self) -> list[tuple[nbformat.NotebookNode, nbformat.NotebookNode]]:
        """Each (cell, error output) pair, for a run with ``allow_errors``."""
        return [(cell, out) for cell, out in self._outputs() if out.output_type == "error"]


def execute(path: Path, *, probe: Sequence[str] = (), allow_errors: bool = False) -> Run:
    """Run the notebook at ``path`` headless, top to bottom, as nbgrader does.

    Parameters
    ----------
    path
        The notebook; it runs in its own folder, like under JupyterLab.
    probe
        Python expressions to evaluate in the notebook's namespace once every
        cell has run; ``Run.computed`` holds their values (nested lists of floats).
    allow_errors
        Go on past a failing cell (see :meth:`Run.errors`); otherwise the first
        failing cell raises ``nbclient.exceptions.CellExecutionError``.

    Returns
    -------
    Run
        The executed notebook (without the probes), its wall time and its kernel's
        CPU time (kernel start included) and the probed values.
    """
    notebook = nbformat.read(path, as_version=4)
    if probe:
        notebook.cells.append(nbformat.v4.new_code_cell(_PROBE % list(probe)))
    notebook.cells.append(nbformat.v4.new_code_cell(_CPU_PROBE))
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(path.parent)}})
    # As under nbgrader: the widgets see NBGRADER_EXECUTION and must not wait for a browser. One BLAS thread,
    # as in the grading sandbox: idle BLAS threads spin, and on a busy machine their CPU time is noise.
    kernel_env = dict(os.environ, NBGRADER_EXECUTION="autograde", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                      MKL_NUM_THREADS="1")
    start = time.perf_counter()
    client.execute(env=kernel_env)
    seconds = time.perf_counter() - start
    cpu_seconds = float("".join(out.text for out in notebook.cells.pop().outputs))
    computed = json.loads("".join(out.text for out in notebook.cells.pop().outputs)) if probe else {}
    return Run(notebook, seconds, computed, cpu_seconds)


def printed_decimals_tolerance(expected, at_least: float) -> np.ndarray:
    """Half a unit in the last decimal written in ``expected`` (element-wise), and never below ``at_least``.

    A figure the design writes as 0.26 is met by 0.2557; one written with nine
    decimals must match to ``at_least``.
    """
    def one(value: float) -> float:
        decimals = -Decimal(repr(float(value))).as_tuple().exponent  # 3.51085e-05 has 10
        return max(at_least, 0.5 * 10.0 ** -decimals + 1e-12)

    return np.vectorize(one, otypes=[float])(np.asarray(expected, dtype=float))

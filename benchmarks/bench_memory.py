"""Memory of one student on the class server (issue 24, item 10): their JupyterLab and a kernel running a lesson.

- **The server**: ``jupyter lab`` from this environment, started on loopback with a token, once its
  ``/lab`` page has been served: its resident memory, and its peak (``VmHWM``).
- **The kernel**: each lesson of :data:`LESSONS` run top to bottom (its solution notebook, with nbclient,
  in a kernel of this environment, as a student's Run All): the kernel's peak resident memory.

The sum of the server and the largest kernel is what one student at work needs; the hub's per-user cap
(``BACKPROP_HUB_MEM_LIMIT``, deploy/jupyterhub_config.py) must sit above it. Rows are in MiB; the
numbers go to ``benchmarks/results/memory.md``.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from ._table import Row, format_table
from .bench_autograde import ROOT

LESSONS = ("07-training", "09-your-own-network", "10-autograd")
RESULTS = Path(__file__).resolve().parent / "results" / "memory.md"
#: deploy/jupyterhub_config.py's default cap.
DEFAULT_CAP_MIB = 1024


def _mib(pid: int, field: str) -> float:
    """``VmRSS``/``VmHWM`` of process ``pid`` in MiB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def _server() -> tuple[float, float]:
    """Resident and peak MiB of a JupyterLab server once it served ``/lab``."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as home:
        server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
                                   "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--notebook-dir={home}",
                                   "--allow-root"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env={**os.environ, "HOME": home, "JUPYTER_RUNTIME_DIR": home})
        try:
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5) as page:
                        page.read()
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise RuntimeError("jupyter lab did not serve /lab within 5 minutes")
            return _mib(server.pid, "VmRSS"), _mib(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(30)


def _kernel_peak(lesson: str) -> float:
    """Peak resident MiB of a kernel that ran ``lesson``'s solution notebook top to bottom."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "solutions" / lesson)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return _mib(client.km.provisioner.process.pid, "VmHWM")


def run() -> list[Row]:
    rss, peak = _server()
    kernels = {lesson: _kernel_peak(lesson) for lesson in LESSONS}
    worst = max(kernels.values())
    rows = [Row("a student's JupyterLab server, /lab served", "resident memory (peak)", peak, "now", rss, "MiB",
                "(context)", True),
            *[Row(f"a kernel that ran {lesson} top to bottom", "peak resident memory", mib, "the server", peak,
                  "MiB", "(context)", True) for lesson, mib in kernels.items()],
            Row("one student at work: server + the largest kernel", "MiB", peak + worst, "the hub's default cap",
                DEFAULT_CAP_MIB, "MiB", "below the cap", peak + worst < DEFAULT_CAP_MIB)]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(f"# bench_memory ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
                       f"Written by `make bench ARGS=memory` (benchmarks/bench_memory.py).\n\n{format_table(rows)}\n",
                       encoding="utf-8")
    return rows

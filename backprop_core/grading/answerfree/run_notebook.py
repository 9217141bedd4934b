"""Run a student's notebook top to bottom inside the sandbox, for the outputs their feedback shows.

::

    python -P <this file> in.ipynb out.ipynb settings.json

(:data:`RUNNER`; run as a file rather than with ``-m``: see :func:`_bare_parent_packages`.)
The kernel starts inside the same sandbox and talks to this process over Unix
sockets in the private ``/tmp`` (the sandbox has no network). Cells run with
:class:`~backprop_core.grading.answerfree.cell_guard.GuardedClient` (nbgrader is not imported here): a
cell past its timeout is interrupted (the kernel restarted if it will not
stop), each cell's output is capped, a dead kernel is restarted and the rest
runs. The hidden test cells arrive empty: they are judged outside
(:mod:`.hidden_tests`), so nothing this run prints can earn a point.
"""
from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where they are used: this module is imported by the grader too
    from jupyter_client import AsyncKernelManager
    from traitlets.config import Config

__all__ = ["RUNNER", "main"]

#: This file, as the sandbox runs it (the package directory is bound at the same path inside).
RUNNER = Path(__file__).resolve()


def _skip_slow_imports() -> None:
    """nbformat's schema validator imports a URI grammar (``rfc3987_syntax``) that takes about 0.9 s to build.

    Notebooks never need that format check; marking the module absent makes jsonschema skip it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def _bare_parent_packages() -> None:
    """Make ``backprop_core.grading.answerfree``'s modules importable without running the packages' ``__init__``.

    This process needs two small modules of the package (:mod:`.cell_guard`, :mod:`.kernel_output`);
    ``backprop_core/__init__`` and ``grading/__init__`` import numpy, the course and the exercise
    registry: about 0.17 s of every notebook's run, for nothing. ``python -m`` would run both
    ``__init__`` before this module, hence the run as a file. The kernel, a process of its own,
    imports the package as usual. Packages already imported (a caller that imports this module) are kept.
    """
    answerfree = RUNNER.parent
    grading = answerfree.parent
    for name, directory in (("backprop_core", grading.parent), ("backprop_core.grading", grading),
                            ("backprop_core.grading.answerfree", answerfree)):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [str(directory)]  # where submodules are looked for: all a package needs
            package.__package__ = name
            sys.modules[name] = package


def _start_kernel(source: str, config: Config) -> AsyncKernelManager:
    """Start the kernel ``source`` names (Python's by default) before anything else; its manager.

    The kernel spends about half a second importing IPython: meanwhile this process imports
    nbformat and nbclient and reads the notebook, instead of before. It is started as nbclient
    would (``NotebookClient.async_start_new_kernel``): in the notebook's folder, IPython's history
    in memory. This process keeps the manager, so nbclient never shuts the kernel down: once the
    last cell is done every output is in, and the kernel dies with the sandbox (its PID namespace
    ends with this process); a shutdown would only wait, 0.1 s to kill it, 0.3 s to ask it to stop.
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync

    with open(source, encoding="utf-8") as file:
        name = json.load(file).get("metadata", {}).get("kernelspec", {}).get("name")
    manager = AsyncKernelManager(config=config, **({"kernel_name": name} if name else {}))
    history = ["--HistoryManager.hist_file=:memory:"] if manager.ipykernel else []
    run_sync(manager.start_kernel)(cwd=".", extra_arguments=history)
    return manager


def main(argv: list[str]) -> int:
    """Run ``argv = [in.ipynb, out.ipynb, settings.json]``; 0 once the executed notebook is written."""
    source, destination, settings_path = argv
    _skip_slow_imports()
    _bare_parent_packages()
    from traitlets.config import Config

    config = Config()
    config.KernelManager.transport = "ipc"  # Unix sockets: the sandbox has no network
    config.KernelManager.ip = "/tmp/kernel"
    manager = _start_kernel(source, config)
    import nbformat

    from backprop_core.grading.answerfree.cell_guard import GuardedClient

    with open(settings_path, encoding="utf-8") as file:
        settings = json.load(file)
    nb = nbformat.read(source, as_version=4)
    client = GuardedClient(
        nb,
        km=manager,
        config=config,
        resources={"metadata": {"path": "."}},
        timeout=settings["timeout"],
        interrupt_on_timeout=True,
        allow_errors=True,
        max_output_characters=settings["max_output_characters"],
        stop_grace=settings["stop_grace"],
        error_on_timeout=settings["error_on_timeout"],
    )
    client.execute()
    nbformat.write(nb, destination)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

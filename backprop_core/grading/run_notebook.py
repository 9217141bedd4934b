"""Run a student's notebook top to bottom inside the sandbox, for the outputs their feedback shows.

::

    python -m backprop_core.grading.run_notebook in.ipynb out.ipynb settings.json

The kernel starts inside the same sandbox and talks to this process over Unix
sockets in the private ``/tmp`` (the sandbox has no network). Cells run with
:class:`~backprop_core.grading.cell_guard.GuardedClient` (nbgrader is not imported here): a
cell past its timeout is interrupted (the kernel restarted if it will not
stop), each cell's output is capped, a dead kernel is restarted and the rest
runs. The hidden test cells arrive empty: they are judged outside
(:mod:`.hidden_tests`), so nothing this run prints can earn a point.
"""
from __future__ import annotations

import json
import sys

__all__ = ["main"]


def _skip_slow_imports() -> None:
    """nbformat's schema validator imports a URI grammar (``rfc3987_syntax``) that takes about 0.9 s to build.

    Notebooks never need that format check; marking the module absent makes jsonschema skip it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv: list[str]) -> int:
    source, destination, settings_path = argv
    _skip_slow_imports()
    import nbformat
    from traitlets.config import Config

    from jupyter_client import AsyncKernelManager

    from backprop_core.grading.cell_guard import GuardedClient

    with open(settings_path, encoding="utf-8") as file:
        settings = json.load(file)
    config = Config()
    config.KernelManager.transport = "ipc"  # Unix sockets: the sandbox has no network
    config.KernelManager.ip = "/tmp/kernel"
    nb = nbformat.read(source, as_version=4)
    client = GuardedClient(
        nb,
        config=config,
        kernel_manager_class=AsyncKernelManager,
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

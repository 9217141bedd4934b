"""Drive a real JupyterLab in headless Chromium: start a server, open a
notebook, run it, find its widgets, move a slider, press a button.

Shared by the browser tests (tests/test_browser.py) and the browser latency
benchmark (benchmarks/bench_browser.py).
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUDENT_CONFIG = ROOT / "etc" / "jupyter-student"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Chromium on a machine with a closed network: no background traffic, no sandbox as root.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def find_chromium() -> str | None:
    for candidate in [os.environ.get("BACKPROP_CHROMIUM", "")] + list(CHROMIUM_CANDIDATES):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def launch_args() -> list[str]:
    return CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` on a free loopback port with a token, serving a scratch copy
    of the notebooks (so that JupyterLab's autosave never touches the repository)."""

    def __init__(self, folders=("solutions", "lessons"), files=("index.ipynb",)):
        self.workdir = Path(tempfile.mkdtemp(prefix="backprop-lab-"))
        for folder in folders:
            shutil.copytree(ROOT / folder, self.workdir / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for name in files:
            shutil.copy(ROOT / name, self.workdir / name)
        settings, workspaces = self.workdir / ".lab-settings", self.workdir / ".lab-workspaces"
        settings.mkdir()
        workspaces.mkdir()  # a workspace of its own: no tabs restored from an earlier session
        # Render every cell (no virtual scrolling), so outputs far down the page exist in the DOM.
        (settings / "overrides.json").write_text(json.dumps(
            {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}))
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, JUPYTER_CONFIG_PATH=str(STUDENT_CONFIG), BACKPROP_LAB_TEST="1")
        self.log = open(self.workdir / "server.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.workdir}",
             "--LabApp.expose_app_in_browser=True", f"--LabServerApp.app_settings_dir={settings}",
             f"--LabApp.workspaces_dir={workspaces}",
             "--ContentsManager.hide_globs=['__pycache__', '.ipynb_checkpoints']", "--ServerApp.open_browser=False"]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            cwd=self.workdir, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_until_up(timeout=120)

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}: {self.server_log()[-2000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.5)
        raise TimeoutError(f"jupyter lab did not answer within {timeout} s: {self.server_log()[-2000:]}")

    def server_log(self) -> str:
        self.log.flush()
        return (self.workdir / "server.log").read_text(errors="replace")

    def notebook_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"  # reset: no tabs from the last page

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


# ---------------------------------------------------------------------- in the page
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show, not one in a background tab

def open_notebook(page, server: LabServer, path: str, timeout_ms: int = 90_000) -> None:
    page.goto(server.notebook_url(path))
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=timeout_ms)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.session.kernel.status === 'idle'; }",
        timeout=timeout_ms,
    )


def run_all_cells(page, timeout_ms: int = 180_000) -> None:
    """Run > Run All Cells, then wait until every code cell has run and the kernel is idle."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const session = w && w.sessionContext && w.sessionContext.session;
            const kernel = session && session.kernel;  // briefly null while a kernel (re)connects
            if (!kernel) return false;
            const prompts = [...w.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
            return kernel.status === 'idle' && prompts.length > 0
                && prompts.every(p => /\\[\\d+\\]/.test(p));
        }""",
        timeout=timeout_ms,
        polling=500,
    )


def error_outputs(page) -> list[str]:
    """The text of every error output (a Python traceback) on the page."""
    texts = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    return [t for t in texts if "Traceback" in t or "Error" in t.splitlines()[0:3].__str__()]


def widget_outputs(page):
    """Locators of the output areas that hold an ipywidget."""
    return page.locator(f"{NOTEBOOK} .jp-OutputArea-output:has(.jupyter-widgets)")


def broken_widgets(page) -> list[str]:
    """Texts of widgets that failed to render ("Error displaying widget", "Loading widget..." left over)."""
    texts = page.locator(f"{NOTEBOOK} .jp-OutputArea-output").all_inner_texts()
    return [t[:200] for t in texts if "Error displaying widget" in t or "Loading widget" in t]


def output_picture(output) -> bytes:
    """What the student sees of one output area, as PNG bytes."""
    output.scroll_into_view_if_needed()
    return output.screenshot(animations="disabled")


FIGURE = ".jupyter-matplotlib-figure, img.widget-image, .widget-image img, img"


def figure_of(output):
    """The figure a widget draws (ipympl canvas or PNG image), not its controls: a moved
    slider handle or a focused button must not count as the figure changing."""
    figure = output.locator(FIGURE).first
    assert figure.count(), "the widget shows no figure (no ipympl canvas, no image)"
    return figure


def wait_for_change(element, before: bytes, timeout_s: float = 20.0) -> float:
    """Seconds until ``element`` looks different from ``before``; raises on timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if output_picture(element) != before:
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"the figure did not change within {timeout_s} s")


def wait_until_settled(element, quiet_s: float = 1.0, timeout_s: float = 30.0) -> None:
    """Wait until ``element`` has looked the same for ``quiet_s`` (redraws finished)."""
    start, last, since = time.monotonic(), None, time.monotonic()
    while time.monotonic() - start < timeout_s:
        now = output_picture(element)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.1)


def press_slider(output, key: str = "ArrowRight", times: int = 1) -> None:
    """Move the first slider in ``output`` with the keyboard on its handle."""
    handle = output.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(times):
        handle.press(key)

"""`make lab`, the student's command, started for real: it serves the course home,
hides the instructor's side, passes ARGS through to JupyterLab, and ending make ends JupyterLab."""
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _start_make_lab() -> tuple[subprocess.Popen, str, str]:
    """``make lab`` on a free port, in its own session, once it serves: (make's process, base URL, token)."""
    port, token = _free_port(), secrets.token_hex(8)
    args = f"--port {port} --no-browser --IdentityProvider.token={token}"
    process = subprocess.Popen(["make", "--no-print-directory", "lab", f"ARGS={args}"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make lab exited with {process.returncode}:\n{process.stdout.read().decode()[-3000:]}")
        try:
            if _status(f"{base}/api/status?token={token}") == 200:
                return process, base, token
        except OSError:
            pass
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("make lab did not serve within 180 s")


def _session_pids(session: int) -> set[int]:
    """The live processes of a session (make lab's: make, and JupyterLab however it was started)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[3]) == session and fields[0] != "Z":  # session id; zombies have ended
                pids.add(int(entry.name))
    return pids


@pytest.fixture(scope="module")
def lab():
    process, base, token = _start_make_lab()
    try:
        yield base, token
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and the jupyter it started
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_serves_the_course_home_and_the_lessons(lab):
    base, token = lab
    assert _status(f"{base}/lab/tree/index.ipynb?token={token}") == 200
    assert _status(f"{base}/api/contents/index.ipynb?token={token}") == 200
    assert _status(f"{base}/api/contents/lessons/01-forward-pass-and-error/01-forward-pass-and-error.ipynb?token={token}") == 200


def test_opens_on_the_course_home(lab):
    base, token = lab
    with urllib.request.urlopen(f"{base}/?token={token}", timeout=10) as response:
        assert response.url.split("?")[0].endswith("/lab/tree/index.ipynb")  # LabApp.default_url


def test_hides_the_instructors_side_from_students(lab):
    base, token = lab
    assert _status(f"{base}/formgrader?token={token}") == 404
    with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=10) as response:
        listed = {item["name"] for item in json.load(response)["content"]}
    assert {"lessons", "index.ipynb"} <= listed
    assert not listed & {"solutions", "tests", "benchmarks", "etc"}, f"the file browser shows {sorted(listed)}"
    with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as response:
        page = response.read().decode()
    assert "@jupyter/nbgrader:formgrader" in page and "@jupyterlab/apputils-extension:announcements" in page
    # ...listed among the page's disabled extensions (page_config), so they never load


@pytest.mark.parametrize("how", ["kill make's pid", "Ctrl-C"])
def test_ending_make_lab_ends_jupyterlab(how):
    """``kill <make's pid>`` (SIGTERM to make alone) or Ctrl-C (SIGINT to the terminal's whole foreground
    group, once) leaves no JupyterLab running: it used to go on as an orphan after the first."""
    process, base, token = _start_make_lab()
    try:
        assert len(_session_pids(process.pid)) >= 2, "make lab should run make and JupyterLab"
        if how == "Ctrl-C":
            os.killpg(process.pid, signal.SIGINT)
        else:
            os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _session_pids(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _session_pids(process.pid), f"still running after {how}: {sorted(_session_pids(process.pid))}"
        with pytest.raises(OSError):
            _status(f"{base}/api/status?token={token}")
    finally:
        if _session_pids(process.pid):
            os.killpg(process.pid, signal.SIGKILL)

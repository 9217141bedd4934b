"""`make lab`, the student's command, started for real: it serves the course home,
hides the instructor's side, and passes ARGS through to JupyterLab."""
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


@pytest.fixture(scope="module")
def lab():
    port, token = _free_port(), secrets.token_hex(8)
    args = f"--port {port} --no-browser --IdentityProvider.token={token}"
    process = subprocess.Popen(["make", "--no-print-directory", "lab", f"ARGS={args}"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"make lab exited with {process.returncode}:\n{process.stdout.read().decode()[-3000:]}")
            try:
                if _status(f"{base}/api/status?token={token}") == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("make lab did not serve within 180 s")
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

"""`make formgrader`, the instructor's JupyterLab with nbgrader's formgrader (issue 13, item 3).

A course with one graded submission (lesson 01's solution handed in by ``ada``, autograded by the real
commands) is served with ``make formgrader COURSE=<that course>`` on a free port; over real HTTP the
formgrader lists the submission and its manual grading page shows it. Ending make ends the server.
"""
from __future__ import annotations

import contextlib
import html
import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from test_make_lab import ROOT, _free_port, _session_pids, _status
from test_offline_feedback import LESSON, STUDENT, graded_course


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


@contextlib.contextmanager
def serve_formgrader(course: Path):
    """``make formgrader COURSE=course`` on a free port, once it serves: (base URL, token, the make process).
    Ends the server (and everything it started) on leaving."""
    port, token = _free_port(), secrets.token_hex(8)
    args = f"--port {port} --no-browser --IdentityProvider.token={token}"
    process = subprocess.Popen(["make", "--no-print-directory", "formgrader", f"COURSE={course}", f"ARGS={args}"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"make formgrader exited with {process.returncode}:\n{process.stdout.read().decode()[-3000:]}")
            try:
                if _status(f"{base}/api/status?token={token}") == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("make formgrader did not serve within 180 s")
        yield base, token, process
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)  # make alone: it passes the signal on to JupyterLab
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        if _session_pids(process.pid):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def formgrader(tmp_path_factory):
    """``make formgrader`` on a graded course, once it serves: (base URL, token, the course folder, make)."""
    course = graded_course(tmp_path_factory.mktemp("formgrader"))
    with serve_formgrader(course) as (base, token, process):
        yield base, token, course, process


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the 302 come back as an HTTPError, to read where it points


def test_opens_on_the_formgrader(formgrader):
    base, token, _, _ = formgrader
    with pytest.raises(urllib.error.HTTPError) as redirect:
        urllib.request.build_opener(_NoRedirect).open(f"{base}/?token={token}", timeout=30)
    assert redirect.value.code == 302 and redirect.value.headers["Location"].split("?")[0].endswith("/formgrader")
    status, page = _get(f"{base}/formgrader?token={token}")
    assert status == 200 and "formgrader" in page.lower()


def test_a_submissions_manual_grading_page_shows_it(formgrader):
    base, token, course, _ = formgrader
    status, listing = _get(f"{base}/formgrader/api/submitted_notebooks/{LESSON}/{LESSON}?token={token}")
    submissions = json.loads(listing)
    assert [s["student"] for s in submissions] == [STUDENT], listing[:500]
    assert submissions[0]["score"] == submissions[0]["max_score"] > 0  # the solution, autograded in full
    status, page = _get(f"{base}/formgrader/submissions/{submissions[0]['id']}/?token={token}")
    assert status == 200
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what the grader reads, without the markup
    assert "Submission #1" in text
    assert "Lesson 01 · The forward pass and the error" in text
    assert "def half_squared_error(" in text, "the student's own code is not on the page"
    assert "test_half_squared_error_one_sample" in page  # a test cell to grade, with its points


def test_ending_make_formgrader_ends_the_server(formgrader):
    base, token, _, process = formgrader
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _session_pids(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _session_pids(process.pid)
    with pytest.raises(OSError):
        _status(f"{base}/api/status?token={token}")

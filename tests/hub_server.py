"""A real JupyterHub for the tests (deploy/jupyterhub_config.py), on loopback, with Unix users made for it.

:func:`start_class` (a context manager) does what an administrator does with
docs/class-server.md, in a temporary folder, and undoes it all at the end:

- ``make hub-install`` (JupyterHub, configurable-http-proxy from npm, the course's environment for every
  user under ``BACKPROP_HUB_PREFIX``, default ``/opt/backprop-hub``; nothing to do when already installed);
- two Unix groups (students, instructors) and the users asked for, each with a home in the temporary folder;
- nbgrader's exchange (mode 1777) and the instructor's course folder (mode 700, owned by the instructor);
- JupyterHub itself on 127.0.0.1 (free ports), with a token for the hub's REST API.

:class:`Hub` then drives users the way they would: it starts their servers through the hub's REST API and
runs commands *as them* in a kernel of their own server (Jupyter's kernel protocol over a websocket, through
the hub's proxy), and saves notebooks through their server's contents API.

Needs root (it creates users and the hub starts each server as its user), useradd/userdel, npm and
bubblewrap (``make autograde``). Without them the tests skip, saying why; on CI (``CI`` set) they fail,
because there ``.ci/run`` installs them. At the end the hub is stopped, every process of the users it made
is ended, and the users, their groups and the temporary folder are removed, also after a failure.
"""
from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
HUB_PREFIX = Path(os.environ.get("BACKPROP_HUB_PREFIX") or "/opt/backprop-hub")
#: The interpreter the hub's environment is built on (the Makefile's HUB_PYTHON): one every user may run.
HUB_PYTHON = "/usr/bin/python3"
#: Seconds to wait for the hub, a user's server, or one command run as a user.
START_TIMEOUT, COMMAND_TIMEOUT = 120, 300


def unavailable(reason: str, on_ci: str = ".ci/run installs it") -> None:
    """Skip the test, saying why; on CI (``CI`` set), fail it, saying ``on_ci`` (why CI should have it)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: {on_ci})", pytrace=False)
    pytest.skip(reason)


def check_prerequisites() -> None:
    """Skip (fail on CI) unless this process can set up a class: root, user tools, npm, bubblewrap."""
    if os.geteuid() != 0:
        unavailable("the JupyterHub round trip runs as root only: it creates Unix users, "
                    "and the hub starts each user's server as that user", on_ci="run CI as root")
    for command, package in (("useradd", "passwd"), ("userdel", "passwd"), ("groupadd", "passwd"),
                             ("npm", "npm"), ("node", "nodejs"), ("bwrap", "bubblewrap")):
        if shutil.which(command) is None:
            unavailable(f"no `{command}` on PATH (Debian package {package}): the JupyterHub round trip needs it")
    venv_check = Path(HUB_PYTHON).is_file() and subprocess.run(
        [HUB_PYTHON, "-c", "import ensurepip, sys; sys.exit(sys.version_info < (3, 11))"], capture_output=True)
    if not venv_check or venv_check.returncode != 0:
        unavailable(f"{HUB_PYTHON} cannot make the hub's environment (needs Python >= 3.11 with venv: "
                    "Debian package python3-venv)")


def install_hub() -> None:
    """``make hub-install``: fails the test with make's last lines when it cannot install.

    One at a time (two test workers may both need it): a lock file in /tmp.
    """
    with open(f"/tmp/backprop-hub-install-{HUB_PREFIX.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(["make", "--no-print-directory", "hub-install", f"HUB_PREFIX={HUB_PREFIX}"],
                                cwd=REPO, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        pytest.fail("make hub-install failed:\n" + (result.stdout + result.stderr)[-3000:], pytrace=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_checked(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """``argv`` run to the end; a failure names the command and shows its output."""
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(argv)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
    return result


def end_processes_of(uid: int) -> None:
    """SIGKILL every process running as ``uid`` (a user the test made: its servers, kernels, anything left)."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uids = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue  # the process ended meanwhile
        if int(uids.split()[1]) == uid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(status.parent.name), signal.SIGKILL)


@dataclass
class Hub:
    """A running JupyterHub and the class on it. ``url``: the proxy's address; ``token``: the REST API's."""

    url: str
    token: str
    folder: Path
    course: Path
    exchange: Path
    students: list[str]
    instructor: str
    outsider: str  # a Unix user in neither of the class's groups
    log: Path
    kernels: dict[str, str] = field(default_factory=dict)

    # --------------------------------------------------------------------------------- REST API
    def request(self, method: str, path: str, body: dict | None = None, expect: tuple[int, ...] = (200,)):
        """``method path`` on the proxy with the API token; returns (status, parsed JSON or text).

        A status outside ``expect`` fails the test with the hub's reply.
        """
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                status, text = reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        assert status in expect, f"{method} {path}: expected HTTP {expect}, got {status}: {text[:2000]}"
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def start_servers(self, users: list[str]) -> None:
        """Start the ``users``' servers through the hub (all at once) and wait until each is ready."""
        for user in users:
            self.request("POST", f"/hub/api/users/{user}/server", expect=(201, 202))
        deadline = time.monotonic() + START_TIMEOUT
        for user in users:
            while True:
                _, model = self.request("GET", f"/hub/api/users/{user}")
                if (model.get("servers") or {}).get("", {}).get("ready"):
                    break
                assert time.monotonic() < deadline, (
                    f"{user}'s server did not start in {START_TIMEOUT} s:\n{self.log_tail()}")
                time.sleep(0.5)

    def log_in(self, user: str, password: str) -> bool:
        """True when the hub's login page (PAM) lets ``user`` in with ``password``, as a browser would log in."""
        cookies = urllib.request.HTTPCookieProcessor()
        browser = urllib.request.build_opener(cookies, _NoRedirect())
        with browser.open(self.url + "/hub/login", timeout=60) as reply:
            form = reply.read().decode()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form)
        assert xsrf, f"the hub's login page has no _xsrf field:\n{form[:2000]}"
        data = urllib.parse.urlencode({"username": user, "password": password, "_xsrf": xsrf[1]}).encode()
        try:
            with browser.open(self.url + "/hub/login", data=data, timeout=60) as reply:
                status = reply.status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status in (302, 403), f"logging in as {user}: expected 302 (in) or 403 (refused), got {status}"
        return status == 302

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else "(no hub log)"

    # --------------------------------------------------------------------------------- as a user
    def python(self, user: str, code: str) -> str:
        """Run ``code`` in a kernel of ``user``'s server (as that Unix user); returns what it printed.

        An exception in the code fails the test with its traceback.
        """
        if user not in self.kernels:
            _, kernel = self.request("POST", f"/user/{user}/api/kernels", {"name": "python3"}, expect=(201,))
            self.kernels[user] = kernel["id"]
        url = self.url.replace("http://", "ws://") + f"/user/{user}/api/kernels/{self.kernels[user]}/channels"
        return asyncio.run(_execute(url, self.token, code, COMMAND_TIMEOUT))

    def run_as(self, user: str, argv: list[str], cwd: str | Path) -> subprocess.CompletedProcess:
        """``argv`` run by ``user`` from a kernel of their server, in ``cwd``: its exit status and output."""
        code = ("import json, subprocess\n"
                f"_r = subprocess.run({argv!r}, cwd={str(cwd)!r}, capture_output=True, text=True)\n"
                "print(json.dumps([_r.returncode, _r.stdout, _r.stderr]))\n")
        returncode, stdout, stderr = json.loads(self.python(user, code).strip().splitlines()[-1])
        return subprocess.CompletedProcess(argv, returncode, stdout, stderr)

    def run_checked_as(self, user: str, argv: list[str], cwd: str | Path) -> str:
        """Like :meth:`run_as`; a failure names the user and command and shows the output. Returns the output."""
        result = self.run_as(user, argv, cwd)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{user}: {' '.join(argv)} exited with {result.returncode}:\n{output}"
        return output

    def save_notebook(self, user: str, path: str, notebook: dict) -> None:
        """Save ``notebook`` (nbformat JSON) at ``path`` (relative to the server's root) as ``user`` does."""
        self.request("PUT", f"/user/{user}/api/contents/{path}",
                     {"type": "notebook", "format": "json", "content": notebook}, expect=(200, 201))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a redirect as the reply (a successful login answers 302), instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


async def _execute(url: str, token: str, code: str, timeout: float) -> str:
    """Execute ``code`` over the kernel's websocket at ``url``; returns its stdout. Fails on an error."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    msg_id, printed, error = uuid.uuid4().hex, [], None
    header = {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
              "date": "", "version": "5.3"}
    await connection.write_message(json.dumps({
        "header": header, "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    deadline = time.monotonic() + timeout
    try:
        while True:
            raw = await asyncio.wait_for(connection.read_message(), max(0.1, deadline - time.monotonic()))
            assert raw is not None, "the kernel's websocket closed before the code finished"
            message = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                break
    finally:
        connection.close()
    assert error is None, f"the code run in the user's kernel raised {error}\nprinted: {''.join(printed)}"
    return "".join(printed)


# ------------------------------------------------------------------------------------------------ set-up
def _make_users(folder: Path, student_group: str, instructor_group: str, students: list[str], instructor: str,
                outsider: str) -> None:
    """The two groups and the users in them (homes under ``folder/home``; ``outsider`` in neither group)."""
    for group in (student_group, instructor_group):
        run_checked(["groupadd", group])
    (folder / "home").mkdir(mode=0o755)
    for user, group in [(s, student_group) for s in students] + [(instructor, instructor_group), (outsider, None)]:
        run_checked(["useradd", "--create-home", "--home-dir", str(folder / "home" / user), "--user-group",
                     *(["--groups", group] if group else []), "--shell", "/bin/bash", user])


def _remove_users(users: list[str], groups: list[str]) -> None:
    """End the users' processes, then remove them (and their own groups) and the two class groups."""
    for user in users:
        try:
            uid = pwd.getpwnam(user).pw_uid
        except KeyError:
            continue  # never made
        end_processes_of(uid)
        subprocess.run(["userdel", user], capture_output=True)
    for group in groups:
        subprocess.run(["groupdel", group], capture_output=True)


def _copy_course(course: Path, lesson: str) -> None:
    """The files ``make release``/``autograde``/``feedback`` need for ``lesson``, copied from the repository,
    and its package: the hub's environment has the students' copy only, the instructor's nbgrader imports
    the course folder's (deploy/jupyterhub_config.py)."""
    course.mkdir()
    for name in ("nbgrader_config.py", "Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, course / name)
    shutil.copytree(REPO / "backprop_core", course / "backprop_core",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for part in ("solutions", "lessons"):
        shutil.copytree(REPO / part / lesson, course / part / lesson,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))


def course_make(course: Path, target: str, *args: str) -> str:
    """``make <target>`` in the course copy, as root, with the repository's venv (its install stamp taken as done,
    so make never reinstalls the package from the copy); returns the output, fails on an error."""
    venv = REPO / ".venv"
    env = {k: v for k, v in os.environ.items() if k != "BACKPROP_GRADEBOOK_URL"}
    # The venv's package (the repository's, installed editable), not the course copy's in the working
    # folder: the grading sandbox mounts the package the grader imported, where the venv finds it.
    env["PYTHONSAFEPATH"] = "1"
    result = run_checked(["make", "--no-print-directory", "-C", str(course), "-o", f"{venv}/.installed-lab",
                          target, f"VENV={venv}", f"ARGS={' '.join(args)}"], env=env, timeout=900)
    return result.stdout + result.stderr


@contextlib.contextmanager
def start_class(lesson: str, students: list[str], instructor: str) -> Iterator[Hub]:
    """A JupyterHub with ``students`` and ``instructor`` (Unix users made here), ``lesson`` released by
    ``make release`` in the instructor's course folder. Everything is undone on exit."""
    check_prerequisites()
    install_hub()
    tag = f"bp{os.getpid() % 100000}"
    students, instructor, outsider = [f"{tag}{s}" for s in students], f"{tag}{instructor}", f"{tag}eve"
    folder = Path(tempfile.mkdtemp(prefix="backprop-hub-", dir="/tmp"))
    folder.chmod(0o755)  # users reach their homes and the exchange through it
    groups = [f"{tag}students", f"{tag}teachers"]  # named first: a failure half-way still removes what was made
    hub_process = None
    try:
        _make_users(folder, *groups, students, instructor, outsider)
        exchange, course, state = folder / "exchange", folder / "course", folder / "hub"
        exchange.mkdir()
        exchange.chmod(0o1777)
        state.mkdir(mode=0o700)
        _copy_course(course, lesson)
        course_make(course, "release", lesson)
        run_checked(["chown", "-R", f"{instructor}:{instructor}", str(course)])
        course.chmod(0o700)  # the solutions: the instructor's only

        token, port = secrets.token_hex(32), free_port()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "BACKPROP_HUB_PREFIX": str(HUB_PREFIX), "BACKPROP_HUB_STATE": str(state),
               "BACKPROP_HUB_COURSE": str(course), "BACKPROP_EXCHANGE": str(exchange),
               "BACKPROP_HUB_IP": "127.0.0.1", "BACKPROP_HUB_PORT": str(port),
               "BACKPROP_HUB_API_PORT": str(free_port()), "BACKPROP_HUB_PROXY_API_PORT": str(free_port()),
               "BACKPROP_HUB_STUDENT_GROUP": groups[0], "BACKPROP_HUB_INSTRUCTOR_GROUP": groups[1],
               "BACKPROP_HUB_API_TOKEN": token}
        log = folder / "jupyterhub.log"
        with log.open("w") as handle:
            hub_process = subprocess.Popen([str(HUB_PREFIX / "venv" / "bin" / "jupyterhub"), "-f",
                                            str(REPO / "deploy" / "jupyterhub_config.py")],
                                           cwd=state, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                           start_new_session=True)
        hub = Hub(f"http://127.0.0.1:{port}", token, folder, course, exchange, students, instructor, outsider, log)
        _wait_for_hub(hub, hub_process)
        hub.request("POST", "/hub/api/users", {"usernames": [*students, instructor]}, expect=(201,))
        yield hub
    finally:
        if hub_process is not None:
            _stop_hub(hub_process, folder / "hub" / "jupyterhub-proxy.pid")
        _remove_users([*students, instructor, outsider], groups)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_hub(hub: Hub, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        assert process.poll() is None, f"JupyterHub stopped (exit {process.returncode}):\n{hub.log_tail()}"
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(hub.url + "/hub/api/", timeout=5) as reply:
                if reply.status == 200:
                    return
        assert time.monotonic() < deadline, f"JupyterHub did not answer in {START_TIMEOUT} s:\n{hub.log_tail()}"
        time.sleep(0.5)


def _stop_hub(process: subprocess.Popen, proxy_pid_file: Path) -> None:
    """SIGTERM the hub (it stops the users' servers and its proxy); whatever is left of it is killed."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # The proxy outlives a hub killed before it could stop it; its pid file may also be stale (checked).
    with contextlib.suppress(OSError, ValueError):
        pid = int(proxy_pid_file.read_text().strip())
        if b"configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGKILL)

"""Issue 12, item 1: grading in parallel on Dask gives exactly the grades of grading one at a time.

One generated class of the sample course (``test_grading_course.build_class``:
the solution, the release, each known mistake, a stuck loop, a function that
raises, calls to the reference, answers hard-coded, tampered test cells) is
graded through the real instructor CLI, in separate copies of one released course:

- one at a time in the instructor's process (``--workers 1``);
- on the embedded Dask cluster (``--workers 2``);
- on a real multi-process cluster started here on loopback: ``dask scheduler``
  and two ``dask worker`` processes over TLS with certificates made by ``openssl``
  as the README says (``--scheduler tls://127.0.0.1:<port>``), one of which is
  killed with SIGKILL while it grades: its submission is graded again by the
  other, and nothing is lost.

Every score of every test cell, and every row of the export, must be the same.

Issue 20, item 2: the cluster authenticates. While the embedded cluster grades,
a real second Unix user finds the grader's listening ports and tries to run a
function in it with a plain ``distributed.Client`` (and over TLS with a
certificate of their own): refused, nothing runs, the grades are unchanged. A
``tcp://`` scheduler, or one without certificates, is refused before any work.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from test_exchange_collect import _users
from test_grading_course import SAMPLE, build_class, instructor, new_course

pytestmark = pytest.mark.grading

LESSON = "00-sample"
TIMEOUT = 5


@pytest.fixture(scope="module")
def released_class(tmp_path_factory) -> Path:
    """The sample course, released, with a generated class submitted (graded by nobody yet)."""
    from backprop_core.grading.judge.sandbox import bwrap_executable

    bwrap_executable()  # fails, naming the Debian package, where bubblewrap is missing
    course = new_course(tmp_path_factory.mktemp("class"), SAMPLE, LESSON)
    result = instructor(course, "release", LESSON, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    build_class(course, LESSON, TIMEOUT)
    return course


def _grades(course: Path) -> dict:
    """student -> {grade id: (auto score, max score)}, from the gradebook."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        for student in sorted(p.name for p in (course / "submitted").iterdir()):
            notebook = gradebook.find_submission_notebook(LESSON, LESSON, student)
            found[student] = {g.name: (g.auto_score, g.max_score) for g in notebook.grades}
    return found


def _export(course: Path) -> list[dict]:
    result = instructor(course, "grades", timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(course / "grades-status.csv", newline="", encoding="utf-8") as file:
        return [{k: v for k, v in row.items() if k != "graded_at"} for row in csv.DictReader(file)]


def _graded_copy(released: Path, tmp_path: Path, name: str, *args: str) -> tuple[Path, str]:
    course = tmp_path / name
    shutil.copytree(released, course)
    result = instructor(course, "autograde", LESSON, *args, timeout=TIMEOUT)
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "NOT graded" not in log, log
    return course, log


@pytest.fixture(scope="module")
def one_at_a_time(released_class, tmp_path_factory):
    course, _ = _graded_copy(released_class, tmp_path_factory.mktemp("sequential"), "course", "--workers", "1")
    return _grades(course), _export(course)


def test_the_embedded_cluster_grades_exactly_as_one_at_a_time(released_class, one_at_a_time, tmp_path):
    course, log = _graded_copy(released_class, tmp_path, "course", "--workers", "2")
    assert "embedded Dask cluster" in log, log
    for noise in ("SAWarning", "Traceback", "CommClosedError", "Warning:"):  # issue 24, item 8
        assert noise not in log, f"the instructor's log carries {noise!r}:\n{log}"
    grades, export = _grades(course), _export(course)
    assert grades == one_at_a_time[0]
    assert export == one_at_a_time[1]
    assert any(score for scores in grades.values() for score, _ in scores.values()), "nobody scored: a vacuous class"


# ------------------------------------------------------------------ a real multi-process cluster
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args: str, log: Path) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "dask"), *args]
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)


def _wait_for_workers(address: str, n: int, cert: Path, key: Path, seconds: float = 60) -> None:
    from dask.distributed import Client
    from distributed.security import Security

    security = Security(tls_ca_file=str(cert), tls_client_cert=str(cert), tls_client_key=str(key),
                        require_encryption=True)
    with Client(address, timeout="30s", security=security) as client:
        client.wait_for_workers(n, timeout=seconds)


def _cluster_certificate(folder: Path) -> tuple[Path, Path]:
    """The class's certificate and key, made as the README says (self-signed: it is its own authority)."""
    cert, key = folder / "cluster.pem", folder / "cluster.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=backprop-grading", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_a_real_scheduler_and_two_workers_grade_the_same_even_when_one_is_killed(released_class, one_at_a_time,
                                                                                 tmp_path):
    port = _free_port()
    address = f"tls://127.0.0.1:{port}"
    cert, key = _cluster_certificate(tmp_path)
    tls = ["--tls-ca-file", str(cert), "--tls-cert", str(cert), "--tls-key", str(key)]
    processes = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--protocol", "tls",
                       "--no-dashboard", *tls, log=tmp_path / "scheduler.log")]
    try:
        time.sleep(1)
        workers = [_dask("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{k}",
                         *tls, log=tmp_path / f"worker{k}.log") for k in range(2)]
        processes += workers
        _wait_for_workers(address, 2, cert, key)
        course = tmp_path / "course"
        shutil.copytree(released_class, course)
        run = subprocess.Popen([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course),
                                "autograde", LESSON, "--scheduler", address, *tls], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "BACKPROP_CELL_TIMEOUT": str(TIMEOUT),
                                    "BACKPROP_CHECK_TIME_LIMIT": "5"})
        lines = []
        for line in run.stdout:  # kill one worker as soon as the first result is in: it is grading another
            lines.append(line)
            if "points" in line and workers[0].poll() is None:
                os.killpg(workers[0].pid, signal.SIGKILL)
        run.wait(timeout=600)
        log = "".join(lines)
        assert workers[0].poll() is not None, "the worker to kill was not killed"
        assert run.returncode == 0 and "NOT graded" not in log, log
        assert f"grading on the Dask cluster at {address}" in log
        assert _grades(course) == one_at_a_time[0]
        assert _export(course) == one_at_a_time[1]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.mark.parametrize("args, expected", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler must be a TLS address, tls://host:port"),
    (["--scheduler", "tls://127.0.0.1:8786"], "needs --tls-ca-file (or Dask's distributed.comm.tls.ca-file)"),
    (["--scheduler", "tls://127.0.0.1:8786", "--tls-ca-file", "/nonexistent.pem", "--tls-cert", "/nonexistent.pem"],
     "--tls-ca-file must be a readable PEM file, got '/nonexistent.pem'"),
], ids=["tcp", "no-certificates", "missing-file"])
def test_a_remote_cluster_without_tls_is_refused_before_any_work(released_class, tmp_path, args, expected):
    """No connection without TLS and certificates: a clear error, exit code 1, nothing graded."""
    course = tmp_path / "course"
    shutil.copytree(released_class, course)
    result = instructor(course, "autograde", LESSON, *args, timeout=TIMEOUT)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and expected in log and "Nothing was done" in log, log
    assert not (course / "autograded").exists(), log


# ------------------------------------------------------------------ another user against the embedded cluster
ATTACK = r"""
import json, os, sys, time
from concurrent.futures import ThreadPoolExecutor, wait
from distributed import Client
from distributed.security import Security

target, go, cert, key = sys.argv[1:5]
while not os.path.exists(go):  # ready (distributed imported) before the grader's cluster is up
    time.sleep(0.05)
with open(go) as f:
    ports = json.load(f)
started = time.monotonic()

def plant():  # what the attacker wants to run: in the coordinator (root) and in every worker
    with open(target, "a") as f:
        f.write(f"{os.getpid()} uid={os.getuid()}\n")
    return "ran"

own = Security(tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key, require_encryption=True)

def attempt(address, security):
    try:
        with Client(address, security=security, timeout="2s") as client:
            return [repr(client.run_on_scheduler(plant)), repr(client.run(plant))]
    except Exception as error:
        return f"refused: {type(error).__name__}: {error}"[:300]

attempts = {f"{scheme}://127.0.0.1:{port}": security for port in ports
            for scheme, security in (("tcp", None), ("tls", own))}
# all at once, for at most 8 s: the grading run lasts seconds, and a Client's handshake with a server that
# never answers in its protocol (the HTTP ports) can hang past its timeout
pool = ThreadPoolExecutor(len(attempts))
futures = {pool.submit(attempt, address, security): address for address, security in attempts.items()}
wait(futures, timeout=8)
outcomes = {address: future.result() if future.done() else "no answer within 8 s"
            for future, address in futures.items()}
print(json.dumps({"outcomes": outcomes, "seconds": time.monotonic() - started}), flush=True)
os._exit(0)  # the hung threads are left behind
"""


def _family(pid: int) -> set[int]:
    """``pid`` and every process descended from it."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    family, grew = {pid}, True
    while grew:
        new = {child for child, parent in parents.items() if parent in family} - family
        family |= new
        grew = bool(new)
    return family


def _listening_ports(pids: set[int]) -> list[int]:
    """The TCP ports the processes ``pids`` listen on (their sockets' inodes matched in /proc/net/tcp)."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return sorted(ports)


def test_another_user_cannot_run_code_in_the_embedded_cluster(released_class, one_at_a_time, tmp_path):
    """While ``autograde --workers 2`` grades, a real second user connects to every port the grader and its
    workers listen on (plain TCP, and TLS with a certificate of their own) and tries to run a function that
    writes a file: every connection is refused, the file never appears, the grades are those of one at a time."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd, to make a second Unix user")
    course = tmp_path / "course"
    shutil.copytree(released_class, course)
    drop = Path(tempfile.mkdtemp(prefix="cl-attack-", dir="/tmp"))  # pytest's folders are root's only
    drop.chmod(0o1777)
    target = drop / "planted"
    user = f"cl-att{os.getpid() % 100000}"
    with _users([user], drop), contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, drop, ignore_errors=True)
        uid = pwd.getpwnam(user).pw_uid
        cert, key = _cluster_certificate(drop)
        os.chown(cert, uid, -1), os.chown(key, uid, -1)
        script = drop / "attack.py"
        script.write_text(ATTACK, encoding="utf-8")
        go = drop / "ports.json"
        site = next(p for p in sys.path if p.endswith("site-packages"))
        attacker = subprocess.Popen(
            ["runuser", "-u", user, "--", "env", "-i", f"PYTHONPATH={site}", f"HOME={drop / user}",
             "/usr/bin/python3", str(script), str(target), str(go), str(cert), str(key)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cleanup.callback(lambda: attacker.poll() is None and attacker.kill())
        run = subprocess.Popen([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course),
                                "autograde", LESSON, "--workers", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "BACKPROP_CELL_TIMEOUT": str(TIMEOUT),
                                    "BACKPROP_CHECK_TIME_LIMIT": "5", "PYTHONUNBUFFERED": "1"})
        lines, attack, alive, start = [], None, None, time.monotonic()
        for line in run.stdout:
            lines.append(f"{time.monotonic() - start:.1f} s: {line}")
            if attack is None and "embedded Dask cluster" in line:  # the cluster is up: attack while it grades
                go.with_suffix(".tmp").write_text(json.dumps(_listening_ports(_family(run.pid))))
                go.with_suffix(".tmp").rename(go)
                attack = attacker.communicate(timeout=300)
                alive = run.poll() is None
                lines.append(f"{time.monotonic() - start:.1f} s: the attack is over: {attack[0][-60:]}\n")
        run.wait(timeout=600)
        planted = target.read_text() if target.exists() else None
    log = "".join(lines)
    assert run.returncode == 0 and "NOT graded" not in log, log
    assert attack is not None, f"the grader never said its cluster was up:\n{log}"
    assert attacker.returncode == 0, attack
    outcomes = json.loads(attack[0])["outcomes"]
    assert alive, f"autograde ended before the attack was over: nothing was shown\n{outcomes}\n{log}"
    assert len(outcomes) >= 2 * 3, f"expected the scheduler's and both workers' ports at least: {outcomes}"
    assert planted is None, f"the attacker's function ran: {planted}\n{outcomes}"
    assert all(str(o).startswith(("refused", "no answer")) for o in outcomes.values()), outcomes
    # the scheduler's, nannies' and workers' TLS listeners turn both kinds of client away at the handshake
    assert sum(str(o).startswith("refused") for o in outcomes.values()) >= 2 * 5, outcomes
    assert _grades(course) == one_at_a_time[0]

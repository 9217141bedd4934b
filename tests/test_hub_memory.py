"""Issue 24, item 10: each student's server is capped in memory, all its processes together.

``deploy/jupyterhub_config.py``'s ``prepare_server`` (the file as JupyterHub loads it, as in
test_hub_environment.py) is given a spawner for a real Unix user made here; the ``preexec_fn`` it sets
is the one JupyterHub's ``LocalProcessSpawner`` starts the server with. Started with it, a process runs
as that user inside the user's own memory cgroup: under the cap it runs, and a server whose kernel asks
for more than the cap is killed by the kernel (SIGKILL), while the same program outside the cgroup runs.

Runs only as root with writable cgroups (it makes a Unix user and a cgroup); a few seconds.
"""
from __future__ import annotations

import os
import pwd
import subprocess
import types
from pathlib import Path

import pytest

from hub_server import REPO, run_checked
from test_hub_environment import load_prepare_server

pytestmark = pytest.mark.grading

CAP = "200M"
#: Touches ``MiB`` mebibytes (bytes repetition writes every page), then says who and where it ran.
ALLOCATE = ("import os, sys; block = b'x' * (int(sys.argv[1]) << 20); "
            "print(os.getuid(), open('/proc/self/cgroup').read().replace(chr(10), ' '))")


def _setuid(name: str):
    """What JupyterHub's spawner does before ``exec`` (``set_user_setuid``): become the user."""
    user = pwd.getpwnam(name)

    def preexec() -> None:
        os.setgid(user.pw_gid)
        os.setgroups(os.getgrouplist(name, user.pw_gid))
        os.setuid(user.pw_uid)
    return preexec


@pytest.fixture
def student(tmp_path, monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("needs root: makes a Unix user and a cgroup")
    name = f"scal-mem-{os.getpid() % 100000}"
    run_checked(["useradd", "--create-home", "--home-dir", str(tmp_path / name), "--user-group", name])
    monkeypatch.setenv("BACKPROP_HUB_MEM_LIMIT", CAP)
    try:
        yield name
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
        for base in (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup")):
            if (base / f"backprop-hub-{name}").is_dir():
                (base / f"backprop-hub-{name}").rmdir()


def _spawn(preexec, mebibytes: int) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/python3", "-c", ALLOCATE, str(mebibytes)], preexec_fn=preexec, cwd="/",
                          capture_output=True, text=True, timeout=120)


def test_a_students_server_is_capped_in_its_own_memory_cgroup(student):
    prepare_server = load_prepare_server()
    spawner = types.SimpleNamespace(user=types.SimpleNamespace(name=student), environment={}, notebook_dir="",
                                    default_url="", popen_kwargs={}, make_preexec_fn=_setuid)
    prepare_server(spawner)
    preexec = spawner.popen_kwargs.get("preexec_fn")
    assert preexec is not None, "no cgroup for the server: are cgroups writable here?"

    small = _spawn(preexec, 50)
    assert small.returncode == 0, small.stderr
    uid, groups = small.stdout.split(maxsplit=1)
    assert int(uid) == pwd.getpwnam(student).pw_uid, "the server must run as the student"
    assert f"backprop-hub-{student}" in groups, groups

    big = _spawn(preexec, 400)
    assert big.returncode == -9, f"400 MiB under a {CAP} cap: expected the kernel's SIGKILL, got {big.returncode}"
    assert _spawn(_setuid(student), 400).returncode == 0, "outside the cgroup the same program runs: the cap did it"

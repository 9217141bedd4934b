"""Run a command in a bubblewrap sandbox: no root, no network, no view of the course, hard limits.

:func:`run_sandboxed` runs ``argv`` (typically the venv's python and a script) under Debian's
bubblewrap (``bwrap``, package ``bubblewrap``). Inside the sandbox:

- the process runs as an unprivileged uid/gid (:attr:`SandboxLimits.uid`, default 65534,
  ``nobody``) with no capabilities and ``no_new_privs``;
- the system (``/usr``, ``/etc``, ``/lib``...), the Python installation, the venv and the
  installed ``backprop_core`` package directory are bound read-only. Only the package directory
  is bound, never the repository around it: an editable install's finder points at
  ``<repository>/backprop_core``, so that path (and nothing else of the repository, the
  gradebook, ``solutions/``, ``submitted/`` or other students) exists inside;
- the only writable places are the caller's scratch directory, seen as :data:`SCRATCH` (also
  the working directory and ``$HOME``), and a private size-capped tmpfs ``/tmp``; the root of
  the sandbox is read-only;
- it has its own network namespace (only a loopback that is down: connecting anywhere fails),
  its own PID namespace (the grader's processes are invisible; ``os.kill(os.getppid(), 9)``
  hits the sandbox's own init, which belongs to another user), IPC and UTS namespaces, a new
  terminal session, and it dies with the process that started it (``--die-with-parent``);
- resource limits are set by a tiny launcher just before it executes ``argv``.

How "not root" is achieved depends on who starts the sandbox. Started by root (the grader on
CI and on the course machines), bwrap runs without a user namespace and the launcher, the only
process ever holding ``CAP_SETUID``/``CAP_SETGID``, drops to the *host's* unprivileged uid/gid.
A user namespace is deliberately not used there: the only mapping bwrap can make maps the
sandbox user onto host root, and the kernel does not enforce ``RLIMIT_NPROC`` on host root, so
a fork bomb would be unlimited. Started by an ordinary user, bwrap uses a user namespace that
maps that (already unprivileged) user onto the sandbox uid/gid.

Settings (:class:`SandboxLimits`, one field per setting, all plain values meant to be read
from ``nbgrader_config.py`` later):

``memory_bytes`` (2 GiB)
    address space (``RLIMIT_AS``); a bigger allocation raises ``MemoryError`` inside.
``max_processes`` (64)
    processes and threads of the sandbox uid (``RLIMIT_NPROC``); the kernel counts them for
    the whole host, so sandboxes running at the same time under one uid share the budget.
``cpu_seconds`` (60)
    CPU time (``RLIMIT_CPU``); past it the process gets ``SIGXCPU``, a second later ``SIGKILL``.
``wall_seconds`` (120)
    wall-clock time after which the whole sandbox (every process in it) is killed.
``max_output_bytes`` (1 MiB)
    bytes of stdout and of stderr kept, each; past it the sandbox is killed and the rest cut.
``max_file_bytes`` (64 MiB)
    size of any file written (``RLIMIT_FSIZE``).
``max_open_files`` (256)
    open file descriptors (``RLIMIT_NOFILE``).
``tmp_bytes`` (64 MiB)
    size of the private ``/tmp``.
``uid``, ``gid`` (65534, 65534)
    the unprivileged user and group the code runs as.

When ``bwrap`` is not on ``PATH``, :func:`run_sandboxed` raises :class:`SandboxUnavailable`
naming the Debian package. This module imports only the standard library.
"""
from __future__ import annotations

import dataclasses
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Sequence

__all__ = [
    "SCRATCH", "MISSING_BWRAP", "SandboxLimits", "SandboxResult", "SandboxUnavailable", "bwrap_command",
    "bwrap_executable", "run_sandboxed",
]

#: Where the caller's scratch directory appears inside the sandbox (working directory and $HOME).
SCRATCH = "/scratch"

#: The package directory this module belongs to (``backprop_core``), wherever it is installed.
PACKAGE_DIR = Path(__file__).resolve().parents[1]

#: Top-level system directories bound read-only (or recreated as symlinks on merged-/usr systems).
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")

MISSING_BWRAP = "bubblewrap is not installed (Debian package `bubblewrap`: apt-get install bubblewrap)"

GiB = 1024**3
MiB = 1024**2

# Run by the sandbox's python (isolated, no site) as the first process inside: it lowers the
# limits, drops to the unprivileged user when it starts as root, then becomes argv. Arguments:
# memory nproc cpu fsize nofile uid gid drop(0|1) argv...
_LAUNCHER = """\
import os, resource, sys
memory, nproc, cpu, fsize, nofile, uid, gid, drop = map(int, sys.argv[1:9])
for kind, value, hard in ((resource.RLIMIT_AS, memory, memory), (resource.RLIMIT_NPROC, nproc, nproc),
                          (resource.RLIMIT_CPU, cpu, cpu + 1), (resource.RLIMIT_FSIZE, fsize, fsize),
                          (resource.RLIMIT_NOFILE, nofile, nofile), (resource.RLIMIT_CORE, 0, 0)):
    resource.setrlimit(kind, (value, hard))
if drop:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
os.execvp(sys.argv[9], sys.argv[9:])
"""

# A sandboxed process killed by a signal makes bwrap exit with 128 + the signal number;
# SIGXCPU is what the soft CPU limit sends.
_CPU_LIMIT_EXIT = 128 + signal.SIGXCPU


class SandboxUnavailable(RuntimeError):
    """bubblewrap (``bwrap``) is not installed, so no submission can be run safely."""


@dataclasses.dataclass(frozen=True)
class SandboxLimits:
    """Limits and identity of a sandboxed run (see the module docstring for each field)."""

    memory_bytes: int = 2 * GiB
    max_processes: int = 64
    cpu_seconds: int = 60
    wall_seconds: float = 120.0
    max_output_bytes: int = 1 * MiB
    max_file_bytes: int = 64 * MiB
    max_open_files: int = 256
    tmp_bytes: int = 64 * MiB
    uid: int = 65534
    gid: int = 65534


@dataclasses.dataclass(frozen=True)
class SandboxResult:
    """What a sandboxed run gave back.

    ``returncode`` is the command's exit status (128 + N when killed by signal N, as bwrap
    reports it; -9 when the sandbox was killed from outside). ``stdout``/``stderr`` hold at most
    ``max_output_bytes`` each. ``killed_by_limit`` is ``"wall_time"``, ``"output"``, ``"cpu"``
    or ``None``; memory and process limits show inside (``MemoryError``, a failing ``fork``).
    """

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    killed_by_limit: str | None


def bwrap_executable() -> str:
    """Absolute path of ``bwrap`` on ``PATH``; :class:`SandboxUnavailable` when there is none."""
    found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailable(MISSING_BWRAP)
    return found


def _system_mounts() -> list[str]:
    """bwrap options making the system directories visible read-only."""
    options: list[str] = []
    for directory in SYSTEM_DIRS:
        path = Path(directory)
        if path.is_symlink():  # merged /usr: /bin -> usr/bin
            options += ["--symlink", os.readlink(path), directory]
        elif path.is_dir():
            options += ["--ro-bind", directory, directory]
    return options


def _python_mounts(package: Path | None = None) -> list[str]:
    """Read-only binds of the Python installation, the venv and the package directory only.

    ``package``: a directory mounted where the package is instead of the package itself (a
    hidden test's build without the references, :mod:`.exam_build`). Paths already inside a
    system directory are visible anyway; a parent is bound before anything below it so that
    the inner bind is not hidden.
    """
    wanted = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), PACKAGE_DIR}
    options: list[str] = []
    made: set[Path] = set()
    for path in sorted(wanted, key=lambda p: len(p.parts)):
        if any(path.is_relative_to(system) for system in SYSTEM_DIRS):
            continue
        # bwrap would create the missing parents (/root, /work...) with the caller's umask,
        # possibly 0700, which the sandbox user could not traverse.
        for parent in reversed(path.parents[:-1]):
            if parent not in made:
                options += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        source = package if (package is not None and path == PACKAGE_DIR) else path
        options += ["--ro-bind", str(source), str(path)]
        made.add(path)
    return options


def _environment(extra: dict | None = None) -> list[str]:
    """A clean environment: nothing of the grader's (tokens, paths to the course) leaks in; ``extra`` added."""
    variables = {
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SCRATCH,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",  # the package is read-only: do not even try
        "PYTHONNOUSERSITE": "1",
        # The package the grader imports, first on sys.path: an environment installed (editable) from another
        # copy of the course has a finder pointing at that copy, which is not mounted here.
        "PYTHONPATH": str(PACKAGE_DIR.parent),
        # One BLAS thread: threads count against max_processes, and two cores are shared.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",  # no display inside
        **(extra or {}),
    }
    options = ["--clearenv"]
    for name, value in variables.items():
        options += ["--setenv", name, value]
    return options


def _identity(limits: SandboxLimits, as_root: bool) -> list[str]:
    """bwrap options for who runs inside (see the module docstring for why root uses no user namespace)."""
    if as_root:
        return ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return ["--unshare-user", "--disable-userns", "--uid", str(limits.uid), "--gid", str(limits.gid)]


def _launcher(limits: SandboxLimits, as_root: bool) -> list[str]:
    """The argv prefix that sets the limits (and drops root) before executing the command."""
    numbers = (limits.memory_bytes, limits.max_processes, limits.cpu_seconds, limits.max_file_bytes,
               limits.max_open_files, limits.uid, limits.gid, int(as_root))
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER, *map(str, numbers)]


def bwrap_command(argv: Sequence[str], workdir: Path, limits: SandboxLimits, as_root: bool,
                  package: Path | None = None, env: dict | None = None) -> list[str]:
    """The full ``bwrap`` command line that runs ``argv`` with ``workdir`` as :data:`SCRATCH`.

    ``package`` is mounted in place of the package directory when given; ``env`` adds variables.
    """
    return [
        bwrap_executable(),
        *_identity(limits, as_root),
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session",
        *_system_mounts(),
        # The private /tmp first: a course (and its venv) may itself live under /tmp, and a
        # tmpfs mounted after its binds would hide them.
        "--perms", "1777", "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
        *_python_mounts(package),
        "--proc", "/proc",
        "--dev", "/dev",
        "--bind", str(workdir), SCRATCH,
        "--remount-ro", "/",  # not recursive: /tmp and the scratch directory stay writable
        "--chdir", SCRATCH,
        *_environment(env),
        "--",
        *_launcher(limits, as_root),
        *argv,
    ]


def _hand_to_sandbox_user(workdir: Path, limits: SandboxLimits) -> None:
    """Make the scratch directory and what the caller put there writable by the sandbox user."""
    for path in [workdir, *workdir.rglob("*")]:
        os.chown(path, limits.uid, limits.gid, follow_symlinks=False)
    # bwrap enters it (--chdir) as root without CAP_DAC_OVERRIDE, before the launcher drops to the
    # sandbox user: a private 0700 folder (mkdtemp's) must let others traverse it.
    os.chmod(workdir, os.stat(workdir).st_mode | 0o111)


def _kill_sandbox(process: subprocess.Popen) -> None:
    """Kill bwrap; its init inside then dies (``--die-with-parent``), taking the whole PID namespace."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_until(process: subprocess.Popen, deadline: float) -> int | None:
    """The exit status of bwrap, or ``None`` after killing it at the deadline."""
    try:
        return process.wait(timeout=max(deadline - time.monotonic(), 0))
    except subprocess.TimeoutExpired:
        _kill_sandbox(process)
        process.wait()
        return None


def _collect_output(process: subprocess.Popen, deadline: float, cap: int) -> tuple[bytes, bytes, str | None]:
    """Read stdout and stderr up to ``cap`` bytes each until both close; stop the sandbox at a limit.

    Returns
    -------
    stdout, stderr : bytes
        At most ``cap`` bytes each.
    limit : str or None
        ``"wall_time"`` or ``"output"`` when the sandbox was killed for it.
    """
    kept: dict[IO[bytes], bytearray] = {process.stdout: bytearray(), process.stderr: bytearray()}
    limit: str | None = None
    with selectors.DefaultSelector() as selector:
        for stream in kept:
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0 and limit is None:
                limit = "wall_time"
                _kill_sandbox(process)
            for key, _ in selector.select(timeout=max(remaining, 0.05)):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer = kept[key.fileobj]
                buffer += chunk[: cap - len(buffer)]
                if len(buffer) >= cap and limit is None:
                    limit = "output"
                    _kill_sandbox(process)
    return bytes(kept[process.stdout]), bytes(kept[process.stderr]), limit


def run_sandboxed(argv: Sequence[str], workdir: str | os.PathLike, limits: SandboxLimits = SandboxLimits(),
                  stdin: bytes = b"", package: str | os.PathLike | None = None,
                  env: dict | None = None) -> SandboxResult:
    """Run ``argv`` in a sandbox whose only writable directory is ``workdir``.

    Parameters
    ----------
    argv : sequence of str
        The command, resolved inside the sandbox (e.g. ``[sys.executable, "run.py"]``; relative
        paths are relative to :data:`SCRATCH`, where ``workdir`` appears).
    workdir : path-like
        An existing private scratch directory (e.g. holding a copy of one student's notebook).
        When started by root, it and its contents are handed to the sandbox user (chown).
    limits : SandboxLimits
        Limits and identity; the defaults are documented in the module docstring.
    stdin : bytes
        Given to the command on its standard input.
    package : path-like, optional
        A directory to mount, read-only, where the ``backprop_core`` package is (a build
        without the references); default the package itself.
    env : dict, optional
        Environment variables to add to the sandbox's clean environment.

    Returns
    -------
    SandboxResult

    Raises
    ------
    SandboxUnavailable
        When ``bwrap`` is not installed.
    """
    workdir = Path(workdir).resolve(strict=True)
    as_root = os.geteuid() == 0
    package = None if package is None else Path(package).resolve(strict=True)
    command = bwrap_command(argv, workdir, limits, as_root, package, env)
    if as_root:
        _hand_to_sandbox_user(workdir, limits)
    with tempfile.TemporaryFile() as stdin_file:
        stdin_file.write(stdin)
        stdin_file.seek(0)
        # Its own process group, so that a kill reaches bwrap and nothing of the caller's.
        process = subprocess.Popen(command, stdin=stdin_file, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    deadline = time.monotonic() + limits.wall_seconds
    with process:
        stdout, stderr, limit = _collect_output(process, deadline, limits.max_output_bytes)
        returncode = _wait_until(process, deadline)
    if returncode is None:  # it closed its output and kept running
        limit = "wall_time"
        returncode = process.returncode
    if limit is None and returncode == _CPU_LIMIT_EXIT:
        limit = "cpu"
    return SandboxResult(returncode=returncode, stdout=stdout, stderr=stderr,
                         timed_out=limit == "wall_time", killed_by_limit=limit)

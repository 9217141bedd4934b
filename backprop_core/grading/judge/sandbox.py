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
``group_memory_bytes`` (3 GiB)
    memory of all the sandbox's processes together, its ``/tmp`` and scratch files included (a
    cgroup's ``memory.max``; see "Whole-sandbox limits" below).
``scratch_bytes``, ``scratch_inodes`` (256 MiB, 20,000)
    size and number of files and folders of the scratch directory (see :func:`private_scratch`).
``uid``, ``gid`` (65534, 65534)
    the unprivileged user and group the code runs as.

Whole-sandbox limits. ``RLIMIT_AS`` bounds each process, not their sum: four children of one
sandbox could hold four times ``memory_bytes``. When the grader is root and a memory and a pids
cgroup controller are writable (cgroup v2's ``memory.max``/``pids.max``, or v1's
``memory.limit_in_bytes``/``pids.max`` where the system mounts v1), each run gets a cgroup of its
own, joined by a tiny shell before it executes bwrap (so every process of the sandbox is in it
from the start), capped at ``group_memory_bytes`` and ``max_processes``; past the memory cap the
kernel kills a process of that sandbox, nothing else. After the run every process left in it is
killed and the cgroup removed. Without root or cgroups (:func:`cgroup_support` says why) the
per-process ``RLIMIT_AS`` and the per-uid ``RLIMIT_NPROC`` are the only limits, as before.

The grader's own paths. A scratch directory is :func:`private_scratch`'s: a fresh ``mkdtemp``
folder (mode 0700) on which, as root, the grader mounts a tmpfs of ``scratch_bytes`` and
``scratch_inodes``, so no file, folder tree or inode spam reaches the host's disk, and cleaning
up is an unmount (no folder shape defeats it); without root it is a plain folder, removed by
:func:`remove_tree` (``shutil.rmtree``, then ``rm -rf --one-file-system`` for what that leaves, deep
trees, 0000 modes). What comes back is read by :func:`read_result` only: a regular file (opened
with ``O_NOFOLLOW|O_NONBLOCK`` and ``fstat``'ed on the open descriptor: no pipe, link or device),
at most a given number of bytes. A folder the grader keeps across runs (the builds without
references) is :func:`private_folder`'s: owned by the grader, mode 0700, every entry checked.

When ``bwrap`` is not on ``PATH``, :func:`run_sandboxed` raises :class:`SandboxUnavailable`
naming the Debian package. This module imports only the standard library.
"""
from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import errno
import logging
import os
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import IO, Iterator, Sequence

__all__ = [
    "SCRATCH", "MISSING_BWRAP", "SandboxLimits", "SandboxResult", "SandboxUnavailable", "UnreadableResult",
    "bwrap_command", "bwrap_executable", "cgroup_support", "private_folder", "private_scratch", "read_result",
    "remove_tree", "run_sandboxed",
]

log = logging.getLogger(__name__)

#: Where the caller's scratch directory appears inside the sandbox (working directory and $HOME).
SCRATCH = "/scratch"

#: The package directory this module belongs to (``backprop_core``), wherever it is installed.
PACKAGE_DIR = Path(__file__).resolve().parents[2]

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
    group_memory_bytes: int = 3 * GiB
    scratch_bytes: int = 256 * MiB
    scratch_inodes: int = 20_000


@dataclasses.dataclass(frozen=True)
class SandboxResult:
    """What a sandboxed run gave back.

    ``returncode`` is the command's exit status (128 + N when killed by signal N, as bwrap
    reports it; -9 when the sandbox was killed from outside). ``stdout``/``stderr`` hold at most
    ``max_output_bytes`` each. ``killed_by_limit`` is ``"wall_time"``, ``"output"``, ``"cpu"``,
    ``"memory"`` (the kernel killed a process for the whole sandbox's memory cap) or ``None``; the
    per-process limits show inside (``MemoryError``, a failing ``fork``).
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


# ------------------------------------------------------------------ the grader's own paths
class UnreadableResult(OSError):
    """What a sandbox left where the grader reads its results is not a regular file of bounded size."""


_FILE_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISLNK, "a symbolic link"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"))


def read_result(path: str | os.PathLike, cap: int, missing_ok: bool = False) -> bytes:
    """The bytes of ``path``, a regular file of at most ``cap`` bytes, else :class:`UnreadableResult`.

    Opened with ``O_NOFOLLOW`` (a symbolic link is refused, not followed) and ``O_NONBLOCK`` (a named
    pipe opens at once instead of waiting for a writer), then checked with ``fstat`` on the open
    descriptor, so what is read is what was checked. ``missing_ok``: no file gives ``b""``.
    """
    name = Path(path).name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except FileNotFoundError:
        if missing_ok:
            return b""
        raise UnreadableResult(f"{name} is missing") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnreadableResult(f"{name} is a symbolic link, expected a regular file") from None
        raise UnreadableResult(f"{name} could not be opened ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((what for test, what in _FILE_KINDS if test(info.st_mode)), "not a regular file")
            raise UnreadableResult(f"{name} is {kind}, expected a regular file")
        if info.st_size > cap:
            raise UnreadableResult(f"{name} holds {info.st_size:,} bytes, more than the {cap:,} the grader reads")
        chunks, size = [], 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:  # it grew after the fstat
            raise UnreadableResult(f"{name} holds more than the {cap:,} bytes the grader reads")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _safe_parents(path: Path) -> bool:
    """Whether nobody but root and this user can rename or replace anything above ``path``."""
    for parent in path.parents:
        info = os.lstat(parent)
        if stat.S_ISLNK(info.st_mode) or info.st_uid not in (0, os.geteuid()):
            return False
        if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
            return False
    return True


def _owned_entries_problem(folder: Path) -> str:
    """The first entry under ``folder`` not owned by this user, writable by others, or not a file or folder."""
    me = os.geteuid()
    for root, folders, files in os.walk(folder):
        for name in [*folders, *files]:
            info = os.lstat(os.path.join(root, name))
            if info.st_uid != me or info.st_mode & 0o022 or not (stat.S_ISREG(info.st_mode) or
                                                                   stat.S_ISDIR(info.st_mode)):
                return f"{os.path.join(root, name)} (owner {info.st_uid}, mode {stat.filemode(info.st_mode)})"
    return ""


#: Fresh folders used instead of a kept one that could not be trusted, by the path asked for (one per process).
_replacements: dict[Path, Path] = {}
#: Kept folders whose every entry this process has checked: inside a 0700 folder of the grader's, only the
#: grader can add one afterwards.
_entries_checked: set[Path] = set()


def private_folder(path: str | os.PathLike, check_entries: bool = True) -> Path:
    """``path`` as a folder only this user can change (made when missing), or a fresh private one instead.

    Kept only when it is a real folder (no symbolic link) owned by this user, every folder above it
    owned by root or this user and not open to others' writes (a sticky ``/tmp`` is fine), and,
    with ``check_entries``, every entry inside owned by this user, writable by nobody else, a file
    or a folder (checked once per process). Its mode is set to 0700. Otherwise (someone else made it first, or swapped
    something in) it is not used at all: a fresh ``mkdtemp`` folder takes its place for the rest of
    this process, with a warning naming why.
    """
    path = Path(os.path.abspath(path))
    if path in _replacements:
        return _replacements[path]
    problem = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            problem = "it is not a folder (a symbolic link?)"
        elif info.st_uid != os.geteuid():
            problem = f"it belongs to uid {info.st_uid}, not to the grader (uid {os.geteuid()})"
        elif not _safe_parents(path):
            problem = "a folder above it can be changed by another user"
        else:
            os.chmod(path, 0o700, follow_symlinks=False)
            found = _owned_entries_problem(path) if check_entries and path not in _entries_checked else ""
            problem = f"it holds {found}, not the grader's own" if found else ""
            if check_entries and not found:
                _entries_checked.add(path)
    except OSError as error:
        problem = f"it could not be made or checked ({error})"
    if not problem:
        return path
    fresh = Path(tempfile.mkdtemp(prefix=f"{path.name}-private-"))
    log.warning("Not using %s: %s. Using %s instead, for this run only.", path, problem, fresh)
    _replacements[path] = fresh
    return fresh


def _libc():
    return ctypes.CDLL(None, use_errno=True)


_MNT_DETACH = 2


def _mount_tmpfs(folder: Path, limits: SandboxLimits) -> bool:
    """Mount a tmpfs of ``scratch_bytes`` and ``scratch_inodes`` on ``folder`` (root only); whether it was."""
    if os.geteuid() != 0:
        return False
    options = f"size={limits.scratch_bytes},nr_inodes={limits.scratch_inodes},mode=0700,uid=0,gid=0"
    done = _libc().mount(b"backprop-scratch", bytes(folder), b"tmpfs", ctypes.c_ulong(0), options.encode())
    if done != 0:
        log.warning("No tmpfs for the sandbox's scratch (%s): a plain folder instead, without size or file caps",
                    os.strerror(ctypes.get_errno()))
    return done == 0


def remove_tree(folder: Path) -> None:
    """Remove ``folder`` whatever its shape: ``shutil.rmtree``, then :func:`_remove_below` for what it left.

    ``shutil.rmtree`` gives up on trees deeper than Python's recursion limit and on folders without
    permissions (as a non-root grader); ``rm -rf --one-file-system`` is the last resort.
    """
    try:
        shutil.rmtree(folder, ignore_errors=True)
    except RecursionError:  # a tree deeper than Python's recursion: _remove_below takes it
        pass
    if os.path.lexists(folder):
        with contextlib.suppress(OSError):
            _remove_below(str(folder))
            os.rmdir(folder)
    if os.path.lexists(folder):
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(folder)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if os.path.lexists(folder):
        log.warning("Could not remove the sandbox's scratch folder %s", folder)


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _remove_below(top: str) -> None:
    """Remove everything inside ``top``, at any depth, with one folder open at a time (no recursion, no paths).

    Goes down by opening a subfolder relative to the current one and back up by ``..``, checked
    against the inode it came from; each folder is listed once. Folders are made enterable first
    (a non-root grader's 0000 ones); another file system mounted inside is left alone.
    """
    fd = os.open(top, _DIRECTORY)
    device = os.fstat(fd).st_dev
    stack: list[tuple[str, int, list]] = []  # per level: the folder's name, its parent's inode, the parent's rest
    pending: list | None = None  # subfolders of the current folder still to remove; None: not listed yet
    try:
        while True:
            if pending is None:
                pending = []
                with os.scandir(fd) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(entry.name)
                        else:
                            with contextlib.suppress(FileNotFoundError):
                                os.unlink(entry.name, dir_fd=fd)
            if pending:
                name = pending.pop()
                with contextlib.suppress(OSError):
                    os.chmod(name, 0o700, dir_fd=fd)
                inner = os.open(name, _DIRECTORY, dir_fd=fd)
                if os.fstat(inner).st_dev != device:
                    os.close(inner)
                    continue
                stack.append((name, os.fstat(fd).st_ino, pending))
                os.close(fd)
                fd, pending = inner, None
                continue
            if not stack:
                return
            name, parent, pending = stack.pop()
            up = os.open("..", _DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = up
            if os.fstat(fd).st_ino != parent:
                raise OSError(errno.EBUSY, "the folder tree changed while it was being removed")
            os.rmdir(name, dir_fd=fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def private_scratch(prefix: str, limits: SandboxLimits = SandboxLimits()) -> Iterator[Path]:
    """A fresh scratch folder for one sandboxed run, removed afterwards whatever it then holds.

    ``mkdtemp`` (mode 0700, a name nobody can guess); as root, a tmpfs of ``limits.scratch_bytes`` and
    ``limits.scratch_inodes`` is mounted on it, and cleaning up is a (lazy) unmount: the files go
    with the mount, whatever their number, depth or modes. Otherwise :func:`remove_tree`.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    mounted = _mount_tmpfs(folder, limits)
    try:
        yield folder
    finally:
        if mounted and _libc().umount2(bytes(folder), _MNT_DETACH) != 0:
            log.warning("Could not unmount the scratch tmpfs at %s: %s", folder, os.strerror(ctypes.get_errno()))
            mounted = False
        if mounted:
            os.rmdir(folder)
        else:
            remove_tree(folder)


# ------------------------------------------------------------------ whole-sandbox limits (cgroups)
CGROUP_ROOT = Path("/sys/fs/cgroup")


def _cgroup_layout() -> dict[str, Path] | str:
    """Where to make a sandbox's cgroups: {"memory": folder, "pids": folder} (the same for v2), or why not."""
    if os.geteuid() != 0:
        return "the grader is not root"
    unified = CGROUP_ROOT / "cgroup.subtree_control"
    if unified.is_file():  # cgroup v2 mounted at /sys/fs/cgroup
        enabled = unified.read_text().split()
        if {"memory", "pids"} <= set(enabled) and os.access(CGROUP_ROOT, os.W_OK):
            return {"memory": CGROUP_ROOT, "pids": CGROUP_ROOT}
        return f"cgroup v2 without the memory and pids controllers enabled at {CGROUP_ROOT} ({' '.join(enabled)})"
    folders = {kind: CGROUP_ROOT / kind for kind in ("memory", "pids")}
    if all((folders[kind] / "cgroup.procs").is_file() and os.access(folders[kind], os.W_OK) for kind in folders):
        return folders  # cgroup v1
    return f"no writable memory and pids cgroup controllers under {CGROUP_ROOT}"


_layout: dict | str | None = None


def cgroup_support() -> str:
    """"" when each sandbox gets its own cgroup (memory and process caps for the whole sandbox), else why not."""
    global _layout
    if _layout is None:
        _layout = _cgroup_layout()
        if isinstance(_layout, str):
            log.warning("Sandboxes get no cgroup (%s): memory is limited per process only (RLIMIT_AS), "
                        "processes per uid (RLIMIT_NPROC)", _layout)
    return _layout if isinstance(_layout, str) else ""


def _oom_kills(folder: Path) -> int:
    """Processes the kernel killed in cgroup ``folder`` for its memory cap (v2 ``memory.events``, v1 ``oom_control``)."""
    for name in ("memory.events", "memory.oom_control"):
        with contextlib.suppress(OSError, ValueError):
            for line in (folder / name).read_text().splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
    return 0


class _SandboxCgroup:
    """The cgroup(s) of one run: made with its caps, joined by the command's first process, emptied and removed."""

    def __init__(self, limits: SandboxLimits) -> None:
        self.folders: list[Path] = []
        self.memory_exceeded = False
        if cgroup_support():
            return
        name = f"backprop-sandbox-{uuid.uuid4().hex}"
        caps = {"memory": (("memory.max", "memory.limit_in_bytes"), limits.group_memory_bytes),
                "pids": (("pids.max",), limits.max_processes)}
        for folder in dict.fromkeys(_layout.values()):  # v2: one folder holds both controllers
            (folder / name).mkdir()
            self.folders.append(folder / name)
        for kind, (files, value) in caps.items():
            group = _layout[kind] / name
            for file in files:
                if (group / file).is_file():
                    (group / file).write_text(str(value))
                    break

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` started by a shell that first moves itself into the cgroup(s); 125 if it cannot."""
        if not self.folders:
            return argv
        join = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"'
        procs = [str(folder / "cgroup.procs") for folder in self.folders]
        return ["/bin/sh", "-c", join, "sh", str(len(procs)), *procs, *argv]

    def close(self) -> None:
        """Kill what is left in the cgroup (a daemon the sandbox started) and remove it."""
        self.memory_exceeded = any(_oom_kills(folder) for folder in self.folders)
        for folder in self.folders:
            for _ in range(250):  # up to 5 s: on a loaded machine the killed processes take a while to go
                try:
                    pids = [int(pid) for pid in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                try:
                    folder.rmdir()
                    break
                except OSError as error:
                    if error.errno not in (errno.EBUSY, errno.ENOTEMPTY):
                        break
                    time.sleep(0.02)
            if folder.exists():
                log.warning("Could not remove the sandbox's cgroup %s", folder)


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
    group = _SandboxCgroup(limits)
    try:
        with tempfile.TemporaryFile() as stdin_file:
            stdin_file.write(stdin)
            stdin_file.seek(0)
            # Its own process group, so that a kill reaches bwrap and nothing of the caller's.
            process = subprocess.Popen(group.command(command), stdin=stdin_file, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + limits.wall_seconds
        with process:
            stdout, stderr, limit = _collect_output(process, deadline, limits.max_output_bytes)
            returncode = _wait_until(process, deadline)
    finally:
        group.close()
    if returncode is None:  # it closed its output and kept running
        limit = "wall_time"
        returncode = process.returncode
    if limit is None and returncode == _CPU_LIMIT_EXIT:
        limit = "cpu"
    if limit is None and group.folders and group.memory_exceeded:
        limit = "memory"
    return SandboxResult(returncode=returncode, stdout=stdout, stderr=stderr,
                         timed_out=limit == "wall_time", killed_by_limit=limit)

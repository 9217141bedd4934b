"""One instructor command at a time on a gradebook: a lock file next to it, naming its holder.

Two ``make autograde`` runs on one gradebook would grade the same work twice and
trip over each other's rows (``sqlite3.IntegrityError``). The command that
writes the gradebook holds :class:`RunLock`; a second one is refused with a
message naming the holder (pid, host, command, start time).

The lock is an OS lock (``flock``) on the file, so it dies with its holder: after
a ``kill -9`` the file is still there, with the dead holder's name in it, but the
next run takes the lock and says that the last run stopped without finishing.
The file is removed when its holder finishes.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..judge.case_seeds import gradebook_file

try:
    import fcntl
except ImportError:  # Windows: no flock; the runs are then not locked (a warning says so)
    fcntl = None

__all__ = ["LockHeld", "RunLock", "lock_path"]

#: The lock file of a gradebook that is not a file (a database server): in the course root.
SERVER_LOCK_NAME = "gradebook.lock"


def lock_path(db_url: str, root: Path) -> Path:
    """The lock file of the gradebook at ``db_url``: ``<gradebook file>.lock``, or ``root/gradebook.lock``.

    Parameters
    ----------
    db_url : str
        The gradebook's SQLAlchemy URL, e.g. ``sqlite:////course/gradebook.db``.
    root : Path
        The course root (where ``nbgrader_config.py`` is).
    """
    database = gradebook_file(db_url, root)
    if database is not None:
        return database.with_name(database.name + ".lock")
    return root / SERVER_LOCK_NAME


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a lock: read from the lock file."""

    pid: int | None
    host: str
    command: str
    started: str

    @classmethod
    def read(cls, path: Path) -> "Holder | None":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(pid=data.get("pid"), host=str(data.get("host", "?")), command=str(data.get("command", "?")),
                       started=str(data.get("started", "?")))
        except (OSError, ValueError, AttributeError):
            return None  # no file, or a holder that died before it finished writing its name

    def __str__(self) -> str:
        return f"`{self.command}`, pid {self.pid} on host {self.host}, started {self.started}"


class LockHeld(RuntimeError):
    """Another command holds the gradebook's lock."""


class RunLock:
    """Hold the lock file ``path`` for the duration of a ``with`` block.

    Raises :class:`LockHeld` on entry when another live process holds it.
    After entry, :attr:`stale` is the holder a dead run left in the file (or None).
    """

    def __init__(self, path: Path, command: str):
        self.path = Path(path)
        self.command = command
        self.stale: Holder | None = None
        self._fd: int | None = None

    def __enter__(self) -> "RunLock":
        if fcntl is None:
            print(f"warning: this system has no flock, so {self.path.name} cannot stop two runs at once: "
                  "run one command at a time", file=sys.stderr)
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while self._fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise LockHeld(self._refusal()) from None
            if not self._still_at_path(fd):
                os.close(fd)  # the holder finished and removed the file between our open and our lock
                continue
            self._fd = fd
        self.stale = Holder.read(self.path)
        self._write_holder()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is None:
            return
        # Remove the file while still holding it, so that no one locks a file that is going away.
        self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None

    def _still_at_path(self, fd: int) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    def _write_holder(self) -> None:
        me = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
              "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(me).encode(), 0)
        os.fsync(self._fd)

    def _refusal(self) -> str:
        holder = Holder.read(self.path)
        who = f" ({holder})" if holder else ""
        return (f"another instructor command is using this gradebook{who}; lock file {self.path}. "
                f"Two runs at once would grade the same work twice: wait until it has finished, then run "
                f"`{self.command}` again. Nothing was done.")

    @staticmethod
    def holder_if_running(path: Path) -> Holder | None:
        """The holder of the lock at ``path`` if a live process holds it now, else None (nothing is locked)."""
        if fcntl is None or not path.exists():
            return None
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return Holder.read(path) or Holder(pid=None, host="?", command="?", started="?")
        finally:
            os.close(fd)  # closing also drops a shared lock we may have taken
        return None

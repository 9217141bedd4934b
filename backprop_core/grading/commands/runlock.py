"""One instructor command at a time on a gradebook: a lock file next to it, and a note naming its holder.

Two ``make autograde`` runs on one gradebook would grade the same work twice and
trip over each other's rows (``sqlite3.IntegrityError``). The command that
writes the gradebook holds :class:`RunLock`; a second one is refused with a
message naming the holder (pid, host, command, start time).

The lock is :mod:`filelock`'s OS lock (``flock`` on the lock file), so it dies
with its holder. Who holds it is a small JSON note beside it (``<lock>.json``),
written once the lock is taken and removed when its holder finishes: a note found
on taking the lock is a run that stopped without finishing (``kill -9``), and the
next run says so. The lock file itself stays (filelock keeps it; removing a locked
file would let a third run lock a new file while the second holds the old one).
"""
from __future__ import annotations

import json
import os
import socket
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ..judge.case_seeds import gradebook_file

__all__ = ["LockHeld", "RunLock", "holder_path", "lock_path"]

#: The lock file of a gradebook that is not a file (a database server): in the course root.
SERVER_LOCK_NAME = "gradebook.lock"

#: Seconds a command waits for the lock before it is refused. Not 0: :meth:`RunLock.holder_if_running`
#: (``make grades`` while a run may be going) takes the lock for an instant to test it, and a run started
#: in that instant must not be refused for it. A real holder keeps it for minutes.
WAIT_SECONDS = 1.0


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


def holder_path(lock: Path) -> Path:
    """The note naming the holder of the lock file ``lock``: ``<lock>.json``."""
    lock = Path(lock)
    return lock.with_name(lock.name + ".json")


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a lock: read from its note."""

    pid: int | None
    host: str
    command: str
    started: str

    @classmethod
    def me(cls, command: str) -> "Holder":
        return cls(pid=os.getpid(), host=socket.gethostname(), command=command,
                   started=time.strftime("%Y-%m-%d %H:%M:%S %Z"))

    @classmethod
    def read(cls, note: Path) -> "Holder | None":
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
            return cls(pid=data.get("pid"), host=str(data.get("host", "?")), command=str(data.get("command", "?")),
                       started=str(data.get("started", "?")))
        except (OSError, ValueError, AttributeError):
            return None  # no note: a holder that has not written it yet, or none

    def write(self, note: Path) -> None:
        """Write the note whole or not at all (a reader never sees half of it). The partial file has a name
        nobody can guess or plant a link at (mkstemp's O_EXCL); the note is readable by all, as the lock was."""
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=note.parent, prefix=f".{note.name}.",
                                         delete=False) as partial:
            json.dump(asdict(self), partial)
            os.fchmod(partial.fileno(), 0o644)
        os.replace(partial.name, note)

    def __str__(self) -> str:
        return f"`{self.command}`, pid {self.pid} on host {self.host}, started {self.started}"


class LockHeld(RuntimeError):
    """Another command holds the gradebook's lock."""


class RunLock:
    """Hold the lock file ``path`` for the duration of a ``with`` block.

    Raises :class:`LockHeld` on entry when another live process holds it.
    After entry, :attr:`stale` is the holder a dead run left in the note (or None).
    """

    def __init__(self, path: Path, command: str):
        self.path = Path(path)
        self.note = holder_path(self.path)
        self.command = command
        self.stale: Holder | None = None
        self._lock = FileLock(self.path)

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=WAIT_SECONDS)
        except Timeout:
            raise LockHeld(self._refusal()) from None
        self.stale = Holder.read(self.note)  # a note nobody removed: its run stopped without finishing
        Holder.me(self.command).write(self.note)
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._lock.is_locked:
            return
        self.note.unlink(missing_ok=True)  # before the lock goes, so the next holder never reads us as dead
        self._lock.release()

    def _refusal(self) -> str:
        holder = Holder.read(self.note)
        who = f" ({holder})" if holder else ""
        return (f"another instructor command is using this gradebook{who}; lock file {self.path}. "
                f"Two runs at once would grade the same work twice: wait until it has finished, then run "
                f"`{self.command}` again. Nothing was done.")

    @staticmethod
    def holder_if_running(path: Path) -> Holder | None:
        """The holder of the lock at ``path`` if a live process holds it now, else None (nothing is locked)."""
        path = Path(path)
        if not path.exists():
            return None
        probe = FileLock(path)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return Holder.read(holder_path(path)) or Holder(pid=None, host="?", command="?", started="?")
        probe.release()
        return None

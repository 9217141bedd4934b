"""nbgrader collect for an exchange every student can write to: each submission collected is its own student's,
as it was submitted, at the time it was submitted.

nbgrader's own collect (``nbgrader.exchange.default.collect``) trusts the exchange's ``inbound/`` folder, which
every student may write to (students cannot list it, but each can create entries in it and owns what they
create). It reads who submitted from the folder's *name* (``<student>+<lesson>+<timestamp>+<random>``) and only
warns when the folder belongs to someone else; it follows symbolic links while copying, as the instructor; it
believes the timestamp in that name and in ``timestamp.txt``, both written by the student's side; and one folder
with a malformed name stops the whole collect. So one student could:

- submit *as* a classmate (a folder named after them, dated later): the classmate's work replaced;
- submit a link to a file only the instructor can read (``solutions/…/lesson.ipynb``): the instructor's
  collect copies it into the student's submission;
- date a late submission before the deadline, or change an early one after it;
- make everyone's collect fail or hang (a folder named ``x+lesson``, a FIFO named ``lesson.ipynb``).

:class:`VettedCollect` collects the same way, with these checks (each refusal is logged as an error naming the
folder and the reason; the rest of the class is collected, and a student's latest acceptable submission is
taken instead of a refused one):

- the folder, and everything in it, belongs to the student its name claims (``check_owner``, on by default);
- only regular files and folders are copied, opened without following links (``O_NOFOLLOW``) and checked on
  the open file itself, so swapping a file for a link during the copy changes nothing;
- a submission's time is the one it claims only when its files were last written (their ``ctime``, which the
  file system sets and no user can set back) within ``time_slack_seconds`` of it; otherwise it is the time
  they were last written, and ``timestamp.txt`` in ``submitted/`` says so;
- sizes are capped as nbgrader's ``max_file_size``/``max_dir_size`` say, and a submission is refused (the
  rest of the class still collected) when it holds folders nested deeper than ``max_depth``, more than
  ``max_entries`` files and folders, or a path longer than ``max_path_length`` characters. The walk is
  fd-relative and stops at the first cap reached: a folder a thousand levels deep, a million tiny files
  or a sparse file of terabytes costs a few system calls, never Python's recursion limit, the system's
  path length or the disk.
"""
from __future__ import annotations

import errno
import glob
import os
import pwd
import shutil
import stat
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import check_mode, ignore_patterns, parse_utc
from traitlets import Float, Int

__all__ = ["Caps", "Refused", "VettedCollect", "copy_vetted"]

_CHUNK = 1 << 20


class Refused(Exception):
    """A submission that is not collected; the message says why, in words an instructor can act on."""


# ------------------------------------------------------------------ copying one submission
def _utc(seconds: float) -> datetime:
    """A file system time (seconds since the epoch) as nbgrader keeps times: naive UTC."""
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link"))
    return next((name for test, name in kinds if test(mode)), "not a file")


@dataclass(frozen=True)
class Caps:
    """How much of a submission a collect walks: folder depth, files and folders in all, characters of a path
    relative to the submission's folder, and bytes of its files together."""

    depth: int = 16
    entries: int = 2000
    path_length: int = 1024
    bytes: float = float("inf")


class _Copy:
    """One vetted copy of the folder ``root``: the owner every entry must have, the caps, the entries and byte
    budget left, the newest ``ctime`` seen. ``where`` names an entry relative to ``root`` ("" for ``root``
    itself). With ``dest`` None it only looks (nothing is read or written): the first look at a submission.

    The walk recurses once per folder level, and never deeper than ``caps.depth`` (so at most that many
    folders are open at once and Python's recursion limit is far off)."""

    def __init__(self, root: Path, uid: int | None, caps: Caps, ignore) -> None:
        self.root, self.uid, self.caps, self.ignore, self.newest = root, uid, caps, ignore, 0.0
        self.bytes_left, self.entries = caps.bytes, 0

    def check(self, status: os.stat_result, where: str) -> None:
        if self.uid is not None and status.st_uid != self.uid:
            raise Refused(f"{where or 'the folder'} belongs to {_owner_name(status.st_uid)}, "
                          f"not to {_owner_name(self.uid)}")
        self.newest = max(self.newest, status.st_ctime)

    def _names(self, fd: int, where: str) -> list[str]:
        """The folder's entries, sorted; refused as soon as the submission holds more than the cap (a folder of
        a million names is not even listed whole)."""
        names = []
        with os.scandir(fd) as entries:
            for entry in entries:
                self.entries += 1
                if self.entries > self.caps.entries:
                    raise Refused(f"{where or 'the folder'}: the submission holds more than {self.caps.entries} "
                                  f"files and folders (max_entries)")
                names.append(entry.name)
        return sorted(names)

    def folder(self, fd: int, where: str, dest: Path | None, depth: int = 0) -> None:
        self.check(os.fstat(fd), where)
        if depth > self.caps.depth:
            raise Refused(f"{where[:200]}...: folders nested deeper than {self.caps.depth} levels (max_depth)")
        if dest is not None:
            dest.mkdir()
        names = self._names(fd, where)
        # nbgrader's ignore rule looks at paths (names, and sizes through stat): it only ever skips entries
        skipped = set(self.ignore(str(self.root / where), names)) if self.ignore and dest is not None else set()
        for name in names:
            if name not in skipped:
                inner = f"{where}/{name}" if where else name
                if len(inner) > self.caps.path_length:
                    raise Refused(f"{inner[:200]}...: a path longer than {self.caps.path_length} characters "
                                  f"(max_path_length)")
                self.entry(fd, name, inner, None if dest is None else dest / name, depth + 1)

    def entry(self, dir_fd: int, name: str, where: str, dest: Path | None, depth: int) -> None:
        try:
            # O_NONBLOCK: a named pipe opens at once (and is then refused) instead of waiting for a writer.
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise Refused(f"{where} is a symbolic link (only files and folders are collected)") from None
            raise Refused(f"{where} cannot be opened: {error.strerror}") from None
        try:
            status = os.fstat(fd)
            if stat.S_ISDIR(status.st_mode):
                self.folder(fd, where, dest, depth)
            elif stat.S_ISREG(status.st_mode):
                self.check(status, where)
                if dest is not None:
                    self.file(fd, status, where, dest)
            else:
                raise Refused(f"{where} is {_kind(status.st_mode)} (only files and folders are collected)")
        finally:
            os.close(fd)

    def _too_large(self, where: str) -> Refused:
        return Refused(f"{where}: the submission is larger than the exchange's max_dir_size "
                       f"({self.caps.bytes:.0f} bytes)")

    def file(self, fd: int, status: os.stat_result, where: str, dest: Path) -> None:
        if status.st_size > self.bytes_left:  # a huge (or sparse) file is refused before a byte is read
            raise self._too_large(where)
        os.set_blocking(fd, True)
        with open(dest, "wb") as out:
            while chunk := os.read(fd, _CHUNK):
                self.bytes_left -= len(chunk)
                if self.bytes_left < 0:  # it grew while being read
                    raise self._too_large(where)
                out.write(chunk)


def _open_folder(src: Path) -> int:
    try:
        return os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise Refused(f"{src.name} is not a folder one can open without following a link: {error.strerror}") from None


def copy_vetted(src: Path, dest: Path, uid: int | None, max_bytes: float = float("inf"), ignore=None,
                caps: Caps | None = None) -> datetime:
    """Copy the folder ``src`` to the new folder ``dest``, or raise :class:`Refused`.

    Parameters
    ----------
    src : Path
        A submission's folder; it is not followed if it is a link.
    dest : Path
        Where the copy goes; must not exist.
    uid : int or None
        The user every entry must belong to (None: anyone).
    max_bytes : float
        The most bytes the copied files may hold together (overrides ``caps.bytes``).
    ignore : callable or None
        ``shutil.copytree``'s ``ignore(folder, names) -> names to skip``.
    caps : Caps, optional
        Depth, entries and path length allowed (default :class:`Caps`'s).

    Returns
    -------
    datetime
        When anything copied was last written (newest ``ctime``), naive UTC as nbgrader keeps times.
    """
    caps = replace(caps or Caps(), bytes=max_bytes)
    fd = _open_folder(Path(src))
    copy = _Copy(Path(src), uid, caps, ignore)
    try:
        copy.folder(fd, "", Path(dest))  # messages name what is inside, relative to the submission's folder
    finally:
        os.close(fd)
    return _utc(copy.newest)


def _newest_change(src: Path, caps: Caps) -> float:
    """The newest ``ctime`` in ``src`` (a first look, to order a student's submissions): the vetted walk without
    copying, so it stops at the same caps and never follows a link. Raises :class:`Refused`."""
    fd = _open_folder(src)
    look = _Copy(src, None, caps, None)
    try:
        look.folder(fd, "", None)
    finally:
        os.close(fd)
    return look.newest


# ------------------------------------------------------------------ the collect step
class VettedCollect(ExchangeCollect):
    """``nbgrader collect`` that takes a submission only from its own student, without links, at its true time."""

    time_slack_seconds = Float(120.0, help=(
        "How far a submission's claimed time may be from when its files were last written before the latter is "
        "recorded instead (nbgrader's submit writes its files within seconds of the time it claims)")).tag(config=True)
    max_depth = Int(Caps.depth, help="Deepest folder nesting collected in a submission; deeper: refused").tag(
        config=True)
    max_entries = Int(Caps.entries, help="Most files and folders collected in one submission; more: refused").tag(
        config=True)
    max_path_length = Int(Caps.path_length, help=(
        "Longest path (characters, relative to the submission's folder) collected; longer: refused")).tag(config=True)

    @property
    def _caps(self) -> Caps:
        return Caps(self.max_depth, self.max_entries, self.max_path_length, 1000 * self.coursedir.max_dir_size)

    # -------------------------------------------------------------- which submissions
    def _true_time(self, claimed: datetime, written: datetime) -> datetime:
        """The claimed time if the files were written close to it, else when they were written."""
        return claimed if abs((written - claimed).total_seconds()) <= self.time_slack_seconds else written

    def _record(self, path: str) -> dict | None:
        """nbgrader's record of one inbound folder, with its time checked; None (logged) for a malformed one."""
        name = os.path.basename(path)
        parts = name.rsplit("+", 3)
        try:
            if len(parts) < 3:
                raise ValueError("not <student>+<lesson>+<time>")
            claimed = parse_utc(parts[2])
        except (ValueError, OverflowError) as error:
            self.log.error("Not collected: %s: its name is not <student>+<lesson>+<time>[+random] (%s)", name, error)
            return None
        try:
            written = _utc(_newest_change(Path(path), self._caps))
        except (Refused, OSError) as why:  # OSError: gone or unreadable meanwhile
            self.log.error("Not collected for %s: %s: %s", parts[0], name, why)
            return None
        return {"username": parts[0], "filename": name, "claimed": claimed,
                "timestamp": self._true_time(claimed, written)}

    def _uid_of(self, student: str) -> int | None:
        if not self.check_owner:
            return None
        try:
            return pwd.getpwnam(student).pw_uid
        except KeyError:
            raise Refused(f"no user named {student} on this machine to own it") from None

    def _preference(self, records: list[dict]) -> list[dict]:
        """A student's submissions, the one to collect first (nbgrader's rule: the latest, or with
        ``before_duedate`` the latest before the due date), the others after it as fallbacks."""
        latest_first = sorted(records, key=lambda r: r["timestamp"], reverse=True)
        if self.duedate is None or not self.before_duedate:
            return latest_first
        on_time = [r for r in latest_first if r["timestamp"] <= self.duedate]
        return on_time + [r for r in latest_first if r not in on_time]

    def _stage(self, record: dict) -> None:
        """Copy one submission into the staging folder, vetted; fix its ``timestamp.txt``. Raises Refused."""
        src = Path(self.inbound_path) / record["filename"]
        staged = self._staging / record["filename"]
        ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        try:
            written = copy_vetted(src, staged, self._uid_of(record["username"]), self._caps.bytes, ignore, self._caps)
        except OSError as error:  # the staging disk full, a file gone meanwhile: this one, not the class
            shutil.rmtree(staged, ignore_errors=True)
            raise Refused(f"the copy failed: {error}") from None
        except Refused:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        record["timestamp"] = self._true_time(record["claimed"], written)
        if record["timestamp"] != record["claimed"]:
            self.log.warning("%s claims to be submitted at %s, but its files were last written at %s: "
                             "recorded at %s", record["filename"], record["claimed"], written, record["timestamp"])
        self._fix_timestamp_file(staged, record)
        record["staged"] = staged

    def _fix_timestamp_file(self, staged: Path, record: dict) -> None:
        """``timestamp.txt`` (what autograde reads for lateness) says the recorded time, within the slack."""
        stamp = staged / "timestamp.txt"
        try:
            said = parse_utc(stamp.read_text(encoding="utf-8").strip())
            if abs((said - record["timestamp"]).total_seconds()) <= self.time_slack_seconds:
                return
        except (OSError, ValueError, OverflowError, UnicodeDecodeError):
            said = None
        if said is not None or stamp.exists():
            self.log.warning("%s: timestamp.txt said %s; recorded %s", record["filename"], said, record["timestamp"])
        stamp.write_text(record["timestamp"].strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail("Course not found: {}".format(self.inbound_path))
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail("You don't have read permissions for the directory: {}".format(self.inbound_path))
        student = self.coursedir.student_id or "*"  # a glob pattern, as for nbgrader's collect ("*" by default)
        pattern = os.path.join(glob.escape(self.inbound_path), f"{student}+{self.coursedir.assignment_id}+*")
        by_student: dict[str, list[dict]] = {}
        for record in filter(None, map(self._record, glob.glob(pattern))):
            by_student.setdefault(record["username"], []).append(record)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            try:
                self.duedate = gradebook.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self._staging = Path(tempfile.mkdtemp(prefix="backprop-collect-"))
        self.src_records = []
        for student, records in sorted(by_student.items()):
            for record in self._preference(records):
                try:
                    self._stage(record)
                except Refused as why:
                    self.log.error("Not collected for %s: %s: %s", student, record["filename"], why)
                    continue
                self.src_records.append(record)
                break

    # -------------------------------------------------------------- copying
    def do_copy(self, src, dest, log=None):
        """The vetted copy made by :meth:`init_src` goes to ``dest`` (nothing of the exchange is read again)."""
        staged = next(r["staged"] for r in self.src_records if Path(src).name == r["filename"])
        shutil.copytree(staged, dest)
        if self.coursedir.groupshared:
            for folder, _, files in os.walk(dest):
                os.chmod(folder, (os.stat(folder).st_mode | 0o2770) & 0o2777)
                for name in files:
                    path = os.path.join(folder, name)
                    os.chmod(path, (os.stat(path).st_mode | 0o660) & 0o777)

    def start(self):
        try:
            return super().start()
        finally:
            staging = getattr(self, "_staging", None)
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)

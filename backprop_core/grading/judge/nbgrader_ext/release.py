"""nbgrader release_assignment into an exchange every student can write to: the course's folders there are the
instructor's, or the release says what to fix.

The exchange's root is writable by everyone (mode 1777, like ``/tmp``). Before the course's first release, any
student can create the course's folder in it (``<exchange>/<course id>``), or its ``outbound/`` or ``inbound/``,
or make it a symbolic link. nbgrader's own release then stops with "You don't own the directory" and nothing
more, and a link is followed (it checks the owner of what the link points to). Whoever owns those folders could
change what classmates fetch or read every submission, so the release never uses them.

:class:`VettedReleaseAssignment` releases the same way, except that each exchange folder it uses (the course's,
``outbound/``, ``inbound/``, and the lesson's folder in ``outbound/``) must be a real folder owned by the user
releasing. One that is not (a link, a file, a folder of someone else) is moved aside, to
``<name>.untrusted-<owner>-<time>`` beside it (kept for the instructor to look at, never used), and made anew by
the instructor; a log line says so. Where the instructor may not move it (the exchange's sticky root belongs to
root), the release stops and says which path, who owns it, and the command root runs to move it aside.
"""
from __future__ import annotations

import os
import pwd
import stat
from datetime import datetime, timezone

from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment

__all__ = ["VettedReleaseAssignment", "untrusted_reason"]


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def untrusted_reason(path: str, uid: int) -> str | None:
    """Why the exchange folder ``path`` cannot be used by user ``uid``, or None (missing, or a real folder of theirs).

    Looked at without following a link.
    """
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(status.st_mode):
        return f"it is a symbolic link (to {os.readlink(path)!r}), made by {_owner_name(status.st_uid)}"
    if not stat.S_ISDIR(status.st_mode):
        return f"it is not a folder (made by {_owner_name(status.st_uid)})"
    if status.st_uid != uid:
        return f"it belongs to {_owner_name(status.st_uid)}, not to {_owner_name(uid)} who releases"
    return None


class VettedReleaseAssignment(ExchangeReleaseAssignment):
    """``nbgrader release_assignment`` that uses only exchange folders the releasing user owns (module docstring)."""

    def _replace_untrusted(self, path: str) -> None:
        """Move ``path`` aside if it is not a real folder of this user; stop, saying how to fix it, if it cannot."""
        why = untrusted_reason(path, os.geteuid())
        if why is None:
            return
        owner = _owner_name(os.lstat(path).st_uid)
        aside = f"{path}.untrusted-{owner}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
        try:
            os.rename(path, aside)
        except OSError as error:
            self.fail(f"The exchange folder {path} cannot be trusted: {why}. Someone made it before the course's "
                      f"first release; its owner could change what students fetch or read their submissions. "
                      f"It could not be moved aside ({error.strerror}). As root, run:  mv {path} {aside}  "
                      f"then release again.")
        self.log.warning("The exchange folder %s could not be trusted (%s): moved aside to %s; a new one is made.",
                         path, why, aside)

    def ensure_directory(self, path, mode):
        """nbgrader's, after moving aside what the releasing user does not own (the course's folder first)."""
        if not self.coursedir.groupshared:  # shared by a group of instructors, ownership is the group's business
            self._replace_untrusted(path)
        super().ensure_directory(path, mode)

    def copy_files(self):
        if not self.coursedir.groupshared:
            self._replace_untrusted(self.dest_path)  # a lesson's folder made in outbound/ by someone else
        super().copy_files()

"""Hidden cases per submission: a seed from the student, the lesson and the code submitted, keyed by a course secret.

With one seed for everyone (issue 21, item 3) a student could print every
hidden case from their function, compute the answers offline with the
course's own layer functions, and submit a lookup table. Here the seed of an
exercise's hidden cases is

    HMAC(key, exercise name + the sources of the cells its test runs),  key = HMAC(secret, student + lesson)

so that:

- regrading the same submission draws the same cases (same grade, same message);
- any change to the code the test runs (a lookup table pasted in) draws other
  cases, and so does the same notebook submitted by another student;
- nobody without the secret can work the cases out in advance.

The secret is the course's, kept by the grader in the gradebook's folder
(:func:`secret_folder`), mode 0600, made on first use (:func:`course_secret`).
The coordinator of a run derives each submission's key (:func:`submission_key`)
and sends only that to the worker that grades it; the student's code never
sees either (its sandbox has no view of the course and an empty environment).

Cases fixed by design (a lesson's worked example, drawn without the generator)
stay the same for everyone.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

__all__ = ["SECRET_NAME", "case_seed", "course_secret", "gradebook_file", "secret_folder", "submission_key"]

#: The course secret's file, in the gradebook's folder.
SECRET_NAME = ".backprop-case-secret"
_SECRET_BYTES = 32


def secret_folder(db_url: str, root: Path) -> Path:
    """The gradebook's folder: the sqlite file's, or the course root for a database server.

    Parameters
    ----------
    db_url : str
        The gradebook's SQLAlchemy URL, e.g. ``sqlite:////course/gradebook.db``.
    root : Path
        The course root (where ``nbgrader_config.py`` is).
    """
    database = gradebook_file(db_url, Path(root))
    return database.parent if database is not None else Path(root)


def gradebook_file(db_url: str, root: Path) -> Path | None:
    """The gradebook's sqlite file (a relative one under ``root``), or None for a database server.

    The gradebook's lock file (:func:`~backprop_core.grading.commands.runlock.lock_path`) lies beside it.
    """
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database)
    return database if database.is_absolute() else Path(root) / database


def course_secret(folder: Path) -> bytes:
    """The course's secret in ``folder`` (:data:`SECRET_NAME`), made (mode 0600) on first use.

    Raises
    ------
    PermissionError
        The file is readable or writable by others than its owner: the secret is no longer one.
    ValueError
        The file holds no secret (empty, or not the hex this module writes).
    """
    path = Path(folder) / SECRET_NAME
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:  # first use: written once, never rewritten (that would change every submission's cases)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(_SECRET_BYTES) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PermissionError(f"the course's case secret {path} must be readable by its owner only (mode 0600), "
                              f"got mode {mode:04o}: chmod 600 it, or delete it to make a new one")
    text = path.read_text(encoding="ascii").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise ValueError(f"the course's case secret {path} must hold at least 32 hex digits, "
                         f"got {len(text)} characters: delete it to make a new one")
    return secret


def _digest(key: bytes, *parts: str) -> bytes:
    # Each part with its length: ("ab", "c") and ("a", "bc") never give the same message.
    message = b"".join(len(p.encode()).to_bytes(8, "big") + p.encode() for p in parts)
    return hmac.new(key, message, hashlib.sha256).digest()


def submission_key(secret: bytes, student: str, lesson: str) -> str:
    """The key of one student's submissions of one lesson, as hex (what a grading worker gets)."""
    return _digest(secret, "submission", student, lesson).hex()


def case_seed(key: str, exercise: str, sources: list[str]) -> int:
    """The seed of ``exercise``'s hidden cases for a submission whose graded code is ``sources``.

    Parameters
    ----------
    key : str
        :func:`submission_key`'s hex.
    exercise : str
        The exercise's name.
    sources : list of str
        The sources of the cells its hidden tests run, in order.

    Returns
    -------
    int
        A 128-bit seed for ``numpy.random.default_rng``.
    """
    return int.from_bytes(_digest(bytes.fromhex(key), "cases", exercise, *sources)[:16], "big")

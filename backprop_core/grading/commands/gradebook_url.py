"""Which gradebook a course uses, remembered, so that a forgotten ``GRADEBOOK=`` never swaps it silently.

nbgrader picks the gradebook from ``BACKPROP_GRADEBOOK_URL`` (``make ... GRADEBOOK=...``), else a new
sqlite file ``gradebook.db``. Forgetting the variable in a PostgreSQL course would then grade into an
empty sqlite gradebook and export "0 students". So the first instructor command that opens a course's
gradebook writes its URL (password left out) to :data:`MARKER` in the course root, and
:func:`checked` (called by the course's ``nbgrader_config.py``, hence by every nbgrader command and the
formgrader) stops, in one line, whenever the URL in force is another one. Moving a course to another
gradebook on purpose: delete the file.

Imports only the standard library (and SQLAlchemy's URL parser when there is a password to hide).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["MARKER", "GradebookMismatch", "checked", "default_url", "redacted", "remember"]

#: The file in the course root that names the course's gradebook.
MARKER = ".gradebook-url"


class GradebookMismatch(SystemExit):
    """The gradebook in force is not the course's. A SystemExit: nbgrader logs a config file's other
    errors and goes on with its default gradebook, which is exactly what must not happen."""


def default_url(course: Path) -> str:
    """The gradebook when none is named: ``sqlite:///<course>/gradebook.db``."""
    return "sqlite:///" + str(Path(course) / "gradebook.db")


def redacted(url: str) -> str:
    """``url`` without its password (``postgresql://ta:***@host/db``), as it is written to :data:`MARKER`."""
    scheme, separator, rest = url.partition("://")
    credentials, at, location = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{location}"


#: How :data:`MARKER` names the default gradebook: relative, so that a course folder can be moved or copied.
OWN_SQLITE = "sqlite:///gradebook.db"


def _normal(url: str, course: Path) -> str:
    """``url`` as :data:`MARKER` holds it: no password, one spelling per driver, the default relative."""
    if url in (default_url(course), OWN_SQLITE):
        return OWN_SQLITE
    scheme, _, rest = redacted(url).partition("://")
    scheme = scheme.lower().split("+")[0]
    return ("postgresql" if scheme == "postgres" else scheme) + "://" + rest


def checked(course: str | Path, named: str | None) -> str:
    """The gradebook URL to use for ``course``: ``named`` (the environment's), else the default.

    Raises
    ------
    GradebookMismatch
        When :data:`MARKER` names another gradebook, or when no gradebook is named, the default sqlite
        file does not exist and ``autograded/`` already holds graded work (a course graded elsewhere).
    """
    course = Path(course)
    url = named or default_url(course)
    marker = course / MARKER
    recorded = marker.read_text(encoding="utf-8").strip() if marker.is_file() else ""
    if recorded and _normal(recorded, course) != _normal(url, course):
        how = "BACKPROP_GRADEBOOK_URL (GRADEBOOK=) names" if named else "no GRADEBOOK= was given, so it would be"
        raise GradebookMismatch(
            f"this course's gradebook is {_shown(recorded)} (recorded in {marker}), but {how} {redacted(url)}: "
            f"run the command {_how_to_name(recorded)}, or delete {marker} "
            "to move the course to the other gradebook on purpose. Nothing was done.")
    if not recorded and not named and not (course / "gradebook.db").exists() and _graded_work(course):
        raise GradebookMismatch(
            f"{course / 'autograded'} holds graded work but {course / 'gradebook.db'} does not exist: is this "
            "course's gradebook a PostgreSQL one? Run the command with GRADEBOOK=postgresql://user@host/db. "
            "Nothing was done.")
    return url


def _how_to_name(recorded: str) -> str:
    if recorded == OWN_SQLITE:
        return "without GRADEBOOK= (and BACKPROP_GRADEBOOK_URL unset)"
    return "with GRADEBOOK=" + recorded.replace(":***@", ":<password>@")


def _shown(recorded: str) -> str:
    return "its own sqlite file gradebook.db" if recorded == OWN_SQLITE else recorded


def _graded_work(course: Path) -> bool:
    autograded = course / "autograded"
    return autograded.is_dir() and any(autograded.iterdir())


def remember(course: str | Path, url: str) -> None:
    """Write ``url`` (password left out) to :data:`MARKER` unless the course already names its gradebook."""
    marker = Path(course) / MARKER
    if not marker.exists():
        marker.write_text(_normal(url, Path(course)) + "\n", encoding="utf-8")

"""``nbgrader release_assignment`` when a student got to the exchange first (issue 20, item 7).

The exchange's root is writable by every student. With real Unix users on a real exchange, a student creates
the course's folder there before the first release (with ``outbound/<lesson>/`` holding a notebook of theirs and
an ``inbound/`` they can read), or makes it a link to a folder of theirs. Then:

- the instructor releases as root (as docs/class-server.md's hub setup can): the student's folder is moved aside, never
  used; the course's folder, ``outbound/`` and ``inbound/`` are the releaser's, and the lesson in ``outbound/`` is
  exactly the release;
- an instructor who is not root (and may not move the student's folder out of the sticky exchange root)
  gets a refusal that names the path, its owner, and the command root runs to fix it; nothing is released.

nbgrader's own release stops in both cases with "You don't own the directory" (and follows the link).
Needs root and useradd; skips without them.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from hub_server import run_checked
from test_exchange_collect import COURSE_ID, _users
from test_grading_course import SAMPLE, instructor, new_course
from test_grading_pipeline import LESSON, NOTEBOOK

pytestmark = pytest.mark.grading

REPO = Path(__file__).resolve().parents[1]
SQUAT = textwrap.dedent('''
    import os, sys
    exchange, course_id, lesson, notebook, how = sys.argv[1:6]
    mine = os.path.join(os.path.expanduser("~"), "squat")
    os.makedirs(os.path.join(mine, "outbound", lesson))
    os.makedirs(os.path.join(mine, "inbound"))
    os.chmod(mine, 0o777), os.chmod(os.path.join(mine, "inbound"), 0o777)
    with open(os.path.join(mine, "outbound", lesson, notebook), "w") as f:
        f.write("{\\"planted\\": true}")
    if how == "link":
        os.symlink(mine, os.path.join(exchange, course_id))
    else:
        import shutil
        shutil.copytree(mine, os.path.join(exchange, course_id), symlinks=True)
        os.chmod(os.path.join(exchange, course_id), 0o777)
''')


def _python_as(user: str, argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``python argv`` as ``user``: Debian's python3 with the course's packages (the venv's own interpreter
    lives under root's home, which other users cannot enter)."""
    site = next(p for p in sys.path if p.endswith("site-packages"))
    return subprocess.run(["runuser", "-u", user, "--", "env", "-i", f"PYTHONPATH={REPO}:{site}",
                           f"HOME={pwd.getpwnam(user).pw_dir}", "LANG=C.UTF-8", "/usr/bin/python3", *argv],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def exchange_squatted(request, tmp_path_factory):
    """A released course, an exchange (1777, root's), and a student who made the course's folder in it first."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd, to make a student and an instructor")
    folder = Path(tempfile.mkdtemp(prefix="cl-release-", dir="/tmp"))
    folder.chmod(0o755)
    suffix = f"{os.getpid() % 100000}"
    student, teacher = f"cl-stu{suffix}", f"cl-ins{suffix}"
    try:
        exchange = folder / "exchange"
        exchange.mkdir()
        exchange.chmod(0o1777)
        (folder / "course").mkdir()
        course = new_course(folder / "course", SAMPLE, LESSON)
        released = instructor(course, "release", LESSON)
        assert released.returncode == 0, released.stdout + released.stderr
        (folder / "home").mkdir(mode=0o755)
        with _users([student, teacher], folder / "home"):
            script = folder / "squat.py"
            script.write_text(SQUAT, encoding="utf-8")
            run = _python_as(student, [str(script), str(exchange), COURSE_ID, LESSON, NOTEBOOK, request.param],
                             cwd=folder)
            assert run.returncode == 0, run.stdout + run.stderr
            yield {"exchange": exchange, "course": course, "student": student, "teacher": teacher}
    finally:
        subprocess.run(["rm", "-rf", str(folder)])


@pytest.mark.parametrize("exchange_squatted", ["folder", "link"], indirect=True)
def test_root_releases_into_a_folder_of_its_own(exchange_squatted):
    facts = exchange_squatted
    exchange, course = facts["exchange"], facts["course"]
    result = subprocess.run([sys.executable, "-m", "nbgrader", "release_assignment", LESSON,
                             f"--Exchange.root={exchange}"], cwd=course, capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "could not be trusted" in log and facts["student"] in log, log
    course_folder = exchange / COURSE_ID
    for path in (course_folder, course_folder / "outbound", course_folder / "inbound",
                 course_folder / "outbound" / LESSON):
        status = os.lstat(path)
        assert path.is_dir() and not path.is_symlink() and status.st_uid == 0, (path, status)
    fetched = course_folder / "outbound" / LESSON / NOTEBOOK
    assert fetched.read_bytes() == (course / "lessons" / LESSON / NOTEBOOK).read_bytes()
    aside = [p for p in exchange.iterdir() if p.name.startswith(f"{COURSE_ID}.untrusted-{facts['student']}-")]
    assert len(aside) == 1, sorted(p.name for p in exchange.iterdir())


@pytest.mark.parametrize("exchange_squatted", ["folder"], indirect=True)
def test_an_instructor_who_cannot_move_it_is_told_what_to_run(exchange_squatted):
    facts = exchange_squatted
    exchange, teacher = facts["exchange"], facts["teacher"]
    course = Path(pwd.getpwnam(teacher).pw_dir) / "course"
    shutil.copytree(facts["course"], course)
    run_checked(["chown", "-R", f"{teacher}:", str(course)])
    result = _python_as(teacher, ["-m", "nbgrader", "release_assignment", LESSON, f"--Exchange.root={exchange}"],
                        cwd=course)
    log = result.stdout + result.stderr
    path = exchange / COURSE_ID
    assert result.returncode != 0, log
    assert f"The exchange folder {path} cannot be trusted: it belongs to {facts['student']}" in log, log
    assert f"As root, run:  mv {path} {path}.untrusted-{facts['student']}-" in log, log
    assert (path / "outbound" / LESSON / NOTEBOOK).read_text() == '{"planted": true}'  # nothing released into it

"""``nbgrader collect`` on a class's exchange: a submission only from its own student, as submitted, when submitted.

The exchange's ``inbound/`` folder is writable by every student; nbgrader's own collect believes the folder's
name and its ``timestamp.txt`` and follows links as the instructor (``backprop_core/grading/judge/nbgrader_ext/
collect.py`` lists what that lets a student do). The course's ``nbgrader_config.py`` collects with
``VettedCollect``. Here, with real Unix users on a real exchange:

- the instructor releases the sample lesson into the exchange (``nbgrader release_assignment``);
- ``ada`` fetches it, writes the solution and submits (``nbgrader submit``, as herself);
- ``mallory`` fetches and submits the release untouched, then, as herself, with plain file operations:
  submits as ``ada`` (dated later), as ``carol`` (who never submits), a link to the instructor's solution,
  a named pipe as her notebook, a folder whose name is not a time, and a link to a file of the machine;
- ``eve`` makes her only submission by hand, dated two days back (``timestamp.txt`` too);
- the instructor collects (``nbgrader collect``, the course's configuration), then grades (``make autograde``).

Checked: collect ends (a pipe does not hang it), each refusal is logged with its reason, ada's submission is
hers (and earns full marks), mallory's is her own plain submission (0 points), carol has none, eve's is
recorded at the time its files were written. Needs root, useradd/userdel and the hub's environment
(``make hub-install``, for the students' own nbgrader); skips without them, saying why (fails on CI).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from backprop_core.grading.judge.nbgrader_ext.collect import Caps, Refused, copy_vetted
from hub_server import HUB_PREFIX, check_prerequisites, end_processes_of, install_hub, run_checked
from test_grading_course import SAMPLE, instructor, new_course
from test_grading_pipeline import LESSON, NOTEBOOK

pytestmark = pytest.mark.grading

COURSE_ID = "backprop-step-by-step"
HUB_NBGRADER = HUB_PREFIX / "venv" / "bin" / "nbgrader"
COLLECT_SECONDS = 120  # a collect that waits on a pipe would hang here, not forever
NBGRADER_TIME = "%Y-%m-%d %H:%M:%S.%f UTC"


def _stamp(when: datetime) -> str:
    return when.strftime(NBGRADER_TIME)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def _users(names: list[str], home: Path):
    """Unix users made for the test (each in its own group, a home in ``home``), removed at the end."""
    made = []
    try:
        for name in names:
            run_checked(["useradd", "--create-home", "--home-dir", str(home / name), "--user-group",
                         "--shell", "/bin/bash", name])
            made.append(name)
        yield
    finally:
        for name in made:
            with contextlib.suppress(KeyError):
                end_processes_of(pwd.getpwnam(name).pw_uid)
            subprocess.run(["userdel", "--remove", name], capture_output=True)


def _home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def _as(user: str, argv: list[str], exchange: Path) -> str:
    """``argv`` run by ``user`` in their home with the hub environment's settings; its output (a failure fails)."""
    env = {"PATH": f"{HUB_NBGRADER.parent}:/usr/bin:/bin", "HOME": str(_home(user)),
           "BACKPROP_EXCHANGE": str(exchange), "LANG": "C.UTF-8"}
    return run_checked(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *argv],
                       cwd=_home(user), timeout=300).stdout


MALLORY_ATTACKS = textwrap.dedent('''
    import os, pwd, sys
    inbound, lesson, notebook, ada, carol, solution, released = sys.argv[1:8]
    me = pwd.getpwuid(os.getuid()).pw_name
    later = {later}
    def submission(student, when, tag):
        folder = os.path.join(inbound, f"{{student}}+{{lesson}}+{{when}}+{{tag}}")
        os.mkdir(folder)
        with open(os.path.join(folder, "timestamp.txt"), "w") as f:
            f.write(when)
        return folder
    # as a classmate, dated later than her own submission, and as one who never submits
    for student, tag in ((ada, "as-classmate"), (carol, "as-absent")):
        folder = submission(student, later[0], tag)
        with open(released) as src, open(os.path.join(folder, notebook), "w") as dst:
            dst.write(src.read())
    # the instructor's solution, as a link the instructor's collect would follow
    os.symlink(solution, os.path.join(submission(me, later[1], "link-to-solution"), notebook))
    # a named pipe as her notebook: reading it waits for a writer that never comes
    os.mkfifo(os.path.join(submission(me, later[2], "pipe"), notebook))
    # a folder whose name holds no time (nbgrader's collect stops for the whole class on it)
    os.mkdir(os.path.join(inbound, f"{{me}}+{{lesson}}+not-a-time+bad-name"))
    # her notebook, and beside it a link to a file of the machine only root may read
    folder = submission(me, later[3], "link-to-shadow")
    with open(released) as src, open(os.path.join(folder, notebook), "w") as dst:
        dst.write(src.read())
    os.symlink("/etc/shadow", os.path.join(folder, "notes.txt"))
    # a folder 5000 levels deep (past Python's recursion limit and the system's path length)
    os.chdir(submission(me, later[4], "deep"))
    for _ in range(5000):
        os.mkdir("d")
        os.chdir("d")
    # 3000 tiny files; and her notebook beside a sparse file of 10 GB
    folder = submission(me, later[5], "many")
    for k in range(3000):
        open(os.path.join(folder, f"f{{k}}"), "w").close()
    folder = submission(me, later[6], "huge")
    with open(released) as src, open(os.path.join(folder, notebook), "w") as dst:
        dst.write(src.read())
    with open(os.path.join(folder, "data.bin"), "w") as f:
        f.truncate(10 << 30)
''')

EVE_BACKDATED = textwrap.dedent('''
    import os, pwd, shutil, sys
    inbound, lesson, notebook, released, when = sys.argv[1:6]
    me = pwd.getpwuid(os.getuid()).pw_name
    folder = os.path.join(inbound, f"{me}+{lesson}+{when}+backdated")
    os.mkdir(folder)
    shutil.copy(released, os.path.join(folder, notebook))
    with open(os.path.join(folder, "timestamp.txt"), "w") as f:
        f.write(when)
''')


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The class above, collected and graded; returns what the tests look at."""
    check_prerequisites()
    install_hub()
    if not HUB_NBGRADER.is_file():
        pytest.fail(f"make hub-install left no {HUB_NBGRADER}", pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="backprop-collect-test-", dir="/tmp"))
    folder.chmod(0o755)
    suffix = f"{os.getpid() % 100000}"
    ada, mallory, carol, eve = (f"{name}{suffix}" for name in ("ada", "mallory", "carol", "eve"))
    try:
        (folder / "home").mkdir(mode=0o755)
        exchange = folder / "exchange"
        exchange.mkdir()
        exchange.chmod(0o1777)
        (folder / "course").mkdir(mode=0o700)
        course = new_course(folder / "course", SAMPLE, LESSON)
        released = instructor(course, "release", LESSON)
        assert released.returncode == 0, released.stdout + released.stderr
        run_checked([sys.executable, "-m", "nbgrader", "release_assignment", LESSON, f"--Exchange.root={exchange}"],
                    cwd=course, timeout=300)
        with _users([ada, mallory, carol, eve], folder / "home"):
            facts = _the_class(course, exchange, ada, mallory, carol, eve)
        facts.update(ada=ada, mallory=mallory, carol=carol, eve=eve, course=course)
        yield facts
    finally:
        subprocess.run(["rm", "-rf", str(folder)])  # shutil.rmtree recurses: the 5000-level folder defeats it


def _the_class(course: Path, exchange: Path, ada: str, mallory: str, carol: str, eve: str) -> dict:
    inbound = exchange / COURSE_ID / "inbound"
    solution = course / "solutions" / LESSON / NOTEBOOK
    for student in (ada, mallory):
        _as(student, ["nbgrader", "fetch_assignment", LESSON], exchange)
    ada_notebook = _home(ada) / LESSON / NOTEBOOK
    _write_solution(ada_notebook, solution, ada)
    ada_sha = _sha(ada_notebook)
    for student in (ada, mallory):
        _as(student, ["nbgrader", "submit", LESSON], exchange)
    released = _home(mallory) / LESSON / NOTEBOOK
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    later = [_stamp(now + timedelta(hours=h)) for h in (1, 2, 3, 4, 5, 6, 7)]
    script = _home(mallory) / "attacks.py"
    script.write_text(MALLORY_ATTACKS.format(later=later), encoding="utf-8")
    _as(mallory, ["python3", str(script), str(inbound), LESSON, NOTEBOOK, ada, carol, str(solution), str(released)],
        exchange)
    eve_script = _home(eve) / "backdated.py"
    eve_script.write_text(EVE_BACKDATED, encoding="utf-8")
    eve_copy = _home(eve) / NOTEBOOK
    shutil.copy(released, eve_copy)
    os.chown(eve_copy, pwd.getpwnam(eve).pw_uid, pwd.getpwnam(eve).pw_gid)
    backdated = now - timedelta(days=2)
    _as(eve, ["python3", str(eve_script), str(inbound), LESSON, NOTEBOOK, str(eve_copy), _stamp(backdated)], exchange)
    collect = subprocess.run([sys.executable, "-m", "nbgrader", "collect", LESSON, f"--Exchange.root={exchange}"],
                             cwd=course, capture_output=True, text=True, timeout=COLLECT_SECONDS)
    graded = instructor(course, "autograde", LESSON)
    return {"collect": collect, "autograde": graded, "ada_sha": ada_sha, "released_sha": _sha(released),
            "solution_sha": _sha(solution), "now": now, "backdated": backdated}


def _write_solution(notebook: Path, solution: Path, owner: str) -> None:
    """The student's copy with the solution cells of ``solution`` written in (as ada types them)."""
    nb, answers = nbformat.read(notebook, as_version=4), nbformat.read(solution, as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in answers.cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = by_id[cell.metadata["nbgrader"]["grade_id"]]
    nbformat.write(nb, notebook)
    os.chown(notebook, pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid)


def _submitted(facts: dict, student: str) -> Path:
    return facts["course"] / "submitted" / facts[student] / LESSON


def _log(facts: dict) -> str:
    return facts["collect"].stdout + facts["collect"].stderr


def _scores(facts: dict) -> dict:
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{facts['course'] / 'gradebook.db'}", COURSE_ID) as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(LESSON)}


# ------------------------------------------------------------------ the tests
def test_collect_finishes_for_the_whole_class(collected):
    """No pipe, bad name or link stops the collect: it exits 0 and brings every real submission."""
    assert collected["collect"].returncode == 0, _log(collected)
    submitted = collected["course"] / "submitted"
    brought = sorted(p.name for p in submitted.iterdir()) if submitted.is_dir() else []
    assert brought == sorted(collected[s] for s in ("ada", "mallory", "eve")), (brought, _log(collected))


def test_a_submission_made_as_a_classmate_is_refused(collected):
    """mallory's folder named after ada (dated later) is refused; ada's own submission is collected."""
    log = _log(collected)
    assert f"{collected['ada']}+{LESSON}" in log and "belongs to" in log, log
    assert _sha(_submitted(collected, "ada") / NOTEBOOK) == collected["ada_sha"], log
    assert not _submitted(collected, "carol").exists(), "a submission made as carol (who never submitted) was collected"


def test_links_and_pipes_are_never_followed(collected):
    """The link to the solution, the pipe and the link to /etc/shadow are refused; mallory's plain submission
    (the release) is hers."""
    log = _log(collected)
    for reason in ("is a symbolic link", "is a named pipe", "not-a-time"):
        assert reason in log, f"no refusal saying {reason!r}:\n{log}"
    mine = _submitted(collected, "mallory")
    assert _sha(mine / NOTEBOOK) == collected["released_sha"], log
    assert _sha(mine / NOTEBOOK) != collected["solution_sha"]
    assert not (mine / "notes.txt").exists(), "a link to /etc/shadow was copied"


def test_deep_many_and_huge_submissions_are_refused_and_the_class_collected(collected):
    """mallory's folder 5000 levels deep and her 3000 files are refused, each naming its cap; her 10 GB file is
    skipped (nbgrader's max_file_size) without being read. The class is collected (see
    test_collect_finishes_for_the_whole_class), and hers is her notebook as released."""
    log = _log(collected)
    for folder, reason in (("deep", "nested deeper than 16 levels (max_depth)"),
                           ("many", "more than 2000 files and folders (max_entries)"),
                           ("huge", "Ignoring file too large")):
        assert any(folder in line and reason in line for line in log.splitlines()), f"no {reason!r}:\n{log}"
    mine = _submitted(collected, "mallory")
    assert _sha(mine / NOTEBOOK) == collected["released_sha"], log
    assert not (mine / "data.bin").exists(), log


def test_a_backdated_submission_is_recorded_when_it_was_written(collected):
    """eve dated her folder and timestamp.txt two days back: collected at the time its files were written."""
    stamp = (_submitted(collected, "eve") / "timestamp.txt").read_text(encoding="utf-8")
    recorded = datetime.strptime(stamp.strip(), NBGRADER_TIME)
    assert abs((recorded - collected["now"]).total_seconds()) < 300, (stamp, _log(collected))
    assert "last written" in _log(collected)


def test_grades_follow_the_true_submissions(collected):
    """make autograde on what was collected: ada full marks, mallory and eve nothing."""
    graded = collected["autograde"]
    assert graded.returncode == 0 and "NOT graded" not in graded.stdout + graded.stderr, graded.stdout + graded.stderr
    scores = _scores(collected)
    assert scores == {collected["ada"]: 2.0, collected["mallory"]: 0.0, collected["eve"]: 0.0}, scores


# ------------------------------------------------------------------ the vetted copy on its own (no users needed)
def _tree(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "lesson.ipynb").write_text("{}", encoding="utf-8")
    (root / "sub" / "data.csv").write_text("1,2\n", encoding="utf-8")
    return root


def test_a_vetted_copy_copies_files_and_folders_and_says_when_they_were_written(tmp_path):
    src = _tree(tmp_path / "src")
    written = copy_vetted(src, tmp_path / "dest", uid=os.getuid())
    assert (tmp_path / "dest" / "sub" / "data.csv").read_text(encoding="utf-8") == "1,2\n"
    newest = max(os.lstat(p).st_ctime for p in [src, *src.rglob("*")])
    assert written == datetime.fromtimestamp(newest, timezone.utc).replace(tzinfo=None)


@pytest.mark.parametrize("plant, reason", [
    (lambda d: (d / "sub" / "deep.ipynb").symlink_to("/etc/passwd"), "symbolic link"),
    (lambda d: os.mkfifo(d / "sub" / "pipe"), "named pipe"),
    (lambda d: (d / "big.bin").write_bytes(b"x" * 5000), "max_dir_size"),
], ids=["link-in-a-subfolder", "pipe", "too-large"])
def test_a_vetted_copy_refuses_links_pipes_and_size(tmp_path, plant, reason):
    src = _tree(tmp_path / "src")
    plant(src)
    with pytest.raises(Refused, match=reason):
        copy_vetted(src, tmp_path / "dest", uid=os.getuid(), max_bytes=4000)


def _deep(root: Path, levels: int) -> None:
    """``levels`` nested folders under ``root``, made fd-relative (their path is past PATH_MAX)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)


@pytest.mark.parametrize("plant, caps, reason", [
    (lambda d: _deep(d, 3000), Caps(), "deeper than 16 levels"),
    (lambda d: [(d / f"f{k}").touch() for k in range(60)], Caps(entries=50), "more than 50 files and folders"),
    (lambda d: (d / ("n" * 200)).mkdir() or (d / ("n" * 200) / ("m" * 200)).touch(), Caps(path_length=300),
     "longer than 300 characters"),
    (lambda d: os.truncate(d / "lesson.ipynb", 1 << 40), Caps(), "larger than the exchange's max_dir_size"),
], ids=["3000-levels-deep", "too-many-entries", "path-too-long", "sparse-terabyte"])
def test_a_vetted_copy_stops_at_its_caps(tmp_path, plant, caps, reason):
    """Each cap refuses, naming itself, without recursing past it or reading what is beyond it."""
    src = _tree(tmp_path / "src")
    plant(src)
    with pytest.raises(Refused, match=reason):
        copy_vetted(src, tmp_path / "dest", uid=os.getuid(), max_bytes=1 << 20, caps=caps)
    subprocess.run(["rm", "-rf", str(src)])


def test_a_vetted_copy_refuses_a_file_of_someone_else(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    src = _tree(tmp_path / "src")
    os.chown(src / "sub" / "data.csv", 65534, 65534)
    with pytest.raises(Refused, match=r"^sub/data.csv belongs to"):
        copy_vetted(src, tmp_path / "dest", uid=os.getuid())


def test_a_submission_folder_that_is_a_link_is_refused(tmp_path):
    (tmp_path / "link").symlink_to(_tree(tmp_path / "src"))
    with pytest.raises(Refused, match="not a folder one can open without following a link"):
        copy_vetted(tmp_path / "link", tmp_path / "dest", uid=None)


def test_a_vetted_copy_skips_what_nbgrader_ignores(tmp_path):
    """nbgrader's CourseDirectory.ignore and max_file_size skip entries (not refuse the submission)."""
    from nbgrader.utils import ignore_patterns

    src = _tree(tmp_path / "src")
    (src / "sub" / "cache.pyc").write_bytes(b"\0")
    (src / "sub" / "huge.csv").write_bytes(b"1" * 3000)
    copy_vetted(src, tmp_path / "dest", uid=os.getuid(),
                ignore=ignore_patterns(exclude=["*.pyc"], include=["*"], max_file_size=2))
    copied = sorted(str(p.relative_to(tmp_path / "dest")) for p in (tmp_path / "dest").rglob("*"))
    assert copied == ["lesson.ipynb", "sub", "sub/data.csv"], copied

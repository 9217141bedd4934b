"""Issue 20, items 3-6: the grader's own paths, bounded results, whole-sandbox limits, one time budget.

- item 3: the build cache kept across runs is the grader's own (:func:`.sandbox.private_folder`): a real
  second Unix user who makes it first, with a poisoned build in it, changes no grade;
- item 4: what a sandbox leaves where its results are read (a named pipe, a symbolic link, 60 MB) makes
  that submission "not graded: its results could not be read", the class goes on, the lock is released,
  and the grading process's peak memory (``ru_maxrss``) stays bounded;
- item 5: four children of one sandbox cannot hold 4.5 GiB together (a cgroup); a 100,000-deep folder
  tree and a million-file spam in the scratch folder leave nothing in the host's temp dir, and the
  submission is graded;
- item 6: a cell that hangs costs its time limit once per notebook: later exercises leave it out and say
  so (lesson 01's five exercises through ``autograde``); past the notebook's time budget the rest is
  "not graded: took too long".

The class tests are one real ``autograde`` (the instructor CLI) of the sample course, as in
test_grading_pipeline.py; the others use the real sandbox (:func:`.sandbox.run_sandboxed`).
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat
import pytest

from backprop_core.grading import exercises
from backprop_core.grading.judge import hidden_tests
from backprop_core.grading.judge.exam_build import exam_build
from backprop_core.grading.judge.hidden_tests import HiddenTestSettings, SubmissionBudget, judge_exercise
from backprop_core.grading.judge.sandbox import GiB, UnreadableResult, bwrap_executable, cgroup_support, private_folder, private_scratch, read_result, remove_tree, run_sandboxed
from test_grading_course import ROOT, _env, instructor, new_course
from test_grading_pipeline import LESSON, NOTEBOOK, TEST_IDS, TIMEOUT, shown, with_cell, written
from test_grading_pipeline import released  # noqa: F401  (the pipeline's fixture)

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: a second Unix user, cgroups, tmpfs mounts")


# ------------------------------------------------------------------ a second Unix user
@pytest.fixture
def local_student():
    """A real second Unix user (``sb-<random>``), removed afterwards; yields its name."""
    name = f"sb-{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


def as_user(name: str, code: str) -> subprocess.CompletedProcess:
    """Run ``code`` with the system python (the venv may be out of its reach) as user ``name`` (its uid and gid, no groups)."""
    user = pwd.getpwnam(name)
    return subprocess.run(["/usr/bin/python3", "-I", "-c", code], user=user.pw_uid, group=user.pw_gid,
                          extra_groups=[], capture_output=True, text=True, timeout=120, cwd="/")


def shared_tmp(tmp_path: Path) -> Path:
    """A folder like /tmp (mode 1777, sticky), private to this test: the grader's TMPDIR."""
    folder = tmp_path / "shared-tmp"
    folder.mkdir()
    os.chmod(folder, 0o1777)
    for parent in (tmp_path, *tmp_path.parents):  # the other user must reach it, as it reaches /tmp
        if parent == Path("/"):
            break
        os.chmod(parent, os.stat(parent).st_mode | 0o011)
    return folder


# ------------------------------------------------------------------ reading what came back (item 4)
def test_read_result_takes_only_a_regular_file_of_bounded_size(tmp_path):
    good = tmp_path / "good"
    good.write_bytes(b"x" * 100)
    assert read_result(good, 100) == b"x" * 100
    os.mkfifo(tmp_path / "pipe")  # a named pipe with no writer: opening it must not wait
    (tmp_path / "link").symlink_to(good)
    problems = {"pipe": "a named pipe", "link": "a symbolic link", "good": "more than the 99"}
    for name, words in problems.items():
        with pytest.raises(UnreadableResult, match=words):
            read_result(tmp_path / name, 99)
    assert read_result(tmp_path / "absent", 10, missing_ok=True) == b""


# ------------------------------------------------------------------ the grader's own folders (item 3)
def test_a_kept_folder_is_used_only_while_it_is_the_graders_own(tmp_path):
    """A symbolic link, or a folder holding another user's entry, is set aside for a fresh 0700 folder."""
    mine = private_folder(tmp_path / "mine")
    assert mine == tmp_path / "mine" and stat.S_IMODE(os.stat(mine).st_mode) == 0o700
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "foreign").mkdir(mode=0o700)
    (tmp_path / "foreign" / "build").mkdir()
    if os.geteuid() == 0:
        os.chown(tmp_path / "foreign" / "build", 12345, 12345)
    else:
        os.chmod(tmp_path / "foreign" / "build", 0o777)
    for name in ("linked", "foreign"):
        used = private_folder(tmp_path / name)
        assert used != tmp_path / name and not used.is_relative_to(tmp_path / "elsewhere"), name
        info = os.lstat(used)
        assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) == 0o700
        assert private_folder(tmp_path / name) == used  # the same replacement for the rest of the process
        shutil.rmtree(used)


def test_remove_tree_takes_any_folder_shape():
    """100,000 nested folders (deeper than any path and than Python's recursion), some with mode 0000, and
    10,000 files: the fallback cleanup when no tmpfs could be mounted. (Made in RAM when the system has
    /dev/shm: the shape is the point, not the disk.)"""
    top = Path(tempfile.mkdtemp(prefix="test-remove-tree-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    for k in range(10_000):
        (top / f"f{k}").touch()
    fd = os.open(top, os.O_RDONLY)
    for depth in range(100_000):
        os.mkdir("d", mode=0 if depth % 1000 == 999 else 0o700, dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    remove_tree(top)
    assert not os.path.lexists(top)


# ------------------------------------------------------------------ whole-sandbox limits (item 5)
FOUR_CHILDREN = """
import os, time
for k in range(4):
    if os.fork() == 0:
        try:
            block = bytearray(1536 * 1024 * 1024)
            block[::4096] = b"\\1" * len(block[::4096])  # every page touched
            print("held", flush=True)
            time.sleep(3)
        except MemoryError:
            pass
        os._exit(0)
for _ in range(4):
    os.wait()
"""


@ROOT_ONLY
@pytest.mark.grading
def test_four_children_of_one_sandbox_cannot_hold_four_and_a_half_gib(tmp_path):
    assert cgroup_support() == "", f"the grader is root here, so each sandbox should get a cgroup: {cgroup_support()}"
    with private_scratch("test-four-") as scratch:
        (scratch / "four.py").write_text(FOUR_CHILDREN, encoding="utf-8")
        result = run_sandboxed([sys.executable, "four.py"], scratch)
    held = result.stdout.count(b"held")
    assert held * 1.5 < 4.5, f"{held} children held 1.5 GiB each at once: {result}"
    assert result.killed_by_limit == "memory", result


def _host_temp_entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ------------------------------------------------------------------ a class through the real CLI (items 4, 5)
RESULTS_ATTACKS = {
    "pipe": "import os\nos.remove('results.jsonl')\nos.mkfifo('results.jsonl')",
    "symlink": "import os\nos.remove('results.jsonl')\nos.symlink('/etc/passwd', 'results.jsonl')",
    "sixty-mb": ("with open('results.jsonl', 'a') as f:\n"
                 "    for _ in range(60):\n"
                 "        f.write(('{\"event\": \"case\", \"property\": \"x\", \"index\": 1}\\n' * 20000)[:2**20])"),
}
SCRATCH_ATTACKS = {
    "deep-tree": ("import os\nhome = os.getcwd()\ntry:\n    for _ in range(100_000):\n        os.mkdir('d')\n"
                  "        os.chdir('d')\nexcept OSError:\n    pass\nos.chmod('.', 0)\nos.chdir(home)"),
    "inode-spam": ("import os\ntry:\n    for k in range(1_000_000):\n        open(f'f{k}', 'w').close()\n"
                   "except OSError:\n    pass"),
}


def _grade_watching_memory(course: Path, env: dict) -> tuple[int, str, int]:
    """Run ``instructor autograde`` as a child: its exit status, its output and its peak memory in bytes."""
    with open(course / "grader.log", "w+", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course),
                                    "autograde", LESSON], stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        return process.returncode, log.read(), usage.ru_maxrss * 1024


def _scores(course: Path, students) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        for student in students:
            try:
                grades = gradebook.find_submission_notebook(LESSON, LESSON, student).grades
            except MissingEntry:
                found[student] = None
                continue
            found[student] = sum(g.score for g in grades if g.name in TEST_IDS)
    return found


@ROOT_ONLY
@pytest.mark.grading
def test_a_class_with_unreadable_results_and_scratch_floods_is_graded(released, tmp_path):
    """Items 4 and 5 through ``autograde``: the results replaced by a pipe, a link or 60 MB make that
    submission not graded with the reason; a deep tree and an inode spam are graded; the victims too;
    the lock is released, nothing is left in the temp dir, the grader stays under 1.5 GiB."""
    course = tmp_path / "course"
    shutil.copytree(released, course)
    temp = shared_tmp(tmp_path)
    students = {"aa-victim": written(released), "zz-victim": written(released)}
    for name, source in {**RESULTS_ATTACKS, **SCRATCH_ATTACKS}.items():
        students[name] = with_cell(written(released), source)
    for student, nb in students.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    env = {**_env(TIMEOUT), "TMPDIR": str(temp)}
    before = _host_temp_entries(temp)
    status, log, peak = _grade_watching_memory(course, env)
    scores = _scores(course, students)
    problems = []
    for student in ("aa-victim", "zz-victim", *SCRATCH_ATTACKS):
        if scores[student] != 2:
            problems.append(f"{student}: {scores[student]} points, expected 2 (graded)")
    for student in RESULTS_ATTACKS:
        line = next((ln for ln in log.splitlines() if f"{student} / {LESSON}" in ln and "NOT graded" in ln), "")
        if "its results could not be read" not in line:
            problems.append(f"{student}: expected 'NOT graded ... its results could not be read', got {line!r}")
        if scores[student] is not None:
            problems.append(f"{student}: a grade was written ({scores[student]}) though its results could not be read")
    left = _host_temp_entries(temp) - before - {p for p in _host_temp_entries(temp) if p.startswith("backprop-hidden")}
    if left:
        problems.append(f"left in the grader's temp dir: {sorted(left)}")
    if peak > 1.5 * GiB:
        problems.append(f"the grading process peaked at {peak / GiB:.2f} GiB")
    print(f"the grading process's peak memory (ru_maxrss): {peak / 2**20:.0f} MiB")
    assert not problems, "\n".join(problems) + f"\nexit {status}\n" + log[-6000:]
    # the lock is released: the next run goes (and keeps what is graded)
    again = subprocess.run([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course),
                            "autograde", LESSON, "--student=aa-victim"], capture_output=True, text=True, env=env,
                           timeout=600)
    text = again.stdout + again.stderr
    assert again.returncode == 0 and "already graded, kept" in text and "lock" not in text.lower(), text


# ------------------------------------------------------------------ the grader's own build cache (item 3)
POISON = """
import os, sys
cache, fingerprint, build = sys.argv[1:4]
os.makedirs(os.path.join(cache, fingerprint), exist_ok=True)
os.chmod(cache, 0o777)
import shutil
shutil.copytree(build, os.path.join(cache, fingerprint, "backprop_core"))
side = os.path.join(cache, fingerprint, "backprop_core", "grading", "student_process", "student_side.py")
with open(side, "w") as f:
    f.write("import os\\nos._exit(0)\\n")
"""


@ROOT_ONLY
@pytest.mark.grading
def test_a_build_cache_made_first_by_another_user_changes_no_grade(released, tmp_path, local_student):
    """Item 3: a local student makes the grader's predictable build cache (in the shared temp dir) before the
    first run, with every build's student side replaced by ``os._exit(0)``: the honest classmates still get
    2 / 2 and the poisoned files are never run (the grader uses a fresh folder of its own instead)."""
    course = tmp_path / "course"
    shutil.copytree(released, course)
    temp = shared_tmp(tmp_path)
    real = exam_build(exercises.get("half_squared_error").replaces, tmp_path / "reference-builds")
    cache = temp / f"backprop-hidden-test-builds-{os.geteuid()}"
    code = POISON.replace("sys.argv[1:4]", repr([str(cache), real.parent.name, str(real)]))
    os.chmod(tmp_path / "reference-builds", 0o755)
    made = as_user(local_student, code)
    assert made.returncode == 0, made.stderr
    assert cache.stat().st_uid == pwd.getpwnam(local_student).pw_uid
    for student in ("aa-victim", "zz-victim"):
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_text(json.dumps(written(released), indent=1), encoding="utf-8")
    status, log, _ = _grade_watching_memory(course, {**_env(TIMEOUT), "TMPDIR": str(temp)})
    scores = _scores(course, ("aa-victim", "zz-victim"))
    assert scores == {"aa-victim": 2, "zz-victim": 2}, log[-6000:]
    assert status == 0, log[-6000:]


# ------------------------------------------------------------------ one time budget (item 6)
ENDLESS = {"source": "while True:\n    pass", "run": "all"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    bwrap_executable()
    return HiddenTestSettings(time_limit=2, cell_time_limit=2, build_cache=tmp_path_factory.mktemp("budget-builds"))


@pytest.mark.grading
def test_a_hanging_cell_costs_its_limit_once_per_notebook(quick):
    """Three exercises below an endless cell: the first run stops the cell at its limit, the other
    exercises leave it out from the start and say which cell was left out."""
    budget = SubmissionBudget(600)
    names = ("half_squared_error", "linear_layer", "gradient_step")
    texts = []
    for name in names:
        exercise = exercises.get(name)
        cells = [ENDLESS, {"source": f"def {name}(*args, **kwargs):\n    return 0.0", "run": "all"}]
        judged = judge_exercise(exercise, list(exercise.properties), cells, quick, budget)
        texts.append("\n".join(j.verdict.text for j in judged.values()))
    assert budget.hung == {0}
    assert budget.runs == len(names), f"{budget.runs} sandboxed runs for {len(names)} exercises"
    assert hidden_tests.TIMED_OUT_CELL in texts[0] and "was left out" not in texts[0], texts[0]
    for text in texts[1:]:
        assert "The cell starting 'while True:' was left out" in text and hidden_tests.TIMED_OUT_CELL not in text, text


@pytest.mark.grading
def test_a_runaway_loop_after_a_definition_costs_its_limit_once_and_keeps_the_definition(quick):
    """A solution cell that defines the exercise's function and then loops forever (issue 24, item 4): the first
    exercise pays the cell's limit; the later ones run only the cell's definitions, so the function is there,
    the limit is not paid again, and each says what was left out."""
    budget = SubmissionBudget(600)
    runaway = {"source": ("def linear_layer(x, W):\n    return np.asarray(x) @ np.asarray(W).T\n\n"
                          "while True:  # stuck\n    pass\n"), "run": "all"}
    cells = [{"source": "import numpy as np", "run": "all"}, runaway]
    texts = []
    for name in ("linear_layer", "linear_layer", "linear_layer"):
        exercise = exercises.get(name)
        judged = judge_exercise(exercise, list(exercise.properties), cells, quick, budget)
        assert all(j.verdict.passed for j in judged.values()), [j.verdict.text for j in judged.values()]
        texts.append("\n".join(j.verdict.text for j in judged.values()))
    assert budget.hung == set() and set(budget.trimmed) == {1}, (budget.hung, budget.trimmed)
    assert "while" not in budget.trimmed[1] and "def linear_layer" in budget.trimmed[1]
    assert "ran past its time limit" not in texts[0], texts[0]
    assert "The cell starting 'def linear_layer(x, W):' was stopped at its time limit" in texts[0], texts[0]
    for text in texts[1:]:
        assert "The cell starting 'def linear_layer(x, W):' ran past its time limit" in text, text


@pytest.mark.grading
def test_past_the_budget_the_rest_is_not_graded(quick):
    """A budget of 4 s and a cell that never returns (nor lets the alarm in: it is in C): the first exercise
    is stopped at the budget, not at its own limits, and the next one starts no sandbox at all."""
    budget = SubmissionBudget(4)
    deaf = {"source": "sum(range(10**14))", "run": "all"}
    settings = HiddenTestSettings(time_limit=30, cell_time_limit=60, build_cache=quick.build_cache)
    first = judge_exercise(exercises.get("half_squared_error"), ["one_sample"], [deaf], settings, budget)
    assert first["one_sample"].not_graded.startswith("not graded: took too long"), first
    runs = budget.runs
    second = judge_exercise(exercises.get("linear_layer"), ["one_sample"], [deaf], settings, budget)
    assert second["one_sample"].not_graded.startswith("not graded: took too long")
    assert budget.runs == runs == 1


@ROOT_ONLY
@pytest.mark.grading
def test_an_endless_cell_on_top_of_a_lesson_costs_one_timeout_through_autograde(tmp_path):
    """Item 6 through ``autograde``: lesson 01 (five exercises) handed in untouched with an endless cell on top.
    Only the first exercise's run pays the cell's time limit; the four others leave the cell out from the
    start and their feedback says which cell was left out. The submission is graded (0 points)."""
    lesson = "01-forward-pass-and-error"
    course = new_course(tmp_path, ROOT, lesson)
    result = instructor(course, "release", lesson, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr
    name = f"{lesson}.ipynb"
    nb = nbformat.read(course / "lessons" / lesson / name, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("while True:\n    pass"))
    folder = course / "submitted" / "hangs" / lesson
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / name)
    result = instructor(course, "autograde", lesson, timeout=TIMEOUT)
    log = result.stdout + result.stderr
    assert result.returncode == 0 and "NOT graded" not in log, log
    graded = nbformat.read(course / "autograded" / "hangs" / lesson / name, as_version=4)
    by_exercise: dict = {}  # exercise -> what each of its hidden test cells shows
    for test in hidden_tests.hidden_tests_of(graded)[0]:
        by_exercise.setdefault(test.exercise.name, []).append(shown(graded.cells[test.index]))
    assert len(by_exercise) == 5, by_exercise.keys()
    paid = [e for e, texts in by_exercise.items() if any(hidden_tests.TIMED_OUT_CELL in t for t in texts)]
    left_out = [e for e, texts in by_exercise.items()
                if all("The cell starting 'while True:' was left out" in t for t in texts)]
    assert len(paid) == 1 and len(left_out) == 4 and paid[0] not in left_out, by_exercise

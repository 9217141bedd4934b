"""Issue 11, items 1-3 and 6: no student can earn points by attacking the grader, nor hurt anyone.

ONE real ``autograde`` (the instructor CLI, as ``make autograde``) grades a class of the sample course
(``tests/fixtures``: lesson ``00-sample``, exercise ``half_squared_error``, two hidden tests of one
point each). The class:

- ``aa-victim`` and ``zz-victim``: the solution written in (2 / 2 deserved); the first is graded before
  every attacker, the second after all of them (later students must still be graded);
- one attacker per attack, named after it: the untouched release (its function raises
  NotImplementedError) or a wrong solution (returns 0.0), plus the attack's code in the solution cell
  and/or a cell added above the exercise. 0 deserved.

Each attack is a file in ``tests/attacks/`` (its docstring says what it tries and why it earns nothing),
run after ``tests/attacks/_prelude.py``, which tells it what the worst-case student knows (the course's
absolute path, the package's, the test's pid and a port it listens on) and how to report a success. The
classes of issue 11:

1. **Full marks for nothing**: ``grading.check`` and the judge's verdict replaced by no-ops; numpy's
   comparisons always true; builtins the grader uses patched (isinstance, len, abs, float...); the
   expected answers read from the caller's frames (``sys._getframe``, ``inspect.stack``) or found and
   rewritten with ``gc``; a fake ``backprop_core.grading`` in ``sys.modules`` when ``NBGRADER_EXECUTION``
   is set; ``sys.modules['numpy']`` swapped; ``AssertionError`` replaced and errors hidden from
   IPython; text that looks like a pass; SystemExit, KeyboardInterrupt and ``os._exit(0)`` raised in the
   function; an object that equals everything (and runs code when unpickled); lines forged into the
   file the student's side reports through.
2. **The reference used anyway**: imported under another name; its private helper; ``Network.loss``;
   the ``LOSSES`` table; code copied with ``marshal`` or ``code.replace`` and rebuilt at call time;
   ``inspect.getsource`` + ``exec``; ``importlib.reload``; ``losses.__file__`` (or its bytecode) read and
   run; the registry's reference; the answers precomputed while the cell runs; another exercise's
   reference (lesson 07's ``train_online``); the training loop; the loss-surface helper; a known
   mistake halved; the bug gallery's module as a way in.
3. **Harm to others and to the course**: the instructor's ``solutions/`` and a classmate's work read
   and run; ``gradebook.db`` rewritten with sqlite3; other students' ``submitted/``, ``autograded/``,
   ``feedback/`` and ``nbgrader_config.py`` overwritten; the grader's package builds poisoned; the
   grader killed (``os.kill(os.getppid(), SIGKILL)``) and every process of the run killed; 3 GiB
   allocated; 200 processes forked; a new module planted in the package source; the network used;
   a huge output; an endless loop deaf to interrupts; a process that outlives its grading.

Resource attacks answer right only when the forbidden thing worked, so a sandbox that lets it happen
shows as undeserved points; any attack that manages something forbidden prints ``ESCAPED: ...`` (the
notebook's outputs come back) and leaves a file in a folder that only the grader's machine has.

Four tests per attack (ids = attack names), all reading the one run:

- ``test_no_undeserved_point``: the attacker's total is 0 / 2;
- ``test_no_escape_and_no_one_else_hurt``: nothing escaped (no mark, no connection, no planted
  module), every student's ``submitted/`` unchanged, ``nbgrader_config.py`` and ``solutions/``
  unchanged, no ``feedback/`` written, the victims' autograded notebooks passing, the attacker's own
  autograded notebook small;
- ``test_gradebook_changed_only_in_own_rows``: the course's cells, points and students as released and
  submitted, no manual score or extra credit anywhere, the victims 2 / 2, every grading record true
  to the files submitted;
- ``test_later_students_still_graded``: exit code 0, no "NOT graded", every student graded,
  ``zz-victim`` 2 / 2, no process of the run left behind.

One run grades every attack, so damage to others is seen by the tests of every attack; the attack's
own evidence (its marks, its lines, its connection) is named in its own test. Where bubblewrap is
missing every test fails with the reason (``SandboxUnavailable``), never skips.
``BACKPROP_ATTACKS=name,name`` grades only those attacks (with both victims), to work on one.
"""
from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

import backprop_core
from backprop_core.grading.commands.completion import folder_checksum
from backprop_core.grading.judge.sandbox import bwrap_executable
from test_grading_course import _env as course_env
from test_grading_pipeline import (LESSON, NOTEBOOK, SOLUTION_ID, TEST_IDS, TIMEOUT, _release, index_of,
                                   shown, with_cell, written)
from test_grading_pipeline import released  # noqa: F401  (the pipeline's fixture, asked for by class_run)

pytestmark = pytest.mark.grading

ATTACKS_DIR = Path(__file__).resolve().parent / "attacks"
PRELUDE = ATTACKS_DIR / "_prelude.py"
PACKAGE_DIR = Path(backprop_core.__file__).resolve().parent

CLASSES = ("full marks for nothing", "the reference used anyway", "harm to others and to the course")
FIRST_VICTIM, LAST_VICTIM = "aa-victim", "zz-victim"
VICTIMS = (FIRST_VICTIM, LAST_VICTIM)
ATTACK_AT = 2  # the prelude and the attack's cell go right below the lesson's imports
RUN_TOKEN = "BACKPROP_ATTACK_RUN"  # in the grader's environment: what inherits it belongs to this run
ESCAPED = "ESCAPED:"
GRADER_SECONDS = 1800  # the whole class's autograde; it takes a few minutes
BIG_NOTEBOOK = 5 * 1024 * 1024  # an autograded notebook larger than this kept a flood of output
# The course's definition in the gradebook: none of it changes when students are graded.
DEFINITION_TABLES = ("course", "assignment", "notebook", "base_cell", "source_cell", "grade_cells",
                     "solution_cells", "task_cells")


# ------------------------------------------------------------------ the attacks
@dataclass(frozen=True)
class Attack:
    """One attack, read from ``tests/attacks/<name>.py``.

    ``cell``: code for a cell added above the exercise ("" for none); ``solution``: the source of the
    solution cell ("" keeps the release's, which raises NotImplementedError).
    """

    name: str
    kind: str  # one of CLASSES
    summary: str  # the docstring's first paragraph
    cell: str
    solution: str


def _sections(text: str) -> dict[str, str]:
    """The ``# %% cell`` and ``# %% solution`` sections of an attack file, by name."""
    sections, current = {}, None
    for line in text.splitlines(keepends=True):
        marker = re.fullmatch(r"# %% (cell|solution)\s*", line)
        if marker:
            current = marker.group(1)
            sections[current] = ""
        elif current:
            sections[current] += line
    return {name: body.strip() + "\n" for name, body in sections.items()}


def _read_attack(path: Path) -> Attack:
    text = path.read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(text)) or ""
    kind = re.search(r"^Class: (.+)$", doc, re.M)
    if kind is None or kind.group(1).strip() not in CLASSES:
        raise ValueError(f"{path.name}: the docstring must have a line 'Class: <one of {CLASSES}>', got {doc!r}")
    sections = _sections(text)
    if not sections:
        raise ValueError(f"{path.name}: expected a '# %% cell' and/or a '# %% solution' section, found neither")
    return Attack(path.stem.replace("_", "-"), kind.group(1).strip(), doc.split("\n\n")[0].replace("\n", " "),
                  sections.get("cell", ""), sections.get("solution", ""))


def all_attacks() -> list[Attack]:
    """Every attack in ``tests/attacks/``, by name."""
    return [_read_attack(path) for path in sorted(ATTACKS_DIR.glob("[!_]*.py"))]


def chosen_attacks() -> list[Attack]:
    """The attacks this run grades: all, or those named in ``BACKPROP_ATTACKS`` (comma-separated)."""
    attacks = all_attacks()
    wanted = [name.strip() for name in os.environ.get("BACKPROP_ATTACKS", "").split(",") if name.strip()]
    unknown = sorted(set(wanted) - {a.name for a in attacks})
    if unknown:
        raise ValueError(f"BACKPROP_ATTACKS names no attack {unknown}; the attacks are {[a.name for a in attacks]}")
    return [a for a in attacks if a.name in wanted] if wanted else attacks


ATTACKS = chosen_attacks()
ATTACK_NAMES = [attack.name for attack in ATTACKS]
SUMMARIES = {attack.name: f"{attack.kind}: {attack.summary}" for attack in ATTACKS}


def _filled(source: str, tokens: dict[str, str]) -> str:
    for token, value in tokens.items():
        source = source.replace(token, value)
    return source


def attacker_notebook(released_course: Path, attack: Attack, tokens: dict[str, str]):
    """The release with the attack in it: the prelude and the attack's cell above the exercise, its solution."""
    nb = _release(released_course)
    if attack.solution:
        nb.cells[index_of(nb, SOLUTION_ID)].source = _filled(attack.solution, tokens)
    if attack.cell:
        nb = with_cell(nb, _filled(attack.cell, tokens), at=ATTACK_AT)
    return with_cell(nb, _filled(PRELUDE.read_text(encoding="utf-8"), tokens), at=ATTACK_AT)


# ------------------------------------------------------------------ what the test watches
class Listener:
    """A TCP port on 127.0.0.1 that records the first bytes of every connection made to it."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self.received: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except OSError:  # the accept timed out: look at the stop flag again
                continue
            with connection:
                connection.settimeout(2)
                try:
                    self.received.append(connection.recv(256).decode("utf-8", errors="replace") or "(nothing sent)")
                except OSError:
                    self.received.append("(connected, then nothing)")

    def close(self) -> list[str]:
        """Stop listening; the payloads received, one per connection."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()
        return list(self.received)


def tree_digest(path: Path) -> str | None:
    """SHA-256 of every file's relative path and content under ``path`` (a file: its content); None if absent."""
    if not path.exists():
        return None
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        digest.update(str(file.relative_to(path)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_only(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)


def definition_rows(database: Path) -> dict[str, list]:
    """The gradebook's definition of the course (cells, points, lessons), table by table, sorted rows."""
    with closing(_read_only(database)) as connection:
        return {table: sorted(map(list, connection.execute(f"SELECT * FROM {table}")), key=repr)
                for table in DEFINITION_TABLES}


def _run_processes(token: str) -> list[int]:
    """Processes (other than this one) whose environment carries ``token``: started by this run's grader."""
    found = []
    needle = f"{RUN_TOKEN}={token}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if needle in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                found.append(int(entry))
        except OSError:  # gone already, or not ours to read
            pass
    return found


def stop_lingering(token: str) -> list[str]:
    """Kill (by pid) every process of this run still alive after the grader finished; what each was."""
    lingering = []
    for pid in _run_processes(token):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            os.kill(pid, signal.SIGKILL)
            lingering.append(f"pid {pid}: {command.strip()[:200]}")
        except OSError:
            pass
    return lingering


def remove_planted(run: str, *folders: Path) -> list[str]:
    """Delete the ``_attack_<run>_*`` files an attack created under ``folders``; their paths."""
    planted = []
    for folder in folders:
        for path in folder.rglob(f"_attack_{run}_*"):
            planted.append(str(path))
            path.unlink(missing_ok=True)
    return planted


# ------------------------------------------------------------------ one autograde of the class
def _students(released_course: Path, tokens_for) -> dict:
    students = {victim: written(released_course) for victim in VICTIMS}
    for attack in ATTACKS:
        students[attack.name] = attacker_notebook(released_course, attack, tokens_for(attack))
    return students


def _write_submissions(course: Path, students: dict) -> None:
    for student, nb in students.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        # As saved by JupyterLab: plain JSON, whatever the nbgrader metadata holds.
        (folder / NOTEBOOK).write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _grade_lines(log: str, students) -> dict:
    """Each student's line in the instructor's report ("[k/n] student / lesson: ..."), or None."""
    lines = {}
    for student in students:
        found = re.search(rf"^\[(\d+)/\d+\] {re.escape(student)} / {re.escape(LESSON)}: (.*)$", log, re.M)
        lines[student] = {"position": int(found.group(1)), "text": found.group(2)} if found else None
    return lines


def _grades(course: Path, students) -> dict:
    """Per student: each hidden test's auto score, manual score, extra credit and max score (None: no submission)."""
    from nbgrader.api import Gradebook, MissingEntry

    grades = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        known = sorted(s.id for s in gradebook.students)
        for student in students:
            try:
                graded = gradebook.find_submission_notebook(LESSON, LESSON, student).grades
            except MissingEntry:
                grades[student] = None
                continue
            grades[student] = {g.name: {"score": g.score, "auto": g.auto_score, "manual": g.manual_score,
                                        "extra": g.extra_credit, "max": g.max_score} for g in graded}
    return {"by_student": grades, "students": known}


def _records(course: Path) -> dict:
    """The instructor's grading records (``backprop_grading``), by student."""
    try:
        with closing(_read_only(course / "gradebook.db")) as connection:
            rows = connection.execute("SELECT student, status, checksum, score, max_score FROM backprop_grading "
                                      "WHERE lesson = ?", (LESSON,))
            return {r[0]: {"status": r[1], "checksum": r[2], "score": r[3], "max": r[4]} for r in rows}
    except sqlite3.Error as error:
        return {"error": str(error)}


def _autograded(course: Path, student: str):
    path = course / "autograded" / student / LESSON / NOTEBOOK
    return (nbformat.read(path, as_version=4), path.stat().st_size) if path.is_file() else (None, None)


def _escaped_lines(nb) -> list[str]:
    """The ``ESCAPED:`` lines in a notebook's outputs (never its sources)."""
    if nb is None:
        return []
    return [line.strip()[:300] for cell in nb.cells if cell.cell_type == "code"
            for line in shown(cell).splitlines() if line.startswith(ESCAPED)]


def _victim_problem(nb) -> str | None:
    if nb is None:
        return "no autograded notebook"
    for grade_id in TEST_IDS:
        outputs = nb.cells[index_of(nb, grade_id)].get("outputs", [])
        errors = [f"{o.get('ename')}: {o.get('evalue', '')[:200]}" for o in outputs if o.output_type == "error"]
        if errors:
            return f"its hidden test {grade_id} fails in autograded/: {errors}"
    return None


def autograde_class(course: Path, run: str, log: Path) -> tuple[int | None, str]:
    """``autograde`` of the whole class by the instructor CLI (as ``make autograde``): exit code and output.

    The output goes to a file, not a pipe: a process an attack leaves behind could hold a pipe open and
    keep the test waiting; the grader's own exit is what counts. ``RUN_TOKEN`` marks every process it starts.
    """
    command = [sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course), "autograde", LESSON]
    with open(log, "wb") as output:
        grader = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                  env={**course_env(TIMEOUT), RUN_TOKEN: run})
        try:
            code = grader.wait(timeout=GRADER_SECONDS)
        except subprocess.TimeoutExpired:
            grader.kill()
            grader.wait()
            code = None
    text = log.read_text(encoding="utf-8", errors="replace")[-2_000_000:]
    return code, text if code is not None else text + f"\n(the autograde run did not end within {GRADER_SECONDS} s)"


def grade_the_class(released_course: Path, where: Path) -> dict:
    """Autograde the class once in a copy of the released course at ``where``; every fact the tests judge."""
    course, marks = where / "course", where / "marks"
    shutil.copytree(released_course, course)
    marks.mkdir()
    run = uuid.uuid4().hex[:12]
    listener = Listener()
    facts: dict = {"run": run}
    try:
        common = {"@COURSE@": str(course), "@PACKAGE@": str(PACKAGE_DIR), "@MARKS@": str(marks), "@RUN@": run,
                  "@PORT@": str(listener.port), "@TEST_PID@": str(os.getpid())}
        assert not any(c in value for value in common.values() for c in "\"'\\"), f"a path to bake in: {common}"
        students = _students(released_course, lambda attack: {"@NAME@": attack.name, **common})
        _write_submissions(course, students)
        before = {"submitted": {s: tree_digest(course / "submitted" / s) for s in students},
                  "config": tree_digest(course / "nbgrader_config.py"), "solutions": tree_digest(course / "solutions"),
                  "definition": definition_rows(course / "gradebook.db")}
        start = time.monotonic()
        try:
            facts["returncode"], facts["log"] = autograde_class(course, run, where / "autograde.log")
        finally:
            facts["seconds"] = round(time.monotonic() - start, 1)
            time.sleep(1)  # what an attack left running shows itself now
            facts["lingering"] = stop_lingering(run)
    finally:
        facts["connections"] = listener.close()
        facts["planted"] = remove_planted(run, PACKAGE_DIR, course)
    facts["marks"] = {p.name: p.read_text(encoding="utf-8", errors="replace")[:300] for p in sorted(marks.iterdir())}
    facts["lines"] = _grade_lines(facts["log"], students)
    facts.update(_grades(course, students))
    facts["records"] = _records(course)
    facts["checksums"] = {s: folder_checksum(course / "submitted" / s / LESSON) for s in students}
    facts["changed"] = {
        "submitted": sorted(s for s in students if tree_digest(course / "submitted" / s) != before["submitted"][s]),
        "config": tree_digest(course / "nbgrader_config.py") != before["config"],
        "solutions": tree_digest(course / "solutions") != before["solutions"],
        "definition": sorted(t for t, rows in definition_rows(course / "gradebook.db").items()
                             if rows != before["definition"][t]),
        "feedback": sorted(str(p.relative_to(course)) for p in (course / "feedback").rglob("*") if p.is_file())
        if (course / "feedback").exists() else [],
    }
    facts["notebooks"] = {}
    for student in students:
        nb, size = _autograded(course, student)
        facts["notebooks"][student] = {"size": size, "escaped": _escaped_lines(nb),
                                       "problem": _victim_problem(nb) if student in VICTIMS else None}
    return facts


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def sandbox_tool() -> str:
    """bwrap's path. Where bubblewrap is missing, its SandboxUnavailable fails every test here with the reason."""
    return bwrap_executable()


def _shared_folder(tmp_path_factory) -> Path:
    # Under pytest-xdist every worker has its own base temp; their parent is shared, so the class is
    # graded once per session whichever workers run these tests.
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "grading-attacks"


@pytest.fixture(scope="module")
def class_run(sandbox_tool, request, tmp_path_factory) -> dict:
    """The facts of the one autograde of the class (graded by the first worker to get here, read by the others)."""
    shared = _shared_folder(tmp_path_factory)
    shared.mkdir(exist_ok=True)
    facts_file = shared / "facts.json"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not facts_file.exists():
            try:
                facts = grade_the_class(request.getfixturevalue("released"), shared / "run")
            except Exception:  # noqa: BLE001 (every test reports why the class could not be graded)
                facts = {"error": traceback.format_exc()}
            facts_file.write_text(json.dumps(facts), encoding="utf-8")
    facts = json.loads(facts_file.read_text(encoding="utf-8"))
    if "error" in facts:
        pytest.fail(f"the class could not be graded:\n{facts['error']}", pytrace=False)
    return facts


# ------------------------------------------------------------------ judging the facts
def total(facts: dict, student: str) -> tuple[float, float] | None:
    """(points, out of) over the hidden tests; None when the student has no grades."""
    grades = facts["by_student"].get(student)
    if not grades or not all(grade_id in grades for grade_id in TEST_IDS):
        return None
    return (sum(grades[g]["score"] or 0 for g in TEST_IDS), sum(grades[g]["max"] for g in TEST_IDS))


def escapes_of(facts: dict, attack: str) -> list[str]:
    """What this attack managed outside the sandbox, by its own evidence."""
    found = [f"left a file in the grader's machine: {name} ({text})" for name, text in facts["marks"].items()
             if name.startswith(f"{attack}--")]
    found += [f"its notebook reports: {line}" for line in facts["notebooks"][attack]["escaped"]]
    found += [f"connected to the test's port on 127.0.0.1 and sent {payload!r}" for payload in facts["connections"]
              if payload == attack]
    found += [f"planted {path}" for path in facts["planted"] if attack.replace("-", "_") in Path(path).name]
    size = facts["notebooks"][attack]["size"]
    if size is not None and size > BIG_NOTEBOOK:
        found.append(f"its autograded notebook is {size:,} bytes (a flood of output was kept)")
    return found


def harm_to_others(facts: dict, attack: str) -> list[str]:
    """Damage anyone in the run could have done: files of others, the course's files, unattributed escapes."""
    problems = [f"submitted/{s}/ changed during grading" for s in facts["changed"]["submitted"]]
    if facts["changed"]["config"]:
        problems.append("nbgrader_config.py changed during grading")
    if facts["changed"]["solutions"]:
        problems.append("solutions/ changed during grading")
    problems += [f"{path} written (autograde writes no feedback)" for path in facts["changed"]["feedback"]]
    problems += [f"{victim}: {facts['notebooks'][victim]['problem']}" for victim in VICTIMS
                 if facts["notebooks"][victim]["problem"]]
    others = [name for name in facts["marks"] if not name.startswith(f"{attack}--")]
    if others:
        problems.append(f"files left in the grader's machine by other attacks: {others}")
    strangers = [p for p in facts["connections"] if p != attack]
    if strangers:
        problems.append(f"connections to the test's port on 127.0.0.1 from other attacks: {strangers}")
    planted = [p for p in facts["planted"] if attack.replace("-", "_") not in Path(p).name]
    if planted:
        problems.append(f"modules planted by other attacks: {planted}")
    return problems


def gradebook_problems(facts: dict) -> list[str]:
    """Anything in the gradebook that grading the class should not have written."""
    class_ = sorted([*VICTIMS, *ATTACK_NAMES])
    problems = [f"the course's definition changed in table {t}" for t in facts["changed"]["definition"]]
    if facts["students"] != class_:
        extra, missing = sorted(set(facts["students"]) - set(class_)), sorted(set(class_) - set(facts["students"]))
        problems.append(f"the gradebook's students are not the class: extra {extra}, missing {missing}")
    for student, grades in facts["by_student"].items():
        for grade_id, grade in (grades or {}).items():
            if grade["manual"] is not None or grade["extra"] not in (None, 0):
                problems.append(f"{student} / {grade_id}: manual score {grade['manual']}, "
                                f"extra credit {grade['extra']}")
    for victim in VICTIMS:
        if total(facts, victim) != (2, 2):
            problems.append(f"{victim}: {total(facts, victim)} points in the gradebook, expected (2, 2)")
    records = facts["records"]
    if "error" in records:
        return problems + [f"the grading records could not be read: {records['error']}"]
    for student in class_:
        record = records.get(student)
        if record is None or record["status"] != "graded":
            problems.append(f"{student}: grading record {record}, expected status 'graded'")
        elif record["checksum"] != facts["checksums"][student]:
            problems.append(f"{student}: the grading record's checksum is not that of the files submitted now")
        elif total(facts, student) is not None and (record["score"], record["max"]) != total(facts, student):
            problems.append(f"{student}: the grading record says {record['score']} / {record['max']}, "
                            f"the grades {total(facts, student)}")
    return problems


def grading_problems(facts: dict, attack: str) -> list[str]:
    """Why the class, or this attacker, was not (all) graded."""
    problems = []
    if facts["returncode"] != 0:
        problems.append(f"the autograde run ended with exit code {facts['returncode']}")
    problems += [line for line in facts["log"].splitlines() if "NOT graded" in line]
    for student in (*VICTIMS, attack):
        line = facts["lines"].get(student)
        if line is None or "points" not in line["text"]:
            problems.append(f"{student} was not graded: {line}")
    if total(facts, LAST_VICTIM) != (2, 2):
        problems.append(f"{LAST_VICTIM} (graded after every attacker): {total(facts, LAST_VICTIM)}, expected (2, 2)")
    problems += [f"still running after the grader finished: {p}" for p in facts["lingering"]]
    return problems


def _report(problems: list[str], facts: dict, attack: str) -> str:
    lines = [line for line in facts["log"].splitlines() if attack in line][:20]
    return ("\n".join(problems) + f"\n\nthe attack ({SUMMARIES[attack]})\n"
            f"the run ({facts['seconds']} s), lines naming {attack}:\n" + "\n".join(lines))


# ------------------------------------------------------------------ the rules, without the run
def test_the_attacks_cover_every_class_of_issue_11():
    """At least 26 distinct attacks, each class of issue 11 present, each sorted between the two victims."""
    attacks = all_attacks()
    names = [a.name for a in attacks]
    assert len(set(names)) == len(names) >= 26, f"{len(set(names))} distinct attacks, expected at least 26"
    for kind in CLASSES:
        assert sum(a.kind == kind for a in attacks) >= 5, f"fewer than 5 attacks of the class {kind!r}"
    misplaced = [n for n in names if not FIRST_VICTIM < n < LAST_VICTIM]
    assert not misplaced, f"these would not be graded between {FIRST_VICTIM} and {LAST_VICTIM}: {misplaced}"
    for attack in attacks:
        if attack.solution:
            assert re.search(rf"^\s*def {SOLUTION_ID}\(output, target\):", attack.solution, re.M), (
                f"{attack.name}: its solution section must define {SOLUTION_ID}(output, target)")


# ------------------------------------------------------------------ the one run, judged per attack
def test_victims_are_graded_first_and_last(class_run):
    """The class is what the tests need: aa-victim graded before every attacker, zz-victim after all."""
    positions = {s: line["position"] for s, line in class_run["lines"].items() if line}
    assert positions.get(FIRST_VICTIM) == 1 and positions.get(LAST_VICTIM) == len(ATTACKS) + 2, (
        f"positions in the run: {positions}")


@pytest.mark.parametrize("attack", ATTACK_NAMES)
def test_no_undeserved_point(class_run, attack):
    """The attacker's total is 0 of the 2 points: nothing its attack did earned anything."""
    got = total(class_run, attack)
    assert got == (0, 2), _report([f"{attack}: {got} points in the gradebook, expected (0, 2)"], class_run, attack)


@pytest.mark.parametrize("attack", ATTACK_NAMES)
def test_no_escape_and_no_one_else_hurt(class_run, attack):
    """Nothing the attack did reached outside its sandbox, and no one else's files changed."""
    own = escapes_of(class_run, attack)
    shared = harm_to_others(class_run, attack)
    problems = own + (["(one run grades every attack: this damage may come from any of them)", *shared]
                      if shared else [])
    assert not problems, _report(problems, class_run, attack)


@pytest.mark.parametrize("attack", ATTACK_NAMES)
def test_gradebook_changed_only_in_own_rows(class_run, attack):
    """The gradebook holds what grading wrote and nothing else: the course as released, no manual scores or
    extra credit, the victims' full marks, records that match the files submitted."""
    problems = gradebook_problems(class_run)
    assert not problems, _report(problems, class_run, attack)


@pytest.mark.parametrize("attack", ATTACK_NAMES)
def test_later_students_still_graded(class_run, attack):
    """The run ends normally, the attacker and everyone after it are graded, nothing of theirs lingers."""
    problems = grading_problems(class_run, attack)
    assert not problems, _report(problems, class_run, attack)

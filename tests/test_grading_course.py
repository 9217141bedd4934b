"""The nbgrader pipeline on whole lessons: release, autograde, feedback, grades.

Parametrized over the sample course in ``tests/fixtures/sample_course`` and
every lesson found in ``solutions/``: a lesson that lands is graded here with
no change. Per lesson ONE ``autograde`` run (the instructor CLI) grades a
class of generated students at once:

- ``solution``: the solutions notebook; full marks;
- ``release``: the untouched student release; zero;
- ``mistake-<k>``: the k-th known mistake of every exercise pasted into its
  solution cell; loses exactly the points of the properties it fails, and
  the failing tests name the mistake;
- ``loop``: the solutions with an endless loop in a cell; the cell is stopped
  and the rest still grades (full marks, deserved);
- ``raises``, ``calls-reference``, ``calls-alias``, ``hard-coded`` (replays
  the answers the public tests want), ``tampered`` (hidden test cells
  deleted or edited, on top of the release): no point;
- ``wrong-answers`` (lessons with understanding questions): the solutions with
  each question's first foreseen wrong answer; no point for the questions, a
  message that says what that answer suggests and what to reread, and never
  the right answer. (A question's answer is hard-coded by nature: the
  ``hard-coded`` student's right answers to questions are not judged.)
"""
from __future__ import annotations

import base64
import html
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from backprop_core.grading import exercises
from backprop_core.grading.exercises import MISTAKES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).resolve().parent / "fixtures" / "sample_course"


def _lessons_in(course: Path) -> list[str]:
    source = course / "solutions"
    return sorted(d.name for d in source.iterdir() if d.is_dir() and any(d.glob("*.ipynb"))) if source.is_dir() else []


COURSES = [(SAMPLE, lesson) for lesson in _lessons_in(SAMPLE)] + [(ROOT, lesson) for lesson in _lessons_in(ROOT)]
IDS = [f"sample:{lesson}" if course == SAMPLE else lesson for course, lesson in COURSES]


# ------------------------------------------------------------------ notebooks
def _nb(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _notebook(course: Path, lesson: str) -> Path:
    notebooks = sorted((course / "solutions" / lesson).glob("*.ipynb"))
    assert len(notebooks) == 1, f"{lesson}: expected one notebook in solutions/{lesson}, found {notebooks}"
    return notebooks[0]


@dataclass
class Graded:
    """One exercise of a lesson notebook: its solution cell and its hidden test cells."""

    exercise: exercises.Exercise
    solution_index: int
    tests: dict = field(default_factory=dict)  # property -> grade id


def exercises_of(nb) -> list[Graded]:
    """The registry's exercises graded in ``nb``, found by their grade ids."""
    found: dict[str, Graded] = {}
    names = {e.name: e for e in exercises.all_exercises()}
    for cell in nb.cells:
        meta = _nb(cell)
        if not meta.get("grade") or meta.get("solution"):
            continue
        for name, exercise in names.items():
            for prop in exercise.properties:
                if meta["grade_id"] == exercise.grade_id(prop):
                    found.setdefault(name, Graded(exercise, -1)).tests[prop] = meta["grade_id"]
    for graded in found.values():
        defining = [i for i, c in enumerate(nb.cells)
                    if _nb(c).get("solution") and re.search(rf"^def {graded.exercise.name}\(", c.source, re.M)]
        assert defining, f"no solution cell defines {graded.exercise.name}"
        graded.solution_index = defining[0]
    return sorted(found.values(), key=lambda g: g.solution_index)


def _append(nb, index: int, source: str):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.cells[index].source = nb.cells[index].source.rstrip() + "\n\n" + source.strip() + "\n"
    return nb


def _ref_import(exercise) -> tuple[str, str] | None:
    """(module, attribute) of the exercise's reference, when it is a module-level function."""
    ref = exercise.reference
    if "<" in ref.__qualname__ or "." in ref.__qualname__:
        return None
    return ref.__module__, ref.__qualname__


def _calls_reference(exercise, alias: bool) -> str:
    where = _ref_import(exercise)
    name = exercise.name
    if alias or where is None:
        return (f"from backprop_core.grading.exercises import get as _get_{name}\n"
                f"_shortcut_{name} = _get_{name}({name!r}).reference\n"
                f"def {name}(*args, **kwargs):\n    return _shortcut_{name}(*args, **kwargs)\n")
    module, attr = where
    return f"import {module}\ndef {name}(*args, **kwargs):\n    return {module}.{attr}(*args, **kwargs)\n"


def _raises(name: str) -> str:
    return f"def {name}(*args, **kwargs):\n    raise ValueError('something went wrong in my code')\n"


def _hard_coded(name: str, answers: list) -> str:
    blob = base64.b64encode(pickle.dumps(answers)).decode()
    return (f"import base64 as _b64, pickle as _pickle\n"
            f"_replay_{name} = _pickle.loads(_b64.b64decode({blob!r}))\n"
            f"def {name}(*args, **kwargs):\n"
            f"    # Hard-coded: the answers the public test wants, whatever comes in.\n"
            f"    kind, value = _replay_{name}.pop(0) if len(_replay_{name}) > 1 else _replay_{name}[0]\n"
            f"    return iter(value) if kind == 'iter' else value\n")


_RECORDER = """\
import copy as _copy, functools as _functools, types as _types
_RECORDED = globals().setdefault("_RECORDED", {})
_MOST = 50  # answers recorded per function: the public tests' come first
def _recording(_fn, _name):
    @_functools.wraps(_fn)  # lesson code may look at the function's name
    def _wrapper(*args, **kwargs):
        result = _fn(*args, **kwargs)
        if len(_RECORDED.get(_name, [])) >= _MOST:  # a demonstration's thousandth call: lesson 10's training
            return result                           # runs topological_order (600 Values) in each backward()
        if isinstance(result, _types.GeneratorType):
            result = list(result)
            _RECORDED.setdefault(_name, []).append(("iter", _copy.deepcopy(result)))
            return iter(result)
        _RECORDED.setdefault(_name, []).append(("value", _copy.deepcopy(result)))
        return result
    return _wrapper
"""


def record_public_answers(nb, graded: list[Graded], path: Path, timeout: int) -> dict:
    """Run ``nb`` without its hidden tests under plain nbclient, recording every
    answer of the exercises' functions; returns {name: [(kind, value), ...]}.

    This is also the headless run that proves the lesson (widgets included)
    executes top to bottom outside nbgrader.
    """
    from nbclient import NotebookClient

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    hidden = {gid for g in graded for gid in g.tests.values()}
    solution_at = {g.solution_index: g.exercise.name for g in graded}
    cells = []
    for i, cell in enumerate(nb.cells):
        if _nb(cell).get("grade_id") in hidden:
            continue
        cells.append(cell)
        if i in solution_at:
            name = solution_at[i]
            cells.append(nbformat.v4.new_code_cell(_RECORDER + f"{name} = _recording({name}, {name!r})"))
    cells.append(nbformat.v4.new_code_cell(
        "import pickle as _p\n_ok = {}\n"
        "for _k, _v in _RECORDED.items():\n"
        "    try:\n        _p.dumps(_v); _ok[_k] = _v\n    except Exception:\n        pass\n"
        f"open({str(path)!r}, 'wb').write(_p.dumps(_ok))"))
    nb.cells = cells
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"the solutions do not run top to bottom under plain nbclient: {errors}"
    return pickle.loads(path.read_bytes())


# ------------------------------------------------------------------ the course run
def _env(timeout: int) -> dict:
    env = dict(os.environ)
    env.pop("BACKPROP_GRADEBOOK_URL", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["BACKPROP_CELL_TIMEOUT"] = str(timeout)
    env["BACKPROP_CHECK_TIME_LIMIT"] = "5"
    return env


def instructor(course: Path, *args: str, timeout: int = 15) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backprop_core.grading.commands.instructor", "--root", str(course), *args],
                          capture_output=True, text=True, env=_env(timeout), timeout=1800)


def new_course(tmp: Path, course: Path, lesson: str) -> Path:
    shutil.copy(ROOT / "nbgrader_config.py", tmp / "nbgrader_config.py")
    shutil.copytree(course / "solutions" / lesson, tmp / "solutions" / lesson)
    return tmp


def _cell_view(nb) -> list:
    return [(c.cell_type, c.source, c.get("metadata", {})) for c in nb.cells]


def _timeout_for(course: Path) -> int:
    return 5 if course == SAMPLE else 20


@pytest.mark.grading
@pytest.mark.parametrize(("course", "lesson"), COURSES, ids=IDS)
def test_lessons_are_what_solutions_release(course, lesson, tmp_path):
    """``make release`` on a copy of the lesson: the text source builds the committed notebook,
    nbgrader releases the committed lessons/, and the text source (with the solutions) stays out."""
    tmp = new_course(tmp_path, course, lesson)
    result = instructor(tmp, "release", lesson)
    assert result.returncode == 0, result.stdout + result.stderr
    name = _notebook(course, lesson).name
    assert not list((tmp / "lessons" / lesson).glob("*.py")), "the lesson's text source was released"
    if (course / "solutions" / lesson / f"{lesson}.py").is_file():
        built = (tmp / "solutions" / lesson / name).read_text(encoding="utf-8")
        assert built == (course / "solutions" / lesson / name).read_text(encoding="utf-8"), (
            f"solutions/{lesson}/{name} is not what {lesson}.py builds: run `make release`")
    fresh = nbformat.read(tmp / "lessons" / lesson / name, as_version=4)
    committed_path = course / "lessons" / lesson / name
    if course == SAMPLE:
        return  # the sample course keeps no release of its own
    assert committed_path.is_file(), f"lessons/{lesson}/{name} is missing: run `make release`"
    committed = nbformat.read(committed_path, as_version=4)
    assert len(committed.cells) == len(fresh.cells), f"lessons/{lesson} is stale: run `make release`"
    for i, (a, b) in enumerate(zip(_cell_view(committed), _cell_view(fresh))):
        assert a == b, f"lessons/{lesson}, cell {i} differs from what solutions/ releases: run `make release`"


@dataclass
class ClassRun:
    """What one autograde run of a generated class of students gave."""

    course: Path
    lesson: str
    graded: list
    scores: dict  # student -> {grade id: (score, max score)}
    outputs: dict  # student -> {grade id: text of the cell's outputs}
    log: str
    feedback: dict  # student -> feedback HTML text
    csv: str  # grades.csv


def _texts(nb) -> dict:
    out = {}
    for cell in nb.cells:
        gid = _nb(cell).get("grade_id")
        if not gid:
            continue
        parts = []
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                parts.append(o.text)
            elif o.output_type == "error":
                parts.append(f"{o.ename}: {o.evalue}\n" + "\n".join(o.traceback))
        out[gid] = "\n".join(parts)
    return out


def build_class(tmp: Path, lesson: str, timeout: int) -> dict:
    """Write submitted/<student>/<lesson>/<notebook> for every generated student."""
    name = _notebook(tmp, lesson).name
    solution = nbformat.read(tmp / "solutions" / lesson / name, as_version=4)
    release = nbformat.read(tmp / "lessons" / lesson / name, as_version=4)
    graded = exercises_of(solution)
    assert graded, f"{lesson}: no hidden test cell names a registered exercise"
    answers = record_public_answers(solution, graded, tmp / "recorded.pickle", timeout=max(timeout, 60))
    students = {"solution": solution, "release": release}

    n_mistakes = max((len(g.exercise.mistakes) for g in graded), default=0)
    for k in range(n_mistakes):
        nb = solution
        for g in graded:
            if k < len(g.exercise.mistakes):
                mistake = g.exercise.mistakes[k]
                # A patch on the solution comes with the solution's helpers it calls, as they are right: the
                # mistake of an earlier exercise (pasted above) is not charged again to this one.
                nb = _append(nb, g.solution_index, mistake.cell)
        students[f"mistake-{k}"] = nb

    first = min(g.solution_index for g in graded)
    students["loop"] = _append(solution, first, "while True:  # stuck\n    pass")
    # On top of the release: where the shortcut cannot even be imported (the registry is not in the
    # hidden tests' build), the function left is the release's, which earns nothing either.
    for student, make, base in [
        ("raises", lambda g: _raises(g.exercise.name), solution),
        ("calls-reference", lambda g: _calls_reference(g.exercise, alias=False), release),
        ("calls-alias", lambda g: _calls_reference(g.exercise, alias=True), release),
        ("hard-coded", lambda g: _hard_coded(g.exercise.name, answers.get(g.exercise.name, [("value", None)])),
         solution),
    ]:
        nb = base
        for g in graded:
            nb = _append(nb, g.solution_index, make(g))
        students[student] = nb

    questions = [g for g in graded if g.exercise.question is not None]
    if questions:
        nb = solution
        for g in questions:
            wrong = g.exercise.question.wrong_answers[0].answer
            nb = _append(nb, g.solution_index, f"def {g.exercise.name}():\n    return {wrong!r}\n")
        students["wrong-answers"] = nb

    # tampered: the release with the first exercise's hidden tests deleted and every other one edited.
    tampered = nbformat.from_dict(json.loads(json.dumps(release)))
    deleted = set(graded[0].tests.values())
    tampered.cells = [c for c in tampered.cells if _nb(c).get("grade_id") not in deleted]
    for cell in tampered.cells:
        if _nb(cell).get("grade"):
            cell.source = "assert True  # edited by the student"
            cell.metadata["nbgrader"]["points"] = 100
    students["tampered"] = tampered

    for student, nb in students.items():
        folder = tmp / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / name)
    return {"graded": graded, "students": list(students), "notebook": name}


def class_run(course: Path, lesson: str, tmp: Path) -> ClassRun:
    """Release, build the class, autograde, feedback and grades, with the instructor CLI."""
    from nbgrader.api import Gradebook

    tmp = new_course(tmp, course, lesson)
    timeout = _timeout_for(course)
    started = time.perf_counter()
    released = instructor(tmp, "release", lesson, timeout=timeout)
    assert released.returncode == 0, released.stdout + released.stderr
    made = build_class(tmp, lesson, timeout)
    graded = instructor(tmp, "autograde", lesson, timeout=timeout)
    # Feedback for the students whose pages the test reads (each page costs about a second).
    readers = [s for s in made["students"] if s in ("solution", "release", "calls-reference") or s.startswith("mistake-")]
    feedback = instructor(tmp, "feedback", lesson, *[f"--student={s}" for s in readers], timeout=timeout)
    grades = instructor(tmp, "grades", timeout=timeout)
    log = "\n".join(r.stdout + r.stderr for r in (graded, feedback, grades))
    log += f"\n(the whole class run took {time.perf_counter() - started:.1f} s)"
    assert graded.returncode == 0 and feedback.returncode == 0 and grades.returncode == 0, log

    scores, outputs, pages = {}, {}, {}
    source = nbformat.read(tmp / "solutions" / lesson / made["notebook"], as_version=4)
    tests = {_nb(c)["grade_id"] for c in source.cells if _nb(c).get("grade") and not _nb(c).get("solution")}
    with Gradebook(f"sqlite:///{tmp / 'gradebook.db'}", "backprop-step-by-step") as gb:
        for student in made["students"]:
            sub = gb.find_submission_notebook(made["notebook"].removesuffix(".ipynb"), lesson, student)
            scores[student] = {g.name: (g.score, g.max_score) for g in sub.grades if g.name in tests}
    for student in made["students"]:
        autograded = tmp / "autograded" / student / lesson / made["notebook"]
        outputs[student] = _texts(nbformat.read(autograded, as_version=4))
        page = tmp / "feedback" / student / lesson / made["notebook"].replace(".ipynb", ".html")
        if student in readers:
            pages[student] = page.read_text(encoding="utf-8")
    assert (tmp / "grades.csv").is_file()
    return ClassRun(course=course, lesson=lesson, graded=made["graded"], scores=scores, outputs=outputs, log=log,
                    feedback=pages, csv=(tmp / "grades.csv").read_text())


def _total(scores: dict) -> tuple[float, float]:
    return sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())


def _problems(run: ClassRun) -> list[str]:
    """Every way the class run falls short of the grading conventions."""
    problems = []
    hidden = {gid: g for g in run.graded for gid in g.tests.values()}

    def expect(student, gid, want, why):
        got, most = run.scores[student][gid]
        target = most if want == "max" else want
        if abs(got - target) > 1e-9:
            problems.append(f"{student}: {gid} scored {got:g}/{most:g}, expected {target:g} ({why})\n"
                            f"    its output: {run.outputs[student].get(gid, '')[:600]}")

    for gid in run.scores["solution"]:
        expect("solution", gid, "max", "the solutions get full marks")
        expect("release", gid, 0, "the untouched release gets zero")
        expect("loop", gid, "max", "an endless loop in one cell is stopped and the rest still grades")
        for cheat in ("raises", "calls-reference", "calls-alias", "hard-coded", "tampered"):
            is_question = gid in hidden and hidden[gid].exercise.question is not None
            if (gid in hidden and not (cheat == "hard-coded" and is_question)) or cheat == "tampered":
                expect(cheat, gid, 0, f"no point for a submission that {cheat.replace('-', ' ')}")
    if "wrong-answers" in run.scores:
        problems += _wrong_answer_problems(run, hidden, expect)
    for student in [s for s in run.scores if s.startswith("mistake-")]:
        k = int(student.split("-")[1])
        for g in run.graded:
            mistake = g.exercise.mistakes[k] if k < len(g.exercise.mistakes) else None
            for prop, gid in g.tests.items():
                fails = mistake is not None and (not mistake.properties or prop in mistake.properties)
                expect(student, gid, 0 if fails else "max",
                       f"known mistake {mistake.key}" if fails else "no mistake pasted for this property")
                if fails and MISTAKES[mistake.key] not in run.outputs[student].get(gid, ""):
                    problems.append(f"{student}: {gid} does not name the mistake {mistake.key!r}; its output:\n"
                                    f"    {run.outputs[student].get(gid, '')[:600]}")
    for g in run.graded:
        for gid in g.tests.values():
            if "earns nothing" not in run.outputs["calls-reference"].get(gid, ""):
                problems.append(f"calls-reference: {gid} does not say that calling the reference earns nothing")
    return problems


def _wrong_answer_problems(run: ClassRun, hidden: dict, expect) -> list[str]:
    """The ``wrong-answers`` student: no point for each question, a message that teaches, no right answer shown."""
    from backprop_core.grading.answerfree.describe import show

    problems = []
    for gid in run.scores["wrong-answers"]:
        question = hidden[gid].exercise.question if gid in hidden else None
        if question is None:
            expect("wrong-answers", gid, "max", "only the questions' answers are wrong")
            continue
        expect("wrong-answers", gid, 0, "a foreseen wrong answer to a question")
        output = run.outputs["wrong-answers"].get(gid, "")
        right = hidden[gid].exercise.reference()
        for needed in (question.wrong_answers[0].why, "Reread"):
            if needed not in output:
                problems.append(f"wrong-answers: {gid} does not say {needed!r}; its output:\n    {output[:600]}")
        if not isinstance(right, str) and show(right) in output:
            problems.append(f"wrong-answers: {gid} shows the right answer {show(right)}: {output[:600]}")
    return problems


def _feedback_problems(run: ClassRun) -> list[str]:
    problems = []
    for student, page in run.feedback.items():
        text = html.unescape(page)
        if "BEGIN HIDDEN TESTS" in text or "grading.check(" in text:
            problems.append(f"{student}'s feedback shows the code of a hidden test")
    for student in [s for s in run.feedback if s.startswith("mistake-")]:
        text = html.unescape(run.feedback[student])
        k = int(student.split("-")[1])
        for g in run.graded:
            if k < len(g.exercise.mistakes) and g.exercise.mistakes[k].label not in text:
                problems.append(f"{student}'s feedback does not name {g.exercise.mistakes[k].key}")
    release = html.unescape(run.feedback["release"])
    if "It still raises NotImplementedError" not in release:
        problems.append("the release's feedback does not show the hidden tests' messages")
    return problems


def _csv_problems(run: ClassRun) -> list[str]:
    rows = {line.split(",")[3]: line.split(",") for line in run.csv.strip().splitlines()[1:]}
    if set(rows) != set(run.scores):
        return [f"grades.csv has students {sorted(rows)}, expected {sorted(run.scores)}"]
    total, most = _total(run.scores["solution"])
    problems = []
    if float(rows["solution"][9]) != most:
        problems.append(f"grades.csv gives the solution {rows['solution'][9]}, expected {most:g}")
    if float(rows["release"][9]) != 0.0:
        problems.append(f"grades.csv gives the release {rows['release'][9]}, expected 0")
    return problems


@pytest.mark.grading
@pytest.mark.parametrize(("course", "lesson"), COURSES, ids=IDS)
def test_class_is_graded_fairly_with_feedback_and_grades(course, lesson, tmp_path):
    run = class_run(course, lesson, tmp_path)
    problems = _problems(run) + _feedback_problems(run) + _csv_problems(run)
    print(run.log)
    assert not problems, f"{lesson}: {len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.grading
@pytest.mark.parametrize(("course", "lesson"), COURSES, ids=IDS)
def test_solutions_pass_nbgrader_validate(course, lesson, tmp_path):
    tmp = new_course(tmp_path, course, lesson)
    notebook = tmp / "solutions" / lesson / _notebook(course, lesson).name
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(notebook)], cwd=tmp,
                            capture_output=True, text=True, env=_env(60), timeout=900)
    assert "Success! Your notebook passes all the tests." in result.stdout, result.stdout + result.stderr

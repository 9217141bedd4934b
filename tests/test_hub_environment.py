"""Issue 20, item 8: the class server's shared environment holds no answers, and the course still works.

``make hub-install`` (through ``tests/hub_server.py``'s :func:`install_hub`, at ``BACKPROP_HUB_PREFIX``)
installs the student copy into the environment every user of the hub runs. Each user's environment is
the one ``deploy/jupyterhub_config.py``'s ``prepare_server`` gives their server (the real function, run
on real Unix users made here, in a students' and an instructors' group of their own):

- a student, as their Unix user with that environment: importing the registry, the checker, the hidden
  tests' machinery fails; no file of the environment holds a question's answer function, the registry's
  modules, or the hidden tests' machinery; the released lesson 02 runs top to bottom without an error, its
  demonstrations falling back on the references the student copy keeps;
- the instructor, as their Unix user with theirs: the course folder's full package comes first, so the
  registry imports and the course's ``nbgrader_config.py`` (which imports the nbgrader plug-ins) loads.

Runs only as root (it makes Unix users); about a minute once the hub's environment is installed.
The whole round trip through a running hub is test_hub_round_trip.py.
"""
from __future__ import annotations

import inspect
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import types
from pathlib import Path

import nbformat
import pytest

from backprop_core.grading import exercises
from hub_server import HUB_PREFIX, REPO, _remove_users, check_prerequisites, install_hub, run_checked

pytestmark = pytest.mark.grading

HUB_PYTHON = HUB_PREFIX / "venv" / "bin" / "python"
LESSON = "02-gradient-descent"  # its demonstrations use yours_or_reference: the student copy's references

#: What a student tries from a terminal of the hub: each line's outcome, as JSON.
STUDENT_PROBE = '''
import importlib, json
out = {}
for name in ("backprop_core.grading.exercises", "backprop_core.grading.judge.checker", "backprop_core.grading.judge.hidden_tests",
             "backprop_core.grading.judge.exam_build", "backprop_core.grading.student_process.case_functions",
             "backprop_core.grading.judge.nbgrader_ext", "backprop_core.grading.student_process.student_side"):
    try:
        importlib.import_module(name)
        out[name] = "imported"
    except ImportError as error:
        out[name] = type(error).__name__
import backprop_core.grading as grading
out["grading.check"] = hasattr(grading, "check")
out["package"] = grading.__file__
print(json.dumps(out))
'''


def load_prepare_server():
    """``prepare_server`` of deploy/jupyterhub_config.py, the file as JupyterHub loads it."""
    namespace = {"get_config": lambda: types.SimpleNamespace(
        **{name: types.SimpleNamespace() for name in ("JupyterHub", "ConfigurableHTTPProxy", "PAMAuthenticator",
                                                       "Spawner")}),
        "__file__": str(REPO / "deploy" / "jupyterhub_config.py")}
    exec(compile((REPO / "deploy" / "jupyterhub_config.py").read_text(), "jupyterhub_config.py", "exec"), namespace)
    return namespace["prepare_server"]


def environment_of(prepare_server, user: str) -> dict:
    spawner = types.SimpleNamespace(user=types.SimpleNamespace(name=user), environment={}, notebook_dir="",
                                    default_url="")
    prepare_server(spawner)
    return {"HOME": pwd.getpwnam(user).pw_dir, "LANG": "C.UTF-8", **spawner.environment}


def as_user(user: str, env: dict, argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``argv`` run as the Unix ``user`` with exactly ``env`` (runuser, from root)."""
    return subprocess.run(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *argv],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def hub_class(tmp_path_factory):
    """The hub's environment installed; a student and an instructor (Unix users) and the course folder."""
    check_prerequisites()
    install_hub()
    tag = f"af-{os.getpid() % 100000}"
    student, instructor, groups = f"{tag}s", f"{tag}i", [f"{tag}students", f"{tag}teachers"]
    folder = Path(tempfile.mkdtemp(prefix="backprop-hubenv-", dir="/tmp"))
    folder.chmod(0o755)
    saved = {k: os.environ.get(k) for k in ("BACKPROP_HUB_PREFIX", "BACKPROP_HUB_COURSE",
                                            "BACKPROP_HUB_STUDENT_GROUP", "BACKPROP_HUB_INSTRUCTOR_GROUP")}
    try:
        for group in groups:
            run_checked(["groupadd", group])
        for user, group in ((student, groups[0]), (instructor, groups[1])):
            run_checked(["useradd", "--create-home", "--home-dir", str(folder / user), "--user-group",
                         "--groups", group, "--shell", "/bin/bash", user])
        course = folder / "course"  # the course folder is the repository: its package, its nbgrader_config.py
        course.mkdir()
        shutil.copytree(REPO / "backprop_core", course / "backprop_core",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
        run_checked(["chown", "-R", f"{instructor}:{instructor}", str(course)])
        course.chmod(0o700)
        os.environ.update({"BACKPROP_HUB_PREFIX": str(HUB_PREFIX), "BACKPROP_HUB_COURSE": str(course),
                           "BACKPROP_HUB_STUDENT_GROUP": groups[0], "BACKPROP_HUB_INSTRUCTOR_GROUP": groups[1]})
        prepare_server = load_prepare_server()
        yield types.SimpleNamespace(student=student, instructor=instructor, course=course, folder=folder,
                                    student_env=environment_of(prepare_server, student),
                                    instructor_env=environment_of(prepare_server, instructor))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _remove_users([student, instructor], groups)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_student_cannot_import_the_registry_nor_read_an_answer(hub_class):
    result = as_user(hub_class.student, hub_class.student_env, [str(HUB_PYTHON), "-c", STUDENT_PROBE],
                     Path(pwd.getpwnam(hub_class.student).pw_dir))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    imported = [name for name, outcome in seen.items() if outcome == "imported"]
    assert not imported and seen["grading.check"] is False, f"a student of the hub imports {imported}: {seen}"
    assert seen["package"].startswith(str(HUB_PREFIX)), f"the student's backprop_core is {seen['package']}"
    package = Path(seen["package"]).parent.parent
    files = {str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()}
    for absent in ("grading/exercises", "grading/judge", "grading/student_process", "grading/commands"):
        assert not any(f.startswith(absent) for f in files), f"the hub's environment holds {absent}"
    # No question's answer anywhere in the environment: neither the registry's functions that compute
    # them nor the words that explain the wrong ones (both written in the registry only).
    questions = [e for e in exercises.all_exercises() if e.question is not None]
    computed = [inspect.getclosurevars(e.reference).nonlocals["answer"] for e in questions]
    patterns = [f"def {f.__name__}(" for f in computed if f.__name__ != "<lambda>"]
    patterns += [w.why[:60] for e in questions for w in e.question.wrong_answers]
    assert len(patterns) > len(questions), f"too few marks of the questions' answers to look for: {patterns}"
    found = subprocess.run(["grep", "-rlF", "--include=*.py", *[a for p in patterns for a in ("-e", p)],
                            str(HUB_PREFIX / "venv")], capture_output=True, text=True)
    assert found.stdout == "", f"a question's answer is in the hub's environment: {found.stdout}"
    # The same search finds them in the course's own package (it can fail).
    assert subprocess.run(["grep", "-rlF", "--include=*.py", "-e", patterns[0], str(REPO / "backprop_core")],
                          capture_output=True, text=True).stdout


def test_the_lessons_run_for_a_student(hub_class):
    home = Path(pwd.getpwnam(hub_class.student).pw_dir)
    notebook = home / f"{LESSON}.ipynb"
    shutil.copy2(REPO / "lessons" / LESSON / f"{LESSON}.ipynb", notebook)
    run_checked(["chown", f"{hub_class.student}:{hub_class.student}", str(notebook)])
    result = as_user(hub_class.student, hub_class.student_env,
                     [str(HUB_PREFIX / "venv" / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
                      "--inplace", "--allow-errors", "--ExecutePreprocessor.timeout=300", notebook.name], home)
    assert result.returncode == 0, result.stdout + result.stderr
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    errors = [(o.ename, o.evalue) for c in cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"the released lesson fails in the hub's environment: {errors}"
    printed = "".join(o.get("text", "") for c in cells for o in c.get("outputs", []) if o.output_type == "stream")
    assert "is not written yet: this cell uses the reference until it is." in printed, (
        "the lesson's demonstrations should fall back on the student copy's references:\n" + printed[-3000:])


def test_the_instructor_grades_with_the_course_package(hub_class):
    probe = ("import backprop_core.grading.exercises as registry, backprop_core.grading.judge.nbgrader_ext, json\n"
             "from traitlets.config.loader import PyFileConfigLoader\n"
             "config = PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
             "print(json.dumps([registry.__file__, len(registry.all_exercises()), "
             "'SandboxedExecute' in str(config)]))\n")
    result = as_user(hub_class.instructor, hub_class.instructor_env, [str(HUB_PYTHON), "-c", probe],
                     hub_class.course)
    assert result.returncode == 0, result.stdout + result.stderr
    where, count, sandboxed = json.loads(result.stdout.strip().splitlines()[-1])
    assert where.startswith(str(hub_class.course)) and count > 0 and sandboxed, (where, count, sandboxed)

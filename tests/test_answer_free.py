"""Issue 20 item 8 and issue 21 item 4: nothing students can read or import answers a graded exercise.

- **The known routes earn nothing, through ``make autograde``** (the instructor CLI on a class of the
  real lesson): lesson 09's case function that hands ``train`` the course's gradients
  (``SoftmaxNetworkGradients``), called as ``softmax_cross_entropy``, ``network_gradients`` and
  ``numerical_gradients``; lesson 10's ``autograd.Value`` (every backward rule) ordered by the standard
  library's ``graphlib``, as ``gradients`` and ``descend``, and graphlib's order as ``topological_order``;
  lesson 08's central differences of lesson 10's graded expressions called with plain numbers.
  Each route is first shown to be genuine: with the full package, in this process, it gives the
  reference's answer on the exercise's own cases. The solution keeps full marks, and so does the
  solution whose ``backward()`` takes its order from ``graphlib`` instead of its ``topological_order``
  (any order is fine: the rules are graded, and they are the student's).
- **No callable of what students get answers an exercise** (:func:`candidates`): for every graded
  exercise, every public function and every callable made by a class without arguments, of every
  module of the hidden-test build of that exercise and of the student copy's package (which is also
  what the class server's environment installs), whose parameters take the exercise's arguments by
  name, plus each reference the student copy keeps for the lessons' demonstrations
  (``lesson_references.REFERENCES``), is handed in as the exercise's function and judged in the real
  sandbox (:func:`~backprop_core.grading.judge.hidden_tests.judge_exercise`): no property passes.

The class server's environment itself (the registry not importable by a student there, the lessons
running) is in test_hub_environment.py.
"""
from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop_core.grading import exercises
from backprop_core.grading.answerfree.compare import default_compare
from backprop_core.grading.judge.exam_build import exam_build
from backprop_core.grading.judge.hidden_tests import HiddenTestSettings, cases_of, judge_exercise
from backprop_core.grading.judge.sandbox import bwrap_executable
from backprop_core.grading.judge.student_copy import answer_free_package
from test_grading_course import ROOT, _append, _nb, _timeout_for, exercises_of, instructor, new_course

pytestmark = pytest.mark.grading

# ------------------------------------------------------------------ the known routes
LESSON_09_ROUTES = '''
import numpy as np
from backprop_core.grading.student_process.case_functions import SoftmaxNetworkGradients


def softmax_cross_entropy(Z, T):
    # A one-layer network whose weights are Z's transpose and whose inputs are the identity: its net
    # inputs are Z, and its weight gradient is dZ's transpose.
    Z, T = np.asarray(Z, dtype=float), np.asarray(T, dtype=float)
    loss, weight_gradients, _ = SoftmaxNetworkGradients()([Z.T], [np.zeros(Z.shape[1])], "tanh", np.eye(len(Z)), T)
    return loss, weight_gradients[0].T


def network_gradients(weights, biases, hidden, X, T):
    return SoftmaxNetworkGradients()(weights, biases, hidden, X, T)


def numerical_gradients(weights, biases, hidden, X, T, h=1e-5):
    _, weight_gradients, bias_gradients = SoftmaxNetworkGradients()(weights, biases, hidden, X, T)
    return weight_gradients, bias_gradients
'''

LESSON_10_ROUTES = '''
import graphlib
from backprop_core.nn.autograd import Value


def _graph(root, parents_of):
    graph, todo = {}, [root]
    while todo:
        node = todo.pop()
        if node not in graph:
            graph[node] = list(parents_of(node))
            todo += graph[node]
    return graph


def topological_order(root, parents_of):
    return list(graphlib.TopologicalSorter(_graph(root, parents_of)).static_order())


def _backward(result):
    result.grad = 1.0
    for node in reversed(topological_order(result, lambda v: v.parents)):
        node._backward()


def gradients(f, inputs):
    values = [Value(x) for x in inputs]
    _backward(f(*values))
    return [v.grad for v in values]


def descend(f, start, learning_rate, steps):
    values = [Value(x) for x in start]
    for _ in range(steps):
        for v in values:
            v.grad = 0.0
        _backward(f(*values))
        for v in values:
            v.data -= learning_rate * v.grad
    return [v.data for v in values]
'''

LESSON_10_BY_NUMBERS = '''
def _differences(f, at, h=1e-6):
    # lesson 08's central differences of the expression's values at plain numbers: no backward rule
    slopes = []
    for i in range(len(at)):
        up, down = list(map(float, at)), list(map(float, at))
        up[i] += h
        down[i] -= h
        slopes.append((f(*up) - f(*down)) / (2 * h))
    return slopes


def gradients(f, inputs):
    return _differences(f, inputs)


def descend(f, start, learning_rate, steps):
    values = list(map(float, start))
    for _ in range(steps):
        values = [v - learning_rate * g for v, g in zip(values, _differences(f, values))]
    return values
'''

#: Put after the solution's Value class: its backward() takes graphlib's order, its rules stay the student's.
GRAPHLIB_ORDER_OWN_RULES = '''
import graphlib


def _backward_in_graphlib_order(self):
    graph, todo = {}, [self]
    while todo:
        node = todo.pop()
        if node not in graph:
            graph[node] = list(node.parents)
            todo += graph[node]
    self.grad = 1.0
    for node in reversed(list(graphlib.TopologicalSorter(graph).static_order())):
        node._backward()


Value.backward = _backward_in_graphlib_order
'''

#: lesson -> {student: (the routes' source, the exercises they answer with the full package)}
ROUTES = {
    "09-your-own-network": {"case-gradients": (LESSON_09_ROUTES, ("softmax_cross_entropy", "network_gradients",
                                                                  "numerical_gradients"))},
    # (descend is graded on the course's Value by design, issue 21 item 6: its steps are the student's own,
    # so this route's descend earns its points; the rules it leans on cost it gradients.)
    "10-autograd": {"course-value-graphlib": (LESSON_10_ROUTES, ("gradients",)),
                    "differences": (LESSON_10_BY_NUMBERS, ("gradients", "descend"))},
}


def _passes_with_the_full_package(source: str, name: str) -> list[str]:
    """The properties of exercise ``name`` on which ``source``'s function gives the reference's answer on
    every case, run here, where the whole package is."""
    exercise, namespace = exercises.get(name), {}
    exec(compile(source, f"<route to {name}>", "exec"), namespace)
    compare = exercise.compare or default_compare
    passed = []
    for prop in exercise.properties:
        cases = cases_of(exercise, prop)[:3]  # (the digits' long runs are not needed to show a route)
        if all(compare(namespace[name](**_copied(c.kwargs)), exercise.reference(**_copied(c.kwargs)),
                       exercise.tolerance_for(prop)) is None for c in cases):
            passed.append(prop)
    return passed


def _copied(kwargs: dict) -> dict:
    import copy
    return copy.deepcopy(kwargs)


@pytest.mark.parametrize("lesson", list(ROUTES))
def test_each_route_answers_its_exercises_with_the_full_package(lesson):
    for student, (source, answered) in ROUTES[lesson].items():
        for name in answered:
            assert _passes_with_the_full_package(source, name) == list(exercises.get(name).properties), (
                f"{student}: the route to {name} is not one: with the full package it does not give the "
                "reference's answers")


def _scores(course: Path, lesson: str, notebook: str, students) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-step-by-step") as gradebook:
        return {s: {g.name: (g.score, g.max_score) for g in
                    gradebook.find_submission_notebook(notebook.removesuffix(".ipynb"), lesson, s).grades}
                for s in students}


@pytest.mark.parametrize("lesson", list(ROUTES))
def test_the_routes_earn_nothing_through_autograde(lesson, tmp_path):
    """The release with the routes written in under each exercise earns 0 for every exercise they
    answer; the solution full marks; in lesson 10, the solution ordering with graphlib full marks."""
    course = new_course(tmp_path, ROOT, lesson)
    timeout = _timeout_for(ROOT)
    released = instructor(course, "release", lesson, timeout=timeout)
    assert released.returncode == 0, released.stdout + released.stderr
    name = next((course / "solutions" / lesson).glob("*.ipynb")).name
    solution = nbformat.read(course / "solutions" / lesson / name, as_version=4)
    release = nbformat.read(course / "lessons" / lesson / name, as_version=4)
    graded = {g.exercise.name: g for g in exercises_of(solution)}
    students = {"solution": solution}
    for student, (source, answered) in ROUTES[lesson].items():
        students[student] = release
        for exercise in answered:
            students[student] = _append(students[student], graded[exercise].solution_index, source)
    if lesson == "10-autograd":
        students["graphlib-order"] = _append(solution, graded["gradients"].solution_index, GRAPHLIB_ORDER_OWN_RULES)
    for student, nb in students.items():
        (course / "submitted" / student / lesson).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / lesson / name)
    run = instructor(course, "autograde", lesson, timeout=timeout)
    assert run.returncode == 0, run.stdout + run.stderr
    scores = _scores(course, lesson, name, students)
    tests = {gid: e for e, g in graded.items() for gid in g.tests.values()}
    problems = []
    for gid, (score, most) in scores["solution"].items():
        if gid in tests and score != most:
            problems.append(f"solution: {gid} scored {score}/{most}, expected full marks")
    for student, (_, answered) in ROUTES[lesson].items():
        for gid, (score, most) in scores[student].items():
            if tests.get(gid) in answered and score != 0:
                problems.append(f"{student}: {gid} scored {score}/{most} with the course's own code, expected 0")
    for gid, (score, most) in scores.get("graphlib-order", {}).items():
        if gid in tests and score != most:
            problems.append(f"graphlib-order: {gid} scored {score}/{most}: an order from graphlib with the "
                            "student's own rules deserves full marks")
    assert not problems, "\n".join(problems) + "\n" + run.stdout[-3000:]


# ------------------------------------------------------------------ every callable, every exercise
ENUMERATE = '''
import importlib, inspect, json, sys
from pathlib import Path
import backprop_core
root = Path(backprop_core.__file__).parent
found = []
for path in sorted(root.rglob("*.py")):
    parts = ("backprop_core",) + path.relative_to(root).with_suffix("").parts
    module_name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    if module_name.endswith("._removed"):
        continue
    try:
        module = importlib.import_module(module_name)
    except Exception as error:
        continue
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module_name:
            continue
        target, made = value, False
        if inspect.isclass(value):
            try:
                target, made = value(), True
            except Exception:
                continue
            if not callable(target):
                continue
        elif not inspect.isfunction(value):
            continue
        try:
            parameters = inspect.signature(target).parameters
        except (TypeError, ValueError):
            continue
        found.append({"module": module_name, "name": name, "made": made,
                      "parameters": [p.name for p in parameters.values()
                                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)],
                      "required": [p.name for p in parameters.values() if p.default is p.empty
                                   and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]})
    if module_name.endswith(".lesson_references"):
        for key, value in getattr(module, "REFERENCES", {}).items():
            parameters = inspect.signature(value).parameters
            found.append({"module": module_name, "name": f"REFERENCES[{key!r}]", "made": False,
                          "parameters": list(parameters),
                          "required": [n for n, p in parameters.items() if p.default is p.empty]})
print(json.dumps(found))
'''


def _callables_of(package: Path) -> list[dict]:
    """The public callables of the ``backprop_core`` at ``package`` (see ENUMERATE), found by importing it
    in a Python of its own (a build holds the package's name too)."""
    result = subprocess.run([sys.executable, "-c", ENUMERATE], capture_output=True, text=True,
                            cwd=package.parent, env={"PYTHONPATH": str(package.parent), "PATH": "/usr/bin:/bin",
                                                     "MPLBACKEND": "Agg"}, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def student_copy_callables(tmp_path_factory) -> list[dict]:
    """The student copy's package, as ``make student-copy`` and ``make hub-install`` cut it down."""
    folder = tmp_path_factory.mktemp("student-copy")
    notebooks = sorted((ROOT / "lessons").glob("*/*.ipynb")) + [ROOT / "index.ipynb"]
    answer_free_package(notebooks, folder)
    return _callables_of(folder / "backprop_core")


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    bwrap_executable()
    return HiddenTestSettings(time_limit=10, cell_time_limit=10, build_cache=tmp_path_factory.mktemp("builds"))


def candidates(exercise, found: list[dict]) -> list[dict]:
    """The callables of ``found`` that take, by name, the arguments of some case of ``exercise``."""
    arguments = [set(cases_of(exercise, prop)[0].kwargs) for prop in exercise.properties]
    return [c for c in found if any(set(c["required"]) <= given <= set(c["parameters"]) for given in arguments)]


def _handed_in(exercise_name: str, candidate: dict) -> str:
    """A student cell that hands ``candidate`` in as the exercise's function."""
    if candidate["name"].startswith("REFERENCES["):
        take = (f"from {candidate['module']} import REFERENCES\n"
                f"_candidate = REFERENCES[{candidate['name'][len('REFERENCES['):-1]}]\n")
    else:
        take = f"from {candidate['module']} import {candidate['name']} as _candidate\n"
        if candidate["made"]:
            take += "_candidate = _candidate()\n"
    return take + f"\n\ndef {exercise_name}(**kwargs):\n    return _candidate(**kwargs)\n"


GRADED = [e.name for e in exercises.all_exercises() if e.question is None]


@pytest.mark.parametrize("name", GRADED)
def test_no_callable_of_what_students_get_answers_the_exercise(name, settings, student_copy_callables):
    exercise = exercises.get(name)
    build = exam_build(exercise.replaces, settings.build_cache, withheld=exercise.withheld)
    found = {(c["module"], c["name"]): c for c in _callables_of(build) + student_copy_callables}
    tried, passed = [], []
    for candidate in candidates(exercise, list(found.values())):
        cells = [{"source": _handed_in(name, candidate), "run": "all"}]
        judged = judge_exercise(exercise, list(exercise.properties), cells, settings)
        where = f"{candidate['module']}.{candidate['name']}{'()' if candidate['made'] else ''}"
        tried.append(where)
        passed += [f"{where} passes {prop}" for prop, j in judged.items() if j.verdict.passed]
    assert not passed, f"{name}: what students get answers it:\n" + "\n".join(passed)
    print(f"{name}: {len(tried)} callables tried, none passes: {tried}")

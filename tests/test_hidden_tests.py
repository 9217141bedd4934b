"""Hidden tests judged outside the student's process (issue 11, items 2 and 3), piece by piece.

- :mod:`backprop_core.grading.student_process.wire`: every value a case or an answer holds goes
  through plain JSON and comes back equal; what it cannot carry comes back as
  an :class:`Unreadable` that equals nothing; malformed data is refused.
- :mod:`backprop_core.grading.judge.exam_build`: for every registered exercise, the
  build has no registry, no viz, and each function the exercise replaces (and
  every function that calls one) raises ``ReferenceRemovedError`` — on disk, in
  ``inspect.getsource`` and when called, in a real sandboxed process.
- :func:`backprop_core.grading.judge.hidden_tests.judge_exercise`: the real sandbox,
  for each registered exercise, judges the reference's own answers typed out
  by a student (full marks) and a copy of each known mistake (named).

The whole path through ``make autograde`` is in test_grading_course.py,
test_grading_pipeline.py and test_grading_attacks.py.
"""
from __future__ import annotations

import ast
import json
import sys

import numpy as np
import pytest

from backprop_core.grading.student_process import case_functions, wire
from backprop_core.grading import exercises
from backprop_core.grading.judge.exam_build import exam_build
from backprop_core.grading.judge.hidden_tests import HiddenTestSettings, judge_exercise
from backprop_core.grading.answerfree.references import as_function
from backprop_core.grading.judge.sandbox import bwrap_executable, run_sandboxed
from backprop_core.nn.network import Network

EXERCISES = exercises.all_exercises()
NAMES = [e.name for e in EXERCISES]


def _round_trip(value):
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


# ------------------------------------------------------------------ wire
@pytest.mark.parametrize("value", [
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], dtype=np.int64), np.array([True, False]),
    np.array([1 + 2j]), np.zeros((0, 3)), np.float64(2.5), np.int32(7), 3.25, float("nan"), float("inf"), 7, True,
    None, "text", (np.ones(2), [1.0, (2, 3)]), {"a": np.ones(1), 2: "b"}, [],
], ids=repr)
def test_values_come_back_equal_with_their_types(value):
    back = _round_trip(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
    elif isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    elif isinstance(value, (tuple, dict)):
        assert repr(back) == repr(value)
    else:
        assert back == value


def test_networks_and_case_functions_come_back_working():
    net = Network([np.ones((2, 3)), np.ones((1, 2))], [np.zeros(2), np.zeros(1)], ["tanh", "sigmoid"])
    back = _round_trip(net)
    assert isinstance(back, Network) and back.activations == net.activations
    assert all(np.array_equal(a, b) for a, b in zip(back.weights, net.weights))
    functions = [case_functions.Polynomial(np.array([1.0, -2.0, 0.5])), case_functions.Curve("tanh"),
                 case_functions.QuadraticGradient(np.eye(2), np.ones(2)),
                 case_functions.ArrayFunction("quadratic_form", np.ones(2), np.eye(2))]
    for function in functions:
        back = _round_trip(function)
        probe = 0.3 if isinstance(function, (case_functions.Polynomial, case_functions.Curve)) else np.array([0.3, -1.0])
        assert type(back) is type(function) and np.allclose(back(probe), function(probe)) and repr(back) == repr(function)


def test_what_cannot_be_carried_comes_back_unreadable_and_equals_nothing():
    class Sneaky:
        def __eq__(self, other):
            return True

    for value in (Sneaky(), np.array([object()]), lambda x: x, np.array(["a"])):
        back = _round_trip(value)
        assert isinstance(back, wire.Unreadable) and back != back and back != 0


@pytest.mark.parametrize("data", [
    {"pickle": "gASVAAAA"}, {"ndarray": {"dtype": "|O", "shape": [1], "data": ""}},
    {"ndarray": {"dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="}}, {"tuple": "x"},
    {"ndarray": {"dtype": "<f8", "shape": [-1], "data": ""}}, {"a": 1, "b": 2}, {"dict": [[[1], 2]]},
], ids=repr)
def test_malformed_data_is_refused(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


# ------------------------------------------------------------------ the builds without references
@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    cache = tmp_path_factory.mktemp("builds")
    return {e.name: exam_build(e.replaces, cache, withheld=e.withheld) for e in EXERCISES}


@pytest.mark.parametrize("name", NAMES)
def test_a_build_holds_no_registry_no_viz_and_no_replaced_body(builds, name):
    build, exercise = builds[name], exercises.get(name)
    assert not (build / "grading" / "exercises").exists() and not (build / "viz").exists()
    assert not (build / "grading" / "judge").exists() and not (build / "grading" / "commands").exists()
    assert (build / "grading" / "student_process" / "student_side.py").is_file()
    for reference in (*exercise.replaces, *exercise.withheld):
        function = as_function(reference)
        module = build.joinpath(*function.__module__.split(".")[1:]).with_suffix(".py")
        body = _body_in(module.read_text(encoding="utf-8"), function.__qualname__)
        assert len(body) == 1 and isinstance(body[0], ast.Raise), (
            f"{name}: {function.__qualname__} keeps a body in the build's {module.name}: {ast.unparse(body)[:200]}")
        assert f"{function.__module__}.{function.__qualname__}" in ast.unparse(body[0])


def test_withheld_functions_go_alone_and_only_where_withheld(builds):
    """Issue 21, item 4: lesson 10's Value operations are gone while gradients is graded, not np.exp's callers
    (the operation ``exp`` shares its name); lesson 09's gradients for train are there for train only."""
    def body(name: str, module: str, qualname: str) -> list:
        return _body_in((builds[name] / module).read_text(encoding="utf-8"), qualname)

    assert isinstance(body("gradients", "nn/autograd.py", "Value.exp")[0], ast.Raise)
    assert not isinstance(body("gradients", "nn/activations.py", "sigmoid")[0], ast.Raise)
    assert not isinstance(body("topological_order", "nn/autograd.py", "Value.exp")[0], ast.Raise)
    for name in ("softmax_cross_entropy", "network_gradients", "numerical_gradients"):
        assert isinstance(body(name, "grading/student_process/case_functions.py", "SoftmaxNetworkGradients.__call__")[0], ast.Raise)
    assert not isinstance(body("train", "grading/student_process/case_functions.py", "SoftmaxNetworkGradients.__call__")[0], ast.Raise)


def _body_in(source: str, qualname: str) -> list:
    """The body of function ``qualname`` (``Class.method`` or ``function``) in a module's source."""
    scope = ast.parse(source).body
    for part in qualname.split("."):
        node = next(n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part)
        scope = node.body
    return scope


PROBE = """
import inspect, importlib, json, sys
import backprop_core
names = json.loads(sys.argv[1])
out = {}
for path in names:
    module_name, _, qualname = path.rpartition(".")
    while module_name and module_name not in sys.modules:
        try:
            importlib.import_module(module_name)
        except ImportError:
            module_name, _, outer = module_name.rpartition(".")
            qualname = outer + "." + qualname
            continue
    target = sys.modules[module_name]
    for part in qualname.split("."):
        target = getattr(target, part)
    try:
        target(*([None] * target.__code__.co_argcount))
        out[path] = "ran"
    except Exception as error:
        out[path] = type(error).__name__
    out[path + ":source"] = "ReferenceRemovedError" in inspect.getsource(target)
print(json.dumps(out))
"""


@pytest.mark.parametrize("name", ["half_squared_error", "output_delta", "hidden_delta", "dense_backward",
                                  "numerical_gradient", "train_online"])
def test_inside_the_sandbox_replaced_functions_and_their_callers_raise(builds, name, tmp_path):
    bwrap_executable()  # fails with the Debian package to install when bubblewrap is missing
    exercise = exercises.get(name)
    paths = [f"{as_function(r).__module__}.{as_function(r).__qualname__}" for r in exercise.replaces]
    if name == "output_delta":
        paths += ["backprop_core.course.buggy.correct"]  # the bug gallery's correct pass calls Network.backward
    (tmp_path / "probe.py").write_text(PROBE)
    result = run_sandboxed([sys.executable, "probe.py", json.dumps(paths)], tmp_path, package=builds[name])
    assert result.returncode == 0, result.stderr.decode()
    seen = json.loads(result.stdout)
    for path in paths:
        assert seen[path] == "ReferenceRemovedError" and seen[path + ":source"], (path, seen)


# ------------------------------------------------------------------ judging, for real, in the sandbox
@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    bwrap_executable()
    return HiddenTestSettings(time_limit=10, cell_time_limit=10, build_cache=tmp_path_factory.mktemp("judge-builds"))


@pytest.mark.parametrize("name", NAMES)
def test_each_known_mistake_typed_in_is_judged_wrong_and_named(settings, name):
    exercise = exercises.get(name)
    for mistake in exercise.mistakes:
        # A patch on the solution comes with the solution's helpers it calls.
        source = mistake.cell
        # then the course's versions of other exercises' work, as the sandboxed judge runs them (graded_with)
        cells = [{"source": source, "run": "all"}] + [{"source": s, "run": "all"} for s in exercise.graded_with]
        props = list(mistake.properties or exercise.properties)
        judged = judge_exercise(exercise, props, cells, settings)
        for prop in props:
            result = judged[prop].verdict
            assert not result.passed, f"{name}: the mistake {mistake.key} passed {prop}"
            assert mistake.label in result.text, f"{name}/{prop}: {mistake.key} not named:\n{result.text}"

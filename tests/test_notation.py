r"""One notation, written once and held: the symbols every lesson uses (issue 22).

The course's notation is lesson 01's table, repeated whole on the course home (``index.ipynb``):
a layer's weights are $W^{(l)}$ with layers counted from 1 (input → first hidden layer is $W^{(1)}$,
its bias $b^{(1)}$, its net inputs $z^{(1)}$; a batch's $Z^{(l)}$, $A^{(l)}$ with $A^{(0)} = X$), the
target is "target" (never $t$), the learning rate is $\alpha$ (never $\eta$), a net input is $z$ and an
activation $a$ (never Mazur's $net_{o1}$, $out_{o1}$). Another source's symbols may be quoted only in a
collapsed "For the curious" box, where a lesson translates them. The test reads the prose and formulas
students read (each lesson's text source's markdown and comments, its release's markdown cells, the
course home's) and lists every old symbol it finds, lesson by lesson, with the symbol to write instead;
code's own variable names (``for out, t in zip(...)``) are code's business.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from test_lesson_words import ROOT, _notebook_text

#: old symbol (a regular expression on the text) -> what to write instead.
OLD_SYMBOLS = {
    r"\bW_\{?(?:[0-9]|l|L)\b": "a layer's weights are W^{(l)}, counted from 1 (W^{(2)}, not W_2 or W_l)",
    r"\b[ZA]_\{?(?:[0-9]|l|L|l ?[-+] ?1)\}?(?![0-9a-z])": "a batch's arrays are Z^{(l)}, A^{(l)} (A^{(0)} = X), not Z_l, A_{l-1}",
    r"\bb_\{?(?:[0-9]|l|L)\}?(?![0-9a-z])": "a layer's bias is b^{(l)} (b^{(2)}, not b_2 or b_l)",
    r"\\eta\b": "the learning rate is \\alpha (learning_rate in code)",
    r"\bt_\{?[a-z0-9]|\$t\$|[(−-]\s*t\s*\)|\(\s*t\s*[−-]": "the target is written target (\\text{target}_j), not t",
    r"\b(?:net|out)_\{": "a net input is z and an activation a (z_{o1}, a_{o1}), not Mazur's net_{o1}, out_{o1}",
    r"\b1 hidden layers\b": "one hidden layer (singular)",
}

#: A collapsed aside: the place a lesson may quote another source's notation.
CURIOUS_BOX = re.compile(r"<details>\s*<summary>\s*For the curious.*?</details>", re.DOTALL | re.IGNORECASE)


def _outside_curious_boxes(text: str) -> str:
    """``text`` with every "For the curious" box blanked (newlines kept, so line numbers stay)."""
    return CURIOUS_BOX.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def old_symbols(text: str) -> list[tuple[int, str, str]]:
    """(line number, line, what to write instead) for every old symbol outside the collapsed asides."""
    found = []
    for k, line in enumerate(_outside_curious_boxes(text).splitlines(), 1):
        for pattern, instead in OLD_SYMBOLS.items():
            if re.search(pattern, line):
                found.append((k, line.strip(), instead))
    return found


def _table_rows(text: str, heading: str) -> list[str]:
    """The rows of the first markdown table under ``heading`` (jupytext's '# ' comment marks removed)."""
    lines = [re.sub(r"^# ?", "", line) for line in text.splitlines()]
    start = next(k for k, line in enumerate(lines) if line.strip().lstrip("#").strip() == heading)
    rows, in_table = [], False
    for line in lines[start + 1:]:
        if line.startswith("|"):
            in_table = True
            rows.append(line.strip())
        elif in_table:
            break
    return rows[2:]                                     # without the header and its |---| line


@pytest.mark.parametrize("line, bad", [
    ("$$Z_l = A_{l-1} W_l^\\top + b_l$$", True),
    ("$\\partial E/\\partial W_2 = \\delta a^\\top$", True),
    ("$E = \\tfrac12 (a_{o1} - t_{o1})^2$", True),
    ("Mazur writes $net_{o1}$ and $\\eta$", True),
    ("the 1 hidden layers network", True),
    ("$W^{(2)}$, $b^{(2)}$, $Z^{(l)} = A^{(l-1)} W^{(l)\\top}$", False),
    ("$z_{o1} = w_5 a_{h1} + b^{(2)}$, $\\delta_j = (a_j - \\text{target}_j)\\,\\sigma'(z_j)$", False),
    ("W1, W2 = net.weights; b_h = 0.35; a_1 = 0.85, w_5", False),
    ("<details><summary>For the curious: Mazur's names</summary>\nhe writes $net_{o1}$\n</details>", False),
])
def test_the_rule_tells_old_symbols_from_the_courses(line, bad):
    assert bool(old_symbols(line)) is bad


def _prose(path: Path) -> str:
    """What of a lesson file is prose and formulas: a text source's comment lines (its markdown cells and code
    comments), a notebook's markdown cells; everything else blanked, so line numbers stay."""
    if path.suffix == ".py":
        return "\n".join(line if line.lstrip().startswith("#") else "" for line in path.read_text(encoding="utf-8").splitlines())
    cells = nbformat.read(path, as_version=4).cells
    return "\n".join(cell.source if cell.cell_type == "markdown" else "\n" * cell.source.count("\n") for cell in cells)


def prose_students_read() -> dict[str, dict[str, str]]:
    """Lesson (or "course") -> file path -> its prose: text sources, releases and the course home."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(ROOT.glob("solutions/*/*.py")) + sorted(ROOT.glob("lessons/*/*.ipynb")) + [ROOT / "index.ipynb"]:
        lesson = path.parent.name if path.parent != ROOT else "course"
        found.setdefault(lesson, {})[str(path.relative_to(ROOT))] = _prose(path)
    return found


def test_every_lesson_writes_the_courses_symbols():
    report = []
    for lesson, files in prose_students_read().items():
        lines = [f"    {path}:{k}: {line[:120]}\n        -> {instead}"
                 for path, text in files.items() for k, line, instead in old_symbols(text)]
        if lines:
            report.append(f"  {lesson} ({len(lines)}):\n" + "\n".join(lines))
    assert not report, ("These lines use a symbol the course replaced (lesson 01's table and the course home "
                        "hold the notation; quote another source's symbols only in a <details><summary>For the "
                        "curious: ...</summary> box):\n" + "\n".join(report))


def test_lesson_01s_table_is_the_course_homes():
    """The notation is written once: every row of lesson 01's table stands, word for word, in the course home's."""
    lesson01 = (ROOT / "solutions/01-forward-pass-and-error/01-forward-pass-and-error.py").read_text(encoding="utf-8")
    home = _notebook_text(ROOT / "index.ipynb")
    heading = "The words and symbols of the course"
    in_lesson, on_home = _table_rows(lesson01, heading), _table_rows(home, heading)
    assert len(in_lesson) >= 6, f"lesson 01's table under '{heading}' should list the symbols, found {in_lesson}"
    missing = [row for row in in_lesson if row not in on_home]
    assert not missing, f"rows of lesson 01's table that the course home's table does not hold word for word: {missing}"
    later = [row for row in in_lesson if not row.endswith("| lesson 01 |")]
    assert not later, f"lesson 01's table should hold only what lesson 01 defines (the course home has the rest): {later}"

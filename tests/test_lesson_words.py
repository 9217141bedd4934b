"""Words students read: "seed" only where it means a random-number generator's seed.

The worked examples are named for what they are (hmkcode's linear 2-2-1
example, Matt Mazur's 2-2-2 sigmoid example, the house-price intuition, the
XOR-by-hand example), never "seed 000": a newcomer reads "seed" as a random
seed (issue 14, item 1). The test reads what students read: each lesson's
text source (markdown, code comments and strings), its release, the course
home and the README's parts for students, and lists every offending line,
lesson by lesson.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

SEED = re.compile(r"\bseed(s|ed)?\b", re.IGNORECASE)
#: A line about random numbers may say "seed": np.random.default_rng(seed), "a random seed", rng = ...;
#: so may code passing the course's random functions their seed (train(..., seed=0), def two_moons(n, seed)),
#: and a docstring's entry for such a parameter ("seed : int").
RANDOM_CONTEXT = re.compile(r"\brng\b|rng_seed|default_rng|random|RandomState|np\.random|generator"
                            r"|\bseed\s*=|[(,]\s*seed\s*[),]|^\s*seed\s*:\s*int\b", re.IGNORECASE)
#: The README's sections students read (the rest is for instructors and developers).
README_STUDENT_SECTIONS = ("Quick start", "The lessons", "backprop_core in five lines", "Worked examples and errata")


def offending_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of each line of ``text`` that says "seed" outside a random-number context."""
    return [(k, line.strip()) for k, line in enumerate(text.splitlines(), 1)
            if SEED.search(line) and not RANDOM_CONTEXT.search(line)]


def _notebook_text(path: Path) -> str:
    """Every cell's source of a notebook, one after the other (line numbers count from the first cell)."""
    nb = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in nb.cells)


def _readme_for_students(text: str) -> str:
    """The README's introduction and its students' sections (empty lines stand in for the rest: numbers stay)."""
    kept, keep = [], True
    for line in text.splitlines():
        if line.startswith("## "):
            keep = line[3:].strip() in README_STUDENT_SECTIONS
        kept.append(line if keep else "")
    return "\n".join(kept)


def texts_students_read() -> dict[str, dict[str, str]]:
    """Lesson (or "course") -> file path -> the text of it that students read."""
    found: dict[str, dict[str, str]] = {}
    for source in sorted(ROOT.glob("solutions/*/*.py")):
        found.setdefault(source.parent.name, {})[str(source.relative_to(ROOT))] = source.read_text(encoding="utf-8")
    for release in sorted(ROOT.glob("lessons/*/*.ipynb")):
        found.setdefault(release.parent.name, {})[str(release.relative_to(ROOT))] = _notebook_text(release)
    course = found.setdefault("course", {})
    if (ROOT / "index.ipynb").is_file():
        course["index.ipynb"] = _notebook_text(ROOT / "index.ipynb")
    course["README.md"] = _readme_for_students((ROOT / "README.md").read_text(encoding="utf-8"))
    return found


def test_the_rule_tells_worked_examples_from_random_seeds():
    assert offending_lines("the numbers of seed 000 (hmkcode)")
    assert offending_lines("Seed 003's slip")
    assert not offending_lines("rng = np.random.default_rng(seed)")
    assert not offending_lines("a random seed makes the start repeatable")
    assert not offending_lines("Matt Mazur's 2-2-2 sigmoid example")
    assert not offending_lines("history = train(net, X, Y, mode=\"minibatch\", seed=0)")
    assert offending_lines("# the seed prints 0.26 here")
    assert not offending_lines("    seed : int")
    assert offending_lines("seed: the hmkcode example")


def test_lessons_say_seed_only_for_random_numbers():
    report = []
    for lesson, files in texts_students_read().items():
        lines = [f"    {path}:{k}: {line[:140]}" for path, text in files.items() for k, line in offending_lines(text)]
        if lines:
            report.append(f"  {lesson} ({len(lines)} line(s)):\n" + "\n".join(lines))
    assert not report, (
        "These lines say \"seed\" where it is not a random-number generator's seed. Name the worked example "
        "instead (hmkcode's linear 2-2-1 example, Matt Mazur's 2-2-2 sigmoid example, the house-price "
        "intuition, the XOR-by-hand example; a short name after the first time):\n" + "\n".join(report))

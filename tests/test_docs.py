"""Issue 23: the README is what a student needs (at most 120 lines); instructors, the class server, developers and
the benchmarks have their own pages under docs/, and every relative link among them resolves."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["README.md", "CONTRIBUTING.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")),
         "benchmarks/results.md"]
#: [text](target): the target up to a space or the closing parenthesis.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lowercase, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {_anchor(line.lstrip("#")) for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("#")}


def test_the_readme_is_what_a_student_needs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 120, f"README.md has {len(readme.splitlines())} lines; at most 120"
    for section in ("## Quick start", "## The lessons", "## backprop_core in five lines", "## Worked examples and errata"):
        assert section in readme
    for page in ("docs/instructors.md", "docs/class-server.md", "docs/developers.md", "docs/benchmarks.md"):
        assert f"]({page})" in readme, f"the README does not point at {page}"


def test_the_pages_hold_what_the_readme_held():
    """Spot checks that the moved parts arrived whole (a heading or phrase from each old section)."""
    expect = {"docs/instructors.md": ("**The grading sandbox.**", "**Grading a large class.**", "**The export.**",
                                      "grades-canvas.csv", "PostgreSQL"),
              "docs/class-server.md": ("# A class on one server (JupyterHub)", "**A bigger class.**"),
              "docs/developers.md": ("## Layout", "## Testing", "## Dependencies"),
              "docs/benchmarks.md": ("**Grading**", "bench_autograde")}
    for page, phrases in expect.items():
        text = (ROOT / page).read_text(encoding="utf-8")
        missing = [p for p in phrases if p not in text]
        assert not missing, f"{page} lacks {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_every_relative_link_resolves(page):
    path = ROOT / page
    broken = []
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if not linked.exists():
            broken.append(f"{target} (no file {linked.relative_to(ROOT) if linked.is_relative_to(ROOT) else linked})")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target} (no heading #{anchor} in {linked.name})")
    assert not broken, f"{page}: broken links: {broken}"


def test_no_file_points_at_readme_sections_that_moved():
    moved = re.compile(r"README[^\n]{0,12}(For instructors|A class on one server|Grading a large class|Layout|Testing"
                       r"|Benchmarks|What a submission shows)")
    stale = []
    for folder in ("backprop_core", "tests", "deploy", "etc", "benchmarks", "docs", "tools"):
        for path in (ROOT / folder).rglob("*"):
            if (path.suffix in (".py", ".md", ".json", ".toml") and path.is_file() and "node_modules" not in path.parts
                    and path != Path(__file__)):
                stale += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in moved.finditer(path.read_text(encoding="utf-8"))]
    for name in ("Makefile", "CONTRIBUTING.md", "pyproject.toml"):
        stale += [f"{name}: {m.group(0)}" for m in moved.finditer((ROOT / name).read_text(encoding="utf-8"))]
    assert not stale, "point at docs/ instead: " + "; ".join(stale)


def test_make_bench_writes_its_tables_into_the_results_file_keeping_the_others(tmp_path):
    """benchmarks/results.md holds one section per benchmark module; a run replaces the sections it ran."""
    from benchmarks.__main__ import RESULTS, results_sections, write_results

    committed = results_sections(RESULTS.read_text(encoding="utf-8"))
    modules = {p.stem for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert set(committed) == modules, f"benchmarks/results.md has {sorted(committed)}, make bench runs {sorted(modules)}"
    results = tmp_path / "results.md"
    results.write_text(RESULTS.read_text(encoding="utf-8"), encoding="utf-8")
    write_results({"bench_training": "| job |\n|---|\n| new row |"}, results)
    after = results_sections(results.read_text(encoding="utf-8"))
    assert "| new row |" in after["bench_training"] and "Last run: " in after["bench_training"]
    assert {k: v for k, v in after.items() if k != "bench_training"} == {
        k: v for k, v in committed.items() if k != "bench_training"}

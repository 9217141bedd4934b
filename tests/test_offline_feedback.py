"""Feedback a student can read offline (issue 13, item 4).

One lesson of the course is released, a student hands in its solution, and the
real instructor commands autograde it and write its feedback page. The page is
opened from disk in headless Chromium with the network off: its formulas must be
typeset by the MathJax written into it (MathJax's SVG output, no raw ``$...$``
or ``\\(`` left in what the student reads) and its summary must name each test
by its grade id and what it checks, never "Test cell". A screenshot lands in
``test-artifacts/``.

The graded course is built once per module by :func:`graded_course`, which
``test_formgrader.py`` reuses.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from jupyterlab_driver import ROOT, find_chromium, launch_args
from test_grading_course import instructor

LESSON = "01-forward-pass-and-error"
STUDENT = "ada"
ARTIFACTS = ROOT / "test-artifacts"


def graded_course(tmp: Path, lesson: str = LESSON, student: str = STUDENT) -> Path:
    """A course in ``tmp`` with ``lesson`` released, ``student``'s copy of its solution handed in, autograded
    and given feedback, by the instructor's commands (``make release/autograde/feedback``). Returns ``tmp``."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / lesson, tmp / "solutions" / lesson)
    handed_in = tmp / "submitted" / student / lesson
    handed_in.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / lesson / f"{lesson}.ipynb", handed_in / f"{lesson}.ipynb")
    for command in ("release", "autograde", "feedback"):
        result = instructor(tmp, command, lesson, timeout=20)
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return tmp


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return graded_course(tmp_path_factory.mktemp("offline-feedback"))


@pytest.fixture(scope="module")
def page_path(course) -> Path:
    path = course / "feedback" / STUDENT / LESSON / f"{LESSON}.html"
    assert path.is_file(), f"no feedback page at {path}"
    return path


def _test_cells(lesson: str = LESSON) -> dict[str, str]:
    """grade id -> source of the lesson's test cells (graded, not a solution)."""
    nb = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")}


def test_the_page_loads_nothing_from_the_network(page_path):
    html = page_path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html), "the page loads a script from elsewhere"
    assert "cdnjs" not in html and "MathJax-script" in html
    assert "BEGIN HIDDEN TESTS" not in html  # still no hidden test's code


def test_the_summary_names_each_test_by_its_grade_id_and_what_it_checks(page_path):
    from backprop_core.grading.nbgrader_ext.feedback import what_test_checks

    html = page_path.read_text(encoding="utf-8")
    summary = html[html.index('id="toc"'):html.index('class="panel-body"')]
    assert "Test cell" not in summary
    for grade_id, source in _test_cells().items():
        checks = what_test_checks(source)
        assert checks, f"{grade_id} says nothing about what it checks"
        assert re.search(rf"<code>{grade_id}</code></a>:\s*{re.escape(checks)}", summary), \
            f"the summary does not name {grade_id} with '{checks}'"


@pytest.mark.browser
def test_formulas_render_in_chromium_with_the_network_off(page_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium found (install Debian's chromium, or set BACKPROP_CHROMIUM); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs it)")
    asked = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=launch_args(), headless=True)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 1600}, offline=True)

            def refuse_the_network(route):
                asked.append(route.request.url)
                route.abort()

            context.route(re.compile(r"^(https?|wss?)://"), refuse_the_network)
            page = context.new_page()
            page.goto(page_path.as_uri())
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
            page.evaluate("MathJax.startup.promise")  # resolves once the first typesetting is done
            formulas = page.locator("mjx-container").count()
            broken = page.locator("mjx-merror").count()
            # What the student reads as text: the markdown cells (code cells may hold a '$' of their own).
            text = "\n".join(page.locator(".text_cell_render").all_inner_texts())
            summary = page.inner_text("#toc")
            page.locator("mjx-container").first.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"offline-feedback-{LESSON}.png"), full_page=False)
        finally:
            browser.close()
    markdown = [c.source for c in nbformat.read(page_path.parents[3] / "solutions" / LESSON / f"{LESSON}.ipynb",
                                                as_version=4).cells if c.cell_type == "markdown"]
    written = len(re.findall(r"\$\$.+?\$\$|\$[^$\n]+?\$", "\n".join(markdown), re.DOTALL))
    assert written > 5, "the lesson should have formulas to show"
    assert formulas >= written, f"{formulas} formulas typeset of the lesson's {written}"
    assert broken == 0, f"{broken} formulas MathJax could not read"
    leftover = re.findall(r"\$[^$\n]{1,80}\$|\\\(|\\\[", text)
    assert not leftover, f"raw LaTeX left on the page: {leftover[:5]}"
    assert asked == [], f"the page asked the network for {asked}"
    assert "Test cell" not in summary and "test_half_squared_error_one_sample" in summary

"""Feedback a student can read offline (issue 13, item 4).

One lesson of the course is released, a student hands in its solution, and the
real instructor commands autograde it and write its feedback page. The page is
small (issue 24, item 5: under 200 KB, no script) and opened from disk in headless
Chromium with the network off: its formulas must be MathML written when the page
was (drawn by the browser, no raw ``$...$`` or ``\\(`` left in what the student
reads), long lines wrap inside their boxes, and its summary must name each test
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


def test_the_page_is_small_runs_nothing_and_loads_nothing(page_path):
    html = page_path.read_text(encoding="utf-8")
    assert "<script" not in html.lower(), "the page carries a script"
    assert "script-src 'none'" in html and "default-src 'none'" in html, "the page's policy allows scripts or loads"
    assert "cdnjs" not in html and "bootstrap" not in html.lower()
    assert "<math" in html, "no formula was typeset when the page was written"
    assert page_path.stat().st_size < 200_000, f"the page is {page_path.stat().st_size} bytes (issue 24: < 200 KB)"
    assert "BEGIN HIDDEN TESTS" not in html  # still no hidden test's code
    # The spans left out of the page are those its style gives no look (feedback_page._UNSTYLED_TOKEN).
    assert not re.search(r"\.highlight \.[np] \{", html), "the code style now colours names or punctuation"


def test_the_most_code_heavy_lesson_s_page_stays_small(tmp_path):
    """Lesson 10, the course's longest code, through release, autograde and feedback: under 200 KB (a class of 40's
    lesson 10 pages were 198-243 KB before the page left out the spans that style nothing)."""
    lesson = "10-autograd"
    path = graded_course(tmp_path, lesson) / "feedback" / STUDENT / lesson / f"{lesson}.html"
    html = path.read_text(encoding="utf-8")
    assert 'class="k"' in html and 'class="n"' not in html, "nothing highlighted, or names still wrapped"
    assert path.stat().st_size < 200_000, f"the page is {path.stat().st_size} bytes (issue 24: < 200 KB)"


def test_a_formula_is_student_content_too():
    """``\\text{<script>}`` and ``\\href{javascript:}`` become no markup; unreadable LaTeX stays as code."""
    from backprop_core.grading.judge.nbgrader_ext.formulas import typeset_formulas

    html = typeset_formulas(r"<p>$\text{&lt;script&gt;alert(1)&lt;/script&gt;}$ and $\href{javascript:alert(1)}{x}$ "
                            r"and $\frac{a}{$ and <code>$x$</code> and $$E = \tfrac12 \sum_k (y_k - t_k)^2$$</p>")
    assert "<script" not in html and "javascript:" not in html and "href" not in html, html
    assert html.count("<math") == 3 and 'display="block"' in html, html
    assert "<code>$x$</code>" in html, "a formula in code was typeset"


def test_the_summary_names_each_test_by_its_grade_id_and_what_it_checks(page_path):
    from backprop_core.grading.judge.nbgrader_ext.feedback import what_test_checks

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
            formulas = page.locator("math").count()
            # A formula the browser draws is laid out as math (MathML understood, not unknown inline text).
            # (Those in a closed "for the curious" box have no box at all until it is opened.)
            shown = "[...document.querySelectorAll('math')].filter(m => !m.closest('details:not([open])'))"
            visible = page.evaluate(f"{shown}.length")
            drawn = page.evaluate(f"{shown}.filter(m => getComputedStyle(m).display.includes('math')"
                                  " && m.getBoundingClientRect().width > 0).length")
            broken = page.locator("math merror").count()
            # What the student reads as text: the markdown cells (code cells may hold a '$' of their own).
            text = "\n".join(page.locator(".text_cell_render").all_inner_texts())
            summary = page.inner_text("#toc")
            # Nothing is cut off at the right edge: no box is wider than the page.
            overflowing = page.evaluate("[...document.querySelectorAll('pre, .output_area, .panel')].filter("
                                        "e => e.scrollWidth > e.clientWidth + 2).length")
            page.locator("math").first.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"offline-feedback-{LESSON}.png"), full_page=False)
        finally:
            browser.close()
    markdown = [c.source for c in nbformat.read(page_path.parents[3] / "solutions" / LESSON / f"{LESSON}.ipynb",
                                                as_version=4).cells if c.cell_type == "markdown"]
    written = len(re.findall(r"\$\$.+?\$\$|\$[^$\n]+?\$", "\n".join(markdown), re.DOTALL))
    assert written > 5, "the lesson should have formulas to show"
    assert formulas >= written, f"{formulas} formulas typeset of the lesson's {written}"
    assert visible > 5 and drawn == visible, f"only {drawn} of the {visible} formulas shown were drawn"
    assert broken == 0, f"{broken} formulas the converter could not read"
    assert overflowing == 0, f"{overflowing} boxes cut off their content at the right edge"
    leftover = re.findall(r"\$[^$\n]{1,80}\$|\\\(|\\\[", text)
    assert not leftover, f"raw LaTeX left on the page: {leftover[:5]}"
    assert asked == [], f"the page asked the network for {asked}"
    assert "Test cell" not in summary and "test_half_squared_error_one_sample" in summary

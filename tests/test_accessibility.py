"""Every student can use the course (issue 25): an axe-core audit of every page a
student or an instructor reads, in the Chromium the browser tests already drive.

Pages audited, in sequence, with one JupyterLab server for the module:

- each lesson (``solutions/``, every figure and widget drawn) after Run All;
- the course home (``index.ipynb``) after Run All;
- one feedback page (``make feedback``'s, opened from disk);
- the class report (``make report``'s, opened from disk).

A violation counts against the course when its element lies in what the course
wrote: a notebook's markdown or outputs (figures, widgets), or anywhere on the
feedback page and the class report. Violations in JupyterLab's own interface
(menus, side bar, toolbar) are recorded, not failed on: README.md's
accessibility section lists them. Only serious and critical impacts fail.

Every page's result goes to ``test-artifacts/axe/<page>.txt``.

Skips, saying why, when no Chromium is installed.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from jupyterlab_driver import (ROOT, LabServer, figure_of, find_chromium, launch_args, open_notebook, output_picture,
                               run_all_cells, wait_for_change, wait_until_settled, widget_outputs)

pytestmark = pytest.mark.browser

CHROMIUM = find_chromium()
if CHROMIUM is None:
    pytest.skip("no Chromium found (install Debian's chromium, or set BACKPROP_CHROMIUM); "
                ".ci/run installs it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs it)")
axe_base = pytest.importorskip("axe_playwright_python.base",
                               reason="axe-playwright-python is not installed (make test installs it)")

ARTIFACTS = ROOT / "test-artifacts" / "axe"
LESSONS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())
FAILING = ("serious", "critical")
#: What a notebook page shows of the course's own: rendered markdown and every output (figures, widgets).
COURSE_CONTENT = ".jp-RenderedMarkdown, .jp-OutputArea-output, .jp-RenderedHTMLCommon"

# Runs axe on the whole document; for every node of every violation, says whether it lies in the course's
# content (``course``: the selector given) or in the page's other parts (JupyterLab's interface).
_AUDIT = """async (courseContent) => {
    const results = await axe.run(document, {resultTypes: ['violations']});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => {
            let element = null;
            try { element = document.querySelector(n.target[0]); } catch (e) { element = null; }
            return {target: n.target.join(' >> '), html: n.html.slice(0, 240),
                    course: courseContent === '*' ? true : !!(element && element.closest(courseContent)),
                    summary: (n.failureSummary || '').slice(0, 300)};
        }),
    }));
}"""


def audit(page, course_content: str = COURSE_CONTENT) -> list[dict]:
    """axe-core's violations on ``page``: dicts ``id, impact, help, nodes`` (each node: ``target, html,
    course, summary``). ``course_content`` is a selector of the course's part of the page; ``"*"``: all of it."""
    page.evaluate(axe_base.AXE_SCRIPT)
    return page.evaluate(_AUDIT, course_content)


def split(violations: list[dict]) -> tuple[list[dict], list[dict]]:
    """(the course's, JupyterLab's) violations, each keeping only its nodes on that side."""
    ours, theirs = [], []
    for violation in violations:
        for side, keep in ((ours, True), (theirs, False)):
            nodes = [n for n in violation["nodes"] if n["course"] is keep]
            if nodes:
                side.append(dict(violation, nodes=nodes))
    return ours, theirs


def record(name: str, violations: list[dict]) -> str:
    """Write ``name``'s result to test-artifacts/axe/ and return its summary lines."""
    ours, theirs = split(violations)
    lines = [f"{name}: course {_count(ours)}; JupyterLab {_count(theirs)}"]
    for side, found in (("course", ours), ("JupyterLab", theirs)):
        for v in found:
            lines.append(f"  [{side}] {v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['help']}")
            lines += [f"      {n['target']}  {n['html'][:160]}" for n in v["nodes"][:3]]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
    return "\n".join(lines)


def _count(violations: list[dict]) -> str:
    serious = sum(len(v["nodes"]) for v in violations if v["impact"] in FAILING)
    return f"{serious} serious/critical nodes in {sum(v['impact'] in FAILING for v in violations)} rules, " \
           f"{sum(len(v['nodes']) for v in violations)} nodes in all"


def assert_none_of_ours(name: str, violations: list[dict]) -> None:
    summary = record(name, violations)
    ours = [v for v in split(violations)[0] if v["impact"] in FAILING]
    assert not ours, f"{name}: serious or critical violations in the course's own content:\n{summary}"


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def server():
    lab = LabServer()
    yield lab
    lab.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args(), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


# ------------------------------------------------------------------ the pages
@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_after_run_all_has_no_serious_violation_of_ours(server, page, lesson):
    open_notebook(page, server, f"solutions/{lesson}/{lesson}.ipynb")
    run_all_cells(page, timeout_ms=600_000)  # lesson 09 trains for minutes on a machine shared by many
    page.wait_for_timeout(1000)  # widgets finish rendering after the kernel goes idle
    assert_none_of_ours(lesson, audit(page))


def test_course_home_has_no_serious_violation_of_ours(server, page):
    open_notebook(page, server, "index.ipynb")
    run_all_cells(page)
    page.wait_for_timeout(500)
    assert_none_of_ours("index", audit(page))
    # Formulas: JupyterLab's MathJax 3 typesets each with a MathML copy a screen reader reads.
    typeset = page.evaluate("""() => [...document.querySelectorAll('.jp-RenderedMarkdown mjx-container')]
        .map(c => !!c.querySelector('mjx-assistive-mml math') || c.getAttribute('aria-label') !== null)""")
    assert typeset and all(typeset), f"{typeset.count(False)} of {len(typeset)} formulas have no MathML for screen readers"


# ------------------------------------------------------------------ the keyboard alone
def _focused(page) -> str:
    """What has the keyboard focus: ``"handle:<n>"`` (the n-th slider handle of the page), the text of a
    focused button, or the tag name."""
    return page.evaluate("""() => { const e = document.activeElement;
        if (e.classList.contains('noUi-handle'))
            return 'handle:' + [...document.querySelectorAll('.noUi-handle')].indexOf(e);
        return e.tagName === 'BUTTON' ? 'button:' + e.textContent.trim() : e.tagName; }""")


def _tab_until(page, wanted, most: int = 40) -> str:
    """Press Tab until the focus is on what ``wanted(focused)`` accepts; returns it."""
    for _ in range(most):
        page.keyboard.press("Tab")
        now = _focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached the control wanted (last focus: {_focused(page)})")


def test_lesson_01_widget_works_with_the_keyboard_alone(server, page):
    """Lesson 01's explorer: Tab to a weight's slider, move it with the arrow keys, Tab to "reset weights" and
    press Enter; the figure and its text alternative follow each time. Only the first focus is set from
    the test (as the student's Tab from the cell above would land it)."""
    open_notebook(page, server, "solutions/01-forward-pass-and-error/01-forward-pass-and-error.ipynb")
    run_all_cells(page)
    outputs = widget_outputs(page)
    main = next(outputs.nth(i) for i in range(outputs.count()) if outputs.nth(i).locator(".noUi-handle").count())
    figure, alt = figure_of(main), main.locator(".backprop-alt")
    wait_until_settled(figure)
    first_picture, first_alt = output_picture(figure), alt.inner_text()
    assert "w1 = " in first_alt and "o1 = " in first_alt, first_alt

    main.locator(".noUi-handle").first.focus()
    start = _focused(page)
    assert start.startswith("handle:"), start
    second = _tab_until(page, lambda f: f.startswith("handle:") and f != start)  # the next weight's slider
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_for_change(figure, first_picture)
    page.wait_for_function("([e, before]) => e.innerText !== before", arg=[alt.element_handle(), first_alt])
    moved_alt = alt.inner_text()
    assert moved_alt != first_alt, "the text alternative did not follow the slider"

    wait_until_settled(figure)
    moved_picture = output_picture(figure)
    _tab_until(page, lambda f: f == "button:reset weights")
    page.keyboard.press("Enter")
    wait_for_change(figure, moved_picture)
    page.wait_for_function("([e, first]) => e.innerText === first", arg=[alt.element_handle(), first_alt])
    assert second != start
    _deuteranopia_screenshot(page, main)


def _deuteranopia_screenshot(page, output) -> None:
    """``output`` with one weight made negative, as a deuteranope sees it (tests/test_a11y_content.py's
    simulation) to the right of what the typical eye sees: test-artifacts/axe/deuteranopia-01.png, to look at."""
    import io

    from PIL import Image

    from test_a11y_content import simulate_deuteranopia

    figure = figure_of(output)
    wait_until_settled(figure)
    before = output_picture(figure)
    output.locator(".noUi-handle").nth(1).focus()
    page.keyboard.press("Home")  # w2 to its smallest value: a negative weight, drawn vermillion beside the blue
    wait_for_change(figure, before)
    wait_until_settled(figure)
    seen = np.asarray(Image.open(io.BytesIO(output.screenshot())).convert("RGB"), dtype=float) / 255.0
    simulated = (simulate_deuteranopia(seen) * 255).round().astype(np.uint8)
    both = np.concatenate([(seen * 255).round().astype(np.uint8), simulated], axis=1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    Image.fromarray(both).save(ARTIFACTS / "deuteranopia-01.png")


def _audit_file(browser, path, name: str) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 1400}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        assert_none_of_ours(name, audit(page, "*"))  # the whole page is the course's
    finally:
        context.close()


@pytest.mark.grading
def test_feedback_page_has_no_serious_violation(browser, tmp_path_factory):
    from test_offline_feedback import LESSON, STUDENT, graded_course

    course = graded_course(tmp_path_factory.mktemp("a11y-feedback"))
    _audit_file(browser, course / "feedback" / STUDENT / LESSON / f"{LESSON}.html", "feedback")


@pytest.mark.grading
def test_class_report_has_no_serious_violation(browser, graded_class):
    _audit_file(browser, graded_class / "class-report.html", "class-report")


from test_class_report import graded_class  # noqa: E402,F401  (the class report's graded class, as a fixture)

"""Every lesson in a real browser: JupyterLab in headless Chromium, driven by
Playwright. Each notebook (solution and release) is opened, run top to bottom
with Run All, and its widgets are used the way a student uses them.

Skips, saying why, when no Chromium is installed; `.ci/run` installs it.
Screenshots go to test-artifacts/ (git ignores it).
"""
from __future__ import annotations

import re

import pytest

from backprop_core.course.toc import lesson_ids
from jupyterlab_driver import (ROOT, LabServer, broken_widgets, error_outputs, figure_of, find_chromium, launch_args,
                               open_notebook, output_picture, press_slider, run_all_cells, wait_for_change,
                               wait_until_settled, widget_outputs)

pytestmark = pytest.mark.browser

CHROMIUM = find_chromium()
if CHROMIUM is None:
    pytest.skip("no Chromium found (install Debian's chromium, or set BACKPROP_CHROMIUM); "
                ".ci/run installs it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs it)")

ARTIFACTS = ROOT / "test-artifacts"
LESSONS = lesson_ids()  # the table of contents (backprop_core/course/toc.toml)
STEP_BUTTON = re.compile(r"step|next|train|epoch", re.IGNORECASE)


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


def _main_widget(page):
    """The first output with a slider: each lesson's main widget has one."""
    outputs = widget_outputs(page)
    for i in range(outputs.count()):
        if outputs.nth(i).locator(".noUi-handle").count():
            return outputs.nth(i)
    return None


@pytest.mark.parametrize("variant", ["solutions", "lessons"])
@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_and_its_widgets_respond(server, page, lesson, variant):
    open_notebook(page, server, f"{variant}/{lesson}/{lesson}.ipynb")
    run_all_cells(page)

    errors = error_outputs(page)
    if variant == "solutions":
        assert not errors, f"{lesson}: the solution shows errors:\n" + "\n---\n".join(e[:1500] for e in errors)
    else:  # the release: only the exercises the student has not written yet may complain
        unexpected = [e for e in errors if "NotImplementedError" not in e]
        assert not unexpected, f"{lesson} release: errors besides NotImplementedError:\n" + "\n---\n".join(unexpected)

    assert widget_outputs(page).count() > 0, f"{lesson}: no widget rendered"
    assert not broken_widgets(page), f"{lesson}: widgets failed to render: {broken_widgets(page)}"

    main = _main_widget(page)
    assert main is not None, f"{lesson}: no slider found in any widget"
    figure = figure_of(main)
    wait_until_settled(figure)
    before = output_picture(figure)
    press_slider(main, "ArrowRight", times=3)
    wait_for_change(figure, before)

    buttons = main.locator("button").filter(has_text=STEP_BUTTON)
    if buttons.count():
        wait_until_settled(figure)
        before = output_picture(figure)
        buttons.first.click()
        wait_for_change(figure, before)

    wait_until_settled(figure)
    ARTIFACTS.mkdir(exist_ok=True)
    main.screenshot(path=str(ARTIFACTS / f"{lesson}-{variant}.png"))


def test_course_home_lists_every_lesson_and_opens(server, page):
    open_notebook(page, server, "index.ipynb")
    run_all_cells(page)
    assert not error_outputs(page)
    links = page.locator(".jp-RenderedMarkdown a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for lesson in LESSONS:
        # JupyterLab rewrites relative links to /files/...; the lesson's path must be in one
        assert any(f"lessons/{lesson}/{lesson}.ipynb" in link for link in links), f"the course home does not link {lesson}"
    assert widget_outputs(page).count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "index.png"))


def test_students_see_no_formgrader_and_no_news_popup(server, page):
    assert server.get("/formgrader") == 404
    open_notebook(page, server, "index.ipynb")
    page.wait_for_timeout(1500)  # the news question pops up shortly after start when it is on
    assert page.locator(".jp-Notification-Toast, .Toastify__toast").filter(has_text=re.compile("news", re.I)).count() == 0
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "Nbgrader" not in menus and "nbgrader" not in [m.lower() for m in menus]


@pytest.mark.parametrize("path", ["lessons/05-hidden-layer-deltas/05-hidden-layer-deltas.ipynb",
                                  "solutions/04-output-layer-gradients/04-output-layer-gradients.ipynb"])
def test_asides_render_as_closed_boxes_that_open(server, page, path):
    """Issue 22: the worked examples' errata and translations sit in collapsed "For the curious" boxes,
    in the release as in the solution; a click on the summary opens one and shows its text."""
    open_notebook(page, server, path)
    boxes = page.locator(".jp-RenderedMarkdown details")
    # lesson 04 keeps one aside (its rounding note moved to lesson 05's Mazur box), lesson 05 several
    assert boxes.count() >= 1, f"{path}: expected the asides as <details> boxes, found {boxes.count()}"
    curious = [k for k in range(boxes.count())
               if boxes.nth(k).locator("summary").inner_text().startswith("For the curious")]
    assert curious, f"{path}: the asides' summaries should start 'For the curious'"
    box = boxes.nth(curious[0])
    box.scroll_into_view_if_needed()
    assert box.get_attribute("open") is None, "an aside starts closed"
    hidden_text = box.locator("p").first
    assert not hidden_text.is_visible(), "a closed aside hides its text"
    box.locator("summary").click()
    assert box.get_attribute("open") is not None and hidden_text.is_visible()

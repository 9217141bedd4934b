"""Student content never runs in anyone's browser (issue 20, item 1).

A class of the sample course is graded by the real commands (``instructor release/autograde/feedback``): one
student, ``mallory``, hands in the solution with every kind of payload added, in markdown (``<img onerror>``,
``<script>``, a ``javascript:`` link, ``<iframe srcdoc>``, ``<object>``, ``<embed>``, ``<svg><script>``) and in
the outputs she submitted (``text/html`` with a script and with an event handler, ``application/javascript``,
``image/svg+xml`` with a script, ``text/markdown`` with a handler). Each payload, if it ran, would note itself in
``top.__pwned``, set the page's title, write a file through the contents API with the page's XSRF token and
open a terminal, as the issue's attacker did.

Her submission's manual grading page is opened in a running ``make formgrader``, and her feedback page both
through that server (``/files/``) and from disk, in headless Chromium: nothing ran (no mark, title as it was,
no file written, no terminal), the pages hold no script, frame, object, handler or ``javascript:`` URL of
hers, and her honest content still shows: text, a table, a widget's text fallback, a PNG, and in the
feedback the formulas typeset as MathML (behind its Content-Security-Policy, which allows no script).

She also hands in a page of her own beside the notebook, which the formgrader serves: it runs nothing.

A control renders the same autograded notebook with nbconvert's plain HTML exporter (no sanitizer, as the
formgrader did before) and opens it: the payloads do run there, so this test can see them run. And with the
sanitizer off (a copy of the course), the second walls hold alone: the feedback page's and the formgrader's
Content-Security-Policy stop every payload, while the formgrader's own scripts still work.
The lessons' own markdown renders through the sanitizer exactly as nbconvert renders it.
"""
from __future__ import annotations

import base64
import io
import json
import re
import shutil
import urllib.request
from pathlib import Path

import nbformat
import pytest

from jupyterlab_driver import ROOT, find_chromium, launch_args
from test_formgrader import serve_formgrader
from test_grading_course import SAMPLE, instructor, new_course

LESSON = "00-sample"
STUDENT = "mallory"
ARTIFACTS = ROOT / "test-artifacts"
LINK_TEXT = "PAYLOAD-LINK"  # the javascript: links the test clicks
NOTES = "notes.html"  # a file she hands in beside her notebook


def payload(kind: str) -> str:
    """JavaScript that, if it runs, notes ``kind`` in ``top.__pwned``, sets the title, writes ``pwned-<kind>.txt``
    through the contents API with the page's XSRF token and opens a terminal. No double quote, ``<`` or ``>``:
    it goes into attributes, scripts and URLs as it is."""
    return ("(function(w){w.__pwned=(w.__pwned||[]).concat(['%(kind)s']);w.document.title='pwned %(kind)s';"
            "var x=(w.document.cookie.match(/_xsrf=([^;]+)/)||[])[1]||'';"
            "var h={'X-XSRFToken':x,'Content-Type':'application/json'};"
            "w.fetch('/api/contents/pwned-%(kind)s.txt',{method:'PUT',headers:h,"
            "body:JSON.stringify({type:'file',format:'text',content:'pwned'})});"
            "w.fetch('/api/terminals',{method:'POST',headers:h});})(top)") % {"kind": kind}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


#: Markdown payloads, each alone in a cell (a <div> or <script> block passes through markdown as it is).
MARKDOWN_PAYLOADS = {
    "md-img-onerror": f'<div><img src="x" onerror="{payload("md-img-onerror")}"></div>',
    "md-script": f'<script>{payload("md-script")}</script>',
    "md-js-link": f'<div><a href="javascript:{payload("md-js-link")}">{LINK_TEXT}</a></div>',
    "md-iframe": f'<div><iframe srcdoc="<script>{payload("md-iframe")}</script>"></iframe></div>',
    "md-object": f'<div><object data="data:text/html;base64,{_b64("<script>" + payload("md-object") + "</script>")}">'
                 f'</object></div>',
    "md-embed": f'<div><embed src="javascript:{payload("md-embed")}"></div>',
    "md-svg-script": f'<div><svg><script>{payload("md-svg-script")}</script></svg></div>',
}

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="{load}">'
       '<script>{script}</script><circle cx="20" cy="20" r="10"/></svg>')

#: Output payloads: one display_data each, as a student's notebook can hold them.
OUTPUT_PAYLOADS = {
    "out-html-script": {"text/html": f"<b>bold</b><script>{payload('out-html-script')}</script>"},
    "out-html-onerror": {"text/html": f'<img src="x" onerror="{payload("out-html-onerror")}">'},
    "out-js": {"application/javascript": payload("out-js")},
    "out-svg-script": {"image/svg+xml": SVG.format(load=payload("out-svg-script"), script=payload("out-svg-script"))},
    "out-md-handler": {"text/markdown": f'<div><img src="x" onerror="{payload("out-md-handler")}"></div>'},
}

#: What ran in the control (nbconvert's classic page opened from disk): every payload that can reach ``top``
#: from there. Not the object (its document has an origin of its own), the embed (Chromium runs no
#: javascript: URL as a plug-in), the application/javascript output (the classic page's jQuery comes from a
#: CDN, out of reach here; the formgrader's page has jQuery and runs it) nor the SVG (nbconvert shows it as an
#: image by default).
RUN_IN_CONTROL = {"md-img-onerror", "md-script", "md-js-link", "md-iframe", "md-svg-script", "out-html-script",
                  "out-html-onerror", "out-md-handler"}

HONEST_MARKDOWN = ("Honest answer: the error falls as the output nears the target, $t_j - y_j < 1$.\n\n"
                   "<details><summary>Why</summary>Because each term is squared.</details>")
HONEST_TABLE = "<table><tr><td>honest cell 42</td></tr></table>"
WIDGET_FALLBACK = "IntSlider(value=3, description='honest widget')"


def _lesson_markdown() -> list[tuple[str, str]]:
    """(lesson, source) of every markdown cell of the course's lessons and the sample course's."""
    from notebooks import lessons, source

    paths = [source(lesson) for lesson in lessons()] + [SAMPLE / "solutions" / LESSON / f"{LESSON}.ipynb"]
    return [(path.stem, cell.source) for path in paths for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "markdown"]


def test_the_courses_own_markdown_is_shown_as_before():
    """The allow-list keeps everything the lessons write (formulas, <details>, tables, code, links): each
    markdown cell renders to exactly nbconvert's own HTML, and the block the template renders again is left
    as it is."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    from backprop_core.grading.judge.nbgrader_ext.sanitize import as_markdown_block, markdown_to_safe_html

    cells = _lesson_markdown()
    assert len(cells) > 50
    for lesson, text in cells:
        unsanitized = MarkdownWithMath(renderer=IPythonRenderer(escape=False, exclude_anchor_links=True)).render(text)
        shown = markdown_to_safe_html(text)
        assert shown == unsanitized, f"{lesson}: the sanitizer changed\n{text[:300]}"
        block = as_markdown_block(shown)
        assert MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(block).strip() == block, lesson


def _png() -> str:
    """A small matplotlib figure, as a notebook holds it (base64 PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(2, 1.5), dpi=50)
    axes.plot([0, 1, 2], [0, 1, 4])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def hostile_submission(solution: Path) -> nbformat.NotebookNode:
    """The lesson's solution (full marks) with honest content and every payload added at its end."""
    nb = nbformat.read(solution, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(HONEST_MARKDOWN))
    nb.cells.extend(nbformat.v4.new_markdown_cell(f"Payload {kind}:\n\n{html}\n")
                    for kind, html in MARKDOWN_PAYLOADS.items())
    outputs = [nbformat.v4.new_output("display_data", data) for data in OUTPUT_PAYLOADS.values()]
    outputs += [
        nbformat.v4.new_output("display_data", {"image/png": _png(), "text/plain": "<Figure size 100x75>"}),
        nbformat.v4.new_output("execute_result", {"text/html": HONEST_TABLE, "text/plain": "honest cell 42"},
                               execution_count=1),
        nbformat.v4.new_output("display_data", {
            "application/vnd.jupyter.widget-view+json": {"model_id": "0f" * 16, "version_major": 2,
                                                         "version_minor": 0},
            "text/plain": WIDGET_FALLBACK}),
    ]
    nb.cells.append(nbformat.v4.new_code_cell("print('what I saw')", outputs=outputs, execution_count=1))
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                             "version_minor": 0}}
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The sample course released, ``mallory``'s submission autograded and given feedback by the real
    commands."""
    tmp = new_course(tmp_path_factory.mktemp("hostile-content"), SAMPLE, LESSON)
    handed_in = tmp / "submitted" / STUDENT / LESSON
    handed_in.mkdir(parents=True)
    nbformat.write(hostile_submission(SAMPLE / "solutions" / LESSON / f"{LESSON}.ipynb"), handed_in / f"{LESSON}.ipynb")
    # A page of her own beside the notebook: the formgrader serves a submission's files (a relative link on
    # her page, which the sanitizer keeps, would open it).
    (handed_in / NOTES).write_text(f"<p>my notes</p><script>{payload('file-html')}</script>", encoding="utf-8")
    for command in ("release", "autograde", "feedback"):
        result = instructor(tmp, command, LESSON)
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return tmp


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        pytest.skip("no Chromium found (install Debian's chromium, or set BACKPROP_CHROMIUM); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=launch_args(), headless=True)
        try:
            yield browser
        finally:
            browser.close()


#: In the page: what of the student's content could run (elements, handlers, URLs), outside typeset formulas.
_LIVE_CONTENT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('.text_cell_render *, .output_area *, .output_subarea *')) {
    if (el.closest('math')) continue;
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'svg', 'frame', 'form'].includes(tag)) found.push('<' + tag + '>');
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') || attr.name === 'srcdoc') found.push(tag + ' ' + attr.name);
      if (/^\\s*javascript:/i.test(attr.value)) found.push(tag + ' ' + attr.name + '=javascript:');
    }
  }
  return found;
}"""


def visit(context, url: str) -> dict:
    """Open ``url``, click the payload links, let the page settle: what ran, and what the page shows."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for link in page.get_by_text(LINK_TEXT).all():
        link.click(no_wait_after=True)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # a payload's own timers and requests (not a measurement)
    seen = {
        "ran": page.evaluate("window.__pwned || []"),
        "title": page.title(),
        "live": page.evaluate(_LIVE_CONTENT),
        "text": page.inner_text("body"),
        "pngs": page.evaluate("""() => [...document.querySelectorAll('img[src^="data:image/png"]')]
                                       .filter(img => img.complete && img.naturalWidth > 0).length"""),
        "svg_images": page.evaluate("""() => [...document.querySelectorAll('img[src^="data:image/svg+xml"]')]
                                             .filter(img => img.complete && img.naturalWidth > 0).length"""),
        "formulas": page.locator("math").count(),  # typeset when the page was written (MathML)
        "broken_formulas": page.locator("math merror").count(),
        "page": page,
    }
    return seen


def _terminals(base: str, token: str) -> list:
    with urllib.request.urlopen(f"{base}/api/terminals?token={token}", timeout=30) as response:
        return json.loads(response.read())


def _written(course: Path) -> list[str]:
    return sorted(str(p.relative_to(course)) for p in course.rglob("pwned-*"))


def _assert_honest_content_shows(seen: dict, where: str) -> None:
    text = seen["text"]
    assert "Honest answer: the error falls as the output nears the target" in text, where
    assert "honest cell 42" in text and WIDGET_FALLBACK in text, where
    assert "Why" in text, f"{where}: the <details> answer is gone"
    assert seen["pngs"] >= 1, f"{where}: the PNG figure does not show"
    assert seen["svg_images"] >= 1, f"{where}: the SVG output is not shown as an image"


@pytest.mark.browser
def test_the_payloads_run_where_nothing_is_sanitized(course, chromium, tmp_path):
    """The control: the same autograded notebook through nbconvert's plain HTML exporter (what the formgrader
    used), opened from disk. The payloads run: the checks below can see them."""
    from nbconvert.exporters import HTMLExporter

    autograded = course / "autograded" / STUDENT / LESSON / f"{LESSON}.ipynb"
    body, _ = HTMLExporter(template_name="classic").from_filename(str(autograded))
    page_path = tmp_path / "unsanitized.html"
    page_path.write_text(body, encoding="utf-8")
    context = chromium.new_context()
    try:
        seen = visit(context, page_path.as_uri())
    finally:
        context.close()
    assert RUN_IN_CONTROL <= set(seen["ran"]), f"ran: {sorted(set(seen['ran']))}"
    assert seen["title"].startswith("pwned")


@pytest.mark.browser
def test_nothing_of_hers_runs_in_the_formgrader_or_the_feedback(course, chromium):
    """Her manual grading page in a running formgrader, her feedback page through that server and from disk:
    nothing ran, nothing of hers that could run is on the pages, her honest content shows."""
    feedback = course / "feedback" / STUDENT / LESSON / f"{LESSON}.html"
    assert feedback.is_file(), f"no feedback page at {feedback}"
    with serve_formgrader(course) as (base, token, _):
        with urllib.request.urlopen(f"{base}/formgrader/api/submitted_notebooks/{LESSON}/{LESSON}?token={token}",
                                    timeout=30) as response:
            submissions = json.loads(response.read())
        assert [s["student"] for s in submissions] == [STUDENT]
        assert submissions[0]["score"] == submissions[0]["max_score"] > 0  # the payloads cost and earn nothing
        context = chromium.new_context(viewport={"width": 1200, "height": 1400})
        try:
            # Logged in as the instructor: the token sets the server's cookie, and the formgrader its XSRF cookie.
            context.new_page().goto(f"{base}/formgrader?token={token}")
            assert any(c["name"] == "_xsrf" for c in context.cookies()), "the page would hold no XSRF token"
            pages = {
                "formgrader": visit(context, f"{base}/formgrader/submissions/{submissions[0]['id']}/"),
                # As JupyterLab opens an HTML file in a tab of its own (the token: /files/ refuses the cookie alone).
                "feedback served": visit(context, f"{base}/files/feedback/{STUDENT}/{LESSON}/{LESSON}.html"
                                                  f"?token={token}"),
            }
            submitted_file = visit(context, f"{base}/formgrader/submissions/{submissions[0]['id']}/{NOTES}")
            assert "my notes" in submitted_file["text"], "her file is not served (the check below would be empty)"
            grading = pages["formgrader"]["page"]
            assert grading.locator(".score").count() >= 2, "the manual grading form is not on the page"
            grading.get_by_text("Honest answer").scroll_into_view_if_needed()
            ARTIFACTS.mkdir(exist_ok=True)
            grading.screenshot(path=str(ARTIFACTS / "sanitized-formgrader-submission.png"), full_page=True)
            terminals = _terminals(base, token)
        finally:
            context.close()
        offline = chromium.new_context(offline=True)
        try:
            pages["feedback from disk"] = visit(offline, feedback.as_uri())
        finally:
            offline.close()
    # Everything that ran, wrote or opened, in one message (on an unsanitized formgrader, all of it at once).
    problems = [f"{where}: her payloads ran: {seen['ran']}" for where, seen in pages.items() if seen["ran"]]
    problems += [f"{where}: title {seen['title']!r}" for where, seen in pages.items() if seen["title"].startswith("pwned")]
    problems += [f"{where}: her content could still run: {seen['live'][:10]}" for where, seen in pages.items() if seen["live"]]
    problems += [f"her {NOTES}: ran {submitted_file['ran']}"] if submitted_file["ran"] else []
    problems += [f"a terminal was opened: {terminals}"] if terminals else []
    problems += [f"a payload wrote through the contents API: {_written(course)}"] if _written(course) else []
    assert not problems, "\n".join(problems)
    for where, seen in pages.items():
        _assert_honest_content_shows(seen, where)
    for where in ("feedback served", "feedback from disk"):
        seen = pages[where]
        assert seen["formulas"] >= 2 and seen["broken_formulas"] == 0, \
            f"{where}: {seen['formulas']} formulas typeset, {seen['broken_formulas']} broken"
        assert "$t_j - y_j < 1$" not in seen["text"], f"{where}: her formula is left raw"
    # The formgrader's own MathJax comes from a CDN (out of reach here): her formula is there, intact, for it.
    assert "$t_j - y_j < 1$" in pages["formgrader"]["text"]


@pytest.fixture(scope="module")
def unsanitized_course(course, tmp_path_factory) -> Path:
    """A copy of the graded course whose nbgrader_config.py has the sanitizer off, its feedback written again:
    for the second walls alone."""
    copy = tmp_path_factory.mktemp("unsanitized") / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("feedback"))
    config = copy / "nbgrader_config.py"
    text, replaced = re.subn(r"^c\.HTMLExporter\.preprocessors = .*$", "c.HTMLExporter.preprocessors = []",
                             config.read_text(), flags=re.M)
    assert replaced == 1, "nbgrader_config.py no longer names the sanitizer as this test expects"
    config.write_text(text)
    result = instructor(copy, "feedback", LESSON)
    assert result.returncode == 0, f"feedback:\n{result.stdout}\n{result.stderr}"
    return copy


@pytest.mark.browser
def test_the_feedback_pages_policy_stops_what_a_sanitizer_would_miss(unsanitized_course, chromium):
    """The second wall alone: her feedback page written with the sanitizer off holds her scripts and handlers,
    and its Content-Security-Policy (no script at all) stops every one of them."""
    context = chromium.new_context(offline=True)
    try:
        seen = visit(context, (unsanitized_course / "feedback" / STUDENT / LESSON / f"{LESSON}.html").as_uri())
    finally:
        context.close()
    assert {"<script>", "img onerror", "<iframe>"} <= set(seen["live"]), f"her markup is not there: {seen['live']}"
    assert seen["ran"] == [] and not seen["title"].startswith("pwned"), f"ran: {seen['ran']}, title {seen['title']!r}"


@pytest.mark.browser
def test_the_formgraders_policy_stops_what_a_sanitizer_would_miss(unsanitized_course, chromium):
    """The second wall alone, in ``make formgrader``: her page with the sanitizer off holds her scripts and
    handlers, and its Content-Security-Policy stops every one of them (nothing written, no terminal), while the
    formgrader's own scripts run: the scores come from its API, and the eye icon's handler shows her name."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with serve_formgrader(unsanitized_course) as (base, token, _):
        with urllib.request.urlopen(f"{base}/formgrader/api/submitted_notebooks/{LESSON}/{LESSON}?token={token}",
                                    timeout=30) as response:
            submission = json.loads(response.read())[0]["id"]
        context = chromium.new_context()
        try:
            context.new_page().goto(f"{base}/formgrader?token={token}")
            seen = visit(context, f"{base}/formgrader/submissions/{submission}/")
            page = seen["page"]
            # (Playwright's wait_for_function evaluates a string: the page's policy forbids that, rightly.)
            # formgrade.js puts each autograded score in its input's placeholder (the template writes none).
            sync_api.expect(page.locator("input.score").first).to_have_attribute("placeholder", "1", timeout=30_000)
            scores = page.eval_on_selector_all("input.score", "inputs => inputs.map(i => i.placeholder)")
            page.locator("span.glyphicon.name-hidden").click()  # onclick="toggle_name(true);"
            name_shown = page.locator("a.name-shown").is_visible()
            terminals = _terminals(base, token)
        finally:
            context.close()
    assert {"<script>", "img onerror", "<iframe>"} <= set(seen["live"]), f"her markup is not there: {seen['live']}"
    assert seen["ran"] == [] and not seen["title"].startswith("pwned"), f"ran: {seen['ran']}, title {seen['title']!r}"
    assert terminals == [] and _written(unsanitized_course) == []
    assert scores and all(value == "1" for value in scores), f"the formgrader's scores did not load: {scores}"
    assert name_shown, "the formgrader's own handler (toggle_name) did not run"

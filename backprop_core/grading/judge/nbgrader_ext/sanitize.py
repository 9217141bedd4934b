"""Student content never runs in anyone's browser: :class:`SanitizeStudentContent`.

A submitted notebook is the student's file, markdown, outputs and metadata alike. The formgrader shows it to
the instructor (nbconvert's HTML exporter, on the Jupyter server's origin, with the page's credentials: its
contents API, its terminals) and ``nbgrader generate_feedback`` writes it into a page the student and the
instructor open. nbconvert passes a markdown cell's HTML and a ``text/html`` output through as they are, and
runs an ``application/javascript`` output: a ``<img src=x onerror=...>`` in a markdown cell, or a script in an
output, would run as whoever opens the page.

This preprocessor is the one place where that content is made safe, before any template sees it. It runs in
every ``HTMLExporter`` of the course (``c.HTMLExporter.preprocessors`` in ``nbgrader_config.py``): the
formgrader's submission pages and the feedback pages. With bleach (nbconvert's own sanitizer) and an
allow-list that keeps the course's rich content:

- markdown (cells, ``text/markdown`` outputs, raw HTML cells) is rendered to HTML as nbconvert renders it
  (formulas kept as ``$...$`` text for MathJax, attached images embedded), then cleaned: no script, no event
  handler, no ``javascript:`` URL, no iframe, object, embed, form, style element or SVG; images only from
  ``http(s)`` or as ``data:image/...``. The cell's source becomes that HTML, in one block that the template's
  markdown pass leaves alone;
- ``text/html`` outputs are cleaned the same way; ``application/javascript`` and widget views are dropped,
  leaving their ``text/plain`` fallback or a note saying what was not shown; ``image/svg+xml`` is shown only as
  an ``<img>`` (a browser runs no script of an SVG loaded as an image); PNG, JPEG, LaTeX, plain text, streams
  and errors are escaped by the templates and kept;
- the notebook's widget state (it loads the widget manager from a CDN) is dropped.
"""
from __future__ import annotations

import base64
import re
from typing import Any

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode, from_dict

#: Tags kept in student HTML: text, lists, tables, code, images, details; nothing that runs or embeds.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
})

#: Attributes kept, per tag ("*": any tag). No ``id`` (a student's id could stand in for the page's own
#: elements, e.g. the formgrader's ``#statusmessage``), no ``on*``, no ``srcdoc``.
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "style", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
}

#: CSS properties kept in ``style`` (pandas' tables, coloured text); no position, no url(): nothing that could
#: cover the grading form or fetch anything.
ALLOWED_CSS = frozenset({
    "text-align", "vertical-align", "color", "background-color", "font-weight", "font-style",
    "text-decoration", "white-space", "border", "border-collapse", "padding", "margin",
})

#: Image data a student's ``<img src="data:...">`` may carry.
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]")
_URL_NOISE = re.compile(r"[`\x00-\x20\x7f-\xa0\s]+")

#: Output types shown as they are: the templates escape them (or they are images in ``<img>``).
SAFE_OUTPUT_TYPES = frozenset({"text/plain", "text/latex", "image/png", "image/jpeg", "application/json"})


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """bleach's attribute filter: the allow-list above, and URLs only of the kinds that cannot run anything."""
    if name not in ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]:
        return False
    if name not in ("href", "src"):
        return True
    url = _URL_NOISE.sub("", bleach.html5lib_shim.convert_entities(value)).lower()
    if url.startswith("data:"):
        return tag == "img" and name == "src" and bool(_IMAGE_DATA.match(url))
    return ":" not in url.split("/", 1)[0] or url.startswith(("http:", "https:", "mailto:"))


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=_allowed_attribute, protocols={"http", "https", "mailto", "data"},
    css_sanitizer=CSSSanitizer(allowed_css_properties=ALLOWED_CSS), strip=True, strip_comments=True,
)


def clean_html(html: str) -> str:
    """``html`` with everything outside the allow-list removed (tags stripped, their text kept; a script's or
    style's text dropped with it)."""
    # bleach strips a <script> tag but keeps its text, as text: harmless, yet noise in what the grader reads.
    html = re.sub(r"<(script|style)\b[^>]*>.*?</\1\s*>", "", html, flags=re.IGNORECASE | re.DOTALL)
    return _CLEANER.clean(html)


def markdown_to_safe_html(source: str, attachments: dict | None = None) -> str:
    """A markdown text rendered as nbconvert renders it (formulas left as ``$...$`` for MathJax, attached images
    embedded as data), then cleaned by :func:`clean_html`."""
    renderer = IPythonRenderer(escape=False, attachments=attachments or {}, exclude_anchor_links=True)
    return clean_html(MarkdownWithMath(renderer=renderer).render(source))


def as_markdown_block(html: str) -> str:
    """Cleaned HTML as a markdown source that renders to exactly that HTML: one ``<div>`` block on one line
    (a markdown HTML block ends at a blank line), every newline written as ``&#10;``, which the browser reads
    as the same newline (in ``<pre>`` too)."""
    return '<div class="backprop-sanitized">' + html.replace("\r", "").replace("\n", "&#10;") + "</div>"


def _note(what: str) -> str:
    return f"[{what} not shown: a submission's content never runs in the grader's or the student's browser]"


def _svg_as_image(svg: str) -> str:
    """An SVG output as an ``<img>`` of it: shown, but a browser runs no script of an image."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="SVG output">'


def sanitize_output(output: NotebookNode) -> NotebookNode:
    """One code-cell output made safe (see the module): streams and errors as they are; of a display's data,
    the types the templates show escaped, cleaned HTML, an SVG as an image, and a note for what is dropped."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return output
    data, kept, dropped = output.get("data", {}), {}, []
    for mimetype, value in data.items():
        text = "".join(value) if isinstance(value, list) else value
        if mimetype in SAFE_OUTPUT_TYPES:
            kept[mimetype] = value
        elif mimetype == "text/html":
            kept["text/html"] = clean_html(str(text))
        elif mimetype == "text/markdown" and "text/html" not in data:
            kept["text/html"] = markdown_to_safe_html(str(text))
        elif mimetype == "image/svg+xml" and "text/html" not in data:
            kept["text/html"] = _svg_as_image(str(text))
        elif mimetype not in ("text/markdown", "image/svg+xml"):
            dropped.append(mimetype)
    if dropped and not kept:
        kept["text/plain"] = _note(", ".join(sorted(dropped)))
    output["data"] = from_dict(kept)
    # The templates read an output's metadata only for its images' size and alt text, escaped; an isolated
    # text/html output would go into an iframe: shown inline, cleaned, instead.
    output["metadata"] = from_dict({k: v for k, v in output.get("metadata", {}).items() if k.startswith("image/")})
    return output


class SanitizeStudentContent(Preprocessor):
    """Make a notebook's markdown, outputs and widget state safe to show in a browser (see the module).

    Runs in the HTML exporters that show a submission: nbgrader's formgrader and the feedback page
    (``c.HTMLExporter.preprocessors`` in ``nbgrader_config.py``). The notebook on disk is left as it is.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int):
        if cell.cell_type == "markdown":
            cell.source = as_markdown_block(markdown_to_safe_html(cell.source, cell.get("attachments")))
            cell.pop("attachments", None)  # embedded above
        elif cell.cell_type == "raw":
            cell.source = clean_html(cell.source)
        elif cell.cell_type == "code":
            cell.outputs = [sanitize_output(output) for output in cell.get("outputs", [])]
        return cell, resources

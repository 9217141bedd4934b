"""The feedback page a student can read offline: :class:`OfflineFeedbackExporter`.

nbgrader writes feedback with nbconvert's HTML exporter and its own ``feedback``
template, which loads MathJax 2 from a CDN and Bootstrap (120 KB). This exporter
renders the same page through ``templates/backprop_feedback``, which

- typesets the page's formulas when it is written: LaTeX to MathML (:mod:`.formulas`),
  which browsers draw themselves, offline, with no script;
- styles it with the course's own small style sheet (``feedback.css``), long lines wrapped;
- names each test in the summary by its grade id and what it checks
  (:class:`~backprop_core.grading.judge.nbgrader_ext.feedback.DescribeTestCells`);
- opens with a Content-Security-Policy that lets no script run and loads nothing: a second wall behind the
  sanitizer (:class:`~backprop_core.grading.judge.nbgrader_ext.sanitize.SanitizeStudentContent`), should any
  student script ever reach the page, it would not run.

One self-contained file per notebook (tens of kilobytes: code is highlighted, but a token whose
style shows nothing carries no span; plus the pictures the
notebook holds), as nbgrader's exchange hands back only the ``.html`` files of a
feedback folder. ``nbgrader_config.py`` selects it::

    c.GenerateFeedback.exporter_class = OfflineFeedbackExporter
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup
from nbconvert.exporters import HTMLExporter
from traitlets import default

from .formulas import typeset_sanitized_blocks

#: The course's template folder (``backprop_feedback`` inside) and the template's name.
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "backprop_feedback"


def nbgrader_templates() -> Path:
    """nbgrader's own template folder (its ``feedback`` template, which ours extends)."""
    import nbgrader

    return Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"


def feedback_template_dirs() -> list[str]:
    """Where the page's templates are: the course's folder first, then nbgrader's."""
    return [os.fspath(TEMPLATES), os.fspath(nbgrader_templates())]


#: The page's policy: no script at all, nothing loaded (no network, no frame, object or form); inline styles and
#: ``data:`` images, which the page and the notebook's pictures use.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                           "font-src data:; base-uri 'none'; form-action 'none'")


@functools.lru_cache(maxsize=1)
def page_head() -> Markup:
    """What the page's ``<head>`` holds of ours: its policy (a ``<meta>``, first) and its style sheet."""
    css = (TEMPLATES / TEMPLATE_NAME / "feedback.css").read_text(encoding="utf-8")
    return Markup(f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
                  f"<style>\n{css}</style>")


#: A code token pygments wraps in a span the page's style gives no look: a name or punctuation (no rule in
#: pygments' default style), or whitespace (its grey never shows). Half of a code-heavy page's bytes were these
#: spans (lesson 10's page with a known mistake: 243 KB, 158 KB without them); the text inside is already escaped.
_UNSTYLED_TOKEN = re.compile(r'<span class="(?:n|p|w)">([^<]*)</span>')


def unwrap_unstyled_tokens(page: str) -> str:
    """``page`` without the spans of :data:`_UNSTYLED_TOKEN` (their text kept): the same look, fewer bytes."""
    return _UNSTYLED_TOKEN.sub(r"\1", page)


class OfflineFeedbackExporter(HTMLExporter):
    """nbgrader's feedback page, its formulas typeset, no script, each test named (see the module)."""

    def from_notebook_node(self, nb, resources=None, **kw):
        page, resources = super().from_notebook_node(nb, resources, **kw)
        return unwrap_unstyled_tokens(typeset_sanitized_blocks(page)), resources

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return feedback_template_dirs()

    def _create_environment(self):
        environment = super()._create_environment()
        environment.globals["page_head"] = page_head
        # Our index.html.j2 extends nbgrader's by its path, 'feedback/index.html.j2': search nbgrader's folder too.
        environment.loader = ChoiceLoader([environment.loader, FileSystemLoader(os.fspath(nbgrader_templates()))])
        return environment

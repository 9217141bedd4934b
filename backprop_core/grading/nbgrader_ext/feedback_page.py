"""The feedback page a student can read offline: :class:`OfflineFeedbackExporter`.

nbgrader writes feedback with nbconvert's HTML exporter and its own ``feedback``
template, which loads MathJax 2 from a CDN: offline (a train, an exam room, a
firewalled lab) every formula stays raw LaTeX. This exporter renders the same
page through ``templates/backprop_feedback``, which

- writes MathJax 3 into the page itself: its TeX-to-SVG component, one script
  with its glyphs as path data, so no font or extension is fetched later (from
  the ``django-static-mathjax`` package, MathJax's own files; Django itself is
  not needed);
- names each test in the summary by its grade id and what it checks
  (:class:`~backprop_core.grading.nbgrader_ext.feedback.DescribeTestCells`);
- opens with a Content-Security-Policy that lets run only those two MathJax scripts (by their hashes) and
  loads nothing: a second wall behind the sanitizer
  (:class:`~backprop_core.grading.nbgrader_ext.sanitize.SanitizeStudentContent`), should any student script
  ever reach the page, it would not run.

One self-contained file per notebook, as nbgrader's exchange hands back only
the ``.html`` files of a feedback folder. ``nbgrader_config.py`` selects it::

    c.GenerateFeedback.exporter_class = OfflineFeedbackExporter
"""
from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup
from nbconvert.exporters import HTMLExporter
from traitlets import default

#: The course's template folder (``backprop_feedback`` inside) and the template's name.
TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "backprop_feedback"

#: Read before MathJax loads: the delimiters of the lessons' markdown, SVG output with one glyph cache per page.
MATHJAX_CONFIG = """window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true},
  svg: {fontCache: 'global'},
  options: {skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code']}
};"""


def nbgrader_templates() -> Path:
    """nbgrader's own template folder (its ``feedback`` template, which ours extends)."""
    import nbgrader

    return Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"


def mathjax_script_path() -> Path:
    """MathJax 3's ``es5/tex-svg.js`` from the installed ``django-static-mathjax`` package.

    Raises
    ------
    RuntimeError
        The package is missing, or holds no such file, naming what to install.
    """
    try:
        import mathjax  # the django-static-mathjax distribution's package: MathJax's files under static/
    except ImportError:
        raise RuntimeError("offline feedback needs MathJax: pip install django-static-mathjax "
                           "(a dependency of the course: pip install -e .)") from None
    path = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5" / "tex-svg.js"
    if not path.is_file():
        raise RuntimeError(f"offline feedback needs MathJax 3's es5/tex-svg.js, not found at {path}")
    return path


def feedback_template_dirs() -> list[str]:
    """Where the page's templates are: the course's folder first (its ``mathjax.html.j2`` shadows nbconvert's),
    then nbgrader's."""
    return [os.fspath(TEMPLATES), os.fspath(nbgrader_templates())]


def _script_hash(text: str) -> str:
    """A CSP source that allows the inline script whose text (between its tags) is ``text``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@functools.lru_cache(maxsize=1)
def _mathjax_scripts() -> tuple[str, str]:
    """The texts of the page's two scripts: MathJax's configuration, and the library.

    The library's text is made safe inside a ``<script>`` element: an HTML parser would end the element at
    ``</script`` and treat ``<!--`` specially; ``<\\/`` and ``<\\!`` mean the same in JavaScript's strings
    and regular expressions, where these occur.
    """
    library = mathjax_script_path().read_text(encoding="utf-8")
    library = re.sub("</(script)", r"<\\/\1", library, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    return f"\n{MATHJAX_CONFIG}\n", f"\n{library}\n"


def content_security_policy() -> str:
    """The page's policy: no script but MathJax's two (by hash: no inline script, handler or ``javascript:``
    URL of anyone else runs), no network, no frame, object or form; inline styles and ``data:`` images and
    fonts, which the page and MathJax's SVG use."""
    config, library = _mathjax_scripts()
    return ("default-src 'none'; "
            f"script-src {_script_hash(config)} {_script_hash(library)}; "
            "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'")


@functools.lru_cache(maxsize=1)
def offline_mathjax() -> Markup:
    """The page's Content-Security-Policy (a ``<meta>``: it must come before any script, and this comes first
    in the page's head) and the ``<script>`` elements that typeset its formulas with no network (about 2 MB)."""
    config, library = _mathjax_scripts()
    return Markup(f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">\n'
                  f'<script type="text/javascript">{config}</script>\n'
                  f'<script type="text/javascript" id="MathJax-script">{library}</script>')


class OfflineFeedbackExporter(HTMLExporter):
    """nbgrader's feedback page, with MathJax written into it and each test named (see the module)."""

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return feedback_template_dirs()

    def _create_environment(self):
        environment = super()._create_environment()
        environment.globals["offline_mathjax"] = offline_mathjax
        # Our index.html.j2 extends nbgrader's by its path, 'feedback/index.html.j2': search nbgrader's folder too.
        environment.loader = ChoiceLoader([environment.loader, FileSystemLoader(os.fspath(nbgrader_templates()))])
        return environment

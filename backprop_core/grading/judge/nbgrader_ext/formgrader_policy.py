"""A Content-Security-Policy for the formgrader's pages that show a submission: the second wall.

:class:`~backprop_core.grading.judge.nbgrader_ext.sanitize.SanitizeStudentContent` cleans what a submission's page
shows. Should anything of the student's ever get past it, this Jupyter server extension keeps it from running
on the server's origin (where a script could use the instructor's contents API and terminals):

- a submission's manual grading page (:class:`SubmissionPage`) lets run only the page's own scripts: its
  script files (``'self'``), MathJax from its configured URL, and the inline scripts and handlers of
  nbgrader's template, by their SHA-256 hashes. Those are taken from the part of the page written before the
  submission's notebook (``id="notebook-container"``), the template's header and navigation: no inline script
  or handler of the notebook's is allowed;
- a file of a submission's folder (:class:`SubmissionFile`, e.g. an ``.html`` a student handed in beside the
  notebook, which a link on the page could open) is served sandboxed, running nothing.

nbgrader registers its handlers from its module's ``default_handlers`` when its own extension loads; this one
loads first (Jupyter loads server extensions in the order of their names) and puts these subclasses in that
list. ``make formgrader`` enables it (``etc/jupyter-instructor/jupyter_server_config.json``).
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import urlsplit

from nbgrader.server_extensions.formgrader import handlers as nbgrader_handlers

#: Where the submission's notebook starts on nbgrader's page: everything before is the template's.
NOTEBOOK_START = 'id="notebook-container"'

_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def template_script_hashes(page: str) -> list[str]:
    """The CSP hash sources of the inline scripts and event handlers written before the notebook on ``page``.

    Raises
    ------
    ValueError
        The page has no notebook container (nbgrader's template changed): the caller must not guess.
    """
    end = page.find(NOTEBOOK_START)
    if end < 0:
        raise ValueError(f"the formgrader's page has no {NOTEBOOK_START!r}: cannot tell its scripts from the "
                         "submission's")
    head = page[:end]
    scripts = [match.group(1) for match in _INLINE_SCRIPT.finditer(head)]
    handlers = [html.unescape(match.group(1) if match.group(1) is not None else match.group(2))
                for match in _HANDLER.finditer(head)]
    return sorted({_hash(text) for text in scripts + handlers})


def submission_page_policy(page: str, mathjax_url: str = "") -> str:
    """The policy of a submission's page (see the module): its own scripts only, nothing framed or embedded."""
    sources = ["'self'", "'unsafe-hashes'", *template_script_hashes(page)]
    origin = urlsplit(mathjax_url)
    if origin.scheme in ("http", "https") and origin.netloc:
        sources.append(f"{origin.scheme}://{origin.netloc}")  # MathJax and the files it loads
    return ("default-src 'self'; script-src " + " ".join(sources) + "; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:; font-src 'self' data: http: https:; "
            "object-src 'none'; frame-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


#: A submission's own files: shown, never run, in an origin of their own.
SUBMISSION_FILE_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                          "font-src data:; sandbox")


class SubmissionPage(nbgrader_handlers.SubmissionHandler):
    """nbgrader's manual grading page of a submission, sent with :func:`submission_page_policy`."""

    def write(self, chunk):
        if isinstance(chunk, str) and NOTEBOOK_START in chunk:
            self.set_header("Content-Security-Policy", submission_page_policy(chunk, self.mathjax_url))
        return super().write(chunk)


class SubmissionFile(nbgrader_handlers.SubmissionFilesHandler):
    """A file of a submission's folder, sent with :data:`SUBMISSION_FILE_POLICY`."""

    @property
    def content_security_policy(self) -> str:
        return SUBMISSION_FILE_POLICY


_REPLACED = {nbgrader_handlers.SubmissionHandler: SubmissionPage,
             nbgrader_handlers.SubmissionFilesHandler: SubmissionFile}


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _registered(router, handler: type) -> bool:
    """Whether ``handler`` already serves something in the server's routing (nested tornado routers)."""
    for rule in getattr(router, "rules", []):
        if rule.target is handler or _registered(rule.target, handler):
            return True
    return False


def _load_jupyter_server_extension(serverapp) -> None:
    """Put :class:`SubmissionPage` and :class:`SubmissionFile` in nbgrader's handler list, before nbgrader's
    extension registers it."""
    if _registered(serverapp.web_app.default_router, nbgrader_handlers.SubmissionHandler):
        raise RuntimeError("nbgrader's formgrader was loaded first: its submission pages would carry no "
                           "Content-Security-Policy")
    rules = nbgrader_handlers.default_handlers
    for index, rule in enumerate(rules):
        if rule[1] in _REPLACED:
            rules[index] = (rule[0], _REPLACED[rule[1]], *rule[2:])
    if not any(rule[1] is SubmissionPage for rule in rules):
        raise RuntimeError("nbgrader's formgrader has no SubmissionHandler to put a Content-Security-Policy on")
    serverapp.log.info("backprop: the formgrader's submission pages carry a Content-Security-Policy")

"""Formulas typeset when the feedback page is written: LaTeX to MathML, so the page needs no script at all.

A feedback page used to carry MathJax (about 2 MB of JavaScript) to typeset its formulas in the reader's
browser. Here each formula of the page's markdown becomes MathML while the page is written (the
``latex2mathml`` package), which every current browser draws by itself: the page stays offline, small,
and runs nothing (its Content-Security-Policy allows no script).

What the converter writes is cleaned like any student content (:mod:`.sanitize`): a formula is the
student's text too, and ``\\text{<script>}`` or ``\\href{javascript:...}`` must not become markup. A formula
the converter cannot read stays as its LaTeX source, in ``<code>``.
"""
from __future__ import annotations

import html
import re

import bleach
from latex2mathml.converter import convert

__all__ = ["typeset_formulas", "typeset_sanitized_blocks"]

#: MathML elements a formula may become: presentation markup only (no ``maction``, no ``href`` anywhere).
MATHML_TAGS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt",
    "mroot", "mover", "munder", "munderover", "mstyle", "mtable", "mtr", "mtd", "mpadded", "mphantom",
    "menclose", "merror", "mmultiscripts", "mprescripts", "none", "semantics", "annotation",
})
MATHML_ATTRIBUTES = frozenset({
    "xmlns", "display", "mathvariant", "stretchy", "accent", "accentunder", "displaystyle", "scriptlevel",
    "linethickness", "columnalign", "rowspacing", "columnspacing", "columnlines", "rowlines", "frame", "width",
    "height", "depth", "lspace", "rspace", "fence", "separator", "largeop", "movablelimits", "symmetric",
    "notation", "minsize", "maxsize", "form", "linebreak", "encoding",
})
_MATHML = bleach.Cleaner(tags=MATHML_TAGS, attributes=lambda tag, name, value: name in MATHML_ATTRIBUTES,
                         strip=True, strip_comments=True)

#: A formula in markdown text: $$...$$, \[...\], $...$ or \(...\) (display first, as MathJax reads them).
_FORMULA = re.compile(r"\$\$(?P<d1>.+?)\$\$|\\\[(?P<d2>.+?)\\\]|(?<![\\$])\$(?P<i1>[^$]+?)\$|\\\((?P<i2>.+?)\\\)",
                      re.DOTALL)
#: The page's markup, split into tags and the text between them.
_TAG = re.compile(r"(<[^>]*>)")
#: Elements whose text is code, never a formula.
_VERBATIM = ("code", "pre", "kbd", "samp")


def _mathml(latex: str, display: bool) -> str:
    """One formula as cleaned MathML, or its source in ``<code>`` when the converter cannot read it."""
    try:
        markup = convert(latex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 (any LaTeX the converter does not know: show it as written)
        return f"<code>{html.escape(latex)}</code>"
    # (bleach keeps text, drops any tag outside the MathML list: a <script> inside \text{} goes, with its text.)
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1\s*>", "", markup, flags=re.IGNORECASE | re.DOTALL)
    return _MATHML.clean(markup)


def typeset_formulas(text: str) -> str:
    """Markup ``text`` (HTML, entities escaped) with each formula outside code replaced by MathML."""
    pieces, verbatim = _TAG.split(text), 0
    for k, piece in enumerate(pieces):
        if k % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            if name and name.group(1).lower() in _VERBATIM and not piece.endswith("/>"):
                verbatim += -1 if piece.startswith("</") else 1
            continue
        if verbatim <= 0 and ("$" in piece or "\\(" in piece or "\\[" in piece):
            pieces[k] = _FORMULA.sub(lambda m: _replace(m), piece)
    return "".join(pieces)


def _replace(match: re.Match) -> str:
    display = match.group("d1") is not None or match.group("d2") is not None
    latex = next(group for group in match.groups() if group is not None)
    return _mathml(html.unescape(latex).strip(), display)


#: Where a markdown cell's content starts (:func:`.sanitize.as_markdown_block`), and the div tags within.
_BLOCK_START = '<div class="backprop-sanitized">'
_DIV = re.compile(r"<(/?)div\b", re.IGNORECASE)


def typeset_sanitized_blocks(page: str) -> str:
    """A whole page with the formulas of its (sanitized) markdown blocks typeset; the rest as it is."""
    out, position = [], 0
    while (start := page.find(_BLOCK_START, position)) >= 0:
        end = _block_end(page, start + len(_BLOCK_START))
        out += [page[position:start + len(_BLOCK_START)], typeset_formulas(page[start + len(_BLOCK_START):end])]
        position = end
    return "".join(out) + page[position:]


def _block_end(page: str, inside: int) -> int:
    """Where the ``</div>`` closing the block whose content starts at ``inside`` is (the page's end if none)."""
    depth = 1
    for tag in _DIV.finditer(page, inside):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.start()
    return len(page)

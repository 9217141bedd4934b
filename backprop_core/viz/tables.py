"""Small tables of numbers shown as Markdown in a notebook: the lessons' factor and path tables."""
from __future__ import annotations

from typing import Iterable, Sequence


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The Markdown text of a table: ``header`` names the columns, each row holds one entry per column
    (strings as they are, so LaTeX labels can be raw strings such as ``r"$\\partial E/\\partial w_5$"``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(entry) for entry in row) + " |" for row in rows]
    return "\n".join(lines)


def show_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Display :func:`markdown_table` of ``header`` and ``rows`` in the notebook (as plain text outside one)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown_table(header, list(rows))))

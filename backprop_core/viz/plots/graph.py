"""The computational graph of a scalar expression: one box per value with its data and gradient (lesson 10).

Computed with matplotlib alone (no graphviz): each value sits in the column of its
depth (inputs on the left, the result on the right), arrows run from a value to the
values made from it, and every box reads its name or operation, ``data`` and ``grad``.

Works with any value object that has ``data``, ``grad`` and ``parents`` (and, if it
has them, ``op`` and ``label``): the course's :class:`~backprop_core.nn.autograd.Value`
or a student's own.
"""
from __future__ import annotations

from typing import Any, Sequence

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from backprop_core.nn.autograd import topological_order
from backprop_core.viz.style import COLORS
from ._base import _Plot, fmt

__all__ = ["GraphDrawing", "draw_graph", "graph_layout"]

BOX_WIDTH, BOX_HEIGHT = 0.78, 0.62   # in column units: a column is 1 wide, a row 1 high
CURRENT_COLOR = COLORS["highlight"]     # the value whose backward rule runs now
RECEIVING_COLOR = COLORS["delta"]      # its parents, which receive a gradient


def graph_layout(root: Any) -> tuple[list, dict]:
    """The values ``root`` depends on (and ``root``), each after its parents, and where each is drawn.

    Returns
    -------
    order : list
        Every value once, each after all its parents (``root`` last).
    positions : dict id(value) -> (column, row)
        column = the longest path from an input; an input one column left of its first use;
        rows centred on 0 in each column.
    """
    order = topological_order(root, lambda v: tuple(v.parents))
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    # An input (a weight, a constant) sits just left of the first value made from it, not far away in column 0.
    first_use: dict[int, int] = {}
    for node in order:
        for parent in node.parents:
            first_use[id(parent)] = min(first_use.get(id(parent), depth[id(node)]), depth[id(node)])
    for node in order:
        if not node.parents and id(node) in first_use:
            depth[id(node)] = first_use[id(node)] - 1
    columns: dict[int, list] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    positions = {}
    for column, nodes in columns.items():
        for row, node in enumerate(nodes):
            positions[id(node)] = (float(column), (len(nodes) - 1) / 2.0 - row)
    return order, positions


def _name(node: Any) -> str:
    label, op = getattr(node, "label", ""), getattr(node, "op", "")
    if label and op:
        return f"{label} = {op}"
    return label or op or "value"


class GraphDrawing(_Plot):
    """An expression's graph, its boxes updated in place.

    Attributes
    ----------
    order : list
        The values, each after its parents (as :func:`graph_layout` returns).
    boxes : list of FancyBboxPatch
        One per value of ``order``.
    texts : list of Text
        One per value: its name, ``data`` and ``grad``.
    arrows : list of (int, int, FancyArrowPatch)
        (index of the parent in ``order``, index of the child, the arrow).
    """

    def __init__(self, root: Any, ax: Axes | None, title: str | None, min_rows: int = 1, min_columns: int = 1) -> None:
        self.order, positions = graph_layout(root)
        used_columns = 1 + max(int(c) for c, _ in positions.values())
        n_columns = max(used_columns, min_columns)
        n_rows = max(min_rows, max(sum(1 for c, _ in positions.values() if c == k) for k in range(used_columns)))
        super().__init__(ax, (min(1.0 + 1.45 * n_columns, 9.5), 0.6 + 0.85 * n_rows))
        self._xy = [positions[id(node)] for node in self.order]
        index = {id(node): k for k, node in enumerate(self.order)}
        self.arrows = []
        for k, node in enumerate(self.order):
            seen: dict[int, int] = {}
            for parent in node.parents:
                (x0, y0), (x1, y1) = self._xy[index[id(parent)]], self._xy[k]
                # A parent used twice by one node (x·x) gets a second, bent arrow; an arrow that skips a
                # column bends around the boxes in between instead of running under them.
                repeat = seen[id(parent)] = seen.get(id(parent), -1) + 1
                bend = 0.35 * repeat if repeat else (-0.3 if x1 - x0 > 1 else 0.0)
                start = (x0 + BOX_WIDTH / 2, y0) if not bend else (x0, y0 + BOX_HEIGHT / 2)
                end = (x1 - BOX_WIDTH / 2, y1) if not bend else (x1, y1 + BOX_HEIGHT / 2)
                if bend and repeat:
                    start, end = (x0 + BOX_WIDTH / 2, y0 - BOX_HEIGHT / 4), (x1 - BOX_WIDTH / 2, y1 - BOX_HEIGHT / 4)
                arrow = FancyArrowPatch(start, end, arrowstyle="-|>", connectionstyle=f"arc3,rad={bend}",
                                        mutation_scale=9, color=COLORS.get("text", "#333333"), lw=0.9, alpha=0.6)
                self.ax.add_patch(arrow)
                self.arrows.append((index[id(parent)], k, arrow))
        self.boxes, self.texts = [], []
        for (x, y), node in zip(self._xy, self.order):
            box = FancyBboxPatch((x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
                                 boxstyle="round,pad=0.02", facecolor="white", edgecolor="#555555", lw=1.0)
            self.ax.add_patch(box)
            self.boxes.append(box)
            self.texts.append(self.ax.text(x, y, "", ha="center", va="center", fontsize=7.5))
        self.ax.set_xlim(-0.6, n_columns - 0.4)
        self.ax.set_ylim(-n_rows / 2.0, n_rows / 2.0)
        self.ax.set_axis_off()
        if title:
            self.ax.set_title(title, fontsize=10)
        self.update()

    def update(self, grads: Sequence[float | None] | None = None, current: int | None = None) -> None:
        """Show each value's gradient, and mark the value whose backward rule runs now.

        Parameters
        ----------
        grads : sequence of float or None, one per value of ``order``; None: each value's ``grad``
            A None entry shows "grad ?": not known yet.
        current : int or None
            Index in ``order`` of the value whose rule runs now: its box is outlined in green,
            its parents' in purple (they receive the gradient).
        """
        if grads is None:
            grads = [node.grad for node in self.order]
        if len(grads) != len(self.order):
            raise ValueError(f"grads must give one gradient per value ({len(self.order)}), got {len(grads)}")
        receiving = {p for p, c, _ in self.arrows if c == current}
        for k, (node, text, box) in enumerate(zip(self.order, self.texts, self.boxes)):
            grad = "grad ?" if grads[k] is None else f"grad {fmt(grads[k])}"
            text.set_text(f"{_name(node)}\ndata {fmt(node.data)}\n{grad}")
            color, width = (CURRENT_COLOR, 2.4) if k == current else (
                (RECEIVING_COLOR, 2.0) if k in receiving else ("#555555", 1.0))
            box.set_edgecolor(color)
            box.set_linewidth(width)
        for p, c, arrow in self.arrows:
            arrow.set_color(CURRENT_COLOR if c == current else COLORS.get("text", "#333333"))
            arrow.set_alpha(1.0 if c == current else 0.6)


def draw_graph(root: Any, ax: Axes | None = None, title: str | None = None, min_rows: int = 1,
               min_columns: int = 1) -> GraphDrawing:
    """Draw the graph of ``root``, every value with its data and gradient.

    Parameters
    ----------
    root : value object
        The result of an expression of :class:`~backprop_core.nn.autograd.Value` (or any
        object with ``data``, ``grad`` and ``parents``).
    ax : Axes or None
        Draw into it; None: a new figure sized to the graph.
    title : str or None
    min_rows, min_columns : int
        Room for at least this many rows and columns (a widget drawing several graphs in one axes).

    Returns
    -------
    GraphDrawing
    """
    return GraphDrawing(root, ax, title, min_rows, min_columns)

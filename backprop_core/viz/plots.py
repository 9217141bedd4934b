r"""Figures of the course, drawn from live objects and updated in place.

Every function returns a small *plot object* holding the figure, the axes and
the artists it drew, with an ``update(...)`` method that changes those
artists' data (``set_text``, ``set_data``, ``set_linewidth`` …) instead of
building a new figure: a slider callback calls ``update`` and then redraws
the canvas, which keeps a slider move well under 100 ms.

A plot object shows itself in a notebook (it has ``_repr_png_``), so
``draw_network(net, net.forward(x))`` as the last line of a cell displays the
drawing. Figures are made with :class:`matplotlib.figure.Figure`, not pyplot,
so that no backend shows them twice.

Weights are named as the worked examples name them: ``w1, w2, …`` row by row
through ``W[0]``, then on through ``W[1]``, so in seed 002 ``w1, w2`` go into
``h1`` and ``w5, w6`` into ``o1`` (``W[l][j, i]`` is the weight from neuron i
of one layer into neuron j of the next).
"""
from __future__ import annotations

import io
from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from backprop_core.nn.network import Gradients, Network, Trace
from .style import COLORS, DIVERGING_CMAP, SEQUENTIAL_CMAP, course_style, figsize

# ------------------------------------------------------------------ helpers


def new_figure(width: float, height: float, ncols: int = 1, nrows: int = 1, **subplot_kw) -> tuple[Figure, np.ndarray | Axes]:
    """A course-styled :class:`Figure` with an Agg canvas and its axes (like ``plt.subplots``)."""
    with course_style():
        fig = Figure(figsize=figsize(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def fmt(value: float, digits: int = 4) -> str:
    """A number as the figures print it: ``digits`` significant digits, a true minus sign."""
    text = f"{float(value):.{digits}g}"
    return text.replace("-", "\u2212")


def weight_names(net: Network) -> dict[str, tuple[int, int, int]]:
    """Every weight's name in the seeds' numbering -> its index ``(l, j, i)`` into ``net.weights[l][j, i]``.

    Examples
    --------
    >>> from backprop_core import examples
    >>> net, _, _ = examples.mazur()
    >>> weight_names(net)["w5"]
    (1, 0, 0)
    """
    names, k = {}, 1
    for l, W in enumerate(net.weights):
        for j in range(W.shape[0]):
            for i in range(W.shape[1]):
                names[f"w{k}"] = (l, j, i)
                k += 1
    return names


def weight_index(net: Network, weight: str | tuple) -> tuple[int, int, int]:
    """``(l, j, i)`` of a weight given by name (``"w5"``) or already as an index."""
    if isinstance(weight, str):
        names = weight_names(net)
        if weight not in names:
            raise ValueError(f"weight must be one of {', '.join(names)}, got {weight!r}")
        return names[weight]
    if not (isinstance(weight, tuple) and len(weight) == 3):
        raise TypeError(f"weight must be a name like 'w5' or an index (l, j, i), got {weight!r}")
    l, j, i = (int(v) for v in weight)
    if not (0 <= l < len(net.weights) and 0 <= j < net.weights[l].shape[0] and 0 <= i < net.weights[l].shape[1]):
        raise ValueError(f"weight index must lie inside the network's weights, got {weight!r}")
    return (l, j, i)


def loss_along(net: Network, x, target, weight: str | tuple, values) -> np.ndarray:
    """E as one weight takes each of ``values`` (the others held): shape (len(values),).

    The network is left unchanged.
    """
    l, j, i = weight_index(net, weight)
    work = net.copy()
    out = np.empty(len(values))
    for k, v in enumerate(values):
        work.weights[l][j, i] = v
        out[k] = work.loss(x, target)
    return out


def loss_grid(net: Network, x, target, weight_a, weight_b, values_a, values_b) -> np.ndarray:
    """E over a grid of two weights: shape (len(values_b), len(values_a)), rows follow ``weight_b``."""
    la, ja, ia = weight_index(net, weight_a)
    lb, jb, ib = weight_index(net, weight_b)
    work = net.copy()
    grid = np.empty((len(values_b), len(values_a)))
    for r, vb in enumerate(values_b):
        work.weights[lb][jb, ib] = vb
        for c, va in enumerate(values_a):
            work.weights[la][ja, ia] = va
            grid[r, c] = work.loss(x, target)
    return grid


class _Plot:
    """Shared by the plot objects: the figure, and showing it as a PNG."""

    fig: Figure

    def png(self) -> bytes:
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def redraw(self) -> None:
        """Redraw the canvas now (Agg) or at the next chance (interactive canvases)."""
        canvas = self.fig.canvas
        if isinstance(canvas, FigureCanvasAgg) and type(canvas) is FigureCanvasAgg:
            canvas.draw()
        else:
            canvas.draw_idle()


# ----------------------------------------------------------- network drawing

_RADIUS = 0.42
_DX, _DY = 3.2, 2.0


class NetworkDrawing(_Plot):
    """The drawing made by :func:`draw_network`; see there.

    Attributes
    ----------
    fig, ax
    positions : list of ndarray, shape (n_k, 2)
        Centre of every neuron, layer k = 0 the inputs.
    neurons : dict (k, j) -> Circle
    names : dict (k, j) -> Text
        ``x1``, ``h1``, ``o1`` …
    values : dict (k, j) -> Text
        Input values; bias b, net input z and activation a of the others (from the trace).
    deltas : dict (k, j) -> Text
        δ of every non-input neuron (from the gradients).
    edges : dict name -> Line2D, edge_labels : dict name -> Text
        Keyed by weight name, ``"w1"`` …; ``edge_index[name] = (l, j, i)``.
    arrows : dict name -> FancyArrowPatch
        Backward arrows carrying w·δ from neuron j of layer l+1 to neuron i of layer l.
    target_texts : dict j -> Text
    """

    def __init__(self, net: Network, ax: Axes | None, show_gradients: bool, digits: int) -> None:
        self.digits = digits
        self.show_gradients = show_gradients
        sizes = net.layer_sizes
        self.sizes = sizes
        self.edge_index = weight_names(net)
        self.positions = [
            np.column_stack([np.full(n, k * _DX), ((n - 1) / 2 - np.arange(n)) * _DY]) for k, n in enumerate(sizes)
        ]
        self.xlim = (-0.9, (len(sizes) - 1) * _DX + 1.9)
        self.ylim = (-(max(sizes) - 1) / 2 * _DY - _RADIUS - 1.35, (max(sizes) - 1) / 2 * _DY + _RADIUS + 0.5)
        if ax is None:
            inch = 0.82  # inches per data unit: fonts stay readable, a 3-layer net is ≈ 7.5 in wide
            width, height = inch * np.ptp(self.xlim), inch * np.ptp(self.ylim) + 0.1
            self.fig, self.ax = new_figure(width, height)
        else:
            self.fig, self.ax = ax.figure, ax
        self._labels_on = max(W.size for W in net.weights) <= 16
        self._highlighted: list = []
        with course_style():
            self._draw_static(net)
        self.update(net)

    # -- drawing once
    def _draw_static(self, net: Network) -> None:
        ax = self.ax
        ax.set_aspect("equal")
        ax.axis("off")
        ax.grid(False)
        self.edges, self.edge_labels, self.arrows = {}, {}, {}
        for name, (l, j, i) in self.edge_index.items():
            (x0, y0), (x1, y1) = self.positions[l][i], self.positions[l + 1][j]
            (line,) = ax.plot([x0, x1], [y0, y1], solid_capstyle="round", zorder=1)
            self.edges[name] = line
            # Backward arrow beside the edge, near its head: the error w·δ flowing from j back to i.
            d = np.array([x1 - x0, y1 - y0])
            normal = np.array([-d[1], d[0]]) / np.hypot(*d)
            start = np.array([x0, y0]) + 0.80 * d + 0.16 * normal
            end = np.array([x0, y0]) + 0.56 * d + 0.16 * normal
            arrow = FancyArrowPatch(tuple(start), tuple(end), arrowstyle="-|>", mutation_scale=12,
                                    color=COLORS["delta"], zorder=2, visible=False)
            ax.add_patch(arrow)
            self.arrows[name] = arrow
            if self._labels_on:
                t = 0.37
                angle = np.degrees(np.arctan2(d[1], d[0]))
                label = ax.text(x0 + t * d[0], y0 + t * d[1], "", ha="center", va="center", fontsize=8.5,
                                rotation=angle, rotation_mode="anchor", zorder=4,
                                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
                self.edge_labels[name] = label
        self.neurons, self.names, self.values, self.deltas = {}, {}, {}, {}
        last = len(self.sizes) - 1
        for k, layer in enumerate(self.positions):
            prefix = "x" if k == 0 else ("o" if k == last else "h")
            fill = COLORS["input"] if k == 0 else (COLORS["output"] if k == last else COLORS["neuron"])
            for j, (x, y) in enumerate(layer):
                circle = Circle((x, y), _RADIUS, fc=fill, ec=COLORS["neuron_edge"], lw=1.3, zorder=3)
                ax.add_patch(circle)
                self.neurons[(k, j)] = circle
                self.names[(k, j)] = ax.text(x, y, f"${prefix}_{{{j + 1}}}$", ha="center", va="center", fontsize=12, zorder=5)
                self.values[(k, j)] = ax.text(x, y - _RADIUS - 0.08, "", ha="center", va="top", fontsize=8.5, zorder=5,
                                              linespacing=1.25,
                                              bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.9))
                if k > 0:
                    self.deltas[(k, j)] = ax.text(x, y + _RADIUS + 0.08, "", ha="center", va="bottom", fontsize=8.5,
                                                  color=COLORS["delta"], zorder=5,
                                                  bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
        self.target_texts = {}
        for j, (x, y) in enumerate(self.positions[-1]):
            self.target_texts[j] = ax.text(x + _RADIUS + 0.15, y, "", ha="left", va="center", fontsize=8.5, zorder=5)
        titles = ["inputs"] + ["hidden"] * (len(self.sizes) - 2) + ["outputs"]
        for k, title in enumerate(titles):
            ax.text(k * _DX, self.ylim[0] + 0.05, title, ha="center", va="bottom", fontsize=9.5, color=COLORS["muted"])
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)

    # -- changing data
    def update(self, net: Network | None = None, trace: Trace | None = None, grads: Gradients | None = None,
               target=None) -> "NetworkDrawing":
        """Show new weights, trace and gradients in the existing artists (None: leave that part blank).

        Parameters
        ----------
        net : Network, optional
            Must have the drawn layer sizes. None keeps the weights shown.
        trace : Trace, optional
            A one-sample forward pass; its inputs, net inputs z and activations a are written under the neurons.
        grads : Gradients, optional
            Its deltas are written above the neurons and drawn as backward arrows; with
            ``show_gradients`` the edge labels also give ∂E/∂w.
        target : array_like, shape (n_out,), optional
            Written beside the output neurons.
        """
        if net is not None:
            if net.layer_sizes != self.sizes:
                raise ValueError(f"net must have the drawn layer sizes {self.sizes}, got {net.layer_sizes}")
            self._show_weights(net, grads)
            self._activation_names = list(net.activations)
        self._show_trace(trace, net)
        self._show_deltas(grads, net)
        target = None if target is None else np.ravel(np.asarray(target, dtype=float))
        for j, text in self.target_texts.items():
            text.set_text("" if target is None else f"target\n{fmt(target[j], self.digits)}")
        return self

    def _show_weights(self, net: Network, grads: Gradients | None) -> None:
        largest = max(float(np.max(np.abs(W))) for W in net.weights) or 1.0
        for name, (l, j, i) in self.edge_index.items():
            w = net.weights[l][j, i]
            line = self.edges[name]
            line.set_linewidth(0.6 + 3.4 * abs(w) / largest)
            line.set_color(COLORS["positive"] if w >= 0 else COLORS["negative"])
            line.set_alpha(0.85)
            if name in self.edge_labels:
                text = f"$w_{{{name[1:]}}}$ = {fmt(w, self.digits)}"
                if self.show_gradients and grads is not None:
                    text += f"\n∂E/∂w = {fmt(grads.weights[l][j, i], self.digits)}"
                self.edge_labels[name].set_text(text)
        self._bias_values = None if net.biases is None else [b.copy() for b in net.biases]

    def _show_trace(self, trace: Trace | None, net: Network | None) -> None:
        if trace is not None and trace.batched:
            raise ValueError("trace must come from one sample (x of shape (n_in,)), got a batch")
        for (k, j), text in self.values.items():
            if trace is None:
                text.set_text("")
                text.set_visible(False)
            elif k == 0:
                text.set_text(f"{fmt(trace.x[j], self.digits)}")
            else:
                z, a = trace.pre_activations[k - 1][j], trace.activations[k - 1][j]
                lines = [] if self._bias_values is None else [f"b {fmt(self._bias_values[k - 1][j], self.digits)}"]
                if self._activation_names[k - 1] == "identity":  # z = a: one number says it
                    lines.append(fmt(a, self.digits))
                else:
                    lines += [f"z {fmt(z, self.digits)}", f"a {fmt(a, self.digits)}"]
                text.set_text("\n".join(lines))
            if trace is not None:
                text.set_visible(True)

    def _show_deltas(self, grads: Gradients | None, net: Network | None) -> None:
        have = grads is not None and grads.deltas is not None
        for (k, j), text in self.deltas.items():
            text.set_text(f"δ {fmt(np.ravel(grads.deltas[k - 1])[j], self.digits)}" if have else "")
            text.set_visible(have)
        if not have or net is None:
            for arrow in self.arrows.values():
                arrow.set_visible(False)
            return
        flows = {name: net.weights[l][j, i] * np.ravel(grads.deltas[l])[j] for name, (l, j, i) in self.edge_index.items()
                 if l > 0}
        largest = max((abs(v) for v in flows.values()), default=0.0) or 1.0
        for name, arrow in self.arrows.items():
            if name not in flows:  # the input layer has no delta to receive
                arrow.set_visible(False)
                continue
            arrow.set_visible(True)
            arrow.set_linewidth(0.8 + 2.7 * abs(flows[name]) / largest)

    def highlight(self, edges: Sequence[str] = (), neurons: Sequence[tuple] = (), texts: Sequence = ()) -> None:
        """Mark some weights (by name), neurons ((k, j)) and texts in the highlight colour; un-mark the previous ones."""
        for artist, restore in self._highlighted:
            restore()
        self._highlighted = []
        colour = COLORS["highlight"]
        for name in edges:
            line = self.edges[name]
            old = (line.get_color(), line.get_linewidth())
            line.set_color(colour)
            line.set_linewidth(old[1] + 2.5)
            self._highlighted.append((line, lambda line=line, old=old: (line.set_color(old[0]), line.set_linewidth(old[1]))))
            if name in self.edge_labels:
                texts = tuple(texts) + (self.edge_labels[name],)
        for key in neurons:
            circle = self.neurons[key]
            old_ec, old_lw = circle.get_edgecolor(), circle.get_linewidth()
            circle.set_edgecolor(colour)
            circle.set_linewidth(3.5)
            self._highlighted.append((circle, lambda c=circle, e=old_ec, w=old_lw: (c.set_edgecolor(e), c.set_linewidth(w))))
        for text in texts:
            patch = text.get_bbox_patch()
            if patch is None:
                continue
            old_ec, old_lw = patch.get_edgecolor(), patch.get_linewidth()
            if old_ec[3] == 0:  # "none": restoring the RGBA would pick up the box's own alpha and show a border
                old_ec = "none"
            patch.set_edgecolor(colour)
            patch.set_linewidth(2.0)
            self._highlighted.append((text, lambda p=patch, e=old_ec, w=old_lw: (p.set_edgecolor(e), p.set_linewidth(w))))


def draw_network(net: Network, trace: Trace | None = None, grads: Gradients | None = None, ax: Axes | None = None,
                 *, target=None, show_gradients: bool = False, digits: int = 4) -> NetworkDrawing:
    """Draw a network: neurons in layers, every weight on its edge, values when given.

    Edges are blue for positive and vermillion for negative weights, wider the
    larger the weight; each is labelled ``w_k = value`` in the seeds' numbering.

    Parameters
    ----------
    net : Network
    trace : Trace, optional
        From ``net.forward(x)`` for one sample: inputs, net inputs z and
        activations a are written under the neurons (a only for linear neurons).
    grads : Gradients, optional
        From ``net.backward(trace, target)``: every δ is written above its
        neuron and arrows beside the edges flow backwards, as wide as the
        error w·δ they carry.
    ax : Axes, optional
        Draw into it; default a new figure sized for the network.
    target : array_like, shape (n_out,), optional
        Written beside the outputs.
    show_gradients : bool
        Also write ∂E/∂w on each edge (needs ``grads``).
    digits : int
        Significant digits of the numbers shown.

    Returns
    -------
    NetworkDrawing
        ``.fig``, ``.ax``, the artists by name, ``.update(net, trace, grads, target)``
        and ``.highlight(edges, neurons, texts)``.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network, got {type(net).__name__}")
    drawing = NetworkDrawing(net, ax, show_gradients, digits)
    drawing.update(net, trace, grads, target)
    return drawing


# ----------------------------------------------------------- error curve


class ErrorCurvePlot(_Plot):
    """E(w) for one weight with a gradient-descent path; made by :func:`error_curve`.

    Attributes
    ----------
    fig, ax, curve (Line2D), path (Line2D with markers), current (Line2D, one marker)
    """

    def __init__(self, values, errors, weight_label: str, ax: Axes | None) -> None:
        if ax is None:
            self.fig, self.ax = new_figure(4.6, 3.4)
        else:
            self.fig, self.ax = ax.figure, ax
        with course_style():
            (self.curve,) = self.ax.plot(values, errors, color=COLORS["curve"], lw=2, label="E(w)")
            (self.path,) = self.ax.plot([], [], "o-", color=COLORS["path"], ms=4.5, lw=1.3, label="gradient descent")
            (self.current,) = self.ax.plot([], [], "o", color=COLORS["path"], ms=9, mec="black", zorder=5)
            self.ax.set_xlabel(f"weight ${weight_label}$")
            self.ax.set_ylabel("error E")
            self.ax.legend(loc="upper center", frameon=False)

    def update(self, path=None, values=None, errors=None) -> "ErrorCurvePlot":
        """New path (shape (k, 2) of (w, E)) and/or a new curve; the view stays on the curve."""
        if values is not None and errors is not None:
            self.curve.set_data(values, errors)
            self.ax.relim()
            self.ax.autoscale_view()
        if path is not None:
            path = np.asarray(path, dtype=float).reshape(-1, 2)
            self.path.set_data(path[:, 0], path[:, 1])
            self.current.set_data(path[-1:, 0], path[-1:, 1])
        return self


def error_curve(values, errors, path=None, ax: Axes | None = None, weight_label: str = "w") -> ErrorCurvePlot:
    """Plot E against one weight, and the path gradient descent took along it.

    Parameters
    ----------
    values : array_like, shape (M,)
        Weight values (use :func:`loss_along` to get ``errors``).
    errors : array_like, shape (M,)
    path : array_like, shape (k, 2), optional
        The (w, E) points visited, oldest first; the last is marked large.
        Points off the drawn range stay off it: the view follows the curve.
    weight_label : str
        Mathtext name of the weight for the axis label, e.g. ``"w_5"``.
    """
    plot = ErrorCurvePlot(values, errors, weight_label, ax)
    ylo, yhi = float(np.min(errors)), float(np.max(errors))
    plot.ax.set_ylim(ylo - 0.05 * (yhi - ylo), yhi + 0.15 * (yhi - ylo))
    plot.ax.set_xlim(float(np.min(values)), float(np.max(values)))
    plot.update(path)
    return plot


# ----------------------------------------------------------- error surface


class ErrorSurfacePlot(_Plot):
    """Contours of E over two weights with a path; made by :func:`error_surface`."""

    def __init__(self, ax: Axes | None) -> None:
        if ax is None:
            self.fig, self.ax = new_figure(4.8, 3.9)
        else:
            self.fig, self.ax = ax.figure, ax
        self.filled = self.lines = self.colorbar = None

    def _contour(self, values_a, values_b, grid) -> None:
        for old in (self.filled, self.lines):
            if old is not None:
                old.remove()
        with course_style():
            # Square-root spacing: error surfaces are bowls, and evenly spaced levels would crowd the rim.
            low, high = float(np.min(grid)), float(np.max(grid))
            levels = low + np.linspace(0.0, np.sqrt(max(high - low, 1e-12)), 11) ** 2
            # An image, not contourf: a few times faster to draw on every slider move, same picture.
            from matplotlib.colors import PowerNorm

            extent = (float(np.min(values_a)), float(np.max(values_a)), float(np.min(values_b)), float(np.max(values_b)))
            self.filled = self.ax.imshow(grid, origin="lower", extent=extent, aspect="auto", cmap=SEQUENTIAL_CMAP,
                                         norm=PowerNorm(0.5, vmin=low, vmax=high), interpolation="bilinear")
            self.lines = self.ax.contour(values_a, values_b, grid, levels=levels, colors="white", linewidths=0.6,
                                         alpha=0.6)
            if self.colorbar is None:
                self.colorbar = self.fig.colorbar(self.filled, ax=self.ax, label="error E")
            else:
                self.colorbar.update_normal(self.filled)

    def update(self, path=None, grid=None, values_a=None, values_b=None) -> "ErrorSurfacePlot":
        """New path (shape (k, 2) of weight pairs) and/or new contours (``grid`` with its axes)."""
        if grid is not None:
            self._contour(values_a, values_b, grid)
        if path is not None:
            path = np.asarray(path, dtype=float).reshape(-1, 2)
            self.path.set_data(path[:, 0], path[:, 1])
            self.current.set_data(path[-1:, 0], path[-1:, 1])
        return self


def error_surface(values_a, values_b, grid, path=None, ax: Axes | None = None,
                  labels: tuple[str, str] = ("w_5", "w_6")) -> ErrorSurfacePlot:
    """Contours of E over two weights and the path of gradient descent across them.

    Parameters
    ----------
    values_a : array_like, shape (A,)
        The first weight's values (x axis).
    values_b : array_like, shape (B,)
        The second weight's values (y axis).
    grid : array_like, shape (B, A)
        E at every pair, e.g. from :func:`loss_grid`.
    path : array_like, shape (k, 2), optional
        Visited (w_a, w_b) pairs, oldest first.
    labels : (str, str)
        Mathtext names of the two weights.
    """
    plot = ErrorSurfacePlot(ax)
    plot._contour(values_a, values_b, grid)
    with course_style():
        (plot.path,) = plot.ax.plot([], [], "o-", color=COLORS["path"], ms=4, lw=1.4, mec="white", mew=0.5)
        (plot.current,) = plot.ax.plot([], [], "o", color=COLORS["path"], ms=9, mec="white", mew=1.2, zorder=5)
        plot.ax.set_xlabel(f"weight ${labels[0]}$")
        plot.ax.set_ylabel(f"weight ${labels[1]}$")
        plot.ax.grid(False)
    plot.ax.set_xlim(float(np.min(values_a)), float(np.max(values_a)))
    plot.ax.set_ylim(float(np.min(values_b)), float(np.max(values_b)))
    plot.update(path)
    return plot


# ----------------------------------------------------------- loss curves


class LossCurvePlot(_Plot):
    """Loss against epoch for one or more runs; made by :func:`loss_curve`.

    Attributes
    ----------
    fig, ax, lines : dict label -> Line2D
    """

    def __init__(self, ax: Axes | None, log: bool, xlabel: str) -> None:
        if ax is None:
            self.fig, self.ax = new_figure(4.6, 3.4)
        else:
            self.fig, self.ax = ax.figure, ax
        self.log = log
        self.lines: dict = {}
        self.ax.set_xlabel(xlabel)
        self.ax.set_ylabel("loss E" + (" (log scale)" if log else ""))
        if log:
            from matplotlib.ticker import NullFormatter

            self.ax.set_yscale("log")
            # Only decades are labelled: minor labels like "9×10⁻²" crowd the axis and widen it as data arrive.
            self.ax.yaxis.set_minor_formatter(NullFormatter())

    def update(self, losses: Mapping[str, Sequence[float]] | Sequence[float]) -> "LossCurvePlot":
        """Replace the data of each labelled line (a bare sequence is the line labelled "loss")."""
        if not isinstance(losses, Mapping):
            losses = {"loss": losses}
        with course_style():
            for label, values in losses.items():
                values = np.asarray(values, dtype=float)
                if self.log:  # a loss of exactly 0 has no place on a log axis
                    values = np.maximum(values, 1e-300)
                if label not in self.lines:
                    (self.lines[label],) = self.ax.plot([], [], lw=1.8, label=label)
                self.lines[label].set_data(np.arange(1, len(values) + 1), values)
                self.lines[label].set_marker("o" if len(values) == 1 else "")  # one epoch: a dot, not an invisible line
        self.ax.relim()
        self.ax.autoscale_view()
        longest = max(len(line.get_xdata()) for line in self.lines.values())
        self.ax.set_xlim(0, max(longest, 10))  # epochs from 0; a lone first point is not centred in a sliver
        if len(self.lines) > 1:
            self.ax.legend(frameon=False)
        return self


def loss_curve(losses, ax: Axes | None = None, log: bool = True, xlabel: str = "epoch") -> LossCurvePlot:
    """Plot loss curves.

    Parameters
    ----------
    losses : array_like, shape (epochs,), or dict label -> array_like
        E.g. ``history.losses``; epochs are numbered from 1.
    log : bool
        A log-scale loss axis (training curves span many decades).
    xlabel : str
    """
    with course_style():
        plot = LossCurvePlot(ax, log, xlabel)
    return plot.update(losses)


# ----------------------------------------------------------- decision boundary


class DecisionBoundaryPlot(_Plot):
    """A 2-D network's output over the input plane; made by :func:`decision_boundary`.

    Attributes
    ----------
    fig, ax, image (AxesImage), boundary (contour set at 0.5), points (PathCollection)
    """

    def __init__(self, ax: Axes | None, lim: tuple[float, float], resolution: int) -> None:
        if ax is None:
            self.fig, self.ax = new_figure(4.2, 3.6)
        else:
            self.fig, self.ax = ax.figure, ax
        self.lim = lim
        self.grid_x = np.linspace(lim[0], lim[1], resolution)
        xx, yy = np.meshgrid(self.grid_x, self.grid_x)
        self.grid = np.column_stack([xx.ravel(), yy.ravel()])
        self.boundary = None

    def output_on_grid(self, net: Network) -> np.ndarray:
        """The network's first output at every grid point: shape (resolution, resolution), rows along x₂."""
        n = len(self.grid_x)
        return net.forward(self.grid).output[:, 0].reshape(n, n)

    def update(self, net: Network) -> "DecisionBoundaryPlot":
        """Recolour the plane and redraw the 0.5 contour for ``net``'s current weights."""
        values = self.output_on_grid(net)
        self.image.set_data(values)
        if self.boundary is not None:
            self.boundary.remove()
            self.boundary = None
        if values.min() < 0.5 < values.max():
            with course_style():
                self.boundary = self.ax.contour(self.grid_x, self.grid_x, values, levels=[0.5], colors="black", linewidths=1.6)
        return self


def decision_boundary(net: Network, X, Y, ax: Axes | None = None, lim: tuple[float, float] = (-0.5, 1.5),
                      resolution: int = 81) -> DecisionBoundaryPlot:
    """The output of a 2-input network over the plane, its 0.5 contour, and the samples.

    Parameters
    ----------
    net : Network with n_in = 2
    X : array_like, shape (N, 2)
    Y : array_like, shape (N, 1) or (N,)
        Targets 0 or 1: drawn as open circles (0) and filled squares (1).
    lim : (low, high)
        The range of both inputs.
    resolution : int
        Grid points per axis.
    """
    if net.n_in != 2:
        raise ValueError(f"net must have 2 inputs to draw a decision boundary, got n_in={net.n_in}")
    X = np.asarray(X, dtype=float)
    Y = np.ravel(np.asarray(Y, dtype=float))
    plot = DecisionBoundaryPlot(ax, lim, resolution)
    with course_style():
        ax = plot.ax
        plot.image = ax.imshow(np.zeros((resolution, resolution)), origin="lower", extent=(*lim, *lim), vmin=0, vmax=1,
                               cmap=DIVERGING_CMAP, aspect="equal", interpolation="bilinear")
        plot.fig.colorbar(plot.image, ax=ax, label="network output")
        ones, zeros = Y >= 0.5, Y < 0.5
        ax.scatter(X[zeros, 0], X[zeros, 1], s=90, marker="o", facecolor="white", edgecolor="black", lw=1.5,
                   label="target 0", zorder=4)
        plot.points = ax.scatter(X[ones, 0], X[ones, 1], s=90, marker="s", facecolor="black", edgecolor="white", lw=1.0,
                                 label="target 1", zorder=4)
        ax.set_xlabel("input $x_1$")
        ax.set_ylabel("input $x_2$")
        ax.grid(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, frameon=False)
    return plot.update(net)


# ----------------------------------------------------------- gradient check


class GradientCheckPlot(_Plot):
    """Relative error of each parameter group against a threshold; made by :func:`gradient_check_bars`."""

    FLOOR = 1e-16  # an error of exactly 0 drawn at this height on the log axis

    def __init__(self, keys: list, tolerance: float, ax: Axes | None) -> None:
        if ax is None:
            self.fig, self.ax = new_figure(5.0, 3.4)
        else:
            self.fig, self.ax = ax.figure, ax
        self.keys = keys
        with course_style():
            names = [f"{'W' if kind == 'weights' else 'b'}{l + 1}" for kind, l in keys]
            self.bars = self.ax.bar(names, np.full(len(keys), self.FLOOR), color=COLORS["reference"], bottom=self.FLOOR * 0.1)
            self.ax.set_yscale("log")
            self.ax.set_ylim(1e-13, 1e4)  # headroom above 1 for the value labels
            self.threshold = self.ax.axhline(tolerance, color=COLORS["threshold"], ls="--", lw=1.3,
                                             label=f"threshold {tolerance:.1e}")
            self.labels = [self.ax.text(i, self.FLOOR, "", ha="center", va="bottom", fontsize=8.5) for i in range(len(keys))]
            self.ax.set_xlabel("parameter (W = weights, b = biases; 1 = first layer)")
            self.ax.set_ylabel("relative error (log scale)")
            # upper right sits in the headroom above 1: low bars (a correct pass) never hide under it
            self.ax.legend(loc="upper right", framealpha=0.9)
            self.ax.grid(axis="x", visible=False)

    def update(self, errors: Mapping, tolerance: float | None = None) -> "GradientCheckPlot":
        """New errors (``GradientCheck.errors``-style mapping (kind, l) -> float) and optional threshold."""
        if tolerance is not None:
            self.threshold.set_ydata([tolerance, tolerance])
            self.threshold.set_label(f"threshold {tolerance:.1e}")
            self.ax.legend(loc="upper right", framealpha=0.9)
        limit = self.threshold.get_ydata()[0]
        for bar, label, key in zip(self.bars, self.labels, self.keys):
            error = float(errors[key])
            height = max(error, self.FLOOR)
            bar.set_height(height - bar.get_y())
            bar.set_facecolor(COLORS["mistake"] if error > limit else COLORS["reference"])
            bar.set_edgecolor("white")  # the hatch (failures) is drawn in the edge colour
            bar.set_hatch("//" if error > limit else "")
            label.set_position((label.get_position()[0], height * 1.5))
            label.set_text(f"{error:.1e}" + ("\nFAIL" if error > limit else ""))
        return self


def gradient_check_bars(result, ax: Axes | None = None) -> GradientCheckPlot:
    """Bars of a :class:`~backprop_core.nn.gradcheck.GradientCheck`'s relative errors on a log axis.

    Parameters
    ----------
    result : GradientCheck
        From :func:`backprop_core.gradient_check`; bars above its tolerance are
        vermillion, hatched and marked FAIL.
    """
    keys = sorted(result.errors, key=lambda key: (key[1], key[0] != "weights"))
    plot = GradientCheckPlot(keys, result.tolerance, ax)
    return plot.update(result.errors)


__all__ = [
    "draw_network", "NetworkDrawing", "error_curve", "ErrorCurvePlot", "error_surface", "ErrorSurfacePlot",
    "loss_curve", "LossCurvePlot", "decision_boundary", "DecisionBoundaryPlot", "gradient_check_bars",
    "GradientCheckPlot", "weight_names", "weight_index", "loss_along", "loss_grid", "new_figure", "fmt",
]


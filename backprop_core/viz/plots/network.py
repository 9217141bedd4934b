"""The drawing of a network: neurons in layers, every weight on its edge, values, deltas and backward arrows."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch

from backprop_core.course.weights import weight_names
from backprop_core.nn.network import Gradients, Network, Trace
from backprop_core.viz.style import COLORS, course_style
from ._base import _Plot, fmt

_RADIUS = 0.42
_DX, _DY = 3.2, 2.0
_INCHES_PER_UNIT = 0.82  # fonts stay readable, a 3-layer net is ≈ 7.5 in wide
#: Where a backward arrow runs along its edge, as fractions from the sending neuron: (head, tail).
_ARROW_SPAN = (0.50, 0.74)
#: The same for an edge that climbs or falls: two such edges of a 2-2 layer cross half-way, and arrows ending
#: there point into the crossing, where no one can tell which edge each belongs to. Near the receiving end of
#: the edge (where the δ comes from), each runs beside its own edge alone.
_ARROW_SPAN_SLANTED = (0.64, 0.84)
#: A δ label sits above its neuron. In the first hidden layer it is centred: edges slanting in from the inputs
#: and out to the next layer leave the neuron at about 30° from level, so right above it (within about 0.8 to
#: either side, below 0.9 up) no edge passes; a label running to one side, wider with a note, cut the slanted
#: edge on that side (issue 22). No arrow arrives there either: the slanted edges' backward arrows run near
#: their δ's neuron (_ARROW_SPAN_SLANTED) and the level ones' half-way. In later layers it starts this far left
#: of the centre and runs right, away from the arrows arriving from the left.
_DELTA_SHIFT = 0.3


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
    xlim, ylim : (float, float)
        The data limits the drawing needs.
    """

    def __init__(self, net: Network, ax: Axes | None = None, show_gradients: bool = False, digits: int = 4) -> None:
        if not isinstance(net, Network):
            raise TypeError(f"net must be a Network, got {type(net).__name__}")
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
        super().__init__(ax, (_INCHES_PER_UNIT * np.ptp(self.xlim), _INCHES_PER_UNIT * np.ptp(self.ylim) + 0.1))
        self._labels_on = max(W.size for W in net.weights) <= 16
        self._highlighted: list = []
        with course_style():
            self._draw_static()
        self.update(net)

    # -- drawing once
    def _draw_static(self) -> None:
        self.ax.set_aspect("equal")
        self.ax.axis("off")
        self.ax.grid(False)
        self._draw_edges()
        self._draw_neurons()
        self.target_texts = {
            j: self.ax.text(x + _RADIUS + 0.15, y, "", ha="left", va="center", fontsize=8.5, zorder=5)
            for j, (x, y) in enumerate(self.positions[-1])
        }
        titles = ["inputs"] + ["hidden"] * (len(self.sizes) - 2) + ["outputs"]
        for k, title in enumerate(titles):
            self.ax.text(k * _DX, self.ylim[0] + 0.05, title, ha="center", va="bottom", fontsize=9.5, color=COLORS["muted"])
        self.ax.set_xlim(*self.xlim)
        self.ax.set_ylim(*self.ylim)

    def _draw_edges(self) -> None:
        ax = self.ax
        self.edges, self.edge_labels, self.arrows = {}, {}, {}
        for name, (l, j, i) in self.edge_index.items():
            (x0, y0), (x1, y1) = self.positions[l][i], self.positions[l + 1][j]
            (self.edges[name],) = ax.plot([x0, x1], [y0, y1], solid_capstyle="round", zorder=1)
            # Backward arrow beside the edge, towards its head: the error w·δ flowing from j back to i.
            # It stops short of the receiving neuron, whose δ label sits above it (_DELTA_SHIFT),
            # and short of the weight's own label (at 0.30-0.37 of the edge).
            d = np.array([x1 - x0, y1 - y0])
            normal = np.array([-d[1], d[0]]) / np.hypot(*d)
            head, tail = _ARROW_SPAN if abs(d[1]) < 1e-9 else _ARROW_SPAN_SLANTED
            start = np.array([x0, y0]) + tail * d + 0.16 * normal
            end = np.array([x0, y0]) + head * d + 0.16 * normal
            arrow = FancyArrowPatch(tuple(start), tuple(end), arrowstyle="-|>", mutation_scale=12,
                                    color=COLORS["delta"], zorder=2, visible=False)
            ax.add_patch(arrow)
            self.arrows[name] = arrow
            if self._labels_on:
                # Two edges that cross (i -> j and j -> i of a 2-2 layer) meet half-way: their labels sit
                # nearer the sender, where the two lines are furthest apart; a level edge keeps more room.
                t = 0.37 if abs(d[1]) < 1e-9 else 0.30
                angle = np.degrees(np.arctan2(d[1], d[0]))
                self.edge_labels[name] = ax.text(
                    x0 + t * d[0], y0 + t * d[1], "", ha="center", va="center", fontsize=8.5, rotation=angle,
                    rotation_mode="anchor", zorder=4, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))

    def _draw_neurons(self) -> None:
        ax = self.ax
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
                    first_hidden = k == 1 and last > 1
                    self.deltas[(k, j)] = ax.text(x if first_hidden else x - _DELTA_SHIFT,
                                                  y + _RADIUS + 0.08, "", ha="center" if first_hidden else "left",
                                                  va="bottom", fontsize=8.5,
                                                  color=COLORS["delta"], zorder=5,
                                                  bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))

    # -- changing data
    def update(self, net: Network | None = None, trace: Trace | None = None, grads: Gradients | None = None,
               target=None, delta_notes: Mapping[tuple[int, int], str] | None = None) -> "NetworkDrawing":
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
        delta_notes : dict (k, j) -> str, optional
            Text written right after a neuron's δ (a leading newline starts a line of its own),
            e.g. ``" (yours)"`` or ``"\\nσ′(a): 0.1384"``. Shown only with ``grads``.
        """
        if net is not None:
            if net.layer_sizes != self.sizes:
                raise ValueError(f"net must have the drawn layer sizes {self.sizes}, got {net.layer_sizes}")
            self._show_weights(net, grads)
            self._activation_names = list(net.activations)
        self._show_trace(trace)
        self._show_deltas(grads, net, delta_notes or {})
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

    def _show_trace(self, trace: Trace | None) -> None:
        if trace is not None and trace.batched:
            raise ValueError("trace must come from one sample (x of shape (n_in,)), got a batch")
        for (k, j), text in self.values.items():
            text.set_visible(trace is not None)
            if trace is None:
                text.set_text("")
            elif k == 0:
                text.set_text(f"{fmt(trace.x[j], self.digits)}")
            else:
                text.set_text(self._neuron_values(trace, k, j))

    def _neuron_values(self, trace: Trace, k: int, j: int) -> str:
        """Bias, z and a of neuron j of layer k (k ≥ 1), one per line."""
        z, a = trace.pre_activations[k - 1][j], trace.activations[k - 1][j]
        lines = [] if self._bias_values is None else [f"b {fmt(self._bias_values[k - 1][j], self.digits)}"]
        if self._activation_names[k - 1] == "identity":  # z = a: one number says it
            lines.append(fmt(a, self.digits))
        else:
            lines += [f"z {fmt(z, self.digits)}", f"a {fmt(a, self.digits)}"]
        return "\n".join(lines)

    def _show_deltas(self, grads: Gradients | None, net: Network | None, notes: Mapping[tuple[int, int], str]) -> None:
        have = grads is not None and grads.deltas is not None
        for (k, j), text in self.deltas.items():
            text.set_text(f"δ {fmt(np.ravel(grads.deltas[k - 1])[j], self.digits)}{notes.get((k, j), '')}" if have else "")
            text.set_visible(have)
        if not have or net is None:
            for arrow in self.arrows.values():
                arrow.set_visible(False)
            return
        flows = {name: net.weights[l][j, i] * np.ravel(grads.deltas[l])[j] for name, (l, j, i) in self.edge_index.items()
                 if l > 0}
        largest = max((abs(v) for v in flows.values()), default=0.0) or 1.0
        for name, arrow in self.arrows.items():
            arrow.set_visible(name in flows)  # the input layer has no delta to receive
            if name in flows:
                arrow.set_linewidth(0.8 + 2.7 * abs(flows[name]) / largest)

    def highlight(self, edges: Sequence[str] = (), neurons: Sequence[tuple] = (), texts: Sequence = ()) -> None:
        """Mark some weights (by name), neurons ((k, j)) and texts in the highlight colour; un-mark the previous ones."""
        for restore in self._highlighted:
            restore()
        self._highlighted = []
        colour = COLORS["highlight"]
        for name in edges:
            line = self.edges[name]
            old = (line.get_color(), line.get_linewidth())
            line.set_color(colour)
            line.set_linewidth(old[1] + 2.5)
            self._highlighted.append(lambda line=line, old=old: (line.set_color(old[0]), line.set_linewidth(old[1])))
            if name in self.edge_labels:
                texts = tuple(texts) + (self.edge_labels[name],)
        for key in neurons:
            circle = self.neurons[key]
            old_ec, old_lw = circle.get_edgecolor(), circle.get_linewidth()
            circle.set_edgecolor(colour)
            circle.set_linewidth(3.5)
            self._highlighted.append(lambda c=circle, e=old_ec, w=old_lw: (c.set_edgecolor(e), c.set_linewidth(w)))
        for text in texts:
            patch = text.get_bbox_patch()
            if patch is None:
                continue
            old_ec, old_lw = patch.get_edgecolor(), patch.get_linewidth()
            if old_ec[3] == 0:  # "none": restoring the RGBA would pick up the box's own alpha and show a border
                old_ec = "none"
            patch.set_edgecolor(colour)
            patch.set_linewidth(2.0)
            self._highlighted.append(lambda p=patch, e=old_ec, w=old_lw: (p.set_edgecolor(e), p.set_linewidth(w)))


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
    return NetworkDrawing(net, ax, show_gradients, digits).update(net, trace, grads, target)

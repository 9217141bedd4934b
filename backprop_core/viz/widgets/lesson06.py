"""Lesson 06's widget: the shape and values of every array of a layer, for a chosen batch size and network."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from backprop_core.course import examples
from backprop_core.nn.network import Network
from backprop_core.viz.plots import fmt, new_figure
from backprop_core.viz.style import COLORS, DIVERGING_CMAP, course_style
from ._base import LessonWidget, StudentToggle

MAX_BATCH = 6


def mazur_network() -> Network:
    """Matt Mazur's 2-2-2 sigmoid network: every layer two neurons wide."""
    return examples.mazur()[0]


def uneven_network() -> Network:
    """A 3-4-2 sigmoid network with fixed random weights and biases: every dimension differs."""
    rng = np.random.default_rng(6)
    return Network(weights=[rng.normal(scale=0.8, size=(4, 3)), rng.normal(scale=0.8, size=(2, 4))],
                   biases=[rng.normal(scale=0.3, size=4), rng.normal(scale=0.3, size=2)], activations="sigmoid")


#: The networks the explorer offers: label -> function making it.
NETWORKS = {"Mazur's 2-2-2": mazur_network, "a 3-4-2 network": uneven_network}


def batch_of(n: int, net: Network | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A batch of ``n`` samples for ``net`` (default Mazur's network): inputs (n, n_in), targets (n, n_out).

    For Mazur's network the example's own sample comes first; the rest are random
    inputs in (0, 1) and targets in (0.05, 0.95), the same for every ``n`` (rng ``seed``).
    """
    net = mazur_network() if net is None else net
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(MAX_BATCH, net.n_in))
    Y = rng.uniform(0.05, 0.95, size=(MAX_BATCH, net.n_out))
    _, x, target = examples.mazur()
    if net.layer_sizes == [2, 2, 2] and np.allclose(net.weights[0], examples.mazur()[0].weights[0]):
        X[0], Y[0] = x, target
    return X[:n], Y[:n]


class ShapesExplorer(LessonWidget):
    """See :func:`shapes_explorer`.

    Attributes
    ----------
    batch_size : IntSlider (N)
    layer : Dropdown (0 = hidden, 1 = output)
    network : ToggleButtons
        A key of :data:`NETWORKS`.
    net : Network
    arrays : dict name -> ndarray
        What the panels show: the layer's input, W, z, a, dZ (the deltas / N), dE/dW.
    panels : dict name -> Axes
    z_agrees : bool or None
        With "use mine" ticked: whether the student's z matches the reference's; None otherwise.
    """

    student_toggle = StudentToggle("use my dense_forward for z",
                                   lambda widget, fn: fn(np.ones((2, 2)), np.ones((3, 2)), np.zeros(3)))

    NAMES = ("input", "W", "z", "a", "dZ", "dE/dW")
    DIMS = {"input": ("N", "n_in"), "W": ("n_out", "n_in"), "z": ("N", "n_out"), "a": ("N", "n_out"),
            "dZ": ("N", "n_out"), "dE/dW": ("n_out", "n_in")}

    def __init__(self, student_dense_forward: Callable | str | None, network: str, backend: str) -> None:
        if network not in NETWORKS:
            raise ValueError(f"network must be one of {', '.join(map(repr, NETWORKS))}, got {network!r}")
        self.nets = {name: make() for name, make in NETWORKS.items()}
        self.net = self.nets[network]
        self.z_agrees = None
        self.fig, axes = new_figure(8.5, 4.9, ncols=3, nrows=2)
        self.panels = dict(zip(self.NAMES, axes.ravel()))
        self.batch_size = widgets.IntSlider(value=3, min=1, max=MAX_BATCH, description="batch size N",
                                            layout=widgets.Layout(width="360px"), style={"description_width": "100px"})
        self.layer = widgets.Dropdown(options=[("1 (hidden)", 0), ("2 (output)", 1)], value=0, description="layer",
                                      layout=widgets.Layout(width="220px"))
        self.network = widgets.ToggleButtons(options=list(NETWORKS), value=network, description="network",
                                             style={"description_width": "60px", "button_width": "140px"})
        self._observe(self.batch_size, self.layer, self.network)
        controls = [self.network, widgets.HBox([self.batch_size, self.layer]),
                    *self._student_switch(student_dense_forward)]
        self._finish(controls, backend)

    def recompute(self) -> None:
        self.net = self.nets[self.network.value]
        N, l = self.batch_size.value, self.layer.value
        X, Y = batch_of(N, self.net)
        trace = self.net.forward(X)
        grads = self.net.backward(trace, Y)
        a_prev = X if l == 0 else trace.activations[l - 1]
        z = trace.pre_activations[l]
        student = self.student_function()
        self.z_agrees = None
        if student is not None:
            mine = np.asarray(student(a_prev.copy(), self.net.weights[l].copy(), self.net.biases[l].copy()), dtype=float)
            self.z_agrees = mine.shape == z.shape and bool(np.allclose(mine, z, rtol=1e-6, atol=1e-9))
            z = mine
        self.arrays = {"input": a_prev, "W": self.net.weights[l], "z": z, "a": trace.activations[l],
                       "dZ": grads.deltas[l] / N, "dE/dW": grads.weights[l]}  # the course's deltas carry no 1/N
        x_name = "x" if l == 0 else "a₁ (hidden)"
        titles = {"input": f"input {x_name}", "W": f"W{l + 1}", "z": f"z = {x_name.split()[0]} Wᵀ + b",
                  "a": "a = σ(z)", "dZ": "dZ = ∂E/∂z", "dE/dW": f"∂E/∂W = dZᵀ {x_name.split()[0]}"}
        sizes = {"N": N, "n_in": self.net.weights[l].shape[1], "n_out": self.net.weights[l].shape[0]}
        if not hasattr(self, "_cells"):
            self._build_panels()
        for name in self.NAMES:
            self._show(name, self.arrays[name], titles[name], sizes)
        self._mark_student(student is not None)

    def _build_panels(self) -> None:
        """One image and a full grid of value labels per panel, made once; updates only change them."""
        self._images, self._cells, self._titles = {}, {}, {}
        rows = max(MAX_BATCH, *(n for net in self.nets.values() for n in net.layer_sizes))
        cols = max(n for net in self.nets.values() for n in net.layer_sizes)
        # Each panel is coloured by its values divided by its own largest |value| (the arrays differ
        # in size by orders of magnitude): one colour bar, from −1 to 1, reads them all.
        norm = Normalize(-1.0, 1.0)
        with course_style():
            for name, ax in self.panels.items():
                self._images[name] = ax.imshow(np.zeros((rows, cols)), cmap=DIVERGING_CMAP, norm=norm, aspect="auto")
                self._cells[name] = [[ax.text(c, r, "", ha="center", va="center", fontsize=8) for c in range(cols)]
                                     for r in range(rows)]
                self._titles[name] = ax.set_title(" ", fontsize=9.5)
                ax.grid(False)
                # Fixed places for the axis labels and the title: otherwise every redraw measures all
                # tick labels to place them, a third of the redraw.
                ax.yaxis.set_label_coords(-0.16, 0.5)
                ax.xaxis.set_label_coords(0.5, -0.16)
                ax.title.set_y(1.01)
                ax._autotitlepos = False  # what set_title(..., y=...) sets; set_y alone does not
            bar = self.fig.colorbar(self._images["W"], ax=list(self.panels.values()), shrink=0.75, aspect=30, pad=0.02)
            bar.set_label("value ÷ the largest |value| in its panel", fontsize=9)
            bar.set_ticks([-1, -0.5, 0, 0.5, 1])
            # The marker for "use mine": a frame around the z panel (its title and the status line say more).
            z_ax = self.panels["z"]
            self._mine_frame = Rectangle((0, 0), 1, 1, transform=z_ax.transAxes, fill=False, lw=3,
                                         ec=COLORS["student"], visible=False, clip_on=False, zorder=6)
            z_ax.add_patch(self._mine_frame)

    def _show(self, name: str, array: np.ndarray, title: str, sizes: dict) -> None:
        ax, image = self.panels[name], self._images[name]
        rows, cols = array.shape
        limit = max(float(np.max(np.abs(array))), 1e-12)
        image.set_data(array / limit)
        image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        ax.set_xticks(range(cols))
        ax.set_yticks(range(rows))
        row_dim, col_dim = self.DIMS[name]
        ax.set_ylabel(f"{row_dim} = {sizes[row_dim]}", fontsize=9)
        ax.set_xlabel(f"{col_dim} = {sizes[col_dim]}", fontsize=9)
        digits, size = (3, 8) if cols <= 3 else (2, 7.5)  # four columns: shorter numbers, or they touch
        for r, row in enumerate(self._cells[name]):
            for c, label in enumerate(row):
                inside = r < rows and c < cols
                label.set_visible(inside)
                if inside:
                    value = array[r, c]
                    label.set_text(fmt(value, digits))
                    label.set_fontsize(size)
                    label.set_color("white" if abs(value) > 0.6 * limit else "black")
        self._titles[name].set_text(f"{title}   shape {array.shape}")

    def _mark_student(self, on: bool) -> None:
        """Frame the z panel and say whose z it shows, and whether it agrees with the reference."""
        self._mine_frame.set_visible(on)
        if on:
            verdict = "agrees with the reference" if self.z_agrees else "differs from the reference"
            self._titles["z"].set_text(self._titles["z"].get_text() + ("  yours ✓" if self.z_agrees else "  yours ✗"))
            self._titles["z"].set_color(COLORS["text"] if self.z_agrees else COLORS["mistake"])
            self.say(f"The framed z panel shows your dense_forward; it {verdict}.", error=not self.z_agrees)
        else:
            self._titles["z"].set_color(COLORS["text"])
            self.say("")


def shapes_explorer(student_dense_forward: Callable | str | None = None, network: str = "Mazur's 2-2-2",
                    backend: str = "auto") -> ShapesExplorer:
    """Lesson 06: every array of one layer, with its shape, for a batch of N samples.

    Parameters
    ----------
    student_dense_forward : callable(x, W, b) -> z, or its name, optional
        The student's ``dense_forward``; ticked, the z panel shows its result, framed, and says
        whether it agrees with the reference.
    network : str
        A key of :data:`NETWORKS`: Mazur's 2-2-2 sigmoid network, or a 3-4-2 one whose
        dimensions all differ.
    backend : {"auto", "ipympl", "image", "none"}
    """
    return ShapesExplorer(student_dense_forward, network, backend)

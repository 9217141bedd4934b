"""Lesson 06's widget: the shape and values of every array of a layer, for a chosen batch size."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.viz.plots import fmt, new_figure
from backprop_core.viz.style import DIVERGING_CMAP, course_style
from ._base import LessonWidget, StudentToggle

MAX_BATCH = 6


def batch_of(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seed 002's sample first, then ``n − 1`` random inputs and targets in (0, 1): shapes (n, 2), (n, 2)."""
    _, x, target = examples.mazur()
    rng = np.random.default_rng(seed)
    X = np.vstack([x, rng.uniform(0, 1, size=(MAX_BATCH - 1, 2))])[:n]
    Y = np.vstack([target, rng.uniform(0.05, 0.95, size=(MAX_BATCH - 1, 2))])[:n]
    return X, Y


class ShapesExplorer(LessonWidget):
    """See :func:`shapes_explorer`.

    Attributes
    ----------
    batch_size : IntSlider (N)
    layer : Dropdown (1 = hidden, 2 = output)
    arrays : dict name -> ndarray
        What the panels show: the layer's input, W, b, z, a, delta, dE/dW, dE/db.
    panels : dict name -> Axes
    """

    student_toggle = StudentToggle("use my dense_forward for z",
                                   lambda widget, fn: fn(np.ones((2, 2)), np.ones((3, 2)), np.zeros(3)))

    NAMES = ("input", "W", "z", "a", "delta", "dE/dW")
    DIMS = {"input": ("N", "n_in"), "W": ("n_out", "n_in"), "z": ("N", "n_out"), "a": ("N", "n_out"),
            "delta": ("N", "n_out"), "dE/dW": ("n_out", "n_in")}

    def __init__(self, student_dense_forward: Callable | str | None, backend: str) -> None:
        self.net, _, _ = examples.mazur()
        self.fig, axes = new_figure(8.5, 4.4, ncols=3, nrows=2)
        self.panels = dict(zip(self.NAMES, axes.ravel()))
        self.batch_size = widgets.IntSlider(value=3, min=1, max=MAX_BATCH, description="batch size N",
                                            layout=widgets.Layout(width="360px"), style={"description_width": "100px"})
        self.layer = widgets.Dropdown(options=[("1 (hidden)", 0), ("2 (output)", 1)], value=0, description="layer",
                                      layout=widgets.Layout(width="220px"))
        self._observe(self.batch_size, self.layer)
        controls = [widgets.HBox([self.batch_size, self.layer]), *self._student_switch(student_dense_forward)]
        self._finish(controls, backend)

    def recompute(self) -> None:
        N, l = self.batch_size.value, self.layer.value
        X, Y = batch_of(N)
        trace = self.net.forward(X)
        grads = self.net.backward(trace, Y)
        a_prev = X if l == 0 else trace.activations[l - 1]
        z = trace.pre_activations[l]
        student = self.student_function()
        if student is not None:
            z = np.asarray(student(a_prev, self.net.weights[l], self.net.biases[l]), dtype=float)
        self.arrays = {"input": a_prev, "W": self.net.weights[l], "z": z, "a": trace.activations[l],
                       "delta": grads.deltas[l], "dE/dW": grads.weights[l]}
        titles = {"input": "x" if l == 0 else "a (previous layer)", "W": "W", "z": "z = x Wᵀ + b" if l == 0 else "z = a Wᵀ + b",
                  "a": "a = σ(z)", "delta": "δ = ∂E/∂z per sample", "dE/dW": "∂E/∂W = δᵀ x / N" if l == 0 else "∂E/∂W = δᵀ a / N"}
        if not hasattr(self, "_cells"):
            self._build_panels()
        for name in self.NAMES:
            self._show(name, self.arrays[name], titles[name])

    def _build_panels(self) -> None:
        """One image and a full grid of value labels per panel, made once; updates only change them."""
        self._images, self._cells, self._titles = {}, {}, {}
        rows, cols = MAX_BATCH, self.net.weights[0].shape[1]  # seed 002: no array is larger than (6, 2)
        with course_style():
            for name, ax in self.panels.items():
                self._images[name] = ax.imshow(np.zeros((rows, cols)), cmap=DIVERGING_CMAP, aspect="auto")
                self._cells[name] = [[ax.text(c, r, "", ha="center", va="center", fontsize=8) for c in range(cols)]
                                     for r in range(rows)]
                self._titles[name] = ax.set_title(" ", fontsize=9.5)
                ax.set_xlabel(self.DIMS[name][1], fontsize=9)
                ax.set_ylabel(self.DIMS[name][0], fontsize=9)
                ax.grid(False)

    def _show(self, name: str, array: np.ndarray, title: str) -> None:
        ax, image = self.panels[name], self._images[name]
        rows, cols = array.shape
        limit = max(float(np.max(np.abs(array))), 1e-12)
        image.set_data(array)
        image.set_clim(-limit, limit)
        image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        ax.set_xticks(range(cols))
        ax.set_yticks(range(rows))
        for r, row in enumerate(self._cells[name]):
            for c, label in enumerate(row):
                inside = r < rows and c < cols
                label.set_visible(inside)
                if inside:
                    value = array[r, c]
                    label.set_text(fmt(value, 3))
                    label.set_color("white" if abs(value) > 0.6 * limit else "black")
        self._titles[name].set_text(f"{title}   shape {array.shape}")


def shapes_explorer(student_dense_forward: Callable | str | None = None, backend: str = "auto") -> ShapesExplorer:
    """Lesson 06: every array of one layer of seed 002, with its shape, for a batch of N samples.

    Parameters
    ----------
    student_dense_forward : callable(x, W, b) -> z, or its name, optional
        The student's ``dense_forward``; ticked, the z panel shows its result.
    backend : {"auto", "ipympl", "image", "none"}
    """
    return ShapesExplorer(student_dense_forward, backend)

"""Surfaces over a plane: the error over two weights with a descent path, and a 2-input network's output."""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import PowerNorm

from backprop_core.nn.network import Network
from backprop_core.viz.style import COLORS, DIVERGING_CMAP, SEQUENTIAL_CMAP, course_style
from ._base import _Plot, show_path


class ErrorSurfacePlot(_Plot):
    """Contours of E over two weights with a path; made by :func:`error_surface`.

    Parameters
    ----------
    values_a, values_b, grid, ax, labels
        As for :func:`error_surface`.

    Attributes
    ----------
    fig, ax
    filled : AxesImage
        E as colours; ``lines`` its contour set, ``colorbar`` the scale beside it.
    path : Line2D with markers
        The visited pairs; ``current`` the last one, marked large.
    """

    def __init__(self, values_a, values_b, grid, ax: Axes | None = None,
                 labels: tuple[str, str] = ("w_5", "w_6")) -> None:
        super().__init__(ax, (4.8, 3.9))
        self.filled = self.lines = self.colorbar = None
        self._contour(values_a, values_b, grid)
        with course_style():
            (self.path,) = self.ax.plot([], [], "o-", color=COLORS["path"], ms=4, lw=1.4, mec="white", mew=0.5)
            (self.start,) = self.ax.plot([], [], "s", color="white", ms=8, mec="black", mew=1.3, zorder=5,
                                         label="start")
            (self.current,) = self.ax.plot([], [], "o", color=COLORS["path"], ms=9, mec="white", mew=1.2, zorder=6,
                                           label="last step")
            self.ax.set_xlabel(f"weight ${labels[0]}$")
            self.ax.set_ylabel(f"weight ${labels[1]}$")
            self.ax.grid(False)
            self.ax.legend(handles=[self.start, self.current], loc="upper right", fontsize=8, framealpha=0.8)
        self.ax.set_xlim(float(np.min(values_a)), float(np.max(values_a)))
        self.ax.set_ylim(float(np.min(values_b)), float(np.max(values_b)))

    def _contour(self, values_a, values_b, grid) -> None:
        for old in (self.filled, self.lines):
            if old is not None:
                old.remove()
        with course_style():
            # Square-root spacing: error surfaces are bowls, and evenly spaced levels would crowd the rim.
            low, high = float(np.min(grid)), float(np.max(grid))
            levels = low + np.linspace(0.0, np.sqrt(max(high - low, 1e-12)), 11) ** 2
            # An image, not contourf: a few times faster to draw on every slider move, same picture.
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
            show_path(self.path, self.current, path, self.start)
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
        E at every pair, e.g. from :func:`~backprop_core.course.weights.loss_grid`.
    path : array_like, shape (k, 2), optional
        Visited (w_a, w_b) pairs, oldest first.
    ax : Axes, optional
        Draw into it; default a new figure.
    labels : (str, str)
        Mathtext names of the two weights.
    """
    return ErrorSurfacePlot(values_a, values_b, grid, ax, labels).update(path)


class DecisionBoundaryPlot(_Plot):
    """A 2-D network's output over the input plane; made by :func:`decision_boundary`.

    Parameters
    ----------
    net, X, Y, ax, lim, resolution, marker_size
        As for :func:`decision_boundary`.

    Attributes
    ----------
    fig, ax, image (AxesImage), boundary (contour set at 0.5, or None), points (PathCollection of the targets 1)
    samples : list of PathCollection
        The samples drawn: targets 0, then targets 1.
    grid_x : ndarray, shape (resolution,)
        Grid coordinates along each input axis.
    """

    def __init__(self, net: Network, X, Y, ax: Axes | None = None, lim: tuple[float, float] = (-0.5, 1.5),
                 resolution: int = 81, marker_size: float = 90) -> None:
        if net.n_in != 2:
            raise ValueError(f"net must have 2 inputs to draw a decision boundary, got n_in={net.n_in}")
        super().__init__(ax, (4.2, 3.6))
        self.lim = lim
        self.grid_x = np.linspace(lim[0], lim[1], resolution)
        xx, yy = np.meshgrid(self.grid_x, self.grid_x)
        self.grid = np.column_stack([xx.ravel(), yy.ravel()])
        self.boundary = None
        with course_style():
            self.image = self.ax.imshow(np.zeros((resolution, resolution)), origin="lower", extent=(*lim, *lim), vmin=0,
                                        vmax=1, cmap=DIVERGING_CMAP, aspect="equal", interpolation="bilinear")
            self.fig.colorbar(self.image, ax=self.ax, label="network output")
            self._draw_samples(np.asarray(X, dtype=float), np.ravel(np.asarray(Y, dtype=float)), marker_size)
            self.ax.set_xlabel("input $x_1$")
            self.ax.set_ylabel("input $x_2$")
            self.ax.grid(False)
            self.ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2, frameon=False)

    def _draw_samples(self, X: np.ndarray, Y: np.ndarray, marker_size: float) -> None:
        """Samples X, shape (N, 2), with targets Y, shape (N,): open circles for 0, filled squares for 1."""
        ones, zeros = Y >= 0.5, Y < 0.5
        zero_points = self.ax.scatter(X[zeros, 0], X[zeros, 1], s=marker_size, marker="o", facecolor="white",
                                      edgecolor="black", lw=1.5, label="target 0", zorder=4)
        self.points = self.ax.scatter(X[ones, 0], X[ones, 1], s=marker_size, marker="s", facecolor="black",
                                      edgecolor="white", lw=1.0, label="target 1", zorder=4)
        self.samples = [zero_points, self.points]

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
                      resolution: int = 81, marker_size: float = 90) -> DecisionBoundaryPlot:
    """The output of a 2-input network over the plane, its 0.5 contour, and the samples.

    Parameters
    ----------
    net : Network with n_in = 2
    X : array_like, shape (N, 2)
    Y : array_like, shape (N, 1) or (N,)
        Targets 0 or 1: drawn as open circles (0) and filled squares (1).
    ax : Axes, optional
        Draw into it; default a new figure.
    lim : (low, high)
        The range of both inputs.
    resolution : int
        Grid points per axis.
    marker_size : float
        Area of a sample's marker in points² (smaller for many samples).
    """
    return DecisionBoundaryPlot(net, X, Y, ax, lim, resolution, marker_size).update(net)

"""Lesson 09's widget: a digits classifier of chosen depth, width, activation and initial scale, trained live.

Every press of **train** runs a few epochs of minibatch training on part of the training digits; the
figure shows each layer's gradient size ‖∂E/∂W_l‖ (now, and at the start, dashed) and the loss so far.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from backprop_core.course import digits
from backprop_core.nn import init, training
from backprop_core.nn.network import Network
from backprop_core.viz.plots import new_figure
from ._base import LessonWidget, button

#: Training digits the explorer trains on (a part of the 1,347, so that a press answers fast).
N_SAMPLES = 600
BATCH_SIZE = 32
LEARNING_RATE = 0.1
EPOCHS_PER_PRESS = 3
WIDTHS = (8, 16, 32, 64)
#: The initial scale, as a multiple of the right one sqrt(g / n_in): from far too small to far too large.
SCALES = (0.01, 0.1, 0.3, 1.0, 3.0, 10.0)


def gradient_sizes(net: Network, X: np.ndarray, T: np.ndarray) -> np.ndarray:
    """‖∂E/∂W_l‖ for every layer l of ``net`` on the batch (X, T): shape (n_layers,)."""
    grads = net.backward(net.forward(X), T)
    return np.array([np.linalg.norm(g) for g in grads.weights])


class DepthExplorer(LessonWidget):
    """See :func:`depth_explorer`.

    Attributes
    ----------
    depth, width, activation, scale : widgets
        Hidden layers (1–8), neurons per hidden layer, "tanh" or "relu", initial scale (× the right one).
    train_button, reset : Button
    net : Network
        The network being trained.
    losses : list of float
        The loss over the explorer's digits: losses[0] before training, then one per epoch.
    start_sizes, sizes : ndarray, shape (n_layers,)
        Each layer's gradient size at the start and now.
    """

    def __init__(self, depth: int, width: int, activation: str, scale: float, backend: str) -> None:
        data = digits.split()
        self.X, self.T = data["X_train"][:N_SAMPLES], data["T_train"][:N_SAMPLES]
        self.depth = widgets.IntSlider(value=depth, min=1, max=8, description="hidden layers",
                                       style={"description_width": "100px"}, layout=widgets.Layout(width="330px"))
        self.width = widgets.Dropdown(options=WIDTHS, value=width, description="width",
                                      style={"description_width": "50px"}, layout=widgets.Layout(width="130px"))
        self.activation = widgets.ToggleButtons(options=["tanh", "relu"], value=activation, description="activation",
                                                style={"description_width": "70px", "button_width": "60px"})
        self.scale = widgets.SelectionSlider(options=[(f"{s:g} ×", s) for s in SCALES], value=scale,
                                             description="initial scale", style={"description_width": "100px"},
                                             layout=widgets.Layout(width="420px"))
        self.train_button = button(f"train {EPOCHS_PER_PRESS} epochs")
        self.reset = button("reset")
        self.fig, (self.ax_sizes, self.ax_loss) = new_figure(9.5, 3.6, ncols=2)
        self.restart()
        self._observe(self.depth, self.width, self.activation, self.scale)
        self.train_button.on_click(lambda _: self.press())
        self.reset.on_click(lambda _: self._on_change())
        controls = [widgets.HBox([self.depth, self.width, self.activation]),
                    widgets.HBox([self.scale, self.train_button, self.reset])]
        self._finish(controls, backend)

    # -- the run
    def restart(self) -> None:
        """A fresh network from the controls' values: weights drawn at the chosen scale, zero biases."""
        sizes = [64] + [self.width.value] * self.depth.value + [10]
        hidden = self.activation.value
        weights, biases = init.init_weights(sizes, hidden, seed=0)
        weights = [W * self.scale.value for W in weights]  # init_weights gives the right scale: multiply it
        self.net = Network(weights, biases, [hidden] * self.depth.value + ["softmax"], loss="cross_entropy")
        with np.errstate(all="ignore"):  # a huge start may overflow before any training
            self.losses = [self.net.loss(self.X, self.T)]
            self.start_sizes = self.sizes = gradient_sizes(self.net, self.X, self.T)

    def press(self) -> None:
        """Train :data:`EPOCHS_PER_PRESS` more epochs and redraw."""
        try:
            self.train(EPOCHS_PER_PRESS)
            self.redraw()
        except Exception as error:  # shown, never lost in the log
            self.say(f"{type(error).__name__}: {error}", error=True)

    def train(self, epochs: int) -> None:
        """``epochs`` epochs of minibatch training; the loss and gradient sizes after them."""
        # A far too large start can blow up (ReLU has no ceiling): numpy's overflow warnings are expected
        # here, and the run stops at the first loss that is not a number.
        with np.errstate(all="ignore"):
            for _ in range(epochs):
                if not np.isfinite(self.losses[-1]):
                    break
                batches = training.minibatches(self.X, self.T, BATCH_SIZE, rng=len(self.losses))
                for X_batch, T_batch in batches:
                    self.net.step(self.net.backward(self.net.forward(X_batch), T_batch), learning_rate=LEARNING_RATE)
                loss = self.net.loss(self.X, self.T)
                self.losses.append(loss if np.isfinite(loss) else np.nan)
            self.sizes = gradient_sizes(self.net, self.X, self.T)
            self._draw()

    # -- drawing
    def recompute(self) -> None:
        self.restart()
        self._draw()

    def _build_axes(self) -> None:
        """The two panels' artists, made once; :meth:`_draw` only changes their data."""
        ax = self.ax_sizes
        ax.set_yscale("log")
        # few ticks: a log axis over many decades otherwise lays out dozens of labels on every draw
        ax.yaxis.set_major_locator(LogLocator(numticks=6))
        ax.yaxis.set_minor_locator(NullLocator())
        self.start_line, = ax.plot([], [], "o--", color="0.6", label="at the start")
        self.now_line, = ax.plot([], [], "o-", label="now")
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_ylabel(r"$\|\partial E/\partial W^{(l)}\|$")
        ax.set_title("gradient size by layer")
        ax.legend(frameon=False, fontsize=8, loc="upper left")
        ax = self.ax_loss
        self.loss_line, = ax.plot([], [], "o-", ms=3)
        ax.axhline(np.log(10), color="0.7", lw=0.8, ls=":")
        ax.set_xlabel("epochs trained")
        ax.set_ylabel("cross-entropy E")

    def _draw(self) -> None:
        if not hasattr(self, "now_line"):
            self._build_axes()
        layers = np.arange(1, len(self.sizes) + 1)
        floor = 1e-12  # a gradient of exactly 0 sits at the bottom of the log axis
        self.start_line.set_data(layers, np.maximum(self.start_sizes, floor))
        self.now_line.set_data(layers, np.maximum(self.sizes, floor))
        self.now_line.set_label(f"after {len(self.losses) - 1} epochs")
        ax = self.ax_sizes
        ax.set_xticks(layers)
        ax.set_xlim(0.5, len(layers) + 0.5)
        shown = np.maximum(np.concatenate([self.start_sizes, self.sizes]), floor)
        shown = shown[np.isfinite(shown)] if np.any(np.isfinite(shown)) else np.array([1.0])
        ax.set_ylim(shown.min() / 3, shown.max() * 30)  # room above for the legend
        ax.legend(frameon=False, fontsize=8, loc="upper left")
        losses = np.asarray(self.losses, dtype=float)
        self.loss_line.set_data(np.arange(len(losses)), losses)
        ax = self.ax_loss
        ax.set_xlim(-0.5, max(len(losses) - 0.5, 3))
        finite = losses[np.isfinite(losses)]
        ax.set_ylim(0, max(2.5, finite.max() * 1.05) if finite.size else 2.5)
        with np.errstate(all="ignore"):
            accuracy = np.mean(np.argmax(self.net.forward(self.X).output, axis=1) == np.argmax(self.T, axis=1))
        ax.set_title(f"loss; {accuracy:.0%} of these digits right")
        ratio = self.sizes[0] / max(self.sizes[-1], 1e-300)
        if not np.all(np.isfinite(self.losses)):
            self.say("the loss is no longer a number: the weights blew up (a far too large start). Pick a smaller "
                     "initial scale, or reset.", error=True)
            return
        layers = "1 hidden layer" if self.depth.value == 1 else f"{self.depth.value} hidden layers"
        self.say(f"{layers} of {self.width.value} {self.activation.value} neurons, initial "
                 f"scale {self.scale.value:g} × the right one: the first layer's gradient is {ratio:.1e} times the "
                 f"last layer's. Press 'train {EPOCHS_PER_PRESS} epochs' to train on {N_SAMPLES} digits.")


def depth_explorer(depth: int = 4, width: int = 32, activation: str = "tanh", scale: float = 1.0,
                   backend: str = "auto") -> DepthExplorer:
    """Lesson 09: choose depth, width, activation and initial scale; train and watch each layer's gradient size.

    Parameters
    ----------
    depth : int
        Hidden layers, 1 to 8.
    width : int
        Neurons per hidden layer, one of 8, 16, 32, 64.
    activation : {"tanh", "relu"}
    scale : float
        The initial weights' scale as a multiple of the right one (sqrt(1/n_in) for tanh, sqrt(2/n_in) for
        ReLU), one of 0.01, 0.1, 0.3, 1, 3, 10.
    backend : {"auto", "ipympl", "image", "none"}
    """
    if width not in WIDTHS:
        raise ValueError(f"width must be one of {WIDTHS}, got {width!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    if activation not in ("tanh", "relu"):
        raise ValueError(f"activation must be 'tanh' or 'relu', got {activation!r}")
    if not isinstance(depth, int) or not 1 <= depth <= 8:
        raise ValueError(f"depth must be a whole number from 1 to 8, got {depth!r}")
    return DepthExplorer(depth, width, activation, scale, backend)

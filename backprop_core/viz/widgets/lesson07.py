"""Lesson 07's widgets: train XOR live, and a learning-rate explorer that answers every move at once."""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter

from backprop_core.course import examples
from backprop_core.nn.network import Network, backward_pass, forward_pass
from backprop_core.nn.training import train
from backprop_core.viz.plots import decision_boundary, fmt, new_figure
from backprop_core.viz.plots.ticks import log_ticks, power_label
from backprop_core.viz.style import COLORS, course_style
from ._base import LessonWidget, StudentToggle, button, learning_rate_slider


def fixed_labels(ax, title_y: float = 1.02, label_x: float = -0.14) -> None:
    """Keep ``ax``'s axis labels and title where they are.

    Otherwise every redraw measures all tick labels to place them, a third of the
    learning-rate explorer's redraw.
    """
    ax.yaxis.set_label_coords(label_x, 0.5)
    ax.xaxis.set_label_coords(0.5, -0.13)
    ax.title.set_y(title_y)
    ax._autotitlepos = False  # what set_title(..., y=...) sets; set_y alone does not


def draw_losses(ax, losses, label: str | None = None, **style):
    """Plot ``losses`` (shape (k,), ``losses[i]`` measured after i updates) from x = 0 on a log y axis; the Line2D."""
    (line,) = ax.plot(np.arange(len(losses)), losses, label=label, **style)
    ax.set_yscale("log")
    finite = np.asarray(losses, dtype=float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    log_ticks(ax.yaxis, np.log10(finite.max() / finite.min()) if len(finite) > 1 else None)
    return line


# ------------------------------------------------------------------ the XOR training explorer

#: The starts the explorer offers: a random start that learns XOR, and the XOR-by-hand example's own, which gets stuck.
STARTS = {"a start that learns (rng seed 1)": 1, "XOR-by-hand start (gets stuck)": None}


class TrainingExplorer(LessonWidget):
    """See :func:`training_explorer`.

    Attributes
    ----------
    learning_rate : FloatLogSlider
    epochs : IntSlider
        Epochs the "train" button runs.
    start : ToggleButtons
        Which start the network is reset to: rng seed (int) or None for the XOR-by-hand example's weights.
    train_button, step, reset, new_start : Button
    init_seed : int or None
        The current start: ``examples.xor(init_seed)``.
    switch : StudentSwitch or None
    losses : list of float
        Every epoch's loss so far (as ``History.losses``: ``losses[k]`` is measured after k epochs).
    net : Network
    """

    # tried on one epoch of a fresh XOR network with random weights, never on the one being explored
    student_toggle = StudentToggle("use my train_online", lambda widget, fn: fn(*examples.xor(0), 0.5, 1))

    def __init__(self, learning_rate: float, epochs: int, init_seed: int | None,
                 student_train: Callable | str | None, backend: str) -> None:
        self.init_seed = init_seed
        self.net, self.X, self.Y = examples.xor(init_seed)
        self.losses: list = []
        self.fig, (self.ax_loss, ax_plane) = new_figure(8.5, 3.7, ncols=2)
        with course_style():
            self.curve = draw_losses(self.ax_loss, [self.net.loss(self.X, self.Y)], color=COLORS["curve"], lw=1.8,
                                     marker="o", ms=4)
            self.ax_loss.set_xlabel("epochs trained")
            self.ax_loss.set_ylabel("loss E (log scale)")
            self.ax_loss.set_title("loss while training")
            fixed_labels(self.ax_loss, label_x=-0.17)  # tick labels change width as the loss falls
        self.plane = decision_boundary(self.net, self.X, self.Y, ax=ax_plane, resolution=61)
        ax_plane.set_title("output over the input plane (line: 0.5)")
        self.readout = self.fig.supxlabel(" ", fontsize=10)
        self.learning_rate = learning_rate_slider(learning_rate, 1e-2, 20.0)
        self.epochs = widgets.IntSlider(value=epochs, min=1, max=5000, step=1, description="epochs per click",
                                        layout=widgets.Layout(width="420px"), style={"description_width": "110px"})
        options = dict(STARTS)
        if init_seed not in options.values():
            options[f"random start (rng seed {init_seed})"] = init_seed
        self.start = widgets.ToggleButtons(options=list(options.items()), value=init_seed, description="start",
                                           style={"description_width": "40px", "button_width": "250px"})
        self.train_button, self.step, self.reset = button("train"), button("one epoch"), button("reset")
        self.new_start = button("another random start", "weights drawn from [−4, 4] with the next rng seed")
        self.train_button.on_click(lambda _: self.run(self.epochs.value))
        self.step.on_click(lambda _: self.run(1))
        self.reset.on_click(lambda _: self.restart())
        self.new_start.on_click(lambda _: self.random_start())
        self.start.observe(lambda change: self.restart(change["new"]), names="value")
        self.learning_rate.observe(lambda _: self.restart(), names="value")
        controls = [self.learning_rate, self.epochs, self.start,
                    widgets.HBox([self.train_button, self.step, self.reset, self.new_start]),
                    *self._student_switch(student_train)]
        self._finish(controls, backend)

    def restart(self, init_seed: int | None | str = "same") -> None:
        """Back to epoch 0 from the current start (or from ``examples.xor(init_seed)``)."""
        if init_seed != "same":
            self.init_seed = init_seed
        self.net, self.X, self.Y = examples.xor(self.init_seed)
        self.losses = []
        self._on_change()

    def random_start(self) -> None:
        """A start the buttons do not offer yet: the next rng seed after the largest seen so far."""
        seeds = [value for _, value in self.start.options if value is not None]
        seed = max(seeds) + 1
        label = f"random start (rng seed {seed})"
        self.start.options = [*[(k, v) for k, v in self.start.options if not k.startswith("random start (")], (label, seed)]
        self.start.value = seed  # observed: restarts from it

    def _student_toggled(self) -> None:
        """Reference and student train from the same start: switching restarts, so the curves compare."""
        self.restart()

    def run(self, epochs: int) -> None:
        """Train ``epochs`` more epochs online with the slider's learning rate, then redraw.

        The reference visits the samples in their given order, as ``train_online`` does:
        a correct ``train_online`` shows exactly the reference's numbers.
        """
        student = self.student_function()
        if student is not None:
            got = student(self.net, self.X, self.Y, self.learning_rate.value, epochs)
            self.losses.extend(np.ravel(np.asarray(got, dtype=float)).tolist())
        else:
            history = train(self.net, self.X, self.Y, learning_rate=self.learning_rate.value, epochs=epochs,
                            mode="online", shuffle=False)
            self.losses.extend(history.losses.tolist())
        self._on_change()

    def recompute(self) -> None:
        # losses[k] was measured during epoch k, after k epochs of training: drawn at x = k.
        # Before any training there is one point, the untrained network's loss.
        now = self.net.loss(self.X, self.Y)
        shown = np.asarray(self.losses or [now], dtype=float)
        self.curve.set_data(np.arange(len(shown)), shown)
        self.curve.set_marker("o" if len(shown) <= 2 else "")
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        self.ax_loss.set_xlim(0, max(len(shown) - 1, 10))
        log_ticks(self.ax_loss.yaxis, float(np.log10(shown.max() / shown.min())))
        self.plane.update(self.net)
        outputs = self.net.forward(self.X).output[:, 0]
        pairs = ", ".join(f"{int(a)}{int(b)}→{fmt(o, 2)}" for (a, b), o in zip(self.X, outputs))
        who = "your train_online" if self.student_function() is not None else "the reference"
        self.readout.set_text(f"α = {fmt(self.learning_rate.value, 3)}, epoch {len(self.losses)} ({who}), "
                              f"loss now {fmt(now)};  outputs {pairs}")


def training_explorer(learning_rate: float = 1.0, epochs: int = 500, init_seed: int | None = 1,
                      student_train: Callable | str | None = None, backend: str = "auto") -> TrainingExplorer:
    """Lesson 07: train the XOR-by-hand network live; loss curve and decision boundary follow.

    Online training with the samples in their given order, for the reference and the
    student's ``train_online`` alike.

    Parameters
    ----------
    learning_rate : float
        The XOR-by-hand example's α = 1.
    epochs : int
        Epochs per press of "train".
    init_seed : int or None
        The start: an int draws random weights in [−4, 4] with that rng seed (``examples.xor(seed)``);
        1, the default, learns XOR; None is the XOR-by-hand example's own start, which gets stuck.
    student_train : callable(net, X, T, learning_rate, epochs) -> losses, or its name, optional
        The student's ``train_online``; ticked, "train" uses it.
    backend : {"auto", "ipympl", "image", "none"}
    """
    return TrainingExplorer(learning_rate, epochs, init_seed, student_train, backend)


# ------------------------------------------------------------------ the learning-rate explorer

#: The learning rates the slider offers: 1, 1.5, 2, 3, 5, 7 times each power of ten from 0.01 to 1000.
RATES = tuple(float(f"{m * 10.0 ** e:.6g}") for e in range(-2, 3) for m in (1, 1.5, 2, 3, 5, 7)) + (1000.0,)

#: A run whose loss passes this is called diverged and stopped (beyond it the numbers overflow to inf).
DIVERGED = 1e6


def train_side_by_side(net: Network, x: np.ndarray, target: np.ndarray, rates, steps: int,
                       update_biases: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train one copy of ``net`` per learning rate on one sample, all copies in one computation.

    The K copies sit side by side as one network whose weight matrices are block-diagonal
    (copy k's block in rows and columns k), fed K copies of the sample; the course's own
    forward and backward passes run once per step for all of them. The loss is a sum over
    outputs, so no block feels another; only the zero weights between blocks get gradients,
    and the update leaves them at zero. Each block moves with its own learning rate.

    Parameters
    ----------
    net : Network
        Not changed.
    x : ndarray, shape (n_in,)
    target : ndarray, shape (n_out,)
    rates : sequence of float, length K
    steps : int
        Updates per copy.
    update_biases : bool

    Returns
    -------
    losses : ndarray, shape (K, steps)
        ``losses[k, i]``: copy k's loss after i updates, as ``train(...).losses``; NaN after it diverged.
    final : ndarray, shape (K,)
        Each copy's loss after all ``steps`` updates (inf when it diverged).
    diverged_at : ndarray of int, shape (K,)
        The update at which copy k's loss first passed :data:`DIVERGED`; -1 if never.
    """
    rates = np.asarray(rates, dtype=float)
    K = len(rates)
    eye = np.eye(K)
    weights = [np.kron(eye, W) for W in net.weights]
    biases = None if net.biases is None else [np.tile(b, K) for b in net.biases]
    side = Network(weights=weights, biases=biases, activations=net.activations)
    # per weight: its block's learning rate, 0 between blocks (those weights stay 0)
    step_sizes = [np.kron(np.diag(rates), np.ones_like(W)) for W in net.weights]
    bias_steps = [np.repeat(rates, len(b)) for b in net.biases] if update_biases and net.biases is not None else None
    X, T = np.tile(x, K)[None, :], np.tile(target, K)[None, :]
    losses = np.full((K, steps), np.nan)
    diverged_at = np.full(K, -1)
    live = np.ones(K, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(steps):
            output, caches = forward_pass(side, X)
            per_copy = 0.5 * ((T - output) ** 2).reshape(K, -1).sum(axis=1)
            losses[live, i] = per_copy[live]
            blown = live & ~(per_copy <= DIVERGED)
            if blown.any():
                _stop(side, step_sizes, bias_steps, blown, net)
                diverged_at[blown], live = i, live & ~blown
                if not live.any():
                    break
                output, caches = forward_pass(side, X)
            gW, gb, _ = backward_pass(side, caches, T, bias_gradients=bias_steps is not None)
            for W, g, size in zip(side.weights, gW, step_sizes):
                W -= size * g
            if bias_steps is not None:
                for b, g, size in zip(side.biases, gb, bias_steps):
                    b -= size * g
        final = 0.5 * ((T - forward_pass(side, X)[0]) ** 2).reshape(K, -1).sum(axis=1)
    final[diverged_at >= 0] = np.inf
    return losses, final, diverged_at


def _stop(side: Network, step_sizes: list, bias_steps: list | None, copies: np.ndarray, net: Network) -> None:
    """Freeze the ``copies`` (bool mask, shape (K,)): weights back to 0, learning rate 0.

    A diverged copy's numbers overflow; left in place, inf × 0 between the blocks would
    spread NaN into every other copy.
    """
    for l, W in enumerate(side.weights):
        n_out, n_in = net.weights[l].shape
        rows, cols = np.repeat(copies, n_out), np.repeat(copies, n_in)
        W[np.ix_(rows, cols)] = 0.0
        step_sizes[l][rows, :] = 0.0
        if bias_steps is not None:
            bias_steps[l][rows] = 0.0


#: The worked examples the explorer trains: name -> (example, its own learning rate, what it says about α).
NETWORKS = {
    "Mazur's 2-2-2 sigmoid": (examples.mazur, 0.5),
    "hmkcode's linear 2-2-1": (examples.step_by_step, 0.05),
}


class LearningRateExplorer(LessonWidget):
    """See :func:`learning_rate_explorer`.

    Every run of the slider's rates is trained when the widget opens (one batched
    computation per network, :func:`train_side_by_side`); a move only looks its run up.

    Attributes
    ----------
    learning_rate : SelectionSlider
        One of :data:`RATES`.
    network : ToggleButtons
        A key of :data:`NETWORKS`.
    steps : int
    runs : dict network name -> (losses (K, steps), final (K,), diverged_at (K,))
    losses : ndarray, shape (steps,)
        The current run's losses (``losses[i]`` after i updates; NaN after it diverged).
    final : float
        The current run's error after ``steps`` updates (inf when it diverged).
    """

    def __init__(self, learning_rate: float, steps: int, network: str, backend: str) -> None:
        if network not in NETWORKS:
            raise ValueError(f"network must be one of {', '.join(map(repr, NETWORKS))}, got {network!r}")
        self.steps = steps
        self.runs = {}
        for name, (example, _) in NETWORKS.items():
            net, x, target = example()
            self.runs[name] = train_side_by_side(net, x, target, RATES, steps)
        nearest = min(RATES, key=lambda rate: abs(np.log(rate / learning_rate)))
        self.learning_rate = widgets.SelectionSlider(
            options=[(f"{rate:g}", rate) for rate in RATES], value=nearest, description="learning rate α",
            continuous_update=True, layout=widgets.Layout(width="480px"), style={"description_width": "110px"})
        self.network = widgets.ToggleButtons(options=list(NETWORKS), value=network, description="network",
                                             style={"description_width": "60px", "button_width": "190px"})
        self._build_figure()
        self._observe(self.learning_rate, self.network)
        self._finish([self.network, self.learning_rate], backend)

    def _build_figure(self) -> None:
        self.fig, (self.ax_curve, self.ax_rates) = new_figure(8.5, 3.6, ncols=2)
        with course_style():
            self.own_line = draw_losses(self.ax_curve, [np.nan], color=COLORS["muted"], lw=1.5, ls="--")
            self.line = draw_losses(self.ax_curve, [np.nan], color=COLORS["curve"], lw=1.6, label="your α")
            (self.blown_point,) = self.ax_curve.plot([], [], "x", color=COLORS["mistake"], ms=9, mew=2.5)
            # 0 and 1 on a linear stretch, then decades: the first updates and the last thousands both show
            self.ax_curve.set_xscale("symlog", linthresh=1, linscale=0.4)
            self.ax_curve.xaxis.set_major_formatter(FuncFormatter(power_label))
            self.ax_curve.set_xlabel("updates (log scale)")
            self.ax_curve.set_ylabel("error E (log scale)")
            (self.rate_line,) = self.ax_rates.plot([], [], "o-", color=COLORS["curve"], ms=3.5, lw=1.2)
            (self.blown,) = self.ax_rates.plot([], [], "x", color=COLORS["mistake"], ms=7, mew=2)
            (self.marker,) = self.ax_rates.plot([], [], "o", color=COLORS["path"], ms=10, mec="black", zorder=5)
            self.ax_rates.set_xscale("log")
            self.ax_rates.set_yscale("log")
            log_ticks(self.ax_rates.xaxis)
            log_ticks(self.ax_rates.yaxis)
            self.ax_rates.set_xlim(RATES[0] / 1.5, RATES[-1] * 1.5)
            self.ax_rates.set_xlabel("learning rate α")
            self.ax_rates.set_ylabel("final error E")
            fixed_labels(self.ax_curve)
            fixed_labels(self.ax_rates)
        self.readout = self.fig.supxlabel(" ", fontsize=10)

    def _run(self) -> tuple[np.ndarray, float, int]:
        losses, final, diverged_at = self.runs[self.network.value]
        k = RATES.index(self.learning_rate.value)
        return losses[k], float(final[k]), int(diverged_at[k])

    def recompute(self) -> None:
        name = self.network.value
        losses, finals, diverged_at = self.runs[name]
        own_rate = NETWORKS[name][1]
        self.losses, self.final, blown_at = self._run()
        self._show_curves(name, losses[RATES.index(own_rate)], own_rate, blown_at)
        self._show_rates(finals, diverged_at, blown_at)
        self.readout.set_text(self._verdict(blown_at))

    def _show_curves(self, name: str, own: np.ndarray, own_rate: float, blown_at: int) -> None:
        """Left panel: the example's own run (dashed) and the slider's run, shapes (steps,)."""
        x = np.arange(self.steps)
        self.own_line.set_data(x, own)
        self.own_line.set_label(f"the example's α = {own_rate:g}")
        self.line.set_data(x, self.losses)
        if blown_at >= 0:
            self.blown_point.set_data([blown_at], [DIVERGED])
        else:
            self.blown_point.set_data([], [])
        self.ax_curve.set_title(name + (", biases fixed" if "Mazur" in name else ""), fontsize=10)
        self.ax_curve.set_xlim(0, self.steps)
        shown = np.concatenate([own, self.losses])
        shown = shown[np.isfinite(shown)]
        top = DIVERGED if blown_at >= 0 else shown.max()
        self.ax_curve.set_ylim(max(shown.min(), 1e-32) / 3, top * 3)
        self.ax_curve.legend(loc="lower left", frameon=False, fontsize=8.5)

    def _show_rates(self, finals: np.ndarray, diverged_at: np.ndarray, blown_at: int) -> None:
        """Right panel: every rate's final error (shape (K,)); a cross at the top for each diverged one."""
        rates, ok = np.array(RATES), diverged_at < 0
        floor = 1e-32  # an error of exactly 0 has no place on a log axis
        self.rate_line.set_data(rates[ok], np.maximum(finals[ok], floor))
        self.blown.set_data(rates[~ok], np.full(int((~ok).sum()), DIVERGED))
        self.marker.set_data([self.learning_rate.value], [DIVERGED if blown_at >= 0 else max(self.final, floor)])
        low = max(finals[ok].min(), floor) if ok.any() else 1e-3
        high = DIVERGED if (~ok).any() else finals[ok].max()
        self.ax_rates.set_ylim(low / 10, high * 10)
        self.ax_rates.set_title("all rates" + ("  (× diverged)" if (~ok).any() else ""), fontsize=10)

    def _verdict(self, blown_at: int) -> str:
        """One line for the current run: diverged, stalled, or its final error."""
        alpha = fmt(self.learning_rate.value, 3)
        if blown_at >= 0:
            return f"α = {alpha}: diverged, the error passed {DIVERGED:.0e} after {blown_at:,} updates"
        text = f"α = {alpha}: error after {self.steps:,} updates = {fmt(self.final)}"
        earlier = self.losses[-min(1000, self.steps // 2)]
        if self.final > 1e-20 and self.final >= 0.999 * earlier:
            text += "  (it stopped falling)"
        return text


def learning_rate_explorer(learning_rate: float = 0.5, steps: int = 10_000, network: str = "Mazur's 2-2-2 sigmoid",
                           backend: str = "auto") -> LearningRateExplorer:
    """Lesson 07: move the learning rate and see the whole training run at once.

    Opening the widget trains every rate of the slider (0.01 to 1000) for ``steps``
    updates on each network of :data:`NETWORKS`, as one batched computation per network;
    a move then answers at once, without retraining.

    Parameters
    ----------
    learning_rate : float
        Where the slider starts (the nearest of :data:`RATES`).
    steps : int
        Updates per run (Mazur's 10,000).
    network : str
        A key of :data:`NETWORKS`, shown first.
    backend : {"auto", "ipympl", "image", "none"}
    """
    return LearningRateExplorer(learning_rate, steps, network, backend)

"""Lesson 07's widgets: train XOR live, and a learning-rate explorer for seed 002's 10,000 steps."""
from __future__ import annotations

import time
from typing import Callable

import ipywidgets as widgets
import numpy as np

from backprop_core.course import examples
from backprop_core.viz.plots import decision_boundary, fmt, loss_curve, new_figure
from backprop_core.nn.training import train
from ._base import LessonWidget, StudentToggle, button, learning_rate_slider


class TrainingExplorer(LessonWidget):
    """See :func:`training_explorer`.

    Attributes
    ----------
    learning_rate : FloatLogSlider
    epochs : IntSlider
        Epochs the "train" button runs.
    train_button, step, reset : Button
    switch : StudentSwitch or None
    losses : list of float
        Every epoch's loss so far (as ``History.losses``).
    net : Network
    """

    # tried on one epoch of a fresh XOR network with random weights, never on the one being explored
    student_toggle = StudentToggle("use my train_online", lambda widget, fn: fn(*examples.xor(0), 0.5, 1))

    def __init__(self, learning_rate: float, epochs: int, init_seed: int | None,
                 student_train: Callable | str | None, backend: str) -> None:
        self.init_seed = init_seed
        self.net, self.X, self.Y = examples.xor(init_seed)
        self.fig, (ax_loss, ax_plane) = new_figure(8.5, 3.7, ncols=2)
        self.curve = loss_curve([self.net.loss(self.X, self.Y)], ax=ax_loss)
        ax_loss.set_title("loss while training")
        self.plane = decision_boundary(self.net, self.X, self.Y, ax=ax_plane, resolution=61)
        ax_plane.set_title("output over the input plane (line: 0.5)")
        self.readout = self.fig.supxlabel(" ", fontsize=10)
        self.learning_rate = learning_rate_slider(learning_rate, 1e-2, 20.0)
        self.epochs = widgets.IntSlider(value=epochs, min=1, max=5000, step=1, description="epochs per click",
                                        layout=widgets.Layout(width="420px"), style={"description_width": "110px"})
        self.train_button, self.step, self.reset = button("train"), button("one epoch"), button("reset")
        self.train_button.on_click(lambda _: self.run(self.epochs.value))
        self.step.on_click(lambda _: self.run(1))
        self.reset.on_click(lambda _: self.restart())
        self.learning_rate.observe(lambda _: self.restart(), names="value")
        controls = [self.learning_rate, self.epochs, widgets.HBox([self.train_button, self.step, self.reset]),
                    *self._student_switch(student_train)]
        self.losses: list = []
        self._finish(controls, backend)

    def restart(self) -> None:
        self.net, self.X, self.Y = examples.xor(self.init_seed)
        self.losses = []
        self._on_change()

    def run(self, epochs: int) -> None:
        """Train ``epochs`` more epochs online with the slider's learning rate, then redraw."""
        student = self.student_function()
        if student is not None:
            got = student(self.net, self.X, self.Y, self.learning_rate.value, epochs)
            self.losses.extend(np.ravel(np.asarray(got, dtype=float)).tolist())
        else:
            history = train(self.net, self.X, self.Y, learning_rate=self.learning_rate.value, epochs=epochs,
                            mode="online", seed=len(self.losses))
            self.losses.extend(history.losses.tolist())
        self._on_change()

    def recompute(self) -> None:
        shown = self.losses or [self.net.loss(self.X, self.Y)]
        self.curve.update(shown)
        self.plane.update(self.net)
        outputs = self.net.forward(self.X).output[:, 0]
        pairs = ", ".join(f"{int(a)}{int(b)}→{fmt(o, 2)}" for (a, b), o in zip(self.X, outputs))
        self.readout.set_text(f"α = {fmt(self.learning_rate.value, 3)}, epoch {len(self.losses)}, "
                              f"loss now {fmt(self.net.loss(self.X, self.Y))};  outputs {pairs}")


def training_explorer(learning_rate: float = 1.0, epochs: int = 500, init_seed: int | None = None,
                      student_train: Callable | str | None = None, backend: str = "auto") -> TrainingExplorer:
    """Lesson 07: train seed 003's XOR network live; loss curve and decision boundary follow.

    Parameters
    ----------
    learning_rate : float
        The seed's α = 1.
    epochs : int
        Epochs per press of "train".
    init_seed : int or None
        None: the seed's weights; an int: random weights in [−4, 4] (``examples.xor(seed)``).
    student_train : callable(net, X, Y, learning_rate, epochs) -> losses, or its name, optional
        The student's ``train_online``; ticked, "train" uses it.
    backend : {"auto", "ipympl", "image", "none"}
    """
    return TrainingExplorer(learning_rate, epochs, init_seed, student_train, backend)


class LearningRateExplorer(LessonWidget):
    """See :func:`learning_rate_explorer`.

    Attributes
    ----------
    learning_rate : FloatLogSlider
    steps : int
    losses : ndarray, shape (steps,)
        The latest run's ``History.losses``; the seed's α = 0.5 run stays drawn for comparison.
    seconds : float
        How long the latest retraining took.
    """

    def __init__(self, learning_rate: float, steps: int, backend: str) -> None:
        self.steps = steps
        self._runs: dict[float, tuple[np.ndarray, float]] = {}  # learning rate -> (losses, final error)
        self.progress = widgets.IntProgress(value=0, min=0, max=steps, description="retraining",
                                            bar_style="info", layout=widgets.Layout(width="420px"),
                                            style={"description_width": "110px"})
        self.fig, ax = new_figure(6.0, 3.6)
        self.curve = loss_curve({"seed's α = 0.5": self._train(0.5)}, ax=ax, xlabel="update (online, one sample)")
        ax.set_title(f"seed 002 trained for {steps:,} updates (biases fixed)")
        self.readout = self.fig.supxlabel(" ", fontsize=10)
        self.learning_rate = learning_rate_slider(learning_rate, 1e-2, 50.0)
        self._observe(self.learning_rate)
        self._finish([self.learning_rate, self.progress], backend)

    def _train(self, learning_rate: float) -> np.ndarray:
        """Seed 002's run at ``learning_rate``: from the cache, or trained now with the progress bar moving."""
        start = time.perf_counter()
        if learning_rate not in self._runs:
            net, x, target = examples.mazur()
            self.progress.value, self.progress.bar_style = 0, "info"

            def report(epoch: int, net, loss: float) -> None:
                if (epoch + 1) % _PROGRESS_EVERY == 0:  # a widget state message: the bar moves while training goes on
                    self.progress.value = epoch + 1

            history = train(net, x, target, learning_rate=learning_rate, epochs=self.steps, mode="batch",
                            update_biases=False, callback=report)
            self._runs[learning_rate] = (history.losses, net.loss(x, target))
        self.progress.value, self.progress.bar_style = self.steps, "success"
        self.seconds = time.perf_counter() - start
        losses, self.final = self._runs[learning_rate]
        return losses

    def recompute(self) -> None:
        self.losses = self._train(self.learning_rate.value)
        self.curve.update({"your α": self.losses})
        self.readout.set_text(f"α = {fmt(self.learning_rate.value, 3)}: E after {self.steps:,} updates = {fmt(self.final)}"
                              f"   (retrained in {self.seconds * 1000:.0f} ms)")


_PROGRESS_EVERY = 500  # updates between two moves of the progress bar


def learning_rate_explorer(learning_rate: float = 0.5, steps: int = 10_000, backend: str = "auto") -> LearningRateExplorer:
    """Lesson 07: move the learning rate; seed 002's 10,000 updates are retrained with ``backprop_core.train``.

    One sample, so "batch" and "online" are the same updates; "batch" skips the shuffling.

    Parameters
    ----------
    learning_rate : float
    steps : int
        Updates per run (the seed's 10,000).
    backend : {"auto", "ipympl", "image", "none"}
    """
    return LearningRateExplorer(learning_rate, steps, backend)

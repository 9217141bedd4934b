"""Slider move -> redrawn figure, for each lesson's main widget (headless, Agg rendering).

Measured per move: the control's callback (recompute + artists updated) and
``fig.canvas.draw()``; median over 20 moves. Baselines in the same run: a bare
``canvas.draw()`` of the same figure (the floor any update pays) and building
the widget from scratch (what redrawing a new figure per move would cost).
Target: ≤ 100 ms per move, lesson 07's learning-rate explorer included (it trains
every rate of its slider when it opens, so a move only looks its run up).
"""
from __future__ import annotations

import statistics
import time

from typing import Callable

from ._table import Row

MOVES = 20


def _median_ms(fn: Callable[[int], object], moves: int = MOVES) -> float:
    times = []
    for k in range(moves):
        start = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _cases():
    from backprop_core.viz import widgets as w
    from backprop_core.viz.widgets.lesson10 import EXPRESSIONS

    def slider(control, values):
        return lambda k: setattr(control, "value", values[k % len(values)])

    yield "01 forward_explorer (w5 slider)", lambda: w.forward_explorer("mazur", backend="none"), \
        lambda e: slider(e.sliders["w5"], [0.2 + 0.03 * i for i in range(10)]), 100
    yield "02 descent_explorer (step button)", lambda: w.descent_explorer(backend="none"), \
        lambda e: (lambda k: e.step.click()), 100
    yield "03 nudge_explorer (nudge slider)", lambda: w.nudge_explorer(backend="none"), \
        lambda e: slider(e.nudge, [-0.5 + 0.05 * i for i in range(20)]), 100
    yield "04 factor_stepper (w5 slider)", lambda: w.factor_stepper(backend="none"), \
        lambda e: slider(e.sliders["w5"], [0.2 + 0.03 * i for i in range(10)]), 100
    yield "05 delta_flow (w5 slider)", lambda: w.delta_flow(backend="none"), \
        lambda e: slider(e.sliders["w5"], [0.2 + 0.03 * i for i in range(10)]), 100
    yield "06 shapes_explorer (batch-size slider)", lambda: w.shapes_explorer(backend="none"), \
        lambda e: slider(e.batch_size, [1, 2, 3, 4, 5, 6]), 100
    yield "07 training_explorer (learning-rate slider)", lambda: w.training_explorer(backend="none"), \
        lambda e: slider(e.learning_rate, [0.5, 1.0, 2.0, 4.0]), 100
    yield "07 learning_rate_explorer (α slider, 10,000 updates)", lambda: w.learning_rate_explorer(backend="none"), \
        lambda e: slider(e.learning_rate, [rate for _, rate in e.learning_rate.options][::-3]), 100  # a new rate every move
    yield "08 gradcheck_explorer (bug dropdown)", lambda: w.gradcheck_explorer(backend="none"), \
        lambda e: slider(e.bug, list(e.backwards)), 100
    yield "09 depth_explorer (hidden-layers slider: a new network, its gradient sizes)", \
        lambda: w.depth_explorer(backend="none"), lambda e: slider(e.depth, [1, 2, 3, 4, 5, 6, 7, 8]), 100
    yield "10 backward_stepper (rules-run slider, Mazur's output)", \
        lambda: w.backward_stepper(list(EXPRESSIONS)[-1], backend="none"), \
        lambda e: slider(e.step, list(range(e.step.max + 1))), 100


def run() -> list[Row]:
    rows = []
    for job, build, mover, target in _cases():
        widget = build()
        move = mover(widget)

        def one(k, widget=widget, move=move):
            move(k)
            widget.fig.canvas.draw()

        value = _median_ms(one)
        assert widget.error is None, f"{job}: {widget.error!r}"
        bare = _median_ms(lambda k: widget.fig.canvas.draw(), 10)
        scratch = _median_ms(lambda k: build().fig.canvas.draw(), 3)
        rows.append(Row(job, "move → redrawn figure (median)", value, "bare canvas.draw()", bare, "ms",
                        f"≤ {target} ms", value <= target))
        rows.append(Row(job, "move → redrawn figure (median)", value, "new widget + draw", scratch, "ms",
                        f"≤ {target} ms", value <= target))
    return rows

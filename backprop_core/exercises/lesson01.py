"""Exercises of lesson 01-forward-pass-and-error."""
from __future__ import annotations

import numpy as np

from .. import losses
from ._base import Case, Exercise, Mistake, register

LESSON = "01-forward-pass-and-error"


# ----------------------------------------------------------------- half_squared_error
def _error_cases_single(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(20):
        n_out = int(rng.integers(1, 6))
        output, target = rng.normal(size=n_out), rng.normal(size=n_out)
        cases.append(Case({"output": output, "target": target}, f"one sample, {n_out} outputs"))
    return cases


def _error_cases_batch(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(20):
        n, n_out = int(rng.integers(2, 8)), int(rng.integers(1, 5))
        output, target = rng.normal(size=(n, n_out)), rng.normal(size=(n, n_out))
        cases.append(Case({"output": output, "target": target}, f"a batch of N={n} samples, {n_out} outputs"))
    return cases


def error_without_half(output, target):
    output, target = np.asarray(output, float), np.asarray(target, float)
    n = 1 if output.ndim == 1 else output.shape[0]
    return float(np.sum((target - output) ** 2) / n)


def error_without_mean(output, target):
    output, target = np.asarray(output, float), np.asarray(target, float)
    return float(0.5 * np.sum((target - output) ** 2))


register(
    Exercise(
        name="half_squared_error",
        lesson=LESSON,
        reference=losses.half_squared_error,
        replaces=("backprop_core.losses.half_squared_error", "backprop_core.network.Network.loss"),
        properties={"one_sample": _error_cases_single, "batch_mean": _error_cases_batch},
        points={"one_sample": 1, "batch_mean": 1},
        mistakes=(
            Mistake("missing_half", error_without_half),
            Mistake("missing_mean", error_without_mean, properties=("batch_mean",)),
        ),
    )
)

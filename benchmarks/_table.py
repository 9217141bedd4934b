"""Rows, timing and the printed table shared by every benchmark module."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Row:
    """One measurement against its baseline.

    ``value`` and ``baseline`` are in ``unit`` (usually seconds or ms); ``ratio``
    is value / baseline; ``ok`` says whether ``target`` (text, e.g. "≤ 1.2×") is met.
    """

    job: str
    measured: str
    value: float
    baseline_name: str
    baseline: float
    unit: str
    target: str
    ok: bool

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` wall-clock timings of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def format_table(rows: list[Row]) -> str:
    """A Markdown table, as benchmarks/results.md holds it."""
    lines = [
        "| job | measured | time | baseline | baseline time | ratio | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.job} | {r.measured} | {r.value:.3g} {r.unit} | {r.baseline_name} | {r.baseline:.3g} {r.unit} "
            f"| {r.ratio:.2f}× | {r.target} | {'yes' if r.ok else '**no**'} |"
        )
    return "\n".join(lines)

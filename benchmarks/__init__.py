"""Speed and latency measurements (``make bench``), not timed tests.

Each ``benchmarks/bench_<topic>.py`` defines ``run() -> list[Row]``; every row
is measured against a baseline timed in the same run, so the ratio means the
same on a slow machine as on a fast one.
"""
from ._table import Row, best_of, format_table

__all__ = ["Row", "best_of", "format_table"]

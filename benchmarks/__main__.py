"""``python -m benchmarks [name ...]``: run every bench_*.py (or those named) and print one table."""
from __future__ import annotations

import importlib
import pathlib
import pkgutil
import sys

from ._table import format_table


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(pathlib.Path(__file__).parent)]) if m.name.startswith("bench_"))
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in argv] or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; have {names}", file=sys.stderr)
        return 2
    rows = []
    for name in wanted:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(importlib.import_module(f"benchmarks.{name}").run())
    print(format_table(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

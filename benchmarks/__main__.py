"""``python -m benchmarks [name ...]``: run every bench_*.py (or those named), print one table, and write each
benchmark's table into ``benchmarks/results.md`` (docs/benchmarks.md explains them)."""
from __future__ import annotations

import datetime
import importlib
import os
import pathlib
import pkgutil
import platform
import re
import sys

from ._table import format_table

#: The results of the last run on this machine, one section per benchmark module, committed with the code.
RESULTS = pathlib.Path(__file__).with_name("results.md")
_SECTION = re.compile(r"^## (bench_\w+)$", re.MULTILINE)


def results_sections(text: str) -> dict[str, str]:
    """The sections of a results file, by benchmark module name (``bench_training`` -> its Markdown)."""
    heads = list(_SECTION.finditer(text))
    return {m[1]: text[m.start():heads[k + 1].start() if k + 1 < len(heads) else len(text)].rstrip() + "\n"
            for k, m in enumerate(heads)}


def write_results(tables: dict[str, str], path: pathlib.Path = RESULTS) -> None:
    """Replace the sections of ``tables`` (module name -> Markdown table) in the results file; keep the others.

    A partial run (``make bench ARGS=training``) so updates its own table and leaves the rest as measured before.
    """
    sections = results_sections(path.read_text(encoding="utf-8")) if path.is_file() else {}
    stamp = (f"{datetime.date.today().isoformat()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else datetime.date.today().isoformat())
    for name, table in tables.items():
        sections[name] = f"## {name}\n\nLast run: {stamp}.\n\n{table}\n"
    header = ("# Benchmark results\n\nWritten by `make bench` (benchmarks/__main__.py): each section is the last run "
              "of that benchmark on the machine that committed it. What each row measures: docs/benchmarks.md.\n")
    path.write_text(header + "".join("\n" + sections[name] for name in sorted(sections)), encoding="utf-8")


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(pathlib.Path(__file__).parent)]) if m.name.startswith("bench_"))
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in argv] or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; have {names}", file=sys.stderr)
        return 2
    rows, tables = [], {}
    for name in wanted:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        these = importlib.import_module(f"benchmarks.{name}").run()
        rows.extend(these)
        tables[name] = format_table(these)
    print(format_table(rows))
    write_results(tables)
    print(f"written to {RESULTS}", file=sys.stderr)
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The table layer: every layout a gazette table can come in → one ``Table`` model.

Each module in ``etl/read/layouts/`` reads one layout (tab-separated, markdown pipes,
space-aligned columns …) and defines ``find(lines, taken) -> list[Table]``; ``taken`` is the
set of 1-based line numbers an earlier layout already claimed, which it must leave alone.
Layouts run in ``ORDER`` (the most explicit separators first), so extractors never care
where a table came from.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from etl.read.model import Table

# most explicit first: a tab or a pipe is a separator for sure; aligned columns and
# inferred cells are judged from layout and content
ORDER = ("tabs", "pipes", "aligned", "cell_lines", "inferred")


@cache
def layouts() -> tuple[ModuleType, ...]:
    found = []
    for name in ORDER:
        try:
            found.append(importlib.import_module(f"etl.read.layouts.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"etl.read.layouts.{name}":
                raise  # a layout that fails to import is a bug, never silently skipped
    return tuple(found)


def table_lines(table: Table) -> set[int]:
    """Every line a table occupies, header to last row."""
    return set(range(table.header_line, table.end_line + 1))


def find_tables(lines: list[str]) -> list[Table]:
    """Every table in the text, in line order."""
    taken: set[int] = set()
    tables: list[Table] = []
    for layout in layouts():
        for table in layout.find(lines, taken):
            tables.append(table)
            taken |= table_lines(table)
    return sorted(tables, key=lambda t: t.header_line)

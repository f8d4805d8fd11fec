"""Lists printed with single spaces between cells (text copied from a web page or a PDF
without its layout): ``编号 类别 名称 时代 地址`` then ``4-1 古遗址 某某遗址 新石器时代 某县某镇``.

The header line is recognised by its names (``datasets/reference/table_columns.csv``); a row
that has fewer tokens than columns (an empty cell) or more (a name with a space in it) is
assigned to columns by what each token holds (``etl.read.align``), so an empty cell never
shifts the others; such rows are flagged ``cells_inferred`` (and ``short_row`` for an empty
cell). When the rows under such a header come one cell per line, they are read as
``cell_lines``.
"""

from __future__ import annotations

from etl.read.kinds import column_kind, fit_seq, header_key, header_prefixes
from etl.read.layouts._unseparated import (
    CELLS,
    MAX_HEADER_LINE,
    SPACES,
    Mode,
    cell_text,
    header_names,
    may_be_header,
    plausible_header,
    read_rows,
    tokens_of,
)
from etl.read.model import Table


def find(lines: list[str], taken: set[int] | None = None) -> list[Table]:
    taken = taken or set()
    prefixes = header_prefixes()
    tables: list[Table] = []
    i, n = 0, len(lines)
    while i < n:
        raw = lines[i]
        if len(raw) > MAX_HEADER_LINE or not may_be_header(raw) or i + 1 in taken or \
                "\t" in raw:
            i += 1
            continue
        text = cell_text(raw)
        first = text.split(maxsplit=1)[0] if text else ""
        if not first or (header_key(first) not in prefixes and column_kind(first) is None):
            i += 1
            continue
        names = header_names(text, 3, unknown_ok=True)
        if names is None or not plausible_header(names):
            i += 1
            continue
        table = read_rows(lines, taken, names, [i + 1], i + 1, _mode(lines, i + 1))
        if table is None:
            i += 1
            continue
        tables.append(table)
        i = table.end_line
    return tables


def _mode(lines: list[str], start: int) -> Mode:
    """Rows one cell per line (an id alone on its line) or cells separated by spaces: the
    first line under the header that begins with a token (category headings passed)."""
    blank_after_header = start < len(lines) and not lines[start].strip()
    for j in range(start, min(len(lines), start + 6)):
        tokens = tokens_of(cell_text(lines[j]), SPACES)
        if tokens and fit_seq(tokens[0]):
            base = CELLS if len(tokens) == 1 else SPACES
            return Mode(base.layout, base.costs, base.cell_per_line, blank_after_header)
    return Mode(SPACES.layout, SPACES.costs, False, blank_after_header)

"""Tokens → cells when the separators do not say which column a token belongs to.

A row printed with single spaces (``inferred``) or one cell per line (``cell_lines``) loses
its empty cells: ``5-2 古墓葬 胡海墓 连云区…`` has four tokens for five columns. The tokens
are assigned to the columns by the best-scoring *monotone* alignment: each column takes
nothing (an empty cell, scored by how often a list leaves that kind empty) or a run of
consecutive tokens (scored by how well the joined text fits the column's kind,
``etl.read.kinds.fit``); the boundary between two tokens is either a cell boundary or a
space/line break inside one cell, each with a cost that depends on the layout (a space is
the separator of an ``inferred`` row; a line break is the separator of ``cell_lines``).

Dynamic programming keeps the two best alignments per state, so an alignment that wins
only narrowly is reported as ambiguous.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from etl.read.kinds import EMPTY_PRIOR, FREE, fit

NEG = -math.inf
MAX_FREE_SPAN = 8  # tokens one free-text cell may join
MAX_SPAN = 3  # tokens one structured cell (a date printed with spaces) may join
AMBIGUOUS = 0.7  # a runner-up within this many nats makes the alignment ambiguous
# a cell does not end with an enumeration comma or an open bracket: the text goes on
_OPEN = ("、", "，", ",", "（", "(", "《", "“")
OPEN_END = -2.0


@dataclass(frozen=True)
class Costs:
    """Log-costs of what happens at a boundary between two tokens."""

    split_space: float
    join_space: float
    split_line: float
    join_line: float


# a space separates cells; a continuation line goes on a cell or starts the next one
INFERRED = Costs(split_space=0.0, join_space=-1.2, split_line=0.0, join_line=0.0)
# a line is a cell; two lines in one cell (a wrapped cell) or a split line are exceptions
CELL_LINES = Costs(split_space=-1.5, join_space=0.0, split_line=0.0, join_line=-1.0)


@dataclass(frozen=True)
class Token:
    text: str
    line: int
    new_line: bool  # the boundary before this token is a line break (else a space)


@dataclass
class Alignment:
    cells: list[str]
    spans: list[tuple[int, int]]  # token range of each column ((k, k) = empty)
    score: float
    runner_up: float

    @property
    def empty(self) -> int:
        return sum(1 for a, b in self.spans if a == b)

    def trivial(self, tokens: list[Token], costs: Costs) -> bool:
        """What a reader splitting on the layout's separators would have read: empty cells
        only at the end, and every boundary decided as its separator says (no cost)."""
        seen_empty = False
        for a, b in self.spans:
            if a == b:
                seen_empty = True
                continue
            if seen_empty:
                return False
            for t in range(a + 1, b):  # joined inside the cell
                if (costs.join_line if tokens[t].new_line else costs.join_space) != 0:
                    return False
            if a > 0 and (costs.split_line if tokens[a].new_line else costs.split_space) != 0:
                return False
        return True

    def wrapped(self, tokens: list[Token]) -> bool:
        """A cell joins tokens from two lines."""
        return any(tokens[t].new_line for a, b in self.spans for t in range(a + 1, b))

    def ambiguous(self) -> bool:
        return self.runner_up > NEG and self.score - self.runner_up < AMBIGUOUS


def _cell_text(tokens: list[Token], a: int, b: int, glue_lines: bool = False) -> str:
    """Tokens a..b as one cell: joined by a space — or, for a structured cell (a 文号, a
    date, an id) with ``glue_lines``, by nothing at a line break: the page width cut it
    (宿政发〔2009〕 / 35号, 2012-1 / 1-19)."""
    if not glue_lines:
        return " ".join(t.text for t in tokens[a:b])
    parts = [tokens[a].text]
    for t in tokens[a + 1:b]:
        parts.append(t.text if t.new_line else " " + t.text)
    return "".join(parts)


def align(tokens: list[Token], kinds: list[str], costs: Costs,
          key_column: bool = True) -> Alignment | None:
    """The best monotone alignment of ``tokens`` to columns of ``kinds``; None when no
    alignment is possible. ``key_column``: the first column may not be empty."""
    m, n = len(tokens), len(kinds)
    if m == 0 or n == 0:
        return None
    # boundary cost before token k (k ≥ 1) when it is split (a new cell) or joined
    split = [0.0] + [(costs.split_line if t.new_line else costs.split_space)
                     + (OPEN_END if tokens[k].text.endswith(_OPEN) else 0.0)
                     for k, t in enumerate(tokens[1:])]
    join = [0.0] + [costs.join_line if t.new_line else costs.join_space for t in tokens[1:]]
    # best[j][i]: two best (score, previous i, previous path id) with j columns, i tokens
    best: list[list[list[tuple[float, int, int]]]] = [
        [[] for _ in range(m + 1)] for _ in range(n + 1)]
    best[0][0] = [(0.0, -1, -1)]
    fits: dict[tuple[int, int, str], float] = {}
    for j, kind in enumerate(kinds):
        empty = math.log(EMPTY_PRIOR[kind]) if not (key_column and j == 0) else NEG
        span = MAX_FREE_SPAN if kind in FREE else MAX_SPAN
        for i in range(m + 1):
            here = best[j][i]
            if not here:
                continue
            for rank, (score, _, _) in enumerate(here):
                if empty > NEG:
                    _push(best[j + 1][i], (score + empty, i, rank))
                for e in range(i + 1, min(m, i + span) + 1):
                    key = (i, e, kind)
                    if key not in fits:
                        f = fit(kind, _cell_text(tokens, i, e, kind not in FREE))
                        fits[key] = math.log(f) if f > 0 else NEG
                    value = fits[key]
                    if value == NEG:
                        continue
                    inner = sum(join[t] for t in range(i + 1, e))
                    edge = split[i] if i > 0 else 0.0
                    _push(best[j + 1][e], (score + value + inner + edge, i, rank))
    final = best[n][m]
    if not final:
        return None
    spans = _trace(best, n, m, 0)
    cells = [_cell_text(tokens, a, b, kind not in FREE) if a < b else ""
             for (a, b), kind in zip(spans, kinds, strict=True)]
    runner_up = final[1][0] if len(final) > 1 else NEG
    return Alignment(cells, spans, final[0][0], runner_up)


def _push(slot: list[tuple[float, int, int]], item: tuple[float, int, int]) -> None:
    """Keep the two best entries of a state, best first."""
    slot.append(item)
    slot.sort(key=lambda x: -x[0])
    del slot[2:]


def _trace(best, n: int, m: int, rank: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i, j = m, n
    while j > 0:
        _, prev_i, prev_rank = best[j][i][rank]
        spans.append((prev_i, i))
        i, j, rank = prev_i, j - 1, prev_rank
    return spans[::-1]

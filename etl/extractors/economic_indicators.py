"""主要经济指标 → economic_indicators: one row per (period, indicator).

The table prints a section row (``一、一般公共预算收入(亿元)``) carrying the unit, then
sub-rows without ordinal or unit that inherit it. Which sub-row is a *part* of its section
total is domain knowledge, so it comes from the reviewed catalogue
(datasets/reference/indicators.csv), not from the layout.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from etl.errors import GazetteError
from etl.extractors import Context, Extraction
from etl.normalize import clean_text, leading_ordinal, parse_cn_period, parse_number
from etl.read import Issue, Table

DATASETS = ("economic_indicators",)

_UNIT = re.compile(r"[(（]([^()（）]{1,12})[)）]\s*$")
_SOURCE = re.compile(r"^数据来源[:：]\s*(.+)$")


def is_indicator_table(table: Table) -> bool:
    title = table.title or ""
    return "主要经济指标" in title or any("本月止累计" in h for h in table.header)


def _catalogue(ctx: Context) -> dict[tuple[str, str], dict]:
    return _catalogue_in(ctx.reference_dir)


@functools.cache  # once per reference directory, not once per issue (to_dict is slow)
def _catalogue_in(reference_dir: Path) -> dict[tuple[str, str], dict]:
    cat = Context(reference_dir=reference_dir).reference("indicators")
    return {(r["indicator_zh"], r["parent_zh"]): r for r in cat.to_dict("records")}


def _source_agency(issue: Issue, table: Table) -> str | None:
    for n in range(table.end_line + 1, min(table.end_line + 5, len(issue.lines)) + 1):
        match = _SOURCE.match(clean_text(issue.line(n)))
        if match:
            return match.group(1).strip()
    return None


def _slug(name: str) -> str:
    codes = "_".join(f"{ord(ch):x}" for ch in name)
    if len(codes) > 60:  # long names sharing a prefix must not collide: end with a digest
        codes = codes[:51] + "_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return "unreviewed_" + codes


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    catalogue = _catalogue(ctx)
    seen: dict[tuple[str, str, str], tuple[int, float | None, float | None]] = {}
    for table in issue.tables:
        if not is_indicator_table(table):
            continue
        period = parse_cn_period(table.title or "")
        if period is None:
            out.notes.append(f"line {table.header_line}: indicator table without a period "
                             f"in its title {table.title!r}; skipped")
            continue
        out.tables.append(table.header_line)
        agency = _source_agency(issue, table)
        section, section_zh, section_unit = 0, "", None
        for row in table.rows:
            cells = row.cells + [""] * (3 - len(row.cells))
            raw_label = cells[0]
            ordinal, label = leading_ordinal(clean_text(raw_label))
            unit_match = _UNIT.search(label)
            printed_unit = unit_match.group(1).strip() if unit_match else None
            name = label[: unit_match.start()].strip() if unit_match else label
            flags = list(row.flags)
            if ordinal is not None:
                section, section_zh, section_unit = ordinal, name, printed_unit
                parent = ""
            else:
                parent = section_zh
            entry = catalogue.get((name, parent)) or catalogue.get((name, ""))
            unit = printed_unit
            if unit is None and ordinal is None and section_unit:
                unit, flags = section_unit, flags + ["unit_inherited"]
            if entry is None:
                flags.append("indicator_not_in_catalogue")
                entry = {"indicator_id": _slug(name), "indicator_zh": name,
                         # indicator_en is required: say plainly that no one translated it
                         "indicator_en": "(unreviewed)", "unit": unit or "",
                         "measure": "cumulative_flow",
                         "part_of": ""}
            if unit is None:
                if not entry["unit"]:  # a unit is required and must not be guessed
                    raise GazetteError(f"indicator {name!r} has no unit: none printed or inherited"
                                       ", and it is not in datasets/reference/indicators.csv — "
                                       "add it there", issue.path, row.line)
                unit, flags = entry["unit"], flags + ["unit_from_catalogue"]
            elif unit != entry["unit"]:
                flags.append("unit_differs_from_catalogue")
            value, growth = parse_number(cells[1]), parse_number(cells[2])
            flags += list(value.flags) + list(growth.flags)
            if value.value is None:
                flags.append("value_missing")
            key = (period.start, period.end, entry["indicator_id"])
            if key in seen:  # the same table printed twice (or the same row within it)
                first_line, first_value, first_growth = seen[key]
                if (first_value, first_growth) != (value.value, growth.value):
                    raise GazetteError(
                        f"{name} for {period.label} is printed twice with different values "
                        f"(lines {first_line} and {row.line})", issue.path, row.line)
                out.notes.append(f"line {row.line}: {name} for {period.label} repeats line "
                                 f"{first_line} with the same values; skipped")
                continue
            seen[key] = (row.line, value.value, growth.value)
            derived = (value.value - 100) if entry["measure"] == "index" and value.value else None
            out.add("economic_indicators", {
                "period_start": period.start, "period_end": period.end,
                "period_label": period.label, "indicator_id": entry["indicator_id"],
                "indicator_zh": entry["indicator_zh"], "indicator_en": entry["indicator_en"],
                "indicator_raw": raw_label, "section": section,
                "part_of": entry["part_of"] or None, "unit": unit,
                "measure": entry["measure"], "value": value.value, "yoy_pct": growth.value,
                "index_change_pct_derived": round(derived, 6) if derived is not None else None,
                "source_agency": agency, "source_issue": issue.issue_id,
                "source_line": row.line, "quality_flags": flags,
            })
    return out

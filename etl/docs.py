"""docs/data-dictionary.md, rendered from the data dictionary (etl/dictionary/*.yaml).

``python -m etl docs`` rewrites it; ``python -m etl docs --check`` exits 1 when the
committed file differs from a fresh render (tests/test_docs.py does the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.dictionary import (
    TYPES,
    Column,
    Dataset,
    all_flags,
    datasets,
    value_list_columns,
    value_list_source,
    value_lists,
)
from etl.paths import WORKBOOK_NAME
from etl.profile import profile

DOC_PATH = Path("docs") / "data-dictionary.md"

# dictionary type → (CSV form, plain pandas.read_csv dtype); etl.load's dtype: TYPES
TYPE_ROWS = {
    "string": ("text", "str; an all-empty column → float64 (NaN)"),
    "integer": ("digits, no separators", "int64; float64 when a cell is empty"),
    "number": ("decimal point, no separators (`203.79`)", "float64"),
    "boolean": ("`true` / `false`", "bool; object when a cell is empty"),
    "date": ("`YYYY-MM-DD`", "str (pass `parse_dates=[…]`)"),
    "year_month": ("`YYYY-MM`", "str"),
    "category": ("one of the listed values", "str"),
}


def md(text: object) -> str:
    """Dictionary text as one Markdown table cell: no line breaks, no table or HTML syntax."""
    return (" ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")
            .replace("<", "&lt;").replace(">", "&gt;"))


def code(text: object) -> str:
    """Text as an inline code span inside a table cell (backslashes stay literal)."""
    return "`" + str(text).replace("|", "\\|").replace("`", "'") + "`"


def _constraints(col: Column, ds: Dataset) -> str:
    parts = []
    if col.required:
        parts.append("required")
    if col.unique:
        parts.append("unique")
    if col.values:
        parts.append(f"one of the [coded values](#{_values_anchor(ds, col)}) "
                     f"(list [{code(col.values)}](#list-{col.values}))")
    elif col.enum:
        parts.append("one of " + ", ".join(code(v) for v in col.enum))
    if col.pattern:
        parts.append(f"pattern {code(col.pattern)}")
    if col.minimum is not None:
        parts.append(f"≥ {col.minimum:g}")
    if col.maximum is not None:
        parts.append(f"≤ {col.maximum:g}")
    return "; ".join(parts)


def _values_anchor(ds: Dataset, col: Column) -> str:
    return f"values-{ds.name}-{col.name}"


def _coded_values(ds: Dataset) -> list[str]:
    """One table per coded column: each value with its Chinese and English label."""
    out: list[str] = []
    for col in ds.columns:
        if not col.values:
            continue
        out += [f'<a id="{_values_anchor(ds, col)}"></a>', "",
                f"`{col.name}` {md(col.zh)} — list [{code(col.values)}](#list-{col.values}), "
                f"declared in `{value_list_source(col.values)}`:", "",
                "| Code · 代码 | 中文 | English |", "| --- | --- | --- |"]
        out += [f"| {code(v.code)} | {md(v.zh)} | {md(v.en)} |" for v in col.value_items()]
        out.append("")
    if out:
        out = ["", "Coded values · 代码取值 (the CSV and Parquet hold the code; its labels are "
               "for display):", ""] + out
    return out


def _dataset(ds: Dataset) -> list[str]:
    out = [f'<a id="{ds.name}"></a>', "", f"## {md(ds.zh)} — {md(ds.en)} (`{ds.name}`)", "",
           md(ds.description), ""]
    if ds.description_zh and ds.description_zh != ds.zh:
        out += [md(ds.description_zh), ""]
    out.append(f"Files: `datasets/{ds.name}.csv`, `datasets/{ds.name}.parquet`, sheet "
               f"“{md(ds.zh)}” of `datasets/{WORKBOOK_NAME}`; "
               f"`etl.load(\"{ds.name}\")` in Python.")
    if ds.primary_key:
        out.append("Primary key: " + ", ".join(f"`{k}`" for k in ds.primary_key) + ".")
    if ds.sources:
        sources = "; ".join(md(s.get("title", "")) + (f" ({md(s['path'])})" if s.get("path")
                                                        else "") for s in ds.sources)
        out.append(f"Sources: {sources}.")
    out += ["", "| Column | 中文 | English | Type | Constraints | Description | 说明 |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for col in ds.columns:
        out.append(f"| `{col.name}` | {md(col.zh)} | {md(col.en)} | {col.type} | "
                   f"{_constraints(col, ds)} | {md(col.description)} | "
                   f"{md(col.describe('zh'))} |")
    out += _coded_values(ds)
    if ds.flags:
        out += ["", "Quality flags this dataset's rows may carry (`quality_flags`):", "",
                "| Code | 中文 | English |", "| --- | --- | --- |"]
        out += [f"| `{f.code}` | {md(f.zh)} | {md(f.en)} |"
                for f in sorted(ds.flags, key=lambda f: f.code)]
    return out + [""]


def _value_lists() -> list[str]:
    """The index of value lists: where each is declared and which columns use it."""
    out = ["## Value lists · 代码表", "",
           "Every coded value is declared once, with its Chinese and English label: in "
           "`etl/dictionary/_values.yaml`, or — for values that belong to the city, such as its "
           "counties — in the reference table the list points at. `datapackage.json` carries "
           "the labels as `x-values` on each field; in Python, "
           "`etl.dictionary.value_label(list, code, lang)`.", "",
           "| List | Declared in | Used by | Values |", "| --- | --- | --- | --- |"]
    users = value_list_columns()
    for name, values in value_lists().items():
        used = ", ".join(f"[`{ds}.{col}`](#values-{ds}-{col})" for ds, col in users[name])
        shown = "、".join(md(v.zh) for v in values)
        out.append(f'| <a id="list-{name}"></a>{code(name)} | `{value_list_source(name)}` | '
                   f"{used or '—'} | {len(values)}: {shown} |")
    return out + [""]


def render() -> str:
    """The whole document; a pure function of the dictionary."""
    specs = list(datasets().values())
    city = profile()
    out = [
        "# Data dictionary · 数据字典",
        "",
        "<!-- Generated from etl/dictionary/*.yaml by `python -m etl docs`; do not edit. -->",
        "",
        f"Open data from the {city.name_en} municipal government gazette ({city.gazette_zh}). "
        "Every dataset is published as UTF-8 CSV (with a byte-order mark, so Excel opens it "
        "correctly), as Parquet, and as a sheet of the Excel workbook "
        f"`datasets/{WORKBOOK_NAME}`; `datasets/datapackage.json` carries the same "
        "schema as a Frictionless Data Package. Every row names the issue and line it was "
        "read from (`source_issue`, `source_line`) and lists what the source got wrong or "
        "what was derived in `quality_flags`. An empty cell means the source prints no value "
        "— never 0. Every column is described in English and Chinese (说明), and every coded "
        "column lists its values with their Chinese and English labels.",
        "",
        "| Dataset | 中文 | English | Columns |",
        "| --- | --- | --- | --- |",
    ]
    for ds in specs:
        out.append(f"| [`{ds.name}`](#{ds.name}) | {md(ds.zh)} | {md(ds.en)} | "
                   f"{len(ds.columns)} |")
    out += ["", "## Types", "",
            "| Type | In the CSV | `etl.load()` dtype | plain `pd.read_csv()` dtype |",
            "| --- | --- | --- | --- |"]
    for kind in TYPES:
        csv_form, plain = TYPE_ROWS[kind]
        loader = ("category (the listed values, in order)" if kind == "category"
                  else TYPES[kind].dtype)
        out.append(f"| {kind} | {csv_form} | {loader} | {plain} |")
    out.append("")
    for ds in specs:
        out += _dataset(ds)
    out += _value_lists()
    out += ["## Quality flags · 质量标记", "",
            "Codes mean the same in every dataset.", "",
            "| Code | 中文 | English | Datasets |", "| --- | --- | --- | --- |"]
    for code, flag in sorted(all_flags().items()):
        used = ", ".join(f"`{ds.name}`" for ds in specs if code in ds.flag_codes())
        out.append(f"| `{code}` | {md(flag.zh)} | {md(flag.en)} | {used} |")
    return "\n".join(out) + "\n"


def cmd_docs(args: argparse.Namespace) -> int:
    path = Path(args.root) / DOC_PATH
    text = render()
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if args.check:
        if current != text:
            print(f"{path} is stale: run `python -m etl docs` and commit it", file=sys.stderr)
            return 1
        print(f"ok: {path} matches the data dictionary")
        return 0
    if current == text:
        print(f"{path} already up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path} ({len(datasets())} datasets)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("docs", help="write docs/data-dictionary.md from the dictionary")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if the committed file differs from a fresh render")
    p.set_defaults(handler=cmd_docs)

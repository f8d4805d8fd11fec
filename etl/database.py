"""``datasets/<slug>_gazette.sqlite``: every dataset in one database file for SQL tools
(datasette, DB Browser for SQLite, the sqlite3 and DuckDB command lines), and the datasette
metadata that labels it (``datasets/datasette-metadata.json``).

Why SQLite rather than DuckDB: Python's standard library writes it (no new dependency), it is
one file, datasette and DB Browser open it as it is (DuckDB reads it too, with its sqlite
extension), and its file format is stable and documented for decades (a Library of Congress
recommended format), where a DuckDB file is readable by the DuckDB versions of its storage
format only.

What is in it:

- one table per dataset, columns typed by the one type map (``etl.dictionary.TYPES[…].sqlite``),
  ``NOT NULL`` for required columns, booleans 0/1 (``CHECK``), dates ISO ``YYYY-MM-DD`` text,
  coded values as their codes; the declared primary key as ``PRIMARY KEY`` when every key
  column is required — else (document_events' ``doc_number``, heritage_sites' ``level`` …
  may be empty) as a ``UNIQUE`` index: SQL forbids NULL in a primary key (SQLite allows it
  only by a documented legacy quirk that other tools reject), while a UNIQUE index accepts a
  NULL key part (it treats NULLs as distinct, so rows with an empty part are not checked
  against each other — ``etl check`` and the Table Schema's primary key still are);
- foreign keys where SQLite can hold them: every ``source_issue`` → ``raw_issues`` (the
  registered issues), each coded column → its value list's lookup table ``_values_<list>``
  (so datasette shows the Chinese label beside each code), and the keys of
  ``etl.integrity.FOREIGN_KEYS`` whose referenced columns are the referenced table's
  declared key. SQLite needs a unique parent key; the others (``gazette_documents.doc_number``
  is not a declared key: a document may be published twice) are listed in ``_foreign_keys``
  with ``in_database = 0`` and checked by ``etl check`` instead;
- indexes on foreign-key and filter columns (source_issue, doc_number, county, indicator_id,
  period_end …);
- the data dictionary as tables: ``_about`` (title, version, licence, build date),
  ``_datasets``, ``_columns`` (zh/en labels and descriptions), ``_value_lists`` (every coded
  value with its labels), ``_flags`` (every quality-flag code), ``_foreign_keys``;
- ``document_status_on_build_date``: ``etl.status.status_table`` on the build date (the
  newest issue's publication date) — a table, because SQL cannot call the Python rules;
- views for common questions: ``documents_in_force``, ``indicators_wide`` (indicator ×
  period, as etl.wide), ``heritage_sites_by_county``, ``flagged_rows`` (one row per quality
  flag of any row, with the dataset, key, source issue and line and the flag's labels).

Byte-reproducible: the same statements in the same order into a fresh in-memory database,
no clock (the build date is the newest issue's), serialized with ``Connection.serialize``.
The file header records the SQLite library version that wrote it, so the bytes are stable
for one library version (the machine's), like the Parquet files are for one pyarrow.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from etl.dictionary import (
    TYPES,
    Column,
    Dataset,
    all_flags,
    value_list_rows,
    value_lists,
)
from etl.integrity import RAW_ISSUES, ForeignKey, foreign_keys
from etl.profile import CityProfile
from etl.release import DATA_LICENSE, version_for_frames

METADATA_FILE = "datasette-metadata.json"
# columns people filter and join on: indexed wherever a dataset has them
FILTER_COLUMNS = ("source_issue", "doc_number", "county", "indicator_id", "period_end",
                  "event", "by_doc", "citing_doc", "cited_number", "amending_doc",
                  "target_doc", "part_of", "announce_doc", "cleanup_doc")
STATUS_TABLE = "document_status_on_build_date"
IN_FORCE = ("in_force", "in_force_marked_for_revision")


def database_name(city: CityProfile) -> str:
    """The database's file name: the city profile's slug, as the workbook's."""
    return f"{city.slug}_gazette.sqlite"


def lookup_table(values: str) -> str:
    """The lookup table of a value list (code → zh/en label)."""
    return f"_values_{values}"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- tables ------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    sqlite: str  # TEXT / INTEGER / REAL
    zh: str
    en: str
    description: str = ""
    description_zh: str = ""
    not_null: bool = False
    check: str | None = None
    kind: str = "string"  # the dictionary type the values are converted from


@dataclass
class Table:
    name: str
    zh: str
    en: str
    description: str
    description_zh: str
    fields: list[Field]
    rows: list[tuple]
    key: tuple[str, ...] = ()
    primary: bool = True  # the key as PRIMARY KEY (else as a UNIQUE index)
    references: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = field(
        default_factory=list)  # (columns, table, columns)
    label_column: str | None = None
    hidden: bool = False
    facets: list[str] = field(default_factory=list)

    def create(self) -> str:
        lines = []
        for f in self.fields:
            line = f"{quote(f.name)} {f.sqlite}"
            if f.not_null or (self.primary and f.name in self.key):
                line += " NOT NULL"
            if f.check:
                line += f" CHECK ({f.check})"
            lines.append(line)
        if self.key and self.primary:
            lines.append(f"PRIMARY KEY ({', '.join(map(quote, self.key))})")
        for cols, table, ref in self.references:
            lines.append(f"FOREIGN KEY ({', '.join(map(quote, cols))}) REFERENCES "
                         f"{quote(table)} ({', '.join(map(quote, ref))})")
        body = ",\n  ".join(lines)
        return f"CREATE TABLE {quote(self.name)} (\n  {body}\n)"

    def indexes(self) -> list[str]:
        """The key as a UNIQUE index (when not the primary key), then one index per
        foreign-key or filter column set not already led by the key."""
        out = []
        if self.key and not self.primary:
            out.append(f"CREATE UNIQUE INDEX {quote(self.name + '_key')} ON {quote(self.name)} "
                       f"({', '.join(map(quote, self.key))})")
        names = [f.name for f in self.fields]
        wanted = [cols for cols, _, _ in self.references]
        wanted += [(c,) for c in FILTER_COLUMNS if c in names]
        done = set()
        for cols in wanted:
            if cols in done or tuple(self.key[:len(cols)]) == cols:
                continue
            done.add(cols)
            out.append(f"CREATE INDEX {quote('idx_' + self.name + '_' + '_'.join(cols))} ON "
                       f"{quote(self.name)} ({', '.join(map(quote, cols))})")
        return out

    def insert(self) -> str:
        marks = ", ".join("?" for _ in self.fields)
        return f"INSERT INTO {quote(self.name)} VALUES ({marks})"


def sql_value(value: object, kind: str) -> object:
    """A frame value as SQLite stores it: ISO date text, 0/1, int, float or text; None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]
    if kind == "boolean":
        return 1 if value else 0
    if kind == "integer":
        return int(value)  # type: ignore[call-overload]
    if kind == "number":
        return float(value)  # type: ignore[arg-type]
    return str(value)


def _rows(frame: pd.DataFrame, fields: list[Field]) -> list[tuple]:
    kinds = [f.kind for f in fields]
    return [tuple(sql_value(v, k) for v, k in zip(record, kinds, strict=True))
            for record in frame[[f.name for f in fields]].itertuples(index=False, name=None)]


def _field(col: Column) -> Field:
    check = f"{quote(col.name)} IN (0, 1)" if col.type == "boolean" else None
    return Field(col.name, TYPES[col.type].sqlite, col.zh, col.en, col.description,
                 col.describe("zh"), col.required, check, col.type)


def _declared_key(ds: Dataset) -> tuple[str, ...]:
    return ds.primary_key


def _sqlite_keys(specs: list[Dataset]) -> list[tuple[ForeignKey, bool, str]]:
    """Every declared foreign key, whether the database holds it, and why not."""
    keys = {ds.name: _declared_key(ds) for ds in specs}
    out = []
    for fk in foreign_keys():
        if fk.dataset not in keys:
            continue
        if fk.reference == RAW_ISSUES:
            out.append((fk, True, ""))
        elif fk.reference not in keys:
            out.append((fk, False, f"{fk.reference} is not in this build"))
        elif keys[fk.reference] == fk.reference_fields:
            out.append((fk, True, ""))
        else:
            out.append((fk, False, f"({', '.join(fk.reference_fields)}) is not the declared "
                                   f"key of {fk.reference}, and SQLite needs a unique parent "
                                   "key; checked by `etl check`"))
    return out


def dataset_table(ds: Dataset, frame: pd.DataFrame, held: list[ForeignKey]) -> Table:
    fields = [_field(c) for c in ds.columns]
    key = _declared_key(ds)
    primary = bool(key) and all(ds.column(c).required for c in key)
    references = [(fk.fields, fk.reference, fk.reference_fields) for fk in held
                  if fk.dataset == ds.name]
    references += [((c.name,), lookup_table(c.values), ("value",)) for c in ds.columns
                   if c.values]
    label = next((c for c in ("name", "title", "indicator_zh", "entry_text", "task")
                  if c in ds.column_names), None)
    return Table(ds.name, ds.zh, ds.en, ds.description, ds.description_zh, fields,
                 _rows(frame, fields), key, primary, references, label,
                 facets=[c.name for c in ds.columns if c.values])


def _text_fields(*spec: tuple[str, str, str, str]) -> list[Field]:
    """Fields of a dictionary table: (name, SQLite type, zh, en)."""
    kinds = {"TEXT": "string", "INTEGER": "integer", "REAL": "number"}
    return [Field(name, sqlite, zh, en, kind=kinds[sqlite]) for name, sqlite, zh, en in spec]


def _about_table(city: CityProfile, build_date: date, version: dict) -> Table:
    rows = [("title", f"{city.gazette_zh} 开放数据"),
            ("title_en", f"{city.name_en} municipal government gazette, open data"),
            ("version", version["version"]), ("built_on", build_date.isoformat()),
            ("newest_issue", version["newest_issue"]),
            ("content_hash", version["content_hash"]),
            ("license", DATA_LICENSE["name"]), ("license_url", DATA_LICENSE["path"]),
            ("terms_zh", DATA_LICENSE["terms_zh"]), ("terms_en", DATA_LICENSE["terms_en"]),
            ("source", city.gazette_zh)]
    return Table("_about", "关于本数据库", "About this database",
                 "Title, data version, build date and terms of use.",
                 "标题、数据版本、构建日期与使用条款。",
                 _text_fields(("key", "TEXT", "项目", "Key"), ("value", "TEXT", "内容", "Value")),
                 rows, ("key",))


def _issues_table(issues: list[dict], city: CityProfile, datasets_dir: Path | None) -> Table:
    """The registered issues (raw/manifest.csv), or the build's issue list without one."""
    manifest = Path(datasets_dir) / "raw" / "manifest.csv" if datasets_dir else None
    by_id: dict[str, dict] = {}
    if manifest is not None and manifest.exists():
        with manifest.open(encoding="utf-8", newline="") as fh:
            by_id = {r["issue_id"]: r for r in csv.DictReader(fh)}
    rows = []
    for issue in issues:
        extra = by_id.get(issue["issue_id"], {})
        rows.append((issue["issue_id"], f"{city.gazette_zh} {issue['issue_id']}",
                     str(issue["published_on"]), issue["file"], extra.get("sha256") or None))
    fields = _text_fields(("issue_id", "TEXT", "期次", "Issue"),
                          ("title", "TEXT", "公报", "Gazette"),
                          ("published_on", "TEXT", "出版日期", "Published on"),
                          ("file", "TEXT", "原始文件", "File in raw/"),
                          ("sha256", "TEXT", "文件校验值", "sha256 of the file"))
    return Table(RAW_ISSUES, "登记的公报期次", "Registered gazette issues",
                 "One row per registered issue (datasets/raw/manifest.csv): every dataset's "
                 "source_issue references issue_id.",
                 "每期登记的公报一行（datasets/raw/manifest.csv）；各数据集的source_issue均指向issue_id。",
                 fields, rows, ("issue_id",), label_column="title")


def _dictionary_tables(specs: list[Dataset], frames: dict[str, pd.DataFrame],
                       keys: list[tuple[ForeignKey, bool, str]]) -> list[Table]:
    datasets_rows = [(ds.name, i, ds.zh, ds.en, ds.description, ds.description_zh,
                      ", ".join(ds.primary_key), len(frames[ds.name]), f"{ds.name}.csv",
                      f"{ds.name}.parquet") for i, ds in enumerate(specs, start=1)]
    columns_rows = [(ds.name, i, c.name, c.type, TYPES[c.type].sqlite, c.zh, c.en,
                     c.description, c.describe("zh"), int(c.required), c.values)
                    for ds in specs for i, c in enumerate(ds.columns, start=1)]
    flag_sets: dict[str, list[str]] = {}
    for ds in specs:
        for flag in ds.flags:
            flag_sets.setdefault(flag.code, []).append(ds.name)
    flags_rows = [(code, f.zh, f.en, ", ".join(flag_sets.get(code, [])))
                  for code, f in sorted(all_flags().items())]
    value_rows = [(r["list"], r["position"], r["value"], r["zh"], r["en"])
                  for r in value_list_rows()]
    fk_rows = [(fk.dataset, ", ".join(fk.fields), fk.reference, ", ".join(fk.reference_fields),
                fk.why, int(held), note or None) for fk, held, note in keys]
    tables = [
        Table("_datasets", "数据集", "Datasets", "Every dataset: labels, description, key, rows.",
              "各数据集：名称、说明、主键与行数。",
              _text_fields(("name", "TEXT", "数据集", "Dataset"),
                           ("position", "INTEGER", "顺序", "Order"),
                           ("zh", "TEXT", "中文名称", "Chinese name"),
                           ("en", "TEXT", "英文名称", "English name"),
                           ("description", "TEXT", "英文说明", "Description"),
                           ("description_zh", "TEXT", "中文说明", "Description (Chinese)"),
                           ("primary_key", "TEXT", "主键", "Primary key"),
                           ("rows", "INTEGER", "行数", "Rows"),
                           ("csv", "TEXT", "CSV文件", "CSV file"),
                           ("parquet", "TEXT", "Parquet文件", "Parquet file")),
              datasets_rows, ("name",), label_column="zh"),
        Table("_columns", "字段", "Columns",
              "Every column of every dataset: type, labels and descriptions in Chinese and "
              "English, whether required, and the value list its codes come from.",
              "各数据集的每个字段：类型、中英文名称与说明、是否必填、代码所属值列表。",
              _text_fields(("dataset", "TEXT", "数据集", "Dataset"),
                           ("position", "INTEGER", "顺序", "Order"),
                           ("name", "TEXT", "字段", "Column"),
                           ("type", "TEXT", "类型", "Dictionary type"),
                           ("sqlite_type", "TEXT", "SQLite类型", "SQLite type"),
                           ("zh", "TEXT", "中文名称", "Chinese label"),
                           ("en", "TEXT", "英文名称", "English label"),
                           ("description", "TEXT", "英文说明", "Description"),
                           ("description_zh", "TEXT", "中文说明", "Description (Chinese)"),
                           ("required", "INTEGER", "必填", "Required (0/1)"),
                           ("value_list", "TEXT", "值列表", "Value list")),
              columns_rows, ("dataset", "name"),
              references=[(("dataset",), "_datasets", ("name",))], label_column="zh"),
        Table("_value_lists", "值列表", "Value lists",
              "Every coded value of every value list with its Chinese and English label "
              "(etl/dictionary/_values.yaml); _columns.value_list says which columns use a list.",
              "各值列表的每个代码及其中英文标签（etl/dictionary/_values.yaml）；"
              "哪些字段使用某一值列表见_columns.value_list。",
              _text_fields(("list", "TEXT", "值列表", "Value list"),
                           ("position", "INTEGER", "顺序", "Order"),
                           ("value", "TEXT", "代码", "Code"),
                           ("zh", "TEXT", "中文标签", "Chinese label"),
                           ("en", "TEXT", "英文标签", "English label")),
              value_rows, ("list", "value"), label_column="zh"),
        Table("_flags", "质量标记", "Quality flags",
              "Every quality-flag code a row's quality_flags may carry, with its explanation.",
              "各行quality_flags中可能出现的质量标记代码及其说明。",
              _text_fields(("code", "TEXT", "代码", "Code"), ("zh", "TEXT", "中文说明", "Chinese"),
                           ("en", "TEXT", "英文说明", "English"),
                           ("datasets", "TEXT", "数据集", "Datasets that declare it")),
              flags_rows, ("code",), label_column="zh"),
        Table("_foreign_keys", "外键", "Foreign keys",
              "The foreign keys between datasets (etl.integrity), why each holds, and whether "
              "this database declares it (SQLite needs a unique parent key; the others are "
              "checked by `etl check`).",
              "数据集之间的外键（etl.integrity）、成立的理由，以及本数据库是否声明（SQLite要求被引用"
              "的列唯一；其余由`etl check`检查）。",
              _text_fields(("dataset", "TEXT", "数据集", "Dataset"),
                           ("fields", "TEXT", "字段", "Columns"),
                           ("reference", "TEXT", "被引用表", "References"),
                           ("reference_fields", "TEXT", "被引用字段", "Referenced columns"),
                           ("why", "TEXT", "理由", "Why it holds"),
                           ("in_database", "INTEGER", "已声明", "Declared here (0/1)"),
                           ("note", "TEXT", "备注", "Note")),
              fk_rows, ("dataset", "fields", "reference")),
    ]
    for name, values in value_lists().items():
        tables.append(Table(
            lookup_table(name), f"值列表：{name}", f"Value list {name}",
            f"The codes of value list {name} with their labels (a lookup for the columns that "
            "use it; the same rows as _value_lists).",
            f"值列表{name}的代码及其标签（供使用该列表的字段查找标签；与_value_lists中的行相同）。",
            _text_fields(("value", "TEXT", "代码", "Code"),
                         ("position", "INTEGER", "顺序", "Order"),
                         ("zh", "TEXT", "中文标签", "Chinese label"),
                         ("en", "TEXT", "英文标签", "English label")),
            [(v.code, i, v.zh, v.en) for i, v in enumerate(values, start=1)], ("value",),
            label_column="zh", hidden=True))
    return tables


# document_status_on_build_date: etl.status.status_table's columns, labelled here (it is a
# derived table, not a dataset of the dictionary)
_STATUS_FIELDS = (
    ("doc_number", "TEXT", "文号", "Document number"),
    ("status", "TEXT", "状态", "Status"),
    ("issued_on", "TEXT", "印发日期", "Issued on"),
    ("effective_from", "TEXT", "施行日期", "Effective from"),
    ("last_amended_on", "TEXT", "最近修改日期", "Last amended on"),
    ("marked_for_revision_on", "TEXT", "列为需修改日期", "Marked for revision on"),
    ("repealed_on", "TEXT", "废止日期", "Repealed on"),
    ("repealed_by", "TEXT", "废止文件", "Repealed by"),
    ("expires_on", "TEXT", "有效期届满日期", "Expires on"),
    ("scheduled_repeal_on", "TEXT", "预定废止日期", "Scheduled repeal on"),
    ("scheduled_repeal_by", "TEXT", "预定废止文件", "Scheduled repeal by"),
    ("lapsed_on", "TEXT", "失效日期", "Lapsed on"),
    ("lapsed_by", "TEXT", "宣布失效文件", "Lapsed by"),
    ("revision_deadline", "TEXT", "修订期限", "Revision deadline"),
    ("scheduled_lapse_on", "TEXT", "预定失效日期", "Scheduled lapse on"),
    ("scheduled_lapse_by", "TEXT", "预定失效文件", "Scheduled lapse by"),
)


def status_table_on(frames: dict[str, pd.DataFrame], build_date: date) -> Table | None:
    events = frames.get("document_events")
    if events is None:
        return None
    from etl.status import status_table  # the one implementation of the rules

    table = status_table(events, build_date)
    fields = _text_fields(*_STATUS_FIELDS)
    for f in fields:
        f.kind = "date" if f.name.endswith(("_on", "_from", "deadline")) else "string"
    fields[1].not_null = True  # every document has a status (doc_number: the key)
    fields.insert(0, Field("status_on", "TEXT", "状态日期", "Status on", not_null=True,
                           kind="string"))
    table.insert(0, "status_on", build_date.isoformat())
    return Table(
        STATUS_TABLE, "构建日的文件状态", "Document status on the build date",
        f"Every numbered document of document_events with its status on {build_date} (the "
        "newest issue's publication date), by etl.status.status_table — stored as a table "
        "because SQL cannot run those rules; the dashboard and etl.status answer for any "
        "other day.",
        f"document_events中每个有文号的文件在{build_date}（最新一期公报出版日）的状态，由"
        "etl.status.status_table计算；SQL无法执行这些规则，故存为表。其他日期的状态见仪表板或"
        "etl.status。",
        fields, _rows(table, fields), ("doc_number",),
        references=[(("status",), lookup_table("status"), ("value",))],
        label_column="doc_number", facets=["status"])


# --- views ------------------------------------------------------------------------------


def _documents_in_force() -> str:
    statuses = ", ".join(f"'{s}'" for s in IN_FORCE)
    return f"""CREATE VIEW documents_in_force AS
SELECT s.doc_number,
  (SELECT e.title FROM document_events e WHERE e.doc_number = s.doc_number AND e.title <> ''
   ORDER BY e.source_issue DESC, e.source_line LIMIT 1) AS title,
  s.status, v.zh AS status_zh, v.en AS status_en, s.issued_on, s.effective_from,
  s.last_amended_on, s.marked_for_revision_on, s.expires_on, s.scheduled_repeal_on,
  s.scheduled_lapse_on, s.status_on
FROM {STATUS_TABLE} s LEFT JOIN {lookup_table('status')} v ON v.value = s.status
WHERE s.status IN ({statuses})
ORDER BY s.doc_number"""


def _indicators_wide(frame: pd.DataFrame, reference_dir: Path | None) -> str:
    from etl.wide import indicators_wide, periods

    kwargs = {"reference_dir": reference_dir} if reference_dir else {}
    order = list(indicators_wide(frame, **kwargs)["indicator_id"].astype(str))
    cases = [f"  MAX(CASE WHEN period_start = '{p.start}' AND period_end = '{p.end}' AND "
             f"period_kind = '{p.kind}' THEN value END) AS {quote(p.column)}"
             for p in periods(frame)]
    position = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(order, start=1)
                        if "'" not in code)
    ordering = f"CASE indicator_id {position} ELSE {len(order) + 1} END, " if position else ""
    columns = ",\n".join(["  indicator_id", "  MAX(indicator_zh) AS indicator_zh",
                          "  MAX(indicator_en) AS indicator_en",
                          "  group_concat(DISTINCT unit) AS unit", *cases])
    return (f"CREATE VIEW indicators_wide AS\nSELECT\n{columns}\nFROM economic_indicators\n"
            f"GROUP BY indicator_id\nORDER BY {ordering}MIN(section), MIN(source_line)")


def _heritage_by_county() -> str:
    return f"""CREATE VIEW heritage_sites_by_county AS
SELECT s.level, s.county, v.en AS county_en, COUNT(*) AS sites,
  group_concat(s.site_id || ' ' || s.name, '；') AS site_names
FROM (SELECT * FROM heritage_sites ORDER BY rowid) s
LEFT JOIN {lookup_table('county')} v ON v.value = s.county
GROUP BY s.level, s.county
ORDER BY s.level, v.position"""


def _flagged_rows(tables: list[Table]) -> str | None:
    parts = []
    for table in tables:
        names = [f.name for f in table.fields]
        if "quality_flags" not in names:
            continue
        key = " || '|' || ".join(f"coalesce({quote(c)}, '')" for c in table.key) or "rowid"
        issue = "source_issue" if "source_issue" in names else "NULL"
        line = "source_line" if "source_line" in names else "NULL"
        parts.append(f"  SELECT '{table.name}', {issue}, {line}, {key}, quality_flags || ';', "
                     f"NULL FROM {quote(table.name)} WHERE quality_flags <> ''")
    if not parts:
        return None
    seeds = "\n  UNION ALL\n".join(parts)
    return f"""CREATE VIEW flagged_rows AS
WITH RECURSIVE split(dataset, source_issue, source_line, row_key, rest, flag) AS (
{seeds}
  UNION ALL
  SELECT dataset, source_issue, source_line, row_key, substr(rest, instr(rest, ';') + 1),
    substr(rest, 1, instr(rest, ';') - 1) FROM split WHERE rest <> ''
)
SELECT s.dataset, s.source_issue, s.source_line, s.row_key, s.flag, f.zh AS flag_zh,
  f.en AS flag_en
FROM split s LEFT JOIN _flags f ON f.code = s.flag
WHERE s.flag IS NOT NULL AND s.flag <> ''
ORDER BY s.dataset, s.source_issue, s.source_line, s.row_key, s.flag"""


@dataclass(frozen=True)
class View:
    name: str
    zh: str
    en: str
    description: str
    sql: str


def views(frames: dict[str, pd.DataFrame], tables: list[Table],
          reference_dir: Path | None = None) -> list[View]:
    names = {t.name for t in tables}
    out = []
    if STATUS_TABLE in names:
        out.append(View("documents_in_force", "构建日有效的文件", "Documents in force",
                        "Documents in force (or in force, marked for revision) on the build "
                        f"date, from {STATUS_TABLE}, with the newest title the events give.",
                        _documents_in_force()))
    if "economic_indicators" in names:
        out.append(View("indicators_wide", "指标宽表", "Indicators by period (wide)",
                        "DERIVED: economic_indicators as one row per indicator (catalogue "
                        "order) and one column per period (a single month labelled 当月), "
                        "values as numbers; economic_indicators_wide.csv has them with the "
                        "printed decimals.",
                        _indicators_wide(frames["economic_indicators"], reference_dir)))
    if "heritage_sites" in names:
        out.append(View("heritage_sites_by_county", "各县区文物保护单位", "Heritage sites by "
                        "county", "Sites per protection level and county (as the list prints "
                        "the county, today's name), with the English county name and the "
                        "sites' ids and names.", _heritage_by_county()))
    flagged = _flagged_rows(tables)
    if flagged:
        out.append(View("flagged_rows", "带质量标记的行", "Flagged rows",
                        "One row per quality flag of any row of any dataset: the dataset, the "
                        "row's key (its primary key columns joined by |), its source issue and "
                        "line, the flag code and its Chinese and English explanation.",
                        flagged))
    return out


# --- the database ----------------------------------------------------------------------


def tables_of(frames: dict[str, pd.DataFrame], specs: list[Dataset], build_date: date,
              issues: list[dict], city: CityProfile,
              datasets_dir: Path | None = None) -> list[Table]:
    """Every table, in the order it is written (referenced tables first)."""
    specs = [ds for ds in specs if ds.name in frames]
    keys = _sqlite_keys(specs)
    held = [fk for fk, ok, _ in keys if ok]
    version = version_for_frames(frames, issues)
    tables = [_about_table(city, build_date, version), _issues_table(issues, city, datasets_dir)]
    tables += _dictionary_tables(specs, frames, keys)
    tables += [dataset_table(ds, frames[ds.name], held) for ds in specs]
    status = status_table_on(frames, build_date)
    if status is not None:
        tables.append(status)
    return tables


def database_bytes(tables: list[Table], view_list: list[View]) -> bytes:
    """The SQLite file of ``tables`` and ``view_list``, byte-reproducible. Raises ValueError
    naming the table and row when a declared foreign key does not hold (they hold by
    construction: a break is a bug, never shipped)."""
    conn = sqlite3.connect(":memory:")
    try:
        for table in tables:
            conn.execute(table.create())
            conn.executemany(table.insert(), table.rows)
        for table in tables:
            for statement in table.indexes():
                conn.execute(statement)
        for view in view_list:
            conn.execute(view.sql)
        conn.commit()
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, rowid, parent, _ = broken[0]
            raise ValueError(f"database: {len(broken)} rows break a foreign key, first "
                             f"{table} row {rowid} → {parent}")
        conn.execute("VACUUM")  # pages in table order, no free pages: the same bytes each run
        return conn.serialize()
    finally:
        conn.close()


# --- datasette metadata ------------------------------------------------------------------


def _column_text(f: Field) -> str:
    text = f"{f.zh} / {f.en}"
    described = " / ".join(d for d in (f.description_zh, f.description) if d)
    return f"{text} — {described}" if described else text


def datasette_metadata(tables: list[Table], view_list: list[View], city: CityProfile,
                       build_date: date) -> dict:
    """datasette's metadata for the database: title, licence, source, and per table and
    view its title, description and column descriptions in Chinese and English, its
    ``label_column`` and facets (datasette ≥ 0.65: ``datasette <db> --metadata <this>``)."""
    described: dict[str, dict] = {}
    for table in tables:
        entry: dict = {"title": f"{table.zh} / {table.en}",
                       "description": "\n\n".join(d for d in (table.description_zh,
                                                               table.description) if d),
                       "columns": {f.name: _column_text(f) for f in table.fields}}
        if table.label_column:
            entry["label_column"] = table.label_column
        if table.facets:
            entry["facets"] = list(table.facets)
        if table.hidden:
            entry["hidden"] = True
        described[table.name] = entry
    for view in view_list:
        described[view.name] = {"title": f"{view.zh} / {view.en}",
                                "description": view.description}
    title = f"{city.gazette_zh} 开放数据 / {city.name_en} municipal government gazette, open data"
    return {
        "title": title,
        "description": (f"Every dataset of {city.gazette_zh} in one SQLite file: tables typed by "
                        "the data dictionary, its labels and value lists as tables (_columns, "
                        "_value_lists, _flags), views for common questions. Built on "
                        f"{build_date.isoformat()} (the newest issue's publication date)."),
        "license": DATA_LICENSE["name"], "license_url": DATA_LICENSE["path"],
        "source": f"{city.gazette_zh} ({city.gazette_en})",
        "databases": {database_name(city)[:-len(".sqlite")]: {
            "title": title, "tables": described}},
    }


def metadata_bytes(metadata: dict) -> bytes:
    return (json.dumps(metadata, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def database_outputs(frames: dict[str, pd.DataFrame], specs: list[Dataset], build_date: date,
                     issues: list[dict], city: CityProfile,
                     datasets_dir: Path | None = None) -> dict[str, bytes]:
    """The files a build derives beyond one CSV/Parquet per dataset: the database, its
    datasette metadata and the wide indicator table (etl.wide), by published name."""
    from etl.wide import wide_outputs

    reference = Path(datasets_dir) / "reference" if datasets_dir else None
    out = wide_outputs(frames, reference) if reference else wide_outputs(frames)
    tables = tables_of(frames, specs, build_date, issues, city, datasets_dir)
    view_list = views(frames, tables, reference)
    out[database_name(city)] = database_bytes(tables, view_list)
    out[METADATA_FILE] = metadata_bytes(datasette_metadata(tables, view_list, city, build_date))
    return out

"""The SQLite database file (etl.database) built from the real gazettes: tables and counts
against the CSVs, declared types and keys, foreign keys, indexes, the dictionary as tables,
the views, the datasette metadata — and that it is byte-reproducible."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

from etl import database as db
from etl.dictionary import TYPES, all_flags, datasets, value_list_rows
from etl.integrity import FOREIGN_KEYS
from etl.paths import DATASETS_DIR, ROOT
from etl.publish import _format_number, csv_bytes
from etl.spreadsheet import safe_text
from etl.status import status_table


@pytest.fixture(scope="module")
def specs(build):
    return [ds for name, ds in datasets().items() if name in build.frames]


@pytest.fixture(scope="module")
def outputs(build, specs):
    return db.database_outputs(build.frames, specs, build.build_date, build.issue_rows(),
                               build.city, DATASETS_DIR)


@pytest.fixture(scope="module")
def conn(outputs, build):
    connection = sqlite3.connect(":memory:")
    connection.deserialize(outputs[db.database_name(build.city)])
    yield connection
    connection.close()


def _objects(conn, kind: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = ?",
                                       (kind,))}


def test_file_is_named_by_the_city_slug(outputs, build):
    assert db.database_name(build.city) == "lianyungang_gazette.sqlite"
    assert set(outputs) == {"lianyungang_gazette.sqlite", db.METADATA_FILE,
                            "economic_indicators_wide.csv"}
    assert outputs["lianyungang_gazette.sqlite"].startswith(b"SQLite format 3\x00")


def _csv_text(value: object, kind: str) -> str:
    """A database value as the published CSV writes it (etl.publish conventions)."""
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return _format_number(value)
    if kind == "integer":
        return str(value)
    return safe_text(str(value))  # dates are ISO text already


def test_every_dataset_is_a_table_holding_exactly_the_csv(conn, build, specs):
    for ds in specs:
        expected = list(csv.reader(io.StringIO(
            csv_bytes(build.frames[ds.name], ds).decode("utf-8-sig"))))
        cursor = conn.execute(f'SELECT * FROM "{ds.name}" ORDER BY rowid')
        assert [d[0] for d in cursor.description] == expected[0] == ds.column_names
        kinds = [c.type for c in ds.columns]
        got = [[_csv_text(v, k) for v, k in zip(row, kinds, strict=True)] for row in cursor]
        assert len(got) == len(build.frames[ds.name]) > 0, ds.name
        assert got == expected[1:], ds.name


def test_declared_types_not_null_and_keys(conn, specs):
    for ds in specs:
        info = {r[1]: r for r in conn.execute(f'PRAGMA table_info("{ds.name}")')}
        primary = all(ds.column(c).required for c in ds.primary_key)
        for col in ds.columns:
            _, _, sqlite_type, notnull, _, pk = info[col.name]
            assert sqlite_type == TYPES[col.type].sqlite, (ds.name, col.name)
            in_key = primary and col.name in ds.primary_key
            assert bool(notnull) == (col.required or in_key), (ds.name, col.name)
            assert pk == (ds.primary_key.index(col.name) + 1 if in_key else 0)
        if not primary:  # a key part may be empty: a UNIQUE index instead
            index = [r for r in conn.execute(f'PRAGMA index_list("{ds.name}")')
                     if r[1] == f"{ds.name}_key"]
            assert index and index[0][2] == 1, ds.name  # unique
            columns = [r[2] for r in conn.execute(f'PRAGMA index_info("{ds.name}_key")')]
            assert tuple(columns) == ds.primary_key
    # the seeds: document_events' doc_number is empty on two rows, so it cannot be a PK
    assert conn.execute("SELECT COUNT(*) FROM document_events WHERE doc_number IS NULL"
                        ).fetchone()[0] == 2


def test_booleans_are_0_1_and_dates_iso_text(conn):
    assert {r[0] for r in conn.execute("SELECT DISTINCT needs_revision FROM "
                                       "normative_documents")} <= {0, 1, None}
    dates = [r[0] for r in conn.execute("SELECT issued_on FROM normative_documents "
                                        "WHERE issued_on IS NOT NULL")]
    assert dates and all(len(d) == 10 and d[4] == d[7] == "-" for d in dates)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE normative_documents SET needs_revision = 2 WHERE rowid = 1")


def test_foreign_keys_hold_and_are_declared_where_sqlite_can(conn, specs):
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    declared = {(t, tuple(r[3] for r in rows), rows[0][2])
                for t in _objects(conn, "table")
                for rows in _group_fks(conn, t)}
    for ds in specs:
        if "source_issue" in ds.column_names:
            assert (ds.name, ("source_issue",), "raw_issues") in declared
        for col in ds.columns:
            if col.values:
                assert (ds.name, (col.name,), db.lookup_table(col.values)) in declared
    assert ("heritage_site_places", ("level", "site_id"), "heritage_sites") in declared
    listed = {(r[0], r[1], r[2]): r[3] for r in conn.execute(
        "SELECT dataset, fields, reference, in_database FROM _foreign_keys")}
    for fk in FOREIGN_KEYS:
        key = (fk.dataset, ", ".join(fk.fields), fk.reference)
        assert key in listed
        assert listed[key] == int((fk.dataset, fk.fields, fk.reference) in declared)
    # gazette_documents.doc_number is not a declared key: that one is checked by etl check
    assert listed[("task_assignments", "doc_number", "gazette_documents")] == 0


def _group_fks(conn, table: str) -> list[list[tuple]]:
    groups: dict[int, list[tuple]] = {}
    for row in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
        groups.setdefault(row[0], []).append(row)
    return list(groups.values())


def test_a_broken_foreign_key_is_refused(build, specs):
    frames = dict(build.frames)
    places = frames["heritage_site_places"].copy()
    places.loc[places.index[0], "site_id"] = "9-99"
    frames["heritage_site_places"] = places
    tables = db.tables_of(frames, specs, build.build_date, build.issue_rows(), build.city,
                          DATASETS_DIR)
    with pytest.raises(ValueError, match="heritage_site_places row 1 → heritage_sites"):
        db.database_bytes(tables, [])


@pytest.mark.parametrize(("table", "column"), [
    ("economic_indicators", "indicator_id"), ("economic_indicators", "period_end"),
    ("economic_indicators", "source_issue"), ("document_events", "doc_number"),
    ("document_events", "source_issue"), ("normative_documents", "doc_number"),
    ("heritage_sites", "county"), ("heritage_site_places", "county"),
    ("document_citations", "cited_number"), ("task_assignments", "doc_number"),
])
def test_filter_columns_are_indexed(conn, table, column):
    plan = " ".join(r[3] for r in conn.execute(
        f'EXPLAIN QUERY PLAN SELECT * FROM "{table}" WHERE "{column}" = ?', ("x",)))
    assert "USING INDEX" in plan or "USING PRIMARY KEY" in plan or "COVERING INDEX" in plan, \
        plan


def test_the_dictionary_is_in_tables(conn, specs):
    rows = conn.execute("SELECT dataset, name, zh, en, description, description_zh, "
                        "value_list FROM _columns ORDER BY dataset, position").fetchall()
    assert len(rows) == sum(len(ds.columns) for ds in specs)
    by_key = {(r[0], r[1]): r for r in rows}
    value_raw = by_key[("economic_indicators", "value_raw")]
    assert value_raw[2:4] == ("原文数值", "Value as printed")
    assert "3241.50" in value_raw[4] and "3241.50" in value_raw[5]
    assert by_key[("heritage_sites", "county")][6] == "county"
    assert conn.execute("SELECT list, position, value, zh, en FROM _value_lists").fetchall() \
        == [tuple(r.values()) for r in value_list_rows()]
    flags = dict(conn.execute("SELECT code, zh FROM _flags"))
    assert flags == {code: f.zh for code, f in all_flags().items()}
    counts = dict(conn.execute("SELECT name, rows FROM _datasets"))
    assert counts["heritage_sites"] == 23 and counts["economic_indicators"] == 15
    about = dict(conn.execute("SELECT key, value FROM _about"))
    assert about["license"] == "CC-BY-4.0" and about["built_on"] == "2022-11-15"
    assert about["version"].startswith("2022-10+")
    # each value list is also a lookup table for datasette's labels
    assert conn.execute("SELECT zh, en FROM _values_county WHERE value = '海州区'").fetchone() \
        == ("海州区", "Haizhou District")


def test_status_on_the_build_date_is_etl_status(conn, build):
    expected = status_table(build.frames["document_events"], build.build_date)
    got = dict(conn.execute("SELECT doc_number, status FROM document_status_on_build_date"))
    assert got == dict(zip(expected["doc_number"], expected["status"], strict=True))
    assert {r[0] for r in conn.execute("SELECT DISTINCT status_on FROM "
                                       "document_status_on_build_date")} == {"2022-11-15"}
    in_force = {r[0] for r in conn.execute("SELECT doc_number FROM documents_in_force")}
    assert in_force == set(expected.loc[expected["status"].isin(db.IN_FORCE), "doc_number"])
    assert len(in_force) == 149
    title, label = conn.execute("SELECT title, status_zh FROM documents_in_force WHERE "
                                "doc_number = '市政府令第2号'").fetchone()
    assert (title, label) == ("连云港市城市居民最低生活保障办法", "有效")


def test_indicators_wide_view_is_etl_wide(conn, build):
    from etl.wide import indicators_wide

    view = pd.read_sql("SELECT * FROM indicators_wide", conn)
    wide = indicators_wide(build.frames["economic_indicators"])
    assert list(view.columns) == list(wide.columns)
    assert list(view["indicator_id"]) == list(wide["indicator_id"])
    assert view.set_index("indicator_id").loc["deposits_balance", "2018年1-10月"] == 3241.5
    assert pd.isna(view.set_index("indicator_id").loc["industrial_value_added",
                                                       "2018年1-10月"])


def test_heritage_sites_by_county_view(conn):
    rows = {r[1]: r for r in conn.execute("SELECT * FROM heritage_sites_by_county")}
    assert sum(r[3] for r in rows.values()) == 23
    assert rows["海州区"][2:4] == ("Haizhou District", 8)
    assert rows["东海县"][4] == "5-1 城后土城遗址；5-8 王得胜家族碑群；5-14 前滩大桥"


def test_flagged_rows_lists_every_flag_with_its_source(conn, build):
    expected = 0
    for frame in build.frames.values():
        if "quality_flags" in frame.columns:
            expected += sum(len([c for c in str(v).split(";") if c])
                            for v in frame["quality_flags"].dropna())
    assert conn.execute("SELECT COUNT(*) FROM flagged_rows").fetchone()[0] == expected > 0
    row = conn.execute("SELECT * FROM flagged_rows WHERE dataset = 'economic_indicators' "
                       "AND flag = 'value_missing'").fetchone()
    assert row == ("economic_indicators", "2018-16", 1318,
                   "2018-01|2018-10|industrial_value_added", "value_missing",
                   "原文本月止累计栏为空",
                   "The source prints no value for this indicator (left empty, not 0)")


def test_datasette_metadata_matches_the_tables(outputs, conn):
    meta = json.loads(outputs[db.METADATA_FILE])
    assert meta["license"] == "CC-BY-4.0" and meta["license_url"].startswith("https://")
    assert meta["source"].startswith("连云港市人民政府公报")
    (name, database), = meta["databases"].items()
    assert name == "lianyungang_gazette"  # datasette names a database by its file stem
    described = database["tables"]
    assert set(described) == _objects(conn, "table") | _objects(conn, "view")
    for table, entry in described.items():
        assert entry["title"] and entry["description"], table
        names = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        if table in _objects(conn, "table"):
            assert list(entry["columns"]) == names, table
            for text in entry["columns"].values():
                assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (table, text)
                assert any(ch.isascii() and ch.isalpha() for ch in text), (table, text)
        if "label_column" in entry:
            assert entry["label_column"] in names, table
        for facet in entry.get("facets", []):
            assert facet in names, table
    assert described["heritage_sites"]["label_column"] == "name"
    assert described["raw_issues"]["label_column"] == "title"
    assert described["_values_county"]["hidden"] is True
    value = described["economic_indicators"]["columns"]["value_raw"]
    assert value.startswith("原文数值 / Value as printed — 数值栏原文")


def test_byte_reproducible_across_processes(outputs):
    """A fresh process builds the same bytes (no clock, same statements, same order)."""
    script = (
        "import hashlib; from etl.pipeline import build; from etl.paths import ROOT, "
        "DATASETS_DIR; from etl.dictionary import datasets; from etl import database as db; "
        "b = build(ROOT); specs = [d for n, d in datasets().items() if n in b.frames]; "
        "o = db.database_outputs(b.frames, specs, b.build_date, b.issue_rows(), b.city, "
        "DATASETS_DIR); print(hashlib.sha256(o['lianyungang_gazette.sqlite']).hexdigest(), "
        "hashlib.sha256(o[db.METADATA_FILE]).hexdigest())")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)
    assert done.stdout.split() == [
        hashlib.sha256(outputs["lianyungang_gazette.sqlite"]).hexdigest(),
        hashlib.sha256(outputs[db.METADATA_FILE]).hexdigest()]


def test_datasette_opens_it_with_labels(outputs, tmp_path):
    datasette_app = pytest.importorskip("datasette.app")  # requirements-bench.txt
    path = tmp_path / "lianyungang_gazette.sqlite"
    path.write_bytes(outputs["lianyungang_gazette.sqlite"])
    meta = json.loads(outputs[db.METADATA_FILE])

    async def fetch():
        ds = datasette_app.Datasette([str(path)], metadata=meta)
        page = await ds.client.get("/lianyungang_gazette/heritage_site_places.json"
                                   "?_labels=on&_shape=objects&_size=1")
        home = await ds.client.get("/lianyungang_gazette")
        return page.json(), home.text

    page, home = asyncio.run(fetch())
    row = page["rows"][0]
    assert row["geocode_precision"] == {"value": "county", "label": "县区中心"}
    assert row["source_issue"]["label"] == "连云港市人民政府公报 2018-16"
    assert "连云港市人民政府公报 开放数据" in home

"""Published files: up to date, readable as promised, atomic."""

import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from etl.dictionary import datasets
from etl.paths import DATASETS_DIR, ROOT
from etl.pipeline import stale_files
from etl.publish import publish, recover


def test_published_files_are_current():
    """A rebuild must equal the committed files byte for byte (run `python -m etl build`)."""
    assert stale_files(ROOT) == []


def test_build_is_byte_reproducible(build):
    first = build.outputs()
    second = build.outputs()
    assert first == second


@pytest.mark.parametrize("name", list(datasets()))
def test_csv_has_bom_and_reads_plainly(name):
    path = DATASETS_DIR / f"{name}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path)
    assert list(frame.columns) == datasets()[name].column_names
    parquet = pq.read_table(DATASETS_DIR / f"{name}.parquet")
    assert parquet.num_rows == len(frame)


def test_parquet_is_typed():
    table = pq.read_table(DATASETS_DIR / "economic_indicators.parquet")
    assert str(table.schema.field("value").type) == "double"
    assert str(table.schema.field("section").type) == "int64"
    values = dict(zip(table.column("indicator_id").to_pylist(),
                      table.column("value").to_pylist(), strict=True))
    assert values["industrial_value_added"] is None


def test_datapackage_matches_dictionary_and_validates():
    package = json.loads((DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names[:len(datasets())] == list(datasets())  # then inputs, Parquet, GeoJSON …
    fields = package["resources"][0]["schema"]["fields"]
    assert fields[0]["name"] == "period_start" and fields[0]["type"] == "yearmonth"
    assert package["created"].startswith("2022-11-15")  # newest issue, not the clock
    from frictionless import Package
    report = Package(str(DATASETS_DIR / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_failed_publish_leaves_files_intact(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"old a")
    (tmp_path / "b.csv").write_bytes(b"old b")

    def boom():
        raise RuntimeError("disk full halfway")

    with pytest.raises(RuntimeError):
        publish({"a.csv": b"new a", "b.csv": b"new b"}, tmp_path, before_commit=boom)
    assert (tmp_path / "a.csv").read_bytes() == b"old a"
    assert (tmp_path / "b.csv").read_bytes() == b"old b"
    assert recover(tmp_path) == "discarded an incomplete build (published files untouched)"
    assert not (tmp_path / ".staging").exists()
    assert publish({"a.csv": b"new a", "b.csv": b"old b"}, tmp_path) == ["a.csv"]
    assert (tmp_path / "a.csv").read_bytes() == b"new a"


def test_workbook_sheet_per_dataset(build):
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(build.outputs()["lianyungang_gazette.xlsx"]))
    assert wb.sheetnames[0] == "说明"
    ws = wb["主要经济指标"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["起始月份", "截止月份", "统计期"]
    key = headers.index("指标代码")
    values = {row[key]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert values["fixed_asset_investment"][headers.index("数值")] == 1639.54
    assert values["industrial_value_added"][headers.index("数值")] is None

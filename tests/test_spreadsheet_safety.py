"""One function makes gazette text safe for spreadsheets (issue 12, item 4): every published
CSV writes a would-be formula as text, numbers stay numbers, and readers get the text back."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from etl.dictionary import dataset
from etl.load import read_csv
from etl.publish import csv_bytes
from etl.spreadsheet import safe_text, unsafe_text

FORMULAS = ['=HYPERLINK("http://example.com","click")', "+1+1", "-2+3", "@SUM(A1:A2)",
            "\t=1", "\r=1", "'=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_would_be_formula_is_written_as_text_and_read_back(text):
    assert safe_text(text).startswith("'")
    assert unsafe_text(safe_text(text)) == text


@pytest.mark.parametrize("text", ["-12.1", "+3", "5-1", "连政发〔2018〕137号", "-", "", "3.5%"])
def test_plain_numbers_and_ordinary_text_are_left_alone_or_reversible(text):
    assert unsafe_text(safe_text(text)) == text
    if text not in ("-",):
        assert safe_text(text) == text


def test_a_published_csv_never_holds_a_live_formula(build, tmp_path):
    spec = dataset("heritage_sites")
    frame = build.frames["heritage_sites"].copy()
    frame["name"] = frame["name"].astype("string")
    frame.loc[0, "name"] = FORMULAS[0]
    frame.loc[1, "name"] = "@cmd|' /C calc'!A0"
    data = csv_bytes(frame, spec)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["name"] == "'" + FORMULAS[0]
    assert rows[1]["name"].startswith("'@")
    assert not any(v.startswith(("=", "+", "-", "@")) and not _number(v)
                   for row in rows for v in row.values())
    assert rows[0]["lat"] == str(frame.loc[0, "lat"])  # numbers stay numbers
    path = tmp_path / "heritage_sites.csv"
    path.write_bytes(data)
    back = read_csv(path, spec)  # the loader and `etl check` get the printed text back
    assert back.loc[0, "name"] == FORMULAS[0]


def _number(text: str) -> bool:
    try:
        float(text.rstrip("%"))
    except ValueError:
        return False
    return True


def test_every_published_csv_is_safe_already():
    from etl.paths import DATASETS_DIR

    for path in sorted(DATASETS_DIR.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for column in frame.columns:
            live = frame[column][frame[column].map(lambda v: safe_text(v) != v
                                                   and not v.startswith("'"))]
            assert live.empty, (path.name, column, live.tolist()[:3])

"""The /dictionary page shows the same declaration that validates the data."""

from dashboard.pages import PAGES, dictionary
from etl.dictionary import all_flags, datasets


def test_dictionary_page_lists_every_column_and_flag():
    assert PAGES["/dictionary"] is dictionary
    frame = dictionary.columns_frame("zh")
    assert len(frame) == sum(len(ds.columns) for ds in datasets().values())
    row = frame[(frame["dataset"] == "economic_indicators") & (frame["column"] == "yoy_pct")]
    assert row["label"].item() == "比上年同期增长(%)"
    assert dictionary.columns_frame("en").loc[row.index, "label"].item() == \
        "Year-on-year growth (%)"
    # descriptions in the page's language (zh: the dictionary's description_zh)
    assert row["description"].item().startswith("比上年同期增长的百分比")
    assert dictionary.columns_frame("en").loc[row.index, "description"].item().startswith(
        "Growth over the same period of the previous year")
    flags = dictionary.flags_frame("zh")
    assert set(flags["flag"]) == set(all_flags())
    layout = str(dictionary.layout({}, "en"))
    assert "Data dictionary" in layout and "seq_gap_before" in layout

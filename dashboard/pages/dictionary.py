"""/dictionary 数据字典: every dataset's columns and quality-flag codes, from the same
declaration (etl/dictionary/*.yaml) that validates the data and writes docs/data-dictionary.md."""

from __future__ import annotations

import pandas as pd
from dash import Dash, html

from dashboard.api import help_section as api_help
from dashboard.components import data_table, page_header, section
from dashboard.i18n import t
from etl import dictionary

NAME = "dictionary"
NAV_KEY = "nav_dictionary"


def columns_frame(lang: str = "zh") -> pd.DataFrame:
    rows = []
    for ds in dictionary.datasets().values():
        for col in ds.columns:
            rows.append({"dataset": ds.name, "column": col.name, "label": col.label(lang),
                         "type": col.type, "required": "✓" if col.required else "",
                         "description": col.describe(lang)})  # description_zh in zh
    return pd.DataFrame(rows)


def flags_frame(lang: str = "zh") -> pd.DataFrame:
    rows = [{"flag": code, "explanation": flag.zh if lang == "zh" else flag.en}
            for code, flag in sorted(dictionary.all_flags().items())]
    return pd.DataFrame(rows)


def layout(params: dict, lang: str) -> html.Div:
    headers = [("column", t("dict_column", lang)), ("label", t("dict_label", lang)),
               ("type", t("dict_type", lang)), ("required", t("dict_required", lang)),
               ("description", t("dict_description", lang))]
    frame = columns_frame(lang)
    parts = [page_header(t("dictionary_title", lang), t("dictionary_intro", lang), lang),
             api_help(lang)]  # the read-only API (dashboard/api.py)
    for name, ds in dictionary.datasets().items():
        rows = frame[frame["dataset"] == name]
        parts.append(section(f"{ds.title(lang)} ({name})",
                             html.P(ds.description_zh if lang == "zh" else ds.description),
                             data_table(f"dict-{name}", rows, headers, page_size=40,
                                        sort=False, wide=["description"])))
    parts.append(section(t("dict_flags", lang), data_table(
        "dict-flags", flags_frame(lang),
        [("flag", t("dict_flag", lang)), ("explanation", t("dict_explanation", lang))],
        page_size=60, sort=False, wide=["explanation"])))
    return html.Div(parts)


def view(params: dict, lang: str) -> pd.DataFrame:
    return columns_frame(lang)


def register(app: Dash) -> None:
    """A static page: no callbacks."""

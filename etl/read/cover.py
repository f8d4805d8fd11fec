"""The cover: year, issue number and publication date."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from etl.normalize import DATE_TEXT, parse_cn_date
from etl.read.documents import ends_with_number, is_document_head
from etl.read.lines import DATE_LINE, compact
from etl.read.model import Issue

_ISSUE_NO = re.compile(r"^第\s*(\d{1,3})\s*期$")
# the publisher's imprint with the date: 云台市人民政府办公室编印 2023年4月10日, 2023年4月10日出版
_IMPRINT_DATE = re.compile(rf"(?:编印|主办|编辑|出版)[:：]?({DATE_TEXT})$|"
                           rf"^({DATE_TEXT})(?:出版|编印|印发)$")
# 2023年第4期, 2023年第4期（总第120期）, 2023第4期 总第120期: the year and number on one line
_YEAR_ISSUE = re.compile(r"^((?:19|20)\d{2})年?第(\d{1,3})期(?:[(（]?总第\d{1,5}期[)）]?)?$")


def read_cover(lines: list[str]) -> tuple[int | None, int | None, date | None]:
    """(year, issue number, publication date) from the cover page (first 80 lines, before
    the first document)."""
    year = number = None
    published = None
    for line in lines[:80]:
        squeezed = compact(line)
        if is_document_head(squeezed) or ends_with_number(squeezed):
            break  # a file without a cover: the dates below are documents', not the issue's
        if number is None and _ISSUE_NO.match(squeezed):
            number = int(_ISSUE_NO.match(squeezed).group(1))
        if number is None and (both := _YEAR_ISSUE.match(squeezed)):
            year, number = year or int(both.group(1)), int(both.group(2))
        if published is None and DATE_LINE.match(squeezed):
            published = parse_cn_date(squeezed)
        if published is None and len(squeezed) <= 40 and (imprint := _IMPRINT_DATE.search(
                squeezed)):
            published = parse_cn_date(imprint.group(1) or imprint.group(2))
        if year is None and re.fullmatch(r"(19|20)\d{2}", squeezed):
            year = int(squeezed)
    if published and year is None:
        year = published.year
    return year, number, published


_NAME_ID = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.年 ]?(?:第)?(\d{1,2})(?:期|(?!\d))")


def issue_id_from_name(path: str | Path) -> str | None:
    """The issue id a file name gives (``…gazette-2019-03.md``, ``2019年第3期.pdf``,
    ``gazette_2019_3.txt``) as YYYY-NN; None when the name gives none."""
    match = _NAME_ID.search(Path(path).stem)
    if not match or not 1 <= int(match.group(2)) <= 99:
        return None
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def cover_problems(issue: Issue, today: date) -> list[str]:
    """Why the cover of ``issue`` cannot be registered as it stands (empty: it can). Pure:
    the caller passes today's date, so builds stay free of the clock."""
    problems = []
    year, number, published = issue.year, issue.number, issue.published_on
    if year and number and published and not year <= published.year <= year + 1:
        # an issue is printed in its year, the last ones of a year early in the next
        problems.append(f"the cover names {year}年第{number}期 but is dated {published}; an "
                        f"issue of {year} is dated {year} (or early {year + 1}) — correct the "
                        "year or the date on the cover")
    if published and published > today:
        problems.append(f"the cover is dated {published}, after today ({today}) — correct the "
                        "date on the cover")
    if not issue.documents and not issue.tables:
        problems.append("the file holds a cover and nothing else (no documents, no tables) — "
                        "register the whole issue, not its cover")
    return problems

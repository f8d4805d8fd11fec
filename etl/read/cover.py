"""The cover: year, issue number and publication date."""

from __future__ import annotations

import re
from datetime import date

from etl.normalize import parse_cn_date
from etl.read.lines import DATE_LINE, compact

_ISSUE_NO = re.compile(r"^第\s*(\d{1,3})\s*期$")


def read_cover(lines: list[str]) -> tuple[int | None, int | None, date | None]:
    """(year, issue number, publication date) from the cover page (first 80 lines)."""
    year = number = None
    published = None
    for line in lines[:80]:
        squeezed = compact(line)
        if number is None and _ISSUE_NO.match(squeezed):
            number = int(_ISSUE_NO.match(squeezed).group(1))
        if published is None and DATE_LINE.match(squeezed):
            published = parse_cn_date(squeezed)
        if year is None and re.fullmatch(r"(19|20)\d{2}", squeezed):
            year = int(squeezed)
    if published and year is None:
        year = published.year
    return year, number, published



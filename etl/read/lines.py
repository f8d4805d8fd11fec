"""Line-level helpers shared by the structure finders: markup, page furniture, compaction."""

from __future__ import annotations

import re

from etl.normalize import DATE_TEXT, clean_text, to_simplified

_MARKUP_LEFT = re.compile(r"[#*>\-\s]+")
_MARKUP_RIGHT = re.compile(r"[*\s]+")


def strip_markup(line: str) -> str:
    """Remove markdown heading/bold/list markers the PDF converter added."""
    start = m.end() if (m := _MARKUP_LEFT.match(line)) else 0
    end = len(line)
    if end and (line[-1] == "*" or line[-1].isspace()):
        # Trailing markers are matched on the reversed line: searching for ``[*\s]+$`` would
        # retry at every position of a long run of spaces (quadratic on a 100 000-space line).
        end -= _MARKUP_RIGHT.match(line[::-1]).end()
    return line[start:end].strip() if start < end else ""


# Running headers: a section name (市政府办公室文件, 县政府令…) or the gazette's title, any city's
# (…人民政府公报).
_FURNITURE = re.compile(
    r"^(?:【)?(?:[市省县区州]?(?:人民)?政府(?:办公室|办公厅)?(?:文件|令)|部门文件|统计公报|大事记|"
    r"[\u3400-\u9fff]{0,16}(?:人民)?政府公报|GAZETTE OF THE PEOPLE.*)(?:】)?$"
)


def is_page_furniture(line: str) -> bool:
    """A running page header the PDF conversion left in the text (``# 市政府办公室文件``)."""
    squeezed = strip_markup(line).replace(" ", "")
    return bool(_FURNITURE.match(squeezed) or _FURNITURE.match(to_simplified(squeezed)))


_COVER_FURNITURE = re.compile(r"^(?:内部资料|免费交流|内部资料免费交流|内部资料[,，、]?免费交流)$")


def is_cover_furniture(line: str) -> bool:
    """The cover's printed notices (内部资料 / 免费交流) a converter left next to a title."""
    return bool(_COVER_FURNITURE.match(to_simplified(re.sub(r"[\s*]+", "", line))))


# a signing or publication date alone on a line: 2018年11月13日, 二○一○年六月十一日
DATE_LINE = re.compile(rf"^{DATE_TEXT}$")


_WHITESPACE = re.compile(r"\s+")


def compact(line: str) -> str:
    return _WHITESPACE.sub("", strip_markup(line))


def last_chars(lines: list[str]) -> list[str]:
    """The last character of each line, markdown markers aside ("" for a blank line): a
    cheap test that spares compacting every paragraph of an issue."""
    last = [line.rstrip()[-1:] for line in lines]
    if "*" in last:
        last = [strip_markup(lines[i])[-1:] if ch == "*" else ch for i, ch in enumerate(last)]
    return last


def lines_ending_in(last: list[str], chars: set[str]) -> list[int]:
    return [i for i, ch in enumerate(last) if ch in chars]


def previous_text_line(lines: list[str], index: int, limit: int = 4) -> int | None:
    """Index of the nearest non-blank line before ``index`` (0-based), within ``limit``."""
    for j in range(index - 1, max(-1, index - 1 - limit), -1):
        if lines[j].strip():
            return j
    return None


def title_above(lines: list[str], line_no: int) -> tuple[str | None, int | None]:
    """The nearest heading above a table's first line (within six lines): (text, line)."""
    for j in range(line_no - 2, max(-1, line_no - 8), -1):
        text = lines[j].strip()
        if not text or "\t" in text or text.startswith("|") or is_page_furniture(text):
            continue
        return clean_text(strip_markup(text)), j + 1
    return None, None

"""Text normalisation shared by every extractor.

One place for the messes the gazette's PDF-to-text conversion leaves behind:
full-width digits, mixed 〔〕（）() brackets in document numbers, spaces a line break
left between two CJK characters, Chinese dates, periods and numerals.

Every function is pure and total on ``str``: it never raises on odd text, it returns
``None`` (or a flag) when it cannot make sense of it. All regexes are linear (no
nested quantifiers), so a 15 MB line cannot make them hang.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

# --- width -----------------------------------------------------------------------

_FULLWIDTH_TO_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TO_ASCII[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (０-９, Ａ-Ｚ, （）, ，…) and the ideographic space → ASCII."""
    return text.translate(_FULLWIDTH_TO_ASCII)


_DIGITS_ONLY = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}


def halfwidth_digits(text: str) -> str:
    """Only the full-width digits ０-９ → 0-9 (keeps Chinese punctuation in titles)."""
    return text.translate(_DIGITS_ONLY)


# --- spaces left by line breaks --------------------------------------------------

# CJK ideographs plus CJK/full-width punctuation that a PDF line can end or start with.
_CJK = (r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        r"\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+(?=[{_CJK}])")
_MULTISPACE = re.compile(r"[ \t\u00a0\u3000]+")


def remove_linebreak_spaces(text: str) -> str:
    """Drop whitespace between two CJK characters (``一体化工 作`` → ``一体化工作``).

    Spaces next to Latin letters or digits are meaningful (``I 级``, ``MT0 扩能``) and
    are kept, collapsed to one; leading/trailing whitespace is stripped.
    """
    return _MULTISPACE.sub(" ", _CJK_GAP.sub("", text)).strip()


def clean_text(text: str) -> str:
    """The normal form of a title or name cell: digits half-width, line-break spaces gone."""
    return remove_linebreak_spaces(halfwidth_digits(text))


# --- Chinese numerals ------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_numeral(text: str) -> int | None:
    """Chinese numerals below 10 000 → int (``十`` 10, ``十五`` 15, ``二十一`` 21,
    ``一百零八`` 108); plain digits pass through. ``None`` for anything else."""
    text = halfwidth_digits(text.strip())
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGIT and ch not in _CN_UNIT for ch in text):
        return None
    total, digit, last_unit = 0, None, 10_000
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None and _CN_DIGIT[ch] != 0:
                return None  # two digits in a row (一二) is not a numeral
            digit = _CN_DIGIT[ch] if _CN_DIGIT[ch] != 0 else None
        else:
            unit = _CN_UNIT[ch]
            if unit >= last_unit:
                return None  # units must descend: 十百 is not a numeral
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


_ORDINAL_PREFIX = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]")


def leading_ordinal(text: str) -> tuple[int | None, str]:
    """``一、一般公共预算收入`` → (1, ``一般公共预算收入``); (None, text) without one."""
    match = _ORDINAL_PREFIX.match(text)
    if not match:
        return None, text.strip()
    return cn_numeral(match.group(1)), text[match.end():].strip()


# --- dates and periods -------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# ``\s*(?:X\s*)?`` rather than ``\s*X?\s*``: two adjacent ``\s*`` backtrack quadratically.
_PERIOD = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*(?:[-－—~至]\s*(\d{1,2})\s*)?月")


def safe_date(year: int, month: int, day: int) -> date | None:
    """A real calendar date or ``None`` (2018-02-30 is not a date)."""
    if not (1 <= month <= 12) or year < 1 or year > 9999:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def parse_cn_date(text: str) -> date | None:
    """First ``2018年11月13日`` in ``text`` → date(2018, 11, 13); ``None`` when absent or
    impossible."""
    match = _DATE.search(halfwidth_digits(text))
    if not match:
        return None
    return safe_date(*(int(g) for g in match.groups()))


def find_cn_dates(text: str) -> list[tuple[int, date | None, str]]:
    """Every ``YYYY年M月D日`` in ``text``: (offset, date or None when impossible, raw)."""
    text = halfwidth_digits(text)
    return [(m.start(), safe_date(*(int(g) for g in m.groups())), m.group(0))
            for m in _DATE.finditer(text)]


@dataclass(frozen=True)
class Period:
    """A span of whole months, e.g. 2018年1-10月 → 2018-01 … 2018-10."""

    start: str  # YYYY-MM
    end: str  # YYYY-MM
    label: str  # as printed, normalised (2018年1-10月)


def parse_cn_period(text: str) -> Period | None:
    """``2018年1-10月`` / ``2018年1-10月份`` / ``2018年10月`` → Period; ``None`` if absent
    or impossible."""
    match = _PERIOD.search(halfwidth_digits(text))
    if not match:
        return None
    year, first, last = int(match.group(1)), int(match.group(2)), match.group(3)
    last_month = int(last) if last else first
    if not (1 <= first <= last_month <= 12):
        return None
    label = f"{year}年{first}-{last_month}月" if last else f"{year}年{first}月"
    return Period(f"{year:04d}-{first:02d}", f"{year:04d}-{last_month:02d}", label)


# --- numbers -----------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:,\d{3})*|\d*)(?:\.\d+)?$")


@dataclass(frozen=True)
class ParsedNumber:
    value: float | None
    flags: tuple[str, ...] = ()


def parse_number(text: str) -> ParsedNumber:
    """A table cell → float. Empty → None (never 0). Full-width digits and thousands
    separators are accepted and flagged; Chinese numerals are read and flagged;
    anything else is None with flag ``number_unreadable``."""
    raw = text.strip()
    if not raw:
        return ParsedNumber(None)
    flags: list[str] = []
    cell = to_halfwidth(raw).replace("−", "-").replace("–", "-").strip()
    if cell != raw.replace("−", "-"):
        flags.append("number_fullwidth")
    if _NUMBER.match(cell) and any(ch.isdigit() for ch in cell):
        if "," in cell:
            flags.append("number_thousands_separator")
        return ParsedNumber(float(cell.replace(",", "")), tuple(flags))
    as_cn = cn_numeral(raw)
    if as_cn is not None:
        return ParsedNumber(float(as_cn), ("number_chinese_numeral",))
    return ParsedNumber(None, ("number_unreadable",))


# --- document numbers --------------------------------------------------------------

# Any bracket a converter or typist used around the year: 〔〕 () （） [] ［］ 【】 〈〉 《》 ｛｝
_OPEN = "〔(（[［【〈《{｛"
_CLOSE = "〕)）]］】〉》}｝"
_DOC_NUMBER = re.compile(
    rf"(?P<prefix>连政(?:办|规)?发)\s*(?:[{re.escape(_OPEN)}]\s*)?(?P<year>\d{{4}})\s*"
    rf"(?:[{re.escape(_CLOSE)}]\s*)?(?:(?P<stray>年)\s*)?(?P<seq>\d{{1,4}})\s*号"
)
# Government orders: 市政府令第8号, 连云港市人民政府令 第 8 号, 市人民政府令2号, 市政府1号令
_ORDER = re.compile(
    r"(?:连云港)?市(?:人民)?政府(?:令\s*(?:第\s*)?(?P<a>\d{1,4})\s*号|\s*(?P<b>\d{1,4})\s*号令)"
)

DOC_TYPES = ("连政发", "连政办发", "连政规发", "政府令")


@dataclass(frozen=True)
class DocNumber:
    """A parsed document number. ``text`` is the normal form (〔〕 brackets)."""

    doc_type: str  # 连政发 / 连政办发 / 连政规发 / 政府令
    year: int | None
    seq: int
    raw: str
    flags: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        if self.doc_type == "政府令":
            return f"市政府令第{self.seq}号"
        return f"{self.doc_type}〔{self.year}〕{self.seq}号"


def parse_doc_number(raw: str) -> DocNumber | None:
    """The document number in ``raw`` (first match), normalised; ``None`` if there is none.

    Flags say what the source got wrong: ``doc_number_brackets`` (not 〔〕),
    ``doc_number_stray_year`` (连政发(2002)年187号), ``order_number_variant``
    (市人民政府令2号, 市政府1号令 instead of 市政府令第N号).
    """
    text = to_halfwidth(raw)
    match = _DOC_NUMBER.search(text)
    if match:
        flags = []
        printed = raw[match.start():match.end()]
        if "〔" not in printed or "〕" not in printed:
            flags.append("doc_number_brackets")
        if match.group("stray"):
            flags.append("doc_number_stray_year")
        return DocNumber(match.group("prefix"), int(match.group("year")), int(match.group("seq")),
                         raw.strip(), tuple(flags))
    match = _ORDER.search(text)
    if match:
        seq = int(match.group("a") or match.group("b"))
        compact = re.sub(r"\s+", "", text[match.start():match.end()])
        canonical = (f"市政府令第{seq}号", f"连云港市人民政府令第{seq}号")
        flags = () if compact in canonical else ("order_number_variant",)
        return DocNumber("政府令", None, seq, raw.strip(), flags)
    return None


def format_doc_number(doc_type: str, year: int | None, seq: int) -> str:
    """The normal printed form: 连政发〔2018〕137号, 市政府令第8号."""
    return DocNumber(doc_type, year, seq, "").text


def find_doc_numbers(text: str) -> list[tuple[int, int, DocNumber]]:
    """Every document number in ``text``, in order: (start, end, DocNumber).

    Offsets index ``text`` itself (the half-width translation keeps lengths), so a caller
    can see what precedes or follows each number (``《title》（number）同时废止``).
    """
    wide = to_halfwidth(text)
    found = []
    for pattern in (_DOC_NUMBER, _ORDER):
        for match in pattern.finditer(wide):
            parsed = parse_doc_number(text[match.start():match.end()])
            if parsed is not None:
                found.append((match.start(), match.end(), parsed))
    return sorted(found, key=lambda item: item[0])


# --- year expressions --------------------------------------------------------------

_YEAR_SEP = r"\s*[-－—–~～至到]\s*"
_YEAR_SINGLE = re.compile(r"^(公元前)?(\d{1,4})\s*年?$")
_YEAR_RANGE = re.compile(rf"^(\d{{3,4}}){_YEAR_SEP}(\d{{2,4}})\s*年?$")
_YEAR_DECADE = re.compile(r"^(\d{1,2})\s*世纪\s*(\d)0\s*年代$")
_YEAR_ROC = re.compile(r"^民国\s*([一二三四五六七八九十\d]{1,4})\s*年$")


@dataclass(frozen=True)
class YearSpan:
    """A span of calendar years, both ends included; BCE years are negative (no year 0)."""

    start: int
    end: int
    label: str  # the expression, normalised (1957-1958年, 20世纪30年代)


def parse_cn_years(text: str) -> YearSpan | None:
    """A Chinese year expression → YearSpan; ``None`` for anything else (never a guess).

    ``1891年`` → 1891…1891; ``1957-1958年`` (also ``1957—58年``) → 1957…1958;
    ``20世纪30年代`` → 1930…1939; ``公元前206年`` → −206; ``民国二十七年`` → 1938.
    Named periods (dynasties) are domain knowledge and live in a reviewed table instead.
    """
    compact = re.sub(r"\s+", "", to_halfwidth(text))
    if match := _YEAR_SINGLE.match(compact):
        year = int(match.group(2))
        if year == 0 or (not match.group(1) and not compact.endswith("年") and year < 1000):
            return None  # a bare small number is not recognisably a year
        year = -year if match.group(1) else year
        return YearSpan(year, year, f"{'公元前' if year < 0 else ''}{abs(year)}年")
    if match := _YEAR_RANGE.match(compact):
        first, last_raw = match.group(1), match.group(2)
        cut = len(first) - len(last_raw)
        last = int(first[:cut] + last_raw) if cut > 0 else int(last_raw)  # 1957-58 → 1958
        if int(first) >= last:
            return None
        return YearSpan(int(first), last, f"{int(first)}-{last}年")
    if match := _YEAR_DECADE.match(compact):
        century, decade = int(match.group(1)), int(match.group(2))
        if century < 1:
            return None
        start = (century - 1) * 100 + decade * 10
        return YearSpan(start, start + 9, f"{century}世纪{decade}0年代")
    if match := _YEAR_ROC.match(compact):
        number = cn_numeral(match.group(1))
        if not number:
            return None
        return YearSpan(1911 + number, 1911 + number, f"民国{match.group(1)}年")
    return None

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
from functools import cache

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


# --- traditional characters ------------------------------------------------------

# CJK ideographs a traditional-to-simplified conversion can change (BMP: Ext. A, the
# unified block and the compatibility ideographs).
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@cache
def _t2s() -> tuple[object, dict[int, str], re.Pattern]:
    """(OpenCC t2s converter, per-character table, pattern of traditional-only characters),
    built once: each ideograph is converted on its own line, so no phrase joins two."""
    import opencc  # imported on first use: a simplified-only run never loads it

    converter = opencc.OpenCC("t2s")
    chars = [chr(cp) for lo, hi in _CJK_RANGES for cp in range(lo, hi)]
    converted = converter.convert("\n".join(chars)).split("\n")
    table = {ord(a): b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}
    traditional = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(table)) + "]")
    return converter, table, traditional


def has_traditional(text: str) -> bool:
    """True when ``text`` holds a character OpenCC's t2s would simplify (號, 發, 關…)."""
    return _t2s()[2].search(text) is not None


def to_simplified(text: str) -> str:
    """Traditional characters → simplified (OpenCC ``t2s``, phrases included), for MATCHING
    keywords, headers and 文号 prefixes; never for the values published as printed.

    Same length as ``text`` (offsets found in the result index the original): when a phrase
    conversion would change the length, the text is converted character by character.
    Text without a traditional-only character is returned as it is, unconverted (cheap).
    """
    converter, table, traditional = _t2s()
    if traditional.search(text) is None:
        return text
    converted = converter.convert(text)
    return converted if len(converted) == len(text) else text.translate(table)


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

# Years in digits or in Chinese numerals with any zero a typist uses (二〇二二, 二○一○, 二零一九,
# 二Ｏ一九); months and days in digits or numerals (十月二十日).
_CN_ZERO = "〇○零OＯoｏ0０"
_YEAR_CHARS = f"{_CN_ZERO}一二三四五六七八九"
_CN_YEAR = str.maketrans({**{ch: "0" for ch in _CN_ZERO},
                          **{ch: str(n) for n, ch in enumerate("一二三四五六七八九", 1)}})
# The text of a date (no groups), for patterns elsewhere: ``rf"自\s*(?P<date>{DATE_TEXT})"``.
DATE_TEXT = (rf"(?:\d{{4}}|[{_YEAR_CHARS}]{{4}})\s*年\s*(?:\d{{1,2}}|[一二三四五六七八九十]{{1,2}})"
             r"\s*月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
_DATE = re.compile(rf"(\d{{4}}|[{_YEAR_CHARS}]{{4}})\s*年\s*"
                   r"(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
# ``\s*(?:X\s*)?`` rather than ``\s*X?\s*``: two adjacent ``\s*`` backtrack quadratically.
_PERIOD = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*(?:[-－—~至]\s*(\d{1,2})\s*)?月")


def safe_date(year: int, month: int, day: int) -> date | None:
    """A real calendar date or ``None`` (2018-02-30 is not a date)."""
    if not (1 <= month <= 12) or year < 1 or year > 9999:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _date_of(match: re.Match) -> date | None:
    year, month, day = match.groups()
    if year.isascii() and month.isascii() and day.isascii():  # digits: the common case
        return safe_date(int(year), int(month), int(day))
    year_n = int(year.translate(_CN_YEAR)) if not year.isascii() else int(year)
    month_n, day_n = cn_numeral(month), cn_numeral(day)
    if month_n is None or day_n is None:
        return None
    return safe_date(year_n, month_n, day_n)


def parse_cn_date(text: str) -> date | None:
    """First date in ``text`` → date: ``2018年11月13日`` → date(2018, 11, 13), also in Chinese
    numerals (``二○一○年六月十一日``, ``二〇二二年十月二十日``); ``None`` when absent or
    impossible."""
    match = _DATE.search(halfwidth_digits(text))
    return _date_of(match) if match else None


def find_cn_dates(text: str) -> list[tuple[int, date | None, str]]:
    """Every date in ``text`` (digits or Chinese numerals): (offset, date or None when
    impossible, raw)."""
    text = halfwidth_digits(text)
    return [(m.start(), _date_of(m), m.group(0)) for m in _DATE.finditer(text)]


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

# A 文号 is an issuer's code (机关代字, 连政办发 苏政发 国办发 苏建规字 财税) + the year in brackets
# + a sequence + 号; an order is its issuer + 令 + 第N号. Any issuer's numbers are read; the
# city profile (datasets/reference/doc_prefixes.csv) only says whose a prefix is and at
# which level. Matching runs on a simplified, half-width copy of the text (號 發 → 号 发), of
# the same length, so offsets index the text as printed.

# Any bracket a converter or typist used around the year: 〔〕 () （） [] ［］ 【】 〈〉 《》 ｛｝
_OPEN = "〔(（[［【〈《{｛"
_CLOSE = "〕)）]］】〉》}｝"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
# The last character of a prefix printed without brackets: only a series word can be trusted
# there (连政发2018 137号), any other run of characters needs the brackets.
_SERIES_END = "发字函规令办文复电秘"
_DOC_NUMBER = re.compile(
    rf"(?P<prefix>[{_HAN}]{{1,16}}?)\s*(?:(?P<open>[{re.escape(_OPEN)}])\s*)?"
    rf"(?P<year>\d{{4}})\s*(?:(?P<close>[{re.escape(_CLOSE)}])\s*)?"
    rf"(?:(?P<stray>年)\s*)?(?P<seq>\d{{1,4}})\s*号"
)
# Orders: 市政府令第8号, 连云港市人民政府令 第 8 号, 江苏省人民政府令第114号, 国务院令第1号,
# variants 市人民政府令2号, 市政府1号令
_ORDER = re.compile(
    rf"(?P<issuer>[{_HAN}]{{0,14}}?(?:政府|国务院|部|委员会|总局|银行|署))"
    r"(?:\s*令\s*(?:(?P<di>第)\s*)?(?P<a>\d{1,4})\s*号|\s*(?P<b>\d{1,4})\s*号令)"
)
# Words that lead into a cited number in running text (根据苏政发〔2019〕1号): never part of
# the prefix.
_LEAD_WORDS = re.compile(
    "根据|按照|依据|依照|参照|对照|遵照|执行|贯彻|落实|印发|转发|下发|抄送|文件|精神|要求|规定|"
    "通知|意见|办法|决定|以及|关于|同时|其中|本|原|即|和|及|与|或|的|见|据|由|在|对|将|是|为|以|"
    "政府办公室|政府办公厅|人民政府|政府|办公室|办公厅|委员会|国务院")
_ORDER_LEAD = re.compile(
    "根据|按照|依据|依照|参照|对照|遵照|执行|贯彻|落实|印发|转发|发布|公布|以及|同时|关于|废止|修改|"
    "经|本|原|和|及|"
    "与|或|的|见|据|由|在|对|将|是|为|以")

_ORDER_LEAD_END = re.compile(f"(?:{_ORDER_LEAD.pattern})$")
# another place's government: at most five characters of name before 省/市/县/区/州/盟/旗
_PLACE_GOVERNMENT = re.compile(
    rf"(?:中华人民共和国)?[{_HAN}]{{2,5}}(?:自治区|自治州|自治县|省|市|县|区|州|盟|旗)(?:人民)?政府$")



def __getattr__(name: str):
    if name == "DOC_TYPES":  # the city's own series, from its profile (连政发, 连政办发 …)
        return _city().own_prefixes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class DocNumber:
    """A parsed document number. ``text`` is the normal form (〔〕 brackets; 第N号 orders).

    ``doc_type`` names the series: the prefix (连政办发, 苏政发, 国办发, 灌政发) or, for an
    order, the profile's series (政府令 for the city's own, 省政府令, 国务院令) or else the
    issuer's name + 令 (淮安市人民政府令). ``prefix`` is the prefix as printed, simplified and
    without spaces (江苏省人民政府令 for 省政府令); ``level`` is city / province / national /
    county from the profile, None when the profile does not know the series.
    """

    doc_type: str
    year: int | None
    seq: int
    raw: str
    flags: tuple[str, ...] = field(default=())
    prefix: str = ""
    level: str | None = None

    @property
    def text(self) -> str:
        if self.year is None:
            return f"市政府令第{self.seq}号" if self.doc_type == "政府令" else \
                f"{self.doc_type}第{self.seq}号"
        return f"{self.doc_type}〔{self.year}〕{self.seq}号"

    @property
    def is_order(self) -> bool:
        return self.year is None


def _per_city(build):
    """Cache ``build(city)`` per profile object (hashing a profile costs more than the work)."""
    store: dict[int, tuple[object, object]] = {}

    def get(city):
        hit = store.get(id(city))
        if hit is None or hit[0] is not city:
            hit = store[id(city)] = (city, build(city))
        return hit[1]
    return get


def _city():
    from etl.profile import profile  # the default profile; a caller may pass another
    return profile()


@_per_city
def _order_names(city) -> dict[str, str]:
    """Every way an order's issuer is printed → the profile's series (政府令, 省政府令…):
    连云港市人民政府 / 连云港市政府 / 市人民政府 / 市政府 → 政府令."""
    names: dict[str, str] = {}
    for p in city.doc_prefixes:
        if not p.prefix.endswith("令"):
            continue
        full = p.issuer_zh
        forms = {full, full.replace("人民政府", "政府"), p.issuer, p.prefix[:-1]}
        for place in (city.name_zh, city.province_zh, "中华人民共和国"):
            if full.startswith(place):  # 连云港市人民政府 → 市人民政府, 江苏省… → 省人民政府
                rest = full[len(place):]
                forms |= {place[-1] + rest, place[-1] + rest.replace("人民政府", "政府"), rest}
        for form in forms:
            if form and form != "政府":
                names.setdefault(form, p.prefix)
    return names


def _level_of_issuer(name: str) -> str | None:
    """The level an issuer's name says (江苏省人民政府 → province), for orders the profile does
    not know; None when the name does not say."""
    if name.startswith("中华人民共和国") or name.endswith(("国务院", "部", "总局", "署")):
        return "national"
    for ending, level in (("省", "province"), ("自治区", "province"), ("市", "city"),
                          ("县", "county"), ("区", "county"), ("旗", "county")):
        if re.search(f"{ending}(?:人民)?政府$", name):
            return level
    return None


def _trim(run: str, lead: re.Pattern) -> str:
    """The prefix in a run of characters: what follows the last lead word (根据苏政发 → 苏政发)."""
    cut = 0
    for m in lead.finditer(run):
        if len(run) - m.end() >= 2:
            cut = m.end()
    return run[cut:]


@_per_city
def _series(city) -> tuple[tuple[str, ...], dict[str, tuple[str | None, bool]]]:
    """(the profile's numbered prefixes, longest first; series → (level, known))."""
    numbered = sorted((p.prefix for p in city.doc_prefixes if not p.prefix.endswith("令")),
                      key=len, reverse=True)
    return tuple(numbered), {p.prefix: (p.level, True) for p in city.doc_prefixes}


def _numbered(wide: str, match: re.Match, raw: str, city) -> DocNumber | None:
    run = match.group("prefix")
    numbered, levels = _series(city)
    known = next((p for p in numbered if run.endswith(p)), None)
    prefix = known or _trim(run, _LEAD_WORDS)
    bracketed = match.group("open") is not None and match.group("close") is not None
    if len(prefix) < 2 or len(prefix) > 8 or (not bracketed and not known and (
            prefix[-1] not in _SERIES_END or match.group("stray"))):
        return None
    flags = []
    if match.group("open") != "〔" or match.group("close") != "〕":
        flags.append("doc_number_brackets")
    if match.group("stray"):
        flags.append("doc_number_stray_year")
    return DocNumber(prefix, int(match.group("year")), int(match.group("seq")), raw.strip(),
                     tuple(flags), prefix, levels.get(prefix, (None, False))[0])


def _order(match: re.Match, raw: str, city) -> DocNumber | None:
    run = re.sub(r"\s+", "", match.group("issuer"))
    if match.start() > 0 and match.string[match.start() - 1].isdigit():
        run = run.lstrip("年月日")  # the tail of a date: 2004年5月12日市政府令第21号公布
    names = _order_names(city)
    own = max((n for n in names if run.endswith(n)), key=len, default=None)
    rest = run[:len(run) - len(own)] if own else ""
    # 市人民政府 is the city's own unless a place name precedes it (淮安市人民政府)
    if own and (not rest or own[0] not in "市省" or _ORDER_LEAD_END.search(rest)):
        doc_type, issuer = names[own], own  # 连云港市人民政府, 市政府, 省人民政府…
    else:
        issuer = _trim(run, _ORDER_LEAD)
        place = _PLACE_GOVERNMENT.search(issuer)
        issuer = place.group(0) if place else issuer
        if len(issuer) < 2 or issuer in ("政府", "人民政府"):
            return None
        doc_type = issuer + "令"
    seq = int(match.group("a") or match.group("b"))
    entry = city.prefix(doc_type)
    flags = () if match.group("a") and match.group("di") else ("order_number_variant",)
    return DocNumber(doc_type, None, seq, raw.strip(), flags, issuer + "令",
                     entry.level if entry else _level_of_issuer(issuer))


def _matching_text(text: str) -> str:
    return to_simplified(to_halfwidth(text))


def _find(text: str, city) -> list[tuple[int, int, DocNumber]]:
    if "号" not in text and "號" not in text:  # every number ends in 号: most text has none
        return []
    wide = _matching_text(text)
    found = []
    for match in _DOC_NUMBER.finditer(wide):
        number = _numbered(wide, match, text[match.start():match.end()], city)
        if number is not None:
            found.append((match.start(), match.end(), number))
    for match in _ORDER.finditer(wide) if "令" in wide else ():
        if any(s <= match.start() < e for s, e, _ in found):
            continue
        number = _order(match, text[match.start():match.end()], city)
        if number is not None:
            found.append((match.start(), match.end(), number))
    return sorted(found, key=lambda item: item[0])


def parse_doc_number(raw: str, city=None) -> DocNumber | None:
    """The document number in ``raw`` (first match), normalised; ``None`` if there is none.

    Any issuer's number is read (连政办发〔2018〕167号, 苏政发〔2019〕12号, 国办发[2019]5号,
    江苏省人民政府令第114号, traditional 連政發〔2019〕3號). ``city`` is a city profile
    (``etl.profile.profile()``, the default) that says whose a prefix is and its level.

    Flags say what the source got wrong: ``doc_number_brackets`` (not 〔〕),
    ``doc_number_stray_year`` (连政发(2002)年187号), ``order_number_variant``
    (市人民政府令2号, 市政府1号令 instead of 市政府令第N号).
    """
    found = _find(raw, city or _city())
    if not found:
        return None
    number = found[0][2]
    return DocNumber(number.doc_type, number.year, number.seq, raw.strip(), number.flags,
                     number.prefix, number.level)


def format_doc_number(doc_type: str, year: int | None, seq: int) -> str:
    """The normal printed form: 连政发〔2018〕137号, 市政府令第8号, 省政府令第114号."""
    return DocNumber(doc_type, year, seq, "").text


def find_doc_numbers(text: str, city=None) -> list[tuple[int, int, DocNumber]]:
    """Every document number in ``text``, in order: (start, end, DocNumber).

    Offsets index ``text`` itself (the half-width and simplified copy keeps lengths), so a
    caller can see what precedes or follows each number (``《title》（number）同时废止``).
    """
    return _find(text, city or _city())


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

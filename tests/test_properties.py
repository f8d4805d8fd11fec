"""Properties of the normalisers and the table reader, beyond tests/test_normalize.py.

Hypothesis looks for text that breaks a promise: no exception on any text, normal forms that
are fixed points, document numbers that survive parse → format → parse in every printed
style, dates that are never impossible, table rows that always keep their source line — and
regexes that stay linear on a megabyte of adversarial text.
"""

from __future__ import annotations

import calendar
import re
import signal
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from etl import normalize
from etl.normalize import (
    DOC_TYPES,
    clean_text,
    cn_numeral,
    find_cn_dates,
    format_doc_number,
    halfwidth_digits,
    leading_ordinal,
    parse_cn_date,
    parse_cn_period,
    parse_doc_number,
    parse_number,
    remove_linebreak_spaces,
    to_halfwidth,
)
from etl.read import decode_gazette, find_documents, find_tables, find_toc, strip_markup

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Text that looks like the gazette: CJK, digits of both widths, brackets, units, tabs.
GAZETTE_CHARS = st.sampled_from(list(
    "连政办规发市人民政府令第号年月日至一二三四五六七八九十百千零〇两、．.，,()（）〔〕[]［］【】"
    "0123456789０１２３４５６７８９ \t\u3000\u00a0-－—~*#>%亿元万美")) | st.characters()
gazette_text = st.text(GAZETTE_CHARS, max_size=80)

TEXT_FUNCTIONS = [to_halfwidth, halfwidth_digits, remove_linebreak_spaces, clean_text,
                  cn_numeral, leading_ordinal, parse_cn_date, find_cn_dates, parse_cn_period,
                  parse_number, parse_doc_number, strip_markup]
# normalisers other issues add to etl/normalize.py are held to the same promises
TEXT_FUNCTIONS += [getattr(normalize, name) for name in ("find_doc_numbers", "parse_cn_years")
                   if hasattr(normalize, name)]


# --- total on str, and normal forms are fixed points ----------------------------------------

@SETTINGS
@given(st.one_of(st.text(), gazette_text))
@example("连政发" + " " * 50 + "〔2018〕1号")
@example("\ud800")  # a lone surrogate is a valid Python str
def test_every_normaliser_is_total(text):
    for function in TEXT_FUNCTIONS:
        function(text)


@SETTINGS
@given(st.one_of(st.text(), gazette_text))
def test_normal_forms_are_fixed_points(text):
    for function in (to_halfwidth, halfwidth_digits, remove_linebreak_spaces, clean_text,
                     strip_markup):
        once = function(text)
        assert function(once) == once, function.__name__
    number = parse_doc_number(text)
    if number is not None:
        again = parse_doc_number(number.text)
        assert again is not None and again.text == number.text and again.flags == ()


@SETTINGS
@given(st.text(st.sampled_from(list("#*>- \t\u3000ab连政发1")), max_size=30))
def test_strip_markup_matches_its_regex_definition(line):
    """The linear rewrite removes exactly what ``^[#*>\\-\\s]+|[*\\s]+$`` removed."""
    assert strip_markup(line) == re.sub(r"^[#*>\-\s]+|[*\s]+$", "", line).strip()


# --- document numbers: every printed style parses to the one normal form --------------------

BRACKETS = ["〔〕", "()", "（）", "[]", "［］", "【】", "〈〉", "《》", "{}", "｛｝", ""]
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def printed_doc_numbers(draw):
    doc_type = draw(st.sampled_from(DOC_TYPES[:3]))
    year, seq = draw(st.integers(1949, 2100)), draw(st.integers(1, 9999))
    brackets = draw(st.sampled_from(BRACKETS))
    space = st.sampled_from(["", " ", "  ", "\u3000"])
    stray = draw(st.sampled_from(["", "年"])) if brackets else ""
    printed = (f"{doc_type}{draw(space)}{brackets[:1]}{draw(space)}{year}{draw(space)}"
               f"{brackets[1:]}{draw(space)}{stray}{draw(space)}{seq}{draw(space)}号")
    if draw(st.booleans()):
        printed = printed.translate(FULLWIDTH_DIGITS)
    return printed, doc_type, year, seq, brackets, stray


@SETTINGS
@given(printed_doc_numbers(), st.text(st.sampled_from("关于的通知《》、，各县区"), max_size=12))
def test_doc_number_round_trip_in_every_style(printed_parts, context):
    printed, doc_type, year, seq, brackets, stray = printed_parts
    parsed = parse_doc_number(f"{context}（{printed}）{context}")
    assert parsed is not None
    assert (parsed.doc_type, parsed.year, parsed.seq) == (doc_type, year, seq)
    assert parsed.text == format_doc_number(doc_type, year, seq)
    assert ("doc_number_brackets" in parsed.flags) == (brackets != "〔〕")
    assert ("doc_number_stray_year" in parsed.flags) == bool(stray)
    assert parse_doc_number(parsed.text).flags == ()


@SETTINGS
@given(st.integers(1, 9999), st.sampled_from(["市政府令第{}号", "连云港市人民政府令第{}号",
                                              "市人民政府令{}号", "市政府{}号令", "市政府令 第 {} 号"]))
def test_order_numbers_round_trip(seq, form):
    parsed = parse_doc_number(form.format(seq))
    assert parsed is not None and (parsed.doc_type, parsed.seq) == ("政府令", seq)
    assert parsed.text == format_doc_number("政府令", None, seq) == f"市政府令第{seq}号"
    canonical = form.replace(" ", "") in ("市政府令第{}号", "连云港市人民政府令第{}号")
    assert (parsed.flags == ()) == canonical


@SETTINGS
@given(st.sampled_from(DOC_TYPES[:3]), st.integers(1000, 9999), st.integers(1, 9999))
def test_format_then_parse_is_identity(doc_type, year, seq):
    parsed = parse_doc_number(format_doc_number(doc_type, year, seq))
    assert (parsed.doc_type, parsed.year, parsed.seq, parsed.flags) == (doc_type, year, seq, ())


# --- dates and periods are never impossible ---------------------------------------------------

def _maybe_fullwidth(draw, text: str) -> str:
    return text.translate(FULLWIDTH_DIGITS) if draw(st.booleans()) else text


@st.composite
def printed_dates(draw):
    year = draw(st.integers(0, 9999))
    month, day = draw(st.integers(0, 99)), draw(st.integers(0, 99))
    gap = st.sampled_from(["", " ", "  "])
    printed = f"{year:04d}{draw(gap)}年{draw(gap)}{month}{draw(gap)}月{draw(gap)}{day}{draw(gap)}日"
    return _maybe_fullwidth(draw, printed), year, month, day


@SETTINGS
@given(printed_dates(), gazette_text)
@example(("2018年2月30日", 2018, 2, 30), "")
@example(("2020年2月29日", 2020, 2, 29), "")
@example(("1900年2月29日", 1900, 2, 29), "")
def test_dates_are_real_or_none(printed_parts, context):
    printed, year, month, day = printed_parts
    possible = year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(
        year if year else 2000, month if 1 <= month <= 12 else 1)[1]
    parsed = parse_cn_date(printed)
    assert parsed == (date(year, month, day) if possible else None)
    for _, found, _raw in find_cn_dates(context + printed + context):
        assert found is None or isinstance(found, date)


@SETTINGS
@given(gazette_text)
def test_any_date_found_in_any_text_is_real(text):
    parsed = parse_cn_date(text)
    if parsed is not None:  # a date object cannot be impossible: check it was read, not made up
        assert str(parsed.day) in halfwidth_digits(text)
    period = parse_cn_period(text)
    if period is not None:
        assert period.start <= period.end
        assert 1 <= int(period.start[5:]) <= int(period.end[5:]) <= 12


# --- numbers --------------------------------------------------------------------------------

def _to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@SETTINGS
@given(st.integers(-10**12, 10**12), st.integers(0, 99), st.booleans(), st.booleans())
def test_numbers_round_trip_through_their_printed_forms(whole, cents, commas, fullwidth):
    printed = f"{whole:,}" if commas else str(whole)
    printed += f".{cents:02d}"
    expected = float(f"{whole}.{cents:02d}")
    if fullwidth:
        printed = _to_fullwidth(printed)
    parsed = parse_number(printed)
    assert parsed.value == expected
    assert ("number_thousands_separator" in parsed.flags) == (commas and abs(whole) >= 1000)
    assert ("number_fullwidth" in parsed.flags) == fullwidth


def _chinese(n: int) -> str:
    """0 < n < 10 000 the way the gazette prints it (十五, 一百零八, 一千零一十)."""
    digits, units, out, zero = "零一二三四五六七八九", ["千", "百", "十", ""], "", False
    for value, unit in zip(f"{n:04d}", units, strict=True):
        d = int(value)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if (unit == "十" and d == 1 and not out) else digits[d]) + unit
    return out


@given(st.integers(1, 9999))
def test_chinese_numerals_read_back(n):
    assert cn_numeral(_chinese(n)) == n
    assert parse_number(_chinese(n)).value == n
    if n <= 99:
        assert leading_ordinal(f"{_chinese(n)}、指标")[0] == n


@SETTINGS
@given(st.text())
def test_numbers_are_never_invented(text):
    """An empty cell stays empty (never 0); a value without any digit is never a number."""
    parsed = parse_number(text)
    if not text.strip():
        assert parsed.value is None and parsed.flags == ()
    if parsed.value is not None and "number_chinese_numeral" not in parsed.flags:
        assert any(ch.isdigit() for ch in text)


# --- decoding: encodings and line ends change nothing ----------------------------------------

@SETTINGS
@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
                min_size=1, max_size=8))
def test_line_ends_and_byte_order_marks_do_not_change_the_text(lines):
    text = "\n".join(lines)
    assume(text.strip())
    base, _ = decode_gazette(text.encode("utf-8"), "x.md")
    for data in (text.replace("\n", "\r\n").encode("utf-8"), b"\xef\xbb\xbf" + text.encode(),
                 text.encode("utf-16"), text.replace("\n", "\r").encode("utf-8")):
        assert decode_gazette(data, "x.md")[0] == base
    assert base.split("\n") == lines


# --- the table reader keeps every row's line ---------------------------------------------------

CELL = st.text(st.sampled_from(list("ab一二12 ")), max_size=4)


@st.composite
def table_like_lines(draw):
    """Tab lines of a few widths, repeated headers, wrapped cells, blanks and page furniture."""
    header = draw(st.lists(st.sampled_from(["序号", "名称", "时代", "地址", "文号"]),
                           min_size=2, max_size=5, unique=True))
    lines = ["\t".join(header)]
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["row", "row", "row", "short", "long", "wrap", "blank",
                                     "header", "furniture", "text"]))
        if kind == "row":
            lines.append("\t".join(draw(st.lists(CELL, min_size=len(header),
                                                 max_size=len(header)))))
        elif kind == "short":
            lines.append("\t".join(draw(st.lists(CELL, min_size=2, max_size=len(header)))))
        elif kind == "long":
            lines.append("\t".join(draw(st.lists(CELL, min_size=len(header) + 1,
                                                 max_size=len(header) + 3))))
        elif kind == "wrap":
            lines.append(draw(st.text(st.sampled_from("ab一二"), min_size=1, max_size=5)))
        elif kind == "header":
            lines.append("\t".join(header))
        elif kind == "furniture":
            lines.append(draw(st.sampled_from(["# 市政府办公室文件", "连云港市人民政府公报"])))
        elif kind == "text":
            lines.append(draw(gazette_text))
        else:
            lines.append("")
    return lines


@SETTINGS
@given(table_like_lines())
def test_table_rows_keep_their_source_lines(lines):
    tables = find_tables(lines)
    for table in tables:
        numbers = [row.line for row in table.rows]
        assert numbers == sorted(set(numbers)), "rows out of order or duplicated"
        for row in table.rows:
            assert table.header_line < row.line <= table.end_line
            assert "\t" in lines[row.line - 1]
            first_printed = lines[row.line - 1].split("\t")[0].strip()
            if "wrapped_row" in row.flags:  # a wrapped line was joined onto the row's last cell
                assert row.cells[0].startswith(first_printed)
            else:
                assert row.cells[0] == first_printed
    for n, line in enumerate(lines, start=1):  # every tab line is accounted for
        if "\t" not in line:
            continue
        owner = [t for t in tables if t.header_line <= n <= t.end_line]
        assert len(owner) == 1, f"line {n} in {len(owner)} tables"
        table = owner[0]
        if n == table.header_line or n in {s[0] for s in table.skipped}:
            continue
        before = [row for row in table.rows if row.line <= n]
        assert before, f"line {n} lost"
        assert before[-1].line == n or "wrapped_row" in before[-1].flags, f"line {n} lost"


@SETTINGS
@given(st.lists(gazette_text, max_size=30))
def test_reader_passes_are_total(lines):
    docs = find_documents(lines)
    for doc in docs:
        assert 1 <= doc.start_line <= doc.end_line <= len(lines)
        assert doc.signed_on is None or isinstance(doc.signed_on, date)
    for entry in find_toc(["目录"] + lines, len(lines) + 1):
        assert 2 <= entry.line <= len(lines) + 1


# --- regexes stay linear: a megabyte of adversarial text --------------------------------------

MB = 1_000_000
ADVERSARIAL = {
    "spaces": " " * MB + "x",
    "dots": "." * MB,
    "ellipsis": "…" * (MB // 3),
    "stars and spaces": "* " * (MB // 2) + "x",
    "digits": "1" * MB + "x",
    "commas": "1," * (MB // 2) + "x",
    "doc number then spaces": "连政发" + " " * MB + "x",
    "doc number bracket then spaces": "连政发〔2018" + " " * MB + "x",
    "order then spaces": "市政府令" + " " * MB + "x",
    "year then spaces": "2018年1" + " " * MB + "x",
    "repeated prefixes": "连政发〔2018〕" * (MB // 11),
    "repeated dates": "2018年2月" * (MB // 7),
    "cjk gaps": "中 " * (MB // 2),
    "numerals": "一十" * (MB // 2),
    "brackets": "（" * MB,
}
BOUND_SECONDS = 30  # linear work takes milliseconds; quadratic backtracking takes hours


@contextmanager
def _deadline(seconds: int, what: str):
    def expired(*_):
        raise TimeoutError(f"{what}: over {seconds}s on 1 MB — catastrophic backtracking")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_regexes_stay_linear(name):
    text = ADVERSARIAL[name]
    for function in TEXT_FUNCTIONS:
        with _deadline(BOUND_SECONDS, f"{function.__name__} on {name!r}"):
            function(text)
    lines = [text[i:i + 99_000] for i in range(0, min(len(text), 300_000), 99_000)]
    with _deadline(BOUND_SECONDS, f"reader on {name!r}"):
        find_documents(lines)
        find_tables(["序号\t名称"] + [ln + "\t" + ln for ln in lines])
        find_toc(["目录"] + lines, len(lines) + 1)

"""The shared normalisers, on cases taken from both issues, plus properties (hypothesis)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.normalize import (
    clean_text,
    cn_numeral,
    format_doc_number,
    leading_ordinal,
    parse_cn_date,
    parse_cn_period,
    parse_doc_number,
    parse_number,
    remove_linebreak_spaces,
    to_halfwidth,
)


@pytest.mark.parametrize(("raw", "text", "flags"), [
    ("连政发〔2018〕137号", "连政发〔2018〕137号", ()),
    ("连政规发（2010）3号", "连政规发〔2010〕3号", ("doc_number_brackets",)),
    ("连政发(2002)78号", "连政发〔2002〕78号", ("doc_number_brackets",)),
    ("连政发(2002)年187号", "连政发〔2002〕187号", ("doc_number_brackets", "doc_number_stray_year")),
    ("连政发（2002）年173号", "连政发〔2002〕173号", ("doc_number_brackets", "doc_number_stray_year")),
    ("连政办发〔2018〕167号", "连政办发〔2018〕167号", ()),
    ("连政规发〔2022〕4号", "连政规发〔2022〕4号", ()),
    ("连政办发［２００８］１２６号", "连政办发〔2008〕126号", ("doc_number_brackets",)),
    ("市人民政府令2号", "市政府令第2号", ("order_number_variant",)),
    ("市政府1号令", "市政府令第1号", ("order_number_variant",)),
    ("市政府令第8号", "市政府令第8号", ()),
])
def test_doc_numbers_from_the_gazettes(raw, text, flags):
    parsed = parse_doc_number(raw)
    assert parsed is not None
    assert parsed.text == text
    assert parsed.flags == flags


def test_doc_number_parts_and_absence():
    parsed = parse_doc_number("连政办发(2014)29号")
    assert (parsed.doc_type, parsed.year, parsed.seq) == ("连政办发", 2014, 29)
    assert parse_doc_number("") is None
    assert parse_doc_number("连云港市人民政府关于加强云台山隧道管理的通告") is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("关于转发市建设局等部门推行太阳能热水系统与建筑一体化工 作实施意见的通知",
     "关于转发市建设局等部门推行太阳能热水系统与建筑一体化工作实施意见的通知"),
    ("市政府办公室关于加强地沟油整治和餐厨废弃物管理的实施意 见", "市政府办公室关于加强地沟油整治和餐厨废弃物管理的实施意见"),
    ("淮海工学院 大学科技园", "淮海工学院大学科技园"),
    ("市政府关于印发连云港市市级政府投资 非盈利性工程建设项目集中建设 管理办法（试行）的通知",
     "市政府关于印发连云港市市级政府投资非盈利性工程建设项目集中建设管理办法（试行）的通知"),
    ("I 级（红色）XX灾害预警", "I 级（红色）XX灾害预警"),  # a space next to Latin is meaningful
    ("MT0 扩能改造", "MT0 扩能改造"),
    ("  第 16 期  ", "第 16 期"),
])
def test_linebreak_spaces(raw, expected):
    assert remove_linebreak_spaces(raw) == expected


def test_halfwidth():
    assert to_halfwidth("２０１８年（试行）") == "2018年(试行)"
    assert clean_text("２０１８年１１月") == "2018年11月"


@pytest.mark.parametrize(("raw", "expected"), [
    ("2018年11月13日", date(2018, 11, 13)),
    ("2018 年 12 月 15 日", date(2018, 12, 15)),
    ("２０２２年１０月３１日", date(2022, 10, 31)),
    ("自2023年1月1日起施行", date(2023, 1, 1)),
    ("2018年2月30日", None),
    ("没有日期", None),
])
def test_cn_dates(raw, expected):
    assert parse_cn_date(raw) == expected


def test_cn_periods():
    period = parse_cn_period("2018年1-10月份主要经济指标")
    assert (period.start, period.end, period.label) == ("2018-01", "2018-10", "2018年1-10月")
    assert parse_cn_period("2018年10月").start == "2018-10"
    assert parse_cn_period("2018年10-1月") is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("一", 1), ("五", 5), ("十", 10), ("十五", 15), ("二十一", 21), ("一百零八", 108),
    ("12", 12), ("十十", None), ("abc", None),
])
def test_cn_numerals(raw, expected):
    assert cn_numeral(raw) == expected


def test_leading_ordinal():
    assert leading_ordinal("八、全社会用电量(亿千瓦时)") == (8, "全社会用电量(亿千瓦时)")
    assert leading_ordinal("十、工业生产者出厂价格指数") == (10, "工业生产者出厂价格指数")
    assert leading_ordinal("工业") == (None, "工业")


def test_numbers():
    assert parse_number("1639.54").value == 1639.54
    assert parse_number("-12.1").value == -12.1
    assert parse_number("").value is None  # empty stays empty, never 0
    assert parse_number("799,701").flags == ("number_thousands_separator",)
    assert parse_number("１６３９.５４").value == 1639.54
    assert "number_fullwidth" in parse_number("１６３９.５４").flags
    assert parse_number("十五") == parse_number("十五").__class__(15.0, ("number_chinese_numeral",))
    assert parse_number("n/a").flags == ("number_unreadable",)


# --- properties ------------------------------------------------------------------------

@given(st.text())
def test_normalisers_never_raise_and_are_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert to_halfwidth(to_halfwidth(text)) == to_halfwidth(text)
    parse_cn_date(text)
    parse_cn_period(text)
    parse_number(text)
    parse_doc_number(text)


@given(st.sampled_from(["连政发", "连政办发", "连政规发"]), st.integers(1949, 2100),
       st.integers(1, 9999), st.sampled_from(["〔〕", "()", "（）", "[]", "［］", "【】"]))
def test_doc_number_round_trip(doc_type, year, seq, brackets):
    printed = f"{doc_type}{brackets[0]}{year}{brackets[1]}{seq}号"
    parsed = parse_doc_number(printed)
    assert parsed.text == format_doc_number(doc_type, year, seq)
    assert parse_doc_number(parsed.text).text == parsed.text


@given(st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32))
def test_dates_are_never_impossible(year, month, day):
    parsed = parse_cn_date(f"{year}年{month}月{day}日")
    if parsed is not None:
        assert (parsed.year, parsed.month, parsed.day) == (year, month, day)


def test_find_doc_numbers_in_a_sentence():
    from etl.normalize import find_doc_numbers
    text = ("决定对《连云港市政府投资项目审计监督办法》（连政规发〔2014〕7号）、"
            "《连云港市干线公路建设管理办法》（连政办发（2008）126号）及市人民政府令2号作出如下修改")
    found = find_doc_numbers(text)
    assert [n.text for _, _, n in found] == ["连政规发〔2014〕7号", "连政办发〔2008〕126号",
                                              "市政府令第2号"]
    start, end, number = found[1]
    assert text[start:end] == "连政办发（2008）126号"
    assert number.flags == ("doc_number_brackets",)
    assert find_doc_numbers("没有文号") == []


@given(st.text())
def test_find_doc_numbers_never_raises(text):
    from etl.normalize import find_doc_numbers
    for start, end, number in find_doc_numbers(text):
        assert 0 <= start < end <= len(text)
        assert number.text


# --- any issuer's numbers, dates in numerals, traditional characters ----------------------

@pytest.mark.parametrize(("raw", "text", "doc_type", "level", "flags"), [
    ("苏政发〔2019〕12号", "苏政发〔2019〕12号", "苏政发", "province", ()),
    ("苏政办发（2017）137号", "苏政办发〔2017〕137号", "苏政办发", "province", ("doc_number_brackets",)),
    ("国办发[2019]5号", "国办发〔2019〕5号", "国办发", "national", ("doc_number_brackets",)),
    ("灌政发〔2019〕12号", "灌政发〔2019〕12号", "灌政发", None, ()),  # not in the profile
    ("苏建规字〔2017〕1号", "苏建规字〔2017〕1号", "苏建规字", None, ()),
    ("連政發〔2019〕3號", "连政发〔2019〕3号", "连政发", "city", ()),
    ("国发〔2016〕6號", "国发〔2016〕6号", "国发", "national", ()),
    ("江苏省人民政府令第114号", "省政府令第114号", "省政府令", "province", ()),
    ("省政府令第114号", "省政府令第114号", "省政府令", "province", ()),
    ("国务院令第708号", "国务院令第708号", "国务院令", "national", ()),
    ("淮安市人民政府令第5号", "淮安市人民政府令第5号", "淮安市人民政府令", "city", ()),
    ("連雲港市人民政府令第8號", "市政府令第8号", "政府令", "city", ()),
])
def test_doc_numbers_of_any_issuer(raw, text, doc_type, level, flags):
    parsed = parse_doc_number(raw)
    assert (parsed.text, parsed.doc_type, parsed.level, parsed.flags) == (text, doc_type, level,
                                                                          flags)
    assert parsed.raw == raw  # the print is kept
    assert parse_doc_number(parsed.text).text == parsed.text


def test_doc_number_prefix_is_the_printed_one_normalised():
    assert parse_doc_number("江苏省人民政府令第114号").prefix == "江苏省人民政府令"
    assert parse_doc_number("連政辦發〔2019〕5號").prefix == "连政办发"


def test_find_doc_numbers_cuts_the_words_that_lead_in():
    from etl.normalize import find_doc_numbers
    text = "根据灌政发〔2019〕12号和省政府办公厅苏政办发〔2017〕137号，以及国务院令第708号要求"
    found = find_doc_numbers(text)
    assert [n.text for _, _, n in found] == ["灌政发〔2019〕12号", "苏政办发〔2017〕137号",
                                              "国务院令第708号"]
    start, end, _ = found[0]
    assert text[start:end] == "根据灌政发〔2019〕12号"
    assert find_doc_numbers("印发2019年12号文件，2019年第3期") == []


@pytest.mark.parametrize(("raw", "expected"), [
    ("二○一○年六月十一日", date(2010, 6, 11)),
    ("二〇二二年十月二十日", date(2022, 10, 20)),
    ("二零一九年十二月三十一日", date(2019, 12, 31)),
    ("二〇一九年二月三十日", None),
    ("自二〇二三年一月一日起施行", date(2023, 1, 1)),
])
def test_cn_dates_in_numerals(raw, expected):
    assert parse_cn_date(raw) == expected


def test_find_cn_dates_in_numerals():
    from etl.normalize import find_cn_dates
    assert find_cn_dates("于二〇二二年十月二十日和2019年1月1日") == [
        (1, date(2022, 10, 20), "二〇二二年十月二十日"), (12, date(2019, 1, 1), "2019年1月1日")]


def test_to_simplified():
    from etl.normalize import has_traditional, to_simplified
    assert to_simplified("連雲港市人民政府關於印發") == "连云港市人民政府关于印发"
    assert to_simplified("連政發〔2019〕3號") == "连政发〔2019〕3号"
    simplified = "连云港市人民政府公报 2018年11月"
    assert to_simplified(simplified) is simplified  # nothing to convert: not converted
    assert not has_traditional(simplified) and has_traditional("發")


@given(st.text())
def test_to_simplified_keeps_length(text):
    from etl.normalize import to_simplified
    assert len(to_simplified(text)) == len(text)

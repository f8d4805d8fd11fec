"""Filters in the query string: parsed defensively, written back in a stable form."""

from __future__ import annotations

from dashboard import urlstate


def test_round_trip_with_chinese_values():
    query = urlstate.build({"category": ["古建筑", "古遗址"], "era_from": -206, "site": None},
                           "en")
    assert query.startswith("?category=%E5%8F%A4")
    params = urlstate.parse(query)
    assert params == {"category": ["古建筑", "古遗址"], "era_from": ["-206"], "lang": ["en"]}
    assert urlstate.lang(params) == "en"


def test_language_defaults_to_chinese_and_ignores_junk():
    assert urlstate.lang(urlstate.parse("")) == "zh"
    assert urlstate.lang(urlstate.parse("?lang=fr")) == "zh"
    assert urlstate.build({}, "zh") == ""


def test_language_switch_keeps_every_filter():
    assert urlstate.with_lang("?county=东海县&lang=zh", "en") == (
        "?county=%E4%B8%9C%E6%B5%B7%E5%8E%BF&lang=en")
    assert urlstate.with_lang("?county=%E4%B8%9C%E6%B5%B7%E5%8E%BF&lang=en", "zh") == (
        "?county=%E4%B8%9C%E6%B5%B7%E5%8E%BF")


def test_untrusted_values():
    assert urlstate.parse("?" + "a=b&" * 2000) == {}
    assert urlstate.known(["x", "古建筑", "古建筑", 3], ["古建筑"]) == ["古建筑"]
    assert urlstate.known(None, ["a"]) == []
    assert urlstate.rendered_lang(["/x", "en"]) == "en"
    assert urlstate.rendered_lang("en") == "zh"

"""The HTML the server sends names its page and language (issue 13: before, every page had
the same <title> until a script ran, and the <html lang> was Chinese in English mode)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from dashboard.app import server
from dashboard.i18n import t
from dashboard.pages import PAGES

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HTML_LANG = re.compile(r'<html lang="([^"]+)">')


def _get(url: str) -> str:
    response = server.test_client().get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _title(body: str) -> str:
    found = TITLE.findall(body)
    assert len(found) == 1, found
    return unescape(found[0])


def _expected(page_key: str, lang: str) -> str:
    return t("page_title", lang).format(page=t(page_key, lang), app=t("app_title", lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_and_language_has_its_title_in_the_html(path, lang):
    body = _get(path + ("?lang=en" if lang == "en" else ""))
    assert _title(body) == _expected(PAGES[path].NAV_KEY, lang)
    assert HTML_LANG.search(body).group(1) == ("en" if lang == "en" else "zh-CN")


def test_titles_are_all_different():
    seen = {_title(_get(path + query)) for path in PAGES for query in ("", "?lang=en")}
    assert len(seen) == 2 * len(PAGES)


def test_real_titles_are_the_ones_the_issue_names():
    assert _title(_get("/economy")) == "经济指标 · 连云港市政府公报数据"
    assert _title(_get("/documents?lang=en")).endswith(" · Lianyungang Gazette Data")


@pytest.mark.parametrize("query, lang", [("?lang=en", "en"), ("", "zh"), ("?lang=fr", "zh"),
                                         ("?site=5-1&lang=en", "en")])
def test_unknown_path_has_the_not_found_title(query, lang):
    body = _get("/no-such-page" + query)
    assert _title(body) == _expected("not_found", lang)


def test_other_query_values_keep_the_language():
    body = _get("/heritage?category=%E5%8F%A4%E9%81%97%E5%9D%80&lang=en&site=5-1")
    assert _title(body) == _expected(PAGES["/heritage"].NAV_KEY, "en")


def test_title_is_escaped(monkeypatch):
    from dashboard import app as app_module

    monkeypatch.setattr(app_module, "page_titles",
                        lambda: {"zh": {"": "<b>&</b>"}, "en": {"": "x"}})
    body = _get("/no-such-page")
    assert "<title>&lt;b&gt;&amp;&lt;/b&gt;</title>" in body

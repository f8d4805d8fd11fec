"""HTML pages as city websites publish them (政府信息公开) → derived text → the reader.

The pages are invented in the style of Chinese government sites: GBK with a ``<meta>``
declaration, the article inside layout tables and divs, navigation and scripts around it,
lists as bordered tables with merged cells, missing end tags.
"""

from __future__ import annotations

import contextlib
import time

import pytest

from etl.errors import GazetteError
from etl.extractors import Context
from etl.pipeline import extract_issue
from etl.read import read_bytes, source_format
from etl.read.html import decode_html, derive_text

PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>连云港市人民政府 - 政府信息公开</title>
<script type="text/javascript">var nav = "<table><tr><td>菜单</td></tr></table>";</script>
<style>td { font-size: 12px }</style>
</head>
<body>
<div class="top"><nav><a href="/">首页</a> | <a href="/zwgk/">政务公开</a></nav></div>
<table width="980" align="center"><tr><td>
  <div class="position">当前位置：首页 &gt; 政府信息公开 &gt; 市政府文件</div>
  <div class="article">
    <h1>市政府关于公布连云港市第六批市级文物保护单位的通知</h1>
    <p align="center">连政发〔2024〕9号</p>
    <p>各县、区人民政府，市各委办局，市各直属单位：</p>
    <p>　　经市政府常务会议研究，确定“大村遗址”等4处不可移动文物为连云港市第六批市级文物保护单位，
现予公布。<br>各地要切实做好保护管理工作。</p>
    <p>附件：连云港市第六批市级文物保护单位名单</p>
    <p align="right">连云港市人民政府</p>
    <p align="right">2024年3月1日</p>
    <p align="center"><b>连云港市第六批市级文物保护单位名单</b></p>
    <table border="1" cellspacing="0">
      <thead><tr><th>编号<th>类别<th>名称<th>时代<th>地址</thead>
      <tbody>
      <tr><td colspan="5">一、古遗址（共计2处）
      <tr><td>6-1<td rowspan="2">古遗址<td>大村&nbsp;遗址<td>新石器时代<td>东海县山左口乡
          大村北
      <tr><td>6-2<td>小河口遗址<td>商周<td>灌云县杨集镇小河口村
      <tr><td colspan="5">二、古墓葬（共计2处）</td></tr>
      <tr><td>6-3</td><td>古墓葬</td><td><p><span>张氏家族</span></p><p>墓地</p></td><td></td>
          <td>海州区新坝镇张庄村西</td></tr>
      <tr><td>6-4</td><td>古墓葬</td><td>吴公墓</td><td>明</td><td>连云区宿城街道留云村&amp;西侧山坡</td></tr>
      </tbody>
    </table>
  </div>
</td></tr></table>
<footer><div>主办：连云港市人民政府办公室 版权所有</div></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def gbk_page() -> bytes:
    return PAGE.encode("gbk")


def test_gbk_page_to_text(gbk_page):
    text = derive_text(gbk_page, "page.html")
    lines = text.split("\n")
    assert lines[0] == "当前位置：首页 > 政府信息公开 > 市政府文件"
    assert "# 市政府关于公布连云港市第六批市级文物保护单位的通知" in lines
    assert "连政发〔2024〕9号" in lines
    # a line break inside CJK text is no space; <br> breaks the line; the indent goes
    assert "经市政府常务会议研究，确定“大村遗址”等4处不可移动文物为连云港市第六批市级文物保护单位，现予公布。" in lines
    assert "各地要切实做好保护管理工作。" in lines
    # script, style, navigation, head and footer are gone
    for gone in ("菜单", "var nav", "font-size", "首页 |", "政务公开</a>", "版权所有", "政府信息公开</title>"):
        assert gone not in text
    start = lines.index("编号\t类别\t名称\t时代\t地址")
    assert lines[start:start + 7] == [
        "编号\t类别\t名称\t时代\t地址",
        "一、古遗址（共计2处）",  # a full-width colspan row: one line, like a printed heading
        "6-1\t古遗址\t大村 遗址\t新石器时代\t东海县山左口乡大村北",
        "6-2\t\t小河口遗址\t商周\t灌云县杨集镇小河口村",  # rowspan: printed once, empty below
        "二、古墓葬（共计2处）",
        "6-3\t古墓葬\t张氏家族 墓地\t\t海州区新坝镇张庄村西",
        "6-4\t古墓葬\t吴公墓\t明\t连云区宿城街道留云村&西侧山坡",
    ]
    assert lines[start - 2:start] == ["连云港市第六批市级文物保护单位名单", ""]


def test_colspan_keeps_columns_in_line():
    page = ("<html><body><table><tr><td>序号</td><td colspan=2>名称</td><td>备注</td></tr>"
            "<tr><td>1</td><td>甲</td><td>乙</td><td>丙</td></tr>"
            "<tr><td rowspan=2>2</td><td colspan=2 rowspan=2>合并</td><td>丁</td></tr>"
            "<tr><td>戊</td></tr></table></body></html>").encode()
    assert derive_text(page, "x.html").split("\n") == [
        "序号\t名称\t\t备注", "1\t甲\t乙\t丙", "2\t合并\t\t丁", "\t\t\t戊", ""]


def test_page_read_end_to_end(gbk_page):
    issue = read_bytes(gbk_page, "page.html", "2024-03")
    assert issue.source_format == "html" and issue.derived_text
    assert [d.doc_number.text for d in issue.documents] == ["连政发〔2024〕9号"]
    [table] = issue.tables
    assert table.layout == "tabs" and table.n_columns == 5 and len(table.rows) == 4
    found = extract_issue(issue, Context())
    sites = found["heritage"].rows["heritage_sites"]
    assert [(s["site_id"], s["name"], s["category_zh"]) for s in sites] == [
        ("6-1", "大村遗址", "古遗址"), ("6-2", "小河口遗址", "古遗址"),
        ("6-3", "张氏家族墓地", "古墓葬"), ("6-4", "吴公墓", "古墓葬")]
    # the rowspan cell is empty in 6-2: its category comes from the heading, and says so
    assert "category_from_heading" in sites[1]["quality_flags"]


@pytest.mark.parametrize(("data", "expected"), [
    ("<html><head><meta charset='utf-8'></head><body>中文</body></html>".encode(), "中文"),
    ("<html><body>中文</body></html>".encode(), "中文"),  # no declaration: UTF-8 first
    ("<html><body>中文</body></html>".encode("gb18030"), "中文"),  # then GB18030
    (b"\xef\xbb\xbf<html><body>\xe4\xb8\xad</body></html>", "中"),
    ("<html><body>中文</body></html>".encode("utf-16"), "中文"),
    # a page that says utf-8 but is GBK, as some old CMS templates do
    (b'<html><meta charset="utf-8"><body>' + "中文".encode("gbk") + b"</body></html>", "中文"),
    (b'<html><meta charset="x-unknown"><body>\xe4\xb8\xad</body></html>', "中"),
])
def test_decoding(data, expected):
    assert expected in decode_html(data, "x.html")
    assert derive_text(data, "x.html").strip() == expected


def test_entities_and_whitespace():
    page = b"<html><body><p>A&amp;B &lt;c&gt; &#20013;&#x6587;  x\n\n y</p><p>&nbsp;</p></body></html>"
    assert derive_text(page, "x.html") == "A&B <c> 中文 x y\n"


def test_missing_end_tags_and_nested_layout_tables():
    page = ("<html><body><table><tr><td><table><tr><td>左栏<td>右栏</table>"
            "<td><p>正文第一段<p>正文第二段<ul><li>一<li>二</ul>"
            "<table border=1><tr><th>序号<th>名称<tr><td>1<td>甲<tr><td>2<td>乙</table>"
            "</table></body></html>").encode()
    lines = derive_text(page, "x.html").split("\n")
    assert "左栏\t右栏" in lines  # a data table inside a layout table
    assert {"正文第一段", "正文第二段", "一", "二"} <= set(lines)
    start = lines.index("序号\t名称")
    assert lines[start:start + 3] == ["序号\t名称", "1\t甲", "2\t乙"]


@pytest.mark.parametrize(("data", "message"), [
    (b'<html><meta charset="gbk"><body>\x81\x30\xff\xff</body></html>', "not valid gb18030"),
    (b"<html><body><script>var x;</script><nav>home</nav></body></html>", "has no text"),
    (b"<html><body>a\x00b</body></html>", "NUL"),
    (b"<html><head><title>x</title></head></html>", "has no text"),
])
def test_bad_pages_raise_one_line_errors(data, message):
    with pytest.raises(GazetteError) as err:
        read_bytes(data, "bad.html")
    assert message in str(err.value) and "bad.html" in str(err.value)
    assert "\n" not in str(err.value)


def test_hostile_pages_stay_fast():
    cases = [
        b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000,
        b"<html><body>" + b"<table><tr><td>" * 3_000 + b"x",
        b"<html><body><table>" + b"<tr><td colspan=99999 rowspan=99999>x" * 2_000,
        b"<html><body><p>" + "中".encode() * 99_000 + b"</p>",
        b"<html><body><!-- never closed " + b"<p>x" * 50_000,
        b"<html><body>" + b"<p>" * 50_000,
    ]
    for data in cases:
        start = time.perf_counter()
        with contextlib.suppress(GazetteError):
            derive_text(data, "x.html")
        assert time.perf_counter() - start < 10


def test_html_is_recognised():
    assert source_format(PAGE.encode("gbk")) == "html"
    assert source_format(b"<html><body>x</body></html>") == "html"


def test_a_layout_table_holding_an_article():
    """Old CMS pages put the whole article in one cell of a layout table; a data table's
    cell with two paragraphs (牵头单位 / 配合单位) stays one cell."""
    page = ("<html><body><table width=100%><tr><td><a href=#>栏目一</a><br><a href=#>栏目二</a>"
            "<td><p>市政府关于某某事项的通知<p>连政发〔2024〕3号<p>正文第一段。<p>正文第二段。"
            "<table border=1><caption>附表</caption><tr><td>序号<td>名称<tr><td>1<td>甲</table>"
            "</table><table><tr><td><p>牵头单位：市公安局</p><p>配合单位：市商务局</p><td>2"
            "</table></body></html>").encode()
    lines = derive_text(page, "x.html").split("\n")
    assert [ln for ln in lines if ln] == [
        "栏目一", "栏目二", "市政府关于某某事项的通知", "连政发〔2024〕3号", "正文第一段。",
        "正文第二段。", "附表", "序号\t名称", "1\t甲", "牵头单位：市公安局 配合单位：市商务局\t2"]

"""Invented cleanup registries and heritage lists of other cities, rendered in every layout
the reader is judged on, and the share of rows the real pipeline reads right.

Every fixture is written for these tests (invented cities, titles and numbers, after the
way Chinese municipal and county governments print such lists): other column sets and
orders (制定机关, 发文字号, 成文日期, 实施单位, 清理意见, 分类号, a category column last),
wrapped titles, empty cells, headers repeated after a page break, category headings,
traditional characters, dates printed 2015.3.2 / 2015-03-02 / 2015年3月2日.

A fixture is a notice (lines before the list), a header and body items (a row's cells, a
heading line, or ``PAGE`` for a page break); the renderers print it as a text converter,
a markdown export, a web page or a PDF would.

    python -m tests.heldout_lists            # the measured table (every layout, PDF included)
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.extractors import Context
from etl.pipeline import assemble, extract_issue
from etl.read import read_bytes

PAGE = object()  # a page break inside the list: page number, then the header again


@dataclass
class Fixture:
    name: str
    kind: str  # normative / heritage
    before: list[str]
    header: list[str]
    body: list  # list[str] cells, str heading, or PAGE
    status: str | None = None  # normative: the list_status every row should get
    category_column: bool = False  # heritage: a category column (rowspan in HTML)
    headings_blank: bool = True  # headings with blank lines around them in the tab text


def _notice(title: str, number: str, body: str, signer: str, signed: str,
            annex: str, list_title: str) -> list[str]:
    return [f"# {title}", "", number, "", body, "", signer, "", signed, "", annex, "",
            f"## {list_title}", ""]


# --- cleanup registries --------------------------------------------------------------------

N1_REPEALED = Fixture(
    "N1 废止 序号/文件名称/文号/发文日期 2015.3.2", "normative",
    _notice("淮川市人民政府关于公布市政府规范性文件清理结果的通知", "淮政发〔2019〕21号",
            "各县、区人民政府，市各委、办、局：根据省政府要求，市政府对现行规范性文件进行了"
            "全面清理，现将清理结果公布如下。", "淮川市人民政府", "2019年6月12日",
            "附件1", "市政府决定废止的规范性文件目录"),
    ["序号", "文件名称", "文号", "发文日期"],
    [["1", "淮川市城市房屋拆迁管理暂行办法", "淮政发〔2005〕88号", "2005.7.14"],
     ["2", "淮川市市区公共租赁住房管理办法", "淮政规〔2012〕4号", "2012.3.2"],
     ["3", "关于进一步加强农村集体资产管理的意见", "淮政发〔2010〕117号", "2010.9.30"],
     ["4", "淮川市人民政府关于印发淮川市企业技术中心认定和管理办法（试行）的通知",
      "淮政发〔2008〕45号", "2008.4.18"],
     ["5", "淮川市城市绿化管理实施细则", "", "2004.11.5"],
     ["6", "淮川市人民政府办公室关于规范行政事业性收费管理的通知", "淮政办发〔2013〕76号",
      "2013.6.27"],
     PAGE,
     ["7", "淮川市农村五保供养工作实施办法", "淮政规〔2011〕9号", "2011.12.20"],
     ["8", "淮川市建筑垃圾和工程渣土处置管理规定", "淮政规〔2014〕2号", "2014.2.11"],
     ["9", "关于加快发展现代物流业的若干政策意见", "淮政发〔2009〕63号", "2009.5.6"],
     ["10", "淮川市市级储备粮管理办法", "淮政规〔2013〕7号", "2013.10.8"]],
    status="repealed")

N2_RETAINED = Fixture(
    "N2 继续有效 制定机关/实施主体/备注 + 分类标题", "normative",
    ["附件2", "", "## 市政府决定继续有效的规范性文件目录", ""],
    ["序号", "制定机关", "文件名称", "文号", "实施主体", "备注"],
    ["一、市政府文件",
     ["1", "淮川市人民政府", "淮川市政府投资项目管理办法", "淮政规〔2016〕3号", "市发展改革委",
      ""],
     ["2", "淮川市人民政府", "淮川市最低生活保障实施办法", "淮政规〔2017〕1号", "市民政局",
      "拟修改"],
     ["3", "淮川市人民政府", "淮川市城市供水管理办法", "淮政发〔2015〕40号", "市住房城乡建设局",
      ""],
     ["4", "淮川市人民政府", "淮川市国有土地上房屋征收与补偿实施办法", "淮政规〔2018〕5号",
      "市住房城乡建设局、市自然资源局", ""],
     "二、市政府办公室文件",
     ["5", "淮川市人民政府办公室", "淮川市政府信息公开工作考核办法", "淮政办发〔2016〕52号",
      "市政府办公室", ""],
     ["6", "淮川市人民政府办公室", "关于加强全市中小学校安全管理工作的意见",
      "淮政办发〔2017〕101号", "市教育局", "拟修改"],
     ["7", "淮川市人民政府办公室", "淮川市重大行政决策程序规定", "淮政办发〔2018〕9号",
      "市司法局", ""],
     ["8", "淮川市人民政府办公室", "淮川市城市道路挖掘管理办法", "淮政办发〔2014〕133号",
      "市城管局", ""]],
    status="retained", headings_blank=False)

N3_LAPSED = Fixture(
    "N3 宣布失效 发文字号/成文日期/制定机关 2015-03-02", "normative",
    _notice("宿安市人民政府关于宣布失效一批市政府规范性文件的决定", "宿政发〔2020〕8号",
            "经清理，市政府决定对下列规范性文件宣布失效。", "宿安市人民政府", "2020年3月9日",
            "附件", "宣布失效的市政府规范性文件目录"),
    ["序号", "文件名称", "发文字号", "成文日期", "制定机关"],
    [["1", "宿安市城市居民最低生活保障办法", "宿政发〔2006〕112号", "2006-08-21", "市政府"],
     ["2", "宿安市人民政府关于加快民营经济发展的若干意见", "宿政发〔2009〕35号", "2009-04-03",
      "市政府"],
     ["3", "宿安市电动自行车管理规定", "宿政规发〔2012〕6号", "2012-11-19", "市政府"],
     ["4", "宿安市人民政府办公室关于进一步做好高校毕业生就业工作的通知",
      "宿政办发〔2014〕58号", "", "市政府办公室"],
     ["5", "宿安市农村公路养护管理办法", "宿政规发〔2015〕3号", "2015-03-02", "市政府"],
     ["6", "宿安市住房公积金管理办法", "宿政规发〔2013〕10号", "2013-12-30", "市政府"],
     ["7", "宿安市市区犬类管理办法", "宿安市人民政府令第5号", "2011-06-15", "市政府"],
     ["8", "宿安市人民政府办公室关于印发宿安市食品安全事故应急预案的通知",
      "宿政办发〔2016〕27号", "2016-02-24", "市政府办公室"]],
    status="lapsed")

N4_REVISE = Fixture(
    "N4 拟修改 县 发文时间/实施单位/清理意见", "normative",
    _notice("临河县人民政府办公室关于公布县政府规范性文件清理结果的通知", "临政办发〔2021〕14号",
            "县政府对截至2020年底的县政府规范性文件进行了清理，现将结果予以公布。",
            "临河县人民政府办公室", "2021年4月2日", "附件3", "拟修改的县政府规范性文件目录"),
    ["序号", "文件名称", "文号", "发文时间", "实施单位", "清理意见"],
    [["1", "临河县农村宅基地管理办法", "临政发〔2016〕12号", "2016年5月4日", "县自然资源局",
      "修改"],
     ["2", "临河县城乡居民基本医疗保险实施办法", "临政规〔2017〕2号", "2017年1月20日",
      "县医疗保障局", "修改"],
     ["3", "临河县扶持家庭农场发展的若干意见", "临政发〔2015〕66号", "2015年9月8日",
      "县农业农村局", "修改"],
     ["4", "临河县人民政府关于进一步规范全县行政事业单位国有资产管理的通知",
      "临政发〔2018〕30号", "2018年7月16日", "县财政局", "修改"],
     ["5", "临河县城区户外广告设置管理办法", "临政办发〔2019〕5号", "2019年2月1日",
      "县城管局", "修改"],
     PAGE,
     ["6", "临河县集体林权流转管理办法", "临政规〔2018〕1号", "2018年3月12日", "县林业局",
      "修改"],
     ["7", "临河县困难群众临时救助实施细则", "临政办发〔2017〕44号", "2017年8月25日",
      "县民政局", "修改"]],
    status="to_be_revised")

N5_TRADITIONAL = Fixture(
    "N5 廢止 繁体 序號/文件名稱/文號/發文時間", "normative",
    _notice("江州市人民政府關於公佈規範性文件清理結果的通知", "江政發〔2017〕66號",
            "市政府對現行規範性文件進行了清理，現將清理結果予以公佈。", "江州市人民政府",
            "2017年10月9日", "附件1", "廢止的規範性文件目錄"),
    ["序號", "文件名稱", "文號", "發文時間"],
    [["1", "江州市城市規劃管理技術規定", "江政發〔2008〕14號", "2008年2月26日"],
     ["2", "江州市殯葬管理辦法", "江政規〔2010〕3號", "2010年5月17日"],
     ["3", "江州市人民政府關於加強耕地保護工作的意見", "江政發〔2011〕92號", "2011年8月30日"],
     ["4", "江州市道路交通安全管理規定", "江政規〔2012〕8號", "2012年11月2日"],
     ["5", "江州市人民政府辦公室關於印發江州市糧食應急預案的通知", "江政辦發〔2013〕120號",
      "2013年12月6日"],
     ["6", "江州市物業管理辦法", "江政規〔2014〕5號", "2014年4月21日"]],
    status="repealed")

N6_MIXED = Fixture(
    "N6 清理结果 文件名称及文号/发布日期/清理结果 逐行", "normative",
    _notice("东川区人民政府办公室关于公布区政府规范性文件清理结果的通知", "东政办发〔2022〕3号",
            "区政府对现行有效的规范性文件进行了清理，清理结果见附件。",
            "东川区人民政府办公室", "2022年1月25日", "附件", "区政府规范性文件清理结果目录"),
    ["序号", "文件名称及文号", "发布日期", "清理结果"],
    [["1", "《东川区农村人居环境整治长效管理办法》（东政规〔2018〕1号）", "2018/4/9", "继续有效"],
     ["2", "《东川区城市道路停车管理办法》（东政规〔2017〕3号）", "2017/6/21", "修改"],
     ["3", "《东川区人民政府关于加快发展旅游业的意见》（东政发〔2013〕57号）", "2013/8/2",
      "宣布失效"],
     ["4", "《东川区征地补偿安置办法》（东政发〔2012〕19号）", "2012/3/15", "废止"],
     ["5", "《东川区政府购买服务管理办法》（东政办发〔2019〕22号）", "2019/11/30", "继续有效"],
     ["6", "《东川区公共资源交易管理办法》（东政规〔2020〕2号）", "2020/1/6", "继续有效"]],
    status="mixed")

# --- heritage lists -------------------------------------------------------------------------

H1_CLASS_NUMBERS = Fixture(
    "H1 序号/分类号/名称/时代/地址 标题后重印表头", "heritage",
    _notice("清河市人民政府关于公布第三批市级文物保护单位的通知", "清政发〔2012〕40号",
            "市政府同意将北岭遗址等11处文物公布为清河市第三批市级文物保护单位。",
            "清河市人民政府", "2012年5月8日", "附件", "清河市第三批市级文物保护单位名单"),
    ["序号", "分类号", "名称", "时代", "地址"],
    ["一、古遗址（共4处）",
     ["1", "Ⅰ-1", "北岭遗址", "新石器时代", "安平县北岭乡北岭村"],
     ["2", "Ⅰ-2", "古渡口遗址", "", "安平县河口镇"],
     ["3", "Ⅰ-3", "城子岗遗址", "汉", "清浦区城子岗街道"],
     ["4", "Ⅰ-4", "窑湾窑址", "宋、元", "清浦区窑湾镇窑湾村"],
     "二、古墓葬（共3处）",
     ["5", "Ⅱ-1", "刘氏家族墓地", "明", "安平县西湖乡刘庄村"],
     ["6", "Ⅱ-2", "马鞍山汉墓群", "西汉", "清浦区马鞍山南麓"],
     ["7", "Ⅱ-3", "将军冢", "", "安平县北岭乡"],
     "三、古建筑（共4处）",
     ["8", "Ⅲ-1", "文昌阁", "清", "清浦区文昌路"],
     ["9", "Ⅲ-2", "慈云寺大殿", "明至清", "安平县城关镇东大街"],
     ["10", "Ⅲ-3", "石板桥", "清乾隆二十年（1755年）", "安平县河口镇石桥村"],
     ["11", "Ⅲ-4", "周家大院", "民国", "清浦区周家巷12号"]],
    headings_blank=True)

H2_CATEGORY_LAST = Fixture(
    "H2 编号/名称/时代/地址/类别 类别在后 合并单元格", "heritage",
    _notice("南川县人民政府关于公布第六批县级文物保护单位的通知", "南政发〔2016〕19号",
            "现将第六批县级文物保护单位名单予以公布。", "南川县人民政府", "2016年9月1日",
            "附件", "南川县第六批县级文物保护单位名单"),
    ["编号", "名称", "时代", "地址", "类别"],
    [["6-1", "高台遗址", "新石器时代", "南川县高台镇高台村", "古遗址"],
     ["6-2", "老城墙遗址", "明", "南川县城关镇", "古遗址"],
     ["6-3", "赵氏墓", "清", "南川县白沙乡赵庄", "古墓葬"],
     ["6-4", "张公祠", "清", "南川县城关镇西门街", "古建筑"],
     ["6-5", "万寿桥", "清道光十年", "南川县白沙乡", "古建筑"],
     ["6-6", "永安寺", "明、清", "南川县永安镇", "古建筑"],
     ["6-7", "摩崖石刻", "唐", "南川县石门乡石门山", "石窟寺及石刻"],
     ["6-8", "南川县立中学旧址", "1935年", "南川县城关镇学前街", "近现代重要史迹及代表性建筑"],
     ["6-9", "烈士陵园", "1956年", "南川县城关镇北山", "近现代重要史迹及代表性建筑"]],
    category_column=True)

H3_TRADITIONAL = Fixture(
    "H3 繁体 序號/名稱/年代/所在地 分类标题", "heritage",
    ["## 江州市第二批市級文物保護單位名錄", ""],
    ["序號", "名稱", "年代", "所在地"],
    ["古遺址",
     ["1", "東山遺址", "新石器時代", "江州市東山鎮"],
     ["2", "古城遺址", "戰國", "江州市舊城街道"],
     "古墓葬",
     ["3", "黃氏墓", "明", "江州市黃莊鄉"],
     ["4", "石馬墓群", "漢", "江州市石馬村"],
     "古建築",
     ["5", "魁星樓", "清", "江州市文廟街"],
     ["6", "普濟寺", "明至清", "江州市普濟鎮"],
     ["7", "觀音閣", "清", "江州市觀音山"],
     ["8", "林氏宗祠", "清光緒年間", "江州市林村"]])

H4_COUNTY_REMARK = Fixture(
    "H4 编号/名称/时代/县区/地址/备注 县区列 备注稀疏", "heritage",
    _notice("北塘市人民政府关于公布第五批市级文物保护单位的通知", "北政发〔2021〕7号",
            "经市政府研究，同意公布第五批市级文物保护单位8处。", "北塘市人民政府",
            "2021年3月18日", "附件", "北塘市第五批市级文物保护单位名单"),
    ["编号", "名称", "时代", "县区", "地址", "备注"],
    ["一、古遗址",
     ["5-1", "大营遗址", "新石器时代", "东河县", "大营镇大营村北", ""],
     ["5-2", "盐场旧址", "清", "港南区", "港南街道盐场路", "原名盐运司旧址"],
     "二、古建筑",
     ["5-3", "关帝庙", "清", "东河县", "城关镇北大街", ""],
     ["5-4", "石佛寺", "明", "西岭县", "石佛乡石佛村", ""],
     "三、石窟寺及石刻",
     ["5-5", "龙王山摩崖造像", "唐至宋", "西岭县", "龙王山南坡", "含题记三处"],
     "四、近现代重要史迹及代表性建筑",
     ["5-6", "北塘中学旧址", "1928年", "港南区", "解放路12号", ""],
     ["5-7", "抗日烈士纪念碑", "1946年", "东河县", "城关镇烈士陵园内", ""],
     ["5-8", "老火车站", "民国", "港南区", "站前路1号", ""]])

FIXTURES = (N1_REPEALED, N2_RETAINED, N3_LAPSED, N4_REVISE, N5_TRADITIONAL, N6_MIXED,
            H1_CLASS_NUMBERS, H2_CATEGORY_LAST, H3_TRADITIONAL, H4_COUNTY_REMARK)
N2_AFTER = N1_REPEALED  # N2 is the second annex of N1's notice: printed after it


# --- renderers --------------------------------------------------------------------------------

def _category_of(fixture: Fixture, row: list[str]) -> str | None:
    return row[fixture.header.index("类别")] if fixture.category_column else None


def _heading_line(text: str) -> list[str]:
    return [text]


def render_tabs(fixture: Fixture) -> str:
    out = list(fixture.before)
    out.append("\t".join(fixture.header))
    for item in fixture.body:
        if item is PAGE:
            out += ["", "- 7 -", "", "\t".join(fixture.header)]
        elif isinstance(item, str):
            out += ["", item, ""] if fixture.headings_blank else [item]
        else:
            out.append("\t".join(item))
    return "\n".join(out) + "\n"


def render_pipes(fixture: Fixture, outer: bool = True) -> str:
    width = len(fixture.header)

    def row(cells: list[str]) -> str:
        inner = " | ".join(c for c in cells)
        return f"| {inner} |" if outer else inner

    rule = row(["---"] * width)
    out = list(fixture.before)
    out += [row(fixture.header), rule]
    for item in fixture.body:
        if item is PAGE:
            out += ["", "- 7 -", "", row(fixture.header), rule]
        elif isinstance(item, str):
            out.append(row([f"**{item}**"] + [""] * (width - 1)) if outer else f"**{item}**")
        else:
            out.append(row(item))
    return "\n".join(out) + "\n"


def render_spaces(fixture: Fixture) -> str:
    out = list(fixture.before)
    out.append(" ".join(fixture.header))
    for item in fixture.body:
        if item is PAGE:
            out += ["", "- 7 -", "", " ".join(fixture.header)]
        elif isinstance(item, str):
            out.append(item)
        else:
            out.append(" ".join(c for c in item if c))
    return "\n".join(out) + "\n"


def render_spaces_wrapped(fixture: Fixture, width: int = 36) -> str:
    """Single spaces, every line cut at the page width wherever it falls (plain
    ``pdftotext`` of a page, a copy from a PDF reader): inside a title, a 文号 or a date."""
    out = list(fixture.before)
    out.append(" ".join(fixture.header))
    for item in fixture.body:
        if item is PAGE:
            out += ["", "- 7 -", "", " ".join(fixture.header)]
        elif isinstance(item, str):
            out.append(item)
        else:
            line = " ".join(c for c in item if c)
            out += [line[k:k + width] for k in range(0, len(line), width)]
    return "\n".join(out) + "\n"


def render_cell_lines(fixture: Fixture) -> str:
    out = list(fixture.before)
    out += fixture.header
    for item in fixture.body:
        if item is PAGE:
            continue  # a web page has no page breaks
        if isinstance(item, str):
            out.append(item)
        else:
            out += [c for c in item if c]
    return "\n".join(out) + "\n"


def render_html(fixture: Fixture) -> str:
    """A city website's page: the notice as paragraphs, the list as a <table> with
    <thead>/<tbody>, category headings as a row of one cell spanning the table, a
    category column's equal cells merged with rowspan."""
    width = len(fixture.header)
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开</title>'
             "</head><body><div class=\"nav\"><a href=\"/\">首页</a></div>"
             "<div class=\"article\">"]
    for line in fixture.before:
        if not line.strip():
            continue
        level = len(line) - len(line.lstrip("#"))
        text = html.escape(line.lstrip("# "))
        parts.append(f"<h{level}>{text}</h{level}>" if level else f"<p>{text}</p>")
    parts.append("<table border=\"1\"><thead><tr>"
                 + "".join(f"<th>{html.escape(h)}</th>" for h in fixture.header)
                 + "</tr></thead><tbody>")
    rows = [i for i in fixture.body if i is not PAGE]
    spans: dict[int, int] = {}
    if fixture.category_column:
        k = fixture.header.index("类别")
        start = None
        for n, item in enumerate(rows):
            if isinstance(item, list) and start is not None and isinstance(rows[start], list) \
                    and rows[start][k] == item[k] and n == start + spans[start]:
                spans[start] += 1
            else:
                start = n
                spans[n] = 1
    for n, item in enumerate(rows):
        if isinstance(item, str):
            parts.append(f"<tr><td colspan=\"{width}\"><b>{html.escape(item)}</b></td></tr>")
            continue
        cells = []
        for c, value in enumerate(item):
            if fixture.category_column and c == fixture.header.index("类别"):
                if n not in spans:
                    continue
                span = f' rowspan="{spans[n]}"' if spans[n] > 1 else ""
                cells.append(f"<td{span}>{html.escape(value)}</td>")
            else:
                cells.append(f"<td>{html.escape(value)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div><div class=\"footer\">主办单位：市人民政府办公室</div>"
                 "</body></html>")
    return "\n".join(parts)


def render_pdf_layout(fixture: Fixture, tmp: Path) -> str:
    """The tab text typeset by Chromium (tests/typeset.py), read back by ``pdftotext
    -layout``."""
    from tests.typeset import typeset
    pdf = typeset(render_tabs(fixture), tmp / f"{_slug(fixture)}.pdf", "A4")
    out = tmp / f"{_slug(fixture)}.txt"
    subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], check=True, timeout=120)
    return out.read_text(encoding="utf-8")


def render_pdf_html(fixture: Fixture, tmp: Path) -> str:
    """The web page (``render_html``: headings as full-width rows, merged category cells)
    printed by Chromium and read back by ``pdftotext -layout``: a list typeset with its
    headings inside the table, as gazettes print them."""
    from tests.typeset import print_pdf
    page = render_html(fixture).replace(
        "<title>", "<style>body{font-family:'Noto Serif CJK SC',serif;font-size:10.5pt}"
        "table{border-collapse:collapse;width:100%;font-size:9pt}"
        "td,th{border:1px solid #000;padding:2px 4px}thead{display:table-header-group}"
        "</style><title>", 1)
    source = tmp / f"{_slug(fixture)}.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp / f"{_slug(fixture)}-html.pdf"
    print_pdf(source, pdf, tmp / "profile")
    out = tmp / f"{_slug(fixture)}-html.txt"
    subprocess.run(["pdftotext", "-layout", str(pdf), str(out)], check=True, timeout=120)
    return out.read_text(encoding="utf-8")


def _slug(fixture: Fixture) -> str:
    return fixture.name.split()[0]


TEXT_LAYOUTS = {
    "tabs": render_tabs,
    "pipes": render_pipes,
    "pipes_bare": lambda f: render_pipes(f, outer=False),
    "spaces": render_spaces,
    "spaces_wrapped": render_spaces_wrapped,
    "cell_lines": render_cell_lines,
    "html": render_html,
}
PDF_LAYOUTS = {"pdf_layout": render_pdf_layout, "pdf_html": render_pdf_html}
LAYOUTS = (*TEXT_LAYOUTS, *PDF_LAYOUTS)


# --- expected rows ----------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_NUMERIC_DATE = re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})$")
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日號号]$")


def _compact(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _SPACE.sub("", str(value))


def _date(cell: str) -> date | None:
    match = _NUMERIC_DATE.match(cell) or _CN_DATE.match(cell)
    return date(*map(int, match.groups())) if match else None


def _simplified(text: str) -> str:
    from etl.normalize import to_simplified
    return to_simplified(text)


_OPINION = {"继续有效": "retained", "修改": "to_be_revised", "宣布失效": "lapsed",
            "废止": "repealed"}


def expected_rows(fixture: Fixture) -> list[dict]:
    rows: list[dict] = []
    heading = None
    col = {h: k for k, h in enumerate(fixture.header)}

    def get(row: list[str], *names: str) -> str:
        return next((row[col[n]] for n in names if n in col), "")

    for item in fixture.body:
        if item is PAGE:
            continue
        if isinstance(item, str):
            heading = item
            continue
        if fixture.kind == "normative":
            number = get(item, "文号", "发文字号", "文號")
            title = get(item, "文件名称", "文件名稱")
            if "文件名称及文号" in col:
                title, _, number = get(item, "文件名称及文号").partition("》（")
                title, number = title.lstrip("《"), number.rstrip("）")
            number = number.replace("號", "号")
            status = fixture.status
            if status == "mixed":
                status = _OPINION[get(item, "清理结果")]
            rows.append({
                "title": title,
                "doc_number": number or None,
                "issued_on": _date(get(item, "发文日期", "成文日期", "发文时间", "發文時間",
                                       "发布日期")),
                "list_status": status,
            })
        else:
            category = get(item, "类别") or re.sub(r"^[一二三四五六七八九十]+、|（.*）$", "",
                                                   heading or "")
            rows.append({
                "name": get(item, "名称", "名稱"),
                "era_raw": get(item, "时代", "年代") or None,
                "address_raw": get(item, "地址", "所在地"),
                "category_zh": _simplified(category).replace("古建筑", "古建筑"),
            })
    return rows


_CATEGORY_TODAY = {"近现代重要史迹及代表性建筑": "近现代重要史迹及代表性建筑"}


def found_rows(text: str | bytes, kind: str, name: str = "list.md") -> list[dict]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    issue = read_bytes(data, name, "2030-01")
    found = extract_issue(issue, Context())
    frames = assemble([found], Context(), only_found=True)
    if kind == "normative":
        frame = frames.get("normative_documents")
        keys = ("title", "doc_number", "issued_on", "list_status")
    else:
        frame = frames.get("heritage_sites")
        keys = ("name", "era_raw", "address_raw", "category_zh")
    if frame is None:
        return []
    out = []
    for record in frame.to_dict("records"):
        row = {k: record[k] for k in keys}
        if "issued_on" in row:
            value = row["issued_on"]
            row["issued_on"] = None if value is None or value != value else value.date()
        out.append(row)
    return out


def _same(expected: dict, found: dict) -> bool:
    for key, want in expected.items():
        got = found.get(key)
        if key in ("issued_on", "list_status"):
            if (want or None) != (got if got == got else None):
                return False
        elif _compact(_simplified(_compact(want))) != _compact(_simplified(_compact(got))):
            return False
    return True


def score(expected: list[dict], found: list[dict]) -> tuple[int, int, int]:
    """(rows right, rows expected, rows read that match none): every expected row is
    matched once at most, to a read row with every field equal."""
    left = list(found)
    right = 0
    for want in expected:
        for k, got in enumerate(left):
            if _same(want, got):
                right += 1
                del left[k]
                break
    return right, len(expected), len(left)


def text_for(fixture: Fixture, layout: str, tmp: Path | None = None) -> str:
    if layout in PDF_LAYOUTS:
        assert tmp is not None
        return PDF_LAYOUTS[layout](fixture, tmp)
    return TEXT_LAYOUTS[layout](fixture)


def measure(fixture: Fixture, layout: str, tmp: Path | None = None) -> tuple[int, int, int]:
    text = text_for(fixture, layout, tmp)
    name = "list.html" if layout == "html" else "list.md"
    return score(expected_rows(fixture), found_rows(text, fixture.kind, name))


def misses(fixture: Fixture, layout: str, tmp: Path | None = None) -> tuple[list, list]:
    text = text_for(fixture, layout, tmp)
    name = "list.html" if layout == "html" else "list.md"
    expected, found = expected_rows(fixture), found_rows(text, fixture.kind, name)
    left = list(found)
    missed = []
    for want in expected:
        hit = next((k for k, got in enumerate(left) if _same(want, got)), None)
        if hit is None:
            missed.append(want)
        else:
            del left[hit]
    return missed, left


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    layouts = [a for a in argv if a in LAYOUTS] or list(LAYOUTS)
    names = [a for a in argv if a not in LAYOUTS]
    chosen = [f for f in FIXTURES if not names or any(f.name.startswith(a) for a in names)]
    if shutil.which("pdftotext") is None:
        layouts = [a for a in layouts if a not in PDF_LAYOUTS]
    totals = {layout: [0, 0, 0] for layout in layouts}
    with tempfile.TemporaryDirectory() as tmp:
        print("| fixture | " + " | ".join(layouts) + " |")
        print("|---|" + "---:|" * len(layouts))
        for fixture in chosen:
            cells = []
            for layout in layouts:
                right, total, extra = measure(fixture, layout, Path(tmp))
                totals[layout][0] += right
                totals[layout][1] += total
                totals[layout][2] += extra
                cells.append(f"{right}/{total}" + (f" +{extra}" if extra else ""))
                if verbose and right < total:
                    missed, wrong = misses(fixture, layout, Path(tmp))
                    print(f"  {fixture.name} {layout}: missed {missed[:3]} read {wrong[:3]}",
                          file=sys.stderr)
            print(f"| {fixture.name} | " + " | ".join(cells) + " |")
        print("| **all** | " + " | ".join(
            f"**{r}/{t}**" + (f" +{e}" if e else "") for r, t, e in totals.values()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

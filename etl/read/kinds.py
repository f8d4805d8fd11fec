"""Column kinds: what a table cell holds, judged from its header name and its text.

A header name as Chinese government lists print it (编号, 时代, 发文字号 …) says which *kind*
of cell its column holds; the reviewed table ``datasets/reference/table_columns.csv`` maps
names to kinds (domain knowledge is data). ``fit(kind, text)`` says how well a cell's text
fits a kind, from 0 (impossible) to 1 (certain): one small generic recogniser per kind, a
regex or a vocabulary check. The layouts that must infer which token belongs to which column
(``cell_lines``, ``inferred``) align tokens to columns by these fits.

Every regex here is anchored and free of nested repetition (linear on any line).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from etl.normalize import parse_cn_years, parse_doc_number, to_halfwidth, to_simplified
from etl.paths import REFERENCE_DIR

KINDS = ("seq_or_id", "category", "name", "era", "address", "doc_number", "date", "issuer",
         "agency", "remark", "indicator", "number", "percent", "unit", "text")
# free-text kinds: a cell may hold spaces (several tokens joined into one cell)
FREE = frozenset({"name", "address", "issuer", "agency", "remark", "indicator", "text"})
# how often a printed list leaves a column of this kind empty (the prior of an empty cell)
EMPTY_PRIOR = {"seq_or_id": 0.01, "category": 0.05, "name": 0.01, "era": 0.08,
               "address": 0.08, "doc_number": 0.1, "date": 0.1, "issuer": 0.08, "agency": 0.1,
               "remark": 0.7, "indicator": 0.01, "number": 0.2, "percent": 0.2, "unit": 0.2,
               "text": 0.1}
MAX_HEADER_CHARS = 16  # the longest header name a list prints (文物保护单位名称 is 8)

_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """The form a header name is looked up in: no spaces, half-width, simplified characters,
    ``(%)`` as ``%``."""
    key = _SPACE.sub("", to_halfwidth(text)).rstrip(":")
    if not key.isascii():
        key = to_simplified(key)  # 序號, 名稱, 發文時間: read as 序号, 名称, 发文时间
    return key.replace("(%)", "%")


@cache
def _header_table(reference_dir: Path) -> tuple[dict[str, str], tuple[tuple[re.Pattern, str], ...]]:
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern, str]] = []
    with (reference_dir / "table_columns.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind = row["kind"].strip()
            if kind not in KINDS:
                raise ValueError(f"table_columns.csv: unknown kind {kind!r} for {row['header']!r}")
            if row["match"].strip() == "regex":
                patterns.append((re.compile(row["header"].strip()), kind))
            else:
                exact[header_key(row["header"])] = kind
    return exact, tuple(patterns)


def column_kind(header: str, reference_dir: Path = REFERENCE_DIR) -> str | None:
    """The kind of cell a column holds, from its printed header name; None if unknown."""
    key = header_key(header)
    if not key or len(key) > MAX_HEADER_CHARS:
        return None
    exact, patterns = _header_table(reference_dir)
    if key in exact:
        return exact[key]
    return next((kind for pattern, kind in patterns if pattern.match(key)), None)


@cache
def header_first_chars(reference_dir: Path = REFERENCE_DIR) -> frozenset[str]:
    """The characters a header name begins with: a cheap test on every line of an issue."""
    exact, _ = _header_table(reference_dir)
    return frozenset(name[0] for name in exact)


@cache
def header_prefixes(reference_dir: Path = REFERENCE_DIR) -> frozenset[str]:
    """Every prefix of every exact header name: a header printed with a space in it
    (``指 标``) is rebuilt from tokens only while they stay a prefix."""
    exact, _ = _header_table(reference_dir)
    return frozenset(name[:k] for name in exact for k in range(1, len(name) + 1))


# --- vocabularies from the reviewed tables ---------------------------------------------


@cache
def _column(file: str, column: str, reference_dir: Path = REFERENCE_DIR) -> frozenset[str]:
    path = reference_dir / file
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8", newline="") as fh:
        return frozenset(row[column].strip() for row in csv.DictReader(fh) if row[column].strip())


def categories() -> frozenset[str]:
    return _column("heritage_categories.csv", "category_zh")


def _eras() -> frozenset[str]:
    return _column("eras.csv", "era")


@cache
def _counties() -> frozenset[str]:
    with (REFERENCE_DIR / "gazetteer.csv").open(encoding="utf-8", newline="") as fh:
        return frozenset(r["name"] for r in csv.DictReader(fh) if r["kind"] == "county")



# --- recognisers: text → fit in [0, 1] ------------------------------------------------

_SEQ = re.compile(r"^(?:[（(]?[一二三四五六七八九十]{1,3}[)）]?|[A-Za-zⅠ-Ⅻ]{1,3}[-－—–.]?\d{1,4}|"
                  r"\d{1,4}(?:[-－—–.]\d{1,4}){0,2})$")
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PERCENT = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")
_PLACEHOLDER = frozenset({"-", "—", "--", "——", "/", "…", "－"})
_DATE = re.compile(r"^(?:\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{4}[-./]\d{1,2}[-./]\d{1,2})$")
_DOC_NUMBER = re.compile(r"[〔\[(（]\d{4}[〕\])）]\d{1,4}号$|令第?\d{1,4}号$|^第\d{1,4}号$")
_ISSUER = re.compile(r"^(?:连云港)?[市县区](?:人民)?政府(?:办公室)?$|^(?:连云港)?市政府办$")
_AGENCY_END = ("局", "委", "办", "厅", "院", "中心", "公司", "集团", "部", "会", "所", "站", "队",
               "行", "室", "政府", "处", "署", "委员会", "管委会", "办公室", "馆", "社", "台", "园",
               "区", "校", "庭", "团")
_ADMIN = re.compile(r"[省市县区镇乡村]|街道|社区")
_PLACE = re.compile(r"路|街|大道|号|巷|景区|场|园区|开发区|岛|山|河|湖|港|湾")
_TOWN = re.compile(r"[县区镇乡]|街道")
_NAME_END = ("遗址", "墓", "墓群", "墓地", "祠", "宗祠", "寺", "庙", "庵", "观", "宫", "桥", "碑",
             "碑群", "塔", "幢", "旧址", "故居", "石刻", "石刻群", "岩画", "岩画群", "造像", "校舍",
             "礼堂", "水库", "渠", "井", "城", "宅", "院", "楼", "阁", "亭", "堂", "坊", "闸", "路",
             "馆", "纪念碑", "建筑", "建筑群", "民居", "码头", "灯塔", "办法", "规定", "通知",
             "意见", "细则", "决定", "方案", "通告")
_REMARKS = frozenset({"修改", "废止", "保留", "失效", "宣布失效", "继续有效", "已修改", "拟修改",
                      "拟废止", "暂停执行"})
_REMARK_WORD = re.compile(r"修改|修订|废止|保留|失效|有效|停止|调整|合并|延续|延长|暂停|"
                          r"继续|替代|代替|取消|注销|执行|实施|整合|另行|见|详见|含|其中|原")
_UNIT = re.compile(r"^[亿万千百]?(?:元|美元|吨|千瓦时|人|户|个|辆|平方米|平方公里|公里|千米|米|亩|"
                   r"公顷|件|家|项|次|张|台|套|座|处|所|标箱|人次|%|‰)$")
_ERA_WORD = re.compile(r"^(?:[新旧]石器时代|青铜时代|史前|"
                       r"[商夏周秦汉晋隋唐宋辽金元明清]{1,3}(?:代|朝)?|"
                       r"[东西南北前后][汉晋周魏宋齐梁陈唐]|春秋|战国|春秋战国|三国|五代|五代十国|"
                       r"南北朝|(?:中华)?民国|近代|现代|近现代|当代)"
                       r"(?:时期|早期|中期|晚期|前期|后期|初期|末期|初|末|中叶|以前|以后)?$")
_REIGN = re.compile(r"^[商周秦汉晋隋唐宋辽金元明清]?[^\d\s]{2}"  # 清 光绪
                    r"(?:[元一二三四五六七八九十]{1,4}|\d{1,2})年"  # 三十年
                    r"(?:[(（]公元)?(?:\d{3,4}年?)?[)）]?$"
                    r"|^[商周秦汉晋隋唐宋辽金元明清]?[^\d\s]{2}年间$")  # 清光绪年间
_ERA_SPLIT = re.compile(r"[-－—–~～至到、]")
_YEARISH = re.compile(r"^(?:公元前?)?\d{3,4}年?$"
                      r"|^(?:公元前?)?\d{1,4}(?:[-－—–~～至]\d{1,4})?年(?:代)?(?:[前后左右初末])?$"
                      r"|^\d{1,2}世纪(?:\d0年代|[初末]|上半叶|下半叶)?$")
_PAREN = re.compile(r"[(（](?:公元)?前?\d{1,4}[^()（）]{0,12}[)）]")  # (1904年)
_SENTENCE_END = ("。", "；", ";", "：", ":")
_CJK = re.compile(r"^[\u3400-\u9fff]+$")


def _compact(text: str) -> str:
    """A cell as its kind is judged: no spaces, half-width, simplified (戰國 is 战国)."""
    t = _SPACE.sub("", to_halfwidth(text))
    return t if t.isascii() else to_simplified(t)


def fit_seq(text: str) -> float:
    """An id or row number; a date printed with dots or dashes (2015.3.2) is none."""
    t = _compact(text)
    return 1.0 if _SEQ.match(t) and not _DATE.match(t) else 0.0


def fit_number(text: str) -> float:
    t = _compact(text)
    if t in _PLACEHOLDER:
        return 0.5
    if _NUMBER.match(t):
        return 0.6 if t.startswith("-") else 1.0
    return 0.0


def fit_percent(text: str) -> float:
    t = _compact(text)
    if t in _PLACEHOLDER:
        return 0.5
    if not _PERCENT.match(t):
        return 0.0
    try:
        return 1.0 if abs(float(t.rstrip("%"))) < 100 else 0.4
    except ValueError:
        return 0.0


def fit_date(text: str) -> float:
    return 1.0 if _DATE.match(_compact(text)) else 0.0


def fit_doc_number(text: str) -> float:
    t = _compact(text)
    if len(t) > 40:
        return 0.0
    if parse_doc_number(t) is not None or _DOC_NUMBER.search(t):
        return 1.0
    return 0.0


def _era_part(part: str) -> bool:
    return (part in _eras() or bool(_ERA_WORD.match(part)) or bool(_YEARISH.match(part))
            or bool(_REIGN.match(part)) or parse_cn_years(part) is not None)


def fit_era(text: str) -> float:
    t = _compact(text)
    if not t or len(t) > 30:
        return 0.0
    if t in _eras() or parse_cn_years(t) is not None:
        return 1.0
    core = _PAREN.sub("", t) or t
    parts = [p for p in _ERA_SPLIT.split(core) if p]
    if parts and all(_era_part(p) for p in parts):
        return 1.0
    if parts and parts[-1][-1:] in "代朝纪" and len(core) <= 12:
        return 0.5
    return 0.0


def fit_category(text: str) -> float:
    t = _compact(text)
    if t in categories():
        return 1.0
    return 0.4 if 2 <= len(t) <= 10 and _CJK.match(t) else 0.0


def _free(text: str) -> float:
    """Free text: anything but a bare number, a date or a sentence."""
    t = _compact(text)
    if not t:
        return 0.0
    if _NUMBER.match(t) or _PERCENT.match(t) or _DATE.match(t):
        return 0.05
    return 0.5


def fit_name(text: str) -> float:
    t = _compact(text)
    base = _free(t)
    if base < 0.5 or t.endswith(_SENTENCE_END) or len(t) > 80:
        return min(base, 0.1)
    return 0.8 if t.endswith(_NAME_END) else 0.5


def fit_address(text: str) -> float:
    t = _compact(text)
    base = _free(t)
    if base < 0.5 or t.endswith(_SENTENCE_END) or len(t) > 120:
        return min(base, 0.1)
    if any(c in t for c in _counties()):
        return 1.0
    if t.endswith(_NAME_END) and not _TOWN.search(t):
        return 0.4  # 孙桥村石桥, 当路王氏宗祠: a site's name, not where it is
    if _ADMIN.search(t):
        return 0.8
    return 0.6 if _PLACE.search(t) else 0.3


def fit_issuer(text: str) -> float:
    t = _compact(text)
    if _ISSUER.match(t):
        return 1.0
    return 0.6 if _free(t) >= 0.5 and t.endswith(_AGENCY_END) and len(t) <= 30 else 0.1


def fit_agency(text: str) -> float:
    t = _compact(text)
    base = _free(t)
    if base < 0.5:
        return base
    if t.startswith(("牵头", "责任单位", "负责单位", "主办")):
        return 0.9
    return 0.8 if t.rstrip("等").endswith(_AGENCY_END) or "单位" in t else 0.3


def fit_remark(text: str) -> float:
    t = _compact(text)
    if t in _REMARKS:
        return 1.0
    return 0.7 if _REMARK_WORD.search(t) else 0.1


def fit_indicator(text: str) -> float:
    t = _compact(text)
    base = _free(t)
    if base < 0.5 or len(t) > 40 or t.endswith(_SENTENCE_END):
        return min(base, 0.1)
    return 0.8


def fit_unit(text: str) -> float:
    t = _compact(text)
    return 1.0 if _UNIT.match(t) else 0.0


def fit_text(text: str) -> float:
    """A sentence or a paragraph (工作任务): one that ends as a sentence ends fits best."""
    t = _compact(text)
    if not t:
        return 0.0
    return 0.6 if t.endswith(("。", "；", ";", "！", "？")) else 0.5


FIT = {"seq_or_id": fit_seq, "category": fit_category, "name": fit_name, "era": fit_era,
       "address": fit_address, "doc_number": fit_doc_number, "date": fit_date,
       "issuer": fit_issuer, "agency": fit_agency, "remark": fit_remark,
       "indicator": fit_indicator, "number": fit_number, "percent": fit_percent,
       "unit": fit_unit, "text": fit_text}


def fit(kind: str, text: str) -> float:
    """How well ``text`` fits a cell of ``kind``: 0 impossible … 1 certain."""
    return FIT[kind](text)


# --- ids: which row follows which -------------------------------------------------------

_ID_PARTS = re.compile(r"^(.*?)(\d{1,4})$")
_CN_ORDINAL = "一二三四五六七八九十"


def id_parts(text: str) -> tuple[str, int] | None:
    """``5-23`` → ("5-", 23); ``17`` → ("", 17); ``（三）`` → ("（", 3); None if no id."""
    t = _compact(text)
    if not _SEQ.match(t):
        return None
    if match := _ID_PARTS.match(t):
        return match.group(1), int(match.group(2))
    core = t.strip("()（）")
    if len(core) == 1:
        return t[:1] if t[:1] in "(（" else "", _CN_ORDINAL.index(core) + 1
    return None


def follows(previous: str | None, current: str) -> bool:
    """``current`` is the id right after ``previous`` (5-3 after 5-2, 1 at a new prefix)."""
    now = id_parts(current)
    if now is None:
        return False
    before = id_parts(previous) if previous else None
    if before is None:
        return now[1] in (0, 1)
    return (now[0] == before[0] and now[1] == before[1] + 1) or (now[0] != before[0]
                                                                  and now[1] == 1)

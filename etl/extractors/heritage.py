"""第X批…文物保护单位名单 → heritage_sites, heritage_site_places, heritage_site_counts.

A list is found in any issue by its heading; its columns are located by header name in the
order printed; category headings that interrupt the table (a line ``古遗址`` between rows)
give the category to the rows after them. Eras become year spans through a reviewed table
(datasets/reference/eras.csv) or the generic year parser; categories get their English
name from datasets/reference/heritage_categories.csv. Addresses are split into places and
geocoded offline by etl.geo; a site's own point is derived from its places.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from etl.dictionary import dataset
from etl.extractors import Context, Extraction
from etl.geo.geocode import Geocoder, parse_address, read_zones, split_places
from etl.normalize import clean_text, cn_numeral, parse_cn_years, to_halfwidth
from etl.read import Issue, Row, Table, is_page_furniture, strip_markup

DATASETS = ("heritage_sites", "heritage_site_places", "heritage_site_counts")

_LIST_TITLE = re.compile(r"第([〇零一二两三四五六七八九十百\d]{1,4})批(.{0,20}?)文物保护单位名单")
_DOC_TITLE = re.compile(r"第([〇零一二两三四五六七八九十百\d]{1,4})批(.{0,20}?)文物保护单位")
_LEVELS = ("全国重点", "省级", "市级", "县级")
# Header names as gazettes print them → the field they hold.
_HEADERS = {
    "编号": "site_id", "序号": "seq",
    "类别": "category", "类型": "category", "分类": "category",
    "名称": "name", "文物名称": "name", "单位名称": "name", "文物保护单位名称": "name",
    "时代": "era", "年代": "era",
    "地址": "address", "地点": "address", "所在地": "address", "位置": "address",
    "所在地址": "address",
}
_HEADING_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]?\s*")
_HEADING_COUNT = re.compile(r"[（(]共?\d+处?[)）]$")  # spaces are removed first
_SITE_ID = re.compile(r"^(\d{1,2})\s*[-－—–]\s*(\d{1,4})$")
_PRECISION_RANK = {"site": 4, "village": 3, "township": 2, "county": 1, "none": 0}
_MAX_HEADING_LINES = 6  # non-blank lines searched above a header for the list's heading


# --- finding the list ------------------------------------------------------------------


@dataclass
class HeritageList:
    heading: str
    heading_line: int
    batch: int
    level: str | None
    level_from_document: bool
    columns: dict[str, int]
    tables: list[Table]
    # (line, row or None, heading text or None): rows and interrupting headings, in order
    entries: list[tuple[int, Row | None, str | None]] = field(default_factory=list)


def _columns(header: list[str]) -> dict[str, int] | None:
    """Header cell → field index; ``None`` unless the header names a site's name and at
    least one of its category, era or address."""
    found: dict[str, int] = {}
    for k, cell in enumerate(header):
        key = _HEADERS.get(re.sub(r"\s+", "", cell))
        if key and key not in found:
            found[key] = k
    if "name" not in found or not {"category", "era", "address"} & found.keys():
        return None
    return found


def _level(text: str) -> str | None:
    return next((lv for lv in _LEVELS if lv in text), None)


def _heading_above(issue: Issue, header_line: int) -> tuple[str, int, list[tuple[int, str]]]:
    """The list heading above a table header, and the short lines between them (category
    headings printed before the first row). ('', 0, []) when there is none."""
    between: list[tuple[int, str]] = []
    seen = 0
    for n in range(header_line - 1, 0, -1):
        raw = issue.line(n)
        if not raw.strip() or is_page_furniture(raw):
            continue
        if "\t" in raw or seen >= _MAX_HEADING_LINES:
            break
        seen += 1
        text = clean_text(strip_markup(raw))
        if _LIST_TITLE.search(text):
            return text, n, list(reversed(between))
        between.append((n, text))
    return "", 0, []


def _is_heading(text: str, categories: dict[str, dict]) -> bool:
    return _heading_category(text, categories) is not None


def _continuations(issue: Issue, first: Table, categories: dict[str, dict]) -> list[Table]:
    """Tables right after ``first`` that are really its continuation: after an interrupting
    category heading the reader takes a row whose first cell has no digit (名称 printed
    first) for a new header. Only category headings may stand between the parts."""
    found: list[Table] = []
    tables = issue.tables
    last_end = first.end_line
    for table in tables[tables.index(first) + 1:]:
        gap = [issue.line(n) for n in range(last_end + 1, table.header_line)]
        text_gap = [clean_text(strip_markup(t)) for t in gap
                    if t.strip() and not is_page_furniture(t)]
        if (_columns(table.header) is not None or table.n_columns != first.n_columns
                or not all(_is_heading(t, categories) for t in text_gap)
                or not (text_gap or any(ch.isdigit() for ch in "".join(table.header)))):
            break
        found.append(table)
        last_end = table.end_line
    return found


def find_lists(issue: Issue, categories: dict[str, dict]) -> list[HeritageList]:
    """Every heritage list in the issue."""
    lists: list[HeritageList] = []
    absorbed: set[int] = set()
    for table in issue.tables:
        columns = _columns(table.header)
        if table.header_line in absorbed or columns is None:
            continue
        heading, heading_line, before = _heading_above(issue, table.header_line)
        doc = issue.document_at(table.header_line)
        match = _LIST_TITLE.search(heading) if heading else None
        if match is None and doc is not None:
            match = _DOC_TITLE.search(doc.title)
            heading, heading_line = (doc.title, doc.title_line) if match else ("", 0)
        batch = cn_numeral(match.group(1)) if match else None
        if match is None or not batch:
            continue
        level = _level(match.group(2))
        from_doc = False
        if level is None and doc is not None and _level(doc.title):
            level, from_doc = _level(doc.title), True
        more = _continuations(issue, table, categories)
        absorbed.update(t.header_line for t in more)
        found = HeritageList(heading, heading_line, batch, level, from_doc, columns,
                             [table, *more])
        found.entries = _entries(issue, found, before, categories)
        lists.append(found)
    return lists


def _raw_row(issue: Issue, line: int) -> Row:
    cells = [c.strip() for c in issue.line(line).split("\t")]
    return Row(cells, line)


def _unglue_heading(issue: Issue, row: Row,
                    categories: dict[str, dict]) -> tuple[Row, tuple[int, str] | None]:
    """The reader joins a lone line between two rows onto the previous row as a wrapped
    cell; when that line is a category heading, give it back: (row without it, heading)."""
    if "wrapped_row" not in row.flags:
        return row, None
    n = row.line + 1
    while n <= len(issue.lines) and issue.line(n).strip() and "\t" not in issue.line(n):
        n += 1
    last = n - 1  # the last glued line sits right before the next row
    text = issue.line(last).strip()
    heading = clean_text(strip_markup(text))
    if last == row.line or not _is_heading(heading, categories) \
            or not row.cells[-1].endswith(" " + text):
        return row, None
    cells = [*row.cells[:-1], row.cells[-1][: -len(text) - 1]]
    flags = row.flags if last - row.line > 1 else tuple(f for f in row.flags
                                                        if f != "wrapped_row")
    return Row(cells, row.line, flags), (last, heading)


def _entries(issue: Issue, hl: HeritageList, before: list[tuple[int, str]],
             categories: dict[str, dict]) -> list[tuple[int, Row | None, str | None]]:
    entries: list[tuple[int, Row | None, str | None]] = [(n, None, t) for n, t in before]
    previous_end = None
    for table in hl.tables:
        if previous_end is not None:  # a continuation: its "header" is a data row
            entries += [(n, None, clean_text(strip_markup(issue.line(n))))
                        for n in range(previous_end + 1, table.header_line)
                        if issue.line(n).strip() and not is_page_furniture(issue.line(n))]
            entries.append((table.header_line, _raw_row(issue, table.header_line), None))
        entries += [(n, None, t) for n, t in table.interruptions]
        for row in table.rows:
            row, glued = _unglue_heading(issue, row, categories)
            entries.append((row.line, row, None))
            if glued:
                entries.append((glued[0], None, glued[1]))
        previous_end = table.end_line
    return sorted(entries, key=lambda e: e[0])


# --- reviewed reference tables -----------------------------------------------------------


def _categories(ctx: Context) -> dict[str, dict]:
    return {r["category_zh"]: r for r in ctx.records("heritage_categories")}


def _heading_category(text: str, categories: dict[str, dict]) -> str | None:
    """``古遗址`` / ``一、古遗址`` / ``（二）古墓葬（3处）`` → the category; None otherwise."""
    if len(text) > 40:  # a heading is a short line
        return None
    core = _HEADING_COUNT.sub("", _HEADING_ORDINAL.sub("", text.replace(" ", "")))
    return core if core in categories else None


@dataclass(frozen=True)
class Era:
    label: str | None
    start: int | None
    end: int | None
    flags: tuple[str, ...] = ()


def _eras(ctx: Context) -> dict[str, dict]:
    return {r["era"]: r for r in ctx.records("eras")}


def read_era(raw: str, eras: dict[str, dict]) -> Era:
    """A printed era → label and year span: the reviewed table first, then year
    expressions, then ``X至Y`` of two reviewed eras. Anything else is flagged, not guessed."""
    key = re.sub(r"\s+", "", to_halfwidth(raw))
    if not key:
        return Era(None, None, None, ("era_missing",))
    if key in eras:
        row = eras[key]
        return Era(row["era_label"], int(row["start_year"]), int(row["end_year"]))
    span = parse_cn_years(key)
    if span is not None:
        return Era(span.label, span.start, span.end)
    first, sep, last = key.partition("至")
    if sep and first in eras and last in eras:
        a, b = eras[first], eras[last]
        if int(a["start_year"]) <= int(b["end_year"]):
            return Era(f"{a['era_label']}至{b['era_label']}", int(a["start_year"]),
                       int(b["end_year"]), ("era_range_composed",))
    return Era(None, None, None, ("era_unknown",))


# --- sites -------------------------------------------------------------------------------


def _cell(row: Row, columns: dict[str, int], key: str) -> str:
    k = columns.get(key)
    return row.cells[k].strip() if k is not None and k < len(row.cells) else ""


def _site_id(row: Row, hl: HeritageList, position: int) -> tuple[str, list[str]]:
    printed = to_halfwidth(_cell(row, hl.columns, "site_id"))
    match = _SITE_ID.match(printed.strip())
    if match:
        batch, seq = int(match.group(1)), int(match.group(2))
        return f"{batch}-{seq}", ([] if batch == hl.batch else ["site_id_batch_mismatch"])
    for key in ("site_id", "seq"):
        number = _cell(row, hl.columns, key)
        if number.isdigit():
            return f"{hl.batch}-{int(number)}", ["site_id_from_sequence"]
    return f"{hl.batch}-{position}", ["site_id_from_row_order"]


def extract(issue: Issue, ctx: Context) -> Extraction:
    out = Extraction()
    categories = _categories(ctx)
    lists = find_lists(issue, categories)
    if not lists:
        return out
    eras = _eras(ctx)
    geo = _geo(ctx)
    for hl in lists:
        out.tables.extend(t.header_line for t in hl.tables)
        doc = issue.document_at(hl.tables[0].header_line)
        heading_category: str | None = None
        position = 0
        seen: set[str] = set()
        for line, row, heading in hl.entries:
            if row is None:
                category = _heading_category(heading or "", categories)
                if category is None:
                    out.notes.append(f"line {line}: line inside the heritage list is not a "
                                     f"category heading: {heading!r}; ignored")
                heading_category = category or heading_category
                continue
            position += 1
            site, places = _site(row, hl, position, heading_category, categories, eras, geo)
            if site["site_id"] in seen:  # a misprinted number must not collide with another
                site["site_id"] = f"{hl.batch}-{position}"
                site["quality_flags"].append("site_id_duplicate")
                for place in places:
                    place["site_id"] = site["site_id"]
            seen.add(site["site_id"])
            site.update({
                "announced_on": doc.signed_on if doc else None,
                "announce_doc": doc.doc_number.text if doc and doc.doc_number else None,
                "source_issue": issue.issue_id, "source_line": row.line,
            })
            if doc is None or doc.doc_number is None:
                site["quality_flags"].append("announcement_not_found")
            out.add("heritage_sites", site)
            for place in places:
                place.update({"source_issue": issue.issue_id, "source_line": row.line})
                out.add("heritage_site_places", place)
        out.notes.append(f"line {hl.heading_line}: {hl.heading} — {position} sites "
                         f"(batch {hl.batch})")
    return out


def _site(row: Row, hl: HeritageList, position: int, heading_category: str | None,
          categories: dict[str, dict], eras: dict[str, dict],
          geo: GeoContext) -> tuple[dict, list[dict]]:
    flags = list(row.flags)
    site_id, id_flags = _site_id(row, hl, position)
    flags += id_flags
    if hl.level is None:
        flags.append("level_not_printed")
    elif hl.level_from_document:
        flags.append("level_from_document_title")
    category_raw = _cell(row, hl.columns, "category")
    if not category_raw and heading_category:
        category_raw = heading_category
        flags.append("category_from_heading")
    elif heading_category and clean_text(category_raw) != heading_category:
        flags.append("category_differs_from_heading")
    category = categories.get(clean_text(category_raw).replace(" ", ""))
    if category is None:
        flags.append("category_unknown" if category_raw else "category_missing")
    era_raw = _cell(row, hl.columns, "era")
    era = read_era(era_raw, eras)
    flags += era.flags
    address_raw = _cell(row, hl.columns, "address")
    located = locate_site(address_raw, clean_text(_cell(row, hl.columns, "name")), geo)
    flags += located.flags
    site = {
        "site_id": site_id, "batch": hl.batch, "level": hl.level,
        "category_zh": category["category_zh"] if category else None,
        "category_en": category["category_en"] if category else None,
        "category_raw": category_raw or None,
        "name": clean_text(_cell(row, hl.columns, "name")),
        "era_raw": era_raw or None, "era_label": era.label,
        "era_start_year": era.start, "era_end_year": era.end,
        "address_raw": address_raw or None,
        **located.admin, "n_places": len(located.places),
        **located.point, "quality_flags": flags,
    }
    places = [{"level": hl.level, "site_id": site_id, "place_seq": k, **place}
              for k, place in enumerate(located.places, start=1)]
    return site, places


# --- geocoding -----------------------------------------------------------------------------


@dataclass
class GeoContext:
    geocoder: Geocoder
    zones: dict[str, str | None]


@cache
def _geo_for(reference_dir: Path) -> GeoContext:
    # offline always: the build never touches the network (online look-ups are `etl geocode`)
    return GeoContext(Geocoder(reference_dir, reference_dir.parent / "geo", online=False),
                      read_zones(reference_dir / "zones.csv"))


def _geo(ctx: Context) -> GeoContext:
    return _geo_for(Path(ctx.reference_dir))


@dataclass
class LocatedSite:
    admin: dict  # county, zone, township, village of the site
    point: dict  # lat, lon, geocode_precision, geocode_source
    places: list[dict]
    flags: list[str]


def _point(lat: float | None, lon: float | None, precision: str, source: str) -> dict:
    return {"lat": lat, "lon": lon, "geocode_precision": precision, "geocode_source": source}


def locate_place(place: str, site_name: str, single: bool, geo: GeoContext) -> dict:
    """One place: its address parts and the most precise point the offline chain gives.

    The site's name is the most precise name of a single-place site; a place of a list is
    named by its list item unless that item is just its village."""
    parts = parse_address(place, geo.zones)
    item = parts["places"][0] if len(parts["places"]) == 1 else None
    name = site_name if single else (item if item != parts["village"] else None)
    found = geo.geocoder.locate(name, parts["county"], parts["township"], parts["village"])
    flags = list(found.flags)
    county = parts["county"]
    if county is None and found.lat is not None:
        county = geo.geocoder.county_of_point(found.lat, found.lon)
        flags.append("county_from_point")
    return {"place": place, "county": county, "zone": parts["zone"],
            "township": parts["township"], "village": parts["village"],
            **_point(found.lat, found.lon, found.precision, found.source or "none"),
            "quality_flags": flags}


def locate_site(address: str, site_name: str, geo: GeoContext) -> LocatedSite:
    """The site's address parts, its places, and a point derived from the places."""
    parts = parse_address(address, geo.zones)
    flags: list[str] = []
    if address.strip().endswith("等"):
        flags.append("places_incomplete")  # 等: the list names only some of the places
    names = split_places(address)
    places = [locate_place(p, site_name, len(names) == 1, geo) for p in names]
    county = parts["county"]
    if parts["zone"] and county:
        flags.append("county_from_zone")
    elif parts["zone"]:
        flags.append("zone_without_county")
    if county is None:
        flags.append("county_not_printed")
        counties = {p["county"] for p in places if p["county"]}
        if len(counties) == 1:
            county = counties.pop()
            flags.append("county_from_places")
    admin = {"county": county, "zone": parts["zone"], "township": parts["township"],
             "village": parts["village"]}
    if not places:
        return LocatedSite(admin, _point(None, None, "none", "none"), [], flags + ["no_address"])
    if len(places) == 1:
        only = places[0]
        flags += only["quality_flags"]
        point = {k: only[k] for k in ("lat", "lon", "geocode_precision", "geocode_source")}
        return LocatedSite(admin, point, places, flags)
    point, derived_flags = _derived_point(places, geo)
    place_flags = [f for p in places for f in p["quality_flags"]]
    return LocatedSite(admin, point, places,
                       flags + place_flags + ["point_from_places"] + derived_flags)


def _common_level(places: list[dict]) -> str:
    """The most precise administrative level all places share."""
    for level, key in (("village", "village"), ("township", "township"), ("county", "county")):
        values = {p[key] for p in places}
        if len(values) == 1 and None not in values:
            return level
    return "none"


def _derived_point(places: list[dict], geo: GeoContext) -> tuple[dict, list[str]]:
    """Several places → one point: their centroid when they lie in one county, at the
    precision of the coarsest place and of the level they share; no point otherwise."""
    located = [p for p in places if p["lat"] is not None]
    counties = {p["county"] for p in places}
    if len(located) < len(places) or len(counties) != 1 or None in counties:
        flag = "places_span_counties" if len(counties - {None}) > 1 else "places_not_located"
        return _point(None, None, "none", f"derived:{flag}"), [flag]
    county = counties.pop()
    coarsest = min((p["geocode_precision"] for p in places), key=_PRECISION_RANK.__getitem__)
    precision = min(coarsest, _common_level(places), key=_PRECISION_RANK.__getitem__)
    points = {(p["lat"], p["lon"]) for p in located}
    if len(points) == 1:  # every place fell back to the same point: say where it came from
        return _point(*points.pop(), precision, located[0]["geocode_source"]), []
    lat = round(sum(p["lat"] for p in located) / len(located), 5)
    lon = round(sum(p["lon"] for p in located) / len(located), 5)
    if not geo.geocoder.inside_county(lat, lon, county):  # a concave county can miss it
        return (_point(None, None, "none", "derived:centroid_outside_county"),
                ["point_outside_county"])
    return _point(lat, lon, precision, "derived:centroid_of_places"), ["point_centroid_of_places"]


# --- counts for a choropleth -------------------------------------------------------------------


def combine(frames: dict[str, pd.DataFrame], ctx: Context) -> dict[str, pd.DataFrame]:
    """Counts per county and category, from the sites of every issue."""
    return {"heritage_site_counts": site_counts(frames["heritage_sites"],
                                                frames["heritage_site_places"])}


def site_counts(sites: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Sites per (level, county, category): every county of the dictionary appears (0 where
    a category has no site there). A site whose places lie in several counties counts in
    each of them (``sites_shared`` says how many such sites a cell holds); a site with no
    county at all counts under an empty county."""
    columns = dataset("heritage_site_counts").column_names
    if sites.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    where: dict[tuple, set] = {}
    for p in places.to_dict("records"):
        if isinstance(p["county"], str):
            where.setdefault((p["level"], p["site_id"]), set()).add(p["county"])
    counts: Counter[tuple] = Counter()
    shared: Counter[tuple] = Counter()
    english: dict = {}
    for s in sites.to_dict("records"):
        key = (s["level"], s["site_id"])
        counties = set(where.get(key, set()))
        if isinstance(s["county"], str):
            counties.add(s["county"])
        category = s["category_zh"] if isinstance(s["category_zh"], str) else None
        english[category] = s["category_en"] if isinstance(s["category_en"], str) else None
        for county in sorted(counties) or [None]:
            counts[(s["level"], county, category)] += 1
            shared[(s["level"], county, category)] += len(counties) > 1
    spec = dataset("heritage_site_counts")
    county_order = list(spec.column("county").enum or ())
    category_order = list(spec.column("category_zh").enum or ())
    levels = {k[0] for k in counts}
    grid = {(lv, c, cat) for lv in levels for c in county_order for cat in english} | set(counts)

    def order(key: tuple) -> tuple:
        lv, county, cat = key
        return (str(lv), county_order.index(county) if county in county_order else 99,
                category_order.index(cat) if cat in category_order else 99)

    rows = [{"level": lv, "county": c, "category_zh": cat, "category_en": english.get(cat),
             "sites": counts[(lv, c, cat)], "sites_shared": shared[(lv, c, cat)]}
            for lv, c, cat in sorted(grid, key=order)]
    return pd.DataFrame(rows, columns=columns)

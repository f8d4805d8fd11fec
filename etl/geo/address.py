"""Split the free-text addresses of the heritage list into county / zone / township / village.

The gazette writes addresses as a chain from large to small, e.g. ``东海县白塔埠镇城后村南`` or
``高新区花果山街道当路村``; functional zones (高新区, 云台山景区) stand where a county would.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from etl.paths import REFERENCE_DIR
from etl.profile import profile


@cache
def county_names(reference_dir: Path = REFERENCE_DIR) -> tuple[str, ...]:
    """The city's county-level divisions: the gazetteer's county rows (reviewed data)."""
    with (reference_dir / "gazetteer.csv").open(encoding="utf-8-sig", newline="") as fh:
        return tuple(r["name"] for r in csv.DictReader(fh) if r["kind"] == "county")


@cache
def _city_prefix(reference_dir: Path = REFERENCE_DIR) -> re.Pattern[str]:
    """``江苏省连云港市`` (either part optional) at the start of an address."""
    city = profile(reference_dir)
    return re.compile(rf"^(?:{re.escape(city.province_zh)})?(?:{re.escape(city.name_zh)})?")
# A zone named in an address but missing from zones.csv is still recognised, with no county.
_ZONE = re.compile(r"^[^、，,]+?(?:景区|高新区|开发区|新区|园区)")
# 盐场: the salt works (灌西盐场) stand at township level in the gazette's addresses.
_TOWNSHIP = re.compile(r"^[^、，,]+?(?:街道|镇|乡|盐场)")
_VILLAGE = re.compile(r"^[^、，,]+?(?:村|社区|居委会)")
_LIST_SEP = "、"
_LIST_TAIL = re.compile(r"等$")


def _take(pattern: re.Pattern[str], text: str) -> tuple[str | None, str]:
    m = pattern.match(text)
    return (m.group(0), text[m.end():]) if m else (None, text)


def _admin_prefix(address: str, zones: dict[str, str | None]) -> tuple[dict, str]:
    """County, zone and township at the start of ``address``, and the text after them."""
    rest = _city_prefix().sub("", address.strip())
    county = next((c for c in county_names() if rest.startswith(c)), None)
    zone = None
    if county:
        rest = rest[len(county):]
    else:
        zone = next((z for z in sorted(zones, key=len, reverse=True) if rest.startswith(z)), None)
        if zone:
            rest = rest[len(zone):]
        else:
            zone, rest = _take(_ZONE, rest)
        if zone:
            county = zones.get(zone) or None
    township, rest = _take(_TOWNSHIP, rest)
    return {"county": county, "zone": zone, "township": township}, rest


def _list_items(text: str) -> list[str]:
    items = [p.strip() for p in _LIST_TAIL.sub("", text.strip()).split(_LIST_SEP)]
    return [p for p in items if p]


def parse_address(address: str | None, zones: dict[str, str | None]) -> dict:
    """Parse one gazette address.

    ``zones`` maps zone names (as written, e.g. ``高新区``) to their county, as in zones.csv.
    Returns ``county``, ``zone``, ``township``, ``village``, ``detail`` (what is left after the
    village, or after the township when there is no village) and ``places`` (the place names
    after the administrative prefix: two or more for a list such as ``东磊村、渔湾村``). For a
    list, ``village`` is None: no single village locates the whole site. Unknown parts are None.
    """
    out = {"county": None, "zone": None, "township": None, "village": None,
           "detail": None, "places": []}
    if not address or not address.strip():
        return out
    admin, rest = _admin_prefix(address, zones)
    out.update(admin)
    places = _list_items(rest)
    out["places"] = places
    if len(places) == 1:
        village, detail = _take(_VILLAGE, places[0])
        out["village"] = village
        out["detail"] = detail or None
    elif places:
        out["detail"] = rest.strip()
    return out


def split_places(address: str | None) -> list[str]:
    """One address per place of a multi-place site, each keeping the shared prefix.

    ``云台山景区云台街道东磊村、渔湾村`` -> ``[...东磊村, ...渔湾村]``; the address-less list of
    mountains of site 5-23 gives the eight names (trailing 等 dropped). A single place gives
    ``[address]``; an empty address gives ``[]``.
    """
    if not address or not address.strip():
        return []
    address = address.strip()
    _, rest = _admin_prefix(address, {})
    prefix = address[: len(address) - len(rest)]
    items = _list_items(rest)
    if len(items) <= 1:
        return [address]
    return [prefix + item for item in items]

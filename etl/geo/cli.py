"""``python -m etl geocode [--online]``: list the gazetteer's gaps, or look them up online.

Picked up by ``etl.cli``'s plugin hook; the work is done by ``etl.geo.geocode.main``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from etl.geo import geocode


def _run(args: argparse.Namespace) -> int:
    ref = Path(args.root) / "datasets" / "reference"
    return geocode.main((["--online"] if args.online else []) + ["--reference-dir", str(ref)])


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``geocode`` sub-command to the ``python -m etl`` parser."""
    p = sub.add_parser("geocode", help="list gazetteer gaps; --online looks them up (Nominatim)")
    p.add_argument("--online", action="store_true",
                   help="query Nominatim and append answers to geocode_cache.csv, unreviewed")
    p.set_defaults(handler=_run, writes_datasets=True)  # etl.cli holds the datasets lock

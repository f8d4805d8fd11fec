"""Offline maps: county outlines from the published GeoJSON on a plain background.

No tiles and no online basemap: ``go.Choropleth`` draws the six county polygons and
``go.Scattergeo`` the points, with ``fitbounds="geojson"`` so the view frames the city (or,
with a county filter, ranges that frame the chosen counties). Plotly's world topojson (which
it asks for whenever a geo subplot has a located trace) is a blank file served from
``assets/topojson``. ``LYG_ONLINE_BASEMAP=1`` switches on plotly's coarse country and
coastline layers only, still without tiles; nothing else goes online.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

import plotly.graph_objects as go
from shapely.geometry import Point, shape
from shapely.ops import polylabel, unary_union

from dashboard import data

# figure_json and template moved to components (every page's charts use them); kept here
from dashboard.components import FONT, GRAPH_CONFIG, figure_json, template  # noqa: F401

OUTLINE = "#6b6b6b"
LAND = "#f4f3ee"
SELECTED_FILL = "#dfe9f3"
LABEL = "#555555"
# Point colours: Okabe–Ito hues (kept apart under colour-vision deficiencies), darkened so
# each has ≥ 3:1 contrast (WCAG 1.4.11, non-text) against white, LAND and SELECTED_FILL;
# the light Okabe–Ito orange, sky blue and pink reach only 1.8–2.8:1 against the land.
POINT_PALETTE = ("#0072B2", "#C04F00", "#007A5A", "#AA3377", "#4D4D4D", "#996000")
# Two markers closer than this (degrees) would touch on a phone, where the whole city is
# about 290 px wide (~0.005° per px) and a marker is 12 px: approximate points that would
# overlap are moved apart at least this far.
MIN_GAP = 0.075


def online_basemap() -> bool:
    return os.environ.get("LYG_ONLINE_BASEMAP", "") == "1"


@cache
def config() -> dict:
    """dcc.Graph config for maps: the blank local topojson unless the basemap is opted in."""
    if online_basemap():
        return {k: v for k, v in GRAPH_CONFIG.items() if k != "topojsonURL"}
    return GRAPH_CONFIG


@cache
def county_points() -> dict[str, tuple[float, float]]:
    """A point inside each county polygon (for labels), as (lon, lat)."""
    out = {}
    for county, polygon in _polygons().items():
        point = polygon.representative_point()
        out[county] = (point.x, point.y)
    return out


@cache
def _polygons() -> dict:
    geo = data.counties_geojson()
    if geo is None:
        return {}
    return {f["properties"]["county"]: shape(f["geometry"]) for f in geo["features"]}


@cache
def city_point() -> tuple[float, float] | None:
    """A point inside the city (all six counties), as (lon, lat)."""
    polygons = _polygons()
    if not polygons:
        return None
    point = unary_union(list(polygons.values())).representative_point()
    return point.x, point.y


data.on_reset(lambda: (_polygons.cache_clear(), city_point.cache_clear(),
                       county_points.cache_clear(), _label_points.cache_clear(),
                       _bounds.cache_clear()))


def _inside(county: str | None, x: float, y: float) -> bool:
    polygons = _polygons()
    if county in polygons:
        return polygons[county].contains(Point(x, y))
    return any(p.contains(Point(x, y)) for p in polygons.values()) if polygons else True


def spread(points: Sequence[tuple[float, float, str | None]],
           fixed: Iterable[tuple[float, float]] = (),
           gap: float = MIN_GAP) -> list[tuple[float, float]]:
    """Display positions for approximate (lon, lat, county) points, in the order given.

    Each point keeps its position if no marker drawn so far (``fixed`` points first, then
    the earlier ones of ``points``) is within ``gap``; otherwise it walks out on a spiral
    around its position (golden angle, steps of gap/2) to the first free spot that is still
    inside its county. Deterministic: the same input gives the same picture."""
    placed = [(float(x), float(y)) for x, y in fixed]
    out = []
    for lon, lat, county in points:
        spot = (lon, lat)
        for k in range(400):
            if k:
                r = gap * (0.5 + 0.5 * math.sqrt(k))
                angle = k * 2.399963  # the golden angle: no two steps line up
                spot = (lon + r * math.cos(angle), lat + r * math.sin(angle))
                if not _inside(county, *spot):
                    continue
            if all(math.hypot(spot[0] - x, spot[1] - y) >= gap for x, y in placed):
                break
        else:  # a crowd too big to clear (not in this city): keep its own position
            spot = (lon, lat)
        placed.append(spot)
        out.append(spot)
    return out


def label_points(avoid: Sequence[tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """A copy of ``_label_points`` (memoized: the map passes the same markers each time)."""
    return dict(_label_points(tuple((float(x), float(y)) for x, y in avoid)))


@lru_cache(maxsize=8)
def _label_points(avoid: tuple[tuple[float, float], ...]) -> dict[str, tuple[float, float]]:
    """Where each county's name is written: the polygon's pole of inaccessibility, or the
    nearest spot around it (inside the county) that keeps clearest of the ``avoid`` points
    (markers), so a name is not hidden under the sites at its own county centre."""
    out = {}
    for county, polygon in _polygons().items():
        main = max(getattr(polygon, "geoms", [polygon]), key=lambda p: p.area)
        pole = polylabel(main, 0.002)
        inner = main.buffer(-0.02)
        candidates = [(pole.x, pole.y)] + [
            (pole.x + dx * 0.03 * step, pole.y + dy * 0.02 * step)
            for step in range(1, 9)
            for dx, dy in ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1),
                           (-1, 1))]
        inside = [c for c in candidates if inner.contains(Point(c))] or candidates[:1]
        # the first spot clear of every marker, else the one with the most room
        out[county] = max(inside, key=lambda c: min(_room(c, avoid), 1.0))
    return out


def _room(spot: tuple[float, float], avoid: Sequence[tuple[float, float]]) -> float:
    """How far the nearest marker is, in units of a name's half size (≥ 1: clear). A name
    is wider than tall, so the distance is measured in an ellipse."""
    return min((math.hypot((spot[0] - x) / 0.09, (spot[1] - y) / 0.035)
                for x, y in avoid), default=math.inf)


def county_labels(lang: str, avoid: Sequence[tuple[float, float]] = ()) -> go.Scattergeo:
    """The county names (``county_en`` from the outlines in English), as map text."""
    return go.Scattergeo(county_labels_trace(lang, avoid))


def county_labels_trace(lang: str, avoid: Sequence[tuple[float, float]] = ()) -> dict:
    """``county_labels`` as a plain trace dict (see ``figure_json``)."""
    points = label_points(avoid)
    counties = [c for c in data.county_names() if c in points]
    return {"type": "scattergeo",
            "lon": [points[c][0] for c in counties], "lat": [points[c][1] for c in counties],
            "mode": "text", "text": [data.county_label(c, lang) for c in counties],
            "textfont": {"size": 12, "color": LABEL, "family": FONT}, "hoverinfo": "skip",
            "showlegend": False, "meta": "county-labels", "name": ""}


def bounds(counties: Iterable[str], pad: float = 0.04) -> tuple[float, float, float, float] | None:
    """(lon_min, lon_max, lat_min, lat_max) framing ``counties``, with a margin."""
    return _bounds(tuple(counties), pad)


@lru_cache(maxsize=128)  # 63 county subsets; the union of shapes is the slow part
def _bounds(counties: tuple[str, ...], pad: float) -> tuple[float, float, float, float] | None:
    polygons = _polygons()
    shapes = [polygons[c] for c in counties if c in polygons]
    if not shapes:
        return None
    lon0, lat0, lon1, lat1 = unary_union(shapes).bounds
    return lon0 - pad, lon1 + pad, lat0 - pad, lat1 + pad


def outlines(highlight: set[str] | None = None, name: str = "",
             lang: str = "zh") -> go.Choropleth:
    """The county polygons with a plain fill; ``highlight`` counties slightly tinted."""
    return go.Choropleth(outlines_trace(highlight, name, lang))


def outlines_trace(highlight: set[str] | None = None, name: str = "",
                   lang: str = "zh") -> dict:
    """``outlines`` as a plain trace dict (see ``figure_json``): the GeoJSON is the one
    parsed copy, not a deep copy per figure as a plotly trace object makes."""
    counties = data.county_names()
    highlight = highlight or set()
    return {"type": "choropleth",
            "text": [data.county_label(c, lang) for c in counties],
            "geojson": data.counties_geojson(), "featureidkey": "properties.county",
            "locations": counties, "z": [1 if c in highlight else 0 for c in counties],
            "zmin": 0, "zmax": 1, "colorscale": [[0, LAND], [1, SELECTED_FILL]],
            "showscale": False, "marker": {"line": {"color": OUTLINE, "width": 1.2}},
            "name": name, "hovertemplate": "%{text}<extra></extra>", "showlegend": False}


def geo_layout(fig: go.Figure, height: int, focus: Iterable[str] = ()) -> go.Figure:
    """Offline geo axes framing the city, or the ``focus`` counties when given (the view
    is reset whenever the focus changes: ``uirevision`` names it)."""
    return fig.update_layout(geo_layout_json(height, focus))


def geo_layout_json(height: int, focus: Iterable[str] = ()) -> dict:
    """``geo_layout``'s layout as a plain dict (see ``figure_json``)."""
    online = online_basemap()
    focus = sorted(focus)
    frame = bounds(focus)
    fit = "geojson" if data.counties_geojson() is not None else "locations"
    geo = {"fitbounds": False if frame else fit, "visible": online,
           "projection": {"type": "mercator"}, "showcountries": online,
           "showcoastlines": online, "showland": online, "bgcolor": "white",
           "showframe": False, "resolution": 50 if online else 110}
    if frame:
        geo.update(lonaxis={"range": [frame[0], frame[1]]},
                   lataxis={"range": [frame[2], frame[3]]},
                   center={"lon": (frame[0] + frame[1]) / 2, "lat": (frame[2] + frame[3]) / 2})
    return {"geo": geo, "height": height, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "font": {"family": FONT, "size": 13}, "paper_bgcolor": "white",
            "hoverlabel": {"font": {"family": FONT}}, "uirevision": "map:" + ",".join(focus)}


# --- figures as plain JSON ---------------------------------------------------------------------
# A heritage filter redraws three figures. Built as plotly objects, every property set is
# validated and every ``update_*`` parses its paths (and a Choropleth deep-copies the
# GeoJSON): most of a request's time. The hot figures are built as the dicts plotly would
# produce instead (documents.py does the same for its status charts), and ``figure_json``
# finishes them the way ``go.Figure.to_plotly_json`` does: the default template, numeric
# arrays as typed arrays. The content is the same (tests/test_heritage_figures_json.py).


@cache
def colorscale(name: str) -> list:
    """A named plotly colour scale as the validator expands it (``"Blues"`` → stops)."""
    return [list(stop) for stop in go.Choropleth(colorscale=name).colorscale]

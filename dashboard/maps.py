"""Offline maps: county outlines from the published GeoJSON on a plain background.

No tiles and no online basemap: ``go.Choropleth`` draws the six county polygons and
``go.Scattergeo`` the points, with ``fitbounds="geojson"`` so the view frames the city.
Plotly's world topojson (which it asks for whenever a geo subplot has a located trace) is
a blank file served from ``assets/topojson``. ``LYG_ONLINE_BASEMAP=1`` switches on plotly's
coarse country and coastline layers only, still without tiles; nothing else goes online.
"""

from __future__ import annotations

import math
import os
from functools import cache

import plotly.graph_objects as go
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from dashboard import data
from dashboard.components import FONT, GRAPH_CONFIG

OUTLINE = "#6b6b6b"
LAND = "#f4f3ee"
SELECTED_FILL = "#dfe9f3"


data.on_reset(lambda: county_points.cache_clear())


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
    geo = data.counties_geojson()
    if geo is None:
        return {}
    out = {}
    for feature in geo["features"]:
        point = shape(feature["geometry"]).representative_point()
        out[feature["properties"]["county"]] = (point.x, point.y)
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


def spread(points: list[tuple[float, float, str | None]],
           radius: float = 0.03) -> list[tuple[float, float]]:
    """Display positions for (lon, lat, county) points: points that share one coordinate
    (several sites at the same county centre) are set on a small ring around it, so each
    can be seen, hovered and clicked. Only approximate points are passed in; a ring point
    that would leave its county is pulled back in."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, (lon, lat, _) in enumerate(points):
        groups.setdefault((round(lon, 6), round(lat, 6)), []).append(i)
    out = [(lon, lat) for lon, lat, _ in points]
    polygons = _polygons()
    for (lon, lat), members in groups.items():
        if len(members) < 2:
            continue
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / len(members) + math.pi / 2
            r = radius
            county = points[i][2]
            while r > 0.002:
                x, y = lon + r * math.cos(angle), lat + r * math.sin(angle)
                if county not in polygons or polygons[county].contains(Point(x, y)):
                    break
                r /= 2
            out[i] = (x, y)
    return out


data.on_reset(lambda: (_polygons.cache_clear(), city_point.cache_clear()))


def outlines(highlight: set[str] | None = None, name: str = "",
             lang: str = "zh") -> go.Choropleth:
    """The county polygons with a plain fill; ``highlight`` counties slightly tinted."""
    counties = data.county_names()
    highlight = highlight or set()
    return go.Choropleth(
        text=[data.county_label(c, lang) for c in counties],
        geojson=data.counties_geojson(), featureidkey="properties.county",
        locations=counties, z=[1 if c in highlight else 0 for c in counties],
        zmin=0, zmax=1, colorscale=[[0, LAND], [1, SELECTED_FILL]], showscale=False,
        marker={"line": {"color": OUTLINE, "width": 1.2}}, name=name,
        hovertemplate="%{text}<extra></extra>", showlegend=False,
    )


def geo_layout(fig: go.Figure, height: int) -> go.Figure:
    online = online_basemap()
    fit = "geojson" if data.counties_geojson() is not None else "locations"
    fig.update_geos(
        fitbounds=fit, visible=online, projection_type="mercator",
        showcountries=online, showcoastlines=online, showland=online, bgcolor="white",
        showframe=False, resolution=50 if online else 110,
    )
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      font={"family": FONT, "size": 13}, paper_bgcolor="white",
                      hoverlabel={"font": {"family": FONT}}, uirevision="map")
    return fig

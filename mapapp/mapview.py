"""The folium base map: basemap, the 1962 border, places, the legend.

The events are drawn by :mod:`mapapp.eventlayers`, claimed numbers by
:mod:`mapapp.claimsymbols` (as folium splits its plugins).

Text from data is HTML-escaped before it reaches any tooltip, because Leaflet inserts
tooltip content as HTML. The base map does not change when filters change; event
layers are separate feature groups (for ``st_folium(feature_group_to_add=...)``).
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
import xyzservices
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen
from folium.utilities import JsCode
from jinja2 import Template

from mapapp import templating
from mapapp.layers import BaseLayers
from mapapp.mapscripts import KEYS_JS, LABEL_JS
from mapapp.model import AREA_KINDS, EVENT_KINDS
from mapapp.style import KIND_COLOURS, KIND_LABELS

BORDER_STYLE = {
    "certain": {"color": "#7a0019", "weight": 3, "dashArray": None},
    "uncertain": {"color": "#7a0019", "weight": 3, "dashArray": "8 6"},
}
PLACE_LABEL_CSS = (
    "<style>.place-label{background:transparent;border:0;box-shadow:none;"
    "padding:0;font:11px sans-serif;color:#222;text-shadow:0 0 2px #fff,0 0 2px #fff}"
    ".place-label:before{display:none}"
    ".place-area{font-style:italic;letter-spacing:.08em;color:#555}"
    # the scale's text in Leaflet's own size: the page's larger font overflowed it
    ".leaflet-control-scale-line{font:11px/1.4 sans-serif;white-space:nowrap}"
    # a popup never wider than the map (a phone's map is narrower than its 320 px):
    # its frame adds 46 px, and Leaflet pans it 5 px clear of each edge
    ".leaflet-popup-content{max-width:calc(100vw - 70px)}"
    # a hover label wraps, never wider than the map (a zone's reason on one line
    # ran 800 px) and wide enough that the border's note (700 characters) fits the
    # map's height, in smaller type on a phone; the script keeps it inside the map
    # (mapscripts.LABEL_JS)
    ".leaflet-tooltip:not(.place-label){white-space:normal;"
    "width:max-content;max-width:min(560px,calc(100vw - 24px))}"
    ".leaflet-tooltip.moved-in:before{display:none}"
    "@media (max-width:500px){.leaflet-tooltip:not(.place-label){font-size:11px;"
    "line-height:1.3;padding:4px}}</style>"
)

STATE_FILL = {"PRC": "#efe6d2", "USSR": "#e3e9f2", "MPR": "#eeeeee"}
# East of the line, so that a phone's narrow map holds Khorgos and Hoboksar alike
CENTER = (45.2, 82.6)
ZOOM = 6
# Optional online basemaps, as providers: folium looks a plain URL up among all of
# xyzservices' providers by name (about 7 ms a layer, on every rerun) to find none.
TILES = {
    name: xyzservices.TileProvider(name=name, url=url, attribution=attribution)
    for name, url, attribution in (
        (
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "© OpenStreetMap contributors",
        ),
        (
            "Terrain (OpenTopoMap)",
            "https://tile.opentopomap.org/{z}/{x}/{y}.png",
            "© OpenStreetMap contributors, SRTM; style © OpenTopoMap (CC BY-SA)",
        ),
    )
}


def esc(value: object) -> str:
    """Escape a value for HTML (tooltips and popups render HTML)."""
    return html.escape("" if value is None else str(value), quote=True)


def geojson_of(frame: gpd.GeoDataFrame, columns: Sequence[str]) -> dict:
    """Return a GeoJSON dict of a frame with only the given (escaped) columns."""
    props = (
        frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
    )
    features = []
    geoms = shapely.to_geojson(frame.geometry.values)
    for geom, row, fid in zip(
        geoms, props.itertuples(index=False), frame.index, strict=True
    ):
        features.append(
            {
                "type": "Feature",
                "id": str(fid),
                "geometry": json.loads(geom),
                "properties": dict(zip(columns, row, strict=True)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class BaseGeoJSON:
    """The base layers as display-ready GeoJSON (simplified, rounded, escaped).

    Computing these is the costly part of the base map: do it once (e.g. in a
    cache) and build the folium map from them on every rerun with :func:`base_map`.
    """

    basemap: dict
    zones: dict
    border: dict
    places: dict
    labels: dict
    bounds: list[list[float]]
    """``[[south, west], [north, east]]`` of the 1962 border."""


class BaseMap(folium.Map):
    """A folium map whose bounds are given, not computed from its layers.

    streamlit-folium asks every map for its bounds on every run (for the value it
    returns before the browser reports one), and folium computes them by walking
    every coordinate of every layer: a fifth of a rerun for the base layers.
    """

    def __init__(self, *args: Any, bounds: list[list[float]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._known_bounds = bounds

    def get_bounds(self) -> list[list[float]]:
        """Return the bounds given at creation."""
        return [list(corner) for corner in self._known_bounds]


LABELLED_KINDS = (
    "city",
    "county-seat",
    "town",
    "crossing-point",
    "border-post",
    "capital",
)
# When two labels overlap, the lower rank is hidden (LABEL_JS); ties: first drawn.
LABEL_RANK = {
    "capital": 6,
    "city": 5,
    "crossing-point": 4,
    "county-seat": 3,
    "border-post": 2,
    "town": 1,
}


def _prepared(frame: gpd.GeoDataFrame, columns: Sequence[str]) -> dict:
    """Return :func:`geojson_of` as a :class:`~mapapp.templating.PreparedJSON`."""
    return templating.PreparedJSON(geojson_of(frame, columns))


def base_geojson(layers: BaseLayers) -> BaseGeoJSON:
    """Return the display-ready GeoJSON of the base layers (JSON text made once)."""
    basemap = for_display(layers.basemap, tolerance=0.007, decimals=3)
    zones = for_display(layers.zones, tolerance=0.001, decimals=4)
    border = for_display(layers.border, tolerance=0.001, decimals=4)
    border = border.assign(
        basis_text=border["basis"].map(
            lambda b: esc("; ".join(b) if isinstance(b, list | np.ndarray) else b)
        ),
        note_text=border["note"].map(esc),
    )
    places = layers.places[~layers.places["far"].to_numpy(dtype=bool)].copy()
    places["name_1962"] = places["label"].map(esc)
    places["other"] = places["other_names"].map(lambda names: esc(" · ".join(names)))
    places["where"] = (
        places["side"].fillna("outside the study area").astype(str)
        + ", "
        + places["distance_km"].map(lambda d: f"{d:.0f} km from the 1962 line")
    )
    area = places["kind"].isin(AREA_KINDS).to_numpy(dtype=bool)
    labelled = places[places["kind"].isin(LABELLED_KINDS) | area]
    places = places[~area]  # a region is a name on the map, never a point
    x0, y0, x1, y1 = layers.border.total_bounds
    return BaseGeoJSON(
        basemap=_prepared(
            basemap.assign(name=basemap["name"].map(esc)), ["layer", "name", "state"]
        ),
        zones=_prepared(
            zones.assign(reason=zones["reason"].map(esc)), ["name", "reason"]
        ),
        border=_prepared(border, ["id", "certainty", "basis_text", "note_text"]),
        places=_prepared(places, ["name_1962", "other", "where", "precision"]),
        labels=_prepared(
            labelled.assign(
                # Soviet-side names a little above their point, Chinese a little
                # below, so the twin towns on the line (Khorgos) do not overprint.
                # (Labels sit to the right: Leaflet places left-hand labels before
                # its CSS has sized them, far off the point.)
                direction=np.where(
                    labelled["kind"].isin(AREA_KINDS),
                    "area",
                    np.where(labelled["state_1962"] == "USSR", "up", "down"),
                ),
                # which label gives way when two collide: the higher rank wins
                rank=labelled["kind"].map(LABEL_RANK).fillna(0).astype(int),
            ),
            ["name_1962", "direction", "rank"],
        ),
        bounds=[[float(y0), float(x0)], [float(y1), float(x1)]],
    )


def base_map(
    base: BaseGeoJSON,
    tiles: Iterable[str] = (),
    view: tuple[float, float, int] | None = None,
) -> folium.Map:
    """Return the map that stays the same across reruns (cheap: build it each run).

    Parameters
    ----------
    base : BaseGeoJSON
        From :func:`base_geojson`.
    tiles : iterable of str
        Names from :data:`TILES` to offer as optional basemaps (they need internet;
        the vector basemap always works, and failing tiles break nothing else).
    view : (lat, lon, zoom), optional
        Where the map opens (default: the frontier's overview).
    """
    lat, lon, zoom = view or (*CENTER, ZOOM)
    m = BaseMap(
        bounds=base.bounds,
        location=(lat, lon),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        maxZoom=12,
        minZoom=3,
    )
    vector = folium.FeatureGroup(
        name="Vector basemap (offline)", overlay=False, control=True
    )
    folium.GeoJson(
        base.basemap,
        style_function=_basemap_style,
        name="Land and lakes",
        control=False,
    ).add_to(vector)
    vector.add_to(m)
    for name in tiles:
        provider = TILES[name]
        folium.TileLayer(
            provider, attr=provider.attribution, name=name, overlay=False, show=False
        ).add_to(m)
    folium.GeoJson(
        base.zones,
        name="Uncertain 1962 line (zones)",
        style_function=lambda f: {
            "color": "#b35806",
            "weight": 1,
            "dashArray": "3 3",
            "fillColor": "#fdb863",
            "fillOpacity": 0.35,
        },
        tooltip=folium.GeoJsonTooltip(["name", "reason"], aliases=["Zone", "Why"]),
    ).add_to(m)
    folium.GeoJson(
        base.border,
        name="1962 border",
        style_function=lambda f: {
            **BORDER_STYLE.get(f["properties"]["certainty"], BORDER_STYLE["uncertain"]),
            "opacity": 0.9,
        },
        tooltip=folium.GeoJsonTooltip(
            ["certainty", "basis_text", "note_text"], aliases=["Line", "Basis", "Note"]
        ),
    ).add_to(m)
    place_layer(base).add_to(m)
    Fullscreen(
        position="topleft", title="Full screen", title_cancel="Leave full screen"
    ).add_to(m)
    m.get_root().html.add_child(_static_element("legend", legend_html))
    m.get_root().header.add_child(_static_element("labels", lambda: PLACE_LABEL_CSS))
    m.add_child(_static_script("label-js", lambda: LABEL_JS))
    m.add_child(_static_script("keys-js", lambda: KEYS_JS))
    return m


@functools.cache
def _template(name: str, make: Callable[[], str]) -> Template:
    return Template(make())


def _static_element(name: str, make: Callable[[], str]) -> Element:
    """Return an Element of fixed HTML whose template is compiled once per process."""
    element = Element()
    element._template = _template(name, make)
    return element


def _static_script(name: str, make: Callable[[], str]) -> MacroElement:
    """Return a map child whose fixed JavaScript runs with the map's own script.

    (streamlit-folium renders the map's children's ``script`` macros, not the
    page's script section.)
    """
    element = MacroElement()
    element._template = _template(
        name, lambda: "{% macro script(this, kwargs) %}" + make() + "{% endmacro %}"
    )
    return element


def _basemap_style(feature: dict) -> dict:
    if feature["properties"]["layer"] == "lake":
        return {
            "color": "#5b8db8",
            "weight": 0.5,
            "fillColor": "#b9d3ea",
            "fillOpacity": 1,
        }
    return {
        "color": "#8c8c8c",
        "weight": 0.8,
        "fillColor": STATE_FILL.get(feature["properties"]["state"], "#eeeeee"),
        "fillOpacity": 1,
    }


def for_display(
    frame: gpd.GeoDataFrame, tolerance: float, decimals: int
) -> gpd.GeoDataFrame:
    """Return a lighter copy for drawing: simplified and rounded coordinates.

    The analysis (sides, distances) always uses the full layers; this only trims
    what is sent to the browser (``decimals=4`` is about 10 m).
    """
    geoms = shapely.simplify(frame.geometry.values, tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms, 10.0**-decimals)
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def place_layer(base: BaseGeoJSON) -> folium.FeatureGroup:
    """Return the places: labelled with their 1962 names, other names on hover."""
    group = folium.FeatureGroup(name="Places (1962 names)")
    folium.GeoJson(
        base.places,
        marker=folium.CircleMarker(
            radius=3, color="#333333", fill=True, fill_opacity=1
        ),
        tooltip=folium.GeoJsonTooltip(
            ["name_1962", "other", "where", "precision"],
            aliases=["1962 name", "Other names", "Side", "Coordinate"],
        ),
    ).add_to(group)
    # A permanent label per place; the name is already HTML-escaped.
    folium.GeoJson(
        base.labels,
        marker=folium.CircleMarker(radius=0, opacity=0, fill=False),
        on_each_feature=JsCode(
            "function(feature, layer) {"
            " var d = feature.properties.direction, area = d === 'area';"
            " layer.bindTooltip(feature.properties.name_1962, {permanent: true,"
            " direction: 'right',"
            # a region's name sits under its seat's (Leaflet places centred labels
            # before its CSS has sized them, far off the point)
            " offset: area ? [5, 20] : [5, d === 'up' ? -6 : 6],"
            " className: 'place-label place-rank-' + feature.properties.rank"
            " + (area ? ' place-area' : '')}); }"
        ),
    ).add_to(group)
    return group


def legend_html() -> str:
    """Return the map legend, folded: kinds, line certainty, zones, figures.

    It opens on a click on "Legend"; below Leaflet's tooltip pane (650), so a
    tooltip is never drawn under it.
    """
    dot = (
        '<span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
        'background:{};margin-right:4px"></span>'
    )
    kinds = " ".join(
        f'<span style="white-space:nowrap">{dot.format(KIND_COLOURS[k])}'
        f"{KIND_LABELS[k]}</span>"
        for k in EVENT_KINDS
    )
    line = (
        '<svg width="24" height="8" aria-hidden="true"><line x1="0" y1="4" x2="24" '
        'y2="4" stroke="#7a0019" stroke-width="3"{}/></svg>'
    )
    dashed = line.format(' stroke-dasharray="6 4"')
    return (
        '<details id="map-legend" role="region" aria-label="Map legend" '
        'style="position:fixed;bottom:22px;right:10px;z-index:640;max-width:250px;'
        "background:rgba(255,255,255,.94);padding:4px 8px;border:1px solid #888;"
        'border-radius:4px;font:11px/1.35 sans-serif;color:#111">'
        '<summary style="cursor:pointer;font-weight:bold">Legend</summary>'
        f"<div>{kinds}</div>"
        f'<div style="margin-top:3px">{line.format("")} 1962 border (treaty line)</div>'
        f"<div>{dashed} border uncertain: maps differ</div>"
        '<div><span style="display:inline-block;width:22px;height:9px;'
        'background:#fdb863;border:1px dashed #b35806"></span> zone where the 1962 '
        "line is not known</div>"
        '<div><span style="display:inline-block;width:11px;height:11px;'
        'border-radius:50%;border:2px solid #444"></span> claimed number of people '
        "(area ∝ figure; hover: who claims it)</div>"
        "<div>▶ route of a crossing; dashed if its crossing point is inferred</div>"
        '<div><span style="display:inline-block;width:11px;height:11px;'
        'border-radius:50%;background:#3d3d3d;opacity:.6"></span> many events, '
        "counted per area (large files; zoom in to see each)</div>"
        "</details>"
    )

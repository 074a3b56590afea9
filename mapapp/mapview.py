"""The folium map: a stable base (basemap, border, places) and per-kind event layers.

Text from data is HTML-escaped before it reaches any tooltip, because Leaflet inserts
tooltip content as HTML. The base map does not change when filters change; event
layers are separate feature groups (for ``st_folium(feature_group_to_add=...)``).
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element
from folium.plugins import Fullscreen
from folium.utilities import JsCode
from jinja2 import Template

from mapapp import templating
from mapapp.dataset import Dataset
from mapapp.layers import BaseLayers
from mapapp.model import EVENT_KINDS
from mapapp.style import KIND_COLOURS, KIND_LABELS

BORDER_STYLE = {
    "certain": {"color": "#7a0019", "weight": 3, "dashArray": None},
    "uncertain": {"color": "#7a0019", "weight": 3, "dashArray": "8 6"},
}
PLACE_LABEL_CSS = (
    "<style>.place-label{background:transparent;border:0;box-shadow:none;"
    "padding:0;font:11px sans-serif;color:#222;text-shadow:0 0 2px #fff,0 0 2px #fff}"
    ".place-label:before{display:none}</style>"
)

STATE_FILL = {"PRC": "#efe6d2", "USSR": "#e3e9f2", "MPR": "#eeeeee"}
CENTER = (45.2, 81.6)
ZOOM = 6
TILES = {
    "OpenStreetMap": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "© OpenStreetMap contributors",
    ),
    "Terrain (OpenTopoMap)": (
        "https://tile.opentopomap.org/{z}/{x}/{y}.png",
        "© OpenStreetMap contributors, SRTM; style © OpenTopoMap (CC BY-SA)",
    ),
}


def esc(value: object) -> str:
    """Escape a value for HTML (tooltips and popups render HTML)."""
    return html.escape("" if value is None else str(value), quote=True)


def _geojson(frame: gpd.GeoDataFrame, columns: Sequence[str]) -> dict:
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


def _prepared(frame: gpd.GeoDataFrame, columns: Sequence[str]) -> dict:
    """Return :func:`_geojson` as a :class:`~mapapp.templating.PreparedJSON`."""
    return templating.PreparedJSON(_geojson(frame, columns))


def base_geojson(layers: BaseLayers) -> BaseGeoJSON:
    """Return the display-ready GeoJSON of the base layers (JSON text made once)."""
    basemap = for_display(layers.basemap, tolerance=0.005, decimals=3)
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
    labelled = places[places["kind"].isin(LABELLED_KINDS)]
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
                direction=np.where(labelled["state_1962"] == "USSR", "up", "down")
            ),
            ["name_1962", "direction"],
        ),
        bounds=[[float(y0), float(x0)], [float(y1), float(x1)]],
    )


def base_map(base: BaseGeoJSON, tiles: Iterable[str] = ()) -> folium.Map:
    """Return the map that stays the same across reruns (cheap: build it each run).

    Parameters
    ----------
    base : BaseGeoJSON
        From :func:`base_geojson`.
    tiles : iterable of str
        Names from :data:`TILES` to offer as optional basemaps (they need internet;
        the vector basemap always works, and failing tiles break nothing else).
    """
    m = BaseMap(
        bounds=base.bounds,
        location=CENTER,
        zoom_start=ZOOM,
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
        url, attribution = TILES[name]
        folium.TileLayer(
            url, attr=attribution, name=name, overlay=False, show=False
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
    return m


@functools.cache
def _template(name: str, make: Callable[[], str]) -> Template:
    return Template(make())


def _static_element(name: str, make: Callable[[], str]) -> Element:
    """Return an Element of fixed HTML whose template is compiled once per process."""
    element = Element()
    element._template = _template(name, make)
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
            " var up = feature.properties.direction === 'up';"
            " layer.bindTooltip(feature.properties.name_1962, {permanent: true,"
            " direction: 'right', offset: [5, up ? -6 : 6],"
            " className: 'place-label'}); }"
        ),
    ).add_to(group)
    return group


def legend_html() -> str:
    """Return the map legend (collapsible): kinds, line certainty, zones, figures."""
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
        '<details id="map-legend" open role="region" aria-label="Map legend" '
        'style="position:fixed;bottom:22px;right:10px;z-index:999;max-width:250px;'
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


def arrowheads(lines: np.ndarray, size_deg: float = 0.12) -> np.ndarray:
    """Return a triangle at the end of each line (or of each part of a multiline).

    Returns
    -------
    ndarray of (part index into ``lines``, Polygon)
    """
    parts, of = shapely.get_parts(lines, return_index=True)
    keep = shapely.get_num_coordinates(parts) >= 2
    parts, of = parts[keep], of[keep]
    if not len(parts):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=object)
    n = shapely.get_num_coordinates(parts)
    end = shapely.get_coordinates(shapely.get_point(parts, -1))
    before = shapely.get_coordinates(shapely.get_point(parts, n - 2))
    # work in a frame where a degree of longitude is as long as one of latitude
    scale = np.cos(np.radians(end[:, 1]))
    dx, dy = (end[:, 0] - before[:, 0]) * scale, end[:, 1] - before[:, 1]
    length = np.hypot(dx, dy)
    length[length == 0] = 1
    ux, uy = dx / length, dy / length
    back = np.stack([end[:, 0] - ux * size_deg / scale, end[:, 1] - uy * size_deg], 1)
    side = np.stack([-uy * size_deg * 0.5 / scale, ux * size_deg * 0.5], 1)
    rings = np.stack([end, back + side, back - side, end], 1)
    return of, shapely.polygons(rings)


def event_frame(data: Dataset, events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add what the map shows (escaped title, human date) to geocoded events."""
    by_id = {ev.id: ev for ev in data.events}
    out = events.copy()
    out["title_html"] = out["id"].map(lambda i: esc(by_id[i].title))
    out["date_text"] = out["id"].map(lambda i: esc(by_id[i].when.human()))
    out["approximate"] = out["id"].map(lambda i: by_id[i].when.approximate)
    return out.set_index("id", drop=False)


@dataclass(frozen=True)
class EventFeatures:
    """The drawable events as ready GeoJSON features (compute once, pick per rerun).

    Attributes
    ----------
    features : dict
        Event id to its GeoJSON features (escaped title, human date): one, or one
        per point of a multi-site event (feature ids ``ID``, ``ID@1``, …); only
        events located on the frontier map (not far away, not unlocated).
    arrows : dict
        Event id to the arrowhead features at the ends of its routes.
    points : DataFrame
        One point on each drawable event (index id; ``lon``, ``lat``, ``kind``), for
        counting events per area when there are too many to draw
        (:mod:`mapapp.density`).
    pending : GeoDataFrame, optional
        Drawable events whose features are built on demand (:meth:`ensure`).
    """

    features: dict[str, list[dict]]
    arrows: dict[str, list[dict]]
    points: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"lon": [], "lat": [], "kind": []}, index=pd.Index([], name="id")
        )
    )
    pending: gpd.GeoDataFrame | None = None

    def ensure(self, ids: Iterable[str | None]) -> None:
        """Build the features of those events that are pending (in one batch)."""
        if self.pending is None:
            return
        todo = [
            i
            for i in dict.fromkeys(ids)
            if i is not None and i not in self.features and i in self.pending.index
        ]
        if todo:
            features, arrows = _features(self.pending.loc[todo])
            self.features.update(features)  # shared between sessions: only grows
            self.arrows.update(arrows)


_FEATURE_COLUMNS = [
    "id",
    "kind",
    "title_html",
    "date_text",
    "crossing_inferred",
    "geo_precision",
    "approximate",
]


def _features(
    shown: gpd.GeoDataFrame,
) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Return the GeoJSON features and arrowheads of some drawable events."""
    # MultiPoints are drawn as separate points: Leaflet 1.9.3 fails ("getElement is
    # not a function") binding a tooltip to a GeoJSON layer holding nested groups.
    parts = shown.explode(index_parts=False)
    first = ~parts.index.duplicated()
    part_no = parts.groupby(level=0).cumcount().to_numpy()
    parts.index = [
        i if keep else f"{i}@{n}"
        for i, keep, n in zip(parts.index, first, part_no, strict=True)
    ]
    features: dict[str, list[dict]] = {}
    for feature in _geojson(parts, _FEATURE_COLUMNS)["features"]:
        features.setdefault(feature["properties"]["id"], []).append(feature)
    lines = shown[shown.geom_type.isin(["LineString", "MultiLineString"])]
    arrows: dict[str, list[dict]] = {}
    if len(lines):
        of, heads = arrowheads(lines.geometry.values)
        ids = lines["id"].to_numpy()[of]
        tips = gpd.GeoDataFrame({"id": ids}, geometry=heads, crs=4326)
        tips.index = [f"{i}>{n}" for n, i in enumerate(ids)]
        for feature in _geojson(tips, ["id"])["features"]:
            arrows.setdefault(feature["properties"]["id"], []).append(feature)
    return features, arrows


def event_features(events: gpd.GeoDataFrame, eager: int | None = None) -> EventFeatures:
    """Return the GeoJSON features of the drawable events of :func:`event_frame`.

    Up to ``eager`` drawable events (default :data:`mapapp.density.DETAIL_LIMIT`)
    the features are built at once; beyond, only the points are, and the features
    of the events actually drawn are built when first asked for
    (:meth:`EventFeatures.ensure`): a map never draws more than that many one by one.
    """
    from mapapp.density import DETAIL_LIMIT

    shown = events[events["located"] & ~events["far"]]
    anchor = shapely.point_on_surface(shown.geometry.values)
    points = pd.DataFrame(
        {
            "lon": shapely.get_x(anchor),
            "lat": shapely.get_y(anchor),
            "kind": shown["kind"].to_numpy(),
        },
        index=pd.Index(shown["id"].to_numpy(), name="id"),
    )
    if len(shown) > (DETAIL_LIMIT if eager is None else eager):
        return EventFeatures({}, {}, points, shown[[*_FEATURE_COLUMNS, "geometry"]])
    features, arrows = _features(shown)
    return EventFeatures(features, arrows, points)


def event_groups(
    drawable: EventFeatures, ids: Iterable[str], selected: str | None = None
) -> list[folium.FeatureGroup]:
    """Return one feature group per kind, each holding one GeoJson layer of its events.

    Parameters
    ----------
    drawable : EventFeatures
        From :func:`event_features`.
    ids : iterable of str
        The events to draw (already filtered); ids that are not drawable (far away,
        unlocated) are skipped: the app lists them.
    selected : str, optional
        The id of the selected event, drawn highlighted in its own group.
    """
    ids = list(ids)
    drawable.ensure([*ids, selected])
    chosen = [f for i in ids for f in drawable.features.get(i, [])]
    groups = []
    for kind in EVENT_KINDS:
        rows = [f for f in chosen if f["properties"]["kind"] == kind]
        events = len({f["properties"]["id"] for f in rows})  # not parts of events
        group = folium.FeatureGroup(name=f"{KIND_LABELS[kind]} ({events})")
        if rows:
            _event_geojson(rows, KIND_COLOURS[kind]).add_to(group)
            event_ids = dict.fromkeys(f["properties"]["id"] for f in rows)
            tips = [t for i in event_ids for t in drawable.arrows.get(i, [])]
            if tips:
                folium.GeoJson(
                    {"type": "FeatureCollection", "features": tips},
                    style_function=lambda f, c=KIND_COLOURS[kind]: {
                        "color": c,
                        "weight": 1,
                        "fillColor": c,
                        "fillOpacity": 1,
                    },
                    control=False,
                ).add_to(group)
        groups.append(group)
    if selected and selected in drawable.features:
        group = folium.FeatureGroup(name="Selected event", control=False)
        folium.GeoJson(
            {"type": "FeatureCollection", "features": drawable.features[selected]},
            style_function=lambda f: {"color": "#000000", "weight": 7, "opacity": 0.35},
            marker=folium.CircleMarker(
                radius=12, color="#000000", weight=3, fill=False
            ),
            tooltip=folium.GeoJsonTooltip(["date_text", "title_html"], labels=False),
        ).add_to(group)
        # drawn first, so it lies under the event: a halo that never blocks a click
        groups.insert(0, group)
    return groups


def _event_geojson(rows: list[dict], colour: str) -> folium.GeoJson:
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": rows},
        style_function=lambda f: {
            "color": colour,
            "weight": 3,
            "opacity": 0.9,
            "fillColor": colour,
            "fillOpacity": 0.8 if not f["properties"]["approximate"] else 0.35,
            "dashArray": "6 5" if f["properties"]["crossing_inferred"] else None,
        },
        highlight_function=lambda f: {"weight": 6, "fillOpacity": 1},
        marker=folium.CircleMarker(radius=7, weight=2, fill=True),
        tooltip=folium.GeoJsonTooltip(["date_text", "title_html"], labels=False),
    )


def claim_symbols(claims: pd.DataFrame) -> folium.FeatureGroup:
    """Return proportional circles for claimed numbers of people, with the claimant.

    Parameters
    ----------
    claims : DataFrame
        ``event``, ``lon``, ``lat``, ``value``, ``figure``, ``claimant``, ``scope``,
        ``grade`` (one row per claim about people).
    """
    group = folium.FeatureGroup(name="Claimed numbers of people")
    if not len(claims):
        return group
    frame = gpd.GeoDataFrame(
        claims.assign(
            radius=np.sqrt(claims["value"].to_numpy(dtype=float)) / 8 + 4,
            text=[
                esc(f"{f} people, claimed by {c} (grade {g}): {s}")
                for f, c, g, s in zip(
                    claims["figure"],
                    claims["claimant"],
                    claims["grade"],
                    claims["scope"],
                    strict=True,
                )
            ],
        ).sort_values("value", ascending=False),
        geometry=gpd.points_from_xy(claims["lon"], claims["lat"]),
        crs=4326,
    )
    frame.index = [f"{e}#{i}" for i, e in enumerate(frame["event"])]
    folium.GeoJson(
        _geojson(frame, ["event", "text", "radius"]),
        marker=folium.CircleMarker(fill=True),
        style_function=lambda f: {
            "radius": f["properties"]["radius"],
            "color": "#444444",
            "weight": 1.5,
            "fillColor": "#ffffff",
            "fillOpacity": 0.15,
        },
        tooltip=folium.GeoJsonTooltip(["text"], labels=False),
    ).add_to(group)
    return group


def claims_frame(data: Dataset, events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return one row per claim about people, placed at its event on the map.

    Routes place their figure at the crossing (the second vertex of the first route);
    other events at a point on their geometry. Unlocated and far events are left out.
    """
    shown = events[events["located"] & ~events["far"]]
    first = shapely.get_geometry(shown.geometry.values, 0)
    is_line = shapely.get_type_id(first) == 1
    anchor = np.where(
        is_line,
        shapely.get_point(first, 1),
        shapely.point_on_surface(shown.geometry.values),
    )
    where = dict(zip(shown["id"], anchor, strict=True))
    grades = {sid: s.grade for sid, s in data.sources.items()}
    rows = []
    for ev in data.events:
        if ev.id not in where:
            continue
        for c in ev.claims:
            if c.quantity != "people":
                continue
            value = c.value if c.value is not None else c.high
            rows.append(
                {
                    "event": ev.id,
                    "lon": shapely.get_x(where[ev.id]),
                    "lat": shapely.get_y(where[ev.id]),
                    "value": value,
                    "figure": c.figure(),
                    "claimant": c.claimant,
                    "scope": c.scope,
                    "grade": grades.get(c.source, "?"),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "event",
            "lon",
            "lat",
            "value",
            "figure",
            "claimant",
            "scope",
            "grade",
        ],
    )

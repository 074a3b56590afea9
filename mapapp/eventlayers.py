"""The event layers of the map: one feature group per kind, routes with arrowheads.

Text from data is HTML-escaped (:func:`mapapp.mapview.esc`) before it reaches any
tooltip. Event layers are separate feature groups, for
``st_folium(feature_group_to_add=...)``: the base map does not change with filters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapapp.dataset import Dataset
from mapapp.density import DETAIL_LIMIT
from mapapp.mapview import esc, geojson_of
from mapapp.model import EVENT_KINDS, Event
from mapapp.style import KIND_COLOURS, KIND_LABELS, tour_style

# degrees: a clicked marker's position as the browser reports it (Leaflet rounds
# to 6 decimals) against the position it was drawn at
CLICK_TOLERANCE = 1e-5
OVERLAP_PX = 14  # two event circles (radius 7 px) this close overlap on the screen


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
    out["figures_html"] = out["id"].map(lambda i: figures_html(by_id[i]))
    out["details"] = POPUP_DETAILS
    return out.set_index("id", drop=False)


def figures_html(event: Event) -> str:
    """Return an event's figures with who claims each, escaped, joined by "; ".

    Shown in the popup a click opens on the map (drawn in the browser at once,
    before the server answers with the full detail).
    """
    lines = [
        esc(f"{c.figure()} {c.quantity}, claimed by {c.claimant}") for c in event.claims
    ]
    return "; ".join(lines) if lines else "No figures claimed."


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
    "figures_html",
    "details",
]
POPUP_DETAILS = "Sources, places and quotes: in the event's detail."


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
    for feature in geojson_of(parts, _FEATURE_COLUMNS)["features"]:
        features.setdefault(feature["properties"]["id"], []).append(feature)
    lines = shown[shown.geom_type.isin(["LineString", "MultiLineString"])]
    arrows: dict[str, list[dict]] = {}
    if len(lines):
        of, heads = arrowheads(lines.geometry.values)
        ids = lines["id"].to_numpy()[of]
        tips = gpd.GeoDataFrame({"id": ids}, geometry=heads, crs=4326)
        tips.index = [f"{i}>{n}" for n, i in enumerate(ids)]
        for feature in geojson_of(tips, ["id"])["features"]:
            arrows.setdefault(feature["properties"]["id"], []).append(feature)
    return features, arrows


def event_features(events: gpd.GeoDataFrame, eager: int | None = None) -> EventFeatures:
    """Return the GeoJSON features of the drawable events of :func:`event_frame`.

    Up to ``eager`` drawable events (default :data:`mapapp.density.DETAIL_LIMIT`)
    the features are built at once; beyond, only the points are, and the features
    of the events actually drawn are built when first asked for
    (:meth:`EventFeatures.ensure`): a map never draws more than that many one by one.
    """
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
        # marked, so the map's script knows the selection (mapscripts.KEYS_JS)
        halo = [
            {**f, "properties": {**f["properties"], "selected": True}}
            for f in drawable.features[selected]
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": halo},
            style_function=lambda f: {"color": "#000000", "weight": 7, "opacity": 0.35},
            marker=folium.CircleMarker(
                radius=12, color="#000000", weight=3, fill=False
            ),
            tooltip=folium.GeoJsonTooltip(["date_text", "title_html"], labels=False),
        ).add_to(group)
        # drawn first, so it lies under the event: a halo that never blocks a click
        groups.insert(0, group)
    return groups


def tour_groups(
    drawable: EventFeatures, earlier: Iterable[str], event: str, kind: str
) -> list[folium.FeatureGroup]:
    """Return a tour step's layers: the earlier steps' events faded, and this one's.

    The styles are :data:`mapapp.style.TOUR_STYLES`, which the offline tour's player
    (:mod:`mapapp.tourhtml`) is given too.

    Parameters
    ----------
    drawable : EventFeatures
    earlier : iterable of str
        The events of the steps before this one (this step's own event left out).
    event, kind : str
        This step's event and its kind.
    """
    earlier = [e for e in dict.fromkeys(earlier) if e != event]
    drawable.ensure([*earlier, event])
    faded = folium.FeatureGroup(name="Earlier steps")
    for layer in _tour_layer(
        drawable, earlier, tour_style("earlier", kind), tour_style("earlier_tip", kind)
    ):
        layer.add_to(faded)
    current = folium.FeatureGroup(name="This step")
    shapes = drawable.features.get(event, [])
    if shapes:
        halo, halo_point = tour_style("halo", kind), tour_style("halo_point", kind)
        folium.GeoJson(
            {"type": "FeatureCollection", "features": shapes},
            style_function=lambda f: (
                halo_point if f["geometry"]["type"] == "Point" else halo
            ),
            marker=folium.CircleMarker(radius=halo_point["radius"], fill=False),
        ).add_to(current)
    for layer in _tour_layer(
        drawable, [event], tour_style("step", kind), tour_style("step_tip", kind)
    ):
        layer.add_to(current)
    return [faded, current]


def _tour_layer(
    drawable: EventFeatures, ids: list[str], style: dict, tip: dict
) -> list[folium.GeoJson]:
    shapes = [f for i in ids for f in drawable.features.get(i, [])]
    tips = [f for i in ids for f in drawable.arrows.get(i, [])]
    out = []
    if shapes:
        out.append(
            folium.GeoJson(
                {"type": "FeatureCollection", "features": shapes},
                style_function=lambda f: style,
                marker=folium.CircleMarker(radius=style["radius"], fill=True),
                tooltip=folium.GeoJsonTooltip(
                    ["date_text", "title_html"], labels=False
                ),
            )
        )
    if tips:
        out.append(
            folium.GeoJson(
                {"type": "FeatureCollection", "features": tips},
                style_function=lambda f: tip,
            )
        )
    return out


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
        popup=folium.GeoJsonPopup(
            ["date_text", "title_html", "figures_html", "details"],
            labels=False,
            max_width=320,
            # opened clear of the zoom and layers buttons (to 106 px from the top):
            # on a phone they covered its close button
            auto_pan_padding_top_left=[5, 112],
        ),
    )


def drawn_at(
    drawable: EventFeatures,
    lon: float,
    lat: float,
    ids: Iterable[str],
    zoom: float | None = None,
) -> list[str]:
    """Return the events of ``ids`` that have a point drawn at ``(lon, lat)``.

    An event drawn at several places (a visit from Yining to Tacheng) is clicked at
    one of them; the events to choose from are those drawn where the click was. At
    a ``zoom``, a point counts when its marker overlaps the clicked one on the
    screen (Yining and its Soviet consulate, 2 km apart, are one pile of markers
    below zoom 10). Only points count: a line is reached by a click anywhere along
    it.

    Examples
    --------
    >>> point = {"type": "Point", "coordinates": [81.3, 43.9]}
    >>> other = {"type": "Point", "coordinates": [83.0, 46.7]}
    >>> f = lambda g: [{"type": "Feature", "geometry": g, "properties": {}}]
    >>> d = EventFeatures({"a": f(point) + f(other), "b": f(point), "c": f(other)}, {})
    >>> drawn_at(d, 81.3, 43.9, ["a", "b", "c"])
    ['a', 'b']
    """
    near = CLICK_TOLERANCE
    if zoom is not None:  # degrees of longitude per screen pixel, Web Mercator
        near = max(near, OVERLAP_PX * 360 / (256 * 2**zoom))
    near_lat = near * math.cos(math.radians(lat))
    ids = list(ids)
    pending = drawable.pending
    if pending is not None:  # build only the features of events near the point
        box = shapely.box(lon - near, lat - near_lat, lon + near, lat + near_lat)
        unbuilt = [i for i in ids if i not in drawable.features]
        waiting = pending.index.intersection(unbuilt)
        near_box = pending.loc[waiting].geometry.intersects(box)
        drawable.ensure(waiting[near_box.to_numpy()])
    found = []
    for event_id in ids:
        for feature in drawable.features.get(event_id, []):
            geometry = feature.get("geometry") or {}
            if geometry.get("type") != "Point":
                continue
            x, y = geometry["coordinates"][:2]
            if abs(x - lon) <= near and abs(y - lat) <= near_lat:
                found.append(event_id)
                break
    return found

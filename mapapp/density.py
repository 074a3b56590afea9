"""Many events as counts per area, so that a large file still makes a light map.

Up to :data:`DETAIL_LIMIT` events are drawn one by one. Beyond it, the events in
view are drawn one by one if there are few enough, and otherwise every event is
counted in a grid of cells about 40 pixels wide at the current zoom, each cell drawn
as one grey circle with its count and its kinds. Zooming in (fewer events in view)
or narrowing the filter brings the single events back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd

from mapapp import detail
from mapapp.style import KIND_LABELS

DETAIL_LIMIT = 2_000
"""At most this many events are drawn one by one (a few hundred KB of GeoJSON)."""

CELLS_PER_TILE = 6
"""Grid cells across one 256-pixel map tile: cells are about 43 pixels wide."""

CELL_COLOUR = "#3d3d3d"

Bounds = Sequence[Sequence[float]]
"""``[[south, west], [north, east]]``, as Leaflet reports a map's view."""


@dataclass(frozen=True)
class Plan:
    """What to draw for a set of events.

    Attributes
    ----------
    detailed : list of str
        Ids of the events to draw one by one.
    cells : DataFrame
        ``lon``, ``lat`` (the mean position of the cell's events), ``count`` and
        ``text`` (count and kinds, for the tooltip); empty when all are detailed.
    outside : int
        Events left out because they lie outside the view (drawn again when the map
        is moved over them).
    """

    detailed: list[str]
    cells: pd.DataFrame
    outside: int = 0

    @property
    def counted(self) -> int:
        """Return how many events are drawn as counts."""
        return int(self.cells["count"].sum()) if len(self.cells) else 0


def plan(
    points: pd.DataFrame,
    ids: Iterable[str],
    bounds: Bounds | None = None,
    zoom: int = 6,
    limit: int | None = None,
) -> Plan:
    """Decide which events to draw one by one and which to count per cell.

    Parameters
    ----------
    points : DataFrame
        One representative point per drawable event: index id, ``lon``, ``lat``,
        ``kind``.
    ids : iterable of str
        The events the filter keeps (others, and undrawable ids, are ignored).
    bounds : [[south, west], [north, east]], optional
        The map's view, when known.
    zoom : int
        The map's zoom, which sets the cell size.
    limit : int, optional
        The most events drawn one by one (default :data:`DETAIL_LIMIT`).

    Returns
    -------
    Plan

    Examples
    --------
    >>> pts = pd.DataFrame(
    ...     {"lon": [80.0, 80.01, 85.0], "lat": [44.0, 44.0, 45.0], "kind": "crossing"},
    ...     index=["a", "b", "c"],
    ... )
    >>> plan(pts, ["a", "b", "c"]).detailed
    ['a', 'b', 'c']
    >>> p = plan(pts, ["a", "b", "c"], limit=2)
    >>> p.detailed, p.cells["count"].tolist()
    ([], [2, 1])
    >>> plan(pts, ["a", "b", "c"], bounds=[[43, 79], [44.5, 81]], limit=2).detailed
    ['a', 'b']
    """
    limit = DETAIL_LIMIT if limit is None else limit
    wanted = set(ids)  # (Index.isin on Arrow strings took seconds for 100,000 ids)
    keys = points.index.to_numpy(dtype=object)
    chosen = points[np.fromiter((i in wanted for i in keys), bool, len(keys))]
    if len(chosen) <= limit:
        return Plan(list(chosen.index), _no_cells())
    if bounds is not None:
        (south, west), (north, east) = bounds
        inside = chosen["lon"].between(west, east) & chosen["lat"].between(south, north)
        if inside.sum() <= limit:
            return Plan(list(chosen.index[inside]), _no_cells(), int((~inside).sum()))
    return Plan([], cells(chosen, zoom))


def _no_cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lon": pd.Series(dtype=float),
            "lat": pd.Series(dtype=float),
            "count": pd.Series(dtype=int),
            "text": pd.Series(dtype=object),
        }
    )


def cell_size(zoom: int) -> float:
    """Return the width of a grid cell in degrees at a zoom level.

    >>> cell_size(6)
    0.9375
    """
    return 360.0 / 2**zoom / CELLS_PER_TILE


def cells(points: pd.DataFrame, zoom: int) -> pd.DataFrame:
    """Return the events counted per grid cell (see :class:`Plan` for the columns)."""
    size = cell_size(zoom)
    col = np.floor(points["lon"].to_numpy() / size).astype(np.int64)
    row = np.floor(points["lat"].to_numpy() / size).astype(np.int64)
    frame = pd.DataFrame(
        {
            "cell": col * 1_000_000 + row,
            "lon": points["lon"].to_numpy(),
            "lat": points["lat"].to_numpy(),
            "kind": points["kind"].to_numpy(),
        }
    )
    out = frame.groupby("cell").agg(
        lon=("lon", "mean"), lat=("lat", "mean"), count=("lon", "size")
    )
    kinds = frame.groupby(["cell", "kind"]).size()
    by_cell: dict[int, list[tuple[str, int]]] = {}
    for (cell, kind), n in kinds.items():
        by_cell.setdefault(cell, []).append((kind, int(n)))
    out["text"] = [_text(int(n), by_cell[c]) for c, n in out["count"].items()]
    return out.sort_values("count", ascending=False).reset_index(drop=True)


def _text(count: int, by_kind: list[tuple[str, int]]) -> str:
    parts = ", ".join(
        f"{n:,} {KIND_LABELS.get(kind, kind).lower()}"
        for kind, n in sorted(by_kind, key=lambda kn: -kn[1])
    )
    return (
        f"{detail.count(count, 'event')} here ({parts}). Zoom in or narrow the "
        "filter to see each."
    )


def cell_layer(cells: pd.DataFrame) -> folium.FeatureGroup:
    """Return the cells as grey circles, their area proportional to the count."""
    group = folium.FeatureGroup(
        name=f"Counts of events ({int(cells['count'].sum()):,})"
    )
    if not len(cells):
        return group
    radius = np.minimum(6 + np.sqrt(cells["count"].to_numpy()) * 0.6, 30)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]},
            "properties": {"text": text, "radius": round(float(r), 1)},
        }
        for x, y, text, r in zip(
            cells["lon"], cells["lat"], cells["text"], radius, strict=True
        )
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(fill=True),
        style_function=lambda f: {
            "radius": f["properties"]["radius"],
            "color": "#ffffff",
            "weight": 1.5,
            "fillColor": CELL_COLOUR,
            "fillOpacity": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(["text"], labels=False),
    ).add_to(group)
    return group

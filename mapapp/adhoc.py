"""Ad-hoc places: points given by coordinates in an imported file.

A row with no ``place`` but ``lon``/``lat`` (or a GeoJSON Point) gets a place of its
own, ``point-<event id>``, so that geocoding needs nothing new: precision ``exact``,
``coord_source`` ``imported file <file>, row <line>``, kind ``village`` (the
gazetteer's vocabulary has no neutral kind), its coordinate as its name (language
``und``), and the 1962 state of the territory polygon it lies in. Outside the PRC and
USSR polygons (beyond the study area, or in Mongolia) it takes the state of the
nearest of them; geocoding then reports a point in Mongolia as a state mismatch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import geopandas as gpd
import numpy as np
import shapely

from mapapp import cells
from mapapp.cells import ADHOC_SOURCE
from mapapp.model import ID_MAX, STATES, Name, Place

ADHOC_KIND = "village"
STUDY_BOX = (73.5, 40.0, 88.0, 50.0)  # geodata/SOURCES.md; the territory's bounds win
Report = Callable[[str, str], None]  # (column, message)


def adhoc_id(event_id: str) -> str:
    """Return the id of the ad-hoc place of an event placed by coordinates."""
    pid = f"point-{event_id}"
    return pid if len(pid) <= ID_MAX else f"point-{cells.free_text_id(event_id)[6:]}"


def study_box(territory: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """Return west, south, east, north of the study area (the territory's bounds)."""
    if not len(territory):
        return STUDY_BOX
    west, south, east, north = (float(b) for b in territory.total_bounds)
    return west, south, east, north


def degrees(text: str, column: str, bad: Report) -> float | None:
    """Read decimal degrees, or report the cell and return None."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        example = "80.32" if column == "lon" else "44.05"
        bad(
            column,
            f"not a number (got {text!r}; expected decimal degrees such as {example})",
        )
        return None
    return value


def check_point(
    lon: float, lat: float, box: Sequence[float], bad: Report
) -> tuple[float, float] | None:
    """Return the point, or report it out of range or probably swapped."""
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        column, value, limit = ("lat", lat, 90) if abs(lat) > 90 else ("lon", lon, 180)
        bad(
            column,
            f"coordinate out of range (got {column} {value:g}; expected "
            f"-{limit} to {limit} decimal degrees)",
        )
        return None
    west, south, east, north = box
    inside = west <= lon <= east and south <= lat <= north
    if not inside and west <= lat <= east and south <= lon <= north:
        bad(
            "lon",
            f"coordinates probably swapped (got lon {lon:g}, lat {lat:g}, outside "
            f"the study area {west:g}–{east:g}° E, {south:g}–{north:g}° N; swapped "
            f"they fall inside it: expected lon {lat:g}, lat {lon:g})",
        )
        return None
    return lon, lat


def states(
    xy: np.ndarray, territory: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return the 1962 state (PRC or USSR) and territorial unit of each point.

    Point in polygon runs on prepared polygons (``contains_xy``); points in no PRC or
    USSR polygon get the state of the nearest one and no unit.
    """
    state = np.full(len(xy), None, dtype=object)
    unit = np.full(len(xy), None, dtype=object)
    x, y = xy[:, 0], xy[:, 1]
    done = np.zeros(len(xy), dtype=bool)
    for geom, st, un in zip(
        territory.geometry.values, territory["state"], territory["unit"], strict=True
    ):
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, x, y) & ~done
        state[inside], unit[inside] = st, un
        done |= inside
    outside = ~np.isin(state.astype(str), STATES)
    sides = territory[territory["state"].isin(STATES)]
    if outside.any() and len(sides):
        tree = shapely.STRtree(sides.geometry.values)
        query, nearest = tree.query_nearest(
            shapely.points(xy[outside]), all_matches=False
        )
        picked = np.full(int(outside.sum()), None, dtype=object)
        picked[query] = sides["state"].to_numpy()[nearest]
        state[outside] = picked
    return state, unit


def point_of(
    box: tuple[float, float, float, float],
    geometry_type: str | None,
    point: tuple[float, float] | None,
    lon_text: str,
    lat_text: str,
) -> tuple[tuple[float, float] | None, list[tuple[str, str]]]:
    """Judge a row's coordinates: the point, or what is wrong with them.

    ``point`` is a GeoJSON Point's coordinates; ``lon_text`` and ``lat_text`` are
    the CSV cells (used when there is no Point). Returns the point (None when there
    is none, or it is bad) and the problems as (column, message).
    """
    messages: list[tuple[str, str]] = []

    def bad(column: str, message: str) -> None:
        messages.append((column, message))

    if geometry_type not in (None, "Point"):
        bad(
            "geometry",
            f"an event without places needs a Point (got "
            f"{geometry_type}; expected a Point, or places in 'place')",
        )
        return None, messages
    if point is not None:
        lon_text, lat_text = str(point[0]), str(point[1])
    if not lon_text and not lat_text:
        return None, messages
    if not lon_text or not lat_text:
        missing, given = ("lat", "lon") if lon_text else ("lon", "lat")
        bad(
            missing,
            f"half a coordinate (got {given} and an empty {missing}; "
            "expected both lon and lat, or neither)",
        )
        return None, messages
    lon, lat = degrees(lon_text, "lon", bad), degrees(lat_text, "lat", bad)
    if lon is None or lat is None:
        return None, messages
    return check_point(lon, lat, box, bad), messages


def make_places(
    points: Sequence[tuple[str, int | None, float, float]],
    territory: gpd.GeoDataFrame,
    label: str,
) -> list[Place]:
    """Return the ad-hoc place of each ``(event id, line, lon, lat)``."""
    if not points:
        return []
    xy = np.array([(lon, lat) for _, _, lon, lat in points], dtype=float)
    state, unit = states(xy, territory)
    return [
        Place(
            id=adhoc_id(event_id),
            names=[Name(name=coordinate_name(lon, lat), lang="und")],
            kind=ADHOC_KIND,
            state_1962=st,
            admin_1962=un or "outside the mapped 1962 territory",
            precision="exact",
            coord_source=f"{ADHOC_SOURCE} {label}, row {line}",
            note=f"A point given by coordinates for event {event_id}; not a "
            "gazetteer entry.",
            lon=lon,
            lat=lat,
        )
        for (event_id, line, lon, lat), st, un in zip(points, state, unit, strict=True)
    ]


def coordinate_name(lon: float, lat: float) -> str:
    """Return a coordinate as a name: ``44.12345° N, 80.54321° E``."""
    ns, ew = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
    return f"{abs(lat):.5f}° {ns}, {abs(lon):.5f}° {ew}"

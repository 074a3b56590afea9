"""Putting events and places on the 1962 frontier: geometries, sides and distances.

Everything here is vectorised with shapely 2 and numpy: no Python loop runs over
geometries. Names that do not resolve and places whose declared state disagrees with
the computed side come back as data, never as exceptions, and no event is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

from mapapp.gazetteer import Gazetteer
from mapapp.model import Dataset, Event, Place

WGS84 = "EPSG:4326"
GEOD = Geod(ellps="WGS84")
ROLE_RANK = {"origin": 0, "crossing": 1, "destination": 2, "site": 3}
PRECISION_RANK = {"exact": 0, "approximate": 1, "region": 2}
PRECISIONS = np.array(["exact", "approximate", "region"], dtype=object)
FAR_KM = 350.0
TOLERANCE_KM = 5.0


@dataclass(frozen=True)
class Frontier:
    """The 1962 line and the territory on each side of it.

    Attributes
    ----------
    border : GeoDataFrame
        Border sectors (lines) with ``certainty``; EPSG:4326.
    territory : GeoDataFrame
        Polygons with ``state`` (``PRC``/``USSR``/…) and ``unit``; EPSG:4326.
    """

    border: gpd.GeoDataFrame
    territory: gpd.GeoDataFrame

    @property
    def line(self) -> BaseGeometry:
        """The whole border as one (multi)line."""
        return shapely.union_all(self.border.geometry.values)


@dataclass(frozen=True)
class Unresolved:
    """A place reference that names no single gazetteer entry."""

    event: str
    field: str
    name: str
    reason: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class Mismatch:
    """A place whose declared 1962 state disagrees with the side it lies on."""

    place: str
    declared: str
    computed: str | None
    distance_km: float


@dataclass(frozen=True)
class GeocodeResult:
    """Events and places on the map, and what could not be placed.

    Attributes
    ----------
    events : GeoDataFrame
        One row per event (none dropped), EPSG:4326: ``id``, ``kind``, ``geometry``
        (Point, MultiPoint or route LineString; empty when no place resolved),
        ``geo_precision``, ``crossing_inferred``, ``far``, ``place_ids``,
        ``located``.
    places : GeoDataFrame
        One row per place: ``side`` (state of the territory it lies in, or None
        outside the study area), ``unit``, ``distance_km`` to the line,
        ``far``, ``consistent``.
    unresolved : tuple of Unresolved
    mismatches : tuple of Mismatch
    """

    events: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    unresolved: tuple[Unresolved, ...]
    mismatches: tuple[Mismatch, ...]


def place_frame(
    places: Iterable[Place],
    frontier: Frontier,
    far_km: float = FAR_KM,
    tolerance_km: float = TOLERANCE_KM,
) -> gpd.GeoDataFrame:
    """Return the places with their side of the line and distance to it.

    Parameters
    ----------
    places : iterable of Place
    frontier : Frontier
    far_km : float
        Places farther than this from the line are flagged ``far``.
    tolerance_km : float
        Places this close to the line may lie on either side without a mismatch.

    Returns
    -------
    GeoDataFrame
        Indexed by place id, EPSG:4326.
    """
    rows = list(places)
    frame = gpd.GeoDataFrame(
        {
            "id": [p.id for p in rows],
            "label": [p.label for p in rows],
            "state_1962": [p.state_1962 for p in rows],
            "precision": [p.precision for p in rows],
        },
        geometry=gpd.points_from_xy([p.lon for p in rows], [p.lat for p in rows]),
        crs=WGS84,
    ).set_index("id", drop=False)
    side, unit = sides(frame.geometry.values, frontier.territory)
    frame["side"] = side
    frame["unit"] = unit
    frame["distance_km"] = distance_km(frame.geometry.values, frontier.line)
    frame["far"] = frame["distance_km"].to_numpy() > far_km
    near = frame["distance_km"].to_numpy() <= tolerance_km
    frame["consistent"] = near | (
        frame["side"].to_numpy() == frame["state_1962"].to_numpy()
    )
    # Outside the study area (no territory polygon) the side is unknown, not wrong.
    frame.loc[frame["side"].isna(), "consistent"] = True
    return frame


def sides(
    points: np.ndarray, territory: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``state`` and ``unit`` of the territory each point lies in."""
    state = np.full(len(points), None, dtype=object)
    unit = np.full(len(points), None, dtype=object)
    tree = shapely.STRtree(territory.geometry.values)
    point_idx, poly_idx = tree.query(points, predicate="intersects")
    state[point_idx] = territory["state"].to_numpy()[poly_idx]
    unit[point_idx] = territory["unit"].to_numpy()[poly_idx]
    return state, unit


def distance_km(points: np.ndarray, line: BaseGeometry) -> np.ndarray:
    """Return the geodesic distance in km from each point to the nearest on a line.

    The nearest point is found in an azimuthal equidistant projection centred on the
    line (metric, so "nearest" is right); the distance is then measured on the WGS 84
    ellipsoid with :class:`pyproj.Geod`.
    """
    if len(points) == 0:
        return np.zeros(0)
    lon0, lat0 = shapely.get_coordinates(shapely.centroid(shapely.envelope(line)))[0]
    local = f"+proj=aeqd +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84 +units=m"
    to_local = Transformer.from_crs(WGS84, local, always_xy=True)
    to_wgs = Transformer.from_crs(local, WGS84, always_xy=True)
    local_points = shapely.transform(points, to_local.transform, interleaved=False)
    local_line = shapely.transform(line, to_local.transform, interleaved=False)
    nearest = shapely.get_point(shapely.shortest_line(local_points, local_line), 1)
    nx, ny = to_wgs.transform(shapely.get_x(nearest), shapely.get_y(nearest))
    _, _, metres = GEOD.inv(shapely.get_x(points), shapely.get_y(points), nx, ny)
    return np.asarray(metres) / 1000.0


def event_refs(
    events: Iterable[Event], gazetteer: Gazetteer
) -> tuple[pd.DataFrame, list[Unresolved]]:
    """Flatten events to one row per place reference, resolving names to ids.

    Returns
    -------
    refs : DataFrame
        ``event``, ``order``, ``place`` (a gazetteer id), ``role``.
    unresolved : list of Unresolved
        References that name no place or several places.
    """
    rows, unresolved = [], []
    cache: dict[str, str | LookupError] = {}
    for ev in events:
        for i, ref in enumerate(ev.places):
            found = cache.get(ref.place)
            if found is None:
                try:
                    found = gazetteer.lookup(ref.place).id
                except LookupError as exc:
                    found = exc
                cache[ref.place] = found
            if isinstance(found, LookupError):
                candidates = gazetteer.candidates(ref.place) or [
                    gazetteer.places[c] for c in gazetteer.closest(ref.place)
                ]
                unresolved.append(
                    Unresolved(
                        ev.id,
                        f"places[{i}].place",
                        ref.place,
                        str(found),
                        tuple(p.id for p in candidates),
                    )
                )
            else:
                rows.append((ev.id, i, found, ref.role))
    refs = pd.DataFrame(rows, columns=["event", "order", "place", "role"])
    return refs, unresolved


def locate(
    event_ids: np.ndarray,
    refs: pd.DataFrame,
    places: gpd.GeoDataFrame,
    line: BaseGeometry,
) -> gpd.GeoDataFrame:
    """Build one geometry per event from its place references (vectorised core).

    Route roles (origin, crossing, destination) make a LineString in that order; a
    route with an origin and a destination but no crossing place gets the point where
    it first meets the border inserted as its crossing, flagged ``crossing_inferred``.
    Events with only sites get a Point (one site) or MultiPoint (several).

    Parameters
    ----------
    event_ids : array of str
        Every event, in output order; events without usable references get an
        empty geometry and ``located`` False.
    refs : DataFrame
        ``event``, ``order``, ``place``, ``role`` as from :func:`event_refs`.
    places : GeoDataFrame
        From :func:`place_frame`, indexed by place id.
    line : shapely geometry
        The border.
    """
    n = len(event_ids)
    index = pd.Index(event_ids)
    refs = refs[refs["place"].isin(places.index)].copy()
    refs["ev"] = index.get_indexer(refs["event"])
    refs = refs[refs["ev"] >= 0]
    refs["rank"] = refs["role"].map(ROLE_RANK).to_numpy()
    xy = shapely.get_coordinates(places.geometry.loc[refs["place"]].values)
    refs["x"], refs["y"] = xy[:, 0], xy[:, 1]
    refs["inferred"] = False

    route = refs[refs["rank"] < 3]
    per_event = route.groupby("ev")["rank"].agg(["min", "max", "count"])
    has_crossing = route[route["rank"] == 1].groupby("ev").size()
    needs = per_event[(per_event["min"] == 0) & (per_event["max"] == 2)].index
    needs = needs.difference(has_crossing.index).to_numpy()
    if len(needs):
        refs = pd.concat(
            [refs, _inferred_crossings(route, needs, line)], ignore_index=True
        )
        route = refs[refs["rank"] < 3]

    geometry = np.full(n, None, dtype=object)
    route = route.sort_values(["ev", "rank", "order"], kind="stable")
    counts = route.groupby("ev").size()
    line_events = counts[counts >= 2].index.to_numpy()
    routed = route[route["ev"].isin(line_events)]
    if len(routed):
        _, starts = np.unique(routed["ev"].to_numpy(), return_index=True)
        lines = shapely.linestrings(
            routed[["x", "y"]].to_numpy(),
            indices=np.repeat(
                np.arange(len(starts)), np.diff(np.append(starts, len(routed)))
            ),
        )
        geometry[line_events] = lines

    pointy = refs[~refs["ev"].isin(line_events)].sort_values(["ev", "rank", "order"])
    pointy = pointy.drop_duplicates(["ev", "x", "y"])
    if len(pointy):
        ev_of = pointy["ev"].to_numpy()
        uniq, starts, counts_p = np.unique(ev_of, return_index=True, return_counts=True)
        single = counts_p == 1
        pts = shapely.points(pointy[["x", "y"]].to_numpy())
        geometry[uniq[single]] = pts[starts[single]]
        multi_rows = np.isin(ev_of, uniq[~single])
        if multi_rows.any():
            _, inv = np.unique(ev_of[multi_rows], return_inverse=True)
            geometry[uniq[~single]] = shapely.multipoints(pts[multi_rows], indices=inv)

    info = refs.merge(
        places[["precision", "far"]], left_on="place", right_index=True, how="left"
    )
    info["prank"] = info["precision"].map(PRECISION_RANK)
    agg = info.groupby("ev").agg(
        prank=("prank", "max"), far=("far", "any"), inferred=("inferred", "any")
    )
    ids_by_event = (
        refs[~refs["inferred"]]
        .sort_values(["ev", "order"])
        .groupby("ev")["place"]
        .agg(list)
    )
    out = gpd.GeoDataFrame(
        {
            "id": event_ids,
            "geo_precision": None,
            "crossing_inferred": False,
            "far": False,
            "place_ids": [[] for _ in range(n)],
        },
        geometry=gpd.GeoSeries(geometry, crs=WGS84),
    )
    rows = agg.index.to_numpy()
    out.loc[rows, "geo_precision"] = PRECISIONS[agg["prank"].to_numpy(dtype=int)]
    out.loc[rows, "far"] = agg["far"].to_numpy(dtype=bool)
    out.loc[rows, "crossing_inferred"] = agg["inferred"].to_numpy(dtype=bool)
    out["place_ids"] = (
        pd.Series(ids_by_event, index=ids_by_event.index)
        .reindex(range(n))
        .apply(lambda v: v if isinstance(v, list) else [])
    )
    out["located"] = out.geometry.notna().to_numpy()
    out["geometry"] = out.geometry.fillna(shapely.Point())
    out["far"] = out["far"].astype(bool)
    out["crossing_inferred"] = out["crossing_inferred"].astype(bool)
    return out


def _inferred_crossings(
    route: pd.DataFrame, events: np.ndarray, line: BaseGeometry
) -> pd.DataFrame:
    """Return crossing rows where each event's route first meets the border."""
    sub = route[route["ev"].isin(events)].sort_values(
        ["ev", "rank", "order"], kind="stable"
    )
    ev_of = sub["ev"].to_numpy()
    uniq, inv = np.unique(ev_of, return_inverse=True)
    lines = shapely.linestrings(sub[["x", "y"]].to_numpy(), indices=inv)
    hits = shapely.intersection(lines, line)
    # Parts are points, or lines where a route runs along the border: take their start.
    parts, first_idx = shapely.get_parts(hits, return_index=True)
    keep = ~shapely.is_empty(parts)
    parts, first_idx = parts[keep], first_idx[keep]
    if not len(parts):
        return route.iloc[0:0]
    points = np.where(
        shapely.get_type_id(parts) == 0, parts, shapely.get_point(parts, 0)
    )
    along = shapely.line_locate_point(lines[first_idx], points)
    order = np.lexsort((along, first_idx))
    first = order[np.r_[True, np.diff(first_idx[order]) != 0]]
    xy = shapely.get_coordinates(points[first])
    return pd.DataFrame(
        {
            "event": None,
            "order": -1,
            "place": None,
            "role": "crossing",
            "ev": uniq[first_idx[first]],
            "rank": 1,
            "x": xy[:, 0],
            "y": xy[:, 1],
            "inferred": True,
        }
    )


def geocode(
    data: Dataset,
    frontier: Frontier,
    far_km: float = FAR_KM,
    tolerance_km: float = TOLERANCE_KM,
) -> GeocodeResult:
    """Put every event and place of a dataset on the frontier.

    Parameters
    ----------
    data : Dataset
    frontier : Frontier
    far_km, tolerance_km : float
        See :func:`place_frame`.

    Returns
    -------
    GeocodeResult
    """
    places = place_frame(data.places.values(), frontier, far_km, tolerance_km)
    refs, unresolved = event_refs(data.events, Gazetteer(data.places.values()))
    ids = np.array([ev.id for ev in data.events], dtype=object)
    located = locate(ids, refs, places, frontier.line)
    located.insert(1, "kind", [ev.kind for ev in data.events])
    located.insert(2, "title", [ev.title for ev in data.events])
    bad = places[~places["consistent"]]
    mismatches = tuple(
        Mismatch(pid, declared, side, round(float(dist), 2))
        for pid, declared, side, dist in zip(
            bad.index, bad["state_1962"], bad["side"], bad["distance_km"], strict=True
        )
    )
    return GeocodeResult(located, places, tuple(unresolved), mismatches)

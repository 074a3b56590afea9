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

from mapapp.crossings import area_ends, first_crossings, segments
from mapapp.dataset import Dataset
from mapapp.model import AREA_KINDS, Place
from mapapp.placerefs import Unresolved, event_refs

WGS84 = "EPSG:4326"
GEOD = Geod(ellps="WGS84")
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
        ``geo_precision``, ``crossing_inferred``, ``far``, ``place_ids`` (the
        resolved place ids joined by ``|``),
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

    def text(name: str) -> pd.Series:  # object: pandas would convert to its str dtype
        return pd.Series([getattr(p, name) for p in rows], dtype=object)

    frame = gpd.GeoDataFrame(
        {
            "id": text("id"),
            "label": text("label"),
            "other_names": [tuple(n.name for n in p.names[1:]) for p in rows],
            "kind": text("kind"),
            "state_1962": text("state_1962"),
            "precision": text("precision"),
        },
        geometry=gpd.points_from_xy([p.lon for p in rows], [p.lat for p in rows]),
        crs=WGS84,
    ).set_index("id", drop=False)
    side, unit = sides(frame.geometry.values, frontier.territory)
    frame["side"] = pd.Series(side, dtype=object, index=frame.index)
    frame["unit"] = pd.Series(unit, dtype=object, index=frame.index)
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
    """Return the ``state`` and ``unit`` of the territory each point lies in.

    The territory has a few large polygons: each is prepared once and tested against
    every point's coordinates at once (on a shared edge, the first polygon wins).
    """
    state = np.full(len(points), None, dtype=object)
    unit = np.full(len(points), None, dtype=object)
    x, y = shapely.get_x(points), shapely.get_y(points)
    for polygon, st, un in zip(
        territory.geometry.values,
        territory["state"].to_numpy(),
        territory["unit"].to_numpy(),
        strict=True,
    ):
        shapely.prepare(polygon)  # in place, once: later calls reuse it
        hit = shapely.intersects_xy(polygon, x, y) & (state == None)  # noqa: E711
        state[hit] = st
        unit[hit] = un
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
    # the nearest segment first (a tree of the line's segments), then the nearest
    # point on it: measuring against the whole line took seconds for 10,000 points
    pieces = segments(local_line)
    which, seg = shapely.STRtree(pieces).query_nearest(local_points)
    order = np.argsort(which, kind="stable")
    which, seg = which[order], seg[order]
    first = np.unique(which, return_index=True)[1]  # one segment per point (ties)
    nearest = shapely.get_point(
        shapely.shortest_line(local_points[which[first]], pieces[seg[first]]), 1
    )
    nx, ny = to_wgs.transform(shapely.get_x(nearest), shapely.get_y(nearest))
    _, _, metres = GEOD.inv(shapely.get_x(points), shapely.get_y(points), nx, ny)
    return np.asarray(metres) / 1000.0


def locate(
    event_ids: np.ndarray,
    refs: pd.DataFrame,
    places: gpd.GeoDataFrame,
    line: BaseGeometry,
    first: np.ndarray | None = None,
) -> gpd.GeoDataFrame:
    """Build one geometry per event from its place references (vectorised core).

    Route roles (origin, crossing, destination) make a LineString in that order; a
    route with an origin and a destination but no crossing place gets the point where
    it first meets the border inserted as its crossing, flagged ``crossing_inferred``.
    Events with only sites get a Point (one site) or MultiPoint (several). Regions
    are never points: a route to or from one ends at its crossing (see
    :mod:`mapapp.crossings`), and an event only at regions is not located.

    Parameters
    ----------
    event_ids : array of str
        Every event, in output order; events without usable references get an
        empty geometry and ``located`` False.
    refs : DataFrame
        ``ev``, ``order``, ``place``, ``rank``, ``group`` as from :func:`event_refs`.
    places : GeoDataFrame
        From :func:`place_frame`, indexed by place id.
    line : shapely geometry
        The border.
    first : array of int, optional
        For each event, the event whose results it takes (see :func:`event_refs`);
        ``refs`` need only hold those events' references.
    """
    n = len(event_ids)
    code = places.index.get_indexer(refs["place"])
    keep = (code >= 0) & (refs["ev"].to_numpy() < n)
    refs, code = refs[keep].copy(), code[keep]
    xy = shapely.get_coordinates(places.geometry.values)[code]
    refs["x"], refs["y"] = xy[:, 0], xy[:, 1]
    refs["inferred_route"] = False
    is_area = places["kind"].isin(AREA_KINDS).to_numpy(dtype=bool)[code]
    drawn, area_inferred = area_ends(refs, is_area, line)

    geometry = np.full(n, None, dtype=object)
    lines, line_ev, inferred_ev = _routes(drawn[drawn["rank"] < 3], line)
    inferred_ev = np.union1d(inferred_ev, area_inferred)
    line_events = np.unique(line_ev)
    if len(lines):
        _, codes = np.unique(line_ev, return_inverse=True)
        counts = np.bincount(codes)
        single = counts[codes] == 1
        geometry[line_ev[single]] = lines[single]
        if (~single).any():
            multi_ev, multi_codes = np.unique(line_ev[~single], return_inverse=True)
            geometry[multi_ev] = shapely.multilinestrings(
                lines[~single], indices=multi_codes
            )
    refs.loc[refs["ev"].isin(inferred_ev), "inferred_route"] = True

    pointy = drawn[~drawn["ev"].isin(line_events) & drawn["place"].notna()]
    pointy = pointy.sort_values(["ev", "rank", "order"])
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

    # per place first (few), then taken for every reference by its position
    prank = places["precision"].map(PRECISION_RANK).to_numpy()
    refs["prank"] = prank[code]
    refs["place_far"] = places["far"].to_numpy(dtype=bool)[code]
    agg = refs.groupby("ev").agg(
        prank=("prank", "max"),
        far=("place_far", "any"),
        inferred=("inferred_route", "any"),
    )
    ordered = refs.sort_values(["ev", "order"], kind="stable")
    ev_sorted = ordered["ev"].to_numpy()
    # "|"-joined ids: flat for GIS exports, built one position at a time (vectorised)
    place_ids = np.full(n, "", dtype=object)
    position = ordered.groupby("ev").cumcount().to_numpy()
    names = ordered["place"].to_numpy(dtype=object)
    for k in range(int(position.max()) + 1 if len(position) else 0):
        at = position == k
        rows = ev_sorted[at]
        place_ids[rows] = names[at] if k == 0 else place_ids[rows] + "|" + names[at]
    precision = np.full(n, None, dtype=object)
    far = np.zeros(n, dtype=bool)
    inferred = np.zeros(n, dtype=bool)
    rows = agg.index.to_numpy()
    precision[rows] = PRECISIONS[agg["prank"].to_numpy(dtype=int)]
    far[rows] = agg["far"].to_numpy(dtype=bool)
    inferred[rows] = agg["inferred"].to_numpy(dtype=bool)
    if first is not None:  # events like an earlier one take its results
        geometry, precision, far, inferred, place_ids = (
            column[first] for column in (geometry, precision, far, inferred, place_ids)
        )
    out = gpd.GeoDataFrame(
        {
            "id": pd.Series(event_ids, dtype=object),  # object: not converted to str
            "geo_precision": pd.Series(precision, dtype=object),
            "crossing_inferred": inferred,
            "far": far,
            "place_ids": pd.Series(place_ids, dtype=object),
        },
        geometry=gpd.GeoSeries(geometry, crs=WGS84),
    )
    out["located"] = out.geometry.notna().to_numpy()
    out["geometry"] = out.geometry.fillna(shapely.Point())
    return out


def _routes(route: pd.DataFrame, line: BaseGeometry) -> tuple[np.ndarray, ...]:
    """Return route lines, the event of each, and the events with an inferred crossing.

    Within an event, references with the same ``group`` form one route. Every origin
    of a route is joined through the route's crossings (in their order) to every
    destination; where a route has no crossing, the point where the straight
    origin-destination line first meets the border is inserted as its crossing.
    """
    key = ["ev", "group"]
    cols = [*key, "order", "x", "y"]
    groups = route[key].drop_duplicates()
    origins = route.loc[route["rank"] == 0, cols]
    dests = route.loc[route["rank"] == 2, cols]
    crossings = route.loc[route["rank"] == 1, cols]
    pairs = groups.merge(origins, on=key, how="left").merge(
        dests, on=key, how="left", suffixes=("_o", "_d")
    )
    pairs["path"] = np.arange(len(pairs))
    has_o, has_d = pairs["x_o"].notna().to_numpy(), pairs["x_d"].notna().to_numpy()
    groups_with_crossing = crossings[key].drop_duplicates().assign(_c=True)
    pairs = pairs.merge(groups_with_crossing, on=key, how="left")
    needs = has_o & has_d & pairs["_c"].isna().to_numpy()

    parts = [
        pd.DataFrame(
            {
                "path": pairs["path"][has_o],
                "seq": 0.0,
                "x": pairs["x_o"][has_o],
                "y": pairs["y_o"][has_o],
            }
        ),
        pairs[["path", *key]]
        .merge(crossings, on=key)[["path", "order", "x", "y"]]
        .assign(seq=lambda f: 1.0 + f["order"])
        .drop(columns="order"),
        pd.DataFrame(
            {
                "path": pairs["path"][has_d],
                "seq": 1e9,
                "x": pairs["x_d"][has_d],
                "y": pairs["y_d"][has_d],
            }
        ),
    ]
    inferred_paths = np.zeros(0, dtype=int)
    if needs.any():
        todo = pairs[needs]
        ends = todo[["x_o", "y_o", "x_d", "y_d"]].to_numpy(dtype=float)
        xy, found = first_crossings(ends, line)
        inferred_paths = todo["path"].to_numpy()[found]
        parts.append(
            pd.DataFrame(
                {"path": inferred_paths, "seq": 1.0, "x": xy[:, 0], "y": xy[:, 1]}
            )
        )
    vertices = pd.concat(parts, ignore_index=True).sort_values(
        ["path", "seq"], kind="stable"
    )
    counts = vertices.groupby("path").size()
    drawable = counts[counts >= 2].index.to_numpy()
    vertices = vertices[vertices["path"].isin(drawable)]
    if not len(vertices):
        empty = np.zeros(0, dtype=int)
        return np.zeros(0, dtype=object), empty, empty
    _, codes = np.unique(vertices["path"].to_numpy(), return_inverse=True)
    lines = shapely.linestrings(vertices[["x", "y"]].to_numpy(), indices=codes)
    path_ev = pairs.set_index("path")["ev"]
    line_ev = path_ev.loc[drawable].to_numpy(dtype=int)
    inferred_ev = np.unique(path_ev.loc[inferred_paths].to_numpy(dtype=int))
    return lines, line_ev, inferred_ev


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
    tables = data.tables
    refs, unresolved, first = event_refs(tables, data.gazetteer)
    located = locate(tables.ids, refs, places, frontier.line, first)
    for at, column in ((1, "kind"), (2, "title")):  # object: no conversion to str
        values = tables.events[column].to_numpy(dtype=object)
        located.insert(at, column, pd.Series(values, dtype=object, index=located.index))
    bad = places[~places["consistent"]]
    mismatches = tuple(
        Mismatch(pid, declared, side, round(float(dist), 2))
        for pid, declared, side, dist in zip(
            bad.index, bad["state_1962"], bad["side"], bad["distance_km"], strict=True
        )
    )
    return GeocodeResult(located, places, tuple(unresolved), mismatches)

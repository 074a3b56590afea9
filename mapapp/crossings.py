"""Where routes meet the 1962 line: inferred crossings; routes ending at regions.

A region (an SSR, a province, a prefecture, a district, a county: the kinds in
:data:`mapapp.model.AREA_KINDS`) is never drawn as a point, so it never ends a route.
A route *to* a region ends with its arrowhead just past its crossing point; where
the crossing is unknown, just past the point where the straight line towards the
region first meets the border (an inferred crossing). A route *from* a region
starts just before its crossing in the same way. A route with regions at both ends
and no crossing place is not drawn at all: no point of it would be true.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

STUB_KM = 12.0  # how far past (or before) the crossing a route to (from) a region ends
KM_PER_DEGREE = 111.32
_KEY = ["ev", "group"]


def segments(line: BaseGeometry) -> np.ndarray:
    """Return the two-point segments of a (multi)line, as an array of LineStrings."""
    coords, part = shapely.get_coordinates(shapely.get_parts(line), return_index=True)
    same = part[:-1] == part[1:]  # no segment joins the end of a part to the next
    pairs = np.stack([coords[:-1][same], coords[1:][same]], axis=1)
    return shapely.linestrings(pairs)


def first_crossings(
    ends: np.ndarray, line: BaseGeometry
) -> tuple[np.ndarray, np.ndarray]:
    """Return where each straight route first meets a line.

    Parameters
    ----------
    ends : ndarray, shape (n, 4)
        ``x0, y0, x1, y1`` of each route.
    line : shapely geometry
        The border.

    Returns
    -------
    xy : ndarray, shape (k, 2)
        The first crossing point of each route that meets the line.
    found : ndarray of int
        Which routes (rows of ``ends``) those are.
    """
    if len(ends) == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=int)
    # Identical routes are computed once; the border is cut into 2-point segments in
    # an STRtree so each route is intersected only with the few segments it touches.
    unique, inverse = np.unique(ends, axis=0, return_inverse=True)
    routes = shapely.linestrings(unique.reshape(-1, 2, 2))
    segs = segments(line)
    route_idx, seg_idx = shapely.STRtree(segs).query(routes, predicate="intersects")
    hits = shapely.intersection(routes[route_idx], segs[seg_idx])
    # a hit is a point, or a segment where a route runs along the border: its start
    hits = np.where(shapely.get_type_id(hits) == 0, hits, shapely.get_point(hits, 0))
    along = shapely.line_locate_point(routes[route_idx], hits)
    order = np.lexsort((along, route_idx))
    first = order[np.r_[True, np.diff(route_idx[order]) != 0]] if len(order) else order
    xy_unique = np.full((len(unique), 2), np.nan)
    xy_unique[route_idx[first]] = shapely.get_coordinates(hits[first])
    xy = xy_unique[inverse.ravel()]
    found = np.flatnonzero(~np.isnan(xy[:, 0]))
    return xy[found], found


def step(xy: np.ndarray, towards: np.ndarray, km: float) -> np.ndarray:
    """Return the points ``km`` from ``xy`` in the direction of ``towards``.

    Directions are taken on a local equirectangular plane (longitudes shrunk by the
    cosine of the latitude), which is exact enough for a stub of a few kilometres.
    A point with no direction (``towards`` equal to ``xy``) stays where it is.
    """
    scale = np.cos(np.radians(xy[:, 1]))
    dx = (towards[:, 0] - xy[:, 0]) * scale
    dy = towards[:, 1] - xy[:, 1]
    norm = np.hypot(dx, dy)
    norm[norm == 0] = np.inf
    degrees = km / KM_PER_DEGREE
    return np.column_stack(
        [xy[:, 0] + dx / norm * degrees / scale, xy[:, 1] + dy / norm * degrees]
    )


def _first(frame: pd.DataFrame, last: bool = False) -> pd.DataFrame:
    """Return the first (or last) row of each route, by ``order``, as x/y columns."""
    rows = frame.sort_values([*_KEY, "order"], kind="stable")
    picked = rows.groupby(_KEY, sort=False).nth(-1 if last else 0)
    return picked.set_index(_KEY)[["x", "y"]]


def area_ends(
    refs: pd.DataFrame, is_area: np.ndarray, line: BaseGeometry
) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the references to draw, with routes at regions ending at the line.

    Parameters
    ----------
    refs : DataFrame
        ``ev``, ``order``, ``place``, ``rank`` (0 origin, 1 crossing, 2 destination,
        3 site), ``group``, ``x``, ``y``: one row per place reference.
    is_area : array of bool
        Whether each reference names a region.
    line : shapely geometry
        The border.

    Returns
    -------
    drawn : DataFrame
        The references that are not regions, plus new ones (``place`` None) for the
        ends of routes at regions and for crossings inferred to reach them.
    inferred : ndarray of int
        The events that got an inferred crossing here.
    """
    points, areas = refs[~is_area], refs[is_area]
    ends = areas[areas["rank"].isin([0, 2])]
    none = np.zeros(0, dtype=int)
    if not len(ends):
        return points, none
    routes = ends[_KEY].drop_duplicates().set_index(_KEY)
    side = {}
    for name, rank, frame in (("o", 0, points), ("c", 1, points), ("d", 2, points)):
        side[name] = _first(frame[frame["rank"] == rank])
    side["c_last"] = _first(points[points["rank"] == 1], last=True)
    side["oa"] = _first(ends[ends["rank"] == 0])
    side["da"] = _first(ends[ends["rank"] == 2])
    table = routes.copy()
    for name, frame in side.items():
        table = table.join(frame.add_suffix("_" + name), how="left")

    def has(name: str) -> np.ndarray:
        return table[f"x_{name}"].notna().to_numpy()

    def xy(name: str) -> np.ndarray:
        return table[[f"x_{name}", f"y_{name}"]].to_numpy(dtype=float)

    new: list[pd.DataFrame] = []

    def add(mask: np.ndarray, at: np.ndarray, rank: int, order: int) -> None:
        if mask.any():
            index = table.index[mask]
            new.append(
                pd.DataFrame(
                    {
                        "ev": index.get_level_values("ev"),
                        "group": index.get_level_values("group"),
                        "order": order,
                        "place": None,
                        "rank": rank,
                        "x": at[mask, 0],
                        "y": at[mask, 1],
                    }
                )
            )

    to_area = has("da") & ~has("d")
    from_area = has("oa") & ~has("o")
    crossing = has("c")
    # Where a route at a region names no crossing, infer one: the first point where
    # the straight line from its known end towards the region meets the border.
    inferred_at = np.full((len(table), 2), np.nan)
    need_to = to_area & ~crossing & has("o")
    need_from = from_area & ~crossing & has("d") & ~need_to
    for need, start, end in ((need_to, "o", "da"), (need_from, "oa", "d")):
        rows = np.flatnonzero(need)
        if len(rows):
            found_xy, found = first_crossings(
                np.hstack([xy(start)[rows], xy(end)[rows]]), line
            )
            inferred_at[rows[found]] = found_xy
    inferred = ~np.isnan(inferred_at[:, 0])
    add(inferred, inferred_at, 1, 0)
    crossed = np.where(crossing[:, None], xy("c_last"), inferred_at)
    first_crossed = np.where(crossing[:, None], xy("c"), inferred_at)
    # the direction of travel at the crossing: from the known start (a place, or
    # the region's own anchor) to the crossing; with neither, towards the region
    start = np.where(has("o")[:, None], xy("o"), xy("oa"))
    heading = np.where(np.isnan(start[:, :1]), xy("da"), 2 * crossed - start)
    past = step(crossed, heading, STUB_KM)
    add(to_area & ~np.isnan(crossed[:, 0]), past, 2, 1_000_000)
    before = step(first_crossed, xy("oa"), STUB_KM)
    add(from_area & ~np.isnan(first_crossed[:, 0]), before, 0, -1)
    drawn = pd.concat([points, *new], ignore_index=True) if new else points
    events = table.index.get_level_values("ev").to_numpy()[inferred]
    return drawn, np.unique(events).astype(int)

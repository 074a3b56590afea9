"""Claimed numbers of people on the map: a circle per claim, sized by its figure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapapp.dataset import Dataset
from mapapp.mapview import esc, geojson_of


def claim_features(claims: pd.DataFrame) -> list[dict]:
    """Return a GeoJSON point per claim, with its tooltip text and circle radius.

    Parameters
    ----------
    claims : DataFrame
        From :func:`claims_frame`: ``event``, ``lon``, ``lat``, ``value``,
        ``figure``, ``claimant``, ``scope``, ``grade`` (one row per claim).
    """
    if not len(claims):
        return []
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
        ),
        geometry=gpd.points_from_xy(claims["lon"], claims["lat"]),
        crs=4326,
    )
    frame.index = [f"{e}#{i}" for i, e in enumerate(frame["event"])]
    return geojson_of(frame, ["event", "text", "radius"])["features"]


@dataclass
class ClaimFeatures:
    """The claim circles of a dataset's events, built when first drawn, then kept.

    A map draws at most :data:`mapapp.density.DETAIL_LIMIT` events one by one, so
    the claims of a large upload are never all built; those of the events drawn
    are built once, not on every rerun.
    """

    data: Dataset
    events: gpd.GeoDataFrame  # from mapapp.eventlayers.event_frame, indexed by id
    features: dict[str, list[dict]] = field(default_factory=dict)

    def of(self, ids: Iterable[str]) -> list[dict]:
        """Return the features of the claims of ``ids``, the largest figure first."""
        ids = list(dict.fromkeys(ids))
        todo = [i for i in ids if i not in self.features and i in self.events.index]
        if todo:
            built: dict[str, list[dict]] = {i: [] for i in todo}
            found = claim_features(claims_frame(self.data, self.events.loc[todo]))
            for feature in found:
                built[feature["properties"]["event"]].append(feature)
            self.features.update(built)  # shared between sessions: only grows
        rows = [f for i in ids for f in self.features.get(i, [])]
        # drawn in this order: the large circles first, under the small ones
        return sorted(rows, key=lambda f: -f["properties"]["radius"])


def claim_symbols(features: list[dict]) -> folium.FeatureGroup:
    """Return proportional circles for claimed numbers of people, with claimants.

    Parameters
    ----------
    features : list of dict
        From :meth:`ClaimFeatures.of`.
    """
    group = folium.FeatureGroup(name="Claimed numbers of people")
    if not features:
        return group
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
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

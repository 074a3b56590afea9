"""The layers of the GeoPackage export (written atomically by :func:`write.write_gpkg`).

========================= ==========================================================
``events``                every exported event: the flat columns, ``claims`` and
                          ``sources`` as JSON text, mixed geometry types
``routes``                the events drawn as lines (LineString, MultiLineString)
``places``                the gazetteer with the side of the 1962 line, distance …
``border_1962``           the border sectors and their certainty
``uncertain_zones``       where the 1962 line is not known
``metadata``              attribute table ``key``/``value`` (nested values as JSON)
========================= ==========================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from mapapp.dataset import Dataset

LAYERS = ("events", "routes", "places", "border_1962", "uncertain_zones", "metadata")
LINES = ("LineString", "MultiLineString")


def flat(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy with list, tuple and dict cells as JSON text (GIS fields)."""
    out = frame.copy()
    for name in out.columns:
        if name == out.geometry.name or out[name].dtype != object:
            continue
        values = out[name]
        if values.map(lambda v: isinstance(v, list | tuple | dict)).any():
            out[name] = pd.Series(
                [
                    json.dumps(
                        list(v) if isinstance(v, tuple) else v, ensure_ascii=False
                    )
                    if isinstance(v, list | tuple | dict)
                    else v
                    for v in values
                ],
                index=out.index,
                dtype=object,
            )
    return out


def place_layer(data: Dataset, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the places frame of a geocode with each place's full record."""
    out = places.reset_index(drop=True).copy()
    records = [data.places[pid] for pid in out["id"]]
    out["other_names"] = [" | ".join(names) for names in out["other_names"]]
    out["names"] = [[n.model_dump(exclude_none=True) for n in p.names] for p in records]
    out["admin_1962"] = [p.admin_1962 for p in records]
    out["coord_source"] = [p.coord_source for p in records]
    out["note"] = pd.Series([p.note for p in records], dtype=object)
    return flat(out)


def metadata_table(metadata: Mapping[str, Any]) -> pd.DataFrame:
    """Return the metadata as a ``key``/``value`` attribute table."""
    return pd.DataFrame(
        {
            "key": list(metadata),
            "value": [
                v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for v in metadata.values()
            ],
        }
    )


def layers(
    table: gpd.GeoDataFrame,
    data: Dataset,
    places: gpd.GeoDataFrame,
    border: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    metadata: Mapping[str, Any],
) -> dict[str, pd.DataFrame]:
    """Return the GeoPackage layers by name, in :data:`LAYERS` order.

    Parameters
    ----------
    table : GeoDataFrame
        From :func:`mapapp.export.event_table`.
    data : Dataset
    places : GeoDataFrame
        ``GeocodeResult.places``.
    border, zones : GeoDataFrame
        The border sectors and the uncertain zones.
    metadata : mapping
        From :func:`mapapp.meta.metadata`.
    """
    events = flat(table)
    is_line = events.geometry.geom_type.isin(LINES).to_numpy()
    return {
        "events": events,
        "routes": events[is_line].reset_index(drop=True),
        "places": place_layer(data, places),
        "border_1962": flat(border),
        "uncertain_zones": flat(zones),
        "metadata": metadata_table(metadata),
    }

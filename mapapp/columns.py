"""The export table with real types, for GIS and data-frame files (GeoPackage, Parquet).

CSV and GeoJSON carry dates as ISO text and the figures of people as the text the
reader sees (``74570|61361|~60000``). A GIS or a data frame wants typed columns: here
the dates become dates and the figures of people numbers, once, for every typed
format.
"""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pyarrow as pa

DATE_COLUMNS = ("date_start", "date_end")
DATE = pd.ArrowDtype(pa.date32())


def as_dates(values: pd.Series) -> pd.Series:
    """Return ISO date strings (or empty/None) as an Arrow ``date32`` column."""
    return pd.Series(
        pd.array([date.fromisoformat(v) if v else None for v in values], dtype=DATE),
        index=values.index,
    )


def people_range(claims: object) -> tuple[float | None, float | None]:
    """Return the smallest and largest figure of people in an event's claims.

    ``claims`` is the export table's cell: a list of claim dicts, or its JSON text.
    Every value, low and high counts; ``(None, None)`` when no claim counts people.
    """
    listed = json.loads(claims) if isinstance(claims, str) else claims or []
    values = [
        v
        for c in listed
        if c.get("quantity") == "people"
        for v in (c.get("value"), c.get("low"), c.get("high"))
        if v is not None
    ]
    return (min(values), max(values)) if values else (None, None)


def typed(table: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy of the export table with real dates and people as numbers.

    ``date_start``/``date_end`` become Arrow ``date32``; ``people_min`` and
    ``people_max`` (nullable floats) are added after ``people``, which stays as text.
    """
    out = table.copy()
    for name in DATE_COLUMNS:
        out[name] = as_dates(out[name])
    ranges = [people_range(c) for c in out["claims"]]
    at = out.columns.get_loc("people") + 1
    out.insert(at, "people_min", pd.array([r[0] for r in ranges], dtype="Float64"))
    out.insert(at + 1, "people_max", pd.array([r[1] for r in ranges], dtype="Float64"))
    return out

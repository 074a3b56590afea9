"""The export table of events, and the CSV writer (no file I/O here).

:func:`event_table` flattens events and their geocoded geometries into the columns
that GIS tools show well, and keeps the full ``claims`` and ``sources`` arrays so that
nothing is lost. The GeoJSON, GeoPackage and Linked Places writers live in
:mod:`mapapp.geojson`, :mod:`mapapp.gpkg` and :mod:`mapapp.lpf`; files are written by
:mod:`mapapp.io`.

Columns (CSV order; GeoJSON and GeoPackage have the same, less ``lon``/``lat``/``wkt``):

========================== ==================================================
``id`` … ``when``          the record, ``when`` in EDTF
``date_*``                 earliest and latest day, precision, ``~``/``?`` flags
``date_note``, ``summary`` the record
``place``                  the references in import syntax (:mod:`mapapp.cells`)
``place_ids``/``_names``   the resolved gazetteer ids and 1962 names, ``|``-joined
``lon``, ``lat``, ``wkt``  representative point and geometry (CSV only)
``geo_precision`` …        from geocoding: precision, inferred crossing, far
``people``, ``claimant``   the ``people`` figures and who claimed them
``source``, ``citation``   cited source ids, and a short human citation
``related``                related event ids, ``|``-joined
``claims``, ``sources``    the full arrays: JSON text (arrays in GeoJSON)
========================== ==================================================

``place`` is empty for an event placed by coordinates in an imported file (its
ad-hoc place, see :mod:`mapapp.importer`); ``lon``/``lat`` then carry the point.
"""

from __future__ import annotations

import csv
import io as _io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pydantic import BaseModel

from mapapp import cells, columns, geojson, gpkg, lpf, write
from mapapp.cells import (
    BOOLEAN,
    COLUMNS,
    CSV_COLUMNS,
    NESTED,
    is_adhoc,
)
from mapapp.dataset import Dataset
from mapapp.dates import When
from mapapp.errors import ExportError
from mapapp.geocode import WGS84, GeocodeResult
from mapapp.model import Event

DECIMALS = 7


def event_table(
    data: Dataset, located: GeocodeResult, ids: Sequence[str] | None = None
) -> gpd.GeoDataFrame:
    """Return one row per event, in dataset order, with the export columns.

    Parameters
    ----------
    data : Dataset
    located : GeocodeResult
        The geocode of ``data``.
    ids : sequence of str, optional
        The events to keep (default: all), e.g. from :func:`mapapp.select.select`.

    Returns
    -------
    GeoDataFrame
        :data:`mapapp.cells.COLUMNS` (``claims``/``sources`` as JSON text) and
        ``geometry`` (None where an event has no place), EPSG:4326.

    Raises
    ------
    ExportError
        When a place reference cannot be written in the ``place`` syntax.
    """
    keep = set(ids) if ids is not None else None
    events = [ev for ev in data.events if keep is None or ev.id in keep]
    geo = located.events.set_index("id")
    geo = geo.loc[[ev.id for ev in events]] if events else geo.iloc[:0]
    flatten = _Flattener(data)
    rows = [flatten.row(ev) for ev in events]
    # object columns keep None as None (pandas 3 would make str columns with NaN)
    frame = gpd.GeoDataFrame(
        {
            name: pd.Series([row[name] for row in rows], dtype=bool)
            if name in BOOLEAN
            else pd.Series([row[name] for row in rows], dtype=object)
            for name in COLUMNS
        },
        geometry=gpd.GeoSeries(geo.geometry.to_numpy(), crs=WGS84),
    )
    if events:
        for name in ("geo_precision", "place_ids"):
            frame[name] = pd.Series(geo[name].to_numpy(dtype=object), dtype=object)
        for name in ("crossing_inferred", "far"):
            frame[name] = geo[name].to_numpy(dtype=bool)
        names = [flatten.place_names(text) for text in frame["place_ids"]]
        frame["place_names"] = pd.Series(names, dtype=object)
    frame.loc[frame.geometry.is_empty, "geometry"] = None
    return frame


class _Flattener:
    """Flattens events to rows; caches what repeats (sources, dates, citations)."""

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.free = {sid for sid, s in data.sources.items() if cells.is_free_text(s)}
        self.cache: dict[Any, Any] = {}

    def _cached(self, key: Any, make: Any) -> Any:
        try:
            return self.cache[key]
        except KeyError:
            value = self.cache[key] = make()
            return value

    def row(self, ev: Event) -> dict[str, Any]:
        people, claimant = cells.people_cells(ev.claims) if ev.claims else ("", "")
        dates = self._cached(ev.when, lambda: _dates(ev.when))
        places = tuple(ev.places)
        return {
            "id": ev.id,
            "title": ev.title,
            "kind": ev.kind,
            "when": ev.when.edtf,
            **dates,
            "date_note": ev.date_note,
            "place": self._cached(("place", places), lambda: self._place_cell(ev)),
            "place_ids": "",
            "place_names": "",
            "geo_precision": None,
            "crossing_inferred": False,
            "far": False,
            "people": people,
            "claimant": claimant,
            "source": cells.SEP.join(self._source(c.source) for c in ev.sources),
            "citation": self._citation(ev),
            "summary": ev.summary,
            "related": cells.SEP.join(ev.related),
            "claims": self._json(ev.claims),
            "sources": self._json(ev.sources),
        }

    def _json(self, records: Sequence[BaseModel]) -> str:
        """Return records as a JSON array, each record encoded once."""
        parts = [
            self._cached(
                ("json", record),
                lambda r=record: json.dumps(
                    r.model_dump(mode="json", exclude_none=True),
                    ensure_ascii=False,
                    separators=(",", ":"),
                ),
            )
            for record in records
        ]
        return "[" + ",".join(parts) + "]"

    def _source(self, source_id: str) -> str:
        return (
            self.data.sources[source_id].title if source_id in self.free else source_id
        )

    def _place_cell(self, ev: Event) -> str:
        places = self.data.places
        if len(ev.places) == 1 and is_adhoc(places.get(ev.places[0].place)):
            return ""
        for ref in ev.places:
            if cells.SEP in ref.place:
                raise ExportError(
                    f"event {ev.id}: place {ref.place!r} contains {cells.SEP!r}, which "
                    f"the place column uses between references; use the place's id"
                )
        return cells.place_cell(ev.places)

    def _citation(self, ev: Event) -> str:
        first = ev.sources[0]

        def make() -> str:
            source = self.data.sources.get(first.source)
            text = source.citation() if source else first.source
            return text + (f", {first.locator}" if first.locator else "")

        more = len(ev.sources) - 1
        return self._cached(("cite", first), make) + (
            f" (and {more} more)" if more else ""
        )

    def place_names(self, place_ids: str) -> str:
        def make() -> str:
            places = self.data.places
            return cells.SEP.join(
                places[pid].label if pid in places else pid
                for pid in cells.split(place_ids)
            )

        return self._cached(("names", place_ids), make)


def _dates(when: When) -> dict[str, Any]:
    return {
        "date_start": None if when.earliest == date.min else when.earliest.isoformat(),
        "date_end": None if when.latest == date.max else when.latest.isoformat(),
        "date_precision": when.precision,
        "date_approximate": when.approximate,
        "date_uncertain": when.uncertain,
    }


# --- CSV -------------------------------------------------------------------------


def point_columns(geometry: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``lon``, ``lat`` (representative point) and ``wkt`` text, vectorised.

    Coordinates are rounded to :data:`DECIMALS`; events without a geometry get
    empty strings.
    """
    geoms = shapely.transform(
        geometry.to_numpy(), lambda xy: np.round(xy, DECIMALS), include_z=False
    )
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    point = shapely.point_on_surface(geoms)
    xy = np.round(shapely.get_coordinates(point[~missing]), DECIMALS)
    lon = np.full(len(geoms), "", dtype=object)
    lat = np.full(len(geoms), "", dtype=object)
    lon[~missing] = [repr(float(v)) for v in xy[:, 0]]
    lat[~missing] = [repr(float(v)) for v in xy[:, 1]]
    wkt = np.full(len(geoms), "", dtype=object)
    wkt[~missing] = shapely.to_wkt(
        geoms[~missing], rounding_precision=DECIMALS, trim=True
    )
    return lon, lat, wkt


def csv_text(table: gpd.GeoDataFrame) -> str:
    """Return the table as CSV: :data:`mapapp.cells.CSV_COLUMNS`, one row per event.

    Booleans are ``true``/``false``, missing values empty, ``claims`` and
    ``sources`` JSON text; every cell is neutralised against formula injection
    (:func:`mapapp.cells.neutralise`).
    """
    lon, lat, wkt = point_columns(table.geometry)
    columns: dict[str, Sequence[Any]] = {name: table[name].tolist() for name in COLUMNS}
    columns.update({"lon": lon, "lat": lat, "wkt": wkt})
    for name in BOOLEAN:
        columns[name] = ["true" if v else "false" for v in columns[name]]
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    text_columns = [
        [cells.neutralise("" if _missing(v) else str(v)) for v in columns[name]]
        for name in CSV_COLUMNS
    ]
    writer.writerows(zip(*text_columns, strict=True))
    return out.getvalue()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def geojson_text(table: gpd.GeoDataFrame, metadata: Mapping[str, Any]) -> str:
    """Return the table as RFC 7946 GeoJSON with a ``metadata`` foreign member.

    Properties are :data:`mapapp.cells.COLUMNS`; ``claims`` and ``sources`` are arrays.
    """
    return geojson.feature_collection(
        table, COLUMNS, foreign={"metadata": metadata}, raw=NESTED
    )


FORMATS = ("geojson", "csv", "gpkg", "lpf", "parquet")


def geoparquet_bytes(table: gpd.GeoDataFrame, metadata: Mapping[str, Any]) -> bytes:
    """Return the events as GeoParquet 1.1, with real date and number types.

    ``date_start``/``date_end`` are dates (Arrow ``date32``); ``people_min`` and
    ``people_max`` are the smallest and largest figure of people claimed (floats,
    empty when none); ``claims`` and ``sources`` stay JSON text, as in CSV. The
    export's metadata is the file's ``mapapp`` key-value metadata.
    """
    out = columns.typed(table)
    for name in NESTED:
        out[name] = [
            v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for v in out[name]
        ]
    import pyarrow.parquet as pq

    plain = _io.BytesIO()
    out.to_parquet(plain, index=False, schema_version="1.1.0")
    arrow = pq.read_table(_io.BytesIO(plain.getvalue()))
    about = json.dumps(dict(metadata), ensure_ascii=False, default=str)
    arrow = arrow.replace_schema_metadata(
        {**(arrow.schema.metadata or {}), b"mapapp": about.encode("utf-8")}
    )
    buffer = _io.BytesIO()
    pq.write_table(arrow, buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Frame:
    """What a GeoPackage carries besides the events: the 1962 line and its zones."""

    border: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame


def build(
    fmt: str,
    data: Dataset,
    located: GeocodeResult,
    ids: Sequence[str],
    metadata: Mapping[str, Any],
    frame: Frame | None = None,
    base_uri: str = lpf.BASE_URI,
    filtered: bool = False,
) -> str | bytes:
    """Return one export of the chosen events: the app's downloads and the CLI's.

    Parameters
    ----------
    fmt : str
        One of :data:`FORMATS`: GeoJSON, CSV and LPF are text; GeoPackage and
        GeoParquet are bytes.
    data, located : Dataset, GeocodeResult
        The checked and geocoded records.
    ids : sequence of str
        The events to export, in order.
    metadata : mapping
        From :func:`mapapp.meta.metadata` (filters and provenance).
    frame : Frame, optional
        The border and zones (needed for ``gpkg``).
    base_uri : str
        LPF only: the base of the places' URIs.
    filtered : bool
        LPF only: hold just the places the chosen events name (else the whole
        gazetteer but ad-hoc points).

    Raises
    ------
    ExportError
        For an unknown format, or when a layer cannot be written.
    """
    table = event_table(data, located, ids)
    if fmt == "geojson":
        return geojson_text(table, metadata)
    if fmt == "csv":
        return csv_text(table)
    if fmt == "gpkg":
        if frame is None:
            raise ExportError("a GeoPackage needs the border and the zones")
        layers = gpkg.layers(
            table, data, located.places, frame.border, frame.zones, metadata
        )
        sql = gpkg.statements(gpkg.tables(table, data), list(layers))
        return write.gpkg_bytes(layers, sql)
    if fmt == "parquet":
        return geoparquet_bytes(table, metadata)
    if fmt == "lpf":
        used = {pid for text in table["place_ids"] for pid in text.split("|") if pid}
        places = [
            p
            for p in data.places.values()
            if not is_adhoc(p) and (not filtered or p.id in used)
        ]
        return lpf.text(lpf.collection(places, metadata, base_uri))
    raise ExportError(f"unknown format (got {fmt!r}; expected one of {FORMATS})")

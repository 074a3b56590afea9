"""The export table of events, and the CSV writer (no file I/O here).

:func:`event_table` turns the event tables and their geocoded geometries into columns
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
from mapapp.model import Citation, Claim
from mapapp.tables import CITATION_COLUMNS, CLAIM_COLUMNS, EventTables

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
    tables = data.tables
    geo = located.events.set_index("id")
    if ids is not None:
        keep = set(ids)
        kept = [i for i, eid in enumerate(tables.ids) if eid in keep]
        if len(kept) < len(tables):  # (the geocode has a row per event, in order)
            tables = tables.take(kept)
            geo = geo.loc[list(tables.ids)] if len(tables) else geo.iloc[:0]
    columns = _columns(data, tables)
    # object columns keep None as None (pandas 3 would make str columns with NaN)
    frame = gpd.GeoDataFrame(
        {
            name: pd.Series(columns[name], dtype=bool if name in BOOLEAN else object)
            for name in COLUMNS
        },
        geometry=gpd.GeoSeries(geo.geometry.to_numpy(), crs=WGS84),
    )
    if len(tables):
        for name in ("geo_precision", "place_ids"):
            frame[name] = pd.Series(geo[name].to_numpy(dtype=object), dtype=object)
        for name in ("crossing_inferred", "far"):
            frame[name] = geo[name].to_numpy(dtype=bool)
        names = _each_distinct(
            frame["place_ids"].tolist(), lambda ids: _place_names(data, ids)
        )
        frame["place_names"] = pd.Series(names, dtype=object)
    frame.loc[frame.geometry.is_empty, "geometry"] = None
    return frame


def _each_distinct(values: Sequence[Any], make: Any) -> list[Any]:
    """Return ``make(v)`` for each value, worked out once per distinct value."""
    made = dict.fromkeys(values)
    for value in made:
        made[value] = make(value)
    return list(map(made.__getitem__, values))


def _joined(
    ev: np.ndarray, texts: Sequence[str], n: int, sep: str = cells.SEP
) -> np.ndarray:
    """Return, per event, the texts of its rows (``ev`` in order) joined by sep."""
    texts = np.asarray(texts, dtype=object)
    out = np.full(n, "", dtype=object)
    counts = np.bincount(ev, minlength=n)
    starts = np.cumsum(counts) - counts
    single = counts == 1
    out[single] = texts[starts[single]]
    many = np.flatnonzero(counts > 1)
    flat = texts.tolist()  # slices of a list are cheaper than of an array
    out[many] = [
        sep.join(flat[a : a + c])
        for a, c in zip(starts[many].tolist(), counts[many].tolist(), strict=True)
    ]
    return out


def _rows(table: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Return a table's rows as tuples of the given columns."""
    return list(zip(*(table[c].tolist() for c in columns), strict=True))


def _columns(data: Dataset, tables: EventTables) -> dict[str, Any]:
    """Return the columns of :data:`COLUMNS` that the tables give, by name."""
    n = len(tables)
    events = tables.events
    out: dict[str, Any] = {
        name: events[name].tolist()
        for name in ("id", "title", "kind", "date_note", "summary")
    }
    whens = events["when"].tolist()
    out["when"] = [when.edtf for when in whens]
    parsed = dict(zip(out["when"], whens, strict=True))  # the same text, the same When
    dates = _each_distinct(out["when"], lambda edtf: _dates(parsed[edtf]))
    for name in _DATE_COLUMNS:
        out[name] = [row[name] for row in dates]
    out["place"] = _place_column(data, tables)
    for name, empty in (
        ("place_ids", ""),
        ("place_names", ""),
        ("geo_precision", None),
        ("crossing_inferred", False),
        ("far", False),
    ):
        out[name] = [empty] * n
    claims = tables.claims
    models, texts = _records(claims, Claim, CLAIM_COLUMNS)
    people = (claims["quantity"] == "people").to_numpy()
    ev = claims["ev"].to_numpy()[people]
    figures = [cells.figure_cell(c) for c, p in zip(models, people, strict=True) if p]
    out["people"] = _joined(ev, figures, n)
    out["claimant"] = _joined(ev, claims["claimant"].to_numpy()[people], n)
    out["claims"] = _json_column(claims["ev"].to_numpy(), texts, n)
    cites = tables.citations
    words = _each_distinct(
        cites["source"].tolist(), lambda sid: cells.source_word(sid, data.sources)
    )
    out["source"] = _joined(cites["ev"].to_numpy(), words, n)
    out["citation"] = _citations(data, cites, n)
    out["related"] = [cells.SEP.join(ids) for ids in events["related"]]
    _, texts = _records(cites, Citation, CITATION_COLUMNS)
    out["sources"] = _json_column(cites["ev"].to_numpy(), texts, n)
    return out


def _records(
    table: pd.DataFrame, model: type[BaseModel], columns: Sequence[str]
) -> tuple[list[Any], list[str]]:
    """Return each row of a table as its model and its JSON, once per distinct row."""

    def make(row: tuple[Any, ...]) -> tuple[BaseModel, str]:
        record = model.model_construct(**dict(zip(columns, row, strict=True)))
        return record, record.model_dump_json(exclude_none=True)

    made = _each_distinct(_rows(table, columns), make)
    return [record for record, _ in made], [text for _, text in made]


def _json_column(ev: np.ndarray, texts: Sequence[str], n: int) -> np.ndarray:
    """Return, per event, the JSON of its rows (``ev`` in order) as an array."""
    joined = _joined(ev, texts, n, ",")
    return np.array(["[" + one + "]" for one in joined], dtype=object)


def _place_column(data: Dataset, tables: EventTables) -> np.ndarray:
    """Return each event's references in the ``place`` syntax (see :mod:`cells`)."""
    refs = tables.places
    names = refs["place"].tolist()
    ev = refs["ev"].to_numpy()
    bad = [name for name in dict.fromkeys(names) if cells.SEP in name]
    if bad:
        name = bad[0]
        eid = tables.ids[ev[names.index(name)]]
        raise ExportError(
            f"event {eid}: place {name!r} contains {cells.SEP!r}, which "
            f"the place column uses between references; use the place's id"
        )
    texts = _each_distinct(
        _rows(refs, ("role", "route", "place")), lambda r: cells.place_token(*r)
    )
    out = _joined(ev, texts, len(tables))
    adhoc = np.array(
        _each_distinct(names, lambda name: is_adhoc(data.places.get(name))),
        dtype=bool,
    )
    only = np.bincount(ev, minlength=len(tables))[ev] == 1
    out[ev[adhoc & only]] = ""  # placed by a point alone: no name to write
    return out


def _citations(data: Dataset, cites: pd.DataFrame, n: int) -> list[str]:
    """Return each event's short citation: its first source, and how many more."""
    counts = np.bincount(cites["ev"].to_numpy(), minlength=n)
    firsts = cites[cites["order"] == 0]
    out = [""] * n

    def text(sid: str, locator: str | None) -> str:
        source = data.sources.get(sid)
        words = source.citation() if source else sid
        return words + (f", {locator}" if locator else "")

    made = _each_distinct(_rows(firsts, ("source", "locator")), lambda r: text(*r))
    for ev, words in zip(firsts["ev"].tolist(), made, strict=True):
        more = int(counts[ev]) - 1
        out[ev] = words + (f" (and {more} more)" if more else "")
    return out


def _place_names(data: Dataset, place_ids: str) -> str:
    places = data.places
    return cells.SEP.join(
        places[pid].label if pid in places else pid for pid in cells.split(place_ids)
    )


_DATE_COLUMNS = (
    "date_start",
    "date_end",
    "date_precision",
    "date_approximate",
    "date_uncertain",
)


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

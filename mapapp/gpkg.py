"""The layers and tables of the GeoPackage export (written by :func:`write.write_gpkg`).

========================= ==========================================================
``events``                every exported event as the points of its places
                          (MultiPoint; empty when it is drawn at no point), with
                          ``date_start``/``date_end`` as DATE and ``people_min``/
                          ``people_max`` as numbers
``routes``                the events drawn as routes (MultiLineString)
``places``                the gazetteer with the side of the 1962 line, distance …
``border_1962``           the border sectors and their certainty
``uncertain_zones``       where the 1962 line is not known
``metadata``              attribute table ``key``/``value`` (nested values as JSON)
``claims``                one row per figure, numbers as numbers, ``as_of`` a DATE
``sources``               one row per source cited by an exported event
``event_sources``         which event cites which source, with locator and quote
``layer_styles``          QGIS styles: the kinds' colours, the border dashed where
                          it is uncertain (:mod:`mapapp.qgisstyle`)
========================= ==========================================================

``claims.event_id``, ``event_sources.event_id`` and ``event_sources.source_id`` are
foreign keys to ``events.id`` and ``sources.id``, which GDAL (and so QGIS) reads as
relations. Every layer has one geometry type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from mapapp import columns, qgisstyle
from mapapp.dataset import Dataset
from mapapp.model import AREA_KINDS, GRADE_MEANING

LAYERS = ("events", "routes", "places", "border_1962", "uncertain_zones", "metadata")
TABLES = ("claims", "sources", "event_sources")
LINES = ("LineString", "MultiLineString")
GEOMETRY = "geom"  # the geometry column GDAL gives a GeoPackage layer


@dataclass(frozen=True)
class Table:
    """An attribute table written with SQL: typed columns, keys, rows."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (name, SQL type and constraint)
    rows: list[tuple[Any, ...]]
    description: str


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


def event_points(table: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Return each event as the points of its places that are points (MultiPoint).

    Regions are names, not points (:data:`mapapp.model.AREA_KINDS`), so an event
    only at regions, or not located, has an empty geometry.
    """
    point = places[~places["kind"].isin(AREA_KINDS)].geometry
    shapes = []
    for ids in table["place_ids"]:
        xy = [point[p] for p in dict.fromkeys(ids.split("|")) if p in point.index]
        shapes.append(shapely.multipoints(xy) if xy else None)
    return gpd.GeoSeries(shapes, index=table.index, crs=table.crs)


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
    events = flat(columns.typed(table))
    is_line = events.geometry.geom_type.isin(LINES).to_numpy()
    routes = events[is_line].reset_index(drop=True)
    routes = routes.set_geometry(
        gpd.GeoSeries(
            [
                shapely.multilinestrings([g]) if g.geom_type == "LineString" else g
                for g in routes.geometry
            ],
            crs=routes.crs,
        )
    )
    events = events.set_geometry(event_points(table, places))
    return {
        "events": events,
        "routes": routes,
        "places": place_layer(data, places),
        "border_1962": flat(border),
        "uncertain_zones": flat(zones),
        "metadata": metadata_table(metadata),
    }


def _date(when: Any, latest: bool = False) -> str | None:
    """Return an EDTF value's first (or last) day as ISO text, None if open/none."""
    if when is None:
        return None
    day = when.latest if latest else when.earliest
    return None if day.year in (1, 9999) else day.isoformat()


def tables(table: gpd.GeoDataFrame, data: Dataset) -> list[Table]:
    """Return the ``claims``, ``sources`` and ``event_sources`` tables.

    Only the exported events (``table``) and the sources they cite are included.
    ``as_of`` is the last day the figure's date can mean (a figure "as of May 1962"
    counts to the end of May); ``as_of_edtf`` keeps the date as written.
    """
    wanted = set(table["id"])
    events = [ev for ev in data.events if ev.id in wanted]
    claims = [
        (
            ev.id, c.quantity, c.value, c.low, c.high, c.approximate, c.unverified,
            _date(c.as_of, latest=True), c.as_of.edtf if c.as_of else None,
            c.scope, c.claimant, c.source, c.locator, c.note,
        )
        for ev in events
        for c in ev.claims
    ]  # fmt: skip
    cites = [
        (ev.id, c.source, c.locator, c.quote, c.note)
        for ev in events
        for c in ev.sources
    ]
    cited = dict.fromkeys([c[1] for c in cites] + [c[11] for c in claims])
    sources = [
        (
            s.id, s.title, s.date.edtf if s.date else None, _date(s.date), s.issuer,
            s.recipient, s.kind, s.grade, GRADE_MEANING[s.grade], s.archive_ref,
            s.collection, s.translator, s.url, s.rights, s.summary, s.citation(),
        )
        for s in (data.sources[sid] for sid in cited if sid in data.sources)
    ]  # fmt: skip
    text, real, flag, day = "TEXT", "REAL", "BOOLEAN", "DATE"
    event_key = "TEXT NOT NULL REFERENCES events(id)"
    source_key = "TEXT REFERENCES sources(id)"
    return [
        Table(
            "sources",
            (
                ("id", "TEXT NOT NULL UNIQUE"), ("title", text), ("date_edtf", text),
                ("date", day), ("issuer", text), ("recipient", text), ("kind", text),
                ("grade", text), ("grade_meaning", text), ("archive_ref", text),
                ("collection", text), ("translator", text), ("url", text),
                ("rights", text), ("summary", text), ("citation", text),
            ),
            sources,
            "The sources the exported events cite, with grade and rights",
        ),
        Table(
            "claims",
            (
                ("event_id", event_key), ("quantity", text), ("value", real),
                ("low", real), ("high", real), ("approximate", flag),
                ("unverified", flag), ("as_of", day), ("as_of_edtf", text),
                ("scope", text), ("claimant", text), ("source_id", source_key),
                ("locator", text), ("note", text),
            ),
            claims,
            "One row per figure: who claimed it, in which source",
        ),
        Table(
            "event_sources",
            (
                ("event_id", event_key), ("source_id", source_key),
                ("locator", text), ("quote", text), ("note", text),
            ),
            cites,
            "Which event cites which source, with the locator and quote",
        ),
    ]  # fmt: skip


def statements(
    tables: Sequence[Table], styled: Sequence[str]
) -> list[tuple[str, Sequence[Any]]]:
    """Return the SQL that adds the tables, keys and QGIS styles to a GeoPackage.

    Run after the layers are written (the keys point at ``events.id``), in one
    transaction, by :func:`mapapp.write.write_gpkg`. ``styled`` are the layers
    written, of which those :func:`mapapp.qgisstyle.styles` knows get a style.
    """
    out: list[tuple[str, Sequence[Any]]] = [
        ("CREATE UNIQUE INDEX events_id ON events(id)", ())
    ]
    for t in tables:
        cols = ", ".join(f'"{name}" {kind}' for name, kind in t.columns)
        key = "fid INTEGER PRIMARY KEY AUTOINCREMENT"
        out.append((f'CREATE TABLE "{t.name}" ({key}, {cols})', ()))
        marks = ", ".join("?" for _ in t.columns)
        out += [
            (f'INSERT INTO "{t.name}" VALUES (NULL, {marks})', row) for row in t.rows
        ]
        out.append(_contents(t.name, t.description))
    out.append(
        (
            "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "f_table_catalog TEXT(256), f_table_schema TEXT(256), "
            "f_table_name TEXT(256), f_geometry_column TEXT(256), "
            "styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, "
            "description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME)",
            (),
        )
    )
    for layer, (name, qml) in qgisstyle.styles().items():
        if layer in styled:
            out.append(
                (
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, "
                    "f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
                    "useAsDefault, description, owner) "
                    "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '')",
                    (layer, GEOMETRY, name, qml, f"{name}, as in the app"),
                )
            )
    out.append(_contents("layer_styles", "QGIS layer styles"))
    return out


def _contents(name: str, description: str) -> tuple[str, Sequence[Any]]:
    """Return the statement that registers an attribute table in gpkg_contents."""
    return (
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
        "last_change) VALUES (?, 'attributes', ?, ?, "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        (name, name, description),
    )

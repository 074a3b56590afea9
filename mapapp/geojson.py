"""An RFC 7946 GeoJSON writer that controls every rule itself (no GDAL).

- positions are ``[longitude, latitude]`` in WGS 84, rounded to 7 decimals;
- no ``crs`` member; exterior rings counter-clockwise, holes clockwise;
- each Feature's ``id`` is the id column; a ``bbox`` on the collection and on every
  feature with a geometry; ``"geometry": null`` for a feature without one;
- foreign members (e.g. ``metadata``) on the collection; list and dict values stay
  arrays and objects in ``properties``.

Each distinct geometry is rounded, oriented and written once, by shapely in one
vectorised call each; properties are encoded column by column, each distinct text
once. One feature is written per line, after a first line that opens the collection.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapapp.errors import ExportError

DECIMALS = 7
MEDIA_TYPE = "application/geo+json"


_encode_str = json.encoder.encode_basestring  # C implementation: "..." with escapes
_LITERALS = {True: "true", False: "false"}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def plain(value: Any) -> Any:
    """Return a JSON-ready Python value: numpy scalars unwrapped, NaN/inf to None."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def encode_value(value: Any) -> str:
    """Return one property value as JSON text (NaN and missing values are null)."""
    if isinstance(value, str):
        return _encode_str(value)
    if value is None:
        return "null"
    if isinstance(value, bool | np.bool_):
        return _LITERALS[bool(value)]
    return _dumps(plain(value))


def encode_column(values: pd.Series, raw: bool = False) -> list[str]:
    """Return the JSON text of each value of a column.

    Parameters
    ----------
    values : Series
    raw : bool
        The values are JSON text already (e.g. ``claims``): written as they are,
        so arrays stay arrays; missing values become null.
    """
    array = values.to_numpy(dtype=object)
    if raw:
        return ["null" if v is None or v != v else v for v in array.tolist()]
    kind = pd.api.types.infer_dtype(array, skipna=False)
    if kind == "string":
        texts = array.tolist()
        memo = dict.fromkeys(texts)  # a column often repeats its values
        if len(memo) == len(texts):
            return list(map(_encode_str, texts))
        for text in memo:
            memo[text] = _encode_str(text)
        return list(map(memo.__getitem__, texts))
    if kind == "boolean":
        return list(map(_LITERALS.__getitem__, array.tolist()))
    return list(map(encode_value, array.tolist()))


def _wgs84(geometry: gpd.GeoSeries) -> np.ndarray:
    """Return the geometries in WGS 84, as an array."""
    if geometry.crs is None:
        raise ExportError("the layer has no CRS; expected EPSG:4326 coordinates")
    if not geometry.crs.equals("EPSG:4326"):
        geometry = geometry.to_crs("EPSG:4326")
    return geometry.to_numpy()


def _rounded(geoms: np.ndarray) -> np.ndarray:
    """Return the geometries with rings oriented and coordinates rounded."""
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6, 7))  # (Multi)Polygon, GC
    if polygonal.any():
        geoms = geoms.copy()
        geoms[polygonal] = shapely.orient_polygons(geoms[polygonal], exterior_cw=False)
    return shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS))


def _distinct(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each geometry's code and the distinct geometries.

    The code is -1 for a missing or empty geometry; many events share a place, so
    each distinct geometry is rounded and written once.
    """
    codes = np.full(len(geoms), -1, dtype=np.int64)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return codes, geoms[:0]
    found, _ = pd.factorize(shapely.to_wkb(geoms[present]))
    codes[present] = found
    _, first = np.unique(found, return_index=True)
    return codes, geoms[present][first]


def _bboxes(bounds: np.ndarray) -> list[str]:
    """Return ``[w,s,e,n]`` text per row, formatted by one C-level json call."""
    if not len(bounds):
        return []
    text = json.dumps(np.round(bounds, DECIMALS).tolist(), separators=(",", ":"))
    return ["[" + part + "]" for part in text[2:-2].split("],[")]


def feature_collection(
    frame: gpd.GeoDataFrame,
    properties: Sequence[str],
    id_column: str = "id",
    foreign: Mapping[str, Any] | None = None,
    raw: Collection[str] = (),
) -> str:
    """Return a FeatureCollection as RFC 7946 GeoJSON text.

    Parameters
    ----------
    frame : GeoDataFrame
        One row per feature; reprojected to WGS 84 when it is in another CRS.
    properties : sequence of str
        The columns to write in ``properties``, in this order.
    id_column : str
        The column whose value is each Feature's ``id``.
    foreign : mapping, optional
        Foreign members of the collection, e.g. ``{"metadata": {...}}``.
    raw : collection of str
        Columns holding JSON text to embed as it is (arrays stay arrays).

    Returns
    -------
    str
        The document, one feature per line, ending with a newline.
    """
    codes, distinct = _distinct(_wgs84(frame.geometry))
    distinct = _rounded(distinct)
    bounds = shapely.bounds(distinct)
    # one more slot, for code -1: a feature without a geometry
    geometry = np.append(shapely.to_geojson(distinct).astype(object), "null")[codes]
    boxes = np.array(
        [',"bbox":' + box for box in _bboxes(bounds)] + [""], dtype=object
    )[codes]
    values = [
        encode_column(frame[id_column]),
        boxes,
        geometry,
        *(encode_column(frame[name], raw=name in raw) for name in properties),
    ]
    head = ['"type":"FeatureCollection"']
    head += [f"{_dumps(k)}:{_dumps(plain(v))}" for k, v in (foreign or {}).items()]
    if len(bounds):
        total = [*bounds[:, :2].min(axis=0), *bounds[:, 2:].max(axis=0)]
        head.append('"bbox":' + _bboxes(np.array([total]))[0])
    opening = "{" + ",".join(head) + ',"features":[\n'
    if not len(frame):
        return opening + "]}\n"
    # the text between the values of a feature; the last ends its line
    keys = [_encode_str(name) + ":" for name in properties]
    glue = ['{"type":"Feature","id":', "", ',"geometry":']
    glue += [("," if k else ',"properties":{') + key for k, key in enumerate(keys)]
    glue.append(("" if keys else ',"properties":{') + "}},\n")
    n, stride = len(frame), 2 * len(values) + 1
    pieces: list[Any] = [None] * (n * stride)  # feature by feature, glue and values
    for k, text in enumerate(glue):
        pieces[2 * k :: stride] = [text] * n
    for k, column in enumerate(values):
        pieces[2 * k + 1 :: stride] = list(column)
    pieces[0] = opening + glue[0]
    pieces[-1] = glue[-1].removesuffix(",\n") + "\n]}\n"
    return "".join(pieces)  # the only copy of the whole text

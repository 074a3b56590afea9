"""Writing files atomically: complete, or not there at all."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio

from mapapp.errors import ExportError


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so that it is either complete or not there at all.

    The data goes to a temporary file in the same folder, which is renamed over the
    target only once fully written; on any failure the temporary file is removed.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_gpkg(
    path: Path,
    layers: Mapping[str, pd.DataFrame],
    statements: Sequence[tuple[str, Sequence[Any]]] = (),
) -> None:
    """Write layers to a GeoPackage atomically: complete, or not there at all.

    Every layer goes into a temporary GeoPackage in the target's folder, which is
    renamed over the target once all are written; on any failure it is removed.
    Frames without geometry become attribute tables; Arrow ``date32`` columns
    become DATE fields. ``statements`` (SQL and parameters, e.g. from
    :func:`mapapp.gpkg.statements`) then run in one transaction.

    Raises
    ------
    ExportError
        When GDAL cannot write a layer (nothing is left behind).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.gpkg")
    leftovers = [
        tmp,
        *(tmp.with_name(tmp.name + x) for x in ("-wal", "-shm", "-journal")),
    ]
    try:
        for p in leftovers:
            p.unlink(missing_ok=True)
        for name, frame in layers.items():
            try:
                pyogrio.write_dataframe(
                    frame, tmp, layer=name, driver="GPKG", use_arrow=True
                )
            except (
                pyogrio.errors.DataSourceError,
                pyogrio.errors.DataLayerError,
                pyogrio.errors.FieldError,
                pyogrio.errors.GeometryError,
            ) as exc:
                raise ExportError(f"cannot write layer {name!r}: {exc}") from None
        if statements:
            try:
                with contextlib.closing(sqlite3.connect(tmp)) as db, db:
                    for sql, params in statements:
                        db.execute(sql, params)
            except sqlite3.Error as exc:
                raise ExportError(f"cannot finish the GeoPackage: {exc}") from None
        os.replace(tmp, path)
    finally:
        for p in leftovers:
            p.unlink(missing_ok=True)


def gpkg_bytes(
    layers: Mapping[str, pd.DataFrame],
    statements: Sequence[tuple[str, Sequence[Any]]] = (),
) -> bytes:
    """Return a GeoPackage of the layers as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.gpkg"
        write_gpkg(target, layers, statements)
        return target.read_bytes()

"""A file's rows, as columns, and the distinct cells of each column.

The import (:mod:`mapapp.rows`) judges each distinct cell of a column once: rows
whose cells are the same share a code (:func:`distinct`), and what a cell gives is
worked out once per distinct cell (:func:`per_cell`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Row:
    """One input record: its cells (CSV text or GeoJSON values) and where it was."""

    index: int
    line: int | None
    cells: dict[str, Any]
    point: tuple[float, float] | None = None
    geometry_type: str | None = None


@dataclass(frozen=True)
class Table:
    """The rows of a CSV file: cells by position (None where a row is short).

    ``lines`` gives the file line each row starts on. Where a name appears twice in
    the header, the last column of that name counts (as in a dict of the row).
    """

    header: list[str]
    rows: list[list[str | None]]
    lines: list[int]

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class Columns:
    """The rows of a file as columns: each name's cells (None where a row has none)."""

    names: list[str]
    cells: dict[str, list[Any]]
    lines: list[int | None]
    points: list[tuple[float, float] | None]
    geometry_types: list[str | None]

    @classmethod
    def of(cls, rows: list[Row] | Table) -> Columns:
        """Return the columns of a CSV table or of GeoJSON rows."""
        if isinstance(rows, Table):
            at = {name: j for j, name in enumerate(rows.header)}  # the last wins
            cols = list(zip(*rows.rows, strict=True)) if rows.rows else []
            cells_ = {name: list(cols[j]) if cols else [] for name, j in at.items()}
            n = len(rows)
            return cls(list(at), cells_, list(rows.lines), [None] * n, [None] * n)
        names = list(dict.fromkeys(k for row in rows for k in row.cells))
        return cls(
            names,
            {name: [row.cells.get(name) for row in rows] for name in names},
            [row.line for row in rows],
            [row.point for row in rows],
            [row.geometry_type for row in rows],
        )

    def get(self, name: str) -> list[Any]:
        """Return a column's cells (all None when the file has no such column)."""
        found = self.cells.get(name)
        return found if found is not None else [None] * len(self.lines)

    def row(self, i: int) -> dict[str, Any]:
        """Return the cells row ``i`` has, in the file's order."""
        return {
            name: value
            for name in self.names
            if (value := self.cells[name][i]) is not None
        }


def distinct(*columns: Sequence[Any]) -> tuple[np.ndarray, list[int]]:
    """Return a code per row for the distinct combinations of these columns.

    A column may also be an integer array of codes made before (compared as
    numbers).

    Returns
    -------
    codes : ndarray of int
        The same code for rows whose cells are all the same (by type and value).
    first : list of int
        The first row of each code.
    """
    n = len(columns[0]) if columns else 0
    combined = np.zeros(n, dtype=np.int64)
    for column in columns:
        if isinstance(column, np.ndarray) and column.dtype.kind in "iu":
            codes, uniques = pd.factorize(column)
        else:
            codes, uniques = _factorize(column)
        # numbered again after each column, so that the product stays below n²
        combined, _ = pd.factorize(combined * (len(uniques) + 1) + (codes + 1))
    codes = combined
    first = np.full(codes.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))
    return codes, first.tolist()


def by_cell(
    column: Sequence[Any], make: Callable[[Any], Any]
) -> tuple[np.ndarray, list[Any]]:
    """Return a code per cell, and ``make(cell)`` once per distinct cell.

    Returns
    -------
    codes : ndarray of int
        The same code for the same cell (by type and value); the last code is for
        no cell (None).
    made : list
        ``make`` of each code's cell.
    """
    codes, uniques = _factorize(column)
    made = list(map(make, uniques))
    made.append(make(None))
    codes[codes < 0] = len(uniques)
    return codes, made


def per_cell(column: Sequence[Any], make: Callable[[Any], Any]) -> list[Any]:
    """Return ``make(cell)`` for each cell of a column, once per distinct cell."""
    codes, made = by_cell(column, make)
    out = np.empty(len(made), dtype=object)
    out[:] = made
    return out[codes].tolist()


def _factorize(column: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Return a code per cell (-1 for None) and the distinct cells, by type and value.

    Text is compared as text; any other value (a GeoJSON number, list or object)
    by its type and JSON, so that 1 and "1" and True stay apart.
    """
    values = pd.Series(column, dtype=object).to_numpy()
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        codes, uniques = pd.factorize(values)
        return codes, list(uniques)
    keys = [
        v
        if v is None or type(v) is str
        else f"\0{type(v).__name__}:{json.dumps(v, sort_keys=True, default=repr)}"
        for v in values
    ]
    codes, _ = pd.factorize(pd.Series(keys, dtype=object).to_numpy())
    first = np.full(codes.max() + 1 if len(codes) else 0, len(codes))
    np.minimum.at(first, codes[codes >= 0], np.flatnonzero(codes >= 0))
    return codes, [values[i] for i in first]


def cell_text(value: Any) -> str:
    """Return a cell as stripped text (empty for no cell)."""
    return "" if value is None else str(value).strip()


def cell_value(value: Any) -> Any:
    """Return None for a blank cell, else the value as written (models strip)."""
    # blank by ASCII whitespace only: Python and pydantic differ on a few others
    if isinstance(value, str) and not value.strip(" \t\n\r\x0b\x0c"):
        return None
    return value

"""Researchers' own events from CSV or GeoJSON, checked row by row.

The minimal CSV header is ``id,title,kind,when,place,lon,lat,summary,people,claimant,
source``; the CSV and GeoJSON that :mod:`mapapp.export` writes are supersets and
come back with nothing lost. Cell syntax is in :mod:`mapapp.cells`. Rules:

- ``place``: gazetteer ids or any name variant, ``|``-separated, each optionally
  ``role:``-prefixed (``site`` when not). When ``place`` is given, ``lon``/``lat``
  are not used (the export writes the representative point there for GIS tools).
- Empty ``place`` with ``lon``/``lat`` (or a GeoJSON Point): the event gets an
  *ad-hoc place* ``point-<event id>`` of precision ``exact``, ``coord_source``
  ``imported file <file>, row <line>``, kind ``village`` (the gazetteer has no
  neutral kind), and the 1962 state of the territory polygon it lies in (outside
  the PRC and USSR polygons: the nearest of them). Its name is the coordinate.
- ``source``: known source ids, or citations in words. A word citation becomes a
  source ``cited-<hash>``, kind ``popular``, grade ``D`` (unverified until someone
  catalogues it), so claims citing it are marked ``unverified``. An unknown entry
  written like an id (``kraus-2091``) is rejected as an unknown source.
- ``people`` with ``claimant`` make a ``people`` claim citing the row's first source
  with scope ``not stated in the imported row``.
- When a row has ``claims``/``sources`` arrays (as the export writes), they are the
  record and ``people``/``claimant``/``source`` must match them (or be empty).
  The other export columns (``date_*``, ``place_ids``, ``geo_precision``, ``wkt``,
  …) are derived and ignored.

Rejected rows come back as :class:`~mapapp.errors.Problem` (file, CSV line, record
id, column, message); accepted rows as records ready for geocoding. The row checks
are in :mod:`mapapp.rows` (each distinct cell read once per file, every row
validated by the model), points in :mod:`mapapp.adhoc`.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from io import StringIO
from typing import Any

import geopandas as gpd

from mapapp import cells
from mapapp.cells import CSV_COLUMNS
from mapapp.dataset import Dataset
from mapapp.errors import DataError, Problem
from mapapp.io import decode, parse_json
from mapapp.rowcolumns import Row, Table
from mapapp.rows import ImportResult, LocatedRecord, RowChecker

HEADER = (
    "id",
    "title",
    "kind",
    "when",
    "place",
    "lon",
    "lat",
    "summary",
    "people",
    "claimant",
    "source",
)
REQUIRED = ("id", "title", "kind", "when", "summary")
KNOWN = frozenset(CSV_COLUMNS) | frozenset(HEADER)


def import_events(
    data: bytes,
    label: str,
    base: Dataset,
    territory: gpd.GeoDataFrame,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read events from CSV or GeoJSON bytes and check every row.

    Parameters
    ----------
    data : bytes
        The file's content (at most :data:`mapapp.io.MAX_BYTES`, UTF-8).
    label : str
        The file as named in messages; ``.csv`` is read as CSV, ``.geojson`` and
        ``.json`` (or text starting with ``{``) as GeoJSON.
    base : Dataset
        The sources and places the rows may cite (its events are not used).
    territory : GeoDataFrame
        The 1962 territory polygons, for the state of ad-hoc points.
    progress : callable, optional
        Called as ``progress(rows_checked, rows)`` while the rows are checked.

    Returns
    -------
    ImportResult

    Raises
    ------
    DataError
        When the file is too large or not UTF-8.
    """
    text = decode(data, label)
    geojson = label.lower().endswith((".geojson", ".json")) or (
        not label.lower().endswith(".csv") and text.lstrip().startswith("{")
    )
    with gc_paused():
        rows, problems = (geojson_rows if geojson else csv_rows)(text, label)
        result = RowChecker(label, base, territory).run(rows, progress)
    return ImportResult(
        result.tables,
        result.sources,
        result.places,
        [*problems, *result.problems],
        sorted(set(result.matches), key=lambda m: m.text),  # in any path's order
    )


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk load.

    Loading makes hundreds of thousands of objects and no reference cycles; the
    collector would only walk them again and again (a third of the time of a large
    import). The collector is enabled again on the way out, unless it was off
    already (the CLI turns it off for a whole command). A long-lived caller that
    keeps what it loaded may then move it to the collector's permanent generation
    itself (``gc.freeze()``, as the app does at its edge), so that later
    collections skip it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- reading rows ----------------------------------------------------------------


def csv_rows(text: str, label: str) -> tuple[Table, list[Problem]]:
    """Read CSV text into a table of rows under its header (neutralisation undone).

    Blank rows are skipped; a row with more cells than the header is reported and
    left out; a shorter row lacks its last cells (None in the table). A file of one
    line per row is read in one call; any other is read row by row, to know the
    line each row starts on.
    """
    reader = csv.reader(StringIO(text, newline=""), strict=True)
    try:
        header = [cells.restore(h.strip()) for h in next(reader)]
    except StopIteration:
        return Table([], [], []), [
            Problem(label, None, None, None, "file is empty; expected a header")
        ]
    except csv.Error as exc:
        return Table([], [], []), [
            Problem(label, 1, None, None, f"malformed CSV: {exc}")
        ]
    problems = _header_problems(header, label)
    if any(p.field in REQUIRED or p.field == "source" for p in problems):
        return Table([], [], []), problems
    width = len(header)
    try:
        rest: list[list[str]] = list(reader)
    except csv.Error:  # read again row by row, to say where
        rest = []
    if rest and reader.line_num == len(rest) + 1:  # one line per row: row k on k + 2
        records, lines = _kept(rest, range(2, len(rest) + 2), width, label, problems)
    else:
        reader = csv.reader(StringIO(text, newline=""), strict=True)
        next(reader)
        records, lines = _tracked(reader, width, label, problems)
    # a neutralised cell starts with ' at a line start, after a comma or a quote
    if "'" in text and (
        text.startswith("'") or any(s in text for s in (",'", "\n'", "\r'", "\"'"))
    ):
        records = [
            [cells.restore(c) if c and c[0] == "'" else c for c in record]
            for record in records
        ]
    return Table(header, records, lines), problems


def _tracked(
    reader: Iterator[list[str]], width: int, label: str, problems: list[Problem]
) -> tuple[list[list[str | None]], list[int]]:
    """Read the rows after the header, each with the line it starts on."""
    rows, lines, broken = [], [], []
    start = reader.line_num + 1  # type: ignore[attr-defined]
    try:
        for record in reader:
            line, start = start, reader.line_num + 1  # type: ignore[attr-defined]
            rows.append(record)
            lines.append(line)
    except csv.Error as exc:  # strict: a quote left open does not swallow the rest
        hint = " (a quote opened in this row is never closed)"
        broken.append(
            Problem(
                label,
                start,
                None,
                None,
                f"malformed CSV: {exc}{hint if 'end of data' in str(exc) else ''}; "
                "this row and the rows after it were not read",
            )
        )
    kept = _kept(rows, lines, width, label, problems)
    problems += broken  # after the rows read before it
    return kept


def _kept(
    rows: list[list[str]],
    lines: Sequence[int],
    width: int,
    label: str,
    problems: list[Problem],
) -> tuple[list[list[str | None]], list[int]]:
    """Leave out blank rows and rows too wide (reported); pad short rows with None."""
    odd = [
        i
        for i, row in enumerate(rows)
        if len(row) != width or not row[0].strip(" \t\r\n")
    ]
    if not odd:
        return rows, list(lines)  # type: ignore[return-value]
    skip = set()
    out_rows: list[list[str | None]] = list(rows)  # type: ignore[arg-type]
    for i in odd:
        row = rows[i]
        if not "".join(row).strip(" \t\r\n"):
            skip.add(i)  # blank
        elif len(row) > width:
            problems.append(
                Problem(
                    label,
                    lines[i],
                    None,
                    None,
                    f"too many cells (got {len(row)}; expected {width} as in the "
                    "header)",
                )
            )
            skip.add(i)
        elif len(row) < width:
            out_rows[i] = [*row, *[None] * (width - len(row))]
    keep = [i for i in range(len(rows)) if i not in skip]
    return [out_rows[i] for i in keep], [lines[i] for i in keep]


def _header_problems(header: list[str], label: str) -> list[Problem]:
    out = []
    for name in REQUIRED:
        if name not in header:
            out.append(
                Problem(
                    label,
                    1,
                    None,
                    name,
                    f"required column is missing "
                    f"(got {', '.join(header)}; expected at least "
                    f"{', '.join(HEADER)})",
                )
            )
    if "source" not in header and "sources" not in header:
        out.append(
            Problem(
                label,
                1,
                None,
                "source",
                "required column is missing (got no source column; expected source)",
            )
        )
    for name in header:
        if name not in KNOWN:
            out.append(
                Problem(
                    label,
                    1,
                    None,
                    name,
                    f"unknown column (got {name!r}; "
                    f"expected some of {', '.join(HEADER)}, or the export's "
                    "columns)",
                )
            )
    seen = set()
    for name in header:
        if name in seen:
            out.append(
                Problem(
                    label,
                    1,
                    None,
                    name,
                    f"column appears twice (got "
                    f"{name!r} twice; expected each column once)",
                )
            )
        seen.add(name)
    return out


def geojson_rows(text: str, label: str) -> tuple[list[Row], list[Problem]]:
    """Read a FeatureCollection of events (the export's own format) into rows."""
    try:
        doc = parse_json(text, label)
    except DataError as exc:
        return [], exc.problems
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or doc.get("type") != "FeatureCollection":
        return [], [
            Problem(label, 1, None, None, "expected a GeoJSON FeatureCollection")
        ]
    one_per_line = text.count("\n") in (len(features) + 1, len(features) + 2)
    rows, problems = [], []
    for i, feature in enumerate(features):
        line = i + 2 if one_per_line else None
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(
                Problem(label, line, f"#{i + 1}", None, "expected a Feature")
            )
            continue
        props, geometry = feature.get("properties") or {}, feature.get("geometry") or {}
        fid = feature.get("id")
        wrong = [
            Problem(
                label,
                line,
                fid if isinstance(fid, str) else f"#{i + 1}",
                name,
                f"wrong type (got {value!r:.60}; expected {wanted})",
            )
            for name, value, wanted in (
                ("properties", props, "an object of properties, or null"),
                ("geometry", geometry, "a GeoJSON geometry object, or null"),
            )
            if not isinstance(value, dict)
        ]
        if wrong:
            problems += wrong
            continue
        props = dict(props)
        if "id" not in props and isinstance(feature.get("id"), str):
            props["id"] = feature["id"]
        coords = geometry.get("coordinates")
        point = None
        if (
            geometry.get("type") == "Point"
            and isinstance(coords, list)
            and len(coords) >= 2
        ):
            point = (coords[0], coords[1])
        rows.append(Row(i + 1, line, props, point, geometry.get("type")))
    return rows, problems


def merge(base: Dataset, imported: ImportResult, replace: bool = True) -> Dataset:
    """Return the base dataset with the imported records added.

    Parameters
    ----------
    base : Dataset
    imported : ImportResult
    replace : bool
        Whether the imported events replace the base's events (True) or come after
        them (duplicate ids are then reported by :func:`mapapp.validate.check`).
    """

    def located(category: str, records: Mapping[str, Any]) -> list[LocatedRecord]:
        out = []
        for rid, record in records.items():
            label, lines = base.origins.get((category, rid), ("<input>", {"": 0}))
            out.append((record, label, lines))
        return out

    merged = Dataset.from_located(
        [],
        [*located("source", base.sources), *imported.sources],
        [*located("place", base.places), *imported.places],
        dict(base.texts),
        [imported.tables] if replace else [base.tables, imported.tables],
    )
    if replace:
        return merged
    # the base's events keep the lines of their fields
    origins = {k: v for k, v in base.origins.items() if k[0] == "event"}
    return dataclasses.replace(merged, origins={**origins, **merged.origins})

"""Checking imported rows column by column and turning them into the event tables.

The rules are listed in :mod:`mapapp.importer`; cell syntax is in
:mod:`mapapp.cells`, points in :mod:`mapapp.adhoc`, sources and figures in
:mod:`mapapp.citecells`. Each distinct cell of a column (or set of cells that go
together, such as ``people`` and ``claimant``) is judged once, by the models' own
field rules (:func:`mapapp.problems.judge`); a row then becomes an event of the
tables or gives every problem it has: nothing stops at the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from mapapp import cells, citations, tables
from mapapp.adhoc import adhoc_id, make_places, point_of, study_box
from mapapp.citecells import Citing, Messages
from mapapp.dataset import Dataset
from mapapp.errors import Problem
from mapapp.gazetteer import Gazetteer
from mapapp.model import Event
from mapapp.placecells import PlaceCells
from mapapp.problems import judge
from mapapp.rowcolumns import (
    Columns,
    Row,
    Table,
    by_cell,
    cell_text,
    cell_value,
    distinct,
    per_cell,
)
from mapapp.tables import EventTables

SCALARS = ("id", "title", "summary", "kind", "when", "date_note")
LocatedRecord = tuple[Any, str, dict[str, int]]
Findings = dict[int, list[tuple[str | None, str]]]  # by row


@dataclass(frozen=True)
class ImportResult:
    """What an import gave: the accepted events, new records, and rejected rows.

    ``tables`` holds the accepted events (their ``file`` and ``line`` columns say
    where each came from); ``sources`` and ``places`` hold ``(record, file, {"":
    line})`` as :meth:`mapapp.dataset.Dataset.from_located` takes them, only the new
    ones (free-text citations, ad-hoc points).
    """

    tables: EventTables = field(default_factory=EventTables.empty)
    sources: list[LocatedRecord] = field(default_factory=list)
    places: list[LocatedRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    matches: list[citations.Match] = field(default_factory=list)

    @property
    def events(self) -> list[LocatedRecord]:
        """The accepted events as models, each with its file and line."""
        origins = self.tables.events[["file", "line"]].itertuples(index=False)
        records = zip(self.tables.records, origins, strict=True)
        return [(event, file, {"": line}) for event, (file, line) in records]


class RowChecker:
    """Turns the rows of one file into event tables; state shared by its rows."""

    def __init__(self, label: str, base: Dataset, territory: gpd.GeoDataFrame) -> None:
        """Prepare to check rows of one file against a base dataset."""
        self.label = label
        self.base = base
        self.territory = territory
        # its own: its memo of names is this file's (the base outlives the file)
        self.place_cells = PlaceCells(Gazetteer(base.places.values()))
        self.citing = Citing(base.sources)
        self.box = study_box(territory)

    def run(
        self,
        rows: list[Row] | Table,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Check every row; return the accepted events and the problems.

        ``progress(done, total)`` is called as the columns are checked (``done``
        grows from 0 to ``total`` in a few steps).
        """
        cols = Columns.of(rows)
        n = len(cols.lines)
        # by row, only rows with problems: the checker's own, and the model's
        found: Findings = defaultdict(list)
        judged: Findings = defaultdict(list)

        def spread(codes: np.ndarray, per_code: list[Any], into: Findings) -> None:
            bad = np.array([bool(msgs) for msgs in per_code], dtype=bool)
            if len(codes) and bad.any():
                for i in np.flatnonzero(bad[codes]).tolist():
                    into[i] += per_code[codes[i]]

        told: list[int] = []

        def tell(done: int, total: int) -> None:
            if progress is not None and done not in told:
                told.append(done)
                progress(done, total)

        tell(0, n)
        values: dict[str, np.ndarray] = {}
        for name in SCALARS:
            values[name] = self._scalar(cols, name, judged, spread)
        tell(n // 4, n)
        place_codes, place_rows, points, place_judged = self._places(
            cols, values["id"], spread, found
        )
        tell(n // 2, n)
        cite_codes, cite_rows, firsts, cite_judged = self._sources(cols, spread, found)
        claim_codes, claim_rows, claim_judged = self._claims(
            cols, cite_codes, firsts, spread, found
        )
        related_codes, related, related_judged = self._related(cols)
        # the model's own findings, in the order of its fields
        for codes, per_code in (
            (place_codes, place_judged),
            (claim_codes, claim_judged),
            (cite_codes, cite_judged),
            (related_codes, related_judged),
        ):
            spread(codes, per_code, judged)
        tell(3 * n // 4, n)
        ok = np.ones(n, dtype=bool)
        ok[[i for part in (found, judged) for i, msgs in part.items() if msgs]] = False
        ok &= self._no_duplicates(cols, ok, found)
        problems = self._problems(cols, found, judged)
        keep = np.flatnonzero(ok)
        result = self._tables(
            cols, keep, values, (place_codes, place_rows),
            (claim_codes, claim_rows), (cite_codes, cite_rows),
            related[related_codes[keep]] if len(keep) else np.array([], dtype=object),
            points,
        )  # fmt: skip
        tell(n, n)
        return ImportResult(
            result.tables, result.sources, result.places, problems, self.citing.matches
        )

    # -- scalar fields --

    def _scalar(
        self, cols: Columns, name: str, judged: Findings, spread: Callable
    ) -> np.ndarray:
        """Judge a column of one field; return each row's checked value."""
        codes, raw = by_cell(cols.get(name), cell_value)
        missing = np.equal(np.fromiter(raw, dtype=object, count=len(raw)), None)
        present = np.flatnonzero(~missing).tolist()
        checked, messages = judge(Event, name, [raw[i] for i in present])
        out = np.empty(len(raw), dtype=object)
        out[present] = np.fromiter(checked, dtype=object, count=len(present))
        per_code: list[Any] = [()] * len(raw)  # (read only)
        for i, msgs in zip(present, messages, strict=True):
            if msgs:
                per_code[i] = msgs
        if Event.model_fields[name].is_required():
            for i in np.flatnonzero(missing).tolist():
                per_code[i] = [(name, "required field is missing")]
        spread(codes, per_code, judged)
        return out[codes] if len(codes) else np.array([], dtype=object)

    # -- places --

    def _places(
        self,
        cols: Columns,
        ids: np.ndarray,
        spread: Callable,
        found: Findings,
    ) -> tuple[np.ndarray, list[list[dict[str, Any]]], dict[int, tuple], list[Any]]:
        """Judge the place cells; return per row its code, per code its references.

        Also returns the points of rows placed by coordinates, by row, and per code
        what the model found.
        """
        texts = per_cell(cols.get("place"), cell_text)
        codes, first = distinct(texts)
        per_code: list[Any] = []
        refs: list[list[dict[str, Any]]] = []
        for i in first:
            if texts[i]:
                cell_refs, messages = self.place_cells.read(texts[i])
                per_code.append([("place", m) for m in messages])
            else:
                cell_refs = []
                per_code.append([])
            refs.append(cell_refs)
        checked, model_messages = judge(Event, "places", refs)
        model_found = [
            [(_column(p, {}), m) for p, m in msgs] for msgs in model_messages
        ]
        refs = [[vars(ref) for ref in c] if c is not None else [] for c in checked]
        spread(codes, per_code, found)
        points: dict[int, tuple] = {}
        empty = [i for i in range(len(texts)) if not texts[i]]
        if empty:
            lon, lat = (
                per_cell(cols.get("lon"), cell_text),
                per_cell(cols.get("lat"), cell_text),
            )
            key = [
                [cols.geometry_types[i] for i in empty],
                [cols.points[i] for i in empty],
                [lon[i] for i in empty],
                [lat[i] for i in empty],
            ]
            pcodes, pfirst = distinct(*key)
            judged_points = [point_of(self.box, *(k[j] for k in key)) for j in pfirst]
            for j, i in enumerate(empty):
                point, messages = judged_points[pcodes[j]]
                if messages:
                    found[i] += messages
                if point is not None and ids[i] is not None:
                    points[i] = point
        return codes, refs, points, model_found

    # -- sources and claims --

    def _sources(
        self,
        cols: Columns,
        spread: Callable,
        found: Findings,
    ) -> tuple[np.ndarray, list[list[dict[str, Any]]], list[str | None], list[Any]]:
        """Judge the source cells; return per row its code, per code its citations.

        Also returns, per code, the id of the first source cited (a ``people``
        claim's source) and what the model found.
        """
        cell_col = cols.get("source")
        text_col = per_cell(cell_col, cell_text)
        nested_col = cols.get("sources")
        codes, first = distinct(cell_col, nested_col)
        per_code: list[Messages] = []
        raws: list[Any] = []
        for i in first:
            messages: Messages = []
            raw = self.citing.source_cells(
                text_col[i], cell_col[i], nested_col[i], messages
            )
            per_code.append(messages)
            raws.append(raw)
        checked, model_messages = judge(Event, "sources", raws)
        nested = [
            bool(cell_text(nested_col[i])) or isinstance(nested_col[i], list)
            for i in first
        ]
        firsts: list[str | None] = []
        cites: list[list[dict[str, Any]]] = []
        model_found: list[Any] = []
        for k, msgs in enumerate(model_messages):
            model_found.append(
                [(_column(p, {"sources": nested[k]}), m) for p, m in msgs]
            )
            cites.append([vars(c) for c in checked[k]] if checked[k] else [])
            raw = raws[k]
            head = raw[0] if raw and isinstance(raw[0], dict) else {}
            sid = head.get("source")
            firsts.append(sid if isinstance(sid, str) else None)
        spread(codes, per_code, found)
        return codes, cites, firsts, model_found

    def _claims(
        self,
        cols: Columns,
        cite_codes: np.ndarray,
        firsts: list[str | None],
        spread: Callable,
        found: Findings,
    ) -> tuple[np.ndarray, list[list[dict[str, Any]]], list[Any]]:
        """Judge the figure cells; return per row its code, per code its claims.

        Also returns per code what the model found.
        """
        nested_col = cols.get("claims")
        people_col = cols.get("people")
        claimant_col = cols.get("claimant")
        figures = np.array(per_cell(people_col, cell_text), dtype=bool) | np.array(
            per_cell(claimant_col, cell_text), dtype=bool
        )  # a row's sources matter to its claims only when it has figures
        cite_codes = np.where(figures, cite_codes, -1)
        # rows whose sources differ but begin with the same source have the same claims
        head, _ = pd.factorize(np.array([*firsts, None], dtype=object))
        codes, first = distinct(nested_col, people_col, claimant_col, head[cite_codes])
        per_code: list[Messages] = []
        raws: list[Any] = []
        nested_flags: list[bool] = []
        for i in first:
            messages: Messages = []
            raw = self.citing.claim_cells(
                nested_col[i], people_col[i], claimant_col[i],
                firsts[cite_codes[i]] if cite_codes[i] >= 0 else None, messages,
            )  # fmt: skip
            per_code.append(messages)
            raws.append(raw)
            nested_flags.append(
                bool(cell_text(nested_col[i])) or isinstance(nested_col[i], list)
            )
        checked, model_messages = judge(Event, "claims", raws)
        claims = [[vars(c) for c in one] if one else [] for one in checked]
        model_found = [
            [(_column(p, {"claims": nested_flags[k]}), m) for p, m in msgs]
            for k, msgs in enumerate(model_messages)
        ]
        spread(codes, per_code, found)
        return codes, claims, model_found

    # -- related --

    def _related(self, cols: Columns) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        """Judge the related cells; return per row its code, per code its ids.

        Also returns per code what the model found.
        """
        texts = per_cell(cols.get("related"), cell_text)
        codes, first = distinct(texts)
        checked, found = judge(Event, "related", [cells.split(texts[i]) for i in first])
        out = np.empty(len(first), dtype=object)
        out[:] = [tuple(c) if c is not None else () for c in checked]
        return codes, out, found

    # -- the rows --

    def _no_duplicates(
        self, cols: Columns, ok: np.ndarray, found: Findings
    ) -> np.ndarray:
        """Report rows whose id an earlier accepted row has; return the others."""
        cell_codes, texts = by_cell(cols.get("id"), cell_text)
        same, _ = pd.factorize(np.array(texts, dtype=object))  # the same id text
        codes, n = same[cell_codes], len(cell_codes)
        first = np.full(len(texts), n)  # each id's first accepted row
        np.minimum.at(first, codes[ok], np.flatnonzero(ok))
        blank = np.array([not text for text in texts], dtype=bool)[cell_codes]
        keep = (first[codes] >= np.arange(n)) | blank
        for i in np.flatnonzero(~keep).tolist():
            found[i].insert(
                0,
                (
                    "id",
                    f"duplicate event id (got {texts[cell_codes[i]]!r}; first defined "
                    f"at {self.label}:{cols.lines[first[codes[i]]]}; ids must be "
                    "unique)",
                ),
            )
        return keep

    def _problems(
        self, cols: Columns, found: Findings, judged: Findings
    ) -> list[Problem]:
        """Return the problems of rejected rows, each row's in its columns' order."""
        out: list[Problem] = []
        ids = cols.get("id")
        for i in sorted({i for part in (found, judged) for i, m in part.items() if m}):
            record = cell_text(ids[i]) or f"#{i + 1}"
            line = cols.lines[i]
            row = found.get(i, []) + [
                (path, message)
                for path, message in judged.get(i, [])
                if path not in {c for c, _ in found.get(i, [])}
            ]
            where = {name: k for k, name in enumerate(cols.row(i))}
            row.sort(key=lambda p: where.get(p[0] or "", len(where)))
            out += [Problem(self.label, line, record, c, m) for c, m in row]
        return out

    def _tables(
        self,
        cols: Columns,
        keep: np.ndarray,
        values: dict[str, np.ndarray],
        places: tuple[np.ndarray, list[list[dict[str, Any]]]],
        claims: tuple[np.ndarray, list[list[dict[str, Any]]]],
        cites: tuple[np.ndarray, list[list[dict[str, Any]]]],
        related: np.ndarray,
        points: dict[int, tuple],
    ) -> ImportResult:
        """Return the accepted rows as tables, with the sources and places they made."""
        lines = [cols.lines[i] or 0 for i in keep.tolist()]
        base = {name: values[name][keep] for name in SCALARS}
        base["related"] = related
        base["file"] = [self.label] * len(keep)
        base["line"] = lines
        events = tables.frame(tables.EVENT_COLUMNS + tables.ORIGIN_COLUMNS, base)
        place_codes, place_refs = places[0][keep], list(places[1])
        pointed = {
            k: i for k, i in enumerate(keep.tolist()) if i in points
        }  # accepted rows placed by coordinates: each its own code
        for k in pointed:
            place_codes[k] = len(place_refs)
            place_refs.append(
                [{"place": adhoc_id(base["id"][k]), "role": "site", "route": 1}]
            )
        parts = []
        for codes, per_code, columns in (
            (place_codes, place_refs, tables.PLACE_COLUMNS),
            (claims[0][keep], claims[1], tables.CLAIM_COLUMNS),
            (cites[0][keep], cites[1], tables.CITATION_COLUMNS),
        ):
            parts.append(tables.expand_codes(codes, per_code, columns))
        result = ImportResult(EventTables(events, *parts))
        first_ev: dict[str, int] = {}
        made, known = self.citing.made, self.citing.sources
        for table in (result.tables.citations, result.tables.claims):
            new = table[table["source"].isin(list(made.keys() - known.keys()))]
            for sid, ev in zip(new["source"], new["ev"], strict=True):
                first_ev[sid] = min(first_ev.get(sid, ev), ev)
        for sid, ev in sorted(first_ev.items(), key=lambda item: item[1]):
            known[sid] = made[sid]
            result.sources.append((made[sid], self.label, {"": lines[ev]}))
        adhoc = [(base["id"][k], lines[k], *points[i]) for k, i in pointed.items()]
        line_of = {adhoc_id(eid): line for eid, line, *_ in adhoc}
        for place in make_places(adhoc, self.territory, self.label):
            result.places.append((place, self.label, {"": line_of[place.id]}))
        return result


def _column(field_path: str | None, nested: dict[str, bool]) -> str | None:
    """Map a model field path to the input column it came from."""
    if not field_path:
        return field_path
    head = field_path.split("[")[0].split(".")[0]
    if head == "places":
        return "place"
    if head == "claims" and not nested.get("claims", False):
        return "people"
    if head == "sources" and not nested.get("sources", False):
        return "source"
    return field_path

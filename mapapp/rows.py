"""Checking imported rows one by one and turning them into records.

The rules are listed in :mod:`mapapp.importer`; cell syntax is in
:mod:`mapapp.cells`, points given by coordinates in :mod:`mapapp.adhoc`. Each row
either becomes an event (plus any new free-text sources) or gives every problem it
has; nothing stops at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd

from mapapp import cells, citations
from mapapp.adhoc import adhoc_id, check_point, degrees, make_places, study_box
from mapapp.dataset import Dataset
from mapapp.errors import Problem
from mapapp.gazetteer import Gazetteer
from mapapp.io import Located
from mapapp.model import Event, Source
from mapapp.problems import build

PROGRESS_EVERY = 10_000
_SHARED = ("places", "sources", "claims")  # parsed once per distinct cell
LocatedRecord = tuple[Any, str, dict[str, int]]


@dataclass(frozen=True)
class ImportResult:
    """What an import gave: records with their file and line, and rejected rows.

    ``events``, ``sources`` and ``places`` hold ``(record, file, {"": line})`` as
    :meth:`mapapp.dataset.Dataset.from_located` takes them; ``sources`` and ``places``
    are only the new ones (free-text citations, ad-hoc points).
    """

    events: list[LocatedRecord] = field(default_factory=list)
    sources: list[LocatedRecord] = field(default_factory=list)
    places: list[LocatedRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    matches: list[citations.Match] = field(default_factory=list)


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
    Each row is checked on its own (:meth:`row`).
    """

    header: list[str]
    rows: list[list[str | None]]
    lines: list[int]

    def __len__(self) -> int:
        return len(self.lines)

    def row(self, i: int) -> Row:
        """Return the ``i``-th row (from 0) with the cells it has."""
        cells_ = {
            name: value
            for name, value in zip(self.header, self.rows[i], strict=True)
            if value is not None
        }
        return Row(i + 1, self.lines[i], cells_)


class RowChecker:
    """Turns rows into records; state shared by the rows of one file."""

    def __init__(self, label: str, base: Dataset, territory: gpd.GeoDataFrame) -> None:
        """Prepare to check rows of one file against a base dataset."""
        self.label = label
        self.base = base
        self.territory = territory
        # its own: its memo of names is this file's (the base outlives the file)
        self.gazetteer = Gazetteer(base.places.values())
        self.sources: dict[str, Source] = dict(base.sources)
        self.catalogued = citations.catalogued(base.sources)
        self.seen: dict[str, int | None] = {}
        self.result = ImportResult()
        self.points: list[tuple[str, int | None, float, float]] = []
        self._lines: dict[str, int] = {}
        self.cells_seen: dict[Any, Any] = {}
        # the checked records of a distinct cell, by the identity of its parsed list
        self.checked: dict[int, tuple[list[Any], list[Any]]] = {}
        self.box = study_box(territory)

    def run(
        self,
        rows: list[Row] | Table,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Check every row; return the accepted records and the problems.

        ``progress(done, total)`` is called every :data:`PROGRESS_EVERY` rows.
        """
        total = len(rows)
        table = isinstance(rows, Table)
        for i in range(total):
            if progress is not None and i % PROGRESS_EVERY == 0:
                progress(i, total)
            self._row(rows.row(i) if table else rows[i])  # type: ignore[union-attr]
        if progress is not None:
            progress(total, total)
        for place in make_places(self.points, self.territory, self.label):
            self.result.places.append((place, self.label, {"": self._lines[place.id]}))
        return self.result

    def _row(self, row: Row) -> None:
        found: list[Problem] = []
        record = _text(row.cells.get("id")) or f"#{row.index}"

        def bad(column: str, message: str) -> None:
            found.append(Problem(self.label, row.line, record, column, message))

        raw = {
            k: v
            for k in ("id", "title", "summary", "kind", "when", "date_note")
            if (v := _value(row.cells.get(k))) is not None
        }
        if record in self.seen:
            bad(
                "id",
                f"duplicate event id (got {record!r}; first defined at "
                f"{self.label}:{self.seen[record]}; ids must be unique)",
            )
        new_sources: dict[str, Source] = {}
        raw["places"], point = self._places(row, bad)
        raw["sources"] = self._sources(row, bad, new_sources)
        raw["claims"] = self._claims(row, bad, raw["sources"], new_sources)
        raw["related"] = cells.split(_text(row.cells.get("related")))
        if point is not None and "id" in raw:
            raw["places"] = [{"place": adhoc_id(record), "role": "site"}]
        nested = {
            "claims": bool(_text(row.cells.get("claims"))),
            "sources": bool(_text(row.cells.get("sources"))),
        }
        located = Located(self._share(raw))
        located.line, located.lines = row.line or 0, {}
        event, problems = build(Event, located, self.label, row.index - 1)
        if event is not None:
            self._keep(raw, event)
        taken = {p.field for p in found}
        for p in problems:
            column = _column(p.field, nested)
            if column not in taken:
                found.append(Problem(self.label, row.line, record, column, p.message))
        if found or event is None:
            # in the order of the row's columns, as the reader reads the row
            where = {name: i for i, name in enumerate(row.cells)}
            found.sort(key=lambda p: where.get(p.field or "", len(where)))
            self.result.problems.extend(found)
            return
        self._accept(event, row.line, new_sources.values(), point)

    def _share(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Give the records of a cell that an earlier row had checked, not its text.

        The model takes its own records as they are, so the rows of one distinct
        place, source or figure cell share one set of records (each cell is judged
        once; the export and the geocode then work once per distinct record).
        """
        shared = dict(raw)
        for name in _SHARED:
            kept = self.checked.get(id(raw[name]))
            if kept is not None and kept[0] is raw[name]:
                shared[name] = kept[1]
        return shared

    def _keep(self, raw: dict[str, Any], event: Event) -> None:
        """Remember the records an accepted row's cells became (see :meth:`_share`)."""
        for name in _SHARED:
            if raw[name] and id(raw[name]) not in self.checked:
                self.checked[id(raw[name])] = (raw[name], getattr(event, name))

    def _accept(
        self,
        event: Event,
        line: int | None,
        new_sources: Iterable[Source],
        point: tuple[float, float] | None,
    ) -> None:
        self.seen.setdefault(event.id, line)
        self._add_sources(new_sources, line)
        self.result.events.append((event, self.label, {"": line or 0}))
        if point is not None:
            self._add_point(event.id, line, point)

    def _add_sources(self, new_sources: Iterable[Source], line: int | None) -> None:
        """Keep the sources a row cites in words that no earlier row has cited."""
        for source in new_sources:
            if source.id not in self.sources:
                self.sources[source.id] = source
                self.result.sources.append((source, self.label, {"": line or 0}))

    def _add_point(
        self, event_id: str, line: int | None, point: tuple[float, float]
    ) -> None:
        """Keep a row's coordinates: its ad-hoc place is made after the last row."""
        self.points.append((event_id, line, *point))
        self._lines[adhoc_id(event_id)] = line or 0

    # -- places --

    def _places(
        self, row: Row, bad: Callable[[str, str], None]
    ) -> tuple[list[dict[str, Any]], tuple[float, float] | None]:
        text = _text(row.cells.get("place"))
        if not text:
            return [], self._point(row, bad)
        refs, messages = self._cached(("place", text), lambda: self._parse_places(text))
        for message in messages:
            bad("place", message)
        return refs, None

    def _parse_places(self, text: str) -> tuple[list[dict[str, Any]], list[str]]:
        refs, messages = [], []
        for token in cells.split(text):
            ref = cells.parse_place(token)
            message = cells.role_problem(ref, token) or self.gazetteer.problem(
                ref["place"]
            )
            if message:
                messages.append(message)
            else:
                refs.append(ref)
        return refs, messages

    def _cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """Return what a cell gives, worked out once per distinct cell."""
        try:
            return self.cells_seen[key]
        except KeyError:
            value = self.cells_seen[key] = make()
            return value

    def _point(
        self, row: Row, bad: Callable[[str, str], None]
    ) -> tuple[float, float] | None:
        if row.geometry_type not in (None, "Point"):
            bad(
                "geometry",
                f"an event without places needs a Point (got "
                f"{row.geometry_type}; expected a Point, or places in 'place')",
            )
            return None
        lon_text, lat_text = _text(row.cells.get("lon")), _text(row.cells.get("lat"))
        if row.point is not None:
            lon_text, lat_text = str(row.point[0]), str(row.point[1])
        if not lon_text and not lat_text:
            return None
        if not lon_text or not lat_text:
            missing, given = ("lat", "lon") if lon_text else ("lon", "lat")
            bad(
                missing,
                f"half a coordinate (got {given} and an empty {missing}; "
                "expected both lon and lat, or neither)",
            )
            return None
        lon, lat = degrees(lon_text, "lon", bad), degrees(lat_text, "lat", bad)
        if lon is None or lat is None:
            return None
        return check_point(lon, lat, self.box, bad)

    # -- sources and claims --

    def _sources(
        self, row: Row, bad: Callable[[str, str], None], new: dict[str, Source]
    ) -> list[Any]:
        text = _text(row.cells.get("source"))
        cited, made, messages = self._cached(("source", text), lambda: self._cite(text))
        for message in messages:
            bad("source", message)
        new.update((source.id, source) for source in made)
        nested = cells.nested_cell(row.cells.get("sources"), "sources", bad)
        if nested is None:
            if not cited and not _text(row.cells.get("source")):
                bad(
                    "source",
                    "no source (got an empty source cell; expected a "
                    "source id or a citation in words)",
                )
            return self._cached(
                ("sources", text), lambda: [{"source": sid} for sid in cited]
            )
        known = self.sources if not new else {**self.sources, **new}
        derived = cells.SEP.join(
            known[c["source"]].title
            if isinstance(c, dict)
            and c.get("source") in known
            and self._cached(
                ("free", c["source"]),
                lambda c=c: cells.is_free_text(known[c["source"]]),
            )
            else str(c.get("source") if isinstance(c, dict) else c)
            for c in nested
        )
        _agree(row, "source", derived, bad)
        for i, cite in enumerate(nested):
            sid = cite.get("source") if isinstance(cite, dict) else None
            if isinstance(sid, str) and sid not in known:
                bad(f"sources[{i}].source", citations.unknown_source(sid, known))
        return nested

    def _cite(self, text: str) -> tuple[list[str], list[Source], list[str]]:
        """Return the source ids a source cell cites, new sources and problems."""
        cited, made, messages = [], [], []
        for token in cells.split(text):
            sid, source, message = self._cached(
                ("source-token", token), lambda t=token: self._cite_token(t)
            )
            if message:
                messages.append(message)
            else:
                cited.append(sid)
            if source is not None:
                made.append(source)
        return cited, made, messages

    def _cite_token(self, token: str) -> tuple[str, Source | None, str | None]:
        if token in self.sources:
            return token, None, None
        if cells.looks_like_id(token):
            return token, None, citations.unknown_source(token, self.sources)
        found = citations.match(token, self.catalogued)
        self.result.matches.append(found)  # once per distinct token (memoised)
        if found.source is not None:
            return found.source, None, None
        source = citations.uncatalogued(token)
        return source.id, source, None

    def _claims(
        self,
        row: Row,
        bad: Callable[[str, str], None],
        citations: list[Any],
        new: dict[str, Source],
    ) -> list[Any]:
        nested = cells.nested_cell(row.cells.get("claims"), "claims", bad)
        people = _text(row.cells.get("people"))
        claimant = _text(row.cells.get("claimant"))
        known = self.sources if not new else {**self.sources, **new}
        if nested is not None:
            derived = cells.derived_people(nested)
            _agree(row, "people", derived[0], bad)
            _agree(row, "claimant", derived[1], bad)
            for i, claim in enumerate(nested):
                sid = claim.get("source") if isinstance(claim, dict) else None
                if isinstance(sid, str) and sid not in known:
                    bad(f"claims[{i}].source", citations.unknown_source(sid, known))
            return nested
        if not people and not claimant:
            return []
        if not citations:  # the row is rejected for its source; judge the figures too
            for column, message in cells.people_claims(people, claimant, "", False)[1]:
                bad(column, message)
            return []
        first = citations[0]["source"]
        unverified = first in known and known[first].grade == "D"
        key = ("people", people, claimant, first, unverified)
        claims, messages = self._cached(
            key, lambda: cells.people_claims(people, claimant, first, unverified)
        )
        for column, message in messages:
            bad(column, message)
        return claims


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _value(value: Any) -> Any:
    """Return None for a blank cell, else the value as written (models strip)."""
    # blank by ASCII whitespace only: Python and pydantic differ on a few others
    if isinstance(value, str) and not value.strip(" \t\n\r\x0b\x0c"):
        return None
    return value


def _agree(
    row: Row, column: str, derived: str, bad: Callable[[str, str], None]
) -> None:
    cell = row.cells.get(column)
    given = "" if cell is None else str(cell)
    if given.strip() and given != derived and given.strip() != derived.strip():
        array = "sources" if column == "source" else "claims"
        bad(
            column,
            f"disagrees with the {array} column (got {given!r}; expected "
            f"{derived!r} as {array} gives, or an empty cell; edit {array} instead)",
        )


def _column(field_path: str | None, nested: Mapping[str, bool]) -> str | None:
    """Map a model field path to the input column it came from."""
    if not field_path:
        return field_path
    head = field_path.split("[")[0].split(".")[0]
    if head == "places":
        return "place"
    if head == "claims" and not nested["claims"]:
        return "people"
    if head == "sources" and not nested["sources"]:
        return "source"
    return field_path

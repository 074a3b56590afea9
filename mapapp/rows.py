"""Checking imported rows one by one and turning them into records.

The rules are listed in :mod:`mapapp.importer`; cell syntax is in
:mod:`mapapp.cells`, points given by coordinates in :mod:`mapapp.adhoc`. Each row
either becomes an event (plus any new free-text sources) or gives every problem it
has; nothing stops at the first.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
from pydantic import ValidationError

from mapapp import cells, citations
from mapapp.adhoc import adhoc_id, check_point, degrees, make_places, study_box
from mapapp.dataset import Dataset
from mapapp.errors import Problem
from mapapp.fastevent import EventBuilder
from mapapp.gazetteer import Gazetteer
from mapapp.io import Located
from mapapp.model import Citation, Claim, Event, PlaceRef, Source
from mapapp.problems import build

SCOPE = "not stated in the imported row"
PROGRESS_EVERY = 10_000
SLOW_COLUMNS = ("claims", "sources", "related", "date_note")  # see _plain_events
LocatedRecord = tuple[Any, str, dict[str, int]]
Plain = tuple[  # see _plain_events
    list[Event | None], list[Iterable[Source]], dict[int, tuple[float, float]]
]


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
    """

    header: list[str]
    rows: list[list[str | None]]
    lines: list[int]

    def __len__(self) -> int:
        return len(self.lines)

    @functools.cached_property
    def _where(self) -> dict[str, int]:
        return {name: j for j, name in enumerate(self.header)}

    def row(self, i: int) -> Row:
        """Return the ``i``-th row (from 0) with the cells it has."""
        cells_ = {
            name: value
            for name, value in zip(self.header, self.rows[i], strict=True)
            if value is not None
        }
        return Row(i + 1, self.lines[i], cells_)

    def has(self, name: str) -> bool:
        """Return whether the file has a column of this name."""
        return name in self._where

    def column(self, name: str) -> list[str]:
        """Return a column's cells, empty where the file has no such column."""
        j = self._where.get(name)
        if j is None:
            return [""] * len(self)
        return [row[j] or "" for row in self.rows]


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
        self.builder = EventBuilder()
        self._lines: dict[str, int] = {}
        self.cells_seen: dict[Any, Any] = {}
        self._refs: dict[str, PlaceRef | None] = {}
        self._claim_records: dict[tuple[str, str, str, bool], Claim | None] = {}
        self.box = study_box(territory)

    def run(
        self,
        rows: list[Row] | Table,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Check every row; return the accepted records and the problems.

        ``progress(done, total)`` is called every :data:`PROGRESS_EVERY` rows. The
        rows of a CSV :class:`Table` are first checked column by column (see
        :meth:`_plain_events`).
        """
        total = len(rows)
        if progress is not None:
            progress(0, total)
        events: list[Event | None] = [None] * total
        made: list[Iterable[Source]] = []
        points: dict[int, tuple[float, float]] = {}
        if isinstance(rows, Table):
            events, made, points = self._plain_events(rows)
            ids = [None if event is None else event.id for event in events]
            # all plain, no id twice: accepted at once, as one by one below
            if None not in ids and len(set(ids)) == total and not self.seen:
                self._accept_all(events, rows.lines, made, points)  # type: ignore[arg-type]
                if progress is not None:  # every row is checked by now
                    for done in range(PROGRESS_EVERY, total, PROGRESS_EVERY):
                        progress(done, total)
                events = []
        for i, event in enumerate(events):
            if progress is not None and i % PROGRESS_EVERY == 0 and i:
                progress(i, total)
            if event is None or event.id in self.seen:
                self._row(rows.row(i) if isinstance(rows, Table) else rows[i])
            else:
                self._accept(event, rows.lines[i], made[i], points.get(i))  # type: ignore[union-attr]
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
        event = None if found else self.builder.event(raw)
        if event is None:  # the slow path words the problems
            located = Located(raw)
            located.line, located.lines = row.line or 0, {}
            event, problems = build(Event, located, self.label, row.index - 1)
            taken = {p.field for p in found}
            for p in problems:
                column = _column(p.field, nested)
                if column not in taken:
                    found.append(
                        Problem(self.label, row.line, record, column, p.message)
                    )
        if found or event is None:
            # in the order of the row's columns, as the reader reads the row
            where = {name: i for i, name in enumerate(row.cells)}
            found.sort(key=lambda p: where.get(p.field or "", len(where)))
            self.result.problems.extend(found)
            return
        self._accept(event, row.line, new_sources.values(), point)

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

    def _accept_all(
        self,
        events: list[Event],
        lines: list[int],
        made: list[Iterable[Source]],
        points: dict[int, tuple[float, float]],
    ) -> None:
        """Accept every row at once, as :meth:`_accept` row by row would.

        For a file whose rows are all plain, with no id twice.
        """
        label = self.label
        self.seen.update(zip([event.id for event in events], lines, strict=True))
        for i in [i for i, new in enumerate(made) if new]:
            self._add_sources(made[i], lines[i])
        self.result.events.extend(
            [
                (event, label, {"": line or 0})
                for event, line in zip(events, lines, strict=True)
            ]
        )
        for i in sorted(points):
            self._add_point(events[i].id, lines[i], points[i])

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

    def _plain_events(self, table: Table) -> Plain:
        """Check the plain rows of a CSV column by column; None for the others.

        A plain row has no nested, ``related`` or ``date_note`` cell. Each column is
        read as a whole and each distinct cell in it once (a large file repeats
        dates, places, citations and figures), then the events are put together. A
        row with anything wrong or unusual gives None and is checked by
        :meth:`_row`, which gives the same records and words the problems;
        ``tests/test_importer.py`` checks that both ways agree.

        Returns each row's event (or None) and its new sources, and the points of
        the rows placed by coordinates, by row.
        """
        slow = [table.column(c) for c in SLOW_COLUMNS if table.has(c)]
        plain = (
            [not any(cells_) for cells_ in zip(*slow, strict=True)] if slow else None
        )
        cites = each_key(table.column("source"), self._citations)
        places = each_key(table.column("place"), self._place_models)
        whens = each_key(table.column("when"), self.builder.when)
        figures = [
            (people, claimant, cite[0][0].source, cite[2])
            if cite is not None and (people or claimant)
            else None
            for people, claimant, cite in zip(
                table.column("people"), table.column("claimant"), cites, strict=True
            )
        ]
        claims = each_key(figures, lambda key: self._plain_claims(*key))
        ids = table.column("id")
        good = [
            cite is not None
            and where is not None
            and (claim is not None or figure is None)
            for cite, where, figure, claim in zip(
                cites, places, figures, claims, strict=True
            )
        ]
        if plain is not None:
            good = [g and p for g, p in zip(good, plain, strict=True)]
        points: dict[int, tuple[float, float]] = {}
        for i in [i for i, where in enumerate(places) if where == [] and good[i]]:
            point = self._plain_point(table.row(i))
            if point is not None:
                try:
                    places[i] = [PlaceRef(place=adhoc_id(_text(ids[i])), role="site")]
                except ValidationError:
                    places[i] = None
            if point is False or places[i] is None:
                good[i] = False
            elif point is not None:
                points[i] = point  # type: ignore[assignment]
        events = self.builder.plain(
            ids,
            table.column("title"),
            table.column("summary"),
            table.column("kind"),
            [w if g else None for w, g in zip(whens, good, strict=True)],
            places,
            claims,
            [None if c is None else c[0] for c in cites],
        )
        return events, [() if c is None else c[1] for c in cites], points

    def _citations(self, text: str) -> tuple[list[Citation], list[Source], bool] | None:
        """Return a source cell's citations, its new sources, and if its first is D.

        None when the cell has a problem.
        """
        cited, made, messages = self._cached(("source", text), lambda: self._cite(text))
        if messages or not cited:
            return None
        citations = []
        for sid in cited:
            citation = self._cached(
                ("citation", sid),
                lambda sid=sid: self.builder.models(Citation, [{"source": sid}]),
            )
            if citation is None:
                return None
            citations += citation
        first = self.sources.get(cited[0]) or next(s for s in made if s.id == cited[0])
        return citations, made, first.grade == "D"

    def _place_models(self, text: str) -> list[PlaceRef] | None:
        """Return a place cell's references, each token read once per file.

        A blank cell gives no references (the row may have coordinates).
        """
        refs, known = [], self._refs
        for token in cells.split(text):
            ref = known.get(token, False)
            if ref is False:
                ref = known[token] = self._ref(token)
            if ref is None:
                return None
            refs.append(ref)
        return refs

    def _ref(self, token: str) -> PlaceRef | None:
        ref, message = self._token(token)
        models = None if message else self.builder.models(PlaceRef, [ref])
        return None if models is None else models[0]

    def _token(self, token: str) -> tuple[dict[str, Any], str | None]:
        """Read one place token; return it and what is wrong with it, if anything."""
        ref = cells.parse_place(token)
        return ref, cells.role_problem(ref, token) or self.gazetteer.problem(
            ref["place"]
        )

    def _plain_claims(
        self, people: str, claimant: str, source: str, unverified: bool
    ) -> list[Claim] | None:
        """Return the claims of the figure cells, each figure read once per file."""
        pairs = self._cached(
            ("figures", people, claimant), lambda: _pairs(people, claimant)
        )
        if pairs is None:
            return None
        claims = []
        for figure, who in pairs:
            key = (figure, who, source, unverified)
            claim = self._claim_records.get(key, False)
            if claim is False:
                claim = self._claim_records[key] = self._claim(*key)
            if claim is None:
                return None
            claims.append(claim)
        return claims

    def _claim(
        self, figure: str, who: str, source: str, unverified: bool
    ) -> Claim | None:
        number = self._cached(("figure", figure), lambda: _figure(figure))
        if number is None:
            return None
        try:
            return Claim.model_validate(_claim(number, who, source, unverified))
        except ValidationError:
            return None

    def _plain_point(self, row: Row) -> tuple[float, float] | bool | None:
        """Return the row's point, None for none, False when it has a problem."""
        problems: list[str] = []
        point = self._point(row, lambda column, message: problems.append(message))
        return False if problems else point

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
            ref, message = self._token(token)
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
        nested = _nested(row.cells.get("sources"), "sources", bad)
        if nested is None:
            if not cited and not _text(row.cells.get("source")):
                bad(
                    "source",
                    "no source (got an empty source cell; expected a "
                    "source id or a citation in words)",
                )
            return [{"source": sid} for sid in cited]
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
        nested = _nested(row.cells.get("claims"), "claims", bad)
        people = _text(row.cells.get("people"))
        claimant = _text(row.cells.get("claimant"))
        known = self.sources if not new else {**self.sources, **new}
        if nested is not None:
            derived = _derived_people(nested)
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
            for column, message in _people(people, claimant, "", False)[1]:
                bad(column, message)
            return []
        first = citations[0]["source"]
        unverified = first in known and known[first].grade == "D"
        key = ("people", people, claimant, first, unverified)
        claims, messages = self._cached(
            key, lambda: _people(people, claimant, first, unverified)
        )
        for column, message in messages:
            bad(column, message)
        return claims


def each_key(keys: list[Any], make: Callable[[Any], Any]) -> list[Any]:
    """Return ``make(key)`` for every key, computed once per distinct key.

    A key of None gives None.
    """
    memo = {key: make(key) for key in set(keys) if key is not None}
    memo[None] = None
    return list(map(memo.__getitem__, keys))


def _people(
    people: str, claimant: str, source: str, unverified: bool
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Return the claims of a people and a claimant cell, or what is wrong."""
    figures, claimants = cells.split(people), cells.split(claimant)
    messages = []
    numbers = []
    for figure in figures:  # every figure is judged, whatever else is wrong
        try:
            numbers.append(cells.parse_figure(figure))
        except ValueError as exc:
            messages.append(("people", str(exc)))
    if figures and not claimants:
        messages.append(
            (
                "claimant",
                f"a number without its claimant (got people {people!r} and an empty "
                "claimant; expected who claimed the number)",
            )
        )
    elif len(claimants) != len(figures):
        messages.append(
            (
                "people",
                f"{len(figures)} figure(s) for {len(claimants)} claimant(s) (got "
                f"people {people!r}, claimant {claimant!r}; expected one claimant "
                "per figure)",
            )
        )
    if messages:
        return [], messages
    claims = [
        _claim(number, who, source, unverified)
        for number, who in zip(numbers, claimants, strict=True)
    ]
    return claims, messages


def _pairs(people: str, claimant: str) -> list[tuple[str, str]] | None:
    """Return the figures of a people cell with their claimants, None if unpaired."""
    figures, claimants = cells.split(people), cells.split(claimant)
    if not figures or len(figures) != len(claimants):
        return None
    return list(zip(figures, claimants, strict=True))


def _figure(text: str) -> dict[str, Any] | None:
    try:
        return cells.parse_figure(text)
    except ValueError:
        return None


def _claim(
    number: dict[str, Any], who: str, source: str, unverified: bool
) -> dict[str, Any]:
    """Return the fields of a people claim made from an imported row."""
    return {
        "quantity": "people",
        **number,
        "scope": SCOPE,
        "claimant": who,
        "source": source,
        "unverified": unverified,
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _value(value: Any) -> Any:
    """Return None for a blank cell, else the value as written (models strip)."""
    # blank by ASCII whitespace only: Python and pydantic differ on a few others
    if isinstance(value, str) and not value.strip(" \t\n\r\x0b\x0c"):
        return None
    return value


def _nested(value: Any, column: str, bad: Callable[[str, str], None]) -> list | None:
    if isinstance(value, list):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        bad(
            column,
            f"malformed JSON ({exc.msg} at character {exc.pos}; expected a "
            f"JSON array of {column}, as the export writes)",
        )
        return []
    except RecursionError:
        bad(
            column,
            f"malformed JSON (nested too deeply; expected a JSON array of "
            f"{column}, as the export writes)",
        )
        return []
    if not isinstance(parsed, list):
        bad(column, f"not a JSON array (got {text[:40]!r}; expected [...])")
        return []
    return parsed


def _derived_people(claims: list[Any]) -> tuple[str, str]:
    people = [
        c for c in claims if isinstance(c, dict) and c.get("quantity") == "people"
    ]
    figures, claimants = [], []
    for claim in people:
        value, low, high = claim.get("value"), claim.get("low"), claim.get("high")
        text = (
            cells.number(value)
            if isinstance(value, int | float)
            else f"{cells.number(low)}-{cells.number(high)}"
            if isinstance(low, int | float) and isinstance(high, int | float)
            else "?"
        )
        figures.append(f"~{text}" if claim.get("approximate") else text)
        claimants.append(str(claim.get("claimant", "")))
    return cells.SEP.join(figures), cells.SEP.join(claimants)


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

"""The records: events, their claims and citations, sources and places.

The models only describe one record each; references between records (a citation's
source, an event's places) are checked in :mod:`mapapp.validate`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from mapapp.dates import When, parse_edtf

if TYPE_CHECKING:
    from mapapp.gazetteer import Gazetteer

EVENT_KINDS = (
    "crossing",
    "diplomacy",
    "unrest",
    "border-control",
    "administration",
    "treaty",
    "context",
)
PLACE_ROLES = ("origin", "crossing", "destination", "site")
SOURCE_KINDS = ("primary", "scholarship", "reference", "popular")
GRADES = ("A", "B", "C", "D")
GRADE_MEANING = {
    "A": "primary document",
    "B": "scholarship",
    "C": "reference work",
    "D": "popular account, unverified",
}
PLACE_KINDS = (
    "capital",
    "city",
    "town",
    "village",
    "county-seat",
    "county",
    "prefecture",
    "district",
    "region",
    "crossing-point",
    "border-post",
    "consulate",
    "pass",
)
STATES = ("PRC", "USSR")
GEO_PRECISIONS = ("exact", "approximate", "region")

Slug = Annotated[
    str,
    Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120),
]
Text = Annotated[str, Field(min_length=1)]

EDTF = Annotated[
    When,
    PlainValidator(parse_edtf),
    PlainSerializer(lambda when: when.edtf, return_type=str),
    WithJsonSchema(
        {
            "description": "EDTF level 0-1: 1962-04-22, 1962-04, 1962, "
            "1962-04-10/1962-04-20, 1962-03~, 1962-05-30?, 1962-08/.. "
            "(a bare YAML year such as 1962 is read as that year)",
            "anyOf": [
                {"type": "string", "pattern": r"^[0-9X./?~%-]+$"},
                {"type": "integer", "minimum": 1, "maximum": 9999},
            ],
        }
    ),
]


class Record(BaseModel):
    """Common configuration: unknown fields are errors, records are immutable.

    Numbers must be finite: ``inf`` and ``nan`` cannot be written as JSON.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class PlaceRef(Record):
    """A place an event happened at, and the part it played.

    ``place`` is a gazetteer id or any of the place's names, in any script. When an
    event has several routes (crossings from Ili via Khorgos and from Tacheng via
    Baketu), ``route`` numbers them; references with the same number form one route.
    """

    place: Text
    role: Literal[PLACE_ROLES]  # type: ignore[valid-type]
    route: int = Field(default=1, ge=1)


class Claim(Record):
    """A number somebody claimed, with who claimed it and where it is written.

    ``as_of`` marks a running total of people who had crossed by that date; such
    claims make the chart of competing figures over time.
    """

    quantity: Slug
    value: float | None = Field(default=None, ge=0)
    low: float | None = Field(default=None, ge=0)
    high: float | None = Field(default=None, ge=0)
    approximate: bool = False
    unverified: bool = False
    as_of: EDTF | None = None
    scope: Text
    claimant: Text
    source: Slug
    locator: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _value_or_range(self) -> Claim:
        has_range = self.low is not None or self.high is not None
        if self.value is None and not has_range:
            raise ValueError("no number (got neither value nor low/high; expected one)")
        if self.value is not None and has_range:
            raise ValueError(
                "two numbers (got value and low/high; expected one of them)"
            )
        if has_range and (self.low is None or self.high is None):
            raise ValueError("half a range (got only one of low/high; expected both)")
        if has_range and self.low > self.high:  # type: ignore[operator]
            raise ValueError(
                f"range upside down (got low {self.low:g}, high {self.high:g}; "
                f"expected low ≤ high)"
            )
        return self

    def figure(self) -> str:
        """Return the number as people write it: ``~10,000``, ``5,000–6,000``."""
        if self.value is not None:
            text = (
                f"{self.value:,.0f}"
                if self.value == int(self.value)
                else f"{self.value:,}"
            )
        else:
            text = f"{self.low:,.0f}–{self.high:,.0f}"
        return f"~{text}" if self.approximate else text


class Citation(Record):
    """A reference from an event to a source, with an optional verbatim quote."""

    source: Slug
    locator: str | None = None
    quote: str | None = None
    note: str | None = None


class Event(Record):
    """One dated, sourced event."""

    id: Slug
    title: Text
    summary: Text
    kind: Literal[EVENT_KINDS]  # type: ignore[valid-type]
    when: EDTF
    date_note: str | None = None
    places: list[PlaceRef] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    sources: list[Citation] = Field(min_length=1)
    related: list[Slug] = Field(default_factory=list)


class Source(Record):
    """A document or publication that events cite."""

    id: Slug
    title: Text
    date: EDTF | None = None
    issuer: str | None = None
    recipient: str | None = None
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    grade: Literal[GRADES]  # type: ignore[valid-type]
    archive_ref: str | None = None
    collection: str | None = None
    translator: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    rights: str | None = None
    summary: Text
    text_file: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_./-]+\.txt$")

    def citation(self) -> str:
        """Return a short human citation: issuer, title, date, archive reference."""
        parts = [
            self.issuer,
            f"“{self.title}”",
            self.date.human() if self.date else None,
        ]
        parts.append(self.archive_ref)
        return ", ".join(p for p in parts if p)


class Name(Record):
    """One name of a place in one language or script."""

    name: Text
    lang: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    note: str | None = None


class Place(Record):
    """A gazetteer entry: a point with every name it goes by."""

    id: Slug
    names: list[Name] = Field(min_length=1)
    kind: Literal[PLACE_KINDS]  # type: ignore[valid-type]
    state_1962: Literal[STATES]  # type: ignore[valid-type]
    admin_1962: Text
    precision: Literal[GEO_PRECISIONS]  # type: ignore[valid-type]
    coord_source: Text
    note: str | None = None
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)

    @property
    def label(self) -> str:
        """The 1962 display name (the first name)."""
        return self.names[0].name


Origin = tuple[str, dict[str, int]]  # file label, and the line of each field path


@dataclass(frozen=True)
class Dataset:
    """Every record of one load, by id, with where each came from.

    Attributes
    ----------
    events : tuple of Event
        In file order (the first of duplicate ids wins; validation reports the rest).
    sources, places : dict
        By id (the first of duplicate ids wins; validation reports the rest).
    texts : dict
        Full text of a source, by source id, where we carry it.
    origins : dict
        ``(category, id) -> (file, {field path: line})`` for messages (the path ``""``
        is the record itself); category is ``event``, ``source`` or ``place``.
    duplicates : tuple
        ``(category, id, file, line)`` of every record whose id was seen before.
    """

    events: tuple[Event, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    duplicates: tuple[tuple[str, str, str, int], ...] = ()

    @functools.cached_property
    def gazetteer(self) -> Gazetteer:
        """The places' name index, made once for every check and geocode."""
        from mapapp.gazetteer import Gazetteer  # which imports this module

        return Gazetteer(self.places.values())

    @classmethod
    def from_located(
        cls,
        events: list[tuple[Event, str, dict[str, int]]],
        sources: list[tuple[Source, str, dict[str, int]]],
        places: list[tuple[Place, str, dict[str, int]]],
        texts: dict[str, str],
    ) -> Dataset:
        """Assemble a dataset from records read with their locations."""
        origins: dict[tuple[str, str], Origin] = {}
        duplicates: list[tuple[str, str, str, int]] = []
        kept: dict[str, dict[str, Any]] = {"event": {}, "source": {}, "place": {}}
        for category, rows in (
            ("event", events),
            ("source", sources),
            ("place", places),
        ):
            for record, label, lines in rows:
                if record.id in kept[category]:
                    duplicates.append((category, record.id, label, lines[""]))
                    continue
                kept[category][record.id] = record
                origins[(category, record.id)] = (label, lines)
        return cls(
            events=tuple(kept["event"].values()),
            sources=kept["source"],
            places=kept["place"],
            texts=texts,
            origins=origins,
            duplicates=tuple(duplicates),
        )

    def where(
        self, category: str, record_id: str, path: str = ""
    ) -> tuple[str, int | None]:
        """Return the file and line of a record or of one of its fields."""
        label, lines = self.origins.get((category, record_id), ("<input>", {}))
        while path not in lines and path:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return label, lines.get(path)

    def event(self, event_id: str) -> Event:
        """Return the event with this id (KeyError if there is none)."""
        for ev in self.events:
            if ev.id == event_id:
                return ev
        raise KeyError(event_id)

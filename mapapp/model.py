"""The records: events, their claims and citations, sources and places.

The models only describe one record each; references between records (a citation's
source, an event's places) are checked in :mod:`mapapp.validate`.
"""

from __future__ import annotations

from typing import Annotated, Literal

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
# Units drawn as a name, never as a point: no route starts or ends at one (crossings).
AREA_KINDS = ("county", "prefecture", "district", "region")
STATES = ("PRC", "USSR")
GEO_PRECISIONS = ("exact", "approximate", "region")

# Each rule of a field is written here once; the import, the messages and the ids
# made for ad-hoc points use these names.
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX = 120
URL_PATTERN = r"^https?://\S+$"
TEXT_FILE_PATTERN = r"^[A-Za-z0-9_./-]+\.txt$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

Slug = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX)]
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
    url: str | None = Field(default=None, pattern=URL_PATTERN)
    rights: str | None = None
    summary: Text
    text_file: str | None = Field(default=None, pattern=TEXT_FILE_PATTERN)

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
    lang: Annotated[str, Field(pattern=LANG_PATTERN)]
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

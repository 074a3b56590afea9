"""What a reader sees of one event or one source, as plain data (no markup)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from mapapp.cells import is_free_text
from mapapp.dataset import Dataset
from mapapp.errors import MapAppError
from mapapp.model import AREA_KINDS, GRADE_MEANING, Event, Source

ROLE_WORDS = {
    "origin": "from",
    "crossing": "crossed at",
    "destination": "to",
    "site": "at",
}


@dataclass(frozen=True)
class PlaceLine:
    """One place of an event, for display."""

    id: str
    label: str
    role: str
    other_names: tuple[str, ...]
    side: str | None
    distance_km: float | None
    precision: str
    written: str | None = None  # the name as the record wrote it, when not the id


@dataclass(frozen=True)
class ClaimLine:
    """One claimed number, always with who claimed it."""

    figure: str
    quantity: str
    scope: str
    claimant: str
    source: str
    grade: str
    unverified: bool
    note: str | None


@dataclass(frozen=True)
class CitationLine:
    """One cited source with its grade and the quoted words, if any."""

    source: str
    citation: str
    grade: str
    grade_meaning: str
    locator: str | None
    quote: str | None
    note: str | None
    url: str | None
    has_text: bool


@dataclass(frozen=True)
class EventDetail:
    """Everything the detail panel shows about one event."""

    id: str
    title: str
    kind: str
    date: str
    date_note: str | None
    summary: str
    places: tuple[PlaceLine, ...]
    claims: tuple[ClaimLine, ...]
    sources: tuple[CitationLine, ...]
    related: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SourceDetail:
    """A source's metadata, its text with quoted passages marked, and who cites it."""

    id: str
    title: str
    fields: tuple[tuple[str, str], ...]
    summary: str
    url: str | None
    segments: tuple[tuple[str, bool], ...]
    citing: tuple[tuple[str, str], ...]


UNCATALOGUED = "uncatalogued citation (not graded): a citation in words, unverified"


def grade_meaning(source: Source) -> str:
    """Say what a source's grade means; a citation in words is not a popular account.

    A row may cite a document in words that match no catalogued source
    (:mod:`mapapp.citations`); it is kept, with grade D so that what rests on it is
    shown as unverified, but it is named for what it is.
    """
    return UNCATALOGUED if is_free_text(source) else GRADE_MEANING[source.grade]


def event_detail(
    data: Dataset, event_id: str, places: pd.DataFrame | None = None
) -> EventDetail:
    """Return the detail of one event.

    Parameters
    ----------
    data : Dataset
    event_id : str
    places : DataFrame, optional
        From :func:`mapapp.geocode.place_frame` (adds side and distance).

    Raises
    ------
    KeyError
        When there is no such event.
    """
    ev = data.event(event_id)
    place_lines = []
    for ref in ev.places:
        place = data.places.get(ref.place)
        if place is None:  # an imported row names its place in words: resolve them
            try:
                place = data.gazetteer.lookup(ref.place)
            except MapAppError:
                continue
        row = (
            places.loc[place.id]
            if places is not None and place.id in places.index
            else None
        )
        place_lines.append(
            PlaceLine(
                id=place.id,
                label=place.label,
                role=ref.role,
                other_names=tuple(n.name for n in place.names[1:]),
                side=None if row is None or pd.isna(row["side"]) else str(row["side"]),
                distance_km=None if row is None else float(row["distance_km"]),
                precision=place.precision,
                written=None if ref.place == place.id else ref.place,
            )
        )
    claims = []
    for c in ev.claims:
        source = data.sources.get(c.source)
        grade = source.grade if source else "?"
        claims.append(
            ClaimLine(
                c.figure(),
                c.quantity,
                c.scope,
                c.claimant,
                c.source,
                grade,
                c.unverified or grade == "D",
                c.note,
            )
        )
    cites = []
    for cite in ev.sources:
        source = data.sources.get(cite.source)
        if source is None:
            continue
        cites.append(
            CitationLine(
                source=source.id,
                citation=source.citation(),
                grade=source.grade,
                grade_meaning=grade_meaning(source),
                locator=cite.locator,
                quote=cite.quote,
                note=cite.note,
                url=source.url,
                has_text=source.id in data.texts,
            )
        )
    titles = {e.id: e.title for e in data.events}
    return EventDetail(
        id=ev.id,
        title=ev.title,
        kind=ev.kind,
        date=ev.when.human(),
        date_note=ev.date_note,
        summary=ev.summary,
        places=tuple(place_lines),
        claims=tuple(claims),
        sources=tuple(cites),
        related=tuple((r, titles[r]) for r in ev.related if r in titles),
    )


def source_detail(data: Dataset, source_id: str) -> SourceDetail:
    """Return a source's metadata, full text with quoted passages, and citing events.

    Raises
    ------
    KeyError
        When there is no such source.
    """
    src = data.sources[source_id]
    fields = [
        ("Issuer", src.issuer),
        ("Recipient", src.recipient),
        ("Date", src.date.human() if src.date else None),
        ("Kind", src.kind),
        ("Reliability", f"{src.grade} ({grade_meaning(src)})"),
        ("Archive reference", src.archive_ref),
        ("Collection", src.collection),
        ("Translator", src.translator),
        ("Rights", src.rights),
    ]
    citing, quotes = [], []
    for ev in data.events:
        cites = [c for c in ev.sources if c.source == source_id]
        claims = [c for c in ev.claims if c.source == source_id]
        if cites or claims:
            citing.append((ev.id, ev.title))
        quotes += [c.quote for c in cites if c.quote]
    text = data.texts.get(source_id, "")
    return SourceDetail(
        id=src.id,
        title=src.title,
        fields=tuple((k, v) for k, v in fields if v),
        summary=src.summary,
        url=src.url,
        segments=tuple(highlight(text, quotes)) if text else (),
        citing=tuple(citing),
    )


def place_at(data: Dataset, event: Event, lon: float, lat: float) -> str:
    """Return the name of the event's place drawn at a point (a far event's mark).

    A region is a name, never a point, so an event "in Xinjiang and Moscow" is drawn
    at Moscow: the mark must say Moscow. The nearest of the event's places that is
    not an area is named; the event's title when none of its places is known.
    """
    places = [data.places[r.place] for r in event.places if r.place in data.places]
    points = [p for p in places if p.kind not in AREA_KINDS] or places
    if not points:
        return event.title
    nearest = min(points, key=lambda p: (p.lon - lon) ** 2 + (p.lat - lat) ** 2)
    return nearest.label


def highlight(text: str, quotes: list[str]) -> list[tuple[str, bool]]:
    r"""Split a text into segments, marking those that a quote covers.

    Quotes match whatever the whitespace between their words (as validation does).

    Examples
    --------
    >>> highlight("a b\nc d", ["b c"])
    [('a ', False), ('b\nc', True), (' d', False)]
    """
    spans = []
    for quote in quotes:
        words = quote.split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        spans += [m.span() for m in re.finditer(pattern, text)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^])")


def count(n: int, noun: str) -> str:
    """Return ``n`` with its noun, singular or plural.

    >>> count(1, "event"), count(12000, "row")
    ('1 event', '12,000 rows')
    """
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def md_escape(text: str) -> str:
    r"""Escape text so that Markdown (and Streamlit's extensions) shows it literally.

    Examples
    --------
    >>> print(md_escape("<b>x</b> *y* :red[z] $w$"))
    \<b\>x\</b\> \*y\* \:red\[z\] \$w\$
    """
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")

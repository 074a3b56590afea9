"""Guided tours: a title, a description and ordered steps through the events.

A tour file in ``events/tours/`` names events by id; each step may add narration in
our own words and a map view. :func:`check` finds the problems across records
(unknown events, duplicate tour ids); :func:`slides` turns a tour into what the
present page and the offline export show, one :class:`Slide` per step.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field

import geopandas as gpd
from pydantic import Field

from mapapp.dataset import Dataset
from mapapp.errors import Problem
from mapapp.model import GRADE_MEANING, Event, Origin, Record, Slug, Text

MIN_ZOOM = 3
MAX_ZOOM = 12
OVERVIEW = (45.2, 81.6, 6)
FRONTIER_BOX = (79.0, 42.5, 86.0, 47.5)  # the Ili and Tacheng sectors of the 1962 line
"""The view of a step whose event is not on the frontier map (Beijing, Moscow)."""
FIT_ZOOMS = (5, 8)
"""The zooms a step fitted to its event's geometry may get (wide enough to orient)."""
MAP_PX = (700, 480)
"""The map size (pixels, less padding) that fitted views are computed for."""

View = tuple[float, float, int]


class TourView(Record):
    """Where the map goes for a step: its centre and zoom."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    zoom: int = Field(ge=MIN_ZOOM, le=MAX_ZOOM)


class TourStep(Record):
    """One step: an event, optional narration in our words, an optional view.

    ``quote`` picks which of the event's quoted citations to show (1 is the first,
    the default).
    """

    event: Slug
    narration: Text | None = None
    view: TourView | None = None
    quote: int | None = Field(default=None, ge=1)


class Tour(Record):
    """A guided tour through the events, for presenting to a class."""

    id: Slug
    title: Text
    description: Text | None = None  # shown with the first step
    steps: list[TourStep] = Field(min_length=1)


@dataclass(frozen=True)
class Tours:
    """Every tour of one load, by id, with where each came from.

    Attributes
    ----------
    tours : dict
        By id, in file order (the first of duplicate ids wins).
    origins : dict
        Tour id -> (file, {field path: line}).
    duplicates : tuple
        ``(id, file, line)`` of every tour whose id was seen before.
    """

    tours: dict[str, Tour] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)
    duplicates: tuple[tuple[str, str, int], ...] = ()

    @classmethod
    def from_located(cls, rows: list[tuple[Tour, str, dict[str, int]]]) -> Tours:
        """Assemble the tours read with their locations (see ``load.read_tours``)."""
        tours: dict[str, Tour] = {}
        origins: dict[str, Origin] = {}
        duplicates = []
        for tour, label, lines in rows:
            if tour.id in tours:
                duplicates.append((tour.id, label, lines[""]))
                continue
            tours[tour.id] = tour
            origins[tour.id] = (label, lines)
        return cls(tours, origins, tuple(duplicates))

    def where(self, tour_id: str, path: str = "") -> tuple[str, int | None]:
        """Return the file and line of a tour or of one of its fields."""
        label, lines = self.origins.get(tour_id, ("<input>", {}))
        return label, lines.get(path, lines.get(""))


def check(tours: Tours, data: Dataset) -> list[Problem]:
    """Return the problems across records: duplicate tour ids, unknown events.

    Parameters
    ----------
    tours : Tours
        Tours that each passed their own model (empty steps, bad views and unknown
        fields are reported when reading).
    data : Dataset
        The events the steps name.

    Returns
    -------
    list of Problem
    """
    problems = []
    for tour_id, label, line in tours.duplicates:
        first, first_line = tours.where(tour_id)
        problems.append(
            Problem(
                label,
                line,
                tour_id,
                "id",
                f"duplicate tour id (got {tour_id!r}; first defined at "
                f"{first}:{first_line}; ids must be unique)",
            )
        )
    events = {ev.id: ev for ev in data.events}
    for tour in tours.tours.values():
        for i, step in enumerate(tour.steps):
            path, message = _check_step(step, i, events)
            if not message:
                path, message = _check_hedge(step, i, events[step.event], data)
            if message:
                label, line = tours.where(tour.id, path)
                problems.append(Problem(label, line, tour.id, path, message))
    return problems


def _check_step(
    step: TourStep, i: int, events: dict[str, Event]
) -> tuple[str, str | None]:
    """Return the field path and the problem of one step (None if it is fine)."""
    ev = events.get(step.event)
    if ev is None:
        close = difflib.get_close_matches(step.event, list(events), n=3)
        hint = f"; closest: {', '.join(close)}" if close else ""
        return (
            f"steps[{i}].event",
            f"unknown event (got {step.event!r}; expected an event id{hint})",
        )
    quotes = sum(1 for c in ev.sources if c.quote)
    if step.quote is not None and step.quote > quotes:
        return (
            f"steps[{i}].quote",
            f"no such quote (got {step.quote}; event {ev.id!r} cites "
            f"{quotes} quote(s); expected 1 to {quotes}, or no quote field)",
        )
    return "", None


def tour_yaml(tour: Tour) -> str:
    """Return a tour as the YAML of a tour file (``mapapp validate`` reads it back).

    Text is written as JSON strings (which YAML reads as double-quoted scalars), a
    view as one flow mapping, in the field order of the bundled tours.
    """
    head = {"id": tour.id, "title": tour.title, "description": tour.description}
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items() if v]
    lines.append("steps:")
    for step in tour.steps:
        lines.append(f"  - event: {step.event}")
        if step.narration:
            text = json.dumps(step.narration, ensure_ascii=False)
            lines.append(f"    narration: {text}")
        if step.quote is not None:
            lines.append(f"    quote: {step.quote}")
        if step.view is not None:
            v = step.view
            where = f"lat: {v.lat:.4f}, lon: {v.lon:.4f}, zoom: {v.zoom}"
            lines.append(f"    view: {{{where}}}")
    return "\n".join(lines) + "\n"


REFERENCE_GRADES = ("C", "D")
# words of an issuer or claimant that name nobody in particular
_VAGUE = frozenset(
    {
        "various", "anonymous", "websites", "website", "contributors", "author",
        "authors", "recorded", "published", "online", "extracted", "from", "copy",
        "hosted", "read", "mirror",
    }
)  # fmt: skip
# a figure in a narration: 6,000 or 800, not a day (22) or a year (1962)
_FIGURE = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b(?!1[89]\d\d\b|20\d\d\b)\d{3,}\b")
_WORD = re.compile(r"[^\W\d_][\w.'’-]{3,}")


def attributions(ev: Event, data: Dataset) -> set[str]:
    """Return the names a narration can use to say who says so (lower case).

    The words of at least four letters of the issuers of the event's sources and of
    its claimants, leaving out words that name nobody ("various", "contributors").
    """
    whose = [data.sources[s].issuer for s in _cited(ev) if s in data.sources]
    whose += [c.claimant for c in ev.claims]
    words = {
        w.lower().strip(".") for text in whose if text for w in _WORD.findall(text)
    }
    return words - _VAGUE


def _cited(ev: Event) -> list[str]:
    """Return the ids of the sources an event cites or draws a figure from."""
    return list(
        dict.fromkeys([c.source for c in ev.sources] + [c.source for c in ev.claims])
    )


def _check_hedge(
    step: TourStep, i: int, ev: Event, data: Dataset
) -> tuple[str, str | None]:
    """Return the problem of a step that drops the hedge of its event.

    A step whose event rests on reference works or popular accounts only, or whose
    narration gives a figure of an event with competing claims (figures from two
    claimants or more), must say who says so: name an issuer or a claimant of the
    event's sources (see :func:`attributions`).
    """
    if not step.narration:
        return "", None
    grades = {data.sources[s].grade for s in _cited(ev) if s in data.sources}
    reference = bool(grades) and grades <= set(REFERENCE_GRADES)
    contested = len({c.claimant for c in ev.claims}) > 1
    if not reference and not (contested and _FIGURE.search(step.narration)):
        return "", None
    names = attributions(ev, data)
    said = {w.lower().strip(".") for w in _WORD.findall(step.narration)}
    if said & names:
        return "", None
    shown = ", ".join(sorted(names)[:6]) or "its source"
    why = (
        f"rests on reference works or popular accounts only (grades "
        f"{'/'.join(sorted(grades))})"
        if reference
        else "has competing figures, and the narration gives one"
    )
    return (
        f"steps[{i}].narration",
        f"event {ev.id!r} {why}, and the narration does not say who says so "
        f"(expected it to name a source or claimant, e.g. {shown})",
    )


@dataclass(frozen=True)
class Slide:
    """What one step shows: the text beside the map and where the map goes.

    ``quote`` is the verbatim quote the step picks (by default the event's first;
    None if the event quotes nothing); ``source`` (the id), ``citation`` and
    ``grade`` are of its source, or of the event's first source.
    """

    number: int
    event: str
    kind: str
    date: str
    title: str
    narration: str | None
    quote: str | None
    source: str
    citation: str
    grade: str
    grade_meaning: str
    view: View
    on_map: bool


def slides(tour: Tour, data: Dataset, events: gpd.GeoDataFrame) -> list[Slide]:
    """Return one slide per step of a checked tour.

    Parameters
    ----------
    tour : Tour
        A tour whose events all exist (see :func:`check`).
    data : Dataset
    events : GeoDataFrame
        Geocoded events indexed by id, with ``located`` and ``far`` columns
        (:func:`mapapp.eventlayers.event_frame`).

    Returns
    -------
    list of Slide
        The view is the step's own, else fitted to the event's geometry; for an
        event far from the frontier, fitted to it and the frontier together (the
        map zooms out to show where it happened); else :data:`OVERVIEW`.
    """
    out = []
    for number, step in enumerate(tour.steps, start=1):
        ev = data.event(step.event)
        quoted = [c for c in ev.sources if c.quote]
        cited = quoted[(step.quote or 1) - 1] if quoted else ev.sources[0]
        source = data.sources[cited.source]
        row = events.loc[ev.id] if ev.id in events.index else None
        on_map = row is not None and bool(row["located"]) and not bool(row["far"])
        if step.view is not None:
            view: View = (step.view.lat, step.view.lon, step.view.zoom)
        elif on_map:
            view = fit_view(tuple(row.geometry.bounds))
        elif row is not None and bool(row["located"]):
            # far from the frontier (Beijing, Moscow): zoom out to show both
            view = fit_view(_union(row.geometry.bounds, FRONTIER_BOX), zooms=(2, 6))
        else:
            view = OVERVIEW
        out.append(
            Slide(
                number=number,
                event=ev.id,
                kind=ev.kind,
                date=ev.when.human(),
                title=ev.title,
                narration=step.narration,
                quote=cited.quote,
                source=cited.source,
                citation=source.citation(),
                grade=source.grade,
                grade_meaning=GRADE_MEANING[source.grade],
                view=view,
                on_map=on_map,
            )
        )
    return out


def _mercator(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def bounds_centre(south: float, west: float, north: float, east: float) -> tuple:
    """Return the centre (lat, lon) of a Leaflet map from its bounds, to 4 decimals.

    The centre is halfway in Web Mercator, as Leaflet's own ``getCenter()``, so a
    view saved from the bounds opens where it was.

    >>> bounds_centre(40.0, 80.0, 50.0, 84.0)
    (45.2193, 82.0)
    """
    y = (_mercator(south) + _mercator(north)) / 2
    lat = math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)
    return round(lat, 4), round((west + east) / 2, 4)


def _union(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def fit_view(
    bounds: tuple[float, ...],
    size: tuple[int, int] = MAP_PX,
    zooms: tuple[int, int] = FIT_ZOOMS,
) -> View:
    """Return the centre and zoom that fit ``(minx, miny, maxx, maxy)`` on a map.

    The zoom is Leaflet's (256-pixel tiles, Web Mercator), rounded down and kept
    within :data:`FIT_ZOOMS`; a point gets the largest of them.

    >>> fit_view((80.0, 44.0, 82.0, 46.0))
    (45.0, 81.0, 7)
    >>> fit_view((81.3, 43.9, 81.3, 43.9))
    (43.9, 81.3, 8)
    """
    minx, miny, maxx, maxy = bounds
    width, height = size
    fits = [float(zooms[1])]
    if maxx > minx:
        fits.append(math.log2(width * 360 / ((maxx - minx) * 256)))
    span = _mercator(maxy) - _mercator(miny)
    if span > 0:
        fits.append(math.log2(height * 2 * math.pi / (span * 256)))
    zoom = max(zooms[0], min(math.floor(min(fits)), zooms[1]))
    return (round((miny + maxy) / 2, 4), round((minx + maxx) / 2, 4), zoom)

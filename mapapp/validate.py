"""Checks across records: unique ids, references, quotes, and the grade-D rule."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Collection
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from mapapp.dataset import Dataset
from mapapp.errors import Problem
from mapapp.gazetteer import Gazetteer
from mapapp.model import AREA_KINDS, Event

# The archives we cite, and the hosts each publishes its documents on: a source held
# by one (its collection or issuer names it) links to the archive's own address.
ARCHIVE_HOSTS = {
    "Wilson Center Digital Archive": ("digitalarchive.wilsoncenter.org",),
    "Central Intelligence Agency": ("www.cia.gov",),
    "CIA Reading Room": ("www.cia.gov",),
}
_SPACE = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def check(data: Dataset, unreadable: Collection[str] = ()) -> list[Problem]:
    """Return every cross-record problem of a dataset (empty when it is consistent).

    Parameters
    ----------
    data : Dataset
        Records that each passed their own model.
    unreadable : collection of str, optional
        Ids of events that could not be read (their own problem says why): events
        relating to them are not reported again.

    Returns
    -------
    list of Problem
        Duplicate ids, dangling references to places, sources and events, quotes
        missing from their source's text, grade-D claims not marked unverified.
    """
    problems = [_duplicate(data, *dup) for dup in data.duplicates]
    gazetteer = data.gazetteer
    event_ids = set(data.tables.ids) | set(unreadable)
    texts = {sid: normalise_space(text) for sid, text in data.texts.items()}
    for ev in _suspects(data, gazetteer, texts):
        problems += _check_event(data, ev, gazetteer, event_ids, texts)
    problems += [_source_problem(data, *bad) for bad in _off_archive(data)]
    return problems


def _off_archive(data: Dataset) -> list[tuple[str, str, str]]:
    """Return (source id, url, archive) for sources linked off their archive's hosts."""
    out = []
    for source in data.sources.values():
        held = " ".join(filter(None, (source.collection, source.issuer)))
        for archive, hosts in ARCHIVE_HOSTS.items():
            url = source.url
            if archive in held and url and urlsplit(url).hostname not in hosts:
                out.append((source.id, url, archive))
    return out


def _source_problem(data: Dataset, source_id: str, url: str, archive: str) -> Problem:
    label, line = data.where("source", source_id, "url")
    hosts = " or ".join(ARCHIVE_HOSTS[archive])
    return Problem(
        label,
        line,
        source_id,
        "url",
        f"the {archive} publishes on its own address (got {url!r}; expected a "
        f"https://{hosts}/… address)",
    )


def _suspects(
    data: Dataset, gazetteer: Gazetteer, texts: dict[str, str]
) -> list[Event]:
    """Return the events that may have a problem, in order: the others have none.

    The places, claims and citations tables are judged as a whole (each distinct
    place name and source once), and only the events holding a suspect row are
    read as models; :func:`_check_event` words their problems.
    """
    tables = data.tables
    refs, claims, cites = tables.places, tables.claims, tables.citations
    names = set(refs["place"])
    bad_places = {n for n in names if n not in gazetteer and gazetteer.problem(n)}
    cited = set(cites["source"]) | set(claims["source"])
    unknown = {sid for sid in cited if sid not in data.sources}
    graded_d = {sid for sid, source in data.sources.items() if source.grade == "D"}
    areas = {n for n in names if n not in bad_places and _is_area(gazetteer, n)}
    claim_sources = claims["source"]
    hits = [
        refs["ev"][refs["place"].isin(bad_places | areas)],
        claims["ev"][
            claim_sources.isin(unknown)
            | (claim_sources.isin(graded_d) & ~claims["unverified"].astype(bool))
        ],
        cites["ev"][
            cites["source"].isin(unknown)
            | (cites["quote"].astype(bool) & cites["source"].isin(set(texts)))
        ],
    ]
    related = np.flatnonzero(tables.events["related"].map(len).to_numpy() > 0)
    suspect = np.unique(np.concatenate([*(h.to_numpy() for h in hits), related]))
    return list(tables.records_at(suspect))


def _problem(data: Dataset, ev: Event, path: str, message: str) -> Problem:
    label, line = data.where("event", ev.id, path)
    return Problem(label, line, ev.id, path, message)


def _duplicate(
    data: Dataset, category: str, record_id: str, label: str, line: int
) -> Problem:
    first, first_line = data.where(category, record_id)
    return Problem(
        label,
        line,
        record_id,
        "id",
        f"duplicate {category} id (got {record_id!r}; first defined at "
        f"{first}:{first_line}; ids must be unique)",
    )


def _check_event(
    data: Dataset,
    ev: Event,
    gazetteer: Gazetteer,
    event_ids: set[str],
    texts: dict[str, str],
) -> list[Problem]:
    out = []
    for i, ref in enumerate(ev.places):
        if ref.place not in gazetteer:  # an id needs no lookup
            message = gazetteer.problem(ref.place)
            if message is not None:
                out.append(_problem(data, ev, f"places[{i}].place", message))
    out += [_problem(data, ev, *bad) for bad in _region_routes(ev, gazetteer)]
    for i, claim in enumerate(ev.claims):
        path = f"claims[{i}].source"
        source = data.sources.get(claim.source)
        if source is None:
            out.append(_problem(data, ev, path, _unknown_source(data, claim.source)))
        elif source.grade == "D" and not claim.unverified:
            out.append(
                _problem(
                    data,
                    ev,
                    f"claims[{i}]",
                    f"claim cites grade-D source {source.id!r} (popular account, "
                    f"unverified) but is not marked (got unverified: false; expected "
                    f"unverified: true, or leave the claim out)",
                )
            )
    for i, cite in enumerate(ev.sources):
        if cite.source not in data.sources:
            out.append(
                _problem(
                    data, ev, f"sources[{i}].source", _unknown_source(data, cite.source)
                )
            )
            continue
        text = texts.get(cite.source)
        if cite.quote and text is not None and normalise_space(cite.quote) not in text:
            out.append(
                _problem(
                    data,
                    ev,
                    f"sources[{i}].quote",
                    f"quote not found in the full text of {cite.source!r} (got "
                    f"{_clip(cite.quote)!r}; expected a verbatim passage, "
                    f"whitespace aside)",
                )
            )
    for i, other in enumerate(ev.related):
        if other == ev.id or other not in event_ids:
            why = (
                "an event cannot relate to itself"
                if other == ev.id
                else "no such event"
            )
            out.append(
                _problem(
                    data,
                    ev,
                    f"related[{i}]",
                    f"{why} (got {other!r}; expected another event id)",
                )
            )
    return out


def _is_area(gazetteer: Gazetteer, name: str) -> bool:
    """Whether a place reference names a region (drawn as a name, never a point)."""
    try:
        return gazetteer.lookup(name).kind in AREA_KINDS
    except LookupError:
        return False


def _region_routes(ev: Event, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """Return (path, message) for each route that runs from a region to a region.

    With no crossing place between them, no point of such a route would be true
    (a region is never a point), so it cannot be drawn.
    """
    routes: dict[int, list[tuple[int, str, str]]] = {}
    for i, ref in enumerate(ev.places):
        if ref.role != "site":
            routes.setdefault(ref.route, []).append((i, ref.role, ref.place))
    out = []
    for number, refs in routes.items():
        ends = [(i, place) for i, role, place in refs if role != "crossing"]
        if any(role == "crossing" for _, role, _ in refs) or len(ends) < 2:
            continue
        if all(_is_area(gazetteer, place) for _, place in ends):
            names = " -> ".join(place for _, place in ends)
            out.append(
                (
                    f"places[{ends[0][0]}]",
                    f"route {number} runs from a region to a region with no crossing "
                    f"(got {names}); a region is never a point, so it cannot be "
                    f"drawn: name the crossing place, or give the places role: site",
                )
            )
    return out


def _unknown_source(data: Dataset, source_id: str) -> str:
    close = difflib.get_close_matches(source_id, list(data.sources), n=3)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return f"unknown source (got {source_id!r}; expected a source id{hint})"


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def summary(data: Dataset) -> dict[str, Any]:
    """Return the counts and date range of a dataset, for reports."""
    events = data.tables.events
    dated = set(events["when"])
    firsts = [w.earliest for w in dated if w.earliest != date.min]
    lasts = [w.latest for w in dated if w.latest != date.max]
    return {
        "events": len(events),
        "sources": len(data.sources),
        "places": len(data.places),
        "claims": len(data.tables.claims),
        "kinds": dict(sorted(Counter(events["kind"]).items())),
        "date_range": [
            min(firsts).isoformat() if firsts else None,
            max(lasts).isoformat() if lasts else None,
        ],
    }

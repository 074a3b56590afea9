"""Checks across records: unique ids, references, quotes, and the grade-D rule."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Collection
from datetime import date
from typing import Any

from mapapp.errors import Problem
from mapapp.gazetteer import Gazetteer
from mapapp.model import Dataset, Event

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
    event_ids = {ev.id for ev in data.events} | set(unreadable)
    texts = {sid: normalise_space(text) for sid, text in data.texts.items()}
    for ev in _suspects(data, gazetteer, texts):
        problems += _check_event(data, ev, gazetteer, event_ids, texts)
    return problems


def _suspects(
    data: Dataset, gazetteer: Gazetteer, texts: dict[str, str]
) -> list[Event]:
    """Return the events that may have a problem, in order: the others have none.

    Each distinct place name and source id is judged once, and every event is then
    sorted by set lookups over its references (a large import has 100,000 events and
    a few hundred distinct references); :func:`_check_event` words the problems.
    """
    events = data.events
    names = {ref.place for ev in events for ref in ev.places}
    bad_places = {n for n in names if n not in gazetteer and gazetteer.problem(n)}
    cited = {c.source for ev in events for c in ev.sources}
    cited.update(c.source for ev in events for c in ev.claims)
    unknown = {sid for sid in cited if sid not in data.sources}
    graded_d = {sid for sid, source in data.sources.items() if source.grade == "D"}
    suspect = {i for i, ev in enumerate(events) if ev.related}
    if bad_places:
        suspect.update(
            i for i, ev in enumerate(events) for r in ev.places if r.place in bad_places
        )
    if unknown or graded_d:
        suspect.update(
            i
            for i, ev in enumerate(events)
            for c in ev.claims
            if c.source in unknown or (c.source in graded_d and not c.unverified)
        )
    if unknown or texts:
        suspect.update(
            i
            for i, ev in enumerate(events)
            for c in ev.sources
            if c.source in unknown or (c.quote and c.source in texts)
        )
    return [events[i] for i in sorted(suspect)]


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


def _unknown_source(data: Dataset, source_id: str) -> str:
    close = difflib.get_close_matches(source_id, list(data.sources), n=3)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return f"unknown source (got {source_id!r}; expected a source id{hint})"


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def summary(data: Dataset) -> dict[str, Any]:
    """Return the counts and date range of a dataset, for reports."""
    dated = [ev.when for ev in data.events]
    firsts = [w.earliest for w in dated if w.earliest != date.min]
    lasts = [w.latest for w in dated if w.latest != date.max]
    return {
        "events": len(data.events),
        "sources": len(data.sources),
        "places": len(data.places),
        "claims": sum(len(ev.claims) for ev in data.events),
        "kinds": dict(sorted(Counter(ev.kind for ev in data.events).items())),
        "date_range": [
            min(firsts).isoformat() if firsts else None,
            max(lasts).isoformat() if lasts else None,
        ],
    }

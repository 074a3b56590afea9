"""Choosing events: by time window, kind, source grade and free text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from mapapp.dataset import Dataset
from mapapp.gazetteer import fold
from mapapp.model import EVENT_KINDS, GRADES, Event
from mapapp.tables import EventTables


@dataclass(frozen=True)
class Selection:
    """What the user asked to see.

    Attributes
    ----------
    start, end : datetime.date or None
        The time window; an event is kept when any day it may mean lies in it.
    kinds : tuple of str
        Event kinds to keep (all when empty).
    grades : tuple of str
        Keep events citing at least one source of these grades (all when empty).
    text : str
        Words that must all occur in the title, summary, or any name of any place
        of the event (case, accents and script-specific marks ignored).
    """

    start: date | None = None
    end: date | None = None
    kinds: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    text: str = ""

    def __post_init__(self) -> None:
        bad = [k for k in self.kinds if k not in EVENT_KINDS]
        if bad:
            raise ValueError(f"unknown kind {bad[0]!r}; expected one of {EVENT_KINDS}")
        bad = [g for g in self.grades if g not in GRADES]
        if bad:
            raise ValueError(f"unknown grade {bad[0]!r}; expected one of {GRADES}")


def search_keys(data: Dataset) -> dict[str, str]:
    """Return, per event id, the folded text a search runs against.

    It holds the title, the summary, the date note and every name variant of every
    place the event names, so that typing Кульджа finds events at Yining.
    """
    out = {}
    for ev in data.events:
        names = []
        for ref in ev.places:
            place = data.places.get(ref.place)
            names += [ref.place] if place is None else [n.name for n in place.names]
        words = [ev.title, ev.summary, ev.date_note or "", *names]
        out[ev.id] = " ".join(_fold_words(w) for w in words)
    return out


def _fold_words(text: str) -> str:
    return " ".join(fold(word) for word in text.split())


def days(tables: EventTables) -> tuple[np.ndarray, np.ndarray]:
    """Return each event's first and last possible day, as day numbers (ordinals)."""
    codes, whens = pd.factorize(tables.events["when"].to_numpy(dtype=object))
    first = np.array([w.earliest.toordinal() for w in whens], dtype=np.int64)
    last = np.array([w.latest.toordinal() for w in whens], dtype=np.int64)
    return first[codes], last[codes]


def select(
    data: Dataset, sel: Selection, keys: dict[str, str] | None = None
) -> list[str]:
    """Return the ids of the events a selection keeps, in dataset order.

    Parameters
    ----------
    data : Dataset
    sel : Selection
    keys : dict, optional
        From :func:`search_keys` (computed when not given and the selection has a
        text; cache it across calls).
    """
    tables = data.tables
    keep = np.ones(len(tables), dtype=bool)
    if sel.start or sel.end:
        first, last = days(tables)
        if sel.start:
            keep &= last >= sel.start.toordinal()
        if sel.end:
            keep &= first <= sel.end.toordinal()
    if sel.kinds:
        keep &= tables.events["kind"].isin(sel.kinds).to_numpy()
    if sel.grades:
        wanted = {sid for sid, s in data.sources.items() if s.grade in sel.grades}
        cites = tables.citations
        held = cites["ev"].to_numpy()[cites["source"].isin(wanted).to_numpy()]
        keep &= np.isin(np.arange(len(tables)), held)
    words = [fold(word) for word in sel.text.split()]
    if words:
        keys = search_keys(data) if keys is None else keys
        keep &= np.array(
            [all(w in keys.get(eid, "") for w in words) for eid in tables.ids],
            dtype=bool,
        )
    return tables.ids[keep].tolist()


def title_first(data: Dataset, ids: Iterable[str], text: str) -> list[str]:
    """Order the ids of a search so that events with every word in the title lead.

    The order within each part is kept (the dataset's, by date). A search box
    answers a title first: "riot" puts the Yining riot before events whose
    summaries mention it.
    """
    ids = list(ids)
    words = [fold(word) for word in text.split()]
    if not words:
        return ids
    by_id = {ev.id: ev for ev in data.events}
    titled = {i for i in ids if all(w in _fold_words(by_id[i].title) for w in words)}
    return [i for i in ids if i in titled] + [i for i in ids if i not in titled]


def date_span(events: Iterable[Event]) -> tuple[date, date]:
    """Return the first and last day the events may mean (open ends: the known side)."""
    whens = [e.when for e in events]
    firsts = [w.earliest if w.earliest != date.min else w.latest for w in whens]
    lasts = [w.latest if w.latest != date.max else w.earliest for w in whens]
    return min(firsts), max(lasts)

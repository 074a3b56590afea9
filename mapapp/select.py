"""Choosing events: by time window, kind, source grade and free text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mapapp.dataset import Dataset
from mapapp.gazetteer import fold
from mapapp.model import EVENT_KINDS, GRADES, Event


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


def matches(ev: Event, sel: Selection, grades: dict[str, str], key: str) -> bool:
    """Return whether one event passes a selection (see :func:`select`)."""
    if sel.start and ev.when.latest < sel.start:
        return False
    if sel.end and ev.when.earliest > sel.end:
        return False
    if sel.kinds and ev.kind not in sel.kinds:
        return False
    if sel.grades and not {grades.get(c.source) for c in ev.sources} & set(sel.grades):
        return False
    return all(fold(word) in key for word in sel.text.split())


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
    if keys is None:
        keys = search_keys(data) if sel.text.split() else {}
    grades = {sid: s.grade for sid, s in data.sources.items()}
    return [
        ev.id for ev in data.events if matches(ev, sel, grades, keys.get(ev.id, ""))
    ]


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

"""Events' place references, resolved against the gazetteer: one row per reference.

Each distinct name is looked up once; events whose references are the very same
records in the same order are flattened once (see :func:`event_refs`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import pandas as pd

from mapapp.gazetteer import Gazetteer
from mapapp.model import Event

ROLE_RANK = {"origin": 0, "crossing": 1, "destination": 2, "site": 3}
ALIKE_WIDTH = 64  # see _first_alike
_PLACES = attrgetter("places")


@dataclass(frozen=True)
class Unresolved:
    """A place reference that names no single gazetteer entry."""

    event: str
    field: str
    name: str
    reason: str
    candidates: tuple[str, ...]


def event_refs(
    events: Sequence[Event], gazetteer: Gazetteer
) -> tuple[pd.DataFrame, list[Unresolved], np.ndarray]:
    """Flatten events to one row per place reference, resolving names to ids.

    Events whose references are the very same records in the same order (an import
    makes one record per distinct place cell) get the same geometry, so only the
    first of them is flattened.

    Returns
    -------
    refs : DataFrame
        ``ev`` (the event's position in ``events``), ``order``, ``place`` (a
        gazetteer id), ``role``, ``rank`` (of the role), ``group`` (route number).
    unresolved : list of Unresolved
        References that name no place or several places, of every event.
    first : ndarray of int
        For each event, the position of the first event with the same references.
    """
    n = len(events)
    lists = list(map(_PLACES, events))
    counts = np.fromiter(map(len, lists), np.int64, n)
    flat = list(itertools.chain.from_iterable(lists))
    ev = np.repeat(np.arange(n, dtype=np.int64), counts)
    # position within its event: a running count restarted at each event's first
    order = np.arange(len(flat), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    # each distinct reference record read once (by identity: cheap, and exact)
    first = np.arange(n)
    record = np.arange(len(flat))  # which distinct record each reference is
    records = flat
    ident = list(map(id, flat))
    if len(set(ident)) < len(flat):  # some records are shared: events may be alike
        _, at, record = np.unique(
            np.array(ident, dtype=np.uintp), return_index=True, return_inverse=True
        )
        record = record.ravel()
        records = [flat[i] for i in at]
        first = _first_alike(ev, order, record, counts)
        mine = (first == np.arange(n))[ev]
        ev, order, record = ev[mine], order[mine], record[mine]
    codes, names = pd.factorize(np.array([r.place for r in records], dtype=object))
    resolved: dict[str, str | LookupError] = {}
    for text in names:
        try:
            resolved[text] = gazetteer.lookup(text).id
        except LookupError as exc:
            resolved[text] = exc
    found = np.array([resolved[t] for t in names], dtype=object)
    ok = np.array([isinstance(v, str) for v in found], dtype=bool)[codes][record]
    found = found[codes][record]
    rank = np.array([ROLE_RANK[r.role] for r in records], dtype=np.int64)[record]
    group = np.array([r.route for r in records], dtype=np.int64)[record]
    text = np.asarray(names, dtype=object)[codes][record]
    unresolved = _unresolved(
        events, first, ev[~ok], order[~ok], text[~ok], resolved, gazetteer
    )
    roles = np.array(list(ROLE_RANK), dtype=object)
    refs = pd.DataFrame(
        {
            "ev": ev[ok],
            "order": order[ok],
            "place": pd.array(found[ok], dtype=object),
            "role": pd.array(roles[rank[ok]], dtype=object),
            "rank": rank[ok],
            "group": group[ok],
        }
    )
    return refs, unresolved, first


def _first_alike(
    ev: np.ndarray, order: np.ndarray, record: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Return, for each event, the first event with the same references in order.

    ``ev``, ``order`` and ``record`` (a code per distinct reference record) describe
    every reference. Events are compared as rows of a table of record codes; an
    event with more than :data:`ALIKE_WIDTH` references is compared with none.
    """
    n = len(counts)
    first = np.arange(n)
    rows = np.flatnonzero(counts <= ALIKE_WIDTH)
    if not len(rows):
        return first
    # a row per event: its number of references, then their codes (-1 after them)
    table = np.full((len(rows), int(counts[rows].max()) + 1), -1, dtype=np.int64)
    table[:, 0] = counts[rows]
    slot = np.full(n, -1)
    slot[rows] = np.arange(len(rows))
    inside = slot[ev] >= 0
    table[slot[ev[inside]], order[inside] + 1] = record[inside]
    # sort the rows (stable: the first of equal rows stays first), then cut runs
    sort = np.lexsort(table.T[::-1])
    ordered = table[sort]
    starts = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    run_first = sort[np.flatnonzero(starts)]
    first[rows[sort]] = rows[run_first[np.cumsum(starts) - 1]]
    return first


def _unresolved(
    events: Sequence[Event],
    first: np.ndarray,
    ev: np.ndarray,
    order: np.ndarray,
    text: np.ndarray,
    resolved: dict[str, str | LookupError],
    gazetteer: Gazetteer,
) -> list[Unresolved]:
    """Return the unresolved references of every event, in event order.

    ``ev``, ``order`` and ``text`` are the unresolved references of the events
    that are their own ``first``; every event like one of them has the same.
    """
    if not len(ev):
        return []
    candidates: dict[str, tuple[str, ...]] = {}
    for name in set(text):
        found = gazetteer.candidates(name) or [
            gazetteer.places[c] for c in gazetteer.closest(name)
        ]
        candidates[name] = tuple(p.id for p in found)
    by_event: dict[int, list[tuple[int, str]]] = {}
    for k, i, name in zip(ev.tolist(), order.tolist(), text, strict=True):
        by_event.setdefault(k, []).append((i, name))
    out = []
    for k in np.flatnonzero(np.isin(first, list(by_event))).tolist():
        for i, name in by_event[int(first[k])]:
            out.append(
                Unresolved(
                    events[k].id,
                    f"places[{i}].place",
                    name,
                    str(resolved[name]),
                    candidates[name],
                )
            )
    return out

"""Events' place references, resolved against the gazetteer: one row per reference.

Each distinct name is looked up once; events whose references are the same, in the
same order, are resolved once (see :func:`event_refs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mapapp.gazetteer import Gazetteer
from mapapp.tables import EventTables

ROLE_RANK = {"origin": 0, "crossing": 1, "destination": 2, "site": 3}
ALIKE_WIDTH = 64  # see _first_alike


@dataclass(frozen=True)
class Unresolved:
    """A place reference that names no single gazetteer entry."""

    event: str
    field: str
    name: str
    reason: str
    candidates: tuple[str, ...]


def event_refs(
    tables: EventTables, gazetteer: Gazetteer
) -> tuple[pd.DataFrame, list[Unresolved], np.ndarray]:
    """Resolve the events' place references (the places table) to gazetteer ids.

    Events whose references are the same, in the same order (an import's rows of
    one place cell), get the same geometry, so only the first of them is kept.

    Returns
    -------
    refs : DataFrame
        ``ev`` (the event's position), ``order``, ``place`` (a gazetteer id),
        ``role``, ``rank`` (of the role), ``group`` (route number).
    unresolved : list of Unresolved
        References that name no place or several places, of every event.
    first : ndarray of int
        For each event, the position of the first event with the same references.
    """
    table = tables.places
    n = len(tables)
    ev = table["ev"].to_numpy(dtype=np.int64)
    order = table["order"].to_numpy(dtype=np.int64)
    counts = np.bincount(ev, minlength=n)
    first = np.arange(n)
    names = table["place"].to_numpy(dtype=object)
    roles = table["role"].to_numpy(dtype=object)
    routes = table["route"].to_numpy(dtype=np.int64)
    if len(table):
        # a code per distinct reference; events with the same codes are alike
        record = table.groupby(["place", "role", "route"], sort=False).ngroup()
        record = record.to_numpy(dtype=np.int64)
        if record.max() + 1 < len(record):
            first = _first_alike(ev, order, record, counts)
            mine = (first == np.arange(n))[ev]
            ev, order, names = ev[mine], order[mine], names[mine]
            roles, routes = roles[mine], routes[mine]
    codes, distinct = pd.factorize(names)
    resolved: dict[str, str | LookupError] = {}
    for text in distinct:
        try:
            resolved[text] = gazetteer.lookup(text).id
        except LookupError as exc:
            resolved[text] = exc
    found = np.array([resolved[t] for t in distinct], dtype=object)
    ok = np.array([isinstance(v, str) for v in found], dtype=bool)[codes]
    found = found[codes]
    rank = np.array([ROLE_RANK[r] for r in roles], dtype=np.int64)
    unresolved = _unresolved(
        tables.ids, first, ev[~ok], order[~ok], names[~ok], resolved, gazetteer
    )
    refs = pd.DataFrame(
        {
            "ev": ev[ok],
            "order": order[ok],
            "place": pd.Series(found[ok], dtype=object),  # not converted to str
            "role": pd.Series(roles[ok], dtype=object),
            "rank": rank[ok],
            "group": routes[ok],
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
    ids: np.ndarray,
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
                    ids[k],
                    f"places[{i}].place",
                    name,
                    str(resolved[name]),
                    candidates[name],
                )
            )
    return out

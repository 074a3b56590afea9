"""The tabular core: events, their places, their claims and their citations.

Every event of a dataset is a row of :attr:`EventTables.events`; its place
references, claims and citations are rows of the other three tables, tied to it by
``ev`` (the event's position) and kept in the record's order by ``order``. The YAML
records arrive as models (:mod:`mapapp.model`) and are added by :func:`of_events`;
researchers' rows arrive here directly (:mod:`mapapp.rows`), checked column by
column by the same models' field rules (:func:`mapapp.problems.judge`). Geocoding,
selection, validation and the exports read these tables; a page that reads one
event at a time gets it as a model again (:meth:`EventTables.record`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mapapp.model import Citation, Claim, Event, PlaceRef, Record

EVENT_COLUMNS = ("id", "title", "summary", "kind", "when", "date_note", "related")
ORIGIN_COLUMNS = ("file", "line")  # where each event was read
PLACE_COLUMNS = tuple(PlaceRef.model_fields)
CLAIM_COLUMNS = tuple(Claim.model_fields)
CITATION_COLUMNS = tuple(Citation.model_fields)
# the list fields of an event, the table of each and that table's model
LISTS = (
    ("places", PlaceRef, PLACE_COLUMNS),
    ("claims", Claim, CLAIM_COLUMNS),
    ("sources", Citation, CITATION_COLUMNS),
)


def frame(columns: Sequence[str], data: dict[str, Any] | None = None) -> pd.DataFrame:
    """Return a table of object columns (None stays None), empty if no data."""
    data = data or {}
    return pd.DataFrame(
        {
            name: pd.Series(
                data.get(name, []),
                dtype=np.int64 if name in ("ev", "order") else object,
            )
            for name in columns
        }
    )


@dataclass(frozen=True)
class EventTables:
    """Events and what each holds, one table per kind of record.

    Attributes
    ----------
    events : DataFrame
        :data:`EVENT_COLUMNS`: ``when`` holds the parsed date
        (:class:`mapapp.dates.When`), ``related`` a tuple of ids; then
        :data:`ORIGIN_COLUMNS`, the file and line it was read from.
    places, claims, citations : DataFrame
        ``ev`` (the event's row in ``events``), ``order`` (its place in the record's
        list) and the fields of :class:`PlaceRef`, :class:`Claim` and
        :class:`Citation` (a claim's ``as_of`` parsed too).
    """

    events: pd.DataFrame
    places: pd.DataFrame
    claims: pd.DataFrame
    citations: pd.DataFrame

    @classmethod
    def empty(cls) -> EventTables:
        """Return tables with their columns and no rows."""
        return cls(
            frame(EVENT_COLUMNS + ORIGIN_COLUMNS),
            frame(("ev", "order", *PLACE_COLUMNS)),
            frame(("ev", "order", *CLAIM_COLUMNS)),
            frame(("ev", "order", *CITATION_COLUMNS)),
        )

    def __len__(self) -> int:
        return len(self.events)

    @property
    def lists(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The places, claims and citations tables, in :data:`LISTS` order."""
        return self.places, self.claims, self.citations

    @functools.cached_property
    def ids(self) -> np.ndarray:
        """The events' ids, by position."""
        return self.events["id"].to_numpy(dtype=object)

    @functools.cached_property
    def position(self) -> dict[str, int]:
        """Each event's position, by id."""
        out: dict[str, int] = {}
        for i, eid in enumerate(self.ids):
            out.setdefault(eid, i)  # the first of duplicate ids
        return out

    def take(self, positions: Sequence[int] | np.ndarray) -> EventTables:
        """Return the events at these positions, in this order, renumbered."""
        positions = np.asarray(positions, dtype=np.int64)
        new = np.full(len(self), -1, dtype=np.int64)
        new[positions] = np.arange(len(positions))
        parts = []
        for table in self.lists:
            kept = table[new[table["ev"].to_numpy()] >= 0].copy()
            kept["ev"] = new[kept["ev"].to_numpy()]
            parts.append(kept.sort_values(["ev", "order"], kind="stable"))
        events = self.events.iloc[positions].reset_index(drop=True)
        return EventTables(events, *(p.reset_index(drop=True) for p in parts))

    def record(self, i: int) -> Event:
        """Return the event at position ``i`` as its model."""
        if "records" in self.__dict__:  # all of them were made already
            return self.records[i]
        return self._models(i, i + 1)[0]

    def records_at(self, positions: Sequence[int] | np.ndarray) -> tuple[Event, ...]:
        """Return the events at these positions, in this order, as models."""
        if "records" in self.__dict__:
            return tuple(self.records[i] for i in positions)
        return self.take(positions).records

    @functools.cached_property
    def records(self) -> tuple[Event, ...]:
        """Return every event as its model, in order (made once, when asked).

        The rows were checked by the models' own rules as they entered the tables,
        so the models are put together without checking them again.
        """
        return self._models(0, len(self))

    @functools.cached_property
    def _starts(self) -> list[np.ndarray]:
        """Where each event's rows start in the places, claims and citations."""
        return [
            np.searchsorted(t["ev"].to_numpy(), np.arange(len(self) + 1))
            for t in self.lists
        ]

    def _models(self, start: int, stop: int) -> tuple[Event, ...]:
        """Return the events at positions ``start`` to ``stop`` as models."""
        held: list[list[list[Record]]] = []
        for (_, model, columns), table, starts in zip(
            LISTS, self.lists, self._starts, strict=True
        ):
            lo, hi = int(starts[start]), int(starts[stop])
            per_event: list[list[Record]] = [[] for _ in range(stop - start)]
            part = table.iloc[lo:hi]  # sliced first: one event costs its own rows
            values = [part[c].to_numpy(dtype=object).tolist() for c in columns]
            evs = part["ev"].to_numpy().tolist()
            for ev, *row in zip(evs, *values, strict=True):
                fields = dict(zip(columns, row, strict=True))
                per_event[ev - start].append(model.model_construct(**fields))
            held.append(per_event)
        rows = self.events.iloc[start:stop]
        columns = [rows[c].tolist() for c in EVENT_COLUMNS]
        return tuple(
            Event.model_construct(
                id=eid, title=title, summary=summary, kind=kind, when=when,
                date_note=note, related=list(related),
                places=held[0][i], claims=held[1][i], sources=held[2][i],
            )
            for i, (eid, title, summary, kind, when, note, related) in enumerate(
                zip(*columns, strict=True)
            )
        )  # fmt: skip


def of_events(
    events: Sequence[Event],
    files: Sequence[str] | None = None,
    lines: Sequence[int] | None = None,
) -> EventTables:
    """Return the tables of events that are models (records read from YAML).

    ``files`` and ``lines`` say where each event was read (default: nowhere).
    """
    base: dict[str, Any] = {
        name: [getattr(ev, name) for ev in events]
        for name in EVENT_COLUMNS
        if name != "related"
    }
    base["related"] = [tuple(ev.related) for ev in events]
    base["file"] = list(files) if files is not None else ["<input>"] * len(events)
    base["line"] = list(lines) if lines is not None else [None] * len(events)
    lists = []
    for name, _, columns in LISTS:
        rows: dict[str, list[Any]] = {c: [] for c in ("ev", "order", *columns)}
        for i, ev in enumerate(events):
            for k, record in enumerate(getattr(ev, name)):
                rows["ev"].append(i)
                rows["order"].append(k)
                for c in columns:
                    rows[c].append(getattr(record, c))
        lists.append(frame(tuple(rows), rows))
    return EventTables(frame(EVENT_COLUMNS + ORIGIN_COLUMNS, base), *lists)


def concat(parts: Sequence[EventTables]) -> EventTables:
    """Return the events of several tables, one after the other."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return EventTables.empty()
    if len(parts) == 1:
        return parts[0]
    starts = np.cumsum([0] + [len(p) for p in parts[:-1]])
    lists = []
    for k in range(3):
        shifted = []
        for start, part in zip(starts, parts, strict=True):
            table = part.lists[k].copy()
            table["ev"] = table["ev"].to_numpy() + start
            shifted.append(table)
        lists.append(pd.concat(shifted, ignore_index=True))
    events = pd.concat([p.events for p in parts], ignore_index=True)
    return EventTables(events, *lists)


def expand_codes(
    codes: np.ndarray, per_code: list[list[dict[str, Any]]], columns: Sequence[str]
) -> pd.DataFrame:
    """Return a row (``ev``, ``order``, fields) per item of each row's code's list.

    Each code's list is read once, however many rows share it.
    """
    sizes = np.fromiter(map(len, per_code), np.int64, len(per_code))
    starts = np.cumsum(sizes) - sizes
    counts = sizes[codes] if len(codes) else np.array([], dtype=np.int64)
    total = int(counts.sum())
    order = np.arange(total, dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    at = np.repeat(starts[codes], counts) + order if total else order
    flat = [item for items in per_code for item in items]
    data: dict[str, Any] = {
        "ev": np.repeat(np.arange(len(codes), dtype=np.int64), counts),
        "order": order,
    }
    for name in columns:
        column = np.empty(len(flat), dtype=object)
        column[:] = [item.get(name) for item in flat]
        data[name] = column[at]
    return frame(("ev", "order", *columns), data)

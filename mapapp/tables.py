"""The tabular core: events, their places, their claims and their citations.

Every event of a dataset is a row of :attr:`EventTables.events`; its place
references, claims and citations are rows of the other three tables, tied to it by
``ev`` (the event's position) and kept in the record's order by ``order``. The YAML
records arrive as models (:mod:`mapapp.model`) and are added by :func:`of_events`;
researchers' rows arrive here directly (:mod:`mapapp.rows`), checked column by
column by the same models' field rules (:func:`column_adapter`). Geocoding,
selection, validation and the exports read these tables; a page that reads one
event at a time gets it as a model again (:meth:`EventTables.record`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, TypeAdapter

from mapapp.model import Citation, Claim, Event, PlaceRef, Record

EVENT_COLUMNS = ("id", "title", "summary", "kind", "when", "date_note", "related")
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
        (:class:`mapapp.dates.When`), ``related`` a tuple of ids.
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
            frame(EVENT_COLUMNS),
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
        return self.records[i]

    @functools.cached_property
    def records(self) -> tuple[Event, ...]:
        """Return every event as its model, in order (built once, when asked).

        The rows were checked by the models' own rules as they entered the tables,
        so the models are put together without checking them again.
        """
        held: list[list[list[Record]]] = []
        for (_, model, columns), table in zip(LISTS, self.lists, strict=True):
            per_event: list[list[Record]] = [[] for _ in range(len(self))]
            values = [table[c].tolist() for c in columns]
            for ev, *row in zip(table["ev"].tolist(), *values, strict=True):
                fields = dict(zip(columns, row, strict=True))
                per_event[ev].append(model.model_construct(**fields))
            held.append(per_event)
        columns = [self.events[c].tolist() for c in EVENT_COLUMNS]
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


def of_events(events: Sequence[Event]) -> EventTables:
    """Return the tables of events that are models (records read from YAML)."""
    base = {
        name: [getattr(ev, name) for ev in events]
        for name in EVENT_COLUMNS
        if name != "related"
    }
    base["related"] = [tuple(ev.related) for ev in events]
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
    return EventTables(frame(EVENT_COLUMNS, base), *lists)


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


@functools.cache
def column_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """Return the check of a whole column of one field of a model.

    It validates a list of the field's values with the field's own annotation and
    constraints and the model's configuration, so a rule of :mod:`mapapp.model` is
    written once and judges a column of distinct values in one call.
    """
    info = model.model_fields[name]
    one = (
        Annotated[(info.annotation, *info.metadata)]  # type: ignore[valid-type]
        if info.metadata
        else info.annotation
    )
    return TypeAdapter(list[one], config=model.model_config)  # type: ignore[valid-type]

"""A dataset: every record of one load, by id, with where each came from.

It sits above the records (:mod:`mapapp.model`), their tables (:mod:`mapapp.tables`)
and the name index (:mod:`mapapp.gazetteer`), which it builds once for every check
and geocode.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mapapp import tables
from mapapp.gazetteer import Gazetteer
from mapapp.model import Event, Origin, Place, Source
from mapapp.tables import EventTables


@dataclass(frozen=True)
class Dataset:
    """Every record of one load, by id, with where each came from.

    Attributes
    ----------
    tables : EventTables
        The events, in file order (the first of duplicate ids wins; validation
        reports the rest), with their places, claims and citations.
    sources, places : dict
        By id (the first of duplicate ids wins; validation reports the rest).
    texts : dict
        Full text of a source, by source id, where we carry it.
    origins : dict
        ``(category, id) -> (file, {field path: line})`` for messages (the path ``""``
        is the record itself); category is ``event``, ``source`` or ``place``.
    duplicates : tuple
        ``(category, id, file, line)`` of every record whose id was seen before.
    """

    tables: EventTables = field(default_factory=EventTables.empty)
    sources: dict[str, Source] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    duplicates: tuple[tuple[str, str, str, int], ...] = ()

    @classmethod
    def of(cls, events: Sequence[Event] = (), **fields: Any) -> Dataset:
        """Return a dataset of events given as models (and the other fields)."""
        return cls(tables=tables.of_events(events), **fields)

    @property
    def events(self) -> tuple[Event, ...]:
        """The events as models, in order (built from the tables when first asked)."""
        return self.tables.records

    @functools.cached_property
    def gazetteer(self) -> Gazetteer:
        """The places' name index, made once for every check and geocode."""
        return Gazetteer(self.places.values())

    @classmethod
    def from_located(
        cls,
        events: list[tuple[Event, str, dict[str, int]]],
        sources: list[tuple[Source, str, dict[str, int]]],
        places: list[tuple[Place, str, dict[str, int]]],
        texts: dict[str, str],
        imported: Sequence[EventTables] = (),
    ) -> Dataset:
        """Assemble a dataset from records read with their locations.

        ``imported`` are the tables of researchers' files, whose events come after
        the events given as models; their ``file`` and ``line`` columns say where
        each came from.
        """
        origins: dict[tuple[str, str], Origin] = {}
        duplicates: list[tuple[str, str, str, int]] = []
        kept: dict[str, dict[str, Any]] = {"event": {}, "source": {}, "place": {}}
        yaml = tables.of_events(
            [record for record, _, _ in events],
            [label for _, label, _ in events],
            [lines[""] for _, _, lines in events],
        )
        for record, label, lines in events:
            origins.setdefault(("event", record.id), (label, lines))
        every = tables.concat([yaml, *imported])
        ids = every.events["id"]
        twice = ids.duplicated().to_numpy()
        for eid, label, line in zip(
            ids[twice],
            every.events["file"][twice],
            every.events["line"][twice],
            strict=True,
        ):
            duplicates.append(("event", eid, label, line))
        for category, rows in (
            ("source", sources),
            ("place", places),
        ):
            for record, label, lines in rows:
                if record.id in kept[category]:
                    duplicates.append((category, record.id, label, lines[""]))
                    continue
                kept[category][record.id] = record
                origins[(category, record.id)] = (label, lines)
        return cls(
            tables=every.take(np.flatnonzero(~twice)) if twice.any() else every,
            sources=kept["source"],
            places=kept["place"],
            texts=texts,
            origins=origins,
            duplicates=tuple(duplicates),
        )

    def where(
        self, category: str, record_id: str, path: str = ""
    ) -> tuple[str, int | None]:
        """Return the file and line of a record or of one of its fields."""
        origin = self.origins.get((category, record_id))
        if origin is None and category == "event" and record_id in self.tables.position:
            row = self.tables.events.iloc[self.tables.position[record_id]]
            origin = (row["file"], {"": row["line"]})
        label, lines = origin or ("<input>", {})
        while path not in lines and path:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return label, lines.get(path)

    def event(self, event_id: str) -> Event:
        """Return the event with this id (KeyError if there is none)."""
        return self.tables.record(self.tables.position[event_id])

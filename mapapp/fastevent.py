"""Event records built quickly from raw rows, equal to what model validation gives.

Validating one pydantic :class:`~mapapp.model.Event` costs tens of microseconds,
much of it parsing the EDTF date and building the nested records. A large import
repeats the same dates, place references, citations and claims, so here each distinct
nested record and date is validated once, by the models themselves, and events are
assembled with :func:`construct` (what ``model_construct`` gives, faster) after the
top-level rules of ``Event`` are checked: one raw record at a time
(:meth:`EventBuilder.event`) or a whole CSV column by column
(:meth:`EventBuilder.plain`). Anything unusual gives None and the caller validates
the row the ordinary way, which also words the messages. ``tests/test_importer.py``
checks on generated rows that both ways give equal events and reject the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from mapapp.dates import When, parse_edtf
from mapapp.errors import EDTFError
from mapapp.model import EVENT_KINDS, Citation, Claim, Event, PlaceRef

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_FIELDS = frozenset(Event.model_fields)
_KINDS = frozenset(EVENT_KINDS)
_ASCII_SPACE = " \t\n\r\x0b\x0c"
_NEW = Event.__new__
_SET = object.__setattr__


class _Invalid(Exception):
    """A value the fast path does not accept (the slow path will say why)."""


class EventBuilder:
    """Builds events, validating each distinct date and nested record once."""

    def __init__(self) -> None:
        self._dates: dict[tuple[type, Any], When | None] = {}
        self._nested: dict[tuple[type, Any], BaseModel | None] = {}

    def event(self, raw: Mapping[str, Any]) -> Event | None:
        """Return the event a raw record describes, or None to validate it slowly."""
        if not raw.keys() <= _FIELDS:
            return None
        try:
            sources = [self._model(Citation, c) for c in raw.get("sources", ())]
            if not sources or raw.get("kind") not in _KINDS:
                return None
            date_note = raw.get("date_note")
            return construct(
                {
                    "id": _slug(raw.get("id")),
                    "title": _text(raw.get("title")),
                    "summary": _text(raw.get("summary")),
                    "kind": raw["kind"],
                    "when": self._when(raw.get("when")),
                    "date_note": None if date_note is None else _str(date_note),
                    "places": [self._model(PlaceRef, r) for r in _list(raw, "places")],
                    "claims": [self._model(Claim, c) for c in _list(raw, "claims")],
                    "sources": sources,
                    "related": [_slug(r) for r in _list(raw, "related")],
                }
            )
        except (_Invalid, TypeError):
            return None

    def plain(
        self,
        ids: Sequence[Any],
        titles: Sequence[Any],
        summaries: Sequence[Any],
        kinds: Sequence[Any],
        whens: Sequence[When | None],
        places: Sequence[list[PlaceRef] | None],
        claims: Sequence[list[Claim] | None],
        sources: Sequence[list[Citation] | None],
    ) -> list[Event | None]:
        """Return the events of rows with no date note and nothing related.

        Each argument is a column: the cells as written for ids, titles, summaries
        and kinds; dates (see :meth:`when`) and records validated already (once per
        distinct cell, by the caller) for the others. A row gets None where any of
        these is None or invalid: the slow path will word the problem.
        """
        slugs = [
            t if t is not None and len(t) <= 120 and _SLUG.fullmatch(t) else None
            for t in _texts(ids)
        ]
        return [
            None
            if rid is None
            or title is None
            or summary is None
            or kind not in _KINDS
            or when is None
            or where is None
            or not cite
            else construct(
                {
                    "id": rid,
                    "title": title,
                    "summary": summary,
                    "kind": kind,
                    "when": when,
                    "date_note": None,
                    "places": list(where),
                    "claims": list(claim or ()),
                    "sources": list(cite),
                    "related": [],
                }
            )
            for rid, title, summary, kind, when, where, claim, cite in zip(
                slugs,
                _texts(titles),
                _texts(summaries),
                kinds,
                whens,
                places,
                claims,
                sources,
                strict=True,
            )
        ]

    def models(self, model: type[BaseModel], values: list[Any]) -> list[Any] | None:
        """Return the records the dicts describe, or None when one is invalid."""
        try:
            return [self._model(model, value) for value in values]
        except _Invalid:
            return None

    def when(self, value: Any) -> When | None:
        """Return the date a value gives, or None when it is not a valid date."""
        try:
            return self._when(value)
        except _Invalid:
            return None

    def _when(self, value: Any) -> When:
        key = (type(value), value)
        if key not in self._dates:
            try:
                self._dates[key] = (
                    parse_edtf(value) if type(value) in (str, int) else None
                )
            except EDTFError:
                self._dates[key] = None
        when = self._dates[key]
        if when is None:
            raise _Invalid
        return when

    def _model(self, model: type[BaseModel], value: Any) -> Any:
        if type(value) is not dict:
            raise _Invalid
        # the types are part of the key: True == 1 == 1.0, yet they validate apart
        key = (model, tuple(value.items()), tuple(map(type, value.values())))
        if key not in self._nested:
            try:
                self._nested[key] = model.model_validate(value)
            except ValidationError:
                self._nested[key] = None
        record = self._nested[key]
        if record is None:
            raise _Invalid
        return record


def construct(values: dict[str, Any]) -> Event:
    """Return an event of every field's checked value, as ``model_construct`` does.

    ``Event.model_construct`` spends most of its time looking for defaults and
    aliases that a full set of fields does not need (8 µs against 1.5 µs); the
    result is the same object state (``tests/test_importer.py`` compares them).
    """
    event = _NEW(Event)
    _SET(event, "__dict__", values)
    _SET(event, "__pydantic_fields_set__", _FIELDS)
    _SET(event, "__pydantic_extra__", None)
    _SET(event, "__pydantic_private__", None)
    return event


def _texts(values: Sequence[Any]) -> list[str | None]:
    """Return each value stripped as the models strip text, or None.

    None where the value is empty, not text, or has whitespace on which Python and
    pydantic might differ.
    """
    stripped = [v.strip(_ASCII_SPACE) if type(v) is str else "" for v in values]
    return [t if t and t.strip() == t else None for t in stripped]


def _list(raw: Mapping[str, Any], name: str) -> list[Any]:
    value = raw.get(name, [])
    if type(value) is not list:
        raise _Invalid
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _Invalid
    text = value.strip(_ASCII_SPACE)
    if text.strip() != text:  # other whitespace: pydantic and Python differ on some
        raise _Invalid
    return text


def _text(value: Any) -> str:
    text = _str(value)
    if not text:
        raise _Invalid
    return text


def _slug(value: Any) -> str:
    text = _str(value)
    if len(text) > 120 or not _SLUG.fullmatch(text):
        raise _Invalid
    return text

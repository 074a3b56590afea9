"""Event records built quickly from raw rows, equal to what model validation gives.

Validating one pydantic :class:`~mapapp.model.Event` costs tens of microseconds,
much of it parsing the EDTF date and building the nested records. A large import
repeats the same dates, place references, citations and claims, so here each distinct
nested record and date is validated once, by the models themselves, and events are
assembled with ``model_construct`` after the top-level rules of ``Event`` are
checked. Anything unusual gives None and the caller validates the row the ordinary
way, which also words the messages. ``tests/test_importer.py`` checks on generated
rows that both ways give equal events and reject the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from mapapp.dates import When, parse_edtf
from mapapp.errors import EDTFError
from mapapp.model import EVENT_KINDS, Citation, Claim, Event, PlaceRef

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_FIELDS = frozenset(Event.model_fields)
_KINDS = frozenset(EVENT_KINDS)
_ASCII_SPACE = " \t\n\r\x0b\x0c"


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
            return Event.model_construct(
                id=_slug(raw.get("id")),
                title=_text(raw.get("title")),
                summary=_text(raw.get("summary")),
                kind=raw["kind"],
                when=self._when(raw.get("when")),
                date_note=None if date_note is None else _str(date_note),
                places=[self._model(PlaceRef, r) for r in _list(raw, "places")],
                claims=[self._model(Claim, c) for c in _list(raw, "claims")],
                sources=sources,
                related=[_slug(r) for r in _list(raw, "related")],
            )
        except (_Invalid, TypeError):
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

"""The screen as a link: reading and writing the URL's query parameters.

Parameters: ``event`` (an event id), ``from`` and ``to`` (YYYY-MM-DD), ``kind`` and
``grade`` (comma-separated), ``q`` (search text), ``lat``, ``lon``, ``z`` (map view).
A bad value is dropped with a message saying what was wrong; it never stops the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from mapapp.model import EVENT_KINDS, GRADES


@dataclass(frozen=True)
class ViewState:
    """What a link restores: selection, filters and map view."""

    event: str | None = None
    start: date | None = None
    end: date | None = None
    kinds: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    text: str = ""
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None


def _date(name: str, raw: str, notes: list[str]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        notes.append(
            f"link parameter {name}={raw!r} is not a date (expected YYYY-MM-DD)"
        )
        return None


def _number(
    name: str, raw: str, lo: float, hi: float, notes: list[str]
) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        notes.append(
            f"link parameter {name}={raw!r} is not a number from {lo:g} to {hi:g}"
        )
        return None
    return value


def _choices(
    name: str, raw: str, allowed: tuple[str, ...], notes: list[str]
) -> tuple[str, ...]:
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    bad = [v for v in values if v not in allowed]
    if bad:
        notes.append(
            f"link parameter {name}: {', '.join(map(repr, bad))} not known "
            f"(expected some of {', '.join(allowed)})"
        )
    return tuple(v for v in values if v in allowed)


def parse(
    params: Mapping[str, str], event_ids: set[str]
) -> tuple[ViewState, list[str]]:
    """Read a view from query parameters.

    Parameters
    ----------
    params : mapping of str to str
        The query parameters (one value each).
    event_ids : set of str
        The events that exist, to check ``event``.

    Returns
    -------
    state : ViewState
        Everything that could be read.
    notes : list of str
        One message per parameter that was dropped, saying why.
    """
    notes: list[str] = []
    state = ViewState()
    if "event" in params:
        if params["event"] in event_ids:
            state = replace(state, event=params["event"])
        else:
            notes.append(
                f"the link names an event that does not exist: {params['event']!r}"
            )
    if "from" in params:
        state = replace(state, start=_date("from", params["from"], notes))
    if "to" in params:
        state = replace(state, end=_date("to", params["to"], notes))
    if state.start and state.end and state.start > state.end:
        notes.append("link parameters from/to: the window ends before it starts")
        state = replace(state, start=None, end=None)
    if "kind" in params:
        state = replace(
            state, kinds=_choices("kind", params["kind"], EVENT_KINDS, notes)
        )
    if "grade" in params:
        state = replace(state, grades=_choices("grade", params["grade"], GRADES, notes))
    if "q" in params:
        state = replace(state, text=params["q"][:200])
    view = [k for k in ("lat", "lon", "z") if k in params]
    if view:
        lat = _number("lat", params["lat"], -90, 90, notes) if "lat" in params else None
        lon = (
            _number("lon", params["lon"], -180, 180, notes) if "lon" in params else None
        )
        zoom = _number("z", params["z"], 1, 18, notes) if "z" in params else None
        if len(view) < 3:
            missing = " and ".join(k for k in ("lat", "lon", "z") if k not in view)
            notes.append(
                f"link parameters {', '.join(view)}: a view needs lat, lon and z "
                f"together (got no {missing}); the map opens on its overview"
            )
        elif None not in (lat, lon, zoom):
            state = replace(state, lat=lat, lon=lon, zoom=int(zoom))
    return state, notes


def to_params(state: ViewState) -> dict[str, str]:
    """Return the query parameters of a view (defaults left out)."""
    out: dict[str, str] = {}
    if state.event:
        out["event"] = state.event
    if state.start:
        out["from"] = state.start.isoformat()
    if state.end:
        out["to"] = state.end.isoformat()
    if state.kinds:
        out["kind"] = ",".join(state.kinds)
    if state.grades:
        out["grade"] = ",".join(state.grades)
    if state.text:
        out["q"] = state.text
    if state.lat is not None and state.lon is not None and state.zoom is not None:
        out["lat"] = f"{state.lat:.4f}"
        out["lon"] = f"{state.lon:.4f}"
        out["z"] = str(state.zoom)
    return out

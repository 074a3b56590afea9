"""The map page's streamlit-folium component: each distinct map made once.

``st_folium`` turns the base map and every layer into JavaScript text on each run,
about two thirds of the map page's run. That text depends only on the data, the
map's opening view, the events drawn and the selection, so it is made once for
each of these and shared by every session:

- a class opening the app is sent the same map, made once;
- a run that changes nothing on the map (its first report of its view, a filter
  that keeps the same events) sends the very same text, which the component does
  not draw again (it draws its layers again whenever their text changes, and
  folium names each element anew in every run).

What is sent is ``st_folium``'s own work, not a copy of it: the component's
arguments are taken from a call of ``st_folium`` in which the component is not
called (:func:`enable`, once at start-up, lets a thread take them instead).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import streamlit as st
import streamlit_folium

_TAKING = threading.local()


class _Taken(Exception):
    """Carries the arguments ``st_folium`` was about to send its component."""


def enable() -> None:
    """Let a thread take ``st_folium``'s arguments instead of sending them.

    Called once by the entry point. Every other call of ``st_folium`` (the
    present and build pages, other threads) sends its map as before.
    """
    real = streamlit_folium._component_func
    if getattr(real, "takes_arguments", False):
        return

    def component(**kwargs: Any) -> Any:
        if getattr(_TAKING, "on", False):
            raise _Taken(kwargs)
        return real(**kwargs)

    component.takes_arguments = True  # type: ignore[attr-defined]
    streamlit_folium._component_func = component


def _arguments(make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Return what ``st_folium(**make())`` would send its component."""
    if not getattr(streamlit_folium._component_func, "takes_arguments", False):
        raise RuntimeError("map_component.enable() was not called at start-up")
    _TAKING.on = True
    try:
        streamlit_folium.st_folium(**make())
    except _Taken as taken:
        return taken.args[0]
    finally:
        _TAKING.on = False
    raise RuntimeError("st_folium sent its component nothing")


@st.cache_resource(max_entries=64, show_spinner=False)
def _cached(key: tuple, _make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Return the component's arguments for the map ``key`` names (made once)."""
    return _arguments(_make)


def show(
    key: tuple,
    make: Callable[[], dict[str, Any]],
    center: tuple[float, float],
    zoom: int,
) -> Any:
    """Send the map that ``make()`` gives ``st_folium`` the arguments of.

    Parameters
    ----------
    key : tuple
        Names everything the map's text depends on (ids by
        :func:`app_pages.loaded.digest`); maps of
        one key are made once for every session.
    make : callable
        Returns ``st_folium``'s keyword arguments (the map, its layers, ...).
    center, zoom
        Where the map is sent (they change no text: the component moves the map).

    Returns
    -------
    The component's value, as ``st_folium`` returns it.
    """
    arguments = {**_cached(key, make), "center": center, "zoom": zoom}
    return streamlit_folium._component_func(**arguments)


# What a map reports of clicks, for every map that selects an event by a click.
CLICK_OBJECTS = ["last_active_drawing", "last_object_clicked_count"]


def new_click(
    value: dict[str, Any] | None, seen_key: str
) -> tuple[str, dict[str, Any]] | None:
    """Return the event a map's value reports a new click on, and its geometry.

    A click is new when the map's count of clicks has changed since the value seen
    last (kept under ``seen_key`` in the session): a second click on the marker
    clicked last reports the same drawing, after another event was chosen
    elsewhere. A new map counts from 0 again. ``value`` is ``st_folium``'s, with
    :data:`CLICK_OBJECTS` among its ``returned_objects``.
    """
    value = value or {}
    count = value.get("last_object_clicked_count") or 0
    seen, st.session_state[seen_key] = st.session_state.get(seen_key), count
    if count in (0, seen):
        return None
    drawing = value.get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    clicked = props.get("id") or props.get("event")
    return (clicked, drawing.get("geometry") or {}) if clicked else None

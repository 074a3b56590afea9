"""The map page's state: the date window, the selection, the callbacks setting them."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import shapely
import streamlit as st

from app_pages import nav
from app_pages.loaded import Loaded, current
from mapapp import (
    eventlayers,
    mapview,
    timeline,
    urlstate,
)
from mapapp.detail import md_escape

STORY = (date(1962, 1, 1), date(1962, 12, 31))


WHOLE_SPAN = "_whole_span"  # the date slider spans all the data, not only 1962


def span(loaded: Loaded) -> tuple[date, date]:
    """Return the data's date span, at least two days wide (for the slider)."""
    lo, hi = loaded.span
    if lo == hi:
        lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)
    return lo, hi


def default_window(loaded: Loaded) -> tuple[date, date]:
    """Return the date window of a link that names none: the story's, in the data.

    The address leaves this window out, so that the page's own address for a link
    it was given differs from it only in the map's view (not a step of the history).
    """
    lo, hi = span(loaded)
    return max(lo, STORY[0]), min(hi, STORY[1])


FILTERS = ("f_window", "f_kinds", "f_grades", "f_text")  # set by show_link


def init_state(loaded: Loaded) -> None:
    """Fill the widgets' state from the link, once per session.

    Later in the session, a link followed to this page (an "Events citing it" link)
    is told apart from the address this page wrote itself: its event is selected,
    and the rest of the view is kept. Back and Forward bring an address the page
    wrote earlier with no widget asking for the run: the view it names is shown
    again, also when it was written before a reload (by an earlier session). Back
    from another page to the address this page wrote last brings the map back to
    where it was left.
    """
    # A page change that overtakes the first run (a click in the menu as the map
    # loads) can leave the session marked but its filters never kept: start again.
    if not st.session_state.get("_init") or any(
        key not in st.session_state for key in FILTERS
    ):
        st.session_state.update(_init=True, _click_count=None)
        show_link(loaded, st.query_params.to_dict())
        return
    params = st.query_params.to_dict()
    written = nav.wrote_link("map", params)
    if not written and not (nav.arrived() or nav.run_interacted()):
        # Back or Forward to an address this page wrote before a reload (another
        # session): show what it names, as Back within a session does
        show_link(loaded, params)
    elif not written:
        wanted = params.get("event")
        if wanted in loaded.events.index:
            select_event(wanted, loaded)
        elif wanted:
            st.warning(
                f"The link names an event that is not in the data shown: "
                f"{md_escape(wanted)!r}."
            )
    elif nav.came_back("map", params):
        show_link(loaded, params)
    elif nav.arrived():
        # back from another page to this page's own address: the map is drawn anew,
        # where it was left (a pan, or the pan that showed a popup), not where the
        # app last sent it
        send_map(st.session_state.view)


def show_link(loaded: Loaded, params: dict[str, str]) -> None:
    """Set the filters, the selection and the map's view that a link names.

    What the link does not name takes its default (the story's window, all kinds and
    grades, no search, the map's overview); what it names badly is noted for the
    page to say.
    """
    lo, hi = span(loaded)
    state, notes = urlstate.parse(params, {ev.id for ev in loaded.data.events})
    first, last = default_window(loaded)
    start = max(lo, state.start) if state.start else first
    end = min(hi, state.end) if state.end else last
    st.session_state.update(
        _notes=notes,
        f_window=(start, end) if start <= end else (lo, hi),
        f_kinds=list(state.kinds),
        f_grades=list(state.grades),
        f_text=state.text,
        selected=state.event,
    )
    send_map(
        (state.lat, state.lon, state.zoom)
        if state.zoom
        else (*mapview.CENTER, mapview.ZOOM)
    )
    if state.event and not state.zoom:
        select_event(state.event, loaded)  # a link to an event centres the map on it


def follow_data(loaded: Loaded) -> None:
    """Fit the date window and the selection to the data when it has changed.

    The data changes when the researcher loads or removes a file on the data page;
    the window is widened to hold the new events, and a selection that no longer
    exists is dropped.
    """
    seen = st.session_state.get("_data_token")
    st.session_state._data_token = loaded.token
    if seen is None or seen == loaded.token:
        return
    lo, hi = span(loaded)
    start, end = st.session_state.f_window
    if not (lo <= start <= hi and lo <= end <= hi) or loaded.user is not None:
        st.session_state.f_window = (lo, hi)
    if st.session_state.selected not in loaded.events.index:
        st.session_state.selected = None


def set_window(start: date, end: date) -> None:
    """Set the date window; the slider zooms to 1962 again if the window is in it."""
    st.session_state.f_window = (start, end)
    st.session_state[WHOLE_SPAN] = False


def whole_span(on: bool) -> None:
    """Let the date slider span all the data (True) or 1962 only (False)."""
    st.session_state[WHOLE_SPAN] = on


def slider_bounds(loaded: Loaded) -> tuple[date, date]:
    """Return the date slider's own first and last day.

    The slider spans the story (1962) while the window lies in it, so that a window
    of days can be dragged; it spans the data's dates when asked (``WHOLE_SPAN``)
    or when the window reaches outside 1962 (a link, "All", a researcher's file).
    """
    lo, hi = span(loaded)
    story = (max(lo, STORY[0]), min(hi, STORY[1]))
    start, end = st.session_state.f_window
    if (
        story[0] < story[1]
        and story[0] <= start <= end <= story[1]
        and not st.session_state.get(WHOLE_SPAN)
    ):
        return story
    return lo, hi


# Far less than Leaflet's zoom step (zoomSnap 1): the map snaps to the whole zoom.
ZOOM_NUDGE = 1e-6


def send_map(view: tuple[float, float, int]) -> None:
    """Send the map to ``view`` (lat, lon, zoom), and show it in the address bar.

    "view" is where the map is (reported back by it, for the URL); "target" is where
    the app last sent it. Only a new target moves the map: echoing the reported view
    back would make the map and the app chase each other's rounding. st_folium moves
    the map only when the centre it is given changes, so a target equal to the last
    one (the map moved by hand since) is made to differ, by far less than a pixel.
    It sets the zoom only when the zoom it is given changes: a zoom equal to the last
    target's (the map zoomed by hand since: Back to an event seen at zoom 7 left the
    map at 8) is made to differ by :data:`ZOOM_NUDGE`, which Leaflet rounds away.
    """
    st.session_state.view = view
    lat, lon, zoom = view
    last = st.session_state.get("target")
    if last == (lat, lon, zoom):
        lat += 1e-7
    if last is not None and last[2] == zoom:
        zoom += ZOOM_NUDGE  # type: ignore[assignment]
    st.session_state.target = (lat, lon, zoom)


def clicked_place(loaded: Loaded, ids: list[str]) -> list[str]:
    """Return the events of ``ids`` drawn where the map was last clicked.

    Those whose markers overlap the clicked one at the map's zoom count
    (:func:`mapapp.eventlayers.drawn_at`); none when the selection did not come from
    a click on the map.
    """
    at = st.session_state.get("_click_at")
    if not at:
        return []
    return eventlayers.drawn_at(loaded.drawable, *at, ids, st.session_state.view[2])


def same_place(loaded: Loaded, selected: str, ids: list[str]) -> list[str]:
    """Return the other events of ``ids`` drawn where the selected event is.

    The place is where the map was clicked, when that click selected the event (an
    event drawn at several places is listed with the events at the place clicked);
    otherwise the event's own point (a link, a reload, a choice from a list). Either
    way one rule counts an event: a marker of it overlaps that place at the map's
    zoom (:func:`mapapp.eventlayers.drawn_at`).
    """
    here = clicked_place(loaded, ids)
    if selected not in here:
        points = loaded.drawable.points
        if selected not in points.index:
            return []
        lon, lat = points.loc[selected, ["lon", "lat"]].to_numpy(dtype=float)
        zoom = st.session_state.view[2]
        here = eventlayers.drawn_at(loaded.drawable, lon, lat, ids, zoom)
    return [i for i in here if i != selected]


def select_event(event_id: str | None, loaded: Loaded, fly: bool = True) -> None:
    """Select an event and, when it is on the frontier map, centre the map on it.

    The place of a click on the map is kept only while it holds the selection (a
    click on the map sets it again after this; see ``map_page._same_point``).
    """
    if event_id != st.session_state.selected and event_id not in clicked_place(
        loaded, [event_id]
    ):
        st.session_state._click_at = None
    st.session_state.selected = event_id
    if not (fly and event_id and event_id in loaded.events.index):
        return
    row = loaded.events.loc[event_id]
    if row["located"] and not row["far"]:
        point = shapely.centroid(row.geometry)
        zoom = max(st.session_state.view[2], 7)
        send_map((round(point.y, 4), round(point.x, 4), zoom))


def on_timeline(key: str = "timeline") -> None:
    """Apply a brushed window or a clicked event from the timeline chart ``key``."""
    selection = (st.session_state.get(key) or {}).get("selection", {})
    brushed = selection.get(timeline.WINDOW) or {}
    brush = brushed.get("start")
    if brush and len(brush) == 2:
        first, last = (pd.Timestamp(v, unit="ms").date() for v in brush)
        lo, hi = span(current())
        st.session_state.f_window = (max(lo, first), min(hi, last))
    picked = selection.get(timeline.PICK) or []
    if picked and picked[0].get("id"):
        select_event(picked[0]["id"], current())


def on_list() -> None:
    """Select the event of the row chosen in the event list."""
    rows = st.session_state.get("event_list", {}).get("selection", {}).get("rows", [])
    ids = st.session_state.get("_list_ids", [])
    if rows and rows[0] < len(ids):
        select_event(ids[rows[0]], current())


def event_button(loaded: Loaded, event_id: str, group: str) -> None:
    """Draw a one-line button (date — title) that selects an event."""
    ev = loaded.by_id[event_id]
    st.button(
        md_escape(f"{ev.when.human()} — {ev.title}"),
        key=f"{group}-{event_id}",
        on_click=nav.guarded(select_event),
        args=(event_id, loaded, False),
        type="tertiary",
    )

"""The main page: filters, the map, the event detail, the timelines and the list."""

from __future__ import annotations

import functools
import hashlib
from datetime import date, timedelta

import folium
import numpy as np
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from app_pages import nav
from app_pages.loaded import Loaded, base_map, current, data_token
from mapapp import (
    claimsymbols,
    density,
    detail,
    eventlayers,
    export,
    mapview,
    meta,
    timeline,
    urlstate,
)
from mapapp.detail import count, md_escape
from mapapp.model import EVENT_KINDS, GRADE_MEANING, GRADES
from mapapp.select import Selection, select
from mapapp.style import KIND_LABELS

STORY = (date(1962, 1, 1), date(1962, 12, 31))
WHOLE_SPAN = "_whole_span"  # the date slider spans all the data, not only 1962
LIST_LIMIT = 1_000  # rows of the event list (all of them are in the downloads)
INTRO = (
    "In spring 1962 tens of thousands of people, most of them Kazakhs and Uyghurs, "
    "left the Ili and Tacheng areas of Xinjiang for the Soviet Kazakh SSR. Each mark "
    "on "
    "the map is a dated event from the documents; select one to read what happened, "
    "who says so, and the source itself. Figures are shown with who claimed them: the "
    "Soviet and Chinese governments did not agree."
)


def _span(loaded: Loaded) -> tuple[date, date]:
    """Return the data's date span, at least two days wide (for the slider)."""
    lo, hi = loaded.span
    if lo == hi:
        lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)
    return lo, hi


def _init_state(loaded: Loaded) -> None:
    """Fill the widgets' state from the link, once per session.

    Later in the session, a link followed to this page (an "Events citing it" link,
    a link pasted in the address bar) is told apart from the address this page wrote
    itself: its event is selected, and the rest of the view is kept.
    """
    if st.session_state.get("_init"):
        params = st.query_params.to_dict()
        if not nav.wrote_link("map", params):
            wanted = params.get("event")
            if wanted in loaded.events.index:
                _select(wanted, loaded)
            elif wanted:
                st.warning(
                    f"The link names an event that is not in the data shown: "
                    f"{md_escape(wanted)!r}."
                )
        return
    lo, hi = _span(loaded)
    state, notes = urlstate.parse(
        st.query_params.to_dict(), {ev.id for ev in loaded.data.events}
    )
    start = max(lo, state.start or STORY[0])
    end = min(hi, state.end or STORY[1])
    st.session_state.update(
        _init=True,
        _notes=notes,
        f_window=(start, end) if start <= end else (lo, hi),
        f_kinds=list(state.kinds),
        f_grades=list(state.grades),
        f_text=state.text,
        selected=state.event,
        view=(state.lat, state.lon, state.zoom)
        if state.zoom
        else (*mapview.CENTER, mapview.ZOOM),
        _last_click=None,
    )
    # "view" is where the map is (reported back by it, for the URL); "target" is
    # where the app last sent it. Only a new target moves the map: echoing the
    # reported view back would make the map and the app chase each other's rounding.
    st.session_state.target = st.session_state.view
    if state.event and not state.zoom:
        _select(state.event, loaded)  # a link to an event centres the map on it


def _follow_data(loaded: Loaded) -> None:
    """Fit the date window and the selection to the data when it has changed.

    The data changes when the researcher loads or removes a file on the data page;
    the window is widened to hold the new events, and a selection that no longer
    exists is dropped.
    """
    seen = st.session_state.get("_data_token")
    st.session_state._data_token = loaded.token
    if seen is None or seen == loaded.token:
        return
    lo, hi = _span(loaded)
    start, end = st.session_state.f_window
    if not (lo <= start <= hi and lo <= end <= hi) or loaded.user is not None:
        st.session_state.f_window = (lo, hi)
    if st.session_state.selected not in loaded.events.index:
        st.session_state.selected = None


def _user_banner(loaded: Loaded) -> None:
    user = loaded.user
    how = "instead of" if user.replace else "beside"
    left_out = len({p.line for p in user.rejected})
    st.info(
        f"Showing {count(len(user.accepted), 'event')} from your file "
        f"{md_escape(user.label)} {how} the bundled events"
        + (f"; {count(left_out, 'row')} left out" if left_out else "")
        + ".",
        icon=":material/upload_file:",
    )
    st.page_link(
        nav.data_page(),
        label="Your data: the report, or back to the bundled events only",
        icon=":material/arrow_back:",
    )


def _set_window(start: date, end: date) -> None:
    """Set the date window; the slider zooms to 1962 again if the window is in it."""
    st.session_state.f_window = (start, end)
    st.session_state[WHOLE_SPAN] = False


def _whole_span(on: bool) -> None:
    st.session_state[WHOLE_SPAN] = on


def _slider_bounds(loaded: Loaded) -> tuple[date, date]:
    """Return the date slider's own first and last day.

    The slider spans the story (1962) while the window lies in it, so that a window
    of days can be dragged; it spans the data's dates when asked (``WHOLE_SPAN``)
    or when the window reaches outside 1962 (a link, "All", a researcher's file).
    """
    lo, hi = _span(loaded)
    story = (max(lo, STORY[0]), min(hi, STORY[1]))
    start, end = st.session_state.f_window
    if (
        story[0] < story[1]
        and story[0] <= start <= end <= story[1]
        and not st.session_state.get(WHOLE_SPAN)
    ):
        return story
    return lo, hi


def _select(event_id: str | None, loaded: Loaded, fly: bool = True) -> None:
    """Select an event and, when it is on the frontier map, centre the map on it."""
    st.session_state.selected = event_id
    if not (fly and event_id and event_id in loaded.events.index):
        return
    row = loaded.events.loc[event_id]
    if row["located"] and not row["far"]:
        point = shapely.centroid(row.geometry)
        zoom = max(st.session_state.view[2], 7)
        st.session_state.view = (round(point.y, 4), round(point.x, 4), zoom)
        st.session_state.target = st.session_state.view


def _on_timeline(key: str = "timeline") -> None:
    """Apply a brushed window or a clicked event from the timeline chart ``key``."""
    selection = (st.session_state.get(key) or {}).get("selection", {})
    brushed = selection.get(timeline.WINDOW) or {}
    span = brushed.get("start")
    if span and len(span) == 2:
        first, last = (pd.Timestamp(v, unit="ms").date() for v in span)
        lo, hi = _span(current())
        st.session_state.f_window = (max(lo, first), min(hi, last))
    picked = selection.get(timeline.PICK) or []
    if picked and picked[0].get("id"):
        _select(picked[0]["id"], current())


def _on_list() -> None:
    rows = st.session_state.get("event_list", {}).get("selection", {}).get("rows", [])
    ids = st.session_state.get("_list_ids", [])
    if rows and rows[0] < len(ids):
        _select(ids[rows[0]], current())


def _sidebar(loaded: Loaded) -> Selection:
    lo, hi = _span(loaded)
    first, last = _slider_bounds(loaded)
    with st.sidebar:
        st.header("Filter")
        st.slider(
            "Dates",
            min_value=first,
            max_value=last,
            key="f_window",
            format="D MMM YYYY",
            help="Events are kept when any day they may mean lies in the window.",
        )
        start, end = st.session_state.f_window
        if (first, last) != (lo, hi):
            st.button(
                f"Whole span ({lo.year}–{hi.year})",
                on_click=_whole_span,
                args=(True,),
                type="tertiary",
                icon=":material/unfold_more:",
                help=f"The slider shows {first.year}; let it reach every date of the "
                "data.",
            )
        elif st.session_state.get(WHOLE_SPAN) and STORY[0] <= start <= end <= STORY[1]:
            st.button(
                "Zoom to 1962",
                on_click=_whole_span,
                args=(False,),
                type="tertiary",
                icon=":material/unfold_less:",
                help="Let the slider show 1962 only, to drag a window of days.",
            )
        # buttons as wide as their words (three equal columns cut "Spring" short)
        with st.container(horizontal=True, gap="small"):
            st.button(
                "Spring",
                help="March to June 1962",
                on_click=_set_window,
                args=(date(1962, 3, 1), date(1962, 6, 30)),
            )
            st.button("1962", on_click=_set_window, args=STORY)
            st.button(
                "All",
                on_click=_set_window,
                args=(lo, hi),
                help="Every date of the data",
            )
        st.multiselect(
            "Kinds of event",
            EVENT_KINDS,
            key="f_kinds",
            format_func=KIND_LABELS.get,
            placeholder="All kinds",
        )
        st.multiselect(
            "Source reliability",
            GRADES,
            key="f_grades",
            format_func=lambda g: f"{g}: {GRADE_MEANING[g]}",
            placeholder="All grades",
            help="Keep events citing at least one source of these grades.",
        )
        st.text_input(
            "Search",
            key="f_text",
            placeholder="e.g. Кульджа, Khorgos, memorandum",
            help="Matches titles, summaries and every name of every place, in any "
            "script.",
        )
    start, end = st.session_state.f_window
    return Selection(
        start=start,
        end=end,
        kinds=tuple(st.session_state.f_kinds),
        grades=tuple(st.session_state.f_grades),
        text=st.session_state.f_text,
    )


def _map(loaded: Loaded, ids: list[str]) -> None:
    bounds, zoom = _reported_view()
    plan = density.plan(loaded.drawable.points, ids, bounds, zoom)
    groups = eventlayers.event_groups(
        loaded.drawable, plan.detailed, st.session_state.selected
    )
    shown = loaded.events.loc[plan.detailed]
    # drawn first, so the wide translucent circles lie under the events they are
    # about and never take an event's click (their tooltips still show around it)
    claims = claimsymbols.claim_symbols(claimsymbols.claims_frame(loaded.data, shown))
    groups.insert(0, claims)
    if plan.counted:
        groups.insert(0, density.cell_layer(plan.cells))
    lat, lon, zoom = st.session_state.target
    out = st_folium(
        base_map(),
        key="map",
        height=560,
        use_container_width=True,
        center=(lat, lon),
        zoom=zoom,
        feature_group_to_add=groups,
        layer_control=folium.LayerControl(collapsed=True),
        returned_objects=["last_active_drawing", "center", "zoom", "bounds"],
        on_change=_on_map,
    )
    if plan.counted:
        st.caption(
            f"{plan.counted:,} events are too many to draw one by one: grey circles "
            "count them per area. Zoom in (at most "
            f"{density.DETAIL_LIMIT:,} in view) or narrow the filter to see each."
        )
    elif plan.outside:
        st.caption(
            f"Showing the {len(plan.detailed):,} events in view; move the map to "
            f"see the {plan.outside:,} others."
        )
    if not out:
        return
    if out.get("center") and out.get("zoom"):
        c = out["center"]
        st.session_state.view = (
            round(c["lat"], 4),
            round(c["lng"], 4),
            int(out["zoom"]),
        )


def _on_map() -> None:
    """Select the event a click on the map reported, before the run it starts.

    Done in the callback, the click needs one run; read from the map's value in the
    run, it needed a second run to show the selection.
    """
    drawing = (st.session_state.get("map") or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    clicked = props.get("id") or props.get("event")
    if not clicked or clicked == st.session_state.get("_last_click"):
        return
    st.session_state._last_click = clicked
    loaded = current()
    if clicked in loaded.events.index and clicked != st.session_state.selected:
        _select(clicked, loaded, fly=False)


def _reported_view() -> tuple[tuple | None, int]:
    """Return the bounds and zoom the map last reported (this run's, not stale).

    The map's value in the session state is updated before the run it triggers, so
    the events are planned for the view the user is looking at now.
    """
    value = st.session_state.get("map") or {}
    zoom = value.get("zoom") or st.session_state.view[2]
    b = value.get("bounds") or {}
    sw, ne = b.get("_southWest") or {}, b.get("_northEast") or {}
    if None in (sw.get("lat"), sw.get("lng"), ne.get("lat"), ne.get("lng")):
        return None, int(zoom)
    return ((sw["lat"], sw["lng"]), (ne["lat"], ne["lng"])), int(zoom)


def _detail(loaded: Loaded, ids: list[str]) -> None:
    selected = st.session_state.selected
    if not selected:
        st.info(
            "Select an event on the map, on the timeline or in the list below to read "
            "what happened, who says so, and the documents. With a keyboard: Tab to "
            "the list of events below the map, move to a row with the arrow keys, "
            "and press Shift+Space to select it."
        )
        return
    d = detail.event_detail(loaded.data, selected, loaded.located.places)
    st.subheader(md_escape(d.title), anchor=False)
    st.markdown(f"**{md_escape(d.date)}** · {md_escape(KIND_LABELS[d.kind])}")
    if selected not in ids:
        st.caption("This event is outside the current filters.")
    _same_point(loaded, selected, ids)
    st.markdown(md_escape(d.summary))
    if d.date_note:
        st.warning("**About the date:** " + md_escape(d.date_note))
    if d.places:
        st.markdown("**Places**")
        for p in d.places:
            side = (
                f"{p.side} side, {p.distance_km:.0f} km from the 1962 line"
                if p.side
                else (
                    f"{p.distance_km:.0f} km from the 1962 line"
                    if p.distance_km is not None
                    else ""
                )
            )
            names = f" — also {', '.join(p.other_names)}" if p.other_names else ""
            if p.written:
                names = f" (written “{p.written}”, matched to this place){names}"
            vague = "" if p.precision == "exact" else f" (location {p.precision})"
            st.markdown(
                md_escape(
                    f"{detail.ROLE_WORDS[p.role]} {p.label}{names}. {side}{vague}"
                )
            )
    if d.claims:
        st.markdown("**Figures, and who claims them**")
        for c in d.claims:
            flag = " — unverified" if c.unverified else ""
            st.markdown(
                md_escape(
                    f"{c.figure} {c.quantity}: {c.scope}. Claimed by {c.claimant} "
                    f"(source grade {c.grade}){flag}."
                )
            )
    st.markdown("**Sources**")
    for s in d.sources:
        with st.container(border=True):
            st.markdown(
                f"**{md_escape(s.citation)}**  \n"
                f"Grade {s.grade}: {md_escape(s.grade_meaning)}"
                + (f" · {md_escape(s.locator)}" if s.locator else "")
            )
            if s.quote:
                st.markdown(f"> “{md_escape(s.quote)}”")
            if s.note:
                st.caption(md_escape(s.note))
            st.page_link(
                nav.source_page(),
                label="Read the source" + (" (full text)" if s.has_text else ""),
                query_params={"source": s.source},
            )
    if d.related:
        st.markdown("**Related events**")
        for rid, title in d.related:
            st.button(
                md_escape(title),
                key=f"rel-{rid}",
                on_click=_select,
                args=(rid, loaded),
                type="tertiary",
            )


def _same_point(loaded: Loaded, selected: str, ids: list[str]) -> None:
    """List the other events drawn on the selected event's point, to choose one."""
    others = eventlayers.colocated(loaded.drawable.points, selected, ids)
    if not others:
        return
    with st.expander(
        f"{count(len(others), 'other event')} on the same point of the map",
        expanded=True,
    ):
        for eid in others:
            _event_button(loaded, eid, "same")


def _event_button(loaded: Loaded, event_id: str, group: str) -> None:
    """Draw a one-line button (date — title) that selects an event."""
    ev = loaded.by_id[event_id]
    st.button(
        md_escape(f"{ev.when.human()} — {ev.title}"),
        key=f"{group}-{event_id}",
        on_click=_select,
        args=(event_id, loaded, False),
        type="tertiary",
    )


def _scroll_to_detail() -> None:
    """Bring the detail into view after a new selection, when it is out of view.

    On a phone the detail sits below the map; on a wide screen it may be above the
    list or the far-events list where the choice was made.
    """
    selected = st.session_state.selected
    if not selected or st.session_state.get("_scrolled_to") == selected:
        return
    st.session_state._scrolled_to = selected
    st.html(SCROLL_JS, unsafe_allow_javascript=True)


def _counted(ids: list[str]) -> bool:
    """Whether the timeline counts events per week (one bar each: megabytes)."""
    return len(ids) > density.DETAIL_LIMIT


def _timeline_spec(
    token: str, ids: list[str], selected: str | None, start: date, end: date
) -> dict:
    """Return the timeline's Vega-Lite spec, cached by data, ids, selection, window.

    The ids are keyed by their digest: Streamlit's own hashing of a long tuple of
    strings took seconds for tens of thousands of events.
    """
    digest = hashlib.blake2b("\n".join(ids).encode(), digest_size=16).hexdigest()
    return _cached_timeline_spec(token, digest, selected, start, end, _ids=ids)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_timeline_spec(
    token: str,
    digest: str,
    selected: str | None,
    start: date,
    end: date,
    _ids: list[str],
) -> dict:
    """Build the spec (``token`` names the data, ``digest`` the ids)."""
    frame = timeline.timeline_frame(current().data, _ids, selected)
    if _counted(_ids):
        spec = timeline.counts_chart(frame, start, end).to_dict(validate=False)
    else:
        spec = timeline.timeline_spec(frame, start, end)
    return _accessible(spec, TIMELINE_TEXT)


TIMELINE_TEXT = (
    "Timeline of the events shown, one lane per kind of event. The list of events "
    "below the charts gives the same events as text."
)


def _accessible(spec: dict, text: str) -> dict:
    """Draw a chart on a canvas, named for screen readers by its description.

    Vega's SVG marks (the brush among them) are graphics without text to assistive
    technologies; on a canvas only the chart's accessible name is exposed, and the
    event list below is its text alternative.
    """
    spec = dict(spec)
    spec["description"] = text
    usermeta = dict(spec.get("usermeta", {}))
    usermeta["embedOptions"] = {
        **usermeta.get("embedOptions", {}),
        "renderer": "canvas",
    }
    spec["usermeta"] = usermeta
    return spec


@st.cache_data(show_spinner=False, max_entries=64)
def _claims_spec(token: str, selected: str | None) -> dict:
    """Return the spec of the competing figures (per dataset shown and selection)."""
    frame = timeline.claims_frame(current().data, selected)
    return _accessible(
        timeline.claims_chart(frame).to_dict(validate=False), CLAIMS_TEXT
    )


CLAIMS_TEXT = (
    "Chart of the figures claimed for the people who crossed, by claimant and date, "
    "on a log scale. Each event's detail gives the same figures as text."
)


def _on_claims(key: str = "claims") -> None:
    """Select the event of a figure clicked on the chart of competing figures."""
    selection = (st.session_state.get(key) or {}).get("selection", {})
    picked = selection.get(timeline.CLAIM) or []
    if picked and picked[0].get("event"):
        _select(picked[0]["event"], current())


def _timelines(loaded: Loaded, ids: list[str], sel: Selection) -> None:
    # Keyed and tracked: the open tab stays open when a selection adds elements
    # above the tabs (which made an untracked tab set a new one, back on its first).
    tab1, tab2 = st.tabs(
        ["Timeline of events", "Who says how many crossed"],
        key="chart_tab",
        on_change="rerun",
    )
    with tab1:
        spec = _timeline_spec(
            loaded.token, ids, st.session_state.selected, sel.start, sel.end
        )
        counts = _counted(ids)
        key = "timeline-counts" if counts else "timeline"
        st.vega_lite_chart(
            spec,
            width="stretch",
            key=key,
            on_select=functools.partial(_on_timeline, key),
            selection_mode=[timeline.WINDOW]
            if counts
            else [timeline.WINDOW, timeline.PICK],
        )  # its accessible name is the spec's description (see _accessible)
        if counts:
            st.caption(
                f"{len(ids):,} events are too many to draw one by one: the bars count "
                "them per week and kind (by the first day each may mean). Drag "
                "across the chart to narrow the dates."
            )
        else:
            st.caption(
                "Bars span every day a date may mean: a month-precision date spans "
                "the month, an interval its range; pale dashed bars are approximate "
                "or uncertain dates. Drag across the chart to narrow the dates."
            )
    with tab2:
        st.vega_lite_chart(
            _claims_spec(loaded.token, st.session_state.selected),
            width="stretch",
            key="claims",
            on_select=_on_claims,
            selection_mode=[timeline.CLAIM],
        )
        st.caption(
            "Each mark is one claimant's figure, at the date it runs to; a line joins "
            "a claimant's running totals of people who had crossed. Triangles count "
            "people who took part in the flight, not people who crossed. The y axis "
            "is a log scale: each step up multiplies. The figures disagree; none is "
            "shown as the true one. Hover for the scope and the source; click a mark "
            "to open its event."
        )


def _event_list(loaded: Loaded, ids: list[str]) -> None:
    by_id = loaded.by_id
    total = len(ids)
    ids = ids[:LIST_LIMIT]
    where = loaded.events.loc[ids, ["far", "located"]]
    rows = pd.DataFrame(
        {
            "Date": [by_id[i].when.human() for i in ids],
            "Event": [by_id[i].title for i in ids],
            "Kind": [KIND_LABELS[by_id[i].kind] for i in ids],
            "Where": np.where(
                where["far"].to_numpy(dtype=bool),
                "far from the frontier (see list)",
                np.where(
                    where["located"].to_numpy(dtype=bool), "on the map", "not located"
                ),
            ),
            "Sources": [len(by_id[i].sources) for i in ids],
        }
    )
    st.session_state._list_ids = ids
    st.subheader(f"Events ({total:,} shown)", anchor=False)
    if total > LIST_LIMIT:
        st.caption(
            f"The list holds the first {LIST_LIMIT:,} of them; narrow the "
            "filter, or download them all below."
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="event_list",
        on_select=_on_list,
        selection_mode="single-row",
    )


def _downloads(loaded: Loaded, ids: list[str], sel: Selection) -> None:
    """Offer the current selection as GeoJSON, CSV and GeoPackage (built on click)."""
    filters = {
        "from": sel.start.isoformat() if sel.start else None,
        "to": sel.end.isoformat() if sel.end else None,
        "kinds": list(sel.kinds),
        "grades": list(sel.grades),
        "q": sel.text,
        "events": _data_name(loaded),
        "events_selected": len(ids),
    }
    chosen = list(ids)
    frame = export.Frame(loaded.layers.border, loaded.layers.zones)

    def build(fmt: str):
        return lambda: export.build(
            fmt, loaded.data, loaded.located, chosen, meta.metadata(filters), frame
        )

    st.caption(
        f"Download the {len(ids)} events shown, with every claim and citation "
        "(the filters are recorded in the file's metadata):"
    )
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "GeoJSON",
        build("geojson"),
        "yita-1962-events.geojson",
        "application/geo+json",
        on_click="ignore",
        key="dl-geojson",
    )
    c2.download_button(
        "CSV",
        build("csv"),
        "yita-1962-events.csv",
        "text/csv",
        on_click="ignore",
        key="dl-csv",
    )
    c3.download_button(
        "GeoPackage",
        build("gpkg"),
        "yita-1962-events.gpkg",
        "application/geopackage+sqlite3",
        on_click="ignore",
        key="dl-gpkg",
    )


def _data_name(loaded: Loaded) -> str:
    """Return what the exported events come from, for the export's metadata."""
    if loaded.user is None:
        return "bundled"
    if loaded.user.replace:
        return loaded.user.label
    return f"bundled + {loaded.user.label}"


def _far_list(loaded: Loaded, ids: list[str]) -> None:
    events = loaded.events.loc[ids]
    far = events[events["far"] | ~events["located"]]
    if not len(far):
        return
    listed = far.index[: LIST_LIMIT // 10]
    with st.expander(
        f"{count(len(far), 'event')} took place far from the frontier (Beijing, "
        "Moscow, Urumqi…)",
        expanded=False,
    ):
        if len(listed) < len(far):
            st.caption(f"The first {len(listed)}; narrow the filter to see others.")
        for eid in listed:
            _event_button(loaded, eid, "far")


# Constant CSS only: the map takes the room (less padding, a narrower sidebar).
PAGE_CSS = """<style>
.st-key-detail { scroll-margin-top: 4rem; }
@media (max-width: 640px) {
  .st-key-detail, *:has(> .st-key-detail) { height: auto !important;
    max-height: none !important; overflow: visible !important; }
}
@media (min-width: 900px) {
  [data-testid="stMainBlockContainer"], .block-container {
    padding-left: 1rem !important; padding-right: 1rem !important;
    padding-top: 2.5rem !important; max-width: 100% !important; }
  section[data-testid="stSidebar"] { width: 280px !important;
    min-width: 280px !important; }
}
</style>"""
# Scroll the detail into view when its top is not on the screen (a phone after a
# tap on the map; a choice from a list far below it).
SCROLL_JS = """<script>
setTimeout(function () {
  var el = document.querySelector('.st-key-detail');
  if (!el) { return; }
  var r = el.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight - 80) {
    el.scrollIntoView({behavior: 'smooth', block: 'start'});
  }
}, 300);
</script>"""


def render() -> None:
    """Draw the map page."""
    loaded = current()
    _init_state(loaded)
    _follow_data(loaded)
    for note in st.session_state.pop("_notes", []):
        st.toast(md_escape(note), icon=":material/warning:")
        st.warning(f"Part of the link was ignored: {md_escape(note)}.")
    sel = _sidebar(loaded)
    ids = select(loaded.data, sel, loaded.keys)
    st.title("The 1962 Ili–Tacheng exodus", anchor=False)
    st.caption(INTRO)
    if loaded.user is not None:
        _user_banner(loaded)
    st.html(PAGE_CSS)
    left, right = st.columns([5, 2], gap="small")
    with left:
        _map(loaded, ids)
        _far_list(loaded, ids)
    with right, st.container(height=620, border=False, key="detail"):
        _detail(loaded, ids)
    _scroll_to_detail()
    _timelines(loaded, ids, sel)
    _event_list(loaded, ids)
    _downloads(loaded, ids, sel)
    lat, lon, zoom = st.session_state.view
    params = urlstate.to_params(
        urlstate.ViewState(
            event=st.session_state.selected,
            start=sel.start,
            end=sel.end,
            kinds=sel.kinds,
            grades=sel.grades,
            text=sel.text,
            lat=lat,
            lon=lon,
            zoom=zoom,
        )
    )
    if data_token():
        params["data"] = data_token()
    nav.write_link("map", params)

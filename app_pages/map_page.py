"""The main page: filters, the map, the event detail, the timelines and the list."""

from __future__ import annotations

import folium
import streamlit as st

from app_pages import (
    map_charts,
    map_component,
    map_lists,
    map_sidebar,
    map_state,
    nav,
)
from app_pages.loaded import (
    RENDER_FIGURE,
    Loaded,
    base_map,
    current,
    data_token,
    digest,
)
from mapapp import (
    claimsymbols,
    density,
    detail,
    eventlayers,
    tour,
    urlstate,
)
from mapapp.detail import count, md_escape
from mapapp.select import Selection, select
from mapapp.style import KIND_LABELS

INTRO = (
    "In spring 1962 tens of thousands of people, most of them Kazakhs and Uyghurs, "
    "left the Ili and Tacheng areas of Xinjiang for the Soviet Kazakh SSR. Each mark "
    "on "
    "the map is a dated event from the documents; select one to read what happened, "
    "who says so, and the source itself. Figures are shown with who claimed them: the "
    "Soviet and Chinese governments did not agree."
)


def _map(loaded: Loaded, ids: list[str]) -> None:
    bounds, zoom = _reported_view()
    plan = density.plan(loaded.drawable.points, ids, bounds, zoom)
    selected = st.session_state.selected
    lat, lon, zoom = st.session_state.target
    # The map opens where the page first sent it in this session, and keeps that
    # for the session (a new opening view would be a new map). Opened elsewhere, its
    # first report would be a view nobody asked for: a run and an address more.
    origin = st.session_state.setdefault("_map_origin", st.session_state.target)

    def arguments() -> dict:
        groups = eventlayers.event_groups(loaded.drawable, plan.detailed, selected)
        # drawn first, so the wide translucent circles lie under the events they
        # are about and never take an event's click (their tooltips still show
        # around it)
        groups.insert(0, claimsymbols.claim_symbols(loaded.claims.of(plan.detailed)))
        if plan.counted:
            groups.insert(0, density.cell_layer(plan.cells))
        return {
            "fig": base_map(origin),
            "key": "map",
            "render": RENDER_FIGURE,
            "height": 560,
            "use_container_width": True,
            "feature_group_to_add": groups,
            "layer_control": folium.LayerControl(collapsed=True),
            # not "center": the map reports it twice on opening (as asked, then as
            # snapped to its pixels), and each report costs a run; it follows from
            # bounds
            "returned_objects": [*map_component.CLICK_OBJECTS, "zoom", "bounds"],
            "on_change": nav.guarded(_on_map),
        }

    # everything the map's text depends on: made once for every session
    cells = plan.cells.to_csv() if plan.counted else ""
    key = (loaded.token, origin, selected, digest(plan.detailed), digest([cells]))
    out = map_component.show(key, arguments, center=(lat, lon), zoom=zoom)
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
    report = (bounds, (out or {}).get("zoom"))
    if bounds is not None and report[1] and report != st.session_state.get("_report"):
        # only a new report moves the view: a run for another reason (Back, a
        # link) may have set the view the map is about to be sent to
        st.session_state._report = report
        st.session_state.view = _view_of(bounds, int(report[1]))


def _view_of(bounds: tuple, zoom: int) -> tuple[float, float, int]:
    """Return the view (lat, lon, zoom) the map reports, for the address bar.

    Where the map is where the app last sent it, up to the snapping of its centre to
    whole pixels, the view is that target: otherwise each arrival would write an
    address a pixel away from the one asked for (a new step of the browser's
    history, and a link that does not read back as written).
    """
    (south, west), (north, east) = bounds
    lat, lon = tour.bounds_centre(south, west, north, east)
    t_lat, t_lon, t_zoom = st.session_state.target
    t_zoom = round(t_zoom)  # without map_state.ZOOM_NUDGE
    pixel = 360 / (256 * 2**zoom)  # degrees of longitude per pixel (latitude: less)
    near = abs(lat - t_lat) <= 2 * pixel and abs(lon - t_lon) <= 2 * pixel
    if zoom == t_zoom and near:
        return t_lat, t_lon, t_zoom
    return lat, lon, zoom


def _on_map() -> None:
    """Select the event a click on the map reported, before the run it starts.

    Done in the callback, the click needs one run; read from the map's value in the
    run, it needed a second run to show the selection.
    """
    click = map_component.new_click(st.session_state.get("map"), "_click_count")
    if click is None:
        return
    clicked, geometry = click
    loaded = current()
    if clicked in loaded.events.index and clicked != st.session_state.selected:
        map_state.select_event(clicked, loaded, fly=False)
        if geometry.get("type") == "Point":  # where the click was (see _same_point)
            st.session_state._click_at = tuple(geometry["coordinates"][:2])


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
    if not selected and not ids:
        st.warning(
            "No event matches these filters: widen the dates (the “All” button "
            "under the date slider), choose other kinds or grades, or clear the "
            "search."
        )
        return
    if not selected:
        st.info(
            "Select an event on the map, on the timeline or in the list below to read "
            "what happened, who says so, and the documents."
        )
        with st.container(key="keyboard_hint"):  # hidden on a touch screen (CSS)
            st.caption(
                "With a keyboard: Tab to the list of events below the map, move to a "
                "row with the arrow keys, and press Shift+Space to select it."
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
            nav.source_link(s.source, full_text=s.has_text)
    if d.related:
        st.markdown("**Related events**")
        for rid, title in d.related:
            st.button(
                md_escape(title),
                key=f"rel-{rid}",
                on_click=nav.guarded(map_state.select_event),
                args=(rid, loaded),
                type="tertiary",
            )


def _same_point(loaded: Loaded, selected: str, ids: list[str]) -> None:
    """List the other events drawn where the selected event is, to choose one.

    See :func:`map_state.same_place`: the place clicked, or the event's own point.
    """
    others = map_state.same_place(loaded, selected, ids)
    if not others:
        return
    with st.expander(
        f"{count(len(others), 'other event')} at the same place on the map",
        expanded=True,
    ):
        for eid in others:
            map_state.event_button(loaded, eid, "same")


def _scroll_to_detail() -> None:
    """Bring the detail into view after a new selection, when it is out of view.

    On a phone the detail sits below the map; on a wide screen it may be above the
    list or the far-events list where the choice was made, or the detail's own
    scroll may be at the foot of the last event (a related event chosen there).
    """
    selected = st.session_state.selected
    if not selected or st.session_state.get("_scrolled_to") == selected:
        return
    st.session_state._scrolled_to = selected
    # a script the browser has on the page already is not run again: each
    # selection's script differs by a number
    n = st.session_state["_scrolls"] = st.session_state.get("_scrolls", 0) + 1
    st.html(
        SCROLL_JS.replace("<script>", f"<script>/* {n} */"),
        unsafe_allow_javascript=True,
    )


# Constant CSS only: the map takes the room (less padding, a narrower sidebar).
PAGE_CSS = """<style>
.st-key-detail { scroll-margin-top: 4rem; }
/* the events to choose from in the detail: one column, each from its left edge */
.st-key-detail [class*="st-key-same-"] button,
.st-key-detail [class*="st-key-rel-"] button { justify-content: flex-start;
  text-align: left; }
.st-key-detail [class*="st-key-same-"] button p,
.st-key-detail [class*="st-key-rel-"] button p { text-align: left; }


/* no keyboard hint on a touch screen */
@media (hover: none) and (pointer: coarse) {
  .st-key-keyboard_hint { display: none !important; }
}
@media (max-width: 640px) {
  .st-key-detail, *:has(> .st-key-detail) { height: auto !important;
    max-height: none !important; overflow: visible !important;
    flex: 0 0 auto !important; }
}
@media (min-width: 900px) {
  [data-testid="stMainBlockContainer"], .block-container {
    padding-left: 1rem !important; padding-right: 1rem !important;
    padding-top: 2.5rem !important; max-width: 100% !important; }
  section[data-testid="stSidebar"] { width: 280px !important;
    min-width: 280px !important; }
}
</style>"""
# Show the new event's detail from its title: the detail's own scroll goes back to
# its top (a related event chosen at the foot of the detail kept the place it was
# chosen at), and the page scrolls the detail into view when its top is not on the
# screen (a phone after a tap on the map or a link; a choice from a list far below
# it), again as the page is laid out, until the reader scrolls.
SCROLL_JS = """<script>
(function () {
  // for two seconds the page is still laid out (the map's frame, the lists): the
  // detail is put back in view each time it moves out, unless the reader scrolls
  var until = Date.now() + 2000, reset = false, stop = false;
  var names = ['wheel', 'touchstart', 'keydown', 'mousedown'];
  function quit() {
    stop = true;
    names.forEach(function (name) { window.removeEventListener(name, quit); });
  }
  names.forEach(function (name) {
    window.addEventListener(name, quit, {passive: true});
  });
  function place() {
    var el = document.querySelector('.st-key-detail');
    if (el && !reset) {
      reset = true;
      [el, el.parentElement].forEach(function (box) {
        if (box && box.scrollHeight > box.clientHeight) { box.scrollTop = 0; }
      });
    }
    if (el && !stop) {
      var r = el.getBoundingClientRect();
      if (r.top < 0 || r.top > window.innerHeight - 80) {
        el.scrollIntoView({block: 'start'});  // at once: the layout moves under it
      }
    }
    if (stop) { return; }
    if (Date.now() < until) { setTimeout(place, 200); } else { quit(); }
  }
  setTimeout(place, 100);
})();
</script>"""


# What the page's last whole run drew: the selection, then (once the map is drawn)
# the zoom. Set to (selected, None) by the page before the map, so that the map's
# fragment tells its own runs from the page's.
_DRAWN = "_map_drawn"


@st.fragment
def _map_and_address(loaded: Loaded, ids: list[str], sel: Selection) -> None:
    """Draw the map and write the address of what the page shows.

    A run that the map alone asked for (its first report of where it is, a pan)
    runs only this, not the whole page. A click that selects another event, or a
    zoom (the detail lists the events whose markers overlap at this zoom), runs the
    whole page again.
    """
    selected, zoom = st.session_state[_DRAWN]
    if zoom is not None:  # a run of this fragment alone
        if st.session_state.selected != selected or _reported_view()[1] != zoom:
            st.rerun()
        nav.begin_run()  # this run's widget mark, read here (the page's is not run)
    _map(loaded, ids)
    st.session_state[_DRAWN] = (selected, st.session_state.view[2])
    _write_address(loaded, sel)


def _write_address(loaded: Loaded, sel: Selection) -> None:
    """Write the selection, the filters and the map's view to the address bar.

    The default date window is left out (:func:`map_state.default_window`).
    """
    lat, lon, zoom = st.session_state.view
    default = (sel.start, sel.end) == map_state.default_window(loaded)
    params = urlstate.to_params(
        urlstate.ViewState(
            event=st.session_state.selected,
            start=None if default else sel.start,
            end=None if default else sel.end,
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


def render() -> None:
    """Draw the map page."""
    loaded = current()
    map_state.init_state(loaded)
    map_state.follow_data(loaded)
    nav.show_notes(
        "_notes",
        lambda note: f"Part of the link was ignored: {md_escape(note)}.",
        "dismiss_notes",
    )
    sel = map_sidebar.selection()
    ids = select(loaded.data, sel, loaded.keys)
    st.title("The 1962 Ili–Tacheng exodus", anchor=False)
    st.caption(INTRO)
    if loaded.user is not None:
        map_sidebar.user_banner(loaded)
    st.html(PAGE_CSS)
    # Laid out in reading order, filled in the order of what a user waits for: the
    # detail (a click's answer), the map, the list (a filter's), then the rest.
    # Streamlit shows each element as soon as it is made.
    left, right = st.columns([5, 2], gap="small")
    map_box, far_box = left.container(), left.container()
    charts_box, list_box, downloads_box = st.container(), st.container(), st.container()
    with right, st.container(height=620, border=False, key="detail"):
        _detail(loaded, ids)
    st.session_state[_DRAWN] = (st.session_state.selected, None)
    with map_box:
        _map_and_address(loaded, ids, sel)
    with list_box:
        map_lists.event_list(loaded, ids)
    _scroll_to_detail()
    with charts_box:
        map_charts.timelines(loaded, ids, sel)
    with far_box:
        map_lists.far_list(loaded, ids)
    with downloads_box:
        map_lists.downloads(loaded, ids, sel)
    map_sidebar.sidebar(loaded)  # last: its values were read (selection) at the start

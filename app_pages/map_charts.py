"""The map page's charts: the timeline of events and the competing figures."""

from __future__ import annotations

import functools
from datetime import date

import streamlit as st

from app_pages import map_state, nav
from app_pages.loaded import Loaded, current, digest
from mapapp import (
    claimschart,
    density,
    timeline,
)
from mapapp.select import Selection


def _counted(ids: list[str]) -> bool:
    """Whether the timeline counts events per week (one bar each: megabytes)."""
    return len(ids) > density.DETAIL_LIMIT


def _timeline_spec(
    token: str, ids: list[str], selected: str | None, start: date, end: date
) -> dict:
    """Return the timeline's Vega-Lite spec, cached by data, ids, selection, window."""
    return _cached_timeline_spec(token, digest(ids), selected, start, end, _ids=ids)


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
    frame = claimschart.claims_frame(current().data, selected)
    return _accessible(
        claimschart.claims_chart(frame).to_dict(validate=False), CLAIMS_TEXT
    )


CLAIMS_TEXT = (
    "Chart of the figures claimed for the people who crossed, by claimant and date, "
    "on a log scale. Each event's detail gives the same figures as text."
)


def _on_claims(key: str = "claims") -> None:
    """Select the event of a figure clicked on the chart of competing figures."""
    selection = (st.session_state.get(key) or {}).get("selection", {})
    picked = selection.get(claimschart.CLAIM) or []
    if picked and picked[0].get("event"):
        map_state.select_event(picked[0]["event"], current())


CHARTS_ON = "charts_on"  # the session's charts are drawn (the reader came to them)
LATER_PX = 300  # the height of a chart not drawn yet: the page does not jump

# Press the "draw" button when a quarter of the space kept for the chart has been on
# the screen for 0.3 s (scrolled to, or in view once the page is laid out), and
# again if the space is still there 2 s after a press (a press during the page's
# first run can be lost). Never while the button has the keyboard's focus (pressed
# then, it would vanish with the focus, which would fall back to the top of the
# page): once the focus moves on. The page is looked at every 0.2 s, not through
# the space's element, which Streamlit may replace while it draws the page. The
# button stays for anyone who wants the chart sooner.
LATER_JS = """<script>
(function () {
  if (window.__mapappChartsLater) { return; }
  window.__mapappChartsLater = true;
  var since = null, pressed = 0;
  setInterval(function () {
    var box = document.querySelector('.st-key-charts_later');
    var button = box && box.querySelector('button');
    if (!button) { since = null; return; }
    var r = box.getBoundingClientRect(), h = window.innerHeight, q = r.height / 4;
    if (!(r.height > 0 && r.top < h - q && r.bottom > q) ||
        box.contains(document.activeElement)) { since = null; return; }
    var now = Date.now();
    if (since === null) { since = now; return; }
    if (now - since >= 300 && now - pressed >= 2000) {
      pressed = now;
      button.click();
    }
  }, 200);
})();
</script>"""


def _want_charts() -> None:
    """Draw the charts from this run on, for the rest of the session."""
    st.session_state[CHARTS_ON] = True


def timelines(loaded: Loaded, ids: list[str], sel: Selection) -> None:
    """Draw the two charts in tabs: the timeline of events, the competing figures.

    The charts lie below the map. They are drawn once the reader comes to them
    (scrolls them into view, opens a tab, or presses the button kept in their
    place): until then a session is spared Vega's 17 script files (0.8 MB), which
    cost the server about 0.02 s of CPU per new session (a third of what the app
    cost beyond the minimal page of ``benchmarks/interact.py``) and a phone its
    bandwidth.
    """
    # Keyed and tracked: the open tab stays open when a selection adds elements
    # above the tabs (which made an untracked tab set a new one, back on its first).
    # Only the open tab's chart is made (tracked tabs run lazily): a closed chart
    # cost every run its spec, its data and the browser's drawing of it.
    tab1, tab2 = st.tabs(
        ["Timeline of events", "Who says how many crossed"],
        key="chart_tab",
        on_change=nav.guarded(_want_charts),
    )
    if not st.session_state.get(CHARTS_ON):
        with tab1 if tab1.open else tab2:
            _later()
        return
    if tab1.open:
        with tab1:
            _timeline(loaded, ids, sel)
    if tab2.open:
        with tab2:
            _claims(loaded)


def _later() -> None:
    """Keep the chart's place, drawn when it comes into view (see ``LATER_JS``)."""
    with st.container(height=LATER_PX, border=False, key="charts_later"):
        st.caption("The chart is drawn when you scroll to it.")
        st.button(
            "Draw the chart now", key="charts_draw", on_click=nav.guarded(_want_charts)
        )
        st.html(LATER_JS, unsafe_allow_javascript=True)


def _timeline(loaded: Loaded, ids: list[str], sel: Selection) -> None:
    """Draw the timeline of the events shown: brush it for dates, click an event."""
    spec = _timeline_spec(
        loaded.token, ids, st.session_state.selected, sel.start, sel.end
    )
    counts = _counted(ids)
    key = "timeline-counts" if counts else "timeline"
    st.vega_lite_chart(
        spec,
        width="stretch",
        key=key,
        on_select=nav.guarded(functools.partial(map_state.on_timeline, key)),
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


def _claims(loaded: Loaded) -> None:
    """Draw the competing figures, each mark with its claimant; click one to open."""
    st.vega_lite_chart(
        _claims_spec(loaded.token, st.session_state.selected),
        width="stretch",
        key="claims",
        on_select=nav.guarded(_on_claims),
        selection_mode=[claimschart.CLAIM],
    )
    st.caption(
        "Each mark is one claimant's figure, at the date it runs to; a line joins "
        "a claimant's running totals of people who had crossed. Triangles count "
        "people who took part in the flight, not people who crossed. The y axis "
        "is a log scale: each step up multiplies. The figures disagree; none is "
        "shown as the true one. Hover for the scope and the source; click a mark "
        "to open its event."
    )

"""The app's pages, defined once for navigation and for links between pages."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import streamlit as st

# Constant CSS for every page. Streamlit's captions and shortcut hints are text at
# 60% opacity, #828180 on white (3.9:1), where WCAG AA asks 4.5:1 for small text;
# focus is shown with a thick outline. A link between pages wraps (Streamlit cuts
# its label at the page's edge: on a phone, half a sentence). On a phone a chart's
# tooltip spans the screen at the height the chart gives it (it is wider than either
# side of a mark leaves, and was cut at the left edge). An element that only
# runs a script takes no room (Streamlit would leave a gap for it).
PAGE_CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
kbd { color: #595857 !important; opacity: 1 !important; }
:focus-visible { outline: 3px solid #1a5fb4 !important; outline-offset: 2px; }
[data-testid="stPageLink-NavLink"] span:has(> [data-testid="stMarkdownContainer"]) {
  white-space: normal !important; overflow: visible !important; }
@media (max-width: 640px) {
  #vg-tooltip-element { left: 8px !important; right: 8px;
    max-width: none !important; }
  #vg-tooltip-element td.value { white-space: normal; max-width: none; }
}
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) {
  display: none; }
</style>"""

# Script for every page, run once per load (the browser keeps it across runs):
#
# - On a phone the sidebar is a drawer over the page. Streamlit keeps it as the user
#   last left it (in localStorage), so a phone that once opened it showed every
#   later page under it, and kept it open over the page the user had just chosen.
#   Here a phone starts every load with the drawer closed (for the load's first
#   seconds, until the reader opens it: Streamlit may restore it open after this
#   script has run), and closes it once a page is chosen in it. Wide screens are
#   left alone. (Streamlit's "md" breakpoint, 768 px, is where it makes the
#   sidebar a drawer.)
# - A move of the map is not a step of the history. Streamlit pushes every new
#   address, so each pan was one more press of Back (and cut off Forward). An
#   address that differs from the current one only in the view (``lat``, ``lon``,
#   ``z``: see mapapp.urlstate) replaces it instead, as map sites do; a new
#   selection, filter or page is still a step.
# - A link to another page with parameters ("Read the source") is pushed twice by
#   Streamlit: first its parameters on this page, then the page. The second push
#   replaces the first, so one press of Back returns from the page (it took two,
#   and on a phone the first showed the map with no event selected). A page that
#   adds to them as it runs (the source page adds the user's ``data`` token) makes
#   a third push within the second: it too replaces the first. (Back from a source
#   read with your data loaded went to the map with no event selected.)
# - A page reached from another writes its address once it has run: the parameters
#   it was reached with, and what it adds (the map's data and view, the tour the
#   preview of a draft shows). That first write replaces the address it was reached
#   with, so one press of Back returns to the page before (it took two: the first
#   showed the same page again). A write that changes a parameter is a step.
PAGE_JS = """<script>
(function () {
  if (window.__mapappPage) { return; }
  window.__mapappPage = true;
  var phone = window.matchMedia('(max-width: 767.98px)');
  function close() {
    var bar = document.querySelector('[data-testid="stSidebar"]');
    if (!phone.matches || !bar || bar.getAttribute('data-collapsed') !== 'false') {
      return;
    }
    var button = bar.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (button) { button.click(); }
  }
  // The drawer as a phone should start this load: closed. Streamlit may draw the
  // sidebar, or bring back its last state, after this script has run, so for the
  // first seconds of the load the drawer is closed whenever it opens, unless the
  // reader opened it.
  var opened = false, loaded = Date.now();
  document.addEventListener('click', function (e) {
    if (e.target.closest('[data-testid="stExpandSidebarButton"]')) { opened = true; }
    if (e.target.closest('[data-testid="stSidebarNavLink"]')) {
      setTimeout(close, 0);
    }
  }, true);
  (function watch() {
    if (opened || Date.now() - loaded > 3000) { return; }
    close();
    setTimeout(watch, 100);
  })();

  var VIEW = ['lat', 'lon', 'z'];
  function rest(search) {
    var params = new URLSearchParams(search);
    VIEW.forEach(function (k) { params.delete(k); });
    params.sort();
    return params.toString();
  }
  function keeps(search, next) {  // next holds every parameter of search, as is
    var was = new URLSearchParams(search), now = new URLSearchParams(next);
    var kept = true;
    was.forEach(function (v, k) {
      if (VIEW.indexOf(k) < 0 && now.get(k) !== v) { kept = false; }
    });
    return kept;
  }
  var push = window.history.pushState;
  var last = {at: 0, search: null};  // this page's last push of new parameters
  var arrived = null;  // the page a page change pushed, until it writes its address
  window.addEventListener('popstate', function () { arrived = null; });
  window.history.pushState = function (state, title, url) {
    try {
      var next = new URL(url, window.location.href);
      var here = window.location;
      if (next.pathname === here.pathname) {
        var first = arrived === here.pathname;
        var quick = last.search === here.search && Date.now() - last.at < 1000;
        arrived = null;
        if (rest(next.search) === rest(here.search) ||
            ((first || quick) && keeps(here.search, next.search))) {
          if (quick) { last.search = next.search; }
          return window.history.replaceState(state, title, url);
        }
      } else {
        arrived = next.pathname;
        if (next.search === here.search && last.search === here.search &&
            Date.now() - last.at < 1000) {
          last = {at: 0, search: null};
          return window.history.replaceState(state, title, url);
        }
      }
      last = {at: Date.now(), search: next.search};
    } catch (e) { /* not a URL: leave it to the browser */ }
    return push.apply(window.history, arguments);
  };
})();
</script>"""

# Widgets whose value must outlive a visit to another page. Streamlit forgets the
# state of a widget that a run did not draw, so leaving the map page dropped its
# filters (and the date slider came back as one date); the entry point re-claims
# these keys on every run, whatever the page (see ``keep_widget_state``).
KEPT_WIDGETS = (
    "f_window",
    "f_kinds",
    "f_grades",
    "f_text",
    "present_tour",
    "user_mode",
)


def keep_widget_state() -> None:
    """Keep the values of :data:`KEPT_WIDGETS` across pages (call before any page).

    Assigning a widget's value to its own key marks it as set by the app, which
    Streamlit does not clean up when the widget is not drawn (Streamlit's documented
    way to keep widget state across pages).
    """
    for key in KEPT_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def map_page() -> st.Page:
    """Return the page of the map, timeline and event detail (the default page)."""
    from app_pages import map_page as page

    # the default page is served at "/" (Streamlit ignores its url_path); "/map"
    # is the hidden page below, the same page at that address
    return st.Page(page.render, title="Map and timeline", url_path="home", default=True)


def map_address() -> st.Page:
    """Return the page at ``/map``: a typed or shared address of the map.

    It is not in the menu, and it is the map page itself, at this address. It used
    to send its visitor on to ``/``; that step was a page of the browser's history
    that sent Back forward again, so Back could never leave the map.
    """
    from app_pages import map_page as page

    return st.Page(
        page.render, title="Map and timeline", url_path="map", visibility="hidden"
    )


def source_page() -> st.Page:
    """Return the page of a source document: metadata, full text, citing events."""
    from app_pages import source_page as page

    return st.Page(page.render, title="Source documents", url_path="source")


def source_link(source: str, full_text: bool = False, icon: str | None = None) -> None:
    """Link to the page of source ``source`` ("Read the source"); Back comes here."""
    st.page_link(
        source_page(),
        label="Read the source" + (" (full text)" if full_text else ""),
        query_params={"source": source},
        icon=icon,
    )


def data_page() -> st.Page:
    """Return the page where researchers load their own events and read the report."""
    from app_pages import data_page as page

    return st.Page(page.render, title="Your own events", url_path="data")


def build_page() -> st.Page:
    """Return the tour builder."""
    from app_pages import build_page as page

    return st.Page(page.render, title="Build a tour", url_path="build")


def present_page() -> st.Page:
    """Return the page that presents a guided tour to a class, one step at a time."""
    from app_pages import present_page as page

    return st.Page(page.render, title="Present a tour", url_path="present")


# How many of the addresses a page wrote are remembered: the browser's address bar
# may lag a few runs behind the server.
WRITTEN_KEPT = 20


def wrote_link(page: str, params: dict[str, str]) -> bool:
    """Return whether ``page`` wrote ``params`` to the address bar in this session.

    A run carries the address the browser showed when it asked for the run. A click
    made before the browser caught up with the last run's address carries an older
    address that the page wrote itself: that is not a link followed, and must not
    undo the click.
    """
    return params in st.session_state.get(f"_written_{page}", [])


def last_link(page: str) -> dict[str, str] | None:
    """Return the address ``page`` wrote last in this session (None before any)."""
    seen = st.session_state.get(f"_written_{page}", [])
    return seen[-1] if seen else None


# A run asked for by a widget (a click, a filter) is told apart from one the browser
# asked for on Back or Forward: both may carry an address the page wrote earlier,
# but only the second means "show that again".
INTERACTED = "_interacted"
RUN_INTERACTED = "_run_interacted"
SCRIPT_SENT = "_page_script_sent"
SCRIPT_READY = "_page_script_ready"


def interacted() -> None:
    """Mark the coming run as asked for by a widget (an ``on_change`` callback)."""
    st.session_state[INTERACTED] = True


def begin_run() -> None:
    """Note what asked for this run, and whether an earlier run sent the script.

    Call once, before any page; a fragment's run calls it too. A widget's run is
    told from one Back or Forward asked for; :func:`write_link` waits for a run
    after the one that sent :data:`PAGE_JS`.
    """
    st.session_state[RUN_INTERACTED] = st.session_state.pop(INTERACTED, False)
    st.session_state[SCRIPT_READY] = st.session_state.get(SCRIPT_SENT, False)


PAGE_BEFORE = "_page_before"
ARRIVED = "_arrived"


def note_page(path: str) -> None:
    """Note the page this run shows (its url path), after :func:`begin_run`.

    A page whose run follows another page's has just been drawn anew in the
    browser (:func:`arrived`): its widgets, the map among them, start afresh.
    """
    before = st.session_state.get(PAGE_BEFORE)
    st.session_state[ARRIVED] = before is not None and before != path
    st.session_state[PAGE_BEFORE] = path


def arrived() -> bool:
    """Return whether this run's page follows another page's run in this session."""
    return bool(st.session_state.get(ARRIVED))


def run_interacted() -> bool:
    """Return whether a widget asked for this run (see :func:`begin_run`)."""
    return bool(st.session_state.get(RUN_INTERACTED))


def came_back(page: str, params: dict[str, str]) -> bool:
    """Return whether ``params`` were brought by Back or Forward.

    They are an address ``page`` wrote earlier in this session, but not its last,
    brought by a run that no widget asked for: the page shows that view again.
    """
    return (
        wrote_link(page, params) and not run_interacted() and params != last_link(page)
    )


def page_script() -> None:
    """Send the page's script (:data:`PAGE_JS`), after :func:`begin_run`.

    Streamlit pushes a run's address before the browser runs the scripts that run
    sent, so a session's first run would make its address a new step of the history
    whatever the script says (the first press of Back then showed the same event
    again). That run leaves the address as the page was opened (:func:`write_link`).
    """
    st.html(PAGE_JS, unsafe_allow_javascript=True)
    st.session_state[SCRIPT_SENT] = True


def write_link(page: str, params: dict[str, str]) -> None:
    """Show ``params`` in the address bar, and remember that ``page`` wrote them.

    In a session's first run (:func:`page_script`), the address the page was opened
    with stays, and counts as the page's own; the next run writes ``params``.
    """
    if not st.session_state.get(SCRIPT_READY):
        params = st.query_params.to_dict()
    seen = st.session_state.setdefault(f"_written_{page}", [])
    if params in seen:
        seen.remove(params)
    seen.append(dict(params))
    del seen[:-WRITTEN_KEPT]
    if st.session_state.get(SCRIPT_READY):
        st.query_params.from_dict(params)


def show_notes(key: str, word: Callable[[str], str], button: str) -> None:
    """Show the notes kept under ``key`` (what a link named badly) until dismissed.

    They used to be shown for one run only: a map's first report of its view reran
    the page within a second, and they were gone before they could be read. A page
    replaces them when a new link brings its own.

    Parameters
    ----------
    key : str
        The session state's key of the list of notes.
    word : callable
        Words one note as shown (Markdown, escaped).
    button : str
        The key of the "Dismiss these notes" button.
    """
    notes = st.session_state.get(key) or []
    for note in notes:
        st.warning(word(note))
    if notes:
        st.button(
            "Dismiss these notes",
            key=button,
            on_click=guarded(lambda: st.session_state.pop(key, None)),
        )


# A widget's callback runs before the page, outside the entry point's handler of
# failures: ``guarded`` keeps what it raised for the entry point to show.
CALLBACK_FAILURE = "_callback_failure"


def guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``callback`` wrapped so that a failure is shown as the pages show one.

    Streamlit shows an exception raised in a widget's callback as its own error box
    (no way back); wrapped, the exception is logged and kept, and the entry point
    raises it again in its handler (:func:`callback_failure`).
    """

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        interacted()
        try:
            return callback(*args, **kwargs)
        except Exception as exc:
            logging.getLogger("mapapp.app").exception("a callback failed")
            st.session_state[CALLBACK_FAILURE] = exc
            return None

    return run


def callback_failure() -> Exception | None:
    """Return (and forget) what a guarded callback raised before this run, if any."""
    return st.session_state.pop(CALLBACK_FAILURE, None)

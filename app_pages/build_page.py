"""The tour builder (/build): find events, order them, narrate, take views, download.

The work in progress is kept on the server under an unguessable token in the
address (``?draft=…``, the upload store's rules: capped, expiring, never a path),
so a reload or a shared link brings it back; the page also asks before it is left
with unsaved work. The tour is checked with the same rules as ``mapapp validate``.
"""

from __future__ import annotations

import hashlib
import json

import streamlit as st
from streamlit_folium import st_folium

from app_pages import build_draft, map_component, nav
from app_pages.loaded import RENDER_FIGURE, Loaded, base_map, load
from mapapp import eventlayers, tour, tourhtml
from mapapp.detail import count, md_escape
from mapapp.load import parse_tours, read_tours
from mapapp.model import EVENT_KINDS
from mapapp.problems import build
from mapapp.select import Selection, select, title_first
from mapapp.style import KIND_LABELS

# Ask before leaving a page whose draft is not yet kept (a reload keeps it: the
# token is in the address once the first change is saved).
LEAVE_JS = """<script>
window.onbeforeunload = (e) => {
  const d = window.parent.document;
  if (!d.querySelector('.st-key-build-unsaved')) return undefined;
  e.preventDefault(); e.returnValue = ''; return '';
};
</script>"""


def _finder(loaded: Loaded) -> None:
    """Search and filter the events, and add the one chosen as the next step."""
    st.subheader("Find events")
    text = st.text_input("Search titles, summaries and place names", key="build-find")
    kinds = st.multiselect(
        "Kinds",
        list(EVENT_KINDS),
        format_func=lambda k: KIND_LABELS[k],
        key="build-kinds",
    )
    ids = select(loaded.data, Selection(text=text, kinds=tuple(kinds)), loaded.keys)
    ids = title_first(loaded.data, ids, text)
    by_id = loaded.by_id
    # a new search is a new list: a new widget, so that it never shows a stale choice
    key = "build-choice-" + hashlib.sha1(repr((text, kinds)).encode()).hexdigest()[:8]
    picked = st.session_state.pop("build_clicked", None)  # a click on the map
    if picked in loaded.by_id:
        ids = ids if picked in ids else [picked, *ids]
        st.session_state[key] = picked
    if not ids:
        st.caption("No event matches: change the words or the kinds.")
        return
    choice = st.selectbox(
        f"Matches: {count(len(ids), 'event')} (or click one on the map)",
        ids,
        format_func=lambda e: f"{by_id[e].when.human()}: {by_id[e].title}",
        key=key,
    )
    taken = [
        i + 1
        for i, step in enumerate(build_draft.current()["steps"])
        if step["event"] == choice
    ]
    if taken:
        st.caption(f"Already step {', '.join(map(str, taken))} of the tour.")
    st.button(
        "Add it again as the next step" if taken else "Add as the next step",
        key="build-add",
        type="primary",
        on_click=nav.guarded(build_draft.add),
        args=(choice,),
    )
    _map(loaded, choice)


def _map(loaded: Loaded, event_id: str) -> None:
    """Show the chosen event; a click on another event chooses it instead."""
    m = base_map()
    groups = eventlayers.event_groups(loaded.drawable, list(loaded.by_id), event_id)
    row = loaded.events.loc[event_id]
    slide_view = tour.OVERVIEW
    if bool(row["located"]) and not bool(row["far"]):
        slide_view = tour.fit_view(tuple(row.geometry.bounds))
    lat, lon, zoom = slide_view
    out = st_folium(
        m,
        key="build-map",
        render=RENDER_FIGURE,
        height=380,
        use_container_width=True,
        center=(lat, lon),
        zoom=zoom,
        feature_group_to_add=groups,
        returned_objects=[*map_component.CLICK_OBJECTS, "center", "zoom"],
    )
    st.session_state.build_view = out
    click = map_component.new_click(out, "_build_click_count")
    if click is not None and click[0] != event_id and click[0] in loaded.by_id:
        st.session_state.build_clicked = click[0]
        st.rerun()


def _current_view() -> dict | None:
    out = st.session_state.get("build_view") or {}
    centre, zoom = out.get("center"), out.get("zoom")
    if not centre or zoom is None:
        return None
    zoom = min(max(round(zoom), tour.MIN_ZOOM), tour.MAX_ZOOM)
    lat, lon = round(centre["lat"], 4), round(centre["lng"], 4)
    return {"lat": lat, "lon": lon, "zoom": zoom}


def _steps(loaded: Loaded, problems: dict[int, list[str]]) -> None:
    """List the steps: narration, order, removal, view, and what is wrong."""
    steps = build_draft.current()["steps"]
    st.subheader(f"Steps ({len(steps)})")
    if not steps:
        st.info("No steps yet: find an event on the left and add it.")
        return
    view = _current_view()
    for i, step in enumerate(steps):
        ev = loaded.by_id.get(step["event"])
        title = ev.title if ev else step["event"]
        with st.container(border=True, key=f"build-step-{i}"):
            st.markdown(f"**{i + 1}. {ev.when.human() + ': ' if ev else ''}{title}**")
            key = f"build-narration-{i}-{step['event']}"
            st.text_area(
                "Narration (your words; keep who says so)",
                value=step.get("narration") or "",
                key=key,
                on_change=nav.guarded(build_draft.edit),
                args=("narration", key, i),
                height=110,
            )
            for message in problems.get(i, []):
                st.warning(message)
            with st.container(horizontal=True, gap="small"):  # sized to their words
                move = nav.guarded(build_draft.move)
                st.button("↑ Up", key=f"build-up-{i}", on_click=move,
                          args=(i, -1), disabled=i == 0)  # fmt: skip
                st.button("↓ Down", key=f"build-down-{i}", on_click=move,
                          args=(i, 1), disabled=i == len(steps) - 1)  # fmt: skip
                st.button(
                    "Remove",
                    key=f"build-remove-{i}",
                    on_click=nav.guarded(build_draft.remove),
                    args=(i,),
                )
                st.button(
                    "Use the map's view",
                    key=f"build-view-{i}",
                    on_click=nav.guarded(build_draft.take_view),
                    args=(i, view),
                    disabled=view is None,
                    help="Take the centre and zoom of the map on the left for this "
                    "step",
                )
            shown = step.get("view")
            st.caption(
                f"View: {shown['lat']}, {shown['lon']}, zoom {shown['zoom']}"
                if shown
                else "View: fitted to the event (or the overview) when presented"
            )


def _check(
    loaded: Loaded,
) -> tuple[tour.Tour | None, dict[int, list[str]], list[str]]:
    """Return the draft as a Tour, step problems by step, and the other problems."""
    draft = build_draft.current()
    if not draft["steps"]:
        return None, {}, []
    chosen, found = build(tour.Tour, draft, "the draft", 0)
    if chosen is None:
        return None, {}, [f"{p.field}: {p.message}" for p in found]
    text = tour.tour_yaml(chosen)
    tours, found = parse_tours(text.encode("utf-8"), f"{draft['id']}.yaml")
    found += tour.check(tours, loaded.data)
    by_step: dict[int, list[str]] = {}
    other = []
    for p in found:
        field = p.field or ""
        if field.startswith("steps["):
            by_step.setdefault(int(field[6 : field.index("]")]), []).append(p.message)
        else:
            other.append(f"{p.field}: {p.message}")
    chosen = tours.tours.get(draft["id"])
    return chosen, by_step, other


def _head(loaded: Loaded) -> None:
    draft = build_draft.current()
    st.title("Build a tour")
    st.caption(
        "Find events, add them in order, write each step's narration (it starts as "
        "the event's own summary: keep who says so), take a view from the map, then "
        "preview and download. Your draft is kept on this server for 24 hours under "
        "the link in the address bar."
    )
    left, mid, right = st.columns([3, 5, 3])
    fields = (
        ("title", left, "Title"),
        ("description", mid, "Description (optional, shown on the first step)"),
        ("id", right, "File id (lowercase letters, digits and dashes)"),
    )
    for field, column, label in fields:
        key = f"build-{field}-{st.session_state.get('build_loads', 0)}"
        column.text_input(
            label,
            value=draft.get(field) or "",
            key=key,
            on_change=nav.guarded(build_draft.edit),
            args=(field, key),
        )
    with st.expander("Start from an existing tour"):
        bundled, _ = read_tours()
        names = list(bundled.tours)
        pick = st.selectbox("A bundled tour", names, key="build-bundled",
                            format_func=lambda t: bundled.tours[t].title)  # fmt: skip
        st.button("Edit a copy of it", key="build-load-bundled",
                  on_click=nav.guarded(build_draft.load_tour),
                  args=(bundled.tours[pick],) if pick else ())  # fmt: skip
        upload = st.file_uploader("Or a tour file (.yaml)", type=["yaml", "yml"],
                                  key="build-upload")  # fmt: skip
        if upload is not None and st.button("Edit this file", key="build-load-file"):
            tours, problems = parse_tours(upload.getvalue(), upload.name)
            problems += tour.check(tours, loaded.data) if tours.tours else []
            if not tours.tours:
                for p in problems:
                    st.error(str(p))
            else:
                build_draft.load_tour(next(iter(tours.tours.values())))
                st.rerun()


def _downloads(loaded: Loaded, chosen: tour.Tour | None, other: list[str]) -> None:
    st.subheader("Preview and download")
    for message in other:
        st.error(message)
    token = st.session_state.get("build_token")
    if chosen is None:
        st.caption("Add a step to preview and download the tour.")
        return
    if token:
        st.page_link(
            nav.present_page(),
            label="Preview it in the present view",
            query_params={"draft": token, "step": "1"},
        )
    st.download_button(
        "Download the tour file (YAML)",
        tour.tour_yaml(chosen),
        f"{chosen.id}.yaml",
        "application/yaml",
        key="build-yaml",
        on_click="ignore",
        help="Put it in events/tours/ and run `mapapp validate`.",
    )
    st.download_button(
        "Download it for offline use (one HTML file)",
        lambda: tourhtml.tour_html(
            chosen,
            tour.slides(chosen, loaded.data, loaded.events),
            loaded.drawable,
            loaded.base,
        ),
        f"yita-1962-{chosen.id}.html",
        "text/html",
        key="build-html",
        on_click="ignore",
    )


def render() -> None:
    """Draw the tour builder."""
    loaded = load()
    build_draft.restore()
    nav.show_notes(
        "_build_notes",
        lambda note: f"The link's draft could not be opened: {md_escape(note)}.",
        "build-dismiss-notes",
    )
    st.html(LEAVE_JS, unsafe_allow_javascript=True)
    _head(loaded)
    chosen, by_step, other = _check(loaded)
    left, right = st.columns([5, 6], gap="medium")
    with left:
        _finder(loaded)
    with right:
        _steps(loaded, by_step)
        _downloads(loaded, chosen, other)
    note = st.session_state.pop("build_note", None)
    if note:
        st.warning(note)
    token = st.session_state.get("build_token")
    if token:
        st.query_params["draft"] = token
    saved = st.session_state.get("build_saved")
    current = json.dumps(build_draft.current(), ensure_ascii=False).encode("utf-8")
    if build_draft.current()["steps"] and saved != current:
        st.container(key="build-unsaved")

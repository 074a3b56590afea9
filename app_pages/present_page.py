"""Present a guided tour to a class: one step at a time, big type, keys to go on."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app_pages import nav, present_map
from app_pages.loaded import Loaded, data_token, load
from app_pages.present_style import CSS, KEYS_JS, PRINT_APP_CSS
from mapapp import handout, tour, tourhtml
from mapapp.detail import md_escape
from mapapp.errors import DataError, MapAppError
from mapapp.load import read_tours
from mapapp.tour import Slide, Tours


@st.cache_resource(show_spinner=False)
def load_tours() -> Tours:
    """Read and check the tours against the loaded events; raise DataError if bad."""
    tours, problems = read_tours()
    problems += tour.check(tours, load().data)
    if problems:
        raise DataError(problems)
    return tours


@st.cache_resource(show_spinner=False)
def tour_handout(tour_id: str) -> str:
    """Return the printed handout of a bundled tour (hidden on screen)."""
    loaded = load()
    chosen = load_tours().tours[tour_id]
    slides = tour_slides(tour_id)
    return handout.handout_html(chosen, slides, loaded.drawable, loaded.base)


@st.cache_resource(show_spinner=False)
def tour_slides(tour_id: str) -> list[Slide]:
    """Return the slides of one tour (what each step shows, and where)."""
    loaded = load()
    return tour.slides(load_tours().tours[tour_id], loaded.data, loaded.events)


def _draft() -> tour.Tour | None:
    """Return the builder's draft a ``?draft=`` link names (None, noted, if bad)."""
    token = st.query_params.get("draft")
    if not token:
        return None
    from app_pages.build_draft import draft_tour, read_draft

    try:
        chosen = draft_tour(read_draft(token))
    except (MapAppError, ValueError) as exc:
        st.warning(f"The link's draft tour cannot be shown ({exc}); showing the tours.")
        st.query_params.pop("draft", None)
        return None
    if tour.check(Tours(tours={chosen.id: chosen}), load().data):
        st.warning("The draft tour has problems: open it in the builder to fix them.")
        st.query_params.pop("draft", None)
        return None
    return chosen


def _slides(tours: Tours, tour_id: str, draft: tour.Tour | None) -> list[Slide]:
    """Return the slides of a bundled tour (cached) or of the draft (made now)."""
    if draft is None:
        return tour_slides(tour_id)
    loaded = load()
    return tour.slides(tours.tours[tour_id], loaded.data, loaded.events)


def _default_tour(tours: Tours) -> str:
    return "default" if "default" in tours.tours else next(iter(tours.tours))


def _init_state(tours: Tours) -> None:
    """Take the tour and step from the link; note what was wrong.

    This happens once per session, and again when a link naming another tour or
    step is followed within it (the sidebar's bare link keeps the step reached),
    or when Back or Forward bring a step shown before (``nav.came_back``). Any other
    address the page wrote itself is not a new link (``nav.wrote_link``).
    """
    params = st.query_params.to_dict()
    bare = {k: v for k, v in params.items() if k not in ("data", "draft")}
    if st.session_state.get("_present_init") and (
        not bare
        or (nav.wrote_link("present", params) and not nav.came_back("present", params))
    ):
        return
    notes = []
    wanted = st.query_params.get("tour")
    tour_id = _default_tour(tours)
    if wanted in tours.tours:
        tour_id = wanted
    elif wanted:
        notes.append(
            f"The link names a tour that does not exist: {wanted!r}. Showing "
            f"“{tours.tours[tour_id].title}” instead."
        )
    count = len(tours.tours[tour_id].steps)
    raw = st.query_params.get("step")
    step = 1
    if raw is not None:
        try:
            step = int(raw)
        except ValueError:
            step = 0
        if not 1 <= step <= count:
            step = count if step > count else 1
            notes.append(
                f"The link asks for step {raw!r}, but this tour has steps 1 to "
                f"{count}. Showing step {step}."
            )
    st.session_state.update(
        _present_init=True,
        _present_notes=notes,
        present_tour=tour_id,
        present_step=step - 1,
    )


def _go(step: int) -> None:
    st.session_state.present_step = step


def _choose_tour() -> None:
    st.session_state.present_step = 0


def _head(tours: Tours, count: int) -> None:
    """Draw the tour's name, the buttons, the counter and the progress bar."""
    i = st.session_state.present_step
    current = tours.tours[st.session_state.present_tour]
    with st.container(key="present-head"):
        left, nav_col, right = st.columns([4, 6, 2], vertical_alignment="center")
        with left:
            if len(tours.tours) > 1:
                st.selectbox(
                    "Tour",
                    list(tours.tours),
                    key="present_tour",
                    format_func=lambda t: tours.tours[t].title,
                    on_change=nav.guarded(_choose_tour),
                    label_visibility="collapsed",
                )
            else:
                st.markdown(f"**{md_escape(current.title)}**")
        with nav_col, st.container(key="present-nav", horizontal=True):
            st.button(
                "« First",
                key="present-first",
                on_click=nav.guarded(_go),
                args=(0,),
                disabled=i == 0,
                shortcut="Home",
            )
            st.button(
                "◀ Previous",
                key="present-prev",
                on_click=nav.guarded(_go),
                args=(i - 1,),
                disabled=i == 0,
                shortcut="Left",
            )
            st.button(
                "Next ▶",
                key="present-next",
                on_click=nav.guarded(_go),
                args=(i + 1,),
                disabled=i == count - 1,
                shortcut="Right",
                type="primary",
            )
            st.button(
                "Last »",
                key="present-last",
                on_click=nav.guarded(_go),
                args=(count - 1,),
                disabled=i == count - 1,
                shortcut="End",
            )
        with right, st.container(key="present-count"):
            st.markdown(f"**Step {i + 1} of {count}**")
        st.progress((i + 1) / count)


def _foot(loaded: Loaded, chosen: tour.Tour, slides: list[Slide]) -> None:
    """Draw the keys, the offline download and the way back, under the step's text.

    They sit at the end of the text column (which scrolls if it must), so that the
    page itself never scrolls on a projector.
    """
    with st.container(key="present-foot"):
        st.caption(
            "Keys: → or PageDown next, ← or PageUp previous, Home first, End last "
            "(presentation clickers work). Faded marks are earlier steps."
        )
        _download(loaded, chosen, slides)
        draft = st.query_params.get("draft")
        if draft:  # a preview from the builder goes back to it
            st.page_link(
                nav.build_page(),
                label="Back to the tour builder",
                query_params={"draft": draft},
            )
        st.page_link(nav.map_page(), label="Back to the map and timeline")


def _text(
    slide: Slide,
    description: str | None,
    foot: Callable[[], None] | None = None,
    far: bool = False,
) -> None:
    """Draw the step's date, title, narration and quote, large; then ``foot``."""
    with st.container(key="present-text", height=present_map.MAP_HEIGHT, border=False):
        if description:
            st.caption(md_escape(description))
        with st.container(key="present-date"):
            st.markdown(md_escape(slide.date))
        with st.container(key="present-title"):
            st.markdown(md_escape(slide.title))
        if slide.narration:
            with st.container(key="present-narration"):
                st.markdown(md_escape(slide.narration))
        if slide.quote:
            with st.container(key="present-quote"):
                st.markdown(f"> “{md_escape(slide.quote)}”")
        with st.container(key="present-source"):
            lead = "—" if slide.quote else "Source:"
            st.markdown(
                f"{lead} {md_escape(slide.citation)} · grade {slide.grade}: "
                f"{md_escape(slide.grade_meaning)}"
            )
            nav.source_link(slide.source, icon=":material/description:")
            if not slide.on_map:
                st.caption(
                    "This took place far from the frontier: the map zooms out to "
                    "show where, beside the frontier."
                    if far
                    else "Not drawn on the map: this took place over a whole region."
                )
        if foot is not None:
            foot()


def _download(loaded: Loaded, chosen: tour.Tour, slides: list[Slide]) -> None:
    """Offer the tour as one HTML file that presents it offline (built on click)."""
    tour_id = chosen.id

    def build() -> str:
        return tourhtml.tour_html(chosen, slides, loaded.drawable, loaded.base)

    st.download_button(
        "Download this tour for offline use (one HTML file)",
        build,
        f"yita-1962-{tour_id}.html",
        "text/html",
        on_click="ignore",
        key="present-download",
        help="Opens from disk in any browser, with no internet and no Python, and "
        "presents the same steps with the same keys.",
    )


def render() -> None:
    """Draw the present page for ``?tour=ID&step=N`` (N from 1)."""
    loaded = load()
    draft = _draft()
    tours = Tours(tours={draft.id: draft}) if draft else load_tours()
    st.html(CSS)
    st.html(KEYS_JS, unsafe_allow_javascript=True)
    if not tours.tours:
        st.info("There are no tours yet: add one to events/tours/ (see the docs).")
        return
    _init_state(tours)
    if st.session_state.get("present_tour") not in tours.tours:  # a draft came or went
        st.session_state.update(present_tour=_default_tour(tours), present_step=0)
    for note in st.session_state.pop("_present_notes", []):
        st.warning(note)
    tour_id = st.session_state.present_tour
    slides = _slides(tours, tour_id, draft)
    count = len(slides)
    i = min(max(st.session_state.present_step, 0), count - 1)
    st.session_state.present_step = i
    _head(tours, count)
    left, right = st.columns([11, 9], gap="medium")
    with left, st.container(key="present-map"):
        present_map.present_map(loaded, slides, i)
    with right:
        chosen = tours.tours[tour_id]
        description = chosen.description if i == 0 else None
        row = loaded.events.loc[slides[i].event]
        far = bool(row["located"]) and bool(row["far"])
        _text(slides[i], description, lambda: _foot(loaded, chosen, slides), far)
    printed = (
        tour_handout(tour_id)
        if draft is None
        else handout.handout_html(draft, slides, loaded.drawable, loaded.base)
    )
    st.html(f"<style>{handout.PRINT_CSS}{PRINT_APP_CSS}</style>{printed}")
    params = {"tour": tour_id, "step": str(i + 1)}
    token = data_token()
    if token:
        params["data"] = token
    if draft is not None:
        params["draft"] = st.query_params.get("draft")
    nav.write_link("present", params)

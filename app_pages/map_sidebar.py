"""The map page's sidebar: the filters, and the banner of a researcher's file."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import map_state, nav
from app_pages.loaded import Loaded
from mapapp.detail import count, md_escape
from mapapp.model import EVENT_KINDS, GRADE_MEANING, GRADES
from mapapp.select import Selection
from mapapp.style import KIND_LABELS


def user_banner(loaded: Loaded) -> None:
    """Say that a researcher's file is shown, with a link to its report."""
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


def selection() -> Selection:
    """Return the selection the filters make (their state, set before the run).

    A filter's new value is in the session's state when the run starts, so the
    page can draw what the reader waits for (the map, the list) before the
    filters themselves (:func:`sidebar`).
    """
    start, end = st.session_state.f_window
    return Selection(
        start=start,
        end=end,
        kinds=tuple(st.session_state.f_kinds),
        grades=tuple(st.session_state.f_grades),
        text=st.session_state.f_text,
    )


def sidebar(loaded: Loaded) -> None:
    """Draw the filters in the sidebar (their values make :func:`selection`)."""
    lo, hi = map_state.span(loaded)
    first, last = map_state.slider_bounds(loaded)
    with st.sidebar:
        st.header("Filter")
        st.slider(
            "Dates",
            min_value=first,
            max_value=last,
            key="f_window",
            on_change=nav.interacted,
            format="D MMM YYYY",
            help="Events are kept when any day they may mean lies in the window.",
        )
        start, end = st.session_state.f_window
        if (first, last) != (lo, hi):
            st.button(
                f"Whole span ({lo.year}–{hi.year})",
                on_click=nav.guarded(map_state.whole_span),
                args=(True,),
                type="tertiary",
                icon=":material/unfold_more:",
                help=f"The slider shows {first.year}; let it reach every date of the "
                "data.",
            )
        elif (
            st.session_state.get(map_state.WHOLE_SPAN)
            and map_state.STORY[0] <= start <= end <= map_state.STORY[1]
        ):
            st.button(
                "Zoom to 1962",
                on_click=nav.guarded(map_state.whole_span),
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
                on_click=nav.guarded(map_state.set_window),
                args=(date(1962, 3, 1), date(1962, 6, 30)),
            )
            st.button(
                "1962", on_click=nav.guarded(map_state.set_window), args=map_state.STORY
            )
            st.button(
                "All",
                on_click=nav.guarded(map_state.set_window),
                args=(lo, hi),
                help="Every date of the data",
            )
        st.multiselect(
            "Kinds of event",
            EVENT_KINDS,
            key="f_kinds",
            on_change=_chosen,
            args=("f_kinds", EVENT_KINDS),
            format_func=KIND_LABELS.get,
            placeholder="All kinds",
        )
        st.multiselect(
            "Source reliability",
            GRADES,
            key="f_grades",
            on_change=_chosen,
            args=("f_grades", GRADES),
            format_func=lambda g: f"{g}: {GRADE_MEANING[g]}",
            placeholder="All grades",
            help="Keep events citing at least one source of these grades.",
        )
        st.text_input(
            "Search",
            key="f_text",
            on_change=nav.interacted,
            placeholder="e.g. Кульджа, Khorgos, memorandum",
            help="Matches titles, summaries and every name of every place, in any "
            "script.",
        )


def _chosen(key: str, options: tuple[str, ...]) -> None:
    """Mark the run as the reader's; every option chosen is no filter at all.

    The filter then shows its placeholder ("All kinds"), and the address names no
    kinds, as before any was chosen (it listed all seven).
    """
    nav.interacted()
    if set(st.session_state[key]) >= set(options):
        st.session_state[key] = []

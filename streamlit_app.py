"""The Ili–Tacheng 1962 map: pages and navigation (logic lives in mapapp/)."""

from __future__ import annotations

import logging

import streamlit as st

from app_pages import map_component, nav
from app_pages.loaded import show_error, show_failure
from mapapp import templating
from mapapp.errors import MapAppError

st.set_page_config(
    page_title="Ili–Tacheng 1962: a sourced map",
    layout="wide",
    # "auto": open on a wide screen, closed on a phone (where it would cover the page)
    initial_sidebar_state="auto",
)
templating.enable()  # compiled templates and compact JSON for every map drawn
map_component.enable()  # the map page's map made once for every session
st.html(nav.PAGE_CSS)  # the app's contrast fixes, on every page
nav.keep_widget_state()
nav.begin_run()
nav.page_script()  # the phone's drawer; map moves; links to pages with parameters
navigation = st.navigation(
    [
        nav.map_page(),
        nav.source_page(),
        nav.data_page(),
        nav.present_page(),
        nav.build_page(),
        nav.map_address(),
    ]
)
nav.note_page(navigation.url_path)  # which page this run shows, and the one before
try:
    failure = nav.callback_failure()  # raised in a widget's callback, before this run
    if failure is not None:
        raise failure
    navigation.run()
except MapAppError as exc:
    show_error(exc)
except Exception:  # the last line of defence: a message and a way back, no traceback
    logging.getLogger("mapapp.app").exception("a page failed")
    show_failure()

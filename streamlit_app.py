"""The Ili–Tacheng 1962 map: pages and navigation (logic lives in mapapp/)."""

from __future__ import annotations

import streamlit as st

from app_pages import nav
from app_pages.loaded import show_error
from mapapp.errors import MapAppError

st.set_page_config(
    page_title="Ili–Tacheng 1962: a sourced map",
    layout="wide",
    initial_sidebar_state="expanded",
)
navigation = st.navigation(
    [nav.map_page(), nav.source_page(), nav.data_page(), nav.present_page()]
)
try:
    navigation.run()
except MapAppError as exc:
    show_error(exc)

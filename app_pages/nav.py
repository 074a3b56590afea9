"""The app's pages, defined once for navigation and for links between pages."""

from __future__ import annotations

import streamlit as st


def map_page() -> st.Page:
    """Return the page of the map, timeline and event detail (the default page)."""
    from app_pages import map_page as page

    return st.Page(page.render, title="Map and timeline", url_path="map", default=True)


def source_page() -> st.Page:
    """Return the page of a source document: metadata, full text, citing events."""
    from app_pages import source_page as page

    return st.Page(page.render, title="Source documents", url_path="source")


def data_page() -> st.Page:
    """Return the page where researchers load their own events and read the report."""
    from app_pages import data_page as page

    return st.Page(page.render, title="Your own events", url_path="data")


def present_page() -> st.Page:
    """Return the page that presents a guided tour to a class, one step at a time."""
    from app_pages import present_page as page

    return st.Page(page.render, title="Present a tour", url_path="present")

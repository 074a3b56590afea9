"""A source document: what it is, its text with quoted passages marked, who cites it."""

from __future__ import annotations

import streamlit as st

from app_pages import nav
from app_pages.loaded import current, data_token
from mapapp import detail
from mapapp.detail import md_escape


def render() -> None:
    """Draw the source page for ``?source=ID`` (or a chooser)."""
    loaded = current()
    sources = loaded.data.sources
    wanted = st.query_params.get("source")
    if wanted and wanted not in sources:
        st.warning(f"The link names a source that does not exist: {wanted!r}.")
        wanted = None
    ids = sorted(sources, key=lambda s: (sources[s].grade, sources[s].title))
    choice = st.selectbox(
        "Source",
        ids,
        index=ids.index(wanted) if wanted else None,
        format_func=lambda s: f"[{sources[s].grade}] {sources[s].title}",
        placeholder="Choose a source document",
    )
    if not choice:
        st.info("Choose a source, or follow a “Read the source” link from an event.")
        return
    st.query_params["source"] = choice
    if data_token():
        st.query_params["data"] = data_token()
    d = detail.source_detail(loaded.data, choice)
    st.title(md_escape(d.title), anchor=False)
    st.markdown("  \n".join(f"**{k}:** {md_escape(v)}" for k, v in d.fields))
    if d.url:
        st.link_button("Open in the archive", d.url)
    st.markdown(md_escape(d.summary))
    if d.segments:
        st.subheader("Full text", anchor=False)
        st.caption("Passages quoted by events are highlighted.")
        with st.container(border=True):
            st.markdown(
                "".join(
                    f":orange-background[{md_escape(seg)}]"
                    if quoted
                    else md_escape(seg)
                    for seg, quoted in d.segments
                )
            )
    else:
        st.caption(
            "We do not carry this document's text; the summary above is in our words. "
            + (
                "Follow the archive link above to read it."
                if d.url
                else "We have no link to it: see the citation above."
            )
        )
    st.subheader(f"Events citing it ({len(d.citing)})", anchor=False)
    for event_id, title in d.citing:
        st.page_link(
            nav.map_page(), label=md_escape(title), query_params={"event": event_id}
        )

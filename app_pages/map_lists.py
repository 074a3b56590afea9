"""The map page's lists: the events as a table, the events far away, the downloads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import map_state, nav
from app_pages.loaded import Loaded
from mapapp import (
    export,
    meta,
)
from mapapp.detail import count
from mapapp.select import Selection
from mapapp.style import KIND_LABELS

LIST_LIMIT = 1_000  # rows of the event list (all of them are in the downloads)


def event_list(loaded: Loaded, ids: list[str]) -> None:
    """Draw the events shown as a table; a row chosen selects its event."""
    by_id = loaded.by_id
    total = len(ids)
    ids = ids[:LIST_LIMIT]
    where = loaded.events.loc[ids, ["far", "located"]]
    rows = pd.DataFrame(
        {
            "Date": [by_id[i].when.human() for i in ids],
            "Event": [by_id[i].title for i in ids],
            "Kind": [KIND_LABELS[by_id[i].kind] for i in ids],
            "Where": np.where(
                where["far"].to_numpy(dtype=bool),
                "far from the frontier (see list)",
                np.where(
                    where["located"].to_numpy(dtype=bool), "on the map", "not located"
                ),
            ),
            "Sources": [len(by_id[i].sources) for i in ids],
        }
    )
    st.session_state._list_ids = ids
    st.subheader(f"Events ({total:,} shown)", anchor=False)
    if total > LIST_LIMIT:
        st.caption(
            f"The list holds the first {LIST_LIMIT:,} of them; narrow the "
            "filter, or download them all below."
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="event_list",
        on_select=nav.guarded(map_state.on_list),
        selection_mode="single-row",
    )


def downloads(loaded: Loaded, ids: list[str], sel: Selection) -> None:
    """Offer the current selection as GeoJSON, CSV and GeoPackage (built on click)."""
    filters = {
        "from": sel.start.isoformat() if sel.start else None,
        "to": sel.end.isoformat() if sel.end else None,
        "kinds": list(sel.kinds),
        "grades": list(sel.grades),
        "q": sel.text,
        "events": _data_name(loaded),
        "events_selected": len(ids),
    }
    chosen = list(ids)
    frame = export.Frame(loaded.layers.border, loaded.layers.zones)

    def build(fmt: str):
        return lambda: export.build(
            fmt, loaded.data, loaded.located, chosen, meta.metadata(filters), frame
        )

    name = file_name(loaded)
    st.caption(
        f"Download the {len(ids)} events shown, with every claim and citation "
        "(the filters are recorded in the file's metadata):"
    )
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "GeoJSON",
        build("geojson"),
        f"{name}.geojson",
        "application/geo+json",
        on_click="ignore",
        key="dl-geojson",
    )
    c2.download_button(
        "CSV",
        build("csv"),
        f"{name}.csv",
        "text/csv",
        on_click="ignore",
        key="dl-csv",
    )
    c3.download_button(
        "GeoPackage",
        build("gpkg"),
        f"{name}.gpkg",
        "application/geopackage+sqlite3",
        on_click="ignore",
        key="dl-gpkg",
    )


def file_name(loaded: Loaded) -> str:
    """Return the downloads' file name (no extension): whose events they hold."""
    if loaded.user is None:
        return "yita-1962-events"
    return "your-events" if loaded.user.replace else "yita-1962-and-your-events"


def _data_name(loaded: Loaded) -> str:
    """Return what the exported events come from, for the export's metadata."""
    if loaded.user is None:
        return "bundled"
    if loaded.user.replace:
        return loaded.user.label
    return f"bundled + {loaded.user.label}"


def far_list(loaded: Loaded, ids: list[str]) -> None:
    """List the events far from the frontier or not located, each a button."""
    events = loaded.events.loc[ids]
    far = events[events["far"] | ~events["located"]]
    if not len(far):
        return
    listed = far.index[: LIST_LIMIT // 10]
    box = st.expander(
        f"{count(len(far), 'event')} took place far from the frontier (Beijing, "
        "Moscow, Urumqi…)",
        expanded=False,
        key="far_list",
        on_change=nav.interacted,  # tracked, so that its buttons are made when open
    )
    with box:
        if not box.open:  # its buttons are made only when it is open: a run less
            return  # heavy by dozens of widgets, on every run of the page
        if len(listed) < len(far):
            st.caption(f"The first {len(listed)}; narrow the filter to see others.")
        for eid in listed:
            map_state.event_button(loaded, eid, "far")

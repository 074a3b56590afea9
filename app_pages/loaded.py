"""Loading the data once per server, and showing data errors as a page."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import folium
import geopandas as gpd
import streamlit as st

from app_pages import nav
from mapapp import (
    assets,
    claimsymbols,
    eventlayers,
    geocode,
    importer,
    mapview,
    select,
    uploads,
    userdata,
)
from mapapp.dataset import Dataset
from mapapp.errors import DataError, MapAppError
from mapapp.layers import BaseLayers, read_base_layers
from mapapp.load import load_checked
from mapapp.model import Event
from mapapp.userdata import UserData


@dataclass(frozen=True)
class Loaded:
    """Everything the pages read; built once and shared (never mutated)."""

    data: Dataset
    located: geocode.GeocodeResult
    events: gpd.GeoDataFrame
    keys: dict[str, str]
    layers: BaseLayers
    base: mapview.BaseGeoJSON
    drawable: eventlayers.EventFeatures
    claims: claimsymbols.ClaimFeatures
    frontier: geocode.Frontier
    by_id: dict[str, Event]
    span: tuple[date, date]
    user: UserData | None = None

    @property
    def token(self) -> str:
        """Return a key naming this data, for caches shared between sessions."""
        return "bundled" if self.user is None else f"user-{self.user.digest}"


def digest(ids: Iterable[str]) -> str:
    """Return a short key naming many ids, for caches shared between sessions.

    Streamlit's own hashing of a long tuple of strings took seconds for tens of
    thousands of events.
    """
    return hashlib.blake2b("\n".join(ids).encode(), digest_size=16).hexdigest()


@st.cache_resource(show_spinner="Loading the records and the 1962 border…")
def load() -> Loaded:
    """Read, check and geocode the bundled data; raise DataError on any problem."""
    checked = load_checked()
    if checked.problems:
        raise DataError(checked.problems)
    frontier, located = checked.frontier, checked.located
    layers = read_base_layers(frontier.border, frontier.territory, located.places)
    base = mapview.base_geojson(layers)
    loaded = assemble(checked.data, located, layers, frontier, base)
    # kept for the server's life: later collections need not walk these records
    gc.freeze()
    return loaded


def assemble(
    data: Dataset,
    located: geocode.GeocodeResult,
    layers: BaseLayers,
    frontier: geocode.Frontier,
    base: mapview.BaseGeoJSON,
    user: UserData | None = None,
) -> Loaded:
    """Return what the pages read for a dataset and its geocode."""
    events = eventlayers.event_frame(data, located.events)
    return Loaded(
        data=data,
        located=located,
        events=events,
        keys=select.search_keys(data),
        layers=layers,
        base=base,
        drawable=eventlayers.event_features(events),
        claims=claimsymbols.ClaimFeatures(data, events),
        frontier=frontier,
        by_id={ev.id: ev for ev in data.events},
        span=select.date_span(data.events),
        user=user,
    )


def current() -> Loaded:
    """Return the data this session shows: a researcher's upload, or the bundle.

    A link or a reload that names a kept upload (``?data=<token>``) brings it back
    into a session that does not hold it; a link to an expired one says so.
    """
    _restore_upload()
    user = st.session_state.get("user_data")
    return user if user is not None else load()


@st.cache_resource(show_spinner=False)
def upload_store() -> uploads.UploadStore:
    """Return the server's store of uploads (one per server process)."""
    return uploads.UploadStore(uploads.default_root())


def data_token() -> str | None:
    """Return the token of the upload this session shows, for its links."""
    return st.session_state.get("data_token")


def keep_upload(user: UserData, raw: bytes) -> None:
    """Keep the session's upload on the server, so that its link outlives a reload."""
    try:
        kept = upload_store().put(raw, user.label, user.replace)
    except uploads.UploadError as exc:
        st.session_state.data_token = None
        st.warning(f"Your file is shown for this session only: {exc}.")
        return
    st.session_state.data_token = kept.token
    st.session_state.setdefault("_kept_tokens", []).append(kept.token)
    st.query_params["data"] = kept.token


def kept_uploads() -> int:
    """Return how many files this session has kept on the server (and not removed)."""
    return len(st.session_state.get("_kept_tokens", []))


def drop_upload() -> None:
    """Delete the session's uploads from the server now, and forget them here.

    Every file the session kept goes, not only the one shown: a file loaded after
    another replaces it on the page, but the earlier one's link still worked.
    """
    token = st.session_state.pop("data_token", None)
    for kept in {token, *st.session_state.pop("_kept_tokens", [])} - {None}:
        upload_store().delete(kept)
    for key in ("user_data", "user_report", "user_refused"):
        st.session_state.pop(key, None)
    st.query_params.pop("data", None)


def _restore_upload() -> None:
    token = st.query_params.get("data")
    if not token or token == st.session_state.get("data_token"):
        return
    if token == st.session_state.get("_data_tried"):
        return
    st.session_state._data_tried = token
    try:
        kept = upload_store().get(token)
        user = userdata.combine(
            kept.raw, kept.label, load().data, load().frontier, replace=kept.replace
        )
    except MapAppError as exc:
        st.warning(f"The link's uploaded file could not be shown: {exc}.")
        st.query_params.pop("data", None)
        return
    st.session_state.data_token = token
    st.session_state.user_report = user
    st.session_state.user_data = with_user_data(user) if user.accepted else None


def with_user_data(user: UserData) -> Loaded:
    """Return the pages' data for an upload combined with the bundled data.

    The places layer shows the gazetteer only (an upload's ad-hoc points are drawn
    as its events), so the bundle's base map is reused as it is.
    """
    bundled = load()
    with importer.gc_paused():  # the upload's records and features: a bulk build
        return assemble(
            user.data,
            user.located,
            bundled.layers,
            bundled.frontier,
            bundled.base,
            user,
        )


# Passed to st_folium as ``render``: False skips its render of the whole figure,
# which it throws away (it renders the map, the figure's header and its html again
# to send them). What it sends is the same (tests/test_app.py holds this), and that
# render was two thirds of the map's time on every run.
RENDER_FIGURE = False


def base_map(view: tuple[float, float, int] | None = None) -> folium.Map:
    """Return the base map, assets served by the app, opening at ``view``.

    Built fresh on every run from cached GeoJSON: streamlit-folium mutates the map
    it renders, so a cached Map object would change and remount the component.
    """
    m = mapview.base_map(load().base, tiles=mapview.TILES, view=view)
    assets.localise(m)
    return m


def show_error(exc: MapAppError) -> None:
    """Show a mapapp error as a message and stop (the app's one translation point)."""
    if isinstance(exc, DataError):
        st.error(
            "The data could not be loaded. Fix these problems in the files named and "
            "reload the page:"
        )
        st.code("\n".join(str(p) for p in exc.problems), language=None, wrap_lines=True)
    else:
        st.error(str(exc))
    st.stop()


def show_failure() -> None:
    """Show an unexpected failure as a short message with a way back (no traceback).

    The details go to the server's log; the page offers the map and a fresh start.
    """
    st.error(
        "Something went wrong on this page. Your filters and your uploaded file are "
        "kept; go back to the map, or reload the page to start again."
    )
    st.page_link(nav.map_page(), label="Back to the map", icon=":material/map:")
    st.stop()

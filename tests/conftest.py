from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mapapp.model import Name, Place

DATA = Path(__file__).parent / "data"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # the exports' timestamp in tests
MINI = DATA / "mini"


@pytest.fixture
def mini_root() -> Path:
    """A tiny consistent dataset: two events, two sources, two places."""
    return MINI


def seen_by_gis(values) -> list:
    """Values as a GIS user sees them: missing as None, dates as ISO days."""
    return [
        None
        if v is None or v != v
        else v.date().isoformat()
        if hasattr(v, "date")
        else v
        for v in list(values)
    ]


def make_place(
    pid: str,
    names: list[tuple[str, str]],
    state: str = "PRC",
    lon: float = 1.0,
    lat: float = 1.0,
    kind: str = "town",
    precision: str = "exact",
) -> Place:
    return Place(
        id=pid,
        names=[Name(name=n, lang=lang) for n, lang in names],
        kind=kind,
        state_1962=state,
        admin_1962="Test unit",
        precision=precision,
        coord_source="hand-made",
        lon=lon,
        lat=lat,
    )


@pytest.fixture
def fresh_cache():
    """Clear Streamlit's caches around an app test (AppTest shares the process)."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def map_args(at) -> dict:
    """Return the arguments of the one map (st_folium) on an AppTest page."""
    import json

    (component,) = [
        el for el in at.main if getattr(el, "type", None) == "component_instance"
    ]
    assert component.proto.component_name == "streamlit_folium.st_folium"
    return json.loads(component.proto.json_args)


@pytest.fixture(autouse=True, scope="session")
def _templating() -> None:
    """Render maps as the app and the CLI do: they call ``templating.enable()``."""
    from mapapp import templating

    templating.enable()


# The hand-made world and its export table, shared by the export tests
# (test_export, test_gpkg); a module may define its own ``w``.
@pytest.fixture(scope="module")
def w():
    from tests.world import world

    return world()


@pytest.fixture(scope="module")
def table(w):
    from mapapp import export

    return export.event_table(w.data, w.located)


@pytest.fixture(scope="module")
def metadata():
    from mapapp import meta

    return meta.metadata({"from": "1962-04-01", "kinds": ["crossing"]}, NOW)

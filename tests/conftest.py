from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.model import Name, Place

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"


@pytest.fixture
def mini_root() -> Path:
    """A tiny consistent dataset: two events, two sources, two places."""
    return MINI


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

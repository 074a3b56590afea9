"""The map page's map made once per distinct map (app_pages.map_component)."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from app_pages import map_component
from tests.conftest import map_args

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def sent(monkeypatch, fresh_cache):
    """What the component is sent, collected instead of drawn."""
    out: list[dict] = []
    monkeypatch.setattr(
        streamlit_folium, "_component_func", lambda **kw: out.append(kw) or {"zoom": 6}
    )
    map_component.enable()  # wraps the collector, as it wraps the component
    return out


def _map() -> dict:
    m = folium.Map(location=(44, 81), zoom_start=6, tiles=None)
    group = folium.FeatureGroup(name="Events")
    folium.CircleMarker((44.0, 81.0), radius=5, tooltip="Yining").add_to(group)
    return {
        "fig": m,
        "key": "map",
        "feature_group_to_add": [group],
        "returned_objects": ["bounds", "zoom"],
    }


def _named(args: dict) -> dict:
    """The arguments with folium's random element names made equal."""
    return {
        k: re.sub("[0-9a-f]{32}", "ID", v) if isinstance(v, str) else v
        for k, v in args.items()
        if k != "on_change"
    }


def test_a_map_is_made_once_and_sent_as_st_folium_sends_it(sent):
    made = []

    def make() -> dict:
        made.append(1)
        return _map()

    for centre in ((44.0, 81.0), (45.0, 82.0)):
        value = map_component.show(("test", 1), make, center=centre, zoom=7)
        assert value == {"zoom": 6}  # the component's value comes back
    assert len(made) == 1
    first, second = sent
    assert (first["center"], second["center"]) == ((44.0, 81.0), (45.0, 82.0))
    # the very same text twice: the component does not draw its layers again
    assert {**first, "center": None} == {**second, "center": None}
    streamlit_folium.st_folium(**_map(), center=(45.0, 82.0), zoom=7)
    assert _named(sent[-1]) == _named(second)  # st_folium's own work, unchanged
    map_component.show(("test", 2), make, center=(44.0, 81.0), zoom=7)
    assert len(made) == 2  # another key, another map


def test_st_folium_elsewhere_still_sends_its_map(sent):
    streamlit_folium.st_folium(**_map())
    assert len(sent) == 1 and "Yining" in sent[0]["feature_group"]


@pytest.mark.usefixtures("fresh_cache")
def test_sessions_of_one_view_are_sent_the_same_map():
    """A class opening the app: the second session's map is the first's text."""
    texts = []
    for _ in range(2):
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception, at.exception
        texts.append(map_args(at))
    assert texts[0]["feature_group"] == texts[1]["feature_group"]
    assert texts[0]["script"] == texts[1]["script"]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["event"] = "1962-05-29-yining-riot"
    at.run()
    assert map_args(at)["feature_group"] != texts[0]["feature_group"]  # the halo


def _clicks_app():
    import streamlit as st

    from app_pages import map_component

    seen = []
    for value in st.session_state.values_to_report:
        click = map_component.new_click(value, "_seen")
        seen.append(click[0] if click else None)
    st.session_state.reported = seen


def test_a_second_click_on_the_same_marker_is_a_new_click():
    """The count of clicks tells a click from a report of the same drawing."""

    def value(count, event="riot"):
        drawing = {"geometry": {"type": "Point", "coordinates": [81.3, 43.9]}}
        drawing["properties"] = {"id": event}
        return {"last_object_clicked_count": count, "last_active_drawing": drawing}

    at = AppTest.from_function(_clicks_app)
    at.session_state.values_to_report = [
        None,  # the map's first report: no click yet
        value(0),  # a new map counts from 0
        value(1),  # a click on the riot
        value(1),  # the map moved: the same count, no click
        value(2),  # the riot clicked again (another event was chosen meanwhile)
        value(0),  # the page left and opened again: a new map
        value(1),  # its first click
        value(3, event=None) | {"last_active_drawing": {"properties": {}}},  # a label
    ]
    at.run()
    assert not at.exception
    assert at.session_state.reported == [
        None,
        None,
        "riot",
        None,
        "riot",
        None,
        "riot",
        None,
    ]

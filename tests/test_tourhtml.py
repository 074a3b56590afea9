"""The offline tour: its payload, its styles (the present page's), one HTML file."""

from __future__ import annotations

import json
import re

import folium

from mapapp import eventlayers, mapview, style, tourhtml
from mapapp.tour import Slide, Tour


def _collection(geometry: dict, **props) -> dict:
    feature = {"type": "Feature", "geometry": geometry, "properties": props}
    return {"type": "FeatureCollection", "features": [feature]}


def _base() -> mapview.BaseGeoJSON:
    """A base map of one feature per layer (folium's tooltips need their fields)."""
    square = {
        "type": "Polygon",
        "coordinates": [[[80, 43], [82, 43], [82, 45], [80, 45], [80, 43]]],
    }
    line = {"type": "LineString", "coordinates": [[80, 44], [82, 44]]}
    point = {"type": "Point", "coordinates": [81, 44]}
    return mapview.BaseGeoJSON(
        basemap=_collection(square, layer="land", name="Land", state="PRC"),
        zones=_collection(square, name="Zone", reason="maps differ"),
        border=_collection(
            line, id="b", certainty="certain", basis_text="treaty", note_text=""
        ),
        places=_collection(
            point, name_1962="Town", other="", where="PRC side", precision="exact"
        ),
        labels=_collection(point, name_1962="Town", direction="down"),
        bounds=[[43.0, 80.0], [45.0, 82.0]],
    )


PAYLOAD = "</script><script>alert(1)</script>"


def _slide(**kw) -> Slide:
    values = {
        "number": 1,
        "event": "x",
        "kind": "crossing",
        "date": "22 April 1962",
        "title": PAYLOAD,
        "narration": "<b>& not bold</b>",
        "quote": "some 6,000",
        "source": "a-memo",
        "citation": "A memo",
        "grade": "A",
        "grade_meaning": "primary document",
        "view": (44.0, 81.0, 7),
        "on_map": True,
    }
    return Slide(**{**values, **kw})


def _drawable() -> eventlayers.EventFeatures:
    feature = {
        "type": "Feature",
        "id": "x",
        "geometry": {"type": "Point", "coordinates": [81.0, 44.0]},
        "properties": {"id": "x", "kind": "crossing"},
    }
    arrow = {
        "type": "Feature",
        "id": "x>0",
        "geometry": {"type": "Point", "coordinates": [81.1, 44.1]},
        "properties": {"id": "x"},
    }
    return eventlayers.EventFeatures({"x": [feature]}, {"x": [arrow]})


def test_payload_keeps_arrowheads_apart_and_carries_the_one_set_of_styles():
    t = Tour(id="t", title="T", description="D", steps=[{"event": "x"}])
    data = tourhtml.payload(t, [_slide()], _drawable())
    step = data["steps"][0]
    assert [f["id"] for f in step["features"]] == ["x"]
    assert [f["id"] for f in step["tips"]] == ["x>0"]
    assert step["kind"] == "crossing" and step["view"] == [44.0, 81.0, 7]
    # the player styles steps with the styles the app's present page draws with
    assert step["styles"] == {
        part: style.tour_style(part, "crossing") for part in style.TOUR_STYLES
    }
    assert step["styles"]["step"]["color"] == style.KIND_COLOURS["crossing"]


def test_the_present_page_layers_use_the_tour_styles():
    """The app's present page draws a step with the styles the player is given."""
    drawable = _drawable()
    for f in drawable.features["x"]:
        f["properties"].update(date_text="1962", title_html="X")
    earlier = json.loads(json.dumps(drawable.features["x"][0]))
    earlier["id"] = earlier["properties"]["id"] = "w"
    drawable.features["w"] = [earlier]
    drawable.arrows["w"] = [{**drawable.arrows["x"][0], "id": "w>0"}]
    faded, current = eventlayers.tour_groups(drawable, ["w", "x"], "x", "crossing")
    m = folium.Map()
    faded.add_to(m)
    current.add_to(m)
    html = m.get_root().render()
    for part, kind in [
        ("step", "crossing"),
        ("step_tip", "crossing"),
        ("earlier", "crossing"),
        ("earlier_tip", "crossing"),
        ("halo_point", "crossing"),
    ]:
        # folium writes each style function's result as sorted JSON
        written = json.dumps(style.tour_style(part, kind), sort_keys=True)
        assert f"return {written};" in html, part


def test_tour_html_is_self_contained_and_escapes_data_text():
    base = _base()
    t = Tour(id="t", title=PAYLOAD, description="D", steps=[{"event": "x"}])
    page = tourhtml.tour_html(t, [_slide()], _drawable(), base)
    assert PAYLOAD not in page and "<b>& not bold</b>" not in page
    assert "<title>&lt;/script&gt;" in page
    blob = re.search(
        r'<script type="application/json" id="tour-data">(.*?)</script>', page, re.S
    )
    data = json.loads(blob[1])
    assert data["title"] == PAYLOAD and data["steps"][0]["title"] == PAYLOAD
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*\bhref=", page)
    assert "L.map(" in page and "yitaTour" in page

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from mapapp import eventlayers, mapview
from mapapp.dataset import Dataset
from mapapp.layers import BaseLayers
from mapapp.model import Event


def events_frame():
    ev = [
        Event(
            id="walk",
            title="<b>Walk</b>",
            summary="s",
            kind="crossing",
            when="1962-04-22",
            sources=[{"source": "a"}],
        ),
        Event(
            id="talk",
            title="Talk",
            summary="s",
            kind="diplomacy",
            when="1962-04~",
            sources=[{"source": "a"}],
        ),
        Event(
            id="far",
            title="Far",
            summary="s",
            kind="diplomacy",
            when="1962",
            sources=[{"source": "a"}],
        ),
    ]
    located = gpd.GeoDataFrame(
        {
            "id": ["walk", "talk", "far"],
            "kind": ["crossing", "diplomacy", "diplomacy"],
            "geo_precision": ["exact"] * 3,
            "crossing_inferred": [True, False, False],
            "far": [False, False, True],
            "place_ids": ["a|b", "a", "c"],
            "located": [True, True, True],
        },
        geometry=[LineString([(0, 0), (1, 0)]), Point(0.5, 0.5), Point(50, 50)],
        crs=4326,
    )
    return eventlayers.event_frame(Dataset(events=tuple(ev)), located)


def test_event_frame_escapes_titles_and_writes_dates():
    frame = events_frame()
    assert frame.loc["walk", "title_html"] == "&lt;b&gt;Walk&lt;/b&gt;"
    assert frame.loc["walk", "date_text"] == "22 April 1962"
    assert frame.loc["talk", "approximate"]


def test_event_groups_one_layer_per_kind_far_events_left_out():
    drawable = eventlayers.event_features(events_frame())
    assert set(drawable.features) == {"walk", "talk"}
    assert len(drawable.arrows["walk"]) == 1
    groups = eventlayers.event_groups(
        drawable, ["walk", "talk", "far"], selected="talk"
    )
    names = [g.layer_name for g in groups]
    assert names[0] == "Selected event"  # drawn first: a halo under the event
    assert names[1:3] == ["Crossings (1)", "Diplomacy (1)"]
    assert len(groups) == 8  # seven kinds and the selection


def test_arrowhead_points_along_the_last_segment():
    of, heads = eventlayers.arrowheads(np.array([LineString([(0, 0), (1, 0)])]), 0.1)
    assert of.tolist() == [0]
    tip = shapely.get_coordinates(heads[0])
    assert tuple(tip[0]) == (1.0, 0.0)
    assert tip[1][0] == pytest.approx(0.9) and tip[2][0] == pytest.approx(0.9)


def test_for_display_rounds_and_simplifies():
    frame = gpd.GeoDataFrame(geometry=[box(0.123456789, 0, 1, 1)], crs=4326)
    out = mapview.for_display(frame, tolerance=0.001, decimals=3)
    assert shapely.get_coordinates(out.geometry.values)[:, 0].min() == pytest.approx(
        0.123
    )


def test_features_of_many_events_are_built_when_drawn():
    frame = events_frame()
    lazy = eventlayers.event_features(frame, eager=0)  # as if there were too many
    eager = eventlayers.event_features(frame)
    assert lazy.features == {} and lazy.arrows == {}
    assert lazy.points.equals(eager.points)
    groups = eventlayers.event_groups(lazy, ["walk"], selected="talk")
    assert set(lazy.features) == {"walk", "talk"}  # drawn, and the selection
    assert lazy.features == eager.features and lazy.arrows == eager.arrows
    assert [g.layer_name for g in groups] == [
        g.layer_name for g in eventlayers.event_groups(eager, ["walk"], selected="talk")
    ]


def test_the_legend_starts_folded_and_under_the_tooltips():
    legend = mapview.legend_html()
    assert legend.startswith("<details")
    assert " open" not in legend.split(">", 1)[0]
    z = int(legend.split("z-index:", 1)[1].split(";", 1)[0])
    assert z < 650, "Leaflet's tooltip pane (650) must be drawn above the legend"


def test_place_labels_carry_their_rank_and_give_way_by_it():
    import pandas as pd
    from streamlit_folium import generate_leaflet_string  # what the app renders

    labels = gpd.GeoDataFrame(
        {
            "label": ["Yining", "Suiding", "Ili"],
            "other_names": [[], [], []],
            "far": [False, False, False],
            "side": ["PRC", "PRC", "PRC"],
            "distance_km": [60.0, 40.0, 60.0],
            "kind": ["city", "county-seat", "prefecture"],
            "state_1962": ["PRC", "PRC", "PRC"],
            "precision": ["exact", "exact", "region"],
        },
        geometry=[Point(81.3, 43.9), Point(80.8, 44.0), Point(81.3, 43.9)],
        crs=4326,
    )
    empty = gpd.GeoDataFrame(
        pd.DataFrame({"layer": [], "name": [], "state": []}),
        geometry=[],
        crs=4326,
    )
    layers = BaseLayers(
        basemap=empty,
        border=gpd.GeoDataFrame(
            {"id": ["b"], "certainty": ["certain"], "basis": ["x"], "note": [""]},
            geometry=[LineString([(80, 43), (81, 45)])],
            crs=4326,
        ),
        zones=gpd.GeoDataFrame({"name": [], "reason": []}, geometry=[], crs=4326),
        territory=empty,
        places=labels,
    )
    base = mapview.base_geojson(layers)
    ranks = {
        f["properties"]["name_1962"]: f["properties"]["rank"]
        for f in base.labels["features"]
    }
    assert ranks["Yining"] > ranks["Suiding"]  # a city wins over a county seat
    # a region is a name (drawn centred, in its own style), never a point
    assert ranks["Ili"] < ranks["Suiding"]
    names = [f["properties"]["name_1962"] for f in base.places["features"]]
    assert names == ["Yining", "Suiding"]
    directions = {
        f["properties"]["name_1962"]: f["properties"]["direction"]
        for f in base.labels["features"]
    }
    assert directions["Ili"] == "area" and directions["Yining"] == "down"
    script = generate_leaflet_string(mapview.base_map(base))
    assert "place-rank-" in script and "getBoundingClientRect" in script


def test_events_drawn_where_a_click_was_include_overlapping_markers_at_that_zoom():
    """Yining and its Soviet consulate, 2 km apart, are one pile below zoom 10."""
    city, consulate = [81.32151, 43.91515], [81.300011, 43.918228]

    def at(xy):
        return [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": xy},
                "properties": {},
            }
        ]

    drawable = eventlayers.EventFeatures(
        {"visit": at(consulate) + at([83.0, 46.7]), "riot": at(city)}, {}
    )
    ids = ["visit", "riot"]
    assert eventlayers.drawn_at(drawable, *consulate, ids) == ["visit"]
    assert eventlayers.drawn_at(drawable, *consulate, ids, zoom=7) == ["visit", "riot"]
    assert eventlayers.drawn_at(drawable, *consulate, ids, zoom=13) == ["visit"]


def test_a_click_builds_only_the_features_of_events_near_it():
    """With many events (features built when drawn), a click builds those near it."""
    frame = events_frame()
    lazy = eventlayers.event_features(frame, eager=0)
    eager = eventlayers.event_features(frame)
    ids = ["walk", "talk"]
    assert eventlayers.drawn_at(lazy, 0.5, 0.5, ids, zoom=12) == ["talk"]
    assert set(lazy.features) == {"talk"}  # the line "walk" is far from the point
    assert lazy.features["talk"] == eager.features["talk"]
    # zoomed far out, the line's box reaches the point: built, but only points count
    assert eventlayers.drawn_at(lazy, 0.5, 0.5, ids, zoom=2) == ["talk"]
    assert set(lazy.features) == {"talk", "walk"}

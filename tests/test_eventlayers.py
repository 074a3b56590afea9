"""The event layers: features per event, groups per kind, what a click reaches."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from mapapp import eventlayers
from mapapp.dataset import Dataset
from mapapp.model import Event


def events_frame():
    ev = [
        Event(
            id=eid,
            title=title,
            summary="s",
            kind=kind,
            when=when,
            sources=[{"source": "a"}],
        )
        for eid, title, kind, when in (
            ("walk", "<b>Walk</b>", "crossing", "1962-04-22"),
            ("talk", "Talk", "diplomacy", "1962-04~"),
            ("far", "Far", "diplomacy", "1962"),
        )
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
    return eventlayers.event_frame(Dataset.of(events=tuple(ev)), located)


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

"""Routes at regions end at the line: mapapp.crossings on a hand-drawn border."""

import numpy as np
import pandas as pd
import pytest
import shapely

from mapapp import crossings

LINE = shapely.LineString([(0, -10), (0, 10)])  # the border: x = 0; PRC east, USSR west


def refs(*rows):
    """Rows of (ev, group, rank, x, y, area); order is the row's position."""
    frame = pd.DataFrame(rows, columns=["ev", "group", "rank", "x", "y", "area"])
    frame["order"] = range(len(frame))
    frame["place"] = [f"p{i}" for i in range(len(frame))]
    return frame.drop(columns="area"), frame["area"].to_numpy(dtype=bool)


def route(drawn, ev=0):
    rows = drawn[drawn["ev"] == ev].sort_values(["rank", "order"])
    return rows[["rank", "x", "y"]].to_numpy()


def test_a_route_to_a_region_ends_just_past_its_crossing():
    frame, area = refs(
        (0, 1, 0, 2, 0, False), (0, 1, 1, 0, 0, False), (0, 1, 2, -5, 3, True)
    )
    drawn, inferred = crossings.area_ends(frame, area, LINE)
    rows = route(drawn)
    assert list(rows[:, 0]) == [0, 1, 2]  # origin, crossing, a new end
    end = rows[2, 1:]
    km = np.hypot(end[0] * 111.32, end[1] * 111.32)
    assert (
        end[0] < 0 and end[1] == pytest.approx(0) and km == pytest.approx(12, rel=1e-3)
    )
    assert (drawn["place"] == "p2").sum() == 0  # the region itself is not drawn
    assert len(inferred) == 0


def test_with_no_crossing_the_route_ends_past_where_it_meets_the_line():
    frame, area = refs((0, 1, 0, 2, 0, False), (0, 1, 2, -4, 0, True))
    drawn, inferred = crossings.area_ends(frame, area, LINE)
    rows = route(drawn)
    assert list(rows[:, 0]) == [0, 1, 2]
    assert rows[1, 1:] == pytest.approx([0, 0])  # the inferred crossing, on the line
    assert -0.2 < rows[2, 1] < 0  # then just past it, not at the region's anchor
    assert list(inferred) == [0]


def test_a_route_from_a_region_starts_just_before_its_crossing():
    frame, area = refs(
        (0, 1, 0, 3, 0, True), (0, 1, 1, 0, 0, False), (0, 1, 2, -2, 0, False)
    )
    drawn, _ = crossings.area_ends(frame, area, LINE)
    rows = route(drawn)
    assert list(rows[:, 0]) == [0, 1, 2]
    assert 0 < rows[0, 1] < 0.2 and rows[2, 1] == -2


def test_region_to_region_with_no_crossing_draws_nothing():
    frame, area = refs((0, 1, 0, 3, 0, True), (0, 1, 2, -3, 0, True))
    drawn, inferred = crossings.area_ends(frame, area, LINE)
    assert drawn.empty and len(inferred) == 0


def test_regions_as_sites_are_dropped_and_points_kept():
    frame, area = refs((0, 1, 3, 3, 0, True), (1, 1, 3, 2, 2, False))
    drawn, _ = crossings.area_ends(frame, area, LINE)
    assert list(drawn["place"]) == ["p1"]


def test_step_moves_a_set_distance_towards_a_point():
    out = crossings.step(np.array([[80.0, 60.0]]), np.array([[81.0, 60.0]]), 10.0)
    # at 60° N a degree of longitude is half as long: 10 km is 0.18 degrees
    assert out[0, 0] - 80 == pytest.approx(10 / 111.32 / 0.5) and out[0, 1] == 60


def test_first_crossings_finds_the_first_meeting_in_travel_order():
    line = shapely.MultiLineString([[(0, -5), (0, 5)], [(1, -5), (1, 5)]])
    xy, found = crossings.first_crossings(
        np.array([[2.0, 0, -1, 0], [5, 5, 6, 6]]), line
    )
    assert list(found) == [0] and xy[0] == pytest.approx([1, 0])

"""Counting events per area when there are too many to draw one by one."""

from __future__ import annotations

import json

import pandas as pd

from mapapp import density


def points(rows: list[tuple[str, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [r[1:] for r in rows],
        columns=["lon", "lat", "kind"],
        index=pd.Index([r[0] for r in rows], name="id"),
    )


PTS = points(
    [
        ("a", 80.10, 44.10, "crossing"),
        ("b", 80.20, 44.20, "crossing"),
        ("c", 80.30, 44.30, "unrest"),
        ("d", 85.00, 46.00, "diplomacy"),
    ]
)


def test_few_events_are_all_drawn_one_by_one():
    plan = density.plan(PTS, ["d", "a", "zz"], limit=2)  # zz: not drawable
    assert plan.detailed == ["a", "d"]
    assert plan.counted == 0 and plan.outside == 0


def test_many_events_are_counted_per_cell_with_their_kinds():
    plan = density.plan(PTS, list(PTS.index), zoom=6, limit=2)
    assert plan.detailed == []
    assert plan.counted == 4
    cells = plan.cells.to_dict("records")
    assert [c["count"] for c in cells] == [3, 1]
    assert cells[0]["lon"] == 80.2 and round(cells[0]["lat"], 6) == 44.2  # the mean
    assert cells[0]["text"] == (
        "3 events here (2 crossings, 1 unrest). Zoom in or narrow the filter to see "
        "each."
    )


def test_cells_shrink_as_the_map_zooms_in():
    assert density.cell_size(7) == density.cell_size(6) / 2
    coarse = density.cells(PTS, 4)
    fine = density.cells(PTS, 12)
    assert len(coarse) < len(fine) == 4


def test_zoomed_in_view_draws_its_events_one_by_one():
    view = [[44.0, 80.0], [44.25, 80.25]]  # south-west, north-east
    plan = density.plan(PTS, list(PTS.index), bounds=view, zoom=10, limit=2)
    assert plan.detailed == ["a", "b"]
    assert plan.outside == 2 and plan.counted == 0


def test_view_with_too_many_events_is_counted():
    view = [[40.0, 70.0], [50.0, 90.0]]
    plan = density.plan(PTS, list(PTS.index), bounds=view, zoom=6, limit=2)
    assert plan.detailed == [] and plan.counted == 4


def test_cell_layer_draws_one_circle_per_cell_with_its_text():
    plan = density.plan(PTS, list(PTS.index), zoom=6, limit=2)
    layer = density.cell_layer(plan.cells)
    assert layer.layer_name == "Counts of events (4)"
    (geojson,) = layer._children.values()
    features = geojson.data["features"]
    assert [f["properties"]["text"][:14] for f in features] == [
        "3 events here ",
        "1 event here (",
    ]
    radii = [f["properties"]["radius"] for f in features]
    assert radii[0] > radii[1]
    json.dumps(geojson.data)  # plain JSON: nothing numpy left in it

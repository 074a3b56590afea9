"""The real places on the shipped layers: the sides and distances the issue asks for."""

import pytest

from mapapp import geocode, io, load


@pytest.fixture(scope="module")
def located():
    data, problems = load.read_dataset()
    assert not problems
    frontier = geocode.Frontier(*io.read_frontier())
    return geocode.geocode(data, frontier)


@pytest.mark.parametrize(
    "place", ["yining", "tacheng", "huocheng", "khorgos-cn", "emin", "bole"]
)
def test_prc_side(located, place):
    assert located.places.loc[place, "side"] == "PRC"


@pytest.mark.parametrize(
    "place", ["khorgos-kz", "zharkent", "bakhty", "urjar", "usharal"]
)
def test_ussr_side(located, place):
    assert located.places.loc[place, "side"] == "USSR"
    assert located.places.loc[place, "unit"] == "Kazakh SSR"


@pytest.mark.parametrize("place", ["khorgos-cn", "khorgos-kz", "baketu"])
def test_crossing_points_lie_within_3_km_of_the_line(located, place):
    assert located.places.loc[place, "distance_km"] < 3


def test_every_declared_state_agrees_with_the_line(located):
    assert located.mismatches == ()
    assert located.unresolved == ()


def test_layers_are_normalised_to_4326():
    border, territory = io.read_frontier()
    assert border.crs.equals(4326) and territory.crs.equals(4326)
    assert set(border["certainty"]) == {"certain", "uncertain"}
    assert {"PRC", "USSR"} <= set(territory["state"])


def test_far_events_keep_real_coordinates(located):
    events = located.events.set_index("id")
    far = events[events["far"]]
    assert len(far) > 0 and far["located"].all()
    beijing = located.places.loc["beijing"]
    assert beijing["far"] and beijing.geometry.x > 110
    assert len(events) == len(located.events)  # none dropped


def test_bundled_crossings_have_routes(located):
    events = located.events.set_index("id")
    row = events.loc["1962-04-22-mass-crossing"]
    assert row.geometry.geom_type == "MultiLineString"
    assert row.place_ids == "ili-prefecture|khorgos-cn|tacheng|baketu"

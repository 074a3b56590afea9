"""The real places on the shipped layers: the sides and distances the issue asks for."""

import pytest
import shapely

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


@pytest.mark.parametrize("place", ["khorgos-kz", "zharkent", "urjar", "usharal"])
def test_ussr_side(located, place):
    assert located.places.loc[place, "side"] == "USSR"
    assert located.places.loc[place, "unit"] == "Kazakh SSR"


@pytest.mark.parametrize("place", ["khorgos-cn", "khorgos-kz", "baketu", "bakhty"])
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
    at_points = far["place_ids"].str.contains("beijing|moscow|urumqi")
    assert at_points.sum() > 0 and far.loc[at_points, "located"].all()
    beijing = located.places.loc["beijing"]
    assert beijing["far"] and beijing.geometry.x > 110
    assert len(events) == len(located.events)  # none dropped


def test_bundled_crossings_have_routes(located):
    events = located.events.set_index("id")
    row = events.loc["1962-exodus-size-estimates"]
    assert row.geometry.geom_type == "MultiLineString"
    assert {"khorgos-cn", "baketu", "shawan"} <= set(row.place_ids.split("|"))


def test_a_crossing_no_source_places_draws_no_route(located):
    """22 April: the memorandum names no crossing point, so none is drawn."""
    row = located.events.set_index("id").loc["1962-04-22-mass-crossing"]
    assert row.geometry.geom_type == "Point"
    assert row.place_ids == "ili-prefecture|tacheng"  # the region as a name only


def test_regions_are_never_points(located):
    """A region (SSR, prefecture, district, county) never stands for an event."""
    events = located.events.set_index("id")
    assert not events.loc["1957-08-dual-nationality-treaty-proposal", "located"]
    assert not events.loc["1915-ili-valley-delimitation", "located"]


def test_routes_to_a_region_end_just_past_their_crossing(located):
    """Ili -> Khorgos -> the Kazakh SSR ends a few km past Khorgos, not at Alma-Ata."""
    events = located.events.set_index("id")
    routes = events.loc["1962-exodus-size-estimates"].geometry
    khorgos = located.places.loc["khorgos-cn"].geometry
    ili = next(g for g in routes.geoms if g.distance(khorgos) < 1e-9)
    start, end = (shapely.Point(c) for c in (ili.coords[0], ili.coords[-1]))
    alma_ata = located.places.loc["almaty"].geometry
    assert end.distance(alma_ata) > 2  # degrees: nowhere near the capital
    assert 0.05 < end.distance(khorgos) < 0.25  # about 12 km past the crossing
    assert 0.05 < start.distance(khorgos) < 0.25  # and starts 12 km before it
    assert located.places.loc["ili-prefecture"].geometry.distance(start) > 0.5

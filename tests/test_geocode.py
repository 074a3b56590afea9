import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from mapapp import placerefs
from mapapp.dataset import Dataset
from mapapp.geocode import Frontier, distance_km, geocode, place_frame
from mapapp.model import Event
from tests.conftest import make_place


@pytest.fixture
def frontier():
    """Two squares either side of the meridian x=0; the border is x=0."""
    border = gpd.GeoDataFrame(
        {"id": ["s1"], "certainty": ["certain"]},
        geometry=[LineString([(0, -1), (0, 1)])],
        crs="EPSG:4326",
    )
    territory = gpd.GeoDataFrame(
        {"state": ["PRC", "USSR"], "unit": ["Xinjiang", "Kazakh SSR"]},
        geometry=[box(0, -1, 1, 1), box(-1, -1, 0, 1)],
        crs="EPSG:4326",
    )
    return Frontier(border, territory)


@pytest.fixture
def places():
    return [
        make_place("town-a", [("Town A", "en"), ("Khorgos", "en")], "PRC", 0.5, 0.2),
        make_place("post-b", [("Post B", "en"), ("Khorgos", "en")], "USSR", -0.5, 0.2),
        make_place("gate", [("Gate", "en")], "PRC", -0.01, 0.0, kind="crossing-point"),
        make_place("capital", [("Capital", "en")], "PRC", 5.0, 5.0, kind="capital"),
        make_place("misfiled", [("Misfiled", "en")], "USSR", 0.5, -0.5),
        make_place("vague", [("Vague", "en")], "PRC", 0.3, 0.3, precision="region"),
    ]


def event(eid, *refs, kind="crossing"):
    return Event(
        id=eid,
        title=eid,
        summary="s",
        kind=kind,
        when="1962-04-22",
        places=[{"place": p, "role": r} for p, r in refs],
        sources=[{"source": "memo"}],
    )


def dataset(places, events):
    return Dataset.of(events=tuple(events), places={p.id: p for p in places})


def test_sides_and_geodesic_distances(frontier, places):
    frame = place_frame(places, frontier)
    assert frame.crs.equals("EPSG:4326")
    assert frame.loc["town-a", "side"] == "PRC"
    assert frame.loc["post-b", "side"] == "USSR"
    assert frame.loc["town-a", "unit"] == "Xinjiang"
    _, _, metres = Geod(ellps="WGS84").inv(0.5, 0.2, 0.0, 0.2)
    assert frame.loc["town-a", "distance_km"] == pytest.approx(metres / 1000, abs=0.01)
    assert pd.isna(frame.loc["capital", "side"])
    assert frame.loc["capital", "far"] and not frame.loc["town-a", "far"]


def test_distance_to_a_diagonal_line_is_the_perpendicular():
    line = LineString([(0, 0), (1, 1)])
    d = distance_km(np.array([Point(1, 0)]), line)[0]
    assert d == pytest.approx(78.6, abs=0.5)  # half the diagonal of a 1° square


def test_consistency_check(frontier, places):
    result = geocode(dataset(places, []), frontier)
    # 'gate' is declared PRC but lies 1.1 km inside the USSR square: within tolerance
    assert [m.place for m in result.mismatches] == ["misfiled"]
    m = result.mismatches[0]
    assert (m.declared, m.computed) == ("USSR", "PRC")
    assert m.distance_km == pytest.approx(55.6, abs=0.1)
    strict = geocode(dataset(places, []), frontier, tolerance_km=0.5)
    assert {m.place for m in strict.mismatches} == {"misfiled", "gate"}


def test_route_without_crossing_infers_it_on_the_border(frontier, places):
    ev = event("fled", ("town-a", "origin"), ("post-b", "destination"))
    row = geocode(dataset(places, [ev]), frontier).events.iloc[0]
    assert row.geometry.geom_type == "LineString"
    assert list(row.geometry.coords) == [(0.5, 0.2), (0.0, 0.2), (-0.5, 0.2)]
    assert row.crossing_inferred
    assert row.place_ids == "town-a|post-b"


def test_route_with_crossing_place_is_not_inferred(frontier, places):
    ev = event(
        "fled", ("post-b", "destination"), ("gate", "crossing"), ("town-a", "origin")
    )
    row = geocode(dataset(places, [ev]), frontier).events.iloc[0]
    assert list(row.geometry.coords) == [(0.5, 0.2), (-0.01, 0.0), (-0.5, 0.2)]
    assert not row.crossing_inferred


def test_route_that_never_meets_the_border(frontier, places):
    ev = event("moved", ("town-a", "origin"), ("vague", "destination"))
    row = geocode(dataset(places, [ev]), frontier).events.iloc[0]
    assert list(row.geometry.coords) == [(0.5, 0.2), (0.3, 0.3)]
    assert not row.crossing_inferred
    assert row.geo_precision == "region"  # the worst precision of its places


def test_sites_make_points_and_multipoints(frontier, places):
    one = event("met", ("capital", "site"), kind="diplomacy")
    two = event("riots", ("town-a", "site"), ("vague", "site"), kind="unrest")
    out = geocode(dataset(places, [one, two]), frontier).events.set_index("id")
    assert out.loc["met", "geometry"].equals(Point(5, 5))
    assert out.loc["met", "far"]
    assert out.loc["riots", "geometry"].geom_type == "MultiPoint"
    assert not out.loc["riots", "far"]


def test_unresolved_names_come_back_as_data_and_nothing_is_dropped(frontier, places):
    events = [
        event("lost", ("Nowhere", "site"), kind="context"),
        event("ambiguous", ("khorgos", "origin"), ("Post B", "destination")),
        event("placeless", kind="context"),
    ]
    result = geocode(dataset(places, events), frontier)
    assert list(result.events["id"]) == ["lost", "ambiguous", "placeless"]
    lost, amb, placeless = result.events.itertuples()
    assert not lost.located and lost.geometry.is_empty
    assert not placeless.located
    assert amb.located and amb.geometry.equals(Point(-0.5, 0.2))
    by_event = {u.event: u for u in result.unresolved}
    assert by_event["ambiguous"].candidates == ("town-a", "post-b")
    assert by_event["ambiguous"].field == "places[0].place"
    assert "ambiguous place name" in by_event["ambiguous"].reason
    assert by_event["lost"].name == "Nowhere"
    assert by_event["lost"].reason.startswith("unknown place (got 'Nowhere'")


def test_names_in_any_script_resolve(frontier, places):
    ev = event("named", ("Town A", "origin"), ("post b", "destination"))
    row = geocode(dataset(places, [ev]), frontier).events.iloc[0]
    assert row.place_ids == "town-a|post-b" and row.crossing_inferred


def test_many_events_vectorised(frontier, places):
    events = [
        event(f"e{i}", ("town-a", "origin"), ("post-b", "destination"))
        if i % 2
        else event(f"e{i}", ("capital", "site"), kind="context")
        for i in range(200)
    ]
    out = geocode(dataset(places, events), frontier).events
    assert len(out) == 200
    assert out["crossing_inferred"].sum() == 100
    assert shapely.get_num_coordinates(out.geometry.values).tolist() == [1, 3] * 100


def test_numbered_routes_make_a_multilinestring(frontier, places):
    ev = Event(
        id="two-ways",
        title="t",
        summary="s",
        kind="crossing",
        when="1962-04-22",
        places=[
            {"place": "town-a", "role": "origin", "route": 1},
            {"place": "vague", "role": "origin", "route": 2},
            {"place": "gate", "role": "crossing", "route": 1},
            {"place": "post-b", "role": "destination", "route": 2},
        ],
        sources=[{"source": "memo"}],
    )
    row = geocode(dataset(places, [ev]), frontier).events.iloc[0]
    assert row.geometry.geom_type == "MultiLineString"
    first, second = row.geometry.geoms
    assert list(first.coords) == [(0.5, 0.2), (-0.01, 0.0)]
    # route 2 has no crossing place: it is inferred where it meets x=0
    assert len(second.coords) == 3 and second.coords[1][0] == pytest.approx(0.0)
    assert row.crossing_inferred


def test_every_origin_fans_into_the_crossing(frontier, places):
    ev = event("fan", ("town-a", "origin"), ("vague", "origin"), ("gate", "crossing"))
    row = geocode(dataset(places, [ev]), frontier).events.iloc[0]
    assert row.geometry.geom_type == "MultiLineString"
    assert [list(g.coords) for g in row.geometry.geoms] == [
        [(0.5, 0.2), (-0.01, 0.0)],
        [(0.3, 0.3), (-0.01, 0.0)],
    ]
    assert not row.crossing_inferred


@pytest.mark.parametrize("width", [64, 1, 0])  # events with more are not compared
def test_events_sharing_reference_records_geocode_as_if_apart(
    frontier, places, monkeypatch, width
):
    """An import gives events of one place cell the very same records: the first
    of them is worked out for all, with the same result as equal copies give."""
    monkeypatch.setattr(placerefs, "ALIKE_WIDTH", width)
    kinds = [
        [("town-a", "origin"), ("post-b", "destination")],
        [("khorgos", "site")],  # ambiguous: unresolved for every event sharing it
        [("Town A", "site"), ("Nowhere", "site"), ("vague", "site")],
        [("vague", "origin"), ("gate", "crossing"), ("post-b", "destination")],
        [],
        [("capital", "site")],
    ]
    apart = [
        event(f"e{i}", *kinds[i * 5 % len(kinds)], kind="context") for i in range(30)
    ]
    shared = {}
    for ev in apart:  # the first event of each kind lends its records to the rest
        shared.setdefault(tuple(ev.places), ev.places)
    alike = [
        ev.model_copy(update={"places": list(shared[tuple(ev.places)])}) for ev in apart
    ]
    assert alike[6].places[0] is alike[0].places[0]
    assert apart[6].places[0] is not apart[0].places[0]
    one, other = (
        geocode(dataset(places, apart), frontier),
        geocode(dataset(places, alike), frontier),
    )
    pd.testing.assert_frame_equal(one.events, other.events, check_exact=True)
    assert one.unresolved == other.unresolved
    assert [u.event for u in other.unresolved] == [
        ev.id
        for ev in apart
        for ref in ev.places
        if ref.place in ("khorgos", "Nowhere")
    ]
    assert other.events["located"].sum() == 20  # not the ambiguous nor the empty

from datetime import date

from mapapp.urlstate import ViewState, parse, to_params

IDS = {"riot", "memo"}


def test_round_trip():
    state = ViewState(
        event="riot",
        start=date(1962, 4, 1),
        end=date(1962, 6, 30),
        kinds=("crossing", "unrest"),
        grades=("A",),
        text="Кульджа",
        lat=44.2,
        lon=80.4,
        zoom=8,
    )
    params = to_params(state)
    assert params == {
        "event": "riot",
        "from": "1962-04-01",
        "to": "1962-06-30",
        "kind": "crossing,unrest",
        "grade": "A",
        "q": "Кульджа",
        "lat": "44.2000",
        "lon": "80.4000",
        "z": "8",
    }
    assert parse(params, IDS) == (state, [])


def test_defaults_are_left_out():
    assert to_params(ViewState()) == {}
    assert parse({}, IDS) == (ViewState(), [])


def test_bad_values_are_dropped_with_a_message():
    state, notes = parse(
        {
            "event": "nope",
            "from": "1962-02-30",
            "kind": "crossing,riots",
            "grade": "E",
            "lat": "44",
            "lon": "500",
            "z": "7",
        },
        IDS,
    )
    assert state == ViewState(kinds=("crossing",))
    assert notes == [
        "the link names an event that does not exist: 'nope'",
        "link parameter from='1962-02-30' is not a date (expected YYYY-MM-DD)",
        "link parameter kind: 'riots' not known (expected some of crossing, diplomacy, "
        "unrest, border-control, administration, treaty, context)",
        "link parameter grade: 'E' not known (expected some of A, B, C, D)",
        "link parameter lon='500' is not a number from -180 to 180",
    ]


def test_reversed_window_is_dropped():
    state, notes = parse({"from": "1962-06-01", "to": "1962-04-01"}, IDS)
    assert (state.start, state.end) == (None, None)
    assert notes == ["link parameters from/to: the window ends before it starts"]


def test_html_in_search_is_kept_as_text():
    state, _ = parse({"q": "<img src=x onerror=alert(1)>"}, IDS)
    assert state.text == "<img src=x onerror=alert(1)>"


def test_a_partial_view_names_what_it_lacks_not_values_never_given():
    state, notes = parse({"z": "abc"}, IDS)
    assert (state.lat, state.lon, state.zoom) == (None, None, None)
    assert notes == [
        "link parameter z='abc' is not a number from 1 to 18",
        "link parameters z: a view needs lat, lon and z together (got no lat and "
        "lon); the map opens on its overview",
    ]
    _, notes = parse({"lat": "44", "lon": "80"}, IDS)
    assert notes == [
        "link parameters lat, lon: a view needs lat, lon and z together (got no z); "
        "the map opens on its overview"
    ]

"""Rows checked one by one (mapapp.rows): the problems of each, records shared."""

import csv
import io as stdio

from hypothesis import given, settings
from hypothesis import strategies as st

from mapapp import (
    cells,
    export,
    geocode,
    importer,
    placereport,
    validate,
)
from mapapp import rows as rows_module
from mapapp.errors import Problem
from tests.importing import (
    MIXED,
    ROOT,
    WORLD,
    csv_of,
    csv_rows,
    ids,
    problems_of,
    rows,
    run,
    single,
)

# --- a file mixing good and bad rows -------------------------------------------------


def P(line, record, field, message):
    return Problem(MIXED, line, record, field, message)


EXPECTED = [
    P(
        6,
        "unknown-place",
        "place",
        "unknown place (got 'Tachen'; expected a gazetteer id or name; closest: "
        "tacheng)",
    ),
    P(
        7,
        "ambiguous",
        "place",
        "ambiguous place name (got 'Khorgos'; it matches khorgos-cn (Khorgos (China), "
        "PRC); khorgos-kz (Khorgos (USSR), USSR); expected one of these ids)",
    ),
    P(
        8,
        "bad-date",
        "when",
        "impossible date: February 1962 has 28 days (got '1962-02-30'; expected a day "
        "from 01 to 28)",
    ),
    P(
        9,
        "out-of-range",
        "lon",
        "coordinate out of range (got lon 200; expected -180 to 180 decimal degrees)",
    ),
    P(
        10,
        "swapped",
        "lon",
        "coordinates probably swapped (got lon 45.5, lat 82.5, outside the study area "
        "70–88° E, 40–50° N; swapped they fall inside it: expected lon 82.5, lat 45.5)",
    ),
    P(
        11,
        "good-names",
        "id",
        "duplicate event id (got 'good-names'; first defined at "
        "tests/data/import/mixed.csv:2; ids must be unique)",
    ),
    P(
        12,
        "no-claimant",
        "claimant",
        "a number without its claimant (got people '6000' and an empty claimant; "
        "expected who claimed the number)",
    ),
    P(
        13,
        "riot",
        "kind",
        "not an allowed value (got 'riot'; expected one of 'crossing', 'diplomacy', "
        "'unrest', 'border-control', 'administration', 'treaty' or 'context')",
    ),
    P(
        14,
        "cites-typo",
        "source",
        "unknown source (got 'memmo'; expected a source id or a citation in words; "
        "closest: memo)",
    ),
    P(
        15,
        "bad-role",
        "place",
        "unknown role (got 'origen' in 'origen:tacheng'; expected origin, crossing, "
        "destination, site)",
    ),
    P(
        16,
        "bad-figure",
        "people",
        "not a number of people (got 'many'; expected a number such as 6000, a range "
        "5000-6000 or approximate ~6000)",
    ),
    P(17, "#15", "id", "required field is missing"),
]


def test_mixed_file_reports_exactly_the_bad_rows(w):
    result = run(w, (ROOT / MIXED).read_bytes(), MIXED)
    assert result.problems == EXPECTED
    assert ids(result) == ["good-names", "good-cyrillic", "good-point", "good-rumour"]
    lines = [lines[""] for _, _, lines in result.events]
    assert lines == [2, 3, 5, 18]  # a quoted cell spans lines 3-4


def test_accepted_rows_become_records(w):
    result = run(w, (ROOT / MIXED).read_bytes(), MIXED)
    events = {event.id: event for event, *_ in result.events}
    names = events["good-names"]
    assert [(r.place, r.role) for r in names.places] == [
        ("Tacheng", "origin"),
        ("urjar", "destination"),
    ]
    (claim,) = names.claims
    assert (claim.value, claim.approximate, claim.claimant, claim.source) == (
        6000,
        True,
        "Soviet government",
        "memo",
    )
    assert claim.scope == "not stated in the imported row" and not claim.unverified
    cyrillic = events["good-cyrillic"]
    assert cyrillic.summary == "They left,\non foot."
    assert (cyrillic.claims[0].low, cyrillic.claims[0].high) == (5000, 6000)
    assert [c.source for c in cyrillic.sources] == ["memo", "kraus"]
    rumour = events["good-rumour"]
    assert rumour.claims[0].value == 10000 and rumour.claims[0].unverified
    # the free-text citation became a grade-D source, its claim would be unverified
    (source, *_) = result.sources[0]
    assert source.title == "Interview with a refugee, Almaty, 1991"
    assert (source.id, source.grade, source.kind) == (
        cells.free_text_id(source.title),
        "D",
        "popular",
    )
    assert events["good-point"].sources[0].source == source.id
    # the point became an ad-hoc place on the PRC side
    (place, _, lines) = result.places[0]
    assert place.id == "point-good-point" and lines == {"": 5}
    assert (place.lon, place.lat, place.state_1962, place.admin_1962) == (
        82.5,
        43.5,
        "PRC",
        "Xinjiang",
    )
    assert place.coord_source == f"imported file {MIXED}, row 5"
    assert events["good-point"].places[0].place == "point-good-point"


def test_accepted_rows_validate_geocode_and_map(w):
    result = run(w, (ROOT / MIXED).read_bytes(), MIXED)
    merged = importer.merge(w.data, result)
    assert [e.id for e in merged.events] == ids(result)
    assert validate.check(merged) == []
    located = geocode.geocode(merged, w.frontier)
    assert placereport.problems(located, merged) == []
    frame = located.events.set_index("id")
    assert frame["located"].all()
    assert frame.loc["good-point"].geometry.wkt == "POINT (82.5 43.5)"
    assert frame.loc["good-point", "geo_precision"] == "exact"
    assert frame.loc["good-names"].geometry.geom_type == "LineString"
    assert merged.where("event", "good-point") == (MIXED, 5)


def test_edited_derived_column_is_reported(w):
    text = export.csv_text(export.event_table(w.data, w.located))
    table = list(csv.reader(stdio.StringIO(text, newline="")))
    head = table[0]
    table[1][head.index("people")] = "7000|5000-6000"
    table[1][head.index("source")] = "memo"
    table[1][head.index("place_ids")] = "edited, and ignored"
    out = stdio.StringIO()
    csv.writer(out).writerows(table)
    result = run(w, out.getvalue())
    assert [(p.line, p.field, p.message) for p in result.problems] == [
        (
            2,
            "people",
            "disagrees with the claims column (got '7000|5000-6000'; expected "
            "'~6000|5000-6000' as claims gives, or an empty cell; edit claims instead)",
        ),
        (
            2,
            "source",
            "disagrees with the sources column (got 'memo'; expected "
            "'memo|kraus|rumour' as sources gives, or an empty cell; edit sources "
            "instead)",
        ),
    ]


def test_a_range_upside_down_is_reported(w):
    result = run(w, rows("r,T,crossing,1962,tacheng,,,x,6000-5000,Someone,memo"))
    assert [(p.field, p.message) for p in result.problems] == [
        ("people", "range upside down (got low 6000, high 5000; expected low ≤ high)")
    ]


def test_half_a_coordinate_and_not_a_number(w):
    result = run(
        w,
        rows(
            "a,T,crossing,1962,,80.5,,x,,,memo",
            "b,T,crossing,1962,,east,44,x,,,memo",
        ),
    )
    assert [(p.record, p.field, p.message) for p in result.problems] == [
        (
            "a",
            "lat",
            "half a coordinate (got lon and an empty lat; expected both lon "
            "and lat, or neither)",
        ),
        (
            "b",
            "lon",
            "not a number (got 'east'; expected decimal degrees such as 80.32)",
        ),
    ]


def test_point_outside_the_territory_takes_the_nearest_side(w):
    result = run(
        w,
        rows(
            "far-west,T,context,1962,,37.6,55.7,x,,,memo",
            "in-mongolia,T,context,1962,,85,47,x,,,memo",
        ),
    )
    places = {p.id: p for p, *_ in result.places}
    far = places["point-far-west"]
    assert (far.state_1962, far.admin_1962) == (
        "USSR",
        "outside the mapped 1962 territory",
    )
    mongolia = places["point-in-mongolia"]
    assert mongolia.state_1962 == "PRC"
    assert mongolia.admin_1962 == "Mongolian People's Republic"
    merged = importer.merge(w.data, result)
    located = geocode.geocode(merged, w.frontier)
    problems = placereport.problems(located, merged)
    assert [(p.record, p.field, p.line) for p in problems] == [
        ("point-in-mongolia", "state_1962", 3)
    ]


def test_no_place_and_no_coordinates_is_an_unlocated_event(w):
    result = run(w, rows("ctx,Context,context,1962,,,,Background.,,,memo"))
    assert result.problems == [] and result.events[0][0].places == []


def test_empty_source_is_reported(w):
    result = run(w, rows("a,T,crossing,1962,tacheng,,,x,,,"))
    assert [(p.field, p.message) for p in result.problems] == [
        (
            "source",
            "no source (got an empty source cell; expected a source id or a "
            "citation in words)",
        )
    ]


def test_a_row_lists_every_real_problem_in_the_order_of_its_columns(w):
    result = run(w, rows("a,,riot,1962-13,Nowhere,,,,abc,,"))
    assert [p.field for p in result.problems] == [
        "title", "kind", "when", "place", "summary", "people", "claimant", "source",
    ]  # fmt: skip
    # the figure is judged even when the row is rejected for its source
    assert "not a number of people (got 'abc'" in result.problems[5].message
    assert "a number without its claimant" in result.problems[6].message


def test_same_free_text_twice_makes_one_source(w):
    result = run(
        w,
        rows(
            'a,T,crossing,1962,tacheng,,,x,,,"My  notes, p. 3"',
            'b,T,crossing,1962,tacheng,,,x,,,"My notes,  p. 3"',
        ),
    )
    assert result.problems == []
    assert [s.title for s, *_ in result.sources] == ["My notes, p. 3"]


@settings(max_examples=120, deadline=None)
@given(st.lists(csv_rows, min_size=1, max_size=8))
def test_a_file_gives_what_its_rows_give_alone(records):
    """Cells judged once per file give every row what it gets on its own."""
    seen, unique = set(), []
    for record in records:  # a repeated id is a problem of the file, not of a row
        if record["id"].strip() not in seen:
            seen.add(record["id"].strip())
            unique.append(record)
    whole = run(WORLD, csv_of(unique))
    events, problems = [], []
    for record in unique:
        got, found = single(record)
        events += got
        problems += found
    assert [e.model_dump() for e, _, _ in whole.events] == events
    assert problems_of(whole) == problems


def test_ordinary_rows_take_one_path_and_each_cell_is_judged_once(w, monkeypatch):
    """Every column is judged by the model's rules, each distinct cell once."""
    judged, looked_up = [], []
    original_judge = rows_module.judge

    def judge(model, name, values):
        judged.append((name, list(values)))
        return original_judge(model, name, values)

    monkeypatch.setattr(rows_module, "judge", judge)
    original_problem = rows_module.Gazetteer.problem
    monkeypatch.setattr(
        rows_module.Gazetteer,
        "problem",
        lambda self, name: looked_up.append(name) or original_problem(self, name),
    )
    result = run(
        w,
        rows(
            "a,A,crossing,1962-04,origin:Tacheng|destination:urjar,,,S,~6000,Soviet,memo",
            "b,B,crossing,1962-04,origin:Tacheng|destination:urjar,,,S,~6000,Soviet,memo",
            "c,C,unrest,1962-05,,82.5,43.5,S,,,An interview",
            "d,D,crossing,1962-04,Tachen,,,S,,,memo",
        ),
    )
    assert ids(result) == ["a", "b", "c"]
    calls = dict(judged)
    # one call per field of the model, over the column's distinct cells
    assert [name for name, _ in judged] == [
        "id", "title", "summary", "kind", "when", "date_note",
        "places", "sources", "claims", "related",
    ]  # fmt: skip
    assert calls["id"] == ["a", "b", "c", "d"]
    assert calls["kind"] == ["crossing", "unrest"]
    assert calls["when"] == ["1962-04", "1962-05"]
    assert calls["summary"] == ["S"]
    assert len(calls["places"]) == 3  # the route, the empty cell, Tachen
    assert len(calls["claims"]) == 2  # ~6000 by Soviet, and none
    assert sorted(looked_up) == ["Tachen", "Tacheng", "urjar"]  # once per cell
    assert len(result.problems) == 1


def test_an_import_keeps_its_names_out_of_the_bundled_index():
    """The bundled data outlives every upload: a file's names are not kept in it."""
    before = dict(WORLD.data.gazetteer._problems)
    result = run(WORLD, rows("a,A,crossing,1962,Nowhere-upon-Ili,,,x,,,memo"))
    assert [p.field for p in result.problems] == ["place"]
    assert WORLD.data.gazetteer._problems == before


def test_rows_of_one_distinct_cell_hold_the_same_records(w):
    """Each distinct cell is checked once: its rows hold equal records."""
    result = run(
        w,
        rows(
            "a,A,crossing,1962-04,origin:Tacheng|destination:urjar,,,S,~6000,Soviet,memo",
            "b,B,crossing,1962-05,origin:Tacheng|destination:urjar,,,T,~6000,Soviet,memo",
            "c,C,crossing,1962-05,origin:Tacheng,,,T,~6000,Soviet,kraus",
        ),
    )
    a, b, c = (event for event, *_ in result.events)
    assert a.places == b.places and a.claims == b.claims and a.sources == b.sources
    assert c.places == a.places[:1] and c.sources != a.sources
    alone = [
        event
        for event, *_ in run(
            w,
            rows(
                "b,B,crossing,1962-05,"
                "origin:Tacheng|destination:urjar,,,T,~6000,Soviet,memo"
            ),
        ).events
    ]
    assert alone == [b]

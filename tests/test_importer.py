"""Importing researchers' events: row checks, round trips, refusals, one path."""

import csv
import io as stdio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mapapp import (
    adhoc,
    cells,
    export,
    geocode,
    importer,
    io,
    load,
    meta,
    placereport,
    validate,
)
from mapapp import rows as rows_module
from mapapp.cli import cli
from mapapp.dataset import Dataset
from mapapp.errors import DataError, Problem
from mapapp.model import EVENT_KINDS, PLACE_ROLES, Event
from tests.world import PLACES, SOURCES, world

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "import"
MIXED = "tests/data/import/mixed.csv"


WORLD = world()


@pytest.fixture(scope="module")
def w():
    return WORLD


def run(w, text, label="in.csv"):
    data = text.encode() if isinstance(text, str) else text
    return importer.import_events(data, label, w.data, w.frontier.territory)


def ids(result):
    return [event.id for event, *_ in result.events]


HEADER = ",".join(importer.HEADER)


def rows(*lines, header=HEADER):
    return "\n".join([header, *lines]) + "\n"


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


def test_merge_can_extend_instead_of_replace(w):
    result = run(w, rows("one-site,Again,unrest,1962,yining,,,x,,,memo"))
    merged = importer.merge(w.data, result, replace=False)
    assert len(merged.events) == len(w.data.events)
    problems = validate.check(merged)
    assert [p.message.split(" (")[0] for p in problems] == ["duplicate event id"]
    assert problems[0].file == "in.csv" and problems[0].line == 2


# --- round trips ---------------------------------------------------------------------


def _export_import(data, frontier, fmt, base=None):
    """Export a dataset and import it back against ``base`` (default: itself)."""
    located = geocode.geocode(data, frontier)
    table = export.event_table(data, located)
    if fmt == "csv":
        text, label = export.csv_text(table), "x.csv"
    else:
        text, label = export.geojson_text(table, meta.metadata({})), "x.geojson"
    base = data if base is None else base
    return importer.import_events(text.encode(), label, base, frontier.territory)


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_round_trip_of_the_bundled_dataset(fmt):
    data, problems = load.read_dataset()
    assert not problems
    frontier = geocode.Frontier(*io.read_frontier())
    result = _export_import(data, frontier, fmt)
    assert result.problems == []
    assert result.sources == [] and result.places == []
    assert [e for e, *_ in result.events] == list(data.events)


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_round_trip_of_imported_points_and_free_text_sources(w, fmt):
    first = run(w, (ROOT / MIXED).read_bytes(), MIXED)
    merged = importer.merge(w.data, first)
    # back into the dataset the researcher started from: all is made again
    again = _export_import(merged, w.frontier, fmt, base=w.data)
    assert again.problems == []
    assert [e for e, *_ in again.events] == [e for e, *_ in first.events]
    assert [s for s, *_ in again.sources] == [s for s, *_ in first.sources]
    (place, *_), (was, *_) = again.places[0], first.places[0]
    assert place.model_copy(update={"coord_source": was.coord_source}) == was


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_round_trip_of_the_hand_made_world(w, fmt):
    result = _export_import(w.data, w.frontier, fmt)
    assert result.problems == []
    assert [e for e, *_ in result.events] == list(w.data.events)


def test_formula_cells_come_back_exactly(w):
    text = export.csv_text(export.event_table(w.data, w.located))
    assert "'=HYPERLINK" in text and "'+1 more" in text
    back = {e.id: e for e, *_ in run(w, text).events}
    assert back["nowhere"].title == '=HYPERLINK("x")'
    assert back["nowhere"].summary == "+1 more; -2 less; @mention"


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


# --- cells -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("6000", {"value": 6000.0, "approximate": False}),
        ("6,000", {"value": 6000.0, "approximate": False}),
        ("~6000", {"value": 6000.0, "approximate": True}),
        ("5000-6000", {"low": 5000.0, "high": 6000.0, "approximate": False}),
        ("~5000 – 6000", {"low": 5000.0, "high": 6000.0, "approximate": True}),
        ("2.5", {"value": 2.5, "approximate": False}),
    ],
)
def test_people_figures(text, fields):
    assert cells.parse_figure(text) == fields


def test_place_tokens():
    assert cells.parse_place("Tacheng") == {
        "place": "Tacheng",
        "role": "site",
        "route": 1,
    }
    assert cells.parse_place("destination@2:Urjar") == {
        "place": "Urjar",
        "role": "destination",
        "route": 2,
    }
    assert cells.parse_place("Fort: a name") == {
        "place": "Fort: a name",
        "role": "site",
        "route": 1,
    }


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


def test_header_problems(w):
    result = run(w, "id,title,kind,place,summary,source,notes\na,b,c,d,e,f,g\n")
    assert [(p.line, p.field, p.message) for p in result.problems] == [
        (
            1,
            "when",
            "required column is missing (got id, title, kind, place, "
            "summary, source, notes; expected at least id, title, kind, when, place, "
            "lon, lat, summary, people, claimant, source)",
        ),
        (
            1,
            "notes",
            "unknown column (got 'notes'; expected some of id, title, kind, "
            "when, place, lon, lat, summary, people, claimant, source, or the export's "
            "columns)",
        ),
    ]
    assert result.events == []


def test_too_many_cells(w):
    result = run(w, rows("a,T,crossing,1962,tacheng,,,x,,,memo,extra"))
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "too many cells (got 12; expected 11 as in the header)")
    ]


def test_blank_lines_are_skipped(w):
    result = run(w, rows("", "a,T,crossing,1962,tacheng,,,x,,,memo", ",,,,,,,,,,"))
    assert result.problems == [] and ids(result) == ["a"]


# --- GeoJSON input -------------------------------------------------------------------


def test_geojson_with_a_line_and_no_place_is_reported(w):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "l",
                "geometry": {"type": "LineString", "coordinates": [[80, 44], [81, 45]]},
                "properties": {
                    "title": "T",
                    "kind": "crossing",
                    "when": "1962",
                    "summary": "s",
                    "source": "memo",
                },
            },
            {
                "type": "Feature",
                "id": "p",
                "geometry": {"type": "Point", "coordinates": [81, 44]},
                "properties": {
                    "title": "T",
                    "kind": "crossing",
                    "when": 1962,
                    "summary": "s",
                    "source": "memo",
                },
            },
        ],
    }
    result = run(w, json.dumps(doc), "in.geojson")
    assert [(p.record, p.field, p.message) for p in result.problems] == [
        (
            "l",
            "geometry",
            "an event without places needs a Point (got LineString; "
            "expected a Point, or places in 'place')",
        )
    ]
    assert ids(result) == ["p"] and result.events[0][0].when.edtf == "1962"
    assert result.places[0][0].lon == 81


def test_geojson_that_is_not_a_collection(w):
    result = run(w, '{"type": "Feature"}', "in.geojson")
    assert [p.message for p in result.problems] == [
        "expected a GeoJSON FeatureCollection"
    ]


# --- refused files -------------------------------------------------------------------


def test_non_utf8_is_refused(w):
    data = rows("a,Tàcheng,crossing,1962,tacheng,,,x,,,memo").encode("latin-1")
    with pytest.raises(DataError, match=r"not UTF-8 text .* save the file as UTF-8"):
        run(w, data)


def test_utf8_with_bom_is_read(w):
    data = b"\xef\xbb\xbf" + rows("a,T,crossing,1962,Чугучак,,,x,,,memo").encode()
    result = run(w, data)
    assert result.problems == [] and ids(result) == ["a"]


def test_oversized_file_is_refused(w, tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_BYTES", 100)
    data = rows(*["a,T,crossing,1962,tacheng,,,x,,,memo"] * 5).encode()
    with pytest.raises(DataError, match=r"file is 0\.0 MB; the limit is 0 MB"):
        run(w, data)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(DataError, match=r"big\.csv: file is"):
        load.read_import(path, w.data, w.frontier.territory, tmp_path)


def test_missing_file_is_refused(w, tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        load.read_import(tmp_path / "no.csv", w.data, w.frontier.territory, tmp_path)


# --- the command line ----------------------------------------------------------------


def test_classify_import_files(tmp_path):
    assert load.classify(DATA / "researcher.csv") == "imports"
    assert load.classify(ROOT / "geodata" / "places.geojson") == "places"
    events = tmp_path / "events.geojson"
    events.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature",'
        ' "properties": {"when": "1962"}, "geometry": null}]}'
    )
    assert load.classify(events) == "imports"


def test_validate_a_good_csv():
    result = CliRunner().invoke(
        cli, ["validate", "--json", "tests/data/import/researcher.csv"]
    )
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["errors"]
    bundled = load.read_dataset()[0]
    assert report["events"] == 2
    assert report["sources"] == len(bundled.sources) + 1  # the citation in words
    assert report["places"] == len(bundled.places) + 1  # the point


def test_validate_a_bad_csv_lists_every_problem():
    result = CliRunner().invoke(
        cli, ["validate", "tests/data/import/researcher-bad.csv"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "tests/data/import/researcher-bad.csv:3: my-bad: when: impossible date: April "
        "1962 has 30 days (got '1962-04-31'; expected a day from 01 to 30)",
        "tests/data/import/researcher-bad.csv:3: my-bad: place: unknown place (got "
        "'Tachen'; expected a gazetteer id or name; closest: tacheng)",
    ]


def test_validate_an_exported_geojson(tmp_path):
    out = tmp_path / "events.geojson"
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["export", "--format", "geojson", "-o", str(out)]).exit_code
        == 0
    )
    result = runner.invoke(cli, ["validate", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["events"] == len(load.read_dataset()[0].events)


def test_export_events_replace_or_extend_the_bundle(tmp_path):
    runner = CliRunner()
    out = tmp_path / "mine.csv"
    result = runner.invoke(
        cli,
        [
            "export",
            "--format",
            "csv",
            "--events",
            "tests/data/import/researcher.csv",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    exported = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["id"] for r in exported] == ["my-1962-04-22-flight", "my-1962-05-camp"]
    camp = exported[1]
    assert (camp["place"], camp["lon"], camp["lat"]) == ("", "80.41", "44.21")
    assert camp["source"] == "Oral history interview, Almaty, 1991"
    both = runner.invoke(
        cli,
        [
            "export",
            "--format",
            "csv",
            "--events",
            "events",
            "--events",
            "tests/data/import/researcher.csv",
            "-o",
            "-",
        ],
    )
    assert both.exit_code == 0, both.output
    bundled = len(load.read_dataset()[0].events)
    assert len(list(csv.DictReader(stdio.StringIO(both.stdout)))) == bundled + 2


# --- properties -----------------------------------------------------------------------

SLUG = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20)
WHENS = [
    "1962",
    "1962-04",
    "1962-04-22",
    "1962-04-10/1962-04-20",
    "1962-03~",
    "1962-05-30?",
    "1962-08/..",
    "1962-08/",
    "1962-21",
    "196X",
    "1962-XX",
]
PLACE_IDS = [p.id for p in PLACES] + ["Чугучак", "Кульджа"]
SOURCE_IDS = [s.id for s in SOURCES]

claims = st.lists(
    st.fixed_dictionaries(
        {
            "quantity": st.sampled_from(["people", "livestock"]),
            "scope": TEXT,
            "claimant": TEXT,
            "source": st.sampled_from(SOURCE_IDS),
        },
        optional={
            "value": st.floats(0, 1e6),
            "as_of": st.sampled_from(WHENS),
            "approximate": st.booleans(),
            "unverified": st.booleans(),
            "locator": TEXT,
            "note": TEXT,
        },
    ),
    max_size=3,
)
citations = st.lists(
    st.fixed_dictionaries(
        {"source": st.sampled_from(SOURCE_IDS)},
        optional={"locator": TEXT, "quote": TEXT, "note": TEXT},
    ),
    min_size=1,
    max_size=3,
)
refs = st.lists(
    st.fixed_dictionaries(
        {
            "place": st.sampled_from(PLACE_IDS),
            "role": st.sampled_from(PLACE_ROLES),
            "route": st.integers(1, 3),
        }
    ),
    max_size=4,
)
raw_events = st.fixed_dictionaries(
    {
        "id": SLUG,
        "title": TEXT,
        "summary": TEXT,
        "kind": st.sampled_from(EVENT_KINDS),
        "when": st.sampled_from(WHENS),
        "places": refs,
        "claims": claims,
        "sources": citations,
    },
    optional={"date_note": TEXT, "related": st.lists(SLUG, max_size=2)},
)


def _event(raw):
    try:
        event = Event.model_validate(raw)
    except ValidationError:
        return None
    if event.date_note is not None and not event.date_note.strip():
        return None  # a blank note reads back as no note
    return event


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(raw_events, min_size=1, max_size=5, unique_by=lambda r: r["id"]),
    st.sampled_from(["csv", "geojson"]),
)
def test_round_trip_of_generated_events(raws, fmt):
    w = WORLD
    events = [e for e in map(_event, raws) if e is not None]
    data = Dataset(events=tuple(events), sources=w.data.sources, places=w.data.places)
    result = _export_import(data, w.frontier, fmt)
    assert result.problems == []
    assert [e for e, *_ in result.events] == events


def test_adhoc_id_stays_a_slug():
    long = "a" * 118
    assert adhoc.adhoc_id("x") == "point-x"
    assert len(adhoc.adhoc_id(long)) <= 120


# --- one path: cells judged once per file, every row validated by the model -------

CELL = st.one_of(
    st.just(""), st.just(" "), st.just("\u00a0x"), TEXT, SLUG, st.just("'=1+1")
)


def mostly(good, bad):
    """Good values seven times in eight, so that many rows pass (and many fail)."""
    return st.integers(0, 7).flatmap(lambda i: bad if i == 0 else good)


TOKEN = st.tuples(
    mostly(
        st.sampled_from(["", "origin:", "crossing@2:", "destination:"]),
        st.sampled_from(["origen:", "site: ", "x@0:"]),
    ),
    mostly(st.sampled_from(PLACE_IDS), st.sampled_from(["Khorgos", "Tachen", ""])),
).map("".join)
WHERE = mostly(
    st.one_of(
        st.lists(TOKEN, min_size=1, max_size=3).map(lambda t: ("|".join(t), "", "")),
        st.sampled_from([("", "82.5", "43.5"), ("", " 80.1 ", "44.0"), ("", "", "")]),
    ),
    st.tuples(
        CELL,
        st.sampled_from(["", "82.5", "45.5", "200", "x"]),
        st.sampled_from(["", "43.5", "82.5", "nan"]),
    ),
)
FIGURES = mostly(
    st.sampled_from(
        [
            ("", ""),
            ("6000", "Soviet government"),
            ("~6,000", "a"),
            ("5-6", "b"),
            ("1|2", "a|b"),
        ]
    ),
    st.tuples(
        st.sampled_from(["", "6-5", "many", " ", "1|2"]),
        st.sampled_from(["", " x ", "|", "a"]),
    ),
)
csv_rows = st.tuples(
    st.fixed_dictionaries(
        {
            "id": mostly(
                SLUG, st.one_of(CELL, st.sampled_from(["dup", " dup ", "a" * 121]))
            ),
            "title": mostly(TEXT, CELL),
            "kind": mostly(st.sampled_from(EVENT_KINDS), CELL),
            "when": mostly(
                st.sampled_from(WHENS), st.sampled_from(["1962-02-30", "x", ""])
            ),
            "summary": mostly(TEXT, CELL),
            "source": mostly(
                st.sampled_from(
                    [
                        "memo",
                        "kraus|memo",
                        "rumour",
                        "An interview, 1991",
                        "memo|An interview, 1991",
                    ]
                ),
                st.one_of(st.sampled_from(["", "memmo", " | "]), CELL),
            ),
        },
        optional={
            "date_note": st.sampled_from(["", "a note"]),
            "related": st.sampled_from(["", "dup", "nothing"]),
        },
    ),
    WHERE,
    FIGURES,
).map(
    lambda r: {
        **r[0],
        **dict(zip(("place", "lon", "lat"), r[1], strict=True)),
        **dict(zip(("people", "claimant"), r[2], strict=True)),
    }
)


def _csv_of(records):
    header = [*importer.HEADER, "date_note", "related"]
    out = stdio.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def _problems(result):
    """The problems without where they are (a row without id is named by place)."""
    return [
        ("#" if p.record.startswith("#") else p.record, p.field, p.message)
        for p in result.problems
    ]


def _single(record):
    """Import one row alone: its events and its problems."""
    result = run(WORLD, _csv_of([record]))
    return [e.model_dump() for e, _, _ in result.events], _problems(result)


@settings(max_examples=120, deadline=None)
@given(st.lists(csv_rows, min_size=1, max_size=8))
def test_a_file_gives_what_its_rows_give_alone(records):
    """Cells judged once per file give every row what it gets on its own."""
    seen, unique = set(), []
    for record in records:  # a repeated id is a problem of the file, not of a row
        if record["id"].strip() not in seen:
            seen.add(record["id"].strip())
            unique.append(record)
    whole = run(WORLD, _csv_of(unique))
    events, problems = [], []
    for record in unique:
        got, found = _single(record)
        events += got
        problems += found
    assert [e.model_dump() for e, _, _ in whole.events] == events
    assert _problems(whole) == problems


def test_ordinary_rows_take_one_path_and_each_cell_is_judged_once(w, monkeypatch):
    """Every row is validated by the model once; a repeated cell is read once."""
    built, looked_up = [], []
    original_build = rows_module.build

    def build(model, raw, *args):
        built.append(raw["id"])
        return original_build(model, raw, *args)

    monkeypatch.setattr(rows_module, "build", build)
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
    assert built == ["a", "b", "c", "d"]  # one validation per row, no other path
    assert sorted(looked_up) == ["Tachen", "Tacheng", "urjar"]  # once per cell
    assert len(result.problems) == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(raw_events, min_size=1, max_size=6),
    st.lists(
        st.sampled_from(["Khorgos", "Tachen", "nowhere", "memmo", "quote", "self"]),
        max_size=4,
    ),
)
def test_cross_checks_skip_only_events_without_problems(raws, spoilers):
    """check judges each nested record once, and finds what a full pass finds."""
    events = []
    for raw, spoil in zip(raws, [*spoilers, *[None] * len(raws)], strict=False):
        raw = dict(raw)
        if spoil in ("Khorgos", "Tachen", "nowhere"):
            raw["places"] = [*raw["places"], {"place": spoil, "role": "site"}]
        elif spoil == "memmo":
            raw["sources"] = [*raw["sources"], {"source": "memmo"}]
        elif spoil == "quote":
            raw["sources"] = [*raw["sources"], {"source": "memo", "quote": "not there"}]
        elif spoil == "self":
            raw["related"] = [raw["id"], "missing"]
        event = _event(raw)
        if event is not None:
            events.append(event)
    # twins hold the very same nested records, as the events of an import do
    events += [ev.model_copy(update={"id": f"{ev.id}-twin"}) for ev in events]
    assert not events or events[-1].places is events[len(events) // 2 - 1].places
    data = Dataset(
        events=tuple(events),
        sources=WORLD.data.sources,
        places=WORLD.data.places,
        texts={"memo": "The full text of the memo."},
    )
    quick = validate.check(data)
    original = validate._suspects
    try:
        validate._suspects = lambda data, gazetteer, texts: list(data.events)
        full = validate.check(data)
    finally:
        validate._suspects = original
    assert quick == full


@pytest.mark.parametrize(
    "text",
    [
        'a,b\n1,2\n"x\ny",3\n\n,\n1,2,3\n4\n',  # a row on two lines, blanks, odd widths
        "a,b\r\n1,2\r\n\r\n3,4\r\n",  # CRLF and a blank line
        "a,b\r1,2\r3,4",  # old Mac line ends
        'a,b\n1,2\n1,2,3\n"open,4\n5,6\n',  # too wide, then a quote never closed
        'a,b\n1,"2"x\n3,4\n',  # text after a closing quote
        "a,b\n 1 , 2 \n",
    ],
)
def test_both_csv_readers_give_the_same_rows(text):
    """One line per row is read at once; otherwise row by row. Same result."""
    header = "id,title,kind,when,summary,source"
    text = text.replace("a,b", header, 1)
    fast = importer.csv_rows(text, "t.csv")
    reader = csv.reader(stdio.StringIO(text, newline=""), strict=True)
    next(reader)
    problems = []
    rows, lines = importer._tracked(reader, 6, "t.csv", problems)
    assert fast[1] == problems
    assert fast[0].lines == lines
    assert fast[0].rows == rows


def test_an_import_keeps_its_names_out_of_the_bundled_index():
    """The bundled data outlives every upload: a file's names are not kept in it."""
    before = dict(WORLD.data.gazetteer._problems)
    result = run(WORLD, rows("a,A,crossing,1962,Nowhere-upon-Ili,,,x,,,memo"))
    assert [p.field for p in result.problems] == ["place"]
    assert WORLD.data.gazetteer._problems == before

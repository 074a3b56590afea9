"""Reading researchers' files (mapapp.importer): files refused, readers, round trips."""

import csv
import io as stdio
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp import (
    export,
    geocode,
    importer,
    io,
    load,
    validate,
)
from mapapp.dataset import Dataset
from mapapp.errors import DataError
from tests.importing import (
    DATA,
    MIXED,
    ROOT,
    WORLD,
    event_or_none,
    export_import,
    ids,
    raw_events,
    rows,
    run,
)


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_round_trip_of_the_bundled_dataset(fmt):
    data, problems = load.read_dataset()
    assert not problems
    frontier = geocode.Frontier(*io.read_frontier())
    result = export_import(data, frontier, fmt)
    assert result.problems == []
    assert result.sources == [] and result.places == []
    assert [e for e, *_ in result.events] == list(data.events)


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_round_trip_of_imported_points_and_free_text_sources(w, fmt):
    first = run(w, (ROOT / MIXED).read_bytes(), MIXED)
    merged = importer.merge(w.data, first)
    # back into the dataset the researcher started from: all is made again
    again = export_import(merged, w.frontier, fmt, base=w.data)
    assert again.problems == []
    assert [e for e, *_ in again.events] == [e for e, *_ in first.events]
    assert [s for s, *_ in again.sources] == [s for s, *_ in first.sources]
    (place, *_), (was, *_) = again.places[0], first.places[0]
    assert place.model_copy(update={"coord_source": was.coord_source}) == was


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_round_trip_of_the_hand_made_world(w, fmt):
    result = export_import(w.data, w.frontier, fmt)
    assert result.problems == []
    assert [e for e, *_ in result.events] == list(w.data.events)


def test_formula_cells_come_back_exactly(w):
    text = export.csv_text(export.event_table(w.data, w.located))
    assert "'=HYPERLINK" in text and "'+1 more" in text
    back = {e.id: e for e, *_ in run(w, text).events}
    assert back["nowhere"].title == '=HYPERLINK("x")'
    assert back["nowhere"].summary == "+1 more; -2 less; @mention"


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
    events = [e for e in map(event_or_none, raws) if e is not None]
    data = Dataset.of(
        events=tuple(events), sources=w.data.sources, places=w.data.places
    )
    result = export_import(data, w.frontier, fmt)
    assert result.problems == []
    assert [e for e, *_ in result.events] == events


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


def test_merge_can_extend_instead_of_replace(w):
    result = run(w, rows("one-site,Again,unrest,1962,yining,,,x,,,memo"))
    merged = importer.merge(w.data, result, replace=False)
    assert len(merged.events) == len(w.data.events)
    problems = validate.check(merged)
    assert [p.message.split(" (")[0] for p in problems] == ["duplicate event id"]
    assert problems[0].file == "in.csv" and problems[0].line == 2

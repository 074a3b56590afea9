"""The bad-input corpus (issue 7): every entry point, a clear message, nothing broken.

Each case names its input and the exact message (file or label, line, record, field,
what was wrong) and checks that nothing crashed (a mapapp Problem, a DataError or a
click usage error, never a traceback) and nothing was written (no output file and no
temporary file in the output folder). Entry points:

1. record files (YAML events and sources, the GeoJSON gazetteer): ``mapapp validate``
   and ``mapapp export --events`` against ``tests/data/mini``; the older corpus of
   ``tests/data/bad`` (``tests/test_load.py``) runs through the CLI here too;
2. CSV and GeoJSON imports: :func:`mapapp.importer.import_events`, ``mapapp
   validate FILE`` and ``mapapp export --events FILE`` against the bundled data;
3. the arguments of ``mapapp export``;
4. the query parameters of a link (:func:`mapapp.urlstate.parse`, and the app);
5. payloads that are data, not errors: HTML/JS and spreadsheet formulas are kept as
   written and made harmless where they are shown or exported.

Tour files and app uploads are not covered here yet.
"""

from __future__ import annotations

import csv
import io as stdio
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from streamlit.testing.v1 import AppTest

from mapapp import (
    cells,
    detail,
    eventlayers,
    export,
    geocode,
    importer,
    io,
    load,
    meta,
    write,
)
from mapapp.cli import FORMATS, cli
from mapapp.dataset import Dataset
from mapapp.errors import DataError
from mapapp.model import Event
from mapapp.urlstate import ViewState, parse
from tests.conftest import MINI
from tests.test_load import CORPUS as OLD_CORPUS

ROOT = Path(__file__).resolve().parent.parent
HERE = "tests/data/bad_inputs"
OLD = "tests/data/bad"
EDTF_ALLOWED = (
    "expected an EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ "
    "(approximate), ? (uncertain) or % (both); a season YYYY-21..24; unspecified "
    "digits (196X, 1962-XX); or an interval START/END where either side may be '..' "
    "(open) or empty (unknown))"
)
MEMO = "wcda-memo-1962-04-24-soviet"


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


def assert_no_crash(result: Result, exit_code: int) -> None:
    """The command stopped on purpose: a message and an exit code, no traceback."""
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    assert "Traceback" not in result.output


def assert_nothing_written(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == []


@pytest.fixture
def mini(monkeypatch):
    """Run the CLI from the repository against the mini dataset."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MAPAPP_DATA", str(MINI))


@pytest.fixture
def bundled(monkeypatch):
    """Run the CLI from the repository against the bundled data."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("MAPAPP_DATA", raising=False)


# --- 1. record files: YAML events and sources, GeoJSON places ---------------------

E = f"{HERE}/events"
S = f"{HERE}/sources"
P = f"{HERE}/places"
RECORD_FILES = [
    pytest.param(
        f"{E}/utf16.yaml",
        [
            f"{E}/utf16.yaml:1: not UTF-8 text (byte 0xff at offset 0); save the file "
            "as UTF-8"
        ],
        id="event-utf16",
    ),
    pytest.param(
        f"{E}/when-a-list.yaml",
        [
            f"{E}/when-a-list.yaml:5: listed: when: not an EDTF date "
            "(got [1962, 1963]; " + EDTF_ALLOWED
        ],
        id="event-date-wrong-type",
    ),
    pytest.param(
        f"{E}/month-13.yaml",
        [
            f"{E}/month-13.yaml:5: thirteenth: when: month 13 does not exist (got "
            "'1962-13-01'; expected 01–12, or 21–24 for a season)"
        ],
        id="event-month-13",
    ),
    pytest.param(
        f"{E}/arabic-digits.yaml",
        [
            f"{E}/arabic-digits.yaml:5: digits: when: not an EDTF date (got '١٩٦٢'; "
            + EDTF_ALLOWED
        ],
        id="event-date-non-ascii-digits",
    ),
    pytest.param(
        f"{E}/infinite-number.yaml",
        [
            f"{E}/infinite-number.yaml:7: endless: claims[0].value: not a finite "
            "number (got inf; expected a number such as 6000)"
        ],
        id="event-infinite-number",
    ),
    pytest.param(
        f"{E}/negative-number.yaml",
        [
            f"{E}/negative-number.yaml:7: negative: claims[0].value: out of range (got "
            "-6000; expected a value ≥ 0)"
        ],
        id="event-negative-number",
    ),
    pytest.param(
        f"{E}/places-not-a-list.yaml",
        [
            f"{E}/places-not-a-list.yaml:6: flat: places: wrong type (got 'town-a'; "
            "expected a list)"
        ],
        id="event-places-wrong-type",
    ),
    pytest.param(
        f"{E}/route-zero.yaml",
        [
            f"{E}/route-zero.yaml:6: zero-route: places[0].route: out of range (got 0; "
            "expected a value ≥ 1)"
        ],
        id="event-route-zero",
    ),
    pytest.param(
        f"{E}/empty.yaml",
        [f"{E}/empty.yaml: file is empty; expected records"],
        id="event-file-empty",
    ),
    pytest.param(
        f"{S}/text-file-missing.yaml",
        [
            f"{S}/text-file-missing.yaml:6: memo: text_file: {S}/texts/gone.txt: "
            "cannot read: No such file or directory"
        ],
        id="source-text-missing",
    ),
    pytest.param(
        f"{S}/text-file-latin1.yaml",
        [
            f"{S}/text-file-latin1.yaml:6: memo: text_file: {S}/texts/latin1.txt:2: "
            "not UTF-8 text (byte 0xe9 at offset 54); save the file as UTF-8"
        ],
        id="source-text-latin1",
    ),
    pytest.param(
        f"{S}/duplicate-source.yaml",
        [
            f"{S}/duplicate-source.yaml:11: memo: id: duplicate source id (got 'memo'; "
            f"first defined at {S}/duplicate-source.yaml:1; ids must be unique)"
        ],
        id="source-duplicate-id",
    ),
    pytest.param(
        f"{S}/date-impossible.yaml",
        [
            f"{S}/date-impossible.yaml:3: memo: date: impossible date: April 1962 has "
            "30 days (got '1962-04-31'; expected a day from 01 to 30)"
        ],
        id="source-impossible-date",
    ),
    pytest.param(
        f"{P}/malformed.geojson",
        [f"{P}/malformed.geojson:3: malformed JSON: Expecting ',' delimiter"],
        id="places-malformed-json",
    ),
    pytest.param(
        f"{P}/crs.geojson",
        [
            f"{P}/crs.geojson:1: crs: RFC 7946 GeoJSON has no crs member; coordinates "
            "must be WGS 84 longitude, latitude"
        ],
        id="places-crs",
    ),
    pytest.param(
        f"{P}/features-not-a-list.geojson",
        [f"{P}/features-not-a-list.geojson:1: expected a GeoJSON FeatureCollection"],
        id="places-features-wrong-type",
    ),
    pytest.param(
        f"{P}/feature-not-an-object.geojson",
        [
            f"{P}/feature-not-an-object.geojson:2: #1: expected a Feature with an "
            "object of properties (got ['town-a', 1.0, 1.0])"
        ],
        id="places-feature-wrong-type",
    ),
    pytest.param(
        f"{P}/geometry-as-text.geojson",
        [
            f"{P}/geometry-as-text.geojson:2: town-a: geometry: expected a Point with "
            "[longitude, latitude] (got 'POINT (1 1)')"
        ],
        id="places-geometry-wrong-type",
    ),
    pytest.param(
        f"{P}/latitude-out-of-range.geojson",
        [
            f"{P}/latitude-out-of-range.geojson:2: town-a: lat: out of range (got "
            "95.0; expected a value ≤ 90)"
        ],
        id="places-latitude-out-of-range",
    ),
]
OLD_FILES = [
    pytest.param(f"{OLD}/{name}", lines, id=f"old-{name.removesuffix('.yaml')}")
    for name, lines in sorted(OLD_CORPUS.items())
]


def _report(stderr: str, expected: list[str]) -> None:
    """The report starts with the expected lines; the rest (if any) are the mini
    dataset's own events, left without the sources or places the file replaced."""
    lines = stderr.splitlines()
    assert lines[: len(expected)] == expected
    assert all(
        line.startswith("events/events.yaml:") for line in lines[len(expected) :]
    )


@pytest.mark.parametrize(("path", "expected"), RECORD_FILES + OLD_FILES)
def test_record_file(path, expected, mini, tmp_path):
    result = invoke(["validate", path])
    assert_no_crash(result, 1)
    _report(result.stderr, expected)
    assert result.stdout.endswith(f"; {len(result.stderr.splitlines())} problem(s)\n")
    out = tmp_path / "out.geojson"
    result = invoke(["export", "--format", "geojson", "--events", path, "-o", str(out)])
    assert_no_crash(result, 1)
    _report(result.stderr.split("Error: ")[0], expected)
    assert "nothing was exported" in result.stderr
    assert_nothing_written(tmp_path)


def test_record_file_over_the_size_limit(mini, tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_BYTES", 200)
    path = f"{E}/html-title.yaml"  # a valid file of 322 bytes
    result = invoke(["validate", path])
    assert_no_crash(result, 1)
    assert f"{path}: file is 0.0 MB; the limit is 0 MB" in result.stderr.splitlines()
    out = tmp_path / "out.csv"
    result = invoke(["export", "--format", "csv", "--events", path, "-o", str(out)])
    assert_no_crash(result, 1)
    assert_nothing_written(tmp_path)


# --- 2. CSV and GeoJSON imports ----------------------------------------------------

M = f"{HERE}/import"  # researchers' own files
UNKNOWN_PLACE = (
    "unknown place (got 'Tachen'; expected a gazetteer id or name; closest: tacheng)"
)
# (file, the problems import_events reports, the ids it still accepts); a refused
# file (DataError) has one message and no ids
IMPORTS = [
    pytest.param(
        "unclosed-quote.csv",
        [
            f"{M}/unclosed-quote.csv:3: malformed CSV: unexpected end of data (a quote "
            "opened in this row is never closed); this row and the rows after it "
            "were not read"
        ],
        ["good"],
        id="csv-unclosed-quote",
    ),
    pytest.param(
        "too-many-cells.csv",
        [
            f"{M}/too-many-cells.csv:2: too many cells (got 12; expected 11 as in the "
            "header)"
        ],
        [],
        id="csv-too-many-cells",
    ),
    pytest.param(
        "missing-columns.csv",
        [
            f"{M}/missing-columns.csv:1: {col}: required column is missing (got id, "
            "title, when, place; expected at least id, title, kind, when, place, lon, "
            "lat, summary, people, claimant, source)"
            for col in ("kind", "summary")
        ]
        + [
            f"{M}/missing-columns.csv:1: source: required column is missing (got no "
            "source column; expected source)"
        ],
        [],
        id="csv-missing-columns",
    ),
    pytest.param(
        "empty.csv",
        [f"{M}/empty.csv: file is empty; expected a header"],
        [],
        id="csv-empty",
    ),
    pytest.param(
        "impossible-date.csv",
        [
            f"{M}/impossible-date.csv:2: leap: when: impossible date: February 1962 "
            "has 28 days (got '1962-02-29'; expected a day from 01 to 28)"
        ],
        [],
        id="csv-impossible-date",
    ),
    pytest.param(
        "wrong-types.csv",
        [
            f"{M}/wrong-types.csv:2: typed: when: not an EDTF date (got 'spring 1962'; "
            + EDTF_ALLOWED,
            f"{M}/wrong-types.csv:2: typed: people: not a number of people (got "
            "'many'; expected a number such as 6000, a range 5000-6000 or approximate "
            "~6000)",
        ],
        [],
        id="csv-wrong-types",
    ),
    pytest.param(
        "huge-number.csv",
        [
            f"{M}/huge-number.csv:2: huge: people: number too large (got "
            f"'1{'0' * 39}'…; expected a number such as 6000, a range 5000-6000 or "
            "approximate ~6000)"
        ],
        [],
        id="csv-number-too-large",
    ),
    pytest.param(
        "swapped-coordinates.csv",
        [
            f"{M}/swapped-coordinates.csv:2: swapped: lon: coordinates probably swapped"
            " (got lon 44.2, lat 80.4, outside the study area 73.5–88° E, 40–50° N; "
            "swapped they fall inside it: expected lon 80.4, lat 44.2)"
        ],
        [],
        id="csv-swapped-coordinates",
    ),
    pytest.param(
        "latitude-out-of-range.csv",
        [
            f"{M}/latitude-out-of-range.csv:2: far-north: lat: coordinate out of range "
            "(got lat 91; expected -90 to 90 decimal degrees)"
        ],
        [],
        id="csv-latitude-out-of-range",
    ),
    pytest.param(
        "unknown-place.csv",
        [f"{M}/unknown-place.csv:2: where: place: {UNKNOWN_PLACE}"],
        [],
        id="csv-unknown-place",
    ),
    pytest.param(
        "ambiguous-place.csv",
        [
            f"{M}/ambiguous-place.csv:2: which: place: ambiguous place name (got "
            "'Khorgos'; it matches khorgos-cn (Khorgos (China), PRC); khorgos-kz "
            "(Khorgos (Soviet side), USSR); expected one of these ids)"
        ],
        [],
        id="csv-ambiguous-place",
    ),
    pytest.param(
        "duplicate-id.csv",
        [
            f"{M}/duplicate-id.csv:3: twice: id: duplicate event id (got 'twice'; "
            f"first defined at {M}/duplicate-id.csv:2; ids must be unique)"
        ],
        ["twice"],
        id="csv-duplicate-id",
    ),
    pytest.param(
        "dangling-source.csv",
        [
            f"{M}/dangling-source.csv:2: cites: source: unknown source (got "
            "'wcda-memo-1962-04-24-sovet'; expected a source id or a citation in "
            "words; closest: wcda-memo-1962-04-24-soviet, wcda-memo-1962-04-24-chinese,"
            " wcda-cable-1962-04-29)"
        ],
        [],
        id="csv-dangling-source",
    ),
    pytest.param(
        "missing-claimant.csv",
        [
            f"{M}/missing-claimant.csv:2: counted: claimant: a number without its "
            "claimant (got people '6000' and an empty claimant; expected who claimed "
            "the number)"
        ],
        [],
        id="csv-missing-claimant",
    ),
    pytest.param(
        "unknown-kind.csv",
        [
            f"{M}/unknown-kind.csv:2: riot: kind: not an allowed value (got 'riot'; "
            "expected one of 'crossing', 'diplomacy', 'unrest', 'border-control', "
            "'administration', 'treaty' or 'context')"
        ],
        [],
        id="csv-unknown-kind",
    ),
    pytest.param(
        "claims-not-json.csv",
        [
            f"{M}/claims-not-json.csv:2: edited: claims: malformed JSON (Expecting ',' "
            "delimiter at character 37; expected a JSON array of claims, as the export "
            "writes)",
            f"{M}/claims-not-json.csv:2: edited: source: no source (got an empty "
            "source cell; expected a source id or a citation in words)",
        ],
        [],
        id="csv-claims-column-malformed-json",
    ),
    pytest.param(
        "latin1.csv",
        [
            f"{M}/latin1.csv:2: not UTF-8 text (byte 0xe8 at offset 72); save the file "
            "as UTF-8"
        ],
        None,
        id="csv-latin1",
    ),
    pytest.param(
        "utf16.csv",
        [
            f"{M}/utf16.csv:1: not UTF-8 text (byte 0xff at offset 0); save the "
            "file as UTF-8"
        ],
        None,
        id="csv-utf16",
    ),
    pytest.param(
        "malformed.geojson",
        [f"{M}/malformed.geojson:3: malformed JSON: Expecting value"],
        [],
        id="geojson-malformed",
    ),
    pytest.param(
        "not-a-collection.geojson",
        [f"{M}/not-a-collection.geojson:1: expected a GeoJSON FeatureCollection"],
        [],
        id="geojson-not-a-collection",
    ),
    pytest.param(
        "properties-a-list.geojson",
        [
            f"{M}/properties-a-list.geojson:2: listed: properties: wrong type (got "
            "['title', 'T', 'when', '1962']; expected an object of properties, or "
            "null)"
        ],
        [],
        id="geojson-properties-wrong-type",
    ),
    pytest.param(
        "geometry-as-text.geojson",
        [
            f"{M}/geometry-as-text.geojson:2: wkt: geometry: wrong type (got 'POINT "
            "(80.4 44.2)'; expected a GeoJSON geometry object, or null)"
        ],
        [],
        id="geojson-geometry-wrong-type",
    ),
    pytest.param(
        "wrong-types.geojson",
        [
            f"{M}/wrong-types.geojson:2: typed: title: wrong type (got ['T']; expected "
            "text)",
            f"{M}/wrong-types.geojson:2: typed: when: not an EDTF date (got {{'year': "
            "1962}; " + EDTF_ALLOWED,
        ],
        [],
        id="geojson-wrong-types",
    ),
    pytest.param(
        "nan-coordinate.geojson",
        [
            f"{M}/nan-coordinate.geojson:2: nan: lon: not a number (got 'nan'; "
            "expected decimal degrees such as 80.32)"
        ],
        [],
        id="geojson-nan-coordinate",
    ),
    pytest.param(
        "swapped-coordinates.geojson",
        [
            f"{M}/swapped-coordinates.geojson:2: swapped: lon: coordinates probably "
            "swapped (got lon 44.2, lat 80.4, outside the study area 73.5–88° E, "
            "40–50° N; swapped they fall inside it: expected lon 80.4, lat 44.2)"
        ],
        [],
        id="geojson-swapped-coordinates",
    ),
]
# A GeoJSON file whose first feature has no readable ``when`` is taken for a
# gazetteer by ``mapapp.load.classify``: the CLI reports it as a places file (and the
# bundled events then miss their places). The message still names file, line, fault.
AS_PLACES = {
    "malformed.geojson": [f"{M}/malformed.geojson:3: malformed JSON: Expecting value"],
    "not-a-collection.geojson": [
        f"{M}/not-a-collection.geojson:1: expected a GeoJSON FeatureCollection"
    ],
    "properties-a-list.geojson": [
        f"{M}/properties-a-list.geojson:2: #1: expected a Feature with an object of "
        "properties (got {'type': 'Feature', 'id': 'listed', 'geometry': None, "
        "'properties': ['title',...)"
    ],
}


@pytest.fixture(scope="module")
def base():
    data, problems = load.read_dataset()
    assert problems == []
    return data, io.read_frontier()[1]


def _import(name: str, base) -> tuple[list[str], list[str] | None]:
    data, territory = base
    raw = (ROOT / M / name).read_bytes()
    try:
        result = importer.import_events(raw, f"{M}/{name}", data, territory)
    except DataError as exc:
        return [str(p) for p in exc.problems], None
    return [str(p) for p in result.problems], [e.id for e, *_ in result.events]


@pytest.mark.parametrize(("name", "expected", "accepted"), IMPORTS)
def test_import(name, expected, accepted, base, bundled, tmp_path):
    assert _import(name, base) == (expected, accepted)
    cli_expected = AS_PLACES.get(name, expected)
    result = invoke(["validate", f"{M}/{name}"])
    assert_no_crash(result, 1)
    assert result.stderr.splitlines()[: len(cli_expected)] == cli_expected
    out = tmp_path / "mine.geojson"
    args = [
        "export",
        "--format",
        "geojson",
        "--events",
        f"{M}/{name}",
        "-o",
        str(out),
    ]
    result = invoke(args)
    assert_no_crash(result, 1)
    assert result.stderr.splitlines()[: len(cli_expected)] == cli_expected
    assert "nothing was exported" in result.stderr
    assert_nothing_written(tmp_path)


def test_import_over_the_size_limit(base, bundled, tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_BYTES", 100)
    name = "duplicate-id.csv"  # 236 bytes
    message = f"{M}/{name}: file is 0.0 MB; the limit is 0 MB"
    assert _import(name, base) == ([message], None)
    out = tmp_path / "mine.csv"
    result = invoke(
        ["export", "--format", "csv", "--events", f"{M}/{name}", "-o", str(out)]
    )
    assert_no_crash(result, 1)
    assert message in result.stderr.splitlines()  # (bundled files are over it too)
    assert_nothing_written(tmp_path)


# built inline: too big or too odd to keep as files
DEEP = "[" * 100_000 + "]" * 100_000
INLINE_IMPORTS = [
    pytest.param(
        "deep.geojson",
        '{"type": "FeatureCollection", "features": ' + DEEP + "}",
        ["deep.geojson: malformed JSON: nested too deeply"],
        id="geojson-nested-too-deeply",
    ),
    pytest.param(
        "deep.csv",
        "id,title,kind,when,summary,source,claims\n"
        f'a,T,crossing,1962,s,{MEMO},"{"[" * 5000 + "]" * 5000}"\n',
        [
            "deep.csv:2: a: claims: malformed JSON (nested too deeply; expected a "
            "JSON array of claims, as the export writes)"
        ],
        id="csv-claims-nested-too-deeply",
    ),
    pytest.param(
        "number.geojson",
        '{"type": "FeatureCollection", "features": [\n7\n]}\n',
        ["number.geojson:2: #1: expected a Feature"],
        id="geojson-feature-a-number",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), INLINE_IMPORTS)
def test_inline_import(name, text, expected, base, bundled, tmp_path):
    data, territory = base
    result = importer.import_events(text.encode(), name, data, territory)
    assert ([str(p) for p in result.problems], result.events) == (expected, [])
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    args = ["export", "--format", "csv", "--events", str(path), "-o", str(out / "x")]
    result = invoke(args)
    assert_no_crash(result, 1)
    assert "nothing was exported" in result.stderr
    assert_nothing_written(out)


def test_every_import_file_is_a_case():
    names = {p.name for p in (ROOT / M).iterdir()}
    assert names == {case.values[0] for case in IMPORTS}


# --- 3. the arguments of mapapp export ----------------------------------------------


ARGS = [
    pytest.param(
        ["--format", "csv", "--from", "spring 1962"],
        "Invalid value for '--from': not an EDTF date (got 'spring 1962'; ",
        id="from-not-edtf",
    ),
    pytest.param(
        ["--format", "csv", "--to", "1962-04-31"],
        "Invalid value for '--to': impossible date: April 1962 has 30 days (got "
        "'1962-04-31'; expected a day from 01 to 30)",
        id="to-impossible-date",
    ),
    pytest.param(
        ["--format", "csv", "--from", "1962-05/1962-04"],
        "Invalid value for '--from': interval ends before it starts (got "
        "'1962-05/1962-04'; expected START/END with START not after END)",
        id="from-reversed-interval",
    ),
    pytest.param(
        ["--format", "csv", "--from", "1962-06", "--to", "1962-04"],
        "--to ends before --from starts (got from 1962-06-01, to 1962-04-30; "
        "expected a window that ends on or after its start)",
        id="window-reversed",
    ),
    pytest.param(
        ["--format", "csv", "--kind", "riot"],
        "Invalid value for '--kind': 'riot' is not one of 'crossing', 'diplomacy', "
        "'unrest', 'border-control', 'administration', 'treaty', 'context'.",
        id="unknown-kind",
    ),
    pytest.param(
        ["--format", "shp"],
        f"Invalid value for '--format': 'shp' is not one of "
        f"{', '.join(map(repr, FORMATS))}.",
        id="unknown-format",
    ),
    pytest.param(
        ["-o", "{tmp}/x.csv"],
        "Missing option '--format'.",
        id="no-format",
    ),
    pytest.param(
        ["--format", "csv"], "Missing option '-o' / '--output'.", id="no-output"
    ),
    pytest.param(
        ["--format", "gpkg", "-o", "-"],
        "a GeoPackage cannot go to standard output; use -o FILE",
        id="gpkg-to-stdout",
    ),
    pytest.param(
        ["--format", "csv", "-o", "{tmp}"],
        "-o must name a file in an existing folder (got '{tmp}'; it is a folder)",
        id="output-is-a-folder",
    ),
    pytest.param(
        ["--format", "csv", "-o", "{tmp}/no/such/folder/x.csv"],
        "-o must name a file in an existing folder (got '{tmp}/no/such/folder/x.csv';"
        " no such folder)",
        id="output-folder-missing",
    ),
    pytest.param(
        ["--format", "csv", "--events", "no/such/file.csv"],
        "Invalid value for '--events': Path 'no/such/file.csv' does not exist.",
        id="events-file-missing",
    ),
]


@pytest.mark.parametrize(("args", "message"), ARGS)
def test_export_arguments(args, message, bundled, tmp_path):
    if "-o" not in args and "Missing option '-o'" not in message:
        args = [*args, "-o", "{tmp}/x.csv"]
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = invoke(["export", *args])
    assert_no_crash(result, 2)
    assert result.output.startswith("Usage: cli export [OPTIONS]")
    text = " ".join(result.output.split())  # click wraps long messages
    assert f"Error: {message.replace('{tmp}', str(tmp_path))}" in text
    assert_nothing_written(tmp_path)


def test_export_that_cannot_be_written_leaves_nothing(bundled, tmp_path, monkeypatch):
    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(write.os, "replace", refuse)
    out = tmp_path / "x.geojson"
    result = invoke(["export", "--format", "geojson", "-o", str(out)])
    assert_no_crash(result, 1)
    assert result.stderr == (
        f"Error: cannot write {out}: Permission denied; nothing was written\n"
    )
    assert_nothing_written(tmp_path)


def test_export_over_an_existing_file_keeps_it_when_refused(mini, tmp_path):
    out = tmp_path / "x.csv"
    out.write_text("before")
    result = invoke(
        [
            "export",
            "--format",
            "csv",
            "--events",
            f"{OLD}/impossible-date.yaml",
            "-o",
            str(out),
        ]
    )
    assert_no_crash(result, 1)
    assert out.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


# --- 4. query parameters --------------------------------------------------------------

IDS = {"1962-05-29-yining-riot"}
PAYLOAD = "<img src=x onerror=alert(1)>"
URLS = [
    pytest.param(
        {"event": "no-such-event"},
        ViewState(),
        ["the link names an event that does not exist: 'no-such-event'"],
        id="missing-event",
    ),
    pytest.param(
        {"event": PAYLOAD},
        ViewState(),
        [f"the link names an event that does not exist: {PAYLOAD!r}"],
        id="html-event",
    ),
    pytest.param(
        {"from": "garbage"},
        ViewState(),
        ["link parameter from='garbage' is not a date (expected YYYY-MM-DD)"],
        id="from-garbage",
    ),
    pytest.param(
        {"to": "1962-02-29", "from": "1962-02-01"},
        ViewState(start=date(1962, 2, 1)),
        ["link parameter to='1962-02-29' is not a date (expected YYYY-MM-DD)"],
        id="to-impossible-date",
    ),
    pytest.param(
        {"from": "1962-06-01", "to": "1962-04-01"},
        ViewState(),
        ["link parameters from/to: the window ends before it starts"],
        id="window-reversed",
    ),
    pytest.param(
        {"kind": "crossing,riot,<b>x</b>"},
        ViewState(kinds=("crossing",)),
        [
            "link parameter kind: 'riot', '<b>x</b>' not known (expected some of "
            "crossing, diplomacy, unrest, border-control, administration, treaty, "
            "context)"
        ],
        id="unknown-kind",
    ),
    pytest.param(
        {"grade": "a,E"},
        ViewState(),
        ["link parameter grade: 'a', 'E' not known (expected some of A, B, C, D)"],
        id="unknown-grade",
    ),
    pytest.param(
        {"lat": "44.2", "lon": "nan", "z": "8"},
        ViewState(),
        ["link parameter lon='nan' is not a number from -180 to 180"],
        id="lon-nan",
    ),
    pytest.param(
        {"lat": "95", "lon": "80.4", "z": "8"},
        ViewState(),
        ["link parameter lat='95' is not a number from -90 to 90"],
        id="lat-out-of-range",
    ),
    pytest.param(
        {"lat": "44.2", "lon": "80.4", "z": "99"},
        ViewState(),
        ["link parameter z='99' is not a number from 1 to 18"],
        id="zoom-out-of-range",
    ),
    pytest.param(
        {"lat": "44.2", "z": "8"},
        ViewState(),
        [
            "link parameters lat, z: a view needs lat, lon and z together (got no "
            "lon); the map opens on its overview"
        ],
        id="lon-missing",
    ),
    pytest.param(
        {"q": PAYLOAD + "x" * 300},
        ViewState(text=(PAYLOAD + "x" * 300)[:200]),
        [],
        id="search-html-kept-as-text-and-cut",
    ),
]


@pytest.mark.parametrize(("params", "state", "notes"), URLS)
def test_query_parameters(params, state, notes):
    assert parse(params, IDS) == (state, notes)


def test_app_link_to_a_missing_event_and_a_garbage_date(fresh_cache, bundled):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["event"] = "no-such-event"
    at.query_params["from"] = "garbage"
    at.run()
    assert not at.exception
    assert not at.error
    shown = [w.value.replace("\\", "") for w in at.warning]  # markdown escapes
    assert shown[:2] == [
        "Part of the link was ignored: the link names an event that does not exist: "
        "'no-such-event'.",
        "Part of the link was ignored: link parameter from='garbage' is not a date "
        "(expected YYYY-MM-DD).",
    ]
    # the next run (the map's first report of its view, in a browser) writes the
    # page's own address: the bad parameters are not kept (the notes stay until
    # dismissed)
    at.run()
    assert "event" not in at.query_params and "from" not in at.query_params


# --- 5. payloads that are data: HTML/JS and spreadsheet formulas --------------------

# (title as written, its cell in the exported CSV)
PAYLOADS = [
    pytest.param(PAYLOAD, PAYLOAD, id="html-img-onerror"),
    pytest.param("<script>alert(2)</script>", "<script>alert(2)</script>", id="script"),
    pytest.param(
        '=HYPERLINK("http://evil.example","x")',
        '\'=HYPERLINK("http://evil.example","x")',
        id="formula-hyperlink",
    ),
    pytest.param("+1", "'+1", id="formula-plus"),
    pytest.param("-1", "-1", id="plain-negative-number"),  # a number, left alone
    pytest.param("-1+2", "'-1+2", id="formula-minus"),
    pytest.param("@SUM(A1:A9)", "'@SUM(A1:A9)", id="formula-at"),
    pytest.param("'=already quoted", "''=already quoted", id="quote-then-formula"),
    pytest.param(
        "[a link](javascript:alert(3))",
        "[a link](javascript:alert(3))",
        id="markdown-js-link",
    ),
]


@pytest.fixture(scope="module")
def world():
    data, _ = load.read_dataset()
    return data, geocode.Frontier(*io.read_frontier())


@pytest.mark.parametrize(("title", "cell"), PAYLOADS)
def test_payload_is_data_and_harmless(title, cell, world):
    data, frontier = world
    event = Event(
        id="payload",
        title=title,
        summary=f"Said: {title}",
        kind="unrest",
        when="1962-05-29",
        places=[{"place": "yining", "role": "site"}],
        sources=[{"source": MEMO}],
    )
    mine = Dataset.of(events=(event,), sources=data.sources, places=data.places)
    located = geocode.geocode(mine, frontier)
    table = export.event_table(mine, located)
    # CSV: formulas neutralised, and the import restores exactly what was written
    text = export.csv_text(table)
    (row,) = csv.DictReader(stdio.StringIO(text, newline=""))
    assert row["title"] == cell
    assert cells.restore(row["title"]) == title
    back = importer.import_events(text.encode(), "x.csv", data, frontier.territory)
    assert back.problems == [] and [e for e, *_ in back.events] == [event]
    # GeoJSON: the text is a JSON string, kept as written
    doc = json.loads(export.geojson_text(table, meta.metadata({})))
    assert doc["features"][0]["properties"]["title"] == title
    # shown in the app: Markdown shows it literally, the map's tooltip escapes HTML
    shown = detail.md_escape(title)
    assert "<" not in shown.replace("\\<", "") and "[" not in shown.replace("\\[", "")
    frame = eventlayers.event_frame(mine, located.events)
    assert "<" not in frame.loc["payload", "title_html"]
    features = eventlayers.event_features(frame).features["payload"]
    assert "<" not in json.dumps(features)


def test_html_event_file_is_accepted_as_data(mini):
    result = invoke(["validate", "--json", f"{E}/html-title.yaml"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["errors"] == []


# --- the corpus as a whole --------------------------------------------------------


def test_corpus_size():
    bad = (
        len(RECORD_FILES)
        + len(OLD_FILES)
        + len(IMPORTS)
        + len(INLINE_IMPORTS)
        + len(ARGS)
        + len(URLS)
    )
    assert bad >= 30 + len(OLD_FILES)  # 30 new ones, and the old corpus through the CLI


def test_app_link_note_is_not_markdown(fresh_cache, bundled):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["event"] = "[click here](https://evil.example)"
    at.run()
    assert not at.exception
    (warning,) = [w.value for w in at.warning if "evil" in w.value]
    assert "\\[click here\\]" in warning

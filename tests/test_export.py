"""Exports: the table, GeoJSON (RFC 7946), CSV, GeoPackage, LPF, CITATION.cff."""

import csv
import io as stdio
import json
import re
from pathlib import Path

import geopandas as gpd
import jsonschema
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
import yaml
from click.testing import CliRunner
from shapely.geometry import Point, Polygon

from mapapp import cells, export, geojson, importer, load, lpf, meta, write
from mapapp.cli import cli
from mapapp.errors import ExportError
from tests.conftest import seen_by_gis

ROOT = Path(__file__).parent.parent
FLAT = [c for c in cells.COLUMNS if c not in cells.NESTED]
NUMBER = re.compile(r"-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?")


def _geojson_file(tmp_path, table, metadata):
    path = tmp_path / "events.geojson"
    write.write_atomic(path, export.geojson_text(table, metadata))
    return path


# --- the table -------------------------------------------------------------------


def test_table_columns_and_values(table):
    assert list(table.columns) == [*cells.COLUMNS, "geometry"]
    row = table.set_index("id").loc["route-inferred"]
    assert (row["when"], row["date_start"], row["date_end"]) == (
        "1962-04-22",
        "1962-04-22",
        "1962-04-22",
    )
    assert row["place"] == "origin:tacheng|destination:urjar"
    assert row["place_names"] == "Tacheng|Urjar"
    assert row["people"] == "~6000|5000-6000"
    assert row["claimant"] == "Soviet government|Xinjiang officials"
    assert row["source"] == "memo|kraus|rumour"
    assert row["citation"] == (
        "Soviet government, “A memorandum”, 24 April 1962, FMA 1, p. 2 (and 2 more)"
    )
    assert row["crossing_inferred"] and row["geo_precision"] == "exact"
    assert json.loads(row["claims"])[0]["as_of"] == "1962-04-22"
    routes = table.set_index("id").loc["two-routes"]
    assert routes["place"] == (
        "origin:Кульджа|crossing:khorgos-cn|origin@2:tacheng|destination@2:urjar"
    )
    open_end = table.set_index("id").loc["two-sites"]
    assert open_end["date_end"] is None and open_end["far"]
    nowhere = table.set_index("id").loc["nowhere"]
    assert nowhere["geometry"] is None and nowhere["geo_precision"] is None


def test_table_keeps_only_selected_ids_in_dataset_order(w):
    table = export.event_table(w.data, w.located, ["one-site", "route-inferred"])
    assert table["id"].tolist() == ["route-inferred", "one-site"]


def test_place_with_separator_cannot_be_written(w):
    ev = w.data.events[2].model_copy(
        update={
            "places": [w.data.events[2].places[0].model_copy(update={"place": "a|b"})]
        }
    )
    data = type(w.data)(events=(ev,), sources=w.data.sources, places=w.data.places)
    with pytest.raises(ExportError, match="contains '\\|'"):
        export.event_table(data, w.located)


# --- GeoJSON ---------------------------------------------------------------------


def test_geojson_follows_rfc7946(tmp_path, table, metadata):
    path = _geojson_file(tmp_path, table, metadata)
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["metadata"]["license"] == "CC-BY-4.0"
    assert doc["metadata"]["filter"] == {"from": "1962-04-01", "kinds": ["crossing"]}
    assert doc["metadata"]["generated_at"] == "2024-05-01T12:00:00Z"
    ids = [f["id"] for f in doc["features"]]
    assert ids == table["id"].tolist()
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert feature["properties"]["id"] == feature["id"]
        assert isinstance(feature["properties"]["claims"], list)
        assert isinstance(feature["properties"]["sources"], list)
        geom = feature["geometry"]
        if geom is None:
            assert "bbox" not in feature
            continue
        shape = shapely.geometry.shape(geom)
        assert feature["bbox"] == pytest.approx(list(shape.bounds))
        xy = shapely.get_coordinates(shape)
        assert (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()
    nowhere = next(f for f in doc["features"] if f["id"] == "nowhere")
    assert nowhere["geometry"] is None
    everything = shapely.union_all(
        [Point(f["bbox"][:2]) for f in doc["features"] if f["geometry"]]
        + [Point(f["bbox"][2:]) for f in doc["features"] if f["geometry"]]
    )
    assert doc["bbox"] == pytest.approx(list(everything.bounds))
    # [lon, lat]: Yining is at 81.3 E, 43.9 N
    one = next(f for f in doc["features"] if f["id"] == "one-site")
    assert one["geometry"] == {"type": "Point", "coordinates": [81.3, 43.9]}
    # one feature per line after the opening line
    lines = text.splitlines()
    assert len(lines) == len(doc["features"]) + 2 and lines[-1] == "]}"


def test_geojson_precision_at_most_7_decimals(tmp_path):
    frame = gpd.GeoDataFrame(
        {"id": ["p"]},
        geometry=[shapely.LineString([(80.123456789123, 44.987654321), (81, 45)])],
        crs="EPSG:4326",
    )
    doc_text = geojson.feature_collection(frame, ["id"])
    coords = json.loads(doc_text)["features"][0]["geometry"]["coordinates"]
    assert coords[0] == [80.1234568, 44.9876543]
    raw_geometry = doc_text.split('"geometry":')[1].split(',"properties"')[0]
    for match in NUMBER.finditer(raw_geometry):
        assert len(match.group(1) or "") <= 7, match.group(0)


def _signed_area(ring):
    xy = np.asarray(ring)
    return 0.5 * np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1])


def test_geojson_rings_counter_clockwise_holes_clockwise(w):
    zones = w.zones
    assert not shapely.is_ccw(zones.geometry.iloc[0].exterior)  # given clockwise
    doc = json.loads(geojson.feature_collection(zones, ["id", "name", "sources"]))
    rings = doc["features"][0]["geometry"]["coordinates"]
    assert _signed_area(rings[0]) > 0  # exterior counter-clockwise
    assert _signed_area(rings[1]) < 0  # hole clockwise
    assert doc["features"][0]["properties"]["sources"] == ["OSM", "NE"]


def test_geojson_reprojects_to_wgs84():
    frame = gpd.GeoDataFrame(
        {"id": ["p"]}, geometry=[Point(80, 44)], crs="EPSG:4326"
    ).to_crs(3857)
    doc = json.loads(geojson.feature_collection(frame, ["id"]))
    assert doc["features"][0]["geometry"]["coordinates"] == [80.0, 44.0]
    assert "crs" not in doc


def test_geojson_without_crs_is_refused():
    frame = gpd.GeoDataFrame({"id": ["p"]}, geometry=[Point(80, 44)])
    with pytest.raises(ExportError, match="no CRS"):
        geojson.feature_collection(frame, ["id"])


def test_geojson_read_back_by_gdal(tmp_path, table, metadata):
    path = _geojson_file(tmp_path, table, metadata)
    back = pyogrio.read_dataframe(path)
    assert len(back) == len(table)
    assert back["id"].tolist() == table["id"].tolist()
    for got, want in zip(back.geometry, table.geometry, strict=True):
        if want is None:
            assert got is None
        else:
            assert shapely.equals_exact(got, want, tolerance=1e-7)
    for name in FLAT:
        assert seen_by_gis(back[name]) == table[name].tolist(), name
    # GDAL reads the day columns as dates, and the nested arrays as JSON
    assert str(back["date_start"].dtype).startswith("datetime64")
    claims = back.loc[0, "claims"]
    claims = json.loads(claims) if isinstance(claims, str) else claims
    assert claims == json.loads(table.loc[0, "claims"])


# --- CSV -------------------------------------------------------------------------


def test_csv_columns_and_formula_neutralised(table):
    text = export.csv_text(table)
    rows = list(csv.DictReader(stdio.StringIO(text, newline="")))
    assert list(rows[0]) == list(cells.CSV_COLUMNS)
    assert set(importer.HEADER) <= set(cells.CSV_COLUMNS)  # a superset
    nowhere = next(r for r in rows if r["id"] == "nowhere")
    assert nowhere["title"] == '\'=HYPERLINK("x")'
    assert nowhere["summary"] == "'+1 more; -2 less; @mention"
    assert (nowhere["lon"], nowhere["lat"], nowhere["wkt"]) == ("", "", "")
    first = rows[0]
    assert (first["lon"], first["lat"]) == ("80.0", "46.08")
    assert first["wkt"] == "LINESTRING (83 44.7, 80 46.08, 78 47)"
    assert first["date_approximate"] == "false" and first["crossing_inferred"] == "true"
    assert json.loads(first["sources"])[0] == {
        "source": "memo",
        "locator": "p. 2",
        "quote": "crossed",
        "note": "a note",
    }


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-foo", "'-foo"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'=x", "''=x"),
        ("''", "'''"),
        ("'quoted'", "'quoted'"),
        ("-12.5", "-12.5"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise_and_restore(cell, written):
    assert cells.neutralise(cell) == written
    assert cells.restore(written) == cell


# --- atomic text exports -----------------------------------------------------------


def test_failed_text_export_leaves_no_file(tmp_path, monkeypatch):
    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "fsync", broken)
    with pytest.raises(OSError, match="No space left"):
        write.write_atomic(tmp_path / "events.geojson", "{}")
    assert list(tmp_path.iterdir()) == []


def test_cli_export_failing_writer_leaves_no_file(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ExportError("the writer broke mid-way")

    monkeypatch.setattr(geojson, "encode_column", broken)
    out = tmp_path / "events.geojson"
    result = CliRunner().invoke(cli, ["export", "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 1
    assert "the writer broke mid-way" in result.output
    assert list(tmp_path.iterdir()) == []


# --- CLI ---------------------------------------------------------------------------


def test_cli_export_geojson_to_stdout_with_filter():
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--format",
            "geojson",
            "--kind",
            "crossing",
            "--from",
            "1962-04",
            "--to",
            "1962-05",
            "-o",
            "-",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    kinds = {f["properties"]["kind"] for f in doc["features"]}
    assert kinds == {"crossing"} and doc["features"]
    for f in doc["features"]:
        assert f["properties"]["date_end"] >= "1962-04-01"
        assert f["properties"]["date_start"] <= "1962-05-31"
    assert doc["metadata"]["filter"]["from"] == "1962-04-01"
    assert doc["metadata"]["filter"]["to"] == "1962-05-31"
    assert doc["metadata"]["filter"]["kinds"] == ["crossing"]


def test_cli_export_all_formats(tmp_path):
    runner = CliRunner()
    for fmt in ("geojson", "csv", "gpkg", "lpf"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    places = load.read_dataset()[0].places
    assert len(json.loads((tmp_path / "out.lpf").read_text())["features"]) == len(
        places
    )


def test_cli_export_gpkg_needs_a_file():
    result = CliRunner().invoke(cli, ["export", "--format", "gpkg", "-o", "-"])
    assert result.exit_code == 2 and "use -o FILE" in result.output


def test_cli_export_bad_date_is_a_usage_error():
    result = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--from", "April 1962", "-o", "-"]
    )
    assert result.exit_code == 2 and "not an EDTF date" in result.output


def test_cli_export_refuses_data_with_problems(tmp_path, mini_root, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MAPAPP_DATA", str(mini_root))
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--format",
            "csv",
            "--events",
            "tests/data/bad/unknown-kind.yaml",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 1
    assert "nothing was exported" in result.output and not out.exists()


# --- Linked Places Format -----------------------------------------------------------


LINK_TYPES = {"closeMatch", "primaryTopicOf", "subjectOf", "seeAlso"}
ISO_DATE = re.compile(r"^-?\d{4}(-\d{2}(-\d{2})?)?$")


def assert_lpf(doc):
    """The rules of the LPF v1.2.2 README (LinkedPasts/linked-places-format)."""
    assert doc["type"] == "FeatureCollection"
    assert doc["@context"] == lpf.CONTEXT
    ids = [f["@id"] for f in doc["features"]]
    assert len(set(ids)) == len(ids)
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert re.match(r"^[a-z][a-z0-9+.-]*:\S+$", f["@id"])  # a URI
        props = f["properties"]
        assert isinstance(props["title"], str) and props["title"]
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in props["ccodes"])
        assert f["names"], "names[] is required"
        for name in f["names"]:
            assert name["toponym"] and re.fullmatch(
                r"[a-z]{2,3}(-[A-Za-z0-9]+)*", name["lang"]
            )
        assert any(n.get("citations") for n in f["names"]), "one name must be cited"
        for name in f["names"]:
            for cite in name.get("citations", []):
                assert cite["label"]
        # every Feature has at least one `when` with timespans that have a start
        whens = [f.get("when"), f["geometry"] and f["geometry"].get("when")]
        whens += [n.get("when") for n in f["names"]]
        whens = [x for x in whens if x]
        assert whens
        for when in whens:
            assert when["timespans"]
            for span in when["timespans"]:
                start = span["start"]
                assert set(start) <= {"in", "earliest", "latest"} and start
                assert all(ISO_DATE.match(v) for v in start.values())
        for t in f.get("types", []):
            assert re.fullmatch(r"aat:\d+", t["identifier"]) and t["label"]
        geom = f["geometry"]
        if geom is not None:
            assert geom["type"] == "Point"
            lon, lat = geom["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert geom["certainty"] in ("certain", "less-certain", "uncertain")
            assert all(c["label"] for c in geom["citations"])
        for link in f.get("links", []):
            assert link["type"] in LINK_TYPES and link["identifier"]
        for d in f.get("descriptions", []):
            assert d["value"] and d["lang"]


def test_lpf_follows_the_published_rules(w, metadata):
    doc = lpf.collection(w.data.places.values(), metadata)
    assert_lpf(doc)
    by_id = {f["@id"]: f for f in doc["features"]}
    tacheng = by_id["urn:mapapp:place:tacheng"]
    assert [n["toponym"] for n in tacheng["names"]] == ["Tacheng", "Чугучак", "塔城"]
    assert tacheng["properties"] == {"title": "Tacheng", "ccodes": ["CN"]}
    assert tacheng["types"][0]["sourceLabels"] == [
        {"label": "county-seat", "lang": "en"}
    ]
    assert tacheng["geometry"]["coordinates"] == [83.0, 44.7]
    assert tacheng["geometry"]["certainty"] == "certain"
    assert by_id["urn:mapapp:place:ili"]["geometry"]["certainty"] == "uncertain"
    assert by_id["urn:mapapp:place:moscow"]["properties"]["ccodes"] == ["RU"]
    text = lpf.text(doc)
    assert json.loads(text) == json.loads(json.dumps(doc))


def test_lpf_of_the_bundled_gazetteer():
    data, _ = load.read_dataset()
    doc = lpf.collection(data.places.values(), meta.metadata({}), "https://x.org/p/")
    assert_lpf(doc)
    almaty = next(f for f in doc["features"] if f["@id"] == "https://x.org/p/almaty")
    assert almaty["properties"]["ccodes"] == ["KZ"]
    assert almaty["links"] == [{"type": "closeMatch", "identifier": "gn:1526384"}]
    assert (
        almaty["geometry"]["citations"][0]["@id"] == "https://www.geonames.org/1526384"
    )


# --- metadata and CITATION.cff -----------------------------------------------------


def test_metadata_states_the_licences(metadata):
    assert metadata["title"] == meta.TITLE and metadata["version"]
    assert metadata["license"] == "CC-BY-4.0"
    licences = {t["license"] for t in metadata["third_party"]}
    assert licences == {"ODbL-1.0", "CC-BY-4.0"}
    assert any("OpenStreetMap" in t["attribution"] for t in metadata["third_party"])
    assert any("GeoNames" in t["attribution"] for t in metadata["third_party"])
    assert "CITATION.cff" in metadata["how_to_cite"]


# The top level of the Citation File Format 1.2.0 schema, written from its published
# schema.json: required keys, allowed keys, and the shape of each value used here.
CFF_ENTITY = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}},
}
CFF_PERSON = {
    "type": "object",
    "anyOf": [{"required": ["family-names"]}, {"required": ["name"]}],
}
CFF_LICENSE = {"type": "string", "enum": ["CC-BY-4.0", "ODbL-1.0", "MIT", "CC0-1.0"]}
CFF_1_2_0 = {
    "type": "object",
    "additionalProperties": False,
    "required": ["authors", "cff-version", "message", "title"],
    "properties": {
        "abstract": {"type": "string", "minLength": 1},
        "authors": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"anyOf": [CFF_PERSON, CFF_ENTITY]},
        },
        "cff-version": {"type": "string", "pattern": r"^1\.2\.0$"},
        "commit": {},
        "contact": {},
        "date-released": {
            "type": "string",
            "pattern": r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$",
        },
        "doi": {},
        "identifiers": {},
        "keywords": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 1},
        },
        "license": CFF_LICENSE,
        "license-url": {},
        "message": {"type": "string", "minLength": 1},
        "preferred-citation": {},
        "references": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["authors", "title", "type"],
                "properties": {
                    "license": CFF_LICENSE,
                    "url": {"type": "string", "pattern": "^(https|http|ftp|sftp)://.+"},
                },
            },
        },
        "repository": {},
        "repository-artifact": {},
        "repository-code": {},
        "title": {"type": "string", "minLength": 1},
        "type": {"enum": ["dataset", "software"]},
        "url": {},
        "version": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]},
    },
}


def test_citation_cff_is_current_and_valid():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert text == meta.citation_cff(), "regenerate: mapapp.meta.citation_cff()"
    doc = yaml.safe_load(text)
    jsonschema.validate(doc, CFF_1_2_0)
    assert doc["type"] == "dataset" and doc["license"] == "CC-BY-4.0"
    assert {r["license"] for r in doc["references"]} == {"ODbL-1.0", "CC-BY-4.0"}


def test_geojson_of_a_polygon_frame_with_foreign_members():
    frame = gpd.GeoDataFrame(
        {"id": [1, 2], "n": [np.int64(3), np.nan], "flag": [np.bool_(True), False]},
        geometry=[Polygon([(0, 0), (0, 1), (1, 1), (0, 0)]), None],
        crs="EPSG:4326",
    )
    doc = json.loads(
        geojson.feature_collection(frame, ["n", "flag"], foreign={"name": "x"})
    )
    assert doc["name"] == "x"
    assert [f["id"] for f in doc["features"]] == [1, 2]
    assert doc["features"][0]["properties"] == {"n": 3, "flag": True}
    assert doc["features"][1]["properties"] == {"n": None, "flag": False}
    assert doc["bbox"] == [0.0, 0.0, 1.0, 1.0]


def test_build_is_the_one_export_of_the_app_and_the_cli(tmp_path):
    from click.testing import CliRunner

    from mapapp.cli import cli
    from mapapp.errors import ExportError

    checked = load.load_checked()
    ids = [ev.id for ev in checked.data.events][:5]
    for fmt in ("geojson", "csv"):
        out = tmp_path / f"x.{fmt}"
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        all_ids = [ev.id for ev in checked.data.events]
        # the CLI's file is build()'s text, but for the metadata's timestamps
        built = export.build(fmt, checked.data, checked.located, all_ids, {})
        assert isinstance(built, str)
        if fmt == "csv":
            assert out.read_bytes().decode() == built
    text = export.build("csv", checked.data, checked.located, ids, {})
    assert len(text.strip().splitlines()) == 1 + len(ids)
    with pytest.raises(ExportError, match="unknown format"):
        export.build("shp", checked.data, checked.located, ids, {})
    with pytest.raises(ExportError, match="border"):
        export.build("gpkg", checked.data, checked.located, ids, {})


def test_geoparquet_reads_back_with_real_types(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from mapapp.cli import cli

    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(cli, ["export", "--format", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = gpd.read_parquet(out)
    checked = load.load_checked()
    assert frame["id"].tolist() == [ev.id for ev in checked.data.events]
    assert frame.crs.to_epsg() == 4326
    assert frame["date_start"].dtype == pd.ArrowDtype(pa.date32())
    assert frame["date_end"].dtype == pd.ArrowDtype(pa.date32())
    assert str(frame["people_max"].dtype) == "Float64"
    by_id = frame.set_index("id")
    for ev in checked.data.events:
        figures = [
            v
            for c in ev.claims
            if c.quantity == "people"
            for v in (c.value, c.low, c.high)
            if v is not None
        ]
        got = by_id.loc[ev.id, "people_max"]
        assert (pd.isna(got) and not figures) or got == max(figures), ev.id
        assert str(by_id.loc[ev.id, "date_start"]) == ev.when.earliest.isoformat()
    meta = pq.read_metadata(out).metadata
    assert json.loads(meta[b"geo"])["version"] == "1.1.0"
    assert json.loads(meta[b"mapapp"])["license"] == "CC-BY-4.0"
    refused = CliRunner().invoke(cli, ["export", "--format", "parquet", "-o", "-"])
    assert refused.exit_code == 2 and "standard output" in refused.output

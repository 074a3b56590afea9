"""The GeoPackage: one geometry type per layer, DATE fields, typed tables, relations,
QGIS styles; read back with pyogrio, GDAL's ogrinfo and GDAL's own relation API."""

import json
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest
import shapely

from mapapp import cells, export, gpkg, write
from mapapp.errors import ExportError
from mapapp.style import KIND_COLOURS
from tests.conftest import seen_by_gis

FLAT = [c for c in cells.COLUMNS if c not in cells.NESTED]
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _layers(w, table, metadata):
    return gpkg.layers(
        table, w.data, w.located.places, w.frontier.border, w.zones, metadata
    )


@pytest.fixture(scope="module")
def path(tmp_path_factory, w, table, metadata):
    out = tmp_path_factory.mktemp("gpkg") / "out" / "export.gpkg"
    layers = _layers(w, table, metadata)
    write.write_gpkg(
        out, layers, gpkg.statements(gpkg.tables(table, w.data), list(layers))
    )
    return out


def test_every_layer_has_one_geometry_type(path):
    assert pyogrio.list_layers(path).tolist() == [
        ["events", "MultiPoint"],
        ["routes", "MultiLineString"],
        ["places", "Point"],
        ["border_1962", "LineString"],
        ["uncertain_zones", "Polygon"],
        ["metadata", None],
        ["sources", None],
        ["claims", None],
        ["event_sources", None],
        ["layer_styles", None],
    ]


def test_events_are_the_points_of_their_places(path, table, w):
    events = pyogrio.read_dataframe(path, layer="events").set_index("id")
    assert events.index.tolist() == table["id"].tolist()
    places = w.located.places.geometry
    route = events.loc["route-inferred"].geometry  # tacheng -> urjar
    assert shapely.equals(
        route, shapely.multipoints([places["tacheng"], places["urjar"]])
    )
    assert events.loc["nowhere"].geometry is None
    routes = pyogrio.read_dataframe(path, layer="routes").set_index("id")
    assert routes.index.tolist() == ["route-inferred", "two-routes"]
    want = table.set_index("id").loc["route-inferred"].geometry
    assert shapely.equals(routes.loc["route-inferred"].geometry, want)


def test_dates_are_dates_and_figures_numbers(path, table):
    info = pyogrio.read_info(path, layer="events")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["date_start"] == types["date_end"] == "datetime64[D]"
    assert types["people_min"] == types["people_max"] == "float64"
    events = pyogrio.read_dataframe(path, layer="events").set_index("id")
    row = events.loc["route-inferred"]
    assert row["date_start"].date().isoformat() == "1962-04-22"
    assert (row["people_min"], row["people_max"]) == (5000, 6000)
    for name in FLAT:
        if name not in ("date_start", "date_end"):
            want = table.set_index("id")[name].tolist() if name != "id" else None
            assert name == "id" or seen_by_gis(events[name]) == want, name


def test_claims_table_one_row_per_figure(path, w):
    info = pyogrio.read_info(path, layer="claims")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["value"] == types["low"] == types["high"] == "float64"
    assert types["as_of"] == "datetime64[D]" and types["approximate"] == "bool"
    claims = pyogrio.read_dataframe(path, layer="claims", read_geometry=False)
    assert len(claims) == sum(len(ev.claims) for ev in w.data.events)
    first = claims[claims["event_id"] == "route-inferred"].iloc[0]
    assert first["value"] == 6000 and first["approximate"]
    assert first["as_of"].date().isoformat() == "1962-04-22"
    assert first["claimant"] == "Soviet government" and first["source_id"] == "memo"


def test_sources_and_event_sources_tables(path, w, table):
    sources = pyogrio.read_dataframe(path, layer="sources", read_geometry=False)
    assert set(sources["id"]) <= set(w.data.sources)
    memo = sources.set_index("id").loc["memo"]
    assert memo["grade"] == w.data.sources["memo"].grade
    links = pyogrio.read_dataframe(path, layer="event_sources", read_geometry=False)
    want = [(ev.id, c.source) for ev in w.data.events for c in ev.sources]
    assert list(zip(links["event_id"], links["source_id"], strict=True)) == want
    assert set(links["source_id"]) <= set(sources["id"])


def test_layer_styles_colour_the_kinds_and_dash_the_uncertain_border(path):
    with sqlite3.connect(path) as db:
        rows = dict(
            db.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall()
        )
        assert db.execute(
            "SELECT count(*) FROM layer_styles WHERE useAsDefault"
        ).fetchone()[0] == len(rows)
    assert set(rows) == {"events", "routes", "border_1962", "uncertain_zones", "places"}
    events = ET.fromstring(rows["events"].split("\n", 1)[1])
    renderer = events.find("renderer-v2")
    assert (
        renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "kind"
    )
    values = [c.get("value") for c in renderer.iter("category")]
    assert values == list(KIND_COLOURS)
    colours = [
        o.get("value") for o in renderer.iter("Option") if o.get("name") == "color"
    ]
    r, g, b = (int(KIND_COLOURS["crossing"][i : i + 2], 16) for i in (1, 3, 5))
    assert colours[0] == f"{r},{g},{b},255"
    border = ET.fromstring(rows["border_1962"].split("\n", 1)[1])
    styles = {c.get("value"): c.get("symbol") for c in border.iter("category")}
    dashes = {
        s.get("name"): next(
            o.get("value") for o in s.iter("Option") if o.get("name") == "line_style"
        )
        for s in border.iter("symbol")
    }
    assert (
        dashes[styles["certain"]] == "solid" and dashes[styles["uncertain"]] == "dash"
    )


@pytest.mark.skipif(
    not shutil.which("ogrinfo"), reason="needs gdal-bin (setup.sh test)"
)
def test_ogrinfo_reads_the_types(path):
    out = subprocess.run(
        ["ogrinfo", "-so", "-ro", str(path), "claims", "events"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "as_of: Date" in out and "value: Real" in out
    assert "date_start: Date" in out and "people_min: Real" in out
    assert "Geometry: Multi Point" in out


RELATIONS = """
import sys
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.OpenEx(sys.argv[1])
for name in ds.GetRelationshipNames() or []:
    r = ds.GetRelationship(name)
    print(r.GetLeftTableName(), r.GetLeftTableFields()[0],
          r.GetRightTableName(), r.GetRightTableFields()[0])
"""


@pytest.mark.skipif(
    not SYSTEM_PYTHON.exists()
    or subprocess.run(
        [SYSTEM_PYTHON, "-c", "import osgeo"], capture_output=True
    ).returncode,
    reason="needs python3-gdal (setup.sh test)",
)
def test_gdal_reads_the_relations_qgis_uses(path):
    out = subprocess.run(
        [SYSTEM_PYTHON, "-c", RELATIONS, str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert sorted(out.splitlines()) == [
        "events id claims event_id",
        "events id event_sources event_id",
        "sources id claims source_id",
        "sources id event_sources source_id",
    ]


def test_places_and_frontier_layers(path, w):
    places = pyogrio.read_dataframe(path, layer="places")
    assert set(places["id"]) == set(w.data.places)
    assert json.loads(places.set_index("id").loc["tacheng", "names"])[1] == {
        "name": "Чугучак",
        "lang": "ru",
    }
    border = pyogrio.read_dataframe(path, layer="border_1962")
    assert json.loads(border.loc[0, "basis"]) == ["a treaty", "a map"]
    zones = pyogrio.read_dataframe(path, layer="uncertain_zones")
    assert shapely.equals(zones.geometry.iloc[0], w.zones.geometry.iloc[0])
    table_meta = pyogrio.read_dataframe(path, layer="metadata", read_geometry=False)
    pairs = dict(zip(table_meta["key"], table_meta["value"], strict=True))
    assert pairs["license"] == "CC-BY-4.0"
    assert json.loads(pairs["third_party"])[0]["license"] == "ODbL-1.0"
    assert list(path.parent.iterdir()) == [path]


def test_gpkg_failure_mid_way_leaves_nothing(tmp_path, w, table, metadata, monkeypatch):
    real = pyogrio.write_dataframe
    calls = []

    def failing(frame, path, layer, **kwargs):
        calls.append(layer)
        if layer == "places":
            raise pyogrio.errors.DataSourceError("disk full")
        return real(frame, path, layer=layer, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    target = tmp_path / "export.gpkg"
    with pytest.raises(ExportError, match="cannot write layer 'places': disk full"):
        write.write_gpkg(target, _layers(w, table, metadata))
    assert calls == ["events", "routes", "places"]
    assert list(tmp_path.iterdir()) == []


def test_a_failing_table_leaves_nothing(tmp_path, w, table, metadata):
    bad = [("INSERT INTO no_such_table VALUES (1)", ())]
    with pytest.raises(ExportError, match="cannot finish the GeoPackage"):
        write.write_gpkg(tmp_path / "export.gpkg", _layers(w, table, metadata), bad)
    assert list(tmp_path.iterdir()) == []


def test_gpkg_replaces_an_existing_file_only_when_complete(
    tmp_path, w, table, metadata, monkeypatch
):
    target = tmp_path / "export.gpkg"
    target.write_bytes(b"old")
    monkeypatch.setattr(
        pyogrio,
        "write_dataframe",
        lambda *a, **k: (_ for _ in ()).throw(pyogrio.errors.DataLayerError("boom")),
    )
    with pytest.raises(ExportError):
        write.write_gpkg(target, _layers(w, table, metadata))
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["export.gpkg"]


def test_build_gives_a_complete_geopackage(w, metadata):
    frame = export.Frame(w.frontier.border, w.zones)
    data = export.build("gpkg", w.data, w.located, None, metadata, frame)
    assert data[:16] == b"SQLite format 3\x00"

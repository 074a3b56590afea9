"""The RFC 7946 writer (mapapp.geojson), through the export's GeoJSON."""

import json
import re

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import Point, Polygon

from mapapp import cells, export, geojson, write
from mapapp.errors import ExportError
from tests.conftest import seen_by_gis

FLAT = [c for c in cells.COLUMNS if c not in cells.NESTED]


NUMBER = re.compile(r"-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?")


def _geojson_file(tmp_path, table, metadata):
    path = tmp_path / "events.geojson"
    write.write_atomic(path, export.geojson_text(table, metadata))
    return path


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


def test_geojson_features_sharing_a_geometry_each_carry_it():
    same = Point(80.123456789, 44.5)
    frame = gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d"], "n": [1, 2, 3, 4]},
        geometry=[same, None, Point(80.123456789, 44.5), shapely.Point()],
        crs="EPSG:4326",
    )
    for properties in ([], ["n"]):
        text = geojson.feature_collection(frame, properties)
        doc = json.loads(text)
        assert text.endswith("\n]}\n") and text.count("\n") == len(frame) + 2
        features = doc["features"]
        assert [f["id"] for f in features] == ["a", "b", "c", "d"]
        assert [f["properties"] for f in features] == (
            [{}] * 4 if not properties else [{"n": n} for n in (1, 2, 3, 4)]
        )
        for f in (features[0], features[2]):
            assert f["geometry"] == {"type": "Point", "coordinates": [80.1234568, 44.5]}
            assert f["bbox"] == [80.1234568, 44.5, 80.1234568, 44.5]
        for f in (features[1], features[3]):
            assert f["geometry"] is None and "bbox" not in f
        assert doc["bbox"] == [80.1234568, 44.5, 80.1234568, 44.5]


def test_geojson_of_no_features_is_an_empty_collection():
    frame = gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:4326")
    doc = json.loads(geojson.feature_collection(frame, ["id"]))
    assert doc == {"type": "FeatureCollection", "features": []}

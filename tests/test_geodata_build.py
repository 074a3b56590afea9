"""Tests of geodata/build.py: its pure functions, and the committed layers it wrote.

Only the test marked ``network`` reads the registries (it runs ``build.py --check``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
LAYER_FILES = (
    "border_1962.geojson",
    "uncertain_zones.geojson",
    "territory_1962.geojson",
    "basemap.geojson",
)
GEOD = Geod(ellps="WGS84")

KHORGOS_KZ = (80.3852, 44.2234)
KHORGOS_CN = (80.4164, 44.2028)
BAKETU = (82.8, 46.6833)
CHOGAN_OBO = (84.7, 46.8)


def _load_build():
    name = "geodata_build_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GEODATA / "build.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses need the module registered
    spec.loader.exec_module(mod)
    return mod


gb = _load_build()


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def km_to_line(pt, line) -> float:
    """Geodesic distance (km) from a lon/lat point to the nearest point of ``line``."""
    p = shapely.Point(pt)
    q = shapely.shortest_line(p, line).coords[1]
    return GEOD.inv(pt[0], pt[1], q[0], q[1])[2] / 1000.0


def side_of(pt, lines) -> float:
    """>0 if ``pt`` is left of the nearest directed segment, <0 if right."""
    best = None
    for line in lines:
        xy = np.asarray(line.coords)
        segs = shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1))
        d = shapely.distance(segs, shapely.Point(pt))
        k = int(np.argmin(d))
        if best is None or d[k] < best[0]:
            best = (d[k], xy[k], xy[k + 1])
    _, a, b = best
    return float((b[0] - a[0]) * (pt[1] - a[1]) - (b[1] - a[1]) * (pt[0] - a[0]))


def load_fc(name: str) -> dict:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


def geoms(fc: dict) -> list:
    return [shapely.geometry.shape(f["geometry"]) for f in fc["features"]]


def iter_coords(coords):
    if isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from iter_coords(c)


# --------------------------------------------------------------------------------------
# pure functions on hand-built geometry
# --------------------------------------------------------------------------------------


def test_runs_of():
    assert gb.runs_of(list("aabccc")) == [("a", 0, 1), ("b", 2, 2), ("c", 3, 5)]
    assert gb.runs_of([]) == []


def test_find_uncertain_runs_threshold_merge_drop_peak():
    s = np.arange(0, 101, 1.0)  # one vertex a km
    d = np.zeros_like(s)
    d[20:31] = 6.0  # 10 km above the threshold, peaks above 5 km
    d[36:41] = 2.5  # 5 km gap from the first: merged into it
    d[60:62] = 8.0  # only 1 km long: dropped
    d[75:86] = 3.0  # long but never above the 5 km peak: dropped
    runs = gb.find_uncertain_runs(d, s, 2.0, 10.0, 3.0, 5.0)
    assert runs == [(20, 40)]
    # without the peak filter the 3 km plateau is kept
    assert gb.find_uncertain_runs(d, s, 2.0, 10.0, 3.0, 0.0) == [(20, 40), (75, 85)]
    # a larger merge gap swallows the gaps
    assert gb.find_uncertain_runs(d, s, 2.0, 40.0, 3.0, 0.0) == [(20, 85)]


def test_find_uncertain_runs_extends_to_line_ends():
    s = np.arange(0, 51, 1.0)
    d = np.zeros_like(s)
    d[2:20] = 9.0
    d[40:49] = 9.0
    assert gb.find_uncertain_runs(d, s, 2.0, 2.0, 3.0, 5.0) == [(0, 19), (40, 50)]


def test_split_by_runs_covers_line_with_shared_ends():
    pieces = gb.split_by_runs(11, [(3, 5), (8, 10)])
    assert pieces == [(0, 3, False), (3, 5, True), (5, 8, False), (8, 10, True)]
    assert gb.split_by_runs(5, []) == [(0, 4, False)]


def test_divergence_km_known_offset():
    line = shapely.LineString([(80.0, 45.0), (81.0, 45.0)])
    # 0.018 degrees of latitude at 45N is 1.999 km on WGS84
    d = gb.divergence_km(np.array([[80.5, 45.018], [80.5, 45.0]]), line)
    expected = GEOD.inv(80.5, 45.0, 80.5, 45.018)[2] / 1000
    assert d[0] == pytest.approx(expected, rel=2e-3)
    assert d[1] == pytest.approx(0.0, abs=1e-6)


def _bulged(height_deg: float) -> shapely.LineString:
    """A west-east line at 45N with a triangular bulge north between 80.4E and 80.6E."""
    return shapely.LineString(
        [(80.0, 45.0), (80.4, 45.0), (80.5, 45.0 + height_deg), (80.6, 45.0), (81, 45)]
    )


def test_two_lines_diverging_by_known_amount_give_one_run():
    straight = shapely.segmentize(
        shapely.LineString([(80.0, 45.0), (81.0, 45.0)]), 0.005
    )
    xy = shapely.get_coordinates(straight)
    other = _bulged(0.09)  # ~10 km north at its tip
    d = gb.divergence_profile(xy, other)
    tip_km = GEOD.inv(80.5, 45.0, 80.5, 45.09)[2] / 1000
    assert d.max() == pytest.approx(tip_km, rel=0.02)
    s = gb.cumulative_km(xy)
    runs = gb.find_uncertain_runs(d, s)
    assert len(runs) == 1
    i, j = runs[0]
    assert 80.4 < xy[i, 0] < 80.5 < xy[j, 0] < 80.6
    # a small bulge (about 1 km) stays certain
    assert gb.find_uncertain_runs(gb.divergence_profile(xy, _bulged(0.009)), s) == []


def test_divergence_profile_sees_a_bulge_of_the_other_line():
    # the line has only its two end points: the other line's bulge must still show
    xy = np.array([[80.0, 45.0], [80.5, 45.0], [81.0, 45.0]])
    d = gb.divergence_profile(xy, _bulged(0.05))
    assert d[1] == pytest.approx(GEOD.inv(80.5, 45, 80.5, 45.05)[2] / 1000, rel=0.02)


def test_zone_between_covers_both_lines():
    run = shapely.LineString([(80.4, 45.0), (80.6, 45.0)])
    other = _bulged(0.09)
    zone = gb.zone_between(run, other, buffer_m=500.0, simplify_m=10.0)
    assert zone.geom_type == "Polygon" and zone.is_valid
    assert zone.contains(shapely.Point(80.5, 45.04))  # enclosed between the two
    assert zone.buffer(1e-6).contains(run)
    assert zone.buffer(1e-6).contains(shapely.clip_by_rect(other, 80.41, 44, 80.59, 46))


def test_label_by_nearest_and_frontier_sectors():
    west = shapely.box(-1, 0, 0, 1)
    north = shapely.box(0, 1, 1, 2)
    ring = shapely.get_coordinates(
        shapely.segmentize(shapely.box(0, 0, 1, 1).exterior, 0.25)
    )
    labels = gb.label_by_nearest(ring, {"W": west, "N": north}, max_dist=0.01)
    stretches = gb.frontier_sectors(ring, labels, ["W", "N"])
    assert [lab for lab, _ in stretches] in (["N", "W"], ["W", "N"])
    by = dict(stretches)
    # each stretch ends on the first vertex of whatever follows it
    assert np.allclose(by["W"][:-1, 0], 0.0)
    assert np.allclose(by["N"][:-1, 1], 1.0)
    # consecutive stretches share their junction vertex
    first, second = stretches
    assert np.array_equal(first[1][-1], second[1][0])


def test_smooth_labels_removes_short_runs():
    xy = np.column_stack(
        [np.linspace(80, 81, 101), np.full(101, 45.0)]
    )  # ~0.8 km apart
    labels = np.array(["A"] * 50 + ["B"] + ["A"] * 50, dtype=object)
    out = gb.smooth_labels(labels, xy, 2.0)
    assert set(out) == {"A"}


def test_topojson_shared_line():
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [
            [[0, 0], [0, 2]],  # shared: x=10, y 20..21
            [[0, 2], [-2, 0], [0, -2], [2, 0]],
            [[0, 0], [2, 0], [0, 2], [-2, 0]],
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "A"}},
                    {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"name": "B"}},
                ],
            }
        },
    }
    line = gb.topojson_shared_line(topo, "countries", "A", ["B"])
    assert line.equals(shapely.LineString([(10, 20), (10, 21)]))


def test_clean_country_makes_valid_and_drops_holes():
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    holed = shapely.Polygon(
        [(5, 0), (9, 0), (9, 4), (5, 4)], [[(6, 1), (7, 1), (7, 2), (6, 2)]]
    )
    g = gb.clean_country(shapely.MultiPolygon([bowtie, holed]), (-1, -1, 8, 5))
    assert g.is_valid
    assert all(len(p.interiors) == 0 for p in gb.polygon_parts(g))
    assert g.area == pytest.approx(2.0 + 12.0)  # bowtie halves + clipped box, no hole


def test_split_region_and_label_faces():
    box = shapely.box(0, 0, 4, 2)
    line = shapely.LineString([(2, 0), (2.2, 1), (2, 2)])
    faces = gb.split_region(box, [line])
    assert len(faces) == 2
    labels = gb.label_faces(
        faces, {"L": shapely.box(0, 0, 2, 2), "R": shapely.box(2, 0, 4, 2)}
    )
    assert sorted(labels) == ["L", "R"]
    left = faces[labels.index("L")]
    assert left.boundary.contains(line)


def test_territory_polygons_share_the_border_exactly():
    box = shapely.box(0, 0, 4, 4)
    border = [
        shapely.LineString([(2, 0), (2.1, 2)]),
        shapely.LineString([(2.1, 2), (2, 4)]),
    ]
    reference = {
        "CHN": shapely.box(2, 0, 4, 4),
        "KAZ": shapely.box(0, 2, 2, 4),
        "KGZ": shapely.box(0, 0, 2, 2),
    }
    context = {"KZ-KG": [shapely.LineString([(0, 2.05), (2.1, 2)])]}
    polys = gb.territory_polygons(box, border, context, reference)
    assert set(polys) == {"CHN", "KAZ", "KGZ"}
    assert sum(p.area for p in polys.values()) == pytest.approx(16.0)
    line = shapely.union_all(border)
    assert polys["CHN"].boundary.contains(line)
    assert shapely.union_all([polys["KAZ"], polys["KGZ"]]).boundary.contains(line)


def test_join_to_point():
    line = shapely.LineString([(0, 0), (1, 0), (2, 0.1)])
    assert gb.join_to_point(line, (2, 0)).coords[-1] == (2.0, 0.0)
    assert gb.join_to_point(line, (-1, 0)).coords[-1] == (-1.0, 0.0)
    assert gb.join_to_point(line, (0, 0)).coords[:] == [(2, 0.1), (1, 0), (0, 0)]


def test_name_lakes_names_and_leaves_out():
    lakes = np.array(
        [shapely.box(75, 46, 76, 46.5), shapely.box(77.3, 43.7, 77.9, 43.9)],
        dtype=object,
    )
    out = gb.name_lakes(lakes)
    assert [(name, note) for _, name, note in out] == [("Balkhash", None)]


def test_sector_basis_by_latitude():
    north = shapely.LineString([(86, 48.5), (87, 49)])
    tarbagatai = shapely.LineString([(84, 46.9), (85, 47.0)])
    ili = shapely.LineString([(80.4, 43.9), (80.4, 44.3)])
    assert "Treaty of St Petersburg 1881" in gb.sector_basis("KAZ", north)
    assert gb.sector_basis("KAZ", tarbagatai) == [
        "Convention of Peking 1860",
        "Protocol of Chuguchak 1864",
        "modern line: China–Kazakhstan agreements 1994–2002",
    ]
    assert "1915 Ili-valley / Dzungarian Alatau delimitation" in gb.sector_basis(
        "KAZ", ili
    )
    assert gb.sector_basis("KGZ", ili) == [
        "modern demarcated line (OpenStreetMap 2017)"
    ]


def _frame(rows):
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def test_geojson_writer_is_deterministic_and_rfc7946():
    cw_square = shapely.Polygon([(80, 45), (80, 46), (81, 46), (81, 45)])  # clockwise
    assert not cw_square.exterior.is_ccw
    rows = [
        {"id": "b", "name": "Алаколь", "n": 1.5, "geometry": cw_square},
        {
            "id": "a",
            "name": "x",
            "n": None,
            "geometry": shapely.Point(80.1234567, 45.0),
        },
    ]
    text = gb.feature_collection_json(_frame(rows), ("id", "name", "n"), ("id",))
    again = gb.feature_collection_json(_frame(rows[::-1]), ("id", "name", "n"), ("id",))
    assert text == again
    assert text.endswith("]}\n")
    assert "Алаколь" in text  # ensure_ascii=False
    fc = json.loads(text)
    assert "crs" not in fc
    assert [f["properties"]["id"] for f in fc["features"]] == ["a", "b"]
    assert list(fc["features"][0]["properties"]) == ["id", "name", "n"]
    assert fc["features"][0]["geometry"]["coordinates"] == [80.123457, 45.0]
    ring = fc["features"][1]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw


def test_geojson_writer_rejects_other_crs():
    frame = _frame([{"id": "a", "geometry": shapely.Point(0, 0)}]).set_crs(
        3857, allow_override=True
    )
    with pytest.raises(ValueError, match="EPSG:4326"):
        gb.feature_collection_json(frame, ("id",), ("id",))


def test_layers_are_registered():
    assert set(LAYER_FILES) <= set(gb.LAYERS)

    @gb.register_layer("test-only.geojson", columns=("id",))
    def _build(inputs):  # pragma: no cover - never built
        raise AssertionError

    try:
        assert gb.LAYERS["test-only.geojson"].build is _build
        assert gb.LAYERS["test-only.geojson"].columns == ("id",)
    finally:
        del gb.LAYERS["test-only.geojson"]


def test_fetch_package_uses_verified_cache(tmp_path):
    blob = b"not really a tarball"
    import hashlib

    pkg = gb.Package(
        "x", "npm", "x", "1.0.0", "x-1.0.0.tgz", hashlib.sha256(blob).hexdigest(), "-"
    )
    (tmp_path / "x-1.0.0.tgz").write_bytes(blob)
    # a cached file with the right sha256 is used as is, without any fetching
    assert gb.fetch_package(pkg, tmp_path) == tmp_path / "x-1.0.0.tgz"


# --------------------------------------------------------------------------------------
# the committed layers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def border():
    return load_fc("border_1962.geojson")


@pytest.fixture(scope="module")
def border_lines(border):
    return geoms(border)


@pytest.fixture(scope="module")
def territory():
    fc = load_fc("territory_1962.geojson")
    return {
        f["properties"]["unit"]: shapely.geometry.shape(f["geometry"])
        for f in fc["features"]
    }, fc


def test_layers_exist_and_are_small():
    sizes = {n: (GEODATA / n).stat().st_size for n in LAYER_FILES}
    assert sum(sizes.values()) < 1.5 * 1024 * 1024, sizes


@pytest.mark.parametrize("name", LAYER_FILES)
def test_layer_is_rfc7946(name):
    text = (GEODATA / name).read_text(encoding="utf-8")
    assert text.endswith("\n")
    fc = json.loads(text)
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc
    assert fc["features"]
    lo, la = gb.BASEMAP_BOX[0::2], gb.BASEMAP_BOX[1::2]
    for f in fc["features"]:
        assert f["type"] == "Feature"
        g = shapely.geometry.shape(f["geometry"])
        assert g.is_valid, (f["properties"], shapely.is_valid_reason(g))
        assert not g.is_empty
        for x, y in iter_coords(f["geometry"]["coordinates"]):
            assert lo[0] <= x <= lo[1] and la[0] <= y <= la[1]
            assert round(x, 6) == x and round(y, 6) == y
        for poly in gb.polygon_parts(g):
            assert poly.exterior.is_ccw
            assert all(not ring.is_ccw for ring in poly.interiors)


def test_layers_are_in_the_writers_canonical_form():
    """Re-serialising each committed layer gives the same bytes."""
    for name in LAYER_FILES:
        layer = gb.LAYERS[name]
        frame = gpd.read_file(GEODATA / name)
        text = gb.feature_collection_json(frame, layer.columns, layer.sort_by)
        assert text == (GEODATA / name).read_text(encoding="utf-8"), name


def test_border_properties(border):
    ids = []
    for f in border["features"]:
        p = f["properties"]
        assert list(p) == [
            "id",
            "neighbour",
            "certainty",
            "basis",
            "max_divergence_km",
            "note",
        ]
        assert f["geometry"]["type"] == "LineString"
        assert re.fullmatch(r"cn-(kz|kg|ru)-\d\d", p["id"])
        assert p["neighbour"] in ("Kazakh SSR", "Kirghiz SSR", "RSFSR")
        assert p["certainty"] in ("certain", "uncertain")
        assert p["basis"] and p["basis"][-1].startswith("modern")
        assert p["max_divergence_km"] >= 0
        assert "1962" in p["note"]
        ids.append(p["id"])
    assert len(ids) == len(set(ids))
    assert {p["properties"]["neighbour"] for p in border["features"]} == {
        "Kazakh SSR",
        "Kirghiz SSR",
        "RSFSR",
    }


def test_border_is_continuous(border_lines):
    merged = shapely.line_merge(shapely.union_all(border_lines))
    assert merged.geom_type == "LineString"


def test_border_crosses_44_2n_near_80_397e(border_lines):
    x = shapely.intersection(
        shapely.union_all(border_lines), shapely.LineString([(80, 44.2), (81, 44.2)])
    )
    xs = shapely.get_coordinates(x)[:, 0]
    assert len(xs) == 1
    assert xs[0] == pytest.approx(80.397, abs=0.003)


def test_khorgos_sides_and_distances(border_lines, territory):
    units, _ = territory
    line = shapely.union_all(border_lines)
    assert km_to_line(KHORGOS_KZ, line) < 3.0
    assert km_to_line(KHORGOS_CN, line) < 3.0
    # the line is directed with the PRC on its left
    assert side_of(KHORGOS_KZ, border_lines) < 0
    assert side_of(KHORGOS_CN, border_lines) > 0
    assert units["Kazakh SSR"].contains(shapely.Point(KHORGOS_KZ))
    assert units["Xinjiang"].contains(shapely.Point(KHORGOS_CN))


def test_baketu_near_the_line(border_lines, territory):
    assert km_to_line(BAKETU, shapely.union_all(border_lines)) < 3.0


def test_chogan_obo_sector_is_uncertain(border):
    zones = load_fc("uncertain_zones.geojson")
    near = [
        f
        for f in zones["features"]
        if shapely.geometry.shape(f["geometry"]).distance(shapely.Point(CHOGAN_OBO))
        < 0.05
    ]
    assert len(near) == 1
    p = near[0]["properties"]
    assert p["name"] == "Tarbagatai / Chogan-Obo sector"
    assert p["max_divergence_km"] > 10
    assert "1998" in p["reason"]
    sector = {f["properties"]["id"]: f for f in border["features"]}[p["id"]]
    assert sector["properties"]["certainty"] == "uncertain"


def test_zones_match_uncertain_sectors(border):
    zones = load_fc("uncertain_zones.geojson")
    sectors = {f["properties"]["id"]: f for f in border["features"]}
    uncertain = {
        i for i, f in sectors.items() if f["properties"]["certainty"] == "uncertain"
    }
    assert {f["properties"]["id"] for f in zones["features"]} == uncertain
    for f in zones["features"]:
        p = f["properties"]
        assert list(p) == ["id", "name", "reason", "sources", "max_divergence_km"]
        zone = shapely.geometry.shape(f["geometry"])
        assert zone.geom_type == "Polygon"
        line = shapely.geometry.shape(sectors[p["id"]]["geometry"])
        assert zone.buffer(0.001).contains(line)
        assert p["reason"].startswith("Natural Earth 10m and OpenStreetMap depictions")
        assert any("ODbL" in s for s in p["sources"])


def test_territory_is_consistent_with_the_border(border_lines, territory):
    units, fc = territory
    assert set(units) == {
        "Xinjiang",
        "Kazakh SSR",
        "Kirghiz SSR",
        "RSFSR",
        "Mongolian People's Republic",
    }
    states = {f["properties"]["unit"]: f["properties"]["state"] for f in fc["features"]}
    assert states["Xinjiang"] == "PRC"
    assert states["Mongolian People's Republic"] == "MPR"
    assert {states[u] for u in ("Kazakh SSR", "Kirghiz SSR", "RSFSR")} == {"USSR"}
    box = shapely.box(*gb.STUDY_BOX)
    parts = list(units.values())
    assert shapely.union_all(parts).symmetric_difference(box).area < 1e-9
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            assert a.intersection(b).area < 1e-9
    prc = units["Xinjiang"]
    ussr = shapely.union_all([units[u] for u in ("Kazakh SSR", "Kirghiz SSR", "RSFSR")])
    pts = shapely.points(shapely.get_coordinates(shapely.union_all(border_lines)))
    # every border vertex lies on both sides' outlines (to within ~1 m)
    assert shapely.distance(pts, prc.boundary).max() < 1e-5
    assert shapely.distance(pts, ussr.boundary).max() < 1e-5
    shared = shapely.intersection(prc.boundary, ussr.boundary)
    assert shapely.hausdorff_distance(shared, shapely.union_all(border_lines)) < 1e-4


def test_basemap(border):
    fc = load_fc("basemap.geojson")
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"country", "lake"}
    countries = {
        f["properties"]["name"]: f["properties"]["state"]
        for f in fc["features"]
        if f["properties"]["layer"] == "country"
    }
    assert countries["China"] == "PRC"
    assert countries["Kazakh SSR"] == "USSR"
    assert "Mongolian People's Republic" in countries
    lakes = [
        (f["properties"]["name"], shapely.geometry.shape(f["geometry"]))
        for f in fc["features"]
        if f["properties"]["layer"] == "lake"
    ]
    names = {n for n, _ in lakes}
    for n in ("Balkhash", "Alakol", "Sasykkol", "Ebinur", "Zaysan", "Issyk-Kul"):
        assert n in names
    kapchagay = shapely.Point(77.6, 43.8)
    assert all(g.distance(kapchagay) > 0.1 for _, g in lakes)
    basemap_box = shapely.box(*gb.BASEMAP_BOX)
    assert all(g.intersects(basemap_box) for _, g in lakes)


# --------------------------------------------------------------------------------------
# reproducibility (downloads the pinned packages if they are not cached)
# --------------------------------------------------------------------------------------


@pytest.mark.network
def test_build_check_reproduces_committed_layers():
    res = subprocess.run(
        [sys.executable, str(GEODATA / "build.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert res.returncode == 0, res.stdout + res.stderr

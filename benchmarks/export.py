"""Benchmark: export 100,000 events to GeoJSON, and import a 100,000-row CSV.

Usage: python benchmarks/export.py [N]   (default 100000). Prints figures; asserts
nothing. Everything runs in a temporary folder.

1. GeoJSON: our RFC 7946 writer (``mapapp.geojson``, text + atomic write) beside
   geopandas' own ``to_file(driver="GeoJSON")`` (pyogrio/GDAL) on the same export
   table in the same run (target: ours no slower). GDAL cannot write the nested
   ``claims``/``sources`` arrays, so geopandas gets them as JSON text, converted
   before its clock starts.
2. Import: a minimal researcher CSV of N rows (place names in several scripts, roles,
   a tenth placed by lon/lat, people figures with claimants, known and free-text
   sources) is read, checked row by row (each distinct cell once, each row validated
   by the model), checked across records and geocoded, as the data page does it
   (``userdata.combine``; target under 5 s; median of 3 runs). The export's own CSV
   of the same events is timed too, cut to stay under the 50 MB import limit (its
   synthetic events relate to bundled events that it does not hold, so their
   ``related`` cells dangle and those rows are set aside).
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

from mapapp import (
    cells,
    export,
    geocode,
    geojson,
    gpkg,
    io,
    load,
    meta,
    userdata,
    write,
)
from mapapp.dataset import Dataset

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
    """Time the data page's path: ``userdata.combine`` (read, check, geocode).

    The phases are read from its progress reports.
    """
    marks: list[tuple[float, str]] = []
    raw = text.encode()
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()

    def progress(fraction: float, message: str) -> None:
        if not message.startswith("Checked "):
            marks.append((time.perf_counter() - t0, message))

    user = userdata.combine(raw, label, data, frontier, progress=progress)
    t = {"total": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    at = {m.split()[0]: s for s, m in marks}
    t["import"] = at["Checking"]
    t["check"] = at["Placing"] - at["Checking"]
    t["geocode"] = at["Done."] - at["Placing"]
    t["rows"] = len(user.accepted)
    t["rejected"] = len(user.rejected)
    t["located"] = int(user.located.events["located"].sum())
    del user
    gc.unfreeze()  # combine freezes what it loaded; let this run's records go
    gc.collect()
    return t


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


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
    data, problems = load.read_dataset()
    assert not problems, problems[:3]
    border, territory = io.read_frontier()
    frontier = geocode.Frontier(border, territory)
    events = _synthetic_events()(data, n)
    big = Dataset.of(events=tuple(events), sources=data.sources, places=data.places)
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
                table, cells.COLUMNS, foreign={"metadata": metadata}
            )
            write.write_atomic(ours_path, text)

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
        ("minimal researcher CSV", minimal, " (target < 5 s)"),
        (f"export CSV (first {k:,} events, under the 50 MB limit)", exported, ""),
    )
    for label, text, target in inputs:
        userdata.combine(text[:20000].encode(), "warm.csv", data, frontier)
        runs = [import_and_geocode(text, "bench.csv", data, frontier) for _ in range(3)]
        t = {k: median([r[k] for r in runs]) for k in runs[0]}
        walls = ", ".join(f"{r['total']:.2f}" for r in runs)
        print(
            f"import {label} ({len(text) / 1e6:.0f} MB), as the data page does it "
            f"(userdata.combine), median of 3: read and check rows "
            f"{t['import']:.2f} s, cross-check {t['check']:.2f} s, geocode "
            f"{t['geocode']:.2f} s; total {t['total']:.2f} s wall (runs {walls}), "
            f"{t['cpu']:.2f} s CPU{target}; {t['rows']:,} rows shown, "
            f"{t['rejected']:,} problems, "
            f"{t['located']:,} events located (with the bundled ones)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

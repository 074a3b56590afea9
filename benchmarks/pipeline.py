"""100,000 researcher rows through the command line, beside a plain geopandas pipeline.

Usage (from the repository root)::

    .venv/bin/python benchmarks/pipeline.py [N]      # default N = 100,000

Both sides run as a fresh ``python`` process on the same CSV (written by
``benchmarks/synth.py``), so each pays its own start-up and imports, and both write
a GeoJSON file:

- **ours**: ``mapapp export --format geojson --events rows.csv -o out.geojson``:
  read, check every row, check across records, geocode on the 1962 frontier, write
  RFC 7946 GeoJSON with provenance, atomically;
- **floor**: a plain geopandas pipeline that a researcher could write in a few
  lines: ``pandas.read_csv``, the first place name of each row looked up in a dict of
  the gazetteer's names (or its lon/lat), ``GeoDataFrame`` of points,
  ``to_file(driver="GeoJSON")``. It checks nothing and places no route.

Each side runs three times, alternating; the medians and their ratio are printed
(target: ours at most 2× the floor). ``mapapp`` is byte-compiled first, as the
libraries of both sides are in site-packages.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = r"""
import json, sys
import geopandas as gpd, pandas as pd
from shapely.geometry import Point

rows, places, out = sys.argv[1:4]
names = {}
for feature in json.load(open(places, encoding="utf-8"))["features"]:
    lon, lat = feature["geometry"]["coordinates"]
    for name in feature["properties"]["names"]:
        names.setdefault(name["name"], (lon, lat))
    names.setdefault(feature["properties"]["id"], (lon, lat))
table = pd.read_csv(rows, dtype=str, keep_default_na=False)

def point(place, lon, lat):
    if place:
        first = place.split("|")[0].split(":", 1)[-1]
        xy = names.get(first)
        return Point(xy) if xy else None
    return Point(float(lon), float(lat)) if lon and lat else None

geometry = [point(*r) for r in zip(table["place"], table["lon"], table["lat"])]
gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326").to_file(
    out, driver="GeoJSON", engine="pyogrio"
)
"""


def run(command: list[str]) -> float:
    """Run a command to its end; return its wall time (it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(n: int) -> None:
    python = sys.executable
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}; load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    # bytecode, as an installed package has it (pip compiles at install; an editable
    # checkout gets it on its first run, unless PYTHONDONTWRITEBYTECODE is set)
    run([python, "-m", "compileall", "-q", "mapapp"])
    with tempfile.TemporaryDirectory() as folder:
        rows = Path(folder) / "rows.csv"
        run([python, "benchmarks/synth.py", "--n", str(n), "--csv", str(rows)])
        ours = [
            python,
            "-c",
            "from mapapp.cli import cli; cli()",
            "export",
            "--format",
            "geojson",
            "--events",
            str(rows),
            "--no-progress",
            "-o",
            str(Path(folder) / "ours.geojson"),
        ]
        floor = [
            python,
            "-c",
            FLOOR,
            str(rows),
            str(ROOT / "geodata" / "places.geojson"),
            str(Path(folder) / "floor.geojson"),
        ]
        times: dict[str, list[float]] = {"ours": [], "floor": []}
        for _ in range(3):
            times["ours"].append(run(ours))
            times["floor"].append(run(floor))
        size = rows.stat().st_size / 1e6
    med = {k: statistics.median(v) for k, v in times.items()}
    for side, label in (("ours", "mapapp export"), ("floor", "plain geopandas")):
        runs = ", ".join(f"{t:.2f}" for t in times[side])
        print(f"{label}, {n:,} rows ({size:.0f} MB): median {med[side]:.2f} s ({runs})")
    print(f"ratio ours / floor: {med['ours'] / med['floor']:.2f} (target ≤ 2)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

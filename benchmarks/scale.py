"""Benchmark: 1,000 to 100,000 events, ours beside geopandas' ``explore()``.

Usage: python benchmarks/scale.py [--sizes 1000 10000 100000] [--explore-max N]

Prints figures; asserts nothing. For each N, on seeded synthetic events over the
real gazetteer (``benchmarks/synth.py``):

1. **load**: the import CSV read, checked row by row and across records, and
   geocoded (:func:`mapapp.userdata.combine`, the app's data page);
2. **prepare**: what the app computes once per dataset (the display frame and the
   ready GeoJSON features of :mod:`mapapp.mapview`);
3. **map**: what the app does on every rerun for the default view: plan the events
   (one by one up to :data:`mapapp.density.DETAIL_LIMIT`, counts per area beyond),
   build the folium map with the base layers, render it. The *payload* is the size of
   the rendered HTML (vendored JS/CSS files are not counted: the browser caches
   them);
4. **explore()**: ``GeoDataFrame.explore()`` of geopandas on the same events (id,
   title, kind, date and geometry), rendered the same way, in the same run; and the
   ratios ours / explore().

Targets (issue 7): at 10,000 events our payload and build time at most half of
explore()'s; at 100,000 a payload under 2 MB and a build under 1 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import geopandas as gpd  # noqa: E402
import synth  # noqa: E402

from mapapp import (  # noqa: E402
    assets,
    claimsymbols,
    density,
    eventlayers,
    geocode,
    io,
    load,
    mapview,
    userdata,
)
from mapapp.layers import read_base_layers  # noqa: E402

MB = 1024 * 1024


def machine() -> None:
    """Print the machine and the versions the figures depend on."""
    import folium
    import pandas
    import shapely

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{platform.platform()}; {os.cpu_count()} CPUs; load average {load:.2f}")
    print(
        f"Python {platform.python_version()}; geopandas {gpd.__version__}, "
        f"shapely {shapely.__version__}, pandas {pandas.__version__}, "
        f"folium {folium.__version__}"
    )


def timed(fn):
    """Return (result, seconds) of one call, after a garbage collection."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def our_map(
    base: mapview.BaseGeoJSON,
    drawable: eventlayers.EventFeatures,
    claims: claimsymbols.ClaimFeatures,
    ids,
):
    """Build and render the app's map for the default view; return HTML and plan."""
    plan = density.plan(drawable.points, ids, None, mapview.ZOOM)
    m = mapview.base_map(base)
    assets.localise(m)
    for group in eventlayers.event_groups(drawable, plan.detailed):
        group.add_to(m)
    if plan.detailed:
        claimsymbols.claim_symbols(claims.of(plan.detailed)).add_to(m)
    if plan.counted:
        density.cell_layer(plan.cells).add_to(m)
    return m.get_root().render(), plan


def explore_map(frame: gpd.GeoDataFrame) -> str:
    """Return the HTML of geopandas' explore() for the same events."""
    return frame.explore().get_root().render()


def run(n: int, explore_max: int, frontier, base_data, base_json) -> None:
    """Measure one size and print its lines."""
    raw = synth.csv_text(synth.synth_rows(n, seed=1)).encode()
    print(f"\n== {n:,} events ({len(raw) / MB:.1f} MB of CSV)")
    user_data, t_load = timed(
        lambda: userdata.combine(raw, "synthetic.csv", base_data, frontier, True)
    )
    print(
        f"load + validate + geocode: {t_load:6.2f} s  "
        f"({len(user_data.accepted):,} accepted, {len(user_data.rejected)} rejected)"
    )

    def prepare():  # as app_pages.loaded.assemble
        events = eventlayers.event_frame(user_data.data, user_data.located.events)
        claims = claimsymbols.ClaimFeatures(user_data.data, events)
        return events, eventlayers.event_features(events), claims

    (events, drawable, claims), t_prep = timed(prepare)
    print(f"prepare (once per dataset): {t_prep:6.2f} s")
    ids = list(events.index)
    (html, plan), t_map = timed(lambda: our_map(base_json, drawable, claims, ids))
    how = (
        f"{len(plan.detailed):,} drawn one by one"
        if not plan.counted
        else f"{plan.counted:,} counted in {len(plan.cells)} cells"
    )
    print(f"ours:      build {t_map:6.2f} s, payload {len(html) / MB:6.2f} MB ({how})")
    if n > explore_max:
        print(f"explore(): skipped above {explore_max:,} events (--explore-max)")
        return
    frame = events[["id", "kind", "date_text", "title_html", "geometry"]].rename(
        columns={"date_text": "date", "title_html": "title"}
    )
    frame = frame[~frame.geometry.is_empty & frame.geometry.notna()].reset_index(
        drop=True
    )
    html2, t_exp = timed(lambda: explore_map(frame))
    print(f"explore(): build {t_exp:6.2f} s, payload {len(html2) / MB:6.2f} MB")
    print(
        f"ratio ours/explore(): build {t_map / t_exp:.2f}, "
        f"payload {len(html) / len(html2):.2f}"
    )
    if n == 10_000:
        ok = t_map <= t_exp / 2 and len(html) <= len(html2) / 2
        print(f"-> {'meets' if ok else 'MISSES'} the target: at most half of explore()")
    if n == 100_000:
        ok = t_map < 1 and len(html) < 2 * MB
        print(f"-> {'meets' if ok else 'MISSES'} the target: under 1 s and 2 MB")


def main() -> None:
    """Run the benchmark for the sizes asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--explore-max", type=int, default=100_000)
    args = parser.parse_args()
    machine()
    base_data, _ = load.read_dataset()
    border, territory = io.read_frontier()
    frontier = geocode.Frontier(border, territory)
    located = geocode.geocode(base_data, frontier)
    layers = read_base_layers(border, territory, located.places)
    base_json = mapview.base_geojson(layers)
    # explore() imports matplotlib and mapclassify on first use: not part of a build
    explore_map(gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([80], [44])))
    for n in args.sizes:
        run(n, args.explore_max, frontier, base_data, base_json)


if __name__ == "__main__":
    main()

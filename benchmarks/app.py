"""Benchmark the app: rerun time, map payload, cold start (prints; asserts nothing).

Usage: python benchmarks/app.py [--reruns N] [--starts N] [--no-browser]

(a) Server-side time of a rerun after a filter change, through
    ``streamlit.testing.v1.AppTest``: the median of N reruns after changing the
    "Kinds of event" multiselect, and of N after moving the date slider
    (target < 300 ms).
(b) The map payload for the bundled data: the size of the st_folium component's
    ``json_args`` (by key), plus the vendored JS/CSS files it loads
    (target < 500 KB).
(c) Time from ``streamlit run`` to the map visible in Chromium (Debian's
    /usr/bin/chromium through Playwright): the median of N cold starts, each a new
    server process on a free loopback port, stopped by its PID (target < 3 s).
    "Visible" means: the map's iframe is shown, Leaflet's container is in it and
    at least one event feature is drawn.
(c') The floor of the stack, measured the same way: a Streamlit page with only a
    title, and one point on an offline folium map through st_folium. No change to
    the app can start faster than these on the same machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.server import free_port, launch, stop, wait_healthy  # noqa: E402

APP = REPO / "streamlit_app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IFRAME = "iframe[title='streamlit_folium.st_folium']"
TARGET_RERUN_MS = 300
TARGET_PAYLOAD_KB = 500
TARGET_START_S = 3.0

MAP_VISIBLE_JS = """
() => {
  const el = document.querySelector("iframe[title='streamlit_folium.st_folium']");
  if (!el || el.getBoundingClientRect().height < 100) return false;
  const w = el.contentWindow;
  if (!w || !w.map || !w.document.querySelector('.leaflet-container')) return false;
  let drawn = 0;
  w.map.eachLayer((l) => {
    const f = l.feature;
    if (f && f.properties && f.properties.kind && f.id === f.properties.id) drawn++;
  });
  return drawn > 0;
}
"""


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def machine() -> None:
    print("== machine")
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs ({usable} usable)")
    print(f"RAM {mem}; load average {os.getloadavg()[0]:.2f}")
    versions = []
    for pkg in ("streamlit", "streamlit-folium", "folium", "altair", "playwright"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg} -")
    print(f"Python {platform.python_version()}; " + ", ".join(versions))


# --- (a) and (b): AppTest ---------------------------------------------------------


def _component(node):
    """Return the first st_folium component instance in an AppTest tree."""
    if getattr(node, "type", "") == "component_instance":
        proto = node.proto
        if "st_folium" in proto.component_name:
            return proto
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            found = _component(child)
            if found is not None:
                return found
    return None


def _timed(at) -> float:
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    if at.exception:
        raise SystemExit(f"the app raised: {at.exception[0].message}")
    return elapsed


def reruns(n: int) -> dict:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.testing.v1 import AppTest

    print(f"\n== (a) rerun after a filter change (AppTest, median of {n})")
    at = AppTest.from_file(str(APP), default_timeout=120)
    first = _timed(at)
    print(f"first run (loads, checks and geocodes the data): {first * 1e3:,.0f} ms")
    noop = [_timed(at) for _ in range(n)]
    kinds_values = [["crossing"], ["diplomacy", "crossing"], [], ["border-control"]]
    kinds = []
    for i in range(n):
        at.multiselect(key="f_kinds").set_value(kinds_values[i % len(kinds_values)])
        kinds.append(_timed(at))
    at.multiselect(key="f_kinds").set_value([])
    _timed(at)
    windows = [
        (date(1962, 3, 1), date(1962, 6, 30)),
        (date(1962, 1, 1), date(1962, 12, 31)),
        (date(1962, 4, 1), date(1962, 5, 31)),
    ]
    dates = []
    for i in range(n):
        at.slider(key="f_window").set_value(windows[i % len(windows)])
        dates.append(_timed(at))
    for label, times in (
        ("rerun, nothing changed", noop),
        ("kinds multiselect changed", kinds),
        ("date slider moved", dates),
    ):
        ms = [t * 1e3 for t in times]
        print(
            f"{label:28s} median {statistics.median(ms):6.0f} ms  "
            f"(min {min(ms):.0f}, max {max(ms):.0f})"
        )
    worst = max(statistics.median(kinds), statistics.median(dates)) * 1e3
    verdict = "meets" if worst < TARGET_RERUN_MS else "MISSES"
    print(f"-> {verdict} the target of {TARGET_RERUN_MS} ms ({worst:.0f} ms)")
    at.multiselect(key="f_kinds").set_value([])
    at.slider(key="f_window").set_value(windows[1])
    _timed(at)
    return {"at": at}


def payload(at) -> None:
    print("\n== (b) map payload (bundled data, default filter)")
    proto = _component(at.main)
    if proto is None:
        print("no st_folium component on the page")
        return
    raw = proto.json_args
    args = json.loads(raw)
    size = len(raw.encode())
    print(f"json_args: {kb(size)} (gzip {kb(len(gzip.compress(raw.encode())))})")
    for key, value in sorted(
        args.items(), key=lambda kv: -len(json.dumps(kv[1]).encode())
    ):
        n = len(json.dumps(value).encode())
        if n >= 1024:
            print(f"  {key:16s} {kb(n)}")
    assets = 0
    for url in [*args.get("js_links", []), *args.get("css_links", [])]:
        if url.startswith("/app/static/"):
            path = REPO / "static" / url.removeprefix("/app/static/")
            n = path.stat().st_size if path.exists() else 0
            print(f"  asset {url}: {kb(n)}" + ("" if n else " (MISSING)"))
            assets += n
        else:
            print(f"  asset {url}: NOT SERVED BY THE APP (a request off 127.0.0.1)")
    try:
        import streamlit_folium

        build = Path(streamlit_folium.__file__).parent / "frontend" / "build"
        bundle = sum(p.stat().st_size for p in build.rglob("*.js"))
        print(f"(streamlit-folium's own frontend bundle: {kb(bundle)}, not counted)")
    except (ImportError, OSError):
        pass
    total = size + assets
    verdict = "meets" if total < TARGET_PAYLOAD_KB * 1024 else "MISSES"
    print(
        f"-> json_args + vendored assets = {kb(total)}: {verdict} the target of "
        f"{TARGET_PAYLOAD_KB} KB"
    )


# --- (c) cold start in Chromium ---------------------------------------------------


FLOOR_HELLO = """import streamlit as st

st.title("Hello")
"""
FLOOR_MAP = """import folium
import streamlit as st
from streamlit_folium import st_folium

from mapapp import assets

st.title("One point")
m = folium.Map(location=[44, 80], zoom_start=6, tiles=None)
point = {"type": "Point", "coordinates": [80, 44]}
feature = {"type": "Feature", "id": "a", "geometry": point,
           "properties": {"id": "a", "kind": "crossing"}}
folium.GeoJson({"type": "FeatureCollection", "features": [feature]}).add_to(m)
assets.localise(m)
st_folium(m, height=400, returned_objects=[])
"""
TITLE_VISIBLE_JS = "() => !!document.querySelector('h1')"


def _start_times(
    browser, script: Path, visible_js: str, n: int
) -> list[tuple[float, float, float]]:
    """Start ``streamlit run script`` n times; time health, title, ``visible_js``."""
    rows = []
    for _ in range(n):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        t0 = time.perf_counter()
        proc = launch(
            script, port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            if not wait_healthy(proc, url, 60, every=0.02):
                raise SystemExit("streamlit did not start")
            t_health = time.perf_counter() - t0
            page.goto(url)
            page.locator("h1").first.wait_for(timeout=60_000)
            t_title = time.perf_counter() - t0
            page.wait_for_function(visible_js, timeout=60_000, polling=50)
            t_shown = time.perf_counter() - t0
        finally:
            context.close()
            stop(proc)
        rows.append((t_health, t_title, t_shown))
    return rows


def cold_starts(n: int, floor: bool = True) -> None:
    print(f"\n== (c) `streamlit run` to the map visible in Chromium (median of {n})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: skipped")
        return
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: skipped")
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"Chromium {browser.version} (launched before the clock starts)")
        rows = _start_times(browser, APP, MAP_VISIBLE_JS, n)
        for i, (t_health, t_title, t_map) in enumerate(rows):
            print(
                f"start {i + 1}: health {t_health:.2f} s, page title {t_title:.2f} s, "
                f"map visible {t_map:.2f} s"
            )
        med = statistics.median(r[2] for r in rows)
        verdict = "meets" if med < TARGET_START_S else "MISSES"
        print(f"-> median {med:.2f} s: {verdict} the target of {TARGET_START_S:.0f} s")
        if floor:
            _floor(browser, n)
        browser.close()


def _floor(browser, n: int) -> None:
    """Print the same measure for the least an app of this stack can do.

    A page with only a title, and a page with one point on an offline folium map
    through st_folium (the vendored assets, served the same way), each started and
    timed as the app is: what no change to the app can go under on this machine.
    """
    print(f"\n== (c') the floor of the stack on this machine (median of {n})")
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        (here / "static").symlink_to(REPO / "static")  # served next to the script
        for name, text, visible_js, what in (
            ("hello.py", FLOOR_HELLO, TITLE_VISIBLE_JS, "title shown"),
            ("one_point.py", FLOOR_MAP, MAP_VISIBLE_JS, "map visible"),
        ):
            (here / name).write_text(text, encoding="utf-8")
            rows = _start_times(browser, here / name, visible_js, n)
            med = statistics.median(r[2] for r in rows)
            runs = ", ".join(f"{r[2]:.2f}" for r in rows)
            health = statistics.median(r[0] for r in rows)
            print(
                f"{name}: health {health:.2f} s; {what}: median {med:.2f} s "
                f"(runs {runs})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reruns", type=int, default=7)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the floor of the stack (c')"
    )
    args = parser.parse_args()
    os.chdir(REPO)
    machine()
    state = reruns(args.reruns)
    payload(state["at"])
    if not args.no_browser:
        cold_starts(args.starts, floor=not args.no_floor)


if __name__ == "__main__":
    main()

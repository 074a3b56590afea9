"""Benchmark what a user waits for, beside a minimal page of the stack (prints only).

Usage: python benchmarks/interact.py [--sessions N] [--clicks N]

One run measures, in Debian's Chromium at 1440×900, against two `streamlit run`
servers started one after the other on loopback (each stopped by its PID):

- **the app** (``streamlit_app.py``, bundled data);
- **a minimal page**, the floor of the stack: one ``st_folium`` map of the events
  the app draws on its frontier map, as points (Leaflet served by the app, as
  ours), the map and the clicked event's detail in one ``st.fragment``, the same
  detail text (date, title, summary), a "Kinds of event" filter and a list of the
  events.

Figures (medians; every run printed):

1. new session on a running server → map visible (``app.MAP_VISIBLE_JS``);
2. server CPU per new session: the server process's user+system time from the
   page's request until it has been idle for a second;
3. click on a map event → its popup drawn on the map (app only; in the browser);
4. click on a map event → its title shown in the detail beside the map;
5. filter change (the "Kinds of event" option "crossing" picked) → the map draws
   only crossings and the list is drawn anew (its canvas changed); and, given
   beside it, → the list's accessibility tree changed (what a screen reader
   reads: the table makes it 200 ms after the last time it drew itself);
6. present page: → key → the next step's counter shown, the map starting to fly,
   and the map at rest on the step's view.

Times 3-6 are taken in the browser: from the ``mousedown``/``keydown`` event to the
first animation frame in which the condition holds (``performance.timeOrigin``
clocks, so the iframe and the page share one). A warm-up session loads the data
first on each server, as any server that has had one visitor has.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app as bench  # benchmarks/app.py: the map probe (it puts REPO on sys.path)

from tests.server import AS_SERVED, Server, serving, start, stop

REPO = bench.REPO
VIEWPORT = {"width": 1440, "height": 900}

MINIMAL = '''"""The floor: one st_folium map of the events, their detail, a filter."""
import folium
import shapely
import streamlit as st
from streamlit_folium import st_folium

from app_pages.loaded import load
from mapapp import assets, detail
from mapapp.model import EVENT_KINDS
from mapapp.style import KIND_LABELS

st.set_page_config(page_title="Minimal", layout="wide")
loaded = load()
kinds = st.sidebar.multiselect(
    "Kinds of event", EVENT_KINDS, format_func=KIND_LABELS.get, placeholder="All kinds"
)
events = loaded.events[loaded.events["located"] & ~loaded.events["far"]]
if kinds:
    events = events[events["kind"].isin(kinds)]
st.title("Minimal page")


@st.fragment
def view():
    left, right = st.columns([5, 2])
    with left:
        m = folium.Map(location=[45.0, 81.5], zoom_start=6, tiles=None)
        features = [
            {
                "type": "Feature",
                "id": i,
                "geometry": shapely.geometry.mapping(shapely.centroid(row.geometry)),
                "properties": {"id": i, "kind": row.kind, "title": row.title},
            }
            for i, row in events.iterrows()
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            marker=folium.CircleMarker(radius=7, fill=True, fill_opacity=0.8),
        ).add_to(m)
        assets.localise(m)
        out = st_folium(
            m, key="map", height=560, use_container_width=True,
            returned_objects=["last_active_drawing"],
        )
    picked = ((out or {}).get("last_active_drawing") or {}).get("properties") or {}
    with right, st.container(key="detail"):
        if picked.get("id") in loaded.events.index:
            d = detail.event_detail(loaded.data, picked["id"], loaded.located.places)
            st.subheader(d.title, anchor=False)
            st.markdown(f"**{d.date}**")
            st.markdown(d.summary)


view()
with st.container(key="event_list"):
    st.dataframe(events[["title"]])
'''

# In-browser timing: ``arm`` stores the epoch time of the next mousedown/keydown as
# window.__t0, and starts a requestAnimationFrame loop that stores, for each of
# ``conds`` (function bodies over ``doc`` and ``win``: the map iframe's document and
# window), the first frame in which it holds, in window.__t.
ARM_JS = """
(conds) => {
  const now = () => performance.timeOrigin + performance.now();
  const frameOf = () => document.querySelector(
    "iframe[title='streamlit_folium.st_folium']");
  window.__t0 = null;
  window.__t = conds.map(() => null);
  const tests = conds.map((c) => new Function('doc', 'win', c));
  const start = () => { if (window.__t0 === null) window.__t0 = now(); };
  document.addEventListener('keydown', start, {capture: true, once: true});
  document.addEventListener('mousedown', start, {capture: true, once: true});
  const f = frameOf();
  if (f) f.contentDocument.addEventListener(
    'mousedown', start, {capture: true, once: true});
  const loop = () => {
    const f = frameOf();
    if (window.__t0 !== null) tests.forEach((test, i) => {
      if (window.__t[i] !== null) return;
      let ok = false;
      try { ok = test(f && f.contentDocument, f && f.contentWindow); } catch (e) {}
      if (ok) window.__t[i] = now();
    });
    if (window.__t.some((t) => t === null)) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}
"""

# Each event drawn as a circle that is on top at its centre (away from the map's
# edges): its id -> the page point to click.
CLICKABLE_JS = """
() => {
  const f = document.querySelector("iframe[title='streamlit_folium.st_folium']");
  const win = f && f.contentWindow, doc = f && f.contentDocument;
  if (!win || !win.map) return {};
  const box = f.getBoundingClientRect();
  const c = win.map.getContainer().getBoundingClientRect(), size = win.map.getSize();
  const out = {};
  const visit = (l) => {
    if (l.getLayers) { l.getLayers().forEach(visit); return; }
    const p = l.feature && l.feature.properties;
    if (!p || !p.kind || !l._path || !l.getLatLng || p.id in out) return;
    const q = win.map.latLngToContainerPoint(l.getLatLng());
    if (q.x < 40 || q.y < 40 || q.x > size.x - 40 || q.y > size.y - 40) return;
    if (doc.elementFromPoint(c.left + q.x, c.top + q.y) === l._path)
      out[p.id] = {x: box.left + c.left + q.x, y: box.top + c.top + q.y};
  };
  win.map.eachLayer(visit);
  return out;
}
"""

DETAIL_SHOWS = """
  const h = document.querySelector('.st-key-detail h3');
  return !!h && h.textContent.trim() === %s;
"""
POPUP_SHOWS = "return !!doc && !!doc.querySelector('.leaflet-popup-content');"
# The map draws only crossings (over the map's own iframe).
ONLY_CROSSINGS = """
  if (!win || !win.map) return false;
  let crossing = 0, other = 0;
  const visit = (l) => {
    if (l.getLayers) { l.getLayers().forEach(visit); return; }
    const p = l.feature && l.feature.properties;
    if (!p || !p.kind || !l._path || !l._path.isConnected) return;
    if (p.kind === 'crossing') crossing++; else other++;
  };
  win.map.eachLayer(visit);
  return crossing > 0 && other === 0;
"""
# The list as drawn: the table's canvas (st.dataframe draws its cells on a canvas)
# differs from what it showed when the clock was armed (a sample of its pixels).
LIST_DRAWN = """
  const c = document.querySelector(
    '.st-key-event_list canvas[data-testid="data-grid-canvas"]');
  if (!c || !c.width) return false;
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  for (let i = 0; i < px.length; i += 64) h = (h * 31 + px[i] + px[i + 1]) | 0;
  const seen = c.width + 'x' + c.height + ':' + h;
  if (window.__list0 === undefined) { window.__list0 = seen; return false; }
  return seen !== window.__list0;
"""
# The list as a screen reader has it: the table's accessibility tree, which the
# table (glide-data-grid) makes 200 ms after the last time it was drawn.
LIST_READ = """
  const g = document.querySelector('.st-key-event_list [role="grid"]');
  const rows = g && g.getAttribute('aria-rowcount');
  return rows !== null && rows !== %s;
"""
# Both pages are served as scripts/serve.sh serves the app (AS_SERVED): with no file
# watcher, which rescans every loaded module after each run of a page.
IDLE_JS = """() => {
  const a = document.querySelector('[data-testid="stApp"]');
  return !!a && a.dataset.testScriptState === 'notRunning'
    && a.dataset.testConnectionState === 'CONNECTED'
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(page, proc, quiet: float = 1.0, timeout: float = 60) -> None:
    """Wait until the page is idle and the server used no CPU for ``quiet`` s."""
    deadline = time.monotonic() + timeout
    last, since = cpu_seconds(proc.pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu_seconds(proc.pid)
        if now != last or not page.evaluate(IDLE_JS):
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    raise SystemExit("the page did not settle")


def timed(page, conds: list[str], act, timeout: float = 30) -> list[float]:
    """Arm the in-browser clock on ``conds``, run ``act()``; return ms to each."""
    page.evaluate(ARM_JS, conds)
    act()
    page.wait_for_function(
        "() => window.__t.every((t) => t !== null)", timeout=timeout * 1000
    )
    return page.evaluate("() => window.__t.map((t) => t - window.__t0)")


def session(browser, url: str, proc, path: str = "/") -> tuple:
    """Open a new session; return (context, page, s to map visible, server CPU s)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    cpu = cpu_seconds(proc.pid)
    t0 = time.perf_counter()
    page.goto(url + path)
    page.wait_for_function(bench.MAP_VISIBLE_JS, timeout=120_000, polling=50)
    shown = time.perf_counter() - t0
    settle(page, proc)
    return context, page, shown, cpu_seconds(proc.pid) - cpu


def click(page, event_id: str, conds: list[str]) -> list[float]:
    """Click the event's circle on the map; return ms until each of ``conds``."""
    at = page.evaluate(CLICKABLE_JS).get(event_id)
    if at is None:
        raise SystemExit(f"{event_id} is not clickable on the map")
    return timed(page, conds, lambda: page.mouse.click(at["x"], at["y"]))


def pick_crossings(page) -> list[float]:
    """Pick "crossing" in the kinds filter; return ms until map and list follow.

    Three times: the map drawing only crossings, the list drawn anew, the list's
    accessibility tree changed.
    """
    rows = page.evaluate(
        """() => { const g = document.querySelector('.st-key-event_list [role="grid"]');
                   return g ? g.getAttribute('aria-rowcount') : null; }"""
    )
    box = page.locator('[data-testid="stMultiSelect"]').filter(
        has_text="Kinds of event"
    )
    box.locator("input").first.click()
    option = page.get_by_role("option", name=re.compile("^Crossings")).first
    option.wait_for()
    page.evaluate("() => { window.__list0 = undefined; }")
    read = LIST_READ % ("null" if rows is None else json.dumps(rows))
    ms = timed(page, [ONLY_CROSSINGS, LIST_DRAWN, read], option.click)
    page.keyboard.press("Escape")
    return ms


def measure(browser, script: Path, name: str, args, event_id: str) -> dict:
    """Start a server for ``script``; measure sessions, clicks and the filter."""
    server: Server = start(
        script, *AS_SERVED, log_path=REPO / "artifacts" / f"interact-{name}.log"
    )
    url, proc = server.url, server.proc
    out: dict = {
        "visible": [],
        "cpu": [],
        "detail": [],
        "popup": [],
        "filter": [],
        "filter_read": [],
    }
    title = json.dumps(title_of(event_id))
    try:
        context, _, _, _ = session(browser, url, proc)  # warm-up: loads the data
        context.close()
        for _ in range(args.sessions):
            context, _, shown, cpu = session(browser, url, proc)
            out["visible"].append(shown)
            out["cpu"].append(cpu)
            context.close()
        for _ in range(args.clicks):
            context, page, _, _ = session(browser, url, proc)
            shows = DETAIL_SHOWS % title
            conds = [POPUP_SHOWS, shows] if name == "app" else [shows]
            *popup, shown = click(page, event_id, conds)  # the popup: the app's only
            out["popup"] += popup
            out["detail"].append(shown)
            context.close()
            context, page, _, _ = session(browser, url, proc)  # nothing selected
            on_map, drawn, read = pick_crossings(page)
            out["filter"].append(max(on_map, drawn))
            out["filter_read"].append(max(on_map, read))
            settle(page, proc)
            context.close()
        if name == "app":
            out["present"] = present(browser, url, proc, args.clicks)
    finally:
        stop(proc)
    return out


def title_of(event_id: str) -> str:
    """Return the event's title as the detail shows it."""
    from app_pages.loaded import load

    return load().by_id[event_id].title


MOVING = "return !!win && win.__moveStarted === true;"
MOVED = "return !!win && win.__moveEnded === true;"


def present(browser, url: str, proc, n: int) -> list[list[float]]:
    """Press → on the present page; ms to the text, the map moving, and at rest.

    Only steps whose view differs from the step before are timed (the map does not
    move between two steps on one view); the first n such steps from step 2 on.
    """
    from app_pages.present_page import tour_slides

    views = [s.view for s in tour_slides("default")]
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/present?tour=default&step=2")
    page.wait_for_function(bench.MAP_VISIBLE_JS, timeout=120_000, polling=50)
    settle(page, proc)
    rows = []
    for step in range(3, len(views) + 1):
        if len(rows) == n:
            break
        if views[step - 1] == views[step - 2]:
            page.keyboard.press("ArrowRight")
            settle(page, proc)
            continue
        shown = (
            "return [...document.querySelectorAll('.st-key-present-count p')].some("
            f"(e) => e.textContent.startsWith({json.dumps(f'Step {step} of')}));"
        )
        page.evaluate(
            """() => { const w = document.querySelector(
              "iframe[title='streamlit_folium.st_folium']").contentWindow;
              w.__moveStarted = false; w.__moveEnded = false;
              w.map.once('movestart', () => { w.__moveStarted = true;
                w.map.once('moveend', () => { w.__moveEnded = true; }); }); }"""
        )
        rows.append(
            timed(
                page,
                [shown, MOVING, MOVED],
                lambda: page.keyboard.press("ArrowRight"),
            )
        )
        settle(page, proc)
    context.close()
    return rows


def common_event(browser, args) -> str:
    """Return an event drawn clickable on both pages' first view."""
    found = []
    with tempfile.TemporaryDirectory() as folder:
        for script in (bench.APP, minimal_script(Path(folder))):
            with serving(script, *AS_SERVED) as server:
                context, page, _, _ = session(browser, server.url, server.proc)
                found.append(set(page.evaluate(CLICKABLE_JS)))
                context.close()
    both = sorted(found[0] & found[1])
    if not both:
        raise SystemExit("no event is clickable on both pages")
    return args.event if args.event in both else both[0]


def minimal_script(folder: Path) -> Path:
    """Write the minimal page next to a link to the app's static files."""
    (folder / "static").symlink_to(REPO / "static")
    path = folder / "minimal.py"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def show(
    label: str, app: list[float], floor: list[float] | None, unit: str, target: str
) -> None:
    """Print one figure: medians, the ratio, the runs, the target."""
    a = statistics.median(app)
    runs = ", ".join(f"{v:.0f}" if unit == "ms" else f"{v:.2f}" for v in app)
    line = f"{label}: app {a:.2f} {unit} (runs {runs})"
    if floor:
        f = statistics.median(floor)
        fr = ", ".join(f"{v:.0f}" if unit == "ms" else f"{v:.2f}" for v in floor)
        line += f"; minimal {f:.2f} {unit} (runs {fr}); ratio {a / f:.2f}"
    print(f"{line}; target {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=5)
    parser.add_argument("--event", default="1962-04-22-mass-crossing")
    args = parser.parse_args()
    os.chdir(REPO)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from playwright.sync_api import sync_playwright

    bench.machine()
    with sync_playwright() as p, tempfile.TemporaryDirectory() as folder:
        browser = p.chromium.launch(
            executable_path=bench.CHROMIUM, args=bench.CHROMIUM_ARGS
        )
        print(f"Chromium {browser.version}, {VIEWPORT['width']}x{VIEWPORT['height']}")
        event_id = common_event(browser, args)
        print(f"clicked event: {event_id}")
        ours = measure(browser, bench.APP, "app", args, event_id)
        floor = measure(
            browser, minimal_script(Path(folder)), "minimal", args, event_id
        )
        browser.close()
    show(
        "new session -> map visible",
        ours["visible"],
        floor["visible"],
        "s",
        "<= 1.3x minimal",
    )
    show(
        "server CPU per new session", ours["cpu"], floor["cpu"], "s", "<= 1.3x minimal"
    )
    show("click -> popup on the map", ours["popup"], None, "ms", "<= 150 ms")
    show(
        "click -> detail beside the map",
        ours["detail"],
        floor["detail"],
        "ms",
        "<= 1.3x minimal",
    )
    show(
        "filter change -> map and list drawn",
        ours["filter"],
        floor["filter"],
        "ms",
        "<= 1.3x minimal",
    )
    show(
        "filter change -> map drawn and list's accessibility tree",
        ours["filter_read"],
        floor["filter_read"],
        "ms",
        "none (the table makes it 200 ms after it was last drawn)",
    )
    show(
        "present: key -> step text",
        [r[0] for r in ours["present"]],
        None,
        "ms",
        "<= 300 ms",
    )
    for i, what, target in (
        (1, "map starts to fly", "<= 300 ms (text shown and map moved)"),
        (2, "map at rest on the step", "none (the flight itself lasts 1.2 s)"),
    ):
        show(
            f"present: key -> {what}",
            [r[i] for r in ours["present"]],
            None,
            "ms",
            target,
        )


if __name__ == "__main__":
    main()

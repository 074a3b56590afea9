"""Load test: N concurrent browser sessions on one `streamlit run` (prints figures).

Usage: python benchmarks/load.py [--sessions 30] [--session-timeout S] [--timeout S]

Starts ONE ``streamlit run streamlit_app.py`` on a free 127.0.0.1 port (stopped by
its PID at the end) and drives it with Debian's Chromium through Playwright's async
API: one browser, one context (so one Streamlit session) per user. Every session

1. opens the map filtered to crossings (``/?kind=crossing``) and waits until the map
   is visible (``MAP_VISIBLE_JS`` of ``benchmarks/app.py``: the iframe is shown,
   Leaflet is in it and at least one event feature is drawn);
2. waits for the app to be idle, clicks a row of the event list (session i takes
   row i mod the number of rows) and waits until the detail panel shows that
   event's title and the URL names it, then for the app to be idle again.

Session 1 runs alone first (it pays for loading the data); sessions 2..N then run
at the same time (``asyncio.gather``), so N sessions are connected at the end. Each
session has its own timeout, and the whole run a global one.

Printed: sessions OK/failed; p50/p95/max time to map visible (from ``goto``) and
p50/p95/max time to detail shown (from the click); the server's memory (VmRSS of
the server process and its children) before any session, after the first and after
all N, and memory per session = (after N - after 1) / (N - 1); and how many times
the shared data was loaded, read from Streamlit's own OpenMetrics endpoint
``/_stcore/metrics``: ``cache_compute_duration_seconds_count`` of
``app_pages.loaded.load`` counts the runs of that ``st.cache_resource`` function
(Streamlit records it each time the function body runs, after taking the per-key
compute lock), next to its cache misses, hits and entries. The app is not changed
for this. Percentiles are nearest-rank. The server log and the metrics go to
``artifacts/load/``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import platform
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlparse

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.app import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_VISIBLE_JS,
)
from mapapp import load  # noqa: E402
from tests.server import AS_SERVED, start, stop  # noqa: E402

HOST = "127.0.0.1"
ARTIFACTS = REPO / "artifacts" / "load"
LOAD_FUNC = "app_pages.loaded.load"  # the st.cache_resource holding the data
FILTER = "kind=crossing"
SESSION_TIMEOUT = 600.0  # s, per session
TOTAL_TIMEOUT = 1800.0  # s, the whole run (server start to the last session)
START_TIMEOUT = 60.0  # s, for /_stcore/health
IDLE_S = 1.0  # the app counts as settled after this long without a script run
ROW_PX = 35  # st.dataframe rows (and its header) are 35 px high on its canvas

IDLE_JS = """
() => {
  const a = document.querySelector('[data-testid="stApp"]');
  return !!a && a.dataset.testScriptState === 'notRunning'
    && a.dataset.testConnectionState === 'CONNECTED';
}
"""

# The detail panel (the column right of the map) shows the title, and the URL
# names the event.
DETAIL_JS = """
([id, title]) => {
  const col = document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stColumn"]')[1];
  const h = col && col.querySelector('h3');
  return !!h && h.innerText.trim() === title
    && new URLSearchParams(location.search).get('event') === id;
}
"""


# --- the server -------------------------------------------------------------------


@dataclass
class Server:
    """One ``streamlit run`` of the app, its log in a file."""

    url: str
    proc: subprocess.Popen
    log_path: Path

    @property
    def out(self) -> Path:
        """The folder of the log, where the run's other files go too."""
        return self.log_path.parent

    def rss_kib(self) -> int:
        """Return VmRSS of the server process and all its descendants, in KiB."""
        return sum(_vmrss(pid) for pid in [self.proc.pid, *_descendants(self.proc.pid)])

    def cpu_s(self) -> float:
        """Return the CPU time (user + system) of the server and its descendants."""
        return sum(_cpu_s(pid) for pid in [self.proc.pid, *_descendants(self.proc.pid)])

    def metrics(self) -> str:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"{self.url}/_stcore/metrics", timeout=10) as r:
                return r.read().decode(errors="replace")
        except OSError as exc:
            return f"# /_stcore/metrics failed: {exc}"


def _vmrss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            ppid = int(text.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def start_server(log_path: Path, timeout: float = START_TIMEOUT) -> Server:
    """Start the app on a free loopback port; return once it is healthy."""
    # others may edit the code during a run: a file change would rerun every
    # session on half-reloaded modules (AS_SERVED: no file watcher)
    server = start("streamlit_app.py", *AS_SERVED, log_path=log_path, timeout=timeout)
    return Server(server.url, server.proc, log_path)


stop_server = stop  # SIGTERM by the server's own PID, then SIGKILL


# --- what a session should see ------------------------------------------------------


class Expected:
    """The events the app lists for a filter, read the app's way (mapapp.select)."""

    def __init__(self) -> None:
        from mapapp import select

        data, problems = load.read_dataset()
        if problems:
            raise RuntimeError(f"the bundled data has problems: {problems[:3]}")
        self.data = data
        self.keys = select.search_keys(data)
        self._ids = {ev.id for ev in data.events}

    def listed(self, url: str) -> tuple[tuple[str, ...], list[str]]:
        """Return the kinds a page URL filters on and the ids listed, in order."""
        from mapapp import select, urlstate

        params = {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}
        state, _ = urlstate.parse(params, self._ids)
        sel = select.Selection(start=state.start, end=state.end, kinds=state.kinds)
        return state.kinds, select.select(self.data, sel, self.keys)

    def title(self, event_id: str) -> str:
        return self.data.event(event_id).title


# --- a session --------------------------------------------------------------------


@dataclass
class Session:
    """What one browser session did; the lists have the shape of e2e's PageLog."""

    index: int
    ok: bool = False
    error: str = ""
    map_s: float | None = None
    detail_s: float | None = None
    event: str | None = None
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


async def _settle(page, timeout: float) -> None:
    """Wait until the app has been idle for IDLE_S (a map move triggers a rerun)."""
    deadline = time.monotonic() + timeout
    since = None
    while time.monotonic() < deadline:
        if await page.evaluate(IDLE_JS):
            since = since or time.monotonic()
            if time.monotonic() - since >= IDLE_S:
                return
        else:
            since = None
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the app did not stay idle for {IDLE_S} s: it keeps rerunning")


async def _stable_box(locator, timeout: float) -> dict:
    """Return the element's box once it stops moving."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        box = await locator.bounding_box()
        if box is not None and box == last:
            return box
        last = box
        await asyncio.sleep(0.15)
    raise TimeoutError("the event list did not stop moving")


def _record(page, s: Session) -> None:
    page.on("request", lambda r: s.requests.append(r.url))
    page.on("websocket", lambda ws: s.requests.append(ws.url))
    page.on(
        "console",
        lambda m: s.console.append((m.type, m.text, m.location.get("url", ""))),
    )
    page.on("pageerror", lambda e: s.errors.append(f"{e.name}: {e.message}"))
    page.on(
        "response", lambda r: r.status >= 400 and s.failed.append(f"{r.status} {r.url}")
    )
    page.on("requestfailed", lambda r: s.failed.append(f"{r.failure} {r.url}"))

    async def _dialog(dialog):
        s.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", _dialog)


async def _steps(page, s: Session, url: str, expected: Expected, timeout: float):
    deadline = time.monotonic() + timeout

    def left_ms() -> float:
        return max(1.0, deadline - time.monotonic()) * 1000

    t0 = time.perf_counter()
    await page.goto(f"{url}/?{FILTER}", timeout=left_ms())
    await page.wait_for_function(MAP_VISIBLE_JS, timeout=left_ms(), polling=100)
    s.map_s = time.perf_counter() - t0

    await _settle(page, left_ms() / 1000)
    shown = await page.evaluate("() => location.href")  # the app rewrites the URL
    kinds, listed = expected.listed(shown)
    if kinds != ("crossing",) or not listed:
        raise AssertionError(f"the filter {FILTER} was not applied: {shown}")
    row = (s.index - 1) % min(len(listed), 5)
    s.event = listed[row]
    grid = page.locator('[data-testid="stDataFrame"]')
    await grid.scroll_into_view_if_needed(timeout=left_ms())
    box = await _stable_box(grid.locator("canvas").first, left_ms() / 1000)
    t1 = time.perf_counter()
    await page.mouse.click(box["x"] + 15, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2)
    await page.wait_for_function(
        DETAIL_JS, arg=[s.event, expected.title(s.event)], timeout=left_ms(), polling=50
    )
    s.detail_s = time.perf_counter() - t1
    await _settle(page, left_ms() / 1000)


async def run_session(browser, index: int, server: Server, expected, timeout: float):
    """Run one session; return it and its context (left open: the session lives)."""
    s = Session(index)
    context = await browser.new_context(
        viewport={"width": 1400, "height": 1000},
        locale="en-GB",
        timezone_id="UTC",
        service_workers="block",
    )
    page = await context.new_page()
    _record(page, s)
    try:
        steps = _steps(page, s, server.url, expected, timeout)
        await asyncio.wait_for(steps, timeout)
        s.ok = True
    except (TimeoutError, Exception) as exc:  # report every failure as data
        s.error = (
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
        with contextlib.suppress(Exception):  # the page may be gone: error says why
            await page.screenshot(path=server.out / f"failed-session-{index}.png")
    return s, context


# --- the run ------------------------------------------------------------------------


@dataclass
class Report:
    """Everything measured in one run."""

    n: int
    sessions: list[Session]
    rss_before: int
    rss_after_1: int
    rss_after_n: int
    data_after_1: DataLoads
    data_after_n: DataLoads
    chromium: str
    server_log: Path
    wall_s: float
    loadavg: tuple[float, float, float]
    loadavg_max: float  # the highest 1-min load average seen during the run
    cpu_server_1: float  # CPU seconds of the server after session 1
    cpu_server_n: float  # ... after all N
    cpu_browser_n: float  # CPU seconds of Playwright's driver and Chromium, after N

    @property
    def failed(self) -> list[Session]:
        return [s for s in self.sessions if not s.ok]

    @property
    def per_session_kib(self) -> float | None:
        if self.n < 2:
            return None
        return (self.rss_after_n - self.rss_after_1) / (self.n - 1)


@dataclass(frozen=True)
class DataLoads:
    """The shared data's cache in /_stcore/metrics (None: the metric is missing)."""

    runs: int | None  # times load() ran (cache_compute_duration_seconds_count)
    misses: int | None
    hits: int | None
    entries: int  # cached values held (cache_memory_bytes series)

    @classmethod
    def parse(cls, metrics: str) -> DataLoads:
        """Read the figures of LOAD_FUNC from OpenMetrics text."""
        mine = [
            line
            for line in metrics.splitlines()
            if not line.startswith("#") and f'cache="{LOAD_FUNC}"' in line
        ]

        def value(name: str, label: str) -> int | None:
            for line in mine:
                if line.startswith(name + "{") and label in line:
                    return round(float(line.rsplit(" ", 1)[1]))
            return None

        return cls(
            runs=value("cache_compute_duration_seconds_count", 'trigger="miss"'),
            misses=value("cache_lookups_total", 'result="miss"'),
            hits=value("cache_lookups_total", 'result="hit"'),
            entries=sum(line.startswith("cache_memory_bytes{") for line in mine),
        )


async def _run(n: int, session_timeout: float, server: Server, expected) -> Report:
    from playwright.async_api import async_playwright

    t0 = time.perf_counter()
    rss_before = server.rss_kib()
    contexts = []
    seen = [os.getloadavg()[0]]

    async def sample() -> None:
        while True:
            await asyncio.sleep(2)
            seen.append(os.getloadavg()[0])

    sampler = asyncio.create_task(sample())
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            first, ctx = await run_session(
                browser, 1, server, expected, session_timeout
            )
            contexts.append(ctx)
            rss_after_1 = server.rss_kib()
            metrics = server.metrics()
            (server.out / "metrics-after-1.txt").write_text(metrics)
            data_after_1 = DataLoads.parse(metrics)
            cpu_server_1 = server.cpu_s()
            rest = await asyncio.gather(
                *(
                    run_session(browser, i, server, expected, session_timeout)
                    for i in range(2, n + 1)
                )
            )
            contexts += [c for _, c in rest]
            loadavg = os.getloadavg()
            rss_after_n = server.rss_kib()
            cpu_server_n = server.cpu_s()
            theirs = {server.proc.pid, *_descendants(server.proc.pid)}
            cpu_browser_n = sum(
                _cpu_s(pid) for pid in _descendants(os.getpid()) if pid not in theirs
            )
            metrics = server.metrics()
            (server.out / "metrics-after-n.txt").write_text(metrics)
            version = browser.version
        finally:
            for c in contexts:
                with contextlib.suppress(Exception):  # the browser closes next
                    await c.close()
            await browser.close()
            sampler.cancel()
    return Report(
        n=n,
        sessions=[first, *(s for s, _ in rest)],
        rss_before=rss_before,
        rss_after_1=rss_after_1,
        rss_after_n=rss_after_n,
        data_after_1=data_after_1,
        data_after_n=DataLoads.parse(metrics),
        chromium=version,
        server_log=server.log_path,
        wall_s=time.perf_counter() - t0,
        loadavg=loadavg,
        loadavg_max=max(seen),
        cpu_server_1=cpu_server_1,
        cpu_server_n=cpu_server_n,
        cpu_browser_n=cpu_browser_n,
    )


def run(
    n: int = 30,
    session_timeout: float = SESSION_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    out: Path = ARTIFACTS,
) -> Report:
    """Start the server, run N sessions (bounded in time), stop the server.

    The server's log, its metrics and screenshots of failed sessions go to ``out``.
    """
    if n < 1:
        raise ValueError(f"sessions must be at least 1 (got {n})")
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    expected = Expected()
    server = start_server(out / "server.log")
    try:
        return asyncio.run(
            asyncio.wait_for(_run(n, session_timeout, server, expected), total_timeout)
        )
    finally:
        stop_server(server.proc)


# --- printing -------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Return the nearest-rank q-th percentile (0 < q <= 100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def machine() -> None:
    print("== machine")
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kib / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        mem = "?"
    usable = len(os.sched_getaffinity(0))
    print(f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs ({usable} usable)")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"RAM {mem}; load average (1, 5, 15 min) before the run: {load}")
    versions = []
    for pkg in ("streamlit", "streamlit-folium", "folium", "playwright"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg} -")
    print(f"Python {platform.python_version()}; " + ", ".join(versions))


def _times(label: str, values: list[float]) -> None:
    if not values:
        print(f"{label:34s} no session got there")
        return
    print(
        f"{label:34s} p50 {percentile(values, 50):6.2f} s  "
        f"p95 {percentile(values, 95):6.2f} s  max {max(values):6.2f} s  "
        f"(n={len(values)})"
    )


def mib(kib: float) -> str:
    return f"{kib / 1024:,.1f} MiB"


def show(r: Report) -> None:
    print(f"Chromium {r.chromium}; server log {r.server_log}")
    print(f"\n== {r.n} sessions (session 1 alone, then {r.n - 1} at once)")
    print(f"sessions OK {r.n - len(r.failed)} / {r.n}, failed {len(r.failed)}")
    for s in r.failed:
        print(f"  session {s.index} FAILED: {s.error}")
    first, rest = r.sessions[0], r.sessions[1:]
    if first.map_s is not None:
        detail = f"{first.detail_s:.2f} s" if first.detail_s is not None else "-"
        print(
            f"session 1 alone (loads the data): map {first.map_s:.2f} s, "
            f"detail {detail}"
        )
    if rest:
        _times(
            f"map visible, {len(rest)} at once",
            [s.map_s for s in rest if s.map_s is not None],
        )
        _times(
            f"detail shown, {len(rest)} at once",
            [s.detail_s for s in rest if s.detail_s is not None],
        )
    _times("map visible, all sessions", [s.map_s for s in r.sessions if s.map_s])
    _times("detail shown, all sessions", [s.detail_s for s in r.sessions if s.detail_s])
    print(
        "(map: from goto to the map drawn; detail: from the click on a row of the "
        "event list to the title in the detail panel)"
    )
    print("\n== server memory (VmRSS of the server and its children)")
    print(f"before any session        {mib(r.rss_before)}")
    print(f"after session 1           {mib(r.rss_after_1)}")
    print(f"after all {r.n:<3d} sessions    {mib(r.rss_after_n)}")
    if r.per_session_kib is not None:
        print(
            f"per session = (after {r.n} - after 1) / {r.n - 1} = "
            f"{mib(r.per_session_kib)}"
        )
    print("\n== CPU time (user + system; the browsers share the machine's cores)")
    print(
        f"server: {r.cpu_server_1:.1f} s after session 1, {r.cpu_server_n:.1f} s "
        f"after all {r.n}"
        + (
            f"; per later session {(r.cpu_server_n - r.cpu_server_1) / (r.n - 1):.2f} s"
            if r.n > 1
            else ""
        )
    )
    print(
        f"Chromium and the Playwright driver: {r.cpu_browser_n:.1f} s "
        f"({r.cpu_browser_n / r.n:.2f} s per session)"
    )
    print(f"\n== shared data ({LOAD_FUNC}, st.cache_resource; /_stcore/metrics)")
    for when, d in (
        ("after session 1", r.data_after_1),
        (f"after all {r.n}", r.data_after_n),
    ):
        print(
            f"{when:16s} load() ran {d.runs} time(s); lookups: {d.misses} miss, "
            f"{d.hits} hits; cached values held: {d.entries}"
        )
    verdict = "cached once" if r.data_after_n.runs == 1 else "NOT cached once"
    print(f"-> {verdict}")
    foreign = sorted(
        {
            u
            for s in r.sessions
            for u in s.requests
            if urlparse(u).scheme not in ("data", "blob", "about", "javascript")
            and urlparse(u).hostname != HOST
        }
    )
    print(f"requests to hosts other than {HOST}: {len(foreign)} {foreign[:5]}")
    load = ", ".join(f"{x:.2f}" for x in r.loadavg)
    print(
        f"wall time {r.wall_s:.1f} s; load average when all {r.n} were done: {load}; "
        f"highest 1-min load average during the run: {r.loadavg_max:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--session-timeout", type=float, default=SESSION_TIMEOUT)
    parser.add_argument("--timeout", type=float, default=TOTAL_TIMEOUT)
    args = parser.parse_args()
    machine()
    try:
        report = run(args.sessions, args.session_timeout, args.timeout)
    except TimeoutError:
        sys.exit(f"the run took longer than --timeout {args.timeout:.0f} s: stopped")
    show(report)
    if report.failed or report.data_after_n.runs != 1:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Fixtures of the browser tests: a real `streamlit run` server and Chromium.

* :func:`app` starts ``streamlit run streamlit_app.py`` on a free loopback port (once
  per session), waits for ``/_stcore/health`` and stops the server by its PID.
  :func:`run_server` (fixture ``start_server``) does the same for a data folder
  of a test's own (``MAPAPP_DATA``).
* :func:`browser` launches Debian's Chromium through Playwright (never a downloaded
  browser). Without Chromium or Playwright the e2e tests are skipped, unless ``CI``
  or ``MAPAPP_E2E_REQUIRED`` is set: then they fail, so CI can never skip them.
* :func:`page` opens a fresh page (a fresh Streamlit session) and records every
  request, WebSocket, console message, uncaught error and dialog in
  :func:`page_log`; a test ends with ``page_log.assert_clean()`` (the fixture checks
  it too, after a passing test that did not).

Server logs, and a screenshot of the page of each failed test, are written to
``artifacts/e2e/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
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
# Chromium's own warnings about the component iframe's sandbox and `allow` list.
IGNORED_CONSOLE = ("allow-scripts and allow-same-origin", "Unrecognized feature")
# Streamlit's known 404s when a page other than the main one is opened directly
# (it probes /<page>/_stcore/health before /_stcore/health: streamlit#7074).
STREAMLIT_DEEP_LINK_404 = re.compile(r"/[^/?]+/_stcore/(health|host-config)$")
# Schemes that do not reach any host.
HOSTLESS_SCHEMES = ("data", "blob", "about", "javascript")

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # for `app_pages` (the expected events), `tests.server`
    sys.path.insert(0, str(REPO))

from tests.server import HOST as LOCAL_HOST  # noqa: E402
from tests.server import Server, ServerError, start, stop  # noqa: E402

ARTIFACTS = REPO / "artifacts" / "e2e"


def _required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("MAPAPP_E2E_REQUIRED"))


def _unavailable(reason: str) -> None:
    """Skip on a dev machine; fail where the e2e tests must run (CI)."""
    if _required():
        pytest.fail(f"{reason} (CI or MAPAPP_E2E_REQUIRED is set: not skipping)")
    pytest.skip(reason)


# --- the server (tests/server.py: shared with the benchmarks) -----------------------


@contextlib.contextmanager
def run_server(
    name: str, data_root: Path | None = None, timeout: float = 60
) -> Iterator[Server]:
    """Run ``streamlit run streamlit_app.py`` from the repository root.

    Parameters
    ----------
    name : str
        Names the log file, ``artifacts/e2e/server-<name>.log``.
    data_root : Path, optional
        A data folder for ``MAPAPP_DATA`` (default: the bundled data).
    timeout : float
        Seconds to wait for ``/_stcore/health``.
    """
    log_path = ARTIFACTS / f"server-{name}.log"
    try:
        server = start(log_path=log_path, data_root=data_root, timeout=timeout)
    except ServerError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        stop(server.proc)


@pytest.fixture(scope="session")
def app() -> Iterator[Server]:
    """The app on the bundled data, for the whole session."""
    with run_server("bundled") as server:
        yield server


@pytest.fixture
def start_server():
    """``start_server(name, data_root)``: a context manager running a server."""
    return run_server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``artifacts/e2e/`` (git-ignored), created."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data (events/, events/sources/, geodata/)."""
    root = tmp_path / "data"
    for part in ("events", "geodata"):
        shutil.copytree(REPO / part, root / part)
    return root


# --- what the app should show -------------------------------------------------


@dataclass(frozen=True)
class Bundled:
    """The bundled data as the app loads it (``app_pages.loaded.load``)."""

    loaded: object

    @property
    def data(self):
        return self.loaded.data

    def selected(self, **selection) -> list[str]:
        """Return the ids the app lists for a filter, in its order."""
        from mapapp.select import Selection, select

        return select(self.data, Selection(**selection), self.loaded.keys)

    def on_map(self, ids: list[str]) -> list[str]:
        """Return those of ``ids`` that the map draws (located, not far away)."""
        ev = self.loaded.events.loc[ids]
        return list(ev.index[ev["located"] & ~ev["far"]])

    def title(self, event_id: str) -> str:
        return self.data.event(event_id).title


@pytest.fixture(scope="session")
def bundled() -> Bundled:
    """The bundled data, loaded the app's way (outside Streamlit: bare mode)."""
    import logging

    # "No runtime found" / "missing ScriptRunContext": expected outside `streamlit run`
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from app_pages.loaded import load

    return Bundled(load())


# --- the browser ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            "playwright is not installed: .venv/bin/pip install playwright "
            "(never `playwright install`; the tests use /usr/bin/chromium)"
        )
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield b
        b.close()


@dataclass
class PageLog:
    """Everything a page did that a test may want to hold against it."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    checked: bool = False

    def foreign_requests(self) -> list[str]:
        """Requests (and WebSockets) to any host but 127.0.0.1."""
        out = []
        for url in self.requests:
            parts = urlparse(url)
            if parts.scheme in HOSTLESS_SCHEMES:
                continue
            if parts.hostname != LOCAL_HOST:
                out.append(url)
        return out

    def console_errors(self) -> list[str]:
        """Console errors and uncaught exceptions (sandbox warnings left out)."""
        out = [
            f"{text} ({where})" if where else text
            for kind, text, where in self.console
            if kind == "error"
            and not any(s in text for s in IGNORED_CONSOLE)
            and not STREAMLIT_DEEP_LINK_404.search(urlparse(where).path)
        ]
        return out + [f"uncaught: {e}" for e in self.errors]

    def assert_clean(self) -> None:
        """No foreign request, no console error, no uncaught error, no dialog."""
        self.checked = True
        problems = []
        if bad := self.foreign_requests():
            problems.append(f"requests to other hosts than {LOCAL_HOST}: {bad}")
        if bad := self.console_errors():
            problems.append(f"console errors: {bad} (HTTP errors: {self.failed})")
        if self.dialogs:
            problems.append(f"dialogs opened: {self.dialogs}")
        assert not problems, "\n".join(problems)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (the page fixture reads the call's)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page_log() -> PageLog:
    """What the test's :func:`page` did (requests, console, errors, dialogs)."""
    return PageLog()


@pytest.fixture
def page(browser, page_log, request):
    """A fresh page (so a fresh Streamlit session), recorded in :func:`page_log`."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        locale="en-GB",
        timezone_id="UTC",
        service_workers="block",
    )
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    log = page_log
    pg.on("request", lambda r: log.requests.append(r.url))
    pg.on("websocket", lambda ws: log.requests.append(ws.url))
    pg.on(
        "console",
        lambda m: log.console.append((m.type, m.text, m.location.get("url", ""))),
    )
    pg.on("pageerror", lambda e: log.errors.append(f"{e.name}: {e.message}"))
    pg.on(
        "response",
        lambda r: r.status >= 400 and log.failed.append(f"{r.status} {r.url}"),
    )
    pg.on("requestfailed", lambda r: log.failed.append(f"{r.failure} {r.url}"))

    def _dialog(dialog):
        log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", _dialog)
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        with contextlib.suppress(Exception):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=ARTIFACTS / f"failed-{request.node.name}.png")
    context.close()
    if rep is not None and rep.passed and not log.checked:
        log.assert_clean()

"""The load test, small: concurrent sessions on one `streamlit run`.

Runs the code of ``benchmarks/load.py`` (one server on 127.0.0.1, one Chromium, one
Playwright context per session, all but the first at once) with
``MAPAPP_LOAD_SESSIONS`` sessions (8 by default) and asserts behaviour only: every
session got its map and the detail of the event it clicked, no console error, no
request to another host than 127.0.0.1, and the shared data was loaded once. The
timings are figures for ``python benchmarks/load.py --sessions 30``, not asserted.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = [pytest.mark.load, pytest.mark.e2e]

SESSIONS = int(os.environ.get("MAPAPP_LOAD_SESSIONS", "8"))
SESSION_TIMEOUT = 600  # s: generous, the machine may be busy; not a speed check
TOTAL_TIMEOUT = 1200  # s


def test_concurrent_sessions_get_their_map_and_detail(browser, page_log, artifacts):
    # ``browser`` only for its check that Playwright and Chromium are there (skip on
    # a dev machine, fail in CI); the load test launches its own, through the async
    # API, in a thread of its own so that its event loop is not the sync API's.
    from benchmarks import load

    assert SESSIONS >= 2, f"MAPAPP_LOAD_SESSIONS must be at least 2 (got {SESSIONS})"
    with ThreadPoolExecutor(max_workers=1) as pool:
        report = pool.submit(
            load.run, SESSIONS, SESSION_TIMEOUT, TOTAL_TIMEOUT, artifacts / "load"
        ).result()

    failed = [f"session {s.index}: {s.error}" for s in report.failed]
    assert not failed, f"{len(failed)} of {SESSIONS} sessions failed:\n" + "\n".join(
        failed
    )
    for s in report.sessions:
        assert s.map_s is not None and s.detail_s is not None
        assert s.event, f"session {s.index} selected no event"

    # each session's requests, console and errors, checked as the e2e pages are
    log_type = type(page_log)
    problems = []
    for s in report.sessions:
        log = log_type(
            requests=s.requests,
            console=s.console,
            errors=s.errors,
            dialogs=s.dialogs,
            failed=s.failed,
        )
        try:
            log.assert_clean()
        except AssertionError as exc:
            problems.append(f"session {s.index}: {exc}")
    assert not problems, "\n".join(problems)

    # the data is loaded once per server (st.cache_resource), not once per session
    data = report.data_after_n
    assert data.runs == 1, (
        f"app_pages.loaded.load ran {data.runs} times for {SESSIONS} sessions "
        f"(from /_stcore/metrics; see {report.server_log.parent})"
    )
    assert data.entries == 1
    assert data.misses is not None and data.hits is not None
    assert data.hits >= SESSIONS - 1
    assert report.data_after_1.runs == 1

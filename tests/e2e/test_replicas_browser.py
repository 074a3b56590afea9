"""A class through nginx: two replicas, sticky sessions, and a replica that stops.

``scripts/serve-replicas.sh`` (the script docs/deploy.md describes) starts two
Streamlit replicas and nginx on loopback ports of the test's choosing; the test
stops one replica by its PID in the middle of a session and the browser must come
back to a working page on the other. Everything is stopped by its own PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, _unavailable
from test_app_browser import FIRST_LOAD, IFRAME, idle, wait_until

from tests.server import free_port, free_ports, healthy

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    if shutil.which("nginx") is None:
        _unavailable("nginx is missing: apt-get install nginx")
    run = tmp_path_factory.mktemp("replicas")
    port, base = free_port(), free_ports(2)  # the replicas listen on base, base + 1
    while abs(base - port) < 3:
        base = free_ports(2)
    env = {
        **os.environ,
        "RUN_DIR": str(run),
        "PORT": str(port),
        "BASE": str(base),
        "SETUP": "0",
    }
    log = (run / "script.log").open("wb")
    proc = subprocess.Popen(
        ["bash", "scripts/serve-replicas.sh", "2"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: (
                all(healthy(f"http://127.0.0.1:{p}") for p in (base, base + 1))
                and healthy(url)
            ),
            "two replicas and nginx to answer",
            FIRST_LOAD,
        )
        yield url, run, (base, base + 1)
    finally:
        proc.send_signal(signal.SIGTERM)  # the script stops each child by its PID
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_sessions_land_on_both_replicas_and_stick(replicas, browser):
    url, _, ports = replicas
    seen = set()
    for _ in range(8):
        context = browser.new_context()
        page = context.new_page()
        response = page.goto(url + "/")
        replica = response.headers["x-yita-replica"]
        seen.add(replica)
        # every later request of this browser goes to the same replica
        for _ in range(3):
            again = context.request.get(url + "/_stcore/health")
            assert again.headers["x-yita-replica"] == replica
        context.close()
        if len(seen) == 2:
            break
    assert seen == {f"127.0.0.1:{p}" for p in ports}


def test_a_stopped_replica_sends_the_session_to_the_other(replicas, browser):
    url, run, ports = replicas
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    replica = page.goto(url + "/?event=1962-04-24-soviet-memorandum").headers[
        "x-yita-replica"
    ]
    page.locator(IFRAME).wait_for(timeout=FIRST_LOAD * 1000)
    wait_until(lambda: idle(page), "the map page", FIRST_LOAD)
    pid = int((run / f"replica-{replica.rsplit(':', 1)[1]}.pid").read_text())
    os.kill(pid, signal.SIGTERM)  # this replica stops in the middle of the session
    wait_until(lambda: not healthy(f"http://{replica}"), "the replica to stop", 30)
    # the tab reconnects by itself, through nginx, to the other replica (no reload)
    wait_until(
        lambda: (
            page.locator('[data-testid="stApp"]').get_attribute(
                "data-test-connection-state"
            )
            != "CONNECTED"
        ),
        "the tab to notice",
        30,
    )
    wait_until(lambda: idle(page), "the tab to reconnect", FIRST_LOAD)
    page.locator(IFRAME).wait_for(timeout=FIRST_LOAD * 1000)
    assert page.get_by_text("The Soviet memorandum of 24 April").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors
    context.close()
    other = next(f"127.0.0.1:{p}" for p in ports if f"127.0.0.1:{p}" != replica)

    def streams() -> list[str]:
        log = Path(run / "access.log").read_text().splitlines()
        return [line for line in log if "/_stcore/stream" in line]

    assert any(line.endswith(replica) for line in streams())
    # nginx logs a WebSocket once it has closed, a moment after the tab
    wait_until(
        lambda: any(line.endswith(other) for line in streams()),
        "nginx to log the tab's WebSocket to the other replica",
        10,
    )

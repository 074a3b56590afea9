"""``streamlit run`` on loopback, started and stopped by its own PID.

The one helper of the browser tests (``tests/e2e/conftest.py``) and the benchmarks
(``benchmarks/app.py``, ``interact.py``, ``load.py``): a free port, the health
check, the start (from the repository folder, so that ``.streamlit/config.toml``
applies) and the stop.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
AS_SERVED = ("--server.fileWatcherType", "none")  # as scripts/serve.sh serves it


class ServerError(RuntimeError):
    """The server did not start, or did not answer in time."""


@dataclass
class Server:
    """A running ``streamlit run``: its address, its process and its log."""

    url: str
    proc: subprocess.Popen
    log_path: Path | None = None

    def log(self) -> str:
        """Return what the server printed so far."""
        if self.log_path is None:
            return ""
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    """Return a TCP port free on loopback now (another process may take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def free_ports(n: int) -> int:
    """Return the first of ``n`` consecutive TCP ports free on loopback now."""
    while True:
        first = free_port()
        try:
            for port in range(first + 1, first + n):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                    s.bind((HOST, port))
        except OSError:
            continue
        return first


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Return whether ``url/_stcore/health`` answers ``ok``."""
    # no proxy: a proxy from the environment must never see these requests
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def launch(
    script: Path | str,
    port: int,
    *flags: str,
    data_root: Path | None = None,
    **popen,
) -> subprocess.Popen:
    """Start ``streamlit run script`` on loopback from the repository folder.

    ``MAPAPP_DATA`` is not passed on, unless ``data_root`` sets it.
    """
    env = {k: v for k, v in os.environ.items() if k != "MAPAPP_DATA"}
    if data_root is not None:
        env["MAPAPP_DATA"] = str(data_root)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *flags,
    ]
    return subprocess.Popen(command, cwd=REPO, env=env, **popen)


def wait_healthy(
    proc: subprocess.Popen, url: str, timeout: float = 60.0, every: float = 0.1
) -> bool:
    """Wait until the server answers; False if it exited first.

    Raises
    ------
    ServerError
        When it neither answers nor exits within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if healthy(url):
            return True
        if time.monotonic() > deadline:
            raise ServerError(
                f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s"
            )
        time.sleep(every)
    return False


def stop(proc: subprocess.Popen) -> None:
    """Stop a server by its own PID: SIGTERM, then SIGKILL if it hangs."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def start(
    script: Path | str = "streamlit_app.py",
    *flags: str,
    log_path: Path | None = None,
    data_root: Path | None = None,
    timeout: float = 60.0,
) -> Server:
    """Start a server on a free port and return it once it answers.

    A port taken by another process in between makes it try again (three times).
    Its output goes to ``log_path`` (default: nowhere).

    Raises
    ------
    ServerError
        When it does not answer in time, or exits at start three times.
    """
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(3):
        port = free_port()
        url = f"http://{HOST}:{port}"
        with (
            log_path.open("wb") if log_path is not None else open(os.devnull, "wb")
        ) as log:
            proc = launch(
                script,
                port,
                *flags,
                data_root=data_root,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            if wait_healthy(proc, url, timeout):
                return Server(url, proc, log_path)
        except ServerError as exc:
            stop(proc)
            raise ServerError(f"{exc}; its log:\n{_tail(log_path)}") from None
    raise ServerError(f"streamlit exited at start 3 times; its log:\n{_tail(log_path)}")


@contextlib.contextmanager
def serving(
    script: Path | str = "streamlit_app.py",
    *flags: str,
    log_path: Path | None = None,
    data_root: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[Server]:
    """Run a server (:func:`start`) for the duration of a ``with`` block."""
    server = start(
        script, *flags, log_path=log_path, data_root=data_root, timeout=timeout
    )
    try:
        yield server
    finally:
        stop(server.proc)


def _tail(log_path: Path | None) -> str:
    if log_path is None or not log_path.exists():
        return "(no log kept)"
    return log_path.read_text(errors="replace")[-4000:]

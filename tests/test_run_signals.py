"""SIGTERM to `lovspor dashboard` / `lovspor run` stops the Streamlit child as well (issue
#13): a service manager or a closed terminal must not leave a dashboard on its port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lovspor.ingest import import_files
from tests.dashboard_server import free_port, stop, wait_http

ROOT = Path(__file__).resolve().parent.parent


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads child processes from /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_lovspor_stops_the_dashboard_child(
    tmp_path: Path, retsinfo: Path, sig: signal.Signals
) -> None:
    port = free_port()
    db = tmp_path / "one.sqlite"
    import_files(f"sqlite:///{db}", [retsinfo / "eli/lta/2016/1270/xml"])
    env = {**os.environ, "LOVSPOR_DATABASE_URL": f"sqlite:///{db}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lovspor.cli", "dashboard", "--port", str(port)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc=proc)
        (child,) = _children(proc.pid)
        assert _alive(child)
        proc.send_signal(sig)  # to Lovspor only, not to its process group
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(child), f"Streamlit (pid {child}) survived {sig.name} to Lovspor"
        assert b"Traceback" not in (proc.stderr.read() if proc.stderr else b"")
    finally:
        stop(proc)

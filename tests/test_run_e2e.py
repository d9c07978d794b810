"""End to end: `lovspor run --base-url` against a loopback mirror of ../shared/retsinfo
(`python -m http.server`), then the running dashboard answers its health check and a page.

The main job's whole chain: crawl (subprocess) → analyze → graph → dashboard.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dashboard_server import free_port, stop, wait_http

pytestmark = pytest.mark.slow


def test_lovspor_run_against_loopback_mirror(retsinfo: Path, tmp_path: Path) -> None:
    mirror_port, dash_port = free_port(), free_port()
    mirror = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(mirror_port), "--bind", "127.0.0.1",
         "--directory", str(retsinfo)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    db = tmp_path / "run.sqlite"
    log = (tmp_path / "run.log").open("wb")
    run = None
    try:
        wait_http(f"http://127.0.0.1:{mirror_port}/README.md", timeout=30, proc=mirror)
        run = subprocess.Popen(
            [sys.executable, "-c", "from lovspor.cli import main; main()", "run",
             "--base-url", f"http://127.0.0.1:{mirror_port}", "--no-throttle",
             "--db", f"sqlite:///{db}", "--port", str(dash_port), "--address", "127.0.0.1"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp_path,
        )
        base = f"http://127.0.0.1:{dash_port}"
        try:
            assert wait_http(f"{base}/_stcore/health", timeout=480, proc=run).strip() == "ok"
        except (RuntimeError, TimeoutError) as exc:
            log.flush()
            pytest.fail(f"{exc}\n--- lovspor run output ---\n"
                        f"{(tmp_path / 'run.log').read_text(errors='replace')[-4000:]}")
        page = wait_http(f"{base}/statistik", timeout=30)
        assert "<title>" in page and "streamlit" in page.lower()

        con = sqlite3.connect(db)
        versions = dict(con.execute(
            "SELECT l.slug, count(*) FROM versions v JOIN laws l ON l.id = v.law_id GROUP BY 1"
        ).fetchall())
        changes = con.execute("SELECT count(*) FROM changes").fetchone()[0]
        # the run also read the update feed: this mirror has none, recorded as a failure
        feed = con.execute(
            "SELECT reason FROM fetch_failures WHERE url LIKE '%/eli/eli-update-feed.atom'"
        ).fetchall()
        con.close()
        assert feed, "lovspor run must read the Atom update feed"
        assert versions.get("serviceloven", 0) >= 2, versions
        assert changes > 0
        out = (tmp_path / "run.log").read_text(errors="replace")
        for stage in ("1/4", "2/4", "3/4", "4/4"):
            assert stage in out, out[-3000:]
    finally:
        if run is not None:
            stop(run)
        stop(mirror)
        log.close()

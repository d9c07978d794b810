"""A misbehaving site: 429, 500, timeouts, truncated XML, HTML with 200, redirects; a kill -9.

The crawl must end with every reachable document stored intact and each failure reported
with its reason; the next run fetches only what failed (and what only that made reachable).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawler.conftest import ROOT, Db, expected_walk, run_crawl
from tests.crawler.faultserver import (
    HTML200,
    TRUNCATED,
    FaultServer,
    redirect,
    slow,
    status,
    too_many,
)

pytestmark = pytest.mark.slow
SEED = "lta/2016/1270"
FAST = ["--no-throttle", "--backoff", "0.05", "--retry-times", "2", "--download-timeout", "1"]


def doc(eli: str) -> str:
    return f"/eli/{eli}/xml"


def assert_intact(db: Db, retsinfo: Path) -> None:
    for eli, (data, sha) in db.contents().items():
        assert hashlib.sha256(data).hexdigest() == sha, eli
        assert data == (retsinfo / "eli" / eli / "xml").read_bytes(), f"{eli} differs from the site"
    assert not db.duplicates()
    assert db.q("PRAGMA integrity_check") == [("ok",)]


def test_faults_are_survived_reported_and_retried(tmp_path, retsinfo, corpus):
    exp = expected_walk(corpus, [SEED])
    everything = exp.versions | exp.acts | exp.other
    with FaultServer(retsinfo) as site, FaultServer(None) as elsewhere:
        site.script(doc("lta/2016/647"), too_many(1))  # then fine
        site.script(doc("lta/2016/171"), status(500), status(503))  # then fine
        site.script(doc("lta/2016/133"), TRUNCATED)  # then fine
        site.script(doc("lta/2015/1576"), redirect(doc("lta/2015/1576") + "?moved=1"))
        # permanent on this run:
        site.state.always[doc("lta/2016/379")] = slow(3)  # > --download-timeout 1
        site.state.always[doc("lta/2015/1894")] = HTML200
        site.state.always[doc("lta/2016/1544")] = redirect(elsewhere.url + doc("lta/2016/1544"))
        db_path = tmp_path / "c.sqlite"
        t0 = time.monotonic()
        first = run_crawl(db_path, "--seed", SEED, *FAST, base_url=site.url)
        db = Db(db_path)
        failures = db.failures()
        assert set(failures) == {"lta/2016/379", "lta/2015/1894", "lta/2016/1544"}
        assert (
            "TimeoutError" in failures["lta/2016/379"]
            or "timeout" in failures["lta/2016/379"].lower()
        )
        assert "not a LexDania Dokument" in failures["lta/2015/1894"]
        assert "off-host" in failures["lta/2016/1544"]
        assert all(eli in reason for eli, reason in failures.items())  # messages name the doc
        assert first.returncode == 3 and first.summary["failed"] == 3
        assert first.summary["offsite_dropped"] >= 1
        assert elsewhere.paths() == []  # the other host never saw a request
        stored_first = db.elis()
        assert {"lta/2016/647", "lta/2016/171", "lta/2016/133", "lta/2015/1576"} <= stored_first
        assert stored_first <= everything
        assert_intact(db, retsinfo)
        # 429 Retry-After was honoured: the retry of 2016/647 came ≥ 1 s after the 429
        hits = [e.at for e in site.state.log if e.path == doc("lta/2016/647")]
        assert len(hits) == 2 and hits[1] - hits[0] >= 0.9
        assert time.monotonic() - t0 < 60

        # second run, the site healed: only what failed (and what it leads to) is fetched
        site.state.always.clear()
        site.clear_log()
        second = run_crawl(db_path, "--seed", SEED, *FAST, base_url=site.url)
        requested = site.fetched_unconditionally()
        assert {"lta/2016/379", "lta/2015/1894", "lta/2016/1544"} <= requested
        assert not requested & stored_first, "a stored document was fetched again"
        # only the newest stored version is re-checked, conditionally
        assert set(site.rechecked()) <= stored_first and len(site.rechecked()) <= 1
        assert not requested & db.gaps() - exp.gaps
        assert second.returncode == 0
        assert db.elis() == everything
        assert db.failures() == {}
        assert db.gaps() == exp.gaps
        assert_intact(db, retsinfo)
        assert elsewhere.paths() == []


def test_never_requests_another_host(tmp_path, retsinfo):
    """Sitemap pages, redirects and feed links that point elsewhere are all dropped."""
    site_dir = tmp_path / "site"
    (site_dir / "eli" / "lta" / "2016").mkdir(parents=True)
    for n in ("1270", "647"):
        (site_dir / "eli" / "lta" / "2016" / n).symlink_to(
            retsinfo / "eli" / "lta" / "2016" / n, target_is_directory=True
        )
    with FaultServer(site_dir) as site, FaultServer(retsinfo) as elsewhere:
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        site.route(
            "/eli/sitemap.xml",
            f"<sitemapindex {ns}><sitemap><loc>{site.url}/eli/p1.xml</loc></sitemap>"
            f"<sitemap><loc>{elsewhere.url}/eli/p2.xml</loc></sitemap></sitemapindex>".encode(),
        )
        site.route(
            "/eli/p1.xml",
            f"<urlset {ns}><url><loc>{elsewhere.url}/eli/lta/2016/647</loc></url>"
            f"<url><loc>{site.url}/eli/lta/2016/1270</loc></url></urlset>".encode(),
        )
        site.state.always["/robots.txt"] = redirect(elsewhere.url + "/robots.txt")
        site.state.always[doc("lta/2016/1544")] = redirect(elsewhere.url + doc("lta/2016/1544"))
        db_path = tmp_path / "c.sqlite"
        run = run_crawl(
            db_path,
            "--discover",
            "sitemap",
            "--seed",
            "lta/2016/1270",
            *FAST,
            base_url=site.url,
        )
        assert elsewhere.paths() == []
        assert run.summary["offsite_dropped"] >= 3  # sitemap page, robots redirect, document
        db = Db(db_path)
        # the off-host sitemap loc names an ELI: it is fetched from the configured site
        assert {"lta/2016/1270", "lta/2016/647"} <= db.elis()
        assert "off-host" in db.failures()["lta/2016/1544"]


def test_kill_9_then_rerun_completes_without_duplicates(tmp_path, retsinfo, corpus):
    exp = expected_walk(corpus, [SEED])
    everything = exp.versions | exp.acts | exp.other
    db_path = tmp_path / "c.sqlite"
    with FaultServer(retsinfo) as site:
        site.state.delay = 0.08
        cmd = [
            sys.executable, "-m", "lovspor.crawl_cli", "--db", str(db_path), "--json",
            "--seed", SEED, "--base-url", site.url, *FAST, "--concurrency", "2",
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        db = Db(db_path)
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            try:
                stored = db.q("SELECT count(*) FROM documents")[0][0]
            except Exception:  # the schema is still being created
                continue
            if stored >= 12:
                break
        assert proc.poll() is None, "crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
        killed_with = db.elis()
        assert 12 <= len(killed_with) < len(everything)
        site.state.delay = 0.0
        site.clear_log()
        run_crawl(db_path, "--seed", SEED, *FAST, base_url=site.url)
        requested = site.fetched_unconditionally()
        assert not requested & killed_with
        assert len(site.rechecked()) <= 1  # at most the newest version, conditionally
        assert db.elis() == everything
        assert db.gaps() == exp.gaps
        assert not db.failures()
        assert_intact(db, retsinfo)
        assert db.q("SELECT count(*) FROM documents")[0][0] == len(everything)

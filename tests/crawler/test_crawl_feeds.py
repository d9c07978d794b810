"""Feed and harvest spiders on hand-written fixtures (documented shapes: crawler/sources.py),
served by the loopback server together with the real mirror's documents."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.crawler.conftest import Db, run_crawl
from tests.crawler.faultserver import FaultServer, too_many

pytestmark = pytest.mark.slow
FIX = Path(__file__).parent / "fixtures"
FEED = "/eli/eli-update-feed.atom"


def docs_of(srv: FaultServer) -> list[str]:
    return [p.removeprefix("/eli/").removesuffix("/xml") for p in srv.documents_requested()]


def test_feed_new_unchanged_changed_and_all(tmp_path, retsinfo):
    db_path = tmp_path / "c.sqlite"
    db = Db(db_path)
    with FaultServer(retsinfo) as site:
        site.route(FEED, (FIX / "feed.atom").read_bytes(), "application/atom+xml")
        run = run_crawl(
            db_path, "--feed", "--law", "serviceloven", "--no-throttle", base_url=site.url
        )
        # serviceloven entries only (the off-host link is fetched from the site itself)
        assert db.elis() == {"lta/2016/1270", "lta/2016/647", "lta/2016/1662"}
        assert sorted(docs_of(site)) == sorted(db.elis())
        assert run.summary["stored"] == 3 and run.summary["listing_requests"] == 1

        # unchanged feed: the feed is read, no document is requested
        site.clear_log()
        again = run_crawl(
            db_path, "--feed", "--law", "serviceloven", "--no-throttle", base_url=site.url
        )
        assert docs_of(site) == [] and site.paths(FEED) == [FEED]
        assert again.summary["document_requests"] == 0

        # later: 1270 really changed, 647 listed but the same (304 on the conditional GET)
        site.route(FEED, (FIX / "feed-changed.atom").read_bytes(), "application/atom+xml")
        original = (retsinfo / "eli/lta/2016/1270/xml").read_bytes()
        site.route("/eli/lta/2016/1270/xml", original + b"\n<!-- rettet -->\n")
        site.clear_log()
        changed = run_crawl(
            db_path, "--feed", "--law", "serviceloven", "--no-throttle", base_url=site.url
        )
        assert sorted(docs_of(site)) == ["lta/2016/1270", "lta/2016/647"]
        conditional = next(e for e in site.state.log if e.path.endswith("/647/xml"))
        assert "If-Modified-Since" in conditional.headers and conditional.status == 304
        assert changed.summary["revisions"] == 1 and changed.summary["unchanged"] == 1
        revs = db.q(
            "SELECT revision, is_latest FROM documents WHERE eli='lta/2016/1270' ORDER BY revision"
        )
        assert revs == [(1, 0), (2, 1)]  # kept beside the old bytes, never overwritten
        assert not db.duplicates()

        # --all takes the entries of other laws too
        site.route(FEED, (FIX / "feed.atom").read_bytes(), "application/atom+xml")
        site.clear_log()
        run_crawl(db_path, "--feed", "--all", "--no-throttle", base_url=site.url)
        assert sorted(docs_of(site)) == ["lta/2016/1345", "lta/2024/62"]
        assert {"lta/2016/1345", "lta/2024/62"} <= db.elis()


def _api(site: FaultServer) -> None:
    for day in range(1, 11):
        site.route(f"/v1/Documents?date=2024-03-{day:02d}", b"[]", "application/json")
    for name in ("2024-03-10", "2024-03-08"):
        body = (FIX / f"harvest-{name}.json").read_bytes()
        site.route(f"/v1/Documents?date={name}", body, "application/json")


def test_harvest_ten_days_interval_429_and_done_days(tmp_path, retsinfo):
    db_path = tmp_path / "c.sqlite"
    db = Db(db_path)
    with FaultServer(retsinfo) as site, FaultServer(None) as api:
        _api(api)
        api.script("/v1/Documents?date=2024-03-09", too_many(1))
        args = [
            "--harvest", "--api-url", api.url, "--now", "2024-03-10T12:00:00+01:00",
            "--harvest-interval", "0.3", "--no-throttle",
        ]  # fmt: skip
        run = run_crawl(db_path, *args, base_url=site.url)
        calls = [e for e in api.state.log if e.path.startswith("/v1/Documents")]
        dates = [e.path.rsplit("=", 1)[1] for e in calls]
        # newest first, the last 10 days only (never 2024-02-29 or earlier), 03-09 twice (429)
        assert dates[0] == "2024-03-10"
        assert sorted(set(dates)) == [f"2024-03-{d:02d}" for d in range(1, 11)]
        assert dates.count("2024-03-09") == 2 and len(dates) == 11
        gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
        assert min(gaps) >= 0.28  # one call per interval
        retry = [e.at for e in calls if e.path.endswith("2024-03-09")]
        assert retry[1] - retry[0] >= 0.95  # Retry-After: 1
        # LOV/LBK rows are fetched (the circular is not); their law is decided once parsed
        assert db.elis() == {"lta/2016/1270", "lta/2016/647"}
        assert run.summary["stored"] == 2
        # a second run asks only for today (past days are complete) and fetches nothing
        api.clear_log()
        site.clear_log()
        run_crawl(db_path, *args, base_url=site.url)
        assert api.paths("/v1/") == ["/v1/Documents?date=2024-03-10"]
        assert docs_of(site) == []


@pytest.mark.parametrize("when", ["2024-03-10T23:50:00+01:00", "2024-03-10T02:59:00+01:00"])
def test_harvest_outside_opening_hours_says_so_and_stops(tmp_path, when):
    db_path = tmp_path / "c.sqlite"
    with FaultServer(None) as api:
        run = run_crawl(
            db_path, "--harvest", "--api-url", api.url, "--now", when, "--no-throttle",
            base_url=api.url,
        )  # fmt: skip
        assert api.paths() == []
        assert "03:00–23:45" in run.stderr
        assert run.returncode == 0 and run.summary["requests"] == 0


def test_harvest_api_400_is_reported(tmp_path):
    with FaultServer(None) as api:
        api.route("/v1/Documents?date=2024-03-10", b"closed", "text/plain", code=400)
        run = run_crawl(
            tmp_path / "c.sqlite", "--harvest", "--api-url", api.url,
            "--now", "2024-03-10T12:00:00+01:00", "--no-throttle", base_url=api.url,
        )  # fmt: skip
        assert "answered 400" in run.stderr
        assert len(api.paths("/v1/")) == 1  # stopped after the first refusal

"""Fast unit tests of the crawler's rules (no Scrapy, no server)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.middlewares import retry_after_seconds
from crawler.options import COPENHAGEN, CrawlOptions, origin
from crawler.sources import (
    SourceError,
    harvest_dates,
    is_open,
    parse_atom,
    parse_harvest,
    parse_sitemap,
    title_matches,
)
from crawler.walk import Walker, normalize_eli, resolve_laws, summarize

FIX = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("text", "eli"),
    [
        ("lta/2016/1270", "lta/2016/1270"),
        ("eli/lta/2016/1270", "lta/2016/1270"),
        ("https://www.retsinformation.dk/eli/lta/2016/1270/xml", "lta/2016/1270"),
        ("A20160064730", "lta/2016/647"),
        ("A2016 00647 30", "lta/2016/647"),
        ("nonsense", None),
    ],
)
def test_normalize_eli(text, eli):
    assert normalize_eli(text) == eli


def test_origin_compares_ports():
    o = CrawlOptions(db_url="x", base_url="http://127.0.0.1:8000/", api_url="http://127.0.0.1:9")
    assert origin("http://127.0.0.1:8000/eli/x") in o.allowed_origins
    assert origin("http://127.0.0.1:8001/eli/x") not in o.allowed_origins
    assert origin("https://www.retsinformation.dk/") == "https://www.retsinformation.dk:443"


def test_retry_after_forms():
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None


def test_opening_hours_copenhagen():
    at = lambda h, m: dt.datetime(2024, 3, 10, h, m, tzinfo=COPENHAGEN)  # noqa: E731
    assert not is_open(at(2, 59)) and is_open(at(3, 0)) and is_open(at(23, 44))
    assert not is_open(at(23, 45))
    # a UTC clock is converted: 02:30 UTC in summer is 04:30 in Copenhagen
    assert is_open(dt.datetime(2024, 7, 1, 2, 30, tzinfo=dt.UTC))


def test_harvest_dates_last_ten_days_newest_first():
    now = dt.datetime(2024, 3, 10, 12, tzinfo=COPENHAGEN)
    days = harvest_dates(now, 30)
    assert len(days) == 10 and days[0] == dt.date(2024, 3, 10) and days[-1] == dt.date(2024, 3, 1)
    done = {"2024-03-09", "2024-03-10"}
    assert dt.date(2024, 3, 9) not in harvest_dates(now, 10, done)
    assert dt.date(2024, 3, 10) in harvest_dates(now, 10, done)  # today is never complete


def test_parse_feed_fixture():
    entries = parse_atom((FIX / "feed.atom").read_bytes())
    assert [e.eli for e in entries][:3] == ["lta/2016/1270", "lta/2016/647", "lta/2016/1662"]
    assert entries[0].updated == dt.datetime.fromisoformat("2016-10-26T08:00:00+02:00")
    assert title_matches(entries[1].title, {"lov om social service"})
    assert not title_matches(entries[4].title, {"lov om social service"})
    with pytest.raises(SourceError, match="Atom"):
        parse_atom(b"<html/>")


def test_parse_harvest_fixture():
    rows = parse_harvest((FIX / "harvest-2024-03-10.json").read_bytes())
    assert rows[0].eli == "lta/2016/1270" and rows[0].doc_type == "LBK"
    assert len(rows) == 1  # the B-collection circular has no lta ELI: not a law document
    with pytest.raises(SourceError):
        parse_harvest(b'{"not": "a list"}')


def test_parse_sitemap_index_and_page():
    idx = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x/1.xml</loc></sitemap></sitemapindex>'
    page = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x/eli/lta/2016/1</loc></url></urlset>'
    assert parse_sitemap(idx) == (["https://x/1.xml"], [])
    assert parse_sitemap(page) == ([], ["https://x/eli/lta/2016/1"])


def test_resolve_laws_successions():
    laws = resolve_laws(["serviceloven"])
    assert "lta/2005/573" in laws["serviceloven"].seeds  # the new main act of 2005
    assert "barnets-lov" in laws  # took over part of serviceloven
    assert "barnets-lov" not in resolve_laws(["serviceloven"], follow_successors=False)
    with pytest.raises(KeyError, match="unknown law"):
        resolve_laws(["nope"])


class _Folder:
    def __init__(self, corpus: dict) -> None:
        self.corpus = corpus
        self.loads = 0

    def has(self, eli: str) -> bool:
        return eli in self.corpus

    def load(self, eli: str):  # type: ignore[no-untyped-def]
        self.loads += 1
        return summarize(self.corpus[eli])


def test_walker_expands_stored_documents_without_fetching(corpus):
    """With everything stored, the walk asks the network only for the holes, and never
    expands a document of another law (a referenced LBK of another law is not followed)."""
    folder = _Folder(corpus)
    w = Walker({}, folder, since=dt.date(2007, 1, 1))
    step = w.offer(w.seed_targets(["lta/2016/1270"]))
    assert {t.eli for t in step.fetch} <= {"lta/2014/1023", "lta/2014/254", "lta/2014/1524",
                                           "lta/2014/1526", "lta/2009/316", "lta/2009/941"}  # fmt: skip
    assert "lta/2014/1023" in {t.eli for t in step.fetch}
    assert set(w.laws) == {"serviceloven"}
    assert all(slug == "serviceloven" for slug, _ in w.expanded)
    gaps = w.missing("lta/2014/1023")
    assert gaps and all(g.law == "serviceloven" for g in gaps)
    # later references to a known gap are noted without a request
    again = w.offer(w.seed_targets(["lta/2014/1023"]))
    assert not again.fetch and again.gaps
    assert folder.loads == len(w.summaries)  # each stored document parsed once

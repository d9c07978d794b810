"""Run one crawl job (chain, feed, harvest spiders one after another) and summarise it.

One `AsyncCrawlerProcess` per process: the reactor cannot be restarted, so callers that need
several crawls (tests, benchmarks) start a process per crawl. Spiders run one after the other,
not at once, so the site sees one polite client, not three.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess, Crawler

from crawler.options import CrawlOptions
from crawler.spiders.base import LovsporSpider
from crawler.spiders.chain import ChainSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.harvest import HarvestSpider
from db.session import engine_for
from lawdiff.parse import MAX_DOCUMENT_BYTES


def _version() -> str:
    """The installed distribution's version, without importing the CLI package."""
    try:
        return version("lovspor")
    except PackageNotFoundError:
        return "0"


def scrapy_settings(o: CrawlOptions) -> dict[str, Any]:
    s: dict[str, Any] = {
        "BOT_NAME": "lovspor",
        "USER_AGENT": f"Lovspor/{_version()} (+{o.contact})",
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": o.log_level,
        "CONCURRENT_REQUESTS": o.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": o.concurrency,
        "DOWNLOAD_TIMEOUT": o.download_timeout,
        # A response larger than any LexDania document is cut off, not held in memory.
        "DOWNLOAD_MAXSIZE": MAX_DOCUMENT_BYTES,
        "DOWNLOAD_WARNSIZE": MAX_DOCUMENT_BYTES // 4,
        "DOWNLOAD_DELAY": o.download_delay if o.throttle else 0.0,
        "DOWNLOAD_DELAY_JITTER": 0.5 if o.throttle else 0.0,
        "AUTOTHROTTLE_ENABLED": o.throttle,
        "AUTOTHROTTLE_START_DELAY": max(o.download_delay, 0.25),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "RETRY_ENABLED": False,  # PoliteRetryMiddleware does it, with backoff
        "HTTPCACHE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.HostGuardMiddleware": 50,
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.PoliteRetryMiddleware": 550,
            "crawler.middlewares.RequestCountMiddleware": 990,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        "LOVSPOR_OPTIONS": o,
    }
    s.update(o.extra_settings)
    return s


@dataclass(slots=True)
class Summary:
    fetched: int = 0  # new documents stored
    revisions: int = 0  # changed documents stored as a new revision
    unchanged: int = 0  # fetched again (feed/harvest said changed) but the same
    failed: int = 0
    gaps: int = 0  # distinct missing documents noted this run
    requests: int = 0  # every request that went out, robots.txt and listings included
    document_requests: int = 0
    listing_requests: int = 0  # sitemap, feed, API
    retries: int = 0
    offsite_dropped: int = 0
    seconds: float = 0.0
    spiders: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    gap_elis: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.fetched + self.revisions

    @property
    def requests_per_document(self) -> float | None:
        return self.requests / self.stored if self.stored else None

    @property
    def documents_per_second(self) -> float | None:
        return self.stored / self.seconds if self.seconds > 0 and self.stored else None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stored"] = self.stored
        d["requests_per_document"] = self.requests_per_document
        d["documents_per_second"] = self.documents_per_second
        return d

    def add(self, stats: dict[str, Any]) -> None:
        g = stats.get
        self.fetched += g("lovspor/fetched", 0)
        self.revisions += g("lovspor/revisions", 0)
        self.unchanged += g("lovspor/unchanged", 0)
        self.failed += g("lovspor/failed", 0)
        self.requests += g("lovspor/requests", 0)
        self.document_requests += g("lovspor/requests/document", 0)
        self.listing_requests += sum(
            g(f"lovspor/requests/{k}", 0) for k in ("sitemap", "feed", "api")
        )
        self.retries += g("retry/count", 0)
        self.offsite_dropped += g("lovspor/offsite_dropped", 0)
        gaps = set(self.gap_elis) | set(g("lovspor/gap_set", set()) or set())
        self.gap_elis = sorted(gaps)
        self.gaps = len(gaps)


def spider_plan(o: CrawlOptions) -> list[type[LovsporSpider]]:
    plan: list[type[LovsporSpider]] = []
    if o.harvest:
        plan.append(HarvestSpider)
    if o.feed:
        plan.append(FeedSpider)
    if o.chain or o.discover or not plan:
        plan.append(ChainSpider)
    return plan


Progress = Callable[[str, dict[str, Any]], None]


def run_crawl(o: CrawlOptions, progress: Progress | None = None) -> Summary:
    """Run the planned spiders one after another in this process; return the summary."""
    engine_for(o.db_url)  # migrate before any spider opens the database
    summary = Summary()
    process = AsyncCrawlerProcess(scrapy_settings(o))
    plan = spider_plan(o)
    started = time.monotonic()

    def watch(crawler: Crawler) -> None:
        if progress is None:
            return

        def tick(*_a: Any, **_k: Any) -> None:
            assert crawler.stats is not None
            progress(crawler.spidercls.name, crawler.stats.get_stats())

        for sig in (signals.item_scraped, signals.response_received, signals.spider_closed):
            crawler.signals.connect(tick, signal=sig, weak=False)

    def launch(index: int) -> None:
        spidercls = plan[index]
        crawler = process.create_crawler(spidercls)
        watch(crawler)
        task = process.crawl(crawler, options=o)

        def finished(_task: Any) -> None:
            assert crawler.stats is not None
            summary.add(crawler.stats.get_stats())
            summary.spiders.append(spidercls.name)
            spider = getattr(crawler, "spider", None)
            if spider is not None:
                summary.messages += getattr(spider, "messages", [])
            if index + 1 < len(plan):
                launch(index + 1)

        task.add_done_callback(finished)

    launch(0)
    process.start()
    summary.seconds = time.monotonic() - started
    return summary

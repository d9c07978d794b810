"""Everything one crawl run needs to know, in one plain object passed to every spider.

Kept separate from Scrapy settings so the CLI, the tests and the benchmark build it the same
way, and so the spiders never read the environment themselves.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# The live site; the CLI and its settings re-export these, the crawler owns them.
DEFAULT_BASE_URL = "https://www.retsinformation.dk"
DEFAULT_API_URL = "https://api.retsinformation.dk"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DEFAULT_SINCE = dt.date(2007, 1, 1)  # start of the XML era (DESIGN.md)
DEFAULT_CONTACT = os.environ.get("LOVSPOR_CONTACT", "https://github.com/lovspor/lovspor")


def origin(url: str) -> str:
    """scheme://host:port, the unit the host guard compares (ports matter on loopback)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


@dataclass(slots=True)
class CrawlOptions:
    db_url: str
    base_url: str = DEFAULT_BASE_URL
    api_url: str = DEFAULT_API_URL
    laws: tuple[str, ...] = ()  # catalogue slugs
    seeds: tuple[str, ...] = ()  # ELI paths or accession numbers
    since: dt.date = DEFAULT_SINCE
    chain: bool = True  # walk references from seeds / laws
    feed: bool = False
    harvest: bool = False
    all_documents: bool = False  # feed/harvest: take every entry, not only tracked laws
    discover: str | None = None  # "sitemap"
    catalogue: Path | None = None
    follow_successors: bool = True  # --law serviceloven also crawls barnets lov
    retry_gaps: bool = False  # ask again for documents recorded as 404
    # re-check each tracked law's newest stored version (conditional GET): the site updates
    # its metadata when a new version or amending act appears, so a re-run notices them
    refresh: bool = True
    # politeness
    throttle: bool = True
    contact: str = DEFAULT_CONTACT
    concurrency: int = 4
    download_delay: float = 0.25  # with throttle on; AutoThrottle adapts from here
    download_timeout: float = 30.0
    retry_times: int = 3
    backoff: float = 1.0  # seconds; doubled per retry
    max_retry_after: float = 600.0  # a longer Retry-After is recorded as a failure
    # harvest API rules
    harvest_interval: float = 10.0
    harvest_days: int = 10
    now: dt.datetime | None = None  # frozen clock for tests
    feed_path: str = "/eli/eli-update-feed.atom"
    sitemap_path: str = "/eli/sitemap.xml"
    log_level: str = "WARNING"
    extra_settings: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.api_url = self.api_url.rstrip("/")

    @property
    def allowed_origins(self) -> frozenset[str]:
        return frozenset({origin(self.base_url), origin(self.api_url)})

    def clock(self) -> dt.datetime:
        """Aware 'now' in Copenhagen; frozen when `now` is given."""
        if self.now is not None:
            now = self.now if self.now.tzinfo else self.now.replace(tzinfo=COPENHAGEN)
            return now.astimezone(COPENHAGEN)
        return dt.datetime.now(COPENHAGEN)

    def document_url(self, eli: str) -> str:
        return f"{self.base_url}/eli/{eli}/xml"

"""Downloader middlewares: stay on the configured hosts, be polite, accept only real documents.

- `HostGuardMiddleware` (first in line, before robots.txt): every request, including the
  ones RedirectMiddleware makes from a `Location` header, must go to the base or API origin
  (scheme, host and port). Anything else is dropped with a message, so a redirect or a
  sitemap entry pointing elsewhere never reaches another server.
- `PoliteRetryMiddleware` replaces Scrapy's RetryMiddleware: 5xx, 408 and network errors
  are retried with exponential backoff (Scrapy retries at once); 429 pauses the whole origin
  for `Retry-After`; a document that does not parse as a LexDania `Dokument` (an HTML error
  page served with 200, a truncated body) is retried the same way and, when retries run out,
  handed to the spider marked invalid so it is recorded as a failure with the reason.
- `RequestCountMiddleware` (last, next to the wire) counts requests that really go out, by
  kind, for requests-per-document.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.misc import load_object

from crawler.options import CrawlOptions, origin
from lawdiff.parse import ParseError, parse_document

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504, 408, 522, 524})
HANDLED_STATUSES = sorted(RETRY_STATUSES | {304, 400, 403, 404, 410, 429})


def _network_errors(crawler: Crawler) -> tuple[type[BaseException], ...]:
    """Scrapy's own list of retryable download errors (timeouts, refused, data loss, …)."""
    out: list[type[BaseException]] = []
    for entry in crawler.settings.getlist("RETRY_EXCEPTIONS"):
        obj = load_object(entry) if isinstance(entry, str) else entry
        out.append(obj)
    return tuple(out)


def _options(crawler: Crawler) -> CrawlOptions:
    opts = crawler.settings.get("LOVSPOR_OPTIONS")
    if not isinstance(opts, CrawlOptions):
        raise RuntimeError("LOVSPOR_OPTIONS setting must hold a CrawlOptions")
    return opts


class HostGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allowed = _options(crawler).allowed_origins

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if origin(request.url) in self.allowed:
            return
        came_from = (request.meta.get("redirect_urls") or [None])[0]
        why = f"redirect from {came_from}" if came_from else "link"
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("lovspor/offsite_dropped")
        log.warning("not following %s to another host: %s", why, request.url)
        raise IgnoreRequest(
            f"off-host URL {request.url} not requested ({why}; allowed: "
            f"{', '.join(sorted(self.allowed))})"
        )


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """`Retry-After: 120` or an HTTP date → seconds to wait (None if absent/unreadable)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class PoliteRetryMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.opts = _options(crawler)
        self.paused_until: dict[str, float] = {}  # origin → monotonic time
        self.network_errors = _network_errors(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetryMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        wait = (
            max(
                request.meta.get("lovspor_not_before", 0.0),
                self.paused_until.get(origin(request.url), 0.0),
            )
            - time.monotonic()
        )
        if wait > 0:
            await asyncio.sleep(wait)

    def _retry(self, request: Request, reason: str, delay: float | None = None) -> Request | None:
        retries = request.meta.get("retry_times", 0)
        new = get_retry_request(
            request,
            spider=self.crawler.spider,  # type: ignore[arg-type]
            reason=reason,
            max_retry_times=self.opts.retry_times,
            logger=log,
            give_up_log_level=logging.INFO,
        )
        if new is None:
            return None
        if delay is None:
            delay = self.opts.backoff * (2**retries) * (0.75 + random.random() / 2)
        new.meta["lovspor_not_before"] = time.monotonic() + delay
        new.meta["lovspor_last_reason"] = reason
        log.info("retrying %s in %.1fs: %s", request.url, delay, reason)
        return new

    def process_response(self, request: Request, response: Response) -> Request | Response:
        stats = self.crawler.stats
        assert stats is not None
        if response.status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is None:
                wait = self.opts.backoff * 2 ** request.meta.get("retry_times", 0)
            if wait > self.opts.max_retry_after:
                request.meta["lovspor_invalid"] = (
                    f"HTTP 429, Retry-After {wait:.0f}s exceeds the {self.opts.max_retry_after:.0f}s"
                    " this crawl will wait"
                )
                return response
            stats.inc_value("lovspor/throttled_429")
            host = origin(request.url)
            self.paused_until[host] = max(self.paused_until.get(host, 0.0), time.monotonic() + wait)
            log.warning("%s answered 429: pausing %s for %.1fs", request.url, host, wait)
            new = self._retry(request, "HTTP 429", delay=wait)
            if new is None:
                request.meta["lovspor_invalid"] = "HTTP 429 (too many requests), retries exhausted"
                return response
            return new
        if response.status in RETRY_STATUSES:
            new = self._retry(request, f"HTTP {response.status}")
            if new is None:
                request.meta["lovspor_invalid"] = f"HTTP {response.status} after retries"
                return response
            return new
        if response.status == 200 and request.meta.get("lovspor_kind") == "document":
            eli = request.meta.get("lovspor_eli", request.url)
            try:
                request.meta["lovspor_document"] = parse_document(response.body, eli)
            except ParseError as exc:
                stats.inc_value("lovspor/invalid_body")
                new = self._retry(request, f"invalid document: {exc.reason}")
                if new is None:
                    request.meta["lovspor_invalid"] = (
                        f"HTTP 200 but not a LexDania Dokument: {exc.reason}"
                    )
                    return response
                return new
        return response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, self.network_errors):
            name = type(exception).__name__
            return self._retry(request, f"{name}: {exception}")
        return None


class RequestCountMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestCountMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        stats = self.crawler.stats
        assert stats is not None
        kind: Any = request.meta.get("lovspor_kind") or (
            "robots" if request.url.endswith("/robots.txt") else "other"
        )
        stats.inc_value("lovspor/requests")
        stats.inc_value(f"lovspor/requests/{kind}")

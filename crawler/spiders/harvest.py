"""Harvest spider: `GET {api}/v1/Documents?date=YYYY-MM-DD` for the last ≤ 10 days.

The API's rules are the spider's rules: one call at a time, at least `harvest_interval`
(10 s) apart, 429 → wait for Retry-After (PoliteRetryMiddleware), and only between 03:00 and
23:45 Copenhagen time — outside that it says so and stops without calling. Past days that
were harvested completely are remembered in `settings` and not asked for again.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response

from crawler.items import FailureItem
from crawler.sources import SourceError, closed_message, harvest_dates, is_open, parse_harvest
from crawler.spiders.base import LovsporSpider
from crawler.state import get_json_setting, set_setting

DONE_KEY = "crawler.harvest.done_dates"


class HarvestSpider(LovsporSpider):
    name = "harvest"
    via = "harvest"

    async def start(self) -> AsyncIterator[Any]:
        now = self.options.clock()
        if not is_open(now):
            self.messages.append(closed_message(now))
            self.crawler.stats.set_value("lovspor/harvest_closed", True)
            return
        self.open_walk()
        for item in self.retry_failures():
            yield item
        done = get_json_setting(self.options.db_url, DONE_KEY, [])
        self.done: set[str] = set(done) if isinstance(done, list) else set()
        self.today = now.date()
        self.queue = harvest_dates(now, self.options.harvest_days, self.done)
        self.last_call = 0.0
        self.failed_dates: set[str] = set()
        request = self.next_call()
        if request is not None:
            yield request

    def next_call(self) -> scrapy.Request | None:
        if not self.queue:
            return None
        now = self.options.clock()
        if not is_open(now):
            self.messages.append(closed_message(now))
            self.queue.clear()
            return None
        day = self.queue.pop(0)
        not_before = self.last_call + self.options.harvest_interval if self.last_call else 0.0
        return scrapy.Request(
            f"{self.options.api_url}/v1/Documents?date={day.isoformat()}",
            callback=self.on_day,
            errback=self.on_day_error,
            dont_filter=True,
            meta={
                "lovspor_kind": "api",
                "lovspor_date": day.isoformat(),
                "lovspor_not_before": not_before,
                "download_slot": "lovspor-harvest-api",
                "autothrottle_dont_adjust_delay": True,
                "handle_httpstatus_list": [400, 403, 404, 500, 502, 503, 504],
            },
        )

    def _called(self) -> None:
        self.last_call = time.monotonic()

    def on_day(self, response: Response) -> Iterator[Any]:
        self._called()
        day = response.meta["lovspor_date"]
        invalid = response.meta.get("lovspor_invalid")
        if response.status == 400 and not invalid:
            body = response.text[:200] if response.body else ""
            msg = (
                f"harvest API answered 400 for {response.url} (closed? it is open 03:00–23:45 "
                f"Danish time) {body}"
            )
            self.messages.append(msg)
            yield FailureItem(response.url, None, msg, 400)
            raise CloseSpider("harvest_api_closed")
        if invalid or response.status != 200:
            reason = invalid or f"HTTP {response.status}"
            self.failed_dates.add(day)
            yield FailureItem(response.url, None, f"{response.url}: {reason}", response.status)
        else:
            try:
                entries = parse_harvest(response.body, response.url)
            except SourceError as exc:
                self.failed_dates.add(day)
                yield FailureItem(response.url, None, str(exc), response.status)
                entries = []
            self.crawler.stats.inc_value("lovspor/listed", len(entries))
            yield from self.fetch_entries(entries)
            if day != self.today.isoformat() and day not in self.failed_dates:
                self.done.add(day)
                keep = sorted(self.done)[-40:]
                set_setting(self.options.db_url, DONE_KEY, json.dumps(keep))
        request = self.next_call()
        if request is not None:
            yield request

    def on_day_error(self, failure: Any) -> Iterator[Any]:
        self._called()
        self.failed_dates.add(failure.request.meta["lovspor_date"])
        yield from self.on_listing_error(failure)
        request = self.next_call()
        if request is not None:
            yield request

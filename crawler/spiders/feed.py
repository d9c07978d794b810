"""Feed spider: the ELI Atom update feed → new or changed documents of tracked laws.

An entry is taken when its title names a tracked law (or its ELI is stored already, or with
`--all`). New ELIs are fetched; stored ones only when the entry is newer than our copy, with a
conditional GET, and a changed body becomes a new revision. Only listed documents are fetched;
`lovspor crawl --law …` afterwards walks on from them (from the database, no refetch).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import FailureItem
from crawler.sources import SourceError, parse_atom
from crawler.spiders.base import LovsporSpider


class FeedSpider(LovsporSpider):
    name = "feed"
    via = "feed"

    async def start(self) -> AsyncIterator[Any]:
        self.open_walk()
        for item in self.retry_failures():
            yield item
        yield scrapy.Request(
            self.options.base_url + self.options.feed_path,
            callback=self.on_feed,
            errback=self.on_listing_error,
            dont_filter=True,
            meta={"lovspor_kind": "feed"},
        )

    def on_feed(self, response: Response) -> Iterator[Any]:
        try:
            entries = parse_atom(response.body, response.url)
        except SourceError as exc:
            self.messages.append(str(exc))
            yield FailureItem(response.url, None, str(exc), response.status)
            return
        self.crawler.stats.inc_value("lovspor/listed", len(entries))
        yield from self.fetch_entries(entries)

"""Chain spider: walk tracked laws' histories from seeds; optionally discover via sitemap.

Seeds are catalogue seeds of `--law` slugs (plus successions' new main acts) and `--seed`
ELIs/accessions. With `--discover sitemap` every ELI the site lists (from the `--since` year
on) that is not stored yet is fetched, which bridges holes no reference crosses; documents
that belong to a tracked law are then walked like any other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response

from crawler.items import FailureItem
from crawler.sources import SourceError, parse_sitemap
from crawler.spiders.base import LovsporSpider
from crawler.walk import Target, eli_year, normalize_eli


class ChainSpider(LovsporSpider):
    name = "chain"
    via = "chain"

    async def start(self) -> AsyncIterator[Any]:
        self.open_walk()
        o = self.options
        targets: list[Target] = []
        named = set(o.laws)
        for slug, law in self.walker.laws.items():
            if slug in named or not o.seeds:
                targets += self.walker.seed_targets(law.seeds, slug)
        law_for_seeds = o.laws[0] if len(o.laws) == 1 else None
        targets += self.walker.seed_targets(o.seeds, law_for_seeds)
        for item in self.apply(self.walker.offer(targets)):
            yield item
        for item in self.retry_failures():
            yield item
        if o.refresh:
            for target in self.walker.refresh_targets():
                self.walker.pending[target.eli] = [target]
                self.crawler.stats.inc_value("lovspor/refresh")
                yield self.document_request(
                    target, if_modified_since=self.docs.fetched_at.get(target.eli)
                )
        if o.discover == "sitemap":
            yield self.sitemap_request(o.base_url + o.sitemap_path)

    def sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.on_sitemap,
            errback=self.on_listing_error,
            meta={"lovspor_kind": "sitemap"},
        )

    def on_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            pages, locs = parse_sitemap(response.body, response.url)
        except SourceError as exc:
            yield FailureItem(response.url, None, str(exc), response.status)
            return
        for page in pages:
            # off-host pages are dropped by HostGuardMiddleware, with a message
            yield self.sitemap_request(urljoin(response.url, page))
        targets: list[Target] = []
        for loc in locs:
            eli = normalize_eli(loc)
            year = eli_year(eli) if eli else None
            if eli is None or (year is not None and year < self.options.since.year):
                continue
            if eli in self.walker.known_gaps:  # listed now: the hole has been filled
                self.walker.known_gaps.discard(eli)
            targets.append(Target(eli, None, "sitemap", "sitemap"))
        self.crawler.stats.inc_value("lovspor/sitemap_locs", len(targets))
        yield from self.apply(self.walker.offer(targets))

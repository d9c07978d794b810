"""Store each item in its own transaction, so a SIGKILL leaves whole documents or none.

`db.store.store_document` is idempotent on (eli, sha256): storing bytes seen before is
"unchanged", new bytes for a known ELI become a new revision. A stored document also closes
any gap and fetch failure recorded for it earlier.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from crawler.items import DocumentItem, FailureItem, GapItem
from db.laws import store_facts
from db.session import session_scope
from db.store import Outcome, record_failure, record_gap, resolve_gap, store_document
from lawdiff.chain import facts_of

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler, db_url: str) -> None:
        self.crawler = crawler
        self.db_url = db_url

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        opts = crawler.settings.get("LOVSPOR_OPTIONS")
        return cls(crawler, opts.db_url)

    def process_item(self, item: object) -> object:
        stats = self.crawler.stats
        assert stats is not None
        if isinstance(item, DocumentItem):
            with session_scope(self.db_url) as s:
                result = store_document(
                    s,
                    url=item.url,
                    data=item.data,
                    meta=item.document.meta,
                    fetched_at=item.fetched_at,
                )
                if result.outcome is not Outcome.UNCHANGED:
                    # the spider parsed it already: keep what grouping needs, never re-parse
                    store_facts(s, result.document_id, facts_of(item.document))
                resolve_gap(s, item.eli)
                if item.document.meta.eli != item.eli:
                    resolve_gap(s, item.document.meta.eli)
            key = {
                Outcome.NEW: "fetched",
                Outcome.REVISION: "revisions",
                Outcome.UNCHANGED: "unchanged",
            }[result.outcome]
            stats.inc_value(f"lovspor/{key}")
            if result.outcome is Outcome.REVISION:
                log.info("%s changed: stored as revision %d", item.eli, result.revision)
        elif isinstance(item, FailureItem):
            with session_scope(self.db_url) as s:
                record_failure(
                    s, url=item.url, reason=item.reason, eli=item.eli, status=item.status
                )
            stats.inc_value("lovspor/failed")
            log.warning("failed: %s (%s): %s", item.eli or "-", item.url, item.reason)
        elif isinstance(item, GapItem):
            with session_scope(self.db_url) as s:
                record_gap(
                    s,
                    eli=item.eli,
                    referenced_by=item.referenced_by,
                    reason=item.reason,
                    law_slug=item.law_slug,
                )
            stats.inc_value("lovspor/gap_notes")
            gaps = stats.get_value("lovspor/gap_set") or set()
            gaps.add(item.eli)
            stats.set_value("lovspor/gap_set", gaps)
        return item

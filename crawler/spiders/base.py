"""The part every spider shares: fetch a document, store it, walk on from it.

A response becomes exactly one item: a stored document, a failure (with the reason), or gaps
for its referrers (404). The walker then says which references are new; stored documents are
expanded from the database without a request.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import DocumentItem, FailureItem, GapItem
from crawler.middlewares import HANDLED_STATUSES
from crawler.options import CrawlOptions
from crawler.sources import Entry, title_matches
from crawler.state import DbDocs
from crawler.walk import GapNote, Step, Target, TrackedLaw, Walker, resolve_laws
from db.models import utcnow
from lawdiff.catalogue import load_user_catalogue

log = logging.getLogger(__name__)
CHAIN_TYPES = frozenset({"LOV", "LBK"})  # the document types a law's chain is made of


class LovsporSpider(scrapy.Spider):
    name = "lovspor"
    via = "chain"

    def __init__(self, options: CrawlOptions, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options = options
        self.docs: DbDocs
        self.walker: Walker
        self.messages: list[str] = []  # shown by the CLI after the summary

    # -- setup ---------------------------------------------------------------------------

    def tracked_laws(self) -> dict[str, TrackedLaw]:
        o = self.options
        extra = load_user_catalogue(o.catalogue) if o.catalogue else ()
        slugs = list(o.laws)
        if not slugs and not o.seeds:
            # nothing named: feed/harvest filter on, and sitemap discovery serves, the catalogue
            from lawdiff.catalogue import CATALOGUE

            slugs = [e.slug for e in (*CATALOGUE, *extra)]
        return resolve_laws(slugs, extra, follow_successors=o.follow_successors)

    def open_walk(self) -> None:
        self.docs = DbDocs(self.options.db_url)
        self.walker = Walker(
            self.tracked_laws(),
            self.docs,
            since=self.options.since,
            known_gaps=self.docs.gaps,
            retry_gaps=self.options.retry_gaps,
        )

    def retry_failures(self) -> Iterator[scrapy.Request | GapItem]:
        """Documents that failed on an earlier run (and are still not stored) are asked for
        again: together with stored documents and gaps this is the whole walk state."""
        targets = [
            Target(eli, None, "retry", "retry")
            for eli in self.docs.failed_elis
            if not self.docs.has(eli)
        ]
        yield from self.apply(self.walker.offer(targets))

    # -- requests ------------------------------------------------------------------------

    def document_request(
        self, target: Target, *, if_modified_since: dt.datetime | None = None
    ) -> scrapy.Request:
        headers: dict[str, str] = {"Accept": "application/xml, text/xml;q=0.9"}
        if if_modified_since is not None:
            # conditional GET: 304 costs no body; a 200 is compared by sha256 when stored
            headers["If-Modified-Since"] = email.utils.format_datetime(
                if_modified_since.replace(tzinfo=dt.UTC), usegmt=True
            )
            headers["Cache-Control"] = "max-age=0"
        return scrapy.Request(
            self.options.document_url(target.eli),
            callback=self.on_document,
            errback=self.on_error,
            headers=headers,
            dont_filter=True,  # the walker de-duplicates; retries must not be filtered
            meta={
                "lovspor_kind": "document",
                "lovspor_eli": target.eli,
                "lovspor_via": target.reason
                if target.referrer in ("feed", "harvest")
                else self.via,
                "lovspor_refresh": target.reason == "refresh",
                "handle_httpstatus_list": HANDLED_STATUSES,
            },
        )

    def apply(self, step: Step) -> Iterator[scrapy.Request | GapItem]:
        for note in step.gaps:
            yield self.gap_item(note)
        for target in step.fetch:
            yield self.document_request(target)

    def gap_item(self, note: GapNote) -> GapItem:
        return GapItem(note.eli, note.referrer, note.reason, note.law)

    def fetch_entries(self, entries: Iterable[Entry]) -> Iterator[scrapy.Request]:
        """Feed/harvest entries: new ELIs are fetched; stored ones only if listed as changed
        after we fetched them (conditional GET), never otherwise."""
        latest: dict[str, Entry] = {}
        for e in entries:
            prev = latest.get(e.eli)
            if prev is None or (e.updated and (prev.updated is None or e.updated > prev.updated)):
                latest[e.eli] = e
        for e in latest.values():
            if not self.wanted(e):
                continue
            stored_at = self.docs.fetched_at.get(e.eli)
            if stored_at is not None:
                fetched = stored_at.replace(tzinfo=dt.UTC)
                if e.updated is None or e.updated <= fetched:
                    self.crawler.stats.inc_value("lovspor/listed_unchanged")
                    continue
            if e.eli in self.walker.pending:
                continue
            target = Target(e.eli, None, e.source, e.source)
            self.walker.pending[e.eli] = [target]
            yield self.document_request(
                target, if_modified_since=stored_at if stored_at is not None else None
            )

    def wanted(self, entry: Entry) -> bool:
        """Feed entries are matched on their title; harvest rows carry no title, so every
        act and consolidated act (LOV, LBK) is taken and its law decided once parsed."""
        if self.options.all_documents:
            return True
        if entry.source == "harvest":
            return entry.doc_type in CHAIN_TYPES or entry.eli in self.docs.fetched_at
        titles: set[str] = set()
        for law in self.walker.laws.values():
            titles |= law.titles
        return title_matches(entry.title, titles) or entry.eli in self.docs.fetched_at

    # -- callbacks -----------------------------------------------------------------------

    def on_document(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        eli: str = meta["lovspor_eli"]
        url = self.options.document_url(eli)
        invalid = meta.get("lovspor_invalid")
        if invalid:
            self.walker.failed(eli)
            yield FailureItem(url, eli, f"{eli}: {invalid}", response.status)
            return
        if response.status == 304:
            self.crawler.stats.inc_value("lovspor/unchanged")
            self.walker.pending.pop(eli, None)
            return
        if response.status in (404, 410):
            notes = self.walker.missing(eli, f"HTTP {response.status} at {url}")
            for note in notes:
                yield self.gap_item(note)
            return
        doc = meta.get("lovspor_document")
        if response.status != 200 or doc is None:
            self.walker.failed(eli)
            yield FailureItem(url, eli, f"{eli}: HTTP {response.status} at {url}", response.status)
            return
        if doc.meta.eli != eli:
            log.warning("%s served a document that calls itself %s", url, doc.meta.eli)
        now = utcnow()
        yield DocumentItem(eli, url, response.body, doc, now, meta.get("lovspor_via", self.via))
        self.docs.add(eli, now)
        if self.via == "chain" and meta.get("lovspor_refresh"):
            yield from self.apply(self.walker.refreshed(eli, doc))
        elif self.via == "chain":
            yield from self.apply(self.walker.fetched(eli, doc))
        else:  # feed/harvest fetch what is listed; `crawl --law` walks on from stored docs
            self.walker.pending.pop(eli, None)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        eli = request.meta.get("lovspor_eli")
        url = self.options.document_url(eli) if eli else request.url
        reason = failure.getErrorMessage() or failure.type.__name__
        last = request.meta.get("lovspor_last_reason")
        if last and last not in reason:
            reason = f"{reason} (after retries; last: {last})"
        if eli:
            self.walker.failed(eli)
        yield FailureItem(url, eli, f"{eli or url}: {failure.type.__name__}: {reason}", None)

    def on_listing_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self.messages.append(f"could not read {request.url}: {reason}")
        yield FailureItem(request.url, None, f"{request.url}: {reason}", None)

    async def start(self) -> AsyncIterator[Any]:  # pragma: no cover - overridden
        if False:
            yield None

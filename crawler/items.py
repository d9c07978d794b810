"""What spiders hand to the pipeline: a document to store, a failure, or a gap."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lawdiff.model import LawDocument


@dataclass(slots=True)
class DocumentItem:
    eli: str
    url: str  # the document URL asked for (a same-host redirect may have served it)
    data: bytes
    document: LawDocument  # parsed once, by the middleware that accepted the response
    fetched_at: dt.datetime
    via: str  # "chain", "feed", "harvest", "sitemap"


@dataclass(slots=True)
class FailureItem:
    url: str
    eli: str | None
    reason: str
    status: int | None = None


@dataclass(slots=True)
class GapItem:
    eli: str
    referenced_by: str
    reason: str
    law_slug: str | None = None

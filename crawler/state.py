"""The crawl's memory is the database: stored documents, fetch failures and gaps.

Nothing else persists between runs, so a crawl killed at any moment is resumed by simply
running it again: stored documents are read back (not fetched), gaps are not asked for again,
and everything else on the frontier (including past failures) is fetched.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from crawler.walk import DocSummary, summarize
from db.models import Document, FetchFailure, Gap, Setting
from db.session import session_scope
from db.store import latest_bytes, mark_unreadable
from lawdiff.parse import ParseError, parse_document


class DbDocs:
    """`StoredDocs` over the database: which ELIs are stored, and their parsed summaries."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        with session_scope(db_url) as s:
            rows = s.execute(
                select(Document.eli, func.max(Document.fetched_at)).group_by(Document.eli)
            ).all()
            self.fetched_at: dict[str, dt.datetime] = {eli: at for eli, at in rows}
            self.gaps: set[str] = set(s.scalars(select(Gap.eli).distinct()))
            self.failed_elis: list[str] = sorted(
                {e for e in s.scalars(select(FetchFailure.eli)) if e}
            )
        self.unreadable: dict[str, str] = {}

    def has(self, eli: str) -> bool:
        return eli in self.fetched_at

    def add(self, eli: str, at: dt.datetime) -> None:
        self.fetched_at[eli] = at

    def load(self, eli: str) -> DocSummary | None:
        with session_scope(self.db_url) as s:
            data = latest_bytes(s, eli)
        if data is None:
            return None
        try:
            return summarize(parse_document(data, eli))
        except ParseError as exc:  # stored by an older parser: report, do not crash the walk
            self.unreadable[eli] = exc.reason
            with session_scope(self.db_url) as s:
                mark_unreadable(s, eli, exc.reason)  # listed on Datadækning
            return None


def get_setting(db_url: str, key: str) -> str | None:
    with session_scope(db_url) as s:
        row = s.get(Setting, key)
        return row.value if row else None


def set_setting(db_url: str, key: str, value: str) -> None:
    with session_scope(db_url) as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value


def get_json_setting(db_url: str, key: str, default: object) -> object:
    raw = get_setting(db_url, key)
    return json.loads(raw) if raw else default

"""Idempotent, transactional writes of raw documents, failures and gaps.

Storing the same bytes twice changes nothing; new bytes for a known ELI become a new
revision (never an overwrite); the (eli, sha256) unique constraint keeps this true even
when two writers race or a crawl is killed between steps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import AnalysisFailure, Document, FetchFailure, Gap, utcnow
from lawdiff.model import DocumentMeta


class Outcome(StrEnum):
    NEW = "new"
    REVISION = "revision"  # same document, changed bytes: kept beside the old ones
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class StoreResult:
    outcome: Outcome
    document_id: int
    eli: str
    revision: int


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    return zlib.compress(data, 6)


def decompress(blob: bytes) -> bytes:
    return zlib.decompress(blob)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document's digest and compressed bytes, made where it was parsed (an import worker),
    so the process that writes the database spends no time hashing and compressing."""

    digest: str
    blob: bytes
    size: int


def prepare(data: bytes) -> Prepared:
    return Prepared(sha256(data), compress(data), len(data))


def store_document(
    session: Session,
    *,
    url: str,
    data: bytes | Prepared,
    meta: DocumentMeta,
    fetched_at: dt.datetime | None = None,
) -> StoreResult:
    """Store one parsed-OK document inside the caller's transaction (flushes, no commit);
    ``data`` as read, or already `prepare`d."""
    if isinstance(data, Prepared):
        raw, digest, size, blob = None, data.digest, data.size, data.blob
    else:  # compressed only if it is stored: storing bytes seen before costs a hash
        raw, digest, size, blob = data, sha256(data), len(data), None
    same = session.execute(
        select(Document.id, Document.revision).where(
            Document.eli == meta.eli, Document.sha256 == digest
        )
    ).first()
    if same:
        return StoreResult(Outcome.UNCHANGED, same.id, meta.eli, same.revision)
    latest_rev = session.scalar(select(func.max(Document.revision)).where(Document.eli == meta.eli))
    revision = (latest_rev or 0) + 1
    if latest_rev:
        session.execute(update(Document).where(Document.eli == meta.eli).values(is_latest=False))
    doc = Document(
        eli=meta.eli,
        accession=meta.accession or None,
        revision=revision,
        url=url,
        sha256=digest,
        size=size,
        content=blob if raw is None else compress(raw),
        fetched_at=fetched_at or utcnow(),
        doc_type=meta.doc_type,
        kind=meta.kind.value,
        title=meta.title,
        popular_title=meta.popular_title,
        signed=meta.signed,
        status=meta.status,
        ministry=meta.ministry,
        parse_status="ok",
        is_latest=True,
    )
    try:
        with session.begin_nested():
            session.add(doc)
            session.flush()
    except IntegrityError:
        # Someone stored the very same bytes meanwhile: that is the idempotent case.
        row = session.execute(
            select(Document.id, Document.revision).where(
                Document.eli == meta.eli, Document.sha256 == digest
            )
        ).one()
        return StoreResult(Outcome.UNCHANGED, row.id, meta.eli, row.revision)
    session.execute(delete(FetchFailure).where(FetchFailure.url == url))
    return StoreResult(Outcome.REVISION if latest_rev else Outcome.NEW, doc.id, meta.eli, revision)


def record_failure(
    session: Session, *, url: str, reason: str, eli: str | None = None, status: int | None = None
) -> None:
    row = session.scalar(select(FetchFailure).where(FetchFailure.url == url))
    if row is None:
        session.add(FetchFailure(url=url, eli=eli, reason=reason, http_status=status))
    else:
        row.reason, row.http_status, row.eli = reason, status, eli or row.eli
        row.attempts += 1
        row.last_attempt = utcnow()
    session.flush()


def record_gap(
    session: Session, *, eli: str, referenced_by: str, reason: str, law_slug: str | None = None
) -> None:
    exists = session.scalar(
        select(Gap.id).where(Gap.eli == eli, Gap.referenced_by == referenced_by)
    )
    if exists is None:
        session.add(Gap(eli=eli, referenced_by=referenced_by, reason=reason, law_slug=law_slug))
        session.flush()


def resolve_gap(session: Session, eli: str) -> None:
    session.execute(delete(Gap).where(Gap.eli == eli))


def stored_elis(session: Session) -> set[str]:
    return set(session.scalars(select(Document.eli).distinct()))


def latest_bytes(session: Session, eli: str) -> bytes | None:
    blob = session.scalar(
        select(Document.content).where(Document.eli == eli, Document.is_latest.is_(True))
    )
    return decompress(blob) if blob is not None else None


def record_analysis_failure(
    session: Session, *, stage: str, subject: str, reason: str, law_slug: str | None = None
) -> None:
    row = session.scalar(
        select(AnalysisFailure).where(
            AnalysisFailure.stage == stage, AnalysisFailure.subject == subject
        )
    )
    if row is None:
        session.add(AnalysisFailure(stage=stage, subject=subject, reason=reason, law_slug=law_slug))
    else:
        row.reason, row.law_slug = reason, law_slug or row.law_slug
        row.attempts += 1
        row.last_attempt = utcnow()
    session.flush()


def clear_analysis_failure(session: Session, *, stage: str, subject: str) -> None:
    session.execute(
        delete(AnalysisFailure).where(
            AnalysisFailure.stage == stage, AnalysisFailure.subject == subject
        )
    )


def mark_unreadable(session: Session, eli: str, reason: str) -> None:
    """A stored document the current parser refuses: kept (the bytes are the truth), left
    out of the chains, and listed on Datadækning with the reason."""
    session.execute(
        update(Document)
        .where(Document.eli == eli, Document.is_latest.is_(True))
        .values(parse_status="failed", parse_error=reason)
    )

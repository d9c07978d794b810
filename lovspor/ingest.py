"""Local files → documents table → laws and version chains. The I/O edge of `import`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.laws import (
    all_slugs,
    documents_without_facts,
    replan,
    store_facts,
    unlinked_sections,
)
from db.models import AmendingLink, Document, Law, Version
from db.session import session_scope
from db.store import Outcome, decompress, mark_unreadable, record_failure, store_document
from lawdiff.chain import facts_of
from lawdiff.parse import MAX_DOCUMENT_BYTES, ParseError, parse_document


@dataclass
class ImportReport:
    stored: int = 0
    revisions: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    laws: int = 0
    versions: int = 0
    links: int = 0
    unlinked: list[tuple[str, str, str]] = field(default_factory=list)


def iter_xml_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, folders recursively: `xml` files of the ELI layout and `*.xml`."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and (f.name == "xml" or f.suffix.lower() == ".xml"):
                    yield f
        elif p.is_file():
            yield p
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")




def read_document(path: Path) -> bytes:
    """The file's bytes, or OSError/ValueError with a reason a user can act on; files over
    `MAX_DOCUMENT_BYTES` are refused unread."""
    size = path.stat().st_size
    if not path.is_file():
        raise ValueError("not a regular file")
    if size > MAX_DOCUMENT_BYTES:
        raise ValueError(
            f"{size / 2**20:.0f} MB is more than the {MAX_DOCUMENT_BYTES // 2**20} MB "
            "a LexDania document can be"
        )
    return path.read_bytes()


def import_files(
    db_url: str,
    files: list[Path],
    on_step: Callable[[Path], None] | None = None,
    on_fail: Callable[[str, str], None] | None = None,
) -> ImportReport:
    """Store each file in its own transaction; a file that cannot be read or parsed is
    recorded (fetch_failures, shown on Datadækning) and reported through ``on_fail`` at
    once, and the batch goes on. Only a failing database stops it."""
    report = ImportReport()
    affected: set[str] = set()

    def failed(source: str, url: str, reason: str) -> None:
        report.failed.append((source, reason))
        if on_fail:
            on_fail(source, reason)
        with session_scope(db_url) as s:
            record_failure(s, url=url, reason=reason)

    for f in files:
        source = str(f)
        url = f.absolute().as_uri()
        try:
            data = read_document(f)
            doc = parse_document(data, source)
        except ParseError as exc:
            failed(source, url, exc.reason)
        except (OSError, ValueError) as exc:
            failed(source, url, f"cannot read the file: {getattr(exc, 'strerror', None) or exc}")
        except RecursionError:
            failed(source, url, "nested too deeply to be a LexDania document")
        except Exception as exc:  # a parser bug must not stop the batch
            failed(source, url, f"internal error while parsing ({type(exc).__name__}: {exc})")
        else:
            # One transaction per document: a crash never leaves half a document behind.
            with session_scope(db_url) as s:
                res = store_document(s, url=url, data=data, meta=doc.meta)
                if res.outcome is not Outcome.UNCHANGED:
                    # parsed once, here: grouping works from these facts from now on
                    affected |= store_facts(s, res.document_id, facts_of(doc))
            if res.outcome is Outcome.NEW:
                report.stored += 1
            elif res.outcome is Outcome.REVISION:
                report.revisions += 1
            else:
                report.unchanged += 1
        if on_step:
            on_step(f)
    with session_scope(db_url) as s:
        if documents_without_facts(s):
            rebuild_laws(s)  # stored by a Lovspor that kept no facts: read them once
        else:
            replan(s, affected)
        _totals(s, report)
    return report


def _totals(session: Session, report: ImportReport) -> None:
    report.unlinked = unlinked_sections(session)
    report.laws = session.scalar(select(func.count()).select_from(Law)) or 0
    report.versions = session.scalar(select(func.count()).select_from(Version)) or 0
    report.links = session.scalar(select(func.count()).select_from(AmendingLink)) or 0


def backfill_facts(session: Session) -> int:
    """Read the grouping facts of stored documents that have none (stored by an older
    Lovspor): each is parsed once, here, and never again for grouping."""
    ids = documents_without_facts(session)
    for doc_id in ids:
        eli, blob = session.execute(
            select(Document.eli, Document.content).where(Document.id == doc_id)
        ).one()
        try:
            doc = parse_document(decompress(blob), eli)
        except ParseError as exc:
            # Stored by an earlier, laxer Lovspor: now refused, it drops out of the chains
            # and is marked failed (shown on Datadækning) instead of stopping every command.
            mark_unreadable(session, eli, exc.reason)
            continue
        store_facts(session, doc_id, facts_of(doc))
    return len(ids)


def rebuild_laws(session: Session) -> dict[str, int]:
    """Every law's chain from the stored facts (read first where missing)."""
    backfill_facts(session)
    return replan(session, all_slugs(session))

"""Local files → documents table → laws and version chains. The I/O edge of `import`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.laws import write_plan
from db.models import Document
from db.session import session_scope
from db.store import Outcome, decompress, record_failure, store_document
from lawdiff.chain import ChainPlan, plan_chains
from lawdiff.model import LawDocument
from lawdiff.parse import ParseError, parse_document


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


def import_files(
    db_url: str, files: list[Path], on_step: Callable[[Path], None] | None = None
) -> ImportReport:
    report = ImportReport()
    for f in files:
        data = f.read_bytes()
        source = str(f)
        url = f.resolve().as_uri()
        try:
            doc = parse_document(data, source)
        except ParseError as exc:
            report.failed.append((source, exc.reason))
            with session_scope(db_url) as s:
                record_failure(s, url=url, reason=exc.reason)
        else:
            # One transaction per document: a crash never leaves half a document behind.
            with session_scope(db_url) as s:
                res = store_document(s, url=url, data=data, meta=doc.meta)
            if res.outcome is Outcome.NEW:
                report.stored += 1
            elif res.outcome is Outcome.REVISION:
                report.revisions += 1
            else:
                report.unchanged += 1
        if on_step:
            on_step(f)
    with session_scope(db_url) as s:
        plan, _ = rebuild_laws(s)
        report.unlinked = plan.unlinked
        report.laws = len(plan.laws)
        report.versions = sum(len(law.versions) for law in plan.laws.values())
        report.links = sum(len(law.links) for law in plan.laws.values())
    return report


def load_latest_documents(session: Session) -> dict[str, tuple[int, LawDocument]]:
    """Parse the newest revision of every stored document (≈1 s for the shared corpus)."""
    out: dict[str, tuple[int, LawDocument]] = {}
    rows = session.execute(
        select(Document.id, Document.eli, Document.content).where(
            Document.is_latest.is_(True), Document.parse_status == "ok"
        )
    )
    for doc_id, eli, blob in rows:
        out[eli] = (doc_id, parse_document(decompress(blob), eli))
    return out


def rebuild_laws(session: Session) -> tuple[ChainPlan, dict[str, int]]:
    docs = load_latest_documents(session)
    plan = plan_chains(doc for _, doc in docs.values())
    counts = write_plan(session, plan, {eli: doc_id for eli, (doc_id, _) in docs.items()})
    return plan, counts

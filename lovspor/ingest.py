"""Local files → documents table → laws and version chains. The I/O edge of `import`."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.laws import (
    all_slugs,
    documents_without_facts,
    replan,
    store_facts,
    unlinked_sections,
)
from db.models import AmendingLink, Document, Law, Version
from db.session import engine_for, session_scope
from db.store import (
    Outcome,
    Prepared,
    decompress,
    mark_unreadable,
    prepare,
    record_failure,
    store_document,
)
from lawdiff.chain import DocFacts, facts_of
from lawdiff.model import DocumentMeta
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


#: Documents per committed transaction: a crash loses at most this many (they are stored
#: again by the next run, idempotently); one commit per document cost a fifth of the import.
BATCH = 200

#: Below this many files the workers' start-up costs more than they save (one more document).
PARALLEL_FROM = 16


@dataclass(frozen=True, slots=True)
class _Read:
    """One file as a worker hands it to the writer: what storing and grouping need, or the
    one-line reason it was refused. Small to pickle: never the parsed provisions."""

    source: str
    url: str
    reason: str | None = None
    meta: DocumentMeta | None = None
    facts: DocFacts | None = None
    prepared: Prepared | None = None


def _read_one(f: Path) -> _Read:
    """Read, parse, hash and compress one file; every failure becomes its reason."""
    source, url = str(f), f.absolute().as_uri()
    try:
        data = read_document(f)
        doc = parse_document(data, source)
        return _Read(source, url, None, doc.meta, facts_of(doc), prepare(data))
    except ParseError as exc:
        reason = exc.reason
    except (OSError, ValueError) as exc:
        reason = f"cannot read the file: {getattr(exc, 'strerror', None) or exc}"
    except RecursionError:
        reason = "nested too deeply to be a LexDania document"
    except Exception as exc:  # a parser bug must not stop the batch
        reason = f"internal error while parsing ({type(exc).__name__}: {exc})"
    return _Read(source, url, reason)


def _workers() -> int:
    return min(len(os.sched_getaffinity(0)), 8) if hasattr(os, "sched_getaffinity") else 1


def _read_all(files: list[Path]) -> Iterator[_Read]:
    """The files read in order; parsed in worker processes (a bounded window of them in
    flight) while this process writes, when there are enough files and cores to gain."""
    workers = _workers()
    if workers < 2 or len(files) < PARALLEL_FROM:
        yield from map(_read_one, files)
        return
    ctx = multiprocessing.get_context("fork")  # a child needs nothing but this module
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        window: deque[tuple[Path, Future[_Read]]] = deque()
        todo = iter(files)
        for f in itertools.islice(todo, 4 * workers):
            window.append((f, pool.submit(_read_one, f)))
        while window:
            f, fut = window.popleft()
            try:
                yield fut.result()
            except BrokenProcessPool:  # a worker died (killed, out of memory): go on here
                yield _read_one(f)
                yield from map(_read_one, (g for g, _ in window))
                yield from map(_read_one, todo)
                return
            nxt = next(todo, None)
            if nxt is not None:
                window.append((nxt, pool.submit(_read_one, nxt)))


def import_files(
    db_url: str,
    files: list[Path],
    on_step: Callable[[Path], None] | None = None,
    on_fail: Callable[[str, str], None] | None = None,
) -> ImportReport:
    """Store each file under its own SAVEPOINT inside one transaction per `BATCH` files; a
    file that cannot be read or parsed is recorded (fetch_failures, shown on Datadækning)
    and reported through ``on_fail`` at once, and the batch goes on. Only a failing database
    stops it, and what was stored before the failing document is committed first."""
    report = ImportReport()
    affected: set[str] = set()
    factory = sessionmaker(engine_for(db_url), expire_on_commit=False)
    with factory() as s:
        s.begin()
        try:
            for n, (f, read) in enumerate(zip(files, _read_all(files), strict=True), start=1):
                affected |= _store_one(s, read, report, on_fail)
                if on_step:
                    on_step(f)
                if n % BATCH == 0:
                    s.commit()
                    s.begin()
            s.commit()
        except BaseException:
            # the failing document's savepoint is rolled back already: keep the rest (unless
            # the database itself is what failed; then the original error is what counts)
            with contextlib.suppress(Exception):
                s.commit()
            raise
    with session_scope(db_url) as s:
        if documents_without_facts(s):
            rebuild_laws(s)  # stored by a Lovspor that kept no facts: read them once
        else:
            replan(s, affected)
        _totals(s, report)
    return report


def _store_one(
    s: Session, read: _Read, report: ImportReport, on_fail: Callable[[str, str], None] | None
) -> set[str]:
    """One file under one SAVEPOINT: a crash never leaves half a document behind."""
    if read.reason is not None:
        report.failed.append((read.source, read.reason))
        if on_fail:
            on_fail(read.source, read.reason)
        with s.begin_nested():
            record_failure(s, url=read.url, reason=read.reason)
        return set()
    assert read.meta is not None and read.facts is not None and read.prepared is not None
    affected: set[str] = set()
    with s.begin_nested():
        res = store_document(s, url=read.url, data=read.prepared, meta=read.meta)
        if res.outcome is not Outcome.UNCHANGED:
            # parsed once, in _read_one: grouping works from these facts from now on
            affected = store_facts(s, res.document_id, read.facts)
    if res.outcome is Outcome.NEW:
        report.stored += 1
    elif res.outcome is Outcome.REVISION:
        report.revisions += 1
    else:
        report.unchanged += 1
    return affected


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

"""Write a `lawdiff.chain.ChainPlan` into laws / versions / amending_links (upsert).

Upserts, never deletes: derived analysis (provisions, changes) hangs off versions, and a
re-import of the same files must leave every row as it was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from db.models import AmendingLink, Document, DocumentSection, Law, Version
from lawdiff.catalogue import by_slug, normalize_title
from lawdiff.chain import (
    ChainPlan,
    DocFacts,
    SectionFact,
    linking_s_variants,
    plan_law,
    resolve_section,
    title_keys,
)
from lawdiff.model import DocKind


def get_or_create_law(session: Session, slug: str, title: str, popular: str | None) -> Law:
    law = session.scalar(select(Law).where(Law.slug == slug))
    if law is None:
        entry = by_slug(slug)
        law = Law(
            slug=slug,
            title=title,
            popular_title=popular or (entry.popular_title if entry else None),
            predecessor_slug=(
                entry.successions[0].predecessor
                if entry and entry.successions and not entry.successions[0].partial
                else None
            ),
        )
        session.add(law)
        session.flush()
    elif popular and not law.popular_title:
        law.popular_title = popular
    return law


def write_plan(session: Session, plan: ChainPlan, doc_ids: dict[str, int]) -> dict[str, int]:
    """Returns counts: laws, versions, links written or confirmed."""
    counts = {"laws": 0, "versions": 0, "links": 0}
    for planned in plan.laws.values():
        law = get_or_create_law(session, planned.slug, planned.title, planned.popular_title)
        counts["laws"] += 1
        existing = {
            v.eli: v for v in session.scalars(select(Version).where(Version.law_id == law.id))
        }
        for pos, pv in enumerate(planned.versions):
            nxt = planned.versions[pos + 1] if pos + 1 < len(planned.versions) else None
            row = existing.get(pv.eli)
            if row is None:
                row = Version(law_id=law.id, eli=pv.eli, document_id=doc_ids[pv.eli])
                session.add(row)
            row.document_id = doc_ids[pv.eli]
            row.accession = pv.accession
            row.signed = pv.signed
            row.valid_from = pv.signed
            row.valid_to = nxt.signed if nxt else None
            row.position = pos
            row.predecessor_eli = pv.predecessor_eli
            counts["versions"] += 1
        have = {
            (lk.document_id, lk.section)
            for lk in session.scalars(select(AmendingLink).where(AmendingLink.law_id == law.id))
        }
        for pl in planned.links:
            doc_id = doc_ids[pl.act_eli]
            if (doc_id, pl.section) not in have:
                session.add(
                    AmendingLink(
                        document_id=doc_id,
                        law_id=law.id,
                        eli=pl.act_eli,
                        section=pl.section,
                        base_eli=pl.base_eli,
                        items=pl.items,
                        signed=pl.signed,
                    )
                )
                have.add((doc_id, pl.section))
            counts["links"] += 1
    session.flush()
    return counts


# --------------------------------------------------------------------------- facts

FACTS_VERSION = 1
"""Bump when `lawdiff.chain.facts_of` reads more: stored documents are then read once more."""


def _latest_slug(cond: Any) -> Any:
    return (
        select(Document.law_slug)
        .where(cond, Document.is_latest.is_(True), Document.law_slug.is_not(None))
        .order_by(Document.id)
        .limit(1)
    )


# Built once: these run a few times per amending section, and building a select costs
# more than SQLite takes to answer it.
_BY_ELI = _latest_slug(Document.eli == bindparam("eli"))
_BY_PREDECESSOR = _latest_slug(Document.predecessor_eli == bindparam("eli"))
_BY_TITLE = _latest_slug(
    or_(Document.title_key == bindparam("key"), Document.popular_key == bindparam("key"))
)


def _version_slug(session: Session, eli: str) -> str | None:
    """The law of a stored version with this ELI, else of one that names it as predecessor."""
    for stmt in (_BY_ELI, _BY_PREDECESSOR):
        slug = session.scalar(stmt, {"eli": eli})
        if slug:
            return slug
    return None


def _titled_slug(session: Session, key: str) -> str | None:
    return session.scalar(_BY_TITLE, {"key": key})


def _resolve(session: Session, sec: SectionFact) -> str | None:
    return resolve_section(
        sec, lambda e: _version_slug(session, e), lambda k: _titled_slug(session, k)
    )


def store_facts(session: Session, document_id: int, facts: DocFacts) -> set[str]:
    """Keep what grouping needs of a newly stored revision, resolve the laws it belongs to
    and names, and return every law whose chain may have changed (for `replan`).

    Core statements, not ORM objects: one UPDATE and one executemany INSERT per document
    (the unit of work's bookkeeping cost more than the rows). The document's facts are
    written before its sections are resolved, its sections after the earlier sections are
    re-resolved, as before."""
    affected: set[str] = set()
    session.flush()  # whatever the caller added is visible to the queries below
    older = session.execute(
        select(Document.law_slug, DocumentSection.law_slug)
        .outerjoin(DocumentSection, DocumentSection.document_id == Document.id)
        .where(Document.eli == facts.eli, Document.id != document_id)
    ).all()
    affected.update(s for row in older for s in row if s)
    keys = title_keys(facts.title, facts.popular_title)
    values: dict[str, Any] = {
        "facts_version": FACTS_VERSION,
        "predecessor_eli": facts.predecessor_eli,
        "title_key": keys[0][:400] if keys else None,
        "popular_key": (
            normalize_title(facts.popular_title)[:200] if facts.popular_title else None
        ),
    }
    if facts.is_version:
        values["law_slug"] = facts.slug
        affected.add(facts.slug)
    session.execute(update(Document).where(Document.id == document_id).values(**values))
    # a re-read document (backfill_facts) drops the sections its older facts had
    session.execute(
        delete(DocumentSection).where(DocumentSection.document_id == document_id),
        execution_options={"synchronize_session": False},
    )
    with session.no_autoflush:  # lookups only: one flush at the end, not one per query
        rows = _section_rows(session, document_id, facts, affected)
        if facts.is_version:
            _reresolve(session, facts, keys, affected)
    session.flush()
    if rows:
        session.execute(insert(DocumentSection), rows)
    return affected


def _section_rows(
    session: Session, document_id: int, facts: DocFacts, affected: set[str]
) -> list[dict[str, Any]]:
    rows = []
    for sec in facts.sections:
        slug = _resolve(session, sec)
        rows.append({
            "document_id": document_id,
            "section": sec.section[:20],
            "law_title": sec.law_title,
            "title_key": normalize_title(sec.law_title)[:400] if sec.law_title else None,
            "base_eli": sec.base_eli,
            "items": sec.items,
            "intro": sec.intro,
            "law_slug": slug,
        })
        if slug:
            affected.add(slug)
    return rows


def _reresolve(session: Session, facts: DocFacts, keys: tuple[str, ...], affected: set[str]) -> None:
    """Sections stored earlier that cite this version (or its predecessor), or name the law
    by a title only it carries, may now resolve to it ("I barselsloven, jf. …")."""
    cond = [DocumentSection.base_eli == facts.eli]
    if facts.predecessor_eli:
        cond.append(DocumentSection.base_eli == facts.predecessor_eli)
    if keys:
        cited = {v[:400] for k in keys for v in (k, *linking_s_variants(k))}
        cond.append(DocumentSection.title_key.in_(sorted(cited)))
    for row in session.scalars(select(DocumentSection).where(or_(*cond))):
        new = _resolve(session, _section_fact(row))
        if new != row.law_slug:
            affected.update(s for s in (row.law_slug, new) if s)
            row.law_slug = new


def _section_fact(row: DocumentSection) -> SectionFact:
    return SectionFact(row.section, row.law_title, row.base_eli, row.items, row.intro)


def _doc_facts(doc: Document, sections: tuple[SectionFact, ...] = ()) -> DocFacts:
    return DocFacts(
        doc.eli, doc.accession or "", DocKind(doc.kind) if doc.kind else DocKind.OTHER,
        doc.title or "", doc.popular_title, doc.signed, doc.predecessor_eli, sections,
    )


def _current() -> Any:
    return and_(Document.is_latest.is_(True), Document.parse_status == "ok")


def replan(session: Session, slugs: set[str]) -> dict[str, int]:
    """Re-plan the chains of these laws only, from stored facts: the cost of one more
    document is the size of the laws it touches, not of the database."""
    counts = {"laws": 0, "versions": 0, "links": 0}
    for slug in sorted(slugs):
        docs = list(session.scalars(select(Document).where(_current(), Document.law_slug == slug)))
        links = [
            (_doc_facts(d), _section_fact(s))
            for s, d in session.execute(
                select(DocumentSection, Document)
                .join(Document, Document.id == DocumentSection.document_id)
                .where(_current(), DocumentSection.law_slug == slug)
            )
        ]
        doc_ids = {d.eli: d.id for d in docs}
        doc_ids.update(
            (d.eli, d.id)
            for d in session.scalars(
                select(Document).where(_current(), Document.eli.in_({f.eli for f, _ in links}))
            )
        )
        law_row = session.scalar(select(Law).where(Law.slug == slug))
        if not docs and not links:
            if law_row is not None:
                _drop_stale(session, law_row, set(), set())
                has_versions = session.scalar(
                    select(func.count()).select_from(Version).where(Version.law_id == law_row.id)
                )
                if not has_versions:
                    session.delete(law_row)  # a law nothing belongs to any more (a re-resolved
                    # short title): no second slug for one law
            continue
        planned = plan_law(slug, [_doc_facts(d) for d in docs], links)
        plan = ChainPlan(laws={slug: planned})
        c = write_plan(session, plan, doc_ids)
        law_row = session.scalar(select(Law).where(Law.slug == slug))
        assert law_row is not None
        _drop_stale(
            session,
            law_row,
            {(doc_ids[lk.act_eli], lk.section) for lk in planned.links},
            {v.eli for v in planned.versions},
        )
        for k in counts:
            counts[k] += c[k]
    session.flush()
    return counts


def _drop_stale(session: Session, law: Law, links: set[tuple[int, str]], versions: set[str]) -> None:
    """Links that no longer resolve to this law go (they moved to the law they name)."""
    for lk in session.scalars(select(AmendingLink).where(AmendingLink.law_id == law.id)):
        if (lk.document_id, lk.section) not in links:
            session.delete(lk)


def documents_without_facts(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(Document.id).where(
                _current(),
                or_(Document.facts_version.is_(None), Document.facts_version < FACTS_VERSION),
            )
        )
    )


def all_slugs(session: Session) -> set[str]:
    slugs = set(session.scalars(select(Document.law_slug).where(_current(), Document.law_slug.is_not(None))))
    slugs |= set(
        session.scalars(
            select(DocumentSection.law_slug)
            .join(Document, Document.id == DocumentSection.document_id)
            .where(_current(), DocumentSection.law_slug.is_not(None))
        )
    )
    slugs |= set(session.scalars(select(Law.slug)))
    return slugs


def unlinked_sections(session: Session) -> list[tuple[str, str, str]]:
    """(act ELI, section, why) for sections that name no law."""
    return [
        (d.eli, s.section, _section_fact(s).why_unlinked)
        for s, d in session.execute(
            select(DocumentSection, Document)
            .join(Document, Document.id == DocumentSection.document_id)
            .where(_current(), DocumentSection.law_slug.is_(None))
            .order_by(Document.eli, DocumentSection.id)
        )
    ]

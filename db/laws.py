"""Write a `lawdiff.chain.ChainPlan` into laws / versions / amending_links (upsert).

Upserts, never deletes: derived analysis (provisions, changes) hangs off versions, and a
re-import of the same files must leave every row as it was.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AmendingLink, Law, Version
from lawdiff.catalogue import by_slug
from lawdiff.chain import ChainPlan


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

"""Read-side queries shared by the CLI and the dashboard: plain dicts, stable shapes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AmendingLink, Document, Gap, Law, Version
from db.store import decompress
from lawdiff.keys import canonical
from lawdiff.model import LawDocument
from lawdiff.parse import accession_eli, parse_document

_ELI = re.compile(r"(?:eli/)?(lta|accn)/(\d{4}|[A-Z]\d+)/?(\d+)?")


class NotFound(LookupError):
    pass


def resolve_eli(ref: str) -> str:
    """ "lta/2016/1270", "eli/lta/2016/1270/xml", a full URL or "A20160127029" → ELI path."""
    ref = ref.strip()
    by_accn = accession_eli(ref)
    if by_accn:
        return by_accn
    # ASCII digits only, and no more than a real number has: "lta/٢٠١٦/1270" or a
    # 5,000-digit number is not an ELI (and must not reach int()).
    m = re.search(r"lta/([0-9]{4})/([0-9]{1,6})(?![0-9])", ref)
    if m:
        return f"lta/{int(m.group(1))}/{int(m.group(2))}"
    shown = ref if len(ref) <= 60 else f"{ref[:60]}… ({len(ref)} characters)"
    raise NotFound(f"{shown!r} is neither an ELI path (lta/2016/1270) nor an accession number")


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def laws_overview(session: Session, include_empty: bool = False) -> list[dict[str, Any]]:
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.is_latest.is_(True)))}
    out: list[dict[str, Any]] = []
    for law in session.scalars(select(Law).order_by(Law.slug)):
        versions = list(
            session.scalars(
                select(Version).where(Version.law_id == law.id).order_by(Version.position)
            )
        )
        if not versions and not include_empty:
            continue
        known = {v.eli for v in versions}
        links = session.scalars(
            select(AmendingLink)
            .where(AmendingLink.law_id == law.id)
            .order_by(AmendingLink.signed, AmendingLink.eli)
        )
        acts: dict[str, dict[str, Any]] = {}
        for lk in links:
            d = docs.get(lk.document_id)
            rec = acts.setdefault(
                lk.eli,
                {
                    "eli": lk.eli,
                    "accession": d.accession if d else None,
                    "signed": _iso(lk.signed),
                    "title": d.title if d else None,
                    "sections": [],
                    "items": 0,
                    "base_eli": lk.base_eli,
                },
            )
            rec["sections"].append(lk.section)
            rec["items"] += lk.items
        gaps = session.scalars(select(Gap).where(Gap.law_slug == law.slug).order_by(Gap.eli))
        out.append(
            {
                "slug": law.slug,
                "title": law.title,
                "popular_title": law.popular_title,
                "versions": [
                    {
                        "eli": v.eli,
                        "accession": v.accession,
                        "signed": _iso(v.signed),
                        "valid_to": _iso(v.valid_to),
                        "predecessor_eli": v.predecessor_eli,
                        "predecessor_stored": (v.predecessor_eli in known)
                        if v.predecessor_eli
                        else None,
                    }
                    for v in versions
                ],
                "amending_acts": list(acts.values()),
                "gaps": sorted({g.eli for g in gaps}),
            }
        )
    return out


def load_document(session: Session, ref: str) -> tuple[Document, LawDocument]:
    eli = resolve_eli(ref)
    row = session.scalar(select(Document).where(Document.eli == eli, Document.is_latest.is_(True)))
    if row is None:
        raise NotFound(f"{eli}: not in the database (run `lovspor import` or `lovspor crawl`)")
    return row, parse_document(decompress(row.content), eli)


def document_summary(row: Document, doc: LawDocument) -> dict[str, Any]:
    m = doc.meta
    intro = None
    if doc.intro:
        intro = {
            "previous": doc.intro.previous.eli if doc.intro.previous else None,
            "incorporated": [
                {
                    "eli": r.eli,
                    "text": r.text,
                    "parts": [{"paragraph": p.paragraph, "items": list(p.items)} for p in r.parts],
                }
                for r in doc.intro.incorporated
            ],
            "not_incorporated": [
                {
                    "eli": r.eli,
                    "text": r.text,
                    "parts": [{"paragraph": p.paragraph, "items": list(p.items)} for p in r.parts],
                }
                for r in doc.intro.not_incorporated
            ],
            "unparsed": [u.text for u in doc.intro.unparsed],
        }
    return {
        "eli": m.eli,
        "url": row.url,
        "accession": m.accession,
        "doc_type": m.doc_type,
        "kind": m.kind.value,
        "year": m.year,
        "number": m.number,
        "title": m.title,
        "popular_title": m.popular_title,
        "signed": _iso(m.signed),
        "status": m.status,
        "ministry": m.ministry,
        "short_name": m.short_name,
        "sha256": row.sha256,
        "revision": row.revision,
        "fetched_at": row.fetched_at.isoformat(timespec="seconds"),
        "paragraphs": len(doc.paragraphs),
        "provisions": len(doc.provisions),
        "amending_sections": [
            {"label": s.label, "intro": s.intro, "items": len(s.items)}
            for s in doc.amending_sections
        ],
        "later_changes": [
            {"eli": c.eli, "accession": c.accession, "date": _iso(c.date), "text": c.text}
            for c in m.later_changes
        ],
        "intro": intro,
    }


def provision_subtree(doc: LawDocument, key: str) -> list[dict[str, Any]]:
    """The provision and everything under it, in document order."""
    wanted = canonical(key)
    rows = [p for p in doc.provisions if p.key == wanted or p.key.startswith(wanted + ", ")]
    if not rows:
        raise NotFound(f"{doc.meta.eli}: no provision {wanted!r}")
    return [
        {
            "key": p.key,
            "level": p.level.value,
            "label": p.label,
            "text": p.text,
            "chapter": p.chapter,
            "heading": p.heading,
            "notes": list(p.notes),
        }
        for p in rows
    ]



"""Read-side queries shared by the CLI and the dashboard: plain dicts, stable shapes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    AmendingLink,
    ChangeAttributionRow,
    ChangeRow,
    Document,
    Gap,
    InstructionRow,
    Law,
    ProvisionRow,
    Version,
)
from db.store import decompress
from lawdiff.keys import canonical
from lawdiff.model import LawDocument
from lawdiff.parse import accession_eli, parse_document
from lawdiff.refs import names_other_document

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




# --- a law's provision as of a date (`lovspor show SLUG`) --------------------------------

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def danish_date(d: Any) -> str:
    """2016-10-24 → "24. oktober 2016" (the way the documents cite dates)."""
    from lawdiff.refs import MONTHS

    if d is None:
        return "ukendt dato"
    names = {v: k for k, v in MONTHS.items()}
    return f"{d.day}. {names[d.month]} {d.year}"


def act_name(eli: str, signed: Any = None) -> str:
    """ "lta/2016/1543" + its signing date → "lov nr. 1543 af 13. december 2016"."""
    from lawdiff.model import ActRef
    from lawdiff.refs import act_label

    last = eli.rsplit("/", 1)[-1]
    return act_label(ActRef("lov", int(last) if last.isdigit() else 0, signed, eli, ""))


def is_slug(ref: str) -> bool:
    """Whether `ref` is spelt like a law's slug ("serviceloven", "lov-om-kontantydelse")."""
    return bool(_SLUG.fullmatch(ref.strip()))


def find_law(session: Session, ref: str) -> Law | None:
    """The law whose slug `ref` is (`lovspor laws` lists them), else None."""
    if not is_slug(ref):
        return None
    return session.scalar(select(Law).where(Law.slug == ref.strip()))


def _in(key: str, wanted: str | None) -> bool:
    return wanted is None or key == wanted or key.startswith(wanted + ", ")


def law_view(
    session: Session, law: Law, as_of: Any = None, provision: str | None = None
) -> tuple[dict[str, Any], Document, LawDocument]:
    """The version of `law` in force on `as_of` (the newest whose valid-from/signing date is
    not after it; None: the newest stored), with a header naming law, version and date, and
    the amending acts this version does not incorporate (`warnings`).

    Raises NotFound when the law had no version yet on that date."""
    from lovspor.impact_data import _versions, version_at

    chain = _versions(session).get(law.slug, [])
    v = version_at(chain, as_of)
    if v is None:
        if not chain:
            raise NotFound(f"{law.slug}: ingen version i databasen / no stored version")
        first = chain[0]
        raise NotFound(
            f"{law.slug}: ingen version i kraft den {danish_date(as_of)} / no version in force "
            f"on {as_of} (den første i databasen er {first.eli} af {danish_date(first.signed)})"
        )
    row = session.scalar(
        select(Document)
        .join(Version, Version.document_id == Document.id)
        .where(Version.id == v.version_id)
    )
    assert row is not None
    doc = parse_document(decompress(row.content), v.eli)
    title = law.title[:1].upper() + law.title[1:]
    kind = row.doc_type or doc.meta.doc_type or ""
    header = f"{title} ({law.slug}) · {kind} {v.eli} af {danish_date(v.signed)}".replace("  ", " ")
    wanted = canonical(provision) if provision else None
    view: dict[str, Any] = {
        "law": law.slug,
        "law_title": law.title,
        "version": v.eli,
        "doc_type": kind or None,
        "date": _iso(v.signed),
        "as_of": _iso(as_of),
        "newest": v.version_id == chain[-1].version_id,
        "header": header,
        "warnings": later_acts(session, law, chain, v, wanted),
        "changes_without_act": without_act_after(session, law, chain, v, wanted),
    }
    view["warning"] = (
        f"Advarsel: senere ændret ved {joined([act_mention(a) for a in view['warnings']])} "
        "— ikke indarbejdet i denne version"
        if view["warnings"]
        else None
    )
    return view, row, doc


def act_mention(a: dict[str, Any]) -> str:
    """An entry of `later_acts` as a jurist reads it: "lov nr. 647 af 8. juni 2016 (delvis)"."""
    return (
        a["label"]
        + (" (delvis)" if a["partial"] else "")
        + ("" if a["stored"] else " (ikke i databasen)")
    )


def joined(names: list[str]) -> str:
    """ "a", "a og b", "a, b og c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def later_acts(
    session: Session, law: Law, chain: list[Any], v: Any, provision: str | None = None
) -> list[dict[str, Any]]:
    """Amending acts of `law` that version `v` does not incorporate: those a later stored
    version's Indledning names, and those no stored version has incorporated yet (the look
    ahead of `lovspor.amendments`, the same selection as `consolidate`). An act that `v` or
    an earlier version incorporates in part is marked `partial`. `changes` lists what each
    act does under `provision` (from the stored changes and the look ahead)."""
    from lovspor.amendments import look_ahead, read_intro

    docs = dict(
        session.execute(
            select(Version.id, Document.content)
            .join(Document, Document.id == Version.document_id)
            .where(Version.law_id == law.id)
        ).all()
    )
    at = next(i for i, x in enumerate(chain) if x.version_id == v.version_id)
    upto: set[str] = set()
    # act → the (§, nr.) of it that `v` says it leaves out (nr. None: the whole §)
    outstanding: dict[str, set[tuple[str, str | None]]] = {}
    acts: dict[str, dict[str, Any]] = {}
    for i, x in enumerate(chain):
        blob = docs.get(x.version_id)
        intro = read_intro(decompress(blob), x.eli) if blob else None
        if intro is None:
            continue
        if i <= at:
            upto.update(r.eli for r in intro.incorporated)
            if i == at:
                for r in intro.not_incorporated:
                    if r.parts:
                        outstanding.setdefault(r.eli, set()).update(
                            (p.paragraph, None if n is None else str(n))
                            for p in r.parts
                            for n in p.items or (None,)
                        )
            continue
        for r in intro.incorporated:
            if r.eli not in acts:
                acts[r.eli] = {
                    "eli": r.eli,
                    "label": act_name(r.eli, r.date),
                    "signed": _iso(r.date),
                    "incorporated_in": x.eli,
                    "stored": None,
                }
    ahead = look_ahead(session, law.slug)
    if ahead is not None:
        for eli, signed in ahead.act_signed.items():
            acts.setdefault(
                eli,
                {"eli": eli, "label": act_name(eli, signed), "signed": _iso(signed),
                 "incorporated_in": None, "stored": True},
            )  # fmt: skip
        meta: dict[str, Any] | None = None
        for x in ahead.acts_not_stored:
            label, signed = x.get("label"), None
            if label is None:  # named by the newest version's Meta only: read its entry
                if meta is None:
                    newest = chain[-1]
                    blob = docs.get(newest.version_id)
                    later = parse_document(decompress(blob), newest.eli).meta.later_changes
                    meta = {mc.eli: mc for mc in later if mc.eli} if blob else {}
                mc = meta.get(x["eli"])
                if mc is not None and names_other_document(mc.text):
                    continue  # a consolidated act or order the site relates, not an act
                signed = mc.date if mc is not None else None
                label = act_name(x["eli"], signed)
            acts.setdefault(
                x["eli"],
                {"eli": x["eli"], "label": label, "signed": _iso(signed),
                 "incorporated_in": None, "stored": False},
            )  # fmt: skip
    if not acts:
        return []
    stored = set(session.scalars(select(Document.eli).where(Document.eli.in_(list(acts)))))
    dates: dict[str, set[Any]] = {}
    undated: set[str] = set()
    for eli, sec, item, day in session.execute(
        select(
            InstructionRow.act_eli,
            InstructionRow.section,
            InstructionRow.item,
            InstructionRow.in_force,
        ).where(InstructionRow.act_eli.in_(list(acts)), InstructionRow.law_slug == law.slug)
    ):
        left = outstanding.get(eli)
        if left is not None and (sec, item) not in left and (sec, None) not in left:
            continue  # an item `v` already incorporates
        if day is None:
            undated.add(eli)
        else:
            dates.setdefault(eli, set()).add(day)
    touched = _changes_under(session, law, chain, at, set(acts), provision, ahead)
    out = []
    for a in sorted(acts.values(), key=lambda a: (a["signed"] or "9999", a["eli"])):
        a["stored"] = a["eli"] in stored
        a["partial"] = a["eli"] in upto
        a["in_force"] = [_iso(d) for d in sorted(dates.get(a["eli"], ()))]
        a["in_force_undated"] = a["eli"] in undated
        a["changes"] = touched.get(a["eli"], []) if provision else None
        out.append(a)
    return out


def _changes_under(
    session: Session,
    law: Law,
    chain: list[Any],
    at: int,
    elis: set[str],
    provision: str | None,
    ahead: Any,
) -> dict[str, list[dict[str, Any]]]:
    """act ELI → the changes it makes under `provision` after version `chain[at]`: the stored
    changes of the later versions, then the look ahead's."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not provision:
        return out
    later = [x.version_id for x in chain[at + 1 :]]
    seen: set[tuple[str, str, str, str | None]] = set()

    def add(eli: str, kind: str, key: str, section: str, item: str | None, day: Any) -> None:
        if (eli, key, section, item) in seen:
            return
        seen.add((eli, key, section, item))
        out.setdefault(eli, []).append(
            {"kind": kind, "key": key, "section": section, "item": item, "in_force": _iso(day)}
        )

    if later:
        q = (
            select(ChangeAttributionRow, ChangeRow.kind, ChangeRow.old_key, ChangeRow.new_key)
            .join(ChangeRow, ChangeRow.id == ChangeAttributionRow.change_id)
            .where(
                ChangeRow.law_id == law.id,
                ChangeRow.new_version_id.in_(later),
                ChangeAttributionRow.act_eli.in_(list(elis)),
            )
            .order_by(ChangeRow.id)
        )
        for att, kind, old, new in session.execute(q):
            key = new or old or ""
            if _in(old or "", provision) or _in(new or "", provision):
                add(att.act_eli, kind, key, att.act_section, att.act_item, att.in_force)
    for c in ahead.changes if ahead is not None else ():
        ch = c.change
        if _in(ch.old_key or "", provision) or _in(ch.new_key or "", provision):
            for a in c.attributions:
                add(a.act_eli, ch.kind.value, ch.key, a.section, a.item, a.in_force)
    return out


def without_act_after(
    session: Session, law: Law, chain: list[Any], v: Any, provision: str | None
) -> list[dict[str, Any]] | None:
    """Stored changes under `provision` in the versions after `v` that no act is known to
    have made (None without a provision)."""
    if not provision:
        return None
    at = next(i for i, x in enumerate(chain) if x.version_id == v.version_id)
    later = {x.version_id: x.eli for x in chain[at + 1 :]}
    if not later:
        return []
    q = (
        select(ChangeRow)
        .where(
            ChangeRow.law_id == law.id,
            ChangeRow.new_version_id.in_(list(later)),
            ~select(ChangeAttributionRow.id)
            .where(ChangeAttributionRow.change_id == ChangeRow.id)
            .exists(),
        )
        .order_by(ChangeRow.id)
    )
    return [
        {
            "version": later[c.new_version_id],
            "kind": c.kind,
            "key": c.new_key or c.old_key,
            "attribution": c.attribution,
            "note": c.attribution_note,
        }
        for c in session.scalars(q)
        if _in(c.old_key or "", provision) or _in(c.new_key or "", provision)
    ]


def first_with(session: Session, law: Law, key: str) -> str | None:
    """The first stored version of `law` that has provision `key` (None: none has it)."""
    return session.scalar(
        select(Version.eli)
        .join(ProvisionRow, ProvisionRow.version_id == Version.id)
        .where(Version.law_id == law.id, ProvisionRow.key == key)
        .order_by(Version.position, Version.signed)
        .limit(1)
    )


def document_kind(session: Session, eli: str) -> dict[str, Any] | None:
    """What the stored document `eli` is: {doc_type ("LBK"), kind (a DocKind value), amends
    (whether import found sections amending a law in it)}; None if not stored."""
    row = session.execute(
        select(Document.id, Document.doc_type, Document.kind).where(
            Document.eli == eli, Document.is_latest.is_(True)
        )
    ).first()
    if row is None:
        return None
    links = session.scalar(
        select(AmendingLink.id).where(AmendingLink.document_id == row.id).limit(1)
    )
    return {"doc_type": row.doc_type, "kind": row.kind, "amends": links is not None}

"""Database ↔ `lawdiff.amend` / `attribute` / `consolidate`: instructions, provenance, and
Lovspor's unofficial consolidation, read from and written to the database.

Three jobs, each incremental so that `lovspor analyze` stays cheap on a re-run:

- `store_acts`: every stored amending act is parsed once into `InstructionRow`s; a settings
  row per act remembers the document's sha256 and the fingerprint of the parsing library, so
  a new revision of the act, or a new version of the parser, re-parses it (and nothing else);
- `attribute_pairs`: every stored pair of consecutive versions gets the provenance of each
  change (`ChangeRow` act columns + every attribution in `ChangeAttributionRow`); a settings
  row per pair remembers which stored acts it was attributed with, so storing one of the acts
  its Indledning names (or a new library) redoes exactly that pair;
- `consolidate_ahead` / `check_pairs`: the newest version plus the later acts' instructions
  ("text as of D"), and the replay of every complete stored pair against the real next LBK.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import itertools
import json
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, aliased

from db.models import (
    AmendingLink,
    ChangeAttributionRow,
    ChangeRow,
    Document,
    DocumentSection,
    InstructionRow,
    Law,
    Version,
)
from db.store import clear_analysis_failure, decompress, record_analysis_failure
from lawdiff.amend import (
    Action,
    AmendingAct,
    AmendmentItem,
    Instruction,
    parse_amending_act,
    select_items,
)
from lawdiff.attribute import (
    ActRepeal,
    AttributedChange,
    Sunset,
    act_repeals,
    attribute,
    repeals_for,
    sunset_clauses,
)
from lawdiff.consolidate import apply_instructions, check_against, normalise
from lawdiff.lookahead import PendingItem, changes_ahead, in_window
from lawdiff.model import (
    ActRef,
    Attribution,
    ChangeKind,
    DocKind,
    Intro,
    LawDocument,
    Level,
    Provision,
    ProvisionChange,
    TokenOp,
)
from lawdiff.parse import ParseError, char_text, load_root, parse_document
from lawdiff.refs import act_label, names_other_document, normalize_law_title, parse_intro
from lovspor.failures import FATAL, reason_of

CONFIDENCE = ("exact", "sunset", "paragraph", "act")  # best first
# every module whose code shapes stored instructions and attributions
LIBRARY = ("lawdiff.amend", "lawdiff.inforce", "lawdiff.attribute", "lawdiff.consolidate", "lawdiff.refs",
           "lawdiff.keys", "lawdiff.numbers", "lawdiff.model", "lovspor.amendments")
UNDATED = ("ministerial", "publication", "unknown")


@cache
def library_fingerprint() -> str:
    """Hash of the instruction parser's source: stored instructions and attributions made by
    an older parser are redone (their output is derived data; a better parser must reach it)."""
    h = hashlib.sha1()
    for name in LIBRARY:
        spec = importlib.util.find_spec(name)  # type: ignore[attr-defined]
        if spec and spec.origin:
            h.update(Path(spec.origin).read_bytes())
    return h.hexdigest()[:16]


# --- reading documents ---------------------------------------------------------------------


def read_intro(data: bytes, source: str = "<bytes>") -> Intro | None:
    """A consolidated act's Indledning (incorporated and not-incorporated acts) without
    building its provision tree."""
    root = load_root(data, source)
    ind = root.find("DokumentIndhold/Indledning")
    if ind is None:
        return None
    return parse_intro("\n".join(char_text(ex) for ex in ind.iterchildren("Exitus")))


@dataclass(frozen=True, slots=True)
class StoredAct:
    document_id: int
    eli: str
    sha256: str
    kind: str | None
    signed: dt.date | None


def stored_acts(session: Session) -> dict[str, StoredAct]:
    """Newest revision of every stored act that may hold amending sections (LOV Æ, and main
    acts whose closing §§ amend other laws)."""
    q = select(Document.id, Document.eli, Document.sha256, Document.kind, Document.signed).where(
        Document.is_latest.is_(True),
        Document.parse_status == "ok",
        Document.kind.in_((DocKind.AMENDING_ACT.value, DocKind.MAIN_ACT.value)),
    )
    return {r.eli: StoredAct(r.id, r.eli, r.sha256, r.kind, r.signed) for r in session.execute(q)}


class ActCache:
    """Parsed amending acts for one run, the most recently used ``size`` of them: an act is
    parsed once while it is in use, and a corpus of thousands of acts does not stay in memory.
    """

    def __init__(self, size: int = 256) -> None:
        self._acts: OrderedDict[str, AmendingAct | None] = OrderedDict()
        self._repeals: OrderedDict[str, tuple[ActRepeal, ...]] = OrderedDict()
        self.size = size

    def repeals(self, session: Session, act: StoredAct) -> tuple[ActRepeal, ...]:
        """The act's dated repeals of other laws' §§ (`lawdiff.attribute.act_repeals`),
        main acts' included: "§§ 2-7 i lov nr. 1594 af … ophæves den 1. oktober 2012"."""
        if act.eli not in self._repeals:
            self.get(session, act)
        return self._repeals.get(act.eli, ())

    def get(self, session: Session, act: StoredAct) -> AmendingAct | None:
        if act.eli in self._acts:
            self._acts.move_to_end(act.eli)
            return self._acts[act.eli]
        blob = session.scalar(select(Document.content).where(Document.id == act.document_id))
        try:
            doc = parse_document(decompress(blob), act.eli) if blob else None
        except ParseError:
            doc = None
        parsed = parse_amending_act(doc) if doc and doc.amending_sections else None
        self._acts[act.eli] = parsed
        self._repeals[act.eli] = (
            act_repeals(
                (*doc.provisions, *doc.in_force),
                act.eli,
                act_label(ActRef("lov", doc.meta.number, doc.meta.signed, act.eli, "")),
            )
            if doc
            else ()
        )
        if len(self._acts) > self.size:
            self._acts.popitem(last=False)
        if len(self._repeals) > self.size:
            self._repeals.popitem(last=False)
        return parsed


# --- instructions --------------------------------------------------------------------------


@dataclass
class ActsReport:
    parsed: int = 0  # acts (re)parsed in this run
    skipped: int = 0  # acts already stored with the same bytes and parser
    instructions: int = 0  # instruction rows written in this run
    unparsed: int = 0  # of which not understood
    new: list[str] = field(default_factory=list)  # ELIs (re)stored in this run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (ELI, reason)


def _target_dict(t: Any) -> dict[str, Any]:
    d = {"key": t.key, "kind": t.kind.value, "text": str(t)}
    for name in ("pkt", "new_key", "new_pkt", "occurrences", "inner"):
        if (v := getattr(t, name)) is not None:
            d[name] = v
    return d


def instruction_record(
    act: AmendingAct,
    item: AmendmentItem,
    ins: Instruction,
    *,
    document_id: int,
    law_slug: str | None,
    law_title: str | None,
) -> dict[str, Any]:
    detail: dict[str, Any] = {"index": ins.index}
    if ins.position:
        detail["position"] = ins.position
    if ins.anchor_text:
        detail["anchor_text"] = ins.anchor_text
    if ins.new_keys:
        detail["new_keys"] = list(ins.new_keys)
    if ins.renumber:
        detail["renumber"] = [list(p) for p in ins.renumber]
    if ins.new_pkt is not None:
        detail["new_pkt"] = ins.new_pkt
    if ins.occurrences is not None:
        detail["occurrences"] = ins.occurrences
    return {
        "document_id": document_id,
        "act_eli": act.eli,
        "law_slug": law_slug,
        "law_title": (law_title or "")[:400] or None,
        "section": item.section[:20],
        "item": item.number[:20],
        "seq": 0,
        "action": ins.action.value,
        "targets": [_target_dict(t) for t in ins.targets],
        "old_text": ins.old_text,
        "new_text": ins.new_text,
        "sentence": ins.raw,
        "parsed": ins.parsed,
        "reason": ins.reason or None,
        "in_force": item.in_force.date,
        "in_force_status": item.in_force.status,
        "in_force_rule": item.in_force.rule,
        "detail": detail,
    }


def _law_maps(session: Session) -> tuple[dict[tuple[int, str], str], dict[str, str]]:
    links = {
        (doc_id, section): slug
        for doc_id, section, slug in session.execute(
            select(AmendingLink.document_id, AmendingLink.section, Law.slug).join(
                Law, Law.id == AmendingLink.law_id
            )
        )
    }
    titles = {normalize_law_title(t): s for s, t in session.execute(select(Law.slug, Law.title))}
    return links, titles


def store_acts(session: Session, cache_: ActCache, report: ActsReport) -> dict[str, StoredAct]:
    """Parse and store the instructions of every stored act not yet stored with these bytes
    and this parser. Returns every stored act by ELI."""
    acts = stored_acts(session)
    fp = library_fingerprint()
    done = dict(
        session.execute(
            select(Document.id, Document.instructions_key).where(
                Document.id.in_([sa.document_id for sa in acts.values()]),
                Document.instructions_key.is_not(None),
            )
        ).all()
    )
    links, titles = _law_maps(session)
    for eli, sa in sorted(acts.items()):
        want = f"{sa.sha256}|{fp}"
        if done.get(sa.document_id) == want:
            report.skipped += 1
            continue
        try:
            # A savepoint per act: one act that cannot be read leaves the others stored.
            with session.begin_nested():
                rows = _store_act_rows(session, cache_, sa, links, titles)
            clear_analysis_failure(session, stage="act", subject=eli)
        except FATAL:
            raise
        except Exception as exc:  # one bad act never stops the run
            reason = reason_of(exc)
            report.failed.append((eli, reason))
            record_analysis_failure(session, stage="act", subject=eli, reason=reason)
            continue
        report.parsed += 1
        report.instructions += len(rows)
        report.unparsed += sum(not r["parsed"] for r in rows)
        report.new.append(eli)
        session.execute(
            update(Document).where(Document.id == sa.document_id).values(instructions_key=want)
        )
    return acts


def _store_act_rows(
    session: Session,
    cache_: ActCache,
    sa: StoredAct,
    links: dict[tuple[int, str], str],
    titles: dict[str, str],
) -> list[dict[str, Any]]:
    act = cache_.get(session, sa)
    session.execute(delete(InstructionRow).where(InstructionRow.act_eli == sa.eli))
    rows: list[dict[str, Any]] = []
    if act is not None:
        for sec in act.sections:
            slug = links.get((sa.document_id, sec.label)) or titles.get(sec.law_title or "")
            for item in sec.items:
                for ins in item.instructions:
                    rec = instruction_record(
                        act,
                        item,
                        ins,
                        document_id=sa.document_id,
                        law_slug=slug,
                        law_title=sec.law_title,
                    )
                    rec["seq"] = len(rows)
                    rows.append(rec)
    if rows:
        session.execute(InstructionRow.__table__.insert(), rows)
    return rows


# --- attribution -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairRef:
    law_id: int
    law: str
    old_id: int
    new_id: int
    old_eli: str
    new_eli: str
    new_document_id: int
    marker: str  # the diff marker the pair was analysed under


def _load_changes(session: Session, new_id: int) -> tuple[list[int], list[ProvisionChange]]:
    ids: list[int] = []
    out: list[ProvisionChange] = []
    for r in session.scalars(
        select(ChangeRow).where(ChangeRow.new_version_id == new_id).order_by(ChangeRow.id)
    ):
        ids.append(r.id)
        out.append(
            ProvisionChange(
                ChangeKind(r.kind),
                Level(r.level),
                r.old_key,
                r.new_key,
                r.old_text,
                r.new_text,
                tuple(TokenOp(op, t) for op, t in (r.ops or [])),
                r.similarity,
            )
        )
    return ids, out


def _best(atts: Sequence[Attribution]) -> str:
    return min((a.confidence for a in atts), key=lambda c: CONFIDENCE.index(c), default="exact")


def _with_missing(
    res: list[AttributedChange], intro: Intro | None, missing: Sequence[ActRef]
) -> list[AttributedChange]:
    """Acts the Indledning names but the database lacks: a change they may explain is not
    'without an act'. With one act named in all, that act is known (confidence 'act')."""
    if not missing or intro is None:
        return res
    names = ", ".join(r.eli for r in missing)
    only = intro.incorporated[0] if len(intro.incorporated) == 1 else None
    out: list[AttributedChange] = []
    for a in res:
        # a § whose own text is empty (its content sits in its stk.) is not a placeholder
        # for a repealed § when an act that may have inserted it is missing
        blame = a.status == "unattributed" or (
            a.status == "no_act"
            and (
                "incorporates no amending act" in a.reason
                or (a.change.kind is ChangeKind.INSERTED and not a.change.new_text.strip())
            )
        )
        if not blame:
            out.append(a)
        elif only is not None:
            part = only.parts[0].paragraph if len(only.parts) == 1 else ""
            att = Attribution(only.eli, act_label(only), part, None, None, "act")
            out.append(
                AttributedChange(
                    a.change,
                    (att,),
                    "attributed",
                    f"{only.eli} is not stored: only the act is known (the Indledning names "
                    "no other)",
                )
            )
        else:
            out.append(
                AttributedChange(
                    a.change, (), "unattributed", f"the Indledning names acts not stored: {names}"
                )
            )
    return out


def pair_summary(
    pair: PairRef, res: Sequence[AttributedChange], intro: Intro | None, missing: Sequence[str]
) -> dict[str, Any]:
    """Coverage of one pair. ``complete``: the Indledning was read whole (no citation in it
    left unparsed: an act it names could be missing from the list), names the stored
    predecessor as the previous version, and every act it incorporates is stored (the pairs
    the ≥ 95 % target is about)."""
    status = Counter((_best(a.attributions) if a.status == "attributed" else a.status) for a in res)
    covered = sum(a.status != "unattributed" for a in res)
    return {
        "law": pair.law,
        "old": pair.old_eli,
        "new": pair.new_eli,
        "complete": bool(
            not missing
            and intro
            and not intro.unparsed
            and intro.previous
            and intro.previous.eli == pair.old_eli
        ),
        "intro_unparsed": [u.text for u in intro.unparsed] if intro else [],
        "previous_named": intro.previous.eli if intro and intro.previous else None,
        "named_acts": [r.eli for r in intro.incorporated] if intro else [],
        "missing_acts": list(missing),
        "changes": len(res),
        "exact": status.get("exact", 0),
        "sunset": status.get("sunset", 0),
        "paragraph": status.get("paragraph", 0),
        "act": status.get("act", 0),
        "no_act": status.get("no_act", 0),
        "unattributed": status.get("unattributed", 0),
        "coverage": round(covered / len(res), 4) if res else 1.0,
        "not_attributed": [
            {
                "kind": a.change.kind.value,
                "key": a.change.key,
                "status": a.status,
                "reason": a.reason,
            }
            for a in res
            if a.status != "attributed"
        ],
    }


def _sunsets(session: Session, pair: PairRef, law_title: str | None) -> tuple[Sunset, ...]:
    """Time-limited §§ that lapse between the two versions: a consolidated act reprints the
    entry-into-force rules of the acts behind it ("§§ 67 a-67 c … ophæves den 1. januar
    2013"), so the previous version's Ikraft notes say which repeals no listed act makes."""
    if not law_title:
        return ()
    rows = session.execute(
        select(Document.content, Version.signed)
        .join(Version, Version.document_id == Document.id)
        .where(Version.id.in_((pair.old_id, pair.new_id)))
        .order_by(Version.signed)
    ).all()
    if len(rows) != 2:
        return ()
    (old_blob, old_signed), (_new_blob, new_signed) = rows
    prev = parse_document(decompress(old_blob), pair.old_eli)
    return sunset_clauses(prev.blocks, law_title, old_signed, new_signed)


def _act_lapses(
    session: Session,
    pair: PairRef,
    acts: dict[str, StoredAct],
    cache_: ActCache,
    law_title: str | None,
    named: Sequence[ActRef],
) -> tuple[Sunset, ...]:
    """Repeals of this law's §§ that stored acts fix in their own provisions: the acts the
    new version's Indledning names (a main act replacing the law repeals the old one's §§
    from its in-force chapter) with a date up to the new version, and the earlier acts
    amending the law with a date between the two versions (a temporary § lapses)."""
    versions = dict(
        session.execute(
            select(Document.eli, Version.signed)
            .join(Version, Version.document_id == Document.id)
            .where(Version.law_id == pair.law_id)
        ).all()
    )
    old_signed, new_signed = versions.get(pair.old_eli), versions.get(pair.new_eli)
    if new_signed is None:
        return ()
    amending = set(
        session.scalars(
            select(Document.eli)
            .join(DocumentSection, DocumentSection.document_id == Document.id)
            .where(DocumentSection.law_slug == pair.law)
        )
    )
    named_elis = {r.eli for r in named}
    out: list[Sunset] = []
    for eli in sorted((named_elis | amending) & acts.keys()):
        act = acts[eli]
        if act.signed is not None and act.signed > new_signed:
            continue
        after = None if eli in named_elis else old_signed
        out.extend(
            repeals_for(cache_.repeals(session, act), law_title, list(versions), new_signed, after)
        )
    return tuple(out)


def for_law(
    session: Session, act: AmendingAct, document_id: int, slug: str, law_title: str | None
) -> AmendingAct:
    """`act` with every section that grouping resolved to `slug` (the cited version first,
    then titles: `document_sections.law_slug`) named by `law_title`, so that selecting items
    by title finds the sections that cite the law by a short title ("I barselsloven, jf. …")
    or by an older title of a renamed law."""
    if not law_title:
        return act
    resolved = dict(
        session.execute(
            select(DocumentSection.section, DocumentSection.law_slug).where(
                DocumentSection.document_id == document_id
            )
        ).all()
    )
    sections = tuple(
        replace(s, law_title=law_title)
        if resolved.get(s.label) == slug and s.law_title != law_title
        else s
        for s in act.sections
    )
    return act if sections == act.sections else replace(act, sections=sections)


def attribute_pair(
    session: Session,
    pair: PairRef,
    acts: dict[str, StoredAct],
    cache_: ActCache,
    base: Sequence[Provision],
    intro: Intro | None,
) -> dict[str, Any]:
    """Attribute the stored changes of one pair and write the provenance columns."""
    title = session.scalar(select(Document.title).where(Document.id == pair.new_document_id))
    named = intro.incorporated if intro else ()
    missing = [r for r in named if r.eli not in acts]
    incorporated: list[tuple[ActRef, AmendingAct]] = []
    law_title = normalize_law_title(title) if title else None
    for ref in named:
        if ref.eli in acts and (act := cache_.get(session, acts[ref.eli])) is not None:
            act = for_law(session, act, acts[ref.eli].document_id, pair.law, law_title)
            incorporated.append((ref, act))
    ids, changes = _load_changes(session, pair.new_id)
    res = attribute(
        changes,
        incorporated,
        base=base,
        law_title=law_title,
        not_incorporated=intro.not_incorporated if intro else (),
        sunsets=(
            *_sunsets(session, pair, law_title),
            *_act_lapses(session, pair, acts, cache_, law_title, named),
        ),
    )
    res = _with_missing(res, intro, missing)
    session.execute(
        delete(ChangeAttributionRow).where(
            ChangeAttributionRow.change_id.in_(
                select(ChangeRow.id).where(ChangeRow.new_version_id == pair.new_id)
            )
        )
    )
    updates: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for cid, a in zip(ids, res, strict=True):
        first = a.attributions[0] if a.attributions else None
        updates.append(
            {
                "id": cid,
                "act_eli": first.act_eli if first else None,
                "act_label": first.act_label[:200] if first else None,
                "act_section": first.section[:20] if first else None,
                "act_item": first.item if first else None,
                "in_force": first.in_force if first else None,
                "attribution": _best(a.attributions) if a.status == "attributed" else a.status,
                "attribution_note": a.reason or None,
            }
        )
        links.extend(
            {
                "change_id": cid,
                "act_eli": x.act_eli,
                "act_label": x.act_label[:200],
                "act_section": x.section[:20],
                "act_item": x.item,
                "in_force": x.in_force,
                "confidence": x.confidence,
            }
            for x in a.attributions
        )
    if updates:
        session.execute(update(ChangeRow), updates)
    if links:
        session.execute(ChangeAttributionRow.__table__.insert(), links)
    return pair_summary(pair, res, intro, [r.eli for r in missing])


def pair_intro(session: Session, pair: PairRef) -> Intro | None:
    blob = session.scalar(select(Document.content).where(Document.id == pair.new_document_id))
    return read_intro(decompress(blob), pair.new_eli) if blob else None


def attribution_key(pair: PairRef, named: Iterable[str], acts: dict[str, StoredAct]) -> str:
    """What a pair's attribution depends on: its diff, the library, and which of the acts its
    Indledning names are stored (with their bytes)."""
    names = sorted(set(named))
    stored = ",".join(f"{e}@{acts[e].sha256[:12]}" for e in names if e in acts)
    gone = ",".join(e for e in names if e not in acts)
    return f"{pair.marker}|{pair.new_document_id}|{library_fingerprint()}|{stored}|-{gone}"


def read_attr_marker(session: Session, version_id: int) -> tuple[str | None, dict | None]:
    """The inputs the stored provenance was computed from, and its report (typed columns on
    the version)."""
    row = session.get(Version, version_id)
    if row is None:
        return None, None
    return row.attribution_key, row.attribution_summary


def write_attr_marker(session: Session, version_id: int, key: str, summary: dict) -> None:
    row = session.get(Version, version_id)
    assert row is not None
    row.attribution_key = key
    # JSON-safe (dates as ISO text), as read back on the next run
    row.attribution_summary = json.loads(json.dumps(summary, ensure_ascii=False, default=str))


def clear_attr_marker(session: Session, version_id: int) -> None:
    session.execute(
        update(Version)
        .where(Version.id == version_id)
        .values(attribution_key=None, attribution_summary=None)
    )


# --- lovspor act -------------------------------------------------------------------------


def _label_for(eli: str, signed: dt.date | None) -> str:
    parts = eli.split("/")
    number = int(parts[-1]) if parts[-1].isdigit() else 0
    return act_label(ActRef("lov", number, signed, eli, ""))


def act_report(session: Session, eli: str) -> dict[str, Any] | None:
    """An act's instructions per amended law and item, with the changes attributed to each
    item; None if the act is not stored."""
    doc = session.scalar(select(Document).where(Document.eli == eli, Document.is_latest.is_(True)))
    rows = list(
        session.scalars(
            select(InstructionRow).where(InstructionRow.act_eli == eli).order_by(InstructionRow.seq)
        )
    )
    if doc is None and not rows:
        return None
    old_v, new_v = aliased(Version), aliased(Version)
    changes: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    q = (
        select(ChangeAttributionRow, ChangeRow, Law.slug, old_v.eli, new_v.eli)
        .join(ChangeRow, ChangeRow.id == ChangeAttributionRow.change_id)
        .join(Law, Law.id == ChangeRow.law_id)
        .join(old_v, old_v.id == ChangeRow.old_version_id)
        .join(new_v, new_v.id == ChangeRow.new_version_id)
        .where(ChangeAttributionRow.act_eli == eli)
        .order_by(ChangeRow.id)
    )
    for att, ch, slug, old_eli, new_eli in session.execute(q):
        changes.setdefault((att.act_section, att.act_item), []).append(
            {
                "law": slug,
                "old_version": old_eli,
                "new_version": new_eli,
                "kind": ch.kind,
                "key": ch.new_key or ch.old_key,
                "old_key": ch.old_key,
                "new_key": ch.new_key,
                "confidence": att.confidence,
                "in_force": att.in_force,
            }
        )
    laws: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in rows:
        sec = laws.setdefault(
            (r.section, r.law_slug),
            {
                "section": r.section,
                "law": r.law_slug,
                "law_title": r.law_title,
                "items": {},
            },
        )
        it = sec["items"].setdefault(
            r.item,
            {
                "item": r.item,
                "in_force": r.in_force,
                "in_force_status": r.in_force_status,
                "in_force_rule": r.in_force_rule,
                "parsed": True,
                "instructions": [],
                "changes": changes.get((r.section, r.item), []),
            },
        )
        it["parsed"] = it["parsed"] and r.parsed
        it["instructions"].append(
            {
                "action": r.action,
                "targets": [t.get("text") or t.get("key") for t in r.targets or []],
                "target_keys": [t.get("key") for t in r.targets or []],
                "old_text": r.old_text,
                "new_text": r.new_text,
                "parsed": r.parsed,
                "reason": r.reason,
                "sentence": r.sentence,
                **{k: v for k, v in (r.detail or {}).items() if k != "index"},
            }
        )
    sections = []
    for sec in laws.values():
        sec["items"] = list(sec["items"].values())
        sections.append(sec)
    items = [it for s in sections for it in s["items"]]
    signed = doc.signed if doc else None
    return {
        "eli": eli,
        "label": _label_for(eli, signed),
        "title": doc.title if doc else None,
        "signed": signed,
        "stored": doc is not None,
        "items": len(items),
        "items_parsed": sum(it["parsed"] for it in items),
        "instructions": len(rows),
        "changes": sum(len(v) for v in changes.values()),
        "sections": sections,
    }


# --- consolidation -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Chain:
    law_id: int
    slug: str
    title: str
    versions: tuple[tuple[int, str, int, dt.date | None], ...]  # (id, eli, document id, signed)


def _chain(session: Session, slug: str) -> _Chain | None:
    law = session.scalar(select(Law).where(Law.slug == slug))
    if law is None:
        return None
    vs = session.execute(
        select(Version.id, Version.eli, Version.document_id, Version.signed)
        .where(Version.law_id == law.id)
        .order_by(Version.position, Version.signed, Version.id)
    ).all()
    return _Chain(law.id, law.slug, law.title, tuple(tuple(v) for v in vs))  # type: ignore[misc]


def _doc(session: Session, document_id: int, eli: str) -> LawDocument:
    blob = session.scalar(select(Document.content).where(Document.id == document_id))
    if blob is None:
        raise ParseError(eli, "document bytes missing")
    return parse_document(decompress(blob), eli)


@dataclass
class Pending:
    """An item of a later act considered for the consolidation ahead."""

    act: AmendingAct
    item: AmendmentItem
    why: str  # "not incorporated in …" | "later change in Meta" | "stored act amending the law"
    repealed_by: str = ""  # "lov nr. 1662 af 20. december 2016, § 2, nr. 1 (i kraft …)"
    amended_by: list[str] = field(default_factory=list)  # amendments of the item: not modelled


_ACT_ITEM_KEY = re.compile(r"^(§ \d+)(?:, nr\. (\d+))?$")


def _acts_amending_acts(
    session: Session, after: dt.date | None, acts: dict[str, StoredAct], cache_: ActCache
) -> list[AmendingAct]:
    """Stored acts signed after ``after`` with a section "I lov nr. … om ændring af …"."""
    elis = {
        e
        for (e,) in session.execute(
            select(InstructionRow.act_eli)
            .where(InstructionRow.law_title.like("lov om ændring af%"))
            .distinct()
        )
    }
    out = []
    for eli in sorted(elis):
        sa = acts.get(eli)
        if (
            sa
            and (after is None or (sa.signed and sa.signed > after))
            and (a := cache_.get(session, sa)) is not None
        ):
            out.append(a)
    return out


def _mark_amended_items(pending: list[Pending], amenders: Sequence[AmendingAct]) -> None:
    """A later act may repeal or change an amending act's item before it takes effect (LOV
    2016/1662 § 2, nr. 1 repeals LOV 2016/647 § 1, nr. 5): such an item is not applied."""
    by_key = {(p.act.eli, p.item.section, p.item.number): p for p in pending}
    by_section: dict[tuple[str, str], list[Pending]] = {}
    for p in pending:
        by_section.setdefault((p.act.eli, p.item.section), []).append(p)
    for amender in amenders:
        for sec in amender.sections:
            base = sec.amended.base
            if not sec.amends_amending_act or base is None:
                continue
            for it in sec.items:
                when = f"i kraft {it.in_force.date}" if it.in_force.date else it.in_force.status
                who = f"{amender.label}, {sec.label}, nr. {it.number} ({when})"
                for ins in it.instructions:
                    for t in ins.targets:
                        m = _ACT_ITEM_KEY.match(t.key)
                        if not m:
                            continue
                        hit = (
                            [by_key[k]]
                            if m.group(2) and (k := (base.eli, m.group(1), m.group(2))) in by_key
                            else []
                            if m.group(2)
                            else by_section.get((base.eli, m.group(1)), [])
                        )
                        for p in hit:
                            if ins.action is Action.REPEAL and t.inner is None:
                                p.repealed_by = who
                            else:
                                p.amended_by.append(who)


def _pending(
    session: Session,
    chain: _Chain,
    newest: LawDocument,
    acts: dict[str, StoredAct],
    cache_: ActCache,
) -> tuple[list[Pending], list[dict[str, Any]]]:
    """Items of acts after the newest version, and later acts that are not stored."""
    law_title = normalize_law_title(newest.meta.title)
    incorporated: set[str] = set()
    for _, eli, doc_id, _ in chain.versions:
        blob = session.scalar(select(Document.content).where(Document.id == doc_id))
        intro = read_intro(decompress(blob), eli) if blob else None
        if intro:
            incorporated.update(r.eli for r in intro.incorporated)
    out: list[Pending] = []
    absent: list[dict[str, Any]] = []
    seen: set[str] = set()
    intro = newest.intro
    for ref in intro.not_incorporated if intro else ():
        if ref.eli not in acts:
            absent.append({"eli": ref.eli, "label": act_label(ref), "reason": "act not stored"})
            continue
        act = cache_.get(session, acts[ref.eli])
        if act is None:
            continue
        act = for_law(session, act, acts[ref.eli].document_id, chain.slug, law_title)
        seen.add(ref.eli)
        for it in select_items(act, law_title, ref):
            out.append(Pending(act, it, f"not incorporated in {newest.meta.eli}"))
    candidates: list[tuple[str, str]] = []
    for mc in newest.meta.later_changes:
        if mc.eli and not names_other_document(mc.text):
            candidates.append((mc.eli, f"later change listed in {newest.meta.eli}'s metadata"))
    signed = newest.meta.signed
    for (eli,) in session.execute(
        select(InstructionRow.act_eli).where(InstructionRow.law_slug == chain.slug).distinct()
    ):
        sa = acts.get(eli)
        if sa and signed and sa.signed and sa.signed > signed:
            candidates.append(
                (eli, "stored act amending this law, signed after the newest version")
            )
    stored_other = set(
        session.scalars(
            select(Document.eli).where(
                Document.eli.in_([e for e, _ in candidates]),
                Document.kind != "amending_act",
            )
        )
    )
    for eli, why in candidates:
        if eli in seen or eli in incorporated:
            continue
        seen.add(eli)
        if eli not in acts:
            if eli not in stored_other:  # a stored document that is no amending act: not one
                absent.append({"eli": eli, "label": None, "reason": "act not stored"})
            continue
        act = cache_.get(session, acts[eli])
        if act is None:
            continue
        act = for_law(session, act, acts[eli].document_id, chain.slug, law_title)
        for it in select_items(act, law_title):
            out.append(Pending(act, it, why))
    out.sort(key=lambda p: (p.act.signed or dt.date.max, p.act.eli))
    _mark_amended_items(out, _acts_amending_acts(session, signed, acts, cache_))
    return out, absent


def _item_dict(p: Pending, reason: str = "") -> dict[str, Any]:
    d = {
        "act_eli": p.act.eli,
        "act_label": p.act.label,
        "section": p.item.section,
        "item": p.item.number,
        "in_force": p.item.in_force.date,
        "in_force_status": p.item.in_force.status,
        "why": p.why,
    }
    if reason:
        d["reason"] = reason
    if p.amended_by:
        d["amended_by"] = [
            f"{x}: a change to the amending act itself, not applied" for x in p.amended_by
        ]
    return d


def consolidate_ahead(
    session: Session,
    slug: str,
    as_of: dt.date,
    *,
    include_undated: bool = False,
) -> dict[str, Any] | None:
    """The newest stored version plus the items of later acts in force on ``as_of``.

    Items whose in-force date the act leaves to the minister, to the publication date (not in
    the XML) or does not state are not applied unless ``include_undated``.
    """
    chain = _chain(session, slug)
    if chain is None or not chain.versions:
        return None
    _, eli, doc_id, _ = chain.versions[-1]
    newest = _doc(session, doc_id, eli)
    acts = stored_acts(session)
    cache_ = ActCache()
    pending, absent = _pending(session, chain, newest, acts, cache_)
    apply: list[Pending] = []
    skipped: list[dict[str, Any]] = []
    for p in pending:
        f = p.item.in_force
        if p.repealed_by:
            skipped.append(_item_dict(p, f"not applied: repealed by {p.repealed_by}"))
        elif f.status != "date" or f.date is None:
            if include_undated:
                apply.append(p)
            else:
                skipped.append(_item_dict(p, f"not applied: in-force date unknown ({f.status})"))
        elif f.date > as_of:
            skipped.append(_item_dict(p, f"not applied: in force {f.date}, after {as_of}"))
        else:
            apply.append(p)
    labels = list(dict.fromkeys(p.act.label for p in apply))
    res = apply_instructions(newest.provisions, [p.item for p in apply], acts=labels)
    base = {p.key: normalise(p.text) for p in newest.provisions}
    provisions = [
        {
            "key": p.key,
            "label": p.label,
            "text": p.text,
            "changed": base.get(p.key) != normalise(p.text),
        }
        for p in res.provisions
    ]
    by_act: dict[str, dict[str, Any]] = {}
    for p in apply:
        a = by_act.setdefault(
            p.act.eli, {"eli": p.act.eli, "label": p.act.label, "items": [], "why": p.why}
        )
        entry = {"section": p.item.section, "item": p.item.number,
                 "in_force": p.item.in_force.date}  # fmt: skip
        if p.amended_by:
            entry["warning"] = "amended by " + "; ".join(p.amended_by) + ": applied as enacted"
        a["items"].append(entry)
    return {
        "law": slug,
        "title": chain.title,
        "unofficial": True,
        "label": res.label,
        "base_version": eli,
        "base_signed": newest.meta.signed,
        "as_of": as_of,
        "include_undated": include_undated,
        "acts_applied": list(by_act.values()),
        "not_applied": skipped,
        "acts_not_stored": absent,
        "instructions": {
            "applied": res.applied,
            "failed": len(res.failed),
            "skipped": sum(r.status == "skipped" for r in res.results),
            "problems": [
                {
                    "act_item": f"{r.instruction.section}, nr. {r.instruction.item}",
                    "status": r.status,
                    "reason": r.reason,
                    "sentence": r.instruction.raw,
                }
                for r in res.results
                if r.status != "applied"
            ],
        },
        "changed": sum(p["changed"] for p in provisions)
        + len(set(base) - {p.key for p in res.provisions}),
        "removed": sorted(set(base) - {p.key for p in res.provisions}),
        "provisions": provisions,
    }


@dataclass
class Ahead:
    """A law's look ahead: the changes of acts after its newest stored version (Lovspor's
    unofficial reading), with what was left out and why."""

    law: str
    base_version_id: int
    base_eli: str
    changes: list[AttributedChange]
    act_signed: dict[str, dt.date | None]  # act ELI → signing date
    left_out: list[dict[str, Any]]  # items not applied: repealed, undated, after `until`
    acts_not_stored: list[dict[str, Any]]


def look_ahead(
    session: Session,
    slug: str,
    until: dt.date | None = None,
    *,
    include_undated: bool = False,
    acts: dict[str, StoredAct] | None = None,
    cache_: ActCache | None = None,
) -> Ahead | None:
    """What the acts not yet incorporated in `slug`'s newest stored version will change, by
    `until` (None: every dated item). None when the law has no stored version."""
    chain = _chain(session, slug)
    if chain is None or not chain.versions:
        return None
    vid, eli, doc_id, _ = chain.versions[-1]
    newest = _doc(session, doc_id, eli)
    acts = stored_acts(session) if acts is None else acts
    cache_ = ActCache() if cache_ is None else cache_
    pending, absent = _pending(session, chain, newest, acts, cache_)
    left: list[dict[str, Any]] = []
    usable: list[PendingItem] = []
    for p in pending:
        if p.repealed_by:
            left.append(_item_dict(p, f"not applied: repealed by {p.repealed_by}"))
        else:
            usable.append(PendingItem(p.act, p.item))
    keep, rest = in_window(usable, until, include_undated=include_undated)
    by_item = {(p.act.eli, p.item.section, p.item.number): p for p in pending}
    for item, why in rest:
        left.append(_item_dict(by_item[(item.act.eli, item.item.section, item.item.number)],
                               f"not applied: {why}"))
    return Ahead(
        slug, vid, eli, changes_ahead(newest.provisions, keep),
        {p.act.eli: p.act.signed for p in pending}, left, absent,
    )


def ahead_selected(
    att: Attribution,
    signed: dt.date | None,
    *,
    act: str | None = None,
    in_force: tuple[dt.date | None, dt.date | None] = (None, None),
    signed_in: tuple[dt.date | None, dt.date | None] = (None, None),
) -> bool:
    """Whether a look-ahead change's item falls in a window: by act, by the item's in-force
    date, or by the act's signing date (the same selections the stored changes offer)."""

    def inside(day: dt.date | None, lo: dt.date | None, hi: dt.date | None) -> bool:
        return day is not None and not ((lo and day < lo) or (hi and day > hi))

    if act:
        return att.act_eli == act
    if in_force != (None, None):
        return inside(att.in_force, *in_force)
    if signed_in != (None, None):
        return inside(signed, *signed_in)
    return True


def check_pairs(session: Session, slug: str) -> dict[str, Any] | None:
    """Replay every consecutive stored pair whose previous version and incorporated acts are
    all stored, and compare with the real next version provision by provision."""
    chain = _chain(session, slug)
    if chain is None:
        return None
    acts = stored_acts(session)
    cache_ = ActCache()
    pairs: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    docs: dict[int, LawDocument] = {}

    def doc(i: int) -> LawDocument:
        if i not in docs:
            docs[i] = _doc(session, chain.versions[i][2], chain.versions[i][1])
        return docs[i]

    for i in range(1, len(chain.versions)):
        prev_eli, new_eli = chain.versions[i - 1][1], chain.versions[i][1]
        new = doc(i)
        intro = new.intro
        if intro is None or intro.previous is None or intro.previous.eli != prev_eli:
            skipped.append({"old": prev_eli, "new": new_eli,
                            "reason": "the newer version's Indledning does not name the previous one"})  # fmt: skip
            continue
        missing = [r.eli for r in intro.incorporated if r.eli not in acts]
        if missing:
            skipped.append({"old": prev_eli, "new": new_eli,
                            "reason": "incorporated acts not stored: " + ", ".join(missing)})  # fmt: skip
            continue
        prev = doc(i - 1)
        law = normalize_law_title(new.meta.title)
        inc = []
        for r in intro.incorporated:
            a = cache_.get(session, acts[r.eli])
            inc.append((r, for_law(session, a, acts[r.eli].document_id, slug, law) if a else None))
        items = [
            it
            for ref, a in inc
            if a is not None
            for it in select_items(a, law, ref, intro.not_incorporated)
        ]
        # §§ that lapse between the two versions (sunset clauses in the previous version's
        # Ikraft notes) are repealed by no listed item: apply them too, named in `acts`.
        sunsets = sunset_clauses(prev.blocks, law, prev.meta.signed, new.meta.signed)
        res = apply_instructions(
            prev.provisions,
            [*items, *(s.instruction() for s in sunsets)],
            acts=[a.label for _, a in inc if a is not None] + [s.act_label for s in sunsets],
        )
        rep = check_against(res.provisions, new.provisions, prev.provisions, res.provenance)
        den = [k for k in rep.changed if k not in rep.without_act]
        ok = [k for k in rep.changed_identical if k not in rep.without_act]
        rows = {r.key: r for r in rep.rows}
        pairs.append(
            {
                "old": prev_eli,
                "new": new_eli,
                "acts": [a.label for _, a in inc if a is not None]
                + [f"{s.act_label} (ikraft: {s.rule})" for s in sunsets],
                "items": len(items),
                "instructions": len(res.results),
                "applied": res.applied,
                "failed": len(res.failed),
                "provisions": rep.counts,
                "changed": len(rep.changed),
                "without_act": len(rep.without_act),
                "predicted_exactly": len(ok),
                "of": len(den),
                "rate": round(rep.act_changed_rate, 4),
                # ministry renames the new version made without an act (ressortændringer):
                # applied to the replay, the changes they explain are marked editorial
                "renames": dict(rep.renames),
                "predicted_with_renames": len(ok) + len(
                    [k for k in rep.renamed if k not in rep.without_act]),
                "rate_with_renames": round(rep.act_changed_rate_with_renames, 4),
                "changed_provisions": [
                    {
                        "key": k,
                        "status": (
                            "identical"
                            if k in rep.changed_identical
                            else "editorial"
                            if k in rep.renamed
                            else rows[k].status
                            if k in rows
                            else "missing"
                        ),
                        "without_act": k in rep.without_act,
                        "difference": rows[k].difference if k in rows else "",
                        "predicted": rows[k].predicted if k in rows else None,
                        "actual": rows[k].actual if k in rows else None,
                    }
                    for k in rep.changed
                ],
                "failures": [
                    {
                        "act_item": f"{r.instruction.section}, nr. {r.instruction.item}",
                        "reason": r.reason,
                        "sentence": r.instruction.raw,
                    }
                    for r in res.failed
                ],
            }
        )
    good = sum(p["predicted_exactly"] for p in pairs)
    total = sum(p["of"] for p in pairs)
    return {
        "law": slug,
        "pairs": pairs,
        "skipped": skipped,
        "predicted_exactly": good,
        "of": total,
        "rate": round(good / total, 4) if total else None,
    }


def pair_refs(session: Session, chains: Iterable[tuple[int, str, Sequence[Any]]]) -> list[PairRef]:
    """Consecutive pairs with stored changes (identity breaks excluded), from analyze's chains."""
    out: list[PairRef] = []
    for law_id, slug, versions in chains:
        for prev, cur in itertools.pairwise(versions):
            marker = getattr(cur, "against", None) or ""
            if marker != str(prev.id):
                continue
            out.append(
                PairRef(law_id, slug, prev.id, cur.id, prev.eli, cur.eli, cur.document_id, marker)
            )
    return out


def provenance_for(
    session: Session, old: LawDocument, new: LawDocument, changes: Sequence[ProvisionChange]
) -> tuple[list[AttributedChange] | None, str]:
    """Attribution of an ad-hoc diff (`lovspor diff`), from the acts stored in the database.
    Only consecutive versions (the newer one's Indledning names the older one) have a
    provenance: between others, several consolidations' acts overlap."""
    intro = new.intro
    if intro is None:
        return None, f"{new.meta.eli} has no Indledning naming the acts it incorporates"
    if intro.previous is None or intro.previous.eli != old.meta.eli:
        prev = intro.previous.eli if intro.previous else "no previous version"
        return None, f"not consecutive versions: {new.meta.eli} follows {prev}"
    acts = stored_acts(session)
    cache_ = ActCache()
    inc = [
        (r, a)
        for r in intro.incorporated
        if r.eli in acts and (a := cache_.get(session, acts[r.eli])) is not None
    ]
    missing = [r for r in intro.incorporated if r.eli not in acts]
    law_title = normalize_law_title(new.meta.title)
    res = attribute(
        changes,
        inc,
        base=old.provisions,
        law_title=law_title,
        not_incorporated=intro.not_incorporated,
        sunsets=sunset_clauses(old.blocks, law_title, old.meta.signed, new.meta.signed),
    )
    return _with_missing(res, intro, missing), ""


def attribution_dict(
    status: str | None, attributions: Sequence[Attribution], note: str | None
) -> dict[str, Any]:
    """The provenance fields every change carries in JSON (`changes`, `diff`)."""
    first = attributions[0] if attributions else None
    return {
        "attribution": status,
        "act_eli": first.act_eli if first else None,
        "act_label": first.act_label if first else None,
        "act_section": first.section if first else None,
        "act_item": first.item if first else None,
        "in_force": first.in_force if first else None,
        "attribution_note": note,
        "attributions": [
            {
                "act_eli": a.act_eli,
                "act_label": a.act_label,
                "act_section": a.section,
                "act_item": a.item,
                "in_force": a.in_force,
                "confidence": a.confidence,
            }
            for a in attributions
        ],
    }


def provenance_line(
    status: str | None, attributions: Sequence[Attribution], note: str | None
) -> str:
    """One line for a jurist: which act, §, item, in force when, and how sure."""
    if attributions:
        parts = []
        for a in attributions:
            where = ", ".join(x for x in (a.section, f"nr. {a.item}" if a.item else "") if x)
            when = f"i kraft {a.in_force}" if a.in_force else "ikrafttræden ukendt"
            parts.append(f"{a.act_label}{', ' + where if where else ''} ({when}; {a.confidence})")
        return "↳ " + "; ".join(parts)
    if status == "no_act":
        return f"↳ ingen ændringslov bag: {note or ''}".rstrip(": ")
    if status == "unattributed":
        return f"↳ ikke henført: {note or ''}".rstrip(": ")
    return "↳ hjemmel ikke beregnet (kør `lovspor analyze`)"

"""Database ↔ lawdiff: store each version's provisions and each consecutive pair's changes.

Incremental by construction: each version records what its analysis was computed from
(typed columns: the predecessor it was diffed against, both documents' revisions, and the
fingerprint of the code that shapes a result), so adding a version costs one parse and one
diff; a re-ordered chain (a gap filled), a new revision of a stored document or a new
Lovspor whose parser or differ changed recomputes exactly the pairs that depend on it. Each
pair is one transaction.
A main act that follows another version in a chain (a replacement act) starts a new
identity line: its provisions are stored, but it is not diffed against the act it replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.models import (
    AmendingLink,
    ChangeAttributionRow,
    ChangeRow,
    Document,
    DocumentSection,
    InstructionRow,
    Law,
    ProvisionRow,
    Version,
)
from db.session import session_scope
from db.store import clear_analysis_failure, decompress, record_analysis_failure
from lawdiff.diff import diff_versions
from lawdiff.model import (
    ActRef,
    Attribution,
    DocKind,
    LawDocument,
    Level,
    Provision,
    ProvisionChange,
)
from lawdiff.parse import ParseError, load_root, parse_document
from lawdiff.stats import (
    ActSectionFact,
    ChangeFact,
    InstructionFact,
    PairFacts,
    StatsResult,
    VersionFacts,
    compute_stats,
)
from lawdiff.stats import version_size as _version_size
from lovspor.amendments import (
    ActCache,
    ActsReport,
    PairRef,
    StoredAct,
    attribute_pair,
    attribution_key,
    clear_attr_marker,
    pair_intro,
    pair_refs,
    read_attr_marker,
    store_acts,
    write_attr_marker,
)
from lovspor.failures import FATAL, reason_of

START = "start"  # first version of a chain
BREAK = "break:{}"  # a replacement main act: new identity line after version id {}


@dataclass
class AnalyzeReport:
    laws: int = 0
    versions: int = 0
    parsed: int = 0  # documents parsed in this run
    provisions_stored: int = 0
    pairs_done: int = 0  # pairs diffed in this run
    pairs_skipped: int = 0  # pairs already analysed
    changes: int = 0  # change rows written in this run
    identity_breaks: list[tuple[str, str]] = field(default_factory=list)  # (law, eli)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (eli, reason)
    seconds: float = 0.0
    acts_parsed: int = 0  # amending acts whose instructions were (re)stored in this run
    acts_skipped: int = 0  # already stored with the same bytes and parser
    instructions: int = 0  # instruction rows written in this run
    instructions_unparsed: int = 0
    pairs_attributed: int = 0  # pairs whose provenance was (re)computed in this run
    attribution_skipped: int = 0
    # per pair (all stored pairs): coverage and what could not be attributed, and why
    attribution: list[dict[str, object]] = field(default_factory=list)
    seconds_amendments: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "laws": self.laws,
            "versions": self.versions,
            "parsed": self.parsed,
            "provisions_stored": self.provisions_stored,
            "pairs_done": self.pairs_done,
            "pairs_skipped": self.pairs_skipped,
            "changes": self.changes,
            "identity_breaks": [{"law": law, "eli": eli} for law, eli in self.identity_breaks],
            "failed": [{"eli": e, "reason": r} for e, r in self.failed],
            "seconds": round(self.seconds, 3),
            "acts_parsed": self.acts_parsed,
            "acts_skipped": self.acts_skipped,
            "instructions": self.instructions,
            "instructions_unparsed": self.instructions_unparsed,
            "pairs_attributed": self.pairs_attributed,
            "attribution_skipped": self.attribution_skipped,
            "seconds_amendments": round(self.seconds_amendments, 3),
            "attribution": self.attribution,
        }


@dataclass(frozen=True, slots=True)
class _V:
    id: int
    eli: str
    document_id: int
    signed: dt.date | None
    analyzed: bool
    kind: str | None
    against: str | None = None  # Version.analysed_against
    analysed_document_id: int | None = None
    against_document_id: int | None = None
    analyser: str | None = None


#: Every module whose code shapes a stored diff: a change in any of them re-analyses.
ANALYSER = ("lawdiff.parse", "lawdiff.diff", "lawdiff.tokens", "lawdiff.keys",
            "lawdiff.numbers", "lawdiff.model", "lawdiff.stats", "lovspor.analyze")


@cache
def analyser_fingerprint() -> str:
    """Hash of the differ's sources (see ANALYSER): stored provisions and changes made by
    other code are derived data and are redone."""
    h = hashlib.sha1()
    for name in ANALYSER:
        spec = importlib.util.find_spec(name)
        if spec and spec.origin:
            h.update(Path(spec.origin).read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class _Step:
    law_id: int
    law: str
    prev: _V | None
    cur: _V
    marker: str
    identity_break: bool


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _chains(session: Session, laws: Iterable[str] | None) -> list[tuple[int, str, list[_V]]]:
    q = (
        select(Law.id, Law.slug, Version.id, Version.eli, Version.document_id, Version.signed)
        .add_columns(Version.analyzed, Document.kind, Version.analysed_against,
                     Version.analysed_document_id, Version.analysed_against_document_id,
                     Version.analyser)
        .join(Version, Version.law_id == Law.id)
        .join(Document, Document.id == Version.document_id)
        .order_by(Law.slug, Version.position, Version.signed, Version.id)
    )
    wanted = set(laws) if laws else None
    out: dict[int, tuple[int, str, list[_V]]] = {}
    for law_id, slug, vid, eli, doc_id, signed, analyzed, kind, *state in session.execute(q):
        if wanted is not None and slug not in wanted:
            continue
        out.setdefault(law_id, (law_id, slug, []))[2].append(
            _V(vid, eli, doc_id, signed, bool(analyzed), kind, *state)
        )
    return list(out.values())


def _up_to_date(v: _V, prev: _V | None, marker: str) -> bool:
    """The stored analysis of `v` was made from exactly today's inputs."""
    return (
        v.analyzed
        and v.against == marker
        and v.analysed_document_id == v.document_id
        and (prev is None or v.against_document_id == prev.document_id)
        and v.analyser == analyser_fingerprint()
    )


def _plan(session: Session, chains: list[tuple[int, str, list[_V]]]) -> tuple[list[_Step], int]:
    steps: list[_Step] = []
    skipped = 0
    for law_id, slug, versions in chains:
        prev: _V | None = None
        for v in versions:
            brk = prev is not None and v.kind == DocKind.MAIN_ACT.value
            marker = START if prev is None else (BREAK.format(prev.id) if brk else str(prev.id))
            if _up_to_date(v, prev, marker):
                skipped += 1 if prev is not None else 0
            else:
                steps.append(_Step(law_id, slug, prev, v, marker, brk))
            prev = v
    return steps, skipped


def _parse_version(session: Session, v: _V) -> LawDocument:
    blob = session.scalar(select(Document.content).where(Document.id == v.document_id))
    if blob is None:
        raise ParseError(v.eli, "document bytes missing")
    return parse_document(decompress(blob), v.eli)


def provision_from_fields(
    key: str,
    level: str,
    label: str,
    parent: str | None,
    text: str,
    position: int,
    chapter: str | None = None,
    section: str | None = None,
    heading: str | None = None,
) -> Provision:
    """A stored provision back as the model's `Provision` (the number is the key's last part)."""
    last = key.rsplit(", ", 1)[-1]
    number = last[2:] if level == Level.PARAGRAF.value else last.split(" ", 1)[-1]
    return Provision(
        key=key,
        level=Level(level),
        number=number,
        label=label,
        parent=parent,
        text=text,
        position=position,
        chapter=chapter,
        section=section,
        heading=heading,
    )


def load_provisions(session: Session, version_id: int) -> list[Provision]:
    """A stored version's provisions in document order (no re-parse; plain rows, not ORM
    objects: a version has ~1,300 of them and statistics read every version)."""
    rows = session.execute(
        select(
            ProvisionRow.key,
            ProvisionRow.level,
            ProvisionRow.label,
            ProvisionRow.parent_key,
            ProvisionRow.text,
            ProvisionRow.position,
            ProvisionRow.chapter,
            ProvisionRow.section,
            ProvisionRow.heading,
        )
        .where(ProvisionRow.version_id == version_id)
        .order_by(ProvisionRow.position)
    )
    return [provision_from_fields(*r) for r in rows]


def _backfill_sizes(session: Session) -> None:
    """Versions analysed before their sizes were stored get them once (migration 0003)."""
    stale = session.scalars(
        select(Version.id).where(
            Version.paragraphs_in_force.is_(None),
            Version.id.in_(select(ProvisionRow.version_id).distinct()),
        )
    ).all()
    for vid in stale:
        n_par, n_words = _version_size(load_provisions(session, vid))
        session.execute(
            update(Version)
            .where(Version.id == vid)
            .values(paragraphs_in_force=n_par, words_in_force=n_words)
        )


def _store_provisions(
    session: Session, law_id: int, version_id: int, provs: Sequence[Provision]
) -> int:
    session.execute(delete(ProvisionRow).where(ProvisionRow.version_id == version_id))
    n_par, n_words = _version_size(provs)
    session.execute(
        update(Version)
        .where(Version.id == version_id)
        .values(paragraphs_in_force=n_par, words_in_force=n_words)
    )
    if not provs:
        return 0
    session.execute(
        ProvisionRow.__table__.insert(),
        [
            {
                "version_id": version_id,
                "law_id": law_id,
                "key": p.key,
                "level": p.level.value,
                "parent_key": p.parent,
                "label": p.label[:60],
                "text": p.text,
                "hash": text_hash(p.text),
                "position": p.position,
                "chapter": p.chapter,
                "section": p.section,
                "heading": p.heading,
            }
            for p in provs
        ],
    )
    return len(provs)


def _attribution(doc: LawDocument) -> tuple[ActRef | None, str]:
    acts = doc.intro.incorporated if doc.intro else ()
    if len(acts) == 1:
        return acts[0], "act"
    return None, "none"


def change_record(
    ch: ProvisionChange,
    *,
    law_id: int,
    old_version_id: int,
    new_version_id: int,
    signed: dt.date | None,
    act: ActRef | None,
    attribution: str,
) -> dict[str, object]:
    section = act.parts[0].paragraph if act and len(act.parts) == 1 else None
    return {
        "law_id": law_id,
        "old_version_id": old_version_id,
        "new_version_id": new_version_id,
        "kind": ch.kind.value,
        "level": ch.level.value,
        "old_key": ch.old_key,
        "new_key": ch.new_key,
        "paragraph_key": ch.paragraph_key[:40],
        "old_text": ch.old_text,
        "new_text": ch.new_text,
        "ops": [[o.op, o.text] for o in ch.ops],
        "similarity": ch.similarity,
        "signed": signed,
        "in_force": None,
        "act_eli": act.eli if act else None,
        "act_label": act.text[:200] if act else None,
        "act_section": section,
        "act_item": None,
        "attribution": attribution,
    }


def _set_marker(session: Session, step: _Step) -> None:
    """Record what this version's analysis was computed from (typed, on the version)."""
    row = session.get(Version, step.cur.id)
    assert row is not None
    row.analysed_against = step.marker
    row.analysed_document_id = step.cur.document_id
    row.analysed_against_document_id = step.prev.document_id if step.prev else None
    row.analyser = analyser_fingerprint()
    row.analyzed = True


def _run_step(
    session: Session, step: _Step, cache: dict[int, list[Provision]], report: AnalyzeReport
) -> None:
    cur = step.cur
    doc = _parse_version(session, cur)
    report.parsed += 1
    provs = list(doc.provisions)
    report.provisions_stored += _store_provisions(session, step.law_id, cur.id, provs)
    session.execute(delete(ChangeRow).where(ChangeRow.new_version_id == cur.id))
    clear_attr_marker(session, cur.id)  # fresh change rows: provenance must be redone
    if step.prev is not None and not step.identity_break:
        old = cache.get(step.prev.id)
        if old is None:
            old = load_provisions(session, step.prev.id)
            if not old:  # predecessor never stored (failed earlier): parse it now
                prev_doc = _parse_version(session, step.prev)
                report.parsed += 1
                old = list(prev_doc.provisions)
                report.provisions_stored += _store_provisions(
                    session, step.law_id, step.prev.id, old
                )
        changes = diff_versions(old, provs)
        act, how = _attribution(doc)
        signed = cur.signed or doc.meta.signed
        if changes:
            session.execute(
                ChangeRow.__table__.insert(),
                [
                    change_record(
                        c,
                        law_id=step.law_id,
                        old_version_id=step.prev.id,
                        new_version_id=cur.id,
                        signed=signed,
                        act=act,
                        attribution=how,
                    )
                    for c in changes
                ],
            )
        report.changes += len(changes)
        report.pairs_done += 1
    elif step.identity_break:
        report.identity_breaks.append((step.law, cur.eli))
    _set_marker(session, step)
    cache.clear()
    cache[cur.id] = provs


def analyze(
    db_url: str,
    progress: bool = True,
    laws: Iterable[str] | None = None,
    on_step: Callable[[str, str], None] | None = None,
) -> AnalyzeReport:
    """Store provisions and consecutive-pair changes for every law's version chain.

    Pairs already analysed are skipped; each remaining pair is committed on its own, so an
    interrupted run keeps what it finished.
    """
    t0 = time.perf_counter()
    report = AnalyzeReport()
    with session_scope(db_url) as s:
        chains = _chains(s, laws)
        steps, report.pairs_skipped = _plan(s, chains)
        _backfill_sizes(s)
    report.laws = len(chains)
    report.versions = sum(len(v) for _, _, v in chains)
    cache: dict[int, list[Provision]] = {}

    def run_all(advance: Callable[[], None]) -> None:
        for step in steps:
            if on_step:
                on_step(step.law, step.cur.eli)
            try:
                with session_scope(db_url) as s:
                    _run_step(s, step, cache, report)
                    clear_analysis_failure(s, stage="pair", subject=step.cur.eli)
            except FATAL:
                raise
            except Exception as exc:  # one bad version never stops the run
                cache.clear()
                reason = reason_of(exc)
                report.failed.append((step.cur.eli, reason))
                with session_scope(db_url) as s:
                    record_analysis_failure(
                        s, stage="pair", subject=step.cur.eli, reason=reason, law_slug=step.law
                    )
            advance()

    if progress and steps:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with Progress(
            TextColumn("Analyserer"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=False,
        ) as bar:
            task = bar.add_task("analyze", total=len(steps))
            run_all(lambda: bar.advance(task))
    else:
        run_all(lambda: None)
    t1 = time.perf_counter()
    amendments(db_url, report, laws)
    report.seconds_amendments = time.perf_counter() - t1
    report.seconds = time.perf_counter() - t0
    return report


def amendments(db_url: str, report: AnalyzeReport, laws: Iterable[str] | None = None) -> None:
    """Store every new amending act's instructions (one transaction), then (re)attribute
    each pair whose diff, library or set of stored incorporated acts changed (one
    transaction per pair)."""
    cache = ActCache()
    acts_report = ActsReport()
    with session_scope(db_url) as s:
        acts = store_acts(s, cache, acts_report)
        pairs = pair_refs(s, _chains(s, laws))
    report.acts_parsed, report.acts_skipped = acts_report.parsed, acts_report.skipped
    report.instructions = acts_report.instructions
    report.instructions_unparsed = acts_report.unparsed
    for pair in pairs:
        try:
            _attribute_one(db_url, pair, acts, cache, report)
        except FATAL:
            raise
        except Exception as exc:  # one pair that cannot be attributed never stops the run
            reason = reason_of(exc)
            report.failed.append((pair.new_eli, f"attribution: {reason}"))
            with session_scope(db_url) as s:
                record_analysis_failure(
                    s, stage="attribution", subject=pair.new_eli, reason=reason, law_slug=pair.law
                )
    report.failed.extend((eli, f"amending act: {r}") for eli, r in acts_report.failed)


def _attribute_one(
    db_url: str, pair: PairRef, acts: dict[str, StoredAct], cache: ActCache, report: AnalyzeReport
) -> None:
    """Attribute one pair in its own transaction, unless nothing it depends on changed."""
    with session_scope(db_url) as s:
        old_key, summary = read_attr_marker(s, pair.new_id)
        # the acts the Indledning names are kept in the summary: no re-read when unchanged
        intro = None
        if (
            summary is not None
            and old_key
            and old_key.startswith(f"{pair.marker}|{pair.new_document_id}|")
        ):
            named = summary.get("named_acts", [])
        else:
            intro = pair_intro(s, pair)
            named = [r.eli for r in intro.incorporated] if intro else []
        key = attribution_key(pair, named, acts)
        if old_key == key and summary is not None:
            report.attribution_skipped += 1
            report.attribution.append({**summary, "redone": False})
            return
        if intro is None:
            intro = pair_intro(s, pair)
        base = load_provisions(s, pair.old_id)
        summary = attribute_pair(s, pair, acts, cache, base, intro)
        write_attr_marker(s, pair.new_id, key, summary)
        clear_analysis_failure(s, stage="attribution", subject=pair.new_eli)
    report.pairs_attributed += 1
    report.attribution.append({**summary, "redone": True})


# --- reading back: changes and statistics ------------------------------------------------


def intro_of(data: bytes, source: str = "<bytes>") -> tuple[ActRef, ...]:
    """The amending acts a consolidated act's Indledning says it incorporates (cheap: only
    the Indledning is read, no provision tree)."""
    from lawdiff.parse import char_text
    from lawdiff.refs import parse_intro

    root = load_root(data, source)
    ind = root.find("DokumentIndhold/Indledning")
    if ind is None:
        return ()
    text = "\n".join(char_text(ex) for ex in ind.iterchildren("Exitus"))
    return parse_intro(text).incorporated


def stats_facts(
    session: Session, laws: Iterable[str] | None = None
) -> tuple[list[VersionFacts], list[PairFacts], dict[tuple[str, str, str], int]]:
    """Everything `lawdiff.stats.compute_stats` needs, read from an analysed database."""
    chains = _chains(session, laws)
    versions: list[VersionFacts] = []
    pairs: list[PairFacts] = []
    for law_id, slug, chain in chains:
        prev: _V | None = None
        for v in chain:
            vf = session.get(Version, v.id)
            if vf is not None and vf.paragraphs_in_force is not None:
                n_par, n_words = vf.paragraphs_in_force, vf.words_in_force or 0
            else:  # analysed before the sizes were stored
                n_par, n_words = _version_size(load_provisions(session, v.id))
            blob = session.scalar(select(Document.content).where(Document.id == v.document_id))
            try:
                acts = intro_of(decompress(blob), v.eli) if blob else ()
            except ParseError:
                acts = ()
            versions.append(
                VersionFacts(
                    slug, v.eli, v.signed, vf.valid_from if vf else None, n_par, n_words,
                    acts=acts if prev is None else (),  # later versions: on their pair
                )
            )
            if prev is not None:
                marker = v.against or ""
                rows = session.execute(
                    select(
                        ChangeRow.id,
                        ChangeRow.paragraph_key,
                        ChangeRow.kind,
                        ChangeRow.level,
                        ChangeRow.in_force,
                        ChangeRow.act_eli,
                        ChangeRow.attribution,
                    ).where(ChangeRow.new_version_id == v.id, ChangeRow.old_version_id == prev.id)
                ).all()
                atts: dict[int, list[tuple[str, dt.date | None]]] = {}
                for cid, a_eli, a_in_force in session.execute(
                    select(
                        ChangeAttributionRow.change_id,
                        ChangeAttributionRow.act_eli,
                        ChangeAttributionRow.in_force,
                    )
                    .join(ChangeRow, ChangeRow.id == ChangeAttributionRow.change_id)
                    .where(
                        ChangeRow.new_version_id == v.id,
                        ChangeAttributionRow.confidence.in_(("exact", "sunset", "paragraph")),
                    )
                ):
                    atts.setdefault(cid, []).append((a_eli, a_in_force))
                # one fact per attributed item: (act, §) is certain at exact and § confidence
                facts = tuple(
                    ChangeFact(
                        r.paragraph_key,
                        r.kind,
                        r.level,
                        f_in_force,
                        f_eli,
                        no_act=r.attribution == "no_act",
                    )
                    for r in rows
                    for f_eli, f_in_force in atts.get(r.id) or [(None, r.in_force)]
                )
                pairs.append(
                    PairFacts(
                        slug,
                        prev.eli,
                        v.eli,
                        v.signed,
                        acts,
                        facts,
                        identity_break=marker.startswith("break:"),
                    )
                )
            prev = v
        del law_id
    section_items: dict[tuple[str, str, str], int] = {}
    q = select(Law.slug, AmendingLink.eli, AmendingLink.section, AmendingLink.items).join(
        Law, Law.id == AmendingLink.law_id
    )
    for slug, eli, section, items in session.execute(q):
        if items:
            key = (slug, eli, section)
            section_items[key] = max(items, section_items.get(key, 0))
    return versions, pairs, section_items


_NOT_A_PARAGRAPH = {"heading", "chapter", "part", "annex", "act_item"}


def instruction_facts(session: Session, laws: Iterable[str] | None = None) -> list[InstructionFact]:
    """The stored acts' numbered items per law, with the §§ their instructions touch."""
    wanted = set(laws) if laws else None
    q = (
        select(InstructionRow, Document.signed)
        .join(Document, Document.id == InstructionRow.document_id)
        .where(InstructionRow.law_slug.is_not(None))
        .order_by(InstructionRow.act_eli, InstructionRow.seq)
    )
    items: dict[tuple[str, str, str, str], tuple[dt.date | None, dt.date | None, set[str]]] = {}
    for r, signed in session.execute(q):
        if wanted is not None and r.law_slug not in wanted:
            continue
        key = (r.law_slug, r.act_eli, r.section, r.item)
        paras = items.setdefault(key, (signed, r.in_force, set()))[2]
        keys: list[str] = []
        for t in r.targets or []:
            if t.get("kind") == "law":
                paras.add("(hele loven)")
            elif t.get("kind") not in _NOT_A_PARAGRAPH:
                keys.extend(k for k in (t.get("key"), t.get("new_key")) if k)
        detail = r.detail or {}
        keys.extend(detail.get("new_keys", []))
        keys.extend(k for pair in detail.get("renumber", []) for k in pair)
        paras.update(k.split(",", 1)[0] for k in keys if k.startswith("§"))
    return [
        InstructionFact(law, eli, signed, sec, item, in_force, tuple(sorted(paras)))
        for (law, eli, sec, item), (signed, in_force, paras) in items.items()
    ]


def section_facts(session: Session, laws: Iterable[str] | None = None) -> list[ActSectionFact]:
    """Every stored act section and the law it resolved to (document_sections, latest
    revision of each document): acts:sections counts an act for a law from these alone."""
    wanted = set(laws) if laws else None
    q = (
        select(DocumentSection.law_slug, Document.eli, Document.signed, DocumentSection.section)
        .join(Document, Document.id == DocumentSection.document_id)
        .where(DocumentSection.law_slug.is_not(None), Document.is_latest.is_(True))
    )
    return [
        ActSectionFact(slug, eli, signed, section)
        for slug, eli, signed, section in session.execute(q)
        if wanted is None or slug in wanted
    ]


def stats_frame(rows: Sequence[dict[str, Any]]) -> Any:
    """Stats rows as a DataFrame whose counts and years are integers (nullable Int64), not
    the floats pandas makes of an int column with a gap: one place for the CLI's exports and
    the dashboard, so a CSV says 2015, never 2015.0, and no NaN shows."""
    import pandas as pd

    df = pd.DataFrame(list(rows))
    for col in df.columns:
        values = [r.get(col) for r in rows]
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            df[col] = pd.array(values, dtype="Int64")
    return df


def statistics(
    db_url: str,
    *,
    laws: Iterable[str] | None = None,
    by: str = "signed",
    from_year: int | None = None,
    to_year: int | None = None,
    all_laws: bool = False,
) -> StatsResult:
    """Counts per law × year. By default over the laws whose versions are stored (the laws
    Lovspor follows); `all_laws` adds laws known only because a stored act amends them,
    which then have instruction-based counts and nothing from diffs."""
    with session_scope(db_url) as s:
        if laws:
            laws = list(laws)
        elif not all_laws:
            laws = sorted(set(s.scalars(select(Law.slug).join(Version, Version.law_id == Law.id))))
        else:
            laws = None
        versions, pairs, section_items = stats_facts(s, laws)
        instructions = instruction_facts(s, laws)
        sections = section_facts(s, laws)
    return compute_stats(
        versions,
        pairs,
        section_items,
        by="in-force" if by == "in-force" else "signed",
        laws=laws,
        from_year=from_year,
        to_year=to_year,
        instructions=instructions,
        sections=sections,
    )


@dataclass(frozen=True, slots=True)
class StoredChange:
    law: str
    old_eli: str
    new_eli: str
    signed: dt.date | None
    in_force: dt.date | None
    change: ProvisionChange
    act_eli: str | None
    act_label: str | None
    attribution: str | None
    act_section: str | None = None
    act_item: str | None = None
    attribution_note: str | None = None
    attributions: tuple[Attribution, ...] = ()  # every item behind it (first = act_* columns)
    unofficial: bool = False  # the look ahead: an act not yet in a stored consolidated version


def ahead_changes(
    db_url: str,
    laws: str | Sequence[str],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    in_force_from: dt.date | None = None,
    in_force_to: dt.date | None = None,
) -> tuple[list[StoredChange], dict[str, str]]:
    """The look ahead of one or more laws as StoredChanges (old = the newest stored version,
    new = that version plus the pending acts), selected like `stored_changes` (signing date
    of the act) or by in-force window; and each law's base version ELI. One session, one
    read of the stored acts and one act cache serve every law."""
    from lovspor.amendments import ActCache, ahead_selected, look_ahead, stored_acts

    until = in_force_to if (in_force_from or in_force_to) else None
    out: list[StoredChange] = []
    bases: dict[str, str] = {}
    with session_scope(db_url) as s:
        acts, cache_ = stored_acts(s), ActCache()
        for law in [laws] if isinstance(laws, str) else laws:
            res = look_ahead(s, law, until, acts=acts, cache_=cache_)
            if res is None:
                continue
            bases[law] = res.base_eli
            for c in res.changes:
                picked = [a for a in c.attributions
                          if ahead_selected(a, res.act_signed.get(a.act_eli),
                                            in_force=(in_force_from, in_force_to),
                                            signed_in=(date_from, date_to))]
                if not picked:
                    continue
                best = picked[0]
                out.append(StoredChange(
                    law, res.base_eli, f"{res.base_eli}+uofficiel",
                    res.act_signed.get(best.act_eli), best.in_force, c.change, best.act_eli,
                    best.act_label, "exact", best.section, best.item,
                    "Lovspor's unofficial consolidation: not yet in a consolidated version",
                    tuple(picked), unofficial=True,
                ))
    return out, bases


def stored_changes(
    db_url: str,
    law: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    in_force_from: dt.date | None = None,
    in_force_to: dt.date | None = None,
) -> list[StoredChange]:
    """Changes of one law from the database, by the newer version's signing date (and, if
    given, by the change's in-force date)."""
    from sqlalchemy.orm import aliased

    from lawdiff.model import ChangeKind, TokenOp

    old_v, new_v = aliased(Version), aliased(Version)
    q = (
        select(ChangeRow, old_v.eli, new_v.eli)
        .join(Law, Law.id == ChangeRow.law_id)
        .join(old_v, old_v.id == ChangeRow.old_version_id)
        .join(new_v, new_v.id == ChangeRow.new_version_id)
        .where(Law.slug == law)
        .order_by(new_v.position, ChangeRow.id)
    )
    if date_from:
        q = q.where(ChangeRow.signed >= date_from)
    if date_to:
        q = q.where(ChangeRow.signed <= date_to)
    if in_force_from:
        q = q.where(ChangeRow.in_force >= in_force_from)
    if in_force_to:
        q = q.where(ChangeRow.in_force <= in_force_to)
    out: list[StoredChange] = []
    with session_scope(db_url) as s:
        atts: dict[int, list[Attribution]] = {}
        aq = (
            select(ChangeAttributionRow)
            .join(ChangeRow, ChangeRow.id == ChangeAttributionRow.change_id)
            .join(Law, Law.id == ChangeRow.law_id)
            .where(Law.slug == law)
            .order_by(ChangeAttributionRow.id)
        )
        for a in s.scalars(aq):
            atts.setdefault(a.change_id, []).append(
                Attribution(
                    a.act_eli, a.act_label, a.act_section, a.act_item, a.in_force, a.confidence
                )
            )
        for r, old_eli, new_eli in s.execute(q):
            ch = ProvisionChange(
                kind=ChangeKind(r.kind),
                level=Level(r.level),
                old_key=r.old_key,
                new_key=r.new_key,
                old_text=r.old_text,
                new_text=r.new_text,
                ops=tuple(TokenOp(op, text) for op, text in (r.ops or [])),
                similarity=r.similarity,
            )
            out.append(
                StoredChange(
                    law,
                    old_eli,
                    new_eli,
                    r.signed,
                    r.in_force,
                    ch,
                    r.act_eli,
                    r.act_label,
                    r.attribution,
                    r.act_section,
                    r.act_item,
                    r.attribution_note,
                    tuple(atts.get(r.id, ())),
                )
            )
    return out


def provision_exists(db_url: str, slug: str, key: str) -> bool:
    """Whether any stored version of the law has the provision (a `--provision` typo must be
    an error, not an empty list)."""
    with session_scope(db_url) as s:
        q = (select(func.count()).select_from(ProvisionRow).join(Law, Law.id == ProvisionRow.law_id)
             .where(Law.slug == slug, ProvisionRow.key == key))
        return bool(s.scalar(q))


def law_exists(db_url: str, slug: str) -> bool:
    with session_scope(db_url) as s:
        return bool(s.scalar(select(func.count()).select_from(Law).where(Law.slug == slug)))


def document_bytes(db_url: str, eli: str) -> bytes | None:
    """Latest stored bytes of a document by ELI ("lta/2016/1270", "eli/lta/…", or a URL)."""
    from db.store import latest_bytes

    eli = normalise_eli(eli)
    with session_scope(db_url) as s:
        return latest_bytes(s, eli)


def normalise_eli(text: str) -> str:
    t = text.strip().rstrip("/")
    if "/eli/" in t:
        t = t.split("/eli/", 1)[1]
    t = t.removeprefix("eli/")
    t = t.removesuffix("/xml")
    return t

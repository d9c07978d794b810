"""Which documents belong to a tracked law, and which references to follow from each.

No endpoint lists a law's versions, so the walk follows what documents say about each other
(DESIGN.md, "Finding every version"): a consolidated act's `Indledning` (previous version,
incorporated and not-yet-incorporated acts), each amending act's section intro for the law
(the version it amends, "som ændret ved" acts) and `Meta` later-change lists. Only documents
that belong to the law are expanded: a consolidated act whose title is the law's, or an
amending act with a section that amends it. A referenced act of another law is fetched and
stored (it cost a request already) but not followed further.

The walker is pure bookkeeping over a `StoredDocs` view, so a re-run reconstructs the whole
walk from the database (no request for anything stored) and the crawl only fetches the
frontier. Citation grammar lives in `lawdiff.refs`; nothing here parses text itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from lawdiff.catalogue import CATALOGUE, LawEntry, slug_for_title
from lawdiff.model import ActRef, DocKind, LawDocument
from lawdiff.refs import accession_to_eli, normalize_law_title, parse_amending_intro

_ELI = re.compile(r"(?:^|/)(?:eli/)?(lta|ltb|ltc|mt|retsinfo)/(\d{4})/(\d+)(?:/|$)")


def normalize_eli(text: str) -> str | None:
    """ "lta/2016/1270", "eli/lta/2016/1270", a full URL, or an accession → "lta/2016/1270"."""
    text = text.strip()
    m = _ELI.search(text)
    if m:
        return f"{m.group(1)}/{int(m.group(2))}/{int(m.group(3))}"
    compact = text.replace(" ", "")
    return accession_to_eli(compact) if compact[:1].isalpha() and compact[1:].isdigit() else None


def eli_year(eli: str) -> int | None:
    parts = eli.split("/")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


@dataclass(frozen=True, slots=True)
class TrackedLaw:
    slug: str
    titles: frozenset[str]  # normalised with `normalize_law_title`
    seeds: tuple[str, ...] = ()

    def owns_title(self, title: str | None) -> bool:
        return bool(title) and normalize_law_title(title or "") in self.titles


def tracked_from_entry(entry: LawEntry) -> TrackedLaw:
    titles = {normalize_law_title(entry.title), *(normalize_law_title(a) for a in entry.aliases)}
    return TrackedLaw(entry.slug, frozenset(titles), entry.seeds)


def resolve_laws(
    slugs: Iterable[str], extra: Iterable[LawEntry] = (), follow_successors: bool = True
) -> dict[str, TrackedLaw]:
    """Catalogue slugs → tracked laws with their seeds; successions add the new main act as
    a seed, and (with `follow_successors`) a law that took over part of a tracked one."""
    entries = {e.slug: e for e in (*CATALOGUE, *extra)}
    out: dict[str, TrackedLaw] = {}
    todo = list(slugs)
    while todo:
        slug = todo.pop(0)
        if slug in out:
            continue
        entry = entries.get(slug)
        if entry is None:
            known = ", ".join(sorted(entries))
            raise KeyError(f"unknown law {slug!r} (catalogue: {known})")
        law = tracked_from_entry(entry)
        seeds = list(law.seeds)
        for succ in entry.successions:
            if succ.act_eli not in seeds and not succ.partial:
                seeds.append(succ.act_eli)
        out[slug] = TrackedLaw(law.slug, law.titles, tuple(seeds))
        if follow_successors:
            todo += [
                e.slug
                for e in entries.values()
                if any(s.predecessor == slug and s.partial for s in e.successions)
            ]
    return out


@dataclass(frozen=True, slots=True)
class Target:
    """A document to visit, and why: who referenced it, on behalf of which law."""

    eli: str
    law: str | None  # None: a bare seed or a discovered document; decided after parsing
    referrer: str  # an ELI, or "seed", "sitemap", "feed", "harvest"
    reason: str = "reference"


@dataclass(frozen=True, slots=True)
class GapNote:
    eli: str
    referrer: str
    law: str | None
    reason: str


class StoredDocs(Protocol):
    """Read access to what is already stored (the database in the crawl, a dict in tests)."""

    def has(self, eli: str) -> bool: ...

    def load(self, eli: str) -> DocSummary | None: ...


@dataclass(slots=True)
class Step:
    fetch: list[Target] = field(default_factory=list)
    gaps: list[GapNote] = field(default_factory=list)


RefList = tuple[tuple[str, "dt.date | None"], ...]


@dataclass(frozen=True, slots=True)
class DocSummary:
    """What the walk needs of a document: small enough to keep for every ELI of a run."""

    eli: str
    kind: DocKind
    title: str  # normalised law title of a consolidated/main act, else ""
    signed: dt.date | None
    refs: RefList  # Indledning + Meta later changes (consolidated/main acts)
    sections: tuple[tuple[str, RefList], ...]  # amending act: (law title, base + amended_by)


def _pairs(refs: Iterable[ActRef]) -> RefList:
    return tuple((r.eli, r.date) for r in refs if r.eli)


def summarize(doc: LawDocument) -> DocSummary:
    meta = doc.meta
    refs: RefList = ()
    sections: list[tuple[str, RefList]] = []
    title = ""
    if meta.kind in (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT):
        title = normalize_law_title(meta.title)
        acts: list[ActRef] = []
        if doc.intro is not None:
            if doc.intro.previous is not None:
                acts.append(doc.intro.previous)
            acts += doc.intro.incorporated
            acts += doc.intro.not_incorporated
        refs = _pairs(acts) + tuple((c.eli, c.date) for c in meta.later_changes if c.eli)
    elif meta.kind is DocKind.AMENDING_ACT:
        for sec in doc.amending_sections:
            amended = parse_amending_intro(sec.intro)
            if not amended.law_title:
                continue
            acts = ([amended.base] if amended.base else []) + list(amended.amended_by)
            sections.append((normalize_law_title(amended.law_title), _pairs(acts)))
    return DocSummary(meta.eli, meta.kind, title, meta.signed, refs, tuple(sections))


def refs_for(doc: DocSummary, law: TrackedLaw) -> RefList:
    """References to follow from `doc` for `law`; empty if the document is not the law's."""
    if doc.kind in (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT):
        return doc.refs if doc.title in law.titles else ()
    out: RefList = ()
    for title, refs in doc.sections:
        if title in law.titles:
            out += refs
    return out


def belongs(doc: DocSummary, law: TrackedLaw) -> bool:
    if doc.kind in (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT):
        return doc.title in law.titles
    return any(title in law.titles for title, _ in doc.sections)


def law_for_seed(doc: DocSummary) -> TrackedLaw | None:
    """A bare `--seed` names its law by its own title (or its first amending section's)."""
    norm = doc.title or (doc.sections[0][0] if doc.sections else "")
    if not norm:
        return None
    for entry in CATALOGUE:
        law = tracked_from_entry(entry)
        if norm in law.titles:
            return TrackedLaw(law.slug, law.titles, ())
    return TrackedLaw(slug_for_title(norm), frozenset({norm}), ())


class Walker:
    """The frontier of a reference walk over several laws at once.

    `offer` takes targets and returns what must come from the network; stored documents are
    expanded on the spot from `stored` (so a re-run costs no requests), known gaps are
    re-noted for their new referrer without a request.
    """

    def __init__(
        self,
        laws: dict[str, TrackedLaw],
        stored: StoredDocs,
        *,
        since: dt.date,
        known_gaps: Iterable[str] = (),
        retry_gaps: bool = False,
    ) -> None:
        self.laws = dict(laws)
        self.stored = stored
        self.since = since
        self.known_gaps = set() if retry_gaps else set(known_gaps)
        self.expanded: set[tuple[str, str]] = set()  # (law slug, eli)
        self.pending: dict[str, list[Target]] = {}  # eli → targets waiting for the network
        self.unowned_seeds: list[str] = []
        self.summaries: dict[str, DocSummary] = {}
        self.failed_now: set[str] = set()  # failed this run: not asked again until next run
        self.from_store: set[str] = set()  # expanded from the database, not fetched this run

    # -- public ---------------------------------------------------------------------------

    def seed_targets(self, seeds: Iterable[str], law: str | None = None) -> list[Target]:
        out = []
        for s in seeds:
            eli = normalize_eli(s)
            if eli is None:
                raise ValueError(f"seed {s!r} is neither an ELI path nor an accession number")
            out.append(Target(eli, law, "seed", "seed"))
        return out

    def offer(self, targets: Iterable[Target]) -> Step:
        step = Step()
        queue: deque[Target] = deque(targets)
        while queue:
            t = queue.popleft()
            if t.eli in self.known_gaps:
                step.gaps.append(GapNote(t.eli, t.referrer, t.law, "recorded as missing (404)"))
                continue
            if t.eli in self.failed_now:
                continue
            if t.eli in self.pending:
                self.pending[t.eli].append(t)
                continue
            doc = self.summaries.get(t.eli)
            if doc is None and self.stored.has(t.eli):
                doc = self.stored.load(t.eli)
                if doc is not None:
                    self.summaries[t.eli] = doc
                    self.from_store.add(t.eli)
            if doc is not None:
                queue.extend(self._expand(doc, [t]))
                continue
            self.pending[t.eli] = [t]
            step.fetch.append(t)
        return step

    def fetched(self, eli: str, doc: LawDocument | DocSummary) -> Step:
        """A document arrived (and was stored): expand it for every law it belongs to."""
        summary = doc if isinstance(doc, DocSummary) else summarize(doc)
        waiting = self.pending.pop(eli, [])
        self.summaries[eli] = summary
        if summary.eli != eli:
            self.summaries[summary.eli] = summary
        return self.offer(self._expand(summary, waiting))

    def refresh_targets(self) -> list[Target]:
        """Each tracked law's newest version, where it came from the database and not from
        the site this run: asked for again (conditionally), it is the one document whose
        metadata the site updates when a later version or amending act appears."""
        out: list[Target] = []
        for law in self.laws.values():
            versions = [
                d for d in self.summaries.values()
                if d.kind in (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT)
                and (law.slug, d.eli) in self.expanded
            ]  # fmt: skip
            if not versions:
                continue
            newest = max(versions, key=lambda d: (d.signed or dt.date.min, d.eli))
            if newest.eli in self.from_store and newest.eli not in self.pending:
                out.append(Target(newest.eli, law.slug, "refresh", "refresh"))
        return out

    def refreshed(self, eli: str, doc: LawDocument | DocSummary) -> Step:
        """A re-checked version came back changed: expand it again, and ask again for the
        references it lists that were missing (404) before — the site may have them now."""
        summary = doc if isinstance(doc, DocSummary) else summarize(doc)
        self.expanded = {(slug, e) for slug, e in self.expanded if e != eli}
        for ref, _date in summary.refs:
            self.known_gaps.discard(ref)
        self.from_store.discard(eli)
        return self.fetched(eli, summary)

    def missing(self, eli: str, reason: str = "HTTP 404") -> list[GapNote]:
        """The document answered 404: a gap for everyone who referenced it."""
        self.known_gaps.add(eli)
        return [GapNote(eli, t.referrer, t.law, reason) for t in self.pending.pop(eli, [])]

    def failed(self, eli: str) -> list[Target]:
        """Could not be had this run (recorded as a failure): not asked again in this run,
        retried on the next (from `fetch_failures`)."""
        self.failed_now.add(eli)
        return self.pending.pop(eli, [])

    # -- internals ------------------------------------------------------------------------

    def _laws_for(self, doc: DocSummary, targets: list[Target]) -> list[TrackedLaw]:
        found = [law for law in self.laws.values() if belongs(doc, law)]
        if not found and any(t.referrer == "seed" and t.law is None for t in targets):
            law = law_for_seed(doc)
            if law is not None:
                self.laws.setdefault(law.slug, law)
                found = [self.laws[law.slug]]
            else:
                self.unowned_seeds.append(doc.eli)
        return found

    def _expand(self, doc: DocSummary, targets: list[Target]) -> list[Target]:
        if doc.signed is not None and doc.signed < self.since:
            return []
        out: list[Target] = []
        for law in self._laws_for(doc, targets):
            if (law.slug, doc.eli) in self.expanded:
                continue
            self.expanded.add((law.slug, doc.eli))
            for eli, date in refs_for(doc, law):
                if eli == doc.eli:
                    continue
                if date is not None and date < self.since:
                    continue
                out.append(Target(eli, law.slug, doc.eli))
        return out

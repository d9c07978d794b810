"""Group documents into laws and version chains from their own metadata and references.

No endpoint lists a law's versions; the documents say it themselves: a consolidated act
(LBK) carries the law's title and names its predecessor in `Indledning`, and each section of
an amending act names the law it amends ("I lov om social service, jf. …"). Pure: documents
in, a plan out; `db.laws` writes the plan.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lawdiff.catalogue import by_slug, by_title, normalize_title, slug_for_title
from lawdiff.model import DocKind, LawDocument
from lawdiff.refs import names_amending_act, parse_amending_intro


@dataclass(frozen=True, slots=True)
class PlannedVersion:
    eli: str
    accession: str
    signed: dt.date | None
    predecessor_eli: str | None  # as the version's Indledning names it
    kind: DocKind


@dataclass(frozen=True, slots=True)
class PlannedLink:
    act_eli: str
    section: str  # "§ 1" of the amending act
    base_eli: str | None  # the version it amends ("jf. lovbekendtgørelse nr. …")
    items: int
    signed: dt.date | None


@dataclass(slots=True)
class PlannedLaw:
    slug: str
    title: str
    popular_title: str | None = None
    versions: list[PlannedVersion] = field(default_factory=list)
    links: list[PlannedLink] = field(default_factory=list)


@dataclass(slots=True)
class ChainPlan:
    laws: dict[str, PlannedLaw] = field(default_factory=dict)
    unlinked: list[tuple[str, str, str]] = field(default_factory=list)  # (eli, section, why)

    def law(self, title: str, popular: str | None = None) -> PlannedLaw:
        slug = slug_for_title(title, popular)
        found = self.laws.get(slug)
        if found is None:
            found = self.laws[slug] = PlannedLaw(slug, normalize_title(title), popular)
        elif popular and not found.popular_title:
            found.popular_title = popular
        return found


def _sort_key(v: PlannedVersion) -> tuple[dt.date, str]:
    return (v.signed or dt.date.min, v.eli)


VERSION_KINDS = (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT)


@dataclass(frozen=True, slots=True)
class SectionFact:
    """What grouping needs of one amending section: the law it names and the version cited."""

    section: str  # "§ 1" of the amending act
    law_title: str | None  # as written, e.g. "lov om social service" or "retsplejeloven"
    base_eli: str | None  # the cited version ("jf. lovbekendtgørelse nr. …") as an ELI
    items: int
    intro: str = ""  # the section's opening words (for messages), at most 200 characters

    @property
    def amends_act(self) -> bool:
        """It amends an amending act ("I lov nr. … om ændring af …"), not a law."""
        return names_amending_act(self.law_title)

    @property
    def why_unlinked(self) -> str:
        if self.amends_act:
            return f"amends an amending act, not a law: {self.intro[:80]!r}"
        return f"no law named in {self.intro[:80]!r}"


@dataclass(frozen=True, slots=True)
class DocFacts:
    """What grouping needs of one document, read once when it is stored (never re-parsed)."""

    eli: str
    accession: str
    kind: DocKind
    title: str
    popular_title: str | None
    signed: dt.date | None
    predecessor_eli: str | None  # as its Indledning names it
    sections: tuple[SectionFact, ...] = ()

    @property
    def is_version(self) -> bool:
        return self.kind in VERSION_KINDS

    @property
    def slug(self) -> str:
        """A version's law, from its own title (catalogue first)."""
        return slug_for_title(self.title, self.popular_title)


def facts_of(doc: LawDocument) -> DocFacts:
    meta = doc.meta
    sections = []
    for sec in doc.amending_sections:
        amended = parse_amending_intro(sec.intro)
        sections.append(SectionFact(
            sec.label, amended.law_title, amended.base.eli if amended.base else None,
            len(sec.items), sec.intro[:200]))
    prev = doc.intro.previous.eli if doc.intro and doc.intro.previous else None
    return DocFacts(meta.eli, meta.accession, meta.kind, meta.title, meta.popular_title,
                    meta.signed, prev, tuple(sections))


def title_keys(title: str | None, popular: str | None = None) -> tuple[str, ...]:
    """The normalised names a law is cited by: its title and its popular title."""
    return tuple(dict.fromkeys(normalize_title(t) for t in (title, popular) if t))


def resolve_section(
    sec: SectionFact,
    version_slug: Callable[[str], str | None],
    titled_slug: Callable[[str], str | None],
) -> str | None:
    """The law an amending section amends: the cited version first (a stored LBK or main act
    with that ELI, or one naming it as its predecessor, knows its law), then the catalogue
    (titles, short titles, aliases), then a stored version whose title or popular title is the
    one cited (a one-word short title also with or without the linking s: "barselsloven" is
    "barselloven"); else a slug of the title. None: the section names no law, or amends an
    amending act (which is not a law)."""
    if sec.amends_act:
        return None
    if sec.base_eli and (slug := version_slug(sec.base_eli)):
        return slug
    if not sec.law_title:
        return None
    if entry := by_title(sec.law_title):
        return entry.slug
    key = normalize_title(sec.law_title)
    for k in (key, *linking_s_variants(key)):
        if slug := titled_slug(k):
            return slug
    return slug_for_title(sec.law_title)


def linking_s_variants(key: str) -> tuple[str, ...]:
    if " " in key or not key.endswith("loven") or len(key) < 8:
        return ()
    if key.endswith("sloven"):
        return (key[: -len("sloven")] + "loven",)
    return (key[: -len("loven")] + "sloven",)


def plan_law(slug: str, versions: Iterable[DocFacts],
             links: Iterable[tuple[DocFacts, SectionFact]]) -> PlannedLaw:
    """One law's chain from the facts of its versions and of the sections amending it."""
    vs = list(versions)
    ls = list(links)
    entry = by_slug(slug)
    named = next((s.law_title for _f, s in ls if s.law_title), None)
    title = (entry.title if entry else normalize_title(vs[0].title) if vs
             else normalize_title(named) if named else slug)
    law = PlannedLaw(slug, title, vs[0].popular_title if vs else None)
    for f in vs:
        if f.popular_title and not law.popular_title:
            law.popular_title = f.popular_title
        law.versions.append(PlannedVersion(f.eli, f.accession, f.signed, f.predecessor_eli,
                                           f.kind))
    for f, sec in ls:
        law.links.append(PlannedLink(f.eli, sec.section, sec.base_eli, sec.items, f.signed))
    law.versions.sort(key=_sort_key)
    law.links.sort(key=lambda lk: (lk.signed or dt.date.min, lk.act_eli, lk.section))
    return law


def plan_chains(docs: Iterable[DocFacts | LawDocument]) -> ChainPlan:
    """Every law's chain from the facts of every document (the full plan)."""
    facts = [d if isinstance(d, DocFacts) else facts_of(d) for d in docs]
    plan = ChainPlan()
    by_eli: dict[str, str] = {}
    by_title_key: dict[str, str] = {}
    versions: dict[str, list[DocFacts]] = defaultdict(list)
    for f in facts:
        if f.is_version:
            slug = f.slug
            versions[slug].append(f)
            by_eli[f.eli] = slug
            if f.predecessor_eli:
                by_eli.setdefault(f.predecessor_eli, slug)
            for key in title_keys(f.title, f.popular_title):
                by_title_key.setdefault(key, slug)
    links: dict[str, list[tuple[DocFacts, SectionFact]]] = defaultdict(list)
    for f in facts:
        for sec in f.sections:
            slug = resolve_section(sec, by_eli.get, by_title_key.get)
            if slug is None:
                plan.unlinked.append((f.eli, sec.section, sec.why_unlinked))
                continue
            links[slug].append((f, sec))
    for slug in sorted(set(versions) | set(links)):
        plan.laws[slug] = plan_law(slug, versions.get(slug, ()), links.get(slug, ()))
    return plan


def chain_breaks(law: PlannedLaw) -> list[tuple[str, str | None]]:
    """Versions whose named predecessor is not the version before them: (eli, named)."""
    out: list[tuple[str, str | None]] = []
    for prev, cur in itertools.pairwise(law.versions):
        if cur.predecessor_eli and cur.predecessor_eli != prev.eli:
            out.append((cur.eli, cur.predecessor_eli))
    return out


def acts_by_law(plan: ChainPlan) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for slug, law in plan.laws.items():
        out[slug] = sorted({lk.act_eli for lk in law.links})
    return dict(out)

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
from collections.abc import Iterable
from dataclasses import dataclass, field

from lawdiff.catalogue import normalize_title, slug_for_title
from lawdiff.model import DocKind, LawDocument
from lawdiff.refs import parse_amending_intro


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


def plan_chains(docs: Iterable[LawDocument]) -> ChainPlan:
    plan = ChainPlan()
    for doc in docs:
        meta = doc.meta
        if meta.kind in (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT):
            law = plan.law(meta.title, meta.popular_title)
            prev = doc.intro.previous.eli if doc.intro and doc.intro.previous else None
            law.versions.append(
                PlannedVersion(meta.eli, meta.accession, meta.signed, prev, meta.kind)
            )
        for sec in doc.amending_sections:
            amended = parse_amending_intro(sec.intro)
            if not amended.law_title:
                plan.unlinked.append((meta.eli, sec.label, f"no law named in {sec.intro[:80]!r}"))
                continue
            law = plan.law(amended.law_title)
            law.links.append(
                PlannedLink(
                    meta.eli,
                    sec.label,
                    amended.base.eli if amended.base else None,
                    len(sec.items),
                    meta.signed,
                )
            )
    for law in plan.laws.values():
        law.versions.sort(key=_sort_key)
        law.links.sort(key=lambda lk: (lk.signed or dt.date.min, lk.act_eli, lk.section))
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

"""Build the impact graph from law provisions and the reference datasets.

Edges point the way impact flows, except ``refers_to`` (citing provision → cited one, read
backwards by `graph.impact`):

    law ─contains→ § ─contains→ stk. ─contains→ nr.
    provision ─refers_to→ provision                      (cross-reference in the law text)
    provision ─basis_for→ service | KLE subject | KLE group | procedure | OS2bos activity
    service ─classified_as→ KLE subject;  service ─paid_as / follow_up_cost→ OS2bos activity
    KLE subject ─has_procedure→ procedure (subject × handlingsfacet)
    KLE subject ─processed_in→ processing activity (KL's GDPR register)

Procedure rule: a KLE subject gets one procedure per handlingsfacet that its own keywords use
(`EmneOgHandlingsfacetStikord`), plus `default_facets` (G01 decision, K02 complaint, K03
appeal) when the subject cites at least one law paragraph or chapter — a paragraph that
grants something implies decisions, complaints and appeals under that subject even where KLE
lists no keyword for them. Those edges carry the source ``rule:default-facets``.

External keys are resolved against the version passed in: exact key, else a renumbering
alias (old → new key), else the nearest existing ancestor (``resolved="ancestor"``), else
reported as unresolved with a reason in `BuildReport`. Nothing is dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graph.core import ImpactGraph, kle_id, law_id, proc_id, prov_id
from graph.laws import law_slug
from graph.paragraphs import (
    ParaRef,
    RefKind,
    chapter_number,
    chapter_sort_key,
    expand_range,
    resolve_key,
)
from graph.sources.kl_processing import ProcessingActivity
from graph.sources.kle import KlePlan, KleReference
from graph.sources.os2bos import OS2bosData
from graph.sources.user import UserProcedure
from graph.xrefs import find_xrefs
from lawdiff.model import Level, Provision

DEFAULT_FACETS = ("G01", "K02", "K03")
FACET_NAMES = {
    "G01": "afgørelse (individuel sag)", "K02": "klage", "K03": "klage til Ankestyrelsen",
    "K09": "tilsyn", "P19": "godkendelse", "S29": "takster og betaling",
}
EXAMPLES = 5


@dataclass(slots=True)
class DatasetReport:
    """Resolution of one dataset's references, counted per reference as written."""

    counts: Counter[str] = field(default_factory=Counter)  # exact/alias/ancestor/…/unresolved
    examples: dict[str, list[str]] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)  # unresolved, by reason

    def add(self, status: str, example: str, reason: str = "") -> None:
        self.counts[status] += 1
        ex = self.examples.setdefault(status, [])
        if len(ex) < EXAMPLES:
            ex.append(f"{example} ({reason})" if reason else example)
        if status == "unresolved":
            self.reasons[reason] += 1


@dataclass(frozen=True, slots=True)
class Unresolved:
    dataset: str
    source: str
    law: str
    ref: str
    reason: str


@dataclass(slots=True)
class BuildReport:
    datasets: dict[str, DatasetReport] = field(default_factory=dict)
    unresolved: list[Unresolved] = field(default_factory=list)
    unknown_laws: Counter[str] = field(default_factory=Counter)
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)

    def dataset(self, name: str) -> DatasetReport:
        return self.datasets.setdefault(name, DatasetReport())

    def summary(self) -> str:
        lines = [f"nodes: {self.nodes}", f"edges: {self.edges}"]
        for name, d in sorted(self.datasets.items()):
            lines.append(f"{name}: {dict(sorted(d.counts.items()))}")
            for reason, n in d.reasons.most_common(8):
                lines.append(f"    unresolved {n:4d} × {reason}")
        if self.unknown_laws:
            lines.append(f"unknown laws: {len(self.unknown_laws)} titles, "
                         f"{sum(self.unknown_laws.values())} references")
        return "\n".join(lines)


class _Law:
    """The keys of one law version, for resolving external references."""

    def __init__(self, slug: str, provisions: Sequence[Provision],
                 aliases: Mapping[str, str] | None) -> None:
        self.slug = slug
        self.keys = {p.key for p in provisions}
        self.paragraphs = [p.key for p in provisions if p.level is Level.PARAGRAF]
        self.aliases = dict(aliases or {})
        self.chapters: dict[str, list[str]] = {}
        for p in provisions:
            if p.level is Level.PARAGRAF and (c := chapter_number(p.chapter)):
                self.chapters.setdefault(c, []).append(p.key)

    def resolve(self, ref: ParaRef) -> tuple[list[tuple[str, str, str]], str]:
        """[(wanted, key, status)] and the reason when nothing resolved."""
        if ref.kind is RefKind.CHAPTER:
            lo = chapter_sort_key(ref.chapter)
            hi = chapter_sort_key(ref.chapter_end or ref.chapter)
            chs = [c for c in self.chapters if lo <= chapter_sort_key(c) <= hi]
            out = [(f"Kapitel {c}", k, "chapter") for c in chs for k in self.chapters[c]]
            return out, "" if out else f"no chapter {ref.chapter} in this version"
        wanted = (expand_range(ref.start, ref.end, self.paragraphs)
                  if ref.kind is RefKind.RANGE else [ref.start])
        out, reasons = [], []
        for w in wanted:
            r = resolve_key(w, self.keys, self.aliases)
            if r.key is None:
                reasons.append(r.reason)
            else:
                out.append((w, r.key, r.status))
        if ref.kind is RefKind.RANGE and not wanted:
            return [], f"no § between {ref.start} and {ref.end} in this version"
        return out, "; ".join(reasons)


class _Builder:
    def __init__(self, provisions_by_law: Mapping[str, Sequence[Provision]],
                 key_aliases: Mapping[str, Mapping[str, str]] | None,
                 law_titles: Mapping[str, str] | None) -> None:
        self.g = ImpactGraph()
        self.report = BuildReport()
        self.laws = {slug: _Law(slug, provs, (key_aliases or {}).get(slug))
                     for slug, provs in provisions_by_law.items()}
        self.titles = dict(law_titles or {})

    # ---------------------------------------------------------------- laws
    def add_laws(self, provisions_by_law: Mapping[str, Sequence[Provision]]) -> None:
        for slug, provs in provisions_by_law.items():
            lid = self.g.add_node("law", law_id(slug), label=self.titles.get(slug, slug),
                                  law=slug, loaded=True)
            for p in provs:
                pid = self.g.add_node(
                    "provision", prov_id(slug, p.key), label=f"{slug} {p.key}", law=slug,
                    key=p.key, level=str(p.level), chapter=p.chapter, heading=p.heading)
                parent = prov_id(slug, p.parent) if p.parent else lid
                if parent not in self.g:
                    parent = lid
                self.g.add_edge(parent, pid, "contains", source=f"lawtext:{slug}:{p.key}")

    def add_xrefs(self, provisions_by_law: Mapping[str, Sequence[Provision]]) -> None:
        rep = self.report.dataset("xref")
        ext_rep = self.report.dataset("xref-external")
        for slug, provs in provisions_by_law.items():
            for x in find_xrefs(provs, slug):
                src = prov_id(slug, x.source)
                loc = f"lawtext:{slug}:{x.source}[{x.span[0]}:{x.span[1]}]"
                if not x.is_external:
                    for t in x.targets:
                        self.g.add_edge(src, prov_id(slug, t), "refers_to", source=loc,
                                        text=x.text, resolved="ancestor" if t not in x.wanted
                                        else "exact")
                    status = ("unresolved" if not x.targets else
                              "ancestor" if x.via_ancestor else "exact")
                    if not x.targets and x.wanted and set(x.wanted) <= {x.source}:
                        continue  # a provision citing itself
                    reason = f"{', '.join(x.unresolved)} not in this version" if x.unresolved else ""
                    rep.add(status, f"{slug} {x.source}: {x.text!r}", reason if not x.targets else "")
                    if status == "unresolved":
                        self.report.unresolved.append(Unresolved("xref", loc, slug, x.text, reason))
                    continue
                target = x.external_slug
                if target in self.laws:
                    law = self.laws[target]
                    hit = False
                    for w in x.wanted:
                        r = resolve_key(w, law.keys, law.aliases)
                        if r.key:
                            hit = True
                            self.g.add_edge(src, prov_id(target, r.key), "refers_to",
                                            source=loc, text=x.text, resolved=r.status)
                    ext_rep.add("exact" if hit else "unresolved", f"{slug} {x.source}: {x.text!r}",
                                "" if hit else f"not in {target}")
                else:
                    reason = (f"law not loaded: {target}" if target
                              else f"unknown law {x.external_law!r}")
                    ext_rep.add("unresolved", f"{slug} {x.source}: {x.text!r}", reason)

    # ---------------------------------------------------------------- references
    def link(self, dataset: str, law: str | None, title: str, refs: Sequence[ParaRef],
             dst: str, source: str, **attrs: object) -> str:
        """Edges provision → dst for each ref; one status per ref in the report."""
        rep = self.report.dataset(dataset)
        worst = "exact"
        for ref in refs:
            example = f"{law or title} {ref} [{source}]"
            if law is None or law not in self.laws:
                reason = f"law not loaded: {law}" if law else f"unknown law {title!r}"
                if law is None:
                    self.report.unknown_laws[title] += 1
                rep.add("unresolved", example, reason)
                self.report.unresolved.append(Unresolved(dataset, source, law or title,
                                                         str(ref), reason))
                worst = "unresolved"
                continue
            if ref.kind is RefKind.LAW:
                self.g.add_edge(law_id(law), dst, "basis_for", source=source,
                                resolved="law", **attrs)
                rep.add("law", example)
                continue
            resolved, reason = self.laws[law].resolve(ref)
            if not resolved:
                rep.add("unresolved", example, reason)
                self.report.unresolved.append(Unresolved(dataset, source, law, str(ref), reason))
                worst = "unresolved"
                continue
            statuses = {s for _w, _k, s in resolved}
            status = ("ancestor" if "ancestor" in statuses else "alias" if "alias" in statuses
                      else "chapter" if "chapter" in statuses else "exact")
            rep.add(status, example, "")
            for wanted, key, s in resolved:
                self.g.add_edge(prov_id(law, key), dst, "basis_for", source=source,
                                resolved=s, wanted=wanted, cited=ref.text or str(ref), **attrs)
        return worst

    def kle_node(self, number: str, title: str = "", **attrs: object) -> str:
        nid = kle_id(number)
        if nid not in self.g:
            self.g.add_node("kle_subject", nid, label=f"KLE {number} {title}".strip(),
                            number=number, title=title or None, **attrs)
        return nid

    def add_os2bos(self, data: OS2bosData) -> None:
        services: dict[str, str] = {}
        for s in data.services:
            sid = self.g.add_node(
                "service", f"service:os2bos:{s.code}", label=f"{s.name} ({s.code})",
                code=s.code, name=s.name, area=s.area, steps=s.steps,
                target_groups=s.target_groups, kle=s.kle, dataset="os2bos")
            services[s.code] = sid
            self.link("os2bos-services", s.law, s.law, s.refs, sid, str(s.source))
            for k in {s.kle, s.sbsys_kle} - {None}:
                self.g.add_edge(sid, self.kle_node(k), "classified_as", source=str(s.source))  # type: ignore[arg-type]
        for info in data.section_infos:
            if info.kle and info.section_code in services:
                self.g.add_edge(services[info.section_code], self.kle_node(info.kle),
                                "classified_as", source=str(info.source))
        for a in data.activities:
            aid = self.g.add_node("os2bos_activity", f"os2bos-activity:{a.code}",
                                  label=f"{a.name} ({a.code})", code=a.code, name=a.name,
                                  account=a.account)
            rel = "paid_as" if a.role == "main" else "follow_up_cost"
            if a.paragraph_code and a.paragraph_code in services:
                self.g.add_edge(services[a.paragraph_code], aid, rel, source=str(a.source))
                self.report.dataset("os2bos-activities").add("via-service", a.paragraph_code)
            elif a.paragraph_code:
                self.link("os2bos-activities", a.law, a.law or a.paragraph_code, a.refs, aid,
                          str(a.source), role=a.role)
            if a.kle:
                self.g.add_edge(aid, self.kle_node(a.kle), "classified_as", source=str(a.source))

    def add_kle(self, plan: KlePlan, default_facets: Sequence[str]) -> None:
        for grp in plan.groups:
            gid = self.g.add_node("kle_group", f"kle-group:{grp.number}",
                                  label=f"KLE {grp.number} {grp.title}", number=grp.number,
                                  title=grp.title)
            for r in grp.references:
                self._kle_ref(r, gid)
        for subj in plan.subjects:
            sid = kle_id(subj.number)
            self.g.add_node("kle_subject", sid, label=f"KLE {subj.number} {subj.title}".strip(),
                            number=subj.number, title=subj.title, group=subj.group,
                            in_plan=True)
            gid = f"kle-group:{subj.group}"
            if gid in self.g:
                self.g.add_edge(gid, sid, "groups", source=str(subj.source))
            for r in subj.references:
                self._kle_ref(r, sid)
            facets: dict[str, str] = {}
            for kw in subj.keywords:
                facets.setdefault(kw.facet, str(subj.source))
            cites = any(x.kind is not RefKind.LAW for r in subj.references for x in r.refs)
            if cites:
                for f in default_facets:
                    facets.setdefault(f, "rule:default-facets")
            for f, src in sorted(facets.items()):
                words = [kw.text.strip() for kw in subj.keywords if kw.facet == f]
                pid = self.g.add_node(
                    "procedure", proc_id(subj.number, f),
                    label=f"{subj.number} {subj.title.strip()} × {f} {FACET_NAMES.get(f, '')}".strip(),
                    subject=subj.number, facet=f, keywords=words)
                self.g.add_edge(sid, pid, "has_procedure", source=src)

    def _kle_ref(self, r: KleReference, dst: str) -> None:
        self.link("kle", r.law, r.title, r.refs, dst, str(r.source),
                  accession=r.accession, url=r.url)

    def add_processing(self, activities: Sequence[ProcessingActivity]) -> None:
        for a in activities:
            aid = self.g.add_node("processing_activity", f"activity:kl:{a.number}",
                                  label=f"{a.number}. {a.name}", number=a.number, name=a.name)
            for link in a.subjects:
                self.g.add_edge(self.kle_node(link.subject, link.title), aid, "processed_in",
                                source=str(link.source))

    def add_user(self, procedures: Sequence[UserProcedure]) -> None:
        for u in procedures:
            pid = proc_id(u.kle, u.facet) if u.kle and u.facet else f"proc:user:{u.name}"
            if pid in self.g:
                names = self.g.node(pid).get("user_names") or ()
                self.g.add_node("procedure", pid, user_names=(*names, u.name))
            else:
                self.g.add_node("procedure", pid, label=u.name, subject=u.kle, facet=u.facet,
                                user_names=(u.name,))
            if u.kle:
                self.g.add_edge(self.kle_node(u.kle), pid, "has_procedure", source=str(u.source))
            if u.refs:
                law = u.law if u.law else law_slug(u.law_title)
                self.link("user", law, u.law_title, u.refs, pid, str(u.source))


def build_graph(
    provisions_by_law: Mapping[str, Sequence[Provision]],
    os2bos: OS2bosData | None = None,
    kle: KlePlan | None = None,
    kl_processing: Sequence[ProcessingActivity] = (),
    user_mappings: Sequence[UserProcedure] = (),
    *,
    key_aliases: Mapping[str, Mapping[str, str]] | None = None,
    law_titles: Mapping[str, str] | None = None,
    default_facets: Sequence[str] = DEFAULT_FACETS,
) -> tuple[ImpactGraph, BuildReport]:
    """The impact graph over the provisions in force (one version per law slug) and the
    reference datasets. `key_aliases[law][old_key] = new_key` lets keys made for an older
    numbering (stk./nr. renumbered since) resolve to the provision that holds them now."""
    b = _Builder(provisions_by_law, key_aliases, law_titles)
    b.add_laws(provisions_by_law)
    b.add_xrefs(provisions_by_law)
    if os2bos is not None:
        b.add_os2bos(os2bos)
    if kle is not None:
        b.add_kle(kle, default_facets)
    b.add_processing(kl_processing)
    b.add_user(user_mappings)
    b.report.nodes, b.report.edges = b.g.counts()
    return b.g, b.report

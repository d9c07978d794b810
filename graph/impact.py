"""Which services, KLE subjects and procedures a set of law changes reaches, ranked and
explained.

Walk, per change:
1. *Scope*: the changed provision (its new key, and its old key if renumbered), every
   provision below it (a changed stk. changes the lead-in of its nr.), and its ancestors up
   to the § (data citing "§ 83" rests on "§ 83, stk. 1" too). A key missing from the graph
   (repealed, or not in the version the graph was built from) falls back to its nearest
   existing ancestor.
2. *Direct*: ``basis_for`` edges out of the scope, then downstream (service → KLE subject →
   procedure, KLE subject → processing activity, service → OS2bos activity).
3. *Via cross-reference*: provisions that cite a provision in the scope (``refers_to``
   read backwards), with their ancestors up to the §, then as in 2. One xref hop.

Ranking: every direct hit before every xref hit; within a tier by score, then hops. Score
sums over changes: change weight (size of the change, `change_weight`) × scope factor
(changed 1.0, below it 0.8, above it 0.6) / (1 + 0.25 × (hops − 1)), × 0.5 via xref.
Whole-law references (``law`` → KLE) are not walked: every change would hit them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graph.core import ImpactGraph, prov_id
from lawdiff.keys import ancestors as key_ancestors
from lawdiff.model import Attribution, ChangeKind, ProvisionChange

HIT_KINDS = frozenset({"service", "kle_subject", "kle_group", "procedure", "os2bos_activity",
                       "processing_activity"})
DOWNSTREAM = ("classified_as", "has_procedure", "processed_in", "paid_as", "follow_up_cost")
SCOPE_FACTOR = {"changed": 1.0, "below": 0.8, "above": 0.6}
XREF_FACTOR = 0.5


@dataclass(frozen=True, slots=True)
class ChangeInput:
    """One provision change with what the ranking and the explanation need."""

    law: str  # slug: "serviceloven"
    change: ProvisionChange
    attribution: Attribution | None = None
    in_force: dt.date | None = None
    signed: dt.date | None = None
    # an act not yet in any consolidated version: Lovspor's own reading (the look ahead)
    unofficial: bool = False

    def describe(self) -> str:
        act = f" by {self.attribution.act_label}" if self.attribution else ""
        item = ""
        if self.attribution and self.attribution.item:
            item = f", {self.attribution.section}, nr. {self.attribution.item}"
        ahead = " (unofficial: not yet consolidated)" if self.unofficial else ""
        return f"{self.law} {self.change.key} {self.change.kind.value}{act}{item}{ahead}"


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of an explanation: the node reached and the edge that reached it."""

    node: str
    label: str
    relation: str  # "changed", "contains", "part of", "cited by", "basis_for", …
    source: str = ""
    in_force: dt.date | None = None  # on the change step: when that change takes effect

    def __str__(self) -> str:
        return self.label if self.relation in ("changed", "") else f"[{self.relation}] {self.label}"


@dataclass(frozen=True, slots=True)
class ImpactHit:
    node: str
    kind: str
    label: str
    tier: str  # "direct" | "xref"
    score: float
    hops: int  # edges from the changed provision to the node on the best path
    path: tuple[PathStep, ...]  # best path: change → § → [xref →] § → service/KLE → procedure
    changes: tuple[str, ...]  # ChangeInput.describe() of every change reaching the node
    acts: tuple[str, ...]
    in_force: dt.date | None  # earliest in-force date among those changes
    signed: dt.date | None = None
    # every distinct path that reaches the node (best first, at most MAX_PATHS): a § that a
    # service and a cross-reference both lead to is two reasons, not one
    paths: tuple[tuple[PathStep, ...], ...] = ()
    unofficial: int = 0  # how many of the changes are look-ahead (not yet consolidated)

    @property
    def explanation(self) -> str:
        return " → ".join(str(s) for s in self.path)


def change_weight(change: ProvisionChange) -> float:
    """How much a change weighs (0.2–2.0): inserted/repealed text by its length, amended text
    by the share of words changed, a pure renumbering little."""
    if change.kind in (ChangeKind.INSERTED, ChangeKind.REPEALED):
        text = change.new_text or change.old_text
        return min(2.0, 1.0 + len(text) / 1000)
    if change.kind is ChangeKind.RENUMBERED and not change.ops:
        return 0.3
    changed = sum(len(o.text.split()) for o in change.ops if o.op != "equal")
    total = max(1, sum(len(o.text.split()) for o in change.ops if o.op != "insert"))
    if not change.ops:
        return max(0.2, min(2.0, 1.0 - change.similarity + 0.2))
    return max(0.2, min(2.0, 0.5 + changed / total))


MAX_PATHS = 20
"""Paths kept per hit (the best ones; the first 80 distinct found are ranked): a § cited by
hundreds of provisions must not make a hit's record unbounded."""


@dataclass(slots=True)
class _Acc:
    tier: int
    hops: int
    path: tuple[PathStep, ...]
    scores: dict[int, float] = field(default_factory=dict)  # change index → best score
    paths: dict[tuple[str, ...], tuple[int, int, tuple[PathStep, ...]]] = field(
        default_factory=dict
    )  # node sequence → (tier, hops, path)


def _step(g: ImpactGraph, node: str, relation: str, source: str = "") -> PathStep:
    return PathStep(node, g.label(node), relation, source)


def _scope(g: ImpactGraph, c: ChangeInput) -> list[tuple[str, str, tuple[PathStep, ...]]]:
    """(provision node, scope kind, path prefix) for one change."""
    keys = [k for k in (c.change.new_key, c.change.old_key) if k]
    head = PathStep(f"change:{c.law}:{c.change.key}", f"change: {c.describe()}", "changed",
                    in_force=c.in_force)
    out: list[tuple[str, str, tuple[PathStep, ...]]] = []
    seen: set[str] = set()
    for key in dict.fromkeys(keys):
        node, kind = prov_id(c.law, key), "changed"
        if node not in g:
            node = next((prov_id(c.law, a) for a in key_ancestors(key)
                         if prov_id(c.law, a) in g), "")
            kind = "above"
            if not node:
                continue
        start = (head, _step(g, node, "changed" if kind == "changed" else "nearest existing"))
        if node not in seen:
            seen.add(node)
            out.append((node, kind, start))
        for d in sorted(g.descendants(node, ["contains"])):
            if d not in seen:
                seen.add(d)
                out.append((d, "below", (*start, _step(g, d, "part of changed"))))
        prefix = start
        cur = node
        while True:
            parents = [e.src for e in g.in_edges(cur, ["contains"]) if g.kind(e.src) == "provision"]
            if not parents:
                break
            cur = parents[0]
            prefix = (*prefix, _step(g, cur, "contained in"))
            if cur not in seen:
                seen.add(cur)
                out.append((cur, "above", prefix))
    return out


def _targets(g: ImpactGraph, prov: str) -> list[tuple[str, tuple[PathStep, ...]]]:
    """Hit nodes reachable from one provision: basis_for, then downstream (BFS, shortest)."""
    out: list[tuple[str, tuple[PathStep, ...]]] = []
    seen: set[str] = set()
    frontier: list[tuple[str, tuple[PathStep, ...]]] = []
    for e in g.out_edges(prov, ["basis_for"]):
        if e.dst not in seen:
            seen.add(e.dst)
            frontier.append((e.dst, (_step(g, e.dst, "basis for", e.source),)))
    while frontier:
        nxt: list[tuple[str, tuple[PathStep, ...]]] = []
        for node, steps in frontier:
            if g.kind(node) in HIT_KINDS:
                out.append((node, steps))
            for e in g.out_edges(node, DOWNSTREAM):
                if e.dst not in seen:
                    seen.add(e.dst)
                    nxt.append((e.dst, (*steps, _step(g, e.dst, e.relation.replace("_", " "),
                                                      e.source))))
        frontier = nxt
    return out


def _best_paths(a: _Acc) -> tuple[tuple[PathStep, ...], ...]:
    """The hit's best path (the one its score and explanation use) first, then the others
    by tier, hops and nodes."""
    rest = [p for _t, _h, p in sorted(
        a.paths.values(), key=lambda x: (x[0], x[1], tuple(s.node for s in x[2])))
        if p != a.path]
    return (a.path, *rest[: MAX_PATHS - 1])


def impact(graph: ImpactGraph, changes: Sequence[ChangeInput],
           kinds: Iterable[str] | None = None) -> list[ImpactHit]:
    """Ranked hits for the changes; `kinds` limits the node kinds reported (default all of
    service, KLE subject/group, procedure, OS2bos activity, processing activity)."""
    want = set(kinds) if kinds is not None else HIT_KINDS
    acc: dict[str, _Acc] = {}
    for ci, c in enumerate(changes):
        weight = change_weight(c.change)
        scope = _scope(graph, c)
        in_scope = {n for n, _k, _p in scope}
        entries: list[tuple[int, str, str, tuple[PathStep, ...]]] = [
            (0, n, k, p) for n, k, p in scope]
        for node, kind, prefix in scope:
            for e in graph.in_edges(node, ["refers_to"]):
                if e.src in in_scope:
                    continue
                base = (*prefix, _step(graph, e.src, f"cited by ({e.attrs.get('text', '')})",
                                       e.source))
                entries.append((1, e.src, kind, base))
                cur = e.src
                steps = base
                while parents := [x.src for x in graph.in_edges(cur, ["contains"])
                                  if graph.kind(x.src) == "provision"]:
                    cur = parents[0]
                    steps = (*steps, _step(graph, cur, "contained in"))
                    if cur not in in_scope:
                        entries.append((1, cur, kind, steps))
        for tier, prov, kind, prefix in entries:
            for node, tail in _targets(graph, prov):
                if graph.kind(node) not in want:
                    continue
                path = (*prefix, *tail)
                hops = len(path) - 2  # edges after the change step and the changed node
                score = weight * SCOPE_FACTOR[kind] / (1 + 0.25 * max(0, hops - 1))
                if tier:
                    score *= XREF_FACTOR
                a = acc.get(node)
                if a is None:
                    a = acc[node] = _Acc(tier, hops, path)
                elif (tier, hops) < (a.tier, a.hops):
                    a.tier, a.hops, a.path = tier, hops, path
                a.scores[ci] = max(a.scores.get(ci, 0.0), score)
                sig = tuple(s.node for s in path)
                if sig not in a.paths and len(a.paths) < 4 * MAX_PATHS:
                    a.paths[sig] = (tier, hops, path)
    hits = []
    for node, a in acc.items():
        cs = [changes[i] for i in sorted(a.scores)]
        dates = [c.in_force for c in cs if c.in_force]
        signed = [c.signed for c in cs if c.signed]
        acts = dict.fromkeys(c.attribution.act_label for c in cs if c.attribution)
        hits.append(ImpactHit(
            node=node, kind=graph.kind(node), label=graph.label(node),
            tier="direct" if a.tier == 0 else "xref", score=round(sum(a.scores.values()), 4),
            hops=a.hops, path=a.path, changes=tuple(c.describe() for c in cs),
            acts=tuple(acts), in_force=min(dates) if dates else None,
            signed=min(signed) if signed else None,
            paths=_best_paths(a), unofficial=sum(c.unofficial for c in cs)))
    hits.sort(key=lambda h: (h.tier != "direct", -h.score, h.hops, h.node))
    return hits


def impact_subgraph(graph: ImpactGraph, hits: Sequence[ImpactHit]) -> ImpactGraph:
    """The nodes on the hits' explaining paths (changes are not nodes of the graph)."""
    nodes = {s.node for h in hits for s in h.path if s.node in graph}
    sub = graph.subgraph(nodes)
    for h in hits:
        sub.add_node(h.kind, h.node, impact_tier=h.tier, impact_score=h.score,
                     impact_hops=h.hops, in_force=h.in_force)
    return sub


def export_graphml(graph: ImpactGraph, path: str | Path) -> None:
    """GraphML with cleaned attributes (no None, lists joined, dates ISO)."""
    nx.write_graphml(graph.to_networkx(clean=True), str(path))


def export_gexf(graph: ImpactGraph, path: str | Path) -> None:
    """GEXF (Gephi) with cleaned attributes."""
    nx.write_gexf(graph.to_networkx(clean=True), str(path))


CSV_COLUMNS = ("rank", "tier", "score", "hops", "kind", "node", "label", "in_force", "signed",
               "changes", "acts", "path", "unofficial_changes")


def step_record(s: PathStep) -> dict[str, object]:
    return {"node": s.node, "label": s.label, "relation": s.relation, "source": s.source,
            "in_force": s.in_force.isoformat() if s.in_force else None}


def hit_record(rank: int, h: ImpactHit) -> dict[str, object]:
    """One hit for JSON: lists stay lists (changes, acts, every path with its steps), dates
    ISO or None."""
    return {
        "rank": rank, "tier": h.tier, "score": h.score, "hops": h.hops, "kind": h.kind,
        "node": h.node, "label": h.label,
        "in_force": h.in_force.isoformat() if h.in_force else None,
        "signed": h.signed.isoformat() if h.signed else None,
        "changes": list(h.changes), "acts": list(h.acts), "path": h.explanation,
        "unofficial_changes": h.unofficial,
        "paths": [[step_record(s) for s in p] for p in (h.paths or (h.path,))],
    }


def csv_record(rank: int, h: ImpactHit) -> dict[str, object]:
    """One flat CSV row: a cell holds one string, so lists are joined with " | "."""
    rec = hit_record(rank, h)
    return {k: (" | ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v))
            for k, v in rec.items() if k in CSV_COLUMNS}


def ranking_to_csv(hits: Sequence[ImpactHit], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for i, h in enumerate(hits, 1):
            w.writerow(csv_record(i, h))

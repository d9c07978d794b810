"""`ImpactGraph`: the one thin wrapper over networkx.MultiDiGraph that all of `graph/` uses.

Keeping networkx behind one class (as dbt-core does with its graph module) gives one place
for the node-id scheme, for the rule that every edge carries a source, and for the attribute
cleaning GraphML/GEXF need; the rest of the package never touches networkx directly.

Node ids are namespaced by kind: ``law:serviceloven``, ``prov:serviceloven:§ 52, stk. 3``,
``service:os2bos:SEL-52-3.7``, ``os2bos-activity:015031``, ``kle:27.24.00``,
``kle-group:27.24``, ``proc:27.24.00:G01``, ``proc:user:<name>``, ``activity:kl:01``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx


@dataclass(frozen=True, slots=True)
class Edge:
    src: str
    dst: str
    relation: str
    source: str
    attrs: dict[str, Any] = field(default_factory=dict)


def prov_id(law: str, key: str) -> str:
    return f"prov:{law}:{key}"


def law_id(law: str) -> str:
    return f"law:{law}"


def kle_id(number: str) -> str:
    return f"kle:{number}"


def proc_id(subject: str, facet: str) -> str:
    return f"proc:{subject}:{facet}"


class ImpactGraph:
    """Typed nodes (``kind`` attribute) and relation-labelled, sourced edges."""

    def __init__(self) -> None:
        self._g: nx.MultiDiGraph = nx.MultiDiGraph()

    # -------------------------------------------------------------- building
    def add_node(self, kind: str, id: str, **attrs: Any) -> str:
        """Add or update a node; a node keeps its first kind (ids are namespaced per kind)."""
        if id in self._g:
            self._g.nodes[id].update({k: v for k, v in attrs.items() if v is not None})
        else:
            self._g.add_node(id, kind=kind, **attrs)
        return id

    def add_edge(self, src: str, dst: str, relation: str, *, source: str, **attrs: Any) -> None:
        """Add an edge; the same (relation, source) between the same nodes is stored once."""
        if not source:
            raise ValueError(f"edge {src} -[{relation}]-> {dst} has no source")
        for n in (src, dst):
            if n not in self._g:
                raise KeyError(f"unknown node {n!r}")
        key = f"{relation}|{source}"
        if self._g.has_edge(src, dst, key):
            return
        self._g.add_edge(src, dst, key=key, relation=relation, source=source, **attrs)

    # -------------------------------------------------------------- reading
    def __contains__(self, node: object) -> bool:
        return node in self._g

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    @property
    def edge_count(self) -> int:
        return self._g.number_of_edges()

    def node(self, id: str) -> dict[str, Any]:
        return dict(self._g.nodes[id])

    def kind(self, id: str) -> str:
        return str(self._g.nodes[id].get("kind", ""))

    def label(self, id: str) -> str:
        return str(self._g.nodes[id].get("label") or id)

    def nodes(self) -> Iterator[str]:
        return iter(self._g.nodes)

    def nodes_of_kind(self, kind: str) -> list[str]:
        return [n for n, k in self._g.nodes(data="kind") if k == kind]

    def edges(self) -> Iterator[Edge]:
        for u, v, d in self._g.edges(data=True):
            yield _edge(u, v, d)

    def out_edges(self, id: str, relations: Iterable[str] | None = None) -> list[Edge]:
        rel = set(relations) if relations is not None else None
        return [_edge(u, v, d) for u, v, d in self._g.out_edges(id, data=True)
                if rel is None or d["relation"] in rel]

    def in_edges(self, id: str, relations: Iterable[str] | None = None) -> list[Edge]:
        rel = set(relations) if relations is not None else None
        return [_edge(u, v, d) for u, v, d in self._g.in_edges(id, data=True)
                if rel is None or d["relation"] in rel]

    def edges_between(self, src: str, dst: str) -> list[Edge]:
        data = self._g.get_edge_data(src, dst) or {}
        return [_edge(src, dst, d) for d in data.values()]

    def descendants(self, id: str, relations: Iterable[str] | None = None) -> set[str]:
        """Nodes reachable from id (over the given relations only, if any)."""
        if relations is None:
            return set(nx.descendants(self._g, id))
        rel = set(relations)
        seen: set[str] = set()
        stack = [id]
        while stack:
            for e in self.out_edges(stack.pop(), rel):
                if e.dst not in seen and e.dst != id:
                    seen.add(e.dst)
                    stack.append(e.dst)
        return seen

    def ancestors(self, id: str) -> set[str]:
        return set(nx.ancestors(self._g, id))

    def shortest_path(self, src: str, dst: str) -> list[str] | None:
        try:
            return list(nx.shortest_path(self._g, src, dst))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None

    def all_paths(self, src: str, dst: str, cutoff: int = 6) -> list[list[str]]:
        """All simple paths up to `cutoff` edges, shortest first (for explanations)."""
        paths = nx.all_simple_paths(self._g, src, dst, cutoff=cutoff)
        return sorted((list(p) for p in paths), key=len)

    def explain(self, path: list[str]) -> list[Edge]:
        """The edges along a node path (the first edge between each pair)."""
        return [self.edges_between(a, b)[0] for a, b in itertools.pairwise(path)]

    def subgraph(self, nodes: Iterable[str]) -> ImpactGraph:
        sub = ImpactGraph()
        sub._g = self._g.subgraph(set(nodes) & set(self._g.nodes)).copy()
        return sub

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes per kind and edges per relation."""
        kinds: dict[str, int] = {}
        for _n, k in self._g.nodes(data="kind"):
            kinds[k] = kinds.get(k, 0) + 1
        rels: dict[str, int] = {}
        for _u, _v, r in self._g.edges(data="relation"):
            rels[r] = rels.get(r, 0) + 1
        return kinds, rels

    def to_networkx(self, clean: bool = True) -> nx.MultiDiGraph:
        """A copy for export; with `clean`, attribute values GraphML/GEXF accept: no None,
        lists/tuples joined with "; ", dates as ISO strings, other objects as str."""
        g = self._g.copy()
        if not clean:
            return g
        for _n, d in g.nodes(data=True):
            _clean(d)
        for _u, _v, d in g.edges(data=True):
            _clean(d)
        _uniform(d for _n, d in g.nodes(data=True))
        _uniform(d for _u, _v, d in g.edges(data=True))
        return g


def _edge(u: str, v: str, d: dict[str, Any]) -> Edge:
    extra = {k: val for k, val in d.items() if k not in ("relation", "source")}
    return Edge(u, v, d["relation"], d["source"], extra)


def _clean(d: dict[str, Any]) -> None:
    """Make values writable by GraphML and GEXF: drop None; everything else becomes a str
    (lists joined with "; ", dates ISO) except bool/int/float, which those formats type —
    a key is kept numeric only where every value of it is (see `_uniform`)."""
    for k in list(d):
        v = d[k]
        if v is None:
            del d[k]
        elif isinstance(v, bool | int | float | str):
            continue
        elif isinstance(v, list | tuple | set | frozenset):
            d[k] = "; ".join(str(x) for x in v)
        elif isinstance(v, dt.date | dt.datetime):
            d[k] = v.isoformat()
        else:
            d[k] = str(v)


def _uniform(items: Iterable[dict[str, Any]]) -> None:
    """One type per attribute name (GraphML declares a type per key): mixed → str."""
    items = list(items)
    types: dict[str, set[type]] = {}
    for d in items:
        for k, v in d.items():
            types.setdefault(k, set()).add(type(v))
    mixed = {k for k, t in types.items() if len(t) > 1}
    for d in items:
        for k in mixed & d.keys():
            d[k] = str(d[k])

"""Konsekvenser: the impact graph over the stored laws, and the changes of a window run
through `graph.impact`. The graph is built once per database (cache_resource: it is a live
object, not data); hits are cached as DataFrames.

The changes and the law versions come from `lovspor.impact_data` (the graph stage's database
edge: each law at its version in force at the window's end, renumbered keys carried forward);
the reference data (OS2bos, KLE, KL's register) from the impact folder. Without that module
the graph is built from each law's newest stored version.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import and_, select

from dashboard.data import TTL, _df, latest_provisions
from dashboard.format import change_label_da
from db.models import ChangeRow, Law
from graph.core import ImpactGraph
from lawdiff.model import Attribution, ChangeKind, Level, ProvisionChange, TokenOp
from lovspor.analyze import provision_from_fields

HIT_KIND_DA = {
    "procedure": "arbejdsgang (KLE × handlingsfacet)",
    "service": "ydelse (OS2bos)",
    "kle_subject": "KLE-emne",
    "kle_group": "KLE-gruppe",
    "os2bos_activity": "aktivitet (OS2bos)",
    "processing_activity": "behandlingsaktivitet (KL)",
}
RELATION_DA = {
    "changed": "ændret",
    "nearest existing": "nærmeste eksisterende",
    "part of changed": "del af det ændrede",
    "contained in": "indeholdt i",
    "basis for": "hjemmel for",
    "has procedure": "arbejdsgang",
    "classified as": "klassificeret som",
    "processed in": "behandles i",
    "paid as": "betales som",
    "follow up cost": "følgeudgift",
}


def relation_da(relation: str) -> str:
    """Danish name of a path step's relation ("cited by (jf. § 41)" keeps its citation)."""
    if relation.startswith("cited by"):
        return "henvist til fra" + relation[len("cited by"):]
    return RELATION_DA.get(relation, relation)


STEP_COLUMNS = ["rank", "step", "node", "label", "relation", "source", "kind"]
HIT_COLUMNS = [
    "rank", "tier", "score", "hops", "kind", "node", "label", "in_force", "signed", "changes",
    "acts", "path",
]


@st.cache_resource(show_spinner="Bygger konsekvensgrafen …", ttl=TTL)
def impact_graph(url: str, folder: str) -> tuple[ImpactGraph, dict[str, Any]]:
    """Graph over each law's newest version and the reference data in `folder`."""
    from graph.build import build_graph
    from graph.sources.kl_processing import load_kl_processing
    from graph.sources.kle import load_kle
    from graph.sources.os2bos import load_os2bos

    root = Path(folder)
    provs = {slug: [provision_from_fields(*r) for r in rows] for slug, rows in latest_provisions(url).items()}
    logging.getLogger("graph").setLevel(logging.ERROR)
    os2bos = load_os2bos(root / "os2bos") if (root / "os2bos").is_dir() else None
    kle_file = root / "kle" / "kle-emneplan-social.xml"
    kle = load_kle(kle_file) if kle_file.is_file() else None
    acts = (
        load_kl_processing(root / "kl-processing")[0]
        if (root / "kl-processing").is_dir()
        else []
    )
    titles = {}
    with_titles = _df(url, select(Law.slug, Law.title))
    titles = dict(zip(with_titles["slug"], with_titles["title"], strict=True))
    g, report = build_graph(
        provs, os2bos, kle, acts, (), law_titles={k: titles.get(k, k) for k in provs}
    )
    return g, {"nodes": report.nodes, "edges": report.edges, "laws": sorted(provs)}


def _change_inputs(
    url: str,
    law_ids: tuple[int, ...],
    basis: str,
    start: dt.date | None,
    end: dt.date | None,
) -> list[Any]:
    from graph.impact import ChangeInput

    c = ChangeRow
    col = c.in_force if basis == "in_force" else c.signed
    conds = []
    if law_ids:
        conds.append(c.law_id.in_(law_ids))
    if start:
        conds.append(col >= start)
    if end:
        conds.append(col <= end)
    stmt = select(
        Law.slug, c.kind, c.level, c.old_key, c.new_key, c.old_text, c.new_text, c.ops,
        c.similarity, c.signed, c.in_force, c.act_eli, c.act_label, c.act_section, c.act_item,
        c.attribution,
    ).join(Law, Law.id == c.law_id)
    if conds:
        stmt = stmt.where(and_(*conds))
    df = _df(url, stmt.order_by(c.id))
    out = []
    for r in df.itertuples(index=False):
        ch = ProvisionChange(
            kind=ChangeKind(r.kind), level=Level(r.level), old_key=_s(r.old_key),
            new_key=_s(r.new_key), old_text=_s(r.old_text) or "", new_text=_s(r.new_text) or "",
            ops=tuple(TokenOp(o, t) for o, t in (_ops(r.ops))), similarity=float(r.similarity),
        )
        att = None
        if _s(r.act_eli):
            att = Attribution(
                r.act_eli, _s(r.act_label) or r.act_eli, _s(r.act_section) or "",
                _s(r.act_item), _d(r.in_force), _s(r.attribution) or "act",
            )
        out.append(ChangeInput(r.slug, ch, att, _d(r.in_force), _d(r.signed)))
    return out


def _s(v: Any) -> str | None:
    """pandas turns SQL NULL into NaN in some columns: back to None."""
    return None if v is None or (isinstance(v, float) and v != v) else str(v)


def _ops(v: Any) -> list[tuple[str, str]]:
    import json

    if isinstance(v, str):
        v = json.loads(v)
    return [(str(a), str(b)) for a, b in (v or [])]


def _d(v: Any) -> dt.date | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _via_impact_data(
    url: str, folder: str, laws: tuple[str, ...], basis: str,
    start: dt.date | None, end: dt.date | None,
) -> tuple[ImpactGraph, list[Any], str]:
    """The graph stage's own I/O edge (`lovspor.impact_data`): graph at the version in force
    at the window's end, renumbered keys carried forward. Raises ImpactDataError."""
    from sqlalchemy.orm import Session

    from dashboard.data import engine
    from graph.build import build_graph
    from lovspor.impact_data import Window, impact_inputs, load_sources

    window = (
        Window(laws=laws, in_force_from=start, in_force_to=end)
        if basis == "in_force"
        else Window(laws=laws, date_from=start, date_to=end)
    )
    with Session(engine(url)) as session:
        inputs = impact_inputs(session, window)
    src = load_sources(Path(folder))
    g, _report = build_graph(
        inputs.provisions, src.os2bos, src.kle, src.kl_processing, src.user,
        key_aliases=inputs.key_aliases, law_titles=inputs.law_titles,
    )
    used = ", ".join(f"{slug} {v.eli}" for slug, v in sorted(inputs.versions.items()))
    return g, inputs.changes, used


@st.cache_data(ttl=TTL, show_spinner="Beregner konsekvenser …")
def impact_hits(
    url: str,
    folder: str,
    laws: tuple[str, ...] = (),
    basis: str = "signed",
    start: dt.date | None = None,
    end: dt.date | None = None,
    kinds: tuple[str, ...] = ("procedure",),
) -> dict[str, Any]:
    """Ranked hits and the explaining path of each hit step by step, as DataFrames, plus
    how many changes were walked, which law versions the graph holds, and — when nothing
    could be walked — the reason."""
    from graph.impact import hit_record, impact

    empty = pd.DataFrame(columns=HIT_COLUMNS)
    try:
        from lovspor.impact_data import ImpactDataError
    except ModuleNotFoundError:  # the graph stage's DB edge is not installed: own loader
        g, _ = impact_graph(url, folder)
        ids = _law_ids(url, laws)
        inputs, used = _change_inputs(url, ids, basis, start, end), "nyeste version pr. lov"
    else:
        try:
            g, inputs, used = _via_impact_data(url, folder, laws, basis, start, end)
        except ImpactDataError as exc:
            return {"hits": empty, "steps": pd.DataFrame(columns=STEP_COLUMNS), "changes": 0,
                    "graph": "", "message": str(exc), "nodes": 0, "edges": 0}
    hits = impact(g, inputs, kinds=kinds or None)
    df = pd.DataFrame([hit_record(i, h) for i, h in enumerate(hits, 1)], columns=HIT_COLUMNS)
    steps = pd.DataFrame(
        [
            {
                "rank": i, "step": j, "node": s.node,
                "label": change_label_da(s.label) if s.relation == "changed" else s.label,
                "relation": s.relation,
                "source": s.source, "kind": g.kind(s.node) if s.node in g else "change",
            }
            for i, h in enumerate(hits, 1)
            for j, s in enumerate(h.path)
        ],
        columns=STEP_COLUMNS,
    )
    return {"hits": df, "steps": steps, "changes": len(inputs), "graph": used,
            "message": "", "nodes": len(g), "edges": g.edge_count}


def _law_ids(url: str, slugs: tuple[str, ...]) -> tuple[int, ...]:
    if not slugs:
        return ()
    df = _df(url, select(Law.id).where(Law.slug.in_(slugs)))
    return tuple(int(i) for i in df["id"])


_SHAPE = {
    "change": ("note", "#fde2e2"),
    "provision": ("box", "#eef2ff"),
    "law": ("box", "#e0e7ff"),
    "service": ("ellipse", "#dcf5dc"),
    "kle_subject": ("ellipse", "#fff3c4"),
    "kle_group": ("ellipse", "#fff3c4"),
    "procedure": ("component", "#ffd8a8"),
    "os2bos_activity": ("ellipse", "#e6fcf5"),
    "processing_activity": ("ellipse", "#f3e8ff"),
}


def _dot_str(text: str, limit: int = 60) -> str:
    """A DOT string literal: quotes and backslashes escaped, newlines and <> made harmless."""
    t = text if len(text) <= limit else text[: limit - 1] + "…"
    t = t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{t}"'


def dot_graph(steps: pd.DataFrame, ranks: int = 10) -> str:
    """Graphviz DOT of the explaining paths of the top `ranks` hits."""
    top = steps[steps["rank"] <= ranks]
    lines = [
        "digraph impact {",
        "rankdir=LR; node [fontname=Helvetica fontsize=10 style=filled]; "
        "edge [fontname=Helvetica fontsize=8 color=\"#888888\"];",
    ]
    nodes: dict[str, tuple[str, str]] = {}
    edges: dict[tuple[str, str], str] = {}
    for _rank, path in top.groupby("rank", sort=True):
        prev = None
        for s in path.sort_values("step").itertuples(index=False):
            nodes.setdefault(s.node, (s.label, s.kind))
            if prev is not None:
                edges.setdefault((prev, s.node), s.relation)
            prev = s.node
    ids = {n: f"n{i}" for i, n in enumerate(nodes)}
    for n, (label, kind) in nodes.items():
        shape, color = _SHAPE.get(kind, ("ellipse", "#f1f3f5"))
        text = label.removeprefix("change: ") if kind == "change" else label
        lines.append(f"{ids[n]} [label={_dot_str(text)} shape={shape} fillcolor=\"{color}\"];")
    for (a, b), rel in edges.items():
        lines.append(f"{ids[a]} -> {ids[b]} [label={_dot_str(relation_da(rel), 30)}];")
    lines.append("}")
    return "\n".join(lines)

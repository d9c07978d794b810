"""Konsekvenser: the changes of a window run through `graph.impact`; hits are cached as
DataFrames.

The changes and the law versions come from `lovspor.impact_data`, the same edge the CLI's
`impact` uses (each law at its version in force at the window's end, renumbered keys carried
forward); the reference data (OS2bos, KLE, KL's register) from the impact folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.data import TTL
from dashboard.format import change_label_da
from graph.core import ImpactGraph

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
        return "henvist til fra" + relation[len("cited by") :]
    return RELATION_DA.get(relation, relation)


STEP_COLUMNS = ["rank", "path", "step", "node", "label", "relation", "source", "kind", "in_force"]
HIT_COLUMNS = [
    "rank",
    "tier",
    "score",
    "hops",
    "kind",
    "node",
    "label",
    "in_force",
    "signed",
    "changes",
    "acts",
    "path",
    "unofficial_changes",
]


def _via_impact_data(
    url: str,
    folder: str,
    laws: tuple[str, ...],
    basis: str,
    start: dt.date | None,
    end: dt.date | None,
    editorial: bool = False,
    ahead: bool = True,
) -> tuple[ImpactGraph, Any, str]:
    """The graph stage's own I/O edge (`lovspor.impact_data`): graph at the version in force
    at the window's end, renumbered keys carried forward. Raises ImpactDataError."""
    from sqlalchemy.orm import Session

    from dashboard.data import engine
    from graph.build import build_graph
    from lovspor.impact_data import Window, impact_inputs, load_sources

    window = (
        Window(laws=laws, in_force_from=start, in_force_to=end, editorial=editorial, ahead=ahead)
        if basis == "in_force"
        else Window(laws=laws, date_from=start, date_to=end, editorial=editorial, ahead=ahead)
    )
    with Session(engine(url)) as session:
        inputs = impact_inputs(session, window)
    src = load_sources(Path(folder))
    g, _report = build_graph(
        inputs.provisions,
        src.os2bos,
        src.kle,
        src.kl_processing,
        src.user,
        key_aliases=inputs.key_aliases,
        law_titles=inputs.law_titles,
    )
    used = ", ".join(f"{slug} {v.eli}" for slug, v in sorted(inputs.versions.items()))
    return g, inputs, used


@st.cache_data(ttl=TTL, show_spinner="Beregner konsekvenser …")
def impact_hits(
    url: str,
    folder: str,
    laws: tuple[str, ...] = (),
    basis: str = "signed",
    start: dt.date | None = None,
    end: dt.date | None = None,
    kinds: tuple[str, ...] = ("procedure",),
    editorial: bool = False,
    ahead: bool = True,
) -> dict[str, Any]:
    """Ranked hits and the explaining path of each hit step by step, as DataFrames, plus
    how many changes were walked, which law versions the graph holds, and — when nothing
    could be walked — the reason."""
    from graph.impact import hit_record, impact
    from lovspor.impact_data import ImpactDataError

    empty = pd.DataFrame(columns=HIT_COLUMNS)
    try:
        g, data, used = _via_impact_data(url, folder, laws, basis, start, end, editorial, ahead)
    except ImpactDataError as exc:
        return {
            "hits": empty,
            "steps": pd.DataFrame(columns=STEP_COLUMNS),
            "changes": 0,
            "editorial_left_out": 0,
            "ahead": {},
            "unofficial": 0,
            "graph": "",
            "message": str(exc),
            "nodes": 0,
            "edges": 0,
        }
    inputs = data.changes
    hits = impact(g, inputs, kinds=kinds or None)
    df = pd.DataFrame([hit_record(i, h) for i, h in enumerate(hits, 1)], columns=HIT_COLUMNS)
    steps = pd.DataFrame(
        [
            {
                "rank": i,
                "path": k,
                "step": j,
                "node": s.node,
                "label": change_label_da(s.label) if s.relation == "changed" else s.label,
                "relation": s.relation,
                "source": s.source,
                "kind": g.kind(s.node) if s.node in g else "change",
                "in_force": s.in_force,
            }
            for i, h in enumerate(hits, 1)
            for k, path in enumerate(h.paths or (h.path,))
            for j, s in enumerate(path)
        ],
        columns=STEP_COLUMNS,
    )
    return {
        "hits": df,
        "steps": steps,
        "changes": len(inputs),
        "editorial_left_out": data.editorial_left_out,
        "ahead": data.ahead,
        "unofficial": sum(c.unofficial for c in inputs),
        "graph": used,
        "message": "",
        "nodes": len(g),
        "edges": g.edge_count,
    }


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def score_words(tier: str, score: float, hops: int, n_changes: int) -> str:
    """The score of one hit in plain Danish, built from graph.impact's own factors so the
    words cannot drift from the ranking."""
    from graph.impact import SCOPE_FACTOR, XREF_FACTOR

    scope = " · ".join(
        f"{da} {_num(SCOPE_FACTOR[k])}"
        for k, da in (("changed", "selve den ændrede bestemmelse"), ("below", "under den"),
                      ("above", "over den"))
    )
    via = (
        f" Vejen går via en henvisning i loven, så hvert bidrag ganges med {_num(XREF_FACTOR)}."
        if tier != "direct"
        else " Vejen går direkte fra den ændrede bestemmelse."
    )
    return (
        f"**{_num(score)} point** er summen over {n_changes} ændring(er) af: ændringens "
        "størrelse (0,2–2: indsat/ophævet tekst efter længde, ændret tekst efter andelen af "
        f"ændrede ord) × hvor tæt det ramte hænger på ændringen ({scope}) ÷ (1 + 0,25 × "
        f"(trin − 1)); denne vej har {hops} trin.{via} Direkte ramte står altid før dem via "
        "henvisning."
    )


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
    """Graphviz DOT of every explaining path of the top `ranks` hits (shared nodes drawn
    once, so two routes to one procedure show as two arrows into it)."""
    top = steps[steps["rank"] <= ranks]
    if "path" not in top.columns:  # one path per hit (steps built before paths existed)
        top = top.assign(path=0)
    lines = [
        "digraph impact {",
        "rankdir=LR; node [fontname=Helvetica fontsize=10 style=filled]; "
        'edge [fontname=Helvetica fontsize=8 color="#888888"];',
    ]
    nodes: dict[str, tuple[str, str]] = {}
    edges: dict[tuple[str, str], str] = {}
    for _rank_path, path in top.groupby(["rank", "path"], sort=True):
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
        lines.append(f'{ids[n]} [label={_dot_str(text)} shape={shape} fillcolor="{color}"];')
    for (a, b), rel in edges.items():
        lines.append(f"{ids[a]} -> {ids[b]} [label={_dot_str(relation_da(rel), 30)}];")
    lines.append("}")
    return "\n".join(lines)

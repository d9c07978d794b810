"""Graph build and impact: hand-made provisions, then the real serviceloven LBK 2016/1270
with OS2bos, KLE and KL's processing register."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import networkx as nx
import pytest

from graph.build import build_graph
from graph.core import ImpactGraph
from graph.impact import (
    ChangeInput,
    export_gexf,
    export_graphml,
    impact,
    impact_subgraph,
    ranking_to_csv,
)
from graph.paragraphs import ParaRef, RefKind
from graph.sources import SourceRef
from graph.sources.kl_processing import load_kl_processing
from graph.sources.kle import load_kle
from graph.sources.os2bos import load_os2bos
from graph.sources.user import UserProcedure
from lawdiff.model import Attribution, ChangeKind, Level, Provision, ProvisionChange
from lovspor.settings import shared_dir


def _p(key: str, text: str = "") -> Provision:
    depth = key.count(",")
    level = (Level.PARAGRAF, Level.STK, Level.NR)[depth]
    parent = key.rsplit(", ", 1)[0] if depth else None
    return Provision(key=key, level=level, number="", label="", parent=parent, text=text,
                     position=0)


def _change(key: str, kind: ChangeKind = ChangeKind.AMENDED, old: str | None = None,
            law: str = "serviceloven", in_force: dt.date | None = None) -> ChangeInput:
    level = (Level.PARAGRAF, Level.STK, Level.NR)[key.count(",")]
    new = None if kind is ChangeKind.REPEALED else key
    old_key = None if kind is ChangeKind.INSERTED else (old or key)
    return ChangeInput(law, ProvisionChange(kind, level, old_key, new, "gammel tekst",
                                            "ny tekst"),
                       Attribution("lta/2016/647", "lov nr. 647 af 8. juni 2016", "§ 1", "3"),
                       in_force)


SMALL = [
    _p("§ 41"), _p("§ 41, stk. 1", "Kommunen yder hjælp."), _p("§ 41, stk. 2", "x"),
    _p("§ 42"), _p("§ 42, stk. 1", "Hjælp efter § 41 gives som tilskud."),
    _p("§ 43"), _p("§ 43, stk. 1", "Intet."),
]


def _user(name: str, kle: str | None, facet: str | None, *keys: str,
          line: int = 2) -> UserProcedure:
    return UserProcedure(name, kle, facet, "serviceloven", "serviceloven",
                         tuple(ParaRef(RefKind.KEY, k) for k in keys),
                         SourceRef("user", "procedurer.csv", line))


def _small_graph() -> tuple[ImpactGraph, object]:
    users = [
        _user("Merudgift, afgørelse", "27.18.08", "G01", "§ 41, stk. 1", line=2),
        _user("Tilskud, afgørelse", "27.18.10", "G01", "§ 42", line=3),
        _user("Gammel stk.", None, None, "§ 41, stk. 3", line=4),  # renumbered: alias
        _user("Ukendt §", None, None, "§ 99", line=5),
        _user("Dybt nr.", None, None, "§ 43, stk. 1, nr. 4", line=6),  # → ancestor
    ]
    return build_graph({"serviceloven": SMALL}, None, None, (), users,
                       key_aliases={"serviceloven": {"§ 41, stk. 3": "§ 41, stk. 2"}})


def test_build_small_resolution_report() -> None:
    g, report = _small_graph()
    user = report.datasets["user"]
    assert dict(user.counts) == {"exact": 2, "alias": 1, "unresolved": 1, "ancestor": 1}
    assert [u.reason for u in report.unresolved] == ["§ 99 not in this version"]
    assert report.datasets["xref"].counts["exact"] == 1
    edges = g.out_edges("prov:serviceloven:§ 43, stk. 1", ["basis_for"])
    assert [(e.dst, e.attrs["resolved"], e.source) for e in edges] == [
        ("proc:user:Dybt nr.", "ancestor", "user:procedurer.csv:6")]
    assert all(e.source for e in g.edges())


def test_small_impact_direct_before_xref() -> None:
    g, _ = _small_graph()
    hits = impact(g, [_change("§ 41, stk. 1", in_force=dt.date(2017, 1, 1))],
                  kinds={"procedure"})
    assert [(h.node, h.tier) for h in hits] == [
        ("proc:27.18.08:G01", "direct"), ("proc:27.18.10:G01", "xref")]
    direct, via = hits
    assert direct.score > via.score
    assert direct.in_force == dt.date(2017, 1, 1)
    assert direct.acts == ("lov nr. 647 af 8. juni 2016",)
    assert [s.label for s in via.path][1:] == [
        "serviceloven § 41, stk. 1", "serviceloven § 41", "serviceloven § 42, stk. 1",
        "serviceloven § 42", "Tilskud, afgørelse"]
    assert "[cited by (§ 41)]" in via.explanation


def test_small_impact_renumbered_and_repealed() -> None:
    g, _ = _small_graph()
    # a repealed stk. not in the graph falls back to its §
    hits = impact(g, [_change("§ 41, stk. 9", ChangeKind.REPEALED)], kinds={"procedure"})
    assert {h.node for h in hits} >= {"proc:user:Gammel stk.", "proc:27.18.08:G01"}
    assert hits[0].path[1].relation == "nearest existing"


def test_exports_round_trip(tmp_path: Path) -> None:
    g, _ = _small_graph()
    hits = impact(g, [_change("§ 41, stk. 1", in_force=dt.date(2017, 1, 1))])
    sub = impact_subgraph(g, hits)
    for graph, name in ((g, "all"), (sub, "sub")):
        export_graphml(graph, tmp_path / f"{name}.graphml")
        back = nx.read_graphml(tmp_path / f"{name}.graphml", force_multigraph=True)
        assert back.number_of_nodes() == len(graph)
        assert back.number_of_edges() == graph.edge_count
        export_gexf(graph, tmp_path / f"{name}.gexf")
        assert nx.read_gexf(tmp_path / f"{name}.gexf").number_of_nodes() == len(graph)
    back = nx.read_graphml(tmp_path / "sub.graphml", force_multigraph=True)
    assert back.nodes["proc:27.18.08:G01"]["in_force"] == "2017-01-01"
    assert back.nodes["proc:27.18.08:G01"]["user_names"] == "Merudgift, afgørelse"
    ranking_to_csv(hits, tmp_path / "r.csv")
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    assert rows[0]["rank"] == "1" and rows[0]["tier"] == "direct"
    assert " → " in rows[0]["path"]


# ------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def real() -> tuple[ImpactGraph, object]:
    shared = shared_dir()
    if shared is None:
        pytest.skip("shared data folder not available")
    from lawdiff import parse

    path = shared / "retsinfo" / "eli" / "lta" / "2016" / "1270" / "xml"
    doc = parse.parse_document(path.read_bytes(), "eli/lta/2016/1270")
    impact_dir = shared / "impact"
    acts, _ = load_kl_processing(impact_dir / "kl-processing")
    return build_graph({"serviceloven": doc.provisions}, load_os2bos(impact_dir / "os2bos"),
                       load_kle(impact_dir / "kle" / "kle-emneplan-social.xml"), acts, (),
                       law_titles={"serviceloven": "lov om social service"})


def test_real_resolution_figures(real: tuple[ImpactGraph, object]) -> None:
    _g, report = real
    print("\n" + report.summary())  # type: ignore[attr-defined]
    ds = report.datasets  # type: ignore[attr-defined]
    assert dict(ds["os2bos-services"].counts) == {"exact": 149}  # 146 keys + 3 "jf." keys
    kle = ds["kle"].counts
    assert (kle["exact"], kle["ancestor"], kle["chapter"], kle["law"]) == (90, 2, 1, 1)
    sel_unresolved = [u for u in report.unresolved  # type: ignore[attr-defined]
                      if u.dataset == "kle" and u.law == "serviceloven"]
    assert len(sel_unresolved) == 20  # 2025 numbering: §§ added after 2016 (82 a-d, 83 b, …)
    assert ds["xref"].counts["exact"] >= 800 and ds["xref"].counts["unresolved"] == 0


def test_real_change_83_reaches_services_and_kle(real: tuple[ImpactGraph, object]) -> None:
    g, _ = real
    hits = impact(g, [_change("§ 83, stk. 1")])  # type: ignore[arg-type]
    direct = {h.node: h for h in hits if h.tier == "direct"}
    for node in ("service:os2bos:SEL-83", "kle:27.36.04", "kle:27.60.36", "kle:34.45.45",
                 "proc:27.36.04:G01"):
        assert node in direct, node
    kle = direct["kle:27.36.04"]
    assert [s.label for s in kle.path[1:]] == [
        "serviceloven § 83, stk. 1", "serviceloven § 83", "KLE 27.36.04 Personlig og praktisk hjælp"]
    assert kle.path[-1].source.startswith("kle:kle/kle-emneplan-social.xml:")
    svc = direct["service:os2bos:SEL-83"]
    assert svc.path[-1].source.startswith("os2bos:os2bos/paragraphs.csv:")
    proc = direct["proc:27.36.04:G01"]
    assert [s.relation for s in proc.path[-2:]] == ["basis for", "has procedure"]


def test_real_insert_81a_reaches_27_00_00(real: tuple[ImpactGraph, object]) -> None:
    g, _ = real
    change = ChangeInput("serviceloven", ProvisionChange(
        ChangeKind.INSERTED, Level.PARAGRAF, None, "§ 81 a", "", "Kommunalbestyrelsen skal …"),
        Attribution("lta/2016/171", "lov nr. 171 af 27. februar 2016", "§ 1", "1"),
        dt.date(2016, 3, 1))
    hits = {h.node: h for h in impact(g, [change])}  # type: ignore[arg-type]
    hit = hits["kle:27.00.00"]
    assert hit.tier == "direct" and hit.hops == 1
    assert hit.explanation == (
        "change: serviceloven § 81 a inserted by lov nr. 171 af 27. februar 2016, § 1, nr. 1"
        " → serviceloven § 81 a → [basis for] KLE 27.00.00 Social service i almindelighed")
    assert hit.in_force == dt.date(2016, 3, 1)


def test_real_xref_hits_rank_below_direct(real: tuple[ImpactGraph, object]) -> None:
    g, _ = real
    hits = impact(g, [_change("§ 83, stk. 1")])  # type: ignore[arg-type]
    tiers = [h.tier for h in hits]
    assert "xref" in tiers
    assert tiers == sorted(tiers, key=lambda t: t != "direct")  # all direct hits first
    via = {h.node: h for h in hits if h.tier == "xref"}
    # § 83 a, stk. 1 cites § 83, stk. 1: its KLE subject and service come through the xref
    rehab = via["kle:27.36.06"]
    assert "[cited by (§ 83, stk. 1)] serviceloven § 83 a, stk. 1" in rehab.explanation
    assert "service:os2bos:SEL-83-a" in via
    assert max(h.score for h in via.values()) < max(h.score for h in hits if h.tier == "direct")

"""`lovspor impact` / `lovspor graph` and their database edge (`lovspor.impact_data`).

First on a small hand-built database (three versions of one law, a stk. renumbered twice,
one amending act with an in-force date), then end to end on the shared corpus:
`lovspor import` → `lovspor analyze` → `lovspor impact --law serviceloven --from 2015-01-01
--to 2016-12-31 --json`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from db.models import ChangeAttributionRow, ChangeRow, Document, Law, ProvisionRow, Version
from db.session import session_scope
from graph.build import build_graph
from graph.sources.user import load_user_mappings
from lovspor.cli import app
from lovspor.impact_data import (
    ImpactDataError,
    Window,
    carry,
    chain_aliases,
    clear_cache,
    graph_inputs,
    impact_inputs,
    load_sources,
    version_at,
)

runner = CliRunner()
LAW = "serviceloven"
ACT = "lta/2016/99"
ACT_LABEL = "lov nr. 99 af 1. februar 2016"

# version → {key: text}; § 1, stk. 4 ("D") becomes stk. 3 in v2 and stk. 2 in v3
VERSIONS: dict[str, tuple[dt.date, dict[str, str]]] = {
    "lta/2015/1": (dt.date(2015, 1, 1), {
        "§ 1": "", "§ 1, stk. 1": "A.", "§ 1, stk. 2": "B.", "§ 1, stk. 3": "C.",
        "§ 1, stk. 4": "D:", "§ 1, stk. 4, nr. 1": "d1,", "§ 1, stk. 4, nr. 2": "d2.",
        "§ 2": "", "§ 2, stk. 1": "Hjælp efter § 1, stk. 4, gives som tilskud."}),
    "lta/2015/2": (dt.date(2015, 6, 1), {
        "§ 1": "", "§ 1, stk. 1": "A.", "§ 1, stk. 2": "C.", "§ 1, stk. 3": "D:",
        "§ 1, stk. 3, nr. 1": "d1,", "§ 1, stk. 3, nr. 2": "d2 ændret.",
        "§ 2": "", "§ 2, stk. 1": "Hjælp efter § 1, stk. 3, gives som tilskud."}),
    "lta/2016/3": (dt.date(2016, 3, 1), {
        "§ 1": "", "§ 1, stk. 1": "C.", "§ 1, stk. 2": "D ændret:",
        "§ 1, stk. 2, nr. 1": "d1,", "§ 1, stk. 2, nr. 2": "d2 ændret.",
        "§ 2": "", "§ 2, stk. 1": "Hjælp efter § 1, stk. 2, gives som tilskud."}),
}
# (new version, kind, old key, new key); the second pair is attributed to ACT
CHANGES = [
    ("lta/2015/2", "repealed", "§ 1, stk. 2", None),
    ("lta/2015/2", "renumbered", "§ 1, stk. 3", "§ 1, stk. 2"),
    ("lta/2015/2", "renumbered", "§ 1, stk. 4", "§ 1, stk. 3"),
    ("lta/2015/2", "amended", "§ 1, stk. 3, nr. 2", "§ 1, stk. 3, nr. 2"),
    ("lta/2015/2", "amended", "§ 2, stk. 1", "§ 2, stk. 1"),
    ("lta/2016/3", "repealed", "§ 1, stk. 1", None),
    ("lta/2016/3", "renumbered", "§ 1, stk. 2", "§ 1, stk. 1"),
    ("lta/2016/3", "renumbered", "§ 1, stk. 3", "§ 1, stk. 2"),
]
MAPPINGS = """procedure,kle,handlingsfacet,paragraphs,law
Tilskud,27.18.10,G01,§ 2,serviceloven
Gammel stk. 4,,,"§ 1, stk. 4",serviceloven
Gammel nr. 2,,,"§ 1, stk. 4, nr. 2",serviceloven
"""


def _level(key: str) -> str:
    return ("paragraf", "stk", "nr")[key.count(",")]


def _fill(url: str) -> None:
    with session_scope(url) as s:
        law = Law(slug=LAW, title="lov om social service", popular_title="Serviceloven")
        s.add(law)
        s.flush()
        vids: dict[str, int] = {}
        for pos, (eli, (signed, provs)) in enumerate(VERSIONS.items()):
            data = eli.encode()
            doc = Document(eli=eli, url=f"https://example.invalid/eli/{eli}",
                           sha256=hashlib.sha256(data).hexdigest(), size=len(data), content=data,
                           doc_type="LBK", kind="consolidated_act", signed=signed)
            s.add(doc)
            s.flush()
            v = Version(law_id=law.id, document_id=doc.id, eli=eli, signed=signed,
                        valid_from=signed, position=pos, analyzed=True)
            s.add(v)
            s.flush()
            vids[eli] = v.id
            for i, (key, text) in enumerate(provs.items()):
                s.add(ProvisionRow(
                    version_id=v.id, law_id=law.id, key=key, level=_level(key),
                    parent_key=key.rsplit(", ", 1)[0] if "," in key else None,
                    label=key.rsplit(", ", 1)[-1], text=text, hash="x", position=i))
        elis = list(VERSIONS)
        for new, kind, old_key, new_key in CHANGES:
            old = elis[elis.index(new) - 1]
            key = new_key or old_key or ""
            attributed = new == "lta/2016/3"
            s.add(ChangeRow(
                law_id=law.id, old_version_id=vids[old], new_version_id=vids[new], kind=kind,
                level=_level(key), old_key=old_key, new_key=new_key,
                paragraph_key=key.split(",")[0],
                old_text=VERSIONS[old][1].get(old_key or "", ""),
                new_text=VERSIONS[new][1].get(new_key or "", ""),
                ops=[["delete", "D:"], ["insert", "D ændret:"]] if kind == "renumbered" and
                attributed and new_key == "§ 1, stk. 2" else [],
                similarity=0.8, signed=VERSIONS[new][0],
                in_force=dt.date(2016, 7, 1) if attributed else None,
                act_eli=ACT if attributed else None, act_label=ACT_LABEL if attributed else None,
                act_section="§ 1" if attributed else None, act_item="2" if attributed else None,
                attribution="exact" if attributed else "none"))


@pytest.fixture
def small_db(sqlite_url: str) -> str:
    _fill(sqlite_url)
    return sqlite_url


@pytest.fixture
def mappings(tmp_path: Path) -> Path:
    path = tmp_path / "procedurer.csv"
    path.write_text(MAPPINGS, encoding="utf-8")
    return path


@pytest.fixture
def empty_impact_dir(tmp_path: Path) -> Path:
    path = tmp_path / "impact"
    path.mkdir()
    return path


# ------------------------------------------------------------------ impact_data, pure parts


def test_carry_follows_renamed_ancestors() -> None:
    pairs = [{"§ 1, stk. 4": "§ 1, stk. 3"}, {"§ 1, stk. 3": "§ 1, stk. 2"}]
    assert carry("§ 1, stk. 4", pairs) == "§ 1, stk. 2"
    assert carry("§ 1, stk. 4, nr. 2", pairs) == "§ 1, stk. 2, nr. 2"
    assert carry("§ 7", pairs) == "§ 7"


def test_chain_aliases_forward_and_back() -> None:
    p1 = {"§ 1, stk. 3": "§ 1, stk. 2", "§ 1, stk. 4": "§ 1, stk. 3"}
    p2 = {"§ 1, stk. 2": "§ 1, stk. 1", "§ 1, stk. 3": "§ 1, stk. 2"}
    # onto the newest version: old keys carried forward; the newer numbering wins a clash
    assert chain_aliases([{}, p1, p2], 2) == {
        "§ 1, stk. 2": "§ 1, stk. 1", "§ 1, stk. 3": "§ 1, stk. 2", "§ 1, stk. 4": "§ 1, stk. 2"}
    # onto the first version: newer keys carried back
    assert chain_aliases([{}, p1, p2], 0) == {
        "§ 1, stk. 1": "§ 1, stk. 3", "§ 1, stk. 2": "§ 1, stk. 4", "§ 1, stk. 3": "§ 1, stk. 4"}


def test_window_rejects_two_selections() -> None:
    with pytest.raises(ImpactDataError, match="--act"):
        Window(date_from=dt.date(2015, 1, 1), act=ACT)
    with pytest.raises(ImpactDataError, match="after"):
        Window(date_from=dt.date(2016, 1, 1), date_to=dt.date(2015, 1, 1))


# ------------------------------------------------------------------ impact_data on a small DB


def test_inputs_use_version_at_window_end_with_chained_aliases(small_db: str) -> None:
    with session_scope(small_db) as s:
        inputs = impact_inputs(s, Window((LAW,), dt.date(2015, 1, 1), dt.date(2016, 12, 31)))
    assert inputs.versions[LAW].eli == "lta/2016/3"
    assert [p.key for p in inputs.provisions[LAW]][:3] == ["§ 1", "§ 1, stk. 1", "§ 1, stk. 2"]
    assert inputs.provisions[LAW][2].number == "2"
    assert inputs.key_aliases[LAW] == {
        "§ 1, stk. 2": "§ 1, stk. 1", "§ 1, stk. 3": "§ 1, stk. 2", "§ 1, stk. 4": "§ 1, stk. 2"}
    assert inputs.law_titles == {LAW: "Serviceloven"}
    # changes of the first pair are carried into the graph version's numbering
    keys = [(c.change.kind.value, c.change.old_key, c.change.new_key) for c in inputs.changes]
    assert keys[:4] == [
        ("repealed", "§ 1", None),  # B: its number went to C, so the change is to § 1
        ("renumbered", "§ 1, stk. 1", "§ 1, stk. 1"),  # C: stk. 3 → 2 → 1
        ("renumbered", "§ 1, stk. 2", "§ 1, stk. 2"),  # D: stk. 4 → 3 → 2
        ("amended", "§ 1, stk. 2, nr. 2", "§ 1, stk. 2, nr. 2"),  # via its renamed stk.
    ]
    assert inputs.original_keys[3] == ("§ 1, stk. 3, nr. 2", "§ 1, stk. 3, nr. 2")
    assert inputs.change_versions[0] == "lta/2015/2"
    assert inputs.changes[0].signed == dt.date(2015, 6, 1)
    assert inputs.changes[0].attribution is None


def test_aliases_resolve_old_numbering_in_graph(small_db: str, mappings: Path) -> None:
    """A user mapping written for v1 ("§ 1, stk. 4") lands on v3's § 1, stk. 2."""
    with session_scope(small_db) as s:
        inputs = graph_inputs(s, (LAW,))
    procs, problems = load_user_mappings(mappings)
    assert not problems
    g, report = build_graph(inputs.provisions, None, None, (), procs,
                            key_aliases=inputs.key_aliases, law_titles=inputs.law_titles)
    assert dict(report.datasets["user"].counts) == {"exact": 1, "alias": 1, "ancestor": 1}
    edges = g.out_edges(f"prov:{LAW}:§ 1, stk. 2", ["basis_for"])
    assert {(e.dst, e.attrs["resolved"]) for e in edges} == {
        ("proc:user:Gammel stk. 4", "alias"), ("proc:user:Gammel nr. 2", "ancestor")}


def test_graph_version_follows_window_end(small_db: str) -> None:
    with session_scope(small_db) as s:
        inputs = impact_inputs(s, Window((LAW,), dt.date(2015, 1, 1), dt.date(2015, 12, 31)))
        assert inputs.versions[LAW].eli == "lta/2015/2"
        assert len(inputs.changes) == 5
        # v1 keys carried forward, v3 keys carried back onto v2
        assert inputs.key_aliases[LAW] == {
            "§ 1, stk. 3": "§ 1, stk. 2", "§ 1, stk. 4": "§ 1, stk. 3",
            "§ 1, stk. 1": "§ 1, stk. 2", "§ 1, stk. 2": "§ 1, stk. 3"}
        with pytest.raises(ImpactDataError, match="no version in force at 2014-01-01"):
            graph_inputs(s, (LAW,), dt.date(2014, 1, 1))
    assert version_at([], None) is None


def test_act_and_in_force_selection(small_db: str) -> None:
    with session_scope(small_db) as s:
        by_act = impact_inputs(s, Window(act=ACT))
        by_date = impact_inputs(s, Window(in_force_from=dt.date(2016, 7, 1),
                                          in_force_to=dt.date(2016, 7, 31)))
        with pytest.raises(ImpactDataError) as exc:
            impact_inputs(s, Window((LAW,), in_force_from=dt.date(2017, 1, 1)))
    assert [c.change.key for c in by_act.changes] == ["§ 1", "§ 1, stk. 1", "§ 1, stk. 2"]
    assert [c.change.key for c in by_date.changes] == [c.change.key for c in by_act.changes]
    a = by_act.changes[2].attribution
    assert a is not None and (a.act_eli, a.act_label, a.section, a.item, a.confidence) == (
        ACT, ACT_LABEL, "§ 1", "2", "exact")
    assert by_act.changes[2].in_force == dt.date(2016, 7, 1)
    assert by_act.versions[LAW].eli == "lta/2016/3"
    assert "serviceloven" in str(exc.value) and "2017-01-01" in str(exc.value)


def test_clear_errors(small_db: str) -> None:
    with session_scope(small_db) as s:
        with pytest.raises(ImpactDataError) as exc:
            impact_inputs(s, Window((LAW,), dt.date(2020, 1, 1), dt.date(2020, 12, 31)))
        msg = str(exc.value)
        assert "2020-01-01 – 2020-12-31" in msg and LAW in msg
        assert "2015-06-01 – 2016-03-01" in msg  # where changes do exist
        with pytest.raises(ImpactDataError, match="unknown law: barnets-lov"):
            impact_inputs(s, Window(("barnets-lov",)))


def test_missing_attribution_is_explained(sqlite_url: str) -> None:
    _fill(sqlite_url)
    with session_scope(sqlite_url) as s:
        for r in s.scalars(select(ChangeRow)):
            r.act_eli, r.in_force = None, None
    with session_scope(sqlite_url) as s:
        with pytest.raises(ImpactDataError, match="attribution missing"):
            impact_inputs(s, Window(act=ACT))
        with pytest.raises(ImpactDataError, match="in-force date"):
            impact_inputs(s, Window(in_force_from=dt.date(2016, 1, 1)))


def test_sources_cache_in_process_only(tmp_path: Path) -> None:
    """Same file, same stamp → the loaded plan is reused; a rewritten file is re-read."""
    clear_cache()
    kle = tmp_path / "kle.xml"

    def write(title: str) -> None:
        kle.write_text(
            "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>27</HovedgruppeNr><Gruppe>"
            "<GruppeNr>27.00</GruppeNr><Emne><EmneNr>27.00.00</EmneNr>"
            f"<EmneTitel>{title}</EmneTitel></Emne></Gruppe></Hovedgruppe></KLE-Emneplan>",
            encoding="utf-8")

    write("Social service")
    first = load_sources(None, kle)
    again = load_sources(None, kle)
    assert first.kle is again.kle and first.kle is not None
    write("Social service i almindelighed")
    changed = load_sources(None, kle)
    assert changed.kle is not first.kle
    assert changed.kle.subjects[0].title == "Social service i almindelighed"  # type: ignore[union-attr]
    with pytest.raises(ImpactDataError, match="KLE file not found"):
        load_sources(None, tmp_path / "nope.xml")


# ------------------------------------------------------------------ CLI on the small DB


def _impact(url: str, *args: str) -> Any:
    return runner.invoke(app, ["impact", "--db", url, *args])


def test_cli_impact_json_ranks_direct_before_xref(
    small_db: str, mappings: Path, empty_impact_dir: Path
) -> None:
    res = _impact(small_db, "--act", "https://www.retsinformation.dk/eli/lta/2016/99",
                  "--impact-dir", str(empty_impact_dir), "--mappings", str(mappings),
                  "--kind", "procedure", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["format"] == "lovspor.impact/2"
    assert data["window"]["act"] == ACT and data["changes"] == 3
    assert data["graph_versions"] == {LAW: "lta/2016/3"}
    hits = {h["node"]: h for h in data["hits"]}
    old4 = hits["proc:user:Gammel stk. 4"]
    assert old4["tier"] == "direct" and old4["rank"] <= 2  # tied with "Gammel nr. 2"
    assert old4["in_force"] == "2016-07-01" and old4["acts"] == [ACT_LABEL]
    assert old4["readable"] == (f"§ 1, stk. 3 → § 1, stk. 2 omnummereret ({ACT_LABEL}, § 1, "
                                "nr. 2; i kraft / in force 2016-07-01) → procedure: Gammel stk. 4")
    assert old4["steps"][0]["in_force"] == "2016-07-01"  # the change step carries its date
    assert old4["readable_paths"][0] == old4["readable"]
    via = hits["proc:27.18.10:G01"]
    assert via["tier"] == "xref" and via["rank"] > old4["rank"]
    assert "henvist fra / cited by § 2, stk. 1" in via["readable"]
    assert any(s["relation"].startswith("cited by") for s in via["steps"])
    # warnings (missing reference folders, resolution) go to stderr, not into the JSON
    assert "os2bos" in res.stderr and "Advarsel" in res.stderr


def test_cli_impact_table_and_exports(
    small_db: str, mappings: Path, empty_impact_dir: Path, tmp_path: Path
) -> None:
    base = ["--law", LAW, "--from", "2015-01-01", "--to", "2016-12-31",
            "--impact-dir", str(empty_impact_dir), "--mappings", str(mappings)]
    res = _impact(small_db, *base)
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())  # the table wraps at the runner's 80 columns
    assert "Gammel" in text and "Tilskud" in text and "direkte" in text
    assert "8 ændringer" in text and "lta/2016/3" in text
    csv_path = tmp_path / "rank.csv"
    res = _impact(small_db, *base, "--export", str(csv_path), "--json")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert len(rows) == json.loads(res.stdout)["hits_total"]
    assert rows[0]["tier"] == "direct"
    gml = tmp_path / "impact.graphml"
    res = _impact(small_db, *base, "--top", "2", "--export", str(gml))
    assert res.exit_code == 0, res.output
    back = nx.read_graphml(gml, force_multigraph=True)
    assert sum(1 for _n, d in back.nodes(data=True) if "impact_tier" in d) == 2


def test_cli_graph_export(small_db: str, mappings: Path, empty_impact_dir: Path,
                          tmp_path: Path) -> None:
    out = tmp_path / "all.gexf"
    res = runner.invoke(app, ["graph", "--db", small_db, "--export", str(out), "--impact-dir",
                              str(empty_impact_dir), "--mappings", str(mappings), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["graph_versions"] == {LAW: "lta/2016/3"}
    assert data["report"]["datasets"]["user"]["counts"] == {"exact": 1, "alias": 1, "ancestor": 1}
    assert nx.read_gexf(out).number_of_nodes() == data["nodes"]
    res = runner.invoke(app, ["graph", "--db", small_db, "--export", str(tmp_path / "x.png")])
    assert res.exit_code == 1 and ".graphml" in res.stderr


def test_cli_errors(small_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = _impact(small_db, "--law", LAW, "--from", "2020-01-01", "--to", "2020-12-31")
    assert res.exit_code == 1
    assert "no changes" in res.stderr and "2020-01-01 – 2020-12-31" in res.stderr
    assert LAW in res.stderr
    res = _impact(small_db, "--from", "2015-01-01", "--act", ACT)
    assert res.exit_code == 1 and "choose one selection" in res.stderr
    res = _impact(small_db, "--from", "1. januar 2015")
    assert res.exit_code == 1 and "YYYY-MM-DD" in res.stderr
    # no impact folder anywhere: say where we looked and what to set
    monkeypatch.delenv("LOVSPOR_IMPACT_DIR", raising=False)
    monkeypatch.setenv("LOVSPOR_SHARED", str(tmp_path / "shared"))
    res = _impact(small_db, "--law", LAW)
    assert res.exit_code == 1
    assert str(tmp_path / "shared" / "impact") in res.stderr and "--impact-dir" in res.stderr
    res = _impact(small_db, "--law", LAW, "--impact-dir", str(tmp_path / "nowhere"))
    assert res.exit_code == 1 and str(tmp_path / "nowhere") in res.stderr


def test_cli_empty_database(sqlite_url: str, empty_impact_dir: Path) -> None:
    with session_scope(sqlite_url):  # a migrated database with nothing in it
        pass
    res = _impact(sqlite_url, "--impact-dir", str(empty_impact_dir))
    assert res.exit_code == 1 and "lovspor analyze" in res.stderr


def test_cli_missing_database_is_not_created(tmp_path: Path, empty_impact_dir: Path) -> None:
    db = tmp_path / "absent.sqlite"
    res = _impact(f"sqlite:///{db}", "--impact-dir", str(empty_impact_dir))
    assert res.exit_code == 1 and "lovspor import" in res.stderr and str(db) in res.stderr
    assert not db.exists()


# ------------------------------------------------------------------ end to end, shared corpus


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from lovspor.settings import shared_dir

    shared = shared_dir()
    if shared is None:
        pytest.skip("shared data folder not found (set LOVSPOR_SHARED)")
    url = f"sqlite:///{tmp_path_factory.mktemp('impact') / 'lovspor.sqlite'}"
    res = runner.invoke(app, ["import", str(shared / "retsinfo"), "--db", url, "--json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["analyze", "--db", url, "--json"])
    assert res.exit_code == 0, res.output
    return url, shared / "impact"


@pytest.fixture(scope="module")
def serviceloven_2015_2016(corpus_db: tuple[str, Path]) -> dict[str, Any]:
    url, impact_dir = corpus_db
    res = runner.invoke(app, ["impact", "--law", LAW, "--from", "2015-01-01", "--to",
                              "2016-12-31", "--json", "--db", url, "--impact-dir",
                              str(impact_dir)])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_e2e_81a_insertion_reaches_kle_27_00_00(serviceloven_2015_2016: dict[str, Any]) -> None:
    data = serviceloven_2015_2016
    assert data["graph_versions"][LAW] == "lta/2016/1270"
    hit = next(h for h in data["hits"] if h["node"] == "kle:27.00.00")
    assert hit["tier"] == "direct" and hit["hops"] == 1
    # inserted between LBK 2015/1284 and LBK 2016/1270, by LOV 2016/171 § 1, nr. 1
    by_171 = "by lov nr. 171 af 27. februar 2016, § 1, nr. 1"
    assert f"serviceloven § 81 a inserted {by_171}" in hit["changes"]
    assert hit["readable"].startswith("§ 81 a indsat (lov nr. 171 af 27. februar 2016")
    assert hit["readable"].endswith("→ KLE 27.00.00")
    assert hit["steps"][-1]["source"].startswith("kle:kle/kle-emneplan-social.xml:")


def test_e2e_editorial_changes_left_out_unless_asked(
    corpus_db: tuple[str, Path], serviceloven_2015_2016: dict[str, Any]
) -> None:
    """Changes no amending act made (status no_act) are not impact by default."""
    url, impact_dir = corpus_db
    with session_scope(url) as s:
        law_id = s.scalar(select(Law.id).where(Law.slug == LAW))
        window = (ChangeRow.law_id == law_id, ChangeRow.signed >= dt.date(2015, 1, 1),
                  ChangeRow.signed <= dt.date(2016, 12, 31))
        total = s.scalar(select(func.count()).select_from(ChangeRow).where(*window))
        no_act = s.scalar(select(func.count()).select_from(ChangeRow)
                          .where(*window, ChangeRow.attribution == "no_act"))
    assert no_act, "the shared serviceloven chain has changes without an act (LBK 2015/1053)"
    data = serviceloven_2015_2016
    official = data["changes"] - data["unofficial_changes"]  # the look ahead comes on top
    assert official == total - no_act and data["editorial_left_out"] == no_act
    res = runner.invoke(app, ["impact", "--law", LAW, "--from", "2015-01-01", "--to",
                              "2016-12-31", "--json", "--include-editorial", "--db", url,
                              "--impact-dir", str(impact_dir)])
    assert res.exit_code == 0, res.output
    every = json.loads(res.stdout)
    assert every["changes"] - every["unofficial_changes"] == total
    assert every["editorial_left_out"] == 0
    assert every["hits_total"] >= data["hits_total"]


def test_e2e_every_path_per_hit_with_in_force_dates(
    serviceloven_2015_2016: dict[str, Any]
) -> None:
    hits = serviceloven_2015_2016["hits"]
    multi = [h for h in hits if len(h["paths"]) > 1]
    assert multi, "some hit is reached by more than one change or route"
    for h in hits:
        assert isinstance(h["changes"], list) and isinstance(h["acts"], list)
        assert len(h["paths"]) == len(h["readable_paths"]) <= 20
        assert [s["node"] for s in h["paths"][0]] == [s["node"] for s in h["steps"]]
        assert all(p[-1]["node"] == h["node"] for p in h["paths"])  # each path ends at the hit
        assert len({tuple(s["node"] for s in p) for p in h["paths"]}) == len(h["paths"])
    # § 81 a (LOV 2016/171) comes into force on a known date, shown on its path
    kle = next(h for h in hits if h["node"] == "kle:27.00.00")
    dated = [p for p in kle["paths"] if p[0]["in_force"]]
    assert dated and all(dt.date.fromisoformat(p[0]["in_force"]) for p in dated)
    assert any("i kraft / in force" in r for r in kle["readable_paths"])


def _quarter(corpus_db: tuple[str, Path], *args: str) -> dict[str, Any]:
    url, impact_dir = corpus_db
    res = runner.invoke(app, ["impact", *args, "--json", "--db", url, "--impact-dir",
                              str(impact_dir)])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_e2e_next_quarter_with_the_look_ahead(
    corpus_db: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """2017Q1 as seen on 15 December 2016: the acts that no stored lovbekendtgørelse has
    incorporated (LOV 2016/647, 1543, 1544, 1662 for serviceloven; LOV 2017/173 for
    beskæftigelsesloven) are replayed by Lovspor, attributed to their items, marked."""
    monkeypatch.setenv("LOVSPOR_TODAY", "2016-12-15")
    nxt = _quarter(corpus_db, "--next-quarter")
    assert (nxt["window"]["in_force_from"], nxt["window"]["in_force_to"]) == (
        "2017-01-01", "2017-03-31")
    assert nxt == _quarter(corpus_db, "--quarter", "2017Q1")
    ahead = nxt["ahead"]
    assert ahead["serviceloven"]["base"] == "lta/2016/1270"
    assert "lov nr. 1543 af 13. december 2016" in ahead["serviceloven"]["acts"]
    assert ahead["beskaeftigelsesloven"]["acts"] == ["lov nr. 173 af 20. februar 2017"]
    assert nxt["unofficial_changes"] == sum(int(a["changes"]) for a in ahead.values()) > 0
    marked = [h for h in nxt["hits"] if h["unofficial_changes"]]
    assert marked
    for h in marked:
        assert any("(unofficial: not yet consolidated)" in c for c in h["changes"])
        assert any("uofficiel / unofficial" in r for r in h["readable_paths"])
    # every look-ahead change comes into force inside the quarter
    for h in nxt["hits"]:
        for p in h["paths"]:
            if "unofficial" in p[0]["label"]:
                assert "2017-01-01" <= p[0]["in_force"] <= "2017-03-31", p[0]
    official = _quarter(corpus_db, "--quarter", "2017Q1", "--no-ahead")
    assert official["unofficial_changes"] == 0 and official["ahead"] == {}
    assert official["changes"] == nxt["changes"] - nxt["unofficial_changes"]


def test_quarter_arguments_are_checked(corpus_db: tuple[str, Path]) -> None:
    url, impact_dir = corpus_db
    for args, needle in ((["--quarter", "2017Q5"], "YYYYQn"),
                         (["--quarter", "2017Q1", "--next-quarter"], "choose one"),
                         (["--quarter", "2017Q1", "--in-force-from", "2017-01-01"], "choose one")):
        res = runner.invoke(app, ["impact", *args, "--db", url, "--impact-dir", str(impact_dir)])
        assert res.exit_code == 1 and needle in res.stderr, (args, res.stderr)


def test_e2e_xref_hits_rank_below_direct(serviceloven_2015_2016: dict[str, Any]) -> None:
    hits = serviceloven_2015_2016["hits"]
    tiers = [h["tier"] for h in hits]
    assert "xref" in tiers and tiers == sorted(tiers, key=lambda t: t != "direct")
    last_direct = max(h["rank"] for h in hits if h["tier"] == "direct")
    # § 83 a (inserted by LBK 2015/150) is cited by § 87, stk. 1: § 87's KLE procedures
    proc = next(h for h in hits if h["node"] == "proc:27.36.08:G01")
    assert proc["tier"] == "xref" and proc["rank"] > last_direct
    assert proc["readable"] == (
        "§ 83 a indsat (i / in lta/2015/150) → henvist fra / cited by § 87, stk. 1 → § 87 → "
        "KLE 27.36.08 → procedure G01")
    # cross-law: a serviceloven change reaches retssikkerhedsloven's KLE subjects
    assert any("retssikkerhedsloven §" in h["readable"] for h in hits if h["tier"] == "xref")


def test_e2e_graphml_round_trip(corpus_db: tuple[str, Path], tmp_path: Path) -> None:
    url, impact_dir = corpus_db
    path = tmp_path / "graph.graphml"
    res = runner.invoke(app, ["graph", "--export", str(path), "--law", LAW, "--db", url,
                              "--impact-dir", str(impact_dir), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == data["nodes"] and back.number_of_edges() == data["edges"]
    assert back.nodes["kle:27.36.04"]["kind"] == "kle_subject"
    assert all(d.get("source") for _u, _v, d in back.edges(data=True))
    # resolution figures for the README (serviceloven LBK 2016/1270 only)
    counts = data["report"]["datasets"]
    assert counts["os2bos-services"]["counts"] == {"exact": 149}  # 146 keys + 3 "jf." keys
    kle = counts["kle"]["counts"]
    assert (kle["exact"], kle["ancestor"], kle["chapter"], kle["law"]) == (90, 2, 1, 1)
    assert data["report"]["unresolved_by_law"]["kle"][LAW] == 20


def test_e2e_impact_subgraph_export(corpus_db: tuple[str, Path], tmp_path: Path) -> None:
    url, impact_dir = corpus_db
    path = tmp_path / "impact.graphml"
    res = runner.invoke(app, ["impact", "--law", LAW, "--from", "2016-01-01", "--to",
                              "2016-12-31", "--top", "25", "--export", str(path), "--db", url,
                              "--impact-dir", str(impact_dir)])
    assert res.exit_code == 0, res.output
    assert "Sti / path" in res.stdout
    back = nx.read_graphml(path, force_multigraph=True)
    assert sum(1 for _n, d in back.nodes(data=True) if "impact_tier" in d) == 25


def test_e2e_act_restricts_to_its_changes(corpus_db: tuple[str, Path]) -> None:
    url, impact_dir = corpus_db
    with session_scope(url) as s:
        attributed = s.scalar(select(func.count()).select_from(ChangeRow)
                              .where(ChangeRow.act_eli == "lta/2016/171")) or 0
    assert attributed, "LOV 2016/171 must have attributed changes in the shared corpus"
    res = runner.invoke(app, ["impact", "--act", "lta/2016/171", "--json", "--db", url,
                              "--impact-dir", str(impact_dir)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["changes"] == attributed
    assert all("171" in a for h in data["hits"] for a in h["acts"])
    assert any(h["node"] == "kle:27.00.00" for h in data["hits"])


def test_act_filter_uses_every_attribution(corpus_db: tuple[str, Path]) -> None:
    """A change two acts made belongs to both: `--act` of the second act walks it too."""
    url, impact_dir = corpus_db
    with session_scope(url) as s:
        rows = s.execute(
            select(ChangeAttributionRow.act_eli, func.count(func.distinct(ChangeRow.id)))
            .join(ChangeRow, ChangeRow.id == ChangeAttributionRow.change_id)
            .where(ChangeRow.act_eli != ChangeAttributionRow.act_eli)
            .group_by(ChangeAttributionRow.act_eli)
        ).all()
        assert rows, "the shared corpus has changes that two acts made"
        act, not_first = max(rows, key=lambda r: r[1])
        every = s.scalar(select(func.count(func.distinct(ChangeAttributionRow.change_id)))
                         .where(ChangeAttributionRow.act_eli == act))
    res = runner.invoke(app, ["impact", "--act", act, "--json", "--db", url,
                              "--impact-dir", str(impact_dir)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["changes"] == every and not_first > 0
    assert all(act_label_of(act) in str(h["changes"]) for h in data["hits"][:5])


def act_label_of(eli: str) -> str:
    """ "lta/2012/476" → "lov nr. 476 af" (how a hit names the act)."""
    return f"nr. {eli.rsplit('/', 1)[-1]} af"


def test_arguments_that_would_silently_mislead_are_errors(
    corpus_db: tuple[str, Path], tmp_path: Path
) -> None:
    """`--act ''` once meant "every act", `--kle /etc/passwd` dropped every KLE path with only
    a warning, and digits of other scripts reached int() (issue #13)."""
    url, impact_dir = corpus_db
    base = ["impact", "--law", LAW, "--db", url, "--impact-dir", str(impact_dir)]
    res = runner.invoke(app, [*base, "--act", ""])
    assert res.exit_code == 1 and "--act: tom / empty" in res.stderr
    res = runner.invoke(app, [*base, "--act", "lta/٢٠١٦/171"])
    assert res.exit_code == 1 and "neither an ELI path" in res.stderr
    res = runner.invoke(app, [*base, "--act", "lta/2016/" + "1" * 5000])
    assert res.exit_code == 1 and len(res.stderr) < 400
    not_kle = tmp_path / "passwd"
    not_kle.write_text("root:x:0:0:root:/root:/bin/bash\n")
    res = runner.invoke(app, [*base, "--kle", str(not_kle)])
    assert res.exit_code == 1 and "is not a KLE emneplan" in res.stderr, res.output
    other_xml = tmp_path / "other.xml"
    other_xml.write_text("<?xml version='1.0'?><KLE><Intet/></KLE>")
    res = runner.invoke(app, [*base, "--kle", str(other_xml)])
    assert res.exit_code == 1 and "no <Emne> elements" in res.stderr
    # the real plan still loads
    res = runner.invoke(app, [*base, "--kle", str(impact_dir / "kle/kle-emneplan-social.xml")])
    assert res.exit_code == 0, res.output

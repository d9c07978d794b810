"""Statistics: the counting rules on small facts, and the whole shared corpus with exports."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from lawdiff.model import ActRef, ItemRef
from lawdiff.stats import RULES, ChangeFact, PairFacts, VersionFacts, compute_stats
from lovspor import __version__
from lovspor.analyze import analyze, statistics
from lovspor.analyze_cli import stats as stats_cmd
from lovspor.ingest import import_files, iter_xml_files


def act(n: int, day: dt.date, *parts: ItemRef) -> ActRef:
    return ActRef("lov", n, day, f"lta/{day.year}/{n}", f"lov nr. {n}", parts)


def test_rules_on_small_facts() -> None:
    a1 = act(10, dt.date(2015, 3, 1), ItemRef("§ 1", (1, 2, 3)))
    a2 = act(20, dt.date(2015, 6, 1), ItemRef("§ 2", ()))
    a3 = act(30, dt.date(2016, 2, 1), ItemRef("§ 1", (4,)))
    versions = [
        VersionFacts("l", "v1", dt.date(2014, 5, 1), None, 10, 1000),
        VersionFacts("l", "v2", dt.date(2015, 9, 1), None, 11, 1100),
        VersionFacts("l", "v3", dt.date(2016, 9, 1), None, 12, 1200),
    ]
    pairs = [
        PairFacts(
            "l",
            "v1",
            "v2",
            dt.date(2015, 9, 1),
            (a1, a2),
            (
                ChangeFact("§ 5", "amended", "stk"),
                ChangeFact("§ 5", "inserted", "stk"),
                ChangeFact("§ 6", "amended", "paragraf"),
            ),
        ),
        PairFacts(
            "l", "v2", "v3", dt.date(2016, 9, 1), (a3,), (ChangeFact("§ 5", "amended", "stk"),)
        ),
    ]
    res = compute_stats(versions, pairs, {("l", "lta/2015/20", "§ 2"): 4})
    rows = {r.year: r for r in res.rows}
    assert rows[2014].amending_acts == 0 and rows[2014].paragraphs_in_force == 10
    r15 = rows[2015]
    assert (r15.amending_acts, r15.act_law_pairs, r15.paragraph_revisions) == (2, 2, 2)
    assert r15.change_items == 3 + 4 and r15.change_items_rule == "items:act-xml+items:intro"
    assert r15.paragraph_revisions_rule == "revisions:version×§"
    assert (r15.paragraphs_in_force, r15.words_in_force, r15.snapshot) == (11, 1100, "v2")
    r16 = rows[2016]
    assert (r16.amending_acts, r16.paragraph_revisions, r16.change_items) == (1, 1, 1)
    assert r16.paragraph_revisions_rule == "revisions:act×§"
    assert res.total.amending_acts == 3 and res.total.paragraph_revisions == 3
    assert res.total.paragraphs_in_force == 12
    for r in res.rows:
        for col in ("amending_acts", "paragraph_revisions", "change_items", "paragraphs_in_force"):
            for code in getattr(r, f"{col}_rule").split("+"):
                assert code in RULES
    by_if = compute_stats(versions, pairs, by="in-force")
    assert {r.year for r in by_if.rows if r.amending_acts} == {None}  # no in-force dates yet


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory, retsinfo: Path) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('st') / 'lovspor.sqlite'}"
    import_files(url, list(iter_xml_files([retsinfo])))
    analyze(url, progress=False)
    return url


def test_corpus_stats_and_exports(corpus_db: str, tmp_path: Path) -> None:
    res = statistics(corpus_db)
    laws = {r.law for r in res.rows}
    assert {"serviceloven", "retssikkerhedsloven", "beskaeftigelsesloven"} <= laws
    print("\nlaw × year (by signing date):")
    for r in (*res.rows, *res.by_year, res.total):
        if r.amending_acts or r.paragraph_revisions or r.scope != "law-year":
            print(
                f"{r.law[:22]:22} {r.year!s:>5} acts={r.amending_acts:3} pairs={r.act_law_pairs:3}"
                f" rev={r.paragraph_revisions:4} items={r.change_items:4}"
                f"(+{r.items_unknown_sections}?) §§={r.paragraphs_in_force} words={r.words_in_force}"
            )
    sl = {r.year: r for r in res.rows if r.law == "serviceloven"}
    assert sl[2016].paragraphs_in_force and sl[2016].paragraphs_in_force > 200
    assert sl[2016].snapshot == "lta/2016/1270"
    assert sum(r.paragraph_revisions for r in res.rows) == res.total.paragraph_revisions

    app = typer.Typer()
    app.command("stats")(stats_cmd)
    app.command("noop")(lambda: None)
    r = CliRunner().invoke(app, ["stats", "--json", "--db", corpus_db])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["format"] == "lovspor.stats/1" and doc["lovspor_version"] == __version__
    assert doc["total"]["paragraph_revisions"] == res.total.paragraph_revisions
    n = len(res.rows) + len(res.by_year) + 1
    for ext in ("csv", "parquet", "xlsx"):
        f = tmp_path / f"s.{ext}"
        r = CliRunner().invoke(app, ["stats", "--export", str(f), "--db", corpus_db])
        assert r.exit_code == 0, r.output
        if ext == "csv":
            df = pd.read_csv(f, comment="#")
            head = f.read_text(encoding="utf-8").splitlines()[0]
            assert head == f"# lovspor_version: {__version__}"
            assert "# rule revisions:version×§:" in f.read_text(encoding="utf-8")
        elif ext == "parquet":
            df = pd.read_parquet(f)
            meta = json.loads(pq.read_schema(f).metadata[b"lovspor"])
            assert meta["lovspor_version"] == __version__ and "acts:intro" in meta["rules"]
        else:
            df = pd.read_excel(f, sheet_name="stats")
            rules = pd.read_excel(f, sheet_name="rules")
            assert __version__ in rules["description"].astype(str).tolist()
            assert "revisions:act×§" in rules["rule"].tolist()
        assert len(df) == n
        total = df[df["scope"] == "all"].iloc[0]
        assert int(total["amending_acts"]) == res.total.amending_acts
        assert int(total["paragraph_revisions"]) == res.total.paragraph_revisions
        assert int(total["change_items"]) == res.total.change_items
        law_rows = df[df["scope"] == "law-year"]
        assert int(law_rows["paragraph_revisions"].sum()) == res.total.paragraph_revisions


def test_exports_keep_years_and_counts_integer(corpus_db: str, tmp_path: Path) -> None:
    """A year is 2015 in every export, never 2015.0 (pandas' float for an int column with a
    gap), and counts with gaps (§§ in force) stay integers."""
    app = typer.Typer()
    app.command("stats")(stats_cmd)
    app.command("noop")(lambda: None)
    for ext in ("csv", "parquet", "xlsx"):
        f = tmp_path / f"s.{ext}"
        assert CliRunner().invoke(app, ["stats", "--export", str(f), "--db", corpus_db]).exit_code == 0
        if ext == "csv":
            body = "\n".join(ln for ln in f.read_text("utf-8").splitlines() if ln[:1] != "#")
            assert not re.search(r",\d+\.0(,|$)", body, re.M), "a float where an int belongs"
            df = pd.read_csv(f, comment="#")
        elif ext == "parquet":
            schema = pq.read_schema(f)
            for col in ("year", "amending_acts", "paragraphs_in_force", "words_in_force"):
                assert str(schema.field(col).type) == "int64", (col, schema.field(col).type)
            df = pd.read_parquet(f)
        else:
            df = pd.read_excel(f, sheet_name="stats")
        years = [y for y in df["year"] if not pd.isna(y)]
        assert years and all(float(y).is_integer() for y in years)
        assert df["year"].isna().sum() >= 1  # the total row has no year


def test_stats_table_fits_80_columns(corpus_db: str) -> None:
    """The terminal table at 80 columns: no line wider, every law named in full once (in the
    table or in the legend of shortened labels), nothing cut inside a number."""
    env = {**os.environ, "COLUMNS": "80", "LOVSPOR_DATABASE_URL": corpus_db}
    proc = subprocess.run(
        [sys.executable, "-m", "lovspor.cli", "stats"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(ln) for ln in lines) <= 80
    res = statistics(corpus_db)
    for slug in {r.law for r in res.rows}:
        assert re.search(rf"(^| ){re.escape(slug)}( |$)", proc.stdout, re.M), slug
    total = next(ln for ln in lines if " i alt " in ln)
    assert str(res.total.paragraph_revisions) in total.split()
    assert "…" not in total

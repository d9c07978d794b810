"""`lovspor stats --justitia` on ../shared/retsinfo: amending acts per catalogue law counted
from the acts themselves, checked against a count made here with lxml alone (each act's
sections and the law each names), and paragraph revisions of the small laws checked against
the §§ the acts' instruction sentences name."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from lawdiff.catalogue import CATALOGUE
from lawdiff.refs import normalize_law_title
from lawdiff.stats import justitia_table
from lovspor.analyze import analyze, instruction_facts, statistics
from lovspor.analyze_cli import stats as stats_cmd
from lovspor.ingest import import_files, iter_xml_files

FROM, TO = 2010, 2016
SLUGS = [e.slug for e in CATALOGUE]
NAMES = {n: e.slug for e in CATALOGUE for n in e.names()}
BASE = re.compile(r"(?:lovbekendtgørelse|lov) nr\. (\d+) af \d+\. ?\w+ (\d{4})")
OPEN = re.compile(r"^I (.+?)(?: ?, jf\.| ?, som ændret| foretages)")
PAR = re.compile(r"§ (\d+(?: [a-z])?)(?!\w)")
#: LOV 2015/994 (a main act, lov om kommunernes finansiering af visse offentlige ydelser)
#: amends seven catalogue laws in its §§ 32-39 (AendringCentreretParagraf under Bog/Afsnit/
#: Kapitel), but lawdiff.parse finds no amending section in it, so no document_sections row
#: exists: a known gap of the parser, not of the counting. When it is fixed, drop it here.
PARSER_GAP = {"lta/2015/994"}


def _clean(t: str) -> str:
    return re.sub(r"\s+", " ", t.replace("\xad", "").replace("\xa0", " ")).strip()


def _sections(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """(section, law name, opening words) of every section that amends something; a
    Paragraf inside new text (AendringNyTekst) belongs to another law and is skipped."""
    for p in root.iter("AendringCentreretParagraf", "Paragraf"):
        if any(a.tag == "AendringNyTekst" for a in p.iterancestors()):
            continue
        ex = p.find(".//Exitus")
        if ex is None:
            continue
        text = _clean(" ".join(ex.itertext()))
        if "foretages følgende ændring" in text and (m := OPEN.match(text)):
            yield p, m.group(1), text


def _by_hand(retsinfo: Path) -> tuple[dict[str, set[str]], dict[str, set[tuple[str, str]]]]:
    """Per catalogue law: the acts signed FROM..TO with a section that names it (by title,
    else by the cited version's title), and the (act, §) its instruction sentences name
    before any quoted text."""
    docs = {
        "lta/" + "/".join(f.parts[-3:-1]): etree.parse(str(f)).getroot()
        for f in sorted(retsinfo.glob("eli/lta/*/*/xml"))
    }
    version_law = {
        eli: slug
        for eli, r in docs.items()
        if (r.findtext("Meta/DocumentType") or "").startswith("LBK")
        and (slug := NAMES.get(normalize_law_title(r.findtext("Meta/DocumentTitle") or "")))
    }
    acts: dict[str, set[str]] = defaultdict(set)
    revs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for eli, r in docs.items():
        year = int((r.findtext("Meta/DiesSigni") or "0")[:4])
        if not (r.findtext("Meta/DocumentType") or "").startswith("LOV") or not FROM <= year <= TO:
            continue
        for p, name, text in _sections(r):
            if name.startswith("lov nr."):  # "I lov nr. 1482 af … om organisering af …"
                if "om ændring af" in name:
                    continue  # it amends an amending act, not a law
                name = "lov om " + name.split(" om ", 1)[1]
            slug = NAMES.get(normalize_law_title(name))
            if slug is None:
                cited = BASE.findall(text.split("som ændret")[0])[:1]
                slug = next((version_law.get(f"lta/{y}/{n}") for n, y in cited), None)
            if slug is None:
                continue
            acts[slug].add(eli)
            for d in p.iter("AendringDefinition"):
                head = _clean(" ".join(d.itertext())).split("»")[0]
                revs[slug].update((eli, "§ " + m) for m in PAR.findall(head))
    return acts, revs


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, retsinfo: Path) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('ju') / 'lovspor.sqlite'}"
    import_files(url, list(iter_xml_files([retsinfo])))
    analyze(url, progress=False)
    return url


@pytest.fixture(scope="module")
def hand(retsinfo: Path) -> tuple[dict[str, set[str]], dict[str, set[tuple[str, str]]]]:
    return _by_hand(retsinfo)


def _table(db: str):  # type: ignore[no-untyped-def]
    res = statistics(db, laws=SLUGS, from_year=FROM, to_year=TO)
    return justitia_table(res, SLUGS, FROM, TO)


def test_amending_acts_per_law_as_counted_by_hand(db: str, hand) -> None:  # type: ignore[no-untyped-def]
    acts, _ = hand
    table = _table(db)
    got = {r.law: r.amending_acts_sections for r in table.rows}
    want = {s: len(acts[s] - PARSER_GAP) for s in SLUGS}
    assert got == want
    every = set().union(*acts.values())
    assert table.total.amending_acts_sections == len(every - PARSER_GAP) == 101
    assert table.laws_changed == sum(1 for s in SLUGS if acts[s] - PARSER_GAP) == 25
    # the hand count sees LOV 2015/994 and the stored sections do not (got == want above
    # leaves it out): when lawdiff.parse reads its sections, that equality fails
    assert all(acts[s] >= PARSER_GAP for s in ("aktivloven", "kontantydelsesloven"))
    # laws with no stored version still count their acts: aktivloven has none stored
    aktiv = next(r for r in table.rows if r.law == "aktivloven")
    assert aktiv.amending_acts == 0 and aktiv.amending_acts_sections == len(acts["aktivloven"]) - 1


def test_paragraph_revisions_of_small_laws_as_read_by_hand(db: str, hand) -> None:  # type: ignore[no-untyped-def]
    """For these laws every instruction names its § before any quoted text, so the (act, §)
    set read from the sentences here is the whole answer (larger laws also have "Efter § 8
    indsættes: § 8 a", whose new § the sentence does not name)."""
    _, revs = hand
    small = ("stofmisbrugerloven", "seniorjobloven", "kompensationsloven",
             "repatrieringsloven", "aeldreboligloven", "socialtilsynsloven")
    from db.session import session_scope

    with session_scope(db) as s:
        facts = instruction_facts(s, small)
    stored: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for f in facts:
        if f.signed and FROM <= f.signed.year <= TO:
            stored[f.law].update((f.act_eli, p) for p in f.paragraphs)
    rows = {r.law: r for r in _table(db).rows}
    for slug in small:
        assert stored[slug] == revs[slug], slug
        assert rows[slug].paragraph_revisions_instructions == len(revs[slug]), slug
    assert len(revs["socialtilsynsloven"]) == 22 and len(revs["kompensationsloven"]) == 6


def test_instructions_and_diffs_add_up(db: str) -> None:
    table = _table(db)
    for d in table.as_dicts():
        assert d["paragraph_revisions_instructions"] == d["revisions_both"] + d["revisions_instr_only"]
        assert d["paragraph_revisions"] == d["revisions_both"] + d["revisions_diff_only"]
    sl = next(r for r in table.rows if r.law == "serviceloven")
    assert 0 < sl.revisions_both <= min(sl.paragraph_revisions, sl.paragraph_revisions_instructions)


def test_justitia_command_table_json_and_csv(db: str, hand, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    acts, _ = hand
    n_acts = len(set().union(*acts.values()) - PARSER_GAP)
    env = {**os.environ, "COLUMNS": "80", "LOVSPOR_DATABASE_URL": db}
    proc = subprocess.run(
        [sys.executable, "-m", "lovspor.cli", "stats", "--justitia",
         "--from-year", str(FROM), "--to-year", str(TO)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(ln) for ln in lines) <= 80
    said = re.search(r"(\d+) amending acts changed (\d+) paragraphs of (\d+) laws",
                     " ".join(lines))  # fmt: skip
    assert said and (int(said[1]), int(said[3])) == (n_acts, 25)
    for code in ("acts:sections", "revisions:instructions", "cmp:instr-not-consolidated"):
        assert f"{code}:" in proc.stdout
    total = next(ln for ln in lines if ln.strip().startswith("i alt"))
    assert total.split()[2] == str(n_acts)

    app = typer.Typer()
    app.command("stats")(stats_cmd)
    app.command("noop")(lambda: None)
    args = ["stats", "--justitia", "--from-year", str(FROM), "--to-year", str(TO), "--db", db]
    r = CliRunner().invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["format"] == "lovspor.justitia/1" and (doc["from_year"], doc["to_year"]) == (FROM, TO)
    assert [x["law"] for x in doc["laws"]] == SLUGS
    assert doc["total"]["amending_acts_sections"] == n_acts and doc["laws_changed"] == 25
    assert set(doc["rules"]) >= {"acts:sections", "cmp:both", "revisions:instructions"}
    f = tmp_path / "j.csv"
    r = CliRunner().invoke(app, [*args, "--export", str(f)])
    assert r.exit_code == 0, r.output
    text = f.read_text(encoding="utf-8")
    assert "# format: lovspor.justitia/1" in text and "# rule acts:sections:" in text
    df = pd.read_csv(f, comment="#")
    assert len(df) == len(SLUGS) + 1
    assert int(df.iloc[-1]["amending_acts_sections"]) == n_acts


def test_justitia_for_chosen_laws_and_an_unknown_one(db: str) -> None:
    app = typer.Typer()
    app.command("stats")(stats_cmd)
    app.command("noop")(lambda: None)
    base = ["stats", "--justitia", "--from-year", str(FROM), "--to-year", str(TO), "--db", db]
    r = CliRunner().invoke(app, [*base, "--law", "aktivloven", "--law", "serviceloven", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [x["law"] for x in doc["laws"]] == ["aktivloven", "serviceloven"]
    assert doc["total"]["amending_acts_sections"] <= sum(
        x["amending_acts_sections"] for x in doc["laws"])  # an act of both laws counts once
    bad = CliRunner().invoke(app, [*base, "--law", "ingen-saadan-lov"])
    assert bad.exit_code != 0 and "ingen-saadan-lov" in bad.output

"""`lovspor import ../shared/retsinfo` then `lovspor laws --json`, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from db.models import AmendingLink, Document, Law, Version
from db.session import session_scope
from lawdiff.model import LawDocument
from lawdiff.refs import parse_amending_intro
from lovspor.cli import app

runner = CliRunner()


def _counts(url: str) -> dict[str, int]:
    with session_scope(url) as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Document, Law, Version, AmendingLink)
        }


def test_import_and_list_laws(
    retsinfo: Path, any_db_url: str, corpus: dict[str, LawDocument]
) -> None:
    res = runner.invoke(app, ["import", str(retsinfo), "--db", any_db_url, "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["stored"] == 128 and not summary["failed"]
    before = _counts(any_db_url)

    res = runner.invoke(app, ["laws", "--db", any_db_url, "--json"])
    assert res.exit_code == 0, res.output
    laws = {law["slug"]: law for law in json.loads(res.stdout)["laws"]}
    expected_versions = {"serviceloven": 9, "retssikkerhedsloven": 6, "beskaeftigelsesloven": 5}
    for slug, n in expected_versions.items():
        versions = laws[slug]["versions"]
        assert len(versions) == n, slug
        dates = [v["signed"] for v in versions]
        assert dates == sorted(dates), slug
        # every version's named predecessor is the one before it, where that one is stored
        for prev, cur in itertools.pairwise(versions):
            if cur["predecessor_stored"]:
                assert cur["predecessor_eli"] == prev["eli"], cur

    # Each amending act is linked to every law its sections name (derived from the XML).
    titles = {
        "serviceloven": "lov om social service",
        "retssikkerhedsloven": "lov om retssikkerhed og administration på det sociale område",
        "beskaeftigelsesloven": "lov om en aktiv beskæftigelsesindsats",
    }
    for slug, title in titles.items():
        expected = {
            eli
            for eli, doc in corpus.items()
            if any(parse_amending_intro(s.intro).law_title == title for s in doc.amending_sections)
        }
        got = {a["eli"] for a in laws[slug]["amending_acts"]}
        assert got == expected, slug
        assert len(got) >= 20
    assert "lta/2016/171" in {a["eli"] for a in laws["serviceloven"]["amending_acts"]}
    # Importing the same files again changes nothing.
    res = runner.invoke(app, ["import", str(retsinfo), "--db", any_db_url, "--json"])
    assert json.loads(res.stdout)["unchanged"] == 128
    assert _counts(any_db_url) == before


def test_show_document_and_provision(retsinfo: Path, sqlite_url: str) -> None:
    runner.invoke(app, ["import", str(retsinfo / "eli/lta/2016"), "--db", sqlite_url])
    res = runner.invoke(app, ["show", "A20160127029", "--db", sqlite_url, "--json"])
    assert res.exit_code == 0, res.output
    meta = json.loads(res.stdout)
    assert (meta["eli"], meta["doc_type"], meta["paragraphs"]) == ("lta/2016/1270", "LBK", 256)
    assert meta["intro"]["previous"] == "lta/2015/1284"
    res = runner.invoke(
        app, ["show", "lta/2016/1270", "--provision", "§ 81a", "--db", sqlite_url, "--json"]
    )
    provs = json.loads(res.stdout)["provisions"]
    assert [p["key"] for p in provs] == ["§ 81 a", "§ 81 a, stk. 1", "§ 81 a, stk. 2"]
    assert provs[1]["text"].startswith("Kommunalbestyrelsen skal i et møde træffe beslutning")
    res = runner.invoke(app, ["show", "lta/2099/1", "--db", sqlite_url])
    assert res.exit_code == 1 and "lta/2099/1" in res.output

"""`lovspor.analyze` against a real database: import the shared corpus, analyse, re-analyse
incrementally, and drive the CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from db.models import ChangeRow, Document, Law, ProvisionRow, Version
from db.session import session_scope
from db.store import store_document
from lawdiff.parse import parse_document
from lovspor.analyze import analyze, stored_changes
from lovspor.analyze_cli import analyze as analyze_cmd
from lovspor.analyze_cli import changes as changes_cmd
from lovspor.analyze_cli import diff as diff_cmd
from lovspor.analyze_cli import stats as stats_cmd
from lovspor.ingest import import_files, iter_xml_files

LAST = "eli/lta/2016/1270/xml"


def _app() -> typer.Typer:
    app = typer.Typer()
    for name, fn in (
        ("analyze", analyze_cmd),
        ("diff", diff_cmd),
        ("changes", changes_cmd),
        ("stats", stats_cmd),
    ):
        app.command(name)(fn)
    return app


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory, retsinfo: Path) -> str:
    """The whole corpus but serviceloven's newest version, imported and analysed."""
    url = f"sqlite:///{tmp_path_factory.mktemp('an') / 'lovspor.sqlite'}"
    files = [f for f in iter_xml_files([retsinfo]) if not str(f).endswith(LAST)]
    import_files(url, files)
    rep = analyze(url, progress=False)
    assert rep.failed == [] and rep.pairs_done > 0
    return url


def test_incremental_new_version_costs_one_pair(analysed: str, retsinfo: Path) -> None:
    again = analyze(analysed, progress=False)
    assert again.pairs_done == 0 and again.parsed == 0 and again.changes == 0
    import_files(analysed, [retsinfo / LAST])
    rep = analyze(analysed, progress=False)
    assert rep.pairs_done == 1 and rep.parsed == 1
    assert rep.pairs_skipped == again.pairs_skipped
    rows = stored_changes(analysed, "serviceloven")
    newest = [r for r in rows if r.new_eli == "lta/2016/1270"]
    assert {r.old_eli for r in newest} == {"lta/2015/1284"}
    inserted = {r.change.new_key for r in newest if r.change.kind.value == "inserted"}
    assert {"§ 12 b", "§ 32 a", "§ 81 a"} <= inserted
    assert all(r.signed.isoformat() == "2016-10-24" for r in newest)  # type: ignore[union-attr]
    with session_scope(analysed) as s:
        v = s.scalar(select(Version).where(Version.eli == "lta/2016/1270"))
        assert v is not None and v.analyzed
        n = s.scalar(select(func.count()).where(ProvisionRow.version_id == v.id))
        assert n == len(parse_document((retsinfo / LAST).read_bytes()).provisions)
        row = s.scalar(
            select(ChangeRow).where(
                ChangeRow.new_version_id == v.id, ChangeRow.new_key == "§ 79 a, stk. 1"
            )
        )
        assert row is not None and row.kind == "amended" and ["delete", "75"] in row.ops


def test_replacement_main_act_starts_new_identity_line(tmp_path: Path, retsinfo: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    with session_scope(url) as s:
        law = Law(slug="testlov", title="lov om test")
        s.add(law)
        s.flush()
        for pos, eli in enumerate(("lta/2015/1284", "lta/2016/1270")):
            data = (retsinfo / "eli" / eli / "xml").read_bytes()
            res = store_document(s, url=eli, data=data, meta=parse_document(data).meta)
            if pos == 1:  # pretend the newer one is a new main act replacing the old
                s.get(Document, res.document_id).kind = "main_act"  # type: ignore[union-attr]
            s.add(Version(law_id=law.id, document_id=res.document_id, eli=eli, position=pos))
    rep = analyze(url, progress=False)
    assert rep.identity_breaks == [("testlov", "lta/2016/1270")]
    assert rep.pairs_done == 0 and rep.changes == 0
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(ChangeRow)) == 0
        assert s.scalar(select(func.count()).select_from(ProvisionRow)) > 2000
    assert analyze(url, progress=False).parsed == 0


def test_cli_diff_changes_analyze(analysed: str, retsinfo: Path) -> None:
    import_files(analysed, [retsinfo / LAST])  # idempotent; the order of tests must not matter
    analyze(analysed, progress=False)
    r = CliRunner().invoke(
        _app(),
        ["diff", "lta/2015/1284", "lta/2016/1270", "--provision", "§ 81 a", "--db", analysed],
    )
    assert r.exit_code == 0, r.output
    assert "§ 81 a" in r.output and "værdighedspolitik" in r.output
    r = CliRunner().invoke(
        _app(),
        ["diff", "lta/2015/1284", "lta/2016/1270", "-f", "json", "--db", analysed],
    )
    doc = json.loads(r.stdout)
    assert doc["old"] == "lta/2015/1284" and doc["summary"]["inserted"] == 28
    r = CliRunner().invoke(
        _app(),
        [
            "diff",
            str(retsinfo / "eli/lta/2015/1284/xml"),
            "lta/2016/1270",
            "-f",
            "html",
            "-p",
            "§ 79 a",
            "--db",
            analysed,
        ],
    )
    assert r.exit_code == 0 and "<del>75</del>" in r.stdout
    r = CliRunner().invoke(
        _app(),
        ["changes", "--law", "serviceloven", "--from", "2016-01-01", "--json", "--db", analysed],
    )
    doc = json.loads(r.stdout)
    assert doc["format"] == "lovspor.changes/2"
    assert {c["new_version"] for c in doc["changes"] if not c["unofficial"]} == {"lta/2016/1270"}
    # acts signed in 2016 after LBK 2016/1270 (LOV 2016/1543, …): the look ahead from it
    assert {c["old_version"] for c in doc["changes"] if c["unofficial"]} == {"lta/2016/1270"}
    assert r.exit_code == 0
    r = CliRunner().invoke(_app(), ["analyze", "--json", "--db", analysed])
    assert r.exit_code == 0 and json.loads(r.stdout)["pairs_done"] == 0
    r = CliRunner().invoke(_app(), ["changes", "--law", "nope", "--db", analysed])
    assert r.exit_code == 1


def test_stats_filters_that_match_nothing_are_errors(analysed: str) -> None:
    """`stats --law nosuchlaw` once printed an empty table with exit code 0 (issue #13)."""
    for args, says in (
        (["--law", "nosuchlaw"], "unknown law 'nosuchlaw'"),
        (["--from-year", "3000"], "no statistics"),
        (["--from-year", "2016", "--to-year", "2010"], "is after --to-year"),
    ):
        r = CliRunner().invoke(_app(), ["stats", *args, "--db", analysed])
        assert r.exit_code == 1, (args, r.output)
        assert says in r.output
    r = CliRunner().invoke(_app(), ["stats", "--law", "serviceloven", "--db", analysed])
    assert r.exit_code == 0 and "serviceloven" in r.output


def test_analyze_output_is_quiet_and_says_what_is_new(tmp_path: Path, retsinfo: Path) -> None:
    """Default: two summary lines and one line per law with new pairs; the per-change
    attribution report only with --verbose. A re-run says there is nothing new."""
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    files = [f for f in iter_xml_files([retsinfo]) if not str(f).endswith(LAST)]
    import_files(url, files)
    first = CliRunner().invoke(_app(), ["analyze", "--db", url])
    assert first.exit_code == 0, first.stderr
    lines = first.stderr.splitlines()
    assert len(lines) < 20, first.stderr  # the full report is hundreds of lines
    assert "ikke henført" not in first.stderr
    assert any("serviceloven:" in ln and "henført" in ln for ln in lines)
    assert "--verbose" in first.stderr

    again = CliRunner().invoke(_app(), ["analyze", "--db", url])
    assert again.exit_code == 0 and "Intet nyt" in again.stderr
    assert "serviceloven:" not in again.stderr

    import_files(url, [retsinfo / LAST])  # one new version: one new pair, for one law
    new = CliRunner().invoke(_app(), ["analyze", "--db", url])
    assert "Nyt i denne kørsel (1 par)" in new.stderr
    (law_line,) = [ln for ln in new.stderr.splitlines() if ln.startswith("  ")]
    assert law_line.strip().startswith("serviceloven: 1 par til lta/2016/1270")

    verbose = CliRunner().invoke(_app(), ["analyze", "--verbose", "--db", url])
    assert verbose.stderr.count(" → ") >= 17  # every stored pair, with its coverage

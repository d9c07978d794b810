"""A bad file, act or pair never stops a batch (issue #13): each is recorded where a user
sees it (fetch_failures / analysis_failures, both on Datadækning), the rest goes on, and the
command ends with exit code 3 (finished, some failed) instead of a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import lovspor.amendments
import lovspor.analyze
import lovspor.ingest
from db.models import AnalysisFailure, Document, FetchFailure, InstructionRow
from db.session import session_scope
from lovspor.analyze import analyze
from lovspor.cli import app
from lovspor.failures import EXIT_PARTIAL
from lovspor.ingest import import_files, iter_xml_files

GOOD = ["eli/lta/2015/1284/xml", "eli/lta/2016/1270/xml"]  # serviceloven, two versions


def _import_folder(tmp_path: Path, retsinfo: Path) -> Path:
    folder = tmp_path / "in"
    for rel in GOOD:
        dest = folder / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(retsinfo / rel, dest)
    return folder


def test_import_goes_on_past_every_kind_of_bad_file(
    tmp_path: Path, retsinfo: Path, monkeypatch: pytest.MonkeyPatch, any_db_url: str
) -> None:
    folder = _import_folder(tmp_path, retsinfo)
    (folder / "huge.xml").touch()
    os.truncate(folder / "huge.xml", lovspor.ingest.MAX_DOCUMENT_BYTES + 1)  # sparse: no disk
    (folder / "dangling.xml").symlink_to(tmp_path / "gone.xml")
    (folder / "bug.xml").write_bytes((retsinfo / GOOD[0]).read_bytes())
    real_parse = lovspor.ingest.parse_document

    def parse(data: bytes, source: str):  # type: ignore[no-untyped-def]
        if source.endswith("bug.xml"):
            raise KeyError("a parser bug one file triggers")
        return real_parse(data, source)

    monkeypatch.setattr(lovspor.ingest, "parse_document", parse)
    files = [*iter_xml_files([folder]), folder / "dangling.xml"]
    assert files.index(folder / "bug.xml") < len(files) - 2  # good files come after it
    seen: list[str] = []
    report = import_files(any_db_url, files, on_fail=lambda src, _r: seen.append(Path(src).name))
    reasons = {Path(f).name: r for f, r in report.failed}
    assert set(reasons) == {"huge.xml", "dangling.xml", "bug.xml"} == set(seen)
    assert "MB" in reasons["huge.xml"] and "cannot read" in reasons["huge.xml"]
    assert "No such file" in reasons["dangling.xml"]
    assert reasons["bug.xml"].startswith("internal error while parsing (KeyError")
    assert report.stored == len(GOOD)
    with session_scope(any_db_url) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == len(GOOD)
        recorded = {Path(u).name for u in s.scalars(select(FetchFailure.url))}
    assert recorded == set(reasons)


def test_import_cli_prints_each_rejection_and_exits_partial(
    tmp_path: Path, retsinfo: Path, sqlite_url: str
) -> None:
    folder = _import_folder(tmp_path, retsinfo)
    (folder / "a-cut.xml").write_bytes((retsinfo / GOOD[0]).read_bytes()[:2000])
    res = CliRunner().invoke(app, ["import", str(folder), "--db", sqlite_url])
    assert res.exit_code == EXIT_PARTIAL, res.output
    assert "a-cut.xml: not well-formed XML" in res.output
    assert "Traceback" not in res.output
    assert "2 nye" in res.output


@pytest.fixture
def imported(tmp_path: Path, retsinfo: Path) -> str:
    url = f"sqlite:///{tmp_path / 'batch.sqlite'}"
    files = [
        f
        for f in iter_xml_files([retsinfo])
        if "/2016/" in str(f) or "/2015/" in str(f)  # enough chains and acts, quickly
    ]
    import_files(url, files)
    return url


def test_analyze_records_a_failing_pair_and_act_and_goes_on(
    imported: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_diff = lovspor.analyze.diff_versions
    real_act = lovspor.amendments.parse_amending_act
    calls: list[str] = []

    def diff(old, new):  # type: ignore[no-untyped-def]
        calls.append("diff")
        if len(calls) == 1:
            raise RuntimeError("a differ bug one pair triggers")
        return real_diff(old, new)

    acts_seen: list[str] = []

    def act(doc):  # type: ignore[no-untyped-def]
        acts_seen.append(doc.meta.eli)
        if len(acts_seen) == 1:
            raise MemoryError
        return real_act(doc)

    monkeypatch.setattr(lovspor.analyze, "diff_versions", diff)
    monkeypatch.setattr(lovspor.amendments, "parse_amending_act", act)
    rep = analyze(imported, progress=False)
    failed = dict(rep.failed)
    assert rep.pairs_done >= 1, "the other pairs were still analysed"
    assert any("internal error (RuntimeError: a differ bug" in r for r in failed.values())
    assert failed[acts_seen[0]] == "amending act: ran out of memory " + (
        "(the input is far larger than any real document)"
    )
    with session_scope(imported) as s:
        rows = {(r.stage, r.subject): r.reason for r in s.scalars(select(AnalysisFailure))}
        instructions = s.scalar(select(func.count()).select_from(InstructionRow))
        acts = set(s.scalars(select(InstructionRow.act_eli).distinct()))
    assert ("act", acts_seen[0]) in rows and acts_seen[0] not in acts
    assert any(stage == "pair" for stage, _ in rows)
    assert instructions and len(acts) == len(set(acts_seen)) - 1  # every other act stored
    (pair_subject,) = [subj for stage, subj in rows if stage == "pair"]
    assert pair_subject in failed  # named by the newer version of the pair

    # Without the faults, the next run retries exactly what failed and clears the records.
    monkeypatch.setattr(lovspor.analyze, "diff_versions", real_diff)
    monkeypatch.setattr(lovspor.amendments, "parse_amending_act", real_act)
    again = analyze(imported, progress=False)
    assert again.failed == [] and again.pairs_done == 1 and again.acts_parsed == 1
    with session_scope(imported) as s:
        assert s.scalar(select(func.count()).select_from(AnalysisFailure)) == 0


def test_analyze_cli_exits_partial_with_one_line_per_failure(
    imported: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_act = lovspor.amendments.parse_amending_act
    first: list[str] = []

    def act(doc):  # type: ignore[no-untyped-def]
        first.append(doc.meta.eli)
        if len(first) == 1:
            raise ValueError("x" * 5000)
        return real_act(doc)

    monkeypatch.setattr(lovspor.amendments, "parse_amending_act", act)
    res = CliRunner().invoke(app, ["analyze", "--db", imported])
    assert res.exit_code == EXIT_PARTIAL, res.output
    line = next(x for x in res.output.splitlines() if x.startswith("Fejlede:"))
    assert first[0] in line and "internal error (ValueError: " in line and len(line) < 400
    assert "Traceback" not in res.output


def test_a_stored_document_the_parser_now_refuses_is_listed_not_fatal(
    tmp_path: Path, retsinfo: Path, sqlite_url: str
) -> None:
    """Bytes stored by an earlier, laxer Lovspor that today's bounds refuse: grouping and the
    crawler's walk mark the document failed (Datadækning lists it) and go on."""
    from crawler.state import DbDocs
    from db.store import store_document
    from lawdiff.parse import parse_document

    good = (retsinfo / GOOD[0]).read_bytes()
    meta = parse_document(good, GOOD[0]).meta
    refused = good.replace(b"<Number>", b"<Number>" + b"7" * 5000, 1)
    assert refused != good
    with session_scope(sqlite_url) as s:
        store_document(s, url="file:///old.xml", data=refused, meta=meta)
    report = import_files(sqlite_url, [retsinfo / GOOD[1]])
    assert report.stored == 1 and report.laws == 1
    assert DbDocs(sqlite_url).load(meta.eli) is None
    with session_scope(sqlite_url) as s:
        status, error = s.execute(
            select(Document.parse_status, Document.parse_error).where(Document.eli == meta.eli)
        ).one()
    assert status == "failed" and "Number" in error and "more than 6 digits" in error

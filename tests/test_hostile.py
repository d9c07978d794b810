"""Hostile and broken input: a clean ParseError naming the document, nothing stored."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from db.models import Document, FetchFailure
from db.session import session_scope
from lawdiff.parse import ParseError, parse_document
from lovspor.cli import app

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Dokument [
 <!ENTITY a "lol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<Dokument><Meta><Year>2016</Year><Number>1</Number></Meta><DokumentIndhold><Paragraf>
<Explicatus>&i;</Explicatus></Paragraf></DokumentIndhold></Dokument>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Dokument [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Dokument><Meta><Year>2016</Year><Number>1</Number><DocumentTitle>&x;</DocumentTitle></Meta>
<DokumentIndhold/></Dokument>"""

XXE_NET = b"""<?xml version="1.0"?>
<!DOCTYPE Dokument SYSTEM "http://127.0.0.1:9/evil.dtd">
<Dokument><Meta/><DokumentIndhold/></Dokument>"""

HTML_200 = b"""<!DOCTYPE html><html><head><title>Retsinformation</title></head>
<body><h1>Der opstod en fejl</h1></body></html>"""


@pytest.fixture
def truncated(retsinfo: Path) -> bytes:
    return (retsinfo / "eli/lta/2016/171/xml").read_bytes()[:3000]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "DOCTYPE"),
        (XXE, "DOCTYPE"),
        (XXE_NET, "DOCTYPE"),
        (HTML_200, "HTML page"),
    ],
)
def test_hostile_bytes_give_a_clean_error(data: bytes, reason: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(ParseError) as exc:
        parse_document(data, "evil.xml")
    assert time.perf_counter() - t0 < 2.0  # no expansion, no hang
    assert "root:" not in str(exc.value)  # /etc/passwd never read into the message
    assert str(exc.value).startswith("evil.xml: ")
    assert reason in exc.value.reason


def test_truncated_real_document(truncated: bytes) -> None:
    with pytest.raises(ParseError, match="not well-formed"):
        parse_document(truncated, "lta/2016/171")


def test_import_stores_nothing_from_hostile_files(
    tmp_path: Path, truncated: bytes, any_db_url: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in {
        "laughs.xml": BILLION_LAUGHS,
        "xxe.xml": XXE,
        "page.xml": HTML_200,
        "cut.xml": truncated,
        "empty.xml": b"",
    }.items():
        (folder / name).write_bytes(data)
    result = CliRunner().invoke(app, ["import", str(folder), "--db", any_db_url, "--json"])
    assert result.exit_code == 1, result.output
    assert "cut.xml" in result.output and "not well-formed" in result.output
    with session_scope(any_db_url) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
        failures = {Path(f.url).name: f.reason for f in s.scalars(select(FetchFailure))}
    assert set(failures) == {"laughs.xml", "xxe.xml", "page.xml", "cut.xml", "empty.xml"}
    assert "root:" not in " ".join(failures.values())

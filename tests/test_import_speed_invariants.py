"""The fast import (worker processes, one transaction per batch, Core inserts) stores exactly
what a one-file-at-a-time import stores, and a bad file in a parallel batch is still one
failure line that does not stop the batch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import lovspor.ingest
from lovspor.ingest import import_files, iter_xml_files

_TABLES = ("documents", "document_sections", "laws", "versions", "amending_links",
           "fetch_failures")
_SKIP = {"fetched_at", "last_attempt", "url"}  # when and from which folder, not what


def _rows(url: str) -> dict[str, list[tuple]]:
    eng = create_engine(url)
    out = {}
    with eng.connect() as c:
        for t in _TABLES:
            res = c.execute(text(f"SELECT * FROM {t} ORDER BY id"))
            cols = [i for i, k in enumerate(res.keys()) if k not in _SKIP]
            out[t] = [tuple(r[i] for i in cols) for r in res]
    eng.dispose()
    return out


def _import(tmp: Path, name: str, files: list[Path], parallel: bool,
            monkeypatch: pytest.MonkeyPatch) -> tuple[str, lovspor.ingest.ImportReport]:
    monkeypatch.setattr(lovspor.ingest, "PARALLEL_FROM", 1 if parallel else 10**9)
    monkeypatch.setattr(lovspor.ingest, "BATCH", 7)  # several commits in the batch
    url = f"sqlite:///{tmp / name}"
    return url, import_files(url, files)


def test_parallel_batched_import_stores_the_same_rows(
    tmp_path: Path, retsinfo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(iter_xml_files([retsinfo]))[:60]
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Dokument><Meta>")  # truncated: refused, the batch goes on
    files.insert(30, bad)
    serial_url, serial = _import(tmp_path, "serial.sqlite", files, False, monkeypatch)
    par_url, par = _import(tmp_path, "parallel.sqlite", files, True, monkeypatch)
    assert (par.stored, par.unchanged, par.laws, par.versions, par.links) == (
        serial.stored, serial.unchanged, serial.laws, serial.versions, serial.links)
    assert par.failed == serial.failed
    assert [f for f, _ in par.failed] == [str(bad)]
    assert "not well-formed XML" in par.failed[0][1]
    assert par.stored == len(files) - 1 - par.unchanged
    assert _rows(par_url) == _rows(serial_url)


def test_reimport_in_parallel_changes_nothing(
    tmp_path: Path, retsinfo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    for f in sorted(iter_xml_files([retsinfo]))[:20]:
        dest = folder / f.relative_to(retsinfo)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, dest)
    files = sorted(iter_xml_files([folder]))
    url, first = _import(tmp_path, "db.sqlite", files, True, monkeypatch)
    before = _rows(url)
    _, again = _import(tmp_path, "db.sqlite", files, True, monkeypatch)
    assert first.stored == len(files) and again.stored == 0
    assert again.unchanged == len(files)
    assert _rows(url) == before

"""Crawler test helpers: run the crawl CLI in a subprocess, read back the database, and
derive what a reference walk must find from the mirror's own documents.

Each crawl is a subprocess because a Twisted reactor cannot be restarted in one process.
The expected sets are computed here from the XML files with `lawdiff.parse`/`lawdiff.refs`
(not with `crawler.walk`), so the crawler is checked against the documents, not itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import zlib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lawdiff.model import DocKind
from lawdiff.refs import normalize_law_title, parse_amending_intro

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CrawlRun:
    returncode: int
    summary: dict
    stderr: str
    stdout: str


def run_crawl(db: Path, *args: str, timeout: float = 120, base_url: str | None = None) -> CrawlRun:
    cmd = [sys.executable, "-m", "lovspor.crawl_cli", "--db", str(db), "--json", *args]
    if base_url is not None:
        cmd += ["--base-url", base_url]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, check=False
    )
    summary: dict = {}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            summary = json.loads(line)
            break
    if proc.returncode not in (0, 3) or not summary:
        raise AssertionError(
            f"crawl {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr[-4000:]}"
        )
    return CrawlRun(proc.returncode, summary, proc.stderr, proc.stdout)


class Db:
    """Read-only look at a crawl database (plain sqlite3: the crawler is the system under test)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def q(self, sql: str, *args: object) -> list[tuple]:
        con = sqlite3.connect(self.path)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def elis(self) -> set[str]:
        return {r[0] for r in self.q("SELECT eli FROM documents")}

    def gaps(self) -> set[str]:
        return {r[0] for r in self.q("SELECT eli FROM gaps")}

    def failures(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.q("SELECT eli, reason FROM fetch_failures")}

    def duplicates(self) -> list[tuple]:
        return self.q(
            "SELECT eli, sha256, count(*) FROM documents GROUP BY eli, sha256 HAVING count(*) > 1"
        )

    def contents(self) -> dict[str, tuple[bytes, str]]:
        return {
            eli: (zlib.decompress(blob), sha)
            for eli, blob, sha in self.q("SELECT eli, content, sha256 FROM documents")
        }


@dataclass
class Expected:
    versions: set[str] = field(default_factory=set)
    acts: set[str] = field(default_factory=set)
    gaps: set[str] = field(default_factory=set)
    other: set[str] = field(default_factory=set)  # fetched, present, not the law's


def _refs(doc, title: str) -> list[tuple[str, dt.date | None]]:  # type: ignore[no-untyped-def]
    meta = doc.meta
    out: list[tuple[str, dt.date | None]] = []
    if meta.kind in (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT):
        if normalize_law_title(meta.title) != title:
            return []
        if doc.intro:
            acts = [doc.intro.previous] if doc.intro.previous else []
            acts += [*doc.intro.incorporated, *doc.intro.not_incorporated]
            out += [(a.eli, a.date) for a in acts]
        out += [(c.eli, c.date) for c in meta.later_changes if c.eli]
    elif meta.kind is DocKind.AMENDING_ACT:
        for sec in doc.amending_sections:
            a = parse_amending_intro(sec.intro)
            if a.law_title and normalize_law_title(a.law_title) == title:
                acts = ([a.base] if a.base else []) + list(a.amended_by)
                out += [(r.eli, r.date) for r in acts]
    return out


def expected_walk(corpus: dict, seeds: list[str], since: dt.date = dt.date(2007, 1, 1)) -> Expected:
    """Breadth-first over the mirror's documents from `seeds`, following only the seed law's
    references (its consolidated versions' Indledning and Meta, its amending sections)."""
    first = corpus[seeds[0]]
    title = normalize_law_title(first.meta.title)
    exp = Expected()
    seen: set[str] = set()
    queue = deque(seeds)
    while queue:
        eli = queue.popleft()
        if eli in seen:
            continue
        seen.add(eli)
        doc = corpus.get(eli)
        if doc is None:
            exp.gaps.add(eli)
            continue
        refs = _refs(doc, title)
        if (
            doc.meta.kind is DocKind.AMENDING_ACT
            and refs is not None
            and any(
                a.law_title and normalize_law_title(a.law_title) == title
                for a in (parse_amending_intro(s.intro) for s in doc.amending_sections)
            )
        ):
            exp.acts.add(eli)
        elif doc.meta.kind in (DocKind.CONSOLIDATED_ACT, DocKind.MAIN_ACT) and (
            normalize_law_title(doc.meta.title) == title
        ):
            exp.versions.add(eli)
        else:
            exp.other.add(eli)
            continue
        if doc.meta.signed and doc.meta.signed < since:
            continue
        for ref_eli, date in refs:
            if date is not None and date < since:
                continue
            queue.append(ref_eli)
    return exp


@pytest.fixture
def mirror(retsinfo: Path):  # type: ignore[no-untyped-def]
    """A loopback server over the shared mirror (fresh request log per test)."""
    from tests.crawler.faultserver import FaultServer

    with FaultServer(retsinfo) as srv:
        yield srv

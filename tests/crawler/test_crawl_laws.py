"""The issue's "done when": `lovspor crawl --law serviceloven --base-url <mirror>` fills a
fresh database that `lovspor laws --json` shows with every reachable version and the gaps."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.crawler.conftest import expected_walk, run_crawl

pytestmark = pytest.mark.slow


def test_crawl_law_then_laws_json(tmp_path, mirror, corpus):  # type: ignore[no-untyped-def]
    db_path = tmp_path / "c.sqlite"
    run_crawl(db_path, "--law", "serviceloven", "--no-throttle", base_url=mirror.url)
    out = subprocess.run(
        [sys.executable, "-m", "lovspor.cli", "laws", "--json", "--db", f"sqlite:///{db_path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    laws = {law["slug"]: law for law in json.loads(out.stdout)["laws"]}
    exp = expected_walk(corpus, ["lta/2016/1270"])
    law = laws["serviceloven"]
    assert {v["eli"] for v in law["versions"]} == exp.versions
    assert len(law["versions"]) == 9
    assert {a["eli"] for a in law["amending_acts"]} >= exp.acts
    assert {"lta/2014/1023", "lta/2014/254"} <= set(law["gaps"])

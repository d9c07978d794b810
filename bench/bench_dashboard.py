"""Render time of each dashboard page with AppTest on a database of the whole shared corpus.

    .venv/bin/python bench/bench_dashboard.py [--db URL] [--repeat N] [--json]

Without --db a fresh SQLite database is built from ../shared/retsinfo (import + analyze).
Per page: *cold* = first render after clearing Streamlit's caches (modules already
imported, as in a running server), *warm* = median of N further renders (cached data, what a
user clicking between pages sees). Target: ≤ 1.5 s per page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES = {
    "Ændringer": "views/aendringer.py",
    "Paragraf": "views/paragraf.py",
    "Statistik": "views/statistik.py",
    "Konsekvenser": "views/konsekvenser.py",
    "Datadækning": "views/daekning.py",
}
TARGET = 1.5


def build(url: str) -> None:
    from typer.testing import CliRunner

    from lovspor.cli import app
    from lovspor.settings import shared_dir

    shared = shared_dir(required=True)
    assert shared is not None
    runner = CliRunner()
    for args in (["import", str(shared / "retsinfo"), "--db", url, "--json"],
                 ["analyze", "--db", url]):
        res = runner.invoke(app, args)
        if res.exit_code != 0:
            sys.exit(f"{' '.join(args[:1])} failed: {res.output}")


def render(page: str) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page(page)  # before the first run: only this page runs (its url = file name)
    t0 = time.perf_counter()
    at.run()
    dt = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    if page != PAGES["Ændringer"] and at.title[0].value == "Ændringer":
        raise RuntimeError(f"{page}: switch_page before run() opened the default page")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    import logging

    logging.disable(logging.WARNING)
    tmp = None
    url = args.db
    if not url:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
        t0 = time.perf_counter()
        build(url)
        print(f"database built in {time.perf_counter() - t0:.1f} s: {url}", file=sys.stderr)
    os.environ["LOVSPOR_DATABASE_URL"] = url

    import streamlit as st

    render(PAGES["Ændringer"])  # imports every module once, as a running server has
    results = {}
    for name, page in PAGES.items():
        st.cache_data.clear()
        st.cache_resource.clear()
        cold = render(page)
        warm = statistics.median(render(page) for _ in range(args.repeat))
        results[name] = {"cold_s": round(cold, 3), "warm_s": round(warm, 3)}
    if args.json:
        print(json.dumps({"db": url, "target_s": TARGET, "pages": results}, indent=2))
    else:
        print(f"{'page':<14}{'cold (s)':>10}{'warm (s)':>10}  target ≤ {TARGET} s")
        for name, r in results.items():
            flag = "" if max(r["cold_s"], r["warm_s"]) <= TARGET else "  > target (cold)"
            if r["warm_s"] > TARGET:
                flag = "  > target"
            print(f"{name:<14}{r['cold_s']:>10.2f}{r['warm_s']:>10.2f}{flag}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()

"""Benchmark (not a test): parse + diff + stats over the whole shared corpus.

Prints wall time per stage, each as a ratio to bare `lxml.etree.fromstring` of the same
bytes, and the cost of adding one new version to an analysed database as a fraction of a
full rebuild. Run: `.venv/bin/python bench/bench_pipeline.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import tempfile
import time
from pathlib import Path

from lxml import etree

from lawdiff.diff import diff_versions
from lawdiff.model import DocKind
from lawdiff.parse import parse_document
from lawdiff.stats import compute_stats
from lovspor.settings import shared_dir


def best_of(n: int, fn):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    shared = shared_dir(required=True)
    assert shared is not None
    files = sorted((shared / "retsinfo").glob("eli/lta/*/*/xml"))
    blobs = [f.read_bytes() for f in files]
    mb = sum(map(len, blobs)) / 1e6
    print(f"corpus: {len(blobs)} documents, {mb:.1f} MB")

    t_lxml, _ = best_of(args.repeat, lambda: [etree.fromstring(b) for b in blobs])
    t_parse, docs = best_of(
        args.repeat, lambda: [parse_document(b, str(f)) for b, f in zip(blobs, files, strict=True)]
    )
    chains: dict[str, list] = collections.defaultdict(list)
    for d in docs:
        if d.meta.kind is DocKind.CONSOLIDATED_ACT:
            chains[d.meta.title.lower()].append(d)
    pairs = []
    for chain in chains.values():
        chain.sort(key=lambda d: (d.meta.signed, d.meta.eli))
        pairs.extend(itertools.pairwise(chain))
    t_diff, results = best_of(
        args.repeat, lambda: [diff_versions(a.provisions, b.provisions) for a, b in pairs]
    )
    t_self, _ = best_of(
        args.repeat, lambda: [diff_versions(b.provisions, b.provisions) for _, b in pairs]
    )
    n_changes = sum(map(len, results))
    n_provs = sum(len(b.provisions) for _, b in pairs)

    with tempfile.TemporaryDirectory() as tmp:
        from db.session import engine_for
        from lovspor.analyze import analyze, statistics, stats_facts
        from lovspor.ingest import import_files

        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        last = shared / "retsinfo/eli/lta/2016/1270/xml"
        import_files(url, [f for f in files if f != last])
        t_full = time.perf_counter()
        full = analyze(url, progress=False)
        t_full = time.perf_counter() - t_full
        import_files(url, [last])
        t_one = time.perf_counter()
        one = analyze(url, progress=False)
        t_one = time.perf_counter() - t_one
        t_noop, _ = best_of(args.repeat, lambda: analyze(url, progress=False))
        t_stats_db, res = best_of(args.repeat, lambda: statistics(url))
        from db.session import session_scope

        with session_scope(url) as s:
            facts = stats_facts(s)
        t_stats, _ = best_of(args.repeat, lambda: compute_stats(*facts))
        engine_for.cache_clear()

    def line(name: str, t: float, extra: str = "") -> None:
        print(f"{name:36} {t * 1000:9.1f} ms  {t / t_lxml:7.2f}× lxml  {extra}")

    print(f"{'stage':36} {'wall':>12}  {'ratio':>12}")
    line("lxml.etree.fromstring (baseline)", t_lxml)
    line("parse_document", t_parse)
    line(
        f"diff {len(pairs)} consecutive LBK pairs",
        t_diff,
        f"{n_changes} changes over {n_provs} provisions",
    )
    line("diff of each version with itself", t_self, f"{t_self / t_diff:.1%} of the real diff")
    line("stats (pure compute_stats)", t_stats)
    line(
        "stats incl. DB read + Indledning",
        t_stats_db,
        f"total revisions {res.total.paragraph_revisions}",
    )
    line(f"analyze: full rebuild ({full.pairs_done} pairs)", t_full)
    line(
        f"analyze: one new version ({one.pairs_done} pair)",
        t_one,
        f"{t_one / t_full:.1%} of a full rebuild",
    )
    line("analyze: nothing new", t_noop, f"{t_noop / t_full:.2%} of a full rebuild")


if __name__ == "__main__":
    main()

"""Parse the whole shared corpus and compare with bare `lxml.etree.fromstring` of the same
bytes, in one run. Prints seconds and the ratio (ours / bare lxml), best of N rounds."""

from __future__ import annotations

import argparse
import time

from lxml import etree

from lawdiff.parse import parse_document
from lovspor.settings import shared_dir


def best_of(rounds: int, fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    root = shared_dir(required=True) / "retsinfo"
    files = sorted(root.glob("eli/lta/*/*/xml"))
    data = [f.read_bytes() for f in files]
    size = sum(map(len, data)) / 1e6
    bare = best_of(args.rounds, lambda: [etree.fromstring(d) for d in data])
    ours = best_of(args.rounds, lambda: [parse_document(d) for d in data])
    provisions = sum(len(parse_document(d).provisions) for d in data)
    print(f"corpus: {len(data)} documents, {size:.1f} MB, {provisions} provisions")
    print(f"bare lxml.etree.fromstring: {bare:.3f} s")
    print(f"lawdiff.parse.parse_document: {ours:.3f} s ({size / ours:.1f} MB/s)")
    print(f"ratio ours / bare lxml: {ours / bare:.1f}x")


if __name__ == "__main__":
    main()

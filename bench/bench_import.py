"""Benchmark (not a test): `import` of the shared documents against bare lxml, and the cost of
one more document into databases of three sizes (issue #11: the curve must be flat).

    .venv/bin/python bench/bench_import.py [--analyze] [--repeat N]

Documents: ../shared/retsinfo plus ../shared/corpus (unpacked into a temporary folder).
Ratios are measured in this one run: full import ÷ `lxml.etree.fromstring` of the same bytes;
one more document (a consolidated act and an amending act, each into a copy of a database
holding a third, two thirds and all of the rest) ÷ the full import. `--analyze` adds
`lovspor analyze` of the full database, as import + analyze ÷ bare lxml.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tarfile
import tempfile
import time
from pathlib import Path

from lxml import etree

from lovspor.ingest import import_files, iter_xml_files
from lovspor.settings import shared_dir


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--analyze", action="store_true", help="also time `analyze` of the corpus")
    ap.add_argument("--repeat", type=int, default=3, help="trials per incremental point")
    args = ap.parse_args()
    shared = shared_dir(required=True)
    assert shared is not None
    with tempfile.TemporaryDirectory(prefix="lovspor-bench-") as tmp:
        work = Path(tmp)
        with tarfile.open(shared / "corpus" / "lta-2010-2013.tar.xz", "r:xz") as tar:
            tar.extractall(work / "corpus", filter="data")
        files = sorted(iter_xml_files([shared / "retsinfo", work / "corpus"]))
        data = [f.read_bytes() for f in files]
        mb = sum(map(len, data)) / 1e6

        t = time.perf_counter()
        for d in data:
            etree.fromstring(d)
        bare = time.perf_counter() - t

        from lawdiff.parse import parse_document

        t = time.perf_counter()
        for f, d in zip(files, data, strict=True):
            with contextlib.suppress(Exception):  # a refused document costs its time too
                parse_document(d, str(f))
        parse_only = time.perf_counter() - t

        full_db = work / "full.sqlite"
        t = time.perf_counter()
        import_files(f"sqlite:///{full_db}", files)
        full = time.perf_counter() - t
        print(f"{len(files)} documents, {mb:.0f} MB")
        print(f"bare lxml.etree.fromstring   {bare:7.2f} s")
        print(f"lawdiff parse_document only   {parse_only:7.2f} s   {parse_only / bare:5.1f}× bare lxml")
        print(f"lovspor import (fresh SQLite) {full:7.2f} s   {full / bare:5.1f}× bare lxml "
              "(target ≤ 3×)")

        # one more document: held out from every base database
        lbk = next(f for f in files if f.as_posix().endswith("eli/lta/2016/1270/xml"))
        act = next(f for f in files if f.as_posix().endswith("eli/lta/2016/171/xml"))
        rest = [f for f in files if f not in (lbk, act)]
        print("one more document into a database of N documents (median of "
              f"{args.repeat}, ÷ full import; target ≤ 2 %, flat):")
        for share in (1 / 3, 2 / 3, 1.0):
            base = work / f"base-{share:.2f}.sqlite"
            import_files(f"sqlite:///{base}", rest[: int(len(rest) * share)])
            for label, f in (("LBK 2016/1270", lbk), ("LOV 2016/171", act)):
                times = []
                for i in range(args.repeat):
                    trial = work / f"trial-{i}.sqlite"
                    shutil.copy(base, trial)
                    t = time.perf_counter()
                    import_files(f"sqlite:///{trial}", [f])
                    times.append(time.perf_counter() - t)
                    trial.unlink()
                m = statistics.median(times)
                n = int(len(rest) * share)
                print(f"  N={n:5d}  {label:14s} {m * 1000:7.1f} ms  {m / full:6.2%} of the full "
                      "import")

        if args.analyze:
            from lovspor.analyze import analyze

            t = time.perf_counter()
            analyze(f"sqlite:///{full_db}", progress=False)
            an = time.perf_counter() - t
            print(f"lovspor analyze              {an:7.2f} s")
            print(f"import + analyze             {full + an:7.2f} s   "
                  f"{(full + an) / bare:5.1f}× bare lxml (target ≤ 10×)")


if __name__ == "__main__":
    main()

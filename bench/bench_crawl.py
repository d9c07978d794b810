"""Requests per stored document and documents per second against the loopback mirror.

Starts `python -m http.server` over ../shared/retsinfo, runs `lovspor.crawl_cli` in a fresh
database with throttling on and off (a subprocess each: one reactor per process), then a
re-run over the unchanged mirror, and prints the figures.

    .venv/bin/python bench/bench_crawl.py [--seed lta/2016/1270 ...] [--skip-throttled]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lovspor.settings import shared_dir

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ["lta/2016/1270", "lta/2013/1093", "lta/2016/1345", "lta/2016/1342"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crawl(db: Path, base: str, seeds: list[str], *extra: str) -> dict:
    cmd = [sys.executable, "-m", "lovspor.crawl_cli", "--db", str(db), "--json"]
    cmd += ["--base-url", base, *extra]
    for s in seeds:
        cmd += ["--seed", s]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    line = next((ln for ln in reversed(out.stdout.splitlines()) if ln.startswith("{")), None)
    if line is None:
        raise SystemExit(f"crawl failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(line)


def row(name: str, s: dict) -> str:
    rpd = s["requests_per_document"]
    dps = s["documents_per_second"]
    return (
        f"{name:<22} stored {s['stored']:>4}  gaps {s['gaps']:>3}  requests {s['requests']:>4}"
        f"  (documents {s['document_requests']:>4})  req/doc "
        f"{(f'{rpd:.2f}' if rpd else '–'):>5}  docs/s {(f'{dps:.1f}' if dps else '–'):>6}"
        f"  {s['seconds']:.1f}s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", action="append", help="seeds (default: four laws' LBKs)")
    ap.add_argument("--skip-throttled", action="store_true")
    args = ap.parse_args()
    seeds = args.seed or SEEDS
    shared = shared_dir(required=True)
    assert shared is not None
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=shared / "retsinfo",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(0.5)
        with tempfile.TemporaryDirectory() as tmp:
            print(f"mirror {base} (python -m http.server), seeds {', '.join(seeds)}")
            off_db = Path(tmp) / "off.sqlite"
            print(row("throttle off", crawl(off_db, base, seeds, "--no-throttle")))
            print(row("re-run (unchanged)", crawl(off_db, base, seeds, "--no-throttle")))
            if not args.skip_throttled:
                on_db = Path(tmp) / "on.sqlite"
                print(row("throttle on (default)", crawl(on_db, base, seeds)))
    finally:
        server.terminate()
        server.wait(5)


if __name__ == "__main__":
    main()

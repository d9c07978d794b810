"""Time for each dashboard page to settle in headless Chromium, relative to a hello-world
Streamlit page measured in the same run.

    .venv/bin/python bench/bench_browser.py [--db URL] [--repeat N] [--json]

Needs $LOVSPOR_CHROMEDRIVER and $LOVSPOR_CHROMIUM (scripts/services.sh writes them to
.ci/services.env); without them /usr/bin/chromedriver and /usr/bin/chromium are tried.
Without --db a fresh SQLite database is built from ../shared/retsinfo (import + analyze).

Two servers on loopback: `lovspor dashboard --db URL` and a hello-world Streamlit app
(`st.title("Hej"); st.write("hello")`), run with the same server flags. One headless
Chromium (the flags of tests/test_browser.py) loads each URL; a load's time runs from
driver.get until the page's h1 has the expected title, no [data-testid="stStatusWidget"] is
shown and the app root reports data-test-script-state="notRunning", polled every 0.05 s.
(The script state is needed because Streamlit shows the status widget only some time after a
run starts: a page whose h1 comes first would otherwise count as settled mid-run.)

Per page: *cold* = the first load (one warm-up per page, server-side caches filled as a user
clicking around sees them), then N rounds over all pages in turn; *median* = the median of
those N loads, *ratio* = median / hello-world median. Target (issue #14 item 7): ratio ≤ 4.
The script is a measurement: it exits 0 whatever the numbers, 1 only when the browser or
its driver is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 4.0
POLL = 0.05
LOAD_TIMEOUT = 60.0
HELLO = ("Hello world", "Hej")
HELLO_APP = 'import streamlit as st\n\nst.title("Hej")\nst.write("hello")\n'
# one DOM read per poll: the h1 texts, whether Streamlit's status widget is shown, and the
# script-run state the app root carries (initial, running, notRunning, rerunRequested, ...)
PROBE = (
    "const app = document.querySelector('[data-testid=\"stApp\"]');"
    "return [Array.from(document.querySelectorAll('h1'), h => h.innerText),"
    " document.querySelector('[data-testid=\"stStatusWidget\"]') !== null,"
    " app ? app.getAttribute('data-test-script-state') : null];"
)


def binaries() -> tuple[str, str]:
    """chromedriver and chromium, or one clear line and exit 1."""
    driver = (os.environ.get("LOVSPOR_CHROMEDRIVER") or shutil.which("chromedriver")
              or "/usr/bin/chromedriver")
    chromium = (os.environ.get("LOVSPOR_CHROMIUM") or shutil.which("chromium")
                or "/usr/bin/chromium")
    for what, path in (("chromedriver", driver), ("chromium", chromium)):
        if not Path(path).exists():
            sys.exit(f"bench_browser: {what} not found at {path} (set LOVSPOR_CHROMEDRIVER and "
                     "LOVSPOR_CHROMIUM, e.g. from .ci/services.env, or apt-get install "
                     "chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        sys.exit("bench_browser: selenium is not installed (pip install -e '.[dev]')")
    return driver, chromium


def start(argv: list[str], log: Path, cwd: Path | None = None) -> subprocess.Popen:
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                start_new_session=True)


def serve(proc: subprocess.Popen, base: str, log: Path) -> None:
    from tests.dashboard_server import wait_http

    try:
        if wait_http(f"{base}/_stcore/health", proc=proc).strip() != "ok":
            raise RuntimeError(f"{base}/_stcore/health did not answer ok")
    except Exception as exc:
        tail = log.read_text("utf-8", "replace")[-2000:]
        raise SystemExit(f"bench_browser: server at {base} did not start: {exc}\n{tail}") from exc


def load(drv, url: str, title: str) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds from driver.get(url) until the h1 reads `title` and Streamlit's run is over;
    None when that did not happen within LOAD_TIMEOUT."""
    from selenium.common.exceptions import TimeoutException, WebDriverException

    t0 = time.perf_counter()
    deadline = t0 + LOAD_TIMEOUT
    try:
        drv.get(url)
        while True:
            heads, widget, state = drv.execute_script(PROBE)
            now = time.perf_counter()
            if state == "notRunning" and not widget and any(title in h for h in heads):
                return now - t0
            if now >= deadline:
                return None
            time.sleep(POLL)
    except (TimeoutException, WebDriverException) as exc:
        print(f"bench_browser: {url}: {type(exc).__name__}: {str(exc).splitlines()[0]}",
              file=sys.stderr)
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", help="database URL (default: build one from ../shared/retsinfo)")
    ap.add_argument("--repeat", type=int, default=5, help="measured loads per page (median)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    driver_path, chromium = binaries()
    sys.path.insert(0, str(ROOT))  # tests/ is a package of the checkout, not installed
    from tests.dashboard_server import free_port, stop
    from tests.test_browser import FLAGS, PAGES

    tmp = tempfile.TemporaryDirectory(prefix="lovspor-bench-browser-")
    work = Path(tmp.name)
    url = args.db
    if not url:
        from lovspor.settings import shared_dir
        from tests.test_dashboard import build_db

        shared = shared_dir(required=True)
        assert shared is not None
        t0 = time.perf_counter()
        url = build_db(shared / "retsinfo", work / "bench.sqlite")
        print(f"database built in {time.perf_counter() - t0:.1f} s: {url}", file=sys.stderr)

    procs: list[subprocess.Popen] = []
    drv = None
    profile = work / "chromium-profile"
    try:
        dash_port, hello_port = free_port(), free_port()
        dash = f"http://127.0.0.1:{dash_port}"
        hello = f"http://127.0.0.1:{hello_port}"
        procs.append(start(
            [sys.executable, "-c", "from lovspor.cli import main; main()", "dashboard",
             "--db", url, "--port", str(dash_port), "--address", "127.0.0.1"],
            work / "dashboard.log",
        ))
        app = work / "hello.py"
        app.write_text(HELLO_APP, encoding="utf-8")
        procs.append(start(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
             "--server.port", str(hello_port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            work / "hello.log", cwd=work,
        ))
        serve(procs[0], dash, work / "dashboard.log")
        serve(procs[1], hello, work / "hello.log")

        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        for flag in FLAGS:
            opts.add_argument(flag)
        opts.add_argument(f"--user-data-dir={profile}")
        drv = webdriver.Chrome(service=Service(driver_path), options=opts)
        drv.set_page_load_timeout(LOAD_TIMEOUT)
        drv.set_script_timeout(10)

        targets = [(HELLO[0], hello, HELLO[1])] + [
            (title, dash if slug == "aendringer" else f"{dash}/{slug}", title)
            for slug, title in PAGES
        ]
        cold = {name: load(drv, u, title) for name, u, title in targets}  # the warm-up
        runs: dict[str, list[float | None]] = {name: [] for name, _, _ in targets}
        for _ in range(args.repeat):  # rounds over all pages: drift hits every page alike
            for name, u, title in targets:
                runs[name].append(load(drv, u, title))
    finally:
        if drv is not None:
            drv.quit()
        for proc in procs:
            stop(proc)
        tmp.cleanup()

    def median(xs: list[float | None]) -> float | None:
        ok = [x for x in xs if x is not None]
        return statistics.median(ok) if ok else None

    base = median(runs[HELLO[0]])
    results = {}
    for name, _, _ in targets:
        med = median(runs[name])
        ratio = med / base if med is not None and base else None
        results[name] = {
            "cold_s": None if cold[name] is None else round(cold[name], 3),
            "median_s": None if med is None else round(med, 3),
            "ratio": None if ratio is None else round(ratio, 2),
            "ok": None if ratio is None else ratio <= TARGET,
            "timeouts": sum(x is None for x in runs[name]),
        }
    if args.json:
        print(json.dumps({"db": url, "repeat": args.repeat, "target_ratio": TARGET,
                          "pages": results}, indent=2, ensure_ascii=False))
        return

    def num(x: float | None, fmt: str) -> str:
        return "timeout" if x is None else format(x, fmt)

    print(f"{'page':<14}{'cold (s)':>10}{'median (s)':>12}{'ratio':>8}  ratio ≤ {TARGET:g}")
    for name, r in results.items():
        verdict = "-" if r["ok"] is None else ("yes" if r["ok"] else "NO")
        if r["timeouts"]:
            verdict += f" ({r['timeouts']}/{args.repeat} timed out)"
        print(f"{name:<14}{num(r['cold_s'], '.2f'):>10}{num(r['median_s'], '.2f'):>12}"
              f"{num(r['ratio'], '.2f'):>8}  {verdict}")
    print(f"(median of {args.repeat} loads after one warm-up; ratio = median / "
          f"{HELLO[0].lower()} median)")


if __name__ == "__main__":
    main()

"""`lovspor dashboard` and `lovspor run` — the README's one command for the main job.

`run` chains the stages as separate processes (`lovspor crawl`, `lovspor analyze`, `lovspor
graph`): Scrapy's reactor cannot restart inside one process, and a stage that fails stops the
chain with its own message and exit status. The dashboard is `streamlit run dashboard/app.py`
with the database URL in $LOVSPOR_DATABASE_URL; it reads only the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from db.session import normalise_url, redact
from lovspor.cliutil import DbOpt, db_url
from lovspor.failures import EXIT_PARTIAL
from lovspor.settings import DEFAULT_BASE_URL

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"

err = Console(stderr=True)

PortOpt = Annotated[int, typer.Option("--port", help="Port for the dashboard.")]
AddressOpt = Annotated[
    str,
    typer.Option("--address", help="Interface to listen on (0.0.0.0 to share on the network)."),
]


def streamlit_command(port: int, address: str) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip


def start_dashboard(url: str, port: int, address: str) -> subprocess.Popen[bytes]:
    """Start Streamlit on the database `url`; the caller waits for (or stops) it."""
    env = {**os.environ, "LOVSPOR_DATABASE_URL": normalise_url(url)}
    return subprocess.Popen(streamlit_command(port, address), env=env)


_FORWARDED = (signal.SIGTERM, signal.SIGHUP)


def wait_child(proc: subprocess.Popen[bytes], grace: float = 10.0) -> int:
    """Wait for a child stage or the dashboard; SIGTERM/SIGHUP/Ctrl+C to Lovspor stop it too.

    Without this, `kill <lovspor run>` (a service manager, a closed terminal) left Streamlit
    running on its port with nobody to stop it.
    """

    def forward(signum: int, _frame: object) -> None:
        if proc.poll() is None:
            proc.send_signal(signum)

    main = threading.current_thread() is threading.main_thread()  # handlers live there only
    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED} if main else {}
    try:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            try:
                return proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                return proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _call(cmd: list[str]) -> int:
    return wait_child(subprocess.Popen(cmd))


def _serve(url: str, port: int, address: str) -> int:
    shown = "localhost" if address in ("127.0.0.1", "0.0.0.0") else address
    err.print(f"[bold]Dashboard:[/] http://{shown}:{port}  (Ctrl+C stopper)")
    return wait_child(start_dashboard(url, port, address))


def dashboard(
    db: DbOpt = None,
    port: PortOpt = 8501,
    address: AddressOpt = "127.0.0.1",
) -> None:
    """Start the dashboard (Streamlit) on the database; it never touches the network."""
    url = db_url(db, write=False)
    probe(url)
    raise typer.Exit(_serve(url, port, address))


def probe(url: str) -> None:
    """Open the database once here, so a broken file or an unreachable server is this
    command's one-line error instead of a traceback page in the browser."""
    from sqlalchemy import text

    from db.session import engine_for

    with engine_for(url).connect() as conn:
        conn.execute(text("SELECT count(*) FROM documents"))


def _lovspor(*args: str) -> list[str]:
    """`lovspor …` in a fresh interpreter of this environment."""
    return [sys.executable, "-c", "from lovspor.cli import main; main()", *args]


def _stage(number: int, total: int, title: str) -> None:
    err.rule(f"[bold]{number}/{total} {title}")


def run(
    db: DbOpt = None,
    base_url: Annotated[
        str, typer.Option("--base-url", help="retsinformation.dk or a mirror of its URLs.")
    ] = DEFAULT_BASE_URL,
    law: Annotated[
        list[str] | None,
        typer.Option("--law", help="Only these catalogue laws (slug); default: the catalogue."),
    ] = None,
    no_throttle: Annotated[
        bool, typer.Option("--no-throttle", help="No polite delays (only for a local mirror).")
    ] = False,
    no_dashboard: Annotated[
        bool, typer.Option("--no-dashboard", help="Stop after the analysis (and the graph).")
    ] = False,
    no_feed: Annotated[
        bool,
        typer.Option(
            "--no-feed",
            help="Do not read the site's Atom update feed after the chain walk (a mirror "
            "without one).",
        ),
    ] = False,
    port: PortOpt = 8501,
    address: AddressOpt = "127.0.0.1",
) -> None:
    """The main job: crawl the social-law catalogue, analyze, build the impact graph, and
    start the dashboard."""
    url = db_url(db, write=True)
    total = 3 if no_dashboard else 4
    err.print(f"Database: {redact(url)}")

    _stage(1, total, f"Henter love fra {base_url}")
    crawl = ["crawl", "--db", url, "--base-url", base_url]
    for slug in law or ():
        crawl += ["--law", slug]
    if no_throttle:
        crawl.append("--no-throttle")
    rc = _call(_lovspor(*crawl))
    if rc == EXIT_PARTIAL:
        err.print(
            "[yellow]Nogle dokumenter kunne ikke hentes; de står på siden Datadækning og "
            "prøves igen ved næste kørsel. Fortsætter.[/]"
        )
    elif rc != 0:
        err.print(f"[red]Hentningen fejlede (exit {rc}); stopper.[/]")
        raise typer.Exit(rc)
    if not no_feed:
        # what the site published lately, also for documents no reference reaches yet
        feed = ["crawl", "--feed", "--db", url, "--base-url", base_url]
        if no_throttle:
            feed.append("--no-throttle")
        rc = _call(_lovspor(*feed))
        if rc != 0:
            err.print(
                f"[yellow]Opdateringsfeedet kunne ikke læses helt (exit {rc}); det står på "
                "siden Datadækning. Fortsætter.[/]"
            )

    _stage(2, total, "Analyserer versioner og ændringer")
    rc = _call(_lovspor("analyze", "--db", url))
    if rc == EXIT_PARTIAL:
        err.print(
            "[yellow]Nogle versionspar eller ændringslove kunne ikke analyseres; de står på "
            "siden Datadækning og prøves igen ved næste kørsel. Fortsætter.[/]"
        )
    elif rc != 0:
        err.print(f"[red]Analysen fejlede (exit {rc}); stopper.[/]")
        raise typer.Exit(rc)

    _stage(3, total, "Konsekvensgraf")
    rc = _call(_lovspor("graph", "--db", url))
    if rc != 0:
        err.print(
            f"[yellow]Grafen kunne ikke bygges (exit {rc}); siden Konsekvenser viser "
            "hvorfor. Fortsætter.[/]"
        )

    if no_dashboard:
        err.print("[green]Færdig.[/] Start dashboardet med `lovspor dashboard`.")
        return
    _stage(4, total, "Dashboard")
    raise typer.Exit(_serve(url, port, address))

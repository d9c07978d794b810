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
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from db.session import normalise_url
from lovspor.cliutil import DbOpt
from lovspor.settings import DEFAULT_BASE_URL, default_database_url

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
CRAWL_PARTIAL = 3  # `lovspor crawl`: done, but some documents failed (listed, retried later)

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


def _serve(url: str, port: int, address: str) -> int:
    shown = "localhost" if address in ("127.0.0.1", "0.0.0.0") else address
    err.print(f"[bold]Dashboard:[/] http://{shown}:{port}  (Ctrl+C stopper)")
    proc = start_dashboard(url, port, address)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            return proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()


def dashboard(
    db: DbOpt = None,
    port: PortOpt = 8501,
    address: AddressOpt = "127.0.0.1",
) -> None:
    """Start the dashboard (Streamlit) on the database; it never touches the network."""
    url = db or default_database_url()
    raise typer.Exit(_serve(url, port, address))


def _lovspor(*args: str) -> list[str]:
    """`lovspor …` in a fresh interpreter of this environment."""
    return [sys.executable, "-c", "from lovspor.cli import main; main()", *args]


def _has_command(name: str) -> bool:
    from lovspor.cli import app

    return any(
        (c.name or (c.callback.__name__ if c.callback else "")) == name
        for c in app.registered_commands
    )


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
    port: PortOpt = 8501,
    address: AddressOpt = "127.0.0.1",
) -> None:
    """The main job: crawl the social-law catalogue, analyze, build the impact graph, and
    start the dashboard."""
    url = normalise_url(db or default_database_url())
    total = 3 if no_dashboard else 4
    err.print(f"Database: {url}")

    _stage(1, total, f"Henter love fra {base_url}")
    crawl = ["crawl", "--db", url, "--base-url", base_url]
    for slug in law or ():
        crawl += ["--law", slug]
    if no_throttle:
        crawl.append("--no-throttle")
    if not _has_command("crawl"):
        err.print("[red]`lovspor crawl` findes ikke i denne installation.[/]")
        raise typer.Exit(1)
    rc = subprocess.call(_lovspor(*crawl))
    if rc == CRAWL_PARTIAL:
        err.print(
            "[yellow]Nogle dokumenter kunne ikke hentes; de står på siden Datadækning og "
            "prøves igen ved næste kørsel. Fortsætter.[/]"
        )
    elif rc != 0:
        err.print(f"[red]Hentningen fejlede (exit {rc}); stopper.[/]")
        raise typer.Exit(rc)

    _stage(2, total, "Analyserer versioner og ændringer")
    rc = subprocess.call(_lovspor("analyze", "--db", url))
    if rc != 0:
        err.print(f"[red]Analysen fejlede (exit {rc}); stopper.[/]")
        raise typer.Exit(rc)

    _stage(3, total, "Konsekvensgraf")
    if _has_command("graph"):
        rc = subprocess.call(_lovspor("graph", "--db", url))
        if rc != 0:
            err.print(
                f"[yellow]Grafen kunne ikke bygges (exit {rc}); siden Konsekvenser viser "
                "hvorfor. Fortsætter.[/]"
            )
    else:
        err.print("Springes over: `lovspor graph` findes ikke; dashboardet bygger grafen selv.")

    if no_dashboard:
        err.print("[green]Færdig.[/] Start dashboardet med `lovspor dashboard`.")
        return
    _stage(4, total, "Dashboard")
    raise typer.Exit(_serve(url, port, address))

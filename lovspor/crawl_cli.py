"""`lovspor crawl`: collect law versions from retsinformation.dk (or any mirror of its URLs).

The main CLI registers `crawl` as a command; `python -m lovspor.crawl_cli …` runs it alone.
Exit status: 0 done, 3 done but some documents failed (they are listed and retried next run),
2 bad arguments.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from lovspor.cliutil import db_url
from lovspor.failures import EXIT_PARTIAL
from lovspor.settings import DEFAULT_API_URL, DEFAULT_BASE_URL

EXIT_FAILURES = EXIT_PARTIAL


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _progress_table(counts: dict[str, dict[str, Any]]) -> Table:
    t = Table(title="Lovspor crawl", expand=False)
    for col in ("spider", "stored", "unchanged", "failed", "gaps", "requests", "retries"):
        t.add_column(col, justify="right" if col != "spider" else "left")
    for name, st in counts.items():
        t.add_row(
            name,
            str(st.get("lovspor/fetched", 0) + st.get("lovspor/revisions", 0)),
            str(st.get("lovspor/unchanged", 0)),
            str(st.get("lovspor/failed", 0)),
            str(len(st.get("lovspor/gap_set", ()) or ())),
            str(st.get("lovspor/requests", 0)),
            str(st.get("retry/count", 0)),
        )
    return t


def summary_table(s: Any) -> Table:
    t = Table(title="Crawl summary", show_header=True)
    t.add_column("measure")
    t.add_column("value", justify="right")
    rpd = s.requests_per_document
    dps = s.documents_per_second
    rows = [
        ("fetched (new documents)", s.fetched),
        ("new revisions", s.revisions),
        ("unchanged", s.unchanged),
        ("failed", s.failed),
        ("gaps (missing documents)", s.gaps),
        ("requests (all)", s.requests),
        ("  of which documents", s.document_requests),
        ("  of which listings", s.listing_requests),
        ("retries", s.retries),
        ("off-host URLs dropped", s.offsite_dropped),
        ("requests / stored document", f"{rpd:.2f}" if rpd is not None else "–"),
        ("documents / second", f"{dps:.1f}" if dps is not None else "–"),
        ("seconds", f"{s.seconds:.1f}"),
    ]
    for k, v in rows:
        t.add_row(k, str(v))
    return t


def crawl(
    law: Annotated[
        list[str] | None, typer.Option("--law", help="Catalogue slug to crawl (repeatable).")
    ] = None,
    seed: Annotated[
        list[str] | None,
        typer.Option("--seed", help="Start document: ELI path (lta/2016/1270) or accession."),
    ] = None,
    since: Annotated[
        str, typer.Option(help="Do not walk past documents signed before this date.")
    ] = "2007-01-01",
    feed: Annotated[bool, typer.Option("--feed", help="Read the ELI Atom update feed.")] = False,
    harvest: Annotated[
        bool, typer.Option("--harvest", help="Read the harvest API for the last ≤10 days.")
    ] = False,
    all_documents: Annotated[
        bool, typer.Option("--all", help="Feed/harvest: take every entry, not only tracked laws.")
    ] = False,
    discover: Annotated[
        str | None, typer.Option(help="'sitemap': list every document from /eli/sitemap.xml.")
    ] = None,
    base_url: Annotated[str, typer.Option(help="Site (or mirror) base URL.")] = DEFAULT_BASE_URL,
    api_url: Annotated[str, typer.Option(help="Harvest API base URL.")] = DEFAULT_API_URL,
    db: Annotated[str | None, typer.Option(help="Database URL or SQLite file path.")] = None,
    no_throttle: Annotated[
        bool, typer.Option("--no-throttle", help="AutoThrottle and delays off (tests, benchmarks).")
    ] = False,
    catalogue: Annotated[
        Path | None, typer.Option(help="Extra laws (TOML/YAML: laws = [{slug, title, seeds}]).")
    ] = None,
    contact: Annotated[
        str | None, typer.Option(help="Contact (URL/e-mail) put in the User-Agent.")
    ] = None,
    retry_gaps: Annotated[
        bool, typer.Option("--retry-gaps", help="Ask again for documents recorded as 404.")
    ] = False,
    no_refresh: Annotated[
        bool,
        typer.Option(
            "--no-refresh",
            help="Do not re-check each tracked law's newest stored version (one conditional "
            "GET per law, which is how a re-run notices new versions and amending acts).",
        ),
    ] = False,
    no_successors: Annotated[
        bool, typer.Option("--no-successors", help="Do not add laws that took over a law's part.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    # knobs for tests and benchmarks
    download_timeout: Annotated[float, typer.Option(hidden=True)] = 30.0,
    retry_times: Annotated[int, typer.Option(hidden=True)] = 3,
    backoff: Annotated[float, typer.Option(hidden=True)] = 1.0,
    harvest_interval: Annotated[float, typer.Option(hidden=True)] = 10.0,
    concurrency: Annotated[int, typer.Option(hidden=True)] = 4,
    now: Annotated[str | None, typer.Option(hidden=True, help="Frozen clock (ISO).")] = None,
    log_level: Annotated[str, typer.Option(hidden=True)] = "WARNING",
) -> None:
    """Crawl law versions and amending acts into the database: chain walk from seeds
    (default), the update feed, the harvest API, or sitemap discovery."""
    from crawler.options import DEFAULT_CONTACT, CrawlOptions
    from crawler.runner import run_crawl
    from crawler.walk import normalize_eli, resolve_laws
    from lawdiff.catalogue import load_user_catalogue

    err = Console(stderr=True)
    if discover not in (None, "sitemap"):
        raise typer.BadParameter("only 'sitemap' is supported", param_hint="--discover")
    for s in seed or []:
        if normalize_eli(s) is None:
            raise typer.BadParameter(f"{s!r} is neither an ELI path nor an accession", "--seed")
    extra = load_user_catalogue(catalogue) if catalogue else ()
    try:
        resolve_laws(law or [], extra)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0]), param_hint="--law") from exc
    frozen = dt.datetime.fromisoformat(now) if now else None
    opts = CrawlOptions(
        db_url=db_url(db, write=True),
        base_url=base_url,
        api_url=api_url,
        laws=tuple(law or ()),
        seeds=tuple(seed or ()),
        since=_date(since),
        chain=bool(seed) or not (feed or harvest),
        feed=feed,
        harvest=harvest,
        all_documents=all_documents,
        discover=discover,
        catalogue=catalogue,
        follow_successors=not no_successors,
        retry_gaps=retry_gaps,
        refresh=not no_refresh,
        throttle=not no_throttle,
        contact=contact or DEFAULT_CONTACT,
        concurrency=concurrency,
        download_timeout=download_timeout,
        retry_times=retry_times,
        backoff=backoff,
        harvest_interval=harvest_interval,
        now=frozen,
        log_level=log_level,
    )
    counts: dict[str, dict[str, Any]] = {}
    live = Live(_progress_table(counts), console=err, refresh_per_second=4, transient=True)

    def progress(name: str, stats: dict[str, Any]) -> None:
        counts[name] = stats
        live.update(_progress_table(counts))

    with live:
        summary = run_crawl(opts, progress)
    _group_into_laws(opts.db_url, err)
    if as_json:
        print(json.dumps(summary.as_dict(), default=str))
    else:
        out = Console()
        out.print(summary_table(summary))
        if summary.gap_elis:
            shown = ", ".join(summary.gap_elis[:20])
            more = len(summary.gap_elis) - 20
            out.print(f"gaps: {shown}{f' … (+{more})' if more > 0 else ''}")
    for msg in summary.messages:
        err.print(f"[yellow]{msg}[/yellow]")
    if summary.failed:
        err.print(
            f"{summary.failed} document(s) failed; see fetch_failures (they are retried on the "
            "next run)"
        )
        raise typer.Exit(EXIT_FAILURES)


def _group_into_laws(db_url: str, err: Console) -> None:
    """The crawler only stores documents; laws and version chains come from their own
    references, exactly as after `lovspor import`."""
    from db.session import session_scope
    from lovspor.ingest import rebuild_laws

    with session_scope(db_url) as s:
        counts = rebuild_laws(s)
    err.print(
        f"{counts['laws']} love, {counts['versions']} versioner, {counts['links']} ændringsled"
    )


app = typer.Typer(add_completion=False, help=__doc__)
app.command()(crawl)

if __name__ == "__main__":
    sys.exit(app())

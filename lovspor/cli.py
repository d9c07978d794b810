"""`lovspor`: the command line. Thin: each command parses options, calls one function of
the stage that owns the work, and prints (rich tables, or stable JSON with `--json`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lovspor import __version__, cliutil
from lovspor.cliutil import DbOpt, JsonOpt, db_url, fail
from lovspor.cliutil import dump_json as print_json
from lovspor.failures import EXIT_PARTIAL


class LovsporGroup(typer.core.TyperGroup):
    """The one place an unexpected exception from any command becomes a single `Fejl:` line
    with exit 1 (traceback only with `--debug`). Typer's own signals (Exit, Abort, usage
    errors) and a closed pipe pass through to Typer's handling unchanged."""

    def invoke(self, ctx: Any) -> Any:
        cliutil.begin(bool(ctx.params.get("debug")))
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, EOFError, BrokenPipeError):
            raise
        except Exception as exc:  # the catch-all, by design
            cliutil.crash(exc, ctx.invoked_subcommand)


app = typer.Typer(
    cls=LovsporGroup,
    help="Lovspor — follow Danish social law as it changes (crawl, diff, impact, dashboard).",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _global_options(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="LOVSPOR_DEBUG",
            help="Show the full traceback when a command fails unexpectedly.",
        ),
    ] = False,
) -> None:
    cliutil.begin(debug)


console = Console(stderr=True)
out = Console()


@app.command("import")
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="XML files or folders (recursive).")],
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Load local retsinformation XML files and group them into laws and version chains."""
    from lovspor.ingest import import_files, iter_xml_files

    url = db_url(db, write=True)  # a bad --db before any file is read
    try:
        files = list(iter_xml_files(paths))
    except FileNotFoundError as exc:
        fail(str(exc))
    if not files:
        fail(f"no XML files under {', '.join(map(str, paths))}")
    with Progress(
        TextColumn("[bold]Importerer"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=json_out,
    ) as progress:
        task = progress.add_task("import", total=len(files))
        # Each rejection is printed as it happens: a later failure cannot hide the earlier.
        report = import_files(
            url,
            files,
            on_step=lambda _f: progress.advance(task),
            on_fail=lambda source, reason: console.print(
                f"[red]✗[/] {source}: {reason}", highlight=False, soft_wrap=True
            ),
        )
    summary = {
        "files": len(files),
        "stored": report.stored,
        "revisions": report.revisions,
        "unchanged": report.unchanged,
        "failed": [{"file": f, "reason": r} for f, r in report.failed],
        "laws": report.laws,
        "versions": report.versions,
        "amending_links": report.links,
        "unlinked_sections": [{"eli": e, "section": s, "reason": r} for e, s, r in report.unlinked],
    }
    if json_out:
        print_json(summary)
    else:
        console.print(
            f"{len(files)} filer: {report.stored} nye, {report.revisions} nye revisioner, "
            f"{report.unchanged} uændrede, {len(report.failed)} fejlede · "
            f"{report.laws} love, {report.versions} versioner, {report.links} ændringsled"
        )
    if report.failed:
        # Nothing usable at all is a failure; some files failing is a finished, partial batch.
        done = report.stored or report.unchanged or report.revisions
        raise typer.Exit(EXIT_PARTIAL if done else 1)


@app.command("laws")
def laws_cmd(
    db: DbOpt = None,
    json_out: JsonOpt = False,
    all_laws: Annotated[
        bool, typer.Option("--all", help="Also laws known only as amended (no versions).")
    ] = False,
) -> None:
    """List laws with their consolidated versions, amending acts and gaps."""
    from db.session import session_scope
    from lovspor.queries import laws_overview

    with session_scope(db_url(db, write=False)) as s:
        laws = laws_overview(s, include_empty=all_laws)
    if json_out:
        print_json({"lovspor_version": __version__, "laws": laws})
        return
    if not laws:
        console.print("Ingen love i databasen. Kør `lovspor import PATH` eller `lovspor crawl`.")
        return
    for law in laws:
        t = Table(title=f"{law['popular_title'] or law['title']} ({law['slug']})", expand=False)
        t.add_column("Version")
        t.add_column("Dato")
        t.add_column("Forgænger")
        for v in law["versions"]:
            mark = "" if v["predecessor_stored"] in (True, None) else " (mangler)"
            t.add_row(v["eli"], v["signed"] or "", (v["predecessor_eli"] or "") + mark)
        out.print(t)
        out.print(
            f"  {len(law['amending_acts'])} ændringslove"
            + (f" · huller: {', '.join(law['gaps'])}" if law["gaps"] else "")
        )


@app.command("show")
def show_cmd(
    ref: Annotated[
        str,
        typer.Argument(
            help="A law (serviceloven; see `lovspor laws`), an ELI (lta/2016/1270) or an "
            "accession (A20160127029)."
        ),
    ],
    provision: Annotated[
        str | None, typer.Option("--provision", "-p", help='A provision, e.g. "§ 81 a, stk. 2".')
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="With a law: the version in force on YYYY-MM-DD (default: the newest stored).",
        ),
    ] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Print a stored document's metadata, or one provision with everything under it. With a
    law, its newest version (or the one in force on --as-of), headed by law, version and date,
    and a warning naming later amending acts that version does not incorporate."""
    from rich.markup import escape

    from db.session import session_scope
    from lovspor.cliutil import parse_date
    from lovspor.queries import (
        NotFound,
        document_summary,
        find_law,
        first_with,
        is_slug,
        law_view,
        load_document,
        provision_subtree,
    )

    day = parse_date(as_of, "--as-of")
    view: dict[str, Any] | None = None
    with session_scope(db_url(db, write=False)) as s:
        try:
            law = find_law(s, ref)
            if law is None and day is not None:
                load_document(s, ref)  # an unknown REF is reported as such first
                fail(
                    "--as-of gælder kun en lov (fx serviceloven), ikke et dokument / "
                    "--as-of needs a law slug, not an ELI"
                )
            if law is not None:
                view, row, doc = law_view(s, law, day, provision)
            else:
                try:
                    row, doc = load_document(s, ref)
                except NotFound:
                    if is_slug(ref):
                        raise NotFound(
                            f"{ref!r}: ingen lov med det navn (se `lovspor laws`) / no law "
                            "with that slug, and not an ELI (lta/2016/1270) or accession"
                        ) from None
                    raise
            if provision:
                try:
                    provs = provision_subtree(doc, provision)
                except NotFound:
                    if view is None:
                        raise
                    assert law is not None
                    from lawdiff.keys import canonical

                    key = canonical(provision)
                    where = first_with(s, law, key)
                    from lovspor.queries import danish_date

                    when = (
                        f"versionen i kraft den {danish_date(day)}"
                        if day
                        else "den nyeste version"
                    )
                    raise NotFound(
                        f"{law.slug}: {when}, {view['version']}, har ingen {key} / "
                        f"this version has no provision {key!r}"
                        + (f" — den findes i {where}" if where else "")
                        + ("" if where else " — ingen gemt version har den")
                        + "".join(
                            f"; {a['label']}, {c['section']}"
                            + (f", nr. {c['item']}" if c["item"] else "")
                            + f" {_VERB.get(c['kind'], 'ændrer')} {c['key']}"
                            + (" (endnu ikke indarbejdet)" if not a["incorporated_in"] else "")
                            for a in view["warnings"]
                            for c in (a["changes"] or [])[:1]
                        )
                    ) from None
                payload: Any = {"eli": doc.meta.eli, "provisions": provs}
            else:
                payload = document_summary(row, doc)
        except NotFound as exc:
            fail(str(exc))
    if view is not None:
        payload = {**view, **payload}
    if json_out:
        print_json(payload)
        return
    if view is not None:
        _print_law_header(view, provision)
    if provision:
        for p in payload["provisions"]:
            indent = "  " * p["key"].count(",")
            label, text = escape(p["label"] or p["key"]), escape(p["text"])  # law text: data
            out.print(f"{indent}[bold]{label}[/] {text}", highlight=False)
        return
    t = Table(show_header=False)
    for k in (
        "eli",
        "accession",
        "doc_type",
        "kind",
        "title",
        "popular_title",
        "signed",
        "status",
        "ministry",
        "paragraphs",
        "provisions",
        "url",
    ):
        t.add_row(k, str(payload[k]) if payload[k] is not None else "")
    out.print(t)
    if payload["intro"]:
        out.print(f"Forrige version: {payload['intro']['previous']}")
        out.print("Indarbejdet: " + ", ".join(r["eli"] for r in payload["intro"]["incorporated"]))
    for c in payload["later_changes"]:
        out.print(f"Senere ændret ved: {c['eli']} {c['date'] or ''} {c['text'][:80]}")


_VERB = {"inserted": "indsætter", "repealed": "ophæver", "renumbered": "omnummererer"}


def _print_law_header(view: dict[str, Any], provision: str | None) -> None:
    """The header of `show SLUG`: law, version, date; then one warning line naming the later
    acts the version does not incorporate (and which of them touch the provision)."""
    import datetime as dt

    from rich.markup import escape

    from lovspor.queries import act_mention, danish_date, joined

    head = view["header"]
    day = dt.date.fromisoformat(view["as_of"]) if view["as_of"] else None
    if day:
        head += f" · gældende pr. {danish_date(day)}"
    out.print(f"[bold]{escape(head)}[/]", highlight=False)
    acts = view["warnings"]
    if not acts:
        return
    out.print(f"[yellow]{escape(view['warning'])}[/]", highlight=False)
    if view["as_of"]:
        # an act signed by the date may already have been in force on it (its own in-force
        # rules are in `--json`, per act: `in_force`)
        by = [a for a in acts if a["signed"] and a["signed"] <= view["as_of"]]
        if by:
            out.print(
                f"[yellow]Advarsel:[/] heraf vedtaget senest {danish_date(day)}, så teksten på "
                f"datoen kan afvige: {escape(joined([act_mention(a) for a in by]))}",
                highlight=False,
            )
    if provision:
        hits = [
            f"{a['label']}, {c['section']}"
            + (f", nr. {c['item']}" if c["item"] else "")
            + f" ({c['kind']} {c['key']}"
            + (f", i kraft {c['in_force']}" if c["in_force"] else "")
            + ")"
            for a in acts
            for c in a["changes"] or ()
        ]
        if hits:
            out.print(
                f"[yellow]Advarsel:[/] heraf ændrer {escape(provision)}: "
                + escape("; ".join(hits)),
                highlight=False,
            )
        loose = view["changes_without_act"] or []
        if loose:
            out.print(
                f"[yellow]Advarsel:[/] {escape(provision)} er ændret i "
                f"{', '.join(sorted({c['version'] for c in loose}))} uden henført ændringslov "
                f"({len(loose)} ændringer)",
                highlight=False,
            )
        if not hits and not loose:
            out.print(f"Ingen af dem ændrer {escape(provision)} (efter Lovspors læsning).")


def _register_stages() -> None:
    """Commands owned by the other stages' CLI modules; every stage ships with Lovspor."""
    from lovspor import amend_cli, analyze_cli, crawl_cli, impact_cli, run_cli

    for mod, names in (
        (crawl_cli, ("crawl",)),
        (analyze_cli, ("analyze", "diff", "changes", "stats")),
        (amend_cli, ("act", "consolidate")),
        (impact_cli, ("impact", "graph")),
        (run_cli, ("run", "dashboard")),
    ):
        for name in names:
            app.command(name)(getattr(mod, name))


_register_stages()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

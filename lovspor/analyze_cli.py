"""CLI commands `analyze`, `diff`, `changes`, `stats` (registered on `lovspor.cli.app`).

Plain functions with Typer annotations, so the main app can register them by name and
tests can mount them on a small app of their own.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lovspor import __version__
from lovspor.cliutil import DbOpt, JsonOpt, db_url, dump_json, err, fail, parse_date, quarter
from lovspor.failures import EXIT_PARTIAL

out = Console()

STATS_FORMAT = "lovspor.stats/1"
JUSTITIA_FORMAT = "lovspor.justitia/1"
CHANGES_FORMAT = "lovspor.changes/2"  # 2: the look ahead (unofficial rows), in-force window, provision


# --- analyze -----------------------------------------------------------------------------


def analyze(
    db: DbOpt = None,
    law: Annotated[
        list[str] | None, typer.Option("--law", help="Only these laws (slug); repeatable.")
    ] = None,
    json_out: JsonOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="The full attribution report: every pair, and every change not attributed.",
        ),
    ] = False,
) -> None:
    """Parse every stored version, store its provisions and the changes of each consecutive
    pair (incremental: pairs already analysed are skipped). Prints a summary and what is new
    in this run; `--verbose` or `--json` give the full attribution report."""
    from lovspor.analyze import analyze as run

    report = run(
        db_url(db, write=True), progress=not json_out and err.is_terminal, laws=law or None
    )
    if json_out:
        dump_json(report.as_dict())
        if report.failed:
            raise typer.Exit(EXIT_PARTIAL)
        return
    err.print(
        f"{report.laws} love, {report.versions} versioner: {report.pairs_done} par analyseret, "
        f"{report.pairs_skipped} allerede analyseret, {report.changes} ændringer gemt "
        f"({report.seconds:.1f} s)"
    )
    err.print(
        f"Ændringslove: {report.acts_parsed} læst ({report.instructions} instruktioner, "
        f"{report.instructions_unparsed} ikke forstået), {report.acts_skipped} uændrede · "
        f"hjemmel beregnet for {report.pairs_attributed} par, {report.attribution_skipped} "
        f"uændrede ({report.seconds_amendments:.1f} s)"
    )
    if verbose:
        _print_attribution_report(report.attribution)
    else:
        _print_new_in_run(report.attribution)
    for law_slug, eli in report.identity_breaks:
        err.print(f"Ny identitetslinje: {law_slug} {eli} (erstattende hovedlov, ikke diffet)")
    for eli, reason in report.failed:
        err.print(f"[red]Fejlede:[/] {eli}: {reason}", highlight=False, soft_wrap=True)
    if report.failed:
        err.print(
            f"{len(report.failed)} fejlede; resten er analyseret. De står på siden Datadækning "
            "og prøves igen ved næste kørsel."
        )
        raise typer.Exit(EXIT_PARTIAL)


def _print_new_in_run(pairs: list[dict[str, Any]]) -> None:
    """One line per law for the pairs attributed in this run: quiet on a re-run."""
    fresh = [p for p in pairs if p.get("redone")]
    if not fresh:
        err.print("Intet nyt at henføre / nothing new to attribute (alt er analyseret).")
        return
    by_law: dict[str, list[dict[str, Any]]] = {}
    for p in fresh:
        by_law.setdefault(str(p["law"]), []).append(p)
    err.print(f"Nyt i denne kørsel ({len(fresh)} par):")
    for law, ps in by_law.items():
        changes = sum(int(p["changes"]) for p in ps)
        unattributed = sum(int(p["unattributed"]) for p in ps)
        covered = sum(float(p["coverage"]) * int(p["changes"]) for p in ps)
        share = covered / changes if changes else 1.0
        incomplete = sum(1 for p in ps if not p["complete"])
        newest = max(ps, key=lambda p: str(p["new"]))["new"]
        line = (
            f"  {law}: {len(ps)} par til {newest}, {changes} ændringer, {share:.1%} henført"
            + (f", {unattributed} uden hjemmel" if unattributed else "")
            + (f", {incomplete} par ufuldstændige (mangler ændringslove)" if incomplete else "")
        )
        err.print(line, highlight=False)
    err.print("[dim]Hele rapporten: lovspor analyze --verbose (eller --json).[/]")


def _print_attribution_report(pairs: list[dict[str, Any]]) -> None:
    for p in pairs:
        mark = (
            ""
            if p["complete"]
            else " (ufuldstændig: "
            + (
                ", ".join(p["missing_acts"]) + " mangler"
                if p["missing_acts"]
                else "forrige version"
            )
            + ")"
        )
        err.print(
            f"  {p['law']} {p['old']} → {p['new']}: {p['changes']} ændringer, dækning "
            f"{p['coverage']:.1%} (exact {p['exact']}, sunset {p.get('sunset', 0)}, "
            f"paragraph {p['paragraph']}, act {p['act']}, "
            f"no_act {p['no_act']}, unattributed {p['unattributed']}){mark}",
            highlight=False,
        )
        for x in p["not_attributed"]:
            if x["status"] == "unattributed":
                err.print(
                    f"      ikke henført {x['kind']} {x['key']}: {x['reason']}", highlight=False
                )


# --- diff --------------------------------------------------------------------------------


def _load(ref: str, db: str | None):  # type: ignore[no-untyped-def]
    from lawdiff.parse import ParseError, parse_document
    from lovspor.analyze import document_bytes, normalise_eli

    path = Path(ref)
    if path.is_file():
        data: bytes | None = path.read_bytes()
    else:
        data = document_bytes(db_url(db, write=False), ref)
        if data is None:
            fail(f"{normalise_eli(ref)} is not in the database (nor a file); run `lovspor import`")
    assert data is not None
    try:
        return parse_document(data, ref)
    except ParseError as exc:
        fail(str(exc))


def _select(changes, provision: str | None):  # type: ignore[no-untyped-def]
    if not provision:
        return changes
    p = " ".join(provision.replace("\u00a0", " ").split())

    def hit(key: str | None) -> bool:
        return bool(key) and (key == p or key.startswith(p + ","))  # type: ignore[union-attr]

    return [c for c in changes if hit(c.old_key) or hit(c.new_key)]


def diff(
    eli_a: Annotated[str, typer.Argument(help="Older version: ELI (lta/2015/1284) or XML file.")],
    eli_b: Annotated[str, typer.Argument(help="Newer version: ELI or XML file.")],
    provision: Annotated[
        str | None, typer.Option("--provision", "-p", help='Only this provision: "§ 85".')
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | html")] = "text",
    color: Annotated[
        bool | None, typer.Option("--color/--no-color", help="Default: colour in a terminal.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Redline of two versions of a law, provision by provision, each change with its
    provenance (amending act, § and item, in-force date) when the versions are consecutive."""
    from lawdiff.diff import change_to_dict, diff_versions, render_html, summary

    if fmt not in ("text", "json", "html"):
        fail(f"--format must be text, json or html, not {fmt!r}")
    a, b = _load(eli_a, db), _load(eli_b, db)
    all_changes = diff_versions(a.provisions, b.provisions)
    prov, why = _diff_provenance(db, a, b, all_changes)
    changes = _select(all_changes, provision)
    if fmt == "json":
        from lovspor.amendments import attribution_dict

        dump_json(
            {
                "format": "lovspor.diff/1",
                "old": a.meta.eli,
                "new": b.meta.eli,
                "provision": provision,
                "provenance": why or "attributed from the stored amending acts",
                "summary": summary(changes),
                "changes": [
                    {**change_to_dict(c), **_prov_fields(prov, c, attribution_dict)}
                    for c in changes
                ],
            }
        )
    elif fmt == "html":
        title = f"{a.meta.short_name or a.meta.eli} → {b.meta.short_name or b.meta.eli}"
        if provision:
            title += f" · {provision}"
        sys.stdout.write(
            render_html(
                changes,
                title=title,
                provenance=[prov.get(id(c)) for c in changes] if prov is not None else None,
                note=f"Ingen hjemmel vist: {why}" if why else None,
            )
        )
    else:
        use_color = out.is_terminal if color is None else color
        head = f"{a.meta.eli} ({a.meta.signed}) → {b.meta.eli} ({b.meta.signed})"
        if why:
            head += f"\n(ingen hjemmel: {why})"
        lines = {id(c): _prov_line(prov, c) for c in changes} if prov is not None else {}
        sys.stdout.write(head + "\n\n" + render_with_provenance(changes, lines, use_color))


def _diff_provenance(db: str | None, a, b, changes):  # type: ignore[no-untyped-def]
    """{id(change): AttributedChange} for consecutive versions, else (None, why)."""
    from db.session import session_scope
    from lovspor.amendments import provenance_for

    try:
        with session_scope(db_url(db, write=False, quiet=True)) as s:
            res, why = provenance_for(s, a, b, changes)
    except Exception as exc:
        return None, f"provenance unavailable: {exc}"
    if res is None:
        return None, why
    return {id(r.change): r for r in res}, ""


def _prov_fields(prov, c, attribution_dict):  # type: ignore[no-untyped-def]
    r = prov.get(id(c)) if prov is not None else None
    if r is None:
        return attribution_dict(None, (), None)
    status = r.status
    if status == "attributed":
        status = min((x.confidence for x in r.attributions), key=_CONF.index)
    return attribution_dict(status, r.attributions, r.reason or None)


def _prov_line(prov, c) -> str:  # type: ignore[no-untyped-def]
    from lovspor.amendments import provenance_line

    f = _prov_fields(prov, c, lambda st, atts, note: (st, atts, note))
    return provenance_line(*f)


_CONF = ["exact", "paragraph", "act"]


def render_with_provenance(changes, lines: dict[int, str], color: bool) -> str:  # type: ignore[no-untyped-def]
    """`lawdiff.diff.render_text`, change by change, with a provenance line under each."""
    from lawdiff.diff import render_text, summary

    if not changes:
        return "No changes.\n"
    out: list[str] = []
    current = None
    for c in changes:
        block = render_text([c], color=color).rstrip("\n").split("\n")
        block = block[:-2] if len(block) > 2 and block[-2] == "" else block[:-1]
        if c.paragraph_key == current:
            block = block[1:]
        elif current is not None:
            out.append("")
        current = c.paragraph_key
        out.extend(block)
        if id(c) in lines:
            out.append(f"      {lines[id(c)]}")
    out.append("\n" + ", ".join(f"{v} {k}" for k, v in summary(changes).items()))
    return "\n".join(out) + "\n"


# --- changes -----------------------------------------------------------------------------


def changes(
    law: Annotated[str, typer.Option("--law", help="Law slug, e.g. serviceloven.")],
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD")] = None,
    in_force_from: Annotated[
        str | None, typer.Option("--in-force-from", help="Changes in force from YYYY-MM-DD.")
    ] = None,
    in_force_to: Annotated[
        str | None, typer.Option("--in-force-to", help="… up to YYYY-MM-DD.")
    ] = None,
    quarter_opt: Annotated[
        str | None, typer.Option("--quarter", help="Coming into force in this quarter (2017Q1).")
    ] = None,
    next_quarter: Annotated[
        bool, typer.Option("--next-quarter", help="Coming into force in the next quarter.")
    ] = False,
    provision: Annotated[
        str | None,
        typer.Option("--provision", "-p", help='Only this provision and what is under it ("§ 41").'),
    ] = None,
    ahead: Annotated[
        bool,
        typer.Option(
            "--ahead/--no-ahead",
            help="Include acts no stored consolidated version has incorporated yet (Lovspor's "
            "unofficial reading, marked so).",
        ),
    ] = True,
    json_out: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Stored changes of one law, by the signing date of the version that brought them (or
    by in-force date), each with its provenance: amending act, § and item, in-force date,
    confidence; then the look ahead (acts not yet consolidated), marked unofficial."""
    from lawdiff.diff import change_to_dict
    from lawdiff.keys import ProvisionKey
    from lovspor.amendments import attribution_dict, provenance_line
    from lovspor.analyze import ahead_changes, law_exists, provision_exists, stored_changes

    url = db_url(db, write=False)
    if not law_exists(url, law):
        fail(f"unknown law {law!r} (see `lovspor laws`)")
    q = quarter(quarter_opt, next_quarter=next_quarter)
    if q is not None:
        if in_force_from or in_force_to:
            fail("--quarter/--next-quarter og / and --in-force-from/--in-force-to: vælg én / "
                 "choose one")
        in_force_from, in_force_to = q[0].isoformat(), q[1].isoformat()
    window = {
        "date_from": parse_date(date_from, "--from"),
        "date_to": parse_date(date_to, "--to"),
        "in_force_from": parse_date(in_force_from, "--in-force-from"),
        "in_force_to": parse_date(in_force_to, "--in-force-to"),
    }
    wanted = None
    if provision is not None:
        wanted = ProvisionKey.parse(provision)
    rows = stored_changes(
        url, law, window["date_from"], window["date_to"],
        in_force_from=window["in_force_from"], in_force_to=window["in_force_to"],
    )  # fmt: skip
    if ahead:
        more, _bases = ahead_changes(url, law, **window)
        rows += more
    if wanted is not None:
        rows = [r for r in rows if any(
            k is not None and (k == wanted.text or k.startswith(wanted.text + ","))
            for k in (r.change.old_key, r.change.new_key))]  # fmt: skip
        if not rows and not provision_exists(url, law, wanted.text):
            fail(f"--provision: {law} har ingen / has no {wanted.text!r} i nogen gemt version / "
                 'in any stored version (skriv fx / write e.g. "§ 41" or "§ 41, stk. 2")')
    if json_out:
        dump_json(
            {
                "format": CHANGES_FORMAT,
                "law": law,
                "from": date_from,
                "to": date_to,
                "in_force_from": in_force_from,
                "in_force_to": in_force_to,
                "provision": wanted.text if wanted else None,
                "unofficial_count": sum(r.unofficial for r in rows),
                "count": len(rows),
                "changes": [
                    {
                        "old_version": r.old_eli,
                        "new_version": r.new_eli,
                        "unofficial": r.unofficial,
                        "signed": r.signed,
                        **change_to_dict(r.change),
                        **attribution_dict(r.attribution, r.attributions, r.attribution_note),
                        # the stored columns (first attribution; older rows: act-level only)
                        "in_force": r.in_force,
                        "act_eli": r.act_eli,
                        "act_label": r.act_label,
                        "act_section": r.act_section,
                        "act_item": r.act_item,
                    }
                    for r in rows
                ],
            }
        )
        return
    pair = None
    batch: list = []
    lines: dict[int, str] = {}

    def flush() -> None:
        if batch:
            sys.stdout.write(render_with_provenance(batch, lines, out.is_terminal) + "\n")

    for r in rows:
        if (r.old_eli, r.new_eli) != pair:
            flush()
            batch = []
            pair = (r.old_eli, r.new_eli)
            if r.unofficial:
                sys.stdout.write(
                    f"=== UOFFICIELT / UNOFFICIAL: {r.old_eli} + ændringslove, der endnu ikke er "
                    "indarbejdet (Lovspors egen konsolidering) ===\n"
                )
            else:
                sys.stdout.write(
                    f"=== {r.old_eli} → {r.new_eli} (underskrevet {r.signed}) ===\n"
                )
        batch.append(r.change)
        lines[id(r.change)] = provenance_line(r.attribution, r.attributions, r.attribution_note)
    flush()
    if not rows:
        err.print("Ingen ændringer i perioden (er `lovspor analyze` kørt?)")


# --- stats -------------------------------------------------------------------------------


def stats_payload(result, by: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from lawdiff.stats import RULES

    return {
        "format": STATS_FORMAT,
        "lovspor_version": __version__,
        "by": by,
        "rules": dict(RULES),
        "rows": [r.as_dict() for r in result.rows],
        "by_year": [r.as_dict() for r in result.by_year],
        "by_law": [r.as_dict() for r in result.by_law],
        "period": result.period.as_dict() if result.period else None,
        "total": result.total.as_dict(),
    }


def export_stats(  # type: ignore[no-untyped-def]
    result, path: Path, by: str, rows: list[dict[str, Any]] | None = None,
    fmt: str = STATS_FORMAT, extra: dict[str, Any] | None = None,
) -> None:
    """CSV (``#`` header lines), Parquet (schema metadata) or Excel (a `rules` sheet): each
    states the counting rules and the Lovspor version beside the numbers. `rows` (the
    Justitia table's) replace the stats rows when given."""
    import pandas as pd

    from lawdiff.stats import RULES, rows_as_dicts
    from lovspor.analyze import stats_frame

    df = stats_frame(rows if rows is not None else rows_as_dicts(result))
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    head = {
        "lovspor_version": __version__,
        "format": fmt,
        "by": by,
        **(extra or {}),
        "generated": generated,
    }
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            for k, v in head.items():
                fh.write(f"# {k}: {v}\n")
            for code, text in RULES.items():
                fh.write(f"# rule {code}: {text}\n")
            df.to_csv(fh, index=False)
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"lovspor"] = json.dumps({**head, "rules": RULES}, ensure_ascii=False).encode()
        pq.write_table(table.replace_schema_metadata(meta), path)
    elif suffix in (".xlsx", ".xls"):
        rules = pd.DataFrame(
            [{"rule": k, "description": str(v)} for k, v in head.items()]
            + [{"rule": k, "description": v} for k, v in RULES.items()]
        )
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            df.to_excel(xw, sheet_name="stats", index=False)
            rules.to_excel(xw, sheet_name="rules", index=False)
    else:
        fail(f"--export: unknown file type {path.suffix!r} (use .csv, .parquet or .xlsx)")


#: Law labels in the stats table are cut to this, so the table fits 80 columns.
LAW_LABEL = 20
STATS_HEADERS = (
    ("lov", "left"), ("år", "right"), ("ændr.\nlove", "right"), ("lov-\npar", "right"),
    ("§-rev\ndiff", "right"), ("§-rev\ninstr", "right"), ("nr.\nintro", "right"),
    ("nr.\ninstr", "right"), ("§§ i\nkraft", "right"), ("ord i\nkraft", "right"),
)  # fmt: skip


def short_law(slug: str) -> str:
    """A label that fits LAW_LABEL characters; the full slug goes in the legend below."""
    return slug if len(slug) <= LAW_LABEL else slug[: LAW_LABEL - 1] + "…"


def stats_table(result: Any, by: str) -> tuple[Table, dict[str, str]]:
    """The stats as an 80-column table (each law named once, two-line headers) and the
    legend of shortened law labels."""
    from rich import box

    t = Table(
        title=f"Ændringer pr. lov og år (år efter: {by})",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 0),  # the box's own separator is the one space between columns
    )
    for head, justify in STATS_HEADERS:
        t.add_column(head, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    legend: dict[str, str] = {}
    last_law: list[str | None] = [None]

    def add(r, style: str | None = None) -> None:  # type: ignore[no-untyped-def]
        name = "alle love" if r.law == "ALL" else r.law
        label = short_law(name)
        if label != name:
            legend[label] = name
        shown = "" if name == last_law[0] else label
        last_law[0] = name
        t.add_row(
            shown,
            "?" if r.year is None and r.scope == "law-year" else str(r.year or "i alt"),
            str(r.amending_acts),
            str(r.act_law_pairs),
            str(r.paragraph_revisions),
            str(r.paragraph_revisions_instructions),
            str(r.change_items)
            + (f" (+{r.items_unknown_sections}?)" if r.items_unknown_sections else ""),
            str(r.change_items_instructions),
            "" if r.paragraphs_in_force is None else str(r.paragraphs_in_force),
            "" if r.words_in_force is None else str(r.words_in_force),
            style=style,
        )

    for r in result.rows:
        add(r)
    if result.rows:
        t.add_section()
    for r in result.by_year:
        add(r, "dim")
    add(result.total, "bold")
    return t, legend


JUSTITIA_HEADERS = (
    ("lov", "left"), ("ændr.\nlove", "right"), ("indl.\nlove", "right"),
    ("§-rev\ninstr", "right"), ("§-rev\ndiff", "right"), ("i\nbegge", "right"),
    ("kun\ninstr", "right"), ("kun\ndiff", "right"), ("§§ i\nkraft", "right"),
)  # fmt: skip
JUSTITIA_KEYS = (
    "amending_acts_sections", "amending_acts", "paragraph_revisions_instructions",
    "paragraph_revisions", "revisions_both", "revisions_instr_only", "revisions_diff_only",
)  # fmt: skip


def justitia_payload(table: Any, by: str) -> dict[str, Any]:
    from lawdiff.stats import JUSTITIA_COLUMNS, RULES

    rows = table.as_dicts()
    codes = sorted({c for cs in JUSTITIA_COLUMNS.values() for c in cs})
    return {
        "format": JUSTITIA_FORMAT,
        "lovspor_version": __version__,
        "by": by,
        "from_year": table.from_year,
        "to_year": table.to_year,
        "columns": {k: list(v) for k, v in JUSTITIA_COLUMNS.items()},
        "rules": {c: RULES[c] for c in codes},
        "laws": rows[:-1],
        "total": rows[-1],
        "laws_changed": table.laws_changed,
        "sentence": table.sentence(),
    }


def justitia_output(table: Any, by: str, which: str = "katalogets love") -> None:
    """The Justitia table at 80 columns, the sentence, and each column's rules."""
    from rich import box

    from lawdiff.stats import JUSTITIA_COLUMNS, RULES

    span = f"{table.from_year or '…'}–{table.to_year or '…'}"
    t = Table(
        title=f"Justitia-tabel {span}: {which} (år efter: {by})",
        box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0),
    )  # fmt: skip
    for head, justify in JUSTITIA_HEADERS:
        t.add_column(head, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    legend: dict[str, str] = {}
    rows = table.as_dicts()
    for i, d in enumerate(rows):
        last = i == len(rows) - 1
        name = "i alt" if last else d["law"]
        label = short_law(name)
        if label != name:
            legend[label] = name
        par = d["paragraphs_in_force"]
        t.add_row(
            label, *(str(d[k]) for k in JUSTITIA_KEYS), "" if par is None else str(par),
            style="bold" if last else None, end_section=i == len(rows) - 2,
        )  # fmt: skip
    out.print(t)
    for short, full in legend.items():
        out.print(f"[dim]{short}[/] = {full}", highlight=False)
    tot = table.total
    out.print(
        f"[bold]{tot.amending_acts_sections} ændringslove ændrede "
        f"{tot.paragraph_revisions_instructions} §§ i {table.laws_changed} love[/] "
        f"({span}; §§ fra ændringslovenes instruktioner, {tot.paragraph_revisions} fra "
        f"diffs af gemte versioner)",
        highlight=False,
    )
    out.print(table.sentence(), highlight=False)
    names = dict(zip(JUSTITIA_KEYS, [h for h, _ in JUSTITIA_HEADERS[1:]], strict=False))
    for key, codes in JUSTITIA_COLUMNS.items():
        out.print(f"[bold]{names[key].replace(chr(10), ' ')}[/] = {' + '.join(codes)}",
                  highlight=False)
    out.print("§§ i kraft = in-force:snapshot (the law's last year in the period)",
              highlight=False)
    for code in sorted({c for cs in JUSTITIA_COLUMNS.values() for c in cs}
                       | {"in-force:snapshot"}):
        out.print(f"[bold]{code}[/]: {RULES[code]}", highlight=False)


def stats(
    law: Annotated[
        list[str] | None,
        typer.Option(
            "--law", help="Law slug; repeatable. Default: every law with stored versions."
        ),
    ] = None,
    all_laws: Annotated[
        bool,
        typer.Option(
            "--all-laws",
            help="Also laws known only because a stored act amends them (no versions stored).",
        ),
    ] = False,
    from_year: Annotated[int | None, typer.Option("--from-year")] = None,
    to_year: Annotated[int | None, typer.Option("--to-year")] = None,
    by: Annotated[str, typer.Option("--by", help="signed | in-force")] = "signed",
    json_out: JsonOpt = False,
    export: Annotated[
        Path | None, typer.Option("--export", help="Write FILE.csv, .parquet or .xlsx.")
    ] = None,
    justitia: Annotated[
        bool,
        typer.Option(
            "--justitia",
            help="One row per catalogue law (or --law) for the period --from-year..--to-year: "
            "amending acts from the acts themselves, § revisions from instructions and diffs.",
        ),
    ] = False,
    db: DbOpt = None,
) -> None:
    """Change statistics per law and year, each count with its counting rule."""
    from lovspor.analyze import law_exists, statistics

    if by not in ("signed", "in-force"):
        fail(f"--by must be signed or in-force, not {by!r}")
    if from_year is not None and to_year is not None and from_year > to_year:
        fail(f"--from-year {from_year} is after --to-year {to_year}")
    url = db_url(db, write=False)
    from lawdiff.catalogue import by_slug

    # the Justitia table lists a catalogue law even when the database holds nothing of it
    unknown = [
        slug for slug in law or ()
        if not law_exists(url, slug) and not (justitia and by_slug(slug))
    ]  # fmt: skip
    if unknown:
        fail(
            f"--law: ukendt lov / unknown law {', '.join(map(repr, unknown))} (see `lovspor laws`)"
        )
    if justitia:
        from lawdiff.catalogue import CATALOGUE
        from lawdiff.stats import justitia_table

        slugs = list(law) if law else [e.slug for e in CATALOGUE]
        res = statistics(url, laws=slugs, by=by, from_year=from_year, to_year=to_year)
        table = justitia_table(res, slugs, from_year, to_year)
        if export is not None:
            export_stats(res, export, by, rows=table.as_dicts(), fmt=JUSTITIA_FORMAT,
                         extra={"from_year": from_year, "to_year": to_year})  # fmt: skip
            err.print(f"Skrev {export}")
        if json_out:
            dump_json(justitia_payload(table, by))
            return
        justitia_output(table, by, "valgte love" if law else "katalogets love")
        return
    result = statistics(
        url,
        laws=law or None,
        by=by,
        from_year=from_year,
        to_year=to_year,
        all_laws=all_laws,
    )
    if not result.rows:
        span = f"{from_year or '…'}–{to_year or '…'}"
        fail(f"ingen statistik / no statistics for {', '.join(law or ['any law'])} in {span}")
    if export is not None:
        export_stats(result, export, by)
        err.print(f"Skrev {export}")
    if json_out:
        dump_json(stats_payload(result, by))
        return
    t, legend = stats_table(result, by)
    out.print(t)
    for short, full in legend.items():
        out.print(f"[dim]{short}[/] = {full}", highlight=False)
    used = sorted(
        {
            code
            for r in (*result.rows, result.total)
            for rule in (
                r.amending_acts_rule,
                r.paragraph_revisions_rule,
                r.change_items_rule,
                r.paragraphs_in_force_rule,
                r.paragraph_revisions_instructions_rule,
                r.change_items_instructions_rule,
            )
            for code in rule.split("+")
            if code != "none"
        }
    )
    from lawdiff.stats import RULES

    for code in used:
        out.print(f"[bold]{code}[/]: {RULES.get(code, '')}", highlight=False)


if __name__ == "__main__":  # pragma: no cover - for trying the commands alone
    _app = typer.Typer(add_completion=False)
    for _fn in (analyze, diff, changes, stats):
        _app.command(_fn.__name__)(_fn)
    _app()

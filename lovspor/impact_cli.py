"""CLI commands `impact` and `graph` (registered on `lovspor.cli.app` by name).

`impact` answers a municipal manager's question — which of our procedures does this change
hit, why, and from when — by loading the selected changes and the law versions from the
database (`lovspor.impact_data`), the public reference data from the impact folder, building
the graph (`graph.build`) and walking it (`graph.impact`). `graph` exports the whole graph.
Loader problems and the resolution report go to stderr, so `--json` stays clean.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lovspor import __version__
from lovspor.cliutil import (
    DbOpt,
    JsonOpt,
    db_url,
    dump_json,
    fail,
    parse_date,
    quarter,
    warn,
)

err = Console(stderr=True)
out = Console()

IMPACT_FORMAT = "lovspor.impact/2"  # 2: lists as arrays, every path, in-force per step
GRAPH_FORMAT = "lovspor.graph/1"
TABLE_TOP = 40
KINDS = ("procedure", "service", "kle_subject", "kle_group", "os2bos_activity",
         "processing_activity")
KIND_DA = {"inserted": "indsat", "repealed": "ophævet", "amended": "ændret",
           "renumbered": "omnummereret"}
KIND_LABEL = {"procedure": "procedure", "service": "ydelse (OS2bos)", "kle_subject": "KLE-emne",
              "kle_group": "KLE-gruppe", "os2bos_activity": "aktivitet (OS2bos)",
              "processing_activity": "behandlingsaktivitet (KL)"}

LawOpt = Annotated[list[str] | None, typer.Option(
    "--law", help="Law slug, e.g. serviceloven; repeatable.")]
KleOpt = Annotated[str | None, typer.Option(
    "--kle", help="KLE emneplan (KL's REST 'fuld' XML) as a file or an http(s) URL. "
    "Default: kle/kle-emneplan-social.xml in the impact folder.")]
MappingsOpt = Annotated[list[Path] | None, typer.Option(
    "--mappings", help="Your own procedures: CSV or YAML (procedure, kle, handlingsfacet, "
    "paragraphs, law); repeatable.")]
ImpactDirOpt = Annotated[Path | None, typer.Option(
    "--impact-dir", envvar="LOVSPOR_IMPACT_DIR",
    help="Folder with os2bos/, kle/, kl-processing/. Default: impact/ in the shared folder "
    "($LOVSPOR_SHARED or ../shared).")]


def _sources(impact_dir: Path | None, kle: str | None, mappings: list[Path] | None):  # type: ignore[no-untyped-def]
    """Resolve the impact folder (explicit, env or shared) and load the reference data."""
    from lovspor.impact_data import ImpactDataError, default_impact_dir, load_sources

    if impact_dir is not None:
        if not impact_dir.is_dir():
            fail(f"impact-mappen findes ikke / impact folder not found: {impact_dir} "
                  "(--impact-dir / $LOVSPOR_IMPACT_DIR)")
        folder: Path | None = impact_dir
    else:
        folder, looked = default_impact_dir()
        if folder is None and not (kle or mappings):
            fail(f"impact-mappen blev ikke fundet / impact folder not found: kiggede i / looked "
                  f"in {looked}. Angiv / set --impact-dir DIR (or $LOVSPOR_IMPACT_DIR, or "
                  "$LOVSPOR_SHARED to the folder holding impact/), or give --kle/--mappings.")
        if folder is None:
            warn([f"ingen impact-mappe / no impact folder at {looked}: only --kle/--mappings"])
    try:
        return load_sources(folder, kle, list(mappings or ()))
    except ImpactDataError as exc:
        fail(str(exc))


def _build(inputs, sources):  # type: ignore[no-untyped-def]
    from graph.build import build_graph

    t0 = time.perf_counter()
    g, report = build_graph(inputs.provisions, sources.os2bos, sources.kle,
                            sources.kl_processing, sources.user, key_aliases=inputs.key_aliases,
                            law_titles=inputs.law_titles)
    return g, report, time.perf_counter() - t0


def _report_lines(report, sources) -> list[str]:  # type: ignore[no-untyped-def]
    from lovspor.impact_data import problem_lines

    lines = [f"indlæsning / loading: {p}" for p in problem_lines(sources.problems)]
    for name, d in sorted(report.datasets.items()):
        if d.counts.get("unresolved"):
            counts = ", ".join(f"{k} {v}" for k, v in sorted(d.counts.items()))
            lines.append(f"henvisninger / references {name}: {counts} "
                         "(detaljer / details: `lovspor graph`)")
    return lines


def _report_dict(report, full: bool = False) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Resolution counts per dataset and unresolved references per law; with `full`, every
    unresolved reference with its source."""
    by_law: dict[str, dict[str, int]] = {}
    for u in report.unresolved:
        by_law.setdefault(u.dataset, {})
        by_law[u.dataset][u.law] = by_law[u.dataset].get(u.law, 0) + 1
    return {
        "nodes": report.nodes, "edges": report.edges,
        "datasets": {name: {"counts": dict(d.counts), "unresolved_reasons": dict(d.reasons)}
                     for name, d in sorted(report.datasets.items())},
        "unresolved_by_law": by_law,
    } | ({} if not full else {
        "unresolved": [{"dataset": u.dataset, "source": u.source, "law": u.law, "ref": u.ref,
                        "reason": u.reason} for u in report.unresolved],
    })


# --------------------------------------------------------------------------- paths


def readable_path(graph, hit, inputs, change_index: dict[str, int]) -> str:  # type: ignore[no-untyped-def]
    """One hit's best path as a manager reads it: "§ 83, stk. 1 ændret (lov nr. …, § 1,
    nr. 3; i kraft 2017-01-01) → § 83 → OS2bos: Personlig hjælp → KLE 27.36.04 → procedure
    G01"."""
    return readable_steps(graph, hit.path, inputs, change_index)


def readable_steps(graph, path, inputs, change_index: dict[str, int]) -> str:  # type: ignore[no-untyped-def]
    steps = list(path)
    parts: list[str] = []
    law = ""
    if steps and steps[0].node.startswith("change:"):
        i = change_index.get(steps[0].node)
        if i is not None:
            when = steps[0].in_force or inputs.changes[i].in_force
            parts.append(_change_text(inputs, i, when))
            c = inputs.changes[i]
            law = c.law
            if c.change.new_key and len(steps) > 1 and steps[1].relation == "changed" and \
                    steps[1].node.endswith(f":{c.change.new_key}"):
                steps = steps[1:]  # the changed provision is the change step itself
        else:
            parts.append(steps[0].label)
        steps = steps[1:]
    for s in steps:
        parts.append(_step_text(graph, s, law))
    return " → ".join(parts)


def _change_text(inputs, i: int, in_force: dt.date | None = None) -> str:  # type: ignore[no-untyped-def]
    """The change as stored (its own version's numbering), with the graph version's key
    where that differs: "§ 1, stk. 3 (nu / now § 1, stk. 2) ændret (lov nr. …, § 1, nr. 2)"."""
    c = inputs.changes[i]
    old, new = inputs.original_keys.get(i, (c.change.old_key, c.change.new_key))
    if new is None:  # repealed: shown by its own key; the path goes on from its parent
        key = old or c.change.key
    else:
        key = new if new == c.change.new_key else f"{new} (nu / now {c.change.new_key})"
        if c.change.kind.value == "renumbered" and old and old != new:
            key = f"{old} → {key}"
    text = f"{key} {KIND_DA.get(c.change.kind.value, c.change.kind.value)}"
    when = f"; i kraft / in force {in_force.isoformat()}" if in_force else ""
    if c.unofficial:
        when += "; uofficiel / unofficial"
    a = c.attribution
    if a is not None:
        where = f", {a.section}" if a.section else ""
        where += f", nr. {a.item}" if a.item else ""
        return f"{text} ({a.act_label}{where}{when})"
    return f"{text} (i / in {inputs.change_versions.get(i, '')}{when})"


def _step_text(graph, step, law: str) -> str:  # type: ignore[no-untyped-def]
    node = step.node
    if node not in graph:
        return step.label
    kind = graph.kind(node)
    attrs = graph.node(node)
    if kind == "provision":
        text = attrs.get("key", "") if attrs.get("law") == law else \
            f"{attrs.get('law', '')} {attrs.get('key', '')}"
        if step.relation.startswith("cited by"):
            return f"henvist fra / cited by {text}"
        if step.relation == "nearest existing":
            return f"{text} (nærmeste / nearest)"
        return text
    if kind == "service":
        return f"OS2bos: {attrs.get('name') or step.label}"
    if kind == "kle_subject":
        return f"KLE {attrs.get('number', '')}"
    if kind == "kle_group":
        return f"KLE-gruppe {attrs.get('number', '')}"
    if kind == "procedure":
        names = attrs.get("user_names")
        if names and not attrs.get("facet"):
            return f"procedure: {names[0]}"
        return f"procedure {attrs.get('facet', '')}".strip()
    if kind == "os2bos_activity":
        return f"OS2bos-aktivitet {attrs.get('code', '')}"
    if kind == "processing_activity":
        return f"behandlingsaktivitet {attrs.get('number', '')}"
    return step.label


# --------------------------------------------------------------------------- impact


def impact(
    law: LawOpt = None,
    date_from: Annotated[str | None, typer.Option(
        "--from", help="Changes signed from this date (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option(
        "--to", help="… up to this date; the graph uses the versions in force then.")] = None,
    act: Annotated[str | None, typer.Option(
        "--act", help="Only changes made by this amending act (ELI lta/2016/171).")] = None,
    in_force_from: Annotated[str | None, typer.Option(
        "--in-force-from", help="Changes coming into force from this date.")] = None,
    in_force_to: Annotated[str | None, typer.Option(
        "--in-force-to", help="… up to this date.")] = None,
    quarter_opt: Annotated[str | None, typer.Option(
        "--quarter", help="Changes coming into force in this quarter (2017Q1); includes the "
        "look ahead.")] = None,
    next_quarter: Annotated[bool, typer.Option(
        "--next-quarter", help="Changes coming into force in the next calendar quarter.")] = False,
    ahead: Annotated[bool, typer.Option(
        "--ahead/--no-ahead", help="Include amending acts no stored consolidated version has "
        "incorporated yet (Lovspor's unofficial reading, marked so).")] = True,
    include_editorial: Annotated[bool, typer.Option(
        "--include-editorial", help="Also changes no amending act made (ministry renames, "
        "editorial corrections); left out by default.")] = False,
    kle: KleOpt = None,
    mappings: MappingsOpt = None,
    impact_dir: ImpactDirOpt = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help=f"Only these hit kinds ({', '.join(KINDS)}); repeatable.")] = None,
    top: Annotated[int | None, typer.Option(
        "--top", min=1, help=f"Show the N best hits (table default {TABLE_TOP}; JSON and "
        "export: all).")] = None,
    json_out: JsonOpt = False,
    export: Annotated[Path | None, typer.Option(
        "--export", help="Write the ranking (.csv) or the impact subgraph (.graphml, .gexf).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Which municipal procedures and services the selected law changes reach: ranked
    (direct hits before hits through cross-references), each with its explaining path and
    in-force date."""
    from db.session import session_scope
    from graph.impact import (
        export_gexf,
        export_graphml,
        hit_record,
        impact_subgraph,
        ranking_to_csv,
        step_record,
    )
    from graph.impact import impact as walk
    from lovspor.impact_data import ImpactDataError, Window, impact_inputs
    from lovspor.queries import NotFound, resolve_eli

    bad = sorted(set(kind or ()) - set(KINDS))
    if bad:
        fail(f"--kind: ukendt / unknown {', '.join(bad)} (vælg / choose {', '.join(KINDS)})")
    if export is not None and export.suffix.lower() not in (".csv", ".graphml", ".gexf"):
        fail(f"--export: {export.name}: brug / use .csv, .graphml or .gexf")
    act_eli = None
    if act is not None:
        if not act.strip():
            fail("--act: tom / empty (give an ELI such as lta/2015/1000 or an accession number)")
        try:
            act_eli = resolve_eli(act)
        except NotFound as exc:
            fail(f"--act: {exc}")
    q = quarter(quarter_opt, next_quarter=next_quarter)
    if q is not None:
        if in_force_from or in_force_to:
            fail("--quarter/--next-quarter og / and --in-force-from/--in-force-to: vælg én / "
                 "choose one")
        in_force_from, in_force_to = q[0].isoformat(), q[1].isoformat()
    try:
        window = Window(tuple(law or ()), parse_date(date_from, "--from"), parse_date(date_to, "--to"),
                        act_eli, parse_date(in_force_from, "--in-force-from"),
                        parse_date(in_force_to, "--in-force-to"), include_editorial, ahead)
        with session_scope(db_url(db, write=False)) as s:
            inputs = impact_inputs(s, window)
    except ImpactDataError as exc:
        fail(str(exc))
    if not inputs.changes:
        fail(f"ingen ændringer / no changes for {window.describe()} in an analysed version")
    sources = _sources(impact_dir, kle, mappings)
    g, report, seconds = _build(inputs, sources)
    hits = walk(g, inputs.changes, kind or None)
    warn(_report_lines(report, sources))
    err.print(f"[dim]kilder / sources {sources.seconds:.2f} s, graf / graph {seconds:.2f} s: "
              f"{len(g)} knuder / nodes, {g.edge_count} kanter / edges[/]")
    change_index: dict[str, int] = {}
    for i, c in enumerate(inputs.changes):
        change_index.setdefault(f"change:{c.law}:{c.change.key}", i)
    shown = hits[:top] if top else hits
    if export is not None:
        suffix = export.suffix.lower()
        if suffix == ".csv":
            ranking_to_csv(shown, export)
        elif suffix == ".graphml":
            export_graphml(impact_subgraph(g, shown), export)
        else:
            export_gexf(impact_subgraph(g, shown), export)
        err.print(f"skrev / wrote {export}")
    versions = {s: v.eli for s, v in sorted(inputs.versions.items())}
    if json_out:
        records = []
        for rank, h in enumerate(shown, 1):
            rec = hit_record(rank, h)
            rec["readable"] = readable_path(g, h, inputs, change_index)
            rec["readable_paths"] = [readable_steps(g, p, inputs, change_index)
                                     for p in (h.paths or (h.path,))]
            rec["steps"] = [step_record(st) for st in h.path]
            records.append(rec)
        dump_json({"format": IMPACT_FORMAT, "lovspor_version": __version__,
               "window": {"laws": list(window.laws), "from": window.date_from,
                          "to": window.date_to, "act": window.act,
                          "in_force_from": window.in_force_from,
                          "in_force_to": window.in_force_to},
               "graph_versions": versions, "changes": len(inputs.changes),
               "editorial_left_out": inputs.editorial_left_out,
               "unofficial_changes": sum(c.unofficial for c in inputs.changes),
               "ahead": inputs.ahead,
               "hits_total": len(hits), "hits": records,
               "report": _report_dict(report), "problems": sources.problems})
        return
    for slug, a in inputs.ahead.items():
        err.print(f"[yellow]Uofficielt / unofficial:[/] {slug}: {a['changes']} ændringer fra "
                  f"ændringslove, der endnu ikke er indarbejdet i / changes from acts not yet in "
                  f"{a['base']}: {', '.join(map(str, a['acts']))} (Lovspors egen konsolidering)",
                  highlight=False)
    if inputs.editorial_left_out:
        err.print(f"[dim]{inputs.editorial_left_out} redaktionelle ændringer uden ændringslov "
                  "udeladt / editorial changes left out (--include-editorial)[/]")
    out.print(f"[bold]{window.describe()}[/]: {len(inputs.changes)} ændringer / changes → "
              f"{len(hits)} ramte / hits · graf over / graph over "
              + ", ".join(f"{s} {e}" for s, e in versions.items()), highlight=False)
    if not hits:
        out.print("Ingen procedurer eller ydelser ramt / no procedures or services reached "
                  "(ingen kilde nævner de ændrede bestemmelser / no source cites the changed "
                  "provisions).")
        return
    t = Table(show_lines=True)
    t.add_column("#", justify="right")
    t.add_column("Procedure / ydelse")
    t.add_column("Score", justify="right")
    t.add_column("Direkte / via")
    t.add_column("Sti / path")
    t.add_column("I kraft / in force")
    for rank, h in enumerate(hits[:top or TABLE_TOP], 1):
        when = h.in_force.isoformat() if h.in_force else \
            (f"(underskrevet / signed {h.signed.isoformat()})" if h.signed else "")
        more = f"\n[dim]+{len(h.changes) - 1} ændringer / changes[/]" if len(h.changes) > 1 else ""
        if len(h.paths) > 1:
            more += f"\n[dim]+{len(h.paths) - 1} andre veje / other paths (--json)[/]"
        t.add_row(str(rank), f"{h.label}\n[dim]{KIND_LABEL.get(h.kind, h.kind)}[/]",
                  f"{h.score:.2f}", "direkte" if h.tier == "direct" else "via henvisning",
                  readable_path(g, h, inputs, change_index) + more, when)
    out.print(t)
    if len(hits) > (top or TABLE_TOP):
        out.print(f"[dim]… {len(hits) - (top or TABLE_TOP)} flere / more (--top N, --json)[/]")


# --------------------------------------------------------------------------- graph


def graph(
    export: Annotated[Path | None, typer.Option(
        "--export", help="Write the whole graph as FILE.graphml or FILE.gexf.")] = None,
    law: LawOpt = None,
    at: Annotated[str | None, typer.Option(
        "--at", help="Use each law's version in force at this date (default: newest).")] = None,
    kle: KleOpt = None,
    mappings: MappingsOpt = None,
    impact_dir: ImpactDirOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Build the impact graph over the laws in the database and the reference data; print
    how the datasets' paragraph references resolved, and export it (GraphML/GEXF)."""
    from db.session import session_scope
    from graph.impact import export_gexf, export_graphml
    from lovspor.impact_data import ImpactDataError, graph_inputs

    if export is not None and export.suffix.lower() not in (".graphml", ".gexf"):
        fail(f"--export: {export.name}: brug / use .graphml or .gexf")
    try:
        with session_scope(db_url(db, write=False)) as s:
            inputs = graph_inputs(s, tuple(law or ()), parse_date(at, "--at"))
    except ImpactDataError as exc:
        fail(str(exc))
    sources = _sources(impact_dir, kle, mappings)
    g, report, seconds = _build(inputs, sources)
    if export is not None:
        (export_graphml if export.suffix.lower() == ".graphml" else export_gexf)(g, export)
        err.print(f"skrev / wrote {export}: {len(g)} knuder / nodes, {g.edge_count} kanter / "
                  "edges")
    versions = {s: v.eli for s, v in sorted(inputs.versions.items())}
    if json_out:
        warn([f"indlæsning / loading: {p}" for p in sources.problems[:8]])
        dump_json({"format": GRAPH_FORMAT, "lovspor_version": __version__,
               "graph_versions": versions, "nodes": len(g), "edges": g.edge_count,
               "seconds": round(seconds, 3), "report": _report_dict(report, full=True),
               "problems": sources.problems})
        return
    warn([line for line in _report_lines(report, sources) if line.startswith("indlæsning")])
    out.print("Graf over / graph over " + ", ".join(f"{s} {e}" for s, e in versions.items()),
              highlight=False)
    out.print(report.summary(), highlight=False)

"""CLI commands `act` and `consolidate` (registered on `lovspor.cli.app`).

`act` shows what an amending act does to each law, item by item, and which stored changes
each item made; `consolidate` prints Lovspor's unofficial consolidation of a law as of a date,
or (`--check`) replays every stored pair against the real next consolidated act.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any

import typer

from lovspor import __version__
from lovspor.cliutil import DbOpt, JsonOpt, db_url, dump_json, err, fail, parse_date

ACT_FORMAT = "lovspor.act/1"
CONSOLIDATE_FORMAT = "lovspor.consolidate/1"
CHECK_FORMAT = "lovspor.consolidate-check/1"


def act(
    eli: Annotated[str, typer.Argument(help="The amending act: lta/2016/171 (or its URL).")],
    json_out: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """An amending act's instructions per amended law: parse status, in-force date and rule,
    and the stored changes each item made (run `lovspor analyze` first)."""
    from db.session import session_scope
    from lovspor.amendments import act_report
    from lovspor.analyze import normalise_eli
    from lovspor.queries import document_kind

    with session_scope(db_url(db, write=False)) as s:
        rep = act_report(s, normalise_eli(eli))
        kind = document_kind(s, normalise_eli(eli))
    if rep is None:
        fail(f"{normalise_eli(eli)} is not stored (run `lovspor import` / `lovspor analyze`)")
    assert rep is not None
    _refuse_non_amending(rep, kind)
    if json_out:
        dump_json({"format": ACT_FORMAT, "lovspor_version": __version__, **rep})
        return
    w = sys.stdout.write
    w(f"{rep['label']} ({rep['eli']})\n{rep['title'] or ''}\n")
    w(
        f"{rep['items']} ændringsnumre, {rep['items_parsed']} forstået, "
        f"{rep['instructions']} instruktioner, {rep['changes']} henførte ændringer\n"
    )
    for sec in rep["sections"]:
        law = sec["law"] or "(lov ikke i databasen)"
        w(f"\n{sec['section']} · {sec['law_title'] or '?'} [{law}]\n")
        for it in sec["items"]:
            when = (
                f"i kraft {it['in_force']}"
                if it["in_force"]
                else f"ikrafttræden: {it['in_force_status']}"
            )
            flag = "" if it["parsed"] else "  [IKKE FORSTÅET]"
            w(f"  nr. {it['item']} ({when}){flag}\n")
            for ins in it["instructions"]:
                targets = ", ".join(t for t in ins["targets"] if t) or "-"
                line = f"    {ins['action']}: {targets}"
                if ins.get("position"):
                    line += f" ({ins['position']})"
                if not ins["parsed"]:
                    line += f" — {ins['reason']}\n      »{ins['sentence']}«"
                w(line + "\n")
            for ch in it["changes"]:
                w(
                    f"    → {ch['law']} {ch['old_version']} → {ch['new_version']}: "
                    f"{ch['kind']} {ch['key']} ({ch['confidence']})\n"
                )
            if it["in_force_rule"] and it["in_force_status"] != "date":
                w(f"    ikrafttrædelse: {it['in_force_rule']}\n")


_KINDS = {  # DocKind value → (Danish, English)
    "consolidated_act": ("en lovbekendtgørelse", "a consolidated act"),
    "main_act": ("en hovedlov uden ændringer af andre love", "a main act amending no other law"),
    "order": ("en bekendtgørelse", "a ministerial order"),
}


def _refuse_non_amending(rep: dict[str, Any], kind: dict[str, Any] | None) -> None:
    """A stored document that is no amending act, and holds no amending section (a main act's
    closing §§ may amend other laws: that one is shown), is an error, not an empty report."""
    if kind is None or kind["kind"] == "amending_act" or kind["amends"] or rep["instructions"]:
        return
    doc_type, k = kind["doc_type"], kind["kind"]
    da, en = _KINDS.get(k or "", ("et andet slags dokument", "another kind of document"))
    fail(
        f"{rep['eli']} ({doc_type or '?'}) er {da}, ikke en ændringslov / is {en}, not an "
        f"amending act — se `lovspor show {rep['eli']}`"
    )


def consolidate(
    law: Annotated[str, typer.Option("--law", help="Law slug, e.g. serviceloven.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today).")
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Replay every stored pair and compare with the real next version."
        ),
    ] = False,
    include_undated: Annotated[
        bool,
        typer.Option(
            "--include-undated",
            help="Also apply items whose in-force date is left to the minister or unknown.",
        ),
    ] = False,
    changed_only: Annotated[
        bool, typer.Option("--changed-only", help="Text: print only provisions that changed.")
    ] = False,
    json_out: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Lovspor's unofficial consolidation of a law as of a date (the newest stored version
    plus the later acts' items in force by then), or with --check the consolidator measured
    against every stored consolidated act."""
    from db.session import session_scope
    from lovspor.amendments import check_pairs, consolidate_ahead
    from lovspor.analyze import law_exists

    url = db_url(db, write=False)
    if not law_exists(url, law):
        fail(f"unknown law {law!r} (see `lovspor laws`)")
    if check:
        with session_scope(url) as s:
            rep = check_pairs(s, law)
        assert rep is not None
        if json_out:
            dump_json({"format": CHECK_FORMAT, "lovspor_version": __version__, **rep})
            return
        _print_check(rep)
        return
    day = parse_date(as_of, "--as-of") or dt.date.today()
    with session_scope(url) as s:
        res = consolidate_ahead(s, law, day, include_undated=include_undated)
        if res is not None:
            _before_after(s, res, include_undated)
    if res is None:
        fail(f"{law} has no stored version")
    assert res is not None
    if json_out:
        dump_json({"format": CONSOLIDATE_FORMAT, "lovspor_version": __version__, **res})
        return
    _print_consolidation(res, changed_only)


def _before_after(s: Any, res: dict[str, Any], include_undated: bool) -> None:
    """Give each changed provision its text in the newest stored version (`before`, and
    `before_key` when the replay renumbered it) and the act items that changed it
    (`changed_by`, from the look ahead's attribution of the same replay); the removed ones
    likewise in `removed_provisions`. Only adds fields."""
    from lovspor.amendments import look_ahead
    from lovspor.queries import load_document

    _, base = load_document(s, res["base_version"])
    before = {p.key: p for p in base.provisions}
    ahead = look_ahead(s, res["law"], res["as_of"], include_undated=include_undated)
    by_new: dict[str, Any] = {}
    by_old: dict[str, Any] = {}
    for c in ahead.changes if ahead is not None else ():
        if c.change.new_key:
            by_new.setdefault(c.change.new_key, c)
        if c.change.old_key:
            by_old.setdefault(c.change.old_key, c)

    def made_by(c: Any) -> list[dict[str, Any]]:
        return [
            {"act_eli": a.act_eli, "act_label": a.act_label, "section": a.section,
             "item": a.item, "in_force": a.in_force}
            for a in (c.attributions if c is not None else ())
        ]  # fmt: skip

    for p in res["provisions"]:
        if not p["changed"]:
            continue
        c = by_new.get(p["key"])
        # the replay's own change says where the text came from (None: inserted — an old
        # provision of the same key may have moved on); without one, the same key
        old_key = c.change.old_key if c is not None else p["key"]
        p["before_key"] = old_key
        p["before"] = before[old_key].text if old_key is not None and old_key in before else None
        p["changed_by"] = made_by(c)
    res["removed_provisions"] = [
        {"key": k, "label": before[k].label if k in before else None,
         "before": before[k].text if k in before else None,
         "changed_by": made_by(by_old.get(k))}
        for k in res["removed"]
    ]  # fmt: skip


def _made_by_line(changed_by: list[dict[str, Any]]) -> str:
    from lovspor.queries import danish_date

    if not changed_by:
        return "ændret ved: ikke henført til et nummer (en følge af genafspilningen)"
    parts = []
    for a in changed_by:
        where = ", ".join(x for x in (a["section"], f"nr. {a['item']}" if a["item"] else "") if x)
        when = f"i kraft {danish_date(a['in_force'])}" if a["in_force"] else "ikrafttræden ukendt"
        parts.append(f"{a['act_label']}, {where} ({when})")
    return "ændret ved: " + "; ".join(parts)


def _shown(text: str | None) -> str:
    if text is None:
        return "(fandtes ikke)"
    return text if text.strip() else "(ingen egen tekst)"


def _print_before_after(res: dict[str, Any]) -> None:
    """Per changed provision, in the law's order: its text before (the newest stored version)
    and after (Lovspor's consolidation), and the act and item that changed it."""
    from lawdiff.keys import sort_key

    w = sys.stdout.write
    rows = [(p, False) for p in res["provisions"] if p["changed"]]
    rows += [(p, True) for p in res["removed_provisions"]]
    rows.sort(key=lambda r: sort_key(r[0]["key"]))
    if not rows:
        return
    w(
        f"Før og efter ({len(rows)}): før = {res['base_version']}, efter = Lovspors "
        f"uofficielle konsolidering pr. {res['as_of']}\n"
    )
    for p, gone in rows:
        moved = not gone and p["before_key"] and p["before_key"] != p["key"]
        note = " (udgår)" if gone else f" (før {p['before_key']})" if moved else ""
        w(f"\n* {p['key']}{note}\n")
        w(f"    før:   {_shown(p['before'])}\n")
        w(f"    efter: {'(udgår)' if gone else _shown(p['text'])}\n")
        w(f"    {_made_by_line(p['changed_by'])}\n")
    w("\n")


def _print_consolidation(res: dict[str, Any], changed_only: bool) -> None:
    w = sys.stdout.write
    bar = "=" * 78
    w(f"{bar}\nLOVSPORS UOFFICIELLE KONSOLIDERING — IKKE DEN OFFICIELLE TEKST\n{res['label']}\n")
    w(f"{res['title']} ({res['law']}) pr. {res['as_of']}, grundlag {res['base_version']}\n{bar}\n")
    for a in res["acts_applied"]:
        items = ", ".join(f"{i['section']} nr. {i['item']}" for i in a["items"])
        w(f"Anvendt: {a['label']} ({a['eli']}): {items}\n")
    if not res["acts_applied"]:
        w("Anvendt: ingen senere ændringslove i kraft på datoen\n")
    for x in res["not_applied"]:
        w(f"Ikke anvendt: {x['act_label']} {x['section']} nr. {x['item']}: {x['reason']}\n")
    for x in res["acts_not_stored"]:
        w(f"Ikke anvendt: {x['eli']}: {x['reason']}\n")
    ins = res["instructions"]
    w(f"Instruktioner: {ins['applied']} anvendt, {ins['failed']} fejlede, {ins['skipped']} sprunget over\n")  # fmt: skip
    for p in ins["problems"]:
        w(f"  {p['status']} {p['act_item']}: {p['reason']}\n")
    w(f"{res['changed']} bestemmelser ændret i forhold til {res['base_version']}\n\n")
    _print_before_after(res)
    if not changed_only:
        w(f"Hele teksten pr. {res['as_of']} (* = ændret):\n\n")
    shown: set[str] = set()
    for p in res["provisions"]:
        if changed_only:
            break
        indent = "  " * p["key"].count(",")
        mark = "* " if p["changed"] else ""
        parent = p["key"].rsplit(", ", 1)[0] if ", " in p["key"] else None
        # with --changed-only a changed nr. may stand without its § and stk.: name it fully
        label = p["label"] if p["label"] and (parent is None or parent in shown) else p["key"]
        w(f"{indent}{mark}{label} {p['text']}\n")
        shown.add(p["key"])
    w(f"\n{bar}\n{res['label']}\n")


def _print_check(rep: dict[str, Any]) -> None:
    w = sys.stdout.write
    w(f"Konsolideringstjek for {rep['law']} (Lovspors uofficielle konsolidering mod de rigtige LBK'er)\n")  # fmt: skip
    for p in rep["pairs"]:
        w(
            f"\n{p['old']} → {p['new']}: {p['items']} numre, {p['applied']}/{p['instructions']} "
            f"instruktioner anvendt, {p['failed']} fejlede; {p['changed']} ændrede bestemmelser "
            f"({p['without_act']} uden ændringslov); forudsagt præcist {p['predicted_exactly']}"
            f"/{p['of']} = {p['rate']:.1%}\n"
        )
        for c in p["changed_provisions"]:
            if c["status"] != "identical" and not c["without_act"]:
                w(f"  {c['status']:<9} {c['key']}: {c['difference']}\n")
        for f in p["failures"]:
            w(f"  fejlede {f['act_item']}: {f['reason']}\n")
    for x in rep["skipped"]:
        err.print(f"Sprunget over {x['old']} → {x['new']}: {x['reason']}", highlight=False)
    if rep["rate"] is not None:
        w(f"\nI alt forudsagt præcist {rep['predicted_exactly']}/{rep['of']} = {rep['rate']:.1%}\n")

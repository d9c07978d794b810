"""Ændringer: recent changes with filters; a chosen change opens as a word-level redline with
the act and item that made it, its in-force date and the link to retsinformation.dk."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard import format as fmt

PICK_LIMIT = 500  # rows offered in the "vælg ændring" box (the table shows all)

st.title("Ændringer")
st.caption(
    "Ændringer bestemmelse for bestemmelse mellem to på hinanden følgende "
    "lovbekendtgørelser (konsoliderede versioner)."
)
url = ui.database()
lw = ui.laws_or_stop(url)
names = ui.law_label(lw)

with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 3])
    law_ids = c1.multiselect(
        "Lov",
        options=list(names),
        default=[ui.default_law(url, lw)],
        format_func=names.get,
        help="Tom: alle love.",
        key="laws", placeholder="Vælg …",
    )
    basis_label = c2.radio(
        "Periode efter", ["Underskrevet", "Ikrafttræden"], horizontal=True,
        help="Underskrevet: lovbekendtgørelsens dato. Ikrafttræden: datoen ændringen "
        "træder i kraft, når ændringsloven kendes for ændringen.",
        key="basis",
    )
    basis = "in_force" if basis_label == "Ikrafttræden" else "signed"
    lo, hi = data.change_span(url)
    hi = hi or dt.date.today()
    lo = lo or hi - dt.timedelta(days=365)
    default_start = max(lo, hi - dt.timedelta(days=365))
    period = c3.date_input(
        "Periode",
        value=(default_start, hi),
        min_value=dt.date(1990, 1, 1),
        max_value=dt.date(2100, 12, 31),
        format="DD.MM.YYYY",
        key="period",
    )
    c4, c5, c6 = st.columns([2, 3, 2])
    kinds_da = c4.multiselect("Art", list(fmt.KIND_DA.values()), help="Tom: alle arter.", key="kinds", placeholder="Vælg …")
    acts = data.change_acts(url, tuple(law_ids))
    act_names = {"": "(ingen kendt ændringslov)"} | {
        str(e): f"{lab or e}" for e, lab in zip(acts["act_eli"], acts["act_label"], strict=True)
    }
    act_sel = c5.multiselect(
        "Ændringslov", list(act_names), format_func=act_names.get, help="Tom: alle.", key="acts", placeholder="Vælg …"
    )
    key_prefix = c6.text_input("Bestemmelse", placeholder="§ 81 a", key="key")
    with_ahead = st.checkbox(
        "Medtag ændringslove, der endnu ikke er indarbejdet (uofficielt)",
        value=True,
        key="ahead",
        help="Vedtagne ændringslove, som ingen gemt lovbekendtgørelse har indarbejdet endnu: "
        "Lovspor anvender selv deres ændringsnumre på den nyeste version. Det er ikke den "
        "officielle tekst, og rækkerne er mærket uofficiel.",
    )

start, end = (period[0], period[1]) if len(period) == 2 else (period[0] if period else None, None)
df = data.changes(
    url,
    tuple(law_ids),
    basis,
    start,
    end,
    tuple(fmt.KIND_FROM_DA[k] for k in kinds_da),
    tuple(act_sel),
    fmt.paragraph_key_input(key_prefix),
).assign(unofficial=False)
if with_ahead:
    ahead = data.ahead_changes(url, tuple(law_ids), basis, start, end)
    if kinds_da:
        ahead = ahead[ahead["kind"].isin([fmt.KIND_FROM_DA[k] for k in kinds_da])]
    if act_sel:
        ahead = ahead[ahead["act_eli"].isin(act_sel)]
    if (k := fmt.paragraph_key_input(key_prefix).strip()):
        keys = ahead["new_key"].fillna(ahead["old_key"])
        ahead = ahead[(ahead["paragraph_key"] == k) | (keys == k) | keys.str.startswith(f"{k},")]
    if not ahead.empty:
        df = pd.concat(
            [ahead[list(data.CHANGE_COLUMNS)].assign(unofficial=True), df], ignore_index=True
        )

for law_id in law_ids or list(names):
    pending = data.pending_acts(url, int(law_id))
    if pending.empty:
        continue
    listed = "; ".join(
        f"{ui.md_escape(t or e)} ({ui.md_escape(e)}" + (f", {fmt.danish_date(d)})" if d else ")")
        for e, d, t in zip(pending["eli"], pending["date"], pending["text"], strict=True)
    )
    shown = (
        "deres ændringer vises øverst som uofficielle (Lovspors egen konsolidering)"
        if with_ahead
        else "så deres ændringer mangler her"
    )
    st.warning(
        f"**{ui.md_escape(names[int(law_id)])}**: {len(pending)} senere ændringslov(e) er "
        f"endnu ikke indarbejdet i en gemt lovbekendtgørelse; {shown}: {listed}",
        icon="⚠️",
    )

if basis == "in_force" and df.empty:
    st.info(
        "Ingen ændringer med kendt ikrafttrædelsesdato i perioden. Ikrafttræden kendes kun "
        "for ændringer, der er henført til et ændringsnummer i en ændringslov."
    )

st.subheader(f"{len(df)} ændringer")
table = pd.DataFrame(
    {
        "Dato": [fmt.danish_date(d) for d in df["signed"]],
        "Lov": df["law"],
        "Bestemmelse": [
            fmt.provision_label(o, n) for o, n in zip(df["old_key"], df["new_key"], strict=True)
        ],
        "Art": [fmt.kind_da(k) for k in df["kind"]],
        "Ændringslov": [
            fmt.act_citation(lab, sec, item, eli)
            for lab, sec, item, eli in zip(
                df["act_label"], df["act_section"], df["act_item"], df["act_eli"], strict=True
            )
        ],
        "Ikrafttræden": [fmt.danish_date(d, "") for d in df["in_force"]],
        "Version": [
            f"uofficiel ({str(e).removesuffix('+uofficiel')} + ændringslov)" if u else e
            for e, u in zip(df["new_eli"], df["unofficial"], strict=True)
        ],
    }
)
event = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height=320,
    on_select="rerun",
    selection_mode="single-row",
    key="changes_table",
)
if df.empty:
    st.stop()

picked_rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
ids = [int(i) for i in df["id"].head(PICK_LIMIT)]
labels = {
    int(r.id): f"{fmt.danish_date(r.signed)} · {r.law} · "
    f"{fmt.provision_label(r.old_key, r.new_key)} · {fmt.kind_da(r.kind)}"
    for r in df.head(PICK_LIMIT).itertuples(index=False)
}
chosen = st.selectbox(
    "Vis ændring (eller vælg en række i tabellen)", ids, format_func=labels.get, key="pick"
)
if picked_rows:
    chosen = int(df.iloc[picked_rows[0]]["id"])

if chosen is not None and int(chosen) < 0:  # a look-ahead change: its row is all there is
    row = ahead[ahead["id"] == int(chosen)].iloc[0].to_dict()
    d = {**row, "new_signed": None, "old_signed": None, "similarity": None}
else:
    d = data.change_detail(url, int(chosen)) if chosen is not None else None
if d is None:
    st.stop()
unofficial = int(d["id"]) < 0
if unofficial:
    st.warning(
        "**Uofficielt:** denne ændring står i en ændringslov, som ingen gemt "
        "lovbekendtgørelse har indarbejdet endnu. Lovspor har selv anvendt ændringsnummeret "
        f"på {d['old_eli']}; det er ikke den officielle tekst."
    )

st.subheader(f"{fmt.provision_label(d['old_key'], d['new_key'])} — {fmt.kind_da(d['kind'])}")
act = fmt.act_citation(d["act_label"], d["act_section"], d["act_item"], d["act_eli"])
link = fmt.eli_url(d["act_eli"])
facts = [
    ("Lov", f"{d['law_title']} ({d['law']})"),
    ("Ændret ved", act or "ikke henført til en ændringslov endnu"),
    ("Ikrafttræden", fmt.danish_date(d["in_force"], "ukendt")),
    (
        "Versioner",
        f"{d['old_eli']} + {act or 'ændringsloven'} (uofficiel konsolidering)"
        if unofficial
        else f"{d['old_eli']} ({fmt.danish_date(d['old_signed'])}) → "
        f"{d['new_eli']} ({fmt.danish_date(d['new_signed'])})",
    ),
    ("Henføring", fmt.ATTRIBUTION_DA.get(d["attribution"], d["attribution"] or "ukendt")),
]
rows = "".join(
    f"<tr><th style='text-align:left;padding-right:1rem'>{fmt.esc(k)}</th>"
    f"<td>{fmt.esc(v)}</td></tr>"
    for k, v in facts
)
links = ""
if link:
    links += f"<a href='{fmt.esc(link, quote=True)}' target='_blank'>Ændringsloven på retsinformation.dk</a>"
new_link = None if unofficial else fmt.eli_url(d["new_eli"])
if new_link:
    links += (
        (" · " if links else "")
        + f"<a href='{fmt.esc(new_link, quote=True)}' target='_blank'>"
        "Lovbekendtgørelsen på retsinformation.dk</a>"
    )
ui.html_block(f"<table style='font:14px sans-serif'>{rows}</table><p>{links}</p>")

mode = st.radio("Visning", ["Side om side", "Samlet"], horizontal=True, key="redline_mode")
parts = [d]
if d["level"] == "paragraf" and unofficial:
    below = ahead[(ahead["paragraph_key"] == d["paragraph_key"]) & (ahead["id"] != d["id"])]
    parts += [r for r in below.to_dict("records") if r["new_eli"] == d["new_eli"]]
elif d["level"] == "paragraf":  # a § holds little own text: show its stk./nr. changes too
    parts += data.changes_below(url, int(d["id"]))
for part in parts:
    ops = fmt.change_ops(part["kind"], part["old_text"] or "", part["new_text"] or "", part["ops"])
    if part is not d and not ops:
        continue
    name = fmt.provision_label(part["old_key"], part["new_key"])
    if mode == "Samlet":
        ui.html_block(fmt.box(fmt.redline_inline(ops), f"{name} — {fmt.kind_da(part['kind'])}"))
    else:
        ui.html_block(
            fmt.side_by_side(
                ops, f"Før ({part['old_key'] or '—'})", f"Efter ({part['new_key'] or '—'})"
            )
        )

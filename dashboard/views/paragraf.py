"""Paragraf: one § of one law across every stored version — its text, each change with its
provenance, and any two versions compared word by word."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard import format as fmt
from lawdiff.tokens import word_diff

st.title("Paragraf")
st.caption("En paragrafs tidslinje gennem alle gemte versioner af loven.")
url = ui.database()
lw = ui.laws_or_stop(url)
names = ui.law_label(lw)

c1, c2 = st.columns([3, 2])
ids = list(names)
law_id = c1.selectbox(
    "Lov", ids, index=ids.index(ui.default_law(url, lw)), format_func=names.get, key="law"
)
keys = data.paragraph_keys(url, int(law_id))
if not keys:
    st.info("Loven har ingen analyserede bestemmelser endnu (kør `lovspor analyze`).")
    st.stop()
wanted = st.query_params.get("p")
if wanted in keys:
    default_key = wanted
else:  # the § that changed last, so the page opens on news
    recent = data.most_recently_changed_paragraph(url, int(law_id))
    default_key = recent if recent in keys else keys[0]
key = c2.selectbox("Paragraf", keys, index=keys.index(default_key), key="paragraph")

vs = data.versions(url, int(law_id))
provs = data.provision_rows(url, int(law_id), key)
chs = data.paragraph_changes(url, int(law_id), key)


def version_text(version_id: int) -> str:
    rows = provs[provs["version_id"] == version_id]
    return fmt.join_texts(zip(rows["label"], rows["text"], strict=True))


timeline = []
for v in vs.itertuples(index=False):
    text = version_text(int(v.id))
    vch = chs[chs["new_version_id"] == v.id]
    if vch.empty:
        status = "uændret" if text else "findes ikke"
    else:
        status = ", ".join(
            f"{n} {fmt.kind_da(k)}" for k, n in vch["kind"].value_counts().sort_index().items()
        )
    acts = sorted(
        {
            fmt.act_citation(lab, sec, item, eli)
            for lab, sec, item, eli in zip(
                vch["act_label"], vch["act_section"], vch["act_item"], vch["act_eli"], strict=True
            )
            if eli
        }
    )
    in_force = sorted({fmt.danish_date(d) for d in vch["in_force"] if fmt.as_date(d)})
    timeline.append(
        {
            "Dato": fmt.danish_date(v.signed),
            "Version": v.eli,
            "Type": v.doc_type,
            "Status": status,
            "Ændret ved": "; ".join(acts),
            "Ikrafttræden": ", ".join(in_force),
            "Ord": len(text.split()),
        }
    )
st.subheader(f"{key} — tidslinje")
chart = pd.DataFrame(
    {
        "dato": [fmt.as_date(v.signed) for v in vs.itertuples(index=False)],
        "ord": [r["Ord"] for r in timeline],
        "status": [
            "findes ikke" if r["Status"] == "findes ikke"
            else "uændret" if r["Status"] == "uændret"
            else "ændret"
            for r in timeline
        ],
        "version": [r["Version"] for r in timeline],
        "detalje": [r["Status"] for r in timeline],
        "ændret ved": [r["Ændret ved"] for r in timeline],
    }
)
chart = chart[chart["dato"].notna()]
if not chart.empty:
    chart["dato"] = pd.to_datetime(chart["dato"])
    base = alt.Chart(chart).encode(
        x=alt.X("dato:T", title="Version (underskrevet)"),
        y=alt.Y("ord:Q", title="Ord i paragraffen"),
    )
    colors = alt.Scale(
        domain=["ændret", "uændret", "findes ikke"], range=["#d6336c", "#4c6ef5", "#adb5bd"]
    )
    st.altair_chart(
        base.mark_line(color="#ced4da")
        + base.mark_circle(size=140).encode(
            color=alt.Color("status:N", title="Status", scale=colors),
            tooltip=["version", "dato:T", "detalje", "ændret ved", "ord"],
        ),
        width="stretch",
    )
st.dataframe(pd.DataFrame(timeline), hide_index=True, width="stretch")

st.subheader("Ændringer")
if chs.empty:
    st.caption("Ingen registrerede ændringer af paragraffen mellem de gemte versioner.")
by_id = dict(zip(vs["id"], vs.itertuples(index=False), strict=True))
for nv_id, group in chs.groupby("new_version_id", sort=False):
    v = by_id.get(nv_id)
    head = f"{v.eli} ({fmt.danish_date(v.signed)})" if v is not None else str(nv_id)
    with st.expander(f"{head}: {len(group)} ændring(er)", expanded=len(chs) <= 6):
        for r in group.itertuples(index=False):
            act = fmt.act_citation(r.act_label, r.act_section, r.act_item, r.act_eli)
            meta = f"{fmt.provision_label(r.old_key, r.new_key)} — {fmt.kind_da(r.kind)}"
            if act:
                meta += f" · {act}"
            if fmt.as_date(r.in_force):
                meta += f" · i kraft {fmt.danish_date(r.in_force)}"
            ops = fmt.change_ops(r.kind, r.old_text or "", r.new_text or "", r.ops)
            ui.html_block(fmt.box(fmt.redline_inline(ops), meta))

st.subheader("Sammenlign to versioner")
options = [int(i) for i in vs["id"]]
labels = {int(v.id): f"{fmt.danish_date(v.signed)} · {v.eli}" for v in vs.itertuples(index=False)}
c3, c4 = st.columns(2)
a = c3.selectbox("Fra", options, index=0, format_func=labels.get, key="from")
b = c4.selectbox("Til", options, index=len(options) - 1, format_func=labels.get, key="to")
old, new = version_text(int(a)), version_text(int(b))
if old == new:
    st.caption("Teksten er den samme i de to versioner.")
ops = [(o.op, o.text) for o in word_diff(old, new)] if old or new else []
ui.html_block(fmt.side_by_side(ops, labels[int(a)], labels[int(b)]))

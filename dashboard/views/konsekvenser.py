"""Konsekvenser: which municipal procedures and services the changes of a period (or those
coming into force in a window) reach, ranked, each with the path that explains it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data, exports, ui
from dashboard import format as fmt
from dashboard.impact import HIT_KIND_DA, dot_graph, impact_hits, relation_da, score_words
from lovspor.dates import next_quarter, today

st.title("Konsekvenser")
st.caption(
    "Arbejdsgange (KLE-emne × handlingsfacet), ydelser og aktiviteter, som ændringerne "
    "rammer — direkte via den ændrede bestemmelse eller via en henvisning i loven."
)
url = ui.database()
lw = ui.laws_or_stop(url)
names = ui.law_label(lw)
folder = data.impact_dir()
if folder is None:
    st.warning(
        "Referencedata (OS2bos, KLE, KL's fortegnelse) blev ikke fundet. Angiv mappen med "
        "miljøvariablen LOVSPOR_IMPACT_DIR."
    )
    st.stop()

with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 3])
    law_ids = c1.multiselect(
        "Lov", list(names), default=[ui.default_law(url, lw)], format_func=names.get, key="laws", placeholder="Vælg …"
    )
    basis_label = c2.radio(
        "Ændringer",
        ["Underskrevet i perioden", "Træder i kraft i vinduet", "Træder i kraft næste kvartal"],
        key="basis",
    )
    basis = "in_force" if basis_label.startswith("Træder") else "signed"
    if basis_label.endswith("næste kvartal"):
        try:
            period = next_quarter(today())
        except ValueError as exc:
            st.error(str(exc))
            st.stop()
        c3.markdown(
            f"**Næste kvartal:** {fmt.danish_date(period[0])} – {fmt.danish_date(period[1])}"
        )
    else:
        lo, hi = data.change_span(url)
        hi = hi or today()
        period = c3.date_input(
            "Periode",
            value=(max(lo or hi, hi - dt.timedelta(days=365)), hi),
            min_value=dt.date(1990, 1, 1),
            max_value=dt.date(2100, 12, 31),
            format="DD.MM.YYYY",
            key="period",
        )
    kinds = st.multiselect(
        "Vis",
        list(HIT_KIND_DA),
        default=["procedure", "service"],
        format_func=HIT_KIND_DA.get,
        key="kinds", placeholder="Vælg …",
    )
    ahead = st.checkbox(
        "Medtag ændringslove, der endnu ikke er indarbejdet (uofficielt)",
        value=True,
        key="ahead",
        help="Vedtagne ændringslove, som ingen gemt lovbekendtgørelse har indarbejdet endnu. "
        "Lovspor anvender selv deres ændringsnumre på den nyeste version (uofficiel "
        "konsolidering); ændringerne er mærket som uofficielle.",
    )
    editorial = st.checkbox(
        "Medtag redaktionelle ændringer",
        value=False,
        key="editorial",
        help="Ændringer, som ingen ændringslov står bag (fx ressortændringer og rettelser i "
        "en lovbekendtgørelse). De er ikke nye regler og er derfor udeladt som standard.",
    )

start, end = (period[0], period[1]) if len(period) == 2 else (period[0] if period else None, None)
slugs = tuple(str(lw.set_index("id").loc[int(i), "slug"]) for i in law_ids)
res = impact_hits(url, str(folder), slugs, basis, start, end, tuple(kinds), editorial, ahead)
hits, steps = res["hits"], res["steps"]
if res["message"]:
    st.info(res["message"])
    st.stop()
for slug, a in res["ahead"].items():
    st.warning(
        f"**Uofficielt:** {a['changes']} ændringer i {slug} kommer fra ændringslove, der endnu "
        f"ikke er indarbejdet i {a['base']} ({', '.join(map(str, a['acts']))}). Lovspor har "
        "selv anvendt ændringsnumrene; det er ikke den officielle tekst."
    )
left_out = (
    f" · {res['editorial_left_out']} redaktionelle ændringer udeladt"
    if res["editorial_left_out"]
    else ""
)
st.caption(
    f"{res['changes']} ændringer gennemgået{left_out} · grafen: {res['nodes']} knuder, {res['edges']} "
    f"kanter · lovversioner: {res['graph']}"
)

st.subheader(f"{len(hits)} ramte")
paths_per_hit = steps.groupby("rank")["path"].nunique().to_dict()
view = pd.DataFrame(
    {
        "Nr.": hits["rank"],
        "Hvad": [HIT_KIND_DA.get(k, k) for k in hits["kind"]],
        "Navn": hits["label"],
        "Vej": ["direkte" if t == "direct" else "via henvisning" for t in hits["tier"]],
        "Point": hits["score"],
        "Ikrafttræden": [fmt.danish_date(d, "") for d in hits["in_force"]],
        "Ændringslove": [" · ".join(a) for a in hits["acts"]],
        "Uofficielle": [int(n) for n in hits["unofficial_changes"]],
        "Veje": [int(paths_per_hit.get(r, 1)) for r in hits["rank"]],
        "Forklaring": hits["path"],
    }
)
st.dataframe(view, hide_index=True, width="stretch", height=320, key="hits")
st.download_button(
    "Hent CSV", lambda: exports.to_csv(hits), "lovspor-konsekvenser.csv", exports.MIME["csv"],
    key="dl_csv", on_click="ignore", help="Hele rangordningen med forklaringsvej for hver ramt.",
)
if hits.empty:
    st.stop()

st.subheader("Forklaring")
ranks = [int(r) for r in hits["rank"].head(300)]
labels = dict(zip(hits["rank"].astype(int), hits["label"], strict=True))
rank = st.selectbox(
    "Ramt", ranks, format_func=lambda r: f"{r}. {labels[r]}", key="hit"
)
hit_steps = steps[steps["rank"] == rank]


def path_html(path: pd.DataFrame) -> str:
    rows = "".join(
        f"<li><b>{fmt.esc(relation_da(s.relation))}</b> {fmt.esc(s.label)}"
        + (
            f" <i>(i kraft {fmt.esc(fmt.danish_date(s.in_force))})</i>"
            if s.relation == "changed" and fmt.as_date(s.in_force)
            else ""
        )
        + (f" <span style='color:#888'>[{fmt.esc(s.source)}]</span>" if s.source else "")
        + "</li>"
        for s in path.sort_values("step").itertuples(index=False)
    )
    return f"<ol style='font:14px sans-serif'>{rows}</ol>"


ui.html_block(path_html(hit_steps[hit_steps["path"] == 0]))
row = hits[hits["rank"] == rank].iloc[0]
n_changes = len(row["changes"])
st.markdown(score_words(str(row["tier"]), float(row["score"]), int(row["hops"]), n_changes))
n_paths = int(hit_steps["path"].nunique())
if n_paths > 1:
    with st.expander(f"Alle {n_paths} veje til {row['label']}"):
        ui.html_block(
            "".join(
                f"<p style='margin:4px 0 0 0'><b>Vej {int(k) + 1}</b></p>" + path_html(p)
                for k, p in hit_steps.groupby("path", sort=True)
            )
        )
with st.expander("Ændringer, der rammer"):
    st.text("\n".join(row["changes"]))

st.subheader("Graf")
top = st.slider("Antal ramte i grafen", 1, min(30, len(hits)), min(8, len(hits)), key="top")
st.graphviz_chart(dot_graph(steps, top), width="stretch")

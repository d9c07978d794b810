"""Datadækning: what the database holds and what it lacks — laws, versions, gaps in the
chains, documents that failed, unparsed amending instructions. The honest state of the data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard import format as fmt

st.title("Datadækning")
st.caption("Hvad databasen indeholder — og hvad den mangler.")
url = ui.database()
cov = data.coverage(url)

lw = cov["laws"]
vs = cov["versions"]
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Love med versioner", len(lw))
m2.metric("Versioner", len(vs))
m3.metric("Huller i kæder", len(cov["gaps"]))
m4.metric(
    "Fejlede dokumenter og analyser",
    len(cov["failed_documents"]) + len(cov["fetch_failures"]) + len(cov["analysis_failures"]),
)
m5.metric("Ufortolkede ændringsinstrukser", len(cov["unparsed"]))

st.subheader("Love")
st.dataframe(
    pd.DataFrame(
        {
            "Lov": lw["name"],
            "Versioner": lw["versions"].astype(int),
            "Første": [fmt.danish_date(d) for d in lw["first"]],
            "Seneste": [fmt.danish_date(d) for d in lw["last"]],
            "Bestemmelser (alle versioner)": lw["provisions"].astype(int),
            "Ændringer": lw["changes"].astype(int),
            "Heraf henført til ændringslov": lw["attributed"].astype(int),
            "Ændringslove kendt": lw["amending_acts"].astype(int),
        }
    ),
    hide_index=True,
    width="stretch",
    key="laws",
)

st.subheader("Versioner")
missing = vs[vs["predecessor_stored"] == False]  # noqa: E712 (pandas element-wise)
if not missing.empty:
    st.warning(
        f"{len(missing)} version(er) nævner en forgænger, som ikke er gemt: ændringerne "
        "beregnes hen over hullet."
    )
st.dataframe(
    pd.DataFrame(
        {
            "Lov": vs["law"],
            "Version": vs["eli"],
            "Type": vs["doc_type"],
            "Underskrevet": [fmt.danish_date(d) for d in vs["signed"]],
            "Forgænger (ifølge indledningen)": vs["predecessor_eli"].fillna(""),
            "Forgænger gemt": [
                "" if p is None else ("ja" if p else "nej") for p in vs["predecessor_stored"]
            ],
            "Analyseret": ["ja" if a else "nej" for a in vs["analyzed"]],
        }
    ),
    hide_index=True,
    width="stretch",
    key="versions",
)

st.subheader("Huller i kæderne")
if cov["gaps"].empty:
    st.caption("Ingen registrerede huller (dokumenter, der henvises til, men ikke kunne hentes).")
else:
    st.dataframe(cov["gaps"], hide_index=True, width="stretch", key="gaps")

st.subheader("Dokumenter, der ikke kunne hentes eller læses")
if cov["failed_documents"].empty and cov["fetch_failures"].empty:
    st.caption("Ingen.")
if not cov["failed_documents"].empty:
    st.dataframe(cov["failed_documents"], hide_index=True, width="stretch", key="failed")
if not cov["fetch_failures"].empty:
    st.dataframe(cov["fetch_failures"], hide_index=True, width="stretch", key="fetch")

st.subheader("Analyser, der fejlede")
if cov["analysis_failures"].empty:
    st.caption("Ingen: hvert versionspar, hver ændringslov og hver henføring blev gennemført.")
else:
    st.caption(
        "Sprunget over og registreret; resten af kørslen fortsatte. Prøves igen ved næste "
        "`lovspor analyze`. Trin: pair = diff af et versionspar, act = en ændringslovs "
        "instrukser, attribution = henføring af et pars ændringer."
    )
    st.dataframe(cov["analysis_failures"], hide_index=True, width="stretch", key="analysis")

st.subheader("Ændringsinstrukser")
instr = cov["instructions"].iloc[0] if not cov["instructions"].empty else None
if instr is None or int(instr["instructions"]) == 0:
    st.caption(
        "Ingen ændringsinstrukser fortolket endnu (ændringslovenes numre læses af "
        "`lawdiff.amend`)."
    )
else:
    st.caption(
        f"{int(instr['instructions'])} instrukser fra {int(instr['acts'])} ændringslove; "
        f"{len(cov['unparsed'])} kunne ikke fortolkes:"
    )
    if not cov["unparsed"].empty:
        st.dataframe(cov["unparsed"], hide_index=True, width="stretch", key="unparsed")

st.subheader("Henføring af ændringer")
att = cov["attribution"].copy()
att["attribution"] = [fmt.ATTRIBUTION_DA.get(a, a) for a in att["attribution"]]
st.dataframe(att, hide_index=True, width="content", key="attribution")

st.subheader("Dokumenter efter type")
st.dataframe(cov["documents"], hide_index=True, width="content", key="documents")

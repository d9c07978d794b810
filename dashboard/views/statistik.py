"""Statistik: change counts per law and year exactly as `lovspor stats` computes them, every
count with its rule, charts, and downloads of the table as shown."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, exports, ui
from dashboard.rules import COLUMN_DA, METRICS, RULE_DA
from lawdiff.stats import RULES

st.title("Statistik")
st.caption(
    "Ændringslove og paragrafrevisioner pr. lov og år. Hvert tal står med den regel, det er "
    "talt efter (kolonnerne *_rule); reglerne er forklaret nederst."
)
url = ui.database()

c1, c2, c3 = st.columns([2, 3, 3])
by_label = c1.radio(
    "År efter", ["Underskrevet", "Ikrafttræden"], horizontal=True, key="by",
    help="Underskrevet: ændringslovens underskriftsdato. Ikrafttræden: den tidligste kendte "
    "ikrafttrædelsesdato for lovens ændringer.",
)
by = "in-force" if by_label == "Ikrafttræden" else "signed"
stats = data.statistics(url, by)
rows: pd.DataFrame = stats["rows"]
if rows.empty:
    st.info("Ingen statistik endnu: databasen har ingen analyserede versionskæder.")
    st.stop()

all_laws = sorted(rows["law"].unique())
sel_laws = c2.multiselect("Love", all_laws, help="Tom: alle love.", key="laws", placeholder="Vælg …")
years = rows["year"].dropna().astype(int)
y0, y1 = int(years.min()), int(years.max())
year_range = c3.slider("År", y0, max(y1, y0 + 1), (y0, max(y1, y0 + 1)), key="years")

shown = rows
if sel_laws:
    shown = shown[shown["law"].isin(sel_laws)]
known_year = shown["year"].notna()
in_range = shown["year"].between(year_range[0], year_range[1])
include_unknown = (year_range[0], year_range[1]) == (y0, max(y1, y0 + 1))
shown = shown[in_range | (~known_year & include_unknown)].reset_index(drop=True)

st.subheader("Pr. lov og år")
config = {c: st.column_config.Column(COLUMN_DA.get(c, c)) for c in shown.columns}
st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key="table")

meta = {"by": by, "laws": sel_laws or "alle", "years": list(year_range), "rules": RULES}
d1, d2, d3, d4 = st.columns(4)
d1.download_button(
    "Hent CSV", lambda: exports.to_csv(shown), "lovspor-statistik.csv", exports.MIME["csv"],
    key="dl_csv", on_click="ignore",
)
d2.download_button(
    "Hent Parquet", lambda: exports.to_parquet(shown, meta), "lovspor-statistik.parquet",
    exports.MIME["parquet"], key="dl_parquet", on_click="ignore",
)
d3.download_button(
    "Hent Excel", lambda: exports.to_xlsx(shown, RULES), "lovspor-statistik.xlsx",
    exports.MIME["xlsx"], key="dl_xlsx", on_click="ignore",
)
db_file = data.sqlite_path(url)
if db_file is not None and db_file.exists():
    d4.download_button(
        "Hent hele databasen (SQLite)",
        lambda: exports.sqlite_snapshot(db_file),
        "lovspor.sqlite",
        exports.MIME["sqlite"],
        key="dl_db",
        on_click="ignore",
        help="En konsistent kopi af databasen, som dashboardet læser.",
    )
else:
    d4.caption("Databasefilen kan kun hentes for SQLite; brug `pg_dump` for PostgreSQL.")

st.subheader("Alle love pr. år")
totals: pd.DataFrame = stats["by_year"]
st.dataframe(
    totals, hide_index=True, width="stretch",
    column_config={c: st.column_config.Column(COLUMN_DA.get(c, c)) for c in totals.columns},
    key="totals",
)

st.subheader("Diagrammer")
metric = st.selectbox("Mål", list(METRICS), format_func=METRICS.get, key="metric")
chart_data = shown[shown["year"].notna()].copy()
chart_data["year"] = chart_data["year"].astype(int)
if chart_data.empty:
    st.caption("Ingen år med kendt dato i udvalget.")
else:
    t1, t2, t3 = st.tabs(["Pr. år", "Pr. lov", "Lov × år"])
    per_year = chart_data.groupby("year", as_index=False)[metric].sum()
    t1.altair_chart(
        alt.Chart(per_year)
        .mark_bar()
        .encode(x=alt.X("year:O", title="År"), y=alt.Y(f"{metric}:Q", title=METRICS[metric])),
        width="stretch",
    )
    agg = "max" if metric in ("paragraphs_in_force", "words_in_force") else "sum"
    per_law = chart_data.groupby("law", as_index=False)[metric].agg(agg)
    t2.altair_chart(
        alt.Chart(per_law)
        .mark_bar()
        .encode(
            y=alt.Y("law:N", title="Lov", sort="-x"),
            x=alt.X(f"{metric}:Q", title=METRICS[metric]),
        ),
        width="stretch",
    )
    heat = alt.Chart(chart_data).encode(
        x=alt.X("year:O", title="År"), y=alt.Y("law:N", title="Lov")
    )
    t3.altair_chart(
        heat.mark_rect().encode(
            color=alt.Color(f"{metric}:Q", title=METRICS[metric], scale=alt.Scale(scheme="blues"))
        )
        + heat.mark_text(fontSize=10).encode(text=f"{metric}:Q"),
        width="stretch",
    )
    if agg == "max":
        t2.caption("For bestande (§§/ord i kraft) vises det største årstal pr. lov, ikke en sum.")

st.subheader("Tælleregler")
st.markdown(
    "Tallene tælles hver for sig og står aldrig alene: **ændringslove** (forskellige "
    "ændringslove, som lovbekendtgørelsernes indledning nævner), **lov-par** (ændringslov × "
    "lov), **paragrafrevisioner** (ændringslov × §, hvor en § er ændret mellem to versioner), "
    "**ændringsnumre** (nummererede ændringer, der citeres) og **§§ og ord i kraft** ved årets "
    "udgang. Hver celle nævner i sin *_rule-kolonne, hvilken regel der er brugt:"
)
st.dataframe(
    pd.DataFrame(
        [{"Regel": k, "Forklaring": RULE_DA.get(k, v), "Ordlyd (lawdiff.stats)": v}
         for k, v in RULES.items()]
    ),
    hide_index=True,
    width="stretch",
    key="rules",
)

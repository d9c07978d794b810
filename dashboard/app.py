"""Lovspor's dashboard: the entry file `streamlit run` starts (`lovspor dashboard`).

Five pages, registered with `st.navigation`; each page is a file in `views/` so
`AppTest.switch_page("views/….py")` can open it. The database URL comes from
$LOVSPOR_DATABASE_URL; the dashboard only reads the database, never the network.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Lovspor", page_icon=":material/gavel:", layout="wide")

PAGES = [
    st.Page("views/aendringer.py", title="Ændringer", icon=":material/edit_note:", default=True),
    st.Page("views/paragraf.py", title="Paragraf", icon=":material/gavel:"),
    st.Page("views/statistik.py", title="Statistik", icon=":material/bar_chart:"),
    st.Page("views/konsekvenser.py", title="Konsekvenser", icon=":material/hub:"),
    st.Page("views/daekning.py", title="Datadækning", icon=":material/database:"),
]

st.navigation(PAGES).run()

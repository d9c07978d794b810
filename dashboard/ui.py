"""Small Streamlit building blocks shared by the pages (database check, law picker, safe
HTML). Law text reaches the browser only through `html_block` (escaped by
`dashboard.format`) or through widgets that render plain text (dataframes, captions)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import data

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """Stored text inside st.markdown/st.warning is text, not Markdown: no links, images
    or emphasis can be injected (raw HTML is off there anyway)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def html_block(markup: str) -> None:
    """Show HTML built by `dashboard.format` (every dynamic part already escaped)."""
    st.html(markup)


def database() -> str:
    """The database URL, or stop the page with a Danish explanation."""
    url = data.database_url()
    why = data.problem(url)
    if why:
        st.error(why)
        st.info(
            "Start med `lovspor run` (henter, analyserer og åbner dashboardet) eller "
            "`lovspor import MAPPE` og `lovspor analyze`, og angiv databasen med "
            "`lovspor dashboard --db URL`."
        )
        st.stop()
    return url


def laws_or_stop(url: str) -> pd.DataFrame:
    lw = data.laws(url)
    if lw.empty:
        st.warning("Databasen har endnu ingen love med versioner.")
        st.stop()
    return lw


def law_label(lw: pd.DataFrame) -> dict[int, str]:
    return dict(zip(lw["id"].astype(int), lw["name"], strict=True))


def default_law(url: str, lw: pd.DataFrame) -> int:
    """The most recently changed law (the data's own starting point, never a name in code);
    without analysed changes the law with the newest stored version."""
    changed = data.most_recently_changed_law(url)
    if changed is not None and changed in set(lw["id"].astype(int)):
        return changed
    ordered = lw.sort_values(["last", "versions", "slug"], ascending=[False, False, True])
    return int(ordered.iloc[0]["id"])

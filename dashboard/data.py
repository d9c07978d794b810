"""Cached read-side queries for the dashboard: SQL in, DataFrames (or plain dicts) out.

Every function takes the database URL as its first argument so the cache is keyed by
database (tests open several). Filtering is pushed into SQL; pandas only shapes results.
`st.cache_resource` holds the engine (one pool per URL); `st.cache_data` holds results —
never ORM objects, which are bound to a session and would not pickle.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, and_, func, inspect, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased

from db.mapper import made_by
from db.models import (
    AmendingLink,
    AnalysisFailure,
    ChangeAttributionRow,
    ChangeRow,
    Document,
    FetchFailure,
    Gap,
    InstructionRow,
    Law,
    ProvisionRow,
    Version,
)
from db.session import make_engine, normalise_url
from lovspor.settings import default_database_url, shared_dir

TTL = 600  # seconds: a running crawl/analyze shows up within minutes without a restart


def database_url() -> str:
    """The URL `lovspor dashboard` passes in $LOVSPOR_DATABASE_URL (else the default file)."""
    return normalise_url(default_database_url())


def sqlite_path(url: str) -> Path | None:
    u = make_url(normalise_url(url))
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        return Path(u.database)
    return None


@st.cache_resource(show_spinner=False)
def engine(url: str) -> Engine:
    return make_engine(normalise_url(url))


def problem(url: str) -> str | None:
    """Why the database cannot be shown (missing file, no schema), or None."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return f"Databasefilen {path} findes ikke."
    try:
        tables = set(inspect(engine(url)).get_table_names())
    except Exception as exc:  # a wrong URL or a server that is down
        return f"Kan ikke åbne databasen: {exc}"
    missing = {"laws", "versions", "changes", "provisions"} - tables
    return f"Databasen mangler tabellerne {', '.join(sorted(missing))}." if missing else None


def _df(url: str, stmt: Any) -> pd.DataFrame:
    with engine(url).connect() as conn:
        return pd.read_sql(stmt, conn)


# --------------------------------------------------------------------------- laws, versions


@st.cache_data(ttl=TTL, show_spinner=False)
def laws(url: str) -> pd.DataFrame:
    """Laws that have at least one stored version, with a display name."""
    stmt = (
        select(
            Law.id,
            Law.slug,
            Law.title,
            Law.popular_title,
            func.count(Version.id).label("versions"),
            func.min(Version.signed).label("first"),
            func.max(Version.signed).label("last"),
        )
        .join(Version, Version.law_id == Law.id)
        .group_by(Law.id, Law.slug, Law.title, Law.popular_title)
        .order_by(Law.slug)
    )
    df = _df(url, stmt)
    df["name"] = [
        f"{p or t} ({s})" if (p or t) != s else s
        for p, t, s in zip(df["popular_title"], df["title"], df["slug"], strict=True)
    ]
    return df


@st.cache_data(ttl=TTL, show_spinner=False)
def versions(url: str, law_id: int | None = None) -> pd.DataFrame:
    stmt = (
        select(
            Version.id,
            Law.slug.label("law"),
            Version.law_id,
            Version.eli,
            Version.accession,
            Version.signed,
            Version.valid_from,
            Version.position,
            Version.predecessor_eli,
            Version.analyzed,
            Document.doc_type,
            Document.title,
        )
        .join(Law, Law.id == Version.law_id)
        .join(Document, Document.id == Version.document_id)
        .order_by(Law.slug, Version.position, Version.signed)
    )
    if law_id is not None:
        stmt = stmt.where(Version.law_id == law_id)
    df = _df(url, stmt)
    known = set(zip(df["law_id"], df["eli"], strict=True))
    df["predecessor_stored"] = [
        None if not p else (lid, p) in known
        for lid, p in zip(df["law_id"], df["predecessor_eli"], strict=True)
    ]
    return df


# --------------------------------------------------------------------------- changes

CHANGE_COLUMNS = (
    "id", "law", "kind", "level", "old_key", "new_key", "paragraph_key", "signed",
    "in_force", "act_eli", "act_label", "act_section", "act_item", "attribution", "new_eli",
)


@st.cache_data(ttl=TTL, show_spinner=False)
def change_span(url: str) -> tuple[dt.date | None, dt.date | None]:
    with engine(url).connect() as c:
        lo, hi = c.execute(select(func.min(ChangeRow.signed), func.max(ChangeRow.signed))).one()
    return _date(lo), _date(hi)


def _date(v: Any) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


@st.cache_data(ttl=TTL, show_spinner=False)
def changes(
    url: str,
    law_ids: tuple[int, ...] = (),
    basis: str = "signed",
    start: dt.date | None = None,
    end: dt.date | None = None,
    kinds: tuple[str, ...] = (),
    acts: tuple[str, ...] = (),
    key_prefix: str = "",
) -> pd.DataFrame:
    """Change rows (without their texts) matching the filters, newest first.

    ``basis`` "signed" filters on the consolidated version's signing date, "in_force" on
    the attributed in-force date (rows without one drop out when a period is set).
    ``acts`` holds act ELIs; "" stands for "no attributed act".
    """
    new_v = aliased(Version)
    c = ChangeRow
    stmt = (
        select(
            c.id, Law.slug.label("law"), c.kind, c.level, c.old_key, c.new_key,
            c.paragraph_key, c.signed, c.in_force, c.act_eli, c.act_label, c.act_section,
            c.act_item, c.attribution, new_v.eli.label("new_eli"),
        )
        .join(Law, Law.id == c.law_id)
        .join(new_v, new_v.id == c.new_version_id)
    )
    conds = []
    if law_ids:
        conds.append(c.law_id.in_(law_ids))
    col = c.in_force if basis == "in_force" else c.signed
    if start:
        conds.append(col >= start)
    if end:
        conds.append(col <= end)
    if kinds:
        conds.append(c.kind.in_(kinds))
    if acts:
        conds.append(made_by(acts))
    if key_prefix.strip():
        k = key_prefix.strip()
        conds.append(
            or_(
                c.paragraph_key == k,
                c.new_key == k,
                c.old_key == k,
                c.new_key.like(f"{k},%"),
                c.old_key.like(f"{k},%"),
            )
        )
    if conds:
        stmt = stmt.where(and_(*conds))
    stmt = stmt.order_by(col.desc(), c.law_id, new_v.position.desc(), c.id)
    return _df(url, stmt)


AHEAD_COLUMNS = (*CHANGE_COLUMNS, "old_text", "new_text", "ops", "old_eli", "law_title")


@st.cache_data(ttl=TTL, show_spinner="Læser kommende ændringslove …")
def ahead_changes(
    url: str,
    law_ids: tuple[int, ...] = (),
    basis: str = "signed",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The look ahead (`lovspor.analyze.ahead_changes`): changes of acts no stored
    lovbekendtgørelse incorporates yet, Lovspor's unofficial reading, with the texts (they
    are in no table). Ids are negative, so they never collide with stored changes."""
    from lovspor.analyze import ahead_changes as compute

    lw = laws(url)
    wanted = lw if not law_ids else lw[lw["id"].isin(law_ids)]
    window = (
        {"in_force_from": start, "in_force_to": end}
        if basis == "in_force"
        else {"date_from": start, "date_to": end}
    )
    titles = dict(zip(wanted["slug"].astype(str), wanted["title"], strict=True))
    found, _bases = compute(url, list(titles), **window)
    rows: list[dict[str, Any]] = []
    for r in found:
        ch = r.change
        rows.append({
            "id": -(len(rows) + 1), "law": r.law, "kind": ch.kind.value,
            "level": ch.level.value, "old_key": ch.old_key, "new_key": ch.new_key,
            "paragraph_key": ch.key.split(",", 1)[0], "signed": r.signed,
            "in_force": r.in_force, "act_eli": r.act_eli, "act_label": r.act_label,
            "act_section": r.act_section, "act_item": r.act_item, "attribution": "ahead",
            "new_eli": r.new_eli, "old_text": ch.old_text, "new_text": ch.new_text,
            "ops": [[o.op, o.text] for o in ch.ops], "old_eli": r.old_eli,
            "law_title": titles[r.law],
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(AHEAD_COLUMNS))


@st.cache_data(ttl=TTL, show_spinner=False)
def change_acts(url: str, law_ids: tuple[int, ...] = ()) -> pd.DataFrame:
    """Distinct attributed amending acts among the changes (for the act filter)."""
    c, a = ChangeRow, ChangeAttributionRow  # every attribution, not only the best one
    stmt = (
        select(a.act_eli, func.max(a.act_label).label("act_label"),
               func.count(func.distinct(a.change_id)).label("n"))
        .join(c, c.id == a.change_id)
        .group_by(a.act_eli)
        .order_by(a.act_eli)
    )
    if law_ids:
        stmt = stmt.where(c.law_id.in_(law_ids))
    return _df(url, stmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def change_detail(url: str, change_id: int) -> dict[str, Any] | None:
    old_v, new_v = aliased(Version), aliased(Version)
    c = ChangeRow
    stmt = (
        select(
            c.id, Law.slug.label("law"), Law.title.label("law_title"), c.kind, c.level,
            c.old_key, c.new_key, c.paragraph_key, c.old_text, c.new_text, c.ops,
            c.similarity, c.signed, c.in_force, c.act_eli, c.act_label, c.act_section,
            c.act_item, c.attribution, old_v.eli.label("old_eli"),
            old_v.signed.label("old_signed"), new_v.eli.label("new_eli"),
            new_v.signed.label("new_signed"),
        )
        .join(Law, Law.id == c.law_id)
        .join(old_v, old_v.id == c.old_version_id)
        .join(new_v, new_v.id == c.new_version_id)
        .where(c.id == change_id)
    )
    with engine(url).connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


@st.cache_data(ttl=TTL, show_spinner=False)
def changes_below(url: str, change_id: int) -> list[dict[str, Any]]:
    """The stk./nr./litra changes under a changed § in the same version pair."""
    c = ChangeRow
    head = select(c.law_id, c.new_version_id, c.old_version_id, c.paragraph_key).where(
        c.id == change_id
    )
    with engine(url).connect() as conn:
        h = conn.execute(head).first()
        if h is None:
            return []
        rows = conn.execute(
            select(c.id, c.kind, c.level, c.old_key, c.new_key, c.old_text, c.new_text, c.ops)
            .where(
                c.law_id == h.law_id,
                c.new_version_id == h.new_version_id,
                c.old_version_id == h.old_version_id,
                c.paragraph_key == h.paragraph_key,
                c.id != change_id,
                c.level != "paragraf",
            )
            .order_by(c.id)
        ).mappings()
        return [dict(r) for r in rows]


@st.cache_data(ttl=TTL, show_spinner=False)
def pending_acts(url: str, law_id: int) -> pd.DataFrame:
    """Amending acts the newest stored version's `Meta` lists as later changes that no
    stored version incorporates yet (plus items its Indledning says are not yet in force).

    `Meta` points at the site's *current* related documents: acts the version itself
    incorporates are dropped, and so are acts that are themselves stored versions.
    """
    from db.store import decompress
    from lawdiff.parse import parse_document

    vs = versions(url, law_id)
    if vs.empty:
        return pd.DataFrame(columns=["eli", "date", "text", "why"])
    newest = vs.iloc[-1]
    with engine(url).connect() as conn:
        blob = conn.execute(
            select(Document.content)
            .join(Version, Version.document_id == Document.id)
            .where(Version.id == int(newest["id"]))
        ).scalar()
    if blob is None:
        return pd.DataFrame(columns=["eli", "date", "text", "why"])
    try:
        doc = parse_document(decompress(blob), str(newest["eli"]))
    except Exception:  # a document that no longer parses is shown on Datadækning
        return pd.DataFrame(columns=["eli", "date", "text", "why"])
    incorporated = {r.eli for r in doc.intro.incorporated} if doc.intro else set()
    stored = set(vs["eli"])
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for ch in doc.meta.later_changes:
        if not ch.eli or ch.eli in incorporated or ch.eli in stored or ch.eli in seen:
            continue
        seen.add(ch.eli)
        rows.append({"eli": ch.eli, "date": ch.date, "text": ch.text, "why": "later"})
    for ref in doc.intro.not_incorporated if doc.intro else ():
        if ref.eli in seen:
            continue
        seen.add(ref.eli)
        rows.append({"eli": ref.eli, "date": ref.date, "text": ref.text, "why": "not-yet"})
    return pd.DataFrame(rows, columns=["eli", "date", "text", "why"])


# --------------------------------------------------------------------------- provisions


@st.cache_data(ttl=TTL, show_spinner=False)
def paragraph_keys(url: str, law_id: int) -> list[str]:
    from dashboard.format import paragraph_sort_key

    stmt = (
        select(ProvisionRow.key)
        .where(ProvisionRow.law_id == law_id, ProvisionRow.level == "paragraf")
        .distinct()
    )
    with engine(url).connect() as conn:
        keys = [k for (k,) in conn.execute(stmt)]
    return sorted(keys, key=paragraph_sort_key)


@st.cache_data(ttl=TTL, show_spinner=False)
def most_recently_changed_law(url: str) -> int | None:
    """The law whose newest analysed version is the most recent (ties: more changes), so a
    page opens on what moved last instead of on a law chosen in code."""
    c = ChangeRow
    stmt = (
        select(c.law_id, func.max(c.signed).label("last"), func.count(c.id).label("n"))
        .group_by(c.law_id)
        .order_by(func.max(c.signed).desc(), func.count(c.id).desc(), c.law_id)
        .limit(1)
    )
    with engine(url).connect() as conn:
        row = conn.execute(stmt).first()
    return int(row[0]) if row else None


@st.cache_data(ttl=TTL, show_spinner=False)
def most_recently_changed_paragraph(url: str, law_id: int) -> str | None:
    """The § of `law_id` changed in its newest analysed version pair, the one with the most
    changes there (ties: document order); None when the law has no analysed change."""
    from dashboard.format import paragraph_sort_key

    c = ChangeRow
    newest = select(func.max(c.new_version_id)).where(c.law_id == law_id).scalar_subquery()
    latest_signed = select(func.max(c.signed)).where(c.law_id == law_id).scalar_subquery()
    stmt = (
        select(c.paragraph_key, func.count(c.id))
        .where(
            c.law_id == law_id,
            # the newest pair by signing date; a version without a date falls back to the
            # newest stored row
            or_(c.signed == latest_signed, and_(latest_signed.is_(None), c.new_version_id == newest)),
        )
        .group_by(c.paragraph_key)
    )
    with engine(url).connect() as conn:
        counts = [(k, int(n)) for k, n in conn.execute(stmt) if k]
    if not counts:
        return None
    return min(counts, key=lambda kn: (-kn[1], paragraph_sort_key(kn[0])))[0]


@st.cache_data(ttl=TTL, show_spinner=False)
def provision_rows(url: str, law_id: int, paragraph: str) -> pd.DataFrame:
    """Every version's text of one § and everything under it, in document order."""
    p = ProvisionRow
    stmt = (
        select(p.version_id, p.key, p.level, p.label, p.text, p.position, p.chapter, p.heading)
        .where(p.law_id == law_id, or_(p.key == paragraph, p.key.like(f"{paragraph},%")))
        .order_by(p.version_id, p.position)
    )
    return _df(url, stmt)


@st.cache_data(ttl=TTL, show_spinner=False)
def paragraph_changes(url: str, law_id: int, paragraph: str) -> pd.DataFrame:
    c = ChangeRow
    stmt = (
        select(
            c.id, c.new_version_id, c.old_version_id, c.kind, c.level, c.old_key, c.new_key,
            c.old_text, c.new_text, c.ops, c.signed, c.in_force, c.act_eli, c.act_label,
            c.act_section, c.act_item, c.attribution,
        )
        .where(
            c.law_id == law_id,
            or_(
                c.paragraph_key == paragraph,
                c.old_key == paragraph,
                c.old_key.like(f"{paragraph},%"),
            ),
        )
        .order_by(c.new_version_id, c.id)
    )
    return _df(url, stmt)


# --------------------------------------------------------------------------- statistics


@st.cache_data(ttl=TTL, show_spinner="Beregner statistik …")
def statistics(url: str, by: str = "signed") -> dict[str, pd.DataFrame]:
    """`lovspor stats` for the whole database: law × year, all laws × year, total."""
    from lovspor.analyze import statistics as compute
    from lovspor.analyze import stats_frame

    result = compute(url, by=by)
    return {
        "rows": stats_frame([r.as_dict() for r in result.rows]),
        "by_year": stats_frame([r.as_dict() for r in (*result.by_year, result.total)]),
    }


# --------------------------------------------------------------------------- coverage


@st.cache_data(ttl=TTL, show_spinner=False)
def coverage(url: str) -> dict[str, pd.DataFrame]:
    """What is in the database and what is missing or failed: the honest state of the data."""
    lw = laws(url)
    counts = {
        "provisions": _df(
            url,
            select(ProvisionRow.law_id, func.count().label("provisions")).group_by(
                ProvisionRow.law_id
            ),
        ),
        "changes": _df(
            url,
            select(
                ChangeRow.law_id,
                func.count().label("changes"),
                func.count(ChangeRow.act_eli).label("attributed"),
            ).group_by(ChangeRow.law_id),
        ),
        "acts": _df(
            url,
            select(
                AmendingLink.law_id,
                func.count(func.distinct(AmendingLink.eli)).label("amending_acts"),
            ).group_by(AmendingLink.law_id),
        ),
    }
    overview = lw[["id", "slug", "name", "versions", "first", "last"]]
    for df in counts.values():
        overview = overview.merge(df, left_on="id", right_on="law_id", how="left").drop(
            columns="law_id"
        )
    overview = overview.fillna(0)
    gaps = _df(
        url,
        select(Gap.law_slug, Gap.eli, Gap.referenced_by, Gap.reason, Gap.found_at).order_by(
            Gap.law_slug, Gap.eli
        ),
    )
    failed_docs = _df(
        url,
        select(
            Document.eli, Document.doc_type, Document.title, Document.parse_error,
            Document.fetched_at,
        )
        .where(Document.parse_status != "ok")
        .order_by(Document.eli),
    )
    failures = _df(
        url,
        select(
            FetchFailure.url, FetchFailure.eli, FetchFailure.reason, FetchFailure.http_status,
            FetchFailure.attempts, FetchFailure.last_attempt,
        ).order_by(FetchFailure.last_attempt.desc()),
    )
    analysis_failures = _df(
        url,
        select(
            AnalysisFailure.stage.label("Trin"),
            AnalysisFailure.subject.label("Dokument"),
            AnalysisFailure.law_slug.label("Lov"),
            AnalysisFailure.reason.label("Fejl"),
            AnalysisFailure.attempts.label("Forsøg"),
            AnalysisFailure.last_attempt.label("Senest"),
        ).order_by(AnalysisFailure.last_attempt.desc()),
    )
    unparsed = _df(
        url,
        select(
            InstructionRow.act_eli, InstructionRow.law_slug, InstructionRow.section,
            InstructionRow.item, InstructionRow.sentence,
        )
        .where(InstructionRow.parsed.is_(False))
        .order_by(InstructionRow.act_eli, InstructionRow.section, InstructionRow.item),
    )
    instr = _df(
        url,
        select(
            func.count().label("instructions"),
            func.count(func.distinct(InstructionRow.act_eli)).label("acts"),
        ),
    )
    documents = _df(
        url,
        select(Document.doc_type, Document.kind, func.count().label("documents"))
        .where(Document.is_latest.is_(True))
        .group_by(Document.doc_type, Document.kind)
        .order_by(Document.doc_type),
    )
    attribution = _df(
        url,
        select(ChangeRow.attribution, func.count().label("changes")).group_by(
            ChangeRow.attribution
        ),
    )
    return {
        "laws": overview,
        "versions": versions(url),
        "gaps": gaps,
        "failed_documents": failed_docs,
        "fetch_failures": failures,
        "analysis_failures": analysis_failures,
        "unparsed": unparsed,
        "instructions": instr,
        "documents": documents,
        "attribution": attribution,
    }


# --------------------------------------------------------------------------- impact graph


def impact_dir() -> Path | None:
    """The reference data (OS2bos, KLE, KL register): $LOVSPOR_IMPACT_DIR or shared/impact."""
    env = os.environ.get("LOVSPOR_IMPACT_DIR")
    if env:
        p = Path(env)
        return p if p.is_dir() else None
    try:
        shared = shared_dir()
    except Exception:
        return None
    p = shared / "impact" if shared else None
    return p if p and p.is_dir() else None

"""The schema: raw documents as fetched, and what Lovspor derives from them.

Raw bytes are the source of truth (compressed, with their sha256); everything else
(laws, versions, provisions, changes) can be rebuilt from them by `lovspor analyze`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Law(Base):
    """A law as a work (its identity across consolidated versions)."""

    __tablename__ = "laws"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(400))  # canonical: "lov om social service"
    popular_title: Mapped[str | None] = mapped_column(String(200))
    predecessor_slug: Mapped[str | None] = mapped_column(String(80))  # replaced main act

    versions: Mapped[list[Version]] = relationship(
        back_populates="law", order_by="Version.position", cascade="all, delete-orphan"
    )


class Document(Base):
    """One fetched revision of one retsinformation document: bytes as served."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("eli", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    eli: Mapped[str] = mapped_column(String(40), index=True)  # "lta/2016/1270"
    accession: Mapped[str | None] = mapped_column(String(20), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    url: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed XML
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    doc_type: Mapped[str | None] = mapped_column(String(20))  # LOV, LBK, …
    kind: Mapped[str | None] = mapped_column(String(30))  # DocKind value
    title: Mapped[str | None] = mapped_column(Text)
    popular_title: Mapped[str | None] = mapped_column(String(200))
    signed: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(20))
    ministry: Mapped[str | None] = mapped_column(String(200))
    parse_status: Mapped[str] = mapped_column(String(10), default="ok")  # ok | failed
    parse_error: Mapped[str | None] = mapped_column(Text)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    # --- grouping facts, read once when stored (lawdiff.chain.DocFacts); never re-parsed
    facts_version: Mapped[int | None] = mapped_column(Integer)  # None: not yet extracted
    predecessor_eli: Mapped[str | None] = mapped_column(String(40), index=True)  # Indledning
    law_slug: Mapped[str | None] = mapped_column(String(80), index=True)  # a version's law
    title_key: Mapped[str | None] = mapped_column(String(400), index=True)  # normalised title
    popular_key: Mapped[str | None] = mapped_column(String(200), index=True)
    # an amending act's stored instructions were read from these bytes by this parser
    instructions_key: Mapped[str | None] = mapped_column(String(100))  # "sha256|fingerprint"

    sections: Mapped[list[DocumentSection]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class DocumentSection(Base):
    """One amending section of a stored document: the law it names, the version it cites,
    and the law that resolved to (lawdiff.chain.resolve_section), kept so grouping one more
    document touches only the laws it names."""

    __tablename__ = "document_sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(String(20))
    law_title: Mapped[str | None] = mapped_column(Text)  # as written
    title_key: Mapped[str | None] = mapped_column(String(400), index=True)  # normalised
    base_eli: Mapped[str | None] = mapped_column(String(40), index=True)
    items: Mapped[int] = mapped_column(Integer, default=0)
    intro: Mapped[str] = mapped_column(Text, default="")
    law_slug: Mapped[str | None] = mapped_column(String(80), index=True)

    document: Mapped[Document] = relationship(back_populates="sections")


class FetchFailure(Base):
    """A URL that could not be fetched or did not parse: retried on the next run."""

    __tablename__ = "fetch_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    eli: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_attempt: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AnalysisFailure(Base):
    """A pair, act or attribution that `analyze` could not finish: recorded, skipped, shown on
    Datadækning, and retried on the next run (the row goes when it succeeds)."""

    __tablename__ = "analysis_failures"
    __table_args__ = (UniqueConstraint("stage", "subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(20))  # pair | act | attribution
    subject: Mapped[str] = mapped_column(String(120))  # the ELI (for a pair: the newer one)
    law_slug: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_attempt: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Gap(Base):
    """A document that another document references but that could not be had (404)."""

    __tablename__ = "gaps"
    __table_args__ = (UniqueConstraint("eli", "referenced_by"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    eli: Mapped[str] = mapped_column(String(40), index=True)
    referenced_by: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    law_slug: Mapped[str | None] = mapped_column(String(80))
    found_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Version(Base):
    """A consolidated version (LBK, or a main act) in a law's chain."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("law_id", "eli"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    eli: Mapped[str] = mapped_column(String(40))
    accession: Mapped[str | None] = mapped_column(String(20))
    signed: Mapped[dt.date | None] = mapped_column(Date)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    predecessor_eli: Mapped[str | None] = mapped_column(String(40))  # as its Indledning says
    analyzed: Mapped[bool] = mapped_column(Boolean, default=False)
    # --- what the stored analysis was computed from (analyze redoes exactly what changed)
    analysed_against: Mapped[str | None] = mapped_column(String(40))  # start | break:ID | ID
    analysed_document_id: Mapped[int | None] = mapped_column(Integer)  # this version's bytes
    analysed_against_document_id: Mapped[int | None] = mapped_column(Integer)  # predecessor's
    analyser: Mapped[str | None] = mapped_column(String(40))  # fingerprint of the differ
    attribution_key: Mapped[str | None] = mapped_column(Text)  # inputs of the provenance
    attribution_summary: Mapped[dict | None] = mapped_column(JSON)  # its report, for re-runs
    # sizes for the statistics, computed when the provisions are stored (None: not yet)
    paragraphs_in_force: Mapped[int | None] = mapped_column(Integer)
    words_in_force: Mapped[int | None] = mapped_column(Integer)

    law: Mapped[Law] = relationship(back_populates="versions")


class AmendingLink(Base):
    """An amending act amends a law (one row per act section that names the law)."""

    __tablename__ = "amending_links"
    __table_args__ = (UniqueConstraint("document_id", "law_id", "section"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id", ondelete="CASCADE"), index=True)
    eli: Mapped[str] = mapped_column(String(40))
    section: Mapped[str] = mapped_column(String(20))  # "§ 1"
    base_eli: Mapped[str | None] = mapped_column(String(40))  # the version it amends
    items: Mapped[int] = mapped_column(Integer, default=0)
    signed: Mapped[dt.date | None] = mapped_column(Date)


class ProvisionRow(Base):
    __tablename__ = "provisions"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        Index("ix_provisions_law_key", "law_id", "key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(10))
    parent_key: Mapped[str | None] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    chapter: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    heading: Mapped[str | None] = mapped_column(Text)


class ChangeRow(Base):
    """One provision change between two versions of a law (`lawdiff.diff`)."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_law_signed", "law_id", "signed"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("laws.id", ondelete="CASCADE"))
    old_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    new_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(10))
    old_key: Mapped[str | None] = mapped_column(String(120))
    new_key: Mapped[str | None] = mapped_column(String(120))
    paragraph_key: Mapped[str] = mapped_column(String(40))
    old_text: Mapped[str] = mapped_column(Text, default="")
    new_text: Mapped[str] = mapped_column(Text, default="")
    ops: Mapped[list] = mapped_column(JSON, default=list)  # [[op, text], …]
    similarity: Mapped[float] = mapped_column(Float, default=1.0)
    signed: Mapped[dt.date | None] = mapped_column(Date)  # the new version's signing date
    in_force: Mapped[dt.date | None] = mapped_column(Date)  # from attribution, if known
    act_eli: Mapped[str | None] = mapped_column(String(40))  # attribution (amendment issue)
    act_label: Mapped[str | None] = mapped_column(String(200))
    act_section: Mapped[str | None] = mapped_column(String(20))
    act_item: Mapped[str | None] = mapped_column(String(20))
    # exact|paragraph|act (the best of `attributions`) | no_act | unattributed | none (older rows)
    attribution: Mapped[str | None] = mapped_column(String(20))
    attribution_note: Mapped[str | None] = mapped_column(Text)  # why no_act / unattributed


class ChangeAttributionRow(Base):
    """Every amending-act item a change is attributed to (a change can have several: two
    items, or two acts, touching the same provision in one consolidation). `ChangeRow`
    repeats the first one for simple queries."""

    __tablename__ = "change_attributions"
    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"), index=True)
    act_eli: Mapped[str] = mapped_column(String(40), index=True)
    act_label: Mapped[str] = mapped_column(String(200))
    act_section: Mapped[str] = mapped_column(String(20))
    act_item: Mapped[str | None] = mapped_column(String(20))
    in_force: Mapped[dt.date | None] = mapped_column(Date)
    confidence: Mapped[str] = mapped_column(String(20))  # exact | paragraph | act


class InstructionRow(Base):
    """One parsed instruction of an amending act (`lawdiff.amend`)."""

    __tablename__ = "instructions"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    act_eli: Mapped[str] = mapped_column(String(40), index=True)
    law_slug: Mapped[str | None] = mapped_column(String(80))
    law_title: Mapped[str | None] = mapped_column(String(400))  # canonical, as the act names it
    section: Mapped[str] = mapped_column(String(20))
    item: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    action: Mapped[str] = mapped_column(String(30))
    targets: Mapped[list] = mapped_column(JSON, default=list)
    old_text: Mapped[str | None] = mapped_column(Text)
    new_text: Mapped[str | None] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    parsed: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str | None] = mapped_column(Text)  # why not parsed
    in_force: Mapped[dt.date | None] = mapped_column(Date)
    in_force_status: Mapped[str | None] = mapped_column(String(20))  # date|publication|…
    in_force_rule: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)  # position, new_keys, renumber, …


class Setting(Base):
    """Small key/value state (last feed read, last analysis, …)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

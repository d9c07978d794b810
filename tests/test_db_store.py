"""Schema and writes on both engines: idempotent, transactional, revisions never overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select

from db.models import Document
from db.session import alembic_config, session_scope
from db.store import Outcome, decompress, latest_bytes, store_document
from lawdiff.parse import parse_document


@pytest.fixture
def lov171(retsinfo: Path) -> bytes:
    return (retsinfo / "eli/lta/2016/171/xml").read_bytes()


def test_schema_matches_models(any_db_url: str) -> None:
    with session_scope(any_db_url):
        pass  # first use migrates
    command.check(alembic_config(any_db_url))  # raises if models and migrations drift


def test_same_bytes_twice_change_nothing_new_bytes_make_a_revision(
    any_db_url: str, lov171: bytes
) -> None:
    meta = parse_document(lov171, "lta/2016/171").meta
    url = "https://www.retsinformation.dk/eli/lta/2016/171/xml"
    with session_scope(any_db_url) as s:
        first = store_document(s, url=url, data=lov171, meta=meta)
    with session_scope(any_db_url) as s:
        again = store_document(s, url=url, data=lov171, meta=meta)
    assert (first.outcome, again.outcome) == (Outcome.NEW, Outcome.UNCHANGED)
    assert again.document_id == first.document_id

    changed = lov171.replace(b"1. marts 2016", b"2. marts 2016")
    with session_scope(any_db_url) as s:
        rev = store_document(s, url=url, data=changed, meta=meta)
    assert (rev.outcome, rev.revision) == (Outcome.REVISION, 2)
    with session_scope(any_db_url) as s:
        rows = s.scalars(select(Document).order_by(Document.revision)).all()
        assert [(r.revision, r.is_latest) for r in rows] == [(1, False), (2, True)]
        assert decompress(rows[0].content) == lov171  # the old bytes are kept intact
        assert latest_bytes(s, "lta/2016/171") == changed


def test_a_failure_inside_the_transaction_leaves_nothing(any_db_url: str, lov171: bytes) -> None:
    meta = parse_document(lov171, "lta/2016/171").meta
    with pytest.raises(RuntimeError), session_scope(any_db_url) as s:
        store_document(s, url="u", data=lov171, meta=meta)
        raise RuntimeError("crash after the insert, before commit")
    with session_scope(any_db_url) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0

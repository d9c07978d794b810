"""Engines and sessions for SQLite (default) and PostgreSQL, migrated with Alembic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


#: The URL schemes Lovspor runs on; anything else would fail later with a driver traceback.
SCHEMES = ("sqlite", "postgresql", "postgres", "postgresql+psycopg")


class DatabaseUrlError(ValueError):
    """A database URL that cannot work: unparsable, or a scheme Lovspor does not support."""


def redact(url: str) -> str:
    """`url` with any password replaced by ***, for messages (works on unparsable URLs too)."""
    return re.sub(r"(://[^:/@]*:)[^?#]*@", r"\1***@", url)


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` and a bare file path as well; refuse what cannot work.

    Checked here, before any engine exists, so a typo is one clear sentence instead of a
    SQLAlchemy/driver traceback from deep inside the first connection.
    """
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a non-numeric port
        raise DatabaseUrlError(
            f"{redact(url)!r} er ikke en database-URL / is not a database URL ({exc})"
        ) from exc
    if parsed.drivername not in SCHEMES:
        raise DatabaseUrlError(
            f"ukendt / unknown scheme {parsed.drivername!r}; "
            f"brug / use {', '.join(s + '://' for s in SCHEMES)} or a file path"
        )
    if parsed.drivername in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """An engine; it creates no folders (that is the CLI's decision: lovspor/cliutil.db_url),
    though SQLite itself creates a missing file in an existing folder."""
    url = normalise_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs (a
            # rolled-back outer transaction kept a nested insert); let SQLAlchemy emit BEGIN.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")  # readers (dashboard) never block the crawl
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    import sys

    from alembic.config import Config

    # stdout now: alembic's default is bound when alembic is first imported, which may be
    # inside a CliRunner call whose stream is closed afterwards
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the schema to the newest migration (creates a fresh database)."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")


@cache
def engine_for(url: str) -> Engine:
    migrate(url)
    return make_engine(url)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any error."""
    factory = sessionmaker(engine_for(url), expire_on_commit=False)
    with factory() as session, session.begin():
        yield session

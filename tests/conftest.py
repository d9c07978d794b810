"""Shared fixtures: the real shared corpus, and a fresh database on each engine.

The shared folder comes from `lovspor.settings.shared_dir()` ($LOVSPOR_SHARED or ../shared);
outside CI a missing folder skips the real-data tests, under CI it fails them.
PostgreSQL runs when $LOVSPOR_TEST_PG_URL names a server (scripts/services.sh starts one);
under CI a missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from lovspor.settings import shared_dir


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under CI the real data must be there: a missing folder fails the run, never skips."""
    if os.environ.get("CI") and shared_dir() is None:
        raise pytest.UsageError(
            "CI is set but the shared data folder is missing (../shared or $LOVSPOR_SHARED)"
        )


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if path is None:
        pytest.skip("shared data folder not found (set LOVSPOR_SHARED)")
    return path


@pytest.fixture(scope="session")
def retsinfo(shared: Path) -> Path:
    return shared / "retsinfo"


@cache
def corpus_files(root: Path) -> tuple[Path, ...]:
    return tuple(sorted(root.glob("eli/lta/*/*/xml")))


@cache
def parsed_corpus(root: Path):  # type: ignore[no-untyped-def]
    from lawdiff.parse import parse_document

    return {
        "lta/" + "/".join(f.parts[-3:-1]): parse_document(f.read_bytes(), str(f))
        for f in corpus_files(root)
    }


@pytest.fixture(scope="session")
def corpus(retsinfo: Path):  # type: ignore[no-untyped-def]
    """ELI → LawDocument for every document of the shared corpus (parsed once)."""
    return parsed_corpus(retsinfo)


def _pg_admin_url() -> str | None:
    url = os.environ.get("LOVSPOR_TEST_PG_URL")
    if not url and os.environ.get("CI"):
        raise RuntimeError("CI: LOVSPOR_TEST_PG_URL is not set (scripts/services.sh starts it)")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lovspor.sqlite'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    admin = _pg_admin_url()
    if not admin:
        pytest.skip("no PostgreSQL server (set LOVSPOR_TEST_PG_URL)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from db.session import normalise_url

    admin = normalise_url(admin)
    name = f"lovspor_test_{uuid.uuid4().hex[:10]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    from db.session import engine_for

    for cached in [engine_for]:
        cached.cache_clear()
    with eng.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def lta_corpus(shared: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """`pick(*elis)` → the XML files of those ELIs from ../shared/corpus's xz archive (read
    once per session, only the members asked for are written; never committed)."""
    import tarfile

    archive = shared / "corpus" / "lta-2010-2013.tar.xz"
    if not archive.is_file():
        pytest.fail(f"{archive} missing: the shared corpus archive is part of ../shared")
    root = tmp_path_factory.mktemp("lta-corpus")
    done: dict[str, Path] = {}

    def pick(*elis: str) -> list[Path]:
        want = {f"lta-2010-2013/{e.split('/')[1]}/{e.split('/')[1]}-{e.split('/')[2]}.xml": e
                for e in elis if e not in done}
        if want:
            with tarfile.open(archive, "r:xz") as tar:
                for member in tar:
                    if member.name in want:
                        tar.extract(member, root, filter="data")
                        done[want.pop(member.name)] = root / member.name
                    if not want:
                        break
            if want:
                pytest.fail(f"not in the corpus archive: {sorted(want.values())}")
        return [done[e] for e in elis]

    return pick

"""Where things live: the database, the shared reference data, the live sources."""

from __future__ import annotations

import os
from pathlib import Path

from crawler.options import DEFAULT_API_URL, DEFAULT_BASE_URL

__all__ = ["DATA_DIR", "DEFAULT_API_URL", "DEFAULT_BASE_URL", "default_database_url"]
DATA_DIR = Path(os.environ.get("LOVSPOR_DATA_DIR", Path.cwd() / "data"))


def default_database_url() -> str:
    """`LOVSPOR_DATABASE_URL` wins; else a SQLite file under ./data (created on demand)."""
    url = os.environ.get("LOVSPOR_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{DATA_DIR / 'lovspor.sqlite'}"


class SharedDataMissing(RuntimeError):
    pass


def shared_dir(required: bool = False) -> Path | None:
    """The shared real-data folder: `LOVSPOR_SHARED` or ../shared beside the checkout.

    None when it is missing, unless `required`. (The test suite refuses to run under CI
    without it: tests/conftest.py.)
    """
    env = os.environ.get("LOVSPOR_SHARED")
    path = Path(env) if env else Path(__file__).resolve().parent.parent.parent / "shared"
    if path.is_dir() and (path / "retsinfo").is_dir():
        return path
    if required:
        raise SharedDataMissing(
            f"shared data folder not found at {path} (set LOVSPOR_SHARED to the folder that "
            "holds retsinfo/ and impact/)"
        )
    return None

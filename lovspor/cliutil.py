"""What every command shares: the --db and --json options, errors, JSON out, dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from lovspor.settings import default_database_url

err = Console(stderr=True)

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class _State:
    """Per invocation: `--debug`, and which database (and from which argument) is in use, so
    an error deep inside SQLAlchemy can still name the file or server the user gave."""

    debug: bool = False
    db_arg: str = "--db"
    db_url: str | None = None


state = _State()


def begin(debug: bool) -> None:
    """Fresh state for one invocation (CliRunner runs many in one process)."""
    global state
    state = _State(debug=debug)


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file or postgresql://…). "
        "Default: $LOVSPOR_DATABASE_URL or ./data/lovspor.sqlite",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


class DatabaseArgumentError(ValueError):
    """A `--db` value that cannot work; its message names the argument."""


Bad = DatabaseArgumentError


def db_url(value: str | None, *, write: bool, quiet: bool = False) -> str:
    """The normalised database URL of `--db` (or its default), checked before any engine is
    made: a bad value is one `Fejl:` line, not a driver traceback.

    Read-only commands (`write=False`) never create anything: a missing SQLite file is an
    error. Writing commands may create the file, but only the built-in default
    (./data/lovspor.sqlite) gets its folder created; a typo in an explicit path must not
    leave new folders behind. `quiet` raises DatabaseArgumentError instead of exiting, for a
    command to which the database is optional (diff of two files).
    """
    try:
        return _checked_url(value, write=write)
    except DatabaseArgumentError as exc:
        if quiet:
            raise
        fail(str(exc))


def _checked_url(value: str | None, *, write: bool) -> str:
    from sqlalchemy.engine import make_url

    from db.session import DatabaseUrlError, normalise_url, redact

    env = os.environ.get("LOVSPOR_DATABASE_URL")
    arg = "--db" if value is not None else ("LOVSPOR_DATABASE_URL" if env else "--db (standard)")
    state.db_arg = arg
    raw = value if value is not None else default_database_url()
    if not raw.strip():
        raise Bad(f"{arg}: tom / empty (sqlite:///sti/fil.sqlite, postgresql://… or a file path)")
    try:
        url = normalise_url(raw)
    except DatabaseUrlError as exc:
        raise Bad(f"{arg}: {exc}") from exc
    state.db_url = url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database:
            raise Bad(
                f"{arg}: {redact(raw)} nævner ingen fil / names no file (sqlite:///sti/fil.sqlite)"
            )
        if parsed.database != ":memory:":
            _check_sqlite_file(arg, Path(parsed.database), write=write, builtin=not (value or env))
    return url


def _check_sqlite_file(arg: str, path: Path, *, write: bool, builtin: bool) -> None:
    if path.is_dir():
        raise Bad(
            f"{arg}: {path} er en mappe, ikke en SQLite-database / is a folder, not a "
            "SQLite database"
        )
    if path.exists():
        if not path.is_file():
            raise Bad(f"{arg}: {path} er ikke en almindelig fil / is not a regular file")
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise Bad(f"{arg}: kan ikke læse / cannot read {path}: {exc.strerror or exc}") from exc
        if head and head != SQLITE_MAGIC:  # an empty file is a new database to SQLite
            raise Bad(f"{arg}: {path} er ikke en SQLite-database / is not a SQLite database")
        return
    if not write:
        raise Bad(
            f"{arg}: ingen database på {path} — kør `lovspor import` eller `lovspor crawl` "
            f"først / no database at {path} — run `lovspor import` or `lovspor crawl` first"
        )
    parent = path.parent
    if parent.is_dir():
        return
    if parent.exists():
        raise Bad(f"{arg}: {parent} er ikke en mappe / is not a folder")
    if not builtin:
        raise Bad(
            f"{arg}: mappen {parent} findes ikke — opret den først / folder {parent} does "
            "not exist — create it first"
        )
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Bad(
            f"{arg}: kan ikke oprette / cannot create {parent}: {exc.strerror or exc}"
        ) from exc


#: A word of an error message longer than this (a 5,000-character argument) is clipped.
MAX_WORD = 120


def readable(message: str) -> str:
    """`message` fit for one terminal line: bytes that were not UTF-8 in an argument (Python
    keeps them as surrogates) shown as \\xNN, words longer than MAX_WORD clipped with their
    length, and line breaks folded."""
    text = message.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    # The same bytes inside a repr() ('\\udcff'): surrogateescape maps byte NN to U+DCNN.
    text = re.sub(r"\\udc([89a-f][0-9a-f])", r"\\x\1", text)
    words = []
    for word in text.split():
        if len(word) > MAX_WORD:
            word = f"{word[: MAX_WORD // 2]}…({len(word)} tegn/chars)"
        words.append(word)
    return " ".join(words)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line `Fejl: message` on stderr and exit `code` (message is plain text)."""
    err.print(f"[bold red]Fejl:[/] {escape(readable(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def crash(exc: Exception, command: str | None) -> NoReturn:
    """An exception no command handled: one `Fejl:` line (exit 1); the traceback above it only
    with `--debug`. Called by the one place that catches them, lovspor.cli.LovsporGroup."""
    if state.debug:
        traceback.print_exception(exc, file=sys.stderr)
    hint = "" if state.debug else " (`lovspor --debug …` viser detaljer / shows the traceback)"
    fail(explain(exc, command) + hint)


def _line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")


def explain(exc: BaseException, command: str | None) -> str:
    """Plain words for an unexpected exception, naming the argument or file where known."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        return _explain_db(exc)
    if type(exc).__module__.startswith("alembic"):
        return f"{state.db_arg}: databasens skema / the database schema: {_line(str(exc))}"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or _line(str(exc))}"
    if isinstance(exc, UnicodeEncodeError) and "surrogate" in exc.reason:
        # An argument held bytes that are not UTF-8 and reached a database or a file.
        return (
            f"argumentet / the argument '{exc.object}' er ikke gyldig UTF-8 / is not valid "
            "UTF-8 text"
        )
    text = _line(str(exc))
    where = f"lovspor {command}" if command else "lovspor"
    return f"{where}: {type(exc).__name__}" + (f": {text}" if text else "")


def _explain_db(exc: Any) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    arg = state.db_arg
    reason = _line(str(exc.orig if exc.orig is not None else exc))
    parsed = make_url(state.db_url) if state.db_url else None
    backend = parsed.get_backend_name() if parsed else None
    if backend == "postgresql" and isinstance(exc, OperationalError) and exc.statement is None:
        # No statement: the connection itself failed (refused, unknown host, bad password).
        where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
        why = reason.rsplit("failed: ", 1)[-1].strip()
        return (
            f"{arg}: kan ikke forbinde til PostgreSQL på {where} / cannot connect to "
            f"PostgreSQL at {where} ({why})"
        )
    if backend == "sqlite":
        path = parsed.database
        if "file is not a database" in reason:
            return f"{arg}: {path} er ikke en SQLite-database / is not a SQLite database ({reason})"
        if "malformed" in reason:
            return (
                f"{arg}: {path} er ikke en hel SQLite-database / is not a complete SQLite "
                f"database ({reason})"
            )
        if "unable to open database file" in reason:
            return f"{arg}: kan ikke åbne / cannot open {path} ({reason})"
        return f"{arg}: {path}: databasefejl / database error: {reason}"
    return f"{arg}: databasefejl / database error: {reason}"


def warn(lines: list[str]) -> None:
    for line in lines:
        err.print(f"[yellow]Advarsel:[/] {line}", highlight=False, soft_wrap=True)


def dump_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def parse_date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: forventede en dato / expected a date as YYYY-MM-DD, fik / got {value!r}")



def quarter(value: str | None, *, next_quarter: bool, name: str = "--quarter") -> (
    tuple[dt.date, dt.date] | None
):
    """`--quarter 2017Q1` or `--next-quarter` (after `lovspor.dates.today()`) as (first day,
    last day); None if neither is given."""
    from lovspor import dates

    if value and next_quarter:
        fail(f"{name} og / and --next-quarter: vælg én / choose one")
    try:
        if next_quarter:
            return dates.next_quarter(dates.today())
        if value:
            return dates.parse_quarter(value)
    except ValueError as exc:
        fail(f"{name if value else '--next-quarter'}: {exc}")
    return None

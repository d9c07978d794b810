"""What every command shares: the --db and --json options, errors, JSON out, dates."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from lovspor.settings import default_database_url

err = Console(stderr=True)

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file or postgresql://…). "
        "Default: $LOVSPOR_DATABASE_URL or ./data/lovspor.sqlite",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def db_url(value: str | None) -> str:
    return value or default_database_url()


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]Fejl:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


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

"""Every CLI failure is one `Fejl:` line naming the argument or file, never a traceback
(unless `--debug`), and read-only commands never create databases or folders.

The databases here are real: the shared retsinformation documents imported, then broken the
way disks and typos break them (a truncated file, a text file, a folder, a dead server).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lovspor.cli import app

READ_ONLY = (
    ["laws"],
    ["show", "lta/2016/1270"],
    ["changes", "--law", "serviceloven"],
    ["stats"],
    ["impact"],
    ["graph"],
    ["act", "lta/2016/171"],
    ["consolidate", "--law", "serviceloven"],
    ["dashboard", "--port", "1"],
)


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def _one_error_line(res, *needles: str) -> str:  # type: ignore[no-untyped-def]
    """The result is exit 1 with one `Fejl:` line that contains every needle."""
    assert res.exit_code == 1, (res.exit_code, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Fejl: "), res.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, retsinfo: Path) -> Path:
    """A real database: the shared retsinformation documents imported."""
    path = tmp_path_factory.mktemp("clierr") / "lovspor.sqlite"
    res = _run("import", str(retsinfo), "--db", str(path))
    assert res.exit_code == 0, res.stderr
    return path


# ------------------------------------------------------------------ --db values that cannot work


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("postgresql://h:notaport/x", "is not a database URL"),
        ("postgresql://x:y@[::1", "is not a database URL"),
        ("foo://x", "unknown scheme 'foo'"),
        ("mysql://u@h/x", "unknown scheme 'mysql'"),
        ("sqlite://", "names no file"),
        ("  ", "empty"),
    ],
)
def test_malformed_or_unknown_url(value: str, needle: str) -> None:
    _one_error_line(_run("laws", "--db", value), "--db", needle)


def test_password_never_printed() -> None:
    line = _one_error_line(_run("laws", "--db", "postgresql://u:hemmelig@h:notaport/x"))
    assert "hemmelig" not in line and "***" in line


def test_folder_as_database(tmp_path: Path) -> None:
    for cmd in (["laws"], ["import", str(tmp_path)]):
        _one_error_line(_run(*cmd, "--db", str(tmp_path)), str(tmp_path), "is a folder")


def test_text_file_as_database(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("not a database\n" * 20)
    for cmd in (["laws"], ["analyze"], ["import", str(tmp_path)]):
        _one_error_line(_run(*cmd, "--db", str(f)), str(f), "is not a SQLite database")
    assert f.read_text() == "not a database\n" * 20  # untouched


def test_garbage_after_the_sqlite_header(tmp_path: Path) -> None:
    f = tmp_path / "fake.sqlite"
    f.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    _one_error_line(_run("laws", "--db", str(f)), str(f), "is not a SQLite database")


@pytest.mark.parametrize("cmd", [["laws"], ["changes", "--law", "serviceloven"], ["analyze"]])
def test_truncated_database(tmp_path: Path, imported: Path, cmd: list[str]) -> None:
    broken = tmp_path / "broken.sqlite"
    data = imported.read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    _one_error_line(_run(*cmd, "--db", str(broken)), str(broken), "SQLite")


@pytest.mark.postgres
def test_unreachable_postgresql() -> None:
    line = _one_error_line(
        _run("laws", "--db", "postgresql://u:pw@127.0.0.1:1/lovspor"),
        "--db",
        "cannot connect to PostgreSQL at 127.0.0.1:1",
    )
    assert ":pw@" not in line


# ------------------------------------------------------------------ nothing created by reading


@pytest.mark.parametrize("cmd", READ_ONLY, ids=lambda c: c[0])
def test_read_only_commands_create_nothing(tmp_path: Path, cmd: list[str]) -> None:
    target = tmp_path / "new" / "lovspor.sqlite"
    _one_error_line(_run(*cmd, "--db", str(target)), str(target), "lovspor import")
    assert not (tmp_path / "new").exists()
    target = tmp_path / "absent.sqlite"
    _one_error_line(_run(*cmd, "--db", f"sqlite:///{target}"), str(target))
    assert not target.exists()


def test_explicit_path_in_missing_folder_is_an_error(tmp_path: Path, retsinfo: Path) -> None:
    target = tmp_path / "typo" / "lovspor.sqlite"
    _one_error_line(
        _run("import", str(retsinfo), "--db", str(target)), str(tmp_path / "typo"), "create it"
    )
    assert not (tmp_path / "typo").exists()


def test_environment_url_counts_as_explicit(
    tmp_path: Path, retsinfo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOVSPOR_DATABASE_URL", f"sqlite:///{tmp_path}/typo/x.sqlite")
    _one_error_line(_run("import", str(retsinfo)), "LOVSPOR_DATABASE_URL", "create it")
    assert not (tmp_path / "typo").exists()


def test_builtin_default_folder_is_created_only_by_writers(
    tmp_path: Path, retsinfo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOVSPOR_DATABASE_URL", raising=False)
    monkeypatch.setattr("lovspor.settings.DATA_DIR", tmp_path / "data")
    _one_error_line(_run("laws"), "--db (standard)", "lovspor import")
    assert not (tmp_path / "data").exists()
    res = _run("import", str(retsinfo / "eli" / "lta" / "2016" / "1270"))
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "data" / "lovspor.sqlite").is_file()
    assert _run("laws").exit_code == 0


# ------------------------------------------------------------------ odd arguments


def test_non_utf8_argument(imported: Path) -> None:
    bad = b"\xffsocial".decode("utf-8", "surrogateescape")  # what Python makes of such argv
    _one_error_line(_run("stats", "--law", bad, "--db", str(imported)), "\\xffsocial")
    _one_error_line(_run("show", bad, "--db", str(imported)), "\\xffsocial")
    _one_error_line(_run("import", f"/nowhere/{bad}.xml", "--db", str(imported)), "\\xffsocial")


def test_argument_too_long_for_a_file_name(tmp_path: Path, imported: Path) -> None:
    long = "a" * 5000
    for cmd in (["import", long, "--db", str(imported)], ["laws", "--db", long]):
        line = _one_error_line(_run(*cmd), "tegn/chars")
        assert len(line) < 400
    assert not any(p.name.startswith("aaaa") for p in tmp_path.iterdir())


# ------------------------------------------------------------------ the catch-all and --debug


def test_unexpected_exception_is_one_line_and_debug_shows_it(
    imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("kaputt\nsecond line")

    monkeypatch.setattr("lovspor.queries.laws_overview", boom)
    _one_error_line(_run("laws", "--db", str(imported)), "lovspor laws: RuntimeError: kaputt")
    res = _run("--debug", "laws", "--db", str(imported))
    assert res.exit_code == 1
    assert "Traceback" in res.stderr and "Fejl: lovspor laws: RuntimeError: kaputt" in res.stderr


def test_real_entry_point_prints_one_line(tmp_path: Path) -> None:
    """The console script as a user runs it (a fresh interpreter, real stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "lovspor.cli", "laws", "--db", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Fejl: --db:") and "Traceback" not in proc.stderr

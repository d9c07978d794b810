"""Download payloads: the DataFrame a page shows as CSV, Parquet or Excel, and a consistent
copy of the SQLite database. Pure functions (no Streamlit) so tests can read them back."""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

MIME = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sqlite": "application/vnd.sqlite3",
}


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens æøå right; exactly the rows and columns given."""
    return df.to_csv(index=False).encode("utf-8-sig")


def to_parquet(df: pd.DataFrame, meta: Mapping[str, object] | None = None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    if meta:
        md = dict(table.schema.metadata or {})
        md[b"lovspor"] = json.dumps(meta, ensure_ascii=False, default=str).encode()
        table = table.replace_schema_metadata(md)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def to_xlsx(df: pd.DataFrame, rules: Mapping[str, str] | None = None) -> bytes:
    """One sheet with the data; a second sheet with the counting rules, when given."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name="data", index=False)
        if rules:
            pd.DataFrame(
                [{"regel": k, "beskrivelse": v} for k, v in rules.items()]
            ).to_excel(xw, sheet_name="regler", index=False)
    return buf.getvalue()


def sqlite_snapshot(path: Path) -> bytes:
    """A consistent copy of a live SQLite database (the backup API, so a running crawl's
    WAL is included and nothing half-written leaks into the file)."""
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lovspor.sqlite"
        dst = sqlite3.connect(out)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return out.read_bytes()

"""Danish presentation helpers: dates, § notation, act citations and escaped redline HTML.

Pure functions (no Streamlit) so they are unit-testable. Every piece of stored text that
ends up in HTML goes through `html.escape` here: law text is data, never markup, and a
provision may contain ``<script>``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from lawdiff import keys

MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)

KIND_DA = {
    "inserted": "indsat",
    "repealed": "ophævet",
    "amended": "ændret",
    "renumbered": "omnummereret",
}
KIND_FROM_DA = {v: k for k, v in KIND_DA.items()}

ATTRIBUTION_DA = {
    "exact": "præcis (ændringsnummer)",
    "sunset": "tidsbegrænset bestemmelse udløbet (ikrafttrædelsesbestemmelse)",
    "paragraph": "samme paragraf (bedste ændringsnummer)",
    "act": "kun ændringsloven kendt",
    "no_act": "ingen ændringslov bag (fx nyt ministernavn, redaktionel rettelse)",
    "unattributed": "ikke henført",
    "ahead": "uofficiel: ændringsnummeret anvendt af Lovspor (endnu ikke konsolideret)",
    "none": "ukendt",
    None: "ukendt",
}

RETSINFO = "https://www.retsinformation.dk"

esc = html.escape


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime, a pandas Timestamp or an ISO string (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp; NaT fails the isna check below
        try:
            return value.to_pydatetime().date()
        except ValueError:
            return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def danish_date(value: Any, empty: str = "–") -> str:
    """``2016-06-08`` → ``8. juni 2016`` (the form the acts themselves use)."""
    d = as_date(value)
    if d is None:
        return empty
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def eli_url(eli: str | None) -> str | None:
    """``lta/2016/171`` → ``https://www.retsinformation.dk/eli/lta/2016/171``."""
    if not eli:
        return None
    m = re.fullmatch(r"(?:eli/)?(lta|accn)/(.+?)/?", eli.strip())
    return f"{RETSINFO}/eli/{m.group(1)}/{m.group(2)}" if m else None


def act_citation(
    label: str | None, section: str | None = None, item: str | None = None, eli: str | None = None
) -> str:
    """``lov nr. 171 af 27. februar 2016, § 1, nr. 1`` — the way a jurist cites an item."""
    label, section, item, eli = (text_or_none(v) for v in (label, section, item, eli))
    base = (label or "").strip() or (eli or "")
    if not base:
        return ""
    parts = [base]
    if section:
        parts.append(section)
    if item:
        parts.append(f"nr. {item}")
    return ", ".join(parts)


def text_or_none(value: Any) -> str | None:
    """A stored string, or None for SQL NULL (which pandas may hand over as NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def kind_da(kind: str | None) -> str:
    return KIND_DA.get(kind or "", kind or "")


def provision_label(old_key: str | None, new_key: str | None) -> str:
    """``§ 81 a, stk. 2`` or ``stk. 3 → stk. 4`` style for a renumbered provision."""
    old_key, new_key = text_or_none(old_key), text_or_none(new_key)
    if old_key and new_key and old_key != new_key:
        return f"{old_key} → {new_key}"
    return new_key or old_key or ""


paragraph_sort_key = keys.sort_key  # one natural order for every stage


# --------------------------------------------------------------------------- redline HTML

_STYLE = {
    "delete": "background:#fde2e2;color:#8a1111;text-decoration:line-through",
    "insert": "background:#dcf5dc;color:#0b5d1e;text-decoration:underline",
}
BOX = (
    "font-family:Georgia,serif;line-height:1.55;padding:.6rem .8rem;border:1px solid #ddd;"
    "border-radius:6px;white-space:pre-wrap;margin-bottom:.5rem"
)


def _span(op: str, text: str) -> str:
    tag = "del" if op == "delete" else "ins"
    return f'<{tag} style="{_STYLE[op]}">{esc(text)}</{tag}>'


def ops_from_json(ops: Any) -> list[tuple[str, str]]:
    """The stored ``[[op, text], …]`` JSON as tuples (tolerates None and tuples)."""
    out: list[tuple[str, str]] = []
    for pair in ops or ():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            out.append((str(pair[0]), str(pair[1])))
        elif hasattr(pair, "op"):
            out.append((pair.op, pair.text))
    return out


def redline_inline(ops: Sequence[tuple[str, str]]) -> str:
    """One text: deleted words struck red, inserted words underlined green."""
    return "".join(esc(t) if op == "equal" else _span(op, t) for op, t in ops)


def redline_sides(ops: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """(old, new) HTML: the old text with its deletions marked, the new with insertions."""
    old = "".join(esc(t) if op == "equal" else _span(op, t) for op, t in ops if op != "insert")
    new = "".join(esc(t) if op == "equal" else _span(op, t) for op, t in ops if op != "delete")
    return old, new


def change_ops(kind: str, old_text: str, new_text: str, ops: Any) -> list[tuple[str, str]]:
    """The ops to draw: stored word diff, else the whole text inserted or deleted."""
    pairs = ops_from_json(ops)
    if pairs:
        return pairs
    if kind == "inserted" or not old_text:
        return [("insert", new_text)] if new_text else []
    if kind == "repealed" or not new_text:
        return [("delete", old_text)] if old_text else []
    if old_text == new_text:
        return [("equal", new_text)]
    return [("delete", old_text), ("insert", new_text)]


def box(inner_html: str, title: str | None = None) -> str:
    """Wrap already-escaped HTML in a bordered box; the title is escaped here."""
    head = f'<div style="font:600 .8rem sans-serif;color:#555">{esc(title)}</div>' if title else ""
    body = inner_html or '<span style="color:#999">(ingen tekst)</span>'
    return f'{head}<div style="{BOX}">{body}</div>'


def side_by_side(ops: Sequence[tuple[str, str]], left: str = "Før", right: str = "Efter") -> str:
    old, new = redline_sides(ops)
    cell = "flex:1;min-width:0"
    return (
        '<div style="display:flex;gap:1rem">'
        f'<div style="{cell}">{box(old, left)}</div>'
        f'<div style="{cell}">{box(new, right)}</div></div>'
    )


def plain_html(text: str) -> str:
    return esc(text)


def join_texts(rows: Iterable[tuple[str, str]]) -> str:
    """A subtree's text in document order: ``label text`` per provision, one per line."""
    return "\n".join(f"{label} {text}".strip() for label, text in rows)


def paragraph_key_input(text: str) -> str:
    """What a user types into a key field → the stored key form: ``§81a, stk 2`` →
    ``§ 81 a, stk. 2`` (empty stays empty)."""
    k = (text or "").replace("\u00a0", " ").strip()
    if not k:
        return ""
    if k[0].isdigit():
        k = "§ " + k
    return keys.canonical(k).rstrip(".")


_CHANGE_LABEL = re.compile(
    r"^(?:change: )?(?P<law>\S+) (?P<key>.+?) (?P<kind>inserted|repealed|amended|renumbered)"
    r"(?: by (?P<act>.*))?$"
)


def change_label_da(label: str) -> str:
    """The graph library's change label ("change: serviceloven § 32 a inserted by lov nr. 379
    af 27. april 2016, § 1, nr. 4") in Danish, for the Konsekvenser page."""
    m = _CHANGE_LABEL.match(label)
    if not m:
        return label
    act = f" ved {m['act']}" if m["act"] else ""
    return f"{m['law']} {m['key']} {KIND_DA[m['kind']]}{act}"

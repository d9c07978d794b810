"""Tokenising Danish legal text for word-level diffs.

Tokens cover the text exactly (whitespace is a token too), so joining the "equal" and
"insert" operations of a diff gives the new text byte for byte and "equal" + "delete" the
old one: a redline can never silently lose or invent a character.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lawdiff.model import TokenOp

# Order matters: abbreviations keep their period ("stk.", "nr."), numbers keep their
# thousands/decimal separators ("1.000", "2,5"), "§§" is one token, anything else that is
# not a letter, digit or blank (punctuation, quotes »«, dashes) is a token of its own.
_TOKEN = re.compile(
    r"""
    \s+
  | §+
  | (?:stk|nr|pkt|jf|litra|kap|bek|lbk)\.(?!\w)
  | \d+(?:[.,]\d+)*
  | [^\W\d_]+(?:-[^\W\d_]+)*
  | \S
    """,
    re.VERBOSE | re.IGNORECASE,
)

_WORD = re.compile(r"[^\W_]+")


def tokenize(text: str) -> list[str]:
    """Split text into tokens whose concatenation is exactly `text`."""
    return _TOKEN.findall(text)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters/digits (so "§ 81 a" is two)."""
    return len(_WORD.findall(text))


def _merge(ops: list[tuple[str, str]]) -> tuple[TokenOp, ...]:
    out: list[list[str]] = []
    for op, text in ops:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])
    return tuple(TokenOp(op, text) for op, text in out)


EXACT_TOKENS = 2_000
"""Middles up to this many tokens per side get difflib's exact matching (quadratic)."""

MAX_TOKENS = 20_000
"""Above this per side, the middle is one struck and one inserted run: a 10 MB text node
must not cost minutes. Real provisions stay far below (a long § is a few thousand tokens)."""


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    if max(len(a), len(b)) > MAX_TOKENS:
        return [("replace", 0, len(a), 0, len(b))]
    # autojunk ignores tokens in over 1 % of the text (blanks, "og", "§"): near-linear and
    # still word-accurate on long texts; exact matching for ordinary ones.
    autojunk = max(len(a), len(b)) > EXACT_TOKENS
    return SequenceMatcher(None, a, b, autojunk=autojunk).get_opcodes()


LONG_TEXT = 100_000
"""Texts longer than this (characters) have their common head and tail cut off by plain
string comparison before tokenising: a one-word change in a 10 MB text node then costs a
few slices instead of tokenising megabytes."""

MAX_CHARS = 1_000_000
"""A middle still longer than this per side is one struck and one inserted run, untokenised
(MAX_TOKENS would make it that anyway)."""


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix: binary search over slice comparisons (C speed)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _starts_token(text: str, p: int) -> bool:
    """A blank that follows a non-blank always starts a token, whatever the other rules."""
    return text[p].isspace() and not text[p - 1].isspace()


def _long_diff(a: str, b: str) -> tuple[TokenOp, ...]:
    """word_diff of long texts: the common head and tail (cut where a token starts, inside
    the common part, so no word is split) are equal runs; only the middle is tokenised."""
    head = _common_prefix(a, b)
    if head < min(len(a), len(b)):
        p = head - 1
        while p > 0 and head - p < 10_000 and not _starts_token(a, p):
            p -= 1
        head = p if p > 0 and _starts_token(a, p) else 0
    tail = _common_prefix(a[head:][::-1], b[head:][::-1])
    if tail < min(len(a), len(b)) - head:
        q = len(a) - tail + 1
        while q < len(a) and q - (len(a) - tail) < 10_000 and not _starts_token(a, q):
            q += 1
        tail = len(a) - q if q < len(a) and _starts_token(a, q) else 0
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    ops: list[tuple[str, str]] = [("equal", a[:head])]
    if max(len(mid_a), len(mid_b)) > MAX_CHARS:
        ops += [("delete", mid_a), ("insert", mid_b)]
    else:
        ops += [(o.op, o.text) for o in _word_diff(mid_a, mid_b)]
    ops.append(("equal", a[len(a) - tail :]))
    return _merge(ops)


def word_diff(a: str, b: str) -> tuple[TokenOp, ...]:
    """Word-level diff of two texts as equal/delete/insert operations.

    A blank between two changes is folded into them (deleted and re-inserted), so a
    rewritten phrase reads as one struck run and one inserted run, not a word salad.
    """
    if a == b:
        return (TokenOp("equal", a),) if a else ()
    if max(len(a), len(b)) > LONG_TEXT:
        return _long_diff(a, b)
    return _word_diff(a, b)


def _word_diff(a: str, b: str) -> tuple[TokenOp, ...]:
    if a == b:
        return (TokenOp("equal", a),) if a else ()
    ta, tb = tokenize(a), tokenize(b)
    # Most amendments touch a few words: match the common head and tail directly and let
    # difflib (quadratic-ish) see only the middle.
    lo, hi_a, hi_b = 0, len(ta), len(tb)
    while lo < hi_a and lo < hi_b and ta[lo] == tb[lo]:
        lo += 1
    while hi_a > lo and hi_b > lo and ta[hi_a - 1] == tb[hi_b - 1]:
        hi_a -= 1
        hi_b -= 1
    raw: list[tuple[str, str, str]] = []  # (op, old part, new part)
    if lo:
        head = "".join(ta[:lo])
        raw.append(("equal", head, head))
    for tag, i1, i2, j1, j2 in _opcodes(ta[lo:hi_a], tb[lo:hi_b]):
        old, new = "".join(ta[lo + i1 : lo + i2]), "".join(tb[lo + j1 : lo + j2])
        if tag == "equal":
            raw.append(("equal", old, new))
        else:
            raw.append(("change", old, new))
    if hi_a < len(ta):
        tail = "".join(ta[hi_a:])
        raw.append(("equal", tail, tail))
    # Fold whitespace-only equal runs that sit between two changes.
    folded: list[tuple[str, str, str]] = []
    for i, item in enumerate(raw):
        if (
            item[0] == "equal"
            and item[1].isspace()
            and 0 < i < len(raw) - 1
            and raw[i - 1][0] == "change"
            and raw[i + 1][0] == "change"
        ):
            item = ("change", item[1], item[2])
        if folded and folded[-1][0] == "change" and item[0] == "change":
            prev = folded.pop()
            item = ("change", prev[1] + item[1], prev[2] + item[2])
        folded.append(item)
    ops: list[tuple[str, str]] = []
    for op, old, new in folded:
        if op == "equal":
            ops.append(("equal", old))
        else:
            ops.append(("delete", old))
            ops.append(("insert", new))
    return _merge(ops)


def old_text(ops: tuple[TokenOp, ...] | list[TokenOp]) -> str:
    """The text before the change: "equal" + "delete" operations."""
    return "".join(o.text for o in ops if o.op != "insert")


def new_text(ops: tuple[TokenOp, ...] | list[TokenOp]) -> str:
    """The text after the change: "equal" + "insert" operations."""
    return "".join(o.text for o in ops if o.op != "delete")


def similarity_of(ops: tuple[TokenOp, ...]) -> float:
    """Share of characters kept: 2·equal / (len old + len new), as difflib's ratio."""
    total = len(old_text(ops)) + len(new_text(ops))
    if total == 0:
        return 1.0
    return 2 * sum(len(o.text) for o in ops if o.op == "equal") / total

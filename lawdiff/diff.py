"""Provision-by-provision diff of two versions of a law, and its renderings.

Two levels, because a word diff of a whole act is slow and unreadable: first align
provisions, then word-diff only the pairs whose text differs. § numbers never renumber
(inserted §§ get letters), so §§ align by key; stykker, nr. and litra *do* renumber, also
silently, so below the § they align by key and by content (rapidfuzz), which turns "new
stk. 2 inserted, old stk. 3 is now stk. 4" into one insertion and one renumbering instead of
a cascade of amendments. A § whose subtree is unchanged costs one list comparison.

Any two versions can be compared (not only neighbours): nothing here depends on order.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from lawdiff.model import ChangeKind, Level, Provision, ProvisionChange, TokenOp
from lawdiff.tokens import new_text, old_text, similarity_of, word_diff

__all__ = [
    "REPEALED_TEXT",
    "apply_changes",
    "change_to_dict",
    "diff_versions",
    "new_text",
    "old_text",
    "render_html",
    "render_text",
    "revert_changes",
    "summary",
    "to_json",
    "word_diff",
]

REPEALED_TEXT = "(Ophævet)"  # what a consolidated act prints where a provision was repealed

# A renumbered piece must be at least this similar to its old self (rapidfuzz ratio, 0-100);
# under the same number a weaker likeness is enough (it is the same slot, rewritten).
MOVE_CUTOFF = 60.0
SAME_NUMBER_CUTOFF = 30.0
SAME_NUMBER_BONUS = 15.0


def _is_repealed(text: str) -> bool:
    if len(text) > 4 * len(REPEALED_TEXT):  # no copies of a 10 MB text to learn it is not
        return False
    return text.strip().rstrip(".").lower() == REPEALED_TEXT.rstrip(".").lower()


def _rel(p: Provision) -> str:
    """The provision's own part of its key ("stk. 2" of "§ 5, stk. 2")."""
    if p.parent and p.key.startswith(p.parent + ", "):
        return p.key[len(p.parent) + 2 :]
    return p.key


def _groups(provs: Sequence[Provision]) -> dict[str, list[Provision]]:
    out: dict[str, list[Provision]] = {}
    for p in provs:
        out.setdefault(p.key.split(",", 1)[0], []).append(p)
    return out


def _merged_order(old_keys: Sequence[str], new_keys: Sequence[str]) -> list[str]:
    """New order, with keys only in `old` placed after their nearest old predecessor."""
    new_set = set(new_keys)
    after: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for k in old_keys:
        if k in new_set:
            anchor = k
        else:
            after.setdefault(anchor, []).append(k)
    out = list(after.get(None, ()))
    for k in new_keys:
        out.append(k)
        out.extend(after.get(k, ()))
    return out


@dataclass(slots=True)
class _Tree:
    provs: list[Provision]
    children: dict[str | None, list[Provision]]

    @classmethod
    def of(cls, provs: list[Provision]) -> _Tree:
        keys = {p.key for p in provs}
        children: dict[str | None, list[Provision]] = {}
        for p in provs:
            parent = p.parent if p.parent in keys else None
            children.setdefault(parent, []).append(p)
        return cls(provs, children)

    def kids(self, key: str | None) -> list[Provision]:
        return self.children.get(key, [])

    def subtree(self, p: Provision) -> Iterable[Provision]:
        yield p
        for c in self.kids(p.key):
            yield from self.subtree(c)


def _align(
    olds: list[Provision], news: list[Provision]
) -> tuple[list[tuple[Provision, Provision]], list[Provision], list[Provision]]:
    """Pair siblings: same number and text; same text (a move); similar text in order;
    same number in order (a rewrite)."""
    pairs: list[tuple[Provision, Provision]] = []
    o_left = list(range(len(olds)))
    n_left = list(range(len(news)))

    taken: list[tuple[int, int]] = []

    def take(i: int, j: int) -> None:
        pairs.append((olds[i], news[j]))
        taken.append((i, j))
        o_left.remove(i)
        n_left.remove(j)

    def in_order(i: int, j: int) -> bool:
        """A merely similar pair must not cross an accepted one: stykker keep their order,
        so a crossing match is a new stk. that resembles a repealed one, not the same."""
        return all((a < i) == (b < j) for a, b in taken)

    def compatible(i: int, j: int) -> bool:
        return olds[i].level is news[j].level

    # 1. Unchanged: same number, same text (the common case, decided by string equality).
    new_by_rel = {_rel(news[j]): j for j in n_left}
    for i in list(o_left):
        j = new_by_rel.get(_rel(olds[i]))
        if j is not None and j in n_left and compatible(i, j) and olds[i].text == news[j].text:
            take(i, j)
    # 2. Moved unchanged: same text under another number (silent renumbering).
    if o_left and n_left:
        by_text: dict[tuple[Level, str], list[int]] = {}
        for j in n_left:
            by_text.setdefault((news[j].level, news[j].text), []).append(j)
        for i in list(o_left):
            cands = by_text.get((olds[i].level, olds[i].text))
            if cands and not _is_repealed(olds[i].text) and olds[i].text:
                take(i, cands.pop(0))
    # 3. Similar text: the best pairs first, a shared number counting as a small bonus.
    if o_left and n_left:
        scored: list[tuple[float, int, int, int]] = []
        for i in o_left:
            for j in n_left:
                if not compatible(i, j):
                    continue
                same = _rel(olds[i]) == _rel(news[j])
                cutoff = SAME_NUMBER_CUTOFF if same else MOVE_CUTOFF
                r = fuzz.ratio(olds[i].text, news[j].text, score_cutoff=cutoff)
                if r and not (_is_repealed(olds[i].text) or _is_repealed(news[j].text)):
                    score = r + (SAME_NUMBER_BONUS if same else 0.0)
                    scored.append((-score, abs(i - j), min(i, j), i * 10_000 + j))
        scored.sort()
        for _, _, _, ij in scored:
            i, j = divmod(ij, 10_000)
            if i in o_left and j in n_left and in_order(i, j):
                take(i, j)
    # 4. Same number, nothing better: the slot was rewritten.
    if o_left and n_left:
        new_by_rel = {_rel(news[j]): j for j in n_left}
        for i in list(o_left):
            j = new_by_rel.get(_rel(olds[i]))
            if j is not None and j in n_left and compatible(i, j) and in_order(i, j):
                take(i, j)
    return pairs, [olds[i] for i in o_left], [news[j] for j in n_left]


def _change(
    kind: ChangeKind, o: Provision | None, n: Provision | None, ops: tuple[TokenOp, ...] = ()
) -> ProvisionChange:
    p = n or o
    assert p is not None
    if kind is ChangeKind.INSERTED or kind is ChangeKind.REPEALED:
        sim = 0.0
    else:
        sim = similarity_of(ops) if ops else 1.0
    return ProvisionChange(
        kind=kind,
        level=p.level,
        old_key=o.key if o else None,
        new_key=n.key if n else None,
        old_text=o.text if o else "",
        new_text=n.text if n else "",
        ops=ops,
        similarity=round(sim, 4),
    )


def _pair_change(o: Provision, n: Provision, report_implied: bool) -> ProvisionChange | None:
    same_text = o.text == n.text
    if o.key == n.key and same_text:
        return None
    ops = () if same_text else word_diff(o.text, n.text)
    if o.key != n.key:
        if _rel(o) != _rel(n):
            return _change(ChangeKind.RENUMBERED, o, n, ops)
        if same_text:  # moved only because its parent was renumbered
            return _change(ChangeKind.RENUMBERED, o, n) if report_implied else None
        return _change(ChangeKind.AMENDED, o, n, ops)
    if _is_repealed(n.text) and not _is_repealed(o.text):
        return _change(ChangeKind.REPEALED, o, n, ops)
    if _is_repealed(o.text) and not _is_repealed(n.text):
        return _change(ChangeKind.INSERTED, o, n, ops)
    return _change(ChangeKind.AMENDED, o, n, ops)


def _diff_group(
    og: list[Provision], ng: list[Provision], report_implied: bool
) -> list[tuple[float, ProvisionChange]]:
    """Changes within one § (both versions have it), with a sort position each."""
    ot, nt = _Tree.of(og), _Tree.of(ng)
    out: list[tuple[float, ProvisionChange]] = []
    new_pos_of_old: dict[str, int] = {}
    repealed: list[Provision] = []

    def walk(o_parent: str | None, n_parent: str | None) -> None:
        pairs, gone, came = _align(ot.kids(o_parent), nt.kids(n_parent))
        for o, n in pairs:
            new_pos_of_old[o.key] = n.position
            ch = _pair_change(o, n, report_implied)
            if ch is not None:
                out.append((float(n.position), ch))
            walk(o.key, n.key)
        for o in gone:
            repealed.extend(ot.subtree(o))
        for n in came:
            for p in nt.subtree(n):
                out.append((float(p.position), _change(ChangeKind.INSERTED, None, p)))

    walk(None, None)
    if repealed:
        gone_keys = {p.key for p in repealed}
        anchor = 0.0
        for p in og:  # document order: a repealed piece sits after its last kept predecessor
            if p.key in gone_keys:
                anchor += 1e-4
                out.append((anchor, _change(ChangeKind.REPEALED, p, None)))
            elif p.key in new_pos_of_old:
                anchor = new_pos_of_old[p.key] + 0.5
    return out


def diff_versions(
    old: Sequence[Provision], new: Sequence[Provision], *, report_implied: bool = False
) -> list[ProvisionChange]:
    """All provision changes from `old` to `new`, in reading order of the new version.

    Kinds: INSERTED, REPEALED (also when the text became "(Ophævet)"), AMENDED (with a word
    diff in ``ops``), RENUMBERED (own number changed; ``ops`` non-empty if the text changed
    too). Children of a renumbered stk. whose own number and text stay the same have moved
    only with their parent: they are left out unless ``report_implied`` (``apply_changes``
    moves them along). A child amended under a moved parent is AMENDED with two keys.
    """
    og, ng = _groups(old), _groups(new)
    changes: list[tuple[int, float, ProvisionChange]] = []
    for gi, pkey in enumerate(_merged_order(list(og), list(ng))):
        o_list, n_list = og.get(pkey), ng.get(pkey)
        if o_list is None:
            assert n_list is not None
            changes.extend((gi, 0.0, _change(ChangeKind.INSERTED, None, p)) for p in n_list)
        elif n_list is None:
            changes.extend((gi, 0.0, _change(ChangeKind.REPEALED, p, None)) for p in o_list)
        elif len(o_list) == len(n_list) and all(
            a.key == b.key and a.text == b.text for a, b in zip(o_list, n_list, strict=True)
        ):
            continue  # the hash-equal fast path: nothing in this § changed
        else:
            changes.extend((gi, pos, ch) for pos, ch in _diff_group(o_list, n_list, report_implied))
    changes.sort(key=lambda t: (t[0], t[1]))
    return [ch for _, _, ch in changes]


# --- applying a diff (the property the tests hold the differ to) ---------------------------


def _moves(changes: Iterable[ProvisionChange]) -> dict[str, str]:
    return {
        c.old_key: c.new_key for c in changes if c.old_key and c.new_key and c.old_key != c.new_key
    }


def _rekey(key: str, moves: Mapping[str, str]) -> str:
    """Carry a key along with its nearest moved ancestor ("§ 5, stk. 3, nr. 1" → stk. 4)."""
    parts = key.split(", ")
    for cut in range(len(parts) - 1, 0, -1):
        head = ", ".join(parts[:cut])
        if head in moves:
            return ", ".join([moves[head], *parts[cut:]])
    return key


def apply_changes(old: Sequence[Provision], changes: Sequence[ProvisionChange]) -> dict[str, str]:
    """Rebuild the new version's {key: text} from the old provisions and the changes.

    Texts of amended provisions are rebuilt from their ``ops`` (not copied), so this checks
    the word diff as well as the alignment.
    """
    touched = {c.old_key for c in changes if c.old_key}
    moves = _moves(changes)
    out: dict[str, str] = {}
    for p in old:
        if p.key not in touched:
            out[_rekey(p.key, moves)] = p.text
    for c in changes:
        if c.new_key is not None:
            out[c.new_key] = new_text(c.ops) if c.ops else c.new_text
    return out


def revert_changes(new: Sequence[Provision], changes: Sequence[ProvisionChange]) -> dict[str, str]:
    """The inverse of `apply_changes`: rebuild the old version's {key: text}."""
    touched = {c.new_key for c in changes if c.new_key}
    moves = {v: k for k, v in _moves(changes).items()}
    out: dict[str, str] = {}
    for p in new:
        if p.key not in touched:
            out[_rekey(p.key, moves)] = p.text
    for c in changes:
        if c.old_key is not None:
            out[c.old_key] = old_text(c.ops) if c.ops else c.old_text
    return out


# --- renderings ----------------------------------------------------------------------------

_KIND_SIGN = {
    ChangeKind.INSERTED: "+",
    ChangeKind.REPEALED: "-",
    ChangeKind.AMENDED: "~",
    ChangeKind.RENUMBERED: ">",
}


def summary(changes: Iterable[ProvisionChange]) -> dict[str, int]:
    """Counts per kind, every kind present (0 if none), in a stable order."""
    c = Counter(ch.kind.value for ch in changes)
    return {k.value: c.get(k.value, 0) for k in ChangeKind}


def _heading(ch: ProvisionChange) -> str:
    if ch.old_key and ch.new_key and ch.old_key != ch.new_key:
        return f"{ch.old_key} → {ch.new_key}"
    return ch.key


def change_to_dict(ch: ProvisionChange) -> dict[str, Any]:
    """A change as plain JSON-able data (field names are part of the stable JSON format)."""
    return {
        "kind": ch.kind.value,
        "level": ch.level.value,
        "key": ch.key,
        "paragraph": ch.paragraph_key,
        "old_key": ch.old_key,
        "new_key": ch.new_key,
        "old_text": ch.old_text,
        "new_text": ch.new_text,
        "similarity": ch.similarity,
        "ops": [[o.op, o.text] for o in ch.ops],
    }


def to_json(changes: Sequence[ProvisionChange], **meta: Any) -> str:
    """``{"format": "lovspor.diff/1", **meta, "summary": {...}, "changes": [...]}``."""
    doc = {
        "format": "lovspor.diff/1",
        **meta,
        "summary": summary(changes),
        "changes": [change_to_dict(c) for c in changes],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


_ANSI = {
    "delete": ("\x1b[9;31m", "\x1b[0m"),  # struck red
    "insert": ("\x1b[4;32m", "\x1b[0m"),  # underlined green
    "head": ("\x1b[1m", "\x1b[0m"),
    "dim": ("\x1b[2m", "\x1b[0m"),
}
_PLAIN = {"delete": ("[-", "-]"), "insert": ("{+", "+}"), "head": ("", ""), "dim": ("", "")}


def _redline(ops: Iterable[TokenOp], style: Mapping[str, tuple[str, str]]) -> str:
    out = []
    for o in ops:
        if o.op == "equal":
            out.append(o.text)
        else:
            a, b = style[o.op]
            out.append(f"{a}{o.text}{b}")
    return "".join(out)


def render_text(changes: Sequence[ProvisionChange], color: bool = False) -> str:
    """A readable redline, grouped by §: ``[-struck-]`` / ``{+inserted+}`` without colour,
    red strike-through / green underline (ANSI) with it."""
    style = _ANSI if color else _PLAIN
    if not changes:
        return "No changes.\n"
    lines: list[str] = []
    current = None
    for ch in changes:
        if ch.paragraph_key != current:
            current = ch.paragraph_key
            h0, h1 = style["head"]
            lines.append(f"\n{h0}{current}{h1}")
        sign = _KIND_SIGN[ch.kind]
        lines.append(f"  {sign} {ch.kind.value:<10} {_heading(ch)}")
        if ch.ops:
            body = _redline(ch.ops, style)
        elif ch.kind is ChangeKind.INSERTED:
            a, b = style["insert"]
            body = f"{a}{ch.new_text}{b}" if ch.new_text else ""
        elif ch.kind is ChangeKind.REPEALED:
            a, b = style["delete"]
            body = f"{a}{ch.old_text}{b}" if ch.old_text else ""
        else:
            d0, d1 = style["dim"]
            body = f"{d0}{ch.new_text}{d1}" if ch.new_text else ""
        if body:
            lines.append(f"      {body}")
    s = summary(changes)
    lines.append("\n" + ", ".join(f"{v} {k}" for k, v in s.items()))
    return "\n".join(lines).lstrip("\n") + "\n"


_CSS = """
body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;line-height:1.5}
h2{font-size:1.1rem;margin:1.5rem 0 .3rem;border-bottom:1px solid #ccc}
.ch{margin:.4rem 0 .8rem}.k{font:12px sans-serif;color:#555}
del{color:#a00;background:#fee}ins{color:#060;background:#efe;text-decoration:underline}
.inserted .t{background:#efe}.repealed .t{background:#fee;text-decoration:line-through}
"""


def render_html(
    changes: Sequence[ProvisionChange],
    title: str = "Lovspor diff",
    provenance: Sequence[Any] | None = None,
    note: str | None = None,
) -> str:
    """A standalone HTML redline, in Danish. Every piece of law text is escaped: it is data,
    never markup (a provision may well contain ``<script>``).

    ``provenance``, when given, runs parallel to ``changes``: for each change its
    ``lawdiff.model.AttributedChange`` (or None), shown under it as "Indsat ved lov nr. 171 af
    27. februar 2016, § 1, nr. 1 · i kraft 1. marts 2016". ``note`` is a line under the
    summary (e.g. why no provenance is shown)."""
    from lawdiff.refs import MONTHS

    esc = html.escape
    month = {v: k for k, v in MONTHS.items()}
    kinds = {"inserted": "indsat", "repealed": "ophævet", "amended": "ændret",
             "renumbered": "omnummereret"}  # fmt: skip
    verbs = {"inserted": "Indsat ved", "repealed": "Ophævet ved", "amended": "Ændret ved",
             "renumbered": "Omnummereret ved"}  # fmt: skip
    sure = {"paragraph": "samme §; nummeret er det bedste bud", "act": "kun loven er kendt",
            "sunset": "tidsbegrænset bestemmelse, der udløber"}  # fmt: skip

    def day(d: Any) -> str:
        return f"{d.day}. {month[d.month]} {d.year}"

    def made_by(ch: ProvisionChange, r: Any) -> list[str]:
        if r is None:
            return []
        lines = []
        for a in r.attributions:
            where = ", ".join(x for x in (a.section, f"nr. {a.item}" if a.item else "") if x)
            line = f"{verbs[ch.kind.value]} {a.act_label}" + (f", {where}" if where else "")
            line += f" · i kraft {day(a.in_force)}" if a.in_force else " · ikrafttræden ukendt"
            if a.confidence in sure:
                line += f" ({sure[a.confidence]})"
            lines.append(line)
        if not lines and r.status == "no_act":
            lines.append("Ingen ændringslov bag" + (f": {r.reason}" if r.reason else ""))
        elif not lines:
            lines.append("Ikke henført til en ændringslov" + (f": {r.reason}" if r.reason else ""))
        return lines

    parts = [
        "<!DOCTYPE html>",
        '<html lang="da"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}"
        ".prov{font:12px sans-serif;color:#333;margin-top:.2rem}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    s = summary(changes)
    parts.append("<p class='k'>" + esc(", ".join(f"{v} {kinds[k]}" for k, v in s.items())) + "</p>")
    if note:
        parts.append(f"<p class='k note'>{esc(note)}</p>")
    if not changes:
        parts.append("<p>Ingen ændringer.</p>")
    current = None
    for i, ch in enumerate(changes):
        if ch.paragraph_key != current:
            current = ch.paragraph_key
            parts.append(f"<h2>{esc(current)}</h2>")
        parts.append(f"<div class='ch {esc(ch.kind.value)}'>")
        parts.append(f"<div class='k'>{esc(kinds[ch.kind.value])} · {esc(_heading(ch))}</div>")
        if ch.ops:
            body = "".join(
                esc(o.text) if o.op == "equal" else f"<{o.op[:3]}>{esc(o.text)}</{o.op[:3]}>"
                for o in ch.ops
            )
        elif ch.kind is ChangeKind.REPEALED:
            body = esc(ch.old_text)
        else:
            body = esc(ch.new_text)
        parts.append(f"<div class='t'>{body}</div>")
        r = provenance[i] if provenance is not None and i < len(provenance) else None
        parts.extend(f"<div class='prov'>{esc(line)}</div>" for line in made_by(ch, r))
        parts.append("</div>")
    parts.append(
        "<p class='k'>Lavet af Lovspor: en ordret sammenligning af de to versioner; hjemlen "
        "er Lovspors henføring til ændringslovenes numre, ikke en officiel angivelse.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

"""An amending act's numbered items → typed instructions, with their entry into force.

The XML tells *that* an item exists, not what it does: "I § 41, stk. 2, 2. pkt., ændres »x«
til: »y«" is a sentence. This module reads those sentences with the drafting grammar of
Justitsministeriet's *Vejledning om lovkvalitet* (see DESIGN.md "Amending-act instructions").
Pure text work over `LawDocument`: no I/O.

Method: quoted text (»…«) is cut out first and replaced by placeholders, so that quoted words
("ophæves", "§ 5", commas) can never be mistaken for grammar; a compound sentence is split into
clauses ("…, og i 3. pkt. udgår …"); each clause is one verb with its target(s), relative
targets ("i 2. pkt.") continuing the targets the clause before named, a renumbering
("Stk. 3-5 bliver …") the item's first target. What is not understood becomes an
``UNPARSED`` instruction with the raw sentence and the reason: a caller counts it, nothing is
dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from lawdiff import keys as provkeys
from lawdiff.inforce import MONTHS, InForce, item_in_force, parse_in_force
from lawdiff.model import (
    ActRef,
    ItemRef,
    LawDocument,
    Level,
    Provision,
    RawAmendingSection,
    RawAmendmentItem,
)
from lawdiff.numbers import NumberError, check_numbers, is_label_int, label_int, span
from lawdiff.refs import AmendedLaw, names_amending_act, normalize_law_title, parse_amending_intro

__all__ = [
    "Action",
    "AmendedLawSection",
    "AmendingAct",
    "AmendmentItem",
    "InForce",
    "Instruction",
    "Target",
    "parse_amending_act",
    "parse_definition",
    "parse_in_force",
    "parse_targets",
    "select_items",
]


class Action(StrEnum):
    REPLACE_TEXT = "replace_text"  # I § 5 ændres »x« til: »y«
    DELETE_TEXT = "delete_text"  # I § 5 udgår »x«
    INSERT_TEXT = "insert_text"  # I § 5 indsættes efter »x«: »y«
    INSERT = "insert"  # Efter § 81 indsættes: / I § 5 indsættes som stk. 3: / … som 2. pkt.
    REWRITE = "rewrite"  # § 5, stk. 2, affattes således:
    REPEAL = "repeal"  # § 5 ophæves.
    REPEAL_AND_INSERT = "repeal_and_insert"  # § 5 ophæves, og i stedet indsættes:
    RENUMBER = "renumber"  # Stk. 3-5 bliver herefter stk. 4-6.
    UNPARSED = "unparsed"


class TargetKind(StrEnum):
    PROVISION = "provision"  # § / stk. / nr. / litra, optionally a punktum
    HEADING = "heading"  # "Overskriften før § 57": the heading printed above § 57
    CHAPTER = "chapter"  # "kapitel 9 a"
    PART = "part"  # "afsnit III"
    ANNEX = "annex"  # "bilag 1"
    LAW = "law"  # "Overalt i loven"
    ACT_ITEM = "act_item"  # "§ 1, nr. 14" of another amending act
    TITLE = "title"  # "Lovens titel": key "titel"
    FOOTNOTE = "footnote"  # "Fodnoten til lovens titel": "titel, fodnote" ("… fodnote 2")


@dataclass(frozen=True, slots=True)
class Target:
    """Where an instruction acts, in the model's key format.

    ``key`` is as printed ("§ 2, nr. 9" stays so; the consolidator finds "§ 2, stk. 1, nr. 9"),
    ``pkt`` a punktum (2 for "2. pkt.", -1 for "sidste pkt."). ``new_key``/``new_pkt`` is the
    number the drafter says it has after an earlier renumbering ("stk. 7, der bliver stk. 6").
    ``inner`` is the provision inside an amended amending-act item ("§ 137 m, stk. 3").
    """

    key: str
    pkt: int | None = None
    kind: TargetKind = TargetKind.PROVISION
    new_key: str | None = None
    new_pkt: int | None = None
    occurrences: int | None = None  # "to steder i § 8" → 2; 0 = every occurrence ("overalt")
    inner: str | None = None

    def __str__(self) -> str:
        s = self.key or "loven"
        if self.pkt is not None:
            s += f", {'sidste' if self.pkt == -1 else self.pkt}. pkt."
        if self.new_key and self.new_key != self.key:
            s += f" (bliver {self.new_key})"
        if self.inner:
            s += f" › {self.inner}"
        return s


@dataclass(frozen=True, slots=True)
class Instruction:
    """One operation of a numbered item, in the order the item states it.

    ``targets``: where it acts (for INSERT: the anchor, or the parent for "som stk. 4");
    ``position``: "after" | "before" | "as" for inserts; ``anchor_text`` the quoted text of
    INSERT_TEXT; ``new_keys`` the absolute keys an INSERT/REWRITE creates; ``renumber`` the
    (old key, new key) pairs of RENUMBER.
    """

    section: str  # "§ 1" of the amending act
    item: str  # "12"
    index: int  # 0-based order within the item
    action: Action
    targets: tuple[Target, ...] = ()
    old_text: str | None = None
    new_text: str | None = None
    new_provisions: tuple[Provision, ...] = ()
    position: str | None = None
    anchor_text: str | None = None
    occurrences: int | None = None  # of old_text / anchor_text: 0 = all
    new_keys: tuple[str, ...] = ()
    new_pkt: int | None = None  # "som 2. pkt." / "efter 1. pkt. som nyt punktum"
    renumber: tuple[tuple[str, str], ...] = ()
    raw: str = ""
    reason: str = ""  # why UNPARSED

    @property
    def parsed(self) -> bool:
        return self.action is not Action.UNPARSED and bool(self.targets or self.renumber)


@dataclass(frozen=True, slots=True)
class AmendmentItem:
    section: str
    number: str
    instructions: tuple[Instruction, ...]
    in_force: InForce
    raw: RawAmendmentItem

    @property
    def parsed(self) -> bool:
        return bool(self.instructions) and all(i.parsed for i in self.instructions)

    @property
    def unparsed(self) -> tuple[Instruction, ...]:
        return tuple(i for i in self.instructions if not i.parsed)


@dataclass(frozen=True, slots=True)
class AmendedLawSection:
    """One "§ 1. I lov om …, jf. lovbekendtgørelse nr. …, foretages følgende ændringer:"."""

    label: str  # "§ 1"
    law_title: str | None  # canonical lower case ("lov om social service"), None if unread
    amended: AmendedLaw
    items: tuple[AmendmentItem, ...]

    @property
    def amends_amending_act(self) -> bool:
        return names_amending_act(self.law_title)


@dataclass(frozen=True, slots=True)
class AmendingAct:
    eli: str
    label: str  # "lov nr. 171 af 27. februar 2016"
    title: str
    signed: dt.date | None
    sections: tuple[AmendedLawSection, ...]
    in_force_rules: tuple[str, ...]  # every entry-into-force sentence read
    in_force_unparsed: tuple[str, ...]  # sentences that name a date but no readable scope

    def sections_for(self, law_title: str) -> tuple[AmendedLawSection, ...]:
        want = normalize_law_title(law_title)
        return tuple(s for s in self.sections if s.law_title == want)

    def item(self, section: str, number: str) -> AmendmentItem | None:
        for s in self.sections:
            if s.label == section:
                for it in s.items:
                    if it.number == number:
                        return it
        return None


# --- text normalisation and quotes ----------------------------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")
_BLANKS = re.compile(r"\s+")
_PH = re.compile(r"⟪(\d+)⟫")


def _norm(text: str) -> str:
    return _BLANKS.sub(" ", _INVISIBLE.sub("", text.replace("\u00a0", " "))).strip()


def _cut_quotes(text: str) -> tuple[str, list[str]]:
    """»…« → ⟪n⟫ placeholders, nesting-aware (»»Min Plan««); an unclosed quote runs to the
    end of the sentence."""
    out: list[str] = []
    quotes: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "»":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "«" and depth:
            depth -= 1
            if depth == 0:
                quotes.append(text[start:i].strip())
                out.append(f"⟪{len(quotes) - 1}⟫")
        elif depth == 0:
            out.append(ch)
    if depth:
        q = text[start:].strip()
        quotes.append(q[:-1] if q.endswith(".") else q)
        out.append(f"⟪{len(quotes) - 1}⟫")
    return "".join(out), quotes


# --- targets --------------------------------------------------------------------------------

_LEVELS = ("§", "stk.", "nr.", "litra", "pkt")
# "§ 96 i" is a lettered paragraph, "§ 5 i lov om …" a paragraph and the preposition: a
# letter "i" counts only where a label can end (a separator, a range dash, a verb, the end)
_LABEL_END = (
    r"\s*(?:[,.;:]|[-–]|$|(?:og|samt|eller|affattes|ophæves|ændres|udgår|indsættes)\b"
    r"|(?:der|som)\s+bliver\b)"
)
_LETTER_I = rf"i(?={_LABEL_END})"
_I_IS_LETTER = re.compile(_LABEL_END, re.IGNORECASE)  # after "litra …": "litra h og i"
_NUM = rf"\d+(?:\s?(?:(?!i\b)[a-zæøå](?![a-zæøå])|{_LETTER_I}))?"
_TOK = re.compile(
    r"(?P<par>§§?)"
    r"|(?P<stk>\bstk\.?(?=\s*\d)|\bstykke\b)"
    r"|(?P<nr>\bnr\.?(?=\s*\d)|\bnummer\b)"
    r"|(?P<litra>\blitra\b)"
    r"|(?P<pkt>(?:(?:\d+\.|sidste)\s*(?:,|og|-|–)\s*)*(?:\d+\.|sidste)\s*(?:pkt\.?|punktum)(?![a-zæøå]))"
    rf"|(?P<num>{_NUM})"
    r"|(?P<in>\bi\b(?!\s*\)))"
    r"|(?P<letter>\b[a-zæøå]\b)"
    r"|(?P<range>[-–])"
    r"|(?P<sep>,|\bog\b|\bsamt\b)"
    r"|(?P<bliver>\b(?:der|som)\s+bliver(?:\s+herefter)?\b)"
    r"|(?P<occ>\b(?:et|to|tre|fire|fem|seks|syv|otte)\s+sted(?:er)?(?:\s+i)?\b)"
    r"|(?P<ws>\s+)"
    r"|(?P<other>\S+?)(?=[\s,]|$)",
    re.IGNORECASE,
)
_LETTERED = re.compile(r"(\d+) ?([a-z])")
_PKT_NUMS = re.compile(r"\d+|sidste", re.IGNORECASE)
_PKT_RANGE = re.compile(r"(\d+)\.?\s*[-–]\s*(\d+)\.")


def _expand(values: list[str], ranges: list[bool]) -> list[str]:
    """["2", "4"] with a range flag between → ["2", "3", "4"]."""
    out: list[str] = []
    for i, v in enumerate(values):
        prev = out[-1] if out else ""
        if i and ranges[i - 1] and prev.isdigit() and v.isdigit():
            out.extend(str(n) for n in span(prev, v)[1:])
        elif i and ranges[i - 1] and len(prev) == len(v) == 1 and prev.isalpha() and prev < v:
            out.extend(chr(c) for c in range(ord(prev) + 1, ord(v) + 1))  # "litra g-j"
        elif (
            i
            and ranges[i - 1]
            and (a := _LETTERED.fullmatch(prev))
            and (b := _LETTERED.fullmatch(v))
        ):
            if a.group(1) == b.group(1) and a.group(2) < b.group(2):
                out.extend(
                    f"{a.group(1)} {chr(c)}"
                    for c in range(ord(a.group(2)) + 1, ord(b.group(2)) + 1)
                )
            else:
                out.append(v)
        else:
            out.append(v)
    return out


def _pkt_int(value: str | None) -> int | None:
    """A punktum number; "-1" is "sidste pkt." (the last one)."""
    if value is None:
        return None
    return -1 if value == "-1" else label_int(value, "punktum")


def _pkt_values(text: str) -> list[str]:
    if m := _PKT_RANGE.search(text):
        return [str(n) for n in span(m.group(1), m.group(2), "punktum range")]
    return [("-1" if v.lower() == "sidste" else v) for v in _PKT_NUMS.findall(text)]


@dataclass(slots=True)
class _Seg:
    level: int
    values: list[str]
    rename: int = 0  # which "der bliver" clause of the phrase it follows (0: none)
    occ: int | None = None


def _segments(text: str) -> list[_Seg] | None:
    """A target phrase → level segments; None if it holds a word the grammar does not know."""
    segs: list[_Seg] = []
    cur: _Seg | None = None
    range_flags: list[bool] = []
    pending_range = False
    rename = 0
    occ: int | None = None
    for m in _TOK.finditer(text):
        kind = m.lastgroup
        val = m.group(0)
        if (
            kind == "in"
            and cur is not None
            and cur.level == 3
            and _I_IS_LETTER.match(text, m.end())
        ):
            kind = "letter"
        elif kind in ("ws", "in"):
            continue
        if kind == "occ":
            occ = _OCC_WORDS.get(val.split()[0].lower(), 1)
            continue
        if kind == "par" or kind in ("stk", "nr", "litra"):
            if cur is not None:
                cur.values = _expand(cur.values, range_flags)
            level = {"par": 0, "stk": 1, "nr": 2, "litra": 3}[kind]
            cur = _Seg(level, [], rename, occ)
            occ = None
            range_flags = []
            segs.append(cur)
            pending_range = False
        elif kind == "pkt":
            if cur is not None:
                cur.values = _expand(cur.values, range_flags)
            cur = _Seg(4, _pkt_values(val), rename, occ)
            occ = None
            segs.append(cur)
            cur = None
        elif kind in ("num", "letter"):
            if cur is None:
                if segs and kind == "num" and segs[-1].level != 4:
                    # "stk. 2, 1. pkt., og 3" – a bare number after a list continues it
                    cur = segs[-1]
                else:
                    return None
            if kind == "letter" and cur.level != 3:
                return None
            v = _BLANKS.sub(" ", val.lower())
            if cur.level == 0:
                v = re.sub(r"(\d)([a-zæøå])$", r"\1 \2", v)
            if cur.values:
                range_flags.append(pending_range)
            cur.values.append(v)
            pending_range = False
        elif kind == "range":
            pending_range = True
        elif kind == "sep":
            pending_range = False
        elif kind == "bliver":
            if cur is not None:
                cur.values = _expand(cur.values, range_flags)
            cur = None
            range_flags = []
            rename += 1
        else:
            return None
    if cur is not None:
        cur.values = _expand(cur.values, range_flags)
    if any(not s.values for s in segs):
        return None
    return segs


def _path_key(path: Sequence[str | None]) -> str:
    parts: list[str] = []
    for level, v in enumerate(path[:4]):
        if v is None:
            continue
        parts.append(f"{_LEVELS[level]} {v}")
    return ", ".join(parts)


def _assemble(segs: list[_Seg], base: Sequence[str | None] | None) -> list[Target]:
    """Segments → targets: a deeper segment refines, a same-or-higher one starts a sibling."""
    out: list[Target] = []
    frontier: list[list[str | None]] = []
    renamed: list[list[str | None]] | None = None
    last_level = -1
    last_rename_level = -1
    closed = 0  # a "der bliver" clause a sibling target has ended
    occ: list[int | None] = [None]

    def emit() -> None:
        for i, path in enumerate(frontier):
            new = renamed[min(i, len(renamed) - 1)] if renamed else None
            pkt = _pkt_int(path[4])
            out.append(
                Target(
                    _path_key(path),
                    pkt,
                    new_key=_path_key(new) if new else None,
                    new_pkt=_pkt_int(new[4]) if new else None,
                    occurrences=occ[0],
                )
            )

    start: list[str | None] = list(base) if base else [None] * 5
    for seg in segs:
        if seg.rename and seg.rename == closed:
            # "stk. 4, der bliver stk. 3, § 140, stk. 6": "stk. 6" refines § 140, a new
            # target; it does not rename anything
            seg = _Seg(seg.level, seg.values, 0, seg.occ)
        if seg.occ is not None and not seg.rename:
            if frontier:
                emit()
                proto = frontier[0]
                frontier = []
                renamed = None
                start = proto[:1] + [None] * 4 if seg.level > 0 else start
            occ[0] = seg.occ
        if seg.rename:
            src = renamed[0] if renamed else (frontier[0] if frontier else start)
            if renamed is not None and seg.level <= last_rename_level:
                # "stk. 7, der bliver stk. 8, stk. 8, der bliver …": a sibling of the original
                emit()
                proto = frontier[0] if frontier else start
                frontier = [proto[: seg.level] + [v] + [None] * (4 - seg.level) for v in seg.values]
                renamed = None
                last_level = seg.level
                last_rename_level = -1
                closed = seg.rename
                continue
            base_path = src[: seg.level] + [None] * (5 - seg.level)
            if renamed is None and frontier and len(seg.values) == len(frontier):
                renamed = [
                    f[: seg.level] + [v] + [None] * (4 - seg.level)
                    for f, v in zip(frontier, seg.values, strict=True)
                ]
            elif renamed is None:
                renamed = [
                    base_path[: seg.level] + [v] + [None] * (4 - seg.level) for v in seg.values
                ]
            else:
                renamed = [
                    r[: seg.level] + [seg.values[0]] + [None] * (4 - seg.level) for r in renamed
                ]
            last_rename_level = seg.level
            continue
        if renamed is not None or (frontier and seg.level <= last_level):
            proto = frontier[0] if frontier else start
            emit()
            if seg.occ is None:
                occ[0] = None
            renamed = None
            last_rename_level = -1
            frontier = [proto[: seg.level] + [v] + [None] * (4 - seg.level) for v in seg.values]
        elif frontier:
            frontier = [
                f[: seg.level] + [v] + [None] * (4 - seg.level)
                for f in frontier
                for v in seg.values
            ]
        else:
            frontier = [start[: seg.level] + [v] + [None] * (4 - seg.level) for v in seg.values]
        last_level = seg.level
    emit()
    return out


_OCC_WORDS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8}
_OCC = re.compile(
    r"^\s*(to|tre|fire|fem|seks|syv|otte)\s+steder\s+(?:i\s+)?(?!.*\bsted(?:er)?\b)", re.IGNORECASE
)
_EVERYWHERE = re.compile(r"^\s*(?:overalt\s+i\s+loven|i\s+hele\s+loven|overalt)\b", re.IGNORECASE)
_EVERYWHERE_IN = re.compile(r"^\s*overalt\s+i\s+", re.IGNORECASE)
_HEADING = re.compile(
    r"^\s*(?:den\s+)?overskrift(?:en|erne)?\s*(?:⟪\d+⟫\s*)?(?P<rel>før|til|efter|over|foran)\s+",
    re.IGNORECASE,
)
_CHAPTER = re.compile(
    r"^\s*kapit(?:el|ler)\s+(?P<v>\d+\s?[a-zæøå]?(?:\s*(?:,|og|-)\s*\d+\s?[a-zæøå]?)*)\s*$",
    re.IGNORECASE,
)
_PART = re.compile(r"^\s*afsnit\s+(?P<v>[IVXLC]+(?:\s?[a-z])?)\s*$", re.IGNORECASE)
# an annex number: "1", "3 a", "A" (a capital: "bilag a" is no label); lists "6 og 7", "2-5"
_ANNEX_NUM = r"(?:\d+(?:\s?(?!i\b)[a-z](?![a-zæøå]))?|(?-i:[A-Z])(?![a-zæøå]))"
_ANNEX = re.compile(
    rf"^\s*bilag(?:\s+(?P<v>{_ANNEX_NUM}(?:\s*(?:[-–]|,|og)\s*{_ANNEX_NUM})*))?(?![\w-])"
    r"(?:\s*,\s*|\s+)?(?P<rest>.*)$",
    re.IGNORECASE,
)
# a part of an annex named by a label: "liste A", "del II" (before "nr. 32")
_ANNEX_PART = re.compile(
    r"^(?P<w>liste|del)\s+(?P<l>[A-Z]|[IVX]+|\d+)(?![\w.])\s*(?:,\s*(?P<more>.+))?$"
)
# "Lovens titel", alone or heading a list ("I lovens titel, § 5, stk. 2, … ændres")
_TITLE = re.compile(r"^lovens\s+titel(?:\s*(?:,|og)\s+(?P<rest>.+))?$", re.IGNORECASE)
# "Fodnoten til lovens titel", "Fodnote 2 …", "Fodnote nr. 2 …", "Fodnoterne …" (all of
# them), "Lovens fodnote" (the law's footnote, not said to be the title's)
_FOOTNOTE = re.compile(
    r"^(?:fodnote(?P<form>n|rne)?(?:\s+(?:nr\.\s*)?(?P<n>\d+))?\s+til\s+lovens\s+titel"
    r"|(?P<law>lovens\s+fodnote))$",
    re.IGNORECASE,
)
_WITH_HEADING = re.compile(
    r"\s*,?\s*(?:med|og)\s+(?:tilhørende|den\s+tilhørende)\s+overskrift(?:er)?\s*,?", re.IGNORECASE
)
_ONLY_OCC = re.compile(r"^(?:og\s+)?(to|tre|fire|fem)\s+steder$", re.IGNORECASE)
_BEFORE_HEADING_END = re.compile(r"(?:før|efter|foran)\s+overskriften\s*$", re.IGNORECASE)
_IN_CHAPTER = re.compile(r"\s*,?\s*i\s+kapitel\s+\d+\s?[a-zæøå]?\s*$", re.IGNORECASE)
_LEAD_I = re.compile(r"^\s*(?:i|I)\s+")
_TRIM = re.compile(r"^[\s,:;.]+|[\s,:;.]+$")


def parse_targets(phrase: str, base: Sequence[str | None] | None = None) -> list[Target] | None:
    """A target phrase of an instruction → `Target`s (None if not understood; NumberError for
    a number no real label has).

    Handles lists ("§ 84, stk. 2, 1. pkt., og § 91 a, stk. 1"), ranges ("stk. 2-4"),
    punktum lists ("1. og 2. pkt."), new numbers ("stk. 7, der bliver stk. 6"),
    "to steder i …", "Overalt i loven", headings, chapters and annexes. ``base`` is the path
    (§, stk., nr., litra, pkt.) a relative phrase ("stk. 3", "2. pkt.") continues.
    """
    text = _TRIM.sub("", _LEAD_I.sub("", _norm(phrase)))
    text = _TRIM.sub("", _WITH_HEADING.sub("", text))
    check_numbers(text, "target")
    full = text  # a provision list keeps its count where it stands: it heads one phrase
    occ: int | None = None
    if m := _OCC.search(text):
        occ = _OCC_WORDS[m.group(1).lower()]
        text = _TRIM.sub("", text[: m.start()] + " " + text[m.end() :])
    if (_EVERYWHERE.match(text) and not _EVERYWHERE_IN.match(text)) or text.lower() in (
        "overalt i loven",
        "loven",
    ):
        return [Target("", kind=TargetKind.LAW, occurrences=0)]
    if m := _EVERYWHERE_IN.match(text):
        inner = parse_targets(text[m.end() :], base)
        return [replace(t, occurrences=0) for t in inner] if inner else None
    if m := _FOOTNOTE.match(text):
        if m.group("law"):
            key = "fodnote"
        elif m.group("n"):
            if m.group("form"):
                return None  # "fodnoten 2": not the grammar's
            key = f"titel, fodnote {int(m.group('n'))}"
        else:
            key = "titel, fodnoter" if (m.group("form") or "").lower() == "rne" else "titel, fodnote"
        return [Target(key, kind=TargetKind.FOOTNOTE, occurrences=occ)]
    if m := _TITLE.match(text):
        title = Target("titel", kind=TargetKind.TITLE, occurrences=occ)
        if not m.group("rest"):
            return [title]
        more = parse_targets(m.group("rest"), base)
        return [title, *more] if more else None
    if m := _HEADING.match(text):
        rest = _STILL_REPEALED.sub("", text[m.end() :])
        if m2 := _ORDINAL_CHAPTER.match(rest):
            rest = f"kapitel {m2.group('n')}"  # "Overskriften til 24. kapitel"
        if (m2 := _CHAPTER.match(rest)) is None and (mixed := _heading_list(text, base)):
            return [replace(t, occurrences=t.occurrences or occ) for t in mixed]
        if m2 := _CHAPTER.match(rest):
            return [
                Target(f"kapitel {v}", kind=TargetKind.HEADING)
                for v in _chapter_values(m2.group("v"))
            ]
        if m2 := _PART.match(rest):
            return [Target(f"afsnit {m2.group('v')}", kind=TargetKind.HEADING)]
        inner = parse_targets(rest, base)
        if not inner:
            return None
        # "Overskriften før § 49 og § 49 ophæves": the heading, then the § itself
        seen: set[str] = set()
        out: list[Target] = []
        for t in inner:
            kind = TargetKind.PROVISION if t.key in seen else TargetKind.HEADING
            seen.add(t.key)
            out.append(replace(t, kind=kind, occurrences=occ))
        return out
    if m := _CHAPTER.match(text):
        return [
            Target(f"kapitel {v}", kind=TargetKind.CHAPTER) for v in _chapter_values(m.group("v"))
        ]
    if m := _PART.match(text):
        return [Target(f"afsnit {m.group('v')}", kind=TargetKind.PART)]
    if (m := _ANNEX.match(re.sub(r"^lovens\s+(?=bilag\s)", "", text, flags=re.I))) and m.group(
        "v"
    ):
        rest = m.group("rest")
        v = m.group("v")
        nums = [v] if re.fullmatch("[A-Z]", v) else _chapter_values(v)
        if not rest:
            return [Target(f"bilag {v}", kind=TargetKind.ANNEX, occurrences=occ) for v in nums]
        if len(nums) > 1:
            return None  # "bilag 1 og 2, nr. 5": whose nr. 5?
        head = f"bilag {nums[0]}"
        if m2 := _ANNEX_PART.match(rest):
            head += f", {m2.group('w').lower()} {m2.group('l')}"
            if not (rest := m2.group("more") or ""):
                return [Target(head, kind=TargetKind.ANNEX, occurrences=occ)]
        sub = parse_targets(rest, [None] * 5) or []
        if not sub:
            return None
        return [Target(f"{head}, {t.key}", t.pkt, TargetKind.ANNEX, occurrences=occ) for t in sub]
    if re.search(r"\bkapit(?:el|ler)\s+\d", text, re.IGNORECASE) and (
        mixed := _chapter_list(text, base)
    ):
        return [replace(t, occurrences=t.occurrences or occ) for t in mixed]
    # "To steder i § 20 og i § 21, stk. 4": two places in § 20, one in § 21, stk. 4
    segs = _segments(full)
    if not segs:
        return None
    if base is None and segs[0].level != 0:
        return None
    targets = _assemble(segs, base)
    if not targets or any(not t.key for t in targets):
        return None
    return targets


# "Overskriften før § 45, der er ophævet, ophæves": the heading of a § already repealed
_STILL_REPEALED = re.compile(r"\s*,?\s*der\s+er\s+ophævet\s*$", re.IGNORECASE)
_ORDINAL_CHAPTER = re.compile(r"^(?P<n>\d+)\.\s*kapitel$", re.IGNORECASE)
# where a list that starts with a heading names its next member: another heading
# ("…, overskriften før § 19", "…, før § 13", "… og til kapitel 14") or, after a repeated
# "i", a provision ("… og i § 23, stk. 4, nr. 9")
_HEADING_LIST_SPLIT = re.compile(
    r"\s*(?:,\s*og|,|\bog)\s+(?=(?:i\s+)?(?:den\s+)?overskrift(?:en|erne)?\s"
    r"|(?:før|til|efter)\s+(?:§|kapitel)|i\s+§)",
    re.IGNORECASE,
)
_HEADING_REL = re.compile(r"^(?:før|til|efter)\s", re.IGNORECASE)


def _heading_list(text: str, base: Sequence[str | None] | None) -> list[Target] | None:
    """ "overskriften til kapitel 5, overskriften før § 19 og overskriften før § 20",
    "overskriften til kapitel 3, før § 10, før § 13 og til kapitel 14", "overskriften til
    kapitel 6 og i § 23, stk. 4, nr. 9": each member by itself; None unless every member is
    understood and there are several."""
    parts = [p for p in _HEADING_LIST_SPLIT.split(text) if p and p.strip()]
    if len(parts) < 2:
        return None
    out: list[Target] = []
    for part in parts:
        part = _TRIM.sub("", part)
        if _HEADING_REL.match(part):
            part = f"overskriften {part}"
        got = parse_targets(part, base)
        # each member is one kind: "overskriften før § 29, §§ 29 og 30" is not read here
        want = TargetKind.HEADING if _HEADING.match(part) else TargetKind.PROVISION
        if not got or any(t.kind is not want for t in got):
            return None
        out.extend(got)
    return out


_BEFORE_CHAPTER = re.compile(r"\s*(?:,\s*og|,|\bog)\s+(?=kapit(?:el|ler)\s+\d)", re.IGNORECASE)
_AFTER_CHAPTER = re.compile(
    r"^(?P<c>kapit(?:el|ler)\s+.+?)\s*(?:,\s*og|,|\bog)\s+(?P<p>§.*)$", re.IGNORECASE
)


def _chapter_list(text: str, base: Sequence[str | None] | None) -> list[Target] | None:
    """ "Kapitel 2-5, §§ 10-12 og 14-21 og kapitel 7-11", "§§ 7-9 og kapitel 3": chapters
    and the provisions between them, each run by itself; None unless every run is
    understood, each a run of one kind."""
    chunks: list[str] = []
    for part in _BEFORE_CHAPTER.split(text):
        if m := _AFTER_CHAPTER.match(part):
            chunks.extend((m.group("c"), m.group("p")))
        else:
            chunks.append(part)
    chunks = [_TRIM.sub("", c) for c in chunks if c and c.strip()]
    if len(chunks) < 2:
        return None
    out: list[Target] = []
    for chunk in chunks:
        if m := _CHAPTER.match(chunk):
            out.extend(
                Target(f"kapitel {v}", kind=TargetKind.CHAPTER)
                for v in _chapter_values(m.group("v"))
            )
            continue
        if not chunk.startswith("§"):
            return None
        got = parse_targets(chunk, base)
        if not got or any(t.kind is not TargetKind.PROVISION for t in got):
            return None
        out.extend(got)
    return out


def _chapter_values(text: str) -> list[str]:
    vals = [
        _BLANKS.sub(" ", v.strip().lower()) for v in re.split(r"\s*(?:,|og)\s*", text) if v.strip()
    ]
    out: list[str] = []
    for v in vals:
        if m := re.fullmatch(r"(\d+)\s*-\s*(\d+)", v):
            out.extend(str(n) for n in span(m.group(1), m.group(2), "chapter range"))
        else:
            out.append(re.sub(r"(\d)([a-zæøå])$", r"\1 \2", v))
    return out


def _path_of(t: Target, new: bool = True) -> list[str | None]:
    """A target back to its path (§, stk., nr., litra, pkt.) as a base for relative phrases;
    ``new``: the number it has after renumbering ("stk. 7, der bliver stk. 6" → stk. 6)."""
    path: list[str | None] = [None] * 5
    use_new = new and t.new_key is not None
    key = t.new_key if use_new and t.new_key else t.key
    for part in key.split(", "):
        for level, name in enumerate(_LEVELS[:4]):
            if part.startswith(name + " "):
                path[level] = part[len(name) + 1 :]
    pkt = t.new_pkt if use_new else t.pkt
    path[4] = str(pkt) if pkt is not None else None
    return path


def _refine(t: Target, rel: str) -> list[Target] | None:
    """A relative phrase ("2. pkt.", "nr. 5 og 6") under ``t``, keeping both numbers when
    ``t`` names its new one: "I § 75 h, stk. 7, som bliver stk. 6, ophæves 2. pkt."."""
    if t.kind is TargetKind.ANNEX:
        sub = parse_targets(f"bilag {t.key.split(' ', 1)[1]}, {rel}")
        return (
            [replace(s, occurrences=s.occurrences or t.occurrences) for s in sub] if sub else None
        )
    sub = parse_targets(rel, _path_of(t, new=False))
    if not sub:
        return None
    if t.new_key:
        renamed = parse_targets(rel, _path_of(t, new=True)) or []
        if len(renamed) == len(sub):
            sub = [
                replace(s, new_key=s.new_key or r.key, new_pkt=s.new_pkt if s.new_key else r.pkt)
                for s, r in zip(sub, renamed, strict=True)
            ]
    return [replace(s, kind=t.kind, occurrences=s.occurrences or t.occurrences) for s in sub]


# --- clauses --------------------------------------------------------------------------------

_Q = r"⟪(\d+)⟫"
_QLIST = rf"{_Q}(?:\s*(?:,|og)\s*{_Q})*"
_VERB_SPLIT = re.compile(
    r",\s*og\s+(?=i\s+(?!stedet)|I\s|(?:efter|før)\s+(?:⟪|\d|stk|nr|§)|⟪|§|stk\.|nr\.|\d+\.\s*(?:og\s+\d+\.\s*)?pkt|"
    r"sidste\s+pkt|overskrift|som\s|(?:to|tre|fire)\s+steder)"
    r"|\s+og\s+(?=i\s+(?!stedet)|(?:efter|før)\s+⟪|som\s+(?:nyt?|nye|stk|nr|\d)|⟪\d+⟫\s*(?:ændres\s+)?til\b)"
    r"|,\s*(?=i\s+(?!stedet)|(?:efter|før)\s+⟪|nr\.\s*\d+\s+ophæves|stk\.\s*\d+\s+ophæves)",
)
_RE_REPLACE = re.compile(
    rf"^(?P<t>.*?)\bændres\s*:?\s+(?:(?P<occ>to|tre|fire|fem)\s+steder\s+)?(?:i\s+(?P<rel>[^⟪]+?)\s*)?"
    rf"(?P<olds>{_QLIST})\s*[,:]?\s*(?:til|med)\s*:?\s*⟪(?P<new>\d+)⟫\s*\.?$",
    re.IGNORECASE,
)
_RE_REPLACE_Q_FIRST = re.compile(
    rf"^(?P<t>.*?)(?:\s|^){_Q}\s*,?\s*(?:ændres\s+)?(?:(?P<occ>to|tre|fire|fem)\s+steder\s+)?"
    rf"(?:ændres\s+)?(?:til|med)\s*:?\s*{_Q}\s*\.?$",
    re.IGNORECASE,
)
_RE_DELETE = re.compile(
    rf"^(?P<t>.*?)\budgår\s+(?:(?P<occ>to|tre|fire|fem)\s+steder\s+)?(?:i\s+(?P<rel>[^⟪]+?)\s*)?:?\s*(?P<q>{_QLIST})\s*\.?$",
    re.IGNORECASE,
)
_AFTER_Q = re.compile(r"^\s*(?:og\s+)?efter\s+⟪(\d+)⟫\s*$", re.IGNORECASE)
_RE_DELETE_Q_FIRST = re.compile(
    rf"^(?P<t>.*?)(?P<q>{_QLIST})\s*,?\s*udgår\b(?P<after>.*)$", re.IGNORECASE
)
_RE_DELETE_BARE = re.compile(r"^(?P<t>.*?)\budgår\b\s*(?P<rel>[^⟪]*?)\s*\.?$", re.IGNORECASE)
_RE_INSERT_TEXT = re.compile(
    rf"^(?P<t>.*?)\bindsætte[sr]?\s+(?:(?P<occ>to|tre|fire|fem)\s+steder\s+)?(?:i\s+(?P<rel>[^⟪]+?)\s+)?"
    rf"(?P<pos>efter|før|foran)\s+{_Q}\s*(?:(?:,\s*)?(?:to|tre|fire)\s+steder\s*)?:?\s*(?:{_Q})?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_INSERT_TEXT_POS_FIRST = re.compile(
    rf"^(?P<t>.*?)\b(?P<pos>efter|før|foran)\s+{_Q}\s+indsætte[sr]?\s*:?\s*(?:{_Q})?\s*\.?:?$",
    re.IGNORECASE,
)
_RE_INSERT_AS = re.compile(
    r"^(?P<t>.*?)\bindsætte[sr]?\s+(?:(?P<pos>efter|før|foran)\s+(?P<anchor>[^⟪]+?)\s+)?"
    r"som\s+(?:(?:et\s+)?(?:nye|nyt|ny)\b)?\s*(?P<what>[^:⟪]*?)\s*:?\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_INSERT_AFTER = re.compile(
    r"^(?:(?P<t0>.*?)\s+)?(?P<pos>efter|før|foran)\s+(?P<anchor>[^⟪:]+?)\s*,?\s*indsætte[sr]?\b\s*"
    r"(?P<rest>[^⟪:]*?)\s*:?\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_INSERT_AFTER2 = re.compile(
    r"^(?P<t>.*?)\bindsætte[sr]?\s+(?P<pos>efter|før|foran)\s+(?P<anchor>[^⟪:]+?)\s*:?\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_INSERT_BARE = re.compile(
    r"^(?P<t>.*?)\bindsætte[sr]?\s*(?P<rest>(?:i\s+kapitel\s+\S+)?)\s*:?\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_REPEAL_INSERT = re.compile(
    r"^(?P<t>.*?)\s*,?\s*(?:ophæves|udgår)\s*(?P<rel>[^⟪,]*?)\s*,?\s*og\s+i\s+stedet\s+indsætte[sr]?\b\s*(?P<rest>[^⟪:]*?)\s*:?\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_REPEAL = re.compile(
    r"^(?P<t>.*?)\bophæves\b\s*:?\s*(?P<rel>[^⟪]*?)\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?$", re.IGNORECASE
)
_RE_REWRITE = re.compile(
    r"^(?P<t>.*?)\baffatte[sr]?\b\s*(?P<inner>[^⟪:]*?)\s*(?:således|sådan|som\s+følger)?\s*:?\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_REWRITE_AS = re.compile(r"^(?P<t>.*?)\baffattes\s+som\s+(?P<as>.+?)\s*\.?$", re.IGNORECASE)
_RE_RENUMBER = re.compile(
    r"^(?P<a>.+?)\s+bliver\s+(?:herefter\s+|hereafter\s+|derefter\s+)?(?:til\s+)?(?P<b>[^⟪]+?)\s*\.?$",
    re.IGNORECASE,
)
_RE_AS_FIRST = re.compile(
    r"^(?P<t>.*?)\bsom\s+(?P<what>(?:(?:et\s+)?(?:nye|nyt|ny)\s+)?[^⟪:]+?)\s+indsætte[sr]?\s*:?\s*(?:⟪(?P<q>\d+)⟫)?\s*\.?\s*:?$",
    re.IGNORECASE,
)
_RE_CONT_REPLACE = re.compile(
    rf"^(?:(?P<t>[^⟪]*?)\s+)?{_Q}\s*(?:ændres\s+)?til\s*:?\s*{_Q}\s*\.?$", re.IGNORECASE
)
_WHAT_LEVEL = [
    (re.compile(r"^(?:stk\.?|stykke[rt]?|stykker)\s*(?P<v>.*)$", re.IGNORECASE), 1),
    (re.compile(r"^(?:nr\.?|nummer|numre)\s*(?P<v>.*)$", re.IGNORECASE), 2),
    (re.compile(r"^litra\s*(?P<v>.*)$", re.IGNORECASE), 3),
    (
        re.compile(
            r"^(?P<v>(?:\d+\.\s*(?:og|-|–|,)?\s*)+)\s*(?:pkt\.?|punktum(?:mer)?)$", re.IGNORECASE
        ),
        4,
    ),
    (re.compile(r"^(?:punktum|punktummer|pkt\.)\s*(?P<v>.*)$", re.IGNORECASE), 4),
    (re.compile(r"^(?:overskrift(?:er)?)\s*(?P<v>.*)$", re.IGNORECASE), 5),
    (re.compile(r"^(?:§§?)\s*(?P<v>.*)$", re.IGNORECASE), 0),
    (re.compile(r"^(?:kapit(?:el|ler))\s*(?P<v>.*)$", re.IGNORECASE), 6),
]
_ONE_NUM = re.compile(r"\d+\s?[a-zæøå]?(?![a-zæøå])")


class _Unparsed(Exception):
    pass


MAX_SENTENCE = 20_000
"""Characters of one instruction sentence outside its quotes; real ones stay near 1,000."""


def _clip(reason: str, limit: int = 300) -> str:
    return reason if len(reason) <= limit else f"{reason[: limit - 1]}…"


@dataclass(slots=True)
class _Ctx:
    section: str
    item: str
    raw: str
    quotes: list[str]
    new_text: str
    new_provisions: tuple[Provision, ...]
    base: list[Target]  # the item's first targets: what a relative phrase continues
    verb: Action | None = None
    # the targets the latest clause named: what a clause naming none acts on ("…, og i 3. pkt.
    # ændres »x« til »y«, og »z« ændres til »w«": »z« is in 3. pkt.)
    last: list[Target] = field(default_factory=list)
    used_new: bool = False


def _q(ctx: _Ctx, idx: str | None) -> str | None:
    return ctx.quotes[int(idx)] if idx is not None else None


def _qs(ctx: _Ctx, text: str) -> list[str]:
    return [ctx.quotes[int(i)] for i in _PH.findall(text)]


def _targets(ctx: _Ctx, phrase: str | None, rel: str | None = None) -> list[Target]:
    """Targets of a clause: its own phrase (a relative one continuing the latest clause's),
    else the latest clause's, refined by ``rel`` ("i 2. pkt.") under the item's first."""
    phrase = _TRIM.sub("", phrase or "")
    phrase = re.sub(r"^(?:og\s+)?(?:i\s+|I\s+)?", "", phrase)
    base_path = _path_of(ctx.base[0]) if ctx.base else None
    if base_path is not None and base_path[0] is None:
        base_path = None  # a title, annex or chapter: "stk. 2" under it is no provision
    found: list[Target] | None = None
    if (m := _ONLY_OCC.match(phrase)) and ctx.base:
        found = [replace(t, occurrences=_OCC_WORDS[m.group(1).lower()]) for t in ctx.base]
        phrase = ""
    elif phrase:
        found = parse_targets(phrase)
        if found is None and ctx.last:
            found = _relative(phrase, ctx.last)
        elif found is None and base_path is not None:
            found = parse_targets(phrase, base_path)
        if found is None:
            raise _Unparsed(f"target not understood: {phrase!r}")
    elif not found:
        found = list(ctx.base if rel else ctx.last or ctx.base)
        if not found:
            raise _Unparsed("no target")
    if rel and (rel := _TRIM.sub("", rel)):
        refined: list[Target] = []
        for t in found:
            sub = _refine(t, rel)
            if not sub:
                raise _Unparsed(f"relative target not understood: {rel!r}")
            refined.extend(sub)
        found = refined
    if not ctx.base:
        ctx.base = list(found)
    ctx.last = list(found)
    return found


def _relative(phrase: str, last: Sequence[Target]) -> list[Target] | None:
    """A relative phrase continues the targets the latest clause named: "§ 348, stk. 3,
    2. pkt., ophæves, og i stk. 4, 1. pkt., udgår »…«, og 2. pkt. ophæves" – 2. pkt. of
    stk. 4. Where those targets read it differently ("I § 5, stk. 2, og § 7, stk. 1, …, og i
    2. pkt. …") it is not understood."""
    found: list[Target] | None = None
    for t in last:
        if _path_of(t)[0] is None:
            return None  # a title, annex or chapter has no § a phrase could continue
        got = parse_targets(phrase, _path_of(t))
        if got is None:
            return None
        if found is not None and got != found:
            raise _Unparsed(f"relative target {phrase!r} continues several targets")
        found = got
    return found


def _occ(word: str | None) -> int | None:
    return _OCC_WORDS.get(word.lower()) if word else None


def _strip_in_chapter(phrase: str) -> str:
    return _IN_CHAPTER.sub("", phrase)


def _new_keys_for(level: int, values: Sequence[str], parent: str) -> tuple[str, ...]:
    name = _LEVELS[level]
    return tuple(f"{parent}, {name} {v}" if parent else f"{name} {v}" for v in values)


def _absolute(
    provs: Sequence[Provision], anchor: str | None, level: int | None = None
) -> tuple[Provision, ...]:
    """New text keyed as printed ("stk. 4", "nr. 3") → absolute keys: a relative key at
    level L goes under ``anchor`` cut above L ("§ 5, stk. 7" + "nr. 2" → "§ 5, stk. 7, nr. 2";
    "§ 122 b" + "stk. 1" → "§ 122 b, stk. 1"). ``level``: where the instruction acts (default
    the anchor's); an unlabelled, empty stk. above it is the XML's wrapper of bare items
    ("5) …"), not new text: "I § 32, stk. 2, indsættes efter nr. 4 som nyt nummer" makes
    "§ 32, stk. 2, nr. 5", not "§ 32, stk. 1" and "§ 32, stk. 1, nr. 5"."""
    if not provs:
        return ()
    if anchor:
        provs = _unwrap(provs, provkeys.level(anchor) if level is None else level)
    out: list[Provision] = []
    for p in provs:
        if p.key.startswith("§") or not anchor:
            out.append(p)
            continue
        parent = provkeys.cut_above(anchor, provkeys.level(p.key.split(", ", 1)[0]))
        if not parent:
            out.append(p)
            continue
        key = f"{parent}, {p.key}"
        par = f"{parent}, {p.parent}" if p.parent else parent
        out.append(replace(p, key=key, parent=par))
    return tuple(out)


def _unwrap(provs: Sequence[Provision], level: int) -> Sequence[Provision]:
    wrappers = {
        p.key
        for p in provs
        if not p.key.startswith("§")
        and not p.label
        and not p.text.strip()
        and provkeys.level(p.key) < level
        and any(q.parent == p.key for q in provs)
    }
    if not wrappers:
        return provs

    def cut(key: str | None) -> str | None:
        for w in wrappers:
            if key == w:
                return None
            if key and key.startswith(w + ", "):
                return key[len(w) + 2 :]
        return key

    return [
        replace(p, key=cut(p.key) or p.key, parent=cut(p.parent))
        for p in provs
        if p.key not in wrappers
    ]


def _clause(ctx: _Ctx, sk: str, index: int) -> list[Instruction]:
    """One clause of the skeleton (quotes cut out) → instructions."""
    sk = sk.strip().rstrip(".").strip()

    def mk(action: Action, targets: Iterable[Target], **kw: object) -> Instruction:
        return Instruction(ctx.section, ctx.item, index, action, tuple(targets), raw=ctx.raw, **kw)  # type: ignore[arg-type]

    def new_text(q: str | None) -> tuple[str | None, tuple[Provision, ...]]:
        if q is not None:
            return _q(ctx, q), ()
        if ctx.new_text or ctx.new_provisions:
            ctx.used_new = True
            return ctx.new_text, ctx.new_provisions
        if _HEADING.match(sk):
            return "", ()  # a heading's new text sits in a Rubrica the raw item does not carry
        if ctx.last and all(t.kind in _TITLE_KINDS for t in ctx.last):
            return "", ()  # a new title is printed as a centred label the raw item lacks
        raise _Unparsed("no new text (neither quoted nor AendringNyTekst)")

    # renumbering: "Stk. 3-5 bliver herefter stk. 4-6."
    if (
        (m := _RE_RENUMBER.match(sk))
        and "⟪" not in sk
        and not re.search(r"\b(?:der|som)\s+bliver", sk)
    ):
        return [_renumber(ctx, m.group("a"), m.group("b"), index)]
    # "Efter § 14 og før overskriften »…« indsættes:" is "Efter § 14 indsættes før
    # overskriften »…«:" (the quote names the heading the new text goes before)
    sk = _AFTER_AND_BEFORE_HEADING.sub(r"\g<a> \g<v> \g<h>", sk)
    if (m := _RE_ANNEX_AS.match(sk) or _RE_ANNEX_AFTER.match(sk)) and (
        got := _annex_insert(ctx, m, index)
    ):
        return got
    if m := _RE_REPEAL_INSERT.match(sk):
        t = _targets(ctx, m.group("t"), m.group("rel"))
        rest = _TRIM.sub("", m.group("rest") or "")
        if (
            m.group("q") is None
            and all(x.kind is TargetKind.ANNEX for x in t)
            and (a := _ANNEX_FROM_ACT.match(rest))
            and (new := _whole_annexes(a.group("new")))
        ):
            # "Lovens bilag 1 ophæves, og i stedet indsættes bilag 1-3, der affattes som
            # bilag 1-3 til denne lov."
            return [
                mk(
                    Action.REPEAL_AND_INSERT,
                    t,
                    new_text=_norm(a.group("src")),
                    new_keys=tuple(x.key for x in new),
                )
            ]
        text, provs = new_text(m.group("q"))
        if t[0].pkt is not None:
            return [mk(Action.REPEAL_AND_INSERT, t, new_text=_plain(text, provs))]
        absprovs = _absolute(provs, t[0].new_key or t[0].key)
        keys = tuple(p.key for p in absprovs)
        return [
            mk(Action.REPEAL_AND_INSERT, t, new_text=text, new_provisions=absprovs, new_keys=keys)
        ]
    if m := _RE_REPLACE.match(sk):
        ctx.verb = Action.REPLACE_TEXT
        t = _targets(ctx, m.group("t"), m.group("rel"))
        return [
            mk(
                Action.REPLACE_TEXT,
                t,
                old_text=old,
                new_text=_q(ctx, m.group("new")),
                occurrences=_occ(m.group("occ")) or _first_occ(t),
            )
            for old in _qs(ctx, m.group("olds"))
        ]
    if m := _RE_REPLACE_Q_FIRST.match(sk):
        ctx.verb = Action.REPLACE_TEXT
        t = _targets(ctx, m.group("t"))
        return [
            mk(
                Action.REPLACE_TEXT,
                t,
                old_text=_q(ctx, m.group(2)),
                new_text=_q(ctx, m.group(4)),
                occurrences=_occ(m.group("occ")) or _first_occ(t),
            )
        ]
    if (m := _RE_DELETE.match(sk)) and (a := _AFTER_Q.match(m.group("t"))):
        return [
            mk(
                Action.DELETE_TEXT,
                ctx.last or ctx.base or _targets(ctx, None),
                old_text=q,
                anchor_text=_q(ctx, a.group(1)),
                position="after",
            )
            for q in _qs(ctx, m.group("q"))
        ]
    if m := _RE_DELETE.match(sk):
        ctx.verb = Action.DELETE_TEXT
        t = _targets(ctx, m.group("t"), m.group("rel"))
        return [
            mk(Action.DELETE_TEXT, t, old_text=q, occurrences=_occ(m.group("occ")) or _first_occ(t))
            for q in _qs(ctx, m.group("q"))
        ]
    if (m := _RE_DELETE_Q_FIRST.match(sk)) and not _HEADING.match(sk):
        ctx.verb = Action.DELETE_TEXT
        t = _targets(ctx, m.group("t"), m.group("after"))
        return [
            mk(Action.DELETE_TEXT, t, old_text=q, occurrences=_first_occ(t))
            for q in _qs(ctx, m.group("q"))
        ]
    if m := _RE_INSERT_TEXT.match(sk):
        ctx.verb = Action.INSERT_TEXT
        t = _targets(ctx, m.group("t"), m.group("rel"))
        text, _ = new_text(m.group(6))
        occ = _occ(m.group("occ")) or _first_occ(t)
        if re.search(r"(?:to|tre|fire)\s+steder", sk[m.start(5) :], re.IGNORECASE) and not occ:
            occ = _occ(
                re.search(r"(to|tre|fire)\s+steder", sk[m.start(5) :], re.IGNORECASE).group(1)
            )  # type: ignore[union-attr]
        return [
            mk(
                Action.INSERT_TEXT,
                t,
                anchor_text=_q(ctx, m.group(5)),
                new_text=text,
                position=_pos(m.group("pos")),
                occurrences=occ,
            )
        ]
    if m := _RE_INSERT_TEXT_POS_FIRST.match(sk):
        ctx.verb = Action.INSERT_TEXT
        t = _targets(ctx, m.group("t"))
        text, _ = new_text(m.group(4))
        return [
            mk(
                Action.INSERT_TEXT,
                t,
                anchor_text=_q(ctx, m.group(3)),
                new_text=text,
                position=_pos(m.group("pos")),
                occurrences=_first_occ(t),
            )
        ]
    if (m := _RE_INSERT_AFTER.match(sk)) and re.match(
        r"^(?:og\s+)?(?:efter|før|foran)\s", sk, re.IGNORECASE
    ):
        return _insert_after(
            ctx,
            m.group("t0"),
            m.group("pos"),
            m.group("anchor"),
            m.group("rest"),
            m.group("q"),
            index,
        )
    if m := _RE_INSERT_AS.match(sk):
        return _insert_as(ctx, m, index)
    if m := _RE_AS_FIRST.match(sk):
        return _insert_as(ctx, m, index)
    if m := _RE_INSERT_AFTER.match(sk):
        return _insert_after(
            ctx,
            m.group("t0"),
            m.group("pos"),
            m.group("anchor"),
            m.group("rest"),
            m.group("q"),
            index,
        )
    if m := _RE_INSERT_AFTER2.match(sk):
        return _insert_after(
            ctx, m.group("t"), m.group("pos"), m.group("anchor"), "", m.group("q"), index
        )
    if m := _RE_INSERT_BARE.match(sk):
        t = _targets(ctx, m.group("t"))
        text, provs = new_text(m.group("q"))
        absprovs = _absolute(provs, t[0].key + ", stk. 0")
        return [
            mk(
                Action.INSERT,
                t,
                new_text=text,
                new_provisions=absprovs,
                position="as",
                new_keys=tuple(p.key for p in absprovs),
            )
        ]
    if m := _RE_REWRITE_AS.match(sk):
        t = _targets(ctx, m.group("t"))
        text, provs = (
            new_text(None) if (ctx.new_text or ctx.new_provisions) else (m.group("as"), ())
        )
        return [mk(Action.REWRITE, t, new_text=text, new_provisions=provs)]
    if m := _RE_REWRITE.match(sk):
        t = _targets(ctx, m.group("t"))
        inner = _TRIM.sub("", m.group("inner") or "")
        if inner:
            if not t or (t[0].kind is TargetKind.PROVISION and not _is_act_item(ctx)):
                sub = parse_targets(inner, _path_of(t[0])) if t else None
                if not sub:
                    raise _Unparsed(f"inner target not understood: {inner!r}")
                t = sub
            else:
                t = [replace(x, kind=TargetKind.ACT_ITEM, inner=inner) for x in t]
        text, provs = new_text(m.group("q"))
        if all(x.kind in _TITLE_KINDS for x in t):
            return [mk(Action.REWRITE, t, new_text=_plain(text, provs))]
        if t[0].pkt is not None:
            # new punktummer are words in the stk.: the reader's bare "stk. 1" around them is
            # layout, and keyed it would name the wrong stk. ("§ 63, stk. 2, 3. pkt." → stk. 1)
            return [mk(Action.REWRITE, t, new_text=_plain(text, provs))]
        anchor = t[0].new_key or t[0].key if t[0].kind is TargetKind.PROVISION else None
        absprovs = _absolute(provs, anchor)
        keys = tuple(p.key for p in absprovs)
        return [mk(Action.REWRITE, t, new_text=text, new_provisions=absprovs, new_keys=keys)]
    if m := _RE_REPEAL.match(sk):
        t = _targets(ctx, m.group("t"), m.group("rel"))
        if m.group("q") is not None:
            # "ophæves »6) …«": the numbered text quoted instead of its number
            return [
                mk(Action.DELETE_TEXT, t, old_text=_q(ctx, m.group("q")), occurrences=_first_occ(t))
            ]
        return [mk(Action.REPEAL, t)]
    if m := _RE_DELETE_BARE.match(sk):
        t = _targets(ctx, m.group("t"), m.group("rel"))
        return [mk(Action.REPEAL, t)]
    if (m := _RE_CONT_REPLACE.match(sk)) and ctx.verb is Action.REPLACE_TEXT:
        t = _targets(ctx, m.group("t"))
        return [
            mk(
                Action.REPLACE_TEXT,
                t,
                old_text=_q(ctx, m.group(2)),
                new_text=_q(ctx, m.group(3)),
                occurrences=_first_occ(t),
            )
        ]
    raise _Unparsed("no known verb form")


_TITLE_KINDS = (TargetKind.TITLE, TargetKind.FOOTNOTE)
_AFTER_AND_BEFORE_HEADING = re.compile(
    r"^(?P<a>efter\s+§\s*[^⟪:,]+?)\s+og\s+(?P<h>før\s+overskriften\s*⟪\d+⟫)\s+(?P<v>indsættes)"
    r"(?=\s*:?\s*$)",
    re.IGNORECASE,
)

# "Som bilag 2 indsættes:", "Som bilag 1 til loven indsættes bilag 1 til denne lov."
_RE_ANNEX_AS = re.compile(
    r"^som\s+(?P<new>bilag\s+[^⟪:,]+?)(?:\s+til\s+loven)?\s+indsættes\s*"
    r"(?:(?P<src>bilag\s+[^⟪:]+?\s+til\s+denne\s+lov)|:?\s*(?:⟪(?P<q>\d+)⟫)?)\s*\.?\s*:?$",
    re.IGNORECASE,
)
# "Efter bilag 7 indsættes som bilag 8:", "Efter bilag 1 indsættes bilag 2 og 3, der affattes
# som henholdsvis bilag 1 og bilag 2 til denne lov."
_RE_ANNEX_AFTER = re.compile(
    r"^(?P<pos>efter|før)\s+(?P<anchor>bilag\s+[^⟪:,]+?)\s+indsættes\s+"
    r"(?:som\s+(?P<new>bilag\s+[^⟪:,]+?)\s*:?\s*(?:⟪(?P<q>\d+)⟫)?"
    r"|(?P<new2>bilag\s+[^⟪:,]+?)\s*,\s*der\s+affattes\s+som\s+(?:henholdsvis\s+)?"
    r"(?P<src>bilag\s+[^⟪:]+?\s+til\s+denne\s+lov))\s*\.?\s*:?$",
    re.IGNORECASE,
)


_ANNEX_FROM_ACT = re.compile(
    r"^(?P<new>bilag\s+[^,]+?)\s*,\s*der\s+affattes\s+som\s+(?:henholdsvis\s+)?"
    r"(?P<src>bilag\s+.+?\s+til\s+denne\s+lov)$",
    re.IGNORECASE,
)


def _whole_annexes(phrase: str) -> list[Target] | None:
    got = parse_targets(phrase)
    if not got or any(t.kind is not TargetKind.ANNEX or ", " in t.key for t in got):
        return None
    return got


def _annex_insert(ctx: _Ctx, m: re.Match[str], index: int) -> list[Instruction] | None:
    """A new annex: its number ("som bilag 8"), where ("efter bilag 7"), and its text (quoted,
    the item's new text, or "bilag 1 til denne lov" — the amending act's own annex). None
    if a phrase is no whole annex (the general grammar then tries)."""
    gd = m.groupdict()
    new = _whole_annexes(gd.get("new") or gd.get("new2") or "")
    anchor = _whole_annexes(gd["anchor"]) if gd.get("anchor") else None
    if new is None or (gd.get("anchor") and anchor is None):
        return None
    if gd.get("q") is not None:
        text: str | None = _q(ctx, gd["q"])
    elif ctx.new_text or ctx.new_provisions:
        ctx.used_new = True
        text = _plain(ctx.new_text, ctx.new_provisions)
    elif gd.get("src"):
        text = _norm(gd["src"])
    else:
        raise _Unparsed("no new text for the annex")
    targets = anchor or new
    if not ctx.base:
        ctx.base = list(targets)
    ctx.last = list(targets)
    return [
        Instruction(
            ctx.section,
            ctx.item,
            index,
            Action.INSERT,
            tuple(targets),
            new_text=text,
            position=_pos(gd["pos"]) if anchor else "as",
            new_keys=tuple(t.key for t in new),
            raw=ctx.raw,
        )
    ]


def _plain(text: str | None, provs: Sequence[Provision]) -> str:
    """New text of a title or footnote: words, not provisions (an unlabelled stk. the XML
    wraps a footnote in is layout)."""
    return text or " ".join(p.text for p in provs if p.text)


def _is_act_item(ctx: _Ctx) -> bool:
    return bool(ctx.base and ctx.base[0].kind is TargetKind.ACT_ITEM)


def _first_occ(targets: Sequence[Target]) -> int | None:
    """The count every target shares, else None: each target keeps its own ("to steder i
    § 72, i § 75" is two places in § 72 and one in § 75, not two in each)."""
    counts = {t.occurrences for t in targets}
    return counts.pop() if len(counts) == 1 else None


def _pos(word: str | None) -> str:
    return "after" if (word or "").lower() == "efter" else "before"


def _what(what: str) -> tuple[int, list[str]]:
    """ "stk. 4" / "nyt stykke" / "2. pkt." / "nr. 3-5" / "overskrift" → (level, values)."""
    what = _TRIM.sub("", what)
    what = re.sub(r"^(?:et\s+)?(?:nye|nyt|ny)\s+", "", what, flags=re.IGNORECASE)
    for pat, level in _WHAT_LEVEL:
        if m := pat.match(what):
            v = m.group("v")
            if level == 4:
                return 4, _pkt_values(v) if re.search(r"\d", v) else []
            nums = [_BLANKS.sub(" ", x) for x in _ONE_NUM.findall(v)]
            if (
                re.search(r"\d\s*[-–]\s*\d", v)
                and len(nums) == 2
                and nums[0].isdigit()
                and nums[1].isdigit()
            ):
                nums = [str(n) for n in span(nums[0], nums[1])]
            return level, nums
    raise _Unparsed(f"insert 'som {what}' not understood")


def _insert_as(ctx: _Ctx, m: re.Match[str], index: int) -> list[Instruction]:
    """ "I § 55 indsættes [efter stk. 3] som [nyt] stk. 4:" and the punktum variants; under
    several targets ("I § 9, stk. 2, og § 11, stk. 3, indsættes som 5. pkt.:") one insertion
    under each."""
    gd = m.groupdict()
    if not _TRIM.sub("", gd["t"] or "") and not gd.get("anchor") and gd.get("pos") is None:
        # "Som fodnote til lovens titel indsættes:": a new footnote, not a provision
        what = re.sub(r"^(?:et\s+)?(?:nye|nyt|ny)\s+", "", _TRIM.sub("", gd["what"]), flags=re.I)
        if _FOOTNOTE.match(what) and (found := parse_targets(what)):
            text, provs = (
                (ctx.quotes[int(gd["q"])], ())
                if gd.get("q")
                else (ctx.new_text, ctx.new_provisions)
            )
            return [
                Instruction(
                    ctx.section,
                    ctx.item,
                    index,
                    Action.INSERT,
                    tuple(found),
                    new_text=_plain(text, provs),
                    position="as",
                    raw=ctx.raw,
                )
            ]
    level, values = _what(gd["what"])
    if level == 0 and not _TRIM.sub("", gd["t"] or "") and values:
        text, provs = (
            (ctx.quotes[int(gd["q"])], ()) if gd.get("q") else (ctx.new_text, ctx.new_provisions)
        )
        keys = tuple(f"§ {v}" for v in values)
        return [
            Instruction(
                ctx.section,
                ctx.item,
                index,
                Action.INSERT,
                tuple(Target(k) for k in keys),
                new_text=text,
                new_provisions=tuple(provs),
                position="as",
                new_keys=keys,
                raw=ctx.raw,
            )
        ]
    t = _targets(ctx, _strip_in_chapter(gd["t"]))
    return [_insert_as_under(ctx, gd, level, values, parent_t, index) for parent_t in t]


def _insert_as_under(
    ctx: _Ctx,
    gd: dict[str, str | None],
    level: int,
    values: list[str],
    parent_t: Target,
    index: int,
) -> Instruction:
    q = gd.get("q")
    anchor = None
    if gd.get("anchor"):
        sub = parse_targets(gd["anchor"] or "", _path_of(parent_t))
        if not sub:
            raise _Unparsed(f"insert anchor not understood: {gd['anchor']!r}")
        anchor = sub
    if q is not None:
        text, provs = ctx.quotes[int(q)], ()
    elif ctx.new_text or ctx.new_provisions:
        ctx.used_new = True
        text, provs = ctx.new_text, ctx.new_provisions
    else:
        raise _Unparsed("no new text for the insertion")
    pos = _pos(gd.get("pos")) if anchor else "as"
    targets = anchor or [parent_t]
    if level == 4:
        new_pkt = _pkt_int(values[0]) if values else None
        if new_pkt is None and anchor and anchor[0].pkt is not None:
            new_pkt = anchor[0].pkt + (1 if pos == "after" else 0)
        return Instruction(
            ctx.section,
            ctx.item,
            index,
            Action.INSERT,
            tuple(targets),
            new_text=text,
            position=pos,
            new_pkt=new_pkt,
            raw=ctx.raw,
        )
    if level == 5:  # "som overskrift"
        return Instruction(
            ctx.section,
            ctx.item,
            index,
            Action.INSERT,
            tuple(replace(x, kind=TargetKind.HEADING) for x in targets),
            new_text=text,
            position=pos,
            raw=ctx.raw,
        )
    parent_key = provkeys.cut_above(
        anchor[0].new_key or anchor[0].key if anchor else parent_t.new_key or parent_t.key, level
    )
    provs_abs = _absolute(provs, parent_key + ", litra 0", level)
    if values:
        new_keys = _new_keys_for(level, values, parent_key)
    else:
        new_keys = tuple(p.key for p in provs_abs if provkeys.level(p.key) == level)
        if not new_keys and anchor:
            # "efter nr. 17, der bliver nr. 14, som nyt nummer": after nr. 14, so nr. 15
            nums = (anchor[0].new_key or anchor[0].key).rsplit(" ", 1)[-1]
            if is_label_int(nums):
                new_keys = _new_keys_for(
                    level, [str(int(nums) + (1 if pos == "after" else 0))], parent_key
                )
    if provs_abs and new_keys:
        provs_abs = _rekey_new(provs_abs, level, new_keys)
    return Instruction(
        ctx.section,
        ctx.item,
        index,
        Action.INSERT,
        tuple(targets),
        new_text=text,
        new_provisions=provs_abs,
        position=pos,
        new_keys=new_keys,
        raw=ctx.raw,
    )


def _rekey_new(
    provs: tuple[Provision, ...], level: int, keys: tuple[str, ...]
) -> tuple[Provision, ...]:
    """Give new text the numbers the instruction states ("som stk. 4" over an unlabelled stk.)."""
    tops = [p for p in provs if provkeys.level(p.key) == level]
    if len(tops) != len(keys):
        return provs
    mapping = {p.key: k for p, k in zip(tops, keys, strict=True)}

    def moved(key: str | None) -> str | None:
        # The key's own ancestor at ``level`` is the one renumbered: a lookup per key level,
        # not a scan of every mapping (2,000 new stk. stayed quadratic).
        if not key:
            return key
        parts = key.split(", ")
        for n in range(1, len(parts) + 1):
            head = ", ".join(parts[:n])
            if head in mapping:
                return mapping[head] + key[len(head) :]
        return key

    out: list[Provision] = []
    for p in provs:
        key, parent = moved(p.key) or p.key, moved(p.parent)
        number = key.rsplit(" ", 1)[-1] if key != p.key else p.number
        out.append(replace(p, key=key, parent=parent, number=number))
    return tuple(out)


def _insert_after(
    ctx: _Ctx, t0: str | None, pos: str, anchor: str, rest: str, q: str | None, index: int
) -> list[Instruction]:
    """ "Efter § 81 indsættes:", "I kapitel 5 indsættes efter § 28:", "Før § 50 indsættes
    som overskrift:", "Efter kapitel 9 a indsættes:". A relative anchor under several
    targets ("I § 9, stk. 2, og § 11, stk. 3, indsættes efter 4. pkt.:") is one insertion
    under each."""
    anchor = _strip_in_chapter(anchor)
    bases = [_path_of(ctx.base[0])] if ctx.base else []
    prefix: list[Target] | None = None
    if (
        t0
        and _TRIM.sub("", t0)
        and not re.fullmatch(r"\s*(?:i|I)\s+kapitel\s+\S+(?:\s\S)?\s*,?\s*", t0)
    ):
        prefix = parse_targets(t0)
        if prefix:
            bases = [_path_of(p) for p in prefix]
    if prefix and prefix[0].kind is TargetKind.ANNEX and not parse_targets(anchor):
        # "I bilag 1 indsættes efter nr. 16:": nr. 16 of the annex, not a bare "nr. 16"
        groups = [_refine(prefix[0], anchor)]
    else:
        groups = [t] if (t := parse_targets(anchor)) else [parse_targets(anchor, b) for b in bases]
    if not groups or not all(groups):
        raise _Unparsed(f"insert anchor not understood: {anchor!r}")
    targets = groups[0]
    rest = _TRIM.sub("", rest or "")
    if q is not None and _BEFORE_HEADING_END.search(rest):
        # "Efter § 123 c indsættes før overskriften »Voksne«:": the quote names the heading;
        # the new text is the AendringNyTekst
        q = None
    rest = re.sub(
        r"^(?:i\s+kapitel\s+\S+(?:\s[a-zæøå](?![a-zæøå]))?\s*,?\s*)", "", rest, flags=re.IGNORECASE
    )
    rest = re.sub(
        r"^(?:før|efter)\s+(?:overskriften(?:\s+(?:før|til)\s+\S+(?:\s+\S+)?)?\s*(?:⟪\d+⟫)?|kapitel\s+\d+(?:\s?[a-zæøå](?![a-zæøå]))?)",
        "",
        rest,
        flags=re.IGNORECASE,
    )
    rest = _TRIM.sub("", rest)
    if not ctx.base:
        ctx.base = list(targets)
    if q is not None:
        text, provs = ctx.quotes[int(q)], ()
    elif ctx.new_text or ctx.new_provisions:
        ctx.used_new = True
        text, provs = ctx.new_text, ctx.new_provisions
    else:
        raise _Unparsed("no new text for the insertion")
    return [
        _inserted_after(ctx, targets, pos, rest, text, provs, index)
        for targets in groups
        if targets
    ]


def _inserted_after(
    ctx: _Ctx,
    targets: list[Target],
    pos: str,
    rest: str,
    text: str | None,
    provs: Sequence[Provision],
    index: int,
) -> Instruction:
    kind_targets = targets
    new_pkt = None
    if rest.lower().startswith("som"):
        level, values = _what(re.sub(r"^som\s+", "", rest, flags=re.IGNORECASE))
        if level == 5:
            kind_targets = [replace(x, kind=TargetKind.HEADING) for x in targets]
        elif level == 4:
            new_pkt = _pkt_int(values[0]) if values else None
    elif targets[0].pkt is not None and targets[0].kind is TargetKind.PROVISION:
        # "I § 14, stk. 1, indsættes efter 1. pkt.:": new punktummer, even when the new text
        # was printed as a bare stk. of its own
        p0 = targets[0].new_pkt or targets[0].pkt or 1
        after = _pos(pos) == "after"
        new_pkt = (-1 if p0 == -1 else p0 + 1) if after else (None if p0 == -1 else p0)
        provs = ()
    anchor_key = (
        targets[0].new_key or targets[0].key if targets[0].kind is TargetKind.PROVISION else ""
    )
    parent = provkeys.parent(anchor_key) or ""
    provs_abs = _absolute(provs, anchor_key or None)
    tops = [p.key for p in provs_abs if p.parent is None or p.parent == (parent or None)]
    return Instruction(
        ctx.section,
        ctx.item,
        index,
        Action.INSERT,
        tuple(kind_targets),
        new_text=text,
        new_provisions=provs_abs,
        position=_pos(pos),
        new_pkt=new_pkt,
        new_keys=tuple(tops),
        raw=ctx.raw,
    )


def _renumber(ctx: _Ctx, a: str, b: str, index: int) -> Instruction:
    """ "Stk. 3-5 bliver herefter stk. 4-6." relative to the item's target (its § or stk.)."""
    if ctx.base and ctx.base[0].kind is TargetKind.ANNEX:
        # "Bilag 1, liste A, nr. 32, ophæves. Nr. 33 og 34 bliver herefter nr. 32 og 33.": the
        # numbers of that annex (list), never bare provision keys
        head = _annex_container(ctx.base[0].key)
        old = parse_targets(f"{head}, {a}")
        new = parse_targets(f"{head}, {b}")
        if not old or not new or any(t.kind is not TargetKind.ANNEX for t in old + new):
            raise _Unparsed(f"renumbering in {head} not understood: {a!r} → {b!r}")
        base = None
    else:
        base = _path_of(ctx.base[0]) if ctx.base else None
        old = parse_targets(a) or (parse_targets(a, base) if base else None)
        new = parse_targets(b) or (parse_targets(b, base) if base else None)
    if not old or not new:
        raise _Unparsed(f"renumbering not understood: {a!r} → {b!r}")
    if len(old) != len(new):
        raise _Unparsed(f"renumbering with {len(old)} old and {len(new)} new numbers")
    if old[0].kind is TargetKind.CHAPTER or new[0].kind is TargetKind.CHAPTER:
        pairs = tuple((o.key, n.key) for o, n in zip(old, new, strict=True))
    else:
        pairs = tuple((o.key, n.key) for o, n in zip(old, new, strict=True))
    return Instruction(
        ctx.section, ctx.item, index, Action.RENUMBER, tuple(old), renumber=pairs, raw=ctx.raw
    )


def _annex_container(key: str) -> str:
    """ "bilag 1, liste A, nr. 32" → "bilag 1, liste A": where its numbered items live."""
    parts = key.split(", ")
    while len(parts) > 1 and parts[-1].split(" ", 1)[0] in ("stk.", "nr.", "litra"):
        parts.pop()
    return ", ".join(parts)


# "§ 15 d." printed as bold words inside the first Stk of the new text (older acts): the XML
# reader then keys that stk. as a bare "stk. 1", which would land under the anchor § ("Efter
# § 15 c indsættes:" → "§ 15 c, stk. 1") instead of making § 15 d
_TEXT_PAR_LABEL = re.compile(r"^§\s*(?P<n>\d+)(?:\s?(?P<l>[a-zæøåA-ZÆØÅ]))?\.\s+(?=[A-ZÆØÅ])")


def _lift_text_label(provs: Sequence[Provision]) -> tuple[Provision, ...]:
    """New text whose first § label sits in the text of a bare first stk. → that § with its
    stykker (up to the next § the reader did key); anything else unchanged."""
    provs = tuple(provs)
    if not provs or provs[0].key != "stk. 1" or provs[0].label or provs[0].parent:
        return provs
    if not (m := _TEXT_PAR_LABEL.match(provs[0].text)):
        return provs
    number = m.group("n") + (f" {m.group('l').lower()}" if m.group("l") else "")
    par = f"§ {number}"
    run = 0
    while run < len(provs) and not provs[run].key.startswith("§"):
        run += 1
    if any(p.key == par or p.key.startswith(par + ", ") for p in provs[run:]):
        return provs  # the § is keyed later on: not a label left in the text
    first = provs[0]
    head = Provision(
        par, Level.PARAGRAF, number, m.group(0).strip(), None, "", first.position,
        first.chapter, first.section, first.heading,
    )
    lifted = [head]
    for i, p in enumerate(provs[:run]):
        text = p.text[m.end() :] if i == 0 else p.text
        lifted.append(
            replace(p, key=f"{par}, {p.key}", parent=f"{par}, {p.parent}" if p.parent else par,
                    text=text)
        )
    return (*lifted, *provs[run:])


_DUP_SUFFIX = re.compile(r" \(\d+\)$")


def _attach_strays(provs: Sequence[Provision]) -> tuple[Provision, ...]:
    """Bare stk. and nr. after a new § belong to that § and its latest stk.: the XML sometimes
    closes the Paragraf before its later Stk ("Efter § 9 a indsættes: § 9 b. … Stk. 2. …"),
    or prints a new § flat, each Stk and list item beside it; the reader then keys them bare
    ("stk. 2", "nr. 1 (2)"), and they would land under the anchor ("§ 9 a, stk. 2"). Nested
    again in print order; unchanged if a nested key would clash with one the reader keyed."""
    provs = tuple(provs)
    if not any(p.key.startswith("§") for p in provs) or all(
        p.key.startswith("§") for p in provs
    ):
        return provs
    keyed = {p.key for p in provs if p.key.startswith("§")}
    out: list[Provision] = []
    par: str | None = None
    stk: str | None = None
    renamed: dict[str, str] = {}  # a stray top key → its nested key
    for p in provs:
        if p.key.startswith("§"):
            par = provkeys.paragraph(p.key)
            if p.key == par:
                stk = None
            elif provkeys.level(p.key) == 1:
                stk = p.key
            out.append(p)
            continue
        if par is None:
            out.append(p)  # bare text before any §: not the XML's doing
            continue
        head, _, rest = p.key.partition(", ")
        if head in renamed:
            key = renamed[head] + (", " + rest if rest else "")
            parent = renamed[head] + (p.parent[len(head) :] if p.parent else "")
        else:
            name = _DUP_SUFFIX.sub("", head)
            if rest or p.parent:
                return provs  # a stray child whose own stray parent was not seen
            if name.startswith("stk."):
                parent = par
            elif name.startswith("nr."):
                parent = stk or par
            else:
                return provs
            key = f"{parent}, {name}"
            renamed[head] = key
            if name.startswith("stk."):
                stk = key
        key = ", ".join(_DUP_SUFFIX.sub("", part) for part in key.split(", "))
        if key in keyed:
            return provs
        keyed.add(key)
        number = key.rsplit(" ", 1)[-1]
        out.append(replace(p, key=key, parent=parent, number=number))
    return tuple(out)


_STRIP_ITEM_NO = re.compile(r"^\s*\d+\.\s+(?=[A-ZÆØÅ§I])")


def parse_definition(
    sentence: str,
    *,
    section: str = "§ 1",
    item: str = "1",
    new_text: str = "",
    new_provisions: Sequence[Provision] = (),
    base: Sequence[Target] = (),
    start_index: int = 0,
    act_item: bool = False,
) -> list[Instruction]:
    """One `AendringDefinition` sentence (+ its new text) → instructions; never raises.

    ``base`` carries the targets of the item's earlier sentences, for relative ones such as
    "Stk. 3-5 bliver herefter stk. 4-6.".
    """
    raw = _norm(sentence)
    sk, quotes = _cut_quotes(raw)
    sk = _STRIP_ITEM_NO.sub("", sk)
    base_list = list(base)
    if act_item and not base_list:
        m = re.match(r"^\s*I\s+(§\s*\d+\s*,\s*nr\.\s*\d+)\s*,", sk)
        if m:
            t = parse_targets(m.group(1))
            if t:
                base_list = [replace(x, kind=TargetKind.ACT_ITEM) for x in t]
    new_provisions = _attach_strays(_lift_text_label(new_provisions))
    ctx = _Ctx(section, item, raw, quotes, _norm(new_text), new_provisions, base_list)
    out: list[Instruction] = []
    try:
        if len(sk) > MAX_SENTENCE:
            raise _Unparsed(
                f"instruction of {len(sk):,} characters outside quotes (limit {MAX_SENTENCE:,})"
            )
        try:
            out = _clause(ctx, sk, start_index)
        except _Unparsed as whole:
            clauses = [c for c in _VERB_SPLIT.split(sk) if c and c.strip(" ,")]
            if len(clauses) < 2:
                raise
            ctx.base = list(base_list)
            ctx.last = []
            out = []
            try:
                for n, c in enumerate(clauses):
                    out.extend(_clause(ctx, c, start_index + n))
            except _Unparsed as part:
                raise _Unparsed(f"{whole}; split into {len(clauses)} clauses: {part}") from None
    except (_Unparsed, NumberError) as exc:
        return [
            Instruction(
                section,
                item,
                start_index,
                Action.UNPARSED,
                raw=raw,
                reason=_clip(str(exc)),
                new_text=new_text or None,
                new_provisions=tuple(new_provisions),
            )
        ]
    if act_item:
        out = [
            replace(i, targets=tuple(_as_act_item(t, base_list) for t in i.targets)) for i in out
        ]
    return [part for i in out for part in _split_title(i)]


_TEXT_OPS = (Action.REPLACE_TEXT, Action.DELETE_TEXT, Action.INSERT_TEXT)


def _split_title(ins: Instruction) -> list[Instruction]:
    """ "I lovens titel, § 5, stk. 2, … ændres »x« til: »y«": one instruction for the title,
    one for the provisions (same index, as for several quoted olds), so that a consumer
    that does not model titles can still act on the provisions. So too for a text edit in
    headings and provisions ("I overskriften før § 14 og i § 14, stk. 1 og 3, … ændres")."""
    apart = _TITLE_KINDS + ((TargetKind.HEADING,) if ins.action in _TEXT_OPS else ())
    title = tuple(t for t in ins.targets if t.kind in apart)
    rest = tuple(t for t in ins.targets if t.kind not in apart)
    if not title or not rest:
        return [ins]
    return [replace(ins, targets=title), replace(ins, targets=rest)]


def _as_act_item(t: Target, base: Sequence[Target]) -> Target:
    if t.kind is TargetKind.ACT_ITEM or not base:
        return t
    return replace(base[0], inner=t.key + (f", {t.pkt}. pkt." if t.pkt else ""))


# --- the act --------------------------------------------------------------------------------


def _parse_item(
    raw: RawAmendmentItem, section: str, act_item: bool, in_force: InForce
) -> AmendmentItem:
    instructions: list[Instruction] = []
    base: list[Target] = []
    for i, sentence in enumerate(raw.definitions):
        new_text = raw.new_texts[i] if i < len(raw.new_texts) else ""
        new_provs = raw.new_provisions[i] if i < len(raw.new_provisions) else ()
        got = parse_definition(
            sentence,
            section=section,
            item=raw.number,
            new_text=new_text,
            new_provisions=new_provs,
            base=base,
            start_index=len(instructions),
            act_item=act_item,
        )
        instructions.extend(got)
        if not base:
            base = [t for ins in got for t in ins.targets][:1]
    for sentence in raw.renumbering:
        instructions.extend(
            parse_definition(
                sentence, section=section, item=raw.number, base=base, start_index=len(instructions)
            )
        )
    if not instructions:
        instructions.append(
            Instruction(
                section,
                raw.number,
                0,
                Action.UNPARSED,
                raw="",
                reason="item without any instruction sentence",
            )
        )
    return AmendmentItem(section, raw.number, tuple(instructions), in_force, raw)


def parse_amending_act(doc: LawDocument) -> AmendingAct:
    """Every section of an amending act (one per amended law) with its items understood."""
    default, specific, rules, unparsed = parse_in_force(doc.in_force, doc.meta.signed)
    sections: list[AmendedLawSection] = []
    for sec in doc.amending_sections:
        sections.append(_parse_section(sec, default, specific))
    label = _act_label(doc)
    return AmendingAct(
        doc.meta.eli,
        label,
        doc.meta.title,
        doc.meta.signed,
        tuple(sections),
        tuple(rules),
        tuple(unparsed),
    )


def _parse_section(
    sec: RawAmendingSection,
    default: InForce | None,
    specific: dict[tuple[str, str | None], InForce],
) -> AmendedLawSection:
    amended = parse_amending_intro(sec.intro)
    title = normalize_law_title(amended.law_title) if amended.law_title else None
    act_item = bool(title and title.startswith("lov om ændring af"))
    label = sec.label if sec.label.startswith("§") else f"§ {sec.label}"
    label = _norm(label).rstrip(".")
    items = tuple(
        _parse_item(it, label, act_item, item_in_force(label, it.number, default, specific))
        for it in sec.items
    )
    return AmendedLawSection(label, title, amended, items)


_MONTH_NAMES = {v: k for k, v in MONTHS.items()}


def _act_label(doc: LawDocument) -> str:
    d = doc.meta.signed
    if d is None:
        return f"lov nr. {doc.meta.number}"
    return f"lov nr. {doc.meta.number} af {d.day}. {_MONTH_NAMES[d.month]} {d.year}"


def select_items(
    act: AmendingAct,
    law_title: str | None,
    ref: ActRef | None = None,
    exclude: Sequence[ActRef] = (),
) -> list[AmendmentItem]:
    """The items of ``act`` that amend ``law_title`` and that ``ref`` cites (its ``parts``:
    "§ 1, nr. 1-4, 6-9" → those items; none → the whole act), minus the items ``exclude``
    cites (a version's not-incorporated list). In act order."""
    want = normalize_law_title(law_title) if law_title else None

    def cited(parts: Sequence[ItemRef], section: str, number: str) -> bool:
        for part in parts:
            if part.paragraph == section and (
                not part.items or (is_label_int(number) and int(number) in part.items)
            ):
                return True
        return False

    out: list[AmendmentItem] = []
    for sec in act.sections:
        if want is not None and sec.law_title != want:
            continue
        for it in sec.items:
            if ref is not None and ref.parts and not cited(ref.parts, sec.label, it.number):
                continue
            if any(
                x.eli == act.eli and (not x.parts or cited(x.parts, sec.label, it.number))
                for x in exclude
            ):
                continue
            out.append(it)
    return out


def level_of(key: str) -> Level | None:
    """The level of a key's last part ("§ 5, stk. 2" → STK)."""
    n = provkeys.level(key)
    return (Level.PARAGRAF, Level.STK, Level.NR, Level.LITRA)[n] if n >= 0 else None

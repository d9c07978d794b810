"""Paragraph keys and the citation grammar shared by KLE, OS2bos, user files and law text.

Keys use the model's format exactly (``§ 81 a, stk. 2, nr. 3``). External data writes them in
other ways (``§ 81a``, ``SEL-52-3.7``, ``§ 148a-149``, ``Kap. 24a``, anchor ``#P83``); every
parser here turns them into `ParaRef`s, which stay unresolved until `graph.build` matches them
against the keys of a real law version (only then can a range like ``§§ 83-87`` know that
``§ 83 a`` exists).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from lawdiff.keys import ancestors, paragraph, truncate
from lawdiff.keys import sort_key as para_sort_key

_LEVELS = ("stk.", "nr.", "litra")


class RefKind(StrEnum):
    KEY = "key"  # one provision: "§ 52, stk. 3, nr. 7"
    RANGE = "range"  # start..end inclusive: "§ 83".."§ 87", "§ 9, stk. 22".."§ 9, stk. 28"
    CHAPTER = "chapter"  # "Kap. 24a" → chapter "24 a"; a range sets chapter_end
    LAW = "law"  # the whole law (a reference without paragraph)


@dataclass(frozen=True, slots=True)
class ParaRef:
    """Provisions of one law as a source names them, before resolution against a version."""

    kind: RefKind
    start: str = ""
    end: str = ""
    chapter: str = ""
    chapter_end: str = ""
    text: str = ""

    def __str__(self) -> str:
        if self.kind is RefKind.KEY:
            return self.start
        if self.kind is RefKind.RANGE:
            return f"{self.start} – {self.end}"
        if self.kind is RefKind.CHAPTER:
            end = f"-{self.chapter_end}" if self.chapter_end else ""
            return f"Kapitel {self.chapter}{end}"
        return "(hele loven)"


# ---------------------------------------------------------------- keys

_NUM = re.compile(r"^\s*(\d+)\s*([a-zæøå]?)\s*$", re.IGNORECASE)


def norm_number(number: str) -> str:
    """``81a`` / ``81 a`` / ``81\u00a0A`` → ``81 a`` (the model's spelling)."""
    m = _NUM.match(number.replace("\u00a0", " "))
    if not m:
        return " ".join(number.split())
    return f"{m[1]} {m[2].lower()}" if m[2] else m[1]


def make_key(
    paragraph: str, stk: str | int | None = None, nr: str | int | None = None,
    litra: str | None = None,
) -> str:
    key = f"§ {norm_number(paragraph)}"
    for label, value in (("stk.", stk), ("nr.", nr), ("litra", litra)):
        if value is None or value == "":
            break
        key += f", {label} {value}"
    return key


def chapter_sort_key(chapter: str) -> tuple[int, str]:
    m = re.match(r"(\d+)\s*([a-zæøå]*)", chapter)
    return (int(m[1]), m[2]) if m else (10**9, chapter)


_CHAPTER = re.compile(r"kapitel\s+(\d+\s*[a-zæøå]?)\b", re.IGNORECASE)


def chapter_number(chapter_heading: str | None) -> str | None:
    """``Kapitel 24 a · Ledsagelse …`` → ``24 a`` (from `Provision.chapter`)."""
    if not chapter_heading:
        return None
    m = _CHAPTER.search(chapter_heading.replace("\u00a0", " "))
    return norm_number(m[1]) if m else None


# ---------------------------------------------------------------- citation grammar

_WS = r"[\s\u00a0]*"
# a § number with an optional letter suffix; "i" only when no word follows ("§ 5 i lov …")
_PNUM = re.compile(
    r"[\s\u00a0]*(\d+)(?:[\s\u00a0]*(?!i[\s\u00a0]+[a-zæøå])([a-zæø])(?![\wæøå]))?",
    re.IGNORECASE,
)
_LETTER_END = re.compile(r"[\s\u00a0]*([a-zæø])(?![\wæøå])", re.IGNORECASE)
_DASH = re.compile(r"[\s\u00a0]*[-–][\s\u00a0]*")
_LIST_SEP = re.compile(r"[\s\u00a0]*(?:,|[\s\u00a0]og|[\s\u00a0]eller)[\s\u00a0]*(?=\d)")
_INT = re.compile(r"[\s\u00a0]*(\d+)(?![\d.]*[\s\u00a0]*pkt)(?!\.\s*\d)")
_LEVEL = {
    "stk.": re.compile(r"[\s\u00a0]*,[\s\u00a0]*stk\.", re.IGNORECASE),
    "nr.": re.compile(r"[\s\u00a0]*,[\s\u00a0]*nr\.", re.IGNORECASE),
    "litra": re.compile(r"[\s\u00a0]*,[\s\u00a0]*litra\b", re.IGNORECASE),
}
_LITRA = re.compile(r"[\s\u00a0]*([a-zæø])(?![\wæøå])", re.IGNORECASE)
_MORE = re.compile(
    r"[\s\u00a0]*(?:,[\s\u00a0]*(?:(?:og|eller|samt)[\s\u00a0]+)?|[\s\u00a0]+(?:og|eller|samt)[\s\u00a0]+)"
    r"(stk\.|nr\.|litra\b)", re.IGNORECASE
)


_LITRA_SEP = re.compile(
    r"[\s\u00a0]*(?:,|[\s\u00a0]og|[\s\u00a0]eller)[\s\u00a0]*(?=[a-zæø](?![\wæøå]))", re.IGNORECASE
)


def _num_list(text: str, pos: int, atom: re.Pattern[str]) -> tuple[list[tuple[str, str]], int]:
    """``2``, ``2-4``, ``2, 3 og 5`` → [(start, end)]; empty if nothing matches at pos."""
    items: list[tuple[str, str]] = []
    sep = _LITRA_SEP if atom is _LITRA else _LIST_SEP
    while True:
        m = atom.match(text, pos)
        if not m:
            break
        a, pos = m[1], m.end()
        b = a
        d = _DASH.match(text, pos)
        if d and (m2 := atom.match(text, d.end())):
            b, pos = m2[1], m2.end()
        items.append((a, b))
        s = sep.match(text, pos)
        if not s or not atom.match(text, s.end()):
            break
        pos = s.end()
    return items, pos


def _sub_refs(text: str, pos: int, base: str, level: int) -> tuple[list[ParaRef], int]:
    """Parse ``stk. 2, nr. 3 og 4, og stk. 5`` (labels already consumed up to the first list)
    below `base`, starting at `level` (0 stk., 1 nr., 2 litra)."""
    refs: list[ParaRef] = []
    descended = False
    while True:
        label = _LEVELS[level]
        items, end = _num_list(text, pos, _LITRA if label == "litra" else _INT)
        if not items:
            break
        pos = end
        single = len(items) == 1 and items[0][0] == items[0][1]
        deeper = _LEVEL[_LEVELS[level + 1]].match(text, pos) if level + 1 < 3 else None
        if single and deeper:
            base, level, pos, descended = f"{base}, {label} {items[0][0]}", level + 1, deeper.end(), True
            continue
        for a, b in items:
            first = f"{base}, {label} {a}"
            refs.append(ParaRef(RefKind.KEY, first) if a == b
                        else ParaRef(RefKind.RANGE, first, f"{base}, {label} {b}"))
        more = _MORE.match(text, pos)
        if not more:
            break
        new_level = _LEVELS.index(more[1].lower())
        if new_level > level:
            break
        base, level, pos = truncate(base, new_level), new_level, more.end()
    if not refs and descended:
        refs.append(ParaRef(RefKind.KEY, base))
    return refs, pos


def parse_citation(text: str, pos: int = 0) -> tuple[list[ParaRef], int]:
    """Parse a citation that starts after ``§``/``§§`` at pos: ``83-87``, ``52, stk. 3, nr. 7``,
    ``148a-149``, ``105a-b``, ``83, 84 og 86``, ``11-14, stk. 1``. Returns refs and end pos."""
    paras: list[tuple[str, str]] = []
    while True:
        m = _PNUM.match(text, pos)
        if not m:
            break
        start = norm_number(m[1] + (m[2] or ""))
        pos = m.end()
        end = start
        d = _DASH.match(text, pos)
        if d:
            m2 = _PNUM.match(text, d.end())
            if m2:
                end, pos = norm_number(m2[1] + (m2[2] or "")), m2.end()
            elif m[2] and (m3 := _LETTER_END.match(text, d.end())):
                end, pos = norm_number(m[1] + m3[1]), m3.end()
        paras.append((start, end))
        s = _LIST_SEP.match(text, pos)
        if not s or _LEVEL["stk."].match(text, pos):
            break
        pos = s.end()
    if not paras:
        return [], pos
    refs: list[ParaRef] = []
    for a, b in paras[:-1]:
        refs.append(_para_ref(a, b))
    a, b = paras[-1]
    stk = _LEVEL["stk."].match(text, pos)
    if stk:
        sub, end = _sub_refs(text, stk.end(), f"§ {b}", 0)
        if sub:
            pos = end
            if a != b:  # "§ 11-14, stk. 1": §§ 11..13 whole, then § 14, stk. 1
                refs.append(ParaRef(RefKind.RANGE, f"§ {a}", sub[-1].end or sub[-1].start))
                refs.extend(sub[:-1])
            else:
                refs.extend(sub)
            return refs, pos
    refs.append(_para_ref(a, b))
    return refs, pos


def _para_ref(a: str, b: str) -> ParaRef:
    if a == b:
        return ParaRef(RefKind.KEY, f"§ {a}")
    return ParaRef(RefKind.RANGE, f"§ {a}", f"§ {b}")


def parse_relative(text: str, pos: int, current: str) -> tuple[list[ParaRef], int]:
    """``stk. 2, nr. 3`` / ``nr. 4`` at pos, relative to the key whose text holds them: stk.
    within the current §, nr. within the current stk. (stk. 1 for a §'s own text)."""
    m = _REL.match(text, pos)
    if not m:
        return [], pos
    level = _LEVELS.index(m[1].lower())
    base = truncate(current, level)
    if level >= 1 and base.count(", ") == 0:
        base = f"{base}, stk. 1"
    if level == 2 and base.count(", ") == 1:
        return [], pos  # litra outside a numbered item: too ambiguous
    return _sub_refs(text, m.end(), base, level)


_REL = re.compile(r"(stk\.|nr\.|litra\b)", re.IGNORECASE)


# ---------------------------------------------------------------- external formats

_KAP = re.compile(r"^\s*kap(?:\.|itel)\s*(\d+\s*[a-zæø]?)(?:\s*[-–]\s*(\d+\s*[a-zæø]?))?\s*$",
                  re.IGNORECASE)


def parse_paragraph_text(text: str) -> tuple[list[ParaRef], str | None]:
    """KLE ``ParagrafEllerKapitel`` (or a user's cell): ``§ 52, stk. 3, nr. 3``, ``§§ 83-87``,
    ``§ 148a-149``, ``§ 81a``, ``Kap. 24a``, ``Kap. 11-14``; ``;``/newline separate several.
    Returns refs and a problem message for what could not be read (None if all was read)."""
    refs: list[ParaRef] = []
    bad: list[str] = []
    for part in re.split(r"[;\n]+", text):
        part = part.strip()
        if not part:
            continue
        k = _KAP.match(part)
        if k:
            refs.append(ParaRef(RefKind.CHAPTER, chapter=norm_number(k[1]),
                                chapter_end=norm_number(k[2]) if k[2] else "", text=part))
            continue
        m = re.match(r"^§§?", part)
        if not m:
            bad.append(part)
            continue
        got, end = parse_citation(part, m.end())
        rest = _PKT.sub("", part[end:]).strip(" .,")
        if not got or rest:
            bad.append(part)
            continue
        refs.extend(_with_text(r, part) for r in got)
    return refs, (f"cannot read paragraph text {'; '.join(map(repr, bad))}" if bad else None)


_PKT = re.compile(r"^[\s,]*\d+\.\s*(?:og\s+\d+\.\s*)?pkt\.?", re.IGNORECASE)


def _with_text(ref: ParaRef, text: str) -> ParaRef:
    return ParaRef(ref.kind, ref.start, ref.end, ref.chapter, ref.chapter_end, text)


_ANCHOR = re.compile(r"^(P|K)(\d+\s*[a-zæø]?)(?:-(\d+\s*[a-zæø]?))?$", re.IGNORECASE)


def parse_anchor(anchor: str) -> ParaRef | None:
    """Retsinformation anchors: ``P83`` → § 83, ``P81a`` → § 81 a, ``K24a`` → Kapitel 24 a,
    ``K11-14`` → chapters 11..14."""
    m = _ANCHOR.match(anchor.strip())
    if not m:
        return None
    a = norm_number(m[2])
    b = norm_number(m[3]) if m[3] else ""
    if m[1].upper() == "K":
        return ParaRef(RefKind.CHAPTER, chapter=a, chapter_end=b, text=f"#{anchor}")
    if b:
        return ParaRef(RefKind.RANGE, f"§ {a}", f"§ {b}", text=f"#{anchor}")
    return ParaRef(RefKind.KEY, f"§ {a}", text=f"#{anchor}")


OS2BOS_LAWS: dict[str, str] = {"SEL": "serviceloven", "BL": "barnets-lov",
                               "RSL": "retssikkerhedsloven", "LAB": "beskaeftigelsesloven"}

_OS2 = re.compile(r"^([A-ZÆØÅ]+)-(\d+)(?:-(.*))?$")
_OS2_SUB = re.compile(r"^(?:([a-zæø])(?:\.|$))?(?:(\d+)(?:\.(\d+))?)?\.?$")


def parse_os2bos_key(code: str) -> tuple[str | None, list[ParaRef], str | None]:
    """``SEL-52-3.7`` → (serviceloven, [§ 52, stk. 3, nr. 7]); ``SEL-52-a.1.1`` → § 52 a,
    stk. 1, nr. 1; ``SEL-58-jf 52-3.7`` → § 58 plus § 52, stk. 3, nr. 7 (the "jf." target
    second); ``SEL-11-4.1. jfr. stk. 3. nr. 1`` → § 11, stk. 4, nr. 1 plus § 11, stk. 3, nr. 1.
    Returns (law slug, refs, problem)."""
    m = _OS2.match(code.strip())
    if not m:
        return None, [], f"paragraph key {code!r} is not LAW-§[-stk.nr]"
    law = OS2BOS_LAWS.get(m[1])
    if law is None:
        return None, [], f"unknown law prefix {m[1]!r} in {code!r}"
    para = m[2]
    rest = (m[3] or "").strip()
    also = ""
    jf = re.search(r"\bjfr?\.?\s*", rest)
    if jf:
        rest, also = rest[: jf.start()].strip(" .-"), rest[jf.end():].strip()
    sub = _OS2_SUB.match(rest)
    if not sub:
        return law, [], f"cannot read {rest!r} in paragraph key {code!r}"
    main = make_key(para + (sub[1] or ""), sub[2], sub[3])
    refs = [ParaRef(RefKind.KEY, main, text=code)]
    if also:
        if a := re.fullmatch(r"§\s*(\d+\s*[a-zæø]?)", also):
            refs.append(ParaRef(RefKind.KEY, make_key(a[1]), text=code))
        elif a := re.fullmatch(r"(\d+)-(\d+)(?:\.(\d+))?", also):
            refs.append(ParaRef(RefKind.KEY, make_key(a[1], a[2], a[3]), text=code))
        elif a := re.fullmatch(r"stk\.\s*(\d+)\.?(?:\s*nr\.\s*(\d+))?", also):
            refs.append(ParaRef(RefKind.KEY, make_key(para, a[1], a[2]), text=code))
        else:
            return law, refs, f"cannot read the 'jf.' part {also!r} of {code!r}"
    return law, refs, None


# ---------------------------------------------------------------- resolution


@dataclass(frozen=True, slots=True)
class Resolution:
    """One wanted key matched against a version: status is exact | alias | ancestor | none."""

    wanted: str
    key: str | None
    status: str
    reason: str = ""


def resolve_key(key: str, existing: Mapping[str, object] | set[str] | frozenset[str],
                aliases: Mapping[str, str] | None = None) -> Resolution:
    """Exact key, else a renumbering alias (old → new), else the nearest existing ancestor
    (stk. → §); None when not even the § exists."""
    if key in existing:
        return Resolution(key, key, "exact")
    if aliases and key in aliases and aliases[key] in existing:
        return Resolution(key, aliases[key], "alias")
    for anc in ancestors(key):
        if anc in existing:
            return Resolution(key, anc, "ancestor", f"{key[len(anc) + 2:]} not in {anc}")
        if aliases and anc in aliases and aliases[anc] in existing:
            return Resolution(key, aliases[anc], "ancestor", f"{key} via alias of {anc}")
    return Resolution(key, None, "none", f"{paragraph(key)} not in this version")


def expand_range(start: str, end: str, paragraph_keys: Iterable[str]) -> list[str]:
    """Keys a range covers. § ranges take every existing § between the ends in numeric order
    (``§§ 83-87`` includes ``§ 83 a``); an end with stk. (``§ 11-14, stk. 1``) ends on that
    key. Sub-level ranges (``stk. 2-4``) count the numbers."""
    ps, pe = paragraph(start), paragraph(end)
    if ps == pe and start != ps:
        base_s, _, ns = start.rpartition(" ")
        base_e, _, ne = end.rpartition(" ")
        if base_s == base_e and ns.isdigit() and ne.isdigit():
            return [f"{base_s} {n}" for n in range(int(ns), int(ne) + 1)]
        return [start, end]
    lo, hi = para_sort_key(ps), para_sort_key(pe)
    out = sorted({k for k in paragraph_keys if lo <= para_sort_key(k) <= hi}, key=para_sort_key)
    if end != pe:
        out = [k for k in out if k != pe] + [end]
    if start != ps:
        out = [start] + [k for k in out if k != ps]
    return out

"""Cross-references inside law text: "jf. § 41", "efter §§ 83-87", "stk. 2, nr. 3".

A change to § 41 reaches the procedures resting on every provision that points at § 41, so
each reference becomes an edge. Targets are resolved against the keys of the version whose
text holds them (a range takes the §§ that exist there); references to another law ("§ 1 a i
lov om social pension", "retssikkerhedslovens § 3") keep the law's title and the keys as
written, for `graph.build` to resolve when that law is loaded too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from graph.laws import known_titles, law_slug
from graph.paragraphs import (
    ParaRef,
    RefKind,
    expand_range,
    parse_citation,
    parse_relative,
    resolve_key,
)
from lawdiff.keys import paragraph, truncate
from lawdiff.model import Level, Provision


@dataclass(frozen=True, slots=True)
class XRef:
    """One citation in one provision's own text.

    ``targets`` are keys present in the version (for internal references; an unknown stk.
    falls back to its §, listed in ``via_ancestor``); ``wanted`` are the keys as written
    (ranges expanded); ``unresolved`` the wanted keys with no § at all in the version.
    For external references ``targets`` is empty and ``wanted`` holds the keys as written.
    """

    source: str  # key of the provision whose text holds the citation
    span: tuple[int, int]  # character span in that provision's `text`
    text: str  # the cited span as written
    wanted: tuple[str, ...]
    targets: tuple[str, ...] = ()
    via_ancestor: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    external_law: str | None = None  # title as written: "lov om social pension"
    external_slug: str | None = None  # "pensionsloven" when the title is known
    relative: bool = False  # "stk. 2" without a §

    @property
    def is_external(self) -> bool:
        return self.external_law is not None


_START = re.compile(r"§§?|(?<![\wæøå.])(?:stk\.|nr\.)(?=[\s\u00a0]*\d)", re.IGNORECASE)
_ACT_BEFORE = re.compile(
    r"(?:lov|lovbekendtgørelse|bekendtgørelse|cirkulære|anordning|forordning|direktiv|"
    r"\(e[fu]\)|lbk\.?|bek\.?|journal|j\.|sag)[\s\u00a0]*$",
    re.IGNORECASE,
)
_IN_THIS = re.compile(r"[\s\u00a0]*,?[\s\u00a0]+i[\s\u00a0]+(?:denne[\s\u00a0]+lov|loven)\b",
                      re.IGNORECASE)
_IN_LAW = re.compile(r"[\s\u00a0]*,?[\s\u00a0]+i[\s\u00a0]+(?=lov[\s\u00a0]+(?:om|nr\.)[\s\u00a0])",
                     re.IGNORECASE)
_LAW_NR = re.compile(r"lov[\s\u00a0]+nr\.[\s\u00a0]*\d+(?:[\s\u00a0]+af[\s\u00a0]+\d{1,2}\.?"
                     r"[\s\u00a0]+[a-zæøå]+[\s\u00a0]+\d{4})?", re.IGNORECASE)
_LAW_OM = re.compile(r"lov[\s\u00a0]+om[\s\u00a0][^,.;()]*?(?=[,.;()]|[\s\u00a0]+jf\.|$)",
                     re.IGNORECASE)
_IN_POPULAR = re.compile(
    r"[\s\u00a0]*,?[\s\u00a0]+i[\s\u00a0]+((?:[\wæøå-]+loven)|barnets[\s\u00a0]+lov)\b",
    re.IGNORECASE,
)
_GENITIVE = re.compile(r"(?:\b([\wæøå-]*lovens)|\b(denne[\s\u00a0]+lovs))[\s\u00a0]*$",
                       re.IGNORECASE)


def _external_after(text: str, pos: int) -> tuple[str | None, int, bool]:
    """(external title, new end, internal-marker) for what follows a citation."""
    if m := _IN_THIS.match(text, pos):
        return None, m.end(), True
    if m := _IN_LAW.match(text, pos):
        start = m.end()
        low = text[start:start + 200].lower().replace("\u00a0", " ")
        for title in known_titles():
            if low.startswith(title) and not low[len(title):len(title) + 1].isalnum():
                return text[start:start + len(title)], start + len(title), False
        for rx in (_LAW_NR, _LAW_OM):
            if t := rx.match(text, start):
                return t[0].strip(), t.end(), False
    if m := _IN_POPULAR.match(text, pos):
        return m[1], m.end(), False
    return None, pos, False


def find_xrefs(provisions: Sequence[Provision], law: str | None = None) -> list[XRef]:
    """All citations in the provisions' own texts, resolved against these provisions' keys.

    `law` is the slug of the law the provisions belong to, so that "servicelovens § 5"
    inside serviceloven counts as internal.
    """
    existing = {p.key for p in provisions}
    paragraphs = [p.key for p in provisions if p.level is Level.PARAGRAF]
    out: list[XRef] = []
    for prov in provisions:
        out.extend(_scan(prov, existing, paragraphs, law))
    return out


def _scan(prov: Provision, existing: set[str], paragraphs: list[str],
          law: str | None) -> list[XRef]:
    text = prov.text
    found: list[XRef] = []
    pos = 0
    last_stk: str | None = None
    last_ext: str | None = None
    last_end = 0
    while m := _START.search(text, pos):
        start = m.start()
        relative = not m[0].startswith("§")
        if relative:
            if _ACT_BEFORE.search(text, max(0, start - 30), start):
                pos = m.end()
                continue
            current = prov.key
            if m[0].lower().startswith("nr") and last_stk and not _has_items(prov.key, existing):
                current = last_stk  # "§ 52, stk. 3, nr. 1 og 3, …, og nr. 6"
            refs, end = parse_relative(text, start, current)
        else:
            refs, end = parse_citation(text, m.end())
        if not refs:
            pos = m.end()
            continue
        ext, end2, internal = _external_after(text, end)
        if ext is None and not relative and not internal:
            g = _GENITIVE.search(text, max(0, start - 60), start)
            if g and g[1] and g[1].lower() != "lovens":
                ext = g[1][:-1]  # "servicelovens" → "serviceloven"
                start = g.start()
            elif t := _title_before(text, start):
                ext, start = text[start - t:start].strip(), start - t
            elif last_ext and _JOIN.match(text[last_end:start]):
                ext = last_ext  # "retsplejelovens § 771 og § 772"
        if not relative:
            stk = [r.start for r in refs if ", stk." in r.start]
            last_stk = truncate(stk[-1], 1) if stk and ext is None else None
        slug = law_slug(ext) if ext else None
        if ext is not None and law is not None and slug == law:
            ext, slug = None, None  # "servicelovens § 5" inside serviceloven
        last_ext, last_end = ext, end2
        span = (start, end2)
        if ext is not None:
            wanted = tuple(k for r in refs for k in _endpoints(r))
            found.append(XRef(prov.key, span, text[span[0]:span[1]], wanted,
                              external_law=ext, external_slug=slug, relative=relative))
        else:
            found.append(_resolve(prov.key, span, text[span[0]:span[1]], refs, existing,
                                  paragraphs, relative))
        pos = max(end2, m.end())
    return found


_JOIN = re.compile(r"^[\s\u00a0]*(?:,|og|eller|samt|,[\s\u00a0]*og|,[\s\u00a0]*eller)[\s\u00a0]*$")


def _has_items(key: str, existing: set[str]) -> bool:
    base = ", ".join(key.split(", ")[:2])
    return any(k.startswith(f"{base}, nr. ") for k in existing)


def _title_before(text: str, pos: int) -> int:
    """Length of a known law title (plus spaces) ending right before pos: "lov om aktiv
    socialpolitik § 25"; 0 if none."""
    before = text[max(0, pos - 120):pos].replace("\u00a0", " ")
    stripped = before.rstrip()
    low = stripped.lower()
    for title in known_titles():
        if low.endswith(title) and (len(low) == len(title) or not low[-len(title) - 1].isalnum()):
            return len(title) + len(before) - len(stripped)
    return 0


def _endpoints(ref: ParaRef) -> list[str]:
    return [ref.start, ref.end] if ref.kind is RefKind.RANGE else [ref.start]


def _resolve(source: str, span: tuple[int, int], text: str, refs: list[ParaRef],
             existing: set[str], paragraphs: list[str], relative: bool) -> XRef:
    wanted: list[str] = []
    for r in refs:
        wanted.extend(expand_range(r.start, r.end, paragraphs) if r.kind is RefKind.RANGE
                      else [r.start])
    targets: list[str] = []
    via: list[str] = []
    missing: list[str] = []
    for key in wanted:
        res = resolve_key(key, existing)
        if res.key is None:
            missing.append(key)
            continue
        if res.status == "ancestor":
            via.append(key)
        if res.key != source and res.key not in targets:
            targets.append(res.key)
    return XRef(source, span, text, tuple(wanted), tuple(targets), tuple(via), tuple(missing),
                relative=relative)


def same_paragraph(a: str, b: str) -> bool:
    return paragraph(a) == paragraph(b)

"""Provenance: which amending-act item produced each change between two consolidated versions.

Retsinformation says *that* an act amended a law, not which paragraph changed because of which
item. The new version's `Indledning` names exactly the acts and items it incorporates; only
those may be attributed (items listed as *not* incorporated must never be). Two methods, best
first:

1. replay — apply the incorporated instructions to the previous version (`consolidate`) and
   read which instructions touched each resulting provision (follows renumbering chains);
2. keys — match the change's key against each instruction's targets, new keys and
   renumbering pairs ("exact"), or against the same § ("paragraph").

3. sunset — a § repealed on a date fixed in advance by an earlier act's entry-into-force
   provisions ("§§ 67 a-67 c … ophæves den 1. januar 2013"), which the previous version
   quotes in its Ikraft notes: attributed to that act with confidence "sunset" (no item
   of an incorporated act made it; the Indledning does not list the act).

A change no instruction explains stays unattributed, with the reason, unless it is the
consolidation's own editing (see `_no_act_reason`: typos, placeholders, text left out, markup
that moves words between stk.). A change that only
renames a ministry, in a version that incorporates no act (or where no instruction touches it),
is a re-publication after a change of ministries ("ressortændring"): reported as having no act
behind it, never forced onto one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from lawdiff import keys as provkeys
from lawdiff.amend import (
    Action,
    AmendingAct,
    AmendmentItem,
    Instruction,
    Target,
    TargetKind,
    parse_targets,
    select_items,
)
from lawdiff.consolidate import (
    apply_instructions,
    editorial_kind,
    is_editorial,
    is_ministry_rename,
    is_omitted,
    is_placeholder,
    normalise,
)
from lawdiff.model import (
    ActRef,
    AttributedChange,
    Attribution,
    ChangeKind,
    Provision,
    ProvisionChange,
    TextBlock,
)
from lawdiff.numbers import NumberError
from lawdiff.refs import normalize_law_title

__all__ = [
    "ActRepeal",
    "AttributedChange",
    "Sunset",
    "act_repeals",
    "attribute",
    "coverage",
    "is_editorial",
    "is_ministry_rename",
    "repeals_for",
    "sunset_clauses",
]

_MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_DATE = r"(\d{1,2})\.\s*(" + "|".join(_MONTHS) + r")\s+(\d{4})"
_NOTE_ACT = re.compile(r"^\s*Lov\s+nr\.\s*(\d+)\s+af\s+" + _DATE, re.IGNORECASE)
_NOTE_SENTENCE = re.compile(r"(?<=[.)])\s+(?=§|[A-ZÆØÅ(])")
_SUNSET = re.compile(
    r"^(?:\(Udeladt\)\s*)*(?P<keys>§§?\s*\d.*?)\s+i\s+(?P<law>lov\s+om\s.*?)"
    r"\b(?:ophæves|ophører\s+med\s+at\s+gælde|bortfalder)\s+(?:den|pr\.)\s+" + _DATE,
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Sunset:
    """A § of this law that an earlier act repeals on a fixed date, read from a version's
    Ikraft notes: "§§ 67 a-67 c i lov om … ophæves den 1. januar 2013"."""

    act_eli: str  # "lta/2006/1540" (the act need not be in the corpus)
    act_label: str  # "lov nr. 1540 af 20. december 2006"
    keys: tuple[str, ...]  # "§ 67 a", "§ 67 b", "§ 67 c"
    date: dt.date
    rule: str  # the sentence, as printed

    def instruction(self) -> Instruction:
        """The clause as a repeal, for the consolidator."""
        return Instruction(
            "ikraft", "", 0, Action.REPEAL, tuple(Target(k) for k in self.keys), raw=self.rule
        )


def sunset_clauses(
    blocks: Sequence[TextBlock],
    law_title: str,
    after: dt.date | None = None,
    until: dt.date | None = None,
) -> tuple[Sunset, ...]:
    """Time-limited §§ of ``law_title`` in a version's Ikraft notes (TextBlock kind
    "ikraft"), with a date in (``after``, ``until``] when those are given."""
    want = normalize_law_title(law_title)
    out: list[Sunset] = []
    for b in blocks:
        if b.kind != "ikraft" or not (m := _NOTE_ACT.match(b.text)):
            continue
        signed = _date(m.group(2), m.group(3), m.group(4))
        if signed is None:
            continue
        eli = f"lta/{signed.year}/{m.group(1)}"
        label = f"lov nr. {m.group(1)} af {signed.day}. {m.group(3).lower()} {signed.year}"
        for sentence in _NOTE_SENTENCE.split(b.text):
            sm = _SUNSET.match(sentence.strip())
            if not sm or not " ".join(sm.group("law").lower().split()).startswith(want):
                continue
            date = _date(*sm.groups()[-3:])
            keys = _repealed_keys(sm.group("keys"))
            if date is None or not keys:
                continue
            if (after and date <= after) or (until and date > until):
                continue
            out.append(Sunset(eli, label, keys, date, sentence.strip()))
    return tuple(out)


_ACT_REPEAL = re.compile(
    r"(?P<keys>§§?\s*\d[^»«]*?)\s+i\s+(?P<law>(?:lov|lovbekendtgørelse)\b[^»«]*?),?\s+"
    r"(?:ophæves|ophører\s+med\s+at\s+gælde|bortfalder)\s+(?:den|pr\.)\s+" + _DATE,
    re.IGNORECASE,
)
_REPEAL_WORD = re.compile(r"ophæves|ophører|bortfalder")
_CITED = re.compile(r"\b(?:lov|lovbekendtgørelse)\s+nr\.\s*(\d+)\s+af\s+" + _DATE, re.IGNORECASE)
_LAW_TITLE = re.compile(r"\b(lov\s+om\s.+?)(?:,\s*(?:jf|som)\b.*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ActRepeal:
    """A repeal of another law's §§ on a fixed date, in an act's own provisions: "§§ 2-7,
    11 og 12 i lov nr. 1594 af 22. december 2010 om etablering af … ophæves den 1.
    oktober 2012" (lov nr. 324/2012 § 33, stk. 3). The law is named by the version cited
    (``law_elis``) or by its title."""

    sunset: Sunset
    law_elis: tuple[str, ...]
    law_title: str | None


def act_repeals(
    provisions: Sequence[Provision], act_eli: str, act_label: str
) -> tuple[ActRepeal, ...]:
    """Every dated repeal of another law's §§ in an act: a main act that replaces a law
    often repeals the old one's §§ from its in-force chapter, an amending act its own new
    §§ when they are temporary. (The act's own §§, "denne lovs § 3", are not another law's.)
    """
    out: list[ActRepeal] = []
    for p in provisions:
        if not _REPEAL_WORD.search(p.text):
            continue
        for sentence in _NOTE_SENTENCE.split(p.text):
            if not (m := _ACT_REPEAL.search(sentence)):
                continue
            date = _date(*m.groups()[-3:])
            keys = _repealed_keys(m.group("keys"))
            if date is None or not keys:
                continue
            law = m.group("law")
            elis = tuple(
                f"lta/{d.year}/{c.group(1)}"
                for c in _CITED.finditer(law)
                if (d := _date(*c.groups()[-3:])) is not None
            )
            title_part = _CITED.sub("lov", law, count=1) if law.lower().startswith("lov nr") else law
            tm = _LAW_TITLE.search(title_part)
            title = normalize_law_title(tm.group(1)) if tm else None
            out.append(
                ActRepeal(Sunset(act_eli, act_label, keys, date, sentence.strip()), elis, title)
            )
    return tuple(out)


def repeals_for(
    repeals: Sequence[ActRepeal],
    law_title: str | None,
    law_elis: Sequence[str],
    until: dt.date | None,
    after: dt.date | None = None,
) -> tuple[Sunset, ...]:
    """The repeals of ``repeals`` that concern this law (a version of it cited, or its
    title) and fall in (``after``, ``until``]."""
    want = normalize_law_title(law_title) if law_title else None
    elis = set(law_elis)
    return tuple(
        r.sunset
        for r in repeals
        if (set(r.law_elis) & elis or (want is not None and r.law_title == want))
        and (until is None or r.sunset.date <= until)
        and (after is None or r.sunset.date > after)
    )


def _repealed_keys(text: str) -> tuple[str, ...]:
    """The §§ a repeal clause names ("§§ 67 a-67 c", "§§ 2-7, 11 og 12"), in order."""
    try:
        targets = parse_targets(text)
    except NumberError:
        return ()
    return tuple(dict.fromkeys(t.key for t in targets or () if t.kind is TargetKind.PROVISION))


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), _MONTHS[month.lower()], int(day))
    except (KeyError, ValueError):
        return None


# "§ 2, stk. 1, nr. 9" and "§ 2, nr. 9" are the same provision in a one-stk. §.
_canon = provkeys.without_stk1


def _touch_keys(ins: Instruction) -> set[str]:
    keys: set[str] = set()
    for t in ins.targets:
        if t.kind is TargetKind.PROVISION:
            keys.add(t.key)
            if t.new_key:
                keys.add(t.new_key)
    keys.update(ins.new_keys)
    keys.update(p.key for p in ins.new_provisions)
    for old, new in ins.renumber:
        keys.update((old, new))
    return {_canon(k) for k in keys}


_CHAPTER_NO = re.compile(r"^\s*kapitel\s+(\d+(?:\s?[a-zæøå])?)\b", re.IGNORECASE)


def _chapter_no(label: str) -> str | None:
    m = _CHAPTER_NO.match(label)
    return " ".join(m.group(1).lower().split()) if m else None


def _chapters(base: Sequence[Provision]) -> dict[str, set[str]]:
    """Chapter number ("5 a") → the §§ the previous version prints in it: an item that
    rewrites or repeals a chapter ("Kapitel 5 a affattes således:") touches every one."""
    out: dict[str, set[str]] = {}
    for p in base:
        if p.chapter and (no := _chapter_no(p.chapter)):
            out.setdefault(no, set()).add(_canon(p.key.split(",", 1)[0]))
    return out


def _chapter_keys(ins: Instruction, chapters: dict[str, set[str]]) -> set[str]:
    keys: set[str] = set()
    for t in ins.targets:
        if t.kind is TargetKind.CHAPTER and (no := _chapter_no(t.key)):
            keys |= chapters.get(no, set())
    return keys


def _related(key: str, keys: set[str]) -> bool:
    k = _canon(key)
    return any(k == t or k.startswith(t + ", ") or t.startswith(k + ", ") for t in keys)


@dataclass(frozen=True, slots=True)
class _Src:
    act: AmendingAct
    item: AmendmentItem


def _attribution(src: _Src, confidence: str) -> Attribution:
    return Attribution(
        src.act.eli,
        src.act.label,
        src.item.section,
        src.item.number,
        src.item.in_force.date,
        confidence,
    )


def _dedupe(atts: list[Attribution]) -> tuple[Attribution, ...]:
    seen: dict[tuple[str, str, str | None], Attribution] = {}
    for a in atts:
        seen.setdefault((a.act_eli, a.section, a.item), a)
    return tuple(seen.values())


def attribute(
    changes: Sequence[ProvisionChange],
    incorporated: Sequence[tuple[ActRef, AmendingAct]],
    *,
    base: Sequence[Provision] | None = None,
    law_title: str | None = None,
    not_incorporated: Sequence[ActRef] = (),
    sunsets: Sequence[Sunset] = (),
) -> list[AttributedChange]:
    """Attribute each change between two consecutive versions to the incorporated items.

    ``incorporated``: the new version's `Intro.incorporated` citations, each with its parsed
    act, in the intro's order; the citation's ``parts`` select the items. ``law_title``
    (canonical, e.g. "lov om social service") keeps only the act sections that amend this
    law; ``not_incorporated`` (the intro's second paragraph) excludes items; ``base`` (the
    previous version) enables the replay method; ``sunsets`` (`sunset_clauses` of the
    previous version, dated between the two versions) explain repeals no item made.
    """
    sources: dict[int, _Src] = {}
    items: list[AmendmentItem] = []
    for ref, act in incorporated:
        for it in select_items(act, law_title, ref, not_incorporated):
            items.append(it)
            for ins in it.instructions:
                sources[id(ins)] = _Src(act, it)

    provenance: dict[str, tuple[Instruction, ...]] = {}
    removed: dict[str, Instruction] = {}
    if base is not None and items:
        result = apply_instructions(base, items)
        provenance = {_canon(k): v for k, v in result.provenance.items()}
        removed = {_canon(k): v for k, v in result.removed.items()}

    chapters = _chapters(base or ())
    touch = [
        (ins, _touch_keys(ins) | _chapter_keys(ins, chapters))
        for it in items
        for ins in it.instructions
    ]
    # each instruction's §§ once, not once per change × instruction
    touch_paras = [(ins, frozenset(k.split(",", 1)[0] for k in keys)) for ins, keys in touch]
    markup = _markup_only(changes)
    left_out = _left_out(changes)
    out: list[AttributedChange] = []
    for ch in changes:
        atts: list[Attribution] = []
        # 1. replay
        for key in (ch.new_key, ch.old_key):
            if key is None:
                continue
            for ins in provenance.get(_canon(key), ()):
                atts.append(_attribution(sources[id(ins)], "exact"))
        if ch.kind is ChangeKind.REPEALED and ch.old_key and _canon(ch.old_key) in removed:
            atts.append(_attribution(sources[id(removed[_canon(ch.old_key)])], "exact"))
        # 2. keys
        if not atts:
            for ins, keys in touch:
                if any(_related(k, keys) for k in (ch.new_key, ch.old_key) if k) or (
                    any(t.kind is TargetKind.LAW for t in ins.targets)
                    and ins.new_text
                    and normalise(ins.new_text) in normalise(ch.new_text)
                ):
                    atts.append(_attribution(sources[id(ins)], "exact"))
        if not atts:
            para = {k.split(",", 1)[0] for k in (ch.new_key, ch.old_key) if k}
            for ins, paras in touch_paras:
                if paras & para:
                    atts.append(_attribution(sources[id(ins)], "paragraph"))
        if not atts and (sun := _sunset_for(ch, sunsets)) is not None:
            out.append(
                AttributedChange(
                    ch,
                    (Attribution(sun.act_eli, sun.act_label, "ikraft", None, sun.date, "sunset"),),
                    "attributed",
                    f"time-limited: the {sun.act_label}'s entry-into-force provisions repeal it "
                    f'on {sun.date.isoformat()} ("{sun.rule}")',
                )
            )
        elif atts:
            out.append(AttributedChange(ch, _dedupe(atts), "attributed"))
        elif reason := _no_act_reason(ch, markup, left_out):
            out.append(AttributedChange(ch, (), "no_act", reason))
        elif not incorporated:
            out.append(
                AttributedChange(ch, (), "no_act", "the new version incorporates no amending act")
            )
        elif not items:
            out.append(
                AttributedChange(
                    ch,
                    (),
                    "unattributed",
                    "the incorporated acts have no items amending this law",
                )
            )
        else:
            out.append(
                AttributedChange(
                    ch,
                    (),
                    "unattributed",
                    f"no incorporated item touches {ch.key} (nor its §)",
                )
            )
    return out


_EDITORIAL = {
    "ministry": (
        "only words in or beside a ministry's title changed and no incorporated item touches "
        "this provision: a re-publication after a change of ministries, or the correction of "
        "such a renaming"
    ),
    "spelling": (
        "an editorial correction (a typo or an inflection put right, a word split or joined) "
        "with no incorporated item behind it"
    ),
    "punctuation": (
        "an editorial correction (punctuation, case or typography) with no incorporated item "
        "behind it"
    ),
}


def _no_act_reason(
    ch: ProvisionChange, markup: set[str], left_out: dict[str, str]
) -> str | None:
    """Why a change no incorporated item explains has no act behind it, if it has none:
    the consolidation's own editing, which an act never orders."""
    old, new = ch.old_text, ch.new_text
    if (is_placeholder(old) or not normalise(old)) and (is_placeholder(new) or not normalise(new)):
        if ch.kind is ChangeKind.INSERTED:
            return (
                "a placeholder '§ … (Ophævet)' the new version prints for a § repealed "
                "earlier; no incorporated item inserts it"
            )
        if is_placeholder(old) or is_placeholder(new):
            return (
                "the placeholder of a provision repealed or left out earlier, printed anew "
                "or dropped; no law text changed"
            )
    if _is_markup(ch, markup):
        return (
            "the §'s words are unchanged: only how the XML divides them into stk., nr. and "
            "litra differs (markup, not law)"
        )
    if normalise(old) and is_omitted(new):
        return (
            "left out of the consolidated text ('(Udeladt)'): a spent in-force or "
            "transitional rule or an amendment of another law, which the ministry omits; "
            "no incorporated item repeals it"
        )
    if (kind := editorial_kind(old, new)) is not None:
        return _EDITORIAL[kind]
    if (
        ch.kind is ChangeKind.REPEALED
        and (head := _head(ch)) is not None
        and head in left_out
        and not normalise(new)
    ):
        return left_out[head]
    return None


_AMENDS_OTHER = re.compile(
    r"^I\s+(?:lov|lovbekendtgørelse|bekendtgørelse)\b.{0,400}?\bforetages\s+følgende\s+ændring",
    re.IGNORECASE,
)


def _left_out(changes: Sequence[ProvisionChange]) -> dict[str, str]:
    """§§ the new version leaves out as a whole, with the reason: a main act's § that
    amended another law ("I lov om …, jf. …, foretages følgende ændringer:"), which a
    consolidation of this law does not print, or a § of which the new version prints part
    as "(Udeladt)" (spent in-force and transitional rules) and drops the rest."""
    out: dict[str, str] = {}
    for ch in changes:
        head = _head(ch)
        if head is None:
            continue
        if _AMENDS_OTHER.match(normalise(ch.old_text)):
            out[head] = (
                "the old version's § amended another law ('I lov om …, foretages følgende "
                "ændringer'): spent there, it is left out of this law's consolidation"
            )
        elif normalise(ch.old_text) and is_omitted(ch.new_text):
            out.setdefault(
                head,
                "the new version prints part of this § as '(Udeladt)' (a spent in-force or "
                "transitional rule) and leaves out the rest; no incorporated item repeals it",
            )
    return out


def _head(ch: ProvisionChange) -> str | None:
    """The § of a change, when its old and new key share one."""
    heads = {k.split(",", 1)[0] for k in (ch.old_key, ch.new_key) if k}
    return heads.pop() if len(heads) == 1 else None


def _prefixes(key: str) -> list[str]:
    parts = key.split(", ")
    return [", ".join(parts[: n + 1]) for n in range(len(parts))]


def _is_markup(ch: ProvisionChange, markup: set[str]) -> bool:
    keys = [k for k in (ch.old_key, ch.new_key) if k]
    return bool(keys) and any(
        all(k == p or k.startswith(p + ", ") for k in keys) for p in _prefixes(keys[0])
        if p in markup
    )


def _markup_only(changes: Sequence[ProvisionChange]) -> set[str]:
    """The provisions (a §, a stk., a nr. …) whose changes only move words between the
    provisions under them: the words the changes remove are exactly the words they add
    (unchanged provisions cancel out), as when one version's XML puts a list's closing
    sentence in its stk. and the next one in a stk. of its own, or prints a list as one
    text. At least two changes: one text with its words reordered says something new."""
    removed: dict[str, Counter[str]] = {}
    added: dict[str, Counter[str]] = {}
    count: Counter[str] = Counter()
    for ch in changes:
        seen: set[str] = set()
        if ch.old_key:
            words = _WORD.findall(normalise(ch.old_text).lower())
            for p in _prefixes(ch.old_key):
                removed.setdefault(p, Counter()).update(words)
                seen.add(p)
        if ch.new_key:
            words = _WORD.findall(normalise(ch.new_text).lower())
            for p in _prefixes(ch.new_key):
                added.setdefault(p, Counter()).update(words)
                seen.add(p)
        count.update(seen)
    return {
        p for p, n in count.items()
        if n >= 2 and removed.get(p) and removed.get(p) == added.get(p)
    }


_WORD = re.compile(r"\w+")


def _sunset_for(ch: ProvisionChange, sunsets: Sequence[Sunset]) -> Sunset | None:
    """The sunset clause behind a repeal ("(Ophævet)" or the provision gone)."""
    repealed = ch.kind is ChangeKind.REPEALED or not normalise(ch.new_text) or is_placeholder(ch.new_text)
    key = ch.old_key or ch.new_key
    if not repealed or not key or ch.kind is ChangeKind.INSERTED:
        return None
    head = key.split(", ", 1)[0]
    return next((s for s in sunsets if head in s.keys), None)


def coverage(attributed: Sequence[AttributedChange]) -> float:
    """Share of changes that are attributed or explained as having no act behind them."""
    if not attributed:
        return 1.0
    return sum(a.status != "unattributed" for a in attributed) / len(attributed)

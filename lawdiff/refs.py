"""Danish citations of acts: ``§ 1, nr. 1-4 i lov nr. 647 af 8. juni 2016`` → `ActRef`.

Pure text parsing, no I/O. Four entry points:

- `parse_act_refs`: every citation in free text, as `ActRef`s, plus an `UnparsedRef` for every
  span that looks like a citation ("lov nr.", "lovbekendtgørelse nr.", "bekendtgørelse nr.")
  but could not be understood in full. Nothing citation-like is dropped silently.
- `parse_intro`: a consolidated act's `Indledning` → `Intro` (previous version, incorporated
  and not-incorporated amending acts).
- `parse_amending_intro`: "I lov om …, jf. lovbekendtgørelse nr. …, som ændret ved …,
  foretages følgende ændringer:" → `AmendedLaw`.
- identifiers: `accession_to_eli`, `eli_from_short_name`, `normalize_law_title`, `act_label`.

Grammar of one citation (after folding soft hyphens, no-break spaces and runs of blanks)::

    [PARTS ,? i] KIND nr.? NUMBER [(,|og) NUMBER]* ,? [begge|alle] af DATE
    KIND  = lov | lovbekendtgørelse | bekendtgørelse   (any case; a hyphen may split the word)
    DATE  = D.? MONTH YYYY | D.? MONTH-ABBREV.? YYYY | D/M/YYYY | D.M.YYYY
    PARTS = a list of "§ 1, nr. 1-4, 6-9, 32 og 33", "§ 5, stk. 1 og 2", "§§ 1 og 2", "§1, nr. 2"

Rules worth knowing:
- The ELI is ``lta/{year of the date}/{number}``; a citation without a year has no ELI and is
  reported as unparsed ("lov nr. 326 af 11. april.").
- "lov nr. 407 og 408 begge af 21. april 2010" gives two `ActRef`s (same ``text``);
  "lov nr. 1600 og § 1 i lov nr. 1602 begge af 22. december 2010" gives lov nr. 1600 the
  shared date (its ``text`` then reads "lov nr. 1600 (af 22. december 2010)").
- ``parts`` hold one `ItemRef` per paragraph; a stk. list is expanded into one `ItemRef` per
  stk. whose ``paragraph`` is the provision key ("§ 5, stk. 1"); ``items`` are the nr. items.
  If the text right before " i lov nr." ends in a provision-like token that the PARTS grammar
  cannot read ("§ 3, 1. pkt., i lov nr. …", "bilag 1 i lov nr. …"), the whole citation is
  reported as unparsed rather than silently widened to the whole act.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from lawdiff.model import ActRef, Intro, ItemRef, UnparsedRef

__all__ = [
    "AmendedLaw",
    "IntroAnalysis",
    "IntroCitation",
    "ShortName",
    "accession_to_eli",
    "act_label",
    "analyze_intro",
    "eli_from_short_name",
    "normalize_law_title",
    "parse_act_refs",
    "parse_amending_intro",
    "parse_intro",
]

# --- vocabulary ---------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "januar": 1,
    "februar": 2,
    "marts": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
_MONTH_ABBREV: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAMES = {v: k for k, v in MONTHS.items()}
_CANON_KINDS = ("lovbekendtgørelse", "bekendtgørelse", "lov")
# Short-name document types published in Lovtidende A, whose ELI is lta/{year}/{number}.
_LTA_DOC_TYPES = frozenset({"LOV", "LBK", "BEK"})


def _loose(word: str) -> str:
    """A pattern for `word` that tolerates a hyphen (line-break hyphenation) between letters."""
    return r"(?:-\s?)?".join(re.escape(ch) for ch in word)


_KIND = "|".join(_loose(k) for k in _CANON_KINDS)  # longest first
_MONTH_ALT = "|".join(
    sorted([*MONTHS, *_MONTH_ABBREV], key=len, reverse=True)  # "sept" before "sep"
)

# --- compiled patterns (module level, compiled once) -----------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")  # soft hyphen, zero-width, BOM
_BLANKS = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*(?:\r\n|\r|\n|\\n)\s*")

# Where a citation starts: the kind word followed by "nr". Every such start is accounted for.
_CITE_START = re.compile(rf"(?<![\w-])(?P<kind>{_KIND})\s*nr\b\.?", re.IGNORECASE)
_DATE = (
    rf"(?P<day>\d{{1,2}})\s*\.?\s*(?P<month>{_MONTH_ALT})(?![a-zæøå])\.?"
    r"(?:\s*(?:af\s+)?(?P<year>\d{1,5})(?!\d))?"  # "8. juni af 2016": a real typo
    r"|(?P<nday>\d{1,2})\s*[./-]\s*(?P<nmonth>\d{1,2})\s*[./-]\s*(?P<nyear>\d{2,5})(?!\d)"
)
_CITE_REST = re.compile(
    r"\s*(?P<nums>\d+(?:\s*(?:,|og)\s*\d+)*)(?!\d)(?:\s*,)?"
    rf"\s*(?:(?P<shared>begge|alle)\s+)?af\s+(?:den\s+)?(?P<date>{_DATE})",
    re.IGNORECASE,
)
_CITE_NUMBER_ONLY = re.compile(r"\s*(?P<nums>\d+)(?!\d)")
_CITE_LOOSE_TAIL = re.compile(r"\s*[^\s,;:()]*(?:\s+af\s+[^,;:()]{0,25})?")
_JOINER = re.compile(r"\s*(?:,|og)\s*", re.IGNORECASE)

# PARTS before " i lov nr.": one group per "§"/"§§".
_PAR = r"\d+(?:\s?[a-zA-Z](?![a-zA-Zæøå]))?"
_NUMLIST = r"\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|og)\s*\d+(?:\s*[-–]\s*\d+)?)*"
_PARTS_TAIL = re.compile(r"(?P<parts>§.*?)\s*,?\s+i\s*", re.DOTALL)
_PART_SPLIT = re.compile(r"(?<!§)(?=§)")
_PART_TRIM = re.compile(r"[\s,]*(?:\bog\b)?[\s,]*$")
_ONE_PAR = re.compile(
    rf"§\s*(?P<par>{_PAR})(?:\s*,?\s*stk\.\s*(?P<stk>{_NUMLIST}))?"
    rf"(?:\s*,?\s*nr\.\s*(?P<nr>{_NUMLIST}))?",
)
_MULTI_PAR = re.compile(rf"§§\s*(?P<list>{_PAR}(?:\s*(?:,|og|[-–])\s*{_PAR})*)")
_PAR_IN_LIST = re.compile(rf"(?P<a>{_PAR})(?:\s*[-–]\s*(?P<b>{_PAR}))?")
_RANGE = re.compile(r"(\d+)(?:\s*[-–]\s*(\d+))?")
# " … 1. pkt., i lov nr." / " … bilag 1 i lov nr.": a provision we cannot represent.
_PROVISION_BEFORE_I = re.compile(
    r"(?:§\s*\d+\s*[a-z]?|\d+(?:\s[a-z])?|pkt\.|stk\.|nr\.|litra\s+[a-zæøå])\s*,?\s+i\s*$",
    re.IGNORECASE,
)
_MAX_RANGE = 500

# Indledning of a consolidated act.
_INC_MARKER = re.compile(
    r"med\s+(?:de\s+ændringer(?:ne)?|den\s+ændring|ændringer(?:ne)?)\s*,?\s*(?:der|som)\s+følger\s+af",
    re.IGNORECASE,
)
# "De ændringer, der følger af <subject>, er ikke indarbejdet …": the subject stays within one
# paragraph and one "der følger af" (so "med de ændringer, der følger af" never starts one).
_SUBJECT = r"(?P<subject>(?:(?!der\s+følger\s+af)[^\n])*?)"
_FOLLOWS = r"(?<!med\s)\b(?:de|den)\s+ændring(?:er)?\s*,?\s*(?:der|som)\s+følger\s+af\b"
_NOT_INC = re.compile(
    _FOLLOWS + _SUBJECT + r"\ber\s+(?:endnu\s+)?ikke\s+(?:blevet\s+)?"
    r"(?:indarbejdet|medtaget|optaget|indføjet)",
    re.IGNORECASE,
)
_ALREADY_INC = re.compile(
    _FOLLOWS + _SUBJECT + r"\ber\s+(?:allerede\s+)?indarbejdet\s+i\b", re.IGNORECASE
)
# "De ændringer, der indarbejdes i denne lovbekendtgørelse vedrører …" (a footnote that
# details the incorporated list; parse.py glues Nota text into the paragraph).
_INC_NOTE = re.compile(
    r"\bDe\s+ændringer\s*,?\s*der\s+indarbejdes\s+i\s+denne\s+lovbekendtgørelse\b[^\n]*?"
    r"(?:\.(?=[ ]*(?:[,A-ZÆØÅ]|\n|$))|(?=\n)|$)"
)
# A later sentence glued into the first paragraph ends the incorporated list.
_LATER_SENTENCE = re.compile(
    r"\b(?:De|Den|Det)\s+(?:ændring(?:er)?\b|bekendtgjorte\b|fremgår\b)"  # case-sensitive
)
_IN_FORCE = re.compile(r"i\s*kraft|ikrafttr|gælder\s+(?:først|fra)", re.IGNORECASE)
_JF_BEFORE = re.compile(r"\bjf\.?\s*$", re.IGNORECASE)
_PAREN_BEFORE = re.compile(r"\(\s*$")
_PUBLISHED = re.compile(r"\bbekendtgøres\b", re.IGNORECASE)

# Amending act section intro.
_LABEL_PREFIX = re.compile(r"^(?:§\s*\d+\s*[a-z]?\.|Stk\.\s*\d+\.)\s*", re.IGNORECASE)
_AMEND_HEAD = re.compile(
    r"^I\s+(?P<head>.+?)(?P<tail>,?\s*foretages\s+følgende\s+ændring(?:er)?\b.*)?$", re.DOTALL
)
_AS_AMENDED = re.compile(r",?\s*som\s+(?:senest\s+)?ændre[st]\b", re.IGNORECASE)
_TITLE_END = re.compile(
    rf",\s*(?:jf\.?\s|(?=(?:{_KIND})\s*nr\b))",
    re.IGNORECASE,
)
_BILL = re.compile(
    r"(?:§\s*\d+\s*[a-z]?\s+i\s+)?det\s+af\s+Folketinget\s+den\s+.{1,30}?vedtagne\s+forslag\s+til\s+"
    r".*?(?=,\s*(?:og\s+)?(?:§|lov\b|foretages)|,?\s*foretages|$)",
    re.IGNORECASE | re.DOTALL,
)
_REPEAL = re.compile(rf"^(?:{_KIND})\s*nr\b.*?,?\s*ophæves\s*\.?\s*$", re.IGNORECASE | re.DOTALL)
_REPEAL_TAIL = re.compile(r",?\s*ophæves\s*\.?\s*$", re.IGNORECASE)

# Identifiers.
_ACCESSION = re.compile(r"^\s*([A-Za-z])\s*([0-9]{4})\s*([0-9]{5})\s*([0-9]{2})\s*$")
_SHORT_NAME = re.compile(
    r"^\s*(?P<type>[A-ZÆØÅa-zæøå]+)\s+nr\.?\s*(?P<num>\d+)\s+af\s+"
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})\s*$"
)
_TITLE_CITATION = re.compile(
    rf"^(?P<kind>{_KIND})\s*nr\b\.?\s*\d+(?:\s+af\s+(?:{_DATE}))?\s+(?=om\b)",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(
    r"^(?:i\s+|(?:lov)?bekendtgørelse\s+af\s+|lbk\s+af\s+|lov\s+af\s+(?=lov\b|\w+loven\b))+",
    re.IGNORECASE,
)
_FOOTNOTE_STAR = re.compile(r"\s*\*+\)?\s*$")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
# Trailing punctuation, but not the period of an abbreviation ("m.v.", "m.fl.").
_TRAILING_PUNCT = re.compile(r"(?:[\s,;:]|(?<![\s.][a-zæøå])(?<![\s.][a-zæøå]{2})\.)+$")


# --- public types -------------------------------------------------------------------------


class ShortName(NamedTuple):
    """A `KortNavn` such as ``LOV nr 647 af 08/06/2016`` (unpacks as eli, doc_type, date)."""

    eli: str
    doc_type: str  # "LOV", "LBK", "BEK"
    date: dt.date


@dataclass(frozen=True, slots=True)
class AmendedLaw:
    """What an amending act's section intro says about the law it amends.

    ``law_title`` is as written ("lov om social service", "integrationsloven"); match with
    `normalize_law_title`. ``base`` is the version amended (the "jf." act, or the act itself
    for "I lov nr. 573 af 24. juni 2005 om …"); ``amended_by`` the acts after "som ændret
    (bl.a./senest) ved". ``title_refs`` are acts cited inside the title ("lov om tillæg til
    lov nr. 475 af 1. oktober 1945 om …"). ``repeals`` marks "Lov nr. … om … ophæves.".
    """

    law_title: str | None
    base: ActRef | None
    amended_by: tuple[ActRef, ...] = ()
    unparsed: tuple[UnparsedRef, ...] = ()
    title_refs: tuple[ActRef, ...] = ()
    repeals: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True)
class IntroCitation:
    """One citation of an `Indledning` with the role it plays there.

    Roles: "previous", "incorporated", "not_incorporated", and for references that only give
    context: "in_force" (the entry-into-force rule of an act already listed: "jf. § 5, stk. 1
    og 2, i lov nr. 647"), "already_incorporated" ("… er indarbejdet i lovbekendtgørelse nr.
    1096"), "detail" (a note detailing the incorporated items), "title" (cited inside the law's
    title before "jf."), "context" (anything else, outside the publishing sentence).
    """

    role: str
    ref: ActRef


@dataclass(frozen=True, slots=True)
class IntroAnalysis:
    intro: Intro
    citations: tuple[IntroCitation, ...]  # every parsed citation, in text order, with its role


# --- text normalisation --------------------------------------------------------------------


def _normalize(text: str) -> str:
    """Drop soft hyphens and zero-width marks, fold blanks; keep paragraph breaks as "\\n"."""
    text = _INVISIBLE.sub("", text)
    text = _NEWLINES.sub("\n", text)
    text = _BLANKS.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _one_line(text: str) -> str:
    return _normalize(text).replace("\n", " ")


def _canon_kind(raw: str) -> str:
    return re.sub(r"[-\s]", "", raw).lower()


# --- the citation scanner ------------------------------------------------------------------


@dataclass(slots=True)
class _Hit:
    """One citation-like span: [start, end) of the act citation, parts_start ≤ start."""

    start: int
    end: int
    parts_start: int
    kind: str
    text: str
    numbers: tuple[int, ...] = ()
    date: dt.date | None = None
    parts: tuple[ItemRef, ...] = ()
    shared_date: bool = False  # "begge af" / "alle af"
    error: str | None = None  # set: unparsed, with this reason
    refs: tuple[ActRef, ...] = ()


def _make_date(day: int, month: int, year_text: str | None) -> tuple[dt.date | None, str | None]:
    if year_text is None:
        return None, "date without a year"
    if len(year_text) == 2:
        return None, f"two-digit year {year_text!r}"
    if len(year_text) != 4:
        return None, f"year {year_text!r} is not four digits"
    year = int(year_text)
    if not 1849 <= year <= 2100:
        return None, f"implausible year {year}"
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"no such date: {day}/{month}/{year}"


def _date_of(m: re.Match[str]) -> tuple[dt.date | None, str | None]:
    if m.group("month"):
        key = m.group("month").lower()
        month = MONTHS.get(key) or _MONTH_ABBREV[key]
        return _make_date(int(m.group("day")), month, m.group("year"))
    return _make_date(int(m.group("nday")), int(m.group("nmonth")), m.group("nyear"))


def _expand(numlist: str) -> tuple[int, ...] | None:
    out: list[int] = []
    for m in _RANGE.finditer(numlist):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if b < a or b - a > _MAX_RANGE:
            return None
        out.extend(range(a, b + 1))
    return tuple(out)


def _par_key(par: str) -> str:
    m = re.fullmatch(r"(\d+)\s?([a-zA-Z]?)", par.strip())
    if not m:
        return f"§ {par.strip()}"
    return f"§ {m.group(1)} {m.group(2).lower()}" if m.group(2) else f"§ {m.group(1)}"


def _parse_parts(text: str) -> tuple[ItemRef, ...] | None:
    """ "§ 1, nr. 1-4, 6-9, 32 og 33" → (ItemRef("§ 1", (1, 2, 3, 4, 6, …, 33)),); None if
    the text is not entirely a list of provisions."""
    out: list[ItemRef] = []
    for raw in _PART_SPLIT.split(text):
        group = _PART_TRIM.sub("", raw)
        if not group:
            continue
        if m := _MULTI_PAR.fullmatch(group):
            for pm in _PAR_IN_LIST.finditer(m.group("list")):
                a, b = pm.group("a"), pm.group("b")
                if b is None:
                    out.append(ItemRef(_par_key(a)))
                elif a.isdigit() and b.isdigit() and 0 <= int(b) - int(a) <= _MAX_RANGE:
                    out.extend(ItemRef(f"§ {n}") for n in range(int(a), int(b) + 1))
                else:
                    return None
            continue
        m = _ONE_PAR.fullmatch(group)
        if not m:
            return None
        key = _par_key(m.group("par"))
        items: tuple[int, ...] = ()
        if m.group("nr"):
            expanded = _expand(m.group("nr"))
            if expanded is None:
                return None
            items = expanded
        if m.group("stk"):
            stks = _expand(m.group("stk"))
            if stks is None or (len(stks) > 1 and items):
                return None  # "stk. 1 og 2, nr. 3": which stk. do the items belong to?
            out.extend(ItemRef(f"{key}, stk. {s}", items) for s in stks)
        else:
            out.append(ItemRef(key, items))
    return tuple(out) if out else None


def _parts_before(text: str, lo: int, hi: int) -> tuple[int, tuple[ItemRef, ...], str | None]:
    """Read PARTS ending in " i " right before a citation at `hi`; search back no further
    than `lo`. Returns (start, parts, error)."""
    window_lo = max(lo, hi - 400)
    for pos in (i for i in range(window_lo, hi) if text[i] == "§" and text[i - 1 : i] != "§"):
        seg = _PARTS_TAIL.fullmatch(text, pos, hi)
        if seg is None:
            continue
        parts = _parse_parts(seg.group("parts"))
        if parts is not None:
            return pos, parts, None
    if _PROVISION_BEFORE_I.search(text, window_lo, hi):
        return hi, (), "could not read the provisions cited before 'i'"
    return hi, (), None


def _scan(text: str) -> list[_Hit]:
    """All citation-like spans of an already normalised text, in order."""
    hits: list[_Hit] = []
    prev_end = 0
    starts = list(_CITE_START.finditer(text))
    for idx, start_m in enumerate(starts):
        start = start_m.start()
        next_start = starts[idx + 1].start() if idx + 1 < len(starts) else len(text)
        kind = _canon_kind(start_m.group("kind"))
        parts_start, parts, parts_error = _parts_before(text, prev_end, start)
        rest = _CITE_REST.match(text, start_m.end())
        if rest is not None:
            end = rest.end()
            date, date_error = _date_of(rest)
            hit = _Hit(
                start,
                end,
                parts_start,
                kind,
                text[start:end],
                tuple(int(n) for n in re.findall(r"\d+", rest.group("nums"))),
                date,
                parts,
                shared_date=rest.group("shared") is not None,
                error=parts_error or date_error,
            )
        elif (num := _CITE_NUMBER_ONLY.match(text, start_m.end())) is not None:
            end = num.end()
            hit = _Hit(
                start,
                end,
                parts_start,
                kind,
                text[start:end],
                (int(num.group("nums")),),
                None,
                parts,
                error=parts_error or "no date ('af …') after the number",
            )
        else:
            tail = _CITE_LOOSE_TAIL.match(text, start_m.end(), next_start)
            end = tail.end() if tail else start_m.end()  # never past the next citation
            hit = _Hit(
                start,
                end,
                parts_start,
                kind,
                text[start:end].rstrip(" .,"),
                error="no act number after 'nr.'",
            )
        hits.append(hit)
        prev_end = hit.end
    _share_dates(text, hits)
    for hit in hits:
        if hit.error is None and hit.date is not None:
            hit.refs = tuple(
                ActRef(hit.kind, n, hit.date, f"lta/{hit.date.year}/{n}", hit.text, hit.parts)
                for n in hit.numbers
            )
    return hits


def _share_dates(text: str, hits: list[_Hit]) -> None:
    """ "lov nr. 1600 og § 1 i lov nr. 1602 begge af 22. december 2010": 1600 gets the date."""
    for i in range(len(hits) - 2, -1, -1):
        hit, nxt = hits[i], hits[i + 1]
        if hit.date is not None or not hit.numbers or nxt.date is None or not nxt.shared_date:
            continue
        if hit.error != "no date ('af …') after the number":
            continue
        between = text[hit.end : nxt.parts_start]
        if _JOINER.fullmatch(between):
            hit.date, hit.shared_date, hit.error = nxt.date, True, None
            hit.text = (
                f"{hit.text} (af {nxt.date.day}. {_MONTH_NAMES[nxt.date.month]} {nxt.date.year})"
            )


def _split(hits: Iterable[_Hit]) -> tuple[list[ActRef], list[UnparsedRef]]:
    refs: list[ActRef] = []
    unparsed: list[UnparsedRef] = []
    for hit in hits:
        if hit.refs:
            refs.extend(hit.refs)
        else:
            unparsed.append(_unparsed(hit))
    return refs, unparsed


def _unparsed(hit: _Hit, reason: str | None = None) -> UnparsedRef:
    return UnparsedRef(hit.text, reason or hit.error or "not understood")


def parse_act_refs(text: str) -> tuple[list[ActRef], list[UnparsedRef]]:
    """Every citation of an act in `text`, in order; citation-like spans that could not be
    read in full come back as `UnparsedRef` with the reason."""
    return _split(_scan(_normalize(text)))


# --- Indledning of a consolidated act --------------------------------------------------------


def _merge(refs: Iterable[ActRef]) -> tuple[ActRef, ...]:
    """One `ActRef` per act (ELI), in first-seen order, with the union of the cited parts.

    A whole act (``parts == ()``) absorbs any parts; a whole paragraph (``items == ()``)
    absorbs items of the same paragraph.
    """
    order: list[str] = []
    by_eli: dict[str, ActRef] = {}
    for ref in refs:
        old = by_eli.get(ref.eli)
        if old is None:
            order.append(ref.eli)
            by_eli[ref.eli] = ref
            continue
        if not old.parts or not ref.parts:
            parts: tuple[ItemRef, ...] = ()
        else:
            items: dict[str, set[int] | None] = {}
            for part in (*old.parts, *ref.parts):
                have = items.get(part.paragraph, set())
                if have is None or not part.items:
                    items[part.paragraph] = None
                else:
                    items[part.paragraph] = have | set(part.items)
            parts = tuple(ItemRef(p, tuple(sorted(i)) if i else ()) for p, i in items.items())
        by_eli[ref.eli] = ActRef(old.kind, old.number, old.date, old.eli, old.text, parts)
    return tuple(by_eli[e] for e in order)


def _spans(pattern: re.Pattern[str], text: str, group: str | int = 0) -> list[tuple[int, int]]:
    return [m.span(group) for m in pattern.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _bounds_of(pos: int, bounds: list[tuple[int, int]]) -> tuple[int, int]:
    return next((b for b in bounds if b[0] <= pos <= b[1]), bounds[-1])


def analyze_intro(text: str) -> IntroAnalysis:
    """`parse_intro` with the role of every citation (see `IntroCitation`).

    Rules:
    - The first paragraph containing "bekendtgøres" (else the first) is the publishing
      sentence. Before "med de ændringer, der følger af": the citation right after "jf." (or
      right after "(") is ``previous``; with neither, the last one; others there are "title".
      After the marker, up to a glued-in later sentence ("De ændringer …", "Den bekendtgjorte
      …", "Det fremgår …"): ``incorporated``.
    - Anywhere: the citations between "De/Den ændring(er), der følger af" and "er ikke
      indarbejdet/medtaget" are ``not_incorporated``; between "der følger af" and "er
      indarbejdet i" they are "already_incorporated" (in an earlier version).
    - A footnote "De ændringer, der indarbejdes i denne lovbekendtgørelse vedrører …" is
      "detail"; other citations are "in_force" when their paragraph speaks of entry into force
      ("i kraft", "ikrafttræden", "gælder først fra"), else "context".
    - ``incorporated`` and ``not_incorporated`` hold one `ActRef` per act (parts merged).
    - A context citation ("in_force", "already_incorporated", "detail", "title") of an act
      that is not the previous version and neither incorporated nor not incorporated is added
      to ``unparsed`` (so no act cited in the text is lost); one of a known act is not counted
      again: "jf. § 5, stk. 1 og 2, i lov nr. 647" after "§ 1, nr. 5 og 10-31, i lov nr. 647 …
      er ikke indarbejdet" does not make lov nr. 647 a second not-incorporated act.
    """
    norm = _normalize(text)
    hits = _scan(norm)
    unparsed: list[UnparsedRef] = [_unparsed(h) for h in hits if not h.refs]

    # Paragraph bounds and the publishing paragraph.
    bounds: list[tuple[int, int]] = []
    pos = 0
    for line in norm.split("\n"):
        bounds.append((pos, pos + len(line)))
        pos += len(line) + 1
    first = next((b for b in bounds if _PUBLISHED.search(norm, *b)), bounds[0])
    marker = _INC_MARKER.search(norm, *first)
    prev_hi = marker.start() if marker else first[1]
    inc_lo = marker.end() if marker else first[1]
    note_spans = _spans(_INC_NOTE, norm)
    inc_hi = first[1]
    for later in _LATER_SENTENCE.finditer(norm, first[0], first[1]):
        if later.start() >= inc_lo and not _inside(later.start(), note_spans):
            inc_hi = later.start()
            break
    if not marker:
        later = _LATER_SENTENCE.search(norm, first[0], first[1])
        prev_hi = later.start() if later else first[1]
    not_inc_spans = _spans(_NOT_INC, norm, "subject")
    already_spans = _spans(_ALREADY_INC, norm, "subject")

    # The previous version among the hits before the marker.
    before = [h for h in hits if h.refs and first[0] <= h.start < prev_hi]
    previous_hit: _Hit | None = None
    for h in before:
        lead = norm[first[0] : h.parts_start]
        if _JF_BEFORE.search(lead) or _PAREN_BEFORE.search(lead):
            previous_hit = h
    if previous_hit is None and before:
        previous_hit = before[-1]

    citations: list[IntroCitation] = []
    for h in hits:
        if not h.refs:
            continue
        if _inside(h.start, not_inc_spans):
            role = "not_incorporated"
        elif _inside(h.start, already_spans):
            role = "already_incorporated"
        elif h is previous_hit:
            role = "previous"
        elif first[0] <= h.start < prev_hi:
            role = "title"
        elif _inside(h.start, note_spans):
            role = "detail"
        elif inc_lo <= h.start < inc_hi:
            role = "incorporated"
        elif _IN_FORCE.search(norm, *_bounds_of(h.start, bounds)):
            role = "in_force"
        else:
            role = "context"
        citations.extend(IntroCitation(role, ref) for ref in h.refs)

    previous = previous_hit.refs[0] if previous_hit else None
    incorporated = _merge(c.ref for c in citations if c.role == "incorporated")
    not_incorporated = _merge(c.ref for c in citations if c.role == "not_incorporated")
    known = {r.eli for r in (*incorporated, *not_incorporated)}
    if previous:
        known.add(previous.eli)
    for c in citations:
        if c.role in ("previous", "incorporated", "not_incorporated") or c.ref.eli in known:
            continue
        unparsed.append(
            UnparsedRef(
                c.ref.text,
                f"cited as {c.role!r} context, but {c.ref.eli} is neither the previous "
                "version nor an incorporated or not-incorporated act",
            )
        )
    intro = Intro(previous, incorporated, not_incorporated, tuple(unparsed), norm)
    return IntroAnalysis(intro, tuple(citations))


def parse_intro(text: str) -> Intro:
    """A consolidated act's `Indledning` (its paragraphs joined with "\\n") → `Intro`."""
    return analyze_intro(text).intro


# --- intro of an amending act's section --------------------------------------------------------


def _clean_title(text: str) -> str | None:
    title = _TRAILING_PUNCT.sub("", text).strip()
    return title or None


# A law's one-word short title: "lodsloven", "vævsloven", "barnets lov" is two words (not here)
_SHORT_TITLE = re.compile(r"[a-zæøå]+(?:-[a-zæøå]+)*lov(?:en)?")


def parse_amending_intro(text: str) -> AmendedLaw:
    """ "I lov om social service, jf. lovbekendtgørelse nr. 1284 af 17. november 2015, som
    ændret ved § 1 i lov nr. 495 af 21. maj 2013, …, foretages følgende ændring:" →
    `AmendedLaw`. Also "I lov nr. 573 af 24. juni 2005 om social service foretages …",
    "I arveloven, lov nr. 515 af 6. juni 2007, som ændret ved …", and "Lov nr. … ophæves."."""
    line = _LABEL_PREFIX.sub("", _one_line(text))
    hits = _scan(line)
    unparsed = [_unparsed(h) for h in hits if not h.refs]
    good = [h for h in hits if h.refs]

    if _REPEAL.match(line) and good and good[0].start == 0:
        base_hit = good[0]
        tail = _REPEAL_TAIL.search(line)
        rest = line[base_hit.end : tail.start() if tail else len(line)].strip(" ,")
        title = f"{base_hit.kind} {rest}" if rest.lower().startswith("om ") else None
        extra = tuple(r for h in good[1:] for r in h.refs)
        return AmendedLaw(
            _clean_title(title or ""), base_hit.refs[0], (), tuple(unparsed), extra, True, line
        )

    head_m = _AMEND_HEAD.match(line)
    if head_m is None:
        unparsed.extend(
            UnparsedRef(
                h.text, "citation in an intro that is not 'I … foretages følgende ændringer'"
            )
            for h in good
        )
        return AmendedLaw(None, None, (), tuple(unparsed), (), False, line)

    head_lo, head_hi = head_m.span("head")
    amend_m = _AS_AMENDED.search(line, head_lo, head_hi)
    core_hi = amend_m.start() if amend_m else head_hi

    base_hit: _Hit | None = None
    title_refs: list[ActRef] = []
    if good and good[0].parts_start == head_lo and good[0].start == head_lo:
        # "I lov nr. 573 af 24. juni 2005 om social service", or with the short title after
        # the act: "I lov nr. 567 af 9. juni 2006, lodsloven, foretages …"
        base_hit = good[0]
        rest = line[base_hit.end : core_hi].strip(" ,")
        if rest.lower().startswith("om "):
            title = f"{base_hit.kind} {rest}"
        else:
            title = rest if _SHORT_TITLE.fullmatch(rest.lower()) else None
        title_hi = core_hi
    else:
        end_m = _TITLE_END.search(line, head_lo, core_hi)
        title_hi = end_m.start() if end_m else core_hi
        title = line[head_lo:title_hi]
        base_hit = next((h for h in good if title_hi <= h.start < core_hi), None)
        title_refs = [r for h in good if h.start < title_hi for r in h.refs]

    amended_by: list[ActRef] = []
    for h in good:
        if h is base_hit or h.start < title_hi:
            continue
        if amend_m and amend_m.end() <= h.start < head_hi:
            amended_by.extend(h.refs)
        else:
            unparsed.append(
                UnparsedRef(h.text, "citation outside title, base and 'som ændret ved'")
            )
    if amend_m:
        for bill in _BILL.finditer(line, amend_m.end(), head_hi):
            unparsed.append(
                UnparsedRef(
                    bill.group(0).strip(" ,"), "a bill passed by Folketinget, no act number yet"
                )
            )
        if not amended_by and not any("Folketinget" in u.text for u in unparsed):
            unparsed.append(
                UnparsedRef(
                    line[amend_m.start() : head_hi].strip(" ,"),
                    "'som ændret ved' without a readable citation",
                )
            )
    return AmendedLaw(
        _clean_title(title or ""),
        base_hit.refs[0] if base_hit else None,
        tuple(amended_by),
        tuple(unparsed),
        tuple(title_refs),
        False,
        line,
    )


# --- identifiers ------------------------------------------------------------------------------


def accession_to_eli(accession: str) -> str | None:
    """ "A20160064730" / "A2016 00647 30" → "lta/2016/647" (collection A = Lovtidende A).

    Other collections are not mapped (the corpus holds only A; the ELI prefix of the others
    is unverified): None, as for anything that is not an accession number.
    """
    m = _ACCESSION.match(accession)
    if m is None or m.group(1).upper() != "A":
        return None
    return f"lta/{int(m.group(2))}/{int(m.group(3))}"


def eli_from_short_name(short_name: str) -> ShortName | None:
    """ "LOV nr 647 af 08/06/2016 " → ShortName("lta/2016/647", "LOV", date(2016, 6, 8)).

    None for "Ingen", for malformed names and for document types outside Lovtidende A
    (only LOV, LBK and BEK are known to live at ``lta/``)."""
    m = _SHORT_NAME.match(_one_line(short_name))
    if m is None:
        return None
    doc_type = m.group("type").upper()
    if doc_type not in _LTA_DOC_TYPES:
        return None
    try:
        date = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None
    return ShortName(f"lta/{date.year}/{int(m.group('num'))}", doc_type, date)


def normalize_law_title(text: str) -> str:
    """A lower-case canonical title for matching: "Bekendtgørelse af lov om social service",
    "I lov om social service", "Lov nr. 573 af 24. juni 2005 om social service" and
    "lov om social service (Konsekvensændringer …)" all → "lov om social service"."""
    title = _one_line(text).replace("\\n", " ")
    title = _FOOTNOTE_STAR.sub("", _TITLE_PREFIX.sub("", title))
    if m := _TITLE_CITATION.match(title):
        title = f"{_canon_kind(m.group('kind'))} {title[m.end() :]}"
    title = _TRAILING_PUNCT.sub("", title)
    while (stripped := _TRAILING_PAREN.sub("", title)) != title and stripped:
        title = _TRAILING_PUNCT.sub("", stripped)
    return re.sub(r"\s+", " ", title).strip().lower()


_AMENDING_ACT_TITLE = re.compile(r"^lov (?:nr\. \d+ )?om ændring(?:er)? (?:af|i)\b")


# a Meta entry naming another document type ("LBK nr 710 af 23/06/2011"), not an act
_OTHER_DOC_SHORT_NAME = re.compile(r"\s*(?!LOV\b)[A-ZÆØÅ]{2,4} nr\b")


def names_other_document(short_name: str) -> bool:
    """Whether a `Meta` later-change entry names a document that is not an act (the site
    relates a lovbekendtgørelse of another law that way): it amends nothing."""
    return bool(_OTHER_DOC_SHORT_NAME.match(short_name or ""))


def names_amending_act(title: str | None) -> bool:
    """Whether a cited title is an amending act's ("lov om ændring af færdselsloven"): a
    section that amends it changes an act, not a law, and must not make it a law."""
    return bool(title) and bool(_AMENDING_ACT_TITLE.match(normalize_law_title(title or "")))


def act_label(ref: ActRef) -> str:
    """The canonical label of a citation: "lov nr. 171 af 27. februar 2016"."""
    if ref.date is None:
        return f"{ref.kind} nr. {ref.number}"
    d = ref.date
    return f"{ref.kind} nr. {ref.number} af {d.day}. {_MONTH_NAMES[d.month]} {d.year}"

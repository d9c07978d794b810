"""When an amending act's items take effect: the act's entry-into-force provisions read.

An item's in-force date decides when a change counts (by in-force statistics, the look
ahead's quarter); the provisions say it as sentences ("Loven træder i kraft den 1. juli
2016, jf. dog stk. 2.", "§ 1, nr. 2, træder i kraft den 1. januar 2017."). Pure text work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lawdiff.model import Provision
from lawdiff.numbers import NumberError, span

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")
_BLANKS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _BLANKS.sub(" ", _INVISIBLE.sub("", text.replace("\u00a0", " "))).strip()


@dataclass(frozen=True, slots=True)
class InForce:
    """When an item takes effect, and the sentence that says so.

    ``status``: "date" (``date`` set), "publication" (the day after publication in Lovtidende,
    not in the XML), "ministerial" (the minister fixes it: unknown), "unknown" (no rule read).
    """

    date: dt.date | None
    status: str
    rule: str


MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_DATE = re.compile(r"(\d{1,2})\.?\s*(" + "|".join(MONTHS) + r")\s+(\d{4})", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<!jf)(?<!stk)(?<!nr)(?<!pkt)(?<!\bm\.v)\.\s+(?=[A-ZÆØÅ§])")
_IN_FORCE = re.compile(
    r"træder\s+i\s+kraft|sættes\s+i\s+kraft|ikrafttrædelsestidspunkt|"
    r"tidspunktet\s+for\s+(?:lovens\s+)?ikrafttræd(?:en|elsen)\b",
    re.IGNORECASE,
)
_MINISTERIAL = re.compile(
    r"fastsætter\s+(?:tidspunktet\s+for\s+)?(?:lovens\s+)?ikrafttræd|fastsætter\s+tidspunktet|"
    r"tidspunktet\s+for\s+(?:lovens\s+)?ikrafttræd(?:en|elsen)\b|sætter\s+.{0,80}\s+i\s+kraft",
    re.IGNORECASE,
)
_PUBLICATION = re.compile(r"dagen\s+efter\s+(?:bekendtgørelsen|offentliggørelsen)", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:Loven|Denne\s+lov|Lovens\s+ikrafttræden)\b(?!s\s+§)", re.IGNORECASE)
_ITEMS_AFTER = re.compile(
    r"(?:\bdenne\s+lovs|\blovens|\bved)\s+(?P<list>§\s*\d+(?:\s*,\s*nr\.\s*\d+(?:\s*(?:,|og|-|–)\s*\d+)*)?"
    r"(?:\s*,?\s*(?:og|samt)\s+§\s*\d+(?:\s*,\s*nr\.\s*\d+(?:\s*(?:,|og|-|–)\s*\d+)*)?)*)(?=\s*,?\s*(?:træder|og\s+§\s*\d+\s+i\b|i\s|samt|$|,|\.))",
    re.IGNORECASE,
)
_ITEMS_START = re.compile(
    r"^\s*(?P<list>§\s*\d+(?:\s*,\s*nr\.\s*\d+(?:\s*(?:,|og|-|–)\s*\d+)*)?(?:\s*,?\s*(?:og|samt)\s+§\s*\d+(?:\s*,\s*nr\.\s*\d+(?:\s*(?:,|og|-|–)\s*\d+)*)?)*)\s*,?\s*(?:træder|sættes|sættes)",
    re.IGNORECASE,
)
_ONE_ITEMREF = re.compile(r"§\s*(\d+)(?:\s*,\s*nr\.\s*(\d+(?:\s*(?:,|og|-|–)\s*\d+)*))?", re.IGNORECASE)


def _item_refs(text: str) -> list[tuple[str, tuple[int, ...]]]:
    out: list[tuple[str, tuple[int, ...]]] = []
    for m in _ONE_ITEMREF.finditer(text):
        nums: list[int] = []
        if m.group(2):
            for a, b in re.findall(r"(\d+)(?:\s*[-–]\s*(\d+))?", m.group(2)):
                nums.extend(span(a, b or a, "item range"))
        out.append((f"§ {m.group(1)}", tuple(nums)))
    return out


def parse_in_force(
    provisions: Sequence[Provision], signed: dt.date | None = None
) -> tuple[InForce | None, dict[tuple[str, str | None], InForce], list[str], list[str]]:
    """The act's entry-into-force provisions → (whole-act rule, {(§, item or None): rule},
    sentences read, sentences not understood)."""
    default: InForce | None = None
    specific: dict[tuple[str, str | None], InForce] = {}
    rules: list[str] = []
    unparsed: list[str] = []
    for p in provisions:
        for sentence in _SENTENCE.split(p.text):
            sentence = _norm(sentence)
            if not _IN_FORCE.search(sentence):
                continue
            rules.append(sentence)
            if _MINISTERIAL.search(sentence):
                rule = InForce(None, "ministerial", sentence)
            elif _PUBLICATION.search(sentence):
                rule = InForce(None, "publication", sentence)
            elif d := _DATE.search(sentence[_IN_FORCE.search(sentence).start() :]):  # type: ignore[union-attr]
                try:
                    date = dt.date(int(d.group(3)), MONTHS[d.group(2).lower()], int(d.group(1)))
                except ValueError:
                    unparsed.append(sentence)
                    continue
                rule = InForce(date, "date", sentence)
            else:
                if re.search(r"finder\s+anvendelse|har\s+virkning", sentence, re.IGNORECASE):
                    continue
                unparsed.append(sentence)
                continue
            if _WHOLE.match(sentence):
                if default is None:
                    default = rule
                continue
            refs: list[tuple[str, tuple[int, ...]]] = []
            try:
                for m in _ITEMS_AFTER.finditer(sentence):
                    refs.extend(_item_refs(m.group("list")))
                if not refs and (m := _ITEMS_START.match(sentence)):
                    refs = _item_refs(m.group("list"))
            except NumberError:
                unparsed.append(sentence)
                continue
            if not refs:
                if rule.status == "ministerial" and re.search(
                    r"\bloven\b|lovens\s+ikraft", sentence, re.IGNORECASE
                ):
                    default = default or rule
                    continue
                unparsed.append(sentence)
                continue
            for sec, nums in refs:
                if nums:
                    for n in nums:
                        specific[(sec, str(n))] = rule
                else:
                    specific[(sec, None)] = rule
    return default, specific, rules, unparsed




def item_in_force(
    section: str,
    number: str,
    default: InForce | None,
    specific: dict[tuple[str, str | None], InForce],
) -> InForce:
    """The rule for one item: its own, else its section's, else the whole act's."""
    return (
        specific.get((section, number))
        or specific.get((section, None))
        or default
        or InForce(None, "unknown", "no entry-into-force rule read for this item")
    )

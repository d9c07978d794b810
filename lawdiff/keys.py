"""Provision keys: the one spelling of "where in a law" shared by every stage.

A key names a provision by its path of levels, comma-separated, as the model prints it:
"§ 81 a", "§ 81 a, stk. 2", "§ 5, stk. 2, nr. 1, litra b". Parser, differ, amendment grammar,
graph and dashboard all compare and order provisions by these strings, so the rules for
parent, ancestors, level, natural order, canonical spelling and the "stk. 1" equivalence
live here once.

The "stk. 1" equivalence: a § with a single unnumbered stykke (stk., subsection) prints its
numbered items directly under the §, so "§ 2, nr. 9" and "§ 2, stk. 1, nr. 9" are the same
provision. Amending acts cite either spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from functools import total_ordering

SEP = ", "


class KeyLevel(IntEnum):
    """Depth of a key's last part; ``UNKNOWN`` for a part that is none of the four."""

    UNKNOWN = -1
    PARAGRAF = 0
    STK = 1
    NR = 2
    LITRA = 3


_PREFIX = {"§": KeyLevel.PARAGRAF, "stk.": KeyLevel.STK, "nr.": KeyLevel.NR,
           "litra": KeyLevel.LITRA}
PREFIXES: tuple[str, ...] = ("§", "stk.", "nr.", "litra")  # by level
_PARA = re.compile(r"§\s*(\d+)\s*([a-zæøå]*)")
_SUB = re.compile(r"(stk\.|nr\.|litra)\s*(\d+)?\s*(\w*)")


def parts(key: str) -> list[str]:
    return key.split(SEP) if key else []


def parent(key: str) -> str | None:
    """ "§ 5, stk. 2" → "§ 5"; a § (or an empty key) has none."""
    head, sep, _ = key.rpartition(SEP)
    return head if sep else None


def ancestors(key: str) -> list[str]:
    """Nearest first: "§ 5, stk. 2, nr. 1" → ["§ 5, stk. 2", "§ 5"]."""
    out: list[str] = []
    k = parent(key)
    while k:
        out.append(k)
        k = parent(k)
    return out


def paragraph(key: str) -> str:
    """The § a key lies in: "§ 5, stk. 2" → "§ 5"."""
    return key.split(",", 1)[0]


def part_level(part: str) -> KeyLevel:
    return _PREFIX.get(part.strip().split(" ", 1)[0], KeyLevel.UNKNOWN)


def level(key: str) -> KeyLevel:
    """The level of a key's last part ("§ 5, stk. 2" → STK)."""
    return part_level(key.rsplit(SEP, 1)[-1]) if key else KeyLevel.UNKNOWN


def cut_above(key: str, lvl: int) -> str:
    """The part of ``key`` above ``lvl``: ("§ 5, stk. 7, nr. 2", STK) → "§ 5"."""
    return SEP.join(p for p in parts(key) if part_level(p) < lvl)


def truncate(key: str, depth: int) -> str:
    """Keep the § and its first ``depth`` sub-levels."""
    return SEP.join(parts(key)[: 1 + depth])


def child(parent_key: str | None, part: str) -> str:
    return f"{parent_key}{SEP}{part}" if parent_key else part


def sort_key(key: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order: § 2 < § 10 < § 10 a < § 10 a, stk. 2 < § 10 a, stk. 10."""
    out: list[tuple[int, int, str]] = []
    for part in key.split(","):
        part = part.strip()
        m = _PARA.match(part)
        if m:
            out.append((0, int(m[1]), m[2]))
            continue
        m = _SUB.match(part)
        if m and m[2]:
            out.append((1, int(m[2]), m[3]))
        else:
            out.append((2, 0, part))
    return tuple(out)


def canonical(text: str) -> str:
    """How people type a key → the model's spelling: "§81A, stk 2" → "§ 81 a, stk. 2"."""
    k = " ".join(text.replace("\u00a0", " ").split())
    k = re.sub(
        r"§\s*(\d+)\s*([a-zæøåA-ZÆØÅ])?\b",
        lambda m: f"§ {m[1]}" + (f" {m[2].lower()}" if m[2] else ""),
        k,
    )
    k = re.sub(r"\bstk\.?\s*(\d+)", r"stk. \1", k, flags=re.I)
    k = re.sub(r"\bnr\.?\s*(\d+)", r"nr. \1", k, flags=re.I)
    k = re.sub(r"\blitra\s+([a-zæøå])\b", r"litra \1", k, flags=re.I)
    return re.sub(r"\s*,\s*", SEP, k).strip(", ")


def without_stk1(key: str) -> str:
    """ "§ 2, stk. 1, nr. 9" → "§ 2, nr. 9": the spelling in a § with one stk."""
    ps = parts(key)
    if len(ps) > 2 and ps[1] == "stk. 1":
        return SEP.join([ps[0], *ps[2:]])
    return key


def with_stk1(key: str) -> str:
    """ "§ 2, nr. 9" → "§ 2, stk. 1, nr. 9": an item cited directly under its §."""
    ps = parts(key)
    if len(ps) > 1 and part_level(ps[1]) > KeyLevel.STK:
        return SEP.join([ps[0], "stk. 1", *ps[1:]])
    return key


def same_provision(a: str, b: str) -> bool:
    """Equal up to the "stk. 1" equivalence."""
    return a == b or without_stk1(a) == without_stk1(b)


@total_ordering
@dataclass(frozen=True, slots=True)
class ProvisionKey:
    """A key as a value: canonical text with its structure, ordered naturally."""

    text: str

    @classmethod
    def parse(cls, text: str) -> ProvisionKey:
        return cls(canonical(text))

    def __str__(self) -> str:
        return self.text

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, ProvisionKey):
            return NotImplemented
        return sort_key(self.text) < sort_key(other.text)

    @property
    def parent(self) -> ProvisionKey | None:
        p = parent(self.text)
        return ProvisionKey(p) if p else None

    @property
    def ancestors(self) -> list[ProvisionKey]:
        return [ProvisionKey(a) for a in ancestors(self.text)]

    @property
    def level(self) -> KeyLevel:
        return level(self.text)

    @property
    def paragraph(self) -> ProvisionKey:
        return ProvisionKey(paragraph(self.text))

    def same_as(self, other: ProvisionKey | str) -> bool:
        return same_provision(self.text, str(other))

"""Numbers read from legal text, with bounds.

A label or a range in a document is data, not a loop bound we trust: "Stk. 3-99999999" must
not build a hundred million keys, a 5,000-digit "Stk." label must not reach ``int()``, and
"²" or "٣" (which ``str.isdigit`` accepts) are not Danish paragraph numbers. The bounds are
sized far above every real document: the longest Danish law (retsplejeloven) ends at § 1007,
real ranges in amending acts span a few dozen numbers.
"""

from __future__ import annotations

import re

MAX_DIGITS = 6
"""Digits in one label number (§, stk., nr., pkt., kapitel, year, document number)."""

MAX_SPAN = 2000
"""Numbers one range may expand to ("§§ 1-40", "nr. 3-150")."""

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ANY_DIGITS = re.compile(r"[\d\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]+")


class NumberError(ValueError):
    """A number or range outside the bounds above; the message names the text."""


def label_int(text: str, what: str = "number") -> int:
    """ASCII digits only, at most `MAX_DIGITS` of them."""
    if not _ASCII_DIGITS.fullmatch(text):
        raise NumberError(f"{what} {_clip(text)!r} is not written with the digits 0-9")
    if len(text) > MAX_DIGITS:
        raise NumberError(f"{what} {_clip(text)!r} has more than {MAX_DIGITS} digits")
    return int(text)


def is_label_int(text: str) -> bool:
    return bool(_ASCII_DIGITS.fullmatch(text)) and len(text) <= MAX_DIGITS


def check_numbers(text: str, what: str = "label") -> str:
    """``text`` unchanged when every number in it is a valid label number, else NumberError.

    Python's ``\\d`` (and ``int()``) also accept Arabic-Indic and other scripts' digits, so a
    regex match alone does not make a Danish label number.
    """
    for m in _ANY_DIGITS.finditer(text):
        label_int(m.group(), f"{what} {_clip(text)!r}: number")
    return text


def span(first: str | int, last: str | int, what: str = "range") -> range:
    """``first``..``last`` inclusive, refused when reversed or wider than `MAX_SPAN`."""
    a = first if isinstance(first, int) else label_int(first, what)
    b = last if isinstance(last, int) else label_int(last, what)
    if b < a:
        raise NumberError(f"{what} {a}-{b} runs backwards")
    if b - a >= MAX_SPAN:
        raise NumberError(f"{what} {a}-{b} spans more than {MAX_SPAN} numbers")
    return range(a, b + 1)


def _clip(text: str, n: int = 24) -> str:
    return text if len(text) <= n else f"{text[:n]}… ({len(text)} characters)"

"""Today and calendar quarters, for "what comes into force next quarter?"."""

from __future__ import annotations

import datetime as dt
import os
import re

_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")


def today() -> dt.date:
    """`LOVSPOR_TODAY` (YYYY-MM-DD) when set — to look at an old database as of its own time,
    and to freeze time in tests — else the system date. Raises ValueError on a bad value."""
    value = os.environ.get("LOVSPOR_TODAY")
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"LOVSPOR_TODAY: expected YYYY-MM-DD, got {value!r}") from None


def quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter `q` (1-4) of `year`."""
    first = dt.date(year, 3 * q - 2, 1)
    nxt = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def next_quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter after the one `day` lies in."""
    q = (day.month - 1) // 3 + 1
    return quarter_bounds(day.year + 1, 1) if q == 4 else quarter_bounds(day.year, q + 1)


def parse_quarter(text: str) -> tuple[dt.date, dt.date]:
    """"2017Q1" / "2017-q1" → its first and last day. Raises ValueError."""
    m = _QUARTER.fullmatch(text.strip())
    if not m:
        raise ValueError(f"expected YYYYQn (2017Q1), got {text!r}")
    return quarter_bounds(int(m.group(1)), int(m.group(2)))

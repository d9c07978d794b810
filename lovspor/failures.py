"""Which errors one bad document, act or pair may cause, and how they are worded.

A batch stops only when the database itself fails (it cannot be reached, its schema is
wrong): everything else is the input's fault or a bug one input triggered, and is recorded
as that input's failure while the batch goes on.
"""

from __future__ import annotations

from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError

from lawdiff.numbers import NumberError
from lawdiff.parse import ParseError

EXIT_PARTIAL = 3
"""Exit code of a batch that finished but recorded failures (0: all done; 1: stopped)."""

FATAL = (OperationalError, InterfaceError, ProgrammingError)
"""Database errors no other input would avoid: re-raised, never recorded per input."""


def reason_of(exc: BaseException) -> str:
    """One line naming what went wrong, without a traceback."""
    if isinstance(exc, ParseError):
        return exc.reason
    if isinstance(exc, NumberError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "ran out of memory (the input is far larger than any real document)"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:299] + "…"
    return f"internal error ({type(exc).__name__}: {text})" if text else type(exc).__name__

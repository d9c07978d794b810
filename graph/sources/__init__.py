"""Loaders for the public reference data that links law paragraphs to municipal work.

Each loader returns typed records that remember where they came from (`SourceRef`), plus a
list of `LoadProblem`s: a bad row is reported with file and line and skipped, the rest loads.
Loaders only read and parse; matching paragraph references to a law version happens in
`graph.build`, where the version's keys are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Dataset name + file + row/line, so every edge can say where it came from."""

    dataset: str  # "os2bos", "kle", "kl-processing", "user"
    file: str  # file name (not the full path: stable across machines)
    line: int  # 1-based line (CSV: the physical line of the row; XML: the element's line)

    def __str__(self) -> str:
        return f"{self.dataset}:{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A row or element that could not be (fully) read; the message says what was wrong."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def file_label(path: Path) -> str:
    """``…/impact/os2bos/paragraphs.csv`` → ``os2bos/paragraphs.csv``."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name

"""KL's standard register of municipal processing activities (GDPR art. 30) → KLE subjects.

A processing activity ("Behandling af personoplysninger i forbindelse med særlig støtte til
børn og unge") is hit when the KLE subjects it covers are hit: the data-protection side of a
law change. `kle-mapping.csv` (semicolon separated) maps each activity number to KLE
subjects; `registers/*.json` add the description and the KLE groups.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from graph.sources import LoadProblem, SourceRef, file_label

DATASET = "kl-processing"
_SUBJECT = re.compile(r"^(\d\d)\.\s?(\d\d)\.\s?(\d\d)\.?(?:\s+(.*))?$")
_NAME = re.compile(r"^\s*([0-9]{1,3}|[A-Z])\.\s+(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class KleLink:
    """One mapping row: activity → KLE subject, with the row it came from."""

    subject: str  # "27.24.00"
    title: str
    source: SourceRef


@dataclass(frozen=True, slots=True)
class ProcessingActivity:
    number: str  # "01" … "94", "A" … "F"
    name: str
    description: str
    subjects: tuple[KleLink, ...]
    kle_groups: tuple[str, ...]  # from the register JSON: "27.24"
    source: SourceRef


def load_kl_processing(folder: Path) -> tuple[list[ProcessingActivity], list[LoadProblem]]:
    """Load kle-mapping.csv and registers/*.json from `folder`; activities are keyed by their
    number, and the JSON description/groups are joined on it."""
    folder = Path(folder)
    problems: list[LoadProblem] = []
    names: dict[str, tuple[str, SourceRef]] = {}
    links: dict[str, list[KleLink]] = {}
    csv_path = folder / "kle-mapping.csv"
    if csv_path.is_file():
        file = file_label(csv_path)
        with csv_path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=";")
            next(reader, None)
            last = reader.line_num
            for row in reader:
                line, last = last + 1, reader.line_num
                if not any(c.strip() for c in row):
                    continue
                if len(row) < 5:
                    problems.append(LoadProblem(file, line, f"expected 5 columns, got {len(row)}"))
                    continue
                number, name, subject = row[0].strip(), row[1].strip(), row[4].strip()
                if not number:
                    problems.append(LoadProblem(file, line, "no activity number (column Nummer)"))
                    continue
                m = _SUBJECT.match(subject)
                if not m:
                    problems.append(LoadProblem(
                        file, line, f"KLE niveau 3 {subject!r} is not 'NN.NN.NN. title'"))
                    continue
                names.setdefault(number, (name, SourceRef(DATASET, file, line)))
                links.setdefault(number, []).append(
                    KleLink(f"{m[1]}.{m[2]}.{m[3]}", (m[4] or "").strip(),
                            SourceRef(DATASET, file, line)))
    else:
        problems.append(LoadProblem(file_label(csv_path), 0, "file not found"))
    details: dict[str, tuple[str, tuple[str, ...], SourceRef, str]] = {}
    for path in sorted((folder / "registers").glob("*.json")):
        file = file_label(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            problems.append(LoadProblem(file, exc.lineno, f"invalid JSON: {exc.msg}"))
            continue
        m = _NAME.match(str(data.get("name", ""))) if isinstance(data, dict) else None
        if not m:
            problems.append(LoadProblem(file, 1, "no 'name' of the form 'NN. title'"))
            continue
        groups = tuple(str(g) for g in data.get("kleGroups", []) or [])
        details[m[1]] = (str(data.get("description", "")), groups,
                         SourceRef(DATASET, file, 1), m[2].strip())
    out: list[ProcessingActivity] = []
    for number in sorted(set(names) | set(details)):
        desc, groups, jsrc, jname = details.get(number, ("", (), None, ""))
        name, src = names.get(number, (jname, jsrc))
        out.append(ProcessingActivity(number, name or jname, desc, tuple(links.get(number, ())),
                                      groups, src or jsrc))  # type: ignore[arg-type]
    return out, problems

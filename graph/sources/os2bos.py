"""OS2bos (municipal benefits platform): serviceloven paragraph → service → KLE number.

`paragraphs.csv` is the paragraph catalogue (one row per § or stk. a municipality grants
under, with service name, KLE number, service area, intervention steps and target groups);
`activities.csv` lists the activities (services bought or granted) with the paragraph key
they rest on and the budget account; `sections.json`/`sectioninfos.json` are the same
catalogue as platform records (they add KLE numbers per activity). The numbering is
serviceloven's before Barnets lov (2019–2022 data).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.paragraphs import ParaRef, parse_os2bos_key
from graph.sources import LoadProblem, SourceRef, file_label

DATASET = "os2bos"
_KLE = re.compile(r"^\d\d\.\d\d\.\d\d$")


@dataclass(frozen=True, slots=True)
class OS2bosService:
    """A paragraph-catalogue row: the municipal service granted under one § (or stk./nr.)."""

    code: str  # "SEL-52-3.7"
    law: str  # "serviceloven"
    refs: tuple[ParaRef, ...]  # main key first, then any "jf." key
    name: str  # "Anbringelse udenfor hjemmet"
    kle: str | None  # "27.27.26"
    sbsys_kle: str | None
    area: str  # Afsnit: "Foranstaltninger"
    steps: tuple[str, ...]  # Indsatstrappen: ("Trin 4", "Trin 5")
    target_groups: tuple[str, ...]  # Målgruppe: ("Familieafdeling", "Handicap")
    source: SourceRef


@dataclass(frozen=True, slots=True)
class OS2bosActivity:
    """An activities.csv row: an activity paid under a paragraph, as main activity or as a
    follow-up expense ("følgeudgift") of another main activity."""

    code: str  # "015031"
    name: str
    paragraph_code: str | None  # "SEL-52-3.7"; None when the row names no paragraph
    law: str | None
    refs: tuple[ParaRef, ...]
    role: str  # "main" | "supplementary" | "none"
    kle: str | None
    main_activity: str | None  # for follow-up expenses: the main activity's code
    account: str | None  # Kontering
    source: SourceRef


@dataclass(frozen=True, slots=True)
class OS2bosSectionInfo:
    """sectioninfos.json: a KLE number and SBSYS template for a section (paragraph code)."""

    section_code: str
    kle: str | None
    sbsys_template: str | None
    source: SourceRef


@dataclass(frozen=True, slots=True)
class OS2bosData:
    services: tuple[OS2bosService, ...]
    activities: tuple[OS2bosActivity, ...]
    section_infos: tuple[OS2bosSectionInfo, ...]
    target_groups: dict[int, str] = field(default_factory=dict)
    problems: tuple[LoadProblem, ...] = ()


def _rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, dict[str, str], bool]]:
    """CSV rows as dicts, with the physical line where each row starts and whether the row
    has more (non-empty) cells than the header."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
        last = reader.line_num
        for row in reader:
            start, last = last + 1, reader.line_num
            extra = any(c.strip() for c in row[len(header):])
            cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
            yield start, dict(zip(header, cells, strict=False)), extra


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _kle(value: str, label: str, problems: list[LoadProblem], file: str, line: int) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not _KLE.match(value):
        problems.append(LoadProblem(file, line, f"{label} {value!r} is not a KLE number NN.NN.NN"))
        return None
    return value


def load_paragraphs(path: Path) -> tuple[list[OS2bosService], list[LoadProblem]]:
    file = file_label(path)
    out: list[OS2bosService] = []
    problems: list[LoadProblem] = []
    for line, row, extra in _rows(path):
        code = row.get("Nøgle", "")
        if not any(row.values()):
            continue  # blank line
        if extra:
            problems.append(LoadProblem(file, line, "more cells than header columns"))
        if not code:
            problems.append(LoadProblem(file, line, "no paragraph key (column Nøgle)"))
            continue
        law, refs, problem = parse_os2bos_key(code)
        if problem:
            problems.append(LoadProblem(file, line, problem))
        if law is None or not refs:
            continue
        out.append(OS2bosService(
            code=code, law=law, refs=tuple(refs), name=row.get("B&V-tekst", "") or code,
            kle=_kle(row.get("KLE nr.", ""), "KLE nr.", problems, file, line),
            sbsys_kle=_kle(row.get("SBSYS KLE nr.", ""), "SBSYS KLE nr.", problems, file, line),
            area=row.get("Afsnit", ""), steps=_split(row.get("Indsatstrappen", "")),
            target_groups=_split(row.get("Målgruppe", "")),
            source=SourceRef(DATASET, file, line),
        ))
    return out, problems


def load_activities(path: Path) -> tuple[list[OS2bosActivity], list[LoadProblem]]:
    file = file_label(path)
    out: list[OS2bosActivity] = []
    problems: list[LoadProblem] = []
    for line, row, _extra in _rows(path):
        code = row.get("Aktivitet", "")
        main_on = row.get("Hovedaktivitet på", "")
        supp_on = row.get("Følgeudgift på", "")
        if not code:
            if any(v for k, v in row.items() if k != "PGF betegnelse"):
                problems.append(LoadProblem(file, line, "no activity code (column Aktivitet)"))
            else:
                problems.append(LoadProblem(file, line, "empty row"))
            continue
        pcode = main_on or supp_on or None
        role = "main" if main_on else "supplementary" if supp_on else "none"
        law, refs = None, []
        if pcode:
            law, refs, problem = parse_os2bos_key(pcode)
            if problem:
                problems.append(LoadProblem(file, line, problem))
        else:
            problems.append(LoadProblem(
                file, line, f"activity {code} names no paragraph (PGF betegnelse "
                f"{row.get('PGF betegnelse', '')!r}); kept without a paragraph edge"))
        out.append(OS2bosActivity(
            code=code, name=row.get("Aktivitetnavn", "") or code, paragraph_code=pcode,
            law=law, refs=tuple(refs), role=role,
            kle=_kle(row.get("Kle nr.", ""), "Kle nr.", problems, file, line),
            main_activity=row.get("Hovedaktivitet", "") or None,
            account=row.get("Kontering", "") or None, source=SourceRef(DATASET, file, line),
        ))
    return out, problems


def _json_records(path: Path, problems: list[LoadProblem]) -> list[tuple[int, dict]]:
    """Django fixture records with the line of their ``"pk"`` (for messages)."""
    file = file_label(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(LoadProblem(file, exc.lineno, f"invalid JSON: {exc.msg}"))
        return []
    if not isinstance(data, list):
        problems.append(LoadProblem(file, 1, "expected a JSON list of records"))
        return []
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'"pk"\s*:', text)]
    out = []
    for i, rec in enumerate(data):
        line = lines[i] if i < len(lines) else 1
        if not isinstance(rec, dict) or not isinstance(rec.get("fields"), dict):
            problems.append(LoadProblem(file, line, f"record {i} has no 'fields' object"))
            continue
        out.append((line, rec))
    return out


def load_os2bos(folder: Path) -> OS2bosData:
    """Load the whole OS2bos folder (paragraphs.csv, activities.csv, sections.json,
    sectioninfos.json, targetgroups.json); missing files are reported as problems."""
    folder = Path(folder)
    problems: list[LoadProblem] = []
    services: list[OS2bosService] = []
    activities: list[OS2bosActivity] = []
    infos: list[OS2bosSectionInfo] = []
    groups: dict[int, str] = {}

    def missing(name: str) -> bool:
        if (folder / name).is_file():
            return False
        problems.append(LoadProblem(f"{folder.name}/{name}", 0, "file not found"))
        return True

    if not missing("paragraphs.csv"):
        s, p = load_paragraphs(folder / "paragraphs.csv")
        services += s
        problems += p
    if not missing("activities.csv"):
        a, p = load_activities(folder / "activities.csv")
        activities += a
        problems += p
    section_codes: dict[int, str] = {}
    if not missing("sections.json"):
        path = folder / "sections.json"
        known = {s.code for s in services}
        for line, rec in _json_records(path, problems):
            f = rec["fields"]
            code = str(f.get("paragraph", "")).strip()
            section_codes[rec.get("pk", -1)] = code
            if not code or code in known:
                continue  # the CSV already has this paragraph
            law, refs, problem = parse_os2bos_key(code)
            if problem or law is None:
                problems.append(LoadProblem(file_label(path), line, problem or "no law"))
                continue
            known.add(code)
            services.append(OS2bosService(
                code=code, law=law, refs=tuple(refs), name=str(f.get("text", "")) or code,
                kle=None, sbsys_kle=None, area="", steps=(), target_groups=(),
                source=SourceRef(DATASET, file_label(path), line)))
    if not missing("sectioninfos.json"):
        path = folder / "sectioninfos.json"
        for line, rec in _json_records(path, problems):
            f = rec["fields"]
            code = section_codes.get(f.get("section"))
            if code is None:
                problems.append(LoadProblem(file_label(path), line,
                                            f"section {f.get('section')!r} not in sections.json"))
                continue
            infos.append(OS2bosSectionInfo(
                section_code=code,
                kle=_kle(str(f.get("kle_number") or ""), "kle_number", problems,
                         file_label(path), line),
                sbsys_template=str(f.get("sbsys_template_id") or "") or None,
                source=SourceRef(DATASET, file_label(path), line)))
    if (folder / "targetgroups.json").is_file():
        for _line, rec in _json_records(folder / "targetgroups.json", problems):
            groups[int(rec.get("pk", 0))] = str(rec["fields"].get("name", ""))
    return OS2bosData(tuple(services), tuple(activities), tuple(infos), groups, tuple(problems))

"""A municipality's own procedures: CSV or YAML rows of name, KLE number, handlingsfacet,
paragraphs and law — e.g. its published sagsbehandlingsfrister (retssikkerhedsloven § 3,
stk. 2). Public data cannot know these; the user file lets a municipality add them.

CSV columns (header names, case-insensitive, Danish aliases accepted):
``procedure`` (navn), ``kle``, ``handlingsfacet`` (facet), ``paragraphs`` (paragraffer;
several separated by ``;``), ``law`` (lov: a slug like ``serviceloven`` or a title).
YAML: a list of mappings with the same keys (``paragraphs`` may be a list), or a mapping
with a ``procedures`` list.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from graph.laws import LAW_SLUGS, law_slug
from graph.paragraphs import ParaRef, parse_paragraph_text
from graph.sources import LoadProblem, SourceRef, file_label

DATASET = "user"
_KLE = re.compile(r"^\d\d\.\d\d\.\d\d$")
_FACET = re.compile(r"^[A-ZÆØÅ]\d\d$")
_ALIASES = {
    "procedure": ("procedure", "procedurenavn", "navn", "name", "sagstype"),
    "kle": ("kle", "kle nr.", "kle_nr", "kle-nummer", "kle nr", "emne"),
    "facet": ("handlingsfacet", "facet", "handlingsfacetnr"),
    "paragraphs": ("paragraphs", "paragraffer", "paragraf", "§", "hjemmel"),
    "law": ("law", "lov", "law_slug"),
}


@dataclass(frozen=True, slots=True)
class UserProcedure:
    name: str
    kle: str | None  # "27.24.00"
    facet: str | None  # "G01"
    law: str | None  # slug; None when the law is unknown (its title is in law_title)
    law_title: str
    refs: tuple[ParaRef, ...]
    source: SourceRef


def _slug(value: str) -> str | None:
    v = value.strip()
    if v in set(LAW_SLUGS.values()):
        return v
    return law_slug(v)


def _row(raw: dict[str, object], file: str, line: int,
         problems: list[LoadProblem]) -> UserProcedure | None:
    norm = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
    get: dict[str, object] = {}
    for field, names in _ALIASES.items():
        get[field] = next((norm[n] for n in names if n in norm and norm[n] not in (None, "")), None)
    name = str(get["procedure"] or "").strip()
    if not name:
        problems.append(LoadProblem(file, line, "no procedure name"))
        return None
    kle = str(get["kle"] or "").strip() or None
    if kle and not _KLE.match(kle):
        problems.append(LoadProblem(file, line, f"{name}: KLE number {kle!r} is not NN.NN.NN"))
        return None
    facet = str(get["facet"] or "").strip().upper() or None
    if facet and not _FACET.match(facet):
        problems.append(LoadProblem(file, line, f"{name}: handlingsfacet {facet!r} is not like G01"))
        return None
    law_title = str(get["law"] or "").strip()
    law = _slug(law_title) if law_title else None
    paras = get["paragraphs"]
    texts = [str(p) for p in paras] if isinstance(paras, list) else (
        [str(paras)] if paras else [])
    refs: list[ParaRef] = []
    for t in texts:
        got, problem = parse_paragraph_text(t if t.strip().startswith(("§", "Kap", "kap"))
                                            else f"§ {t}")
        if problem:
            problems.append(LoadProblem(file, line, f"{name}: {problem}"))
        refs.extend(got)
    if refs and not law_title:
        problems.append(LoadProblem(file, line, f"{name}: paragraphs given but no law"))
        return None
    if law_title and law is None:
        problems.append(LoadProblem(file, line, f"{name}: unknown law {law_title!r} (kept)"))
    if not refs and not kle:
        problems.append(LoadProblem(file, line, f"{name}: neither paragraphs nor KLE number"))
        return None
    return UserProcedure(name, kle, facet, law, law_title, tuple(refs),
                         SourceRef(DATASET, file, line))


def load_user_mappings(path: Path) -> tuple[list[UserProcedure], list[LoadProblem]]:
    """Load a user mapping file (.csv, .yaml/.yml); bad rows are reported, the rest loads."""
    path = Path(path)
    file = file_label(path)
    text = path.read_text(encoding="utf-8-sig")
    problems: list[LoadProblem] = []
    out: list[UserProcedure] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        for line, raw in _yaml_rows(text, file, problems):
            if (p := _row(raw, file, line, problems)) is not None:
                out.append(p)
        return out, problems
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    last = reader.line_num
    for row in reader:
        line, last = last + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            problems.append(LoadProblem(file, line, "more cells than header columns"))
            continue
        p = _row(dict(zip(header, row, strict=False)), file, line, problems)
        if p is not None:
            out.append(p)
    return out, problems


def _yaml_rows(text: str, file: str,
               problems: list[LoadProblem]) -> list[tuple[int, dict[str, object]]]:
    import yaml  # pyyaml, a project dependency; imported late as only YAML files need it

    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(LoadProblem(file, (mark.line + 1) if mark else 0, f"invalid YAML: {exc}"))
        return []
    items, nodes = data, node
    if isinstance(data, dict) and isinstance(data.get("procedures"), list):
        items = data["procedures"]
        nodes = next(v for k, v in node.value if k.value == "procedures")
    if not isinstance(items, list):
        problems.append(LoadProblem(file, 1, "expected a list of procedures"))
        return []
    out = []
    for item, n in zip(items, nodes.value, strict=False):
        line = n.start_mark.line + 1
        if not isinstance(item, dict):
            problems.append(LoadProblem(file, line, "entry is not a mapping"))
            continue
        out.append((line, item))
    return out

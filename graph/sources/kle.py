"""KLE (KL's Emnesystematik): subjects, their law references and handlingsfacet keywords.

Every municipality files its cases under KLE subjects (27.24.00 …); a subject's
`RetskildeReference`s name the law paragraphs it rests on, and its
`EmneOgHandlingsfacetStikord` say which kinds of case (handlingsfacet G01, K02, …) occur
under it. The loader reads KL's REST "fuld" format v1.3 (the shared subset or the complete
plan) from a file, from bytes, or from a URL, since users keep KLE current themselves.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from graph.laws import law_slug
from graph.paragraphs import ParaRef, RefKind, parse_anchor, parse_paragraph_text
from graph.sources import LoadProblem, SourceRef, file_label

DATASET = "kle"
USER_AGENT = "lovspor (Danish social-law change tracker; KLE loader)"


@dataclass(frozen=True, slots=True)
class KleReference:
    """One `EmneRetskildeReference`/`GruppeRetskildeReference`."""

    owner: str  # the subject or group number holding it: "27.24.00" / "27.24"
    title: str  # RetskildeTitel as written: "Serviceloven"
    paragraph_text: str | None  # ParagrafEllerKapitel: "§ 52, stk. 3, nr. 3"
    accession: str | None  # "A20250015529"
    url: str | None
    anchor: str | None  # "P83" from the URL fragment
    law: str | None  # slug, None when the title/accession is unknown
    refs: tuple[ParaRef, ...]  # empty ParaRef list never: a whole-law reference is LAW
    source: SourceRef


@dataclass(frozen=True, slots=True)
class KleKeyword:
    text: str
    facet: str  # "G01"
    order: int | None


@dataclass(frozen=True, slots=True)
class KleSubject:
    number: str  # "27.24.00"
    title: str
    group: str  # "27.24"
    main_group: str  # "27"
    references: tuple[KleReference, ...]
    keywords: tuple[KleKeyword, ...]
    source: SourceRef

    @property
    def facets(self) -> tuple[str, ...]:
        """Handlingsfacetter that occur in this subject's keywords, sorted."""
        return tuple(sorted({k.facet for k in self.keywords}))


@dataclass(frozen=True, slots=True)
class KleGroup:
    number: str  # "27.24"
    title: str
    main_group: str
    references: tuple[KleReference, ...]
    source: SourceRef


@dataclass(frozen=True, slots=True)
class KlePlan:
    published: str | None  # UdgivelsesDato
    main_groups: dict[str, str]  # "27" → "Social service"
    groups: tuple[KleGroup, ...]
    subjects: tuple[KleSubject, ...]
    problems: tuple[LoadProblem, ...] = ()

    @property
    def references(self) -> tuple[KleReference, ...]:
        return tuple(r for g in self.groups for r in g.references) + tuple(
            r for s in self.subjects for r in s.references)

    def subject(self, number: str) -> KleSubject | None:
        return next((s for s in self.subjects if s.number == number), None)


MAX_BYTES = 64 * 2**20
"""The full KLE plan is about 10 MB; a source far larger is not one (and must not fill memory)."""


def _read(source: str | Path | bytes, timeout: float) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "kle.xml"
    text = str(source)
    if re.match(r"^https?://", text):
        req = urllib.request.Request(text, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            data = resp.read(MAX_BYTES + 1)
        name = text.rsplit("/", 1)[-1] or "kle.xml"
    else:
        path = Path(text)
        if path.stat().st_size > MAX_BYTES:
            raise OSError(f"{path}: larger than {MAX_BYTES // 2**20} MB")
        data, name = path.read_bytes(), file_label(path)
    if len(data) > MAX_BYTES:
        raise OSError(f"{text}: larger than {MAX_BYTES // 2**20} MB")
    return data, name


def _t(el: etree._Element, name: str) -> str | None:
    v = el.findtext(name)
    return v.strip() if v is not None and v.strip() else None


def load_kle(source: str | Path | bytes, timeout: float = 60.0) -> KlePlan:
    """Load a KLE emneplan from a path, a URL (http/https; for the CLI, never in tests) or
    bytes. Elements that cannot be read are reported and skipped."""
    data, file = _read(source, timeout)
    problems: list[LoadProblem] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        return KlePlan(None, {}, (), (), (LoadProblem(file, line, f"not XML: {exc.msg}"),))
    # KL's service may namespace the elements: match on local names
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    main_groups: dict[str, str] = {}
    groups: list[KleGroup] = []
    subjects: list[KleSubject] = []
    for hg in root.iter("Hovedgruppe"):
        hnr = _t(hg, "HovedgruppeNr")
        if not hnr:
            problems.append(LoadProblem(file, hg.sourceline or 0, "Hovedgruppe without number"))
            continue
        main_groups[hnr] = _t(hg, "HovedgruppeTitel") or ""
        for g in hg.findall("Gruppe"):
            gnr = _t(g, "GruppeNr")
            if not gnr:
                problems.append(LoadProblem(file, g.sourceline or 0, "Gruppe without GruppeNr"))
                continue
            grefs = [_reference(r, gnr, file, problems) for r in g.findall("GruppeRetskildeReference")]
            groups.append(KleGroup(gnr, _t(g, "GruppeTitel") or "", hnr,
                                   tuple(r for r in grefs if r), SourceRef(DATASET, file, g.sourceline or 0)))
            for e in g.findall("Emne"):
                enr = _t(e, "EmneNr")
                if not enr or not re.match(r"^\d\d\.\d\d\.\d\d$", enr):
                    problems.append(LoadProblem(file, e.sourceline or 0,
                                                f"Emne with bad EmneNr {enr!r}"))
                    continue
                erefs = [_reference(r, enr, file, problems) for r in e.findall("EmneRetskildeReference")]
                keywords = []
                for k in e.findall("EmneOgHandlingsfacetStikord"):
                    facet = _t(k, "HandlingsfacetNr")
                    if not facet:
                        problems.append(LoadProblem(file, k.sourceline or 0,
                                                    f"stikord in {enr} without HandlingsfacetNr"))
                        continue
                    order = _t(k, "Orden")
                    keywords.append(KleKeyword(_t(k, "Tekst") or "", facet,
                                               int(order) if order and order.isdigit() else None))
                subjects.append(KleSubject(enr, _t(e, "EmneTitel") or "", gnr, hnr,
                                           tuple(r for r in erefs if r), tuple(keywords),
                                           SourceRef(DATASET, file, e.sourceline or 0)))
    return KlePlan(_t(root, "UdgivelsesDato"), main_groups, tuple(groups), tuple(subjects),
                   tuple(problems))


def _reference(el: etree._Element, owner: str, file: str,
               problems: list[LoadProblem]) -> KleReference | None:
    line = el.sourceline or 0
    title = _t(el, "RetskildeTitel") or ""
    para = _t(el, "ParagrafEllerKapitel")
    accession = _t(el, "RetsinfoAccessionsNr")
    url = _t(el, "RetsinfoURL")
    anchor = url.split("#", 1)[1] if url and "#" in url else None
    if not title and not accession:
        problems.append(LoadProblem(file, line, f"reference in {owner} names no law"))
        return None
    refs: list[ParaRef] = []
    if para:
        refs, problem = parse_paragraph_text(para)
        if problem:
            problems.append(LoadProblem(file, line, f"{owner}: {problem}"))
    if not refs and anchor:
        a = parse_anchor(anchor)
        if a:
            refs = [a]
        else:
            problems.append(LoadProblem(file, line, f"{owner}: cannot read anchor #{anchor}"))
    if not refs and para:
        return None  # reported above; do not turn an unreadable citation into a whole-law one
    if not refs:
        refs = [ParaRef(RefKind.LAW, text=title)]
    slug = law_slug(title, accession)
    return KleReference(owner, title, para, accession, url, anchor, slug, tuple(refs),
                        SourceRef(DATASET, file, line))

"""KLE loader: the real subset (245 subjects, 626 law references) and malformed XML."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from graph.laws import law_slug
from graph.paragraphs import RefKind, parse_anchor, parse_paragraph_text
from graph.sources.kle import load_kle
from lovspor.settings import shared_dir


@pytest.fixture(scope="module")
def kle_file() -> Path:
    shared = shared_dir()
    if shared is None:
        pytest.skip("shared data folder not available")
    return shared / "impact" / "kle" / "kle-emneplan-social.xml"


def test_real_counts(kle_file: Path) -> None:
    plan = load_kle(kle_file)
    assert plan.published == "2025-05-01"
    assert plan.main_groups.keys() == {"15", "27", "34"}
    assert len(plan.groups) == 47
    assert len(plan.subjects) == 245
    assert len(plan.references) == 626  # 22 group + 604 subject references
    assert sum(len(g.references) for g in plan.groups) == 22
    assert sum(len(s.keywords) for s in plan.subjects) == 352
    assert plan.problems == ()
    kinds = Counter(r.kind for ref in plan.references for r in ref.refs)
    assert kinds == {RefKind.KEY: 290, RefKind.RANGE: 148, RefKind.LAW: 152, RefKind.CHAPTER: 36}
    laws = Counter(r.law for r in plan.references)
    assert laws["serviceloven"] == 114
    assert laws["barnets-lov"] == 102
    assert laws["beskaeftigelsesloven"] == 59
    assert laws[None] == 197  # BEKs, VEJs and other laws without a slug: kept with title


def test_real_subject_81a(kle_file: Path) -> None:
    plan = load_kle(kle_file.read_bytes())  # bytes work as well as a path
    s = plan.subject("27.00.00")
    assert s is not None and s.title == "Social service i almindelighed"
    ref = next(r for r in s.references if r.law == "serviceloven")
    assert ref.paragraph_text == "§ 81a"
    assert ref.anchor == "P81a"
    assert [r.start for r in ref.refs] == ["§ 81 a"]
    assert ref.source.file == "kle.xml"  # bytes have no file name
    assert s.facets == ("A50", "P05", "P08", "P15", "P16", "P22")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("§ 52, stk. 3, nr. 3", ["§ 52, stk. 3, nr. 3"]),
        ("§ 81a", ["§ 81 a"]),
        ("§§ 83-87", ["§ 83 – § 87"]),
        ("§ 148a-149", ["§ 148 a – § 149"]),
        ("§ 105a-b", ["§ 105 a – § 105 b"]),
        ("§ 12a, stk. 2-3", ["§ 12 a, stk. 2 – § 12 a, stk. 3"]),
        ("§ 11-14, stk. 1", ["§ 11 – § 14, stk. 1"]),
        ("§ 82, stk. 1, nr. 1-2", ["§ 82, stk. 1, nr. 1 – § 82, stk. 1, nr. 2"]),
        ("Kap. 24a", ["Kapitel 24 a"]),
        ("Kap. 11-14", ["Kapitel 11-14"]),
    ],
)
def test_paragraph_texts(text: str, expected: list[str]) -> None:
    refs, problem = parse_paragraph_text(text)
    assert problem is None
    assert [str(r) for r in refs] == expected


def test_anchor_and_slugs() -> None:
    assert str(parse_anchor("P83")) == "§ 83"
    assert str(parse_anchor("K11-14")) == "Kapitel 11-14"
    assert parse_anchor("X1") is None
    assert law_slug("Serviceloven") == "serviceloven"
    assert law_slug("lov om social service") == "serviceloven"
    assert law_slug("Lov om retssikkerhed og administration på det sociale område") == (
        "retssikkerhedsloven"
    )
    assert law_slug("Lov om en aktiv beskæftigelsesindsats") == "beskaeftigelsesloven"
    assert law_slug("LBK af barnets lov") == "barnets-lov"
    assert law_slug("BEK om noget", "A20250015529") == "serviceloven"
    assert law_slug("BEK om noget") is None


BAD = """<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan>
  <UdgivelsesDato>2025-05-01</UdgivelsesDato>
  <Hovedgruppe>
    <HovedgruppeNr>27</HovedgruppeNr>
    <HovedgruppeTitel>Social service</HovedgruppeTitel>
    <Gruppe>
      <GruppeNr>27.24</GruppeNr>
      <GruppeTitel>Børn</GruppeTitel>
      <Emne>
        <EmneNr>27.24.00</EmneNr>
        <EmneTitel>Børn i almindelighed</EmneTitel>
        <EmneRetskildeReference>
          <RetskildeTitel>Serviceloven</RetskildeTitel>
          <ParagrafEllerKapitel>§ 52, stk. 3</ParagrafEllerKapitel>
          <RetsinfoAccessionsNr>A20250015529</RetsinfoAccessionsNr>
          <RetsinfoURL>https://www.retsinformation.dk/eli/accn/A20250015529#P52</RetsinfoURL>
        </EmneRetskildeReference>
        <EmneRetskildeReference>
          <RetskildeTitel>Serviceloven</RetskildeTitel>
          <ParagrafEllerKapitel>hele afsnit V</ParagrafEllerKapitel>
          <RetsinfoURL>https://www.retsinformation.dk/eli/accn/A20250015529</RetsinfoURL>
        </EmneRetskildeReference>
        <EmneRetskildeReference>
          <RetsinfoURL>https://www.retsinformation.dk/eli/accn/X#P1</RetsinfoURL>
        </EmneRetskildeReference>
        <EmneRetskildeReference>
          <RetskildeTitel>Serviceloven</RetskildeTitel>
          <RetsinfoURL>https://www.retsinformation.dk/eli/accn/A20250015529#P83</RetsinfoURL>
        </EmneRetskildeReference>
        <EmneOgHandlingsfacetStikord><Orden>1</Orden><Tekst>x</Tekst></EmneOgHandlingsfacetStikord>
        <EmneOgHandlingsfacetStikord><Tekst>Afgørelse</Tekst><HandlingsfacetNr>G01</HandlingsfacetNr></EmneOgHandlingsfacetStikord>
      </Emne>
      <Emne><EmneNr>27.24</EmneNr><EmneTitel>forkert nummer</EmneTitel></Emne>
    </Gruppe>
  </Hovedgruppe>
</KLE-Emneplan>
"""


def test_malformed_elements() -> None:
    plan = load_kle(BAD.encode())
    assert [s.number for s in plan.subjects] == ["27.24.00"]
    s = plan.subjects[0]
    assert [str(r) for ref in s.references for r in ref.refs] == ["§ 52, stk. 3", "§ 83"]
    assert s.references[1].anchor == "P83"  # no paragraph text: the anchor is used
    assert s.facets == ("G01",)
    found = sorted((p.line, p.message) for p in plan.problems)
    assert [line for line, _ in found] == [19, 24, 31, 34]
    assert "cannot read paragraph text 'hele afsnit V'" in found[0][1]
    assert found[1][1] == "reference in 27.24.00 names no law"
    assert found[2][1] == "stikord in 27.24.00 without HandlingsfacetNr"
    assert found[3][1] == "Emne with bad EmneNr '27.24'"


def test_not_xml() -> None:
    plan = load_kle(b"<KLE-Emneplan><Hovedgruppe>")
    assert not plan.subjects
    assert plan.problems and plan.problems[0].message.startswith("not XML")

"""Hand-written LexDania fragments for each trap DESIGN.md names."""

from __future__ import annotations

import datetime as dt

import pytest

from lawdiff.model import DocKind, Level
from lawdiff.parse import ParseError, paragraph_number, parse_document

NBSP = "\u00a0"


def doc(body: str, doc_type: str = "LBK H#LOKDOK03", meta_extra: str = "") -> bytes:
    return f"""\ufeff<?xml version="1.0" encoding="utf-8"?>
<Dokument id="idX">
  <Meta>
    <DocumentType>{doc_type}</DocumentType>
    <AccessionNumber>A20160127029</AccessionNumber>
    <DocumentTitle>Bekendtgørelse af lov om social service</DocumentTitle>
    <Year>2016</Year><Number>1270</Number><DiesSigni>2016-10-24</DiesSigni>
    <Status>Valid</Status><Ministry>Social- og Indenrigsministeriet</Ministry>
    {meta_extra}
  </Meta>
  <DokumentIndhold>{body}</DokumentIndhold>
</Dokument>""".encode()


def line(text: str) -> str:
    return f"<Exitus><Linea><Char>{text}</Char></Linea></Exitus>"


PARA = f"""
<Kapitel><Explicatus>Kapitel{NBSP}1</Explicatus><Rubrica><Linea><Char>Formål</Char></Linea></Rubrica>
 <ParagrafGruppe><Rubrica><Linea><Char>Værdighed</Char></Linea></Rubrica>
  <Paragraf id="r1"><Explicatus>§{NBSP}81{NBSP}a.</Explicatus>
   <Stk>{line("Første stykke,")}
     <Exitus><Index>
       <Indentatio formaInd="Nummer"><Explicatus>1)</Explicatus>{line("nummer et,")}
         <Exitus><Index><Indentatio formaInd="Litra"><Explicatus>a)</Explicatus>{line("litra a")}</Indentatio></Index></Exitus>
       </Indentatio>
       <Indentatio formaInd="Nummer"><Explicatus>2)</Explicatus>{line("nummer to.")}</Indentatio>
     </Index></Exitus>
   </Stk>
   <Stk><Explicatus>Stk. 2.</Explicatus>{line("Andet stykke.")}<Exitus><Linea><Char>Med note</Char></Linea><Nota><Explicatus>1)</Explicatus>{line("En fodnote.")}</Nota></Exitus></Stk>
  </Paragraf>
 </ParagrafGruppe>
</Kapitel>"""


def test_keys_levels_and_own_text() -> None:
    d = parse_document(doc(PARA), "fixture")
    keys = [p.key for p in d.provisions]
    assert keys == [
        "§ 81 a",
        "§ 81 a, stk. 1",
        "§ 81 a, stk. 1, nr. 1",
        "§ 81 a, stk. 1, nr. 1, litra a",
        "§ 81 a, stk. 1, nr. 2",
        "§ 81 a, stk. 2",
    ]
    by = {p.key: p for p in d.provisions}
    assert by["§ 81 a, stk. 1"].text == "Første stykke,"  # children's text not repeated
    assert by["§ 81 a, stk. 1, nr. 1, litra a"].level is Level.LITRA
    assert by["§ 81 a, stk. 1, nr. 1, litra a"].parent == "§ 81 a, stk. 1, nr. 1"
    assert by["§ 81 a"].label == "§ 81 a."  # no-break spaces folded
    assert by["§ 81 a, stk. 2"].notes == ("1) En fodnote.",)
    assert by["§ 81 a, stk. 2"].text == "Andet stykke. Med note"
    assert by["§ 81 a"].chapter == "Kapitel 1 · Formål"
    assert by["§ 81 a"].heading == "Værdighed"
    assert [p.position for p in d.provisions] == sorted(p.position for p in d.provisions)


def test_meta_bom_literal_newline_and_later_changes() -> None:
    extra = r"""<PopularTitle>Serviceloven\n</PopularTitle>
      <AendresAf><Dokument><KortNavn>LOV nr 647 af 08/06/2016 </KortNavn></Dokument></AendresAf>
      <Change id="change_1" /><Ref_Accn REFid="change_1">A20160154330</Ref_Accn>
      <Ref_Af REFid="change_1">2016-12-13</Ref_Af><Ref_Text REFid="change_1">Lov om ændring</Ref_Text>"""
    d = parse_document(doc(PARA, meta_extra=extra), "fixture")
    m = d.meta
    assert (m.eli, m.doc_type, m.kind, m.year, m.number) == (
        "lta/2016/1270",
        "LBK",
        DocKind.CONSOLIDATED_ACT,
        2016,
        1270,
    )
    assert m.popular_title == "Serviceloven"
    assert m.signed == dt.date(2016, 10, 24)
    assert [(c.eli, c.date) for c in m.later_changes] == [
        ("lta/2016/1543", dt.date(2016, 12, 13)),
        ("lta/2016/647", dt.date(2016, 6, 8)),
    ]


def test_paragraph_inside_new_text_is_not_a_provision_of_the_amending_act() -> None:
    body = f"""<AendringCentreretParagraf><Explicatus>§ 1</Explicatus>
      {line("I lov om social service, jf. lovbekendtgørelse nr. 1284 af 17. november 2015, foretages følgende ændring:")}
      <AendringsNummer><Explicatus>1.</Explicatus><Aendring>
        <AendringDefinition><Exitus><Linea><Char>Efter </Char><Char signiChar="AendringURN">§ 81</Char><Char> indsættes:</Char></Linea></Exitus></AendringDefinition>
        <AendringAktion><AendringNyTekst><Paragraf localId="1"><Explicatus>§ 81 a.</Explicatus><Stk>{line("Ny tekst.")}</Stk></Paragraf></AendringNyTekst></AendringAktion>
      </Aendring></AendringsNummer>
    </AendringCentreretParagraf>
    <IkraftCentreretParagraf><Explicatus>§ 2</Explicatus><Stk>{line("Loven træder i kraft den 1. marts 2016.")}</Stk></IkraftCentreretParagraf>"""
    d = parse_document(doc(body, "LOV Æ#LOKDOK02"), "fixture")
    assert d.meta.kind is DocKind.AMENDING_ACT
    assert [p.key for p in d.provisions] == ["§ 1", "§ 2", "§ 2, stk. 1"]
    (sec,) = d.amending_sections
    (item,) = sec.items
    assert item.number == "1"
    assert item.definitions == ("Efter § 81 indsættes:",)
    assert item.targets == (("§ 81",),)
    assert [p.key for p in item.new_provisions[0]] == ["§ 81 a", "§ 81 a, stk. 1"]
    assert [p.key for p in d.in_force] == ["§ 2", "§ 2, stk. 1"]


@pytest.mark.parametrize(
    ("label", "number"),
    [("§ 81 a.", "81 a"), ("§81a", "81 a"), (f"§{NBSP}5.", "5"), ("§ 12 B.", "12 b"), ("x", None)],
)
def test_paragraph_number(label: str, number: str | None) -> None:
    assert paragraph_number(label) == number


def test_duplicate_keys_are_kept_apart() -> None:
    body = f"<Paragraf><Explicatus>§ 5.</Explicatus><Stk>{line('a')}</Stk></Paragraf>" * 2
    d = parse_document(doc(body), "fixture")
    keys = [p.key for p in d.provisions]
    assert len(keys) == len(set(keys)) == 4
    assert "§ 5 (2)" in keys


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty document"),
        (b"<html><body>Siden findes ikke</body></html>", "HTML page"),
        (b"<fejl>Siden findes ikke</fejl>", "not <Dokument>"),
        (doc(PARA)[:500], "not well-formed"),
        (b"<Dokument><Meta/></Dokument>", "DokumentIndhold"),
    ],
)
def test_not_a_document(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as exc:
        parse_document(data, "lta/2099/1")
    assert reason in str(exc.value)
    assert str(exc.value).startswith("lta/2099/1: ")

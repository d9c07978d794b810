"""Instruction forms found failing on the real consolidation pairs, each on a small case."""

from __future__ import annotations

from lawdiff.amend import Action, TargetKind, parse_definition, parse_targets
from lawdiff.model import Level, Provision


def test_renamed_target_then_a_new_paragraph_in_the_list() -> None:
    # LOV 2010/628 § 1, nr. 29: "§ 140, stk. 6" is a target of its own, not "§ 140 → stk. 6"
    got = parse_targets("§ 69, stk. 4, der bliver stk. 3, § 140, stk. 6, og § 159")
    assert [(t.key, t.new_key) for t in got] == [
        ("§ 69, stk. 4", "§ 69, stk. 3"),
        ("§ 140, stk. 6", None),
        ("§ 159", None),
    ]
    # siblings that are renamed each keep their own new number
    got = parse_targets("§ 5, stk. 7, der bliver stk. 8, stk. 8, der bliver stk. 9, og stk. 10")
    assert [(t.key, t.new_key) for t in got] == [
        ("§ 5, stk. 7", "§ 5, stk. 8"),
        ("§ 5, stk. 8", "§ 5, stk. 9"),
        ("§ 5, stk. 10", None),
    ]


def test_heading_and_the_paragraph_itself() -> None:
    (ins,) = parse_definition("Overskriften før § 49 og § 49 ophæves.")
    assert ins.action is Action.REPEAL
    assert [(t.key, t.kind) for t in ins.targets] == [
        ("§ 49", TargetKind.HEADING),
        ("§ 49", TargetKind.PROVISION),
    ]


def test_insert_before_a_quoted_heading_takes_the_new_text() -> None:
    new = (
        Provision("§ 123 d", Level.PARAGRAF, "123 d", "§ 123 d.", None, "", 1),
        Provision("§ 123 d, stk. 1", Level.STK, "1", "", "§ 123 d", "Kommunen kan …", 2),
    )
    (ins,) = parse_definition(
        "Efter § 123 c indsættes før overskriften »Voksne«:",
        new_text="Kommunen kan …",
        new_provisions=new,
    )
    assert ins.action is Action.INSERT and ins.position == "after"
    assert ins.new_text == "Kommunen kan …" and ins.new_keys == ("§ 123 d",)


def test_insert_after_a_punktum_is_a_punktum_even_if_printed_as_a_stk() -> None:
    # LAB 2011/710 → 2012/706: "I § 14, stk. 1, indsættes efter 1. pkt.:", new text set as a stk.
    printed = (Provision("stk. 1", Level.STK, "1", "", None, "Samtalen afholdes ved fremmøde.", 1),)
    (ins,) = parse_definition(
        "I § 14, stk. 1, indsættes efter 1. pkt.:",
        new_text="Samtalen afholdes ved fremmøde.",
        new_provisions=printed,
    )
    assert ins.action is Action.INSERT and ins.new_pkt == 2
    assert not ins.new_provisions and not ins.new_keys
    (last,) = parse_definition("I § 14, stk. 1, indsættes efter sidste pkt.:", new_text="Ny.")
    assert last.new_pkt == -1


# --- the new text and footnote marks as lawdiff.parse reads them ------------------------------

from lxml import etree  # noqa: E402

from lawdiff.parse import linea_text, parse_new_text  # noqa: E402


def test_superscript_footnote_mark_is_not_text() -> None:
    linea = etree.fromstring(
        '<Linea><Char>jf. § 90, stk. 1</Char><Char formaChar="Superscript">3)</Char>'
        "<Char>, kræves</Char></Linea>"
    )
    assert linea_text(linea) == "jf. § 90, stk. 1, kræves"


def test_new_stk_numbered_by_its_first_line() -> None:
    el = etree.fromstring(
        '<AendringNyTekst><Stk><Exitus><Linea><Char formaChar="Italic">Stk. 11.</Char></Linea>'
        "<Linea><Char>Retten består.</Char></Linea></Exitus></Stk></AendringNyTekst>"
    )
    (p,) = parse_new_text(el)
    assert (p.key, p.text) == ("stk. 11", "Retten består.")


def test_sibling_numbers_in_new_text_share_a_parent() -> None:
    el = etree.fromstring(
        "<AendringNyTekst>"
        '<Indentatio formaInd="Nummer"><Explicatus>1)</Explicatus>'
        "<Exitus><Linea><Char>fleksløntilskud,</Char></Linea></Exitus></Indentatio>"
        '<Indentatio formaInd="Nummer"><Explicatus>2)</Explicatus>'
        "<Exitus><Linea><Char>tilskud,</Char></Linea></Exitus></Indentatio>"
        "</AendringNyTekst>"
    )
    assert [p.key for p in parse_new_text(el)] == ["nr. 1", "nr. 2"]

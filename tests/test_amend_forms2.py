"""Instruction forms that stayed unparsed (issue #12 item 2), each on a real sentence.

The source of every sentence is named (amending act, §, item); the real-data tests read the
act from ../shared/retsinfo and skip without it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from lawdiff.amend import Action, AmendmentItem, TargetKind, parse_amending_act, parse_definition
from lawdiff.consolidate import apply_instructions
from lawdiff.model import Level, Provision
from lawdiff.parse import parse_document
from lovspor.settings import shared_dir


@cache
def _root() -> Path | None:
    base = shared_dir()
    root = base / "retsinfo" / "eli" if base else None
    return root if root and root.is_dir() else None


needs_data = pytest.mark.skipif(_root() is None, reason="../shared/retsinfo not available")


def _item(eli: str, section: str, number: str) -> AmendmentItem:
    root = _root()
    assert root is not None
    act = parse_amending_act(parse_document((root / eli / "xml").read_bytes(), eli))
    item = act.item(section, number)
    assert item is not None
    return item


def _kinds(ins: object) -> list[tuple[str, TargetKind]]:
    return [(t.key, t.kind) for t in ins.targets]  # type: ignore[attr-defined]


# --- 1. the law's title and its footnote ---------------------------------------------------


@needs_data
def test_title_rewritten_is_a_title_target() -> None:
    # lov nr. 624/2010 § 1, nr. 1 (børnefamilieydelse → børne- og ungeydelse)
    item = _item("lta/2010/624", "§ 1", "1")
    (ins,) = item.instructions
    assert ins.raw == "Lovens titel affattes således:"
    assert ins.action is Action.REWRITE
    assert _kinds(ins) == [("titel", TargetKind.TITLE)]
    assert ins.new_keys == () and ins.new_provisions == ()
    assert item.parsed


@needs_data
def test_title_rewritten_keeps_its_new_text() -> None:
    # lov nr. 1347/2012 § 1, nr. 1
    (ins,) = _item("lta/2012/1347", "§ 1", "1").instructions
    assert ins.action is Action.REWRITE and _kinds(ins) == [("titel", TargetKind.TITLE)]
    assert (ins.new_text or "").startswith("Lov om Arbejdsgivernes Uddannelsesbidrag")


@needs_data
def test_text_replaced_in_the_title() -> None:
    # lov nr. 1486/2014 § 5, nr. 1
    (ins,) = _item("lta/2014/1486", "§ 5", "1").instructions
    assert ins.action is Action.REPLACE_TEXT
    assert _kinds(ins) == [("titel", TargetKind.TITLE)]
    assert (ins.old_text, ins.new_text) == ("barselloven", "barselsloven")


@needs_data
def test_title_heading_a_list_of_provisions_is_its_own_instruction() -> None:
    # lov nr. 395/2016 § 19, nr. 1: the title and six provisions, one replacement
    title, provs = _item("lta/2016/395", "§ 19", "1").instructions
    assert title.index == provs.index == 0
    assert title.action is provs.action is Action.REPLACE_TEXT
    assert _kinds(title) == [("titel", TargetKind.TITLE)]
    assert [(t.key, t.pkt, t.kind) for t in provs.targets] == [
        ("§ 5, stk. 2", 1, TargetKind.PROVISION),
        ("§ 6, stk. 2", None, TargetKind.PROVISION),
        ("§ 8, stk. 2", None, TargetKind.PROVISION),
        ("§ 8, stk. 3", 1, TargetKind.PROVISION),
        ("§ 8, stk. 4", 1, TargetKind.PROVISION),
        ("§ 9, stk. 1", None, TargetKind.PROVISION),
    ]
    assert title.old_text == provs.old_text == "Arbejdsmarkedets Erhvervssygdomssikring"


def test_footnote_of_the_title_rewritten() -> None:
    # lov nr. 1360/2010 § 1, nr. 1 (new text printed as an unlabelled stk.)
    new = (Provision("stk. 1", Level.STK, "1", "", None, "Loven indeholder bestemmelser …", 1),)
    (ins,) = parse_definition(
        "Fodnoten til lovens titel affattes således:",
        new_text="Loven indeholder bestemmelser …",
        new_provisions=new,
    )
    assert ins.action is Action.REWRITE
    assert _kinds(ins) == [("titel, fodnote", TargetKind.FOOTNOTE)]
    assert ins.new_text == "Loven indeholder bestemmelser …"
    assert ins.new_provisions == () and ins.new_keys == ()


def test_footnote_forms() -> None:
    # lov nr. 1551/2010 § 1, nr. 1; corpus 2010-2013: "Fodnote 2 …", "Fodnoterne …",
    # "Lovens fodnote …" (lov nr. 1556/2010 § 1, nr. 1), "… ophæves"
    cases = {
        "Som fodnote til lovens titel indsættes:": (Action.INSERT, "titel, fodnote"),
        "Som fodnote nr. 2 til lovens titel indsættes:": (Action.INSERT, "titel, fodnote 2"),
        "Fodnote 2 til lovens titel affattes således:": (Action.REWRITE, "titel, fodnote 2"),
        "Fodnoterne til lovens titel affattes således:": (Action.REWRITE, "titel, fodnoter"),
        "Lovens fodnote affattes således:": (Action.REWRITE, "fodnote"),
        "Fodnoten til lovens titel ophæves.": (Action.REPEAL, "titel, fodnote"),
    }
    for sentence, (action, key) in cases.items():
        (ins,) = parse_definition(sentence, new_text="Loven gennemfører …")
        assert (ins.action, _kinds(ins)) == (action, [(key, TargetKind.FOOTNOTE)]), sentence
        if action is Action.INSERT:
            assert ins.position == "as" and ins.new_text == "Loven gennemfører …"


def test_text_edits_in_the_footnote() -> None:
    # corpus 2010-2013: "I fodnoten til lovens titel ændres »…« til: »…«, og efter »…«
    # indsættes: »…«" — the second clause stays in the footnote
    a, b = parse_definition(
        "I fodnoten til lovens titel ændres »og Rådets direktiv 2010/45/EU« til: "
        "»Rådets direktiv 2010/45/EU«, og efter »faktureringsreglerne« indsættes: », samt«."
    )
    assert (a.action, b.action) == (Action.REPLACE_TEXT, Action.INSERT_TEXT)
    assert _kinds(a) == _kinds(b) == [("titel, fodnote", TargetKind.FOOTNOTE)]
    (c,) = parse_definition("I fodnote 2 til lovens titel indsættes som 4. pkt.:", new_text="x")
    assert c.action is Action.INSERT and c.new_pkt == 4
    assert _kinds(c) == [("titel, fodnote 2", TargetKind.FOOTNOTE)]
    (d,) = parse_definition("I lovens titel indsættes efter »lønmodtagere«: »m.v.«")
    assert d.action is Action.INSERT_TEXT and _kinds(d) == [("titel", TargetKind.TITLE)]
    assert (d.anchor_text, d.new_text, d.position) == ("lønmodtagere", "m.v.", "after")


def test_footnote_numbered_the_wrong_way_stays_unparsed() -> None:
    (ins,) = parse_definition("Fodnoten 2 til lovens titel affattes således:", new_text="x")
    assert ins.action is Action.UNPARSED


def test_title_is_skipped_by_the_consolidator_and_its_provisions_applied() -> None:
    provs = (
        Provision("§ 5", Level.PARAGRAF, "5", "§ 5.", None, "", 1),
        Provision("§ 5, stk. 1", Level.STK, "1", "", "§ 5", "Arbejdsskadestyrelsen afgør.", 2),
    )
    ins = parse_definition(
        "I lovens titel og § 5, stk. 1, ændres »Arbejdsskadestyrelsen« til: "
        "»Arbejdsmarkedets Erhvervssikring«."
    )
    res = apply_instructions(provs, ins)
    assert [r.status for r in res.results] == ["skipped", "applied"]
    assert res.provisions[1].text == "Arbejdsmarkedets Erhvervssikring afgør."


# --- 2. headings ---------------------------------------------------------------------------


@needs_data
def test_heading_before_a_paragraph_is_never_the_paragraph() -> None:
    # lov nr. 1543/2016 § 2, nr. 8: the heading above § 57 is rewritten, § 57 stays
    item = _item("lta/2016/1543", "§ 2", "8")
    (ins,) = item.instructions
    assert ins.raw == "Overskriften før § 57 affattes således:"
    assert ins.action is Action.REWRITE
    assert _kinds(ins) == [("§ 57", TargetKind.HEADING)]
    assert ins.new_keys == () and ins.new_provisions == ()
    provs = (
        Provision("§ 57", Level.PARAGRAF, "57", "§ 57.", None, "", 1),
        Provision("§ 57, stk. 1", Level.STK, "1", "", "§ 57", "Uændret tekst.", 2),
    )
    res = apply_instructions(provs, [item])
    assert [r.status for r in res.results] == ["skipped"]
    assert [(p.key, p.text) for p in res.provisions] == [(p.key, p.text) for p in provs]


def test_heading_removed_and_replaced() -> None:
    # lov nr. 377/2012 § 1, nr. 7 and 11; lov nr. 584/2012 § 1, nr. 3: "udgår, og i stedet
    # indsættes" is "ophæves, og i stedet indsættes"
    cases = {
        "Overskriften til kapitel 5 udgår, og i stedet indsættes:": "kapitel 5",
        "Overskriften før § 31 udgår, og i stedet indsættes:": "§ 31",
        "Overskriften efter § 5 udgår, og i stedet indsættes:": "§ 5",
    }
    for sentence, key in cases.items():
        (ins,) = parse_definition(sentence, new_text="Ny overskrift")
        assert ins.action is Action.REPEAL_AND_INSERT, sentence
        assert _kinds(ins) == [(key, TargetKind.HEADING)], sentence


def test_punktum_removed_and_replaced() -> None:
    # lov nr. 579/2010 § 2, nr. 2; lov nr. 622/2010 § 1, nr. 6
    (ins,) = parse_definition("§ 32, stk. 1, 2. pkt., udgår, og i stedet indsættes:", new_text="x")
    assert ins.action is Action.REPEAL_AND_INSERT
    assert [(t.key, t.pkt, t.kind) for t in ins.targets] == [
        ("§ 32, stk. 1", 2, TargetKind.PROVISION)
    ]
    (ins,) = parse_definition("§ 9 b, stk. 1, 2.-5. pkt., udgår, og i stedet indsættes:", new_text="x")
    assert ins.action is Action.REPEAL_AND_INSERT
    assert [(t.key, t.pkt) for t in ins.targets] == [("§ 9 b, stk. 1", n) for n in (2, 3, 4, 5)]


def test_heading_of_a_repealed_paragraph_and_an_ordinal_chapter() -> None:
    # lov nr. 433/2012 § 1, nr. 35; lov nr. 633/2013 § 1, nr. 7
    (ins,) = parse_definition("Overskriften før § 45 A, der er ophævet, ophæves.")
    assert ins.action is Action.REPEAL and _kinds(ins) == [("§ 45 a", TargetKind.HEADING)]
    (ins,) = parse_definition("Overskriften til 24. kapitel affattes således:", new_text="x")
    assert ins.action is Action.REWRITE and _kinds(ins) == [("kapitel 24", TargetKind.HEADING)]


def test_list_of_headings() -> None:
    # lov nr. 433/2012 § 1, nr. 6; lov nr. 557/2012 § 1, nr. 9
    (ins,) = parse_definition(
        "I overskriften til kapitel 5, overskriften før § 19 og overskriften før § 20 ændres "
        "»Investeringsforeningsbeviser« til: »Investeringsbeviser«."
    )
    assert ins.action is Action.REPLACE_TEXT
    assert _kinds(ins) == [
        ("kapitel 5", TargetKind.HEADING),
        ("§ 19", TargetKind.HEADING),
        ("§ 20", TargetKind.HEADING),
    ]
    (ins,) = parse_definition(
        "I overskriften til kapitel 3, før § 10, før § 13 og til kapitel 14 ændres "
        "»investeringsforeninger« til: »danske UCITS«."
    )
    assert _kinds(ins) == [
        ("kapitel 3", TargetKind.HEADING),
        ("§ 10", TargetKind.HEADING),
        ("§ 13", TargetKind.HEADING),
        ("kapitel 14", TargetKind.HEADING),
    ]


def test_heading_then_provisions_is_two_instructions() -> None:
    # lov nr. 473/2013 § 1, nr. 9: was read as six headings ("§ 14, stk. 1" a heading)
    heads, provs = parse_definition(
        "I overskriften før § 14 og i § 14, stk. 1 og 3, § 16, stk. 2, § 19, stk. 3, og § 20, "
        "stk. 1, ændres »flygtninge og indvandrere« til: »tosprogede«."
    )
    assert heads.index == provs.index == 0
    assert heads.action is provs.action is Action.REPLACE_TEXT
    assert _kinds(heads) == [("§ 14", TargetKind.HEADING)]
    assert _kinds(provs) == [
        ("§ 14, stk. 1", TargetKind.PROVISION),
        ("§ 14, stk. 3", TargetKind.PROVISION),
        ("§ 16, stk. 2", TargetKind.PROVISION),
        ("§ 19, stk. 3", TargetKind.PROVISION),
        ("§ 20, stk. 1", TargetKind.PROVISION),
    ]
    # lov nr. 616/2013 § 1, nr. 191
    heads, provs = parse_definition(
        "I overskriften til kapitel 18 og i § 338, § 339, stk. 6, og § 340, stk. 3, ændres "
        "»alternativ markedsplads« til: »multilateral handelsfacilitet«."
    )
    assert _kinds(heads) == [("kapitel 18", TargetKind.HEADING)]
    assert [t.key for t in provs.targets] == ["§ 338", "§ 339, stk. 6", "§ 340, stk. 3"]


def test_heading_list_with_a_paragraph_in_it_stays_unparsed() -> None:
    # lov nr. 647/2013 § 20, nr. 1: "§§ 29 og 30" inside a heading list cannot be told apart from
    # headings by grammar alone
    (ins,) = parse_definition(
        "Overskriften før § 29, §§ 29 og 30, overskriften før § 31 og § 31 ophæves, og i "
        "stedet indsættes:",
        new_text="x",
    )
    assert ins.action is Action.UNPARSED


# --- 3. annexes ----------------------------------------------------------------------------


def test_part_of_an_annex_list_repealed_and_the_list_renumbered() -> None:
    # lov nr. 698/2010 § 39, nr. 1: two sentences of one item
    rep, ren = parse_definition("Bilag 1, liste A, nr. 32, ophæves.") + parse_definition(
        "Nr. 33 og 34 bliver herefter nr. 32 og 33.",
        base=parse_definition("Bilag 1, liste A, nr. 32, ophæves.")[0].targets,
        start_index=1,
    )
    assert rep.action is Action.REPEAL
    assert _kinds(rep) == [("bilag 1, liste A, nr. 32", TargetKind.ANNEX)]
    assert ren.action is Action.RENUMBER
    assert ren.renumber == (
        ("bilag 1, liste A, nr. 33", "bilag 1, liste A, nr. 32"),
        ("bilag 1, liste A, nr. 34", "bilag 1, liste A, nr. 33"),
    )
    assert all(t.kind is TargetKind.ANNEX for t in ren.targets)


def test_annex_numbers_are_never_bare_provision_keys() -> None:
    # lov nr. 1235/2012 § 3, nr. 1 ("Nr. 4 bliver herefter nr. 3." was keyed "nr. 4");
    # lov nr. 1251/2012 § 1, nr. 23 ("I bilag 1 indsættes efter nr. 16:" was "nr. 16")
    (rep,) = parse_definition("I bilag 1 ophæves nr. 3.")
    (ren,) = parse_definition("Nr. 4 bliver herefter nr. 3.", base=rep.targets, start_index=1)
    assert ren.renumber == (("bilag 1, nr. 4", "bilag 1, nr. 3"),)
    (ins,) = parse_definition("I bilag 1 indsættes efter nr. 16:", new_text="Eventuel …")
    assert ins.action is Action.INSERT and ins.position == "after"
    assert _kinds(ins) == [("bilag 1, nr. 16", TargetKind.ANNEX)]
    (ins,) = parse_definition("I bilag 1, liste A, indsættes som nr. 35:", new_text="x")
    assert _kinds(ins) == [("bilag 1, liste A", TargetKind.ANNEX)]
    assert ins.new_keys == ("bilag 1, liste A, nr. 35",)


def test_new_annexes() -> None:
    # lov nr. 424/2011 § 1, nr. 13; lov nr. 594/2012 § 1, nr. 27; lov nr. 447/2012 § 1,
    # nr. 4; lov nr. 428/2013 § 2, nr. 3
    (ins,) = parse_definition("Som bilag 2 indsættes:", new_text="Bilag 2 …")
    assert (ins.action, ins.position, ins.new_text) == (Action.INSERT, "as", "Bilag 2 …")
    assert _kinds(ins) == [("bilag 2", TargetKind.ANNEX)] and ins.new_keys == ("bilag 2",)
    (ins,) = parse_definition("Som bilag 1 til loven indsættes bilag 1 til denne lov.")
    assert _kinds(ins) == [("bilag 1", TargetKind.ANNEX)]
    assert ins.new_text == "bilag 1 til denne lov"
    (ins,) = parse_definition("Som bilag 1 og 2 indsættes bilag 1 og 2 til denne lov.")
    assert ins.new_keys == ("bilag 1", "bilag 2")
    (ins,) = parse_definition("Som bilag 5 indsættes bilag 1 til denne lov.")
    assert _kinds(ins) == [("bilag 5", TargetKind.ANNEX)]
    assert ins.new_text == "bilag 1 til denne lov"
    # without new text it stays unparsed
    (ins,) = parse_definition("Som bilag 2 indsættes:")
    assert ins.action is Action.UNPARSED


def test_annex_inserted_after_another() -> None:
    # lov nr. 625/2011 § 1, nr. 12 and 15; lov nr. 159/2011 § 1, nr. 8
    (ins,) = parse_definition("Efter bilag 3 indsættes som bilag 3 a:", new_text="Bilag 3 a …")
    assert (ins.action, ins.position) == (Action.INSERT, "after")
    assert _kinds(ins) == [("bilag 3", TargetKind.ANNEX)] and ins.new_keys == ("bilag 3 a",)
    (ins,) = parse_definition(
        "Efter bilag 1 indsættes bilag 2 og 3, der affattes som henholdsvis bilag 1 og bilag 2 "
        "til denne lov."
    )
    assert _kinds(ins) == [("bilag 1", TargetKind.ANNEX)]
    assert ins.new_keys == ("bilag 2", "bilag 3")
    assert ins.new_text == "bilag 1 og bilag 2 til denne lov"


def test_annex_lists_lettered_and_capital_annexes() -> None:
    # lov nr. 903/2013 § 3, nr. 19; lov nr. 1395/2012 § 2, nr. 4; lov nr. 465/2011 § 1, nr. 43
    (ins,) = parse_definition("Bilag 6 og 7 ophæves.")
    assert ins.action is Action.REPEAL
    assert _kinds(ins) == [("bilag 6", TargetKind.ANNEX), ("bilag 7", TargetKind.ANNEX)]
    (ins,) = parse_definition("Bilag 3 a affattes som bilag 2 til denne lov.")
    assert ins.action is Action.REWRITE and _kinds(ins) == [("bilag 3 a", TargetKind.ANNEX)]
    (ins,) = parse_definition("I bilag A ændres »§ 4, stk. 2, nr. 3« til: »§ 4, stk. 3, nr. 3«.")
    assert ins.action is Action.REPLACE_TEXT and _kinds(ins) == [("bilag A", TargetKind.ANNEX)]
    # a lower-case letter is no annex label; "i" after a number is the preposition
    (ins,) = parse_definition("I bilag a ændres »x« til: »y«.")
    assert ins.action is Action.UNPARSED
    (ins,) = parse_definition("I bilag 1 i afsnittet om kort, litra c, ændres »x« til: »y«.")
    assert ins.action is Action.UNPARSED
    (ins,) = parse_definition("I bilag 1 og 2, nr. 5, ændres »x« til: »y«.")
    assert ins.action is Action.UNPARSED


def test_annex_instructions_are_skipped_by_the_consolidator() -> None:
    provs = (
        Provision("§ 5", Level.PARAGRAF, "5", "§ 5.", None, "", 1),
        Provision("§ 5, stk. 1", Level.STK, "1", "", "§ 5", "Tekst.", 2),
    )
    rep = parse_definition("I bilag 1 ophæves nr. 3.")
    ren = parse_definition("Nr. 4 bliver herefter nr. 3.", base=rep[0].targets, start_index=1)
    new = parse_definition("Efter bilag 7 indsættes som bilag 8:", new_text="Bilag 8 …")
    res = apply_instructions(provs, [*rep, *ren, *new])
    assert [r.status for r in res.results] == ["skipped", "skipped", "skipped"]
    assert [(p.key, p.text) for p in res.provisions] == [(p.key, p.text) for p in provs]


# --- chapters in a list, and an insertion before a named heading ---------------------------


def test_chapters_and_paragraphs_in_one_list() -> None:
    # lov nr. 1606/2013 § 41, nr. 4; lov nr. 1554/2010 § 1, nr. 5
    (ins,) = parse_definition("Kapitel 2-5, §§ 10-12 og 14-21 og kapitel 7-11 ophæves.")
    assert ins.action is Action.REPEAL
    assert _kinds(ins) == (
        [(f"kapitel {n}", TargetKind.CHAPTER) for n in (2, 3, 4, 5)]
        + [(f"§ {n}", TargetKind.PROVISION) for n in (10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21)]
        + [(f"kapitel {n}", TargetKind.CHAPTER) for n in (7, 8, 9, 10, 11)]
    )
    (ins,) = parse_definition("§§ 7-9 og kapitel 3 ophæves, og i stedet indsættes:", new_text="x")
    assert ins.action is Action.REPEAL_AND_INSERT
    assert _kinds(ins) == [
        ("§ 7", TargetKind.PROVISION),
        ("§ 8", TargetKind.PROVISION),
        ("§ 9", TargetKind.PROVISION),
        ("kapitel 3", TargetKind.CHAPTER),
    ]
    # a chapter with a stk. is no grammar
    (ins,) = parse_definition("§ 5 og kapitel 3, stk. 2, ophæves.")
    assert ins.action is Action.UNPARSED


def test_insert_after_a_paragraph_and_before_a_named_heading() -> None:
    # lov nr. 579/2010 § 16, nr. 1: the quote names the heading, the new text is the item's
    new = (
        Provision("§ 14 a", Level.PARAGRAF, "14 a", "§ 14 a.", None, "", 1),
        Provision("§ 14 a, stk. 1", Level.STK, "1", "", "§ 14 a", "Banken indsamler …", 2),
    )
    (ins,) = parse_definition(
        "Efter § 14 og før overskriften »Bankens øvrige Virksomhed« indsættes:",
        new_text="Banken indsamler …",
        new_provisions=new,
    )
    assert (ins.action, ins.position) == (Action.INSERT, "after")
    assert _kinds(ins) == [("§ 14", TargetKind.PROVISION)]
    assert ins.new_keys == ("§ 14 a",)


def test_annex_replaced_by_the_acts_own_annexes() -> None:
    # lov nr. 535/2010 § 1, nr. 27
    (ins,) = parse_definition(
        "Lovens bilag 1 ophæves, og i stedet indsættes bilag 1-3, der affattes som bilag 1-3 "
        "til denne lov."
    )
    assert ins.action is Action.REPEAL_AND_INSERT
    assert _kinds(ins) == [("bilag 1", TargetKind.ANNEX)]
    assert ins.new_keys == ("bilag 1", "bilag 2", "bilag 3")
    assert ins.new_text == "bilag 1-3 til denne lov"
    provs = (Provision("§ 5", Level.PARAGRAF, "5", "§ 5.", None, "", 1),)
    assert [r.status for r in apply_instructions(provs, [ins]).results] == ["skipped"]

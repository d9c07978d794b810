"""Instruction parser: sentences it once read silently wrong (issue #12 item 1).

Each case is a real sentence of a Danish amending act (the ELI is named where it is in
../shared/retsinfo) with the exact action and target keys it must give; a sentence the grammar
cannot be sure of must stay UNPARSED rather than parse wrong.
"""

from __future__ import annotations

from pathlib import Path

from lawdiff.amend import Action, Instruction, TargetKind, parse_amending_act, parse_definition
from lawdiff.consolidate import apply_instructions
from lawdiff.model import Level, Provision
from lawdiff.parse import parse_document


def parse(sentence: str, **kw: object) -> list[Instruction]:
    got = parse_definition(sentence, **kw)  # type: ignore[arg-type]
    assert all(i.action is not Action.UNPARSED for i in got), got
    return got


def keys(ins: Instruction) -> list[str]:
    return [str(t) for t in ins.targets]


def act_item(retsinfo: Path, eli: str, section: str, number: str):
    act = parse_amending_act(parse_document((retsinfo / "eli" / eli / "xml").read_bytes(), eli))
    item = act.item(section, number)
    assert item is not None
    return item


# --- 1. "§ N i": a lettered paragraph, not "§ N" and the preposition ------------------------


def test_lettered_i_paragraph_rewritten() -> None:
    # lov nr. 628 af 14. juni 2011, § 1, nr. 15 (in ../shared/corpus, not in retsinfo)
    (i,) = parse("§ 96 i affattes således:", new_text="Ny tekst.")
    assert i.action is Action.REWRITE
    assert keys(i) == ["§ 96 i"]


def test_lettered_i_paragraph_with_stk() -> None:
    (i,) = parse("I § 475 i, stk. 1, ændres »x« til: »y«.")
    assert i.action is Action.REPLACE_TEXT
    assert keys(i) == ["§ 475 i, stk. 1"]


def test_lettered_i_paragraph_with_punktum_real_act(retsinfo: Path) -> None:
    # lov nr. 624 af 8. juni 2016, § 1, nr. 86
    (i,) = act_item(retsinfo, "lta/2016/624", "§ 1", "86").instructions
    assert i.raw == "I § 75 i, 2. pkt., udgår », der kan deles med 5, pr. uge«."
    assert i.action is Action.DELETE_TEXT
    assert keys(i) == ["§ 75 i, 2. pkt."]


def test_lettered_i_paragraph_insert_as_stk() -> None:
    # lov nr. 173 af 20. februar 2017, § 2, nr. 3
    (i,) = parse("I § 75 i indsættes som stk. 2:", new_text="Ny tekst.")
    assert (i.action, i.position) == (Action.INSERT, "as")
    assert keys(i) == ["§ 75 i"]
    assert i.new_keys == ("§ 75 i, stk. 2",)


def test_lettered_i_paragraph_heading_and_range() -> None:
    # lov nr. 1380 af 23. december 2012, § 3, nr. 19; lov nr. 1569 af 15. december 2015,
    # § 1, nr. 11
    (h,) = parse("Overskriften før § 74 i udgår.")
    assert h.action is Action.REPEAL
    assert [(t.key, t.kind) for t in h.targets] == [("§ 74 i", TargetKind.HEADING)]
    (r,) = parse("§§ 26 d-26 i ophæves.")
    assert r.action is Action.REPEAL
    assert keys(r) == ["§ 26 d", "§ 26 e", "§ 26 f", "§ 26 g", "§ 26 h", "§ 26 i"]


def test_i_before_a_law_name_stays_the_preposition() -> None:
    (i,) = parse_definition("I § 5 i lov om social service ændres »x« til: »y«.")
    assert i.action is Action.UNPARSED
    (j,) = parse("I § 5 i, 2. pkt., og i stk. 2 ændres »x« til: »y«.")
    assert keys(j) == ["§ 5 i, 2. pkt.", "§ 5 i, stk. 2"]


def test_litra_i_and_letter_ranges() -> None:
    # lov nr. 174 af 4. marts 2011, § 1, nr. 7, and lov nr. 1631 af 26. december 2013, § 15,
    # nr. 1-2 (in ../shared/corpus, not in retsinfo): "litra g-j" was litra g and j
    (i,) = parse("§ 7, stk. 1, litra g-j, ophæves, og i stedet indsættes:", new_text="g) x.")
    assert i.action is Action.REPEAL_AND_INSERT
    assert keys(i) == [f"§ 7, stk. 1, litra {c}" for c in "ghij"]
    (j,) = parse("I § 1, stk. 2, nr. 3, litra i, udgår »x«.")
    assert keys(j) == ["§ 1, stk. 2, nr. 3, litra i"]
    (r,) = parse("Litra j-p bliver herefter litra k-q.", base=j.targets)
    assert r.renumber[0] == ("§ 1, stk. 2, nr. 3, litra j", "§ 1, stk. 2, nr. 3, litra k")
    assert r.renumber[-1] == ("§ 1, stk. 2, nr. 3, litra p", "§ 1, stk. 2, nr. 3, litra q")
    assert len(r.renumber) == 7
    (k,) = parse("I § 5, nr. 3, litra h og i ændres »x« til: »y«.")
    assert keys(k) == ["§ 5, nr. 3, litra h", "§ 5, nr. 3, litra i"]


# --- 2. a clause naming no target acts on the latest one named, not the item's first ---------


def test_continuation_binds_to_the_last_named_punktum(retsinfo: Path) -> None:
    # lov nr. 895 af 4. juli 2013, § 1, nr. 11: »tilbud efter kapitel 10-12« is in 2. pkt.
    a, b, c = act_item(retsinfo, "lta/2013/895", "§ 1", "11").instructions
    assert (a.action, keys(a), a.old_text) == (
        Action.DELETE_TEXT,
        ["§ 10 a, stk. 1, 1. pkt."],
        "nr. 1-11,",
    )
    assert (b.action, keys(b), b.anchor_text) == (
        Action.INSERT_TEXT,
        ["§ 10 a, stk. 1, 2. pkt."],
        "rehabiliteringsplaner",
    )
    assert (c.action, keys(c), c.old_text, c.new_text) == (
        Action.REPLACE_TEXT,
        ["§ 10 a, stk. 1, 2. pkt."],
        "tilbud efter kapitel 10-12",
        "tilbud efter kapitel 9 b-12",
    )


def test_continuation_insert_binds_to_the_last_named_punktum(retsinfo: Path) -> None:
    # lov nr. 720 af 25. juni 2014, § 2, nr. 34: "…, i 4. pkt. indsættes efter »x«: »y«, og
    # efter »z« indsættes: »w«" – »z« is in 4. pkt.
    a, b, c = act_item(retsinfo, "lta/2014/720", "§ 2", "34").instructions
    assert [a.action, b.action, c.action] == [Action.INSERT_TEXT] * 3
    assert keys(a) == ["§ 70 f, stk. 5, 3. pkt."]
    assert (keys(b), b.anchor_text) == (["§ 70 f, stk. 5, 4. pkt."], "Syge- eller barseldagpengene")
    assert (keys(c), c.anchor_text, c.new_text) == (
        ["§ 70 f, stk. 5, 4. pkt."],
        "syge- eller barseldagpenge",
        "eller ressourceforløbsydelse",
    )


def test_continuation_replace_after_relative_punktum() -> None:
    a, b, c = parse(
        "I § 52 a, stk. 2, 1. pkt., ændres »a« til: »b«, og i 3. pkt. ændres »x« til: »y«, "
        "og »z« ændres til: »w«."
    )
    assert [keys(a), keys(b), keys(c)] == [
        ["§ 52 a, stk. 2, 1. pkt."],
        ["§ 52 a, stk. 2, 3. pkt."],
        ["§ 52 a, stk. 2, 3. pkt."],
    ]
    assert (c.action, c.old_text, c.new_text) == (Action.REPLACE_TEXT, "z", "w")


# --- 3. a count ("to steder i") multiplies the phrase it heads, not every target ------------


def occ(ins: Instruction) -> list[tuple[str, int | None]]:
    return [(str(t), t.occurrences) for t in ins.targets]


def test_count_heads_only_its_own_phrase(retsinfo: Path) -> None:
    # lov nr. 1000 af 30. august 2015, § 2, nr. 14: »§ 92« stands twice in § 93, 1. pkt., and
    # once in each of 3. and 4. pkt. (lovbekendtgørelse nr. 807 af 1. juli 2015)
    (i,) = act_item(retsinfo, "lta/2015/1000", "§ 2", "14").instructions
    assert i.raw.startswith("To steder i § 93, 1. pkt., og i § 93, 3. og 4. pkt., ændres »§ 92«")
    assert i.action is Action.REPLACE_TEXT
    assert occ(i) == [("§ 93, 1. pkt.", 2), ("§ 93, 3. pkt.", None), ("§ 93, 4. pkt.", None)]
    assert i.occurrences is None  # no count shared by every target to fall back on


def test_count_before_an_og_i_list() -> None:
    # lov nr. 1741 af 22. december 2015, § 4, nr. 2
    (i,) = parse(
        "To steder i § 20 og i § 21, stk. 4, ændres »social- og indenrigsministeren« til: "
        "»Ankestyrelsen«."
    )
    assert occ(i) == [("§ 20", 2), ("§ 21, stk. 4", None)]
    assert i.occurrences is None


def test_counts_of_several_phrases_stay_apart() -> None:
    # lov nr. 496 af 21. maj 2013, § 1, nr. 19
    (i,) = parse(
        "To steder i § 72, tre steder i § 74, i § 75, stk. 1, og § 168, stk. 2, ændres "
        "»§ 71, stk. 3 og 4,« til: »§ 71, stk. 3-5,«."
    )
    assert occ(i) == [("§ 72", 2), ("§ 74", 3), ("§ 75, stk. 1", None), ("§ 168, stk. 2", None)]
    assert i.occurrences is None


def test_count_of_a_single_phrase_still_applies() -> None:
    # lov nr. 1741 af 22. december 2015, § 7, nr. 7
    (i,) = parse("To steder i § 58 a, stk. 3, 1. pkt., der bliver stk. 4, 1. pkt., udgår »x«.")
    assert occ(i) == [("§ 58 a, stk. 3, 1. pkt. (bliver § 58 a, stk. 4)", 2)]
    assert i.occurrences == 2


# --- 4. a relative anchor under several targets is an insertion under each ------------------


def P(key: str, text: str = "") -> Provision:
    level = {"§": Level.PARAGRAF, "stk.": Level.STK}
    last = key.rsplit(", ", 1)[-1]
    parent = key.rsplit(", ", 1)[0] if ", " in key else None
    return Provision(key, level[last.split(" ")[0]], last.split(" ", 1)[1], "", parent, text, 0)


def test_insert_after_punktum_under_two_targets() -> None:
    # lov nr. 174 af 4. marts 2011, § 1, nr. 15 (in ../shared/corpus, not in retsinfo)
    a, b = parse("I § 9, stk. 2, og § 11, stk. 3, indsættes efter 4. pkt.:", new_text="Ny.")
    for ins, key in ((a, "§ 9, stk. 2, 4. pkt."), (b, "§ 11, stk. 3, 4. pkt.")):
        assert (ins.action, keys(ins), ins.position, ins.new_pkt) == (
            Action.INSERT,
            [key],
            "after",
            5,
        )
        assert ins.new_text == "Ny."
    # the consolidator applies both (it places an insertion by its first target)
    base = (
        P("§ 9"), P("§ 9, stk. 1", "A."), P("§ 9, stk. 2", "A. B. C. D. E."),
        P("§ 11"), P("§ 11, stk. 3", "F. G. H. I."),
    )  # fmt: skip
    res = apply_instructions(base, [a, b])
    assert not res.failed, res.failed
    got = {p.key: p.text for p in res.provisions}
    assert got["§ 9, stk. 2"] == "A. B. C. D. Ny. E."
    assert got["§ 11, stk. 3"] == "F. G. H. I. Ny."


def test_insert_as_under_several_targets() -> None:
    # lov nr. 174 af 4. marts 2011, § 1, nr. 17; lov nr. 1500 af 18. december 2013, § 1, nr. 7
    got = parse("I § 10, stk. 1, 2 og 4, indsættes som 5. pkt.:", new_text="Ny.")
    assert [(keys(i), i.position, i.new_pkt) for i in got] == [
        (["§ 10, stk. 1"], "as", 5),
        (["§ 10, stk. 2"], "as", 5),
        (["§ 10, stk. 4"], "as", 5),
    ]
    a, b = parse("I § 17, stk. 3 og 4, indsættes som nr. 3:", new_text="Ny.")
    assert [(keys(a), a.new_keys), (keys(b), b.new_keys)] == [
        (["§ 17, stk. 3"], ("§ 17, stk. 3, nr. 3",)),
        (["§ 17, stk. 4"], ("§ 17, stk. 4, nr. 3",)),
    ]
    c, d = parse("I § 9 og § 11 indsættes efter stk. 2 som nyt stk. 3:", new_text="Ny.")
    assert [(keys(c), c.new_keys), (keys(d), d.new_keys)] == [
        (["§ 9, stk. 2"], ("§ 9, stk. 3",)),
        (["§ 11, stk. 2"], ("§ 11, stk. 3",)),
    ]


# --- 5. a relative phrase continues the latest clause's target ------------------------------


def test_compound_repeal_delete_repeal() -> None:
    a, b, c = parse(
        "§ 348, stk. 3, 2. pkt., ophæves, og i stk. 4, 1. pkt., udgår »…«, og 2. pkt. ophæves."
    )
    assert (a.action, keys(a)) == (Action.REPEAL, ["§ 348, stk. 3, 2. pkt."])
    assert (b.action, keys(b), b.old_text) == (
        Action.DELETE_TEXT,
        ["§ 348, stk. 4, 1. pkt."],
        "…",
    )
    assert (c.action, keys(c)) == (Action.REPEAL, ["§ 348, stk. 4, 2. pkt."])


def test_relative_phrase_after_several_targets_stays_unparsed() -> None:
    # stk. 2 of § 5 or of § 7? Before, silently § 5, stk. 2
    (i,) = parse_definition("I § 5 og § 7 ændres »a« til: »b«, og i stk. 2 ændres »c« til: »d«.")
    assert i.action is Action.UNPARSED
    assert "continues several targets" in i.reason
    # an absolute target, or several targets that agree, still parse
    a, b = parse("I § 5 og § 7 ændres »a« til: »b«, og i § 8 ændres »c« til: »d«.")
    assert (keys(a), keys(b)) == (["§ 5", "§ 7"], ["§ 8"])
    a, b = parse(
        "I § 5, stk. 2, 1. og 3. pkt., ændres »a« til: »b«, og i stk. 4 ændres »c« til: »d«."
    )
    assert (keys(a), keys(b)) == (["§ 5, stk. 2, 1. pkt.", "§ 5, stk. 2, 3. pkt."], ["§ 5, stk. 4"])


# --- 6. a new number after a renumbered anchor follows the anchor's new number --------------


def test_new_number_after_an_anchor_that_names_its_new_number() -> None:
    # lov nr. 418 af 12. maj 2012, § 1, nr. 44 (in ../shared/corpus, not in retsinfo): nr. 17
    # became nr. 14 by nr. 39, and the item goes on "Nr. 18 og 19 bliver herefter nr. 16 og 17."
    (i,) = parse(
        "I § 9 h, stk. 1, indsættes efter nr. 17, der bliver nr. 14, som nyt nummer:",
        new_text="Ny.",
    )
    assert (i.action, keys(i), i.position) == (
        Action.INSERT,
        ["§ 9 h, stk. 1, nr. 17 (bliver § 9 h, stk. 1, nr. 14)"],
        "after",
    )
    assert i.new_keys == ("§ 9 h, stk. 1, nr. 15",)
    (j,) = parse("I § 5 indsættes før stk. 3, der bliver stk. 4, som nyt stykke:", new_text="Ny.")
    assert j.new_keys == ("§ 5, stk. 4",)


def test_insert_after_a_renumbered_anchor_consolidates_without_a_duplicate_key() -> None:
    base = (P("§ 5"), P("§ 5, stk. 1", "A."), P("§ 5, stk. 2", "B."),
            P("§ 5, stk. 3", "C."), P("§ 5, stk. 4", "D."))  # fmt: skip
    one = parse("I § 5 indsættes efter stk. 1 som nyt stykke:", item="1", new_text="N1.")
    one += parse("Stk. 2-4 bliver herefter stk. 3-5.", item="1", base=one[0].targets)
    two = parse(
        "I § 5 indsættes efter stk. 3, der bliver stk. 4, som nyt stykke:", item="2", new_text="N2."
    )
    assert two[0].new_keys == ("§ 5, stk. 5",)
    two += parse("Stk. 5 bliver herefter stk. 6.", item="2", base=two[0].targets)
    res = apply_instructions(base, one + two)
    assert not res.failed, res.failed
    assert [(p.key, p.text) for p in res.provisions] == [
        ("§ 5", ""),
        ("§ 5, stk. 1", "A."),
        ("§ 5, stk. 2", "N1."),
        ("§ 5, stk. 3", "B."),
        ("§ 5, stk. 4", "C."),
        ("§ 5, stk. 5", "N2."),
        ("§ 5, stk. 6", "D."),
    ]


def test_new_number_inside_a_later_stk_is_not_wrapped_in_stk_1(retsinfo: Path) -> None:
    # lov nr. 1610 af 26. december 2013, § 11, nr. 2: the new "5) …" comes in the XML's
    # unlabelled, empty Stk; it is nr. 5 of § 32, stk. 2, not a new § 32, stk. 1 holding nr. 5
    i, r = act_item(retsinfo, "lta/2013/1610", "§ 11", "2").instructions
    assert i.raw == "I § 32, stk. 2, indsættes efter nr. 4 som nyt nummer:"
    assert r.renumber[0] == ("§ 32, stk. 2, nr. 5", "§ 32, stk. 2, nr. 6")  # "Nr. 5-7 bliver …"
    assert (i.action, keys(i), i.position) == (Action.INSERT, ["§ 32, stk. 2, nr. 4"], "after")
    assert i.new_keys == ("§ 32, stk. 2, nr. 5",)
    assert [(p.key, p.parent) for p in i.new_provisions] == [
        ("§ 32, stk. 2, nr. 5", "§ 32, stk. 2")
    ]


def wrapped(*items: tuple[str, str]) -> tuple[Provision, ...]:
    """New text as the XML reader gives bare numbered items: inside an unlabelled empty Stk."""
    stk = Provision("stk. 1", Level.STK, "1", "", None, "", 0)
    nrs = [Provision(f"stk. 1, nr. {n}", Level.NR, n, f"{n})", "stk. 1", t, 0) for n, t in items]
    return (stk, *nrs)


def test_rewritten_nr_keeps_its_stk() -> None:
    # lov nr. 1382 af 28. december 2011, § 5, nr. 1 (in ../shared/corpus, not in retsinfo)
    (i,) = parse(
        "§ 49 A, stk. 2, nr. 10, affattes således:",
        new_text="10) Fri telefon.",
        new_provisions=wrapped(("10", "Fri telefon.")),
    )
    assert (i.action, keys(i)) == (Action.REWRITE, ["§ 49 a, stk. 2, nr. 10"])
    assert i.new_keys == ("§ 49 a, stk. 2, nr. 10",)
    assert [(p.key, p.parent) for p in i.new_provisions] == [
        ("§ 49 a, stk. 2, nr. 10", "§ 49 a, stk. 2")
    ]


def test_an_unlabelled_new_stk_of_its_own_level_stays() -> None:
    # a new stk. that is only a list is printed the same way: as a stk. it is new text
    (i,) = parse(
        "I § 5 indsættes som stk. 4:",
        new_text="1) a, 2) b.",
        new_provisions=wrapped(("1", "a,"), ("2", "b.")),
    )
    assert i.new_keys == ("§ 5, stk. 4",)
    assert [p.key for p in i.new_provisions] == [
        "§ 5, stk. 4",
        "§ 5, stk. 4, nr. 1",
        "§ 5, stk. 4, nr. 2",
    ]


# --- 6. a new § whose label the XML prints as bold words inside its first Stk -----------------
# (found by the hand-reviewed sample, tests/expected/instruction_sample.json)


def test_new_paragraph_label_in_the_text_makes_the_paragraph(retsinfo: Path) -> None:
    # lov nr. 431 af 28. april 2010, § 1, nr. 37: "Efter § 121 indsættes: § 121 a. Staten …"
    # was keyed "§ 121, stk. 1" (under the anchor) with no new key
    (i,) = act_item(retsinfo, "lta/2010/431", "§ 1", "37").instructions
    assert (i.raw, i.action, i.position, keys(i)) == (
        "Efter § 121 indsættes:",
        Action.INSERT,
        "after",
        ["§ 121"],
    )
    assert i.new_keys == ("§ 121 a",)
    assert [p.key for p in i.new_provisions] == ["§ 121 a", "§ 121 a, stk. 1"]
    assert i.new_provisions[1].text.startswith("Staten refunderer 50 pct.")


def test_rewritten_paragraph_label_in_the_text(retsinfo: Path) -> None:
    # lov nr. 431 af 28. april 2010, § 1, nr. 15: "§ 89 affattes således: § 89. Når …": the
    # label is no text of stk. 1
    (i,) = act_item(retsinfo, "lta/2010/431", "§ 1", "15").instructions
    assert (i.action, keys(i)) == (Action.REWRITE, ["§ 89"])
    assert i.new_keys == ("§ 89", "§ 89, stk. 1", "§ 89, stk. 2")
    assert not i.new_provisions[1].text.startswith("§")


def test_new_paragraph_label_in_the_text_corpus(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    # lov nr. 495 af 12. maj 2010, § 1, nr. 12 ("Efter § 15 c indsættes: § 15 d. …") and lov
    # nr. 474 af 7. maj 2010, § 3, nr. 1 ("Efter § 8 Æ indsættes: § 8 Ø. …"): both were keyed
    # as stykker of the anchor; lov nr. 534 af 26. maj 2010, § 1, nr. 3: § 90 b was lost and
    # only § 90 c (keyed by the reader) was new
    f495, f474, f534 = lta_corpus("lta/2010/495", "lta/2010/474", "lta/2010/534")
    got = []
    for f, eli, sec, nr in ((f495, "lta/2010/495", "§ 1", "12"), (f474, "lta/2010/474", "§ 3", "1"),
                            (f534, "lta/2010/534", "§ 1", "3")):
        item = parse_amending_act(parse_document(f.read_bytes(), eli)).item(sec, nr)
        assert item is not None
        (i,) = item.instructions
        got.append((keys(i), i.new_keys))
    assert got == [
        (["§ 15 c"], ("§ 15 d",)),
        (["§ 8 æ"], ("§ 8 ø",)),
        (["§ 90 a"], ("§ 90 b", "§ 90 c")),
    ]


def test_paragraph_words_in_a_stk_are_not_lifted_when_the_paragraph_is_keyed() -> None:
    # a stk. 1 that starts with "§ 7. …" while the reader keyed § 7 later stays as it is
    provs = (
        Provision("stk. 1", Level.STK, "1", "", None, "§ 7. Bla bla.", 1),
        Provision("§ 7", Level.PARAGRAF, "7", "§ 7.", None, "", 2),
        Provision("§ 7, stk. 1", Level.STK, "1", "", "§ 7", "Tekst.", 3),
    )
    (i,) = parse("I § 5 indsættes som stk. 4:", new_text="x", new_provisions=provs)
    assert i.new_keys == ("§ 5, stk. 4",)


# --- 7. new text the XML prints flat, or with a Stk outside its Paragraf --------------------


def test_stray_stk_after_a_new_paragraph_is_that_paragraphs(retsinfo: Path) -> None:
    # lov nr. 326 af 11. april 2012, § 3, nr. 3: "Efter § 9 a indsættes i kapitel 1: § 9 b.
    # … Stk. 2. …" – the XML closes the Paragraf before Stk. 2, which was keyed "§ 9 a, stk. 2"
    (i,) = act_item(retsinfo, "lta/2012/326", "§ 3", "3").instructions
    assert (i.action, i.position, keys(i), i.new_keys) == (
        Action.INSERT,
        "after",
        ["§ 9 a"],
        ("§ 9 b",),
    )
    assert [(p.key, p.parent) for p in i.new_provisions] == [
        ("§ 9 b", None),
        ("§ 9 b, stk. 1", "§ 9 b"),
        ("§ 9 b, stk. 2", "§ 9 b"),
    ]


def test_flat_new_paragraphs_nest_again(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    # lov nr. 717 af 25. juni 2010, § 1, nr. 3 ("Efter § 1 indsættes: § 1 a. … 1) … Stk. 2. …
    # § 1 b. … Stk. 2. …"): printed flat, the list was "§ 1, nr. 1-13" and § 1 b's stykker
    # "stk. 2 (2)"; lov nr. 544 af 26. maj 2010, § 1, nr. 18 ("§§ 9 og 10 affattes således"):
    # the stykker after § 10 were keyed as § 9's
    f717, f544 = lta_corpus("lta/2010/717", "lta/2010/544")
    item = parse_amending_act(parse_document(f717.read_bytes(), "lta/2010/717")).item("§ 1", "3")
    assert item is not None
    (i,) = item.instructions
    got = [p.key for p in i.new_provisions]
    assert i.new_keys == ("§ 1 a", "§ 1 b")
    assert got[:3] == ["§ 1 a", "§ 1 a, stk. 1", "§ 1 a, stk. 1, nr. 1"]
    assert "§ 1 a, stk. 1, nr. 13" in got and "§ 1 a, stk. 3" in got
    assert got[-4:] == ["§ 1 b, stk. 1", "§ 1 b, stk. 2", "§ 1 b, stk. 3", "§ 1 b, stk. 4"]
    assert not any("(" in k for k in got)
    item = parse_amending_act(parse_document(f544.read_bytes(), "lta/2010/544")).item("§ 1", "18")
    assert item is not None
    (r,) = item.instructions
    assert (r.action, keys(r)) == (Action.REWRITE, ["§ 9", "§ 10"])
    assert r.new_keys == ("§ 9", "§ 9, stk. 1", "§ 10", "§ 10, stk. 1", "§ 10, stk. 2", "§ 10, stk. 3")


def test_rewritten_punktum_is_text_not_a_provision(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    # lov nr. 622 af 14. juni 2011, § 3, nr. 3: "§ 63, stk. 2, 3. pkt., affattes således:" –
    # the reader's bare stk. around the sentence was keyed "§ 63, stk. 1"
    (f,) = lta_corpus("lta/2011/622")
    item = parse_amending_act(parse_document(f.read_bytes(), "lta/2011/622")).item("§ 3", "3")
    assert item is not None
    (i,) = item.instructions
    assert (i.action, keys(i), i.new_keys, i.new_provisions) == (
        Action.REWRITE,
        ["§ 63, stk. 2, 3. pkt."],
        (),
        (),
    )
    assert i.new_text and i.new_text.startswith("Er den begåede forbrydelse")

"""Instruction parser: one hand-written case per verb form of the Vejledning om lovkvalitet
(DESIGN.md "Amending-act instructions"), including the tail a 97 % parser must meet."""

from __future__ import annotations

import datetime as dt

import pytest

from lawdiff.amend import Action, TargetKind, parse_definition, parse_in_force, parse_targets
from lawdiff.model import Level, Provision


def one(sentence: str, **kw: object):
    got = parse_definition(sentence, **kw)  # type: ignore[arg-type]
    assert all(i.action is not Action.UNPARSED for i in got), got
    return got


def keys(ins) -> list[str]:
    return [str(t) for t in ins.targets]


def test_replace_text_with_punktum() -> None:
    (i,) = one("I § 16, stk. 1, 2. pkt., ændres »§ 17, stk. 3« til: »§ 16 a, stk. 5«.")
    assert i.action is Action.REPLACE_TEXT
    assert (i.targets[0].key, i.targets[0].pkt) == ("§ 16, stk. 1", 2)
    assert (i.old_text, i.new_text) == ("§ 17, stk. 3", "§ 16 a, stk. 5")


def test_quoted_text_first_form() -> None:
    (a, b) = one(
        "I § 75 a, stk. 2, ændres »x y« til: »z«, og »stk. 4 og 5« ændres til: »stk. 4-7«."
    )
    assert (a.old_text, a.new_text) == ("x y", "z")
    assert (b.action, b.old_text, b.new_text) == (Action.REPLACE_TEXT, "stk. 4 og 5", "stk. 4-7")
    assert keys(b) == ["§ 75 a, stk. 2"]


def test_target_list() -> None:
    (i,) = one(
        "I § 56, stk. 1, § 59, 1. og 2. pkt., § 59 d, stk. 5, og § 67, stk. 2, 1. pkt., "
        "ændres »Styrelseschefen« til: »Direktøren«."
    )
    assert keys(i) == [
        "§ 56, stk. 1",
        "§ 59, 1. pkt.",
        "§ 59, 2. pkt.",
        "§ 59 d, stk. 5",
        "§ 67, stk. 2, 1. pkt.",
    ]


def test_design_target_list_with_places() -> None:
    ts = parse_targets(
        "§ 5, stk. 2 og 3, § 7, stk. 1, nr. 2 og 3, og stk. 5, nr. 1, to steder i § 8 a, stk. 1"
    )
    assert ts is not None
    assert [t.key for t in ts] == [
        "§ 5, stk. 2", "§ 5, stk. 3", "§ 7, stk. 1, nr. 2", "§ 7, stk. 1, nr. 3", "§ 7, stk. 5, nr. 1", "§ 8 a, stk. 1",
    ]  # fmt: skip
    assert ts[-1].occurrences == 2 and ts[0].occurrences is None


def test_places_per_target() -> None:
    (i,) = one(
        "To steder i § 51, stk. 1, nr. 1, og et sted i § 55, stk. 2, nr. 6, ændres »a« til: »b«."
    )
    assert [(t.key, t.occurrences) for t in i.targets] == [
        ("§ 51, stk. 1, nr. 1", 2),
        ("§ 55, stk. 2, nr. 6", 1),
    ]


def test_overalt_i_loven_with_several_old_texts() -> None:
    got = one("Overalt i loven ændres »jobplan«, »Jobplan« og »jobplaner« til: »»Min Plan««.")
    assert [g.old_text for g in got] == ["jobplan", "Jobplan", "jobplaner"]
    assert got[0].new_text == "»Min Plan«"  # nested quotes survive
    assert got[0].targets[0].kind is TargetKind.LAW and got[0].targets[0].occurrences == 0


def test_delete_text() -> None:
    (i,) = one("I § 84, stk. 2, 1. pkt., og § 91 a, stk. 1, udgår », medmindre andet er fastsat,«.")
    assert i.action is Action.DELETE_TEXT and i.old_text == ", medmindre andet er fastsat,"
    assert keys(i) == ["§ 84, stk. 2, 1. pkt.", "§ 91 a, stk. 1"]


def test_insert_text_after_and_compound() -> None:
    a, b = one(
        "I § 55, stk. 4, indsættes efter »arbejdsmarkedsbidrag«: »under hele x«, og efter »y« indsættes: »z«."
    )
    assert (a.action, a.anchor_text, a.new_text, a.position) == (
        Action.INSERT_TEXT,
        "arbejdsmarkedsbidrag",
        "under hele x",
        "after",
    )
    assert (b.anchor_text, b.new_text, keys(b)) == ("y", "z", ["§ 55, stk. 4"])


def test_insert_after_paragraph_with_new_text() -> None:
    new = (
        Provision("§ 81 a", Level.PARAGRAF, "81 a", "§ 81 a.", None, "", 1),
        Provision("§ 81 a, stk. 1", Level.STK, "1", "", "§ 81 a", "A.", 2),
    )
    (i,) = one("Efter § 81 indsættes:", new_text="A.", new_provisions=new)
    assert (i.action, keys(i), i.position, i.new_keys) == (
        Action.INSERT,
        ["§ 81"],
        "after",
        ("§ 81 a",),
    )


def test_insert_as_new_stk_with_renumbering_clause() -> None:
    new = (Provision("stk. 4", Level.STK, "4", "Stk. 4.", None, "Ny.", 1),)
    (i,) = one("I § 13 indsættes efter stk. 3 som nyt stykke:", new_text="Ny.", new_provisions=new)
    assert (keys(i), i.position, i.new_keys) == (["§ 13, stk. 3"], "after", ("§ 13, stk. 4",))
    assert i.new_provisions[0].key == "§ 13, stk. 4"
    (r,) = one("Stk. 4-6 bliver herefter stk. 5-7.", base=i.targets)
    assert r.renumber == (
        ("§ 13, stk. 4", "§ 13, stk. 5"),
        ("§ 13, stk. 5", "§ 13, stk. 6"),
        ("§ 13, stk. 6", "§ 13, stk. 7"),
    )


def test_insert_as_punktum_and_typo() -> None:
    (i,) = one("I § 51, stk. 1, indsættes som 3. pkt.:", new_text="Ny sætning.")
    assert (i.action, keys(i), i.new_pkt) == (Action.INSERT, ["§ 51, stk. 1"], 3)
    (t,) = one("I § 9 indsætte som stk. 12:", new_text="Tekst.")  # "indsætte": a real typo
    assert t.new_keys == ("§ 9, stk. 12",)


def test_rewrite_and_heading() -> None:
    (i,) = one("§ 5, stk. 1, nr. 4, affattes således:", new_text="ny nr. 4")
    assert (i.action, keys(i), i.new_text) == (Action.REWRITE, ["§ 5, stk. 1, nr. 4"], "ny nr. 4")
    (h,) = one("Overskriften før § 57 affattes således:")
    assert h.targets[0].kind is TargetKind.HEADING and h.targets[0].key == "§ 57"


def test_repeal_and_repeal_and_insert() -> None:
    (i,) = one("§ 67 ophæves.")
    assert (i.action, keys(i)) == (Action.REPEAL, ["§ 67"])
    (j,) = one("I § 59 ophæves nr. 1-3, og i stedet indsættes:", new_text="x")
    assert (j.action, keys(j)) == (
        Action.REPEAL_AND_INSERT,
        ["§ 59, nr. 1", "§ 59, nr. 2", "§ 59, nr. 3"],
    )
    a, b = one("Overskriften før § 67 d udgår, og §§ 67 d-67 f ophæves.")
    assert a.targets[0].kind is TargetKind.HEADING
    assert b.action is Action.REPEAL and keys(b) == ["§ 67 d", "§ 67 e", "§ 67 f"]


def test_target_that_names_its_new_number() -> None:
    (i,) = one("I § 75 h, stk. 7, som bliver stk. 6, ophæves 2. pkt.")
    t = i.targets[0]
    assert (i.action, t.key, t.new_key, t.pkt) == (
        Action.REPEAL,
        "§ 75 h, stk. 7",
        "§ 75 h, stk. 6",
        2,
    )
    (j,) = one(
        "I § 59 b, stk. 7, der bliver stk. 8, stk. 8, der bliver stk. 9, og stk. 9, der bliver stk. 10, ændres »a« til: »b«."
    )
    assert [(t.key, t.new_key) for t in j.targets] == [
        ("§ 59 b, stk. 7", "§ 59 b, stk. 8"), ("§ 59 b, stk. 8", "§ 59 b, stk. 9"), ("§ 59 b, stk. 9", "§ 59 b, stk. 10"),
    ]  # fmt: skip


def test_compound_repeal_and_delete_with_relative_punktum() -> None:
    a, b = one("§ 137 f, stk. 2, 2. pkt., ophæves, og i 3. pkt., der bliver 2. pkt., udgår »og 2.«")
    assert (a.action, a.targets[0].pkt) == (Action.REPEAL, 2)
    assert (b.action, b.targets[0].key, b.targets[0].pkt, b.targets[0].new_pkt) == (
        Action.DELETE_TEXT,
        "§ 137 f, stk. 2",
        3,
        2,
    )


def test_annexes() -> None:
    (i,) = one("I bilag 1 ophæves nr. 5 og 6.")
    assert [t.key for t in i.targets] == ["bilag 1, nr. 5", "bilag 1, nr. 6"] and i.targets[
        0
    ].kind is TargetKind.ANNEX
    (j,) = one("Bilag 2-5 affattes som bilag 5 til denne lov.")
    assert j.action is Action.REWRITE and [t.key for t in j.targets] == [
        "bilag 2",
        "bilag 3",
        "bilag 4",
        "bilag 5",
    ]


def test_item_amending_another_amending_act() -> None:
    (i,) = one("I § 1, nr. 14, affattes § 137 m, stk. 3, således:", new_text="x", act_item=True)
    t = i.targets[0]
    assert (i.action, t.kind, t.key, t.inner) == (
        Action.REWRITE,
        TargetKind.ACT_ITEM,
        "§ 1, nr. 14",
        "§ 137 m, stk. 3",
    )


def test_quoted_numbered_text() -> None:
    (i,) = one("I § 5, stk. 2, ophæves »6) at yde hjælp,«.")
    assert (i.action, i.old_text) == (Action.DELETE_TEXT, "6) at yde hjælp,")


def test_new_chapter_and_paragraph() -> None:
    (i,) = one("Efter kapitel 9 a indsättes:".replace("ä", "æ"), new_text="Kapitel 9 b …")
    assert (i.action, i.targets[0].kind, i.targets[0].key) == (
        Action.INSERT,
        TargetKind.CHAPTER,
        "kapitel 9 a",
    )
    (j,) = one("Som § 23 indsættes:", new_text="§ 23. Tekst.")
    assert j.new_keys == ("§ 23",)


def test_not_understood_is_kept_with_reason() -> None:
    (i,) = parse_definition("Loven gælder også for Grønland.")
    assert i.action is Action.UNPARSED and i.reason and i.raw == "Loven gælder også for Grønland."


def _p(key: str, text: str) -> Provision:
    return Provision(key, Level.STK, key[-1], "", key.split(",")[0], text, 0)


def test_in_force_whole_partial_and_ministerial() -> None:
    default, specific, rules, unparsed = parse_in_force(
        [
            _p("§ 5, stk. 1", "Loven træder i kraft den 1. juli 2016, jf. dog stk. 2 og 3."),
            _p("§ 5, stk. 2", "§ 1, nr. 5 og 10-31, træder i kraft den 1. januar 2017."),
            _p(
                "§ 5, stk. 3",
                "Ministeren fastsætter tidspunktet for ikrafttræden af lovens § 1, nr. 48.",
            ),
        ]
    )
    assert default is not None and default.date == dt.date(2016, 7, 1)
    assert specific[("§ 1", "5")].date == dt.date(2017, 1, 1) and specific[
        ("§ 1", "31")
    ].date == dt.date(2017, 1, 1)
    assert specific[("§ 1", "48")].status == "ministerial" and specific[("§ 1", "48")].date is None
    assert ("§ 1", "6") not in specific and not unparsed and len(rules) == 3


@pytest.mark.parametrize(
    "sentence",
    [
        "Stk. 3-5 bliver herefter stk. 4-6.",
        "Nr. 7-10 bliver herefter nr. 6-9.",
        "Stk. 4-7 bliver til stk. 5-8.",
    ],
)
def test_renumbering_forms(sentence: str) -> None:
    (i,) = one(sentence, base=parse_targets("§ 9, stk. 1") or [])
    assert i.action is Action.RENUMBER and i.renumber

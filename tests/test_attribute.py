"""Attribution on hand-made changes: exact item, not-incorporated items, no act behind."""

from __future__ import annotations

import datetime as dt

from lawdiff.amend import (
    AmendedLawSection,
    AmendingAct,
    AmendmentItem,
    InForce,
    parse_definition,
)
from lawdiff.attribute import attribute, coverage, is_ministry_rename
from lawdiff.model import ActRef, ChangeKind, ItemRef, Level, ProvisionChange, RawAmendmentItem
from lawdiff.refs import AmendedLaw

TITLE = "lov om social service"


def _item(number: str, sentence: str) -> AmendmentItem:
    raw = RawAmendmentItem(number, (sentence,), ("",), ((),))
    return AmendmentItem(
        "§ 1", number, tuple(parse_definition(sentence, item=number)),
        InForce(dt.date(2017, 1, 1), "date", "Loven træder i kraft den 1. januar 2017."), raw,
    )  # fmt: skip


ACT = AmendingAct(
    "lta/2016/647",
    "lov nr. 647 af 8. juni 2016",
    "Lov om ændring af lov om social service",
    dt.date(2016, 6, 8),
    (
        AmendedLawSection(
            "§ 1",
            TITLE,
            AmendedLaw(TITLE, None),
            (
                _item("1", "I § 5, stk. 1, ændres »a« til: »b«."),
                _item("2", "§ 67 ophæves."),
                _item("5", "I § 9, stk. 2, ændres »c« til: »d«."),
            ),
        ),
    ),
    (),
    (),
)
REF = ActRef("lov", 647, dt.date(2016, 6, 8), "lta/2016/647", "lov nr. 647 af 8. juni 2016")


def ch(kind: ChangeKind, key: str, old: str = "x a", new: str = "x b") -> ProvisionChange:
    return ProvisionChange(kind, Level.STK, key, key, old, new)


def test_exact_item_with_act_and_in_force() -> None:
    (a,) = attribute([ch(ChangeKind.AMENDED, "§ 5, stk. 1")], [(REF, ACT)], law_title=TITLE)
    assert a.status == "attributed"
    (att,) = a.attributions
    assert (att.act_eli, att.act_label, att.section, att.item) == (
        "lta/2016/647",
        "lov nr. 647 af 8. juni 2016",
        "§ 1",
        "1",
    )
    assert att.in_force == dt.date(2017, 1, 1) and att.confidence == "exact"


def test_not_incorporated_items_are_never_attributed() -> None:
    only_1_2 = ActRef(REF.kind, REF.number, REF.date, REF.eli, REF.text, (ItemRef("§ 1", (1, 2)),))
    not_5 = ActRef(REF.kind, REF.number, REF.date, REF.eli, REF.text, (ItemRef("§ 1", (5,)),))
    (a,) = attribute([ch(ChangeKind.AMENDED, "§ 9, stk. 2")], [(only_1_2, ACT)], law_title=TITLE)
    assert a.status == "unattributed" and not a.attributions
    (b,) = attribute(
        [ch(ChangeKind.AMENDED, "§ 9, stk. 2")],
        [(REF, ACT)],
        law_title=TITLE,
        not_incorporated=[not_5],
    )
    assert b.status == "unattributed"


def test_paragraph_confidence_and_repeal() -> None:
    a, b = attribute(
        [
            ch(ChangeKind.AMENDED, "§ 5, stk. 3"),
            ch(ChangeKind.REPEALED, "§ 67, stk. 1", "tekst", ""),
        ],
        [(REF, ACT)],
        law_title=TITLE,
    )
    assert a.attributions[0].confidence == "paragraph" and a.attributions[0].item == "1"
    assert b.attributions[0].item == "2" and b.attributions[0].confidence == "exact"


def test_ministry_rename_is_reported_without_an_act() -> None:
    old = "Social- og integrationsministeren fastsætter regler."
    new = "Social-, børne- og integrationsministeren fastsætter regler."
    assert is_ministry_rename(old, new) and not is_ministry_rename(
        "Kommunen yder hjælp.", "Kommunen yder støtte."
    )
    (a,) = attribute([ch(ChangeKind.AMENDED, "§ 2, stk. 2", old, new)], [], law_title=TITLE)
    assert a.status == "no_act" and "ministr" in a.reason and not a.attributions
    assert coverage([a]) == 1.0


def test_sunset_clause_in_the_ikraft_notes() -> None:
    from lawdiff.attribute import sunset_clauses
    from lawdiff.model import TextBlock

    note = TextBlock(
        "ikraft",
        None,
        "Lov nr. 1540 af 20. december 2006 (Styrkede jobmuligheder) indeholder følgende "
        "ikrafttrædelsesbestemmelser: (Udeladt) §§ 67 a-67 c i lov om en aktiv "
        "beskæftigelsesindsats som affattet ved denne lovs § 2, nr. 1, ophæves den 1. januar "
        "2013. Aftaler indgået før er gyldige.",
    )
    law = "lov om en aktiv beskæftigelsesindsats"
    (sun,) = sunset_clauses([note], law, dt.date(2012, 6, 28), dt.date(2013, 4, 22))
    assert (sun.act_eli, sun.act_label, sun.keys, sun.date) == (
        "lta/2006/1540",
        "lov nr. 1540 af 20. december 2006",
        ("§ 67 a", "§ 67 b", "§ 67 c"),
        dt.date(2013, 1, 1),
    )
    assert not sunset_clauses([note], law, dt.date(2013, 1, 1))  # outside the window
    assert not sunset_clauses([note], "lov om social service")
    (a, b) = attribute(
        [
            ch(ChangeKind.REPEALED, "§ 67 b, stk. 2", "tekst", ""),
            ch(ChangeKind.AMENDED, "§ 5, stk. 9"),
        ],
        [],
        law_title=law,
        sunsets=[sun],
    )
    assert a.status == "attributed" and "1. januar 2013" in a.reason
    assert [(x.act_eli, x.section, x.item, x.confidence) for x in a.attributions] == [
        ("lta/2006/1540", "ikraft", None, "sunset")
    ]
    assert b.status == "no_act" and not b.attributions  # a sunset explains repeals only

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
ACTS = [(REF, ACT)]  # its items touch §§ 5, 9 and 67 only


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


# --- the consolidation's own editing (issue #12 item 4) -------------------------------------


def test_editorial_kinds_on_real_texts() -> None:
    from lawdiff.consolidate import editorial_kind

    # straffeloven, LBK 2010/1235 → 2011/1062, § 19, stk. 1 (no act names it)
    old = "Uagtsomhed straffes … kun, når det er særlig hjemlet."
    assert editorial_kind(old, old.replace("særlig", "særligt")) == "spelling"
    # lov om produktionsskoler, LBK 2010/887 → 2011/688, § 2, stk. 2
    assert editorial_kind("tilbudet omfatter", "tilbuddet omfatter") == "spelling"
    # lov om investeringsforeninger m.v., LBK 2012/935 → 2013/333, § 5, stk. 1 (in part)
    assert editorial_kind("udover de i stk. 1", "ud over de i stk. 1") == "spelling"
    # lov om offentlige forskningsinstitutioners kommercielle aktiviteter, § 4, stk. 9: a
    # six-word title renamed around an unchanged "og"
    assert (
        editorial_kind(
            "Ministeren for videnskab, teknologi og udvikling kan med de bevilgende",
            "Ministeren for forskning, innovation og videregående uddannelser kan med de "
            "bevilgende",
        )
        == "ministry"
    )
    # changes of the law itself are never editorial
    assert editorial_kind("senest 5 dage efter", "senest 5 arbejdsdage efter") is None
    assert editorial_kind("jf. stk. 6", "jf. stk. 7") is None
    assert editorial_kind("regler for betalingen", "regler på betalingen") is None
    assert editorial_kind("stk.76. gælder", "stk.7. gælder") is None  # a number
    assert editorial_kind("", "Social- og integrationsministeren fastsætter regler.") is None


def test_placeholders_and_omitted_text() -> None:
    from lawdiff.consolidate import is_omitted, is_placeholder

    for text in ("Ophævet.", "(Ophævet)", ". (ophævet)", "(Ophæves).", "(Udeladt)",
                 "(Udelades)", "(Vedrører ændringer i anden lovgivning; udeladt)"):
        assert is_placeholder(text), text
    assert is_omitted("(Udeladt)") and not is_omitted("(Ophævet)")
    assert not is_placeholder("Ophævet ved lov nr. 1 af 1. januar 2010 er § 3.")


def test_new_provision_naming_a_minister_is_not_a_rename() -> None:
    """Before: any inserted stk. near the word "minister" passed as a ministry rename."""
    (a,) = attribute(
        [ch(ChangeKind.INSERTED, "§ 2, stk. 3", "", "Socialministeren fastsætter regler.")],
        [],
        law_title=TITLE,
    )
    assert a.status == "no_act" and "incorporates no amending act" in a.reason
    (b,) = attribute(
        [ch(ChangeKind.INSERTED, "§ 2, stk. 3", "", "Socialministeren fastsætter regler.")],
        ACTS,
        law_title=TITLE,
    )
    assert b.status == "unattributed"


def test_placeholder_reprinted_and_text_left_out() -> None:
    # barselloven, LBK 2012/1070 → 2013/872, § 43, stk. 1: "Ophævet." → "(Ophævet)"
    (a,) = attribute([ch(ChangeKind.REPEALED, "§ 43, stk. 1", "Ophævet.", "(Ophævet)")], ACTS,
                     law_title=TITLE)
    assert a.status == "no_act" and "placeholder" in a.reason
    # gymnasieloven, LBK 2010/860 → 2013/1076, § 48, stk. 3: a spent in-force rule left out
    (b,) = attribute(
        [ch(ChangeKind.AMENDED, "§ 48, stk. 3",
            "Lovens kapitel 2 om optagelse træder i kraft den 1. januar 2005.", "(Udeladt)")],
        ACTS,
        law_title=TITLE,
    )
    assert b.status == "no_act" and "left out" in b.reason


def test_markup_only_moves_are_not_law_changes(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """kursgevinstloven LBK 2012/1121 → 2013/1113: § 4, stk. 2's list and its closing
    sentence are split over two <Stk> in one version and one in the other; the words of § 4
    are the same, no act touches § 4."""
    from lawdiff.diff import diff_versions
    from lawdiff.parse import parse_document

    old_p, new_p = lta_corpus("lta/2012/1121", "lta/2013/1113")
    old = parse_document(old_p.read_bytes(), "lta/2012/1121")
    new = parse_document(new_p.read_bytes(), "lta/2013/1113")
    changes = [c for c in diff_versions(old.provisions, new.provisions)
               if c.key.startswith("§ 4,")]
    assert len(changes) >= 5
    res = attribute(changes, ACTS, law_title=TITLE)
    assert {a.status for a in res} == {"no_act"}
    assert all("markup" in a.reason for a in res)


def test_a_main_act_repeals_the_old_laws_paragraphs(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """LBK 2013/334 (lov om etablering af den selvejende institution Udbetaling Danmark)
    incorporates "§ 33 i lov nr. 324 af 11. april 2012": the new main act lov om Udbetaling
    Danmark, whose in-force § says "§§ 2-7, 11 og 12 i lov nr. 1594 af 22. december 2010 om
    etablering af … ophæves den 1. oktober 2012" and "§ 15 i lov nr. 1594 … ophæves den 15.
    april 2012" (its §§ amend no law item by item)."""
    from lawdiff.attribute import act_repeals, repeals_for
    from lawdiff.diff import diff_versions
    from lawdiff.parse import parse_document

    old_p, new_p, act_p = lta_corpus("lta/2010/1594", "lta/2013/334", "lta/2012/324")
    old = parse_document(old_p.read_bytes(), "lta/2010/1594")
    new = parse_document(new_p.read_bytes(), "lta/2013/334")
    act = parse_document(act_p.read_bytes(), "lta/2012/324")
    assert not act.amending_sections
    repeals = act_repeals(act.provisions, "lta/2012/324", "lov nr. 324 af 11. april 2012")
    assert [(r.sunset.keys, r.sunset.date, r.law_elis) for r in repeals] == [
        (("§ 2", "§ 3", "§ 4", "§ 5", "§ 6", "§ 7", "§ 11", "§ 12"), dt.date(2012, 10, 1),
         ("lta/2010/1594",)),
        (("§ 15",), dt.date(2012, 4, 15), ("lta/2010/1594",)),
    ]
    title = "lov om etablering af den selvejende institution udbetaling danmark"
    # by the cited version, and by the title alone
    assert repeals_for(repeals, None, ["lta/2010/1594"], new.meta.signed)
    assert repeals_for(repeals, title, [], new.meta.signed)
    assert not repeals_for(repeals, "lov om social service", ["lta/2016/1270"], new.meta.signed)
    sunsets = repeals_for(repeals, title, ["lta/2010/1594"], new.meta.signed)
    changes = diff_versions(old.provisions, new.provisions)
    res = attribute(changes, [], law_title=title, sunsets=sunsets)
    gone = [a for a in res if a.change.kind is ChangeKind.REPEALED
            and a.change.key.split(",")[0] in ("§ 4", "§ 5", "§ 12", "§ 15")]
    assert len(gone) >= 10
    assert all(a.status == "attributed" and a.attributions[0].act_eli == "lta/2012/324"
               and a.attributions[0].confidence == "sunset" for a in gone)


def test_paragraphs_left_out_of_the_consolidation(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """godtgørelsesloven, LOV 2010/639 → LBK 2012/860: the main act's §§ 23-27 amended other
    laws ("I lov om Arbejdsgivernes Elevrefusion, …, foretages følgende ændringer:"); the
    LBK prints § 22 as "(Vedrører ændringer i anden lovgivning; udeladt)" and leaves §§ 23-27
    out. hf-loven, LBK 2010/862 → 2013/1075: § 43, stk. 2 becomes "(Udeladt)" and the spent
    transitional stk. 3-7 are left out."""
    from lawdiff.diff import diff_versions
    from lawdiff.parse import parse_document

    def pair(a: str, b: str):  # type: ignore[no-untyped-def]
        pa, pb = lta_corpus(a, b)
        return diff_versions(parse_document(pa.read_bytes(), a).provisions,
                             parse_document(pb.read_bytes(), b).provisions)

    res = attribute(pair("lta/2010/639", "lta/2012/860"), ACTS, law_title=TITLE)
    gone = [a for a in res if a.change.kind is ChangeKind.REPEALED
            and a.change.key.split(",")[0] in ("§ 23", "§ 24", "§ 25", "§ 26", "§ 27")]
    assert len(gone) >= 10
    assert all(a.status == "no_act" and "amended another law" in a.reason for a in gone)
    res = attribute(pair("lta/2010/862", "lta/2013/1075"), ACTS, law_title=TITLE)
    s43 = {a.change.key: a for a in res if a.change.key.startswith("§ 43, stk.")}
    assert "left out" in s43["§ 43, stk. 2"].reason
    for n in (3, 4, 5, 6, 7):
        a = s43[f"§ 43, stk. {n}"]
        assert a.change.kind is ChangeKind.REPEALED and a.status == "no_act"
        assert "(Udeladt)" in a.reason


def test_a_rewritten_chapter_touches_its_paragraphs(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """almenboligloven, LBK 2011/103 → 2011/884: lov nr. 628 af 11. juni 2011, § 1, nr. 8
    "Kapitel 5 a affattes således:" replaces the chapter, so the old §§ 75 n-75 q, which
    the new chapter no longer has, are that item's doing."""
    from lawdiff.amend import parse_amending_act
    from lawdiff.diff import diff_versions
    from lawdiff.parse import parse_document

    old_p, new_p, act_p = lta_corpus("lta/2011/103", "lta/2011/884", "lta/2011/628")
    old = parse_document(old_p.read_bytes(), "lta/2011/103")
    new = parse_document(new_p.read_bytes(), "lta/2011/884")
    act = parse_amending_act(parse_document(act_p.read_bytes(), "lta/2011/628"))
    assert new.intro is not None
    (ref,) = [r for r in new.intro.incorporated if r.eli == "lta/2011/628"]
    changes = [c for c in diff_versions(old.provisions, new.provisions)
               if c.kind is ChangeKind.REPEALED and c.key.split(",")[0] in ("§ 75 n", "§ 75 o")]
    assert len(changes) >= 5
    res = attribute(changes, [(ref, act)], base=old.provisions,
                    law_title="lov om almene boliger m.v.")
    assert all(a.status == "attributed" for a in res)
    assert {(x.act_eli, x.item) for a in res for x in a.attributions} == {("lta/2011/628", "8")}

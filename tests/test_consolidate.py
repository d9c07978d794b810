"""Consolidation ahead on hand-made provisions: each verb applied as an LBK would print it."""

from __future__ import annotations

from lawdiff.amend import parse_definition
from lawdiff.consolidate import REPEALED, apply_instructions, check_against, sentences
from lawdiff.model import Level, Provision


def P(key: str, text: str = "") -> Provision:
    last = key.rsplit(", ", 1)[-1]
    level = {"§": Level.PARAGRAF, "stk.": Level.STK, "nr.": Level.NR}[last.split(" ")[0]]
    parent = key.rsplit(", ", 1)[0] if ", " in key else None
    return Provision(key, level, last.split(" ", 1)[1], "", parent, text, 0)


BASE = (
    P("§ 5"),
    P("§ 5, stk. 1", "Kommunen yder hjælp. Hjælpen gives efter § 6. Dog ikke efter § 7."),
    P("§ 5, stk. 2", "Ministeren fastsætter regler."),
    P("§ 5, stk. 3", "Stk. 2 gælder også børn."),
    P("§ 6"),
    P("§ 6, stk. 1", "Regler om:"),
    P("§ 6, stk. 1, nr. 1", "ansøgning,"),
    P("§ 6, stk. 1, nr. 2", "klage."),
)


def apply(*sentences_and_texts: tuple[str, str]) -> dict[str, str]:
    """One item per sentence; a renumbering sentence belongs to the item before it."""
    ins: list = []
    n = 0
    for sentence, new_text in sentences_and_texts:
        if "bliver herefter" in sentence:
            ins.extend(parse_definition(sentence, item=str(n), base=ins[-1].targets))
            continue
        n += 1
        ins.extend(parse_definition(sentence, item=str(n), new_text=new_text))
    res = apply_instructions(BASE, ins, acts=["lov nr. 1 af 1. januar 2020"])
    assert not res.failed, res.failed
    assert "unofficial" in res.label and "lov nr. 1 af 1. januar 2020" in res.label
    return {p.key: p.text for p in res.provisions}


def test_sentences_split_on_punktum_not_abbreviation() -> None:
    assert sentences("Efter stk. 2. Dette gælder jf. § 5. Nyt punktum.") == [
        "Efter stk. 2.", "Dette gælder jf. § 5.", "Nyt punktum.",
    ]  # fmt: skip


def test_replace_in_punktum_and_delete() -> None:
    out = apply(
        ("I § 5, stk. 1, 2. pkt., ændres »§ 6« til: »§ 6 a«.", ""),
        ("I § 5, stk. 2, udgår »regler«.", ""),
    )
    assert (
        out["§ 5, stk. 1"] == "Kommunen yder hjælp. Hjælpen gives efter § 6 a. Dog ikke efter § 7."
    )
    assert out["§ 5, stk. 2"] == "Ministeren fastsætter."


def test_insert_text_never_inside_a_word() -> None:
    out = apply(("I § 5, stk. 1, indsættes efter »hjælp«: »og støtte«.", ""))
    assert out["§ 5, stk. 1"].startswith("Kommunen yder hjælp og støtte. Hjælpen gives")


def test_insert_stk_with_renumbering_and_repeal_paragraph() -> None:
    out = apply(
        ("I § 5 indsættes efter stk. 1 som nyt stykke:", "Ny stk. 2."),
        ("Stk. 2 og 3 bliver herefter stk. 3 og 4.", ""),
        ("§ 6 ophæves.", ""),
    )
    assert [k for k in out if k.startswith("§ 5, ")] == [
        "§ 5, stk. 1",
        "§ 5, stk. 2",
        "§ 5, stk. 3",
        "§ 5, stk. 4",
    ]
    assert (
        out["§ 5, stk. 2"] == "Ny stk. 2." and out["§ 5, stk. 3"] == "Ministeren fastsætter regler."
    )
    assert out["§ 6, stk. 1"] == REPEALED and "§ 6, stk. 1, nr. 1" not in out


def test_repeal_punktum_insert_punktum_and_rewrite_nr() -> None:
    out = apply(
        ("§ 5, stk. 1, 3. pkt., ophæves.", ""),
        ("I § 5, stk. 1, indsættes som 2. pkt.:", "Indsat."),
        ("§ 6, stk. 1, nr. 2, affattes således:", "klage og genoptagelse."),
    )
    assert out["§ 5, stk. 1"] == "Kommunen yder hjælp. Indsat. Hjælpen gives efter § 6."
    assert out["§ 6, stk. 1, nr. 2"] == "klage og genoptagelse."


def test_failure_is_reported_not_raised() -> None:
    ins = parse_definition("I § 5, stk. 2, ændres »findes ikke« til: »x«.")
    res = apply_instructions(BASE, ins)
    (r,) = res.results
    assert r.status == "failed" and "not found" in r.reason
    assert [p.text for p in res.provisions] == [p.text for p in BASE]


def test_check_against_reports_difference() -> None:
    actual = [*BASE[:2], P("§ 5, stk. 2", "Ministeren fastsætter nærmere regler."), *BASE[3:]]
    rep = check_against(BASE, actual, base=BASE)
    assert rep.changed == ("§ 5, stk. 2",) and rep.changed_identical == ()
    (row,) = rep.problems()
    assert row.status == "different" and "{+nærmere+}" in row.difference

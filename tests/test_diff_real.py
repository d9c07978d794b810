"""The differ on real serviceloven versions (LBK 2015/1284 → 2016/1270), checked by hand
against the XML of both versions and of the amending act lov nr. 1894 af 29/12/2015."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawdiff.diff import apply_changes, diff_versions, revert_changes, summary
from lawdiff.model import ChangeKind, LawDocument
from lawdiff.parse import parse_document
from lawdiff.tokens import new_text, old_text


@pytest.fixture(scope="module")
def pair(retsinfo: Path) -> tuple[LawDocument, LawDocument]:
    def load(eli: str) -> LawDocument:
        return parse_document((retsinfo / "eli" / eli / "xml").read_bytes(), eli)

    return load("lta/2015/1284"), load("lta/2016/1270")


@pytest.fixture(scope="module")
def changes(pair):  # type: ignore[no-untyped-def]
    return diff_versions(pair[0].provisions, pair[1].provisions)


def by_key(changes, key):  # type: ignore[no-untyped-def]
    return [c for c in changes if c.key == key or c.old_key == key]


def test_inserted_paragraphs(changes) -> None:  # type: ignore[no-untyped-def]
    inserted_paras = {
        c.new_key for c in changes if c.kind is ChangeKind.INSERTED and c.level.value == "paragraf"
    }
    assert inserted_paras == {"§ 12 b", "§ 32 a", "§ 81 a"}
    a81 = [c for c in changes if c.paragraph_key == "§ 81 a"]
    assert [c.new_key for c in a81] == ["§ 81 a", "§ 81 a, stk. 1", "§ 81 a, stk. 2"]
    assert a81[1].new_text.startswith(
        "Kommunalbestyrelsen skal i et møde træffe beslutning om samt offentliggøre en "
        "værdighedspolitik"
    )
    assert a81[2].new_text == (
        "Sundheds- og ældreministeren fastsætter nærmere regler om kommunalbestyrelsens "
        "forpligtelser efter stk. 1."
    )


def test_every_change_found_and_classified(pair, changes) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    # Nothing is lost: the changes turn one version into the other, texts via the word ops.
    assert apply_changes(a.provisions, changes) == {p.key: p.text for p in b.provisions}
    assert revert_changes(b.provisions, changes) == {p.key: p.text for p in a.provisions}
    assert all(isinstance(c.kind, ChangeKind) for c in changes)
    s = summary(changes)
    assert s == {"inserted": 28, "repealed": 12, "amended": 18, "renumbered": 16}
    changed_paras = {c.paragraph_key for c in changes}
    assert len(changed_paras) == 25  # the §§ listed in the reviewed redline


def test_hand_checked_amendments(changes) -> None:  # type: ignore[no-untyped-def]
    (c,) = by_key(changes, "§ 79 a, stk. 1")
    assert c.kind is ChangeKind.AMENDED
    assert c.old_text == (
        "Kommunalbestyrelsen skal tilbyde forebyggende hjemmebesøg til alle borgere, der er "
        "fyldt 75 år, og som bor i kommunen."
    )
    assert c.new_text == (
        "Kommunalbestyrelsen skal tilbyde mindst et årligt forebyggende hjemmebesøg til alle "
        "borgere, der er fyldt 80 år, og som bor i kommunen, jf. dog stk. 2 og 3."
    )
    assert ("delete", "75") in [(o.op, o.text) for o in c.ops]
    assert ("insert", "80") in [(o.op, o.text) for o in c.ops]

    (c,) = by_key(changes, "§ 11, stk. 9")
    assert c.kind is ChangeKind.AMENDED
    assert c.old_text == (
        "Social- og indenrigsministeren forhold fastsætter nærmere regler om "
        "familievejlederordningen."
    )
    assert c.new_text == c.old_text.replace(" forhold", "")
    edits = [(o.op, o.text.strip()) for o in c.ops if o.op != "equal"]
    assert edits == [("delete", "forhold")]

    (c,) = by_key(changes, "§ 182, stk. 2")
    assert c.kind is ChangeKind.AMENDED
    assert "nævnt i § 32, stk. 8, reguleres" in c.old_text
    assert "nævnt i § 32 a, stk. 6, reguleres" in c.new_text
    assert old_text(c.ops) == c.old_text and new_text(c.ops) == c.new_text

    (c,) = by_key(changes, "§ 195 b, stk. 1")
    assert c.kind is ChangeKind.REPEALED and c.new_text == "(Ophævet)"
    assert c.old_text == (
        "Social- og indenrigsministeren fremsætter senest i folketingsåret 2015-16 forslag til "
        "revision af § 32, stk. 6-9."
    )


def test_renumbering_follows_the_amending_act(changes) -> None:  # type: ignore[no-untyped-def]
    """Lov nr. 1894/2015 § 1, nr. 7-8: "§ 161, stk. 1, ophæves. Stk. 2 bliver herefter
    stk. 1." and "I § 161 indsættes efter stk. 2, der bliver stk. 1, som nye stykker: Stk. 2
    … Stk. 3 … Stk. 3 bliver herefter stk. 4." The differ finds this from the texts alone."""
    got = [(c.kind.value, c.old_key, c.new_key) for c in changes if c.paragraph_key == "§ 161"]
    assert got == [
        ("repealed", "§ 161, stk. 1", None),
        ("renumbered", "§ 161, stk. 2", "§ 161, stk. 1"),
        ("inserted", None, "§ 161, stk. 2"),
        ("inserted", None, "§ 161, stk. 3"),
        ("renumbered", "§ 161, stk. 3", "§ 161, stk. 4"),
    ]
    # § 13: stk. 8 repealed, stk. 9-11 move up by one with unchanged text.
    moved = [
        (c.old_key, c.new_key, c.ops)
        for c in changes
        if c.paragraph_key == "§ 13" and c.kind is ChangeKind.RENUMBERED
    ]
    assert moved == [
        ("§ 13, stk. 9", "§ 13, stk. 8", ()),
        ("§ 13, stk. 10", "§ 13, stk. 9", ()),
        ("§ 13, stk. 11", "§ 13, stk. 10", ()),
    ]


def test_any_two_versions_compare(retsinfo: Path, pair) -> None:  # type: ignore[no-untyped-def]
    old = parse_document((retsinfo / "eli/lta/2010/1096/xml").read_bytes())
    ch = diff_versions(old.provisions, pair[1].provisions)
    assert apply_changes(old.provisions, ch) == {p.key: p.text for p in pair[1].provisions}
    back = diff_versions(pair[1].provisions, old.provisions)
    swap = {"inserted": "repealed", "repealed": "inserted"}
    assert sorted(swap.get(c.kind.value, c.kind.value) for c in ch) == sorted(
        c.kind.value for c in back
    )

"""Unit and property tests of the version differ on hand-made provisions."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from lawdiff.diff import (
    apply_changes,
    diff_versions,
    render_html,
    render_text,
    revert_changes,
    to_json,
)
from lawdiff.model import ChangeKind, Level, Provision
from lawdiff.tokens import new_text, old_text, tokenize, word_diff


def P(key: str, text: str, pos: int = 0) -> Provision:
    parts = key.split(", ")
    parent = ", ".join(parts[:-1]) or None
    last = parts[-1]
    level = (
        Level.PARAGRAF
        if last.startswith("§")
        else Level.STK
        if last.startswith("stk.")
        else Level.NR
        if last.startswith("nr.")
        else Level.LITRA
    )
    return Provision(key, level, last.split(" ", 1)[-1], last, parent, text, pos)


def law(*items: tuple[str, str]) -> list[Provision]:
    return [P(k, t, i) for i, (k, t) in enumerate(items)]


def test_tokens_cover_text_exactly() -> None:
    s = "Jf. § 81 a, stk. 2, nr. 3: 1.000 kr. og 2,5 pct. »særlig« støtte;  æøå ÆØÅ\tx"
    assert "".join(tokenize(s)) == s
    assert "stk." in tokenize(s) and "§" in tokenize(s) and "1.000" in tokenize(s)
    assert "særlig" in tokenize(s) and "»" in tokenize(s)


def test_word_diff_reads_as_redline() -> None:
    ops = word_diff("der er fyldt 75 år.", "der er fyldt 80 år, jf. dog stk. 2.")
    assert old_text(ops) == "der er fyldt 75 år."
    assert new_text(ops) == "der er fyldt 80 år, jf. dog stk. 2."
    assert ("delete", "75") in [(o.op, o.text) for o in ops]
    assert ("insert", "80") in [(o.op, o.text) for o in ops]


def test_identical_versions_have_no_changes() -> None:
    a = law(("§ 1", ""), ("§ 1, stk. 1", "Tekst."), ("§ 1, stk. 2", "Mere."))
    assert diff_versions(a, a) == []
    assert diff_versions(a, list(a)) == []


def test_inserted_paragraph_and_its_children() -> None:
    a = law(("§ 1", "Et."), ("§ 2", "To."))
    b = law(("§ 1", "Et."), ("§ 1 a", ""), ("§ 1 a, stk. 1", "Ny."), ("§ 2", "To."))
    ch = diff_versions(a, b)
    assert [(c.kind, c.new_key) for c in ch] == [
        (ChangeKind.INSERTED, "§ 1 a"),
        (ChangeKind.INSERTED, "§ 1 a, stk. 1"),
    ]
    assert ch[1].new_text == "Ny." and ch[1].old_key is None


def test_silently_renumbered_stk_is_renumbered_not_repeal_insert() -> None:
    """A new stk. 2 pushes the old stk. 2 and 3 down; nothing in the text says so."""
    a = law(
        ("§ 5", ""),
        ("§ 5, stk. 1", "Kommunen yder hjælp til borgere."),
        ("§ 5, stk. 2", "Hjælpen gives som kontant tilskud."),
        ("§ 5, stk. 3", "Ministeren fastsætter regler efter stk. 1 og 2."),
        ("§ 5, stk. 3, nr. 1", "om beløb,"),
        ("§ 5, stk. 3, nr. 2", "om udbetaling."),
    )
    b = law(
        ("§ 5", ""),
        ("§ 5, stk. 1", "Kommunen yder hjælp til borgere."),
        ("§ 5, stk. 2", "Hjælpen kan også gives som naturalhjælp i særlige tilfælde."),
        ("§ 5, stk. 3", "Hjælpen gives som kontant tilskud."),
        ("§ 5, stk. 4", "Ministeren fastsætter regler efter stk. 1-3."),
        ("§ 5, stk. 4, nr. 1", "om beløb,"),
        ("§ 5, stk. 4, nr. 2", "om udbetaling."),
    )
    ch = diff_versions(a, b)
    got = [(c.kind, c.old_key, c.new_key) for c in ch]
    assert got == [
        (ChangeKind.INSERTED, None, "§ 5, stk. 2"),
        (ChangeKind.RENUMBERED, "§ 5, stk. 2", "§ 5, stk. 3"),
        (ChangeKind.RENUMBERED, "§ 5, stk. 3", "§ 5, stk. 4"),
    ]
    assert ch[1].ops == ()  # only the number moved
    assert new_text(ch[2].ops) == "Ministeren fastsætter regler efter stk. 1-3."
    # nr. 1 and 2 moved with their stk.: implied, reported only on request
    implied = diff_versions(a, b, report_implied=True)
    assert (ChangeKind.RENUMBERED, "§ 5, stk. 3, nr. 1", "§ 5, stk. 4, nr. 1") in [
        (c.kind, c.old_key, c.new_key) for c in implied
    ]
    assert apply_changes(a, ch) == {p.key: p.text for p in b}
    assert revert_changes(b, ch) == {p.key: p.text for p in a}


def test_repeal_by_ophaevet_text() -> None:
    a = law(("§ 9", ""), ("§ 9, stk. 1", "Regel."), ("§ 9, stk. 2", "Mere."))
    b = law(("§ 9", ""), ("§ 9, stk. 1", "(Ophævet)"))
    ch = diff_versions(a, b)
    assert [(c.kind, c.old_key, c.new_key) for c in ch] == [
        (ChangeKind.REPEALED, "§ 9, stk. 1", "§ 9, stk. 1"),
        (ChangeKind.REPEALED, "§ 9, stk. 2", None),
    ]


def test_renderers_escape_and_carry_everything() -> None:
    a = law(("§ 1", "Tekst <b>fed</b>."))
    b = law(("§ 1", "Tekst <script>alert(1)</script> & mere."))
    ch = diff_versions(a, b)
    h = render_html(ch, title="<i>titel</i>")
    assert "<script" not in h and "<b>" not in h and "<i>titel" not in h
    assert "&amp; mere" in h and "&lt;/" in h
    ins = render_html(diff_versions(law(("§ 1", "x")), b + law(("§ 2", "<script>x</script>"))))
    assert "<script" not in ins and "&lt;script&gt;x&lt;/script&gt;" in ins
    t = render_text(ch)
    assert "{+" in t and "[-" in t and "\x1b[" not in t
    assert "\x1b[" in render_text(ch, color=True)
    doc = json.loads(to_json(ch, old="a", new="b"))
    assert doc["format"] == "lovspor.diff/1" and doc["summary"]["amended"] == 1
    c = doc["changes"][0]
    assert set(c) == {
        "kind",
        "level",
        "key",
        "paragraph",
        "old_key",
        "new_key",
        "old_text",
        "new_text",
        "similarity",
        "ops",
    }
    assert "".join(t for op, t in c["ops"] if op != "delete") == c["new_text"]


# --- properties ----------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "kommunalbestyrelsen",
        "skal",
        "kan",
        "yde",
        "hjælp",
        "til",
        "børn",
        "og",
        "unge",
        "efter",
        "§",
        "stk.",
        "nr.",
        "1",
        "2",
        "3",
        ",",
        ".",
        "særlig",
        "støtte",
        "i",
        "hjemmet",
        "ministeren",
        "fastsætter",
        "regler",
        "om",
        "betaling",
        "for",
        "tilbud",
        "æøå",
    ]
)
TEXT = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)


@st.composite
def versions(draw: st.DrawFn) -> tuple[list[Provision], list[Provision]]:
    """A law and a mutated copy: stykker inserted/removed (renumbering the rest), texts
    edited, §§ added/dropped."""
    n_par = draw(st.integers(1, 4))
    old: list[list[str]] = [
        [f"{draw(TEXT)} #{p}.{s}" for s in range(draw(st.integers(1, 4)))] for p in range(n_par)
    ]
    new = [list(stks) for stks in old]
    for stks in new:
        for _ in range(draw(st.integers(0, 3))):
            op = draw(st.sampled_from(["ins", "del", "edit"]))
            if op == "ins":
                stks.insert(draw(st.integers(0, len(stks))), draw(TEXT) + " ny")
            elif op == "del" and len(stks) > 1:
                stks.pop(draw(st.integers(0, len(stks) - 1)))
            elif stks:
                i = draw(st.integers(0, len(stks) - 1))
                stks[i] = stks[i] + " " + draw(TEXT)
    keep = [draw(st.booleans()) or p == 0 for p in range(n_par)]
    extra = draw(st.booleans())

    def build(paras: list[list[str]], mask: list[bool], add: bool) -> list[Provision]:
        out: list[tuple[str, str]] = []
        for p, stks in enumerate(paras):
            if not mask[p]:
                continue
            out.append((f"§ {p + 1}", ""))
            out.extend((f"§ {p + 1}, stk. {s + 1}", t) for s, t in enumerate(stks))
            if add and p == 0:
                out.extend([("§ 1 a", ""), ("§ 1 a, stk. 1", "helt ny paragraf")])
        return law(*out)

    return build(old, [True] * n_par, False), build(new, keep, extra)


@settings(max_examples=300, deadline=None)
@given(versions())
def test_diff_of_self_is_empty(ab: tuple[list[Provision], list[Provision]]) -> None:
    a, b = ab
    assert diff_versions(a, a) == []
    assert diff_versions(b, b) == []


@settings(max_examples=300, deadline=None)
@given(versions())
def test_applying_ops_gives_the_other_text(ab: tuple[list[Provision], list[Provision]]) -> None:
    a, b = ab
    ch = diff_versions(a, b)
    assert apply_changes(a, ch) == {p.key: p.text for p in b}
    assert revert_changes(b, ch) == {p.key: p.text for p in a}
    for c in ch:
        if c.ops:
            assert old_text(c.ops) == c.old_text and new_text(c.ops) == c.new_text


@settings(max_examples=300, deadline=None)
@given(versions())
def test_diff_is_symmetric(ab: tuple[list[Provision], list[Provision]]) -> None:
    a, b = ab
    swap = {ChangeKind.INSERTED: ChangeKind.REPEALED, ChangeKind.REPEALED: ChangeKind.INSERTED}
    fwd = {(swap.get(c.kind, c.kind), c.new_key, c.old_key) for c in diff_versions(a, b)}
    back = {(c.kind, c.old_key, c.new_key) for c in diff_versions(b, a)}
    assert fwd == back


@given(TEXT, TEXT)
def test_word_diff_roundtrip(x: str, y: str) -> None:
    ops = word_diff(x, y)
    assert old_text(ops) == x and new_text(ops) == y
    assert word_diff(x, x) == ((("equal", x),) and word_diff(x, x))

"""Consolidation mechanisms found missing on the real pairs, each on a small hand-made case."""

from __future__ import annotations

from lawdiff.amend import parse_definition
from lawdiff.consolidate import REPEALED, apply_instructions, check_against
from lawdiff.model import Level, Provision

_LEVEL = {"§": Level.PARAGRAF, "stk.": Level.STK, "nr.": Level.NR}


def P(key: str, text: str = "") -> Provision:
    last = key.rsplit(", ", 1)[-1]
    parent = key.rsplit(", ", 1)[0] if ", " in key else None
    return Provision(key, _LEVEL[last.split(" ")[0]], last.split(" ", 1)[1], "", parent, text, 0)


def run(base: tuple[Provision, ...], sentence: str, new_text: str = "", new_provs=()):
    ins = parse_definition(sentence, new_text=new_text, new_provisions=new_provs)
    res = apply_instructions(base, ins)
    assert not res.failed, res.failed
    return res, {p.key: p.text for p in res.provisions}


def test_quote_with_a_comma_less_than_the_law() -> None:
    base = (P("§ 1"), P("§ 1, stk. 1", "Hjælp efter § 118, stk. 1, nr. 3, og § 119, nr. 3."))
    res, got = run(base, "I § 1, stk. 1, ændres »og § 119 nr. 3« til: »og § 119, stk. 1, nr. 2«.")
    assert got["§ 1, stk. 1"] == "Hjælp efter § 118, stk. 1, nr. 3, og § 119, stk. 1, nr. 2."
    assert "ignoring commas" in res.results[0].reason


def test_text_printed_after_a_list_belongs_to_the_stk() -> None:
    base = (
        P("§ 58"),
        P("§ 58, stk. 1", "Er der risiko på grund af kan udvalget anbringe, jf. § 52, nr. 8."),
        P("§ 58, stk. 1, nr. 1", "omsorgssvigt,"),
        P("§ 58, stk. 1, nr. 2", "andre problemer,"),
    )
    _, got = run(base, "I § 58, stk. 1, nr. 2, ændres »§ 52, nr. 8« til: »§ 52, nr. 7«.")
    assert got["§ 58, stk. 1"].endswith("jf. § 52, nr. 7.")
    assert got["§ 58, stk. 1, nr. 2"] == "andre problemer,"


def test_deleting_before_the_full_stop_leaves_no_dangling_comma() -> None:
    base = (P("§ 52"), P("§ 52, stk. 1", "Døgnophold i botilbud, jf. § 107, eller § 144."))
    _, got = run(base, "I § 52, stk. 1, udgår »eller § 144«.")
    assert got["§ 52, stk. 1"] == "Døgnophold i botilbud, jf. § 107."


def test_rewrite_strips_the_printed_stk_label() -> None:
    base = (P("§ 32"), P("§ 32, stk. 1", "A."), P("§ 32, stk. 2", "B."))
    _, got = run(base, "§ 32, stk. 2, affattes således:", "Stk. 2. Personer kan få tilbud.")
    assert got["§ 32, stk. 2"] == "Personer kan få tilbud."


def test_rewrite_with_lead_in_and_list() -> None:
    base = (P("§ 142"), P("§ 142, stk. 1", "Plejefamilier skal være godkendt."))
    items = (P("nr. 1", "af den stedlige kommune eller"), P("nr. 2", "af den anbringende kommune."))
    _, got = run(
        base,
        "§ 142, stk. 1, affattes således:",
        "Plejefamilier skal være godkendt af den stedlige kommune eller af den anbringende kommune.",
        items,
    )
    assert got["§ 142, stk. 1"] == "Plejefamilier skal være godkendt"
    assert got["§ 142, stk. 1, nr. 2"] == "af den anbringende kommune."


def test_replacing_the_last_punktum_replaces_the_list_it_leads_into() -> None:
    base = (
        P("§ 140"),
        P("§ 140, stk. 3", "En handleplan skal angive formålet. Den skal opstille mål for barnets"),
        P("§ 140, stk. 3, nr. 1", "udvikling og"),
        P("§ 140, stk. 3, nr. 2", "skoleforhold."),
    )
    _, got = run(
        base, "§ 140, stk. 3, 2. pkt., ophæves, og i stedet indsættes:", "Den skal bygge på x."
    )
    assert got == {
        "§ 140": "",
        "§ 140, stk. 3": "En handleplan skal angive formålet. Den skal bygge på x.",
    }


def test_new_paragraph_takes_the_number_of_a_repealed_one() -> None:
    base = (P("§ 113"), P("§ 113, stk. 1", "A."), P("§ 114"), P("§ 114, stk. 1", REPEALED))
    new = (P("§ 114"), P("§ 114, stk. 1", "Et bidrag indbetales."))
    _, got = run(base, "Efter § 113 indsættes:", "Et bidrag indbetales.", new)
    assert got == {
        "§ 113": "",
        "§ 113, stk. 1": "A.",
        "§ 114": "",
        "§ 114, stk. 1": "Et bidrag indbetales.",
    }


def test_insert_after_a_punktum() -> None:
    base = (P("§ 14"), P("§ 14, stk. 1", "Der afholdes en samtale. Den aftales."))
    _, got = run(base, "I § 14, stk. 1, indsættes efter 1. pkt.:", "Den holdes ved fremmøde.")
    assert got["§ 14, stk. 1"] == "Der afholdes en samtale. Den holdes ved fremmøde. Den aftales."
    _, got = run(base, "I § 14, stk. 1, indsættes efter sidste pkt.:", "Sidst.")
    assert got["§ 14, stk. 1"] == "Der afholdes en samtale. Den aftales. Sidst."


def test_check_sets_apart_placeholders_and_accepts_a_repealed_range() -> None:
    base = (P("§ 43"), P("§ 43, stk. 1", "A."), P("§ 44"), P("§ 44, stk. 1", "B."),
            P("§ 45"), P("§ 45, stk. 1", REPEALED), P("§ 46"), P("§ 46, stk. 1", "C."))  # fmt: skip
    actual = (
        P("§ 43"), P("§ 43, stk. 1", "A."),
        P("§ 44-46"), P("§ 44-46, stk. 1", REPEALED),
        P("§ 47 a"), P("§ 47 a, stk. 1", REPEALED),  # printed now, repealed long ago
    )  # fmt: skip
    res = apply_instructions(base, parse_definition("§ 44 og § 46 ophæves."))
    rep = check_against(res.provisions, actual, base, res.provenance)
    assert set(rep.without_act) == {"§ 47 a", "§ 47 a, stk. 1"}
    assert rep.act_changed_rate == 1.0, rep.problems()

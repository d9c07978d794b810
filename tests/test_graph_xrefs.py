"""Cross-references in law text, on hand-made provisions."""

from __future__ import annotations

from graph.paragraphs import expand_range, resolve_key
from graph.xrefs import XRef, find_xrefs
from lawdiff.model import Level, Provision


def _p(key: str, text: str = "") -> Provision:
    depth = key.count(",")
    level = (Level.PARAGRAF, Level.STK, Level.NR, Level.LITRA)[depth]
    parent = key.rsplit(", ", 1)[0] if depth else None
    return Provision(key=key, level=level, number="", label="", parent=parent, text=text,
                     position=0)


BASE = [_p(k) for k in (
    "§ 41", "§ 41, stk. 1", "§ 41, stk. 2", "§ 41, stk. 2, nr. 1", "§ 41, stk. 2, nr. 2",
    "§ 41, stk. 2, nr. 3", "§ 42", "§ 42, stk. 1", "§ 52", "§ 52, stk. 3", "§ 52, stk. 3, nr. 7",
    "§ 66 a", "§ 66 a, stk. 1", "§ 66 a, stk. 2", "§ 66 a, stk. 6", "§ 81 a", "§ 83", "§ 83 a",
    "§ 84", "§ 85", "§ 86", "§ 87", "§ 87 a")]


def _refs(key: str, text: str, law: str | None = "serviceloven") -> list[XRef]:
    provs = [*BASE, _p(key, text)] if key not in {p.key for p in BASE} else [
        _p(p.key, text) if p.key == key else p for p in BASE]
    return [x for x in find_xrefs(provs, law) if x.source == key]


def test_plain_and_jf() -> None:
    (x,) = _refs("§ 42, stk. 1", "Hjælp ydes, jf. § 41.")
    assert x.targets == ("§ 41",)
    assert x.text == "§ 41"
    assert "Hjælp ydes, jf. § 41."[x.span[0]:x.span[1]] == "§ 41"


def test_range_includes_lettered_paragraphs() -> None:
    (x,) = _refs("§ 42, stk. 1", "Tilbud efter §§ 83-87 gives.")
    assert x.targets == ("§ 83", "§ 83 a", "§ 84", "§ 85", "§ 86", "§ 87")


def test_letter_suffix_without_space() -> None:
    (x,) = _refs("§ 42, stk. 1", "Efter § 81a.")
    assert x.targets == ("§ 81 a",)


def test_relative_stk_and_nr() -> None:
    (x,) = _refs("§ 41, stk. 1", "Ydelser efter stk. 2, nr. 3, gives.")
    assert x.relative and x.targets == ("§ 41, stk. 2, nr. 3",)
    (y,) = _refs("§ 41, stk. 2, nr. 1", "som nævnt i nr. 2")
    assert y.targets == ("§ 41, stk. 2, nr. 2",)


def test_lists_and_continuations() -> None:
    (x,) = _refs("§ 42, stk. 1", "godkendt efter § 66 a, stk. 1, stk. 2 eller 6, eller noget")
    assert x.targets == ("§ 66 a, stk. 1", "§ 66 a, stk. 2", "§ 66 a, stk. 6")
    (y,) = _refs("§ 42, stk. 1", "efter §§ 83, 84 og 86")
    assert y.targets == ("§ 83", "§ 84", "§ 86")


def test_missing_stk_falls_back_to_paragraph() -> None:
    (x,) = _refs("§ 42, stk. 1", "efter § 84, stk. 4")
    assert x.targets == ("§ 84",)
    assert x.via_ancestor == ("§ 84, stk. 4",)


def test_unknown_paragraph_is_unresolved() -> None:
    (x,) = _refs("§ 42, stk. 1", "efter § 999")
    assert x.targets == () and x.unresolved == ("§ 999",)


def test_external_laws() -> None:
    xs = _refs("§ 42, stk. 1",
               "efter § 1 a i lov om social pension og retssikkerhedslovens § 10, stk. 2, "
               "samt lov om aktiv socialpolitik § 25 og § 84 i denne lov og servicelovens § 83")
    ext = [(x.text, x.external_law, x.external_slug, x.wanted) for x in xs if x.is_external]
    assert ext == [
        ("§ 1 a i lov om social pension", "lov om social pension", "pensionsloven", ("§ 1 a",)),
        ("retssikkerhedslovens § 10, stk. 2", "retssikkerhedsloven", "retssikkerhedsloven",
         ("§ 10, stk. 2",)),
        ("lov om aktiv socialpolitik § 25", "lov om aktiv socialpolitik", "aktivloven",
         ("§ 25",)),
    ]
    internal = [x.targets for x in xs if not x.is_external]
    assert internal == [("§ 84",), ("§ 83",)]  # "i denne lov" and the law's own name


def test_genitive_list_stays_external() -> None:
    xs = _refs("§ 42, stk. 1", "retsplejelovens § 771 og § 772, stk. 1")
    assert all(x.external_law == "retsplejeloven" for x in xs) and len(xs) == 2


def test_act_numbers_are_not_references() -> None:
    assert _refs("§ 42, stk. 1", "jf. lov nr. 171 af 27. februar 2016 og bekendtgørelse nr. 5") == []


def test_no_self_reference_target() -> None:
    (x,) = _refs("§ 41, stk. 2", "efter stk. 2 og stk. 1")
    assert x.targets == ("§ 41, stk. 1",)


def test_range_and_resolution_helpers() -> None:
    keys = ["§ 11", "§ 12", "§ 12 a", "§ 13", "§ 14"]
    assert expand_range("§ 11", "§ 14, stk. 1", keys) == [
        "§ 11", "§ 12", "§ 12 a", "§ 13", "§ 14, stk. 1"]
    assert expand_range("§ 9, stk. 2", "§ 9, stk. 4", []) == [
        "§ 9, stk. 2", "§ 9, stk. 3", "§ 9, stk. 4"]
    existing = {"§ 5", "§ 5, stk. 1", "§ 5, stk. 4"}
    assert resolve_key("§ 5, stk. 1", existing).status == "exact"
    r = resolve_key("§ 5, stk. 3, nr. 2", existing)
    assert (r.key, r.status) == ("§ 5", "ancestor")
    a = resolve_key("§ 5, stk. 3", existing, {"§ 5, stk. 3": "§ 5, stk. 4"})
    assert (a.key, a.status) == ("§ 5, stk. 4", "alias")
    assert resolve_key("§ 6", existing).key is None

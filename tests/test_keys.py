"""The provision-key value type: one set of rules for every stage, checked on real keys."""

from __future__ import annotations

from lawdiff import keys
from lawdiff.keys import KeyLevel, ProvisionKey
from lawdiff.parse import parse_document
from tests.conftest import shared_dir


def test_structure() -> None:
    k = "§ 5, stk. 2, nr. 1, litra b"
    assert keys.parent(k) == "§ 5, stk. 2, nr. 1"
    assert keys.ancestors(k) == ["§ 5, stk. 2, nr. 1", "§ 5, stk. 2", "§ 5"]
    assert keys.parent("§ 5") is None
    assert keys.level(k) is KeyLevel.LITRA and keys.level("§ 81 a") is KeyLevel.PARAGRAF
    assert keys.paragraph(k) == "§ 5"
    assert keys.cut_above("§ 5, stk. 7, nr. 2", KeyLevel.STK) == "§ 5"
    assert keys.truncate(k, 1) == "§ 5, stk. 2"


def test_canonical_spelling() -> None:
    assert keys.canonical("§81A, stk 2") == "§ 81 a, stk. 2"
    assert keys.canonical("§\u00a085 ,  nr 3") == "§ 85, nr. 3"
    assert ProvisionKey.parse("§ 10a") == ProvisionKey("§ 10 a")


def test_stk1_equivalence() -> None:
    assert keys.same_provision("§ 2, stk. 1, nr. 9", "§ 2, nr. 9")
    assert keys.with_stk1("§ 2, nr. 9") == "§ 2, stk. 1, nr. 9"
    assert keys.without_stk1("§ 2, stk. 1") == "§ 2, stk. 1"  # the stk. itself stays
    assert not keys.same_provision("§ 2, stk. 2, nr. 9", "§ 2, nr. 9")


def test_natural_order_of_a_real_version() -> None:
    """Sorting the keys of serviceloven LBK 2016/1270 reproduces document order per §."""
    shared = shared_dir()
    assert shared is not None
    path = shared / "retsinfo" / "eli" / "lta" / "2016" / "1270" / "xml"
    doc = parse_document(path.read_bytes(), "eli/lta/2016/1270")
    paras = [p.key for p in doc.provisions if p.parent is None and "(" not in p.key]
    assert len(paras) > 200
    assert sorted(paras, key=keys.sort_key) == paras
    assert sorted(ProvisionKey(k) for k in paras[:50]) == [ProvisionKey(k) for k in paras[:50]]
    for p in doc.provisions:
        assert keys.parent(p.key) == p.parent
        assert keys.paragraph(p.key) == p.paragraph_key

"""Ministry renames (ressortændringer) that no act explains: detected as a consistent old →
new mapping in a consolidated version, applied to the replay in the consolidation check and
marked editorial; kept out of act attribution, counts and impact (status no_act)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.session import session_scope
from lawdiff.consolidate import apply_renames, rename_mapping
from lovspor.amendments import check_pairs
from lovspor.analyze import analyze
from lovspor.ingest import import_files, iter_xml_files

OLD = "Undervisningsministeriet"
NEW = "Ministeriet for Børn, Undervisning og Ligestilling"


def test_a_rename_must_be_consistent_and_repeated() -> None:
    pairs = [
        (f"{OLD} fastsætter regler om tilsyn.", f"{NEW} fastsætter regler om tilsyn."),
        (f"Klage over {OLD} indgives skriftligt.", f"Klage over {NEW} indgives skriftligt."),
        ("Socialministeren kan fastsætte regler.", "Beskæftigelsesministeren kan fastsætte regler."),
        ("Kommunen skal yde hjælp.", "Kommunen kan yde hjælp."),  # not a rename at all
    ]
    assert rename_mapping(pairs) == {OLD: NEW}  # once is not a pattern; "skal→kan" no title
    contradicted = [*pairs[:2], (f"{OLD} bestemmer.", "Kulturministeriet bestemmer.")]
    assert OLD not in rename_mapping(contradicted)
    assert apply_renames(f"Efter regler fra {OLD}.", {OLD: NEW}) == f"Efter regler fra {NEW}."
    assert apply_renames(f"Det{OLD.lower()}", {OLD: NEW}) == f"Det{OLD.lower()}"  # whole words


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory, retsinfo: Path) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('ren') / 'r.sqlite'}"
    import_files(url, list(iter_xml_files([retsinfo])))
    analyze(url, progress=False)
    return url


def test_the_check_applies_the_renames_of_lbk_2015_1053(analysed: str) -> None:
    """LBK 2015/1053 (serviceloven) renamed Undervisningsministeriet after the 2015 change of
    government, with no act behind it: replaying the acts on LBK 2015/150 gives the old name;
    with the detected rename applied, § 13 b, stk. 5 and § 13 c, stk. 7 are predicted."""
    with session_scope(analysed) as s:
        rep = check_pairs(s, "serviceloven")
    assert rep is not None
    (pair,) = [p for p in rep["pairs"] if p["new"] == "lta/2015/1053"]
    assert pair["renames"].get(f"{OLD}.") == f"{NEW}."
    editorial = {c["key"] for c in pair["changed_provisions"] if c["status"] == "editorial"}
    assert {"§ 13 b, stk. 5", "§ 13 c, stk. 7"} <= editorial
    assert pair["predicted_with_renames"] == pair["predicted_exactly"] + len(editorial)
    assert pair["rate_with_renames"] > pair["rate"]
    for p in rep["pairs"]:  # a pair without renames is unchanged by them
        if not p["renames"]:
            assert p["predicted_with_renames"] == p["predicted_exactly"]

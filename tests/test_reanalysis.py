"""Re-analysis when inputs change: a new revision of a stored document, or a Lovspor whose
differ or instruction parser changed, redoes exactly the versions, pairs and acts it affects.
The state lives in typed columns on the version (and, for an act, on its document)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import ChangeRow, Document, Setting, Version
from db.session import session_scope
from lovspor import amendments
from lovspor import analyze as analyze_mod
from lovspor.analyze import analyze
from lovspor.ingest import import_files, iter_xml_files

NEWEST = "eli/lta/2016/1270/xml"
SENTENCE = "Sundheds- og ældreministeren fastsætter nærmere regler om kommunalbestyrelsens " \
    "forpligtelser efter stk. 1".encode()


@pytest.fixture
def analysed(tmp_path: Path, retsinfo: Path) -> str:
    url = f"sqlite:///{tmp_path / 're.sqlite'}"
    import_files(url, list(iter_xml_files([retsinfo])))
    first = analyze(url, progress=False)
    assert first.failed == [] and first.pairs_done == 17
    return url


def _new_text(url: str, key: str) -> str | None:
    with session_scope(url) as s:
        return s.scalar(
            select(ChangeRow.new_text)
            .join(Version, Version.id == ChangeRow.new_version_id)
            .where(Version.eli == "lta/2016/1270", ChangeRow.new_key == key)
        )


def test_a_revised_document_reanalyses_its_pair(
    analysed: str, retsinfo: Path, tmp_path: Path
) -> None:
    """Re-import LBK 2016/1270 with one word changed in § 81 a, stk. 2: the stored change
    shows the new text; nothing else is diffed again."""
    assert _new_text(analysed, "§ 81 a, stk. 2").startswith("Sundheds- og ældreministeren")
    data = (retsinfo / NEWEST).read_bytes()
    assert data.count(SENTENCE) == 1
    revised = tmp_path / "1270-revised.xml"
    revised.write_bytes(data.replace(SENTENCE, SENTENCE.replace("nærmere".encode(), "udførlige".encode())))
    report = import_files(analysed, [revised])
    assert report.revisions == 1
    again = analyze(analysed, progress=False)
    assert again.pairs_done == 1 and again.pairs_skipped == 16  # only 2015/1284 → 2016/1270
    assert "udførlige regler" in (_new_text(analysed, "§ 81 a, stk. 2") or "")
    with session_scope(analysed) as s:
        v = s.scalar(select(Version).where(Version.eli == "lta/2016/1270"))
        latest = s.scalar(
            select(Document.id).where(Document.eli == "lta/2016/1270", Document.is_latest)
        )
        assert v is not None and v.document_id == latest == v.analysed_document_id
        assert v.analysed_against and v.analyser == analyze_mod.analyser_fingerprint()
        assert v.attribution_key and v.attribution_summary  # provenance redone, typed
        # no state in settings rows any more
        assert not list(s.scalars(select(Setting).where(Setting.key.like("analyze.%"))))
    assert analyze(analysed, progress=False).pairs_done == 0


def test_a_revised_middle_version_redoes_both_of_its_pairs(
    analysed: str, retsinfo: Path, tmp_path: Path
) -> None:
    """LBK 2015/1284 sits between 2015/1053 and 2016/1270: its own pair and its successor's
    pair both depend on its bytes."""
    data = (retsinfo / "eli/lta/2015/1284/xml").read_bytes()
    revised = tmp_path / "1284-revised.xml"
    revised.write_bytes(data.replace(b"Kommunalbestyrelsen", b"Kommunalbestyrelserne", 1))
    assert import_files(analysed, [revised]).revisions == 1
    again = analyze(analysed, progress=False)
    assert again.pairs_done == 2 and again.pairs_skipped == 15


def test_a_new_differ_reanalyses_everything_once(
    analysed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analyze_mod, "analyser_fingerprint", lambda: "a-newer-differ")
    again = analyze(analysed, progress=False)
    assert again.pairs_done == 17 and again.pairs_skipped == 0
    assert analyze(analysed, progress=False).pairs_done == 0


def test_a_new_instruction_parser_rereads_acts_and_redoes_provenance(
    analysed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(amendments, "library_fingerprint", lambda: "a-newer-parser")
    again = analyze(analysed, progress=False)
    assert again.pairs_done == 0  # the diffs do not depend on the instruction parser
    assert again.acts_parsed > 0 and again.acts_skipped == 0
    assert again.pairs_attributed == 17 and again.attribution_skipped == 0
    with session_scope(analysed) as s:
        keys = set(s.scalars(select(Document.instructions_key).where(
            Document.instructions_key.is_not(None))))
        assert keys and all(k.endswith("|a-newer-parser") for k in keys)


def test_a_pair_whose_indledning_is_not_read_whole_is_never_complete(
    analysed: str, retsinfo: Path, tmp_path: Path
) -> None:
    """An Indledning citation Lovspor cannot read ("lov nr. 171 af 31. februar 2016"): the act
    list may be short, so the pair does not count among the complete ones."""
    before = {(p["old"], p["new"]): p for p in analyze(analysed, progress=False).attribution}
    assert before[("lta/2015/1284", "lta/2016/1270")]["complete"]
    data = (retsinfo / NEWEST).read_bytes()
    cited = b"lov nr. 171 af 27. februar 2016"
    assert data.count(cited) == 1
    bad = tmp_path / "1270-bad-intro.xml"
    bad.write_bytes(data.replace(cited, b"lov nr. 171 af 31. februar 2016"))
    import_files(analysed, [bad])
    after = {(p["old"], p["new"]): p for p in analyze(analysed, progress=False).attribution}
    pair = after[("lta/2015/1284", "lta/2016/1270")]
    assert not pair["complete"]
    assert pair["intro_unparsed"] == ["lov nr. 171 af 31. februar 2016"]

"""Grouping into laws from stored facts: each document is parsed once, when it is stored;
a section's law comes from the version it cites first, then from titles; amending acts are
never laws; one more document re-plans only the laws it names. Real documents throughout:
../shared/retsinfo and members of ../shared/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AmendingLink, Document, DocumentSection, Law
from db.session import session_scope
from lovspor import ingest
from lovspor.ingest import import_files, iter_xml_files


def _link_law(url: str, act: str, section: str) -> str | None:
    with session_scope(url) as s:
        return s.scalar(
            select(Law.slug)
            .join(AmendingLink, AmendingLink.law_id == Law.id)
            .where(AmendingLink.eli == act, AmendingLink.section == section)
        )


def _slugs(url: str) -> set[str]:
    with session_scope(url) as s:
        return set(s.scalars(select(Law.slug)))


@pytest.mark.parametrize("act_first", [True, False], ids=["act-first", "version-first"])
def test_short_title_citation_joins_its_law(
    tmp_path: Path, retsinfo: Path, lta_corpus, act_first: bool  # type: ignore[no-untyped-def]
) -> None:
    """LOV 2016/624 § 6: "I barselsloven, jf. lovbekendtgørelse nr. 571 af 29. april 2015"
    (not stored); LBK 2013/872 is "Bekendtgørelse af lov om ret til orlov og dagpenge ved
    barsel (barselloven)". One law, whichever arrives first."""
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    act = retsinfo / "eli/lta/2016/624/xml"
    (lbk,) = lta_corpus("lta/2013/872")
    for f in ([act, lbk] if act_first else [lbk, act]):
        import_files(url, [f])
    assert _link_law(url, "lta/2016/624", "§ 6") == "barselloven"
    assert "barselsloven" not in _slugs(url)


def test_cited_version_decides_over_an_old_title(tmp_path: Path, lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """LOV 2010/624 § 1 amends "lov om en børnefamilieydelse, jf. lovbekendtgørelse nr. 972
    af 2. oktober 2006"; the law has since been renamed: LBK 2011/339 "lov om en børne- og
    ungeydelse" names LBK 2006/972 as its predecessor. The cited version links them."""
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    import_files(url, lta_corpus("lta/2010/624", "lta/2011/339"))
    assert _link_law(url, "lta/2010/624", "§ 1") == "lov-om-en-boerne-og-ungeydelse"
    assert not any("boernefamilieydelse" in s for s in _slugs(url))


def test_an_amending_act_is_never_a_law(tmp_path: Path, retsinfo: Path) -> None:
    """LOV 2010/1602 § 3: "I lov nr. 482 af 12. juni 2009 om ændring af lov om
    arbejdsløshedsforsikring m.v., …" amends an amending act, not a law."""
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    report = import_files(url, [retsinfo / "eli/lta/2010/1602/xml"])
    assert not any(s.startswith("lov-om-aendring") for s in _slugs(url))
    why = {(eli, sec): reason for eli, sec, reason in report.unlinked}
    assert why[("lta/2010/1602", "§ 3")].startswith("amends an amending act")


def test_one_more_document_is_parsed_once_and_replans_only_its_laws(
    tmp_path: Path, retsinfo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    last = retsinfo / "eli/lta/2016/1270/xml"
    import_files(url, [f for f in iter_xml_files([retsinfo]) if f != last])
    parsed: list[str] = []
    real_parse = ingest.parse_document
    monkeypatch.setattr(ingest, "parse_document",
                        lambda data, src: parsed.append(src) or real_parse(data, src))
    replanned: list[set[str]] = []
    real_replan = ingest.replan
    monkeypatch.setattr(ingest, "replan",
                        lambda s, slugs: replanned.append(set(slugs)) or real_replan(s, slugs))
    report = import_files(url, [last])
    assert parsed == [str(last)]  # nothing stored is parsed again
    assert replanned == [{"serviceloven"}]  # an LBK of serviceloven touches serviceloven only
    assert report.stored == 1
    with session_scope(url) as s:
        doc = s.scalar(select(Document).where(Document.eli == "lta/2016/1270"))
        assert doc is not None and doc.law_slug == "serviceloven" and doc.facts_version
        assert doc.predecessor_eli == "lta/2015/1284"


def test_facts_of_an_older_database_are_read_once(tmp_path: Path, retsinfo: Path) -> None:
    """A database stored by a Lovspor without facts: the next import reads them once."""
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    files = list(iter_xml_files([retsinfo]))
    import_files(url, files)
    with session_scope(url) as s:
        before = {(a.eli, a.section) for a in s.scalars(select(AmendingLink))}
        for d in s.scalars(select(Document)):
            d.facts_version = None
        for sec in s.scalars(select(DocumentSection)):
            s.delete(sec)
    import_files(url, files[:1])  # unchanged: but the facts are missing, so they are read
    with session_scope(url) as s:
        assert all(d.facts_version for d in s.scalars(select(Document)))
        assert {(a.eli, a.section) for a in s.scalars(select(AmendingLink))} == before


def test_a_main_act_is_the_first_version_of_its_chain(tmp_path: Path, retsinfo: Path,
                                                       lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """Godtgørelsesloven: the main act LOV 2010/639 is the law's first version; LOV 2011/573
    § 1 amends it ("jf." the main act itself); LBK 2012/860 names it as its predecessor and is
    diffed, attributed and consolidation-checked against it."""
    from lovspor.amendments import check_pairs
    from lovspor.analyze import analyze

    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    files = [retsinfo / "eli/lta/2010/639/xml", *lta_corpus("lta/2012/860", "lta/2011/573")]
    import_files(url, files)
    with session_scope(url) as s:
        law = s.scalar(select(Law).where(Law.slug == "godtgoerelsesloven"))
        assert law is not None
        assert [v.eli for v in law.versions] == ["lta/2010/639", "lta/2012/860"]
    assert _link_law(url, "lta/2011/573", "§ 1") == "godtgoerelsesloven"
    report = analyze(url, progress=False)
    assert report.failed == [] and report.pairs_done == 1
    (pair,) = [p for p in report.attribution if p["law"] == "godtgoerelsesloven"]
    assert (pair["old"], pair["new"]) == ("lta/2010/639", "lta/2012/860")
    assert pair["exact"] > 0  # changes attributed to LOV 2011/573's items
    with session_scope(url) as s:
        checked = check_pairs(s, "godtgoerelsesloven")
    assert checked is not None
    assert [(p["old"], p["new"]) for p in checked["pairs"]] == [("lta/2010/639", "lta/2012/860")]
    assert 0 < checked["predicted_exactly"] <= checked["of"]


def test_acts_citing_a_short_title_attribute_the_pair(tmp_path: Path, retsinfo: Path,
                                                     lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """Barselloven LBK 2012/1070 → 2013/872: the three acts it incorporates say "I
    barselloven, jf. lovbekendtgørelse nr. 1070 …" while the LBK's title is "lov om ret til
    orlov og dagpenge ved barsel". Matching sections by title alone attributed nothing (0 %);
    the law grouping resolved (the cited version) attributes the changes to their items."""
    from lovspor.analyze import analyze

    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    files = [*lta_corpus("lta/2012/1070", "lta/2013/872", "lta/2013/652"),
             retsinfo / "eli/lta/2012/1380/xml", retsinfo / "eli/lta/2013/357/xml"]
    import_files(url, files)
    report = analyze(url, progress=False)
    (pair,) = [p for p in report.attribution if p["new"] == "lta/2013/872"]
    assert pair["complete"] and pair["coverage"] >= 0.9, pair
    with session_scope(url) as s:
        from db.models import ChangeAttributionRow

        acts = set(s.scalars(select(ChangeAttributionRow.act_eli)))
    assert {"lta/2012/1380", "lta/2013/357", "lta/2013/652"} <= acts

"""The chain spider over the real mirror (../shared/retsinfo), through Scrapy's downloader.

The mirror has real holes, so a reference walk reaches only what the references reach; the
expected versions, acts and gaps are derived from the documents themselves (conftest).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lawdiff.catalogue import normalize_title
from tests.crawler.conftest import Db, expected_walk, run_crawl

pytestmark = pytest.mark.slow


def manifest_versions(retsinfo: Path, hint: str) -> set[str]:
    with (retsinfo / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return {
            f"lta/{r['year']}/{r['number']}"
            for r in csv.DictReader(f, delimiter="\t")
            if r["law_hint"] == hint and r["doc_type"].startswith("LBK")
        }


def stored_for_law(db: Db, title: str) -> tuple[set[str], set[str]]:
    """(consolidated versions, amending acts) stored, judged by the stored documents."""
    from lawdiff.parse import parse_document
    from lawdiff.refs import normalize_law_title, parse_amending_intro

    versions, acts = set(), set()
    for eli, (data, _sha) in db.contents().items():
        doc = parse_document(data, eli)
        if doc.meta.kind.value in ("consolidated_act", "main_act"):
            if normalize_law_title(doc.meta.title) == title:
                versions.add(eli)
        elif any(
            (a := parse_amending_intro(s.intro)).law_title
            and normalize_law_title(a.law_title) == title
            for s in doc.amending_sections
        ):
            acts.add(eli)
    return versions, acts


def check_walk(db: Db, corpus: dict, seeds: list[str]) -> None:
    exp = expected_walk(corpus, seeds)
    title = normalize_title(corpus[seeds[0]].meta.title)
    versions, acts = stored_for_law(db, title)
    assert versions == exp.versions, (sorted(versions ^ exp.versions), "versions differ")
    assert acts == exp.acts, (sorted(acts ^ exp.acts), "amending acts differ")
    assert db.gaps() == exp.gaps, (sorted(db.gaps() ^ exp.gaps), "gaps differ")
    assert db.elis() == exp.versions | exp.acts | exp.other
    assert not db.failures()
    assert not db.duplicates()


def test_serviceloven_one_seed_then_rerun_is_free(tmp_path, mirror, corpus, retsinfo):
    db_path = tmp_path / "c.sqlite"
    run = run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", base_url=mirror.url)
    db = Db(db_path)
    check_walk(db, corpus, ["lta/2016/1270"])
    in_folder = manifest_versions(retsinfo, "serviceloven")
    assert len(in_folder) == 9
    assert len(in_folder & db.elis()) >= 8
    assert {"lta/2014/1023", "lta/2014/254"} <= db.gaps()
    # each document requested once, gaps once, plus robots.txt
    docs = mirror.documents_requested()
    assert len(docs) == len(set(docs)) == len(db.elis()) + len(db.gaps())
    assert run.summary["stored"] == len(db.elis())
    assert run.summary["requests"] == len(mirror.paths())
    # a re-run over the unchanged site: one cheap request, the newest version re-checked
    # conditionally (304, no body); nothing new, same gaps
    mirror.clear_log()
    again = run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", base_url=mirror.url)
    assert mirror.documents_requested() == ["/eli/lta/2016/1270/xml"]
    assert mirror.rechecked() == {"lta/2016/1270": 304}
    assert again.summary["stored"] == 0
    assert set(again.summary["gap_elis"]) == db.gaps()
    # and with --no-refresh, none at all
    mirror.clear_log()
    run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", "--no-refresh",
              base_url=mirror.url)
    assert mirror.paths() == []


def test_serviceloven_two_seeds_find_all_nine(tmp_path, mirror, corpus, retsinfo):
    db_path = tmp_path / "c.sqlite"
    seeds = ["lta/2016/1270", "lta/2013/1093"]
    run_crawl(db_path, "--seed", seeds[0], "--seed", seeds[1], "--no-throttle", base_url=mirror.url)
    db = Db(db_path)
    check_walk(db, corpus, seeds)
    assert manifest_versions(retsinfo, "serviceloven") <= db.elis()


@pytest.mark.parametrize(
    ("seed", "hint"),
    [("lta/2016/1345", "retssikkerhedsloven"), ("lta/2016/1342", "beskaeftigelsesloven")],
)
def test_other_laws(tmp_path, mirror, corpus, retsinfo, seed, hint):
    db_path = tmp_path / "c.sqlite"
    run_crawl(db_path, "--seed", seed, "--no-throttle", base_url=mirror.url)
    db = Db(db_path)
    check_walk(db, corpus, [seed])
    assert manifest_versions(retsinfo, hint) & db.elis()


def test_law_slug_crawl_follows_catalogue_and_succession(tmp_path, mirror, corpus):
    """`--law serviceloven` seeds from the catalogue, adds the 2005 main act (succession) and
    barnets lov (took over part): absent from the mirror, so they show up as gaps."""
    db_path = tmp_path / "c.sqlite"
    run = run_crawl(db_path, "--law", "serviceloven", "--no-throttle", base_url=mirror.url)
    db = Db(db_path)
    exp = expected_walk(corpus, ["lta/2016/1270"])
    assert exp.versions | exp.acts <= db.elis()
    assert {"lta/2005/573", "lta/2023/721"} <= db.gaps()
    assert run.returncode == 0


def write_sitemap(dest: Path, retsinfo: Path, base_url: str, per_page: int = 25) -> int:
    """A sitemap index + urlset pages listing every document of the mirror; the documents
    themselves are symlinked, not copied."""
    (dest / "eli").mkdir(parents=True)
    for year_dir in (retsinfo / "eli" / "lta").iterdir():
        (dest / "eli" / "lta").mkdir(exist_ok=True)
        (dest / "eli" / "lta" / year_dir.name).symlink_to(year_dir, target_is_directory=True)
    locs = sorted(
        f"{base_url}/eli/lta/{p.parts[-3]}/{p.parts[-2]}"
        for p in (retsinfo / "eli" / "lta").glob("*/*/xml")
    )
    pages = [locs[i : i + per_page] for i in range(0, len(locs), per_page)]
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    index = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {ns}>']
    for n, page in enumerate(pages, 1):
        body = "".join(f"<url><loc>{u}</loc></url>" for u in page)
        (dest / "eli" / f"sitemap{n}.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>{body}</urlset>'
        )
        index.append(f"<sitemap><loc>{base_url}/eli/sitemap{n}.xml</loc></sitemap>")
    index.append("</sitemapindex>")
    (dest / "eli" / "sitemap.xml").write_text("".join(index))
    return len(locs)


def test_sitemap_discovery_bridges_holes(tmp_path, retsinfo, corpus):
    from tests.crawler.faultserver import FaultServer

    site = tmp_path / "site"
    site.mkdir()
    with FaultServer(site) as srv:
        n = write_sitemap(site, retsinfo, srv.url)
        db_path = tmp_path / "c.sqlite"
        run = run_crawl(
            db_path,
            "--discover",
            "sitemap",
            "--law",
            "serviceloven",
            "--no-throttle",
            base_url=srv.url,
        )
        db = Db(db_path)
        assert manifest_versions(retsinfo, "serviceloven") <= db.elis()
        assert db.elis() == set(corpus)  # all listed documents from 2007 on
        assert run.summary["listing_requests"] == 1 + -(-n // 25)
        assert not db.failures() and not db.duplicates()
        # nothing is fetched twice on the next run
        srv.clear_log()
        again = run_crawl(
            db_path,
            "--discover",
            "sitemap",
            "--law",
            "serviceloven",
            "--no-throttle",
            base_url=srv.url,
        )
        assert srv.fetched_unconditionally() == set()
        assert set(srv.rechecked().values()) <= {304}  # newest version re-checked, unchanged
        assert again.summary["document_requests"] == len(srv.rechecked()) <= 2

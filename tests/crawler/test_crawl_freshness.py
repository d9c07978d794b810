"""A tracker notices change: a default re-run re-checks each tracked law's newest stored
version (one conditional GET), stores what the site has published since, and asks again for
references that were missing; an unchanged site costs that one cheap request.

The site is a copy of the real mirror (../shared/retsinfo) that grows between two runs the
way retsinformation.dk does: a new amending act appears, and the newest consolidated act's
metadata (`AendresAf`, `Change`/`Ref_*`) is updated to list it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.crawler.conftest import Db, run_crawl
from tests.crawler.faultserver import FaultServer

pytestmark = pytest.mark.slow

NEWEST = "eli/lta/2016/1270/xml"
LATER = "eli/lta/2016/1662/xml"  # LOV 2016/1662, listed only in 1270's metadata


def _without_1662(xml: bytes) -> bytes:
    """LBK 2016/1270 as the site served it before LOV 2016/1662 was published."""
    text = xml.decode("utf-8-sig")
    text, n1 = re.subn(r"\s*<Dokument>\s*<KortNavn>LOV nr 1662 af 20/12/2016 </KortNavn>\s*"
                       r"</Dokument>", "", text)
    text, n2 = re.subn(r'\s*<Change id="change_4" />(?:\s*<Ref_\w+ REFid="change_4">[^<]*'
                       r"</Ref_\w+>)+", "", text)
    assert (n1, n2) == (1, 1), "the mirror's LBK 2016/1270 lists LOV 2016/1662 as expected"
    return text.encode("utf-8")


def _touch(path: Path, offset: float) -> None:
    t = time.time() + offset
    os.utime(path, (t, t))


@pytest.fixture
def site(tmp_path: Path, retsinfo: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(retsinfo, root)
    return root


def test_a_new_act_on_the_site_is_found_by_a_default_rerun(
    tmp_path: Path, site: Path, retsinfo: Path
) -> None:
    (site / LATER).unlink()
    (site / NEWEST).write_bytes(_without_1662((retsinfo / NEWEST).read_bytes()))
    _touch(site / NEWEST, -3600)
    db_path = tmp_path / "c.sqlite"
    with FaultServer(site) as srv:
        run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", base_url=srv.url)
        db = Db(db_path)
        assert "lta/2016/1662" not in db.elis()
        stored_first = db.elis()

        # the site publishes LOV 2016/1662 and updates the newest version's metadata
        shutil.copy(retsinfo / LATER, site / LATER)
        shutil.copy(retsinfo / NEWEST, site / NEWEST)
        _touch(site / NEWEST, 60)
        srv.clear_log()
        run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", base_url=srv.url)
        assert srv.rechecked() == {"lta/2016/1270": 200}
        assert "lta/2016/1662" in db.elis()
        assert srv.fetched_unconditionally() == {"lta/2016/1662"}  # nothing else again
        assert db.elis() == stored_first | {"lta/2016/1662"}
        revisions = db.q("SELECT count(*) FROM documents WHERE eli = 'lta/2016/1270'")[0][0]
        assert revisions == 2  # the updated metadata is a new revision of the same ELI

        # an unchanged site: one cheap request per tracked law, answered 304
        _touch(site / NEWEST, -10)  # last modified before our copy was fetched
        srv.clear_log()
        again = run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", base_url=srv.url)
        assert srv.documents_requested() == ["/eli/lta/2016/1270/xml"]
        assert srv.rechecked() == {"lta/2016/1270": 304}
        assert again.summary["stored"] == 0


def test_a_reference_missing_before_is_asked_again_when_its_lister_changes(
    tmp_path: Path, site: Path, retsinfo: Path
) -> None:
    """LOV 2016/1662 was listed but answered 404 (a gap); when LBK 2016/1270 is re-checked
    and has changed, the gap is asked for again and, published now, stored."""
    (site / LATER).unlink()
    _touch(site / NEWEST, -3600)
    db_path = tmp_path / "c.sqlite"
    with FaultServer(site) as srv:
        run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", base_url=srv.url)
        db = Db(db_path)
        assert "lta/2016/1662" in db.gaps()
        shutil.copy(retsinfo / LATER, site / LATER)
        _touch(site / NEWEST, 60)  # the site touched the newest version when it published
        srv.clear_log()
        run_crawl(db_path, "--seed", "lta/2016/1270", "--no-throttle", base_url=srv.url)
        assert srv.rechecked() == {"lta/2016/1270": 200}
        assert "lta/2016/1662" in db.elis()
        assert "lta/2016/1662" not in db.gaps()

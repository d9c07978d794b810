"""Amending acts whose instructions were checked by hand against the XML, item by item.

tests/expected/amend/ holds one reviewed file per act (written once by
tests/expected/make_amend_expected.py, which never overwrites, then read against the act's
sentences, quotes, targets and entry-into-force rule). A change in the instruction parser
that alters any of them fails here until someone re-reviews the act.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.expected.make_amend_expected import HERE, summary

FILES = sorted(HERE.glob("*.json"))


def test_reviewed_acts_exist() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_act_matches_reviewed_file(path: Path, retsinfo: Path) -> None:
    expected = json.loads(path.read_text())
    eli = expected["eli"]
    got = summary((retsinfo / "eli" / eli / "xml").read_bytes(), eli)
    assert got == expected

"""Entry into force of amending acts' items (lawdiff.inforce) on real acts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lawdiff.amend import parse_amending_act
from lawdiff.inforce import parse_in_force
from lawdiff.parse import parse_document


def _act(path: Path, eli: str):  # type: ignore[no-untyped-def]
    return parse_amending_act(parse_document(path.read_bytes(), eli))


def test_passive_ministerial_clause_overrides_the_general_date(retsinfo: Path) -> None:
    """lov nr. 495 af 21. maj 2013: "Loven træder i kraft den 1. juli 2013, jf. dog stk. 2."
    and "Tidspunktet for ikrafttrædelsen af lovens § 1, nr. 1 og 2, fastsættes af social- og
    integrationsministeren." Before, "ikrafttrædelsen" was not read as an in-force word and
    items 1 and 2 got 1 July 2013."""
    act = _act(retsinfo / "eli/lta/2013/495/xml", "lta/2013/495")
    for number in ("1", "2"):
        it = act.item("§ 1", number)
        assert it is not None and it.in_force.status == "ministerial" and it.in_force.date is None
    it = act.item("§ 1", "3")
    assert it is not None and it.in_force.date == dt.date(2013, 7, 1)


def test_every_number_of_an_item_list_is_read(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """lov nr. 572 af 18. juni 2012, "Lovens § 1, nr. 32, 33 og 35-37, træder i kraft den 1.
    januar 2013.": before, the list stopped at its first comma (only nr. 32)."""
    (path,) = lta_corpus("lta/2012/572")
    act = _act(path, "lta/2012/572")
    got = {n: act.item("§ 1", n).in_force.date for n in ("32", "33", "34", "35", "37")}  # type: ignore[union-attr]
    assert got["32"] == got["33"] == got["35"] == got["37"] == dt.date(2013, 1, 1)
    assert got["34"] != dt.date(2013, 1, 1)


def test_the_amended_laws_own_paragraphs_are_not_the_acts_items(lta_corpus) -> None:  # type: ignore[no-untyped-def]
    """lov nr. 495 af 26. maj 2010, § 3, stk. 2: "Konkurrencelovens § 27, stk. 2 og 6, som
    ændret henholdsvis affattet ved denne lovs § 1, nr. 24 og 25, træder i kraft den 1.
    januar 2011." § 27 is konkurrenceloven's, not this act's; the items are nr. 24 and 25."""
    (path,) = lta_corpus("lta/2010/495")
    doc = parse_document(path.read_bytes(), "lta/2010/495")
    default, specific, _rules, _unparsed = parse_in_force(doc.in_force, doc.meta.signed)
    assert default is not None and default.date == dt.date(2010, 10, 1)
    assert specific[("§ 1", "24")].date == specific[("§ 1", "25")].date == dt.date(2011, 1, 1)
    assert ("§ 27", None) not in specific

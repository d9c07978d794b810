"""The look ahead on real documents: LOV 2016/1543 § 2 replayed on retssikkerhedsloven's LBK
2016/1345, which does not incorporate it (the act came into force on 1 January 2017)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from lawdiff.amend import InForce, parse_amending_act, select_items
from lawdiff.lookahead import PendingItem, changes_ahead, in_window
from lawdiff.parse import parse_document
from lawdiff.refs import normalize_law_title

NEW_YEAR = dt.date(2017, 1, 1)


@pytest.fixture(scope="module")
def pending(retsinfo: Path):  # type: ignore[no-untyped-def]
    base = parse_document((retsinfo / "eli/lta/2016/1345/xml").read_bytes(), "lta/2016/1345")
    act = parse_amending_act(
        parse_document((retsinfo / "eli/lta/2016/1543/xml").read_bytes(), "lta/2016/1543")
    )
    items = select_items(act, normalize_law_title(base.meta.title))
    return base, [PendingItem(act, it) for it in items]


def test_each_change_names_the_item_that_makes_it(pending) -> None:  # type: ignore[no-untyped-def]
    base, items = pending
    assert [p.item.number for p in items] == [str(n) for n in range(1, 15)]  # § 2, nr. 1-14
    changes = {c.change.key: c for c in changes_ahead(base.provisions, items)}
    # checked by hand against the act's text
    expect = {
        "§ 19, stk. 1, nr. 2": {"1"},  # nr. 1: "§ 19, stk. 1, nr. 2, affattes således:"
        "§ 50, stk. 3": {"2"},
        "§ 51, stk. 1, nr. 1": {"3"},  # nr. 3: "To steder i § 51, stk. 1, nr. 1, og et sted
        "§ 55, stk. 2, nr. 6": {"3"},  # i § 55, stk. 2, nr. 6, ændres »styrelseschefen« …"
        "§ 57, stk. 1": {"9"},
        "§ 64 a, stk. 1": {"12"},
        "§ 72, stk. 5": {"13"},
        "§ 90, stk. 2": {"14"},
    }
    for key, numbers in expect.items():
        c = changes[key]
        assert {a.item for a in c.attributions} == numbers, key
        assert all(a.act_eli == "lta/2016/1543" and a.section == "§ 2" for a in c.attributions)
        assert all(a.in_force == NEW_YEAR for a in c.attributions)
    assert changes["§ 90, stk. 2"].change.kind.value == "inserted"
    assert "direktøren" in changes["§ 51, stk. 1, nr. 1"].change.new_text
    assert all(c.status == "attributed" for c in changes.values())
    # every item made a change, but nr. 8 ("Overskriften før § 57 affattes således:"): a
    # heading is not a provision, so the diff of provisions does not show it
    made = {a.item for c in changes.values() for a in c.attributions}
    assert made == {p.item.number for p in items} - {"8"}


def test_the_window_decides_which_items_apply(pending) -> None:  # type: ignore[no-untyped-def]
    _base, items = pending
    keep, left = in_window(items, NEW_YEAR - dt.timedelta(days=1))
    assert keep == [] and len(left) == len(items)
    assert all("after 2016-12-31" in why for _p, why in left)
    keep, left = in_window(items, NEW_YEAR)
    assert len(keep) == len(items) and left == []


def test_an_undated_item_is_left_out_unless_asked(pending) -> None:  # type: ignore[no-untyped-def]
    base, items = pending
    undated = [
        dataclasses.replace(
            p, item=dataclasses.replace(p.item, in_force=InForce(None, "ministerial", "…"))
        )
        for p in items
    ]
    keep, left = in_window(undated, None)
    assert keep == [] and all("ministerial" in why for _p, why in left)
    keep, _left = in_window(undated, None, include_undated=True)
    changes = changes_ahead(base.provisions, keep)
    assert changes and all(a.in_force is None for c in changes for a in c.attributions)


def test_nothing_pending_changes_nothing(pending) -> None:  # type: ignore[no-untyped-def]
    base, _items = pending
    assert changes_ahead(base.provisions, []) == []

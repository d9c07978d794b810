"""Instruction parser on every amending act in ../shared/retsinfo (skipped without it)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from lawdiff.amend import Action, AmendingAct, parse_amending_act
from lawdiff.model import LawDocument
from lawdiff.parse import parse_document
from lovspor.settings import shared_dir

LAWS = {
    "serviceloven": "lov om social service",
    "retssikkerhedsloven": "lov om retssikkerhed og administration på det sociale område",
    "beskaeftigelsesloven": "lov om en aktiv beskæftigelsesindsats",
}


@cache
def _root() -> Path | None:
    base = shared_dir()
    return base / "retsinfo" / "eli" if base else None


@cache
def doc(eli: str) -> LawDocument:
    root = _root()
    assert root is not None
    return parse_document((root / eli / "xml").read_bytes(), eli)


@cache
def amending_acts() -> tuple[AmendingAct, ...]:
    root = _root()
    assert root is not None
    out = []
    for path in sorted(root.glob("lta/*/*/xml")):
        d = doc(str(path.parent.relative_to(root)))
        if d.amending_sections:
            out.append(parse_amending_act(d))
    return tuple(out)


needs_data = pytest.mark.skipif(_root() is None, reason="../shared/retsinfo not available")


@needs_data
def test_lov_2016_171_one_insertion_of_81_a() -> None:
    act = parse_amending_act(doc("lta/2016/171"))
    (section,) = act.sections
    assert section.law_title == "lov om social service"
    assert section.amended.base is not None and section.amended.base.eli == "lta/2015/1284"
    (item,) = section.items
    (ins,) = item.instructions
    assert ins.action is Action.INSERT and ins.position == "after"
    assert [t.key for t in ins.targets] == ["§ 81"]
    assert ins.new_keys == ("§ 81 a",)
    assert [p.key for p in ins.new_provisions] == ["§ 81 a", "§ 81 a, stk. 1", "§ 81 a, stk. 2"]
    assert item.in_force.date == dt.date(2016, 3, 1) and item.in_force.status == "date"
    assert act.label == "lov nr. 171 af 27. februar 2016"


@needs_data
@pytest.mark.parametrize("slug", sorted(LAWS))
def test_parse_rate_per_law(slug: str) -> None:
    title = LAWS[slug]
    total = ok = 0
    unparsed: list[str] = []
    acts = 0
    for act in amending_acts():
        for sec in act.sections_for(title):
            acts += 1
            for item in sec.items:
                total += 1
                if item.parsed:
                    ok += 1
                else:
                    unparsed.extend(
                        f"{act.eli} {sec.label}, nr. {item.number}: {i.reason} | {i.raw}"
                        for i in item.unparsed
                    )
    rate = ok / total
    print(f"\n{slug}: {acts} act sections, {ok}/{total} items parsed = {rate:.1%}")
    for line in unparsed:
        print("  UNPARSED", line)
    assert total > 100
    assert rate >= 0.97


@needs_data
def test_every_item_keeps_its_raw_sentence_and_in_force() -> None:
    statuses: Counter[str] = Counter()
    for act in amending_acts():
        for sec in act.sections:
            for item in sec.items:
                statuses[item.in_force.status] += 1
                for ins in item.instructions:
                    assert ins.raw or ins.action is Action.UNPARSED
    print("\nentry-into-force status of all items:", dict(statuses))
    assert statuses["date"] > 0.9 * sum(statuses.values())

"""The instruction-based statistics columns on small facts: items and (act, §) read from the
amending acts' items, beside the diff-based ones, by signing and by in-force date."""

from __future__ import annotations

import datetime as dt

from lawdiff.model import ActRef, ItemRef
from lawdiff.stats import (
    COUNT_COLUMNS,
    RULES,
    ChangeFact,
    InstructionFact,
    PairFacts,
    VersionFacts,
    compute_stats,
)

SIGNED = dt.date(2015, 12, 15)


def _facts() -> tuple[list[VersionFacts], list[PairFacts], list[InstructionFact]]:
    act = ActRef("lov", 10, SIGNED, "lta/2015/10", "lov nr. 10", (ItemRef("§ 1", (1, 2)),))
    versions = [
        VersionFacts("l", "v1", dt.date(2015, 1, 1), None, 10, 100),
        VersionFacts("l", "v2", dt.date(2016, 6, 1), None, 11, 120),
    ]
    pairs = [
        PairFacts(
            "l",
            "v1",
            "v2",
            dt.date(2016, 6, 1),
            (act,),
            (
                ChangeFact("§ 5", "amended", "stk", dt.date(2016, 1, 1), "lta/2015/10"),
                ChangeFact("§ 6", "inserted", "paragraf", dt.date(2017, 1, 1), "lta/2015/10"),
            ),
        )
    ]
    instructions = [
        InstructionFact("l", "lta/2015/10", SIGNED, "§ 1", "1", dt.date(2016, 1, 1), ("§ 5",)),
        InstructionFact("l", "lta/2015/10", SIGNED, "§ 1", "2", dt.date(2017, 1, 1), ("§ 6",)),
        # item 3 is not yet consolidated, its date left to the minister
        InstructionFact("l", "lta/2015/10", SIGNED, "§ 1", "3", None, ("§ 7", "§ 8")),
        InstructionFact("other", "lta/2015/10", SIGNED, "§ 2", "1", None, ("§ 1",)),
    ]
    return versions, pairs, instructions


def test_columns_and_rules_are_declared() -> None:
    assert "paragraph_revisions_instructions" in COUNT_COLUMNS
    assert "change_items_instructions" in COUNT_COLUMNS
    assert "items:instructions" in RULES and "revisions:instructions" in RULES


def test_by_signing_side_by_side() -> None:
    versions, pairs, instructions = _facts()
    res = compute_stats(versions, pairs, laws=["l"], instructions=instructions)
    r15 = {r.year: r for r in res.rows}[2015]
    # diff-based: two changed §§ of one act, two items cited; instructions: three items
    assert (r15.paragraph_revisions, r15.change_items) == (2, 2)
    assert (r15.paragraph_revisions_instructions, r15.change_items_instructions) == (4, 3)
    assert r15.change_items_instructions_rule == "items:instructions"
    assert r15.paragraph_revisions_instructions_rule == "revisions:instructions"
    assert res.total.change_items_instructions == 3  # the other law is filtered out


def test_by_in_force_date() -> None:
    versions, pairs, instructions = _facts()
    res = compute_stats(versions, pairs, by="in-force", instructions=instructions)
    rows = {(r.law, r.year): r for r in res.rows}
    assert rows[("l", 2016)].change_items_instructions == 1
    assert rows[("l", 2017)].change_items_instructions == 1
    assert rows[("l", None)].change_items_instructions == 1  # unknown date
    assert rows[("l", None)].paragraph_revisions_instructions == 2
    assert rows[("other", None)].change_items_instructions == 1
    assert res.total.change_items_instructions == 4


def test_without_instructions_columns_say_none() -> None:
    versions, pairs, _ = _facts()
    res = compute_stats(versions, pairs)
    assert res.total.change_items_instructions == 0
    assert res.total.change_items_instructions_rule == "none"

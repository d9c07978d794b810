"""acts:sections, the first stored version's Indledning, and the columns that explain why
paragraph revisions from instructions and from diffs differ — on small facts whose answer
is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

from lawdiff.model import ActRef, ItemRef
from lawdiff.stats import (
    COMPARE_COLUMNS,
    RULES,
    ActSectionFact,
    ChangeFact,
    InstructionFact,
    PairFacts,
    VersionFacts,
    compute_stats,
)


def act(n: int, day: dt.date) -> ActRef:
    return ActRef("lov", n, day, f"lta/{day.year}/{n}", f"lov nr. {n}", (ItemRef("§ 1", (1,)),))


A_FIRST = act(1, dt.date(2014, 3, 1))  # incorporated by v1, the first stored version
A_EXACT = act(2, dt.date(2014, 6, 1))  # in v2, attributed item by item
A_OTHER = act(3, dt.date(2014, 7, 1))  # in v2 too, nothing attributed to it
A_LATER = act(4, dt.date(2014, 9, 1))  # not in any stored version
VERSIONS = [
    VersionFacts("l", "v1", dt.date(2014, 4, 1), None, 10, 100, acts=(A_FIRST,)),
    VersionFacts("l", "v2", dt.date(2014, 8, 1), None, 11, 110),
]
PAIRS = [
    PairFacts(
        "l", "v1", "v2", dt.date(2014, 8, 1), (A_EXACT, A_OTHER),
        (
            ChangeFact("§ 1", "amended", "stk", act_eli=A_EXACT.eli),  # both
            ChangeFact("§ 2", "amended", "stk", act_eli=A_EXACT.eli),  # exact, not in instr
            ChangeFact("§ 3", "amended", "stk"),  # unattributed, two acts: version × §
            ChangeFact("§ 9", "amended", "stk", no_act=True),  # a ministry rename: nothing
        ),
    ),
]  # fmt: skip


def instr(a: ActRef, item: str, *paras: str) -> InstructionFact:
    return InstructionFact("l", a.eli, a.date, "§ 1", item, None, paras)


INSTRUCTIONS = [
    instr(A_FIRST, "1", "§ 5"),  # first version only
    instr(A_EXACT, "1", "§ 1"),  # both
    instr(A_EXACT, "2", "§ 4"),  # not seen in any diff
    instr(A_OTHER, "1", "§ 3"),  # § 3 changed in its pair, but counted as version × §
    instr(A_LATER, "1", "§ 6", "§ 7"),  # not consolidated
]
SECTIONS = [
    ActSectionFact("l", a.eli, a.date, "§ 1") for a in (A_FIRST, A_EXACT, A_OTHER, A_LATER)
] + [
    ActSectionFact("l", A_LATER.eli, A_LATER.date, "§ 2"),  # a second section: one act
    ActSectionFact("m", A_LATER.eli, A_LATER.date, "§ 3"),  # another law, no versions
]


def test_first_version_indledning_counts_as_an_act() -> None:
    res = compute_stats(VERSIONS, PAIRS, laws=["l"])
    r = {x.year: x for x in res.rows}[2014]
    assert r.amending_acts == 3  # A_FIRST (v1), A_EXACT and A_OTHER (v2)
    assert r.change_items == 3  # § 1, nr. 1 of each
    assert r.amending_acts_rule == "acts:intro"


def test_acts_from_sections_whether_or_not_versions_are_stored() -> None:
    res = compute_stats(VERSIONS, PAIRS, sections=SECTIONS)
    rows = {(x.law, x.year): x for x in res.rows}
    assert rows[("l", 2014)].amending_acts_sections == 4
    assert rows[("m", 2014)].amending_acts_sections == 1
    assert rows[("m", 2014)].amending_acts == 0  # no stored version names it
    assert rows[("l", 2014)].amending_acts_sections_rule == "acts:sections"
    # all laws: A_LATER once as an act, twice as an act–law pair
    assert (res.total.amending_acts_sections, res.total.act_law_pairs_sections) == (4, 5)
    by_law = {x.law: x for x in res.by_law}
    assert by_law["l"].amending_acts_sections == 4 and by_law["l"].scope == "law"


def test_sections_by_in_force_take_the_earliest_item() -> None:
    facts = [InstructionFact("l", A_LATER.eli, A_LATER.date, "§ 1", "1", dt.date(2016, 1, 1),
                             ("§ 6",)),
             InstructionFact("l", A_LATER.eli, A_LATER.date, "§ 1", "2", dt.date(2015, 7, 1),
                             ("§ 7",))]  # fmt: skip
    res = compute_stats((), (), by="in-force", instructions=facts,
                        sections=[SECTIONS[3]])  # fmt: skip
    years = {x.year: x.amending_acts_sections for x in res.rows if x.amending_acts_sections}
    assert years == {2015: 1}


def test_instructions_against_diffs_explained() -> None:
    res = compute_stats(VERSIONS, PAIRS, laws=["l"], instructions=INSTRUCTIONS)
    r = {x.year: x for x in res.rows}[2014]
    # diffs: (A_EXACT, § 1), (A_EXACT, § 2), (v1→v2, § 3) = 3
    # instructions: (A_FIRST, § 5), (A_EXACT, § 1), (A_EXACT, § 4), (A_OTHER, § 3),
    #               (A_LATER, § 6), (A_LATER, § 7) = 6
    assert (r.paragraph_revisions, r.paragraph_revisions_instructions) == (3, 6)
    got = {c: getattr(r, c) for c in COMPARE_COLUMNS}
    assert got == {
        "revisions_both": 1,  # (A_EXACT, § 1)
        "revisions_instr_not_consolidated": 2,  # A_LATER's §§ 6, 7
        "revisions_instr_first_version": 1,  # A_FIRST's § 5
        "revisions_instr_not_attributed": 1,  # A_OTHER's § 3 (the version × § unit)
        "revisions_instr_not_seen": 1,  # A_EXACT's § 4
        "revisions_diff_no_act": 1,  # (v1→v2, § 3)
        "revisions_diff_intro_only": 0,
        "revisions_diff_exact_only": 1,  # (A_EXACT, § 2)
    }
    for row in (*res.rows, *res.by_year, *res.by_law, res.total):
        d = row.revisions_both + sum(
            getattr(row, c) for c in COMPARE_COLUMNS if c.startswith("revisions_diff_"))
        i = row.revisions_both + sum(
            getattr(row, c) for c in COMPARE_COLUMNS if c.startswith("revisions_instr_"))
        assert (d, i) == (row.paragraph_revisions, row.paragraph_revisions_instructions)
    assert all(code in RULES for code in COMPARE_COLUMNS.values())


def test_a_single_act_known_only_from_the_indledning() -> None:
    """One act in the pair, the change not attributed item by item: act × §, and if the act's
    instructions do not name that § it is 'intro only'."""
    pair = PairFacts("l", "v1", "v2", dt.date(2014, 8, 1), (A_EXACT,),
                     (ChangeFact("§ 8", "amended", "stk"), ChangeFact("§ 1", "amended", "stk")))
    res = compute_stats(VERSIONS[:1] + VERSIONS[1:], [pair], laws=["l"],
                        instructions=[instr(A_EXACT, "1", "§ 1")])  # fmt: skip
    r = {x.year: x for x in res.rows}[2014]
    assert r.paragraph_revisions_rule == "revisions:act×§"
    assert (r.revisions_both, r.revisions_diff_intro_only) == (1, 1)

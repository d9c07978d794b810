"""Justitia-style change statistics per law and year, each count with its counting rule.

Researchers need every number with the rule that produced it ("never one unexplained
number"), because the unit changes the figure: acts, act–law pairs, act × § revisions,
numbered items and §§ in force are different counts of "change". The diff-based columns
count changes between consolidated versions, attributed to acts item by item where
`lawdiff.attribute` could, else through the `Indledning` (which names the acts each version
incorporates); the `*_instructions` columns count the same units from the amending acts' own
items (`lawdiff.amend`), so a researcher sees where the two methods agree. Each cell says
which rule it used (see `RULES`).

Pure: plain facts in, plain rows out. The database side lives in `lovspor.analyze`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from lawdiff.model import ActRef, Provision
from lawdiff.tokens import word_count

By = Literal["signed", "in-force"]

RULES: dict[str, str] = {
    # amending acts / act–law pairs
    "acts:intro": (
        "Distinct amending acts (by ELI) that the Indledning of a stored version of the law "
        "names as incorporated ('med de ændringer, der følger af …'), the first stored version "
        "included. An act incorporated in parts over two versions counts once. Year: the act's "
        "date as the Indledning cites it (by signed); by in-force: the earliest in-force date "
        "of the changes attributed to it in that version pair (if the pair incorporates only "
        "this act: the earliest in-force date of any change in the pair), else 'unknown'. Only "
        "acts consolidated in a stored version can count."
    ),
    "acts:sections": (
        "Distinct amending acts (by ELI) with at least one section that amends the law (the "
        "section's 'I lov om …' resolved to the law, as stored per act section), whether or "
        "not any consolidated version of the law is stored. Every stored document with such a "
        "section counts, a main act whose closing §§ amend the law too (as far as the parser "
        "found its amending sections). Year: the act's "
        "signing date (by signed); by in-force: the earliest in-force date of the act's items "
        "for the law, else 'unknown'."
    ),
    "pairs:intro": (
        "Act–law pairs: one per (amending act, law) found as for acts:intro. Per law this "
        "equals the act count; summed over laws it counts an omnibus act once per law it "
        "amends, whereas the all-laws act count counts it once."
    ),
    "pairs:sections": (
        "Act–law pairs found as for acts:sections: one per (amending act, law) where a section "
        "of the act amends the law. Per law this equals the act count; over several laws an "
        "omnibus act counts once per law."
    ),
    # paragraph revisions
    "revisions:act×§": (
        "Paragraph revisions: distinct (amending act, §) where a § of the law differs "
        "between two consecutive versions (any change in the § or its stk./nr./litra), the "
        "change is not attributed item by item, and the newer version's Indledning names "
        "exactly one amending act, which is taken as the act. Year: as for acts:intro."
    ),
    "revisions:version×§": (
        "Paragraph revisions not attributed item by item where the newer version's "
        "Indledning names several acts or none: counted once per (version pair, changed §), "
        "a lower bound (two acts changing the same § in one consolidation count once). "
        "Year: the newer version's signing date (by signed) or the change's in-force date "
        "(by in-force)."
    ),
    "revisions:exact": (
        "Distinct (amending act, §) where a § differs between two consecutive versions and "
        "the change is attributed item by item to that act (lawdiff.attribute: exact, sunset "
        "or same-§ confidence; a change with several items behind it counts for each act). "
        "Year: the act's date as the newer version's Indledning cites it, else that version's "
        "signing date (by signed); the item's in-force date (by in-force). In every "
        "revisions:* rule, changes with no amending act behind them "
        "(a ministry's new name on re-publication, an editorial correction, the placeholder "
        "of a § repealed earlier) are not revisions."
    ),
    "revisions:instructions": (
        "From the amending acts' own text, not from diffs: distinct (amending act, §) that the "
        "act's numbered items target, insert or renumber (lawdiff.amend), for every stored "
        "act that amends the law, consolidated yet or not. Headings, chapters and annexes are "
        "not §§; an item 'overalt i loven' counts once as '(hele loven)'. Year: the act's "
        "signing date (by signed) or the item's in-force date (by in-force; 'unknown' when "
        "the act leaves it to the minister or to publication, or it was not read)."
    ),
    # numbered items
    "items:intro": (
        "Numbered change items ('nr. 1-4, 6-9'): distinct (act, section, item) cited in the "
        "Indledning of the law's stored versions, the first stored version included. Year as "
        "for acts:intro."
    ),
    "items:act-xml": (
        "As items:intro, but where the Indledning cites a whole section ('§ 1 i lov nr. …'), the "
        "section's item count is read from the stored amending act."
    ),
    "items:instructions": (
        "From the amending acts' own text: distinct (amending act, section, item) of every "
        "stored act whose section amends the law (lawdiff.amend), incorporated in a stored "
        "version yet or not. Year as for revisions:instructions."
    ),
    "items:unknown": (
        "Whole sections cited by the Indledning whose item count is not known (the amending "
        "act is not stored, or stored without that section for this law): their items are "
        "not counted; the column items_unknown_sections says how many sections."
    ),
    # in force
    "in-force:snapshot": (
        "§§ in force at year end: §§ of the latest stored version of the law signed (by "
        "signed) or valid from, else signed (by in-force), on or before 31 December, leaving "
        "out §§ whose every provision is empty or '(Ophævet)'. The snapshot column names the "
        "version used; the whole-period row sums each law's snapshot at its last year. Later "
        "amending acts not yet consolidated are not reflected."
    ),
    "words:snapshot": (
        "Words in force at year end: runs of letters/digits in the own text of every "
        "provision of the same snapshot, leaving out empty and '(Ophævet)' provisions."
    ),
    # paragraph revisions: instructions against diffs, where they differ and why
    "cmp:both": (
        "Distinct (amending act, §) counted both from the act's instructions "
        "(revisions:instructions) and from the diffs attributed to that act "
        "(revisions:exact or revisions:act×§), in the same law (and, in a law × year row, "
        "the same year)."
    ),
    "cmp:instr-not-consolidated": (
        "Counted from instructions only: the act is named as incorporated by no stored "
        "version's Indledning of the law (not consolidated yet, or its consolidation is not "
        "stored), so no diff can show it."
    ),
    "cmp:instr-first-version": (
        "Counted from instructions only: the act is incorporated only by the first stored "
        "version (its Indledning), whose predecessor is not stored, so there is no diff."
    ),
    "cmp:instr-not-attributed": (
        "Counted from instructions only: the § did change in a version pair that "
        "incorporates the act, but that change was not attributed to this act (it counts as "
        "revisions:version×§, or under another act)."
    ),
    "cmp:instr-not-seen": (
        "Counted from instructions only: no change of the § shows in any version pair that "
        "incorporates the act (the item's change is not visible in a diff: later amended "
        "back, a heading or note, '(hele loven)', a target the diff keys differently, or "
        "text the consolidation left as it was)."
    ),
    "cmp:diff-no-act": (
        "Counted from diffs only: a (version pair, §) unit of revisions:version×§: no single "
        "act is known for the change, so it cannot meet an (act, §) from instructions."
    ),
    "cmp:diff-intro-only": (
        "Counted from diffs only: a revisions:act×§ unit (the act known only from the "
        "Indledning, the change not attributed item by item) that the act's instructions do "
        "not name (the act is not stored, or its items target other §§)."
    ),
    "cmp:diff-exact-only": (
        "Counted from diffs only: attributed item by item to the act (revisions:exact), yet "
        "the act's instructions for the law do not name the § (the attribution went through "
        "the same § or the item's new key, a renumbering, or a different year)."
    ),
    "none": "Nothing to count for this law and year.",
}

COUNT_COLUMNS = (
    "amending_acts",
    "amending_acts_sections",
    "act_law_pairs",
    "act_law_pairs_sections",
    "paragraph_revisions",
    "paragraph_revisions_instructions",
    "change_items",
    "change_items_instructions",
    "paragraphs_in_force",
    "words_in_force",
)

#: Why paragraph revisions from instructions and from diffs differ: column → rule code.
#: instructions = both + the four instr_* columns; diffs = both + the three diff_* columns.
COMPARE_COLUMNS: dict[str, str] = {
    "revisions_both": "cmp:both",
    "revisions_instr_not_consolidated": "cmp:instr-not-consolidated",
    "revisions_instr_first_version": "cmp:instr-first-version",
    "revisions_instr_not_attributed": "cmp:instr-not-attributed",
    "revisions_instr_not_seen": "cmp:instr-not-seen",
    "revisions_diff_no_act": "cmp:diff-no-act",
    "revisions_diff_intro_only": "cmp:diff-intro-only",
    "revisions_diff_exact_only": "cmp:diff-exact-only",
}


@dataclass(frozen=True, slots=True)
class VersionFacts:
    """One consolidated version, reduced to what statistics need."""

    law: str
    eli: str
    signed: dt.date | None
    valid_from: dt.date | None
    paragraphs: int  # §§ in force in this version
    words: int
    # Indledning: the amending acts it incorporates (counted for the first stored version,
    # which no pair covers; later versions' acts come with their PairFacts)
    acts: tuple[ActRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeFact:
    paragraph: str  # "§ 81 a"
    kind: str
    level: str
    in_force: dt.date | None = None
    act_eli: str | None = None  # exact attribution, when the amendment parser made one
    # no amending act behind it (ministry rename on re-publication, editorial correction,
    # placeholder of a § repealed earlier): not a paragraph revision
    no_act: bool = False


@dataclass(frozen=True, slots=True)
class PairFacts:
    """The changes between two consecutive versions and what the newer one says it holds."""

    law: str
    old_eli: str
    new_eli: str
    signed: dt.date | None  # the newer version's signing date
    acts: tuple[ActRef, ...]  # Indledning: incorporated amending acts
    changes: tuple[ChangeFact, ...]
    identity_break: bool = False  # a replacement main act: not a change of the old law


@dataclass(frozen=True, slots=True)
class InstructionFact:
    """One numbered item of a stored amending act, as the act itself states it."""

    law: str
    act_eli: str
    signed: dt.date | None  # the act's signing date
    section: str  # "§ 1" of the amending act
    item: str  # "12"
    in_force: dt.date | None
    paragraphs: tuple[str, ...]  # §§ of the law its instructions touch; "(hele loven)"


@dataclass(frozen=True, slots=True)
class ActSectionFact:
    """One section of a stored act that amends a law: the act amends the law, whatever
    versions of the law are stored (Justitia counted acts this way)."""

    law: str
    act_eli: str
    signed: dt.date | None  # the act's signing date
    section: str  # "§ 1" of the act


@dataclass(frozen=True, slots=True)
class StatsRow:
    scope: str  # "law-year" | "all-laws-year" | "all"
    law: str  # slug, or "ALL"
    year: int | None  # None: unknown year (by in-force) or the whole period (scope "all")
    by: str
    amending_acts: int
    act_law_pairs: int
    paragraph_revisions: int
    change_items: int
    items_unknown_sections: int
    paragraphs_in_force: int | None
    words_in_force: int | None
    snapshot: str | None  # version(s) used for the in-force columns
    amending_acts_rule: str
    act_law_pairs_rule: str
    paragraph_revisions_rule: str
    change_items_rule: str
    paragraphs_in_force_rule: str
    words_in_force_rule: str
    # side by side with the diff-based columns: the same units read from the acts' items
    paragraph_revisions_instructions: int = 0
    change_items_instructions: int = 0
    paragraph_revisions_instructions_rule: str = "none"
    change_items_instructions_rule: str = "none"
    # amending acts and act–law pairs from the acts' own sections (acts:sections)
    amending_acts_sections: int = 0
    act_law_pairs_sections: int = 0
    amending_acts_sections_rule: str = "none"
    act_law_pairs_sections_rule: str = "none"
    # paragraph revisions: instructions against diffs (COMPARE_COLUMNS, rules cmp:*)
    revisions_both: int = 0
    revisions_instr_not_consolidated: int = 0
    revisions_instr_first_version: int = 0
    revisions_instr_not_attributed: int = 0
    revisions_instr_not_seen: int = 0
    revisions_diff_no_act: int = 0
    revisions_diff_intro_only: int = 0
    revisions_diff_exact_only: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class StatsResult:
    rows: tuple[StatsRow, ...]  # law × year
    by_year: tuple[StatsRow, ...]  # all laws × year
    total: StatsRow  # all laws, whole period
    rules: Mapping[str, str] = field(default_factory=lambda: dict(RULES))
    by_law: tuple[StatsRow, ...] = ()  # law × the years shown (scope "law")
    period: StatsRow | None = None  # all laws × the years shown, unknown year left out


def _repealed(text: str) -> bool:
    return text.strip().rstrip(".").lower() == "(ophævet)"


def version_size(provisions: Iterable[Provision]) -> tuple[int, int]:
    """(§§ in force, words in force) of one version: a § counts if any of its text is
    neither empty nor "(Ophævet)"."""
    alive: dict[str, bool] = {}
    words = 0
    for p in provisions:
        live = bool(p.text) and not _repealed(p.text)
        pk = p.paragraph_key
        alive[pk] = alive.get(pk, False) or live
        if live:
            words += word_count(p.text)
    return sum(alive.values()), words


def _join_rules(codes: Iterable[str]) -> str:
    s = sorted(set(codes))
    return "+".join(s) if s else "none"


@dataclass
class _Cell:
    law: str
    acts: set[str] = field(default_factory=set)
    act_rules: set[str] = field(default_factory=set)
    revisions: set[tuple[str, str]] = field(default_factory=set)
    revision_rules: set[str] = field(default_factory=set)
    # (act or version-pair unit, §) → "exact" | "act×§" | "version×§" (exact wins)
    revision_kind: dict[tuple[str, str], str] = field(default_factory=dict)
    section_acts: set[str] = field(default_factory=set)
    items: set[tuple[str, str, int]] = field(default_factory=set)
    item_rules: set[str] = field(default_factory=set)
    unknown_sections: set[tuple[str, str]] = field(default_factory=set)
    instr_items: set[tuple[str, str, str]] = field(default_factory=set)
    instr_revisions: set[tuple[str, str]] = field(default_factory=set)


def compute_stats(
    versions: Sequence[VersionFacts],
    pairs: Sequence[PairFacts],
    section_items: Mapping[tuple[str, str, str], int] | None = None,
    *,
    by: By = "signed",
    laws: Iterable[str] | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
    instructions: Sequence[InstructionFact] = (),
    sections: Sequence[ActSectionFact] = (),
) -> StatsResult:
    """Counts per law × year, per year over all laws, per law over the period, and for the
    whole period.

    ``section_items`` maps (law slug, act ELI, section "§ 1") to that section's number of
    items, for citations of a whole section. ``instructions`` (the stored acts' items) give
    the instruction-based columns beside the diff-based ones; ``sections`` (the stored acts'
    sections and the law each amends) give acts:sections.
    """
    section_items = section_items or {}
    wanted = set(laws) if laws else None
    cells: dict[tuple[str, int | None], _Cell] = {}

    def cell(law: str, year: int | None) -> _Cell:
        c = cells.get((law, year))
        if c is None:
            c = cells[(law, year)] = _Cell(law)
        return c

    def year_of(d: dt.date | None) -> int | None:
        return d.year if d else None

    # The first stored version of each law has no pair, but its Indledning names acts too:
    # a pair with no changes stands for it.
    new_of_pair = {(p.law, p.new_eli) for p in pairs}
    first_pairs = [
        PairFacts(v.law, "", v.eli, v.signed, v.acts, ())
        for v in versions
        if v.acts and (v.law, v.eli) not in new_of_pair
    ]
    diffed_acts: dict[str, set[str]] = defaultdict(set)  # law → acts a diffed pair holds
    first_acts: dict[str, set[str]] = defaultdict(set)  # law → acts of the first version
    changed_under: dict[tuple[str, str], set[str]] = defaultdict(set)  # (law, act) → §§
    for pair in (*pairs, *first_pairs):
        if pair.identity_break or (wanted is not None and pair.law not in wanted):
            continue
        is_first = not pair.old_eli
        changed = {c.paragraph for c in pair.changes if not c.no_act}
        for ref in pair.acts:
            (first_acts if is_first else diffed_acts)[pair.law].add(ref.eli)
            changed_under[(pair.law, ref.eli)].update(changed)
        # Earliest in-force date per act, from its changes, when attribution knows it.
        act_in_force: dict[str, dt.date] = {}
        for c in pair.changes:
            if c.act_eli and c.in_force:
                old = act_in_force.get(c.act_eli)
                act_in_force[c.act_eli] = min(old, c.in_force) if old else c.in_force
        single = pair.acts[0] if len(pair.acts) == 1 else None
        if single is not None and by == "in-force" and single.eli not in act_in_force:
            dates = [c.in_force for c in pair.changes if c.in_force]
            if dates:
                act_in_force[single.eli] = min(dates)

        def act_year(ref: ActRef, _aif: dict[str, dt.date] = act_in_force) -> int | None:
            return year_of(ref.date) if by == "signed" else year_of(_aif.get(ref.eli))

        for ref in pair.acts:
            cell_ = cell(pair.law, act_year(ref))
            cell_.acts.add(ref.eli)
            cell_.act_rules.add("intro")
            for part in ref.parts:
                section = part.paragraph.split(",", 1)[0]
                if part.items:
                    cell_.items.update((ref.eli, part.paragraph, i) for i in part.items)
                    cell_.item_rules.add("intro")
                else:
                    n = section_items.get((pair.law, ref.eli, section))
                    if n:
                        cell_.items.update((ref.eli, section, i) for i in range(1, n + 1))
                        cell_.item_rules.add("act-xml")
                    else:
                        cell_.unknown_sections.add((ref.eli, section))
                        cell_.item_rules.add("unknown")
        for c in pair.changes:
            if c.no_act:
                continue
            if c.act_eli:
                y = year_of(c.in_force) if by == "in-force" else None
                if by == "signed":
                    ref = next((r for r in pair.acts if r.eli == c.act_eli), None)
                    y = year_of(ref.date) if ref else year_of(pair.signed)
                key, kind = (c.act_eli, c.paragraph), "exact"
            elif single is not None:
                y = act_year(single)
                key, kind = (single.eli, c.paragraph), "act×§"
            else:
                y = year_of(pair.signed) if by == "signed" else year_of(c.in_force)
                key, kind = (f"{pair.old_eli}→{pair.new_eli}", c.paragraph), "version×§"
            target = cell(pair.law, y)
            target.revisions.add(key)
            target.revision_rules.add(kind)
            if _KIND_RANK[kind] > _KIND_RANK.get(target.revision_kind.get(key, ""), -1):
                target.revision_kind[key] = kind

    for f in instructions:
        if wanted is not None and f.law not in wanted:
            continue
        c = cell(f.law, year_of(f.signed if by == "signed" else f.in_force))
        c.instr_items.add((f.act_eli, f.section, f.item))
        c.instr_revisions.update((f.act_eli, p) for p in f.paragraphs)

    # acts:sections — year by signing, or by the act's earliest item in force for the law
    earliest: dict[tuple[str, str], dt.date] = {}
    for f in instructions:
        if f.in_force and ((k := (f.law, f.act_eli)) not in earliest or f.in_force < earliest[k]):
            earliest[k] = f.in_force
    for sf in sections:
        if wanted is not None and sf.law not in wanted:
            continue
        d = sf.signed if by == "signed" else earliest.get((sf.law, sf.act_eli))
        cell(sf.law, year_of(d)).section_acts.add(sf.act_eli)

    # Snapshots: the latest version on or before each year end.
    by_law: dict[str, list[tuple[dt.date, VersionFacts]]] = defaultdict(list)
    for v in versions:
        if wanted is not None and v.law not in wanted:
            continue
        d = v.signed if by == "signed" else (v.valid_from or v.signed)
        if d is not None:
            by_law[v.law].append((d, v))
    for lst in by_law.values():
        lst.sort(key=lambda t: (t[0], t[1].eli))

    def snapshot(law: str, year: int) -> VersionFacts | None:
        best = None
        for d, v in by_law.get(law, ()):
            if d <= dt.date(year, 12, 31):
                best = v
        return best

    laws_all = sorted({k[0] for k in cells} | set(by_law))

    def law_years(law: str) -> list[int]:
        """The law's own span: first to last year with a version or an act (so a law last
        consolidated in 2016 is not carried forward to the newest year in the database)."""
        ys = {k[1] for k in cells if k[0] == law and k[1] is not None}
        ys.update(d.year for d, _ in by_law.get(law, ()))
        if not ys:
            return []
        lo = min(ys) if from_year is None else from_year
        hi = max(ys) if to_year is None else to_year
        return list(range(lo, hi + 1))

    def row(
        scope: str, law: str, year: int | None, cs: list[_Cell], snaps: list[VersionFacts]
    ) -> StatsRow:
        # Sets are keyed by law too: the same act or act × § in two laws counts twice as a
        # pair or revision, once as an act.
        acts = {a for c in cs for a in c.acts}
        act_pairs = {(c.law, a) for c in cs for a in c.acts}
        rev = {(c.law, *r) for c in cs for r in c.revisions}
        items = {(c.law, *i) for c in cs for i in c.items}
        unknown = {(c.law, *u) for c in cs for u in c.unknown_sections}
        act_rules = {r for c in cs for r in c.act_rules}
        rev_rules = {r for c in cs for r in c.revision_rules}
        item_rules = {r for c in cs for r in c.item_rules}
        i_items = {(c.law, *i) for c in cs for i in c.instr_items}
        i_rev = {(c.law, *r) for c in cs for r in c.instr_revisions}
        s_acts = {a for c in cs for a in c.section_acts}
        s_pairs = {(c.law, a) for c in cs for a in c.section_acts}
        cmp = _compare(cs, rev, i_rev, diffed_acts, first_acts, changed_under)
        return StatsRow(
            scope=scope,
            law=law,
            year=year,
            by=by,
            amending_acts=len(acts),
            act_law_pairs=len(act_pairs),
            paragraph_revisions=len(rev),
            change_items=len(items),
            items_unknown_sections=len(unknown),
            paragraphs_in_force=sum(s.paragraphs for s in snaps) if snaps else None,
            words_in_force=sum(s.words for s in snaps) if snaps else None,
            snapshot=", ".join(s.eli for s in snaps) if snaps else None,
            amending_acts_rule=_join_rules(f"acts:{r}" for r in act_rules),
            act_law_pairs_rule=_join_rules(f"pairs:{r}" for r in act_rules),
            paragraph_revisions_rule=_join_rules(f"revisions:{r}" for r in rev_rules),
            change_items_rule=_join_rules(f"items:{r}" for r in item_rules),
            paragraphs_in_force_rule="in-force:snapshot" if snaps else "none",
            words_in_force_rule="words:snapshot" if snaps else "none",
            paragraph_revisions_instructions=len(i_rev),
            change_items_instructions=len(i_items),
            paragraph_revisions_instructions_rule="revisions:instructions" if i_items else "none",
            change_items_instructions_rule="items:instructions" if i_items else "none",
            amending_acts_sections=len(s_acts),
            act_law_pairs_sections=len(s_pairs),
            amending_acts_sections_rule="acts:sections" if s_acts else "none",
            act_law_pairs_sections_rule="pairs:sections" if s_acts else "none",
            **cmp,
        )

    rows: list[StatsRow] = []
    per_year: dict[int | None, list[tuple[_Cell, VersionFacts | None]]] = defaultdict(list)
    last_snaps: list[VersionFacts] = []
    for law in laws_all:
        year_range = law_years(law)
        if year_range and (last := snapshot(law, year_range[-1])):
            last_snaps.append(last)
        for y in [*year_range, None]:
            c = cells.get((law, y))
            if y is None:
                if c is None:
                    continue
                snap = None
            else:
                snap = snapshot(law, y)
            if c is None and snap is None:
                continue
            c = c or _Cell(law)
            rows.append(row("law-year", law, y, [c], [snap] if snap else []))
            per_year[y].append((c, snap))
    by_year = [
        row("all-laws-year", "ALL", y, [c for c, _ in lst], [s for _, s in lst if s])
        for y, lst in sorted(per_year.items(), key=lambda t: (t[0] is None, t[0] or 0))
    ]
    # Per law over the period: its cells of the years shown (an unknown year is no part of
    # a period); in-force columns from its last snapshot.
    law_rows = []
    for law in laws_all:
        cs = [c for y, lst in per_year.items() if y is not None for c, _ in lst if c.law == law]
        snaps = [s for s in last_snaps if s.law == law]
        if cs or snaps:
            law_rows.append(row("law", law, None, cs, snaps))
    # Whole period: every cell in range; in-force columns from each law's last snapshot.
    all_cells = [c for lst in per_year.values() for c, _ in lst]
    total = row("all", "ALL", None, all_cells, last_snaps)
    known = [c for y, lst in per_year.items() if y is not None for c, _ in lst]
    period = row("period", "ALL", None, known, last_snaps)
    return StatsResult(tuple(rows), tuple(by_year), total, by_law=tuple(law_rows), period=period)


_KIND_RANK = {"version×§": 0, "act×§": 1, "exact": 2}


def _compare(
    cs: Sequence[_Cell],
    rev: set[tuple[str, str, str]],
    i_rev: set[tuple[str, str, str]],
    diffed_acts: Mapping[str, set[str]],
    first_acts: Mapping[str, set[str]],
    changed_under: Mapping[tuple[str, str], set[str]],
) -> dict[str, int]:
    """Paragraph revisions from instructions against those from diffs, (law, act, §) keys
    of the same cells: what both count, and why each counts what the other does not
    (rules cmp:*). The instruction columns sum to the instruction count, the diff columns
    (with both) to the diff count."""
    kinds: dict[tuple[str, str, str], str] = {}
    for c in cs:
        for (unit, par), kind in c.revision_kind.items():
            k = (c.law, unit, par)
            if _KIND_RANK[kind] > _KIND_RANK.get(kinds.get(k, ""), -1):
                kinds[k] = kind
    out = dict.fromkeys(COMPARE_COLUMNS, 0)
    for k in rev:
        if k in i_rev:
            out["revisions_both"] += 1
        else:
            kind = kinds.get(k, "version×§")
            col = {"version×§": "no_act", "act×§": "intro_only", "exact": "exact_only"}[kind]
            out[f"revisions_diff_{col}"] += 1
    for law, act, par in i_rev - rev:
        if act in diffed_acts.get(law, ()):
            seen = par in changed_under.get((law, act), ())
            out["revisions_instr_not_attributed" if seen else "revisions_instr_not_seen"] += 1
        elif act in first_acts.get(law, ()):
            out["revisions_instr_first_version"] += 1
        else:
            out["revisions_instr_not_consolidated"] += 1
    return out


def rows_as_dicts(result: StatsResult) -> list[dict[str, Any]]:
    """Every row (law × year, then all laws × year, then the total) as plain dicts."""
    return [r.as_dict() for r in (*result.rows, *result.by_year, result.total)]


#: The Justitia-style table (`lovspor stats --justitia`): column → the rules behind it.
JUSTITIA_COLUMNS: dict[str, tuple[str, ...]] = {
    "amending_acts_sections": ("acts:sections",),
    "amending_acts": ("acts:intro",),
    "paragraph_revisions_instructions": ("revisions:instructions",),
    "paragraph_revisions": ("revisions:exact", "revisions:act×§", "revisions:version×§"),
    "revisions_both": ("cmp:both",),
    "revisions_instr_only": tuple(v for k, v in COMPARE_COLUMNS.items() if "_instr_" in k),
    "revisions_diff_only": tuple(v for k, v in COMPARE_COLUMNS.items() if "_diff_" in k),
}


@dataclass(frozen=True, slots=True)
class JustitiaTable:
    """Justitia's question for a period — how many amending acts changed how many §§ of
    how many laws — one row per law asked for (zeros included), acts counted from the acts
    themselves, paragraph revisions both from instructions and from diffs."""

    rows: tuple[StatsRow, ...]  # scope "law", in the order the laws were asked for
    total: StatsRow  # the laws together, the years shown (an act of two laws counts once)
    from_year: int | None
    to_year: int | None

    @property
    def laws_changed(self) -> int:
        return sum(1 for r in self.rows if r.amending_acts_sections)

    def sentence(self) -> str:
        t = self.total
        return (
            f"{t.amending_acts_sections} amending acts changed "
            f"{t.paragraph_revisions_instructions} paragraphs of {self.laws_changed} laws "
            f"(paragraph revisions from the acts' instructions; from diffs of stored "
            f"versions: {t.paragraph_revisions})"
        )

    def as_dicts(self) -> list[dict[str, Any]]:
        """Rows then total, each with the two sums of the cmp:* columns."""
        return [_justitia_dict(r) for r in (*self.rows, self.total)]


def _justitia_dict(r: StatsRow) -> dict[str, Any]:
    d = r.as_dict()
    d["revisions_instr_only"] = sum(v for k, v in d.items() if k.startswith("revisions_instr_"))
    d["revisions_diff_only"] = sum(v for k, v in d.items() if k.startswith("revisions_diff_")
                                   and k != "revisions_diff_only")
    return d


def empty_row(scope: str, law: str, by: str) -> StatsRow:
    """A row with nothing counted (a law asked for that nothing amends in the period)."""
    return StatsRow(scope, law, None, by, 0, 0, 0, 0, 0, None, None, None,
                    *["none"] * 6)  # fmt: skip


def justitia_table(
    result: StatsResult, laws: Sequence[str], from_year: int | None, to_year: int | None
) -> JustitiaTable:
    """The Justitia table of `laws` from a `compute_stats` result over those laws (its
    by_law rows and period row), each law listed even when nothing amends it."""
    by_law = {r.law: r for r in result.by_law}
    by = result.total.by
    rows = tuple(by_law.get(slug) or empty_row("law", slug, by) for slug in laws)
    return JustitiaTable(rows, result.period or result.total, from_year, to_year)

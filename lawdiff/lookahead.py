"""The look ahead: what amending acts that no consolidated version has incorporated yet will
change, as ordinary changes attributed to the act item that makes each one.

A manager's question is "what hits us next quarter?", and the acts that answer it are by
definition not yet in any lovbekendtgørelse. Lovspor replays their items on the newest stored
version (`lawdiff.consolidate`) and diffs the result against it; every change is Lovspor's
own reading, not the official text, and callers mark it so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lawdiff.amend import AmendingAct, AmendmentItem
from lawdiff.consolidate import apply_instructions, normalise
from lawdiff.diff import diff_versions
from lawdiff.keys import ancestors
from lawdiff.model import AttributedChange, Attribution, Provision

__all__ = ["PendingItem", "changes_ahead", "in_window"]


@dataclass(frozen=True, slots=True)
class PendingItem:
    """One numbered item of an act not yet incorporated, in the order it is to apply."""

    act: AmendingAct
    item: AmendmentItem

    @property
    def in_force(self) -> dt.date | None:
        return self.item.in_force.date if self.item.in_force.status == "date" else None


def in_window(
    items: Sequence[PendingItem], until: dt.date | None, *, include_undated: bool = False
) -> tuple[list[PendingItem], list[tuple[PendingItem, str]]]:
    """The items that take effect by `until` (None: every dated item), and the rest with why.

    An item whose date the act leaves to a minister or does not state is left out unless
    `include_undated`: the look ahead must not claim a date it cannot know."""
    keep: list[PendingItem] = []
    left: list[tuple[PendingItem, str]] = []
    for p in items:
        when = p.in_force
        if when is None:
            if include_undated:
                keep.append(p)
            else:
                left.append((p, f"in-force date unknown ({p.item.in_force.status})"))
        elif until is not None and when > until:
            left.append((p, f"in force {when.isoformat()}, after {until.isoformat()}"))
        else:
            keep.append(p)
    return keep, left


def _attribution(p: PendingItem) -> Attribution:
    return Attribution(p.act.eli, p.act.label, p.item.section, p.item.number, p.in_force,
                       "exact")


def changes_ahead(
    base: Sequence[Provision], pending: Sequence[PendingItem]
) -> list[AttributedChange]:
    """The changes the pending items make to `base`, each with the items that made it (from
    the replay's provenance; a change under a touched provision inherits its items)."""
    if not pending:
        return []
    acts = list(dict.fromkeys(p.act.label for p in pending))
    result = apply_instructions(base, [p.item for p in pending], acts=acts)
    source = {id(ins): p for p in pending for ins in p.item.instructions}

    def items_for(key: str | None) -> list[PendingItem]:
        if key is None:
            return []
        found = [source[id(i)] for i in result.provenance.get(key, ()) if id(i) in source]
        if not found and key in result.removed and id(result.removed[key]) in source:
            found = [source[id(result.removed[key])]]
        if not found:  # a nr. of a rewritten stk. was touched through its parent
            for parent in ancestors(key):
                found = [source[id(i)] for i in result.provenance.get(parent, ())
                         if id(i) in source]
                if found:
                    break
        return found

    out: list[AttributedChange] = []
    for ch in diff_versions(base, result.provisions):
        if ch.old_key == ch.new_key and normalise(ch.old_text) == normalise(ch.new_text):
            continue  # the replay re-set the text (soft hyphens, blanks): no change in law
        items = {id(p): p for p in (*items_for(ch.new_key), *items_for(ch.old_key))}
        atts = tuple(dict.fromkeys(_attribution(p) for p in items.values()))
        if atts:
            out.append(AttributedChange(ch, atts, "attributed"))
        else:
            out.append(AttributedChange(
                ch, (), "unattributed", "no replayed item touches it (a side effect of the "
                "replay, e.g. a renumbering)"))
    return out

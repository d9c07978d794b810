"""Between the shared model (`lawdiff.model`) and the change rows: the one place that knows
how a `ProvisionChange` and its attributions are spelled in the database.

`ChangeRow` repeats a change's best attribution for simple queries; the full list lives in
`ChangeAttributionRow`. Anything that asks "which changes did act X make" must look at the
full list (a change two acts made belongs to both), so that question is answered here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from db.models import ChangeAttributionRow, ChangeRow
from lawdiff.model import Attribution, ChangeKind, Level, ProvisionChange, TokenOp


def change_from_row(r: ChangeRow) -> ProvisionChange:
    return ProvisionChange(
        kind=ChangeKind(r.kind), level=Level(r.level), old_key=r.old_key, new_key=r.new_key,
        old_text=r.old_text or "", new_text=r.new_text or "",
        ops=tuple(TokenOp(op, text) for op, text in (r.ops or [])), similarity=r.similarity,
    )


def best_attribution(r: ChangeRow) -> Attribution | None:
    """The attribution `ChangeRow` repeats (the best one), or None for an unattributed row."""
    if not r.act_eli:
        return None
    return Attribution(r.act_eli, r.act_label or r.act_eli, r.act_section or "", r.act_item,
                       r.in_force, r.attribution or "act")


def attribution_from_row(a: ChangeAttributionRow) -> Attribution:
    return Attribution(a.act_eli, a.act_label, a.act_section, a.act_item, a.in_force,
                       a.confidence)


def attributions_of(session: Session, change_ids: Iterable[int]) -> dict[int, list[Attribution]]:
    """Every attribution of each change, in stored (best-first) order; one query per 500."""
    ids = list(dict.fromkeys(change_ids))
    out: dict[int, list[Attribution]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        q = (select(ChangeAttributionRow)
             .where(ChangeAttributionRow.change_id.in_(ids[i:i + 500]))
             .order_by(ChangeAttributionRow.change_id, ChangeAttributionRow.id))
        for a in session.scalars(q):
            out[a.change_id].append(attribution_from_row(a))
    return out


def made_by(acts: Sequence[str]) -> ColumnElement[bool]:
    """Changes attributed to any of ``acts`` by any of their attributions; "" in ``acts``
    stands for changes with no act at all."""
    named = [a for a in acts if a]
    alts: list[ColumnElement[bool]] = []
    if named:
        alts.append(ChangeRow.act_eli.in_(named))
        alts.append(ChangeRow.id.in_(
            select(ChangeAttributionRow.change_id).where(ChangeAttributionRow.act_eli.in_(named))
        ))
    if "" in acts:
        alts.append(ChangeRow.act_eli.is_(None))
    return or_(*alts)


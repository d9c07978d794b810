"""Database and reference files → the inputs of `graph.build_graph` and `graph.impact`.

The graph library is pure; this module is its I/O edge. Three things are read here:

* the provisions of each law's version *in force at the end of the window* (the version the
  changes are explained against — every changed key of the window exists in it or in an
  ancestor), as `lawdiff.model.Provision`s;
* key aliases from RENUMBERED changes, chained across versions, so a key written for another
  numbering (OS2bos 2019–22, KLE 2025, a change from early in the window) lands on the
  provision that holds it in that version;
* the selected changes as `ChangeInput`s (law, signing-date window, amending act, or
  in-force window), their keys carried forward to the graph version's numbering.

Reference files (OS2bos, KLE, KL's register, user mappings) are loaded by `load_sources`
with a small in-process cache keyed on each file's path, size and mtime (a URL: on the URL),
so repeated calls in one process (tests, dashboard) do not re-read them and a changed file
is never served stale. Nothing is cached on disk.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.mapper import attributions_of, best_attribution, change_from_row, made_by
from db.models import ChangeRow, Law, Version
from graph.impact import ChangeInput
from graph.sources import LoadProblem
from graph.sources.kl_processing import ProcessingActivity, load_kl_processing
from graph.sources.kle import KlePlan, load_kle
from graph.sources.os2bos import OS2bosData, load_os2bos
from graph.sources.user import UserProcedure, load_user_mappings
from lawdiff.keys import ancestors
from lawdiff.model import ChangeKind, Provision
from lovspor.analyze import load_provisions

KLE_FILE = Path("kle") / "kle-emneplan-social.xml"


class ImpactDataError(RuntimeError):
    """A problem the user can fix (no changes, not analysed, folder missing); the message
    says what was looked for and what to do."""


# --------------------------------------------------------------------------- selection


@dataclass(frozen=True, slots=True)
class Window:
    """Which changes: laws, and one of signing window | amending act | in-force window."""

    laws: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    act: str | None = None  # ELI path "lta/2016/171"
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    # changes no amending act made (ministry renames, editorial corrections in a
    # consolidation) are not impact: left out unless asked for
    editorial: bool = False
    # the look ahead: acts no stored consolidated version incorporates yet, replayed by
    # Lovspor (unofficial), selected by the same window
    ahead: bool = True

    def __post_init__(self) -> None:
        modes = [self.date_from or self.date_to, self.act, self.in_force_from or self.in_force_to]
        if sum(bool(m) for m in modes) > 1:
            raise ImpactDataError(
                "vælg én afgrænsning / choose one selection: --from/--to, --act, or "
                "--in-force-from/--in-force-to")
        for lo, hi, name in ((self.date_from, self.date_to, "--from/--to"),
                             (self.in_force_from, self.in_force_to,
                              "--in-force-from/--in-force-to")):
            if lo and hi and lo > hi:
                raise ImpactDataError(f"{name}: {lo} ligger efter / is after {hi}")

    @property
    def end(self) -> dt.date | None:
        """The date whose version in force the graph is built from (None: the newest)."""
        return self.date_to or self.in_force_to

    def describe(self) -> str:
        laws = ", ".join(self.laws) if self.laws else "alle love / all laws"
        if self.act:
            sel = f"ændringslov / act {self.act}"
        elif self.in_force_from or self.in_force_to:
            sel = f"i kraft / in force {_span(self.in_force_from, self.in_force_to)}"
        elif self.date_from or self.date_to:
            sel = f"underskrevet / signed {_span(self.date_from, self.date_to)}"
        else:
            sel = "alle ændringer / all changes"
        return f"{laws}; {sel}"


def _span(lo: dt.date | None, hi: dt.date | None) -> str:
    return f"{lo.isoformat() if lo else '…'} – {hi.isoformat() if hi else '…'}"


# --------------------------------------------------------------------------- versions


@dataclass(frozen=True, slots=True)
class LawVersion:
    law_id: int
    slug: str
    title: str
    version_id: int
    eli: str
    signed: dt.date | None
    position: int


@dataclass(slots=True)
class ImpactInputs:
    """Everything `build_graph` and `impact` need from the database."""

    versions: dict[str, LawVersion]  # slug → the version the graph is built from
    provisions: dict[str, list[Provision]]
    key_aliases: dict[str, dict[str, str]]
    law_titles: dict[str, str]
    changes: list[ChangeInput] = field(default_factory=list)
    editorial_left_out: int = 0  # changes in the window that no amending act made
    # law → {"base": newest stored version, "changes": n, "acts": [...], "left_out": n}
    ahead: dict[str, dict[str, object]] = field(default_factory=dict)
    # ChangeInput index → (old_key, new_key) as stored, where carried to the graph numbering
    original_keys: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    change_versions: dict[int, str] = field(default_factory=dict)  # index → new version ELI


def _versions(session: Session) -> dict[str, list[LawVersion]]:
    """Every law's version chain, oldest first."""
    q = (select(Law.id, Law.slug, Law.popular_title, Law.title, Version.id, Version.eli,
                Version.signed, Version.valid_from, Version.position)
         .join(Version, Version.law_id == Law.id)
         .order_by(Law.slug, Version.position, Version.signed, Version.id))
    out: dict[str, list[LawVersion]] = {}
    for lid, slug, popular, title, vid, eli, signed, valid_from, pos in session.execute(q):
        out.setdefault(slug, []).append(
            LawVersion(lid, slug, popular or title, vid, eli, valid_from or signed, pos))
    return out


def version_at(chain: Sequence[LawVersion], at: dt.date | None) -> LawVersion | None:
    """The version in force at `at` (the newest whose date is not after it); None when the
    law had no version yet. `at=None` → the newest."""
    if at is None:
        return chain[-1] if chain else None
    dated = [v for v in chain if v.signed is None or v.signed <= at]
    return dated[-1] if dated else None


def _renames(session: Session, law_ids: Iterable[int]) -> dict[int, dict[int, dict[str, str]]]:
    """law id → new version id → {old key: new key} of that pair's RENUMBERED changes."""
    q = (select(ChangeRow.law_id, ChangeRow.new_version_id, ChangeRow.old_key, ChangeRow.new_key)
         .where(ChangeRow.kind == ChangeKind.RENUMBERED.value,
                ChangeRow.law_id.in_(list(law_ids))))
    out: dict[int, dict[int, dict[str, str]]] = {}
    for lid, vid, old, new in session.execute(q):
        if old and new and old != new:
            out.setdefault(lid, {}).setdefault(vid, {})[old] = new
    return out


def carry(key: str, renames: Sequence[Mapping[str, str]]) -> str:
    """A key through successive renumberings: the key itself, else its nearest renamed
    ancestor with the rest kept (stk. 3 → stk. 4 carries stk. 3, nr. 2 → stk. 4, nr. 2)."""
    for r in renames:
        if key in r:
            key = r[key]
            continue
        for anc in ancestors(key):
            if anc in r:
                key = r[anc] + key[len(anc):]
                break
    return key


def chain_aliases(pair_renames: Sequence[Mapping[str, str]], at: int) -> dict[str, str]:
    """Aliases onto version `at` of a chain, from the renames of each pair (index i: from
    version i-1 to i; index 0 is empty). Older keys are carried forward; newer keys (from
    versions after `at`) are carried back. Where both give a key, the newer numbering wins:
    the reference data (OS2bos, KLE) is more recent than most versions."""
    aliases: dict[str, str] = {}
    for i in range(1, at + 1):
        for old in pair_renames[i]:
            aliases[old] = carry(old, pair_renames[i:at + 1])
    back: dict[str, str] = {}  # key in version j's numbering → key in version `at`
    for j in range(at + 1, len(pair_renames)):
        r = pair_renames[j]
        nxt = {k: v for k, v in back.items() if k not in r}
        for old, new in r.items():
            nxt[new] = back.get(old, old)
        back = nxt
        aliases.update(back)  # every later numbering, the newest last
    return {k: v for k, v in aliases.items() if k != v}


def _graph_versions(chains: Mapping[str, list[LawVersion]], at: dt.date | None,
                    laws: Iterable[str] | None,
                    newest: Mapping[str, int] | None = None) -> dict[str, LawVersion]:
    """Per law: the version in force at `at`, but never older than the newest version a
    selected change belongs to (so every changed key is in the graph)."""
    wanted = set(laws) if laws else None
    out: dict[str, LawVersion] = {}
    for slug, chain in chains.items():
        if wanted is not None and slug not in wanted:
            continue
        v = version_at(chain, at)
        need = (newest or {}).get(slug)
        if need is not None and (v is None or v.position < need):
            v = next((x for x in chain if x.position >= need), chain[-1])
        if v is not None:
            out[slug] = v
    return out


def _inputs(session: Session, chains: Mapping[str, list[LawVersion]],
            versions: dict[str, LawVersion]) -> ImpactInputs:
    renames = _renames(session, {v.law_id for v in versions.values()})
    provisions: dict[str, list[Provision]] = {}
    aliases: dict[str, dict[str, str]] = {}
    for slug, v in versions.items():
        provisions[slug] = load_provisions(session, v.version_id)
        chain = chains[slug]
        per_pair = [renames.get(v.law_id, {}).get(x.version_id, {}) if i else {}
                    for i, x in enumerate(chain)]
        at = next(i for i, x in enumerate(chain) if x.version_id == v.version_id)
        if a := chain_aliases(per_pair, at):
            aliases[slug] = a
    empty = [s for s, p in provisions.items() if not p]
    if empty and len(empty) == len(provisions):
        raise ImpactDataError(
            "ingen bestemmelser i databasen / no provisions stored for "
            + ", ".join(f"{s} {versions[s].eli}" for s in empty)
            + ": kør / run `lovspor analyze` først / first")
    for s in empty:  # a law that was imported but not analysed: leave it out of the graph
        del provisions[s]
        del versions[s]
    return ImpactInputs(versions, provisions, aliases,
                        {s: v.title for s, v in versions.items()})


def _known_laws(chains: Mapping[str, list[LawVersion]], laws: Iterable[str]) -> None:
    unknown = [s for s in laws if s not in chains]
    if unknown:
        known = ", ".join(sorted(chains)) or "ingen / none (kør / run `lovspor import`)"
        raise ImpactDataError(f"ukendt lov / unknown law: {', '.join(unknown)} "
                              f"(kendte / known: {known})")


def graph_inputs(session: Session, laws: Sequence[str] = (),
                 at: dt.date | None = None) -> ImpactInputs:
    """Inputs for the whole graph (no changes): each law's version in force at `at`."""
    chains = _versions(session)
    _known_laws(chains, laws)
    if not chains:
        raise ImpactDataError("ingen love i databasen / no laws in the database: "
                              "kør / run `lovspor import PATH` og / and `lovspor analyze`")
    versions = _graph_versions(chains, at, laws or None)
    if not versions:
        raise ImpactDataError(f"ingen version i kraft / no version in force at {at}")
    return _inputs(session, chains, versions)


def impact_inputs(session: Session, window: Window) -> ImpactInputs:
    """The changes the window selects, and the graph inputs to explain them against.

    The graph holds every law in the database (cross-references between laws, KLE references
    to other laws), each at its version in force at the window's end; `window.laws` only
    selects whose changes are walked."""
    chains = _versions(session)
    _known_laws(chains, window.laws)
    ids = {chain[0].law_id: slug for slug, chain in chains.items()}
    positions = {v.version_id: (slug, v) for slug, c in chains.items() for v in c}
    rows = _change_rows(session, window, [chains[s][0].law_id for s in window.laws])
    ahead = _ahead(session, window, chains) if window.ahead else {}
    left_out = 0
    if not window.editorial:
        kept = [r for r in rows if r.attribution != "no_act"]
        left_out = len(rows) - len(kept)
        if rows and not kept and not any(a for a, _ in ahead.values()):
            raise ImpactDataError(
                f"ingen ændringer / no changes for {window.describe()} made by an amending act: "
                f"{left_out} redaktionelle ændringer (ingen ændringslov bag, fx ressortændringer) "
                "er udeladt / editorial changes left out — vis dem med / show them with "
                "--include-editorial")
        rows = kept
    if not rows and not any(a for a, _ in ahead.values()):
        raise ImpactDataError(_no_changes_message(session, window))
    newest: dict[str, int] = {slug: chains[slug][-1].position
                              for slug, (a, _) in ahead.items() if a}
    for r in rows:
        slug, v = positions[r.new_version_id]
        newest[slug] = max(newest.get(slug, -1), v.position)
    end = window.end
    if window.act and end is None:  # an act: the newest version carrying its changes
        dates = [positions[r.new_version_id][1].signed for r in rows]
        end = max((d for d in dates if d), default=None)
    versions = _graph_versions(chains, end, None, newest)
    inputs = _inputs(session, chains, versions)
    inputs.editorial_left_out = left_out
    renames = _renames(session, {v.law_id for v in versions.values()})
    # filtering by act: the change is shown as that act's, even when another act came first
    by_act = attributions_of(session, (r.id for r in rows)) if window.act else {}
    for r in rows:
        slug = ids[r.law_id]
        if slug not in versions:
            continue
        _slug, v = positions[r.new_version_id]
        chain = chains[slug]
        target = versions[slug].position
        later = [renames.get(r.law_id, {}).get(x.version_id, {})
                 for x in chain if v.position < x.position <= target]
        change = change_from_row(r)
        new_key = carry(change.new_key, later) if change.new_key else None
        old_key = change.old_key
        if old_key is not None:
            # a kept provision is one provision: its old key names it in the graph version too
            # (else a renumbered stk. 3 → 4 would also hit whatever is numbered stk. 3 now);
            # a repealed stk./nr. has no successor, and its number may since have been given
            # to another provision: the change is one to its (carried) parent
            parents = ancestors(old_key)
            old_key = (new_key if new_key else carry(parents[0], later) if parents
                       else carry(old_key, later))
        moved = replace(change, old_key=old_key, new_key=new_key)
        i = len(inputs.changes)
        if (moved.old_key, moved.new_key) != (change.old_key, change.new_key):
            inputs.original_keys[i] = (change.old_key, change.new_key)
        inputs.change_versions[i] = v.eli
        att = next((a for a in by_act.get(r.id, ()) if a.act_eli == window.act), None)
        att = att or best_attribution(r)
        inputs.changes.append(ChangeInput(slug, moved, att, att.in_force if att else r.in_force,
                                          r.signed))
    for slug, (changes, info) in sorted(ahead.items()):
        if slug not in versions or versions[slug].position != chains[slug][-1].position:
            continue  # the graph is not at the version the look ahead starts from
        inputs.ahead[slug] = {**info, "changes": len(changes)}
        for c, att, signed in changes:
            inputs.change_versions[len(inputs.changes)] = f"{info['base']} + {att.act_label}"
            inputs.changes.append(ChangeInput(slug, c.change, att, att.in_force, signed,
                                              unofficial=True))
    return inputs


AheadChange = tuple[Any, Any, dt.date | None]  # (AttributedChange, chosen Attribution, signed)


def _ahead(session: Session, window: Window,
           chains: Mapping[str, list[LawVersion]]) -> dict[str, tuple[list[AheadChange], dict]]:
    """Per law: the look-ahead changes the window selects (attributed ones only: a change no
    replayed item made is an artefact of the replay), and what the look ahead used."""
    from lovspor.amendments import ActCache, look_ahead, stored_acts

    acts = stored_acts(session)
    if not acts:
        return {}
    cache_ = ActCache()
    until = window.in_force_to if (window.in_force_from or window.in_force_to) else None
    out: dict[str, tuple[list[AheadChange], dict]] = {}
    for slug in (window.laws or tuple(chains)):
        res = look_ahead(session, slug, until, acts=acts, cache_=cache_)
        if res is None or not res.changes:
            continue
        picked: list[AheadChange] = []
        for c in res.changes:
            for att in c.attributions:
                signed = res.act_signed.get(att.act_eli)
                if _ahead_selected(window, att, signed):
                    picked.append((c, att, signed))
                    break
        if not picked:
            continue
        out[slug] = (picked, {
            "base": res.base_eli,
            "acts": sorted({a.act_label for _c, a, _s in picked}),
            "left_out": len(res.left_out),
            "acts_not_stored": [a["eli"] for a in res.acts_not_stored],
        })
    return out


def _ahead_selected(window: Window, att: Any, signed: dt.date | None) -> bool:
    from lovspor.amendments import ahead_selected

    return ahead_selected(att, signed, act=window.act,
                          in_force=(window.in_force_from, window.in_force_to),
                          signed_in=(window.date_from, window.date_to))


def _change_rows(session: Session, window: Window, law_ids: Sequence[int]) -> list[ChangeRow]:
    q = select(ChangeRow).order_by(ChangeRow.law_id, ChangeRow.signed, ChangeRow.id)
    if law_ids:
        q = q.where(ChangeRow.law_id.in_(law_ids))
    if window.date_from:
        q = q.where(ChangeRow.signed >= window.date_from)
    if window.date_to:
        q = q.where(ChangeRow.signed <= window.date_to)
    if window.act:
        q = q.where(made_by((window.act,)))
    if window.in_force_from:
        q = q.where(ChangeRow.in_force >= window.in_force_from)
    if window.in_force_to:
        q = q.where(ChangeRow.in_force <= window.in_force_to)
    return list(session.scalars(q))


def _no_changes_message(session: Session, window: Window) -> str:
    """Say which selection came back empty, and why when the database can tell."""
    base = f"ingen ændringer / no changes for {window.describe()}"
    total = session.scalar(select(func.count()).select_from(ChangeRow)) or 0
    if not total:
        return (f"{base}: databasen har ingen ændringer / the database holds no changes — "
                "kør / run `lovspor import PATH` og / and `lovspor analyze`")
    if window.act:
        n = session.scalar(select(func.count()).select_from(ChangeRow)
                           .where(ChangeRow.act_eli.is_not(None))) or 0
        if not n:
            return (f"{base}: ingen ændring er henført til en ændringslov endnu / no change is "
                    "attributed to an amending act yet (attribution missing)")
    if window.in_force_from or window.in_force_to:
        n = session.scalar(select(func.count()).select_from(ChangeRow)
                           .where(ChangeRow.in_force.is_not(None))) or 0
        if not n:
            return (f"{base}: ingen ændring har en ikrafttrædelsesdato endnu / no change has an "
                    "in-force date yet (attribution missing); brug / use --from/--to")
    span = select(func.min(ChangeRow.signed), func.max(ChangeRow.signed))
    if window.laws:
        span = span.join(Law, Law.id == ChangeRow.law_id).where(
            or_(*(Law.slug == s for s in window.laws)))
    lo, hi = session.execute(span).one()
    if lo:
        return f"{base} (ændringer findes / changes exist signed {lo} – {hi})"
    return f"{base}: loven har ingen analyserede ændringer / the law has no analysed changes"


# --------------------------------------------------------------------------- sources


@dataclass(slots=True)
class Sources:
    os2bos: OS2bosData | None
    kle: KlePlan | None
    kl_processing: list[ProcessingActivity]
    user: list[UserProcedure]
    problems: list[str]  # "file:line: message", loader problems and missing parts
    seconds: float = 0.0  # time to load (0 when every part came from the cache)


_CACHE: dict[tuple[str, str, int, int], object] = {}


def _stamp(path: Path) -> tuple[int, int]:
    """Size and mtime of a file, or of the newest file in a folder (a folder changes when
    any file in it does)."""
    if path.is_file():
        st = path.stat()
        return st.st_size, st.st_mtime_ns
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), max((p.stat().st_mtime_ns for p in files),
                                                     default=0)


def _cached(kind: str, source: str | Path, load):  # type: ignore[no-untyped-def]
    if isinstance(source, Path):
        key = (kind, str(source.resolve()), *_stamp(source))
    else:
        key = (kind, source, 0, 0)
    if key not in _CACHE:
        for k in [k for k in _CACHE if k[:2] == key[:2]]:
            del _CACHE[k]  # an older stamp of the same file
        _CACHE[key] = load(source)
    return _CACHE[key]


def clear_cache() -> None:
    _CACHE.clear()


def default_impact_dir() -> tuple[Path | None, Path]:
    """The impact folder (or None) and where it was looked for: $LOVSPOR_IMPACT_DIR, else
    impact/ in the shared folder ($LOVSPOR_SHARED or ../shared beside the checkout)."""
    env = os.environ.get("LOVSPOR_IMPACT_DIR")
    if env:
        p = Path(env)
        return (p if p.is_dir() else None), p
    from lovspor.settings import shared_dir

    shared = os.environ.get("LOVSPOR_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parent.parent.parent / "shared"
    found = shared_dir()
    if found is not None:
        base = found
    p = base / "impact"
    return (p if p.is_dir() else None), p


def load_sources(impact_dir: Path | None, kle: str | Path | None = None,
                 mappings: Sequence[Path] = ()) -> Sources:
    """OS2bos, KLE and KL's register from `impact_dir` (each part optional, missing ones are
    reported), KLE from `kle` (a file or URL) when given, plus the user's mapping files."""
    t0 = time.perf_counter()
    problems: list[str] = []
    os2 = None
    acts: list[ProcessingActivity] = []
    if impact_dir is not None:
        if (impact_dir / "os2bos").is_dir():
            os2 = _cached("os2bos", impact_dir / "os2bos", load_os2bos)
            problems += [str(p) for p in os2.problems]
        else:
            problems.append(f"{impact_dir / 'os2bos'}: mappe mangler / folder missing")
        if (impact_dir / "kl-processing").is_dir():
            acts, kp = _cached("kl", impact_dir / "kl-processing", load_kl_processing)
            problems += [str(p) for p in kp]
        else:
            problems.append(f"{impact_dir / 'kl-processing'}: mappe mangler / folder missing")
        if kle is None:
            if (impact_dir / KLE_FILE).is_file():
                kle = impact_dir / KLE_FILE
            else:
                problems.append(f"{impact_dir / KLE_FILE}: KLE mangler / missing (use --kle)")
    plan = None
    if kle is not None:
        src: str | Path = kle if isinstance(kle, Path) or "://" in str(kle) else Path(kle)
        if isinstance(src, Path) and not src.is_file():
            raise ImpactDataError(f"KLE-fil findes ikke / KLE file not found: {src}")
        try:
            plan = _cached("kle", src, load_kle)
        except OSError as exc:
            raise ImpactDataError(f"KLE kunne ikke hentes / could not load KLE from {src}: "
                                  f"{exc}") from exc
        if not plan.subjects:
            # Not a KLE plan at all (`--kle /etc/passwd`): an error, not a warning that
            # quietly drops every KLE path from the impact.
            why = str(plan.problems[0]) if plan.problems else "no <Emne> elements"
            raise ImpactDataError(f"{src} er ikke en KLE-emneplan / is not a KLE emneplan: {why}")
        problems += [str(p) for p in plan.problems]
    user: list[UserProcedure] = []
    for m in mappings:
        if not Path(m).is_file():
            raise ImpactDataError(f"mapping-fil findes ikke / mapping file not found: {m}")
        procs, up = load_user_mappings(Path(m))  # not cached: small and often edited
        user += procs
        problems[:0] = [str(p) for p in up]  # the user's own file first: it is theirs to fix
    return Sources(os2, plan, list(acts), user, problems, time.perf_counter() - t0)


def problem_lines(problems: Sequence[LoadProblem | str], limit: int = 8) -> list[str]:
    """The first `limit` problems and a count of the rest, for stderr."""
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… og / and {len(problems) - limit} mere / more")
    return lines

"""Consolidation ahead: apply amending-act instructions to a version → the predicted next one.

A consolidated act (LBK) is published months after the amendments take effect; until then a
jurist must apply the items by hand. This module does it mechanically, item by item, each
against the result of the previous one, and says for every instruction whether it applied
and, if not, why. The result is Lovspor's *unofficial* consolidation: ``label`` says so and
names the acts applied. `check_against` compares a prediction with the real next LBK, which
is how the consolidator (and the instruction parser behind it) is measured.

Pure: provisions in, provisions out; no I/O.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from lawdiff import keys as provkeys
from lawdiff.amend import Action, AmendmentItem, Instruction, Target, TargetKind, level_of
from lawdiff.model import Level, Provision

__all__ = [
    "REPEALED",
    "CheckReport",
    "ConsolidationResult",
    "InstructionResult",
    "ProvisionCheck",
    "apply_instructions",
    "check_against",
    "editorial_kind",
    "is_editorial",
    "is_ministry_rename",
    "is_omitted",
    "is_placeholder",
    "normalise",
]

REPEALED = "(Ophævet)"
UNOFFICIAL = (
    "Lovspor's unofficial consolidation (not an official text; predicted by applying the "
    "amending acts' instructions mechanically)"
)

_WS = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")
_SPACE_PUNCT = re.compile(r"\s+([,.;:)])")
_SENT_END = re.compile(r"[.!?]\s+(?=[A-ZÆØÅ§])")
# Only abbreviations that can stand before a capital or "§" mid-sentence ("jf. § 5"); "stk.",
# "nr.", "pkt.", "m.v." and numbers before a capital end a punktum.
_ABBREV = re.compile(r"\b(?:jf|Jf|jfr|bl\.a|f\.eks|evt|inkl|dvs|vedr|iht|hhv|ca)$")
_DANGLING_COMMA = re.compile(r",\s*([.;:])")
_OWN_LABEL = re.compile(r"^\s*(?:Stk\.\s*\d+\s*[a-zæøå]?\.|\(?\d+\s*[a-zæøå]?\)|[a-zæøå]\))\s+")
_LABEL_FMT = {Level.STK: "Stk. {}.", Level.NR: "{})", Level.LITRA: "{})"}


def normalise(text: str) -> str:
    """Whitespace-folded text without soft hyphens or blanks before punctuation ("nr. 4 ,"
    is a typesetting accident, not a change); "(Ophævet)." and "(Ophævet)" are the same."""
    t = _WS.sub(" ", _INVISIBLE.sub("", text.replace("\u00a0", " "))).strip()
    t = _SPACE_PUNCT.sub(r"\1", t)
    if t.rstrip(".").lower() == REPEALED.lower():
        return REPEALED
    return t


def sentences(text: str) -> list[str]:
    """A provision's text → its punktummer (a split at ". X" unless "jf.", "stk.", "nr." …)."""
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        head = text[start : m.start()]
        if _ABBREV.search(head):
            continue
        out.append(text[start : m.start() + 1].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


@dataclass(frozen=True, slots=True)
class InstructionResult:
    instruction: Instruction
    status: str  # "applied" | "failed" | "skipped" (not modelled: headings, annexes, …)
    reason: str = ""
    keys: tuple[str, ...] = ()  # keys it touched, as they were right after it applied


@dataclass(frozen=True)
class ConsolidationResult:
    """The predicted provisions, what happened to each instruction, and provenance.

    ``provenance``: final key → the instructions that touched that provision (in order);
    ``removed``: key in the input version → the instruction that removed it.
    """

    provisions: tuple[Provision, ...]
    results: tuple[InstructionResult, ...]
    acts: tuple[str, ...] = ()
    provenance: Mapping[str, tuple[Instruction, ...]] = field(default_factory=dict)
    removed: Mapping[str, Instruction] = field(default_factory=dict)

    @property
    def label(self) -> str:
        acts = "; ".join(self.acts) if self.acts else "no acts named"
        return f"{UNOFFICIAL}. Acts applied: {acts}."

    @property
    def applied(self) -> int:
        return sum(r.status == "applied" for r in self.results)

    @property
    def failed(self) -> tuple[InstructionResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")


class _Fail(Exception):
    pass


class _Skip(Exception):
    pass


@dataclass(slots=True)
class _Entry:
    prov: Provision
    origin: str | None  # key in the input version; None for inserted provisions
    fresh: int = -1  # group number of the item that inserted it
    touched: list[Instruction] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.prov.key


def _level_of(part: str) -> Level:
    return level_of(part) or Level.PARAGRAF


def _number_of(key: str) -> str:
    return key.rsplit(", ", 1)[-1].split(" ", 1)[-1]


def _make(key: str, text: str) -> Provision:
    level = _level_of(key.rsplit(", ", 1)[-1])
    number = _number_of(key)
    parent = provkeys.parent(key)
    label = f"§ {number}." if level is Level.PARAGRAF else _LABEL_FMT[level].format(number)
    return Provision(key, level, number, label, parent, normalise(text), 0)


class _Engine:
    def __init__(self, provisions: Sequence[Provision]) -> None:
        self.entries = [_Entry(replace(p, text=normalise(p.text)), p.key) for p in provisions]
        self.renamed: dict[str, str] = {}
        self.removed: dict[str, Instruction] = {}
        self.group = 0
        self.note = ""  # a partial failure of the instruction being applied
        self._positions: dict[str, int] | None = None  # key → first index; None: stale

    def changed(self) -> None:
        """Keys or positions moved: the lookup table is rebuilt on the next lookup."""
        self._positions = None

    # --- lookup ---------------------------------------------------------------------------
    def index(self, key: str) -> int | None:
        # One table per state of the entries, not a scan per lookup: an item renumbering
        # two thousand stk. looks each of them up.
        if self._positions is None:
            self._positions = {}
            for i, e in enumerate(self.entries):
                self._positions.setdefault(e.key, i)
        found = self._positions.get(key)
        if found is not None:
            return found
        # "§ 2, nr. 9" in a § with one unnumbered stk. is "§ 2, stk. 1, nr. 9"
        parts = key.split(", ")
        if len(parts) > 1 and not parts[1].startswith("stk."):
            return self._positions.get(", ".join([parts[0], "stk. 1", *parts[1:]]))
        return None

    def subtree(self, i: int) -> range:
        key = self.entries[i].key
        j = i + 1
        while j < len(self.entries) and self.entries[j].key.startswith(key + ", "):
            j += 1
        return range(i, j)

    def current_key(self, t: Target) -> str:
        if t.new_key and self.renamed.get(t.key) == t.new_key:
            return t.new_key
        if t.new_key and self.index(t.key) is None and self.index(t.new_key) is not None:
            return t.new_key
        return t.key

    def find(self, t: Target) -> int:
        key = self.current_key(t)
        i = self.index(key)
        if i is None:
            raise _Fail(f"{key} not found")
        return i

    def text_entry(self, t: Target) -> int:
        """The entry that holds a punktum target's text (a § holds its text in stk. 1)."""
        i = self.find(t)
        if self.entries[i].prov.level is Level.PARAGRAF:
            j = self.index(self.entries[i].key + ", stk. 1")
            if j is None:
                raise _Fail(f"{self.entries[i].key} has no stk. 1 to hold {t.pkt}. pkt.")
            return j
        return i

    def pkt_index(self, text: str, pkt: int) -> tuple[list[str], int]:
        sents = sentences(text)
        idx = len(sents) - 1 if pkt == -1 else pkt - 1
        if not 0 <= idx < len(sents):
            raise _Fail(f"{pkt}. pkt. not found ({len(sents)} punktummer)")
        return sents, idx

    def set_text(self, i: int, text: str, ins: Instruction) -> None:
        e = self.entries[i]
        e.prov = replace(e.prov, text=normalise(text))
        e.touched.append(ins)

    def remove(self, rng: range, ins: Instruction) -> None:
        for e in self.entries[rng.start : rng.stop]:
            if e.origin is not None:
                self.removed[e.origin] = ins
        del self.entries[rng.start : rng.stop]
        self.changed()

    def insert(self, at: int, provs: Sequence[Provision], ins: Instruction) -> list[str]:
        provs = _fit_keys(self, provs)
        new = [_Entry(replace(p, text=normalise(p.text)), None, self.group, [ins]) for p in provs]
        self.entries[at:at] = new
        self.changed()
        # A new § may reuse the number of one repealed earlier ("Efter § 113 indsættes:
        # § 114 …" where the version prints "§ 114. (Ophævet)"): the new § replaces it.
        for p in provs:
            if p.level is not Level.PARAGRAF:
                continue
            for i, e in enumerate(self.entries):
                if e.key == p.key and e.fresh != self.group and self._placeholder(i):
                    rng = self.subtree(i)
                    del self.entries[rng.start : rng.stop]
                    self.changed()
                    break
        return [p.key for p in provs]

    def _placeholder(self, i: int) -> bool:
        """A § printed only as "(Ophævet)"."""
        rng = self.subtree(i)
        texts = [self.entries[j].prov.text for j in rng]
        return len(texts) <= 2 and texts[-1] == REPEALED and not texts[0].strip(" .")


def _scope(eng: _Engine, t: Target) -> list[int]:
    """Entries a text operation may act on."""
    if t.kind is TargetKind.LAW:
        return list(range(len(eng.entries)))
    if t.kind is not TargetKind.PROVISION:
        raise _Skip(f"{t.kind.value} targets are not modelled as provisions")
    if t.pkt is not None:
        return [eng.text_entry(t)]
    return list(eng.subtree(eng.find(t)))


def _pattern(text: str, loose: bool = False) -> re.Pattern[str]:
    """``text`` as a pattern: whitespace-tolerant, and never matching inside a word (an
    anchor »under« must not match the start of "undersøgelse"). ``loose``: commas between
    words optional — acts sometimes quote the law with a comma more or less than the
    version in force (»§ 119 nr. 3« for "§ 119, nr. 3")."""
    text = normalise(text) if text.strip() else text
    if loose and text.strip(" ,"):
        words = [w.strip(",") for w in text.split() if w.strip(",")]
        body = r",?\s*".join(re.escape(w) for w in words)
        text = " ".join(words)
    elif text.strip():
        body = r"\s*".join(re.escape(w) for w in text.split())
    else:
        body = re.escape(text)
    head = r"(?<!\w)" if text[:1].isalnum() else ""
    tail = r"(?!\w)" if text[-1:].isalnum() else ""
    return re.compile(head + body + tail)


def _sub(
    text: str, old: str, new: str | Callable[[str], str], count: int, loose: bool = False
) -> tuple[str, int]:
    """Replace up to ``count`` (0: all) occurrences of ``old``; whitespace-tolerant. ``new``
    may be a function of the matched text (to insert before or after it)."""
    pat = _pattern(old, loose)
    n = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal n
        if count and n >= count:
            return m.group(0)
        n += 1
        return new(m.group(0)) if callable(new) else new

    return pat.sub(repl, text), n


def _tidy(text: str) -> str:
    text = _WS.sub(" ", text)
    text = re.sub(r"\s+([,.;:)])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = _DANGLING_COMMA.sub(r"\1", text)  # "jf. § 107, eller § 144." minus »eller § 144«
    return text.strip()


_TextFn = Callable[[str, int, bool], tuple[str, int]]


def _edit_entries(
    eng: _Engine, ins: Instruction, t: Target, fn: _TextFn, scope: Sequence[int], want: int,
    loose: bool,
) -> tuple[int, list[str]]:  # fmt: skip
    hits = 0
    touched: list[str] = []
    for i in scope:
        e = eng.entries[i]
        left = want - hits if want else 0
        if t.pkt is not None:
            try:
                sents, idx = eng.pkt_index(e.prov.text, t.pkt)
            except _Fail:
                # "1. pkt. ophæves, og i 2. pkt., der bliver 1. pkt., udgår …"
                if t.new_pkt is None:
                    raise
                sents, idx = eng.pkt_index(e.prov.text, t.new_pkt)
            new, n = fn(sents[idx], left, loose)
            if n:
                sents[idx] = new
                eng.set_text(i, " ".join(sents), ins)
        else:
            new, n = fn(e.prov.text, left, loose)
            if n:
                eng.set_text(i, new, ins)
        if n:
            touched.append(e.key)
        hits += n
        if want and hits >= want:
            break
    return hits, touched


def _text_op(eng: _Engine, ins: Instruction, fn: _TextFn) -> list[str]:
    """Apply a text edit to every target; ``fn(text, count, loose) -> (new text, hits)``.

    Where the quoted text is not found: first with optional commas (``loose``), then — for
    a nr./litra target — in its parent's own text, which holds the words printed after the
    list ("… nr. 4, og barnets … jf. § 52, stk. 3, nr. 8" is in stk. 1, not in nr. 4)."""
    touched: list[str] = []
    missed: list[str] = []
    notes: list[str] = []
    for t in ins.targets:
        occ = t.occurrences if t.occurrences is not None else ins.occurrences
        want = 0 if occ == 0 else (occ or 1)
        try:
            scope = _scope(eng, t)
        except _Fail as exc:
            missed.append(str(exc))
            continue
        hits, keys = _edit_entries(eng, ins, t, fn, scope, want, False)
        if not hits:
            hits, keys = _edit_entries(eng, ins, t, fn, scope, want, True)
            if hits:
                notes.append(f"matched {t} ignoring commas")
        if (
            not hits
            and t.pkt is None
            and scope
            and eng.entries[scope[0]].prov.level
            in (
                Level.NR,
                Level.LITRA,
            )
        ):
            parent = eng.index(eng.entries[scope[0]].prov.parent or "")
            if parent is not None:
                for loose in (False, True):
                    hits, keys = _edit_entries(eng, ins, t, fn, [parent], want, loose)
                    if hits:
                        notes.append(f"matched {t} in the text after its list")
                        break
        touched.extend(keys)
        if hits == 0:
            missed.append(f"text not found in {t}")
    if missed and not touched:
        raise _Fail("; ".join(missed))
    eng.note = "; ".join(missed + notes)
    return touched


def _replace_text(eng: _Engine, ins: Instruction) -> list[str]:
    old, new = ins.old_text or "", ins.new_text or ""

    def fn(text: str, count: int, loose: bool) -> tuple[str, int]:
        out, n = _sub(text, old, new, count, loose)
        return (_tidy(out) if not new else out), n

    return _text_op(eng, ins, fn)


def _delete_text(eng: _Engine, ins: Instruction) -> list[str]:
    old = ins.old_text or ""
    anchor = ins.anchor_text

    def fn(text: str, count: int, loose: bool) -> tuple[str, int]:
        if anchor:
            a = text.find(anchor)
            if a < 0:
                return text, 0
            head, tail = text[: a + len(anchor)], text[a + len(anchor) :]
            out, n = _sub(tail, old, "", 1, loose)
            return _tidy(head + " " + out), n
        out, n = _sub(text, old, "", count, loose)
        return _tidy(out), n

    return _text_op(eng, ins, fn)


def _joined(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    if b[0] in ",.;:)" or a[-1] in "(":
        return a + b
    return f"{a} {b}"


def _insert_text(eng: _Engine, ins: Instruction) -> list[str]:
    anchor, new = ins.anchor_text or "", ins.new_text or ""
    after = ins.position != "before"

    def fn(text: str, count: int, loose: bool) -> tuple[str, int]:
        return _sub(
            text,
            anchor,
            lambda found: _joined(found, new) if after else _joined(new, found),
            count,
            loose,
        )

    return _text_op(eng, ins, fn)


def _remove_target(eng: _Engine, t: Target, ins: Instruction) -> tuple[int, str]:
    """Remove a provision (or mark a § repealed, as LBKs print it); return where it was."""
    if t.kind is TargetKind.CHAPTER:
        label = f"Kapitel {t.key.split(' ', 1)[1]} ·"
        idx = [
            i for i, e in enumerate(eng.entries)
            if (e.prov.chapter or "").lower().startswith(label.lower()) and e.prov.level is Level.PARAGRAF
        ]  # fmt: skip
        if not idx:
            raise _Fail(f"{t.key} not found")
        for i in reversed(idx):
            _repeal_paragraph(eng, i, ins)
        return idx[0], t.key
    if t.kind is not TargetKind.PROVISION:
        raise _Skip(f"{t.kind.value} targets are not modelled as provisions")
    if t.pkt is not None:
        i = eng.text_entry(t)
        sents, idx = eng.pkt_index(eng.entries[i].prov.text, t.pkt)
        _drop_list_of_last_pkt(eng, i, idx, len(sents), ins)
        del sents[idx]
        eng.set_text(i, " ".join(sents), ins)
        return i, eng.entries[i].key
    i = eng.find(t)
    key = eng.entries[i].key
    if eng.entries[i].prov.level is Level.PARAGRAF:
        _repeal_paragraph(eng, i, ins)
    else:
        eng.remove(eng.subtree(i), ins)
    return i, key


def _repeal_paragraph(eng: _Engine, i: int, ins: Instruction) -> None:
    key = eng.entries[i].key
    rng = eng.subtree(i)
    head = eng.entries[i]
    eng.remove(range(rng.start + 1, rng.stop), ins)
    head.touched.append(ins)
    eng.insert(i + 1, [_make(f"{key}, stk. 1", REPEALED)], ins)


def _repeal(eng: _Engine, ins: Instruction) -> list[str]:
    keys: list[str] = []
    for t in sorted(ins.targets, key=lambda t: -(t.pkt or 0)):  # later punktummer first
        if t.kind is TargetKind.HEADING:
            continue
        keys.append(_remove_target(eng, t, ins)[1])
    if not keys and all(t.kind is TargetKind.HEADING for t in ins.targets):
        raise _Skip("headings are not modelled as provisions")
    return keys


def _new_provisions(ins: Instruction, keys: Sequence[str] = ()) -> list[Provision]:
    if ins.new_provisions:
        return list(ins.new_provisions)
    keys = keys or ins.new_keys
    if ins.new_text and len(keys) == 1:
        return [_make(keys[0], ins.new_text)]
    raise _Fail("new text without readable provisions")


def _rewrite(eng: _Engine, ins: Instruction) -> list[str]:
    """ "affattes således" and "ophæves, og i stedet indsættes": replace in place."""
    t0 = ins.targets[0]
    if t0.kind is TargetKind.HEADING:
        raise _Skip("headings are not modelled as provisions")
    if t0.kind is not TargetKind.PROVISION:
        raise _Skip(f"{t0.kind.value} targets are not modelled as provisions")
    if t0.pkt is not None:
        # a punktum: the new text takes its place (several punktummer: the first, rest removed)
        i = eng.text_entry(t0)
        sents, idx = eng.pkt_index(eng.entries[i].prov.text, t0.pkt)
        drop = sorted(
            {eng.pkt_index(eng.entries[i].prov.text, t.pkt)[1] for t in ins.targets if t.pkt}
        )
        _drop_list_of_last_pkt(eng, i, idx, len(sents), ins)
        sents[idx] = ins.new_text or ""
        for d in reversed(drop):
            if d != idx:
                del sents[d]
        eng.set_text(i, " ".join(s for s in sents if s), ins)
        return [eng.entries[i].key]
    keys = [eng.current_key(t) for t in ins.targets]
    first = eng.find(t0)
    level = eng.entries[first].prov.level
    if not ins.new_provisions and ins.new_text and len(ins.targets) == 1:
        if level is Level.PARAGRAF:
            raise _Fail("a § rewritten with text that has no provisions")
        rng = eng.subtree(first)
        eng.remove(range(rng.start + 1, rng.stop), ins)
        # "§ 32, stk. 2, affattes således: Stk. 2. Personer, …": the label is not text
        eng.set_text(first, _OWN_LABEL.sub("", ins.new_text, count=1), ins)
        return [eng.entries[first].key]
    provs = _new_provisions(ins, keys)
    if level is Level.PARAGRAF and provs and provs[0].level is not Level.PARAGRAF:
        provs = [_make(keys[0], ""), *provs]
    elif len(keys) == 1 and provs and all(p.key.startswith(keys[0] + ", ") for p in provs):
        # "§ 142, stk. 1, affattes således:" with a lead-in and a list: the list items are
        # provisions, the lead-in is the text of stk. 1 itself
        provs = [_make(keys[0], _lead_in(ins.new_text or "", provs)), *provs]
    at = first
    for t in sorted(ins.targets, key=lambda t: -eng.find(t)):
        i = eng.find(t)
        eng.remove(eng.subtree(i), ins)
        at = min(at, i)
    return eng.insert(at, provs, ins)


def _lead_in(text: str, items: Sequence[Provision]) -> str:
    """The words of ``text`` before its first list item and after its last."""
    t = normalise(text)
    first, last = normalise(items[0].text), normalise(items[-1].text)
    i = t.find(first) if first else -1
    j = t.rfind(last) if last else -1
    head = t[:i].strip() if i > 0 else ""
    tail = t[j + len(last) :].strip() if j >= 0 else ""
    return _joined(head, tail)


def _drop_list_of_last_pkt(eng: _Engine, i: int, idx: int, n: int, ins: Instruction) -> None:
    """A last punktum that leads into a list ("… i forhold til barnets eller den unges" +
    nr. 1-6) includes the list: replacing or repealing it removes the items too."""
    e = eng.entries[i]
    if idx != n - 1 or e.prov.text.rstrip().endswith((".", "!", "?")):
        return
    rng = eng.subtree(i)
    items = range(rng.start + 1, rng.stop)
    if items and all(eng.entries[j].prov.level in (Level.NR, Level.LITRA) for j in items):
        eng.remove(items, ins)


def _insert_at(eng: _Engine, ins: Instruction) -> int:
    """Index where new provisions go."""
    t = ins.targets[0]
    if t.kind is TargetKind.CHAPTER:
        label = f"Kapitel {t.key.split(' ', 1)[1]} ·".lower()
        idx = [
            i for i, e in enumerate(eng.entries) if (e.prov.chapter or "").lower().startswith(label)
        ]
        if not idx:
            raise _Fail(f"{t.key} not found")
        return idx[-1] + 1 if ins.position == "after" else idx[0]
    i = eng.find(t)
    if ins.position == "before":
        return i
    if ins.position == "after":
        return eng.subtree(i).stop
    # "som stk. 4": after the sibling before it, else at the end of the parent
    if ins.new_keys:
        new = ins.new_keys[0]
        parent, _, last = new.rpartition(", ")
        name, _, num = last.partition(" ")
        if num.isdigit() and parent:
            prev = eng.index(f"{parent}, {name} {int(num) - 1}")
            if prev is not None:
                return eng.subtree(prev).stop
    return eng.subtree(i).stop


def _insert(eng: _Engine, ins: Instruction) -> list[str]:
    t = ins.targets[0]
    if t.kind is TargetKind.HEADING:
        raise _Skip("headings are not modelled as provisions")
    if t.kind not in (TargetKind.PROVISION, TargetKind.CHAPTER):
        raise _Skip(f"{t.kind.value} targets are not modelled as provisions")
    if ins.new_pkt is not None or (
        t.pkt is not None and not ins.new_provisions and not ins.new_keys
    ):
        i = eng.text_entry(replace(t, pkt=t.pkt or 1))
        sents = sentences(eng.entries[i].prov.text)
        if ins.new_pkt is not None:
            pos = len(sents) if ins.new_pkt == -1 else ins.new_pkt - 1
        else:
            pos = (t.pkt or 0) if ins.position == "after" else (t.pkt or 1) - 1
        if not 0 <= pos <= len(sents):
            raise _Fail(f"cannot insert as {pos + 1}. pkt. in {len(sents)} punktummer")
        sents.insert(pos, ins.new_text or "")
        eng.set_text(i, " ".join(sents), ins)
        return [eng.entries[i].key]
    provs = _new_provisions(ins)
    return eng.insert(_insert_at(eng, ins), provs, ins)


def _renumber(eng: _Engine, ins: Instruction) -> list[str]:
    if ins.targets and all(
        t.kind not in (TargetKind.PROVISION, TargetKind.CHAPTER) for t in ins.targets
    ):
        raise _Skip(f"{ins.targets[0].kind.value} targets are not modelled as provisions")
    pairs = [_fit_pair(eng, o, n) for o, n in ins.renumber]
    mapping = dict(pairs)
    order = {old: n for n, old in enumerate(mapping)}
    touched: list[str] = []
    hit = set()
    for e in eng.entries:
        if e.fresh == eng.group:
            continue
        # The key itself or one of its ancestors is renumbered (the first such pair wins):
        # a lookup per key level, not a scan of every pair.
        parts = e.key.split(", ")
        heads = [", ".join(parts[: k + 1]) for k in range(len(parts))]
        old = min((h for h in heads if h in mapping), key=order.__getitem__, default=None)
        if old is None:
            continue
        new = mapping[old]
        key = new + e.key[len(old) :]
        parent = e.prov.parent
        if parent and (parent == old or parent.startswith(old + ", ")):
            parent = new + parent[len(old) :]
        e.prov = replace(e.prov, key=key, parent=parent, number=_number_of(key))
        e.touched.append(ins)
        touched.append(key)
        hit.add(old)
    eng.changed()
    missing = [o for o in mapping if o not in hit]
    if missing and len(missing) == len(mapping):
        raise _Fail(f"nothing to renumber: {', '.join(missing)} not found")
    for (old, new), (raw_old, raw_new) in zip(pairs, ins.renumber, strict=True):
        eng.renamed[old] = new
        eng.renamed[raw_old] = raw_new  # "§ 66, nr. 3, der bliver nr. 4" uses the printed key
    return touched


def _fit_pair(eng: _Engine, old: str, new: str) -> tuple[str, str]:
    """ "§ 59, nr. 4" → "§ 59, stk. 1, nr. 4" when that is where the item lives."""
    i = eng.index(old)
    if i is None or eng.entries[i].key == old:
        return old, new
    head = old.split(", ", 1)[0]
    fitted = new if ", stk." in new else new.replace(head + ", ", head + ", stk. 1, ", 1)
    return eng.entries[i].key, fitted


def _fit_keys(eng: _Engine, provs: Sequence[Provision]) -> list[Provision]:
    """New text keyed "§ 59, nr. 1" goes under "§ 59, stk. 1" when the § has one stk."""
    out: list[Provision] = []
    for p in provs:
        parts = p.key.split(", ")
        if (
            len(parts) > 1
            and parts[1].split(" ")[0] in ("nr.", "litra")
            and eng.index(f"{parts[0]}, stk. 1") is not None
        ):
            key = ", ".join([parts[0], "stk. 1", *parts[1:]])
            p = replace(p, key=key, parent=key.rsplit(", ", 1)[0])
        out.append(p)
    return out


_HANDLERS = {
    Action.REPLACE_TEXT: _replace_text,
    Action.DELETE_TEXT: _delete_text,
    Action.INSERT_TEXT: _insert_text,
    Action.REPEAL: _repeal,
    Action.REWRITE: _rewrite,
    Action.REPEAL_AND_INSERT: _rewrite,
    Action.INSERT: _insert,
    Action.RENUMBER: _renumber,
}


def _flatten(
    instructions: Iterable[Instruction | AmendmentItem],
) -> list[tuple[int, Instruction]]:
    out: list[tuple[int, Instruction]] = []
    group = 0
    prev: tuple[str, str] | None = None
    for x in instructions:
        if isinstance(x, AmendmentItem):
            group += 1
            out.extend((group, i) for i in x.instructions)
            prev = None
            continue
        ident = (x.section, x.item)
        if ident != prev:
            group += 1
            prev = ident
        out.append((group, x))
    return out


def apply_instructions(
    provisions: Sequence[Provision],
    instructions: Iterable[Instruction | AmendmentItem],
    *,
    acts: Sequence[str] = (),
) -> ConsolidationResult:
    """Apply instructions (or whole items) in order, each against the previous result.

    Within one item, provisions the item itself inserted are not renumbered by its
    "Stk. 3-5 bliver herefter stk. 4-6" (the clause moves the old ones out of the way).
    A failed instruction leaves the text as it was and is reported with its reason.
    """
    eng = _Engine(provisions)
    results: list[InstructionResult] = []
    for group, ins in _flatten(instructions):
        eng.group = group
        eng.note = ""
        if ins.action is Action.UNPARSED:
            results.append(InstructionResult(ins, "failed", f"unparsed: {ins.reason}"))
            continue
        handler = _HANDLERS[ins.action]
        try:
            keys = handler(eng, ins)  # type: ignore[operator]
            results.append(InstructionResult(ins, "applied", eng.note, tuple(keys)))
        except _Skip as exc:
            results.append(InstructionResult(ins, "skipped", str(exc)))
        except _Fail as exc:
            results.append(InstructionResult(ins, "failed", str(exc)))
    provs = tuple(replace(e.prov, position=n) for n, e in enumerate(eng.entries, start=1))
    provenance = {e.key: tuple(e.touched) for e in eng.entries if e.touched}
    return ConsolidationResult(provs, tuple(results), tuple(acts), provenance, dict(eng.removed))


# --- check against the real next version ------------------------------------------------------

_MINISTRY = re.compile(r"minist|styrelse", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")


def _edit_groups(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """The word edits from ``a`` to ``b``, those fewer than four equal words apart joined:
    one renamed title is one edit ("videnskab, teknologi og udvikling" → "forskning,
    innovation og videregående uddannelser" is two opcodes around an unchanged "og")."""
    groups: list[list[int]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if groups and i1 - groups[-1][1] < 4:
            groups[-1][1], groups[-1][3] = i2, j2
        else:
            groups.append([i1, i2, j1, j2])
    return [(g[0], g[1], g[2], g[3]) for g in groups]


def _near_ministry(a: Sequence[str], b: Sequence[str], g: tuple[int, int, int, int]) -> bool:
    i1, i2, j1, j2 = g
    # a title spans several words: "Social-, børne- og integrationsministeren"
    window = " ".join([*a[max(0, i1 - 4) : i2 + 4], *b[max(0, j1 - 4) : j2 + 4]])
    return bool(_MINISTRY.search(window))


def is_ministry_rename(old: str, new: str) -> bool:
    """True if every edit from ``old`` to ``new`` replaces words in or beside a ministry
    title ("Ministeren for børn, …" → "Social- og indenrigsministeren"; also the later
    removal of a word such a renaming left behind: "indenrigsministeren forhold fastsætter")."""
    a, b = normalise(old).split(), normalise(new).split()
    groups = _edit_groups(a, b)
    return bool(groups) and all(_near_ministry(a, b, g) for g in groups)


def _bare(words: Sequence[str]) -> str:
    return _NON_WORD.sub("", "".join(words)).lower()


def _edits(x: str, y: str, limit: int) -> int:
    """Optimal-string-alignment distance of two words, cut at ``limit`` + 1."""
    if abs(len(x) - len(y)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(y) + 1))
    for i in range(1, len(x) + 1):
        cur = [i] + [0] * len(y)
        for j in range(1, len(y) + 1):
            cost = x[i - 1] != y[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and x[i - 1] == y[j - 2] and x[i - 2] == y[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _is_spelling(a: Sequence[str], b: Sequence[str]) -> bool:
    """One word for one word, a typo or an inflection put right ("særlig hjemlet" →
    "særligt hjemlet", "tilbudet" → "tilbuddet", "retplejes" → "retsplejes"), or one word
    split or joined ("udover" → "ud over"). Never a change of a number or a short word
    ("6" → "7", "for" → "på"): those change the law."""
    x, y = _bare(a), _bare(b)
    if x == y:
        return bool(x) or not (a or b)
    if len(a) != 1 or len(b) != 1 or any(c.isdigit() for c in x + y):
        return False
    if min(len(x), len(y)) < 4:
        return False
    return _edits(x, y, 2) <= min(2, max(len(x), len(y)) // 4)


def editorial_kind(old: str, new: str) -> str | None:
    """How a text changed when no act changed it, or None when it says something new.

    "ministry" (words in or beside a ministry's title: a ressortændring), "spelling" (a
    typo or an inflection put right, a word split or joined), "punctuation" (punctuation,
    case or spacing only). Each word edit must be one of these; the most telling is
    returned. Both texts must be there: a new or repealed provision is never editorial.
    """
    a, b = normalise(old).split(), normalise(new).split()
    if not a or not b:
        return None
    groups = _edit_groups(a, b)
    if not groups:
        return "punctuation" if old != new else None
    kinds: set[str] = set()
    for g in groups:
        i1, i2, j1, j2 = g
        if _bare(a[i1:i2]) == _bare(b[j1:j2]):
            kinds.add("punctuation" if i2 - i1 == j2 - j1 else "spelling")
        elif _near_ministry(a, b, g):
            kinds.add("ministry")
        elif i2 - i1 <= 3 and j2 - j1 <= 3 and _spelling_run(a[i1:i2], b[j1:j2]):
            kinds.add("spelling")
        else:
            return None
    return next(k for k in ("ministry", "spelling", "punctuation") if k in kinds)


def _spelling_run(a: Sequence[str], b: Sequence[str]) -> bool:
    """A short edit run whose words correct each other's spelling one by one (or as a
    split/join of the whole run)."""
    if _is_spelling(a, b):
        return True
    if len(a) != len(b):
        return False
    return all(_is_spelling([x], [y]) for x, y in zip(a, b, strict=True))


_PLACEHOLDER = re.compile(
    r"^[\s.()]*(?:ophævet|ophæves|udgået|udgår|udeladt|udelades)[\s.()]*$", re.IGNORECASE
)
_OMITTED = re.compile(
    r"^[\s.()]*(?:udeladt|udelades)[\s.()]*$|^\(\s*(?:vedrører|angår|indeholder)\b[^()]{0,300}"
    r"\budelad(?:t|es)\s*\)\.?$",
    re.IGNORECASE,
)


def is_placeholder(text: str) -> bool:
    """What a consolidated version prints where a provision was repealed or left out:
    "(Ophævet)", "Ophævet.", ". (ophævet)", "(Ophæves).", "(Udeladt)", "(Vedrører ændringer
    i anden lovgivning; udeladt)". No law text."""
    t = normalise(text)
    return bool(_PLACEHOLDER.match(t) or _OMITTED.match(t))


def is_omitted(text: str) -> bool:
    """A placeholder for text the consolidation left out ("(Udeladt)", "(Vedrører ændringer i
    anden lovgivning; udeladt)"): spent in-force or transitional rules, amendments of other
    laws. Left out by the ministry, not repealed by an act."""
    return bool(_OMITTED.match(normalise(text)))


def rename_mapping(pairs: Iterable[tuple[str, str]], least: int = 2) -> dict[str, str]:
    """The ministry renames (ressortændringer) a consolidated version made without an act:
    old name → new name, from text pairs that differ only by ministry titles, kept when the
    same replacement occurs at least ``least`` times and the old name is never replaced by
    anything else (a rename is applied consistently through a law)."""
    seen: dict[str, dict[str, int]] = {}
    for old, new in pairs:
        if not is_ministry_rename(old, new):
            continue
        a, b = normalise(old).split(), normalise(new).split()
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op != "replace":
                continue
            src, dst = " ".join(a[i1:i2]), " ".join(b[j1:j2])
            if _MINISTRY.search(src) and _MINISTRY.search(dst):  # a title for a title
                seen.setdefault(src, {}).setdefault(dst, 0)
                seen[src][dst] += 1
    return {
        src: next(iter(dsts))
        for src, dsts in seen.items()
        if len(dsts) == 1 and next(iter(dsts.values())) >= least
    }


def apply_renames(text: str, mapping: Mapping[str, str]) -> str:
    """``text`` with each old ministry name replaced by its new one (whole words only)."""
    out = normalise(text)
    for src in sorted(mapping, key=len, reverse=True):
        out = re.sub(rf"(?<![\w-]){re.escape(src)}(?![\w-])", mapping[src], out)
    return out


def is_editorial(old: str, new: str) -> bool:
    """True if ``old`` and ``new`` differ only in punctuation, case or spacing."""
    return _NON_WORD.sub("", old).lower() == _NON_WORD.sub("", new).lower()


@dataclass(frozen=True, slots=True)
class ProvisionCheck:
    key: str
    status: str  # "identical" | "different" | "missing" (not predicted) | "extra" (predicted only)
    predicted: str | None
    actual: str | None
    difference: str = ""  # word-level: [-removed-] {+added+}


@dataclass(frozen=True)
class CheckReport:
    rows: tuple[ProvisionCheck, ...]
    changed: tuple[str, ...] = ()  # keys that differ between the base and the actual version
    changed_identical: tuple[str, ...] = ()  # of those, the ones predicted exactly
    # changed keys no instruction touched whose change only renames a ministry or corrects
    # punctuation: a re-publication's work, not an act's — no consolidator can predict them
    without_act: tuple[str, ...] = ()
    # the ministry renames the actual version made (old → new), and the changed keys that
    # were predicted exactly once they are applied (marked editorial, counted apart)
    renames: Mapping[str, str] = field(default_factory=dict)
    renamed: tuple[str, ...] = ()

    @property
    def act_changed_rate_with_renames(self) -> float:
        """As `act_changed_rate`, with the detected ministry renames applied to the replay."""
        den = [k for k in self.changed if k not in self.without_act]
        good = {*self.changed_identical, *self.renamed} - set(self.without_act)
        return len([k for k in den if k in good]) / len(den) if den else 1.0

    @property
    def act_changed_rate(self) -> float:
        """Predicted exactly among the changes an amending act can explain."""
        den = [k for k in self.changed if k not in self.without_act]
        good = [k for k in self.changed_identical if k not in self.without_act]
        return len(good) / len(den) if den else 1.0

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    @property
    def changed_rate(self) -> float:
        return len(self.changed_identical) / len(self.changed) if self.changed else 1.0

    def problems(self) -> tuple[ProvisionCheck, ...]:
        return tuple(r for r in self.rows if r.status != "identical")


def _word_diff(a: str, b: str) -> str:
    aw, bw = a.split(), b.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=aw, b=bw, autojunk=False).get_opcodes():
        if op == "equal":
            seg = aw[i1:i2]
            out.append(
                " ".join(seg) if len(seg) <= 6 else f"{' '.join(seg[:3])} … {' '.join(seg[-3:])}"
            )
            continue
        if i2 > i1:
            out.append(f"[-{' '.join(aw[i1:i2])}-]")
        if j2 > j1:
            out.append(f"{{+{' '.join(bw[j1:j2])}+}}")
    return " ".join(out)


def _texts(provs: Iterable[Provision]) -> dict[str, str]:
    return {p.key: normalise(p.text) for p in provs}


_RANGE_KEY = re.compile(r"^§ (\d+(?: [a-zæøå])?)-(\d+(?: [a-zæøå])?)$")


def _is_placeholder(key: str, texts: Mapping[str, str]) -> bool:
    """``key`` is (part of) a "§ 117 a. (Ophævet)" the version prints for a § repealed
    before the previous one: typography, not an amendment."""
    head = key.split(", ", 1)[0]
    sub = {k: v for k, v in texts.items() if k == head or k.startswith(head + ", ")}
    return (
        sub.get(head, "") == ""
        and set(sub) <= {head, f"{head}, stk. 1"}
        and (sub.get(f"{head}, stk. 1") == REPEALED)
    )


def _collapse_ranges(p: dict[str, str], a: Mapping[str, str]) -> dict[str, str]:
    """Where the actual version prints consecutive repealed §§ as one "§§ 44-47. (Ophævet)",
    the predicted §§ 44, 45, 46, 46 a, 47, each "(Ophævet)", are the same text."""
    for key in a:
        m = _RANGE_KEY.match(key)
        if not m or key in p or a.get(f"{key}, stk. 1") != REPEALED:
            continue
        heads = [k for k in p if ", " not in k]
        lo, hi = f"§ {m.group(1)}", f"§ {m.group(2)}"
        if lo not in heads or hi not in heads:
            continue
        span = heads[heads.index(lo) : heads.index(hi) + 1]
        if not span or not all(_is_placeholder(h, p) for h in span):
            continue
        out: dict[str, str] = {}
        for k, v in p.items():
            if k.split(", ", 1)[0] in span:
                if k == lo:
                    out[key], out[f"{key}, stk. 1"] = "", REPEALED
                continue
            out[k] = v
        p = out
    return p


def check_against(
    predicted: Sequence[Provision],
    actual: Sequence[Provision],
    base: Sequence[Provision] | None = None,
    touched: Iterable[str] = (),
) -> CheckReport:
    """Per provision: identical / different (with the word difference) / missing / extra,
    comparing whitespace-normalised text. With ``base`` (the version the instructions were
    applied to), also which provisions really changed and how many of those were predicted
    exactly — the figure that measures the consolidator. ``touched`` (the keys of
    `ConsolidationResult.provenance`) lets the report set apart the changes no instruction
    made (ministry renames, editorial corrections)."""
    p, a = _texts(predicted), _texts(actual)
    p = _collapse_ranges(p, a)
    rows: list[ProvisionCheck] = []
    for key in dict.fromkeys([*a, *p]):
        pt, at = p.get(key), a.get(key)
        if pt is not None and at is not None:
            if pt == at:
                rows.append(ProvisionCheck(key, "identical", pt, at))
            else:
                rows.append(ProvisionCheck(key, "different", pt, at, _word_diff(pt, at)))
        elif at is not None:
            rows.append(ProvisionCheck(key, "missing", None, at))
        else:
            rows.append(ProvisionCheck(key, "extra", pt, None))
    changed: list[str] = []
    good: list[str] = []
    without: list[str] = []
    renamed: list[str] = []
    hit = set(touched)
    renames: dict[str, str] = {}
    if base is not None:
        b = _texts(base)
        renames = rename_mapping(
            (b[k], a[k]) for k in b if k in a and k not in hit and b[k] != a[k]
        )
        for key in dict.fromkeys([*b, *a]):
            bt, at = b.get(key), a.get(key)
            if bt == at:
                continue
            changed.append(key)
            if p.get(key) == at:
                good.append(key)
            elif renames and p.get(key) is not None and at is not None and \
                    apply_renames(p[key], renames) == at:
                renamed.append(key)
            elif key not in hit and (
                (
                    bt is not None
                    and at is not None
                    and (is_ministry_rename(bt, at) or is_editorial(bt, at))
                )
                or (bt is None and _is_placeholder(key, a))
            ):
                without.append(key)
    return CheckReport(tuple(rows), tuple(changed), tuple(good), tuple(without), renames,
                       tuple(renamed))

"""Draw the hand-reviewed precision sample of parsed instruction sentences (issue #12, item 2).

Population: every instruction the parser understood (`Instruction.parsed`) in every amending
act of ../shared/retsinfo and of ../shared/corpus/lta-2010-2013.tar.xz (an ELI in both is read
from retsinfo). Key: (ELI, section, item, position of the instruction in the item). 200 keys are
drawn with a fixed seed over the sorted keys, so the same parser output gives the same sample.

It writes ``instruction_sample.json.candidate`` only. The reviewed file
``instruction_sample.json`` holds a verdict per entry given by a person who read the Danish
sentence; it is never regenerated: ``--init`` creates it (verdicts null) only when it does not
exist, ``--diff`` lists the reviewed entries whose current parse differs (re-review those).

Run: python tests/expected/make_instruction_sample.py [--init | --diff]
(--diff re-parses the reviewed keys and prints each changed parse; it draws nothing.)
"""

from __future__ import annotations

import json
import random
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lawdiff.amend import Action, AmendingAct, Instruction, Target, TargetKind, parse_amending_act
from lawdiff.amend import _norm as norm_sentence
from lawdiff.parse import parse_document
from lovspor.settings import shared_dir

HERE = Path(__file__).resolve().parent
REVIEWED = HERE / "instruction_sample.json"
CANDIDATE = HERE / "instruction_sample.json.candidate"
SEED = 20261204
SIZE = 200
EXCERPT = 200
_TEXT_OPS = (Action.REPLACE_TEXT, Action.DELETE_TEXT, Action.INSERT_TEXT)


def target_str(t: Target) -> str:
    """A target as one readable string: kind, key, punktum, new number, inner key, count."""
    s = str(t)
    if t.new_pkt is not None and t.new_pkt != t.pkt and not (t.new_key and t.new_key != t.key):
        s += f" (bliver {t.new_pkt}. pkt.)"
    if t.kind is not TargetKind.PROVISION:
        s = f"{t.kind.value}: {s}"
    if t.occurrences is not None:
        s += " ×overalt" if t.occurrences == 0 else f" ×{t.occurrences}"
    return s


def compact(ins: Instruction) -> dict[str, Any]:
    """The fields a reviewer checks, empty ones left out."""
    out: dict[str, Any] = {"action": ins.action.value, "targets": [target_str(t) for t in ins.targets]}
    if ins.position:
        out["position"] = ins.position
    if ins.anchor_text is not None:
        out["anchor"] = ins.anchor_text
    if ins.old_text is not None:
        out["old"] = ins.old_text
    if ins.new_text is not None:
        out["new"] = ins.new_text if ins.action in _TEXT_OPS else ins.new_text[:EXCERPT]
    if ins.occurrences is not None:
        out["count"] = "overalt" if ins.occurrences == 0 else ins.occurrences
    if ins.new_keys:
        out["new_keys"] = list(ins.new_keys)
    if ins.new_pkt is not None:
        out["new_pkt"] = ins.new_pkt
    if ins.renumber:
        out["renumber"] = [list(p) for p in ins.renumber]
    if ins.new_provisions:
        # where the new text lands: a wrong key here is as wrong as a wrong target
        out["provisions"] = [p.key for p in ins.new_provisions]
    return out


def corpus_ok() -> bool:
    return (shared_dir(required=True) / "corpus" / "lta-2010-2013.tar.xz").is_file()


def _documents() -> Iterator[tuple[str, str, bytes]]:
    """(source, ELI, bytes) of every document, retsinfo first."""
    shared = shared_dir(required=True)
    for f in sorted((shared / "retsinfo").glob("eli/lta/*/*/xml")):
        yield "retsinfo", "lta/" + "/".join(f.parts[-3:-1]), f.read_bytes()
    with tarfile.open(shared / "corpus" / "lta-2010-2013.tar.xz", "r:xz") as tar:
        for member in tar:
            name = Path(member.name)
            if member.isfile() and name.suffix == ".xml":
                year, number = name.stem.split("-", 1)
                fh = tar.extractfile(member)
                assert fh is not None
                yield "corpus", f"lta/{year}/{number}", fh.read()


def act_of(data: bytes, eli: str) -> AmendingAct:
    return parse_amending_act(parse_document(data, eli))


def entry(source: str, act: AmendingAct, sec_label: str, number: str, pos: int) -> dict[str, Any]:
    """One sample entry, verdict not given."""
    sec = next(s for s in act.sections if s.label == sec_label)
    item = next(i for i in sec.items if i.number == number)
    ins = item.instructions[pos]
    nt = ""
    for sentence, text in zip(item.raw.definitions, item.raw.new_texts, strict=False):
        if norm_sentence(sentence) == ins.raw:
            nt = text
            break
    return {
        "key": [act.eli, sec_label, number, pos],
        "source": source,
        "act": act.label,
        "law": sec.law_title,
        "sentence": ins.raw,
        "new_text": norm_sentence(nt)[:EXCERPT] or None,
        "ops_in_sentence": sum(1 for x in item.instructions if x.raw == ins.raw),
        "parse": compact(ins),
        "verdict": None,
        "note": "",
    }


def draw() -> list[dict[str, Any]]:
    acts: dict[str, tuple[str, AmendingAct]] = {}
    for source, eli, data in _documents():
        if eli in acts:
            continue
        doc = parse_document(data, eli)
        if doc.amending_sections:
            acts[eli] = (source, parse_amending_act(doc))
    keys: list[tuple[str, str, str, int]] = []
    for eli, (_, act) in acts.items():
        for sec in act.sections:
            for item in sec.items:
                keys.extend(
                    (eli, sec.label, item.number, n)
                    for n, ins in enumerate(item.instructions)
                    if ins.parsed
                )
    keys.sort()
    picked = sorted(random.Random(SEED).sample(keys, SIZE))
    print(f"{len(acts)} amending acts, {len(keys)} parsed instructions, {SIZE} drawn")
    return [entry(acts[k[0]][0], acts[k[0]][1], k[1], k[2], k[3]) for k in picked]


def dump(entries: list[dict[str, Any]]) -> str:
    return json.dumps(entries, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> None:
    if "--diff" not in argv:
        entries = draw()
        CANDIDATE.write_text(dump(entries))
        print(f"wrote {CANDIDATE} (compare it with the reviewed file; never copy it over)")
    if "--init" in argv:
        if REVIEWED.exists():
            sys.exit(f"{REVIEWED} exists: a reviewed file is never regenerated")
        REVIEWED.write_text(dump(entries))
        print(f"wrote {REVIEWED}: review every entry by hand against the Danish text")
    if "--diff" in argv and REVIEWED.exists():
        # the reviewed keys, re-parsed (a fix changes the population, so never a new draw)
        reviewed = json.loads(REVIEWED.read_text())
        wanted = {e["key"][0] for e in reviewed}
        acts = {
            eli: act_of(data, eli) for _, eli, data in _documents() if eli in wanted
        }
        for e in reviewed:
            eli, sec, number, pos = e["key"]
            try:
                cur = entry(e["source"], acts[eli], sec, number, pos)
            except (StopIteration, IndexError):
                print(f"gone: {e['key']}")
                continue
            if cur["parse"] != e["parse"] or cur["sentence"] != e["sentence"]:
                print(f"changed: {e['key']}\n  reviewed: {e['parse']}\n  now:      {cur['parse']}")

if __name__ == "__main__":
    main(sys.argv[1:])

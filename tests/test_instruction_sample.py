"""The instruction parser's precision, from 200 parsed sentences reviewed by hand (issue #12).

tests/expected/instruction_sample.json was drawn once by tests/expected/make_instruction_sample.py
(fixed seed over every parsed instruction of ../shared/retsinfo and ../shared/corpus) and each
entry was then read against the Danish sentence: a verdict per entry, "was"/"fixed" where a wrong
parse was fixed. Here every sampled sentence is parsed again from its real document: a parser
change that alters a reviewed parse fails until someone re-reviews that entry (run the script with
--diff to list them), and precision must stay at or above 99 %.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.expected.make_instruction_sample import REVIEWED, SIZE, act_of, entry

ENTRIES: list[dict[str, Any]] = json.loads(REVIEWED.read_text())
VERDICTS = ("correct", "wrong")


def test_every_entry_reviewed() -> None:
    assert len(ENTRIES) == SIZE
    keys = [tuple(e["key"]) for e in ENTRIES]
    assert len(set(keys)) == SIZE, "a key drawn twice"
    unreviewed = [e["key"] for e in ENTRIES if e.get("verdict") not in VERDICTS]
    assert not unreviewed, f"{len(unreviewed)} entries without a verdict: {unreviewed[:5]}"
    for e in ENTRIES:
        assert e["verdict"] == "correct" or e["note"], f"{e['key']}: a wrong verdict says why"
        if "was" in e:
            assert e.get("fixed"), f"{e['key']}: a changed verdict says what was fixed"


def test_precision_at_least_99_percent() -> None:
    correct = sum(e["verdict"] == "correct" for e in ENTRIES)
    assert correct / SIZE >= 0.99, f"precision {correct}/{SIZE}"


def test_current_parse_equals_the_reviewed_one(retsinfo: Path, lta_corpus) -> None:  # type: ignore[no-untyped-def]
    by_doc: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in ENTRIES:
        by_doc[(e["source"], e["key"][0])].append(e)
    corpus_elis = sorted(eli for src, eli in by_doc if src == "corpus")
    files = dict(zip(corpus_elis, lta_corpus(*corpus_elis), strict=True))
    changed: list[str] = []
    for (source, eli), entries in sorted(by_doc.items()):
        path = files[eli] if source == "corpus" else retsinfo / "eli" / eli / "xml"
        act = act_of(path.read_bytes(), eli)
        for e in entries:
            _, sec, number, pos = e["key"]
            try:
                now = entry(source, act, sec, number, pos)
            except (StopIteration, IndexError):
                changed.append(f"{e['key']}: no such instruction any more")
                continue
            if (now["sentence"], now["parse"]) != (e["sentence"], e["parse"]):
                changed.append(f"{e['key']}: reviewed {e['parse']}, now {now['parse']}")
    assert not changed, (
        "parse of reviewed sentences changed; re-review them by hand "
        "(python tests/expected/make_instruction_sample.py --diff):\n" + "\n".join(changed)
    )

